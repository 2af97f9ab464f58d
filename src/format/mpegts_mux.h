/*
 * MPEG-TS muxer (ISO/IEC 13818-1): one program of up to
 * SL_TS_MUX_MAX_TRACKS elementary streams, written frame by frame.
 *
 * Built for "encode once per format": a stream's owner worker muxes each
 * frame once, and every SRT reader (later HLS segments and recordings)
 * shares the bytes.  So the output of each sl_ts_mux_write call is
 * self-contained: whole 188-byte packets, never a packet shared with the
 * next frame, never null packets, with continuity counters kept per PID
 * in the muxer.  A reader that starts at any frame whose write returned 1
 * (the packets begin with PAT and PMT) sees a valid transport stream from
 * its first byte.  The output depends only on the track list and the
 * sequence of frames written: it is deterministic.
 *
 * Layout (see docs/internals/MPEGTS-MUX.md): program number 1, PMT on PID
 * 0x1000, track i on PID 0x100 + i.  PAT and PMT go before every video
 * keyframe and before the first frame; a stream without video repeats
 * them when 100 ms of DTS have passed since the last time.  The PCR rides
 * in the first packet of every PES of the PCR track (the first video
 * track, else the first audio track, else track 0), with base DTS -
 * SL_TS_MUX_PCR_DELAY so that PCR <= DTS.  Keyframes (and every audio
 * frame) set random_access_indicator.  A PES's last packet is filled with
 * adaptation-field stuffing.
 *
 * Payloads: H.264/H.265 frames come as AVCC (4-byte lengths, codec/nalu.h)
 * and leave as Annex-B with an access unit delimiter first (the AU's own
 * when it leads, else a generic one; misplaced AUDs are dropped); keyframes
 * get the caller's parameter sets when they lack them.  AAC frames are one raw
 * AU and get an ADTS header built from the track's config.  Opus packets
 * get the Opus-in-TS control header.  MP3, AC-3 and KLV go as they are.
 * One frame is one PES.
 *
 * Memory: struct sl_ts_mux lives in caller storage and holds no pointers;
 * nothing allocates except the caller's capped output buffer growing.
 * One mux per stream, used by one thread (the stream's owner).
 */
#ifndef SL_FORMAT_MPEGTS_MUX_H
#define SL_FORMAT_MPEGTS_MUX_H

#include "base/dbuf.h"
#include "codec/aac.h"
#include "codec/codec.h"
#include "format/mpegts.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_TS_MUX_MAX_TRACKS 8
#define SL_TS_MUX_PROGRAM    1      /* program_number */
#define SL_TS_MUX_TSID       1      /* transport_stream_id */
#define SL_TS_MUX_PID_PMT    0x1000 /* program_map_PID */
#define SL_TS_MUX_PID_FIRST  0x100  /* track i: SL_TS_MUX_PID_FIRST + i */
/* PCR base = DTS - this (100 ms, MediaMTX's value): PCR stays below DTS. */
#define SL_TS_MUX_PCR_DELAY 9000
/* Without video, PAT/PMT are repeated after this much DTS (100 ms). */
#define SL_TS_MUX_PSI_INTERVAL 9000
/* Most parameter sets a frame may offer (H.265: VPS, SPS, PPS). */
#define SL_TS_MUX_MAX_PARAMS 4

/* What a track is; copied by sl_ts_mux_init. */
struct sl_ts_mux_track {
    enum sl_codec_id     codec; /* H264, H265, AAC, OPUS, MP3, AC3, KLV */
    struct sl_aac_config aac;   /* AAC: must be expressible as ADTS */
    int                  opus_channels; /* Opus: 1..8 */
    uint32_t sample_rate; /* MP3: below 32000 is MPEG-2 audio (0x04) */
};

/* One access unit to mux.  Nothing is retained after the call. */
struct sl_ts_mux_frame {
    int            track;
    int64_t        pts; /* 90 kHz, written modulo 2^33 */
    int64_t        dts; /* 90 kHz; DTS is written only when != pts */
    bool           key; /* random access point */
    const uint8_t *data;
    size_t         len;
    /*
     * H.264 (SPS, PPS) or H.265 (VPS, SPS, PPS) NALUs, header byte(s)
     * included.  A keyframe lacking a NALU of any of these types gets them
     * all, in this order, after its AUD.  May be NULL / 0; at most
     * SL_TS_MUX_MAX_PARAMS.
     */
    const uint8_t *const *params;
    const size_t         *params_len;
    int                   nparams;
};

/* Muxer state: plain data, no pointers (copyable, nothing to free). */
struct sl_ts_mux_es {
    int                  codec;
    uint16_t             pid;
    uint8_t              stream_type;
    uint8_t              stream_id;
    uint8_t              cc; /* continuity counter of the next packet */
    bool                 video;
    struct sl_aac_config aac;
};

struct sl_ts_mux {
    int                 ntracks;
    int                 pcr_track;
    bool                has_video;
    bool                psi_sent; /* PAT/PMT written at least once */
    int64_t             psi_dts;  /* DTS of the frame they last preceded */
    uint8_t             cc_pat;
    uint8_t             cc_pmt;
    struct sl_ts_mux_es es[SL_TS_MUX_MAX_TRACKS];
    /* PAT and PMT packets built at init; the CC nibble is set on write. */
    uint8_t pat[SL_TS_PACKET_SIZE];
    uint8_t pmt[SL_TS_PACKET_SIZE];
};


/*
 * Sets m up for n tracks (1..SL_TS_MUX_MAX_TRACKS) and builds the PAT and
 * PMT.  Returns 0; SL_EINVAL for a bad count, an AAC config ADTS cannot
 * express (object type above 4, a rate without an index, channel
 * configuration 0 or above 7, 960-sample frames) or an Opus channel count
 * outside 1..8; SL_EUNSUP for another codec.  *m is undefined on failure.
 */
int sl_ts_mux_init(struct sl_ts_mux *m, const struct sl_ts_mux_track *t, int n);

/*
 * Appends the packets of frame f to out: PAT and PMT first when due, then
 * one PES.  Returns 1 when the packets begin with PAT and PMT (a point
 * where a reader may join), 0 when not, or an error with out's length and
 * m unchanged: SL_EINVAL (track index, NULL data with a length, more than
 * SL_TS_MUX_MAX_PARAMS or empty parameter sets), SL_EBADDATA (invalid
 * AVCC), SL_ELIMIT (an AU above SL_NALU_MAX_AU_SIZE or with more NALUs
 * than SL_NALU_MAX_PER_AU, an AAC AU that ADTS cannot carry, a non-video
 * PES above 64 KiB, or out's cap).
 */
int sl_ts_mux_write(struct sl_ts_mux *m, const struct sl_ts_mux_frame *f,
                    struct sl_dbuf *out);

/*
 * Appends a PAT and a PMT for a reader joining where the shared bytes do
 * not start with them (a stream without video, between repetitions).  The
 * continuity counters used are the ones the muxer last wrote, so the
 * reader's next shared PAT/PMT follow on without a discontinuity; m is not
 * changed.  Returns 0 or SL_ELIMIT (out's cap, out unchanged).
 */
int sl_ts_mux_write_tables(const struct sl_ts_mux *m, struct sl_dbuf *out);


#endif /* SL_FORMAT_MPEGTS_MUX_H */
