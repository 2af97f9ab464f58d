/* Sluice: H.264 NAL types, keyframe detection, SPS parsing (H.264 7.3.2.1). */
#include "codec/h264.h"
#include "codec/nalu.h"
#include "base/bits.h"
#include "base/err.h"


#define MAX_DIMENSION 16384


static bool has_chroma_info(uint8_t profile_idc);
static void skip_scaling_list(struct sl_bits *br, int size);
static void parse_vui(struct sl_bits *br, struct sl_h264_sps *sps);


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


/* vui_parameters() of E.1.1 up to the timing information. */
static void
parse_vui(struct sl_bits *br, struct sl_h264_sps *sps)
{
    uint32_t tick;
    uint32_t scale;

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
    if (!sl_bits_read1(br)) { /* timing_info_present_flag */
        return;
    }
    tick = sl_bits_read(br, 32);
    scale = sl_bits_read(br, 32);
    if (!br->error && tick != 0 && scale != 0) {
        sps->num_units_in_tick = tick;
        sps->time_scale = scale;
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
    if (sl_bits_read_ue(&br) > 12) { /* log2_max_frame_num_minus4 */
        return SL_EBADDATA;
    }
    v = sl_bits_read_ue(&br); /* pic_order_cnt_type */
    if (v == 0) {
        if (sl_bits_read_ue(&br) > 12) {
            return SL_EBADDATA;
        }
    } else if (v == 1) {
        uint32_t cycle;
        uint32_t i;

        sl_bits_skip(&br, 1);
        sl_bits_read_se(&br);
        sl_bits_read_se(&br);
        cycle = sl_bits_read_ue(&br);
        if (cycle > 255) {
            return SL_EBADDATA;
        }
        for (i = 0; i < cycle && !br.error; i++) {
            sl_bits_read_se(&br);
        }
    } else if (v != 2) {
        return SL_EBADDATA;
    }
    sl_bits_read_ue(&br); /* max_num_ref_frames */
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
