/* Sluice: access-unit assembly shared by the H.264 and H.265 depacketizers. */
#include "proto/rtp/depack_priv.h"
#include "base/bytes.h"
#include "base/err.h"
#include "codec/h264.h"
#include "codec/h265.h"
#include "codec/nalu.h"

#include <string.h>


static void reset(struct sl_rtp_nalasm *a);
static void emit(struct sl_rtp_nalasm *a, sl_rtp_au_fn *fn, void *ud);
static void note_nalu(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                      const uint8_t *nalu, size_t len);
static void keep_param(uint8_t *dst, size_t *dst_len, const uint8_t *nalu,
                       size_t len);


static void
reset(struct sl_rtp_nalasm *a)
{
    sl_dbuf_reset(&a->buf);
    a->nalus = 0;
    a->key = false;
    a->frag = false;
}


static void
emit(struct sl_rtp_nalasm *a, sl_rtp_au_fn *fn, void *ud)
{
    if (a->nalus > 0) {
        struct sl_rtp_au au = {
            .data = sl_dbuf_data(&a->buf),
            .len = a->buf.len,
            .ts = a->ts,
            .key = a->key,
        };

        fn(ud, &au);
    }
    reset(a);
}


static void
keep_param(uint8_t *dst, size_t *dst_len, const uint8_t *nalu, size_t len)
{
    if (len <= SL_RTP_PARAM_MAX) {
        memcpy(dst, nalu, len);
        *dst_len = len;
    }
}


/* Records keyframes and in-band parameter sets of a completed NALU. */
static void
note_nalu(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a, const uint8_t *nalu,
          size_t len)
{
    struct sl_rtp_format *f = &d->f;

    if (!a->h265) {
        switch (sl_h264_nal_type(nalu[0])) {
        case SL_H264_NAL_IDR:
            a->key = true;
            break;
        case SL_H264_NAL_SPS:
            keep_param(f->sps, &f->sps_len, nalu, len);
            break;
        case SL_H264_NAL_PPS:
            keep_param(f->pps, &f->pps_len, nalu, len);
            break;
        default:
            break;
        }
        return;
    }
    switch (sl_h265_nal_type(nalu[0])) {
    case SL_H265_NAL_VPS:
        keep_param(f->vps, &f->vps_len, nalu, len);
        break;
    case SL_H265_NAL_SPS:
        keep_param(f->sps, &f->sps_len, nalu, len);
        break;
    case SL_H265_NAL_PPS:
        keep_param(f->pps, &f->pps_len, nalu, len);
        break;
    default:
        if (sl_h265_is_irap(sl_h265_nal_type(nalu[0]))) {
            a->key = true;
        }
        break;
    }
}


void
sl_rtp_nalasm_init(struct sl_rtp_nalasm *a, bool h265)
{
    memset(a, 0, sizeof(*a));
    sl_dbuf_init(&a->buf, SL_NALU_MAX_AU_SIZE);
    a->h265 = h265;
}


void
sl_rtp_nalasm_free(struct sl_rtp_nalasm *a)
{
    sl_dbuf_free(&a->buf);
}


int
sl_rtp_nalasm_fail(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a, int rc)
{
    reset(a);
    a->broken = true;
    d->errors++;
    return rc;
}


int
sl_rtp_nalasm_begin(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                    const struct sl_rtp_pkt *pkt, sl_rtp_au_fn *fn, void *ud,
                    bool *skip)
{
    bool gap = a->have_seq && pkt->seq != a->next_seq;
    int  rc = 0;

    *skip = false;
    a->have_seq = true;
    a->next_seq = (uint16_t)(pkt->seq + 1);
    if (a->broken) {
        if (pkt->ts == a->ts) {
            /* The rest of a discarded AU; its marker ends it. */
            a->broken = !pkt->marker;
            *skip = true;
            return 0;
        }
        a->broken = false;
    }
    if (a->nalus > 0 || a->frag) {
        if (pkt->ts != a->ts) {
            if (a->frag) {
                /* The fragment's end and the marker were lost. */
                reset(a);
                d->errors++;
                rc = SL_EBADDATA;
            } else {
                emit(a, fn, ud);
            }
        } else if (gap && a->frag) {
            rc = sl_rtp_nalasm_fail(d, a, SL_EBADDATA);
            a->broken = !pkt->marker;
            *skip = true;
            return rc;
        }
    }
    if (a->nalus == 0 && !a->frag) {
        a->ts = pkt->ts;
    }
    return rc;
}


