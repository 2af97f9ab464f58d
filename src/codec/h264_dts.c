/*
 * Sluice: H.264 DTS from PTS: slice headers (7.3.3), picture order counts
 * (8.2.1) and the reorder window of codec/reorder.h.
 */
#include "codec/h264_dts.h"
#include "codec/nalu.h"
#include "base/bits.h"
#include "base/err.h"

#include <string.h>


/* The slice header fields we read sit in the first bytes of the NALU. */
#define SLICE_HEADER_BYTES 64
#define TIMESTAMP_CLOCK    90000


static int  unescape_header(const uint8_t *nalu, size_t len, uint8_t *buf);
static void keep_pps(struct sl_h264_dts *d, const struct sl_h264_pps *pps);
static const struct sl_h264_pps *find_pps(const struct sl_h264_dts *d,
                                          uint32_t                  id);
static int                       poc_type0(struct sl_h264_dts                *d,
                                           const struct sl_h264_slice_header *sh, bool idr,
                                           int64_t *poc);
static int                       poc_type1(struct sl_h264_dts                *d,
                                           const struct sl_h264_slice_header *sh, bool idr,
                                           int64_t *poc);
static int64_t                   frame_num_offset(struct sl_h264_dts                *d,
                                                  const struct sl_h264_slice_header *sh,
                                                  bool                               idr);
static int64_t                   frame_duration(const struct sl_h264_sps *sps);


void
sl_h264_dts_init(struct sl_h264_dts *d)
{
    memset(d, 0, sizeof(*d));
    sl_reorder_init(&d->reorder);
    sl_poc_order_init(&d->order, 2);
}


/* Copies the start of the RBSP (after the header byte) into buf. */
static int
unescape_header(const uint8_t *nalu, size_t len, uint8_t *buf)
{
    int n;

    if (len < 2) {
        return SL_EBADDATA;
    }
    n = sl_nalu_unescape(nalu + 1, len - 1, buf, SLICE_HEADER_BYTES);
    return n < 0 ? SLICE_HEADER_BYTES : n;
}


static void
keep_pps(struct sl_h264_dts *d, const struct sl_h264_pps *pps)
{
    int i;

    for (i = 0; i < d->pps_count; i++) {
        if (d->pps[i].pps_id == pps->pps_id) {
            d->pps[i] = *pps;
            return;
        }
    }
    if (d->pps_count < SL_H264_DTS_MAX_PPS) {
        d->pps[d->pps_count++] = *pps;
    } else {
        d->pps[SL_H264_DTS_MAX_PPS - 1] = *pps;
    }
}


static const struct sl_h264_pps *
find_pps(const struct sl_h264_dts *d, uint32_t id)
{
    int i;

    for (i = 0; i < d->pps_count; i++) {
        if (d->pps[i].pps_id == id) {
            return &d->pps[i];
        }
    }
    return NULL;
}


int
sl_h264_dts_set_params(struct sl_h264_dts *d, const uint8_t *sps,
                       size_t sps_len, const uint8_t *pps, size_t pps_len)
{
    struct sl_h264_pps p;
    int                rc = 0;

    if (sps != NULL) {
        if (sl_h264_sps_parse(sps, sps_len, &d->sps) == 0) {
            d->have_sps = true;
        } else {
            rc = SL_EBADDATA;
        }
    }
    if (pps != NULL) {
        if (sl_h264_pps_parse(pps, pps_len, &p) == 0) {
            keep_pps(d, &p);
        } else {
            rc = SL_EBADDATA;
        }
    }
    return rc;
}


int
sl_h264_slice_pps_id(const uint8_t *nalu, size_t len, uint32_t *pps_id)
{
    uint8_t        buf[SLICE_HEADER_BYTES];
    struct sl_bits br;
    int            n = unescape_header(nalu, len, buf);
    uint32_t       id;

    if (n < 0) {
        return n;
    }
    sl_bits_init(&br, buf, (size_t)n);
    sl_bits_read_ue(&br); /* first_mb_in_slice */
    sl_bits_read_ue(&br); /* slice_type */
    id = sl_bits_read_ue(&br);
    if (br.error || id > 255) {
        return SL_EBADDATA;
    }
    *pps_id = id;
    return 0;
}


int
sl_h264_slice_header_parse(const uint8_t *nalu, size_t len,
                           const struct sl_h264_sps    *sps,
                           const struct sl_h264_pps    *pps,
                           struct sl_h264_slice_header *out)
{
    uint8_t                     buf[SLICE_HEADER_BYTES];
    struct sl_bits              br;
    struct sl_h264_slice_header sh = {0};
    int                         n = unescape_header(nalu, len, buf);

