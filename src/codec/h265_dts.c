/*
 * Sluice: H.265 DTS from PTS: slice segment headers (7.3.6.1), picture
 * order counts (8.3.1) and the reorder window of codec/reorder.h.
 */
#include "codec/h265_dts.h"
#include "codec/nalu.h"
#include "base/bits.h"
#include "base/err.h"

#include <string.h>


#define SLICE_HEADER_BYTES 64
#define TIMESTAMP_CLOCK    90000


static int  unescape_header(const uint8_t *nalu, size_t len, uint8_t *buf);
static void keep_pps(struct sl_h265_dts *d, const struct sl_h265_pps *pps);
static const struct sl_h265_pps *find_pps(const struct sl_h265_dts *d,
                                          uint32_t                  id);
static bool                      is_idr(int type);
static bool                      sub_layer_non_ref(int type);
static int64_t                   frame_duration(const struct sl_h265_dts *d);


void
sl_h265_dts_init(struct sl_h265_dts *d)
{
    memset(d, 0, sizeof(*d));
    sl_reorder_init(&d->reorder);
    sl_poc_order_init(&d->order, 1);
}


static int
unescape_header(const uint8_t *nalu, size_t len, uint8_t *buf)
{
    int n;

    if (len < 3) {
        return SL_EBADDATA;
    }
    n = sl_nalu_unescape(nalu + 2, len - 2, buf, SLICE_HEADER_BYTES);
    return n < 0 ? SLICE_HEADER_BYTES : n;
}


static void
keep_pps(struct sl_h265_dts *d, const struct sl_h265_pps *pps)
{
    int i;

    for (i = 0; i < d->pps_count; i++) {
        if (d->pps[i].pps_id == pps->pps_id) {
            d->pps[i] = *pps;
            return;
        }
    }
    if (d->pps_count < SL_H265_DTS_MAX_PPS) {
        d->pps[d->pps_count++] = *pps;
    } else {
        d->pps[SL_H265_DTS_MAX_PPS - 1] = *pps;
    }
}


static const struct sl_h265_pps *
find_pps(const struct sl_h265_dts *d, uint32_t id)
{
    int i;

    for (i = 0; i < d->pps_count; i++) {
        if (d->pps[i].pps_id == id) {
            return &d->pps[i];
        }
    }
    return NULL;
}


static bool
is_idr(int type)
{
    return type == SL_H265_NAL_IDR_W_RADL || type == SL_H265_NAL_IDR_N_LP;
}


/* TRAIL_N, TSA_N, STSA_N, RADL_N, RASL_N and reserved RSV_VCL_N10..14. */
static bool
sub_layer_non_ref(int type)
{
    return type <= 14 && (type & 1) == 0;
}


int
sl_h265_dts_set_params(struct sl_h265_dts *d, const uint8_t *vps,
                       size_t vps_len, const uint8_t *sps, size_t sps_len,
                       const uint8_t *pps, size_t pps_len)
{
    struct sl_h265_pps p;
    int                rc = 0;

    if (vps != NULL) {
        if (sl_h265_vps_parse(vps, vps_len, &d->vps) == 0) {
            d->have_vps = true;
        } else {
            rc = SL_EBADDATA;
        }
    }
    if (sps != NULL) {
        if (sl_h265_sps_parse(sps, sps_len, &d->sps) == 0) {
            d->have_sps = true;
        } else {
            rc = SL_EBADDATA;
        }
    }
    if (pps != NULL) {
        if (sl_h265_pps_parse(pps, pps_len, &p) == 0) {
            keep_pps(d, &p);
        } else {
            rc = SL_EBADDATA;
        }
    }
    return rc;
}


int
sl_h265_slice_header_parse(const uint8_t *nalu, size_t len,
                           const struct sl_h265_sps    *sps,
                           const struct sl_h265_pps    *pps,
                           struct sl_h265_slice_header *out)
{
    uint8_t                     buf[SLICE_HEADER_BYTES];
    struct sl_bits              br;
    struct sl_h265_slice_header sh = {0};
    int                         n = unescape_header(nalu, len, buf);

    if (n < 0) {
        return n;
    }
    sh.nal_type = sl_h265_nal_type(nalu[0]);
    sh.temporal_id = (nalu[1] & 7) - 1;
    if (sh.nal_type > 31 || sh.temporal_id < 0) {
        return SL_EBADDATA;
    }
    sl_bits_init(&br, buf, (size_t)n);
    sh.first_slice_segment = sl_bits_read1(&br);
    if (sh.nal_type >= SL_H265_NAL_BLA_W_LP && sh.nal_type <= 23) {
        sl_bits_skip(&br, 1); /* no_output_of_prior_pics_flag */
    }
    sh.pps_id = sl_bits_read_ue(&br);
    /* Only the first segment is parsed: no address or dependent flag. */
    if (!sh.first_slice_segment || sh.pps_id != pps->pps_id
        || sps->log2_max_poc_lsb == 0)
    {
        return SL_EBADDATA;
    }
    sl_bits_skip(&br, pps->num_extra_slice_header_bits);
    sh.slice_type = sl_bits_read_ue(&br);
    if (pps->output_flag_present) {
        sl_bits_skip(&br, 1);
    }
    if (sps->separate_colour_plane) {
        sl_bits_skip(&br, 2);
    }
    if (!is_idr(sh.nal_type)) {
        sh.poc_lsb = sl_bits_read(&br, sps->log2_max_poc_lsb);
    }
    if (br.error || sh.slice_type > 2) {
        return SL_EBADDATA;
    }
    *out = sh;
    return 0;
}


