/*
 * H.264 / AVC bitstream knowledge (ITU-T H.264): NAL unit types, keyframe
 * detection over an access unit, sequence and picture parameter set parsing,
 * and the AVCDecoderConfigurationRecord ("avcC", ISO/IEC 14496-15 5.3.3).
 *
 * Input NALUs are as carried on the wire: header byte included, emulation
 * prevention bytes still present (the parsers remove them into a bounded
 * stack buffer).  Access units are in AVCC form (see codec/nalu.h), the
 * payload format of Sluice frames.  Pure functions: thread-safe.
 */
#ifndef SL_CODEC_H264_H
#define SL_CODEC_H264_H

#include "base/dbuf.h"

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
/* num_ref_frames_in_pic_order_cnt_cycle is at most 255 (7.4.2.1.1). */
#define SL_H264_POC_CYCLE_MAX 255
/* Parameter sets kept per kind by sl_h264_avcc_config_parse. */
#define SL_H264_CONFIG_MAX_PS 4

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
    /*
     * What slice headers and picture order counts need (7.4.2.1.1).  The
     * POC type 1 fields are meaningful only when poc_type is 1.
     */
    uint32_t log2_max_frame_num;
    uint32_t poc_type;
    uint32_t log2_max_poc_lsb; /* poc_type 0 */
    bool     delta_pic_order_always_zero;
    int32_t  offset_for_non_ref_pic;
    int32_t  offset_for_top_to_bottom_field;
    uint32_t num_ref_frames_in_poc_cycle;
    int32_t  offset_for_ref_frame[SL_H264_POC_CYCLE_MAX];
    uint32_t max_num_ref_frames;
    bool     separate_colour_plane;
    /* VUI bitstream_restriction (E.2.1); -1 when not signalled. */
    int32_t max_num_reorder_frames;
    int32_t max_dec_frame_buffering;
};

/* The PPS fields a slice header needs (7.3.2.2). */
struct sl_h264_pps {
    uint32_t pps_id;
    uint32_t sps_id;
    bool     entropy_coding_mode;
    bool     bottom_field_pic_order_in_frame_present;
};

/*
 * A parsed AVCDecoderConfigurationRecord.  Parameter-set pointers point into
 * the parsed buffer.  The chroma and bit-depth fields come from the High
 * profile extension when present, else from the first SPS, else 4:2:0 8-bit.
 */
struct sl_h264_config {
    uint8_t        profile_idc;
    uint8_t        profile_compat; /* the constraint flags byte */
    uint8_t        level_idc;
    int            length_size; /* NALU length prefix: 1, 2 or 4 bytes */
    int            sps_count;   /* kept, at most SL_H264_CONFIG_MAX_PS */
    const uint8_t *sps[SL_H264_CONFIG_MAX_PS];
    size_t         sps_len[SL_H264_CONFIG_MAX_PS];
    int            pps_count;
    const uint8_t *pps[SL_H264_CONFIG_MAX_PS];
    size_t         pps_len[SL_H264_CONFIG_MAX_PS];
    uint32_t       chroma_format_idc;
    uint32_t       bit_depth_luma;
    uint32_t       bit_depth_chroma;
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
/*
 * Parses a PPS NALU (header included) up to
 * bottom_field_pic_order_in_frame_present_flag.  Returns 0 or SL_EBADDATA;
 * *out is untouched on failure.
 */
int sl_h264_pps_parse(const uint8_t *nalu, size_t len, struct sl_h264_pps *out);

/*
 * Makes an IDR access unit self-contained for late joiners and MPEG-TS:
 * when au (AVCC) holds an IDR slice but lacks an SPS or a PPS, appends to
 * out a copy with the missing ones (from sps/pps) in front, after any
 * access unit delimiter, and returns 1.  Returns 0 with out untouched when
 * nothing is needed (not an IDR, both present, or no set given for what is
 * missing), or a negative code from sl_avcc_insert_front.
 */
int sl_h264_prepend_params(const uint8_t *au, size_t len, const uint8_t *sps,
                           size_t sps_len, const uint8_t *pps, size_t pps_len,
                           struct sl_dbuf *out);

/*
 * Parses an AVCDecoderConfigurationRecord (the payload of an "avcC" box, or
 * of an FLV AVC sequence header).  Parameter sets beyond
 * SL_H264_CONFIG_MAX_PS are skipped (but checked).  The High profile
 * extension is optional: many writers leave it out.  Returns 0 or
 * SL_EBADDATA (version != 1, length size 3, a set running past the end, an
 * empty set, an SPS/PPS of the wrong NAL type); *out is untouched on
 * failure.
 */
int sl_h264_avcc_config_parse(const uint8_t *p, size_t len,
                              struct sl_h264_config *out);
/*
 * Appends an AVCDecoderConfigurationRecord with one SPS and one PPS and a
 * 4-byte NALU length to out.  Profile, compatibility and level are copied
 * from the SPS; for the High profiles (100, 110, 122, 144) the chroma and
 * bit-depth extension is written from the parsed SPS.  Returns 0,
 * SL_EBADDATA (SPS that does not parse, PPS of the wrong type or a set of
 * 64 KiB or more) or SL_ELIMIT (out's cap); out is unchanged on failure.
 */
int sl_h264_avcc_config_build(struct sl_dbuf *out, const uint8_t *sps,
                              size_t sps_len, const uint8_t *pps,
                              size_t pps_len);


#endif /* SL_CODEC_H264_H */
