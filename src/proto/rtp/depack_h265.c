/*
 * Sluice: H.265 RTP depacketizer (RFC 7798: single NAL unit, AP, FU).
 * DONL fields (sprop-max-don-diff > 0) are not supported: the format
 * builder rejects such streams, so no packet here carries them.
 */
#include "proto/rtp/depack_priv.h"
#include "base/bytes.h"
#include "base/err.h"
#include "codec/h265.h"


static void h265_init(struct sl_rtp_depack *d);
static void h265_close(struct sl_rtp_depack *d);
static int  h265_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
                      sl_rtp_au_fn *fn, void *ud);
static int  push_ap(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                    const uint8_t *p, size_t len);
static int  push_fu(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                    const uint8_t *p, size_t len);


const struct sl_rtp_depack_type sl_rtp_depack_h265 = {
    .name = "h265",
    .priv_size = sizeof(struct sl_rtp_nalasm),
    .init = h265_init,
    .close = h265_close,
    .push = h265_push,
};


static void
h265_init(struct sl_rtp_depack *d)
{
    sl_rtp_nalasm_init(d->priv, true);
}


static void
h265_close(struct sl_rtp_depack *d)
{
    sl_rtp_nalasm_free(d->priv);
}


/* AP (4.4.2): 2-byte payload header, then 16-bit size + NALU, repeated. */
static int
push_ap(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a, const uint8_t *p,
        size_t len)
{
    size_t off = 2;
    int    rc;

    if (len < 6) {
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
        if (n < 2 || n > len - off - 2) {
            d->errors++;
            return SL_EBADDATA;
        }
        off += 2 + n;
    }
    for (off = 2; off < len; off += 2 + sl_rb16(p + off)) {
        rc = sl_rtp_nalasm_add(d, a, p + off + 2, sl_rb16(p + off));
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}


/* FU (4.4.3): payload header, FU header (S, E, type), fragment bytes. */
static int
push_fu(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a, const uint8_t *p,
        size_t len)
{
    uint8_t hdr[2];
    bool    start;
    bool    end;

    if (len < 3) {
        d->errors++;
        return SL_EBADDATA;
    }
    start = (p[2] & 0x80) != 0;
    end = (p[2] & 0x40) != 0;
    if (start && end) {
        d->errors++;
        return SL_EBADDATA;
    }
    if (start) {
        if (len < 4) {
            d->errors++;
            return SL_EBADDATA;
        }
        hdr[0] = (uint8_t)((p[0] & 0x81) | ((p[2] & 0x3f) << 1));
        hdr[1] = p[1];
        return sl_rtp_nalasm_frag_start(d, a, hdr, 2, p + 3, len - 3);
    }
    if (!a->frag) {
        return sl_rtp_nalasm_fail(d, a, SL_EBADDATA);
    }
    return sl_rtp_nalasm_frag_add(d, a, p + 3, len - 3, end);
}


static int
h265_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
          sl_rtp_au_fn *fn, void *ud)
{
    struct sl_rtp_nalasm *a = d->priv;
    const uint8_t        *p = pkt->payload;
    size_t                len = pkt->payload_len;
    bool                  skip;
    int                   rc;
    int                   rc2;
    int                   type;

    rc = sl_rtp_nalasm_begin(d, a, pkt, fn, ud, &skip);
    if (skip) {
        return rc;
    }
    if (len < 2) {
        d->errors++;
        rc2 = SL_EBADDATA;
    } else {
        type = sl_h265_nal_type(p[0]);
        if (type == SL_H265_NAL_AP) {
            rc2 = push_ap(d, a, p, len);
        } else if (type == SL_H265_NAL_FU) {
            rc2 = push_fu(d, a, p, len);
        } else if (type < SL_H265_NAL_AP) {
            rc2 = sl_rtp_nalasm_add(d, a, p, len);
        } else {
            /* PACI and unspecified types. */
            d->errors++;
            rc2 = SL_EUNSUP;
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
