/*
 * Opus packet knowledge (RFC 6716 section 3.1): the TOC byte and the frame
 * count, enough to know how many 48 kHz samples a packet covers.
 * Pure functions: thread-safe.
 */
#ifndef SL_CODEC_OPUS_H
#define SL_CODEC_OPUS_H

#include <stddef.h>
#include <stdint.h>


/* Samples at 48 kHz of one frame for a TOC byte (120 to 2880). */
int sl_opus_frame_samples(uint8_t toc);
/*
 * Samples at 48 kHz covered by the packet p[0..len): frame duration times
 * frame count (code 0: 1, codes 1-2: 2, code 3: from the second byte).
 * Returns SL_EBADDATA for an empty packet, a code-3 packet without its count
 * byte or with zero frames, or a total above 120 ms (5760 samples).
 */
int sl_opus_packet_samples(const uint8_t *p, size_t len);


#endif /* SL_CODEC_OPUS_H */
