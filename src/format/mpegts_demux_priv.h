/*
 * MPEG-TS demuxer internals shared by its two files (not a public
 * interface): mpegts_demux.c (sync, PSI, PES reassembly, timelines,
 * frames out) and mpegts_framing.c (pure parsers: which codec a PMT entry
 * carries, audio frame headers, LATM StreamMuxConfig).
 */
#ifndef SL_FORMAT_MPEGTS_DEMUX_PRIV_H
#define SL_FORMAT_MPEGTS_DEMUX_PRIV_H

#include "base/bits.h"
#include "codec/aac.h"
#include "codec/codec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define FOURCC(a, b, c, d)                                                     \
    (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8)      \
     | (uint32_t)(d))


/* How a track's PES payload becomes frames. */
enum kind {
    K_H264,
    K_H265,
    K_ADTS,
    K_LATM,
    K_MPA,
    K_AC3,
    K_OPUS,
    K_KLV,      /* asynchronous KLV: the payload as is */
    K_KLV_SYNC, /* stream type 0x15: metadata AU cells (2.12.4) */
};

/* The parts of a LATM StreamMuxConfig the AudioMuxElements need. */
struct latm {
    bool                 known;
    int                  sub_frames; /* numSubFrames + 1 */
    struct sl_aac_config aac;
};

/* One audio frame found by sl_ts_probe(). */
struct afr {
    size_t               len;  /* whole frame */
    size_t               skip; /* header bytes not passed on */
    uint32_t             rate;
    uint32_t             samples;
    int                  channels;
    bool                 drop; /* valid but not passed on */
    bool                 has_aac;
    struct sl_aac_config aac;
};


/* The kind of a PMT entry (descriptors p[0..len)), or -1 when unsupported. */
int sl_ts_classify(uint8_t stream_type, const uint8_t *p, size_t len,
                   int *opus_channels);
enum sl_codec_id sl_ts_codec_of(enum kind k);
/*
 * Finds the audio frame of kind k at p.  Returns 1 with f filled, 0 when p
 * may start a frame that needs more bytes, or SL_EBADDATA.
 */
int sl_ts_probe(enum kind k, const uint8_t *p, size_t len, struct afr *f);
/* StreamMuxConfig (14496-3 1.7.3.1), one program with one layer. */
int sl_ts_latm_mux_config(struct sl_bits *br, struct latm *out);
/* Copies n bytes from br's bit position (any alignment) to dst. */
void sl_ts_bits_bytes(struct sl_bits *br, uint8_t *dst, size_t n);


#endif /* SL_FORMAT_MPEGTS_DEMUX_PRIV_H */
