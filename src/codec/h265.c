/* Sluice: H.265 NAL types, IRAP detection, SPS parsing (H.265 7.3.2.2). */
#include "codec/h265.h"
#include "codec/nalu.h"
#include "base/bits.h"
#include "base/err.h"


#define MAX_DIMENSION 16384


static int parse_ptl(struct sl_bits *br, uint32_t max_sub_layers_minus1,
                     struct sl_h265_sps *sps);


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
    sl_bits_skip(br, 4 + 43 + 1);
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
    sl_bits_skip(&br, 1); /* sps_temporal_id_nesting_flag */
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
        sl_bits_skip(&br, 1); /* separate_colour_plane_flag */
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
    *out = sps;
    return 0;
}