    if (n < 0) {
        return n;
    }
    sh.nal_type = sl_h264_nal_type(nalu[0]);
    sh.nal_ref_idc = (nalu[0] >> 5) & 3;
    sl_bits_init(&br, buf, (size_t)n);
    sh.first_mb = sl_bits_read_ue(&br);
    sh.slice_type = sl_bits_read_ue(&br);
    sh.pps_id = sl_bits_read_ue(&br);
    if (sh.slice_type > 9 || sh.pps_id != pps->pps_id) {
        return SL_EBADDATA;
    }
    if (sps->separate_colour_plane) {
        sl_bits_skip(&br, 2); /* colour_plane_id */
    }
    sh.frame_num = sl_bits_read(&br, sps->log2_max_frame_num);
    if (!sps->frame_mbs_only) {
        sh.field_pic = sl_bits_read1(&br);
        if (sh.field_pic) {
            sh.bottom_field = sl_bits_read1(&br);
        }
    }
    if (sh.nal_type == SL_H264_NAL_IDR) {
        sl_bits_read_ue(&br); /* idr_pic_id */
    }
    if (sps->poc_type == 0) {
        sh.poc_lsb = sl_bits_read(&br, sps->log2_max_poc_lsb);
        if (pps->bottom_field_pic_order_in_frame_present && !sh.field_pic) {
            sh.delta_poc_bottom = sl_bits_read_se(&br);
        }
    } else if (sps->poc_type == 1 && !sps->delta_pic_order_always_zero) {
        sh.delta_poc[0] = sl_bits_read_se(&br);
        if (pps->bottom_field_pic_order_in_frame_present && !sh.field_pic) {
            sh.delta_poc[1] = sl_bits_read_se(&br);
        }
    }
    if (br.error) {
        return SL_EBADDATA;
    }
    *out = sh;
    return 0;
}


/* 8.2.1.1: POC type 0. */
static int
poc_type0(struct sl_h264_dts *d, const struct sl_h264_slice_header *sh,
          bool idr, int64_t *poc)
{
    int64_t max_lsb = (int64_t)1 << d->sps.log2_max_poc_lsb;
    int64_t lsb = sh->poc_lsb;
    int64_t msb;
    int64_t top;
    int64_t bottom;

    if (idr || !d->have_prev) {
        d->prev_poc_msb = 0;
        d->prev_poc_lsb = 0;
    }
    if (lsb < d->prev_poc_lsb && d->prev_poc_lsb - lsb >= max_lsb / 2) {
        msb = d->prev_poc_msb + max_lsb;
    } else if (lsb > d->prev_poc_lsb && lsb - d->prev_poc_lsb > max_lsb / 2) {
        msb = d->prev_poc_msb - max_lsb;
    } else {
        msb = d->prev_poc_msb;
    }
    top = msb + lsb;
    bottom = sh->field_pic ? top : top + sh->delta_poc_bottom;
    if (sh->field_pic) {
        *poc = top;
    } else {
        *poc = top < bottom ? top : bottom;
    }
    if (sh->nal_ref_idc != 0) {
        d->prev_poc_msb = msb;
        d->prev_poc_lsb = lsb;
    }
    return 0;
}


/* FrameNumOffset of 8.2.1.2 and 8.2.1.3. */
static int64_t
frame_num_offset(struct sl_h264_dts *d, const struct sl_h264_slice_header *sh,
                 bool idr)
{
    int64_t offset;

    if (idr || !d->have_prev) {
        offset = 0;
    } else if (d->prev_frame_num > (int64_t)sh->frame_num) {
        offset = d->prev_frame_num_offset
                 + ((int64_t)1 << d->sps.log2_max_frame_num);
    } else {
        offset = d->prev_frame_num_offset;
    }
    d->prev_frame_num_offset = offset;
    d->prev_frame_num = sh->frame_num;
    return offset;
}


/* 8.2.1.2: POC type 1. */
static int
poc_type1(struct sl_h264_dts *d, const struct sl_h264_slice_header *sh,
          bool idr, int64_t *poc)
{
    const struct sl_h264_sps *s = &d->sps;
    int64_t                   offset = frame_num_offset(d, sh, idr);
    int64_t                   abs_frame_num = 0;
    int64_t                   expected = 0;
    int64_t                   delta_cycle = 0;
    int64_t                   top;
    int64_t                   bottom;
    uint32_t                  i;

    if (s->num_ref_frames_in_poc_cycle != 0) {
        abs_frame_num = offset + sh->frame_num;
    }
    if (sh->nal_ref_idc == 0 && abs_frame_num > 0) {
        abs_frame_num--;
    }
    for (i = 0; i < s->num_ref_frames_in_poc_cycle; i++) {
        delta_cycle += s->offset_for_ref_frame[i];
    }
    if (abs_frame_num > 0) {
        int64_t cycles = (abs_frame_num - 1) / s->num_ref_frames_in_poc_cycle;
        int64_t in_cycle = (abs_frame_num - 1) % s->num_ref_frames_in_poc_cycle;
        int64_t mag = delta_cycle < 0 ? -delta_cycle : delta_cycle;

        /* |delta_cycle| < 2^39; refuse products that could overflow. */
        if (mag != 0 && cycles > ((int64_t)1 << 62) / mag) {
            return SL_EBADDATA;
        }
        expected = cycles * delta_cycle;
        for (i = 0; i <= (uint32_t)in_cycle; i++) {
            expected += s->offset_for_ref_frame[i];
        }
    }
    if (sh->nal_ref_idc == 0) {
        expected += s->offset_for_non_ref_pic;
    }
    if (!sh->field_pic) {
        top = expected + sh->delta_poc[0];
        bottom = top + s->offset_for_top_to_bottom_field + sh->delta_poc[1];
        *poc = top < bottom ? top : bottom;
    } else if (!sh->bottom_field) {
        *poc = expected + sh->delta_poc[0];
    } else {
        *poc = expected + s->offset_for_top_to_bottom_field + sh->delta_poc[0];
    }
    return 0;
}


