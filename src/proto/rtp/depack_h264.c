/* Sluice: H.264 RTP depacketizer (RFC 6184: single NAL, STAP-A, FU-A). */
#include "proto/rtp/depack_priv.h"
#include "base/bytes.h"
#include "base/err.h"
#include "codec/h264.h"


static void h264_init(struct sl_rtp_depack *d);
static void h264_close(struct sl_rtp_depack *d);
static int  h264_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
                      sl_rtp_au_fn *fn, void *ud);
static int  push_stap_a(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                        const uint8_t *p, size_t len);
static int  push_fu_a(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                      const uint8_t *p, size_t len);


const struct sl_rtp_depack_type sl_rtp_depack_h264 = {
    .name = "h264",
    .priv_size = sizeof(struct sl_rtp_nalasm),
    .init = h264_init,
    .close = h264_close,
    .push = h264_push,
};


static void
h264_init(struct sl_rtp_depack *d)
{
    sl_rtp_nalasm_init(d->priv, false);
}


static void
h264_close(struct sl_rtp_depack *d)
{
    sl_rtp_nalasm_free(d->priv);
}


/* STAP-A (5.7.1): 16-bit size + NALU, repeated; validated before use. */
static int
push_stap_a(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a, const uint8_t *p,
            size_t len)
{
    size_t off = 1;
    int    rc;

    if (len < 4) {
        d->errors++;
        return SL_EBADDATA;
    }
    while (off < len) {
        size_t n;

        if (len - off < 2) {
            d->errors++;
            return SL_EBADDATA;
        }
        n = sl_rb16(p + off);
        if (n == 0 || n > len - off - 2) {
            d->errors++;
            return SL_EBADDATA;
        }
        off += 2 + n;
    }
    for (off = 1; off < len; off += 2 + sl_rb16(p + off)) {
        rc = sl_rtp_nalasm_add(d, a, p + off + 2, sl_rb16(p + off));
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}


/* FU-A (5.8): indicator, FU header (S, E, type), fragment bytes. */
static int
push_fu_a(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a, const uint8_t *p,
          size_t len)
{
    uint8_t hdr;
    bool    start;
    bool    end;

    if (len < 2) {
        d->errors++;
        return SL_EBADDATA;
    }
    start = (p[1] & 0x80) != 0;
    end = (p[1] & 0x40) != 0;
    if (start && end) {
        d->errors++;
        return SL_EBADDATA;
    }
    if (start) {
        hdr = (uint8_t)((p[0] & 0xe0) | (p[1] & 0x1f));
        if (len < 3) {
            d->errors++;
            return SL_EBADDATA;
        }
        return sl_rtp_nalasm_frag_start(d, a, &hdr, 1, p + 2, len - 2);
    }
    if (!a->frag) {
        /* Without its start the NALU cannot be rebuilt: skip the AU. */
        return sl_rtp_nalasm_fail(d, a, SL_EBADDATA);
    }
    return sl_rtp_nalasm_frag_add(d, a, p + 2, len - 2, end);
}


static int
h264_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
          sl_rtp_au_fn *fn, void *ud)
{
    struct sl_rtp_nalasm *a = d->priv;
    const uint8_t        *p = pkt->payload;
    size_t                len = pkt->payload_len;
    bool                  skip;
    int                   rc;
    int                   rc2;

    rc = sl_rtp_nalasm_begin(d, a, pkt, fn, ud, &skip);
    if (skip) {
        return rc;
    }
    if (len == 0) {
        rc2 = SL_EBADDATA;
        d->errors++;
    } else {
        switch (sl_h264_nal_type(p[0])) {
        case SL_H264_NAL_STAP_A:
            rc2 = push_stap_a(d, a, p, len);
            break;
        case SL_H264_NAL_FU_A:
            rc2 = push_fu_a(d, a, p, len);
            break;
        case 0:
        case SL_H264_NAL_STAP_B:
        case SL_H264_NAL_MTAP16:
        case SL_H264_NAL_MTAP24:
        case SL_H264_NAL_FU_B:
        case 30:
        case 31:
            /* Interleaved mode and reserved types. */
            d->errors++;
            rc2 = SL_EUNSUP;
            break;
        default:
            rc2 = sl_rtp_nalasm_add(d, a, p, len);
            break;
        }
    }
    if (rc2 < 0 && rc == 0) {
        rc = rc2;
    }
    if (!a->broken) {
        rc2 = sl_rtp_nalasm_end(d, a, pkt, fn, ud);
        if (rc2 < 0 && rc == 0) {
            rc = rc2;
        }
    } else if (pkt->marker) {
        a->broken = false;
    }
    return rc;
}
