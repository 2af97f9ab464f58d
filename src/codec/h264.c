/*
 * Sluice: H.264 NAL types, keyframe detection, SPS/PPS parsing (H.264
 * 7.3.2.1, 7.3.2.2) and the AVC configuration record (ISO/IEC 14496-15
 * 5.3.3.1).
 */
#include "codec/h264.h"
#include "codec/nalu.h"
#include "base/bits.h"
#include "base/bytes.h"
#include "base/err.h"

#include <string.h>


#define MAX_DIMENSION 16384


static bool has_chroma_info(uint8_t profile_idc);
static void skip_scaling_list(struct sl_bits *br, int size);
static void parse_vui(struct sl_bits *br, struct sl_h264_sps *sps);
static void skip_hrd(struct sl_bits *br);
static int  read_sets(const uint8_t *p, size_t len, size_t *off, int count,
                      int type, const uint8_t **ps, size_t *ps_len, int *kept);
static bool high_profile_ext(uint8_t profile_idc);


static bool
has_chroma_info(uint8_t profile_idc)
{
    switch (profile_idc) {
    case 100:
    case 110:
    case 122:
    case 244:
    case 44:
    case 83:
    case 86:
    case 118:
    case 128:
    case 138:
    case 139:
    case 134:
    case 135:
        return true;
    default:
        return false;
    }
}


/* scaling_list() of 7.3.2.1.1.1: only the syntax is consumed. */
static void
skip_scaling_list(struct sl_bits *br, int size)
{
    int32_t last = 8;
    int32_t next = 8;
    int     j;

    for (j = 0; j < size && !br->error; j++) {
        if (next != 0) {
            int32_t delta = sl_bits_read_se(br);

            if (delta < -128 || delta > 127) {
                br->error = true;
                return;
            }
            next = (last + delta + 256) % 256;
        }
        last = next == 0 ? last : next;
    }
}


/* hrd_parameters() of E.1.2: only the syntax is consumed. */
static void
skip_hrd(struct sl_bits *br)
{
    uint32_t cpb_cnt = sl_bits_read_ue(br) + 1;
    uint32_t i;

    if (cpb_cnt > 32) {
        br->error = true;
        return;
    }
    sl_bits_skip(br, 8); /* bit_rate_scale, cpb_size_scale */
    for (i = 0; i < cpb_cnt && !br->error; i++) {
        sl_bits_read_ue(br);
        sl_bits_read_ue(br);
        sl_bits_skip(br, 1);
    }
    sl_bits_skip(br, 20); /* four 5-bit lengths */
}


/*
 * vui_parameters() of E.1.1: timing and the bitstream restriction.  Best
 * effort: a field is stored only when everything before it was read.
 */
static void
parse_vui(struct sl_bits *br, struct sl_h264_sps *sps)
{
    uint32_t tick;
    uint32_t scale;
    bool     nal_hrd;
    bool     vcl_hrd;
    uint32_t reorder;
    uint32_t dec_buf;

    if (sl_bits_read1(br)) { /* aspect_ratio_info_present_flag */
        if (sl_bits_read(br, 8) == 255) {
            sl_bits_skip(br, 32); /* sar_width, sar_height */
        }
    }
    if (sl_bits_read1(br)) { /* overscan_info_present_flag */
        sl_bits_skip(br, 1);
    }
    if (sl_bits_read1(br)) { /* video_signal_type_present_flag */
        sl_bits_skip(br, 4);
        if (sl_bits_read1(br)) {
            sl_bits_skip(br, 24);
        }
    }
    if (sl_bits_read1(br)) { /* chroma_loc_info_present_flag */
        sl_bits_read_ue(br);
        sl_bits_read_ue(br);
    }
    if (sl_bits_read1(br)) { /* timing_info_present_flag */
        tick = sl_bits_read(br, 32);
        scale = sl_bits_read(br, 32);
        sl_bits_skip(br, 1); /* fixed_frame_rate_flag */
        if (!br->error && tick != 0 && scale != 0) {
            sps->num_units_in_tick = tick;
            sps->time_scale = scale;
        }
    }
    nal_hrd = sl_bits_read1(br);
    if (nal_hrd) {
        skip_hrd(br);
    }
    vcl_hrd = sl_bits_read1(br);
    if (vcl_hrd) {
        skip_hrd(br);
    }
    if (nal_hrd || vcl_hrd) {
        sl_bits_skip(br, 1); /* low_delay_hrd_flag */
    }
    sl_bits_skip(br, 1);      /* pic_struct_present_flag */
    if (!sl_bits_read1(br)) { /* bitstream_restriction_flag */
        return;
    }
    sl_bits_skip(br, 1); /* motion_vectors_over_pic_boundaries_flag */
    sl_bits_read_ue(br); /* max_bytes_per_pic_denom */
    sl_bits_read_ue(br); /* max_bits_per_mb_denom */
    sl_bits_read_ue(br); /* log2_max_mv_length_horizontal */
    sl_bits_read_ue(br); /* log2_max_mv_length_vertical */
    reorder = sl_bits_read_ue(br);
    dec_buf = sl_bits_read_ue(br);
    if (!br->error && reorder <= 16 && dec_buf <= 16) {
        sps->max_num_reorder_frames = (int32_t)reorder;
        sps->max_dec_frame_buffering = (int32_t)dec_buf;
    }
}


