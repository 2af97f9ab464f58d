/*
 * H.265 / HEVC bitstream knowledge (ITU-T H.265): NAL unit types, keyframe
 * (IRAP) detection over an access unit, VPS/SPS/PPS parsing up to what
 * configuration records, slice headers and picture order counts need, and
 * the HEVCDecoderConfigurationRecord ("hvcC", ISO/IEC 14496-15 8.3.3).
 *
 * NALUs are as carried on the wire: 2-byte header included, emulation
 * prevention bytes present.  Access units are AVCC (codec/nalu.h).  Pure
 * functions: thread-safe.
 */
#ifndef SL_CODEC_H265_H
#define SL_CODEC_H265_H

#include "base/dbuf.h"

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
/* Parameter sets kept per kind by sl_h265_hvcc_config_parse. */
#define SL_H265_CONFIG_MAX_PS 4

struct sl_h265_sps {
    uint32_t vps_id;
    uint32_t max_sub_layers; /* sps_max_sub_layers_minus1 + 1 */
    bool     temporal_id_nesting;
    uint8_t  profile_space;
    uint8_t  tier_flag;
    uint8_t  profile_idc;
    uint32_t profile_compat_flags;
    uint64_t constraint_flags; /* the 48 bits after the compatibility flags */
    uint8_t  level_idc;
    uint32_t sps_id;
    uint32_t chroma_format_idc;
    uint32_t bit_depth_luma;
    uint32_t bit_depth_chroma;
    uint32_t width;  /* after the conformance window */
    uint32_t height; /* after the conformance window */
    bool     separate_colour_plane;
    /*
     * Best effort (0 when the SPS ends early): log2_max_pic_order_cnt_lsb
     * and the highest sub-layer's DPB size and reorder count.
     */
    uint32_t log2_max_poc_lsb;
    uint32_t max_dec_pic_buffering; /* sps_max_dec_pic_buffering_minus1 + 1 */
    uint32_t max_num_reorder_pics;
    /* VUI timing (best effort, 0 when absent): a tick is one frame. */
    uint32_t num_units_in_tick;
    uint32_t time_scale;
};

/* The VPS fields Sluice uses (7.3.2.1). */
struct sl_h265_vps {
    uint32_t vps_id;
    uint32_t max_sub_layers;
    uint32_t max_num_reorder_pics; /* highest sub-layer */
    /* vps_timing_info (0 when absent). */
    uint32_t num_units_in_tick;
    uint32_t time_scale;
};

/* The PPS fields a slice segment header needs (7.3.2.3.1). */
struct sl_h265_pps {
    uint32_t pps_id;
    uint32_t sps_id;
    bool     dependent_slice_segments_enabled;
    bool     output_flag_present;
    uint32_t num_extra_slice_header_bits;
};

/*
 * A parsed HEVCDecoderConfigurationRecord; parameter-set pointers point into
 * the parsed buffer.
 */
struct sl_h265_config {
    uint8_t        profile_space;
    uint8_t        tier_flag;
    uint8_t        profile_idc;
    uint32_t       profile_compat_flags;
    uint64_t       constraint_flags;
    uint8_t        level_idc;
    uint32_t       min_spatial_segmentation;
    uint32_t       parallelism_type;
    uint32_t       chroma_format_idc;
    uint32_t       bit_depth_luma;
    uint32_t       bit_depth_chroma;
    uint32_t       num_temporal_layers;
    bool           temporal_id_nested;
    int            length_size; /* 1, 2 or 4 */
    int            vps_count;   /* kept, at most SL_H265_CONFIG_MAX_PS */
    const uint8_t *vps[SL_H265_CONFIG_MAX_PS];
    size_t         vps_len[SL_H265_CONFIG_MAX_PS];
    int            sps_count;
    const uint8_t *sps[SL_H265_CONFIG_MAX_PS];
    size_t         sps_len[SL_H265_CONFIG_MAX_PS];
    int            pps_count;
    const uint8_t *pps[SL_H265_CONFIG_MAX_PS];
    size_t         pps_len[SL_H265_CONFIG_MAX_PS];
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
/*
 * Parses a VPS NALU up to vps_timing_info (the timing is best effort).
 * Returns 0 or SL_EBADDATA; *out is untouched on failure.
 */
int sl_h265_vps_parse(const uint8_t *nalu, size_t len, struct sl_h265_vps *out);
/* Parses a PPS NALU up to num_extra_slice_header_bits; 0 or SL_EBADDATA. */
int sl_h265_pps_parse(const uint8_t *nalu, size_t len, struct sl_h265_pps *out);

/*
 * Same as sl_h264_prepend_params for H.265: an IRAP access unit lacking a
 * VPS, SPS or PPS gets the missing ones (in that order) in front.
 */
int sl_h265_prepend_params(const uint8_t *au, size_t len, const uint8_t *vps,
                           size_t vps_len, const uint8_t *sps, size_t sps_len,
                           const uint8_t *pps, size_t pps_len,
                           struct sl_dbuf *out);

/*
 * Parses an HEVCDecoderConfigurationRecord ("hvcC" payload, or an
 * E-RTMP/FLV HEVC sequence header).  Arrays of other NAL types (SEI) are
 * skipped; sets beyond SL_H265_CONFIG_MAX_PS per kind are checked and
 * skipped.  Returns 0 or SL_EBADDATA (version != 1, length size 3, an
 * array running past the end, an empty NALU, a NALU whose type differs from
 * its array's); *out is untouched on failure.
 */
int sl_h265_hvcc_config_parse(const uint8_t *p, size_t len,
                              struct sl_h265_config *out);
/*
 * Appends an HEVCDecoderConfigurationRecord with one VPS, one SPS and one
 * PPS (arrays complete) and a 4-byte NALU length to out.  The general
 * profile/tier/level, chroma format, bit depths, temporal layers and
 * nesting come from the SPS; min_spatial_segmentation_idc, parallelismType,
 * avgFrameRate and constantFrameRate are 0 (unknown).  Returns 0,
 * SL_EBADDATA (an SPS that does not parse, a VPS/PPS of the wrong type or a
 * set of 64 KiB or more) or SL_ELIMIT; out is unchanged on failure.
 */
int sl_h265_hvcc_config_build(struct sl_dbuf *out, const uint8_t *vps,
                              size_t vps_len, const uint8_t *sps,
                              size_t sps_len, const uint8_t *pps,
                              size_t pps_len);


#endif /* SL_CODEC_H265_H */
