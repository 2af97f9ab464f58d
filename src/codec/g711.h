/*
 * G.711 (PCMU / PCMA): one byte per sample, 8 kHz unless the SDP says
 * otherwise.  Pure functions: thread-safe.
 */
#ifndef SL_CODEC_G711_H
#define SL_CODEC_G711_H

#include <stddef.h>


#define SL_G711_PT_PCMU 0 /* static RTP payload types (RFC 3551) */
#define SL_G711_PT_PCMA 8

/* Samples per channel in len bytes of interleaved G.711. */
size_t sl_g711_samples(size_t len, unsigned channels);


#endif /* SL_CODEC_G711_H */