bool
sl_h264_avcc_is_idr(const uint8_t *au, size_t len)
{
    struct sl_avcc_iter it;
    const uint8_t      *nalu;
    size_t              n;

    sl_avcc_iter_init(&it, au, len);
    while (sl_avcc_next(&it, &nalu, &n) == 1) {
        if (sl_h264_nal_type(nalu[0]) == SL_H264_NAL_IDR) {
            return true;
        }
    }
    return false;
}


bool
sl_h264_annexb_is_idr(const uint8_t *au, size_t len)
{
    struct sl_annexb_iter it;
    const uint8_t        *nalu;
    size_t                n;

    sl_annexb_iter_init(&it, au, len);
    while (sl_annexb_next(&it, &nalu, &n)) {
        if (sl_h264_nal_type(nalu[0]) == SL_H264_NAL_IDR) {
            return true;
        }
    }
    return false;
}


int
sl_h264_sps_parse(const uint8_t *nalu, size_t len, struct sl_h264_sps *out)
{
    uint8_t            buf[SL_H264_SPS_MAX];
    struct sl_bits     br;
    struct sl_h264_sps sps = {0};
    uint32_t           sep_colour = 0;
    uint32_t           w_mbs;
    uint32_t           h_map;
    uint32_t           crop[4] = {0, 0, 0, 0};
    uint32_t           chroma_array;
    uint32_t           unit_x;
    uint32_t           unit_y;
    uint64_t           w;
    uint64_t           h;
    int                n;
    uint32_t           v;

    if (len < 4 || sl_h264_nal_type(nalu[0]) != SL_H264_NAL_SPS) {
        return SL_EBADDATA;
    }
    n = sl_nalu_unescape(nalu + 1, len - 1, buf, sizeof(buf));
    if (n < 0) {
        n = (int)sizeof(buf); /* parse the prefix; the reader bounds it */
    }
    sl_bits_init(&br, buf, (size_t)n);

    sps.max_num_reorder_frames = -1;
    sps.max_dec_frame_buffering = -1;
    sps.profile_idc = (uint8_t)sl_bits_read(&br, 8);
    sps.constraint_flags = (uint8_t)sl_bits_read(&br, 8);
    sps.level_idc = (uint8_t)sl_bits_read(&br, 8);
    sps.sps_id = sl_bits_read_ue(&br);
    if (sps.sps_id > 31) {
        return SL_EBADDATA;
    }
    sps.chroma_format_idc = 1;
    sps.bit_depth_luma = 8;
    sps.bit_depth_chroma = 8;
    if (has_chroma_info(sps.profile_idc)) {
        sps.chroma_format_idc = sl_bits_read_ue(&br);
        if (sps.chroma_format_idc > 3) {
            return SL_EBADDATA;
        }
        if (sps.chroma_format_idc == 3) {
            sep_colour = sl_bits_read(&br, 1);
        }
        v = sl_bits_read_ue(&br);
        if (v > 6) {
            return SL_EBADDATA;
        }
        sps.bit_depth_luma = v + 8;
        v = sl_bits_read_ue(&br);
        if (v > 6) {
            return SL_EBADDATA;
        }
        sps.bit_depth_chroma = v + 8;
        sl_bits_skip(&br, 1);     /* qpprime_y_zero_transform_bypass_flag */
        if (sl_bits_read1(&br)) { /* seq_scaling_matrix_present_flag */
            int lists = sps.chroma_format_idc != 3 ? 8 : 12;
            int i;

            for (i = 0; i < lists && !br.error; i++) {
                if (sl_bits_read1(&br)) {
                    skip_scaling_list(&br, i < 6 ? 16 : 64);
                }
            }
        }
    }
    sps.separate_colour_plane = sep_colour != 0;
    v = sl_bits_read_ue(&br); /* log2_max_frame_num_minus4 */
    if (v > 12) {
        return SL_EBADDATA;
    }
    sps.log2_max_frame_num = v + 4;
    v = sl_bits_read_ue(&br); /* pic_order_cnt_type */
    sps.poc_type = v;
    if (v == 0) {
        v = sl_bits_read_ue(&br);
        if (v > 12) {
            return SL_EBADDATA;
        }
        sps.log2_max_poc_lsb = v + 4;
    } else if (v == 1) {
        uint32_t cycle;
        uint32_t i;

        sps.delta_pic_order_always_zero = sl_bits_read1(&br);
        sps.offset_for_non_ref_pic = sl_bits_read_se(&br);
        sps.offset_for_top_to_bottom_field = sl_bits_read_se(&br);
        cycle = sl_bits_read_ue(&br);
        if (cycle > SL_H264_POC_CYCLE_MAX) {
            return SL_EBADDATA;
        }
        sps.num_ref_frames_in_poc_cycle = cycle;
        for (i = 0; i < cycle && !br.error; i++) {
            sps.offset_for_ref_frame[i] = sl_bits_read_se(&br);
        }
    } else if (v != 2) {
        return SL_EBADDATA;
    }
    sps.max_num_ref_frames = sl_bits_read_ue(&br);
    if (sps.max_num_ref_frames > 16) {
        return SL_EBADDATA;
    }
    sl_bits_skip(&br, 1); /* gaps_in_frame_num_value_allowed_flag */
    w_mbs = sl_bits_read_ue(&br);
    h_map = sl_bits_read_ue(&br);
    sps.frame_mbs_only = sl_bits_read1(&br);
    if (!sps.frame_mbs_only) {
        sl_bits_skip(&br, 1); /* mb_adaptive_frame_field_flag */
    }
    sl_bits_skip(&br, 1); /* direct_8x8_inference_flag */
    if (sl_bits_read1(&br)) {
        int i;

        for (i = 0; i < 4; i++) {
            crop[i] = sl_bits_read_ue(&br);
        }
    }
    if (br.error || w_mbs >= MAX_DIMENSION / 16 || h_map >= MAX_DIMENSION / 16)
    {
        return SL_EBADDATA;
    }
    if (sl_bits_read1(&br)) {
        parse_vui(&br, &sps); /* best effort: errors leave timing at 0 */
    }

    chroma_array = sep_colour ? 0 : sps.chroma_format_idc;
    unit_x = chroma_array == 1 || chroma_array == 2 ? 2 : 1;
    unit_y = chroma_array == 1 ? 2 : 1;
    unit_y *= sps.frame_mbs_only ? 1 : 2;
    w = ((uint64_t)w_mbs + 1) * 16;
    h = ((uint64_t)h_map + 1) * 16 * (sps.frame_mbs_only ? 1 : 2);
    if ((uint64_t)unit_x * ((uint64_t)crop[0] + crop[1]) >= w
        || (uint64_t)unit_y * ((uint64_t)crop[2] + crop[3]) >= h
        || h > MAX_DIMENSION)
    {
        return SL_EBADDATA;
    }
    sps.width = (uint32_t)(w - unit_x * ((uint64_t)crop[0] + crop[1]));
    sps.height = (uint32_t)(h - unit_y * ((uint64_t)crop[2] + crop[3]));
    *out = sps;
    return 0;
}


