/*
 * Sluice: H.265 NAL types, IRAP detection, VPS/SPS/PPS parsing (H.265
 * 7.3.2) and the HEVC configuration record (ISO/IEC 14496-15 8.3.3.1).
 */
#include "codec/h265.h"
#include "codec/nalu.h"
#include "base/bits.h"
#include "base/bytes.h"
#include "base/err.h"

#include <string.h>


#define MAX_DIMENSION 16384


static int  parse_ptl(struct sl_bits *br, uint32_t max_sub_layers_minus1,
                      struct sl_h265_sps *sps);
static void skip_scaling_list_data(struct sl_bits *br);
static int  skip_st_ref_pic_set(struct sl_bits *br, uint32_t idx,
                                uint32_t *num_delta_pocs);
static void parse_sps_vui_timing(struct sl_bits *br, struct sl_h265_sps *sps);
static void parse_sps_tail(struct sl_bits *br, struct sl_h265_sps *sps);
static int  unescape_rbsp(const uint8_t *nalu, size_t len, uint8_t *buf,
                          size_t cap);
static int  read_array(const uint8_t *p, size_t len, size_t *off, int type,
                       const uint8_t **ps, size_t *ps_len, int *kept);
static uint8_t *put_array(uint8_t *d, int type, const uint8_t *nalu,
                          size_t len);


/* profile_tier_level(1, sps_max_sub_layers_minus1) of 7.3.3. */
static int
parse_ptl(struct sl_bits *br, uint32_t max_sub_layers_minus1,
          struct sl_h265_sps *sps)
{
    bool     profile_present[8] = {false};
    bool     level_present[8] = {false};
    uint32_t i;

    sps->profile_space = (uint8_t)sl_bits_read(br, 2);
    sps->tier_flag = (uint8_t)sl_bits_read(br, 1);
    sps->profile_idc = (uint8_t)sl_bits_read(br, 5);
    sps->profile_compat_flags = sl_bits_read(br, 32);
    /* progressive, interlaced, non_packed, frame_only, 43 + 1 bits. */
    sps->constraint_flags = (uint64_t)sl_bits_read(br, 16) << 32;
    sps->constraint_flags |= sl_bits_read(br, 32);
    sps->level_idc = (uint8_t)sl_bits_read(br, 8);
    for (i = 0; i < max_sub_layers_minus1; i++) {
        profile_present[i] = sl_bits_read1(br);
        level_present[i] = sl_bits_read1(br);
    }
    if (max_sub_layers_minus1 > 0) {
        for (i = max_sub_layers_minus1; i < 8; i++) {
            sl_bits_skip(br, 2); /* reserved_zero_2bits */
        }
    }
    for (i = 0; i < max_sub_layers_minus1; i++) {
        if (profile_present[i]) {
            sl_bits_skip(br, 88);
        }
        if (level_present[i]) {
            sl_bits_skip(br, 8);
        }
    }
    return br->error ? SL_EBADDATA : 0;
}


bool
sl_h265_avcc_is_irap(const uint8_t *au, size_t len)
{
    struct sl_avcc_iter it;
    const uint8_t      *nalu;
    size_t              n;

    sl_avcc_iter_init(&it, au, len);
    while (sl_avcc_next(&it, &nalu, &n) == 1) {
        if (sl_h265_is_irap(sl_h265_nal_type(nalu[0]))) {
            return true;
        }
    }
    return false;
}


bool
sl_h265_annexb_is_irap(const uint8_t *au, size_t len)
{
    struct sl_annexb_iter it;
    const uint8_t        *nalu;
    size_t                n;

    sl_annexb_iter_init(&it, au, len);
    while (sl_annexb_next(&it, &nalu, &n)) {
        if (sl_h265_is_irap(sl_h265_nal_type(nalu[0]))) {
            return true;
        }
    }
    return false;
}


