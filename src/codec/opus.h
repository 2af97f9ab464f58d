/*
 * Opus packet knowledge (RFC 6716 section 3.1): the TOC byte and the frame
 * count, enough to know how many 48 kHz samples a packet covers; and the
 * OpusHead identification header of RFC 7845 section 5.1 (Ogg, Matroska
 * CodecPrivate, and the source of MP4's dOps).  Pure functions: thread-safe.
 */
#ifndef SL_CODEC_OPUS_H
#define SL_CODEC_OPUS_H

#include "base/dbuf.h"

#include <stddef.h>
#include <stdint.h>


#define SL_OPUS_MAX_CHANNELS 255

/* An OpusHead (RFC 7845 5.1), little-endian fields decoded. */
struct sl_opus_head {
    uint8_t  version; /* 1 when built; parse accepts 0..15 */
    uint8_t  channels;
    uint16_t pre_skip;    /* 48 kHz samples */
    uint32_t input_rate;  /* informational; 0 = unknown */
    int16_t  output_gain; /* Q7.8 dB */
    uint8_t  mapping_family;
    /* Family != 0 only. */
    uint8_t stream_count;
    uint8_t coupled_count;
    uint8_t mapping[SL_OPUS_MAX_CHANNELS];
};


/* Samples at 48 kHz of one frame for a TOC byte (120 to 2880). */
int sl_opus_frame_samples(uint8_t toc);
/*
 * Samples at 48 kHz covered by the packet p[0..len): frame duration times
 * frame count (code 0: 1, codes 1-2: 2, code 3: from the second byte).
 * Returns SL_EBADDATA for an empty packet, a code-3 packet without its count
 * byte or with zero frames, or a total above 120 ms (5760 samples).
 */
int sl_opus_packet_samples(const uint8_t *p, size_t len);

/*
 * Fills h with the defaults for a channel count: family 0 for 1 or 2
 * channels, family 1 with the Vorbis order (RFC 7845 5.1.1.2) for 3 to 8;
 * pre-skip 3840 (80 ms at 48 kHz, the usual encoder value) and input rate
 * 48000.  Returns 0 or SL_EINVAL (0 or more than 8 channels).
 */
int sl_opus_head_default(struct sl_opus_head *h, int channels);
/*
 * Parses an OpusHead.  Returns 0 or SL_EBADDATA (no "OpusHead" magic,
 * version 16 or more, zero channels, family 0 with more than 2 channels, a
 * channel mapping table that is truncated or names a stream that does not
 * exist, coupled > streams); *out is untouched on failure.
 */
int sl_opus_head_parse(const uint8_t *p, size_t len, struct sl_opus_head *out);
/*
 * Appends h as an OpusHead (19 bytes, plus 2 + channels with a mapping
 * table).  Returns 0, SL_EINVAL (h would not parse back) or SL_ELIMIT.
 */
int sl_opus_head_build(struct sl_dbuf *out, const struct sl_opus_head *h);


#endif /* SL_CODEC_OPUS_H */