int
sl_h264_pps_parse(const uint8_t *nalu, size_t len, struct sl_h264_pps *out)
{
    uint8_t            buf[64];
    struct sl_bits     br;
    struct sl_h264_pps pps = {0};
    int                n;

    if (len < 2 || sl_h264_nal_type(nalu[0]) != SL_H264_NAL_PPS) {
        return SL_EBADDATA;
    }
    /* The fields we need sit in the first few bytes. */
    n = sl_nalu_unescape(nalu + 1, len - 1, buf, sizeof(buf));
    if (n < 0) {
        n = (int)sizeof(buf);
    }
    sl_bits_init(&br, buf, (size_t)n);
    pps.pps_id = sl_bits_read_ue(&br);
    pps.sps_id = sl_bits_read_ue(&br);
    pps.entropy_coding_mode = sl_bits_read1(&br);
    pps.bottom_field_pic_order_in_frame_present = sl_bits_read1(&br);
    if (br.error || pps.pps_id > 255 || pps.sps_id > 31) {
        return SL_EBADDATA;
    }
    *out = pps;
    return 0;
}


/* Profiles whose record carries the chroma/bit-depth extension. */
static bool
high_profile_ext(uint8_t profile_idc)
{
    return profile_idc == 100 || profile_idc == 110 || profile_idc == 122
           || profile_idc == 144;
}