int
sl_h265_sps_parse(const uint8_t *nalu, size_t len, struct sl_h265_sps *out)
{
    uint8_t            buf[SL_H265_SPS_MAX];
    struct sl_bits     br;
    struct sl_h265_sps sps = {0};
    uint32_t           sub_minus1;
    uint32_t           w;
    uint32_t           h;
    uint32_t           win[4] = {0, 0, 0, 0};
    uint32_t           sub_w;
    uint32_t           sub_h;
    uint32_t           v;
    int                n;

    if (len < 4 || sl_h265_nal_type(nalu[0]) != SL_H265_NAL_SPS) {
        return SL_EBADDATA;
    }
    n = sl_nalu_unescape(nalu + 2, len - 2, buf, sizeof(buf));
    if (n < 0) {
        n = (int)sizeof(buf);
    }
    sl_bits_init(&br, buf, (size_t)n);

    sps.vps_id = sl_bits_read(&br, 4);
    sub_minus1 = sl_bits_read(&br, 3);
    if (sub_minus1 > 6) {
        return SL_EBADDATA;
    }
    sps.max_sub_layers = sub_minus1 + 1;
    sps.temporal_id_nesting = sl_bits_read1(&br);
    if (parse_ptl(&br, sub_minus1, &sps) < 0) {
        return SL_EBADDATA;
    }
    sps.sps_id = sl_bits_read_ue(&br);
    if (sps.sps_id > 15) {
        return SL_EBADDATA;
    }
    sps.chroma_format_idc = sl_bits_read_ue(&br);
    if (sps.chroma_format_idc > 3) {
        return SL_EBADDATA;
    }
    if (sps.chroma_format_idc == 3) {
        sps.separate_colour_plane = sl_bits_read1(&br);
    }
    w = sl_bits_read_ue(&br);
    h = sl_bits_read_ue(&br);
    if (sl_bits_read1(&br)) { /* conformance_window_flag */
        int i;

        for (i = 0; i < 4; i++) {
            win[i] = sl_bits_read_ue(&br);
        }
    }
    v = sl_bits_read_ue(&br);
    if (v > 8) {
        return SL_EBADDATA;
    }
    sps.bit_depth_luma = v + 8;
    v = sl_bits_read_ue(&br);
    if (v > 8) {
        return SL_EBADDATA;
    }
    sps.bit_depth_chroma = v + 8;
    if (br.error || w == 0 || h == 0 || w > MAX_DIMENSION || h > MAX_DIMENSION)
    {
        return SL_EBADDATA;
    }
    /*
     * The conformance window is in chroma units (Table 6-1); with
     * separate_colour_plane_flag ChromaArrayType is 0 and SubWidthC is 1,
     * which the 4:4:4 case already gives.
     */
    sub_w = sps.chroma_format_idc == 1 || sps.chroma_format_idc == 2 ? 2 : 1;
    sub_h = sps.chroma_format_idc == 1 ? 2 : 1;
    if ((uint64_t)sub_w * ((uint64_t)win[0] + win[1]) >= w
        || (uint64_t)sub_h * ((uint64_t)win[2] + win[3]) >= h)
    {
        return SL_EBADDATA;
    }
    sps.width = w - sub_w * (win[0] + win[1]);
    sps.height = h - sub_h * (win[2] + win[3]);

    /* Best effort from here: older callers only needed the size. */
    v = sl_bits_read_ue(&br); /* log2_max_pic_order_cnt_lsb_minus4 */
    if (!br.error && v <= 12) {
        bool     all = sl_bits_read1(&br);
        uint32_t i = all ? 0 : sub_minus1;
        uint32_t dec = 0;
        uint32_t reorder = 0;

        for (; i <= sub_minus1; i++) {
            dec = sl_bits_read_ue(&br);
            reorder = sl_bits_read_ue(&br);
            sl_bits_read_ue(&br); /* sps_max_latency_increase_plus1 */
        }
        if (!br.error && dec < 16 && reorder <= dec) {
            sps.log2_max_poc_lsb = v + 4;
            sps.max_dec_pic_buffering = dec + 1;
            sps.max_num_reorder_pics = reorder;
            parse_sps_tail(&br, &sps);
        }
    }
    *out = sps;
    return 0;
}


