/*
 * MPEG-4 Audio (AAC) bitstream knowledge, ISO/IEC 14496-3:
 * AudioSpecificConfig (1.6.2.1), ADTS headers (1.A.2.2) and LATM
 * StreamMuxConfig / AudioMuxElement (1.7.3) as carried by RFC 3016
 * MP4A-LATM with cpresent=0.
 *
 * Parsers read from caller buffers and return pointers into them; nothing
 * allocates.  Pure functions: thread-safe.
 *
 * Not supported (SL_EUNSUP): channelConfiguration 0 (program config element),
 * LATM audioMuxVersionA=1, LATM allStreamsSameTimeFraming=0, LATM with
 * several programs or layers, LATM frameLengthType other than 0 (i.e.
 * CELP/HVXC payloads).
 */
#ifndef SL_CODEC_AAC_H
#define SL_CODEC_AAC_H

#include "base/str.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_AAC_OT_MAIN 1
#define SL_AAC_OT_LC   2
#define SL_AAC_OT_SSR  3
#define SL_AAC_OT_LTP  4
#define SL_AAC_OT_SBR  5  /* HE-AAC explicit signalling */
#define SL_AAC_OT_PS   29 /* HE-AACv2 explicit signalling */

/* Largest AudioSpecificConfig we keep (real ones are 2 to 7 bytes). */
#define SL_AAC_ASC_MAX 64
/* Largest AAC access unit the depacketizers accept (see docs RTP.md). */
#define SL_AAC_MAX_AU_SIZE (64u * 1024)
/* Most AUs taken from one RTP packet or one AudioMuxElement. */
#define SL_AAC_MAX_AUS 64

struct sl_aac_config {
    int      object_type; /* core audio object type (2 = AAC LC) */
    uint32_t sample_rate; /* core sampling rate */
    int      channels;
    int      freq_index;     /* 0..12, or 15 when the rate is explicit */
    int      channel_config; /* channelConfiguration, 1..7, 11..14 */
    int      frame_length;   /* samples per AU: 1024, or 960 */
    bool     sbr;            /* SBR signalled (explicitly or backward-compat) */
    bool     ps;             /* parametric stereo signalled */
    uint32_t ext_sample_rate; /* SBR output rate, when sbr */
};

/* A parsed ADTS frame header. */
struct sl_adts {
    struct sl_aac_config cfg;
    size_t               header_len; /* 7, or 9 with CRC */
    size_t               frame_len;  /* whole frame, header included */
    int                  raw_blocks; /* number_of_raw_data_blocks + 1 */
};

/* A parsed LATM StreamMuxConfig (one program, one layer). */
struct sl_latm_config {
    int                  audio_mux_version;
    bool                 all_streams_same_time_framing;
    int                  num_sub_frames; /* numSubFrames + 1 */
    struct sl_aac_config aac;
    uint8_t              asc[SL_AAC_ASC_MAX]; /* the ASC, byte-aligned */
    size_t               asc_len;
    int                  frame_length_type;
    bool                 other_data_present;
    uint32_t             other_data_len_bits;
    bool                 crc_present;
};

/* One AU found in an AudioMuxElement: points into the parsed buffer. */
struct sl_latm_au {
    const uint8_t *p;
    size_t         len;
};


/* Sampling rate of a frequency index (0 for reserved or 15). */
uint32_t sl_aac_rate_from_index(int index);

/*
 * Parses an AudioSpecificConfig: audio object type with its escape,
 * frequency index or explicit 24-bit rate, channel configuration, explicit
 * SBR/PS (types 5 and 29) and backward-compatible SBR/PS signalling, and
 * GASpecificConfig's frameLengthFlag.  Returns 0, SL_EBADDATA, or SL_EUNSUP
 * (channelConfiguration 0).  *out is untouched on failure.
 */
int sl_aac_asc_parse(const uint8_t *p, size_t len, struct sl_aac_config *out);
/*
 * Writes an AudioSpecificConfig for c (explicit SBR/PS signalling when c says
 * so; the frequency is escaped when it has no index).  Returns the bytes
 * written, SL_EINVAL for an unrepresentable config, or SL_ELIMIT when cap is
 * too small.
 */
int sl_aac_asc_write(const struct sl_aac_config *c, uint8_t *out, size_t cap);

/*
 * Parses the ADTS header at p.  Returns 0, SL_EAGAIN when fewer than
 * header_len bytes are available, or SL_EBADDATA (no sync word, layer != 0,
 * reserved frequency, frame length shorter than the header).  Does not
 * require the whole frame to be present: check frame_len against len.
 */
int sl_adts_parse(const uint8_t *p, size_t len, struct sl_adts *out);
/*
 * Writes a 7-byte ADTS header (no CRC) for an AU of au_len bytes.  Returns 0
 * or SL_EINVAL (object type > 4, rate without index, channel config > 7, or
 * frame longer than 8191 bytes).
 */
int sl_adts_write_header(uint8_t out[7], const struct sl_aac_config *c,
                         size_t au_len);

/* Parses a StreamMuxConfig (bytes).  0, SL_EBADDATA or SL_EUNSUP. */
int sl_latm_config_parse(const uint8_t *p, size_t len,
                         struct sl_latm_config *out);
/* Same from the hex text of an SDP "config=" parameter. */
int sl_latm_config_parse_hex(struct sl_str hex, struct sl_latm_config *out);
/*
 * Splits one or more concatenated AudioMuxElements (muxConfigPresent = 0)
 * into AUs.  Returns the number of AUs stored in aus (at most max; empty AUs
 * are skipped), SL_EBADDATA when a length runs past the end, or SL_ELIMIT
 * when more than max AUs or an AU above SL_AAC_MAX_AU_SIZE is found.
 */
int sl_latm_split(const struct sl_latm_config *c, const uint8_t *p, size_t len,
                  struct sl_latm_au *aus, int max);


#endif /* SL_CODEC_AAC_H */