/*
 * Reads count (16-bit length, NALU) pairs at *off, keeping up to
 * SL_H264_CONFIG_MAX_PS in ps[] (when ps is not NULL).  type < 0 accepts
 * any NAL type.
 */
static int
read_sets(const uint8_t *p, size_t len, size_t *off, int count, int type,
          const uint8_t **ps, size_t *ps_len, int *kept)
{
    int i;

    for (i = 0; i < count; i++) {
        size_t n;

        if (len - *off < 2) {
            return SL_EBADDATA;
        }
        n = sl_rb16(p + *off);
        *off += 2;
        if (n == 0 || n > len - *off) {
            return SL_EBADDATA;
        }
        if (type >= 0 && sl_h264_nal_type(p[*off]) != type) {
            return SL_EBADDATA;
        }
        if (ps != NULL && *kept < SL_H264_CONFIG_MAX_PS) {
            ps[*kept] = p + *off;
            ps_len[*kept] = n;
            (*kept)++;
        }
        *off += n;
    }
    return 0;
}


int
sl_h264_avcc_config_parse(const uint8_t *p, size_t len,
                          struct sl_h264_config *out)
{
    struct sl_h264_config c = {0};
    struct sl_h264_sps    sps;
    size_t                off = 6;
    int                   count;
    int                   rc;

    if (len < 7 || p[0] != 1 || (p[4] & 3) == 2) {
        return SL_EBADDATA;
    }
    c.profile_idc = p[1];
    c.profile_compat = p[2];
    c.level_idc = p[3];
    c.length_size = (p[4] & 3) + 1;
    rc = read_sets(p, len, &off, p[5] & 0x1f, SL_H264_NAL_SPS, c.sps, c.sps_len,
                   &c.sps_count);
    if (rc < 0 || off >= len) {
        return SL_EBADDATA;
    }
    count = p[off++];
    rc = read_sets(p, len, &off, count, SL_H264_NAL_PPS, c.pps, c.pps_len,
                   &c.pps_count);
    if (rc < 0) {
        return rc;
    }
    c.chroma_format_idc = 1;
    c.bit_depth_luma = 8;
    c.bit_depth_chroma = 8;
    if (c.sps_count > 0 && sl_h264_sps_parse(c.sps[0], c.sps_len[0], &sps) == 0)
    {
        c.chroma_format_idc = sps.chroma_format_idc;
        c.bit_depth_luma = sps.bit_depth_luma;
        c.bit_depth_chroma = sps.bit_depth_chroma;
    }
    if (high_profile_ext(c.profile_idc) && len - off >= 4) {
        int ignored = 0;

        c.chroma_format_idc = p[off] & 3;
        c.bit_depth_luma = (p[off + 1] & 7) + 8u;
        c.bit_depth_chroma = (p[off + 2] & 7) + 8u;
        count = p[off + 3];
        off += 4;
        rc = read_sets(p, len, &off, count, -1, NULL, NULL, &ignored);
        if (rc < 0) {
            return rc;
        }
    }
    *out = c;
    return 0;
}