/* scaling_list_data() of 7.3.4: only the syntax is consumed. */
static void
skip_scaling_list_data(struct sl_bits *br)
{
    int size_id;
    int matrix_id;
    int i;

    for (size_id = 0; size_id < 4; size_id++) {
        for (matrix_id = 0; matrix_id < 6 && !br->error;
             matrix_id += size_id == 3 ? 3 : 1)
        {
            int coefs = size_id == 0 ? 16 : 64;

            if (!sl_bits_read1(br)) { /* scaling_list_pred_mode_flag */
                sl_bits_read_ue(br);
                continue;
            }
            if (size_id > 1) {
                sl_bits_read_se(br); /* scaling_list_dc_coef_minus8 */
            }
            for (i = 0; i < coefs && !br->error; i++) {
                sl_bits_read_se(br);
            }
        }
    }
}


/*
 * st_ref_pic_set(idx) of 7.3.7 as it appears in an SPS; num_delta_pocs[]
 * holds NumDeltaPocs of the sets before idx and receives idx's.
 */
static int
skip_st_ref_pic_set(struct sl_bits *br, uint32_t idx, uint32_t *num_delta_pocs)
{
    uint32_t i;
    uint32_t count = 0;

    if (idx != 0 && sl_bits_read1(br)) { /* inter_ref_pic_set_prediction */
        sl_bits_skip(br, 1);             /* delta_rps_sign */
        sl_bits_read_ue(br);             /* abs_delta_rps_minus1 */
        for (i = 0; i <= num_delta_pocs[idx - 1] && !br->error; i++) {
            bool used = sl_bits_read1(br);

            if (used || sl_bits_read1(br)) { /* use_delta_flag */
                count++;
            }
        }
    } else {
        uint32_t neg = sl_bits_read_ue(br);
        uint32_t pos = sl_bits_read_ue(br);

        if (neg > 16 || pos > 16) {
            return SL_EBADDATA;
        }
        for (i = 0; i < neg + pos && !br->error; i++) {
            sl_bits_read_ue(br); /* delta_poc_sX_minus1 */
            sl_bits_skip(br, 1); /* used_by_curr_pic_sX_flag */
        }
        count = neg + pos;
    }
    if (br->error || count > 32) {
        return SL_EBADDATA;
    }
    num_delta_pocs[idx] = count;
    return 0;
}