/* The frame duration the VUI signals, in 90 kHz units (0 when absent). */
static int64_t
frame_duration(const struct sl_h264_sps *sps)
{
    /* A tick is a field: a frame lasts two (E.2.1, time_scale). */
    if (sps->num_units_in_tick == 0 || sps->time_scale == 0) {
        return 0;
    }
    return ((int64_t)TIMESTAMP_CLOCK * 2 * sps->num_units_in_tick
            + sps->time_scale / 2)
           / sps->time_scale;
}


int
sl_h264_dts_extract(struct sl_h264_dts *d, const uint8_t *avcc_au, size_t len,
                    int64_t pts, int64_t *dts)
{
    struct sl_avcc_iter         it;
    struct sl_h264_slice_header sh;
    struct sl_h264_sps          sps;
    struct sl_h264_pps          pps;
    const struct sl_h264_pps   *pp;
    const uint8_t              *nalu;
    const uint8_t              *slice = NULL;
    size_t                      n;
    size_t                      slice_len = 0;
    uint32_t                    pps_id;
    int64_t                     poc;
    bool                        idr;
    int                         reorder;
    int                         bound;
    int                         rc;

    sl_avcc_iter_init(&it, avcc_au, len);
    for (;;) {
        rc = sl_avcc_next(&it, &nalu, &n);
        if (rc <= 0) {
            break;
        }
        switch (sl_h264_nal_type(nalu[0])) {
        case SL_H264_NAL_SPS:
            if (sl_h264_sps_parse(nalu, n, &sps) == 0) {
                d->sps = sps;
                d->have_sps = true;
            }
            break;
        case SL_H264_NAL_PPS:
            if (sl_h264_pps_parse(nalu, n, &pps) == 0) {
                keep_pps(d, &pps);
            }
            break;
        case SL_H264_NAL_SLICE:
        case SL_H264_NAL_IDR:
            if (slice == NULL) {
                slice = nalu;
                slice_len = n;
            }
            break;
        default:
            break;
        }
    }
    if (rc < 0) {
        return SL_EBADDATA;
    }
    if (slice == NULL) {
        return SL_ENOTFOUND;
    }
    rc = sl_h264_slice_pps_id(slice, slice_len, &pps_id);
    if (rc < 0) {
        return rc;
    }
    pp = find_pps(d, pps_id);
    if (!d->have_sps || pp == NULL || pp->sps_id != d->sps.sps_id) {
        return SL_ENOTFOUND;
    }
    rc = sl_h264_slice_header_parse(slice, slice_len, &d->sps, pp, &sh);
    if (rc < 0) {
        return rc;
    }
    idr = sh.nal_type == SL_H264_NAL_IDR;
    if (d->sps.poc_type == 0) {
        rc = poc_type0(d, &sh, idr, &poc);
    } else if (d->sps.poc_type == 1) {
        rc = poc_type1(d, &sh, idr, &poc);
    } else {
        int64_t offset = frame_num_offset(d, &sh, idr);

        poc = idr ? 0 : 2 * (offset + sh.frame_num) - (sh.nal_ref_idc == 0);
        rc = 0;
    }
    if (rc < 0) {
        return rc;
    }
    d->have_prev = true;
    d->last_poc = poc;

    bound = sl_poc_order_push(&d->order, poc, idr);
    if (d->sps.poc_type == 2) {
        reorder = 0; /* output order is decoding order (8.2.1.3) */
    } else {
        reorder = d->sps.max_num_reorder_frames > 0
                      ? d->sps.max_num_reorder_frames
                      : 0;
        reorder = bound > reorder ? bound : reorder;
    }
    return sl_reorder_push(&d->reorder, pts, idr, reorder,
                           frame_duration(&d->sps), dts);
}