int
sl_h264_avcc_config_build(struct sl_dbuf *out, const uint8_t *sps,
                          size_t sps_len, const uint8_t *pps, size_t pps_len)
{
    struct sl_h264_sps s;
    bool               ext;
    size_t             total;
    uint8_t           *d;

    if (sps_len > 0xffff || pps_len == 0 || pps_len > 0xffff
        || sl_h264_nal_type(pps[0]) != SL_H264_NAL_PPS
        || sl_h264_sps_parse(sps, sps_len, &s) < 0)
    {
        return SL_EBADDATA;
    }
    ext = high_profile_ext(s.profile_idc);
    total = 6 + 2 + sps_len + 1 + 2 + pps_len + (ext ? 4 : 0);
    d = sl_dbuf_reserve(out, total);
    if (d == NULL) {
        return SL_ELIMIT;
    }
    d[0] = 1;
    d[1] = sps[1];   /* profile_idc */
    d[2] = sps[2];   /* constraint flags */
    d[3] = sps[3];   /* level_idc */
    d[4] = 0xfc | 3; /* lengthSizeMinusOne = 3 */
    d[5] = 0xe0 | 1;
    sl_wb16(d + 6, (uint16_t)sps_len);
    memcpy(d + 8, sps, sps_len);
    d += 8 + sps_len;
    d[0] = 1;
    sl_wb16(d + 1, (uint16_t)pps_len);
    memcpy(d + 3, pps, pps_len);
    d += 3 + pps_len;
    if (ext) {
        d[0] = (uint8_t)(0xfc | (s.chroma_format_idc & 3));
        d[1] = (uint8_t)(0xf8 | ((s.bit_depth_luma - 8) & 7));
        d[2] = (uint8_t)(0xf8 | ((s.bit_depth_chroma - 8) & 7));
        d[3] = 0; /* numOfSequenceParameterSetExt */
    }
    sl_dbuf_commit(out, total);
    return 0;
}


int
sl_h264_prepend_params(const uint8_t *au, size_t len, const uint8_t *sps,
                       size_t sps_len, const uint8_t *pps, size_t pps_len,
                       struct sl_dbuf *out)
{
    struct sl_avcc_iter it;
    const uint8_t      *nalu;
    size_t              n;
    bool                idr = false;
    bool                have_sps = false;
    bool                have_pps = false;
    const uint8_t      *sets[2];
    size_t              sets_len[2];
    int                 count = 0;
    int                 rc;

    sl_avcc_iter_init(&it, au, len);
    for (;;) {
        rc = sl_avcc_next(&it, &nalu, &n);
        if (rc != 1) {
            break;
        }
        switch (sl_h264_nal_type(nalu[0])) {
        case SL_H264_NAL_IDR:
            idr = true;
            break;
        case SL_H264_NAL_SPS:
            have_sps = true;
            break;
        case SL_H264_NAL_PPS:
            have_pps = true;
            break;
        default:
            break;
        }
    }
    if (rc < 0) {
        return rc;
    }
    if (idr && !have_sps && sps_len > 0) {
        sets[count] = sps;
        sets_len[count++] = sps_len;
    }
    if (idr && !have_pps && pps_len > 0) {
        sets[count] = pps;
        sets_len[count++] = pps_len;
    }
    if (count == 0) {
        return 0;
    }
    rc = sl_avcc_insert_front(au, len, false, sets, sets_len, count, out);
    return rc < 0 ? rc : 1;
}