/* vui_parameters() of E.2.1 up to the timing information. */
static void
parse_sps_vui_timing(struct sl_bits *br, struct sl_h265_sps *sps)
{
    uint32_t tick;
    uint32_t scale;

    if (sl_bits_read1(br)) { /* aspect_ratio_info_present_flag */
        if (sl_bits_read(br, 8) == 255) {
            sl_bits_skip(br, 32);
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
    sl_bits_skip(br, 3);     /* neutral chroma, field_seq, frame_field_info */
    if (sl_bits_read1(br)) { /* default_display_window_flag */
        int i;

        for (i = 0; i < 4; i++) {
            sl_bits_read_ue(br);
        }
    }
    if (!sl_bits_read1(br)) { /* vui_timing_info_present_flag */
        return;
    }
    tick = sl_bits_read(br, 32);
    scale = sl_bits_read(br, 32);
    if (!br->error && tick != 0 && scale != 0) {
        sps->num_units_in_tick = tick;
        sps->time_scale = scale;
    }
}


/*
 * The SPS after sps_max_latency_increase_plus1 (7.3.2.2.1), read only to
 * reach the VUI timing; errors leave the timing at 0.
 */
static void
parse_sps_tail(struct sl_bits *br, struct sl_h265_sps *sps)
{
    uint32_t num_delta_pocs[65];
    uint32_t sets;
    uint32_t i;

    for (i = 0; i < 6; i++) {
        sl_bits_read_ue(br); /* block sizes and transform depths */
    }
    if (sl_bits_read1(br) && sl_bits_read1(br)) { /* scaling lists */
        skip_scaling_list_data(br);
    }
    sl_bits_skip(br, 2);     /* amp, sample_adaptive_offset */
    if (sl_bits_read1(br)) { /* pcm_enabled_flag */
        sl_bits_skip(br, 8);
        sl_bits_read_ue(br);
        sl_bits_read_ue(br);
        sl_bits_skip(br, 1);
    }
    sets = sl_bits_read_ue(br);
    if (br->error || sets > 64) {
        return;
    }
    for (i = 0; i < sets; i++) {
        if (skip_st_ref_pic_set(br, i, num_delta_pocs) < 0) {
            return;
        }
    }
    if (sl_bits_read1(br)) { /* long_term_ref_pics_present_flag */
        uint32_t lt = sl_bits_read_ue(br);

        if (lt > 32) {
            return;
        }
        sl_bits_skip(br, lt * (sps->log2_max_poc_lsb + 1));
    }
    sl_bits_skip(br, 2);     /* temporal_mvp, strong_intra_smoothing */
    if (sl_bits_read1(br)) { /* vui_parameters_present_flag */
        parse_sps_vui_timing(br, sps);
    }
}


/* Copies the RBSP after a 2-byte header into buf; returns its length. */
static int
unescape_rbsp(const uint8_t *nalu, size_t len, uint8_t *buf, size_t cap)
{
    int n = sl_nalu_unescape(nalu + 2, len - 2, buf, cap);

    return n < 0 ? (int)cap : n;
}


int
sl_h265_vps_parse(const uint8_t *nalu, size_t len, struct sl_h265_vps *out)
{
    uint8_t            buf[SL_H265_SPS_MAX];
    struct sl_bits     br;
    struct sl_h265_vps vps = {0};
    struct sl_h265_sps ptl;
    uint32_t           sub_minus1;
    uint32_t           i;
    uint32_t           max_layer_id;
    uint32_t           sets;

    if (len < 4 || sl_h265_nal_type(nalu[0]) != SL_H265_NAL_VPS) {
        return SL_EBADDATA;
    }
    sl_bits_init(&br, buf, (size_t)unescape_rbsp(nalu, len, buf, sizeof(buf)));
    vps.vps_id = sl_bits_read(&br, 4);
    sl_bits_skip(&br, 2 + 6); /* base layer flags, vps_max_layers_minus1 */
    sub_minus1 = sl_bits_read(&br, 3);
    if (sub_minus1 > 6) {
        return SL_EBADDATA;
    }
    vps.max_sub_layers = sub_minus1 + 1;
    sl_bits_skip(&br, 1 + 16); /* nesting flag, reserved 0xffff */
    if (parse_ptl(&br, sub_minus1, &ptl) < 0) {
        return SL_EBADDATA;
    }
    i = sl_bits_read1(&br) ? 0 : sub_minus1;
    for (; i <= sub_minus1; i++) {
        sl_bits_read_ue(&br);
        vps.max_num_reorder_pics = sl_bits_read_ue(&br);
        sl_bits_read_ue(&br);
    }
    if (br.error || vps.max_num_reorder_pics > 16) {
        return SL_EBADDATA;
    }
    max_layer_id = sl_bits_read(&br, 6);
    sets = sl_bits_read_ue(&br);
    if (sets > 1023) {
        return SL_EBADDATA;
    }
    for (i = 1; i <= sets && !br.error; i++) {
        sl_bits_skip(&br, max_layer_id + 1); /* layer_id_included_flag */
    }
    if (sl_bits_read1(&br)) { /* vps_timing_info_present_flag */
        uint32_t tick = sl_bits_read(&br, 32);
        uint32_t scale = sl_bits_read(&br, 32);

        if (!br.error && tick != 0 && scale != 0) {
            vps.num_units_in_tick = tick;
            vps.time_scale = scale;
        }
    }
    *out = vps;
    return 0;
}


int
sl_h265_pps_parse(const uint8_t *nalu, size_t len, struct sl_h265_pps *out)
{
    uint8_t            buf[64];
    struct sl_bits     br;
    struct sl_h265_pps pps = {0};

    if (len < 3 || sl_h265_nal_type(nalu[0]) != SL_H265_NAL_PPS) {
        return SL_EBADDATA;
    }
    sl_bits_init(&br, buf, (size_t)unescape_rbsp(nalu, len, buf, sizeof(buf)));
    pps.pps_id = sl_bits_read_ue(&br);
    pps.sps_id = sl_bits_read_ue(&br);
    pps.dependent_slice_segments_enabled = sl_bits_read1(&br);
    pps.output_flag_present = sl_bits_read1(&br);
    pps.num_extra_slice_header_bits = sl_bits_read(&br, 3);
    if (br.error || pps.pps_id > 63 || pps.sps_id > 15) {
        return SL_EBADDATA;
    }
    *out = pps;
    return 0;
}


/*
 * Reads one array of the record at *off (completeness/type byte, count,
 * then 16-bit length + NALU each), keeping up to SL_H265_CONFIG_MAX_PS NALUs
 * when ps is not NULL.
 */
static int
read_array(const uint8_t *p, size_t len, size_t *off, int type,
           const uint8_t **ps, size_t *ps_len, int *kept)
{
    uint32_t count;
    uint32_t i;

    if (len - *off < 3) {
        return SL_EBADDATA;
    }
    count = sl_rb16(p + *off + 1);
    *off += 3;
    for (i = 0; i < count; i++) {
        size_t n;

        if (len - *off < 2) {
            return SL_EBADDATA;
        }
        n = sl_rb16(p + *off);
        *off += 2;
        if (n < 2 || n > len - *off || sl_h265_nal_type(p[*off]) != type) {
            return SL_EBADDATA;
        }
        if (ps != NULL && *kept < SL_H265_CONFIG_MAX_PS) {
            ps[*kept] = p + *off;
            ps_len[*kept] = n;
            (*kept)++;
        }
        *off += n;
    }
    return 0;
}


int
sl_h265_hvcc_config_parse(const uint8_t *p, size_t len,
                          struct sl_h265_config *out)
{
    struct sl_h265_config c = {0};
    size_t                off = 23;
    uint32_t              arrays;
    uint32_t              i;
    int                   rc;

    if (len < 23 || p[0] != 1 || (p[21] & 3) == 2) {
        return SL_EBADDATA;
    }
    c.profile_space = p[1] >> 6;
    c.tier_flag = (p[1] >> 5) & 1;
    c.profile_idc = p[1] & 0x1f;
    c.profile_compat_flags = sl_rb32(p + 2);
    c.constraint_flags = ((uint64_t)sl_rb16(p + 6) << 32) | sl_rb32(p + 8);
    c.level_idc = p[12];
    c.min_spatial_segmentation = sl_rb16(p + 13) & 0x0fff;
    c.parallelism_type = p[15] & 3;
    c.chroma_format_idc = p[16] & 3;
    c.bit_depth_luma = (p[17] & 7) + 8u;
    c.bit_depth_chroma = (p[18] & 7) + 8u;
    c.num_temporal_layers = (p[21] >> 3) & 7;
    c.temporal_id_nested = (p[21] >> 2) & 1;
    c.length_size = (p[21] & 3) + 1;
    arrays = p[22];
    for (i = 0; i < arrays; i++) {
        int type;

        if (off >= len) {
            return SL_EBADDATA;
        }
        type = p[off] & 0x3f;
        switch (type) {
        case SL_H265_NAL_VPS:
            rc = read_array(p, len, &off, type, c.vps, c.vps_len, &c.vps_count);
            break;
        case SL_H265_NAL_SPS:
            rc = read_array(p, len, &off, type, c.sps, c.sps_len, &c.sps_count);
            break;
        case SL_H265_NAL_PPS:
            rc = read_array(p, len, &off, type, c.pps, c.pps_len, &c.pps_count);
            break;
        default:
            rc = read_array(p, len, &off, type, NULL, NULL, NULL);
            break;
        }
        if (rc < 0) {
            return rc;
        }
    }
    *out = c;
    return 0;
}


/* Writes one complete array holding one NALU; returns the end. */
static uint8_t *
put_array(uint8_t *d, int type, const uint8_t *nalu, size_t len)
{
    d[0] = (uint8_t)(0x80 | type); /* array_completeness = 1 */
    sl_wb16(d + 1, 1);
    sl_wb16(d + 3, (uint16_t)len);
    memcpy(d + 5, nalu, len);
    return d + 5 + len;
}


int
sl_h265_hvcc_config_build(struct sl_dbuf *out, const uint8_t *vps,
                          size_t vps_len, const uint8_t *sps, size_t sps_len,
                          const uint8_t *pps, size_t pps_len)
{
    struct sl_h265_sps s;
    size_t             total;
    uint8_t           *d;

    if (vps_len < 2 || vps_len > 0xffff || sps_len > 0xffff || pps_len < 2
        || pps_len > 0xffff || sl_h265_nal_type(vps[0]) != SL_H265_NAL_VPS
        || sl_h265_nal_type(pps[0]) != SL_H265_NAL_PPS
        || sl_h265_sps_parse(sps, sps_len, &s) < 0)
    {
        return SL_EBADDATA;
    }
    total = 23 + 3 * 5 + vps_len + sps_len + pps_len;
    d = sl_dbuf_reserve(out, total);
    if (d == NULL) {
        return SL_ELIMIT;
    }
    d[0] = 1;
    d[1] = (uint8_t)((s.profile_space << 6) | (s.tier_flag << 5)
                     | (s.profile_idc & 0x1f));
    sl_wb32(d + 2, s.profile_compat_flags);
    sl_wb16(d + 6, (uint16_t)(s.constraint_flags >> 32));
    sl_wb32(d + 8, (uint32_t)s.constraint_flags);
    d[12] = s.level_idc;
    sl_wb16(d + 13, 0xf000); /* min_spatial_segmentation_idc = 0 */
    d[15] = 0xfc;            /* parallelismType = 0 (unknown) */
    d[16] = (uint8_t)(0xfc | (s.chroma_format_idc & 3));
    d[17] = (uint8_t)(0xf8 | ((s.bit_depth_luma - 8) & 7));
    d[18] = (uint8_t)(0xf8 | ((s.bit_depth_chroma - 8) & 7));
    sl_wb16(d + 19, 0); /* avgFrameRate unknown */
    /* constantFrameRate 0, numTemporalLayers, temporalIdNested, 4 bytes. */
    d[21] = (uint8_t)(((s.max_sub_layers & 7) << 3)
                      | (s.temporal_id_nesting ? 4 : 0) | 3);
    d[22] = 3;
    d = put_array(d + 23, SL_H265_NAL_VPS, vps, vps_len);
    d = put_array(d, SL_H265_NAL_SPS, sps, sps_len);
    put_array(d, SL_H265_NAL_PPS, pps, pps_len);
    sl_dbuf_commit(out, total);
    return 0;
}


int
sl_h265_prepend_params(const uint8_t *au, size_t len, const uint8_t *vps,
                       size_t vps_len, const uint8_t *sps, size_t sps_len,
                       const uint8_t *pps, size_t pps_len, struct sl_dbuf *out)
{
    struct sl_avcc_iter it;
    const uint8_t      *nalu;
    size_t              n;
    bool                irap = false;
    bool                have[3] = {false, false, false};
    const uint8_t      *given[3] = {vps, sps, pps};
    size_t              given_len[3] = {vps_len, sps_len, pps_len};
    const uint8_t      *sets[3];
    size_t              sets_len[3];
    int                 count = 0;
    int                 type;
    int                 rc;
    int                 i;

    sl_avcc_iter_init(&it, au, len);
    for (;;) {
        rc = sl_avcc_next(&it, &nalu, &n);
        if (rc != 1) {
            break;
        }
        type = sl_h265_nal_type(nalu[0]);

        if (sl_h265_is_irap(type)) {
            irap = true;
        } else if (type >= SL_H265_NAL_VPS && type <= SL_H265_NAL_PPS) {
            have[type - SL_H265_NAL_VPS] = true;
        }
    }
    if (rc < 0) {
        return rc;
    }
    for (i = 0; i < 3 && irap; i++) {
        if (!have[i] && given_len[i] > 0) {
            sets[count] = given[i];
            sets_len[count++] = given_len[i];
        }
    }
    if (count == 0) {
        return 0;
    }
    rc = sl_avcc_insert_front(au, len, true, sets, sets_len, count, out);
    return rc < 0 ? rc : 1;
}