/*
 * Frame duration from the SPS VUI or VPS timing info, in 90 kHz units (0:
 * unknown).
 */
static int64_t
frame_duration(const struct sl_h265_dts *d)
{
    uint32_t tick = d->sps.num_units_in_tick;
    uint32_t scale = d->sps.time_scale;

    if ((tick == 0 || scale == 0) && d->have_vps) {
        tick = d->vps.num_units_in_tick;
        scale = d->vps.time_scale;
    }
    if (tick == 0 || scale == 0) {
        return 0;
    }
    return ((int64_t)TIMESTAMP_CLOCK * tick + scale / 2) / scale;
}


int
sl_h265_dts_extract(struct sl_h265_dts *d, const uint8_t *avcc_au, size_t len,
                    int64_t pts, int64_t *dts)
{
    struct sl_avcc_iter         it;
    struct sl_h265_slice_header sh;
    struct sl_h265_vps          vps;
    struct sl_h265_sps          sps;
    struct sl_h265_pps          pps;
    const struct sl_h265_pps   *pp;
    const uint8_t              *nalu;
    const uint8_t              *slice = NULL;
    size_t                      n;
    size_t                      slice_len = 0;
    int64_t                     max_lsb;
    int64_t                     prev_lsb;
    int64_t                     prev_msb;
    int64_t                     msb;
    int64_t                     poc;
    bool                        reset;
    int                         reorder;
    int                         bound;
    int                         type;
    int                         rc;

    sl_avcc_iter_init(&it, avcc_au, len);
    for (;;) {
        rc = sl_avcc_next(&it, &nalu, &n);
        if (rc <= 0) {
            break;
        }
        type = sl_h265_nal_type(nalu[0]);
        if (type == SL_H265_NAL_VPS && sl_h265_vps_parse(nalu, n, &vps) == 0) {
            d->vps = vps;
            d->have_vps = true;
        } else if (type == SL_H265_NAL_SPS
                   && sl_h265_sps_parse(nalu, n, &sps) == 0) {
            d->sps = sps;
            d->have_sps = true;
        } else if (type == SL_H265_NAL_PPS
                   && sl_h265_pps_parse(nalu, n, &pps) == 0) {
            keep_pps(d, &pps);
        } else if (type <= 31 && slice == NULL && n >= 3
                   && (nalu[2] & 0x80) != 0) {
            slice = nalu; /* first_slice_segment_in_pic_flag set */
            slice_len = n;
        }
    }
    if (rc < 0) {
        return SL_EBADDATA;
    }
    if (slice == NULL) {
        return SL_ENOTFOUND;
    }
    {
        uint8_t        buf[SLICE_HEADER_BYTES];
        struct sl_bits br;
        int            hn = unescape_header(slice, slice_len, buf);
        uint32_t       pps_id;

        sl_bits_init(&br, buf, (size_t)hn);
        sl_bits_skip(&br, 1);
        if (sl_h265_nal_type(slice[0]) >= SL_H265_NAL_BLA_W_LP
            && sl_h265_nal_type(slice[0]) <= 23)
        {
            sl_bits_skip(&br, 1);
        }
        pps_id = sl_bits_read_ue(&br);
        if (br.error) {
            return SL_EBADDATA;
        }
        pp = find_pps(d, pps_id);
    }
    if (!d->have_sps || pp == NULL || pp->sps_id != d->sps.sps_id) {
        return SL_ENOTFOUND;
    }
    rc = sl_h265_slice_header_parse(slice, slice_len, &d->sps, pp, &sh);
    if (rc < 0) {
        return rc;
    }
    /* NoRaslOutputFlag: IDR, BLA, and a CRA that starts decoding. */
    reset = is_idr(sh.nal_type)
            || (sh.nal_type >= SL_H265_NAL_BLA_W_LP
                && sh.nal_type <= SL_H265_NAL_BLA_N_LP)
            || (sh.nal_type == SL_H265_NAL_CRA && !d->have_prev);
    max_lsb = (int64_t)1 << d->sps.log2_max_poc_lsb;
    if (reset) {
        msb = 0;
    } else {
        prev_lsb = d->prev_tid0_poc & (max_lsb - 1);
        prev_msb = d->prev_tid0_poc - prev_lsb;
        if ((int64_t)sh.poc_lsb < prev_lsb
            && prev_lsb - (int64_t)sh.poc_lsb >= max_lsb / 2)
        {
            msb = prev_msb + max_lsb;
        } else if ((int64_t)sh.poc_lsb > prev_lsb
                   && (int64_t)sh.poc_lsb - prev_lsb > max_lsb / 2)
        {
            msb = prev_msb - max_lsb;
        } else {
            msb = prev_msb;
        }
    }
    poc = msb + sh.poc_lsb;
    if (poc > ((int64_t)1 << 50) || poc < -((int64_t)1 << 50)) {
        return SL_EBADDATA; /* only after absurd wrap counts */
    }
    if (sh.temporal_id == 0 && !sub_layer_non_ref(sh.nal_type)
        && (sh.nal_type < 6 || sh.nal_type > 9)) /* RADL, RASL */
    {
        d->prev_tid0_poc = poc;
    }
    d->have_prev = true;
    d->last_poc = poc;

    bound = sl_poc_order_push(&d->order, poc, reset);
    reorder = (int)d->sps.max_num_reorder_pics;
    reorder = bound > reorder ? bound : reorder;
    return sl_reorder_push(&d->reorder, pts, reset, reorder, frame_duration(d),
                           dts);
}