int
sl_rtp_nalasm_end(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                  const struct sl_rtp_pkt *pkt, sl_rtp_au_fn *fn, void *ud)
{
    if (!pkt->marker) {
        return 0;
    }
    if (a->frag) {
        /* The marker closes the AU, yet a fragmented NALU is still open. */
        reset(a);
        d->errors++;
        return SL_EBADDATA;
    }
    a->broken = false;
    emit(a, fn, ud);
    return 0;
}


int
sl_rtp_nalasm_add(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                  const uint8_t *nalu, size_t len)
{
    uint8_t *p;

    if (a->frag) {
        return sl_rtp_nalasm_fail(d, a, SL_EBADDATA);
    }
    if (a->nalus >= SL_NALU_MAX_PER_AU) {
        return sl_rtp_nalasm_fail(d, a, SL_ELIMIT);
    }
    p = len <= SL_NALU_MAX_AU_SIZE ? sl_dbuf_reserve(&a->buf, 4 + len) : NULL;
    if (p == NULL) {
        return sl_rtp_nalasm_fail(d, a, SL_ELIMIT);
    }
    sl_wb32(p, (uint32_t)len);
    memcpy(p + 4, nalu, len);
    sl_dbuf_commit(&a->buf, 4 + len);
    a->nalus++;
    note_nalu(d, a, nalu, len);
    return 0;
}


int
sl_rtp_nalasm_frag_start(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                         const uint8_t *hdr, size_t hdr_len,
                         const uint8_t *data, size_t len)
{
    uint8_t *p;

    if (a->frag) {
        /* A new start while the previous fragment never ended. */
        return sl_rtp_nalasm_fail(d, a, SL_EBADDATA);
    }
    if (a->nalus >= SL_NALU_MAX_PER_AU) {
        return sl_rtp_nalasm_fail(d, a, SL_ELIMIT);
    }
    p = len <= SL_NALU_MAX_AU_SIZE ? sl_dbuf_reserve(&a->buf, 4 + hdr_len + len)
                                   : NULL;
    if (p == NULL) {
        return sl_rtp_nalasm_fail(d, a, SL_ELIMIT);
    }
    a->frag_off = a->buf.len;
    memset(p, 0, 4);
    memcpy(p + 4, hdr, hdr_len);
    memcpy(p + 4 + hdr_len, data, len);
    sl_dbuf_commit(&a->buf, 4 + hdr_len + len);
    a->frag = true;
    return 0;
}


int
sl_rtp_nalasm_frag_add(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                       const uint8_t *data, size_t len, bool last)
{
    uint8_t *p;
    size_t   nlen;

    if (len > 0) {
        p = len <= SL_NALU_MAX_AU_SIZE ? sl_dbuf_reserve(&a->buf, len) : NULL;
        if (p == NULL) {
            return sl_rtp_nalasm_fail(d, a, SL_ELIMIT);
        }
        memcpy(p, data, len);
        sl_dbuf_commit(&a->buf, len);
    }
    if (!last) {
        return 0;
    }
    p = sl_dbuf_data(&a->buf) + a->frag_off;
    nlen = a->buf.len - a->frag_off - 4;
    sl_wb32(p, (uint32_t)nlen);
    a->frag = false;
    a->nalus++;
    note_nalu(d, a, p + 4, nlen);
    return 0;
}
