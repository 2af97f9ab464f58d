/*
 * H.264 / AVC bitstream knowledge (ITU-T H.264): NAL unit types, keyframe
 * detection over an access unit, and sequence parameter set parsing.
 *
 * Input NALUs are as carried on the wire: header byte included, emulation
 * prevention bytes still present (the parsers remove them into a bounded
 * stack buffer).  Access units are in AVCC form (see codec/nalu.h), the
 * payload format of Sluice frames.  Pure functions: thread-safe.
 */
#ifndef SL_CODEC_H264_H
#define SL_CODEC_H264_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


enum sl_h264_nal_type {
    SL_H264_NAL_SLICE = 1,
    SL_H264_NAL_DPA = 2,
    SL_H264_NAL_DPB = 3,
    SL_H264_NAL_DPC = 4,
    SL_H264_NAL_IDR = 5,
    SL_H264_NAL_SEI = 6,
    SL_H264_NAL_SPS = 7,
    SL_H264_NAL_PPS = 8,
    SL_H264_NAL_AUD = 9,
    SL_H264_NAL_END_SEQ = 10,
    SL_H264_NAL_END_STREAM = 11,
    SL_H264_NAL_FILLER = 12,
    SL_H264_NAL_SPS_EXT = 13,
    SL_H264_NAL_PREFIX = 14,
    SL_H264_NAL_SUBSET_SPS = 15,
    SL_H264_NAL_SLICE_AUX = 19,
    SL_H264_NAL_SLICE_EXT = 20,
    /* RTP payload structures (RFC 6184), never in a decoded stream. */
    SL_H264_NAL_STAP_A = 24,
    SL_H264_NAL_STAP_B = 25,
    SL_H264_NAL_MTAP16 = 26,
    SL_H264_NAL_MTAP24 = 27,
    SL_H264_NAL_FU_A = 28,
    SL_H264_NAL_FU_B = 29,
};

/* The largest SPS we parse; longer ones are parsed from their first bytes. */
#define SL_H264_SPS_MAX 1024

struct sl_h264_sps {
    uint8_t  profile_idc;
    uint8_t  constraint_flags; /* constraint_set0..5 flags and reserved bits */
    uint8_t  level_idc;
    uint32_t sps_id;
    uint32_t chroma_format_idc; /* 1 (4:2:0) unless a high profile says so */
    uint32_t bit_depth_luma;
    uint32_t bit_depth_chroma;
    bool     frame_mbs_only;
    uint32_t width;  /* after frame cropping */
    uint32_t height; /* after frame cropping */
    /* From VUI when present (0 otherwise). */
    uint32_t num_units_in_tick;
    uint32_t time_scale;
};


static inline int
sl_h264_nal_type(uint8_t header)
{
    return header & 0x1f;
}

/* True when the AVCC access unit contains an IDR slice. */
bool sl_h264_avcc_is_idr(const uint8_t *au, size_t len);
/* Same for an Annex-B access unit. */
bool sl_h264_annexb_is_idr(const uint8_t *au, size_t len);

/*
 * Parses an SPS NALU (header byte included).  Handles the high profiles
 * (chroma_format_idc, bit depths, scaling lists), POC types 0-2, field
 * coding, frame cropping and an optional VUI (only timing is extracted; a
 * truncated VUI is ignored).  Returns 0 or SL_EBADDATA (wrong NAL type,
 * truncated, out-of-range values, or a size above 16384x16384).  *out is
 * untouched on failure.
 */
int sl_h264_sps_parse(const uint8_t *nalu, size_t len, struct sl_h264_sps *out);


#endif /* SL_CODEC_H264_H */
