/*
 * H.265 / HEVC bitstream knowledge (ITU-T H.265): NAL unit types, keyframe
 * (IRAP) detection over an access unit, and sequence parameter set parsing
 * up to the picture size.
 *
 * NALUs are as carried on the wire: 2-byte header included, emulation
 * prevention bytes present.  Access units are AVCC (codec/nalu.h).  Pure
 * functions: thread-safe.
 */
#ifndef SL_CODEC_H265_H
#define SL_CODEC_H265_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


enum sl_h265_nal_type {
    SL_H265_NAL_TRAIL_N = 0,
    SL_H265_NAL_TRAIL_R = 1,
    SL_H265_NAL_RASL_R = 9,
    SL_H265_NAL_BLA_W_LP = 16,
    SL_H265_NAL_BLA_W_RADL = 17,
    SL_H265_NAL_BLA_N_LP = 18,
    SL_H265_NAL_IDR_W_RADL = 19,
    SL_H265_NAL_IDR_N_LP = 20,
    SL_H265_NAL_CRA = 21,
    SL_H265_NAL_VPS = 32,
    SL_H265_NAL_SPS = 33,
    SL_H265_NAL_PPS = 34,
    SL_H265_NAL_AUD = 35,
    SL_H265_NAL_EOS = 36,
    SL_H265_NAL_EOB = 37,
    SL_H265_NAL_FD = 38,
    SL_H265_NAL_SEI_PREFIX = 39,
    SL_H265_NAL_SEI_SUFFIX = 40,
    /* RTP payload structures (RFC 7798), never in a decoded stream. */
    SL_H265_NAL_AP = 48,
    SL_H265_NAL_FU = 49,
    SL_H265_NAL_PACI = 50,
};

#define SL_H265_SPS_MAX 1024

struct sl_h265_sps {
    uint32_t vps_id;
    uint32_t max_sub_layers; /* sps_max_sub_layers_minus1 + 1 */
    uint8_t  profile_space;
    uint8_t  tier_flag;
    uint8_t  profile_idc;
    uint32_t profile_compat_flags;
    uint8_t  level_idc;
    uint32_t sps_id;
    uint32_t chroma_format_idc;
    uint32_t bit_depth_luma;
    uint32_t bit_depth_chroma;
    uint32_t width;  /* after the conformance window */
    uint32_t height; /* after the conformance window */
};


static inline int
sl_h265_nal_type(uint8_t header0)
{
    return (header0 >> 1) & 0x3f;
}

/* IRAP pictures (BLA, IDR, CRA: types 16..21) are random access points. */
static inline bool
sl_h265_is_irap(int type)
{
    return type >= SL_H265_NAL_BLA_W_LP && type <= SL_H265_NAL_CRA;
}

/* True when the AVCC access unit contains an IRAP picture. */
bool sl_h265_avcc_is_irap(const uint8_t *au, size_t len);
/* Same for an Annex-B access unit. */
bool sl_h265_annexb_is_irap(const uint8_t *au, size_t len);

/*
 * Parses an SPS NALU (2-byte header included): profile_tier_level with its
 * sub-layers, chroma format, picture size, conformance window and bit
 * depths.  Returns 0 or SL_EBADDATA (wrong type, truncated, out of range, or
 * larger than 16384x16384); *out is untouched on failure.
 */
int sl_h265_sps_parse(const uint8_t *nalu, size_t len, struct sl_h265_sps *out);


#endif /* SL_CODEC_H265_H */
