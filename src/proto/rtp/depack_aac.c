/*
 * Sluice: AAC RTP depacketizers: mpeg4-generic (RFC 3640, AU headers with
 * sizeLength/indexLength/indexDeltaLength, fragmented AUs) and MP4A-LATM
 * (RFC 3016, cpresent=0, AudioMuxElements possibly spread over packets).
 */
#include "proto/rtp/depack_priv.h"
#include "base/bits.h"
#include "base/bytes.h"
#include "base/err.h"


struct aac_state {
    struct sl_dbuf buf; /* fragmented AU, or LATM element being gathered */
    bool           active;
    uint32_t       ts;
    uint32_t       au_size; /* mpeg4-generic: size from the AU header */
    uint16_t       next_seq;
};


static void aac_init(struct sl_rtp_depack *d);
static void aac_close(struct sl_rtp_depack *d);
static int  frame_length(const struct sl_rtp_depack *d);
static bool continues(struct aac_state *s, const struct sl_rtp_pkt *pkt);
static int  generic_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
                         sl_rtp_au_fn *fn, void *ud);
static int  latm_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
                      sl_rtp_au_fn *fn, void *ud);


const struct sl_rtp_depack_type sl_rtp_depack_aac = {
    .name = "mpeg4-generic",
    .priv_size = sizeof(struct aac_state),
    .init = aac_init,
    .close = aac_close,
    .push = generic_push,
};

const struct sl_rtp_depack_type sl_rtp_depack_latm = {
    .name = "mp4a-latm",
    .priv_size = sizeof(struct aac_state),
    .init = aac_init,
    .close = aac_close,
    .push = latm_push,
};


static void
aac_init(struct sl_rtp_depack *d)
{
    struct aac_state *s = d->priv;

    sl_dbuf_init(&s->buf, SL_AAC_MAX_AU_SIZE);
}


static void
aac_close(struct sl_rtp_depack *d)
{
    struct aac_state *s = d->priv;

    sl_dbuf_free(&s->buf);
}


static int
frame_length(const struct sl_rtp_depack *d)
{
    return d->f.aac.frame_length == 960 ? 960 : 1024;
}


/*
 * Whether pkt continues the unit being gathered (same timestamp, next
 * sequence number).  Always records pkt's sequence number.
 */
static bool
continues(struct aac_state *s, const struct sl_rtp_pkt *pkt)
{
    bool ok = pkt->ts == s->ts && pkt->seq == s->next_seq;

    s->next_seq = (uint16_t)(pkt->seq + 1);
    return ok;
}


static int
generic_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
             sl_rtp_au_fn *fn, void *ud)
{
    struct aac_state *s = d->priv;
    const uint8_t    *p = pkt->payload;
    size_t            len = pkt->payload_len;
    uint32_t          sizes[SL_AAC_MAX_AUS];
    struct sl_bits    br;
    size_t            hbits;
    size_t            hbytes;
    size_t            dlen;
    size_t            total = 0;
    int               count = 0;
    int               rc = 0;
    int               i;

    if (s->active && !continues(s, pkt)) {
        /* A fragment was lost: drop the partial AU. */
        s->active = false;
        sl_dbuf_reset(&s->buf);
        d->errors++;
        rc = SL_EBADDATA;
    }
    s->next_seq = (uint16_t)(pkt->seq + 1);
    if (d->f.size_length <= 0 || len < 2) {
        goto bad;
    }
    /* AU-headers-length, then AU headers (3.2.1), padded to a byte. */
    hbits = sl_rb16(p);
    hbytes = (hbits + 7) / 8;
    if (hbits == 0 || hbytes > len - 2) {
        goto bad;
    }
    sl_bits_init(&br, p + 2, hbytes);
    while (br.pos < hbits) {
        unsigned ilen = count == 0 ? (unsigned)d->f.index_length
                                   : (unsigned)d->f.index_delta_length;

        if (count == SL_AAC_MAX_AUS) {
            goto bad;
        }
        sizes[count] = sl_bits_read(&br, (unsigned)d->f.size_length);
        sl_bits_skip(&br, ilen); /* interleaving is not supported */
        if (br.error || br.pos > hbits) {
            goto bad;
        }
        total += sizes[count];
        count++;
    }
    p += 2 + hbytes;
    dlen = len - 2 - hbytes;

    if (s->active) {
        /* A continuation fragment repeats the size of the whole AU. */
        if (count != 1 || sizes[0] != s->au_size
            || dlen > s->au_size - s->buf.len) {
            goto drop_frag;
        }
        if (sl_dbuf_add(&s->buf, p, dlen) < 0) {
            goto drop_frag;
        }
        if (!pkt->marker) {
            return rc;
        }
        if (s->buf.len != s->au_size) {
            goto drop_frag;
        }
        s->active = false;
        {
            struct sl_rtp_au au = {.data = sl_dbuf_data(&s->buf),
                                   .len = s->buf.len,
                                   .ts = s->ts,
                                   .key = true};

            fn(ud, &au);
        }
        sl_dbuf_reset(&s->buf);
        return rc;
    }
    for (i = 0; i < count; i++) {
        if (sizes[i] > SL_AAC_MAX_AU_SIZE) {
            d->errors++;
            return SL_ELIMIT;
        }
    }
    if (count == 1 && sizes[0] > dlen) {
        /* The first fragment of an AU larger than the packet (3.2.3). */
        if (pkt->marker || dlen == 0) {
            goto bad;
        }
        sl_dbuf_reset(&s->buf);
        if (sl_dbuf_add(&s->buf, p, dlen) < 0) {
            goto bad;
        }
        s->active = true;
        s->ts = pkt->ts;
        s->au_size = sizes[0];
        return rc;
    }
    if (total > dlen) {
        goto bad;
    }
    for (i = 0; i < count; i++) {
        struct sl_rtp_au au = {
            .data = p,
            .len = sizes[i],
            .ts = pkt->ts + (uint32_t)(i * frame_length(d)),
            .key = true,
        };

        if (sizes[i] > 0) {
            fn(ud, &au);
        }
        p += sizes[i];
    }
    return rc;

drop_frag:
    s->active = false;
    sl_dbuf_reset(&s->buf);
bad:
    d->errors++;
    return SL_EBADDATA;
}


static int
latm_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
          sl_rtp_au_fn *fn, void *ud)
{
    struct aac_state *s = d->priv;
    struct sl_latm_au aus[SL_AAC_MAX_AUS];
    int               rc = 0;
    int               n;
    int               i;

    if (s->active && !continues(s, pkt)) {
        s->active = false;
        sl_dbuf_reset(&s->buf);
        d->errors++;
        rc = SL_EBADDATA;
    }
    s->next_seq = (uint16_t)(pkt->seq + 1);
    if (!s->active) {
        sl_dbuf_reset(&s->buf);
        s->ts = pkt->ts;
    }
    if (sl_dbuf_add(&s->buf, pkt->payload, pkt->payload_len) < 0) {
        s->active = false;
        sl_dbuf_reset(&s->buf);
        d->errors++;
        return SL_ELIMIT;
    }
    s->active = true;
    if (!pkt->marker) {
        return rc;
    }
    s->active = false;
    if (s->buf.len == 0) {
        return rc;
    }
    n = sl_latm_split(&d->f.latm, sl_dbuf_data(&s->buf), s->buf.len, aus,
                      SL_AAC_MAX_AUS);
    if (n < 0) {
        sl_dbuf_reset(&s->buf);
        d->errors++;
        return n;
    }
    for (i = 0; i < n; i++) {
        struct sl_rtp_au au = {
            .data = aus[i].p,
            .len = aus[i].len,
            .ts = s->ts + (uint32_t)(i * frame_length(d)),
            .key = true,
        };

        fn(ud, &au);
    }
    sl_dbuf_reset(&s->buf);
    return rc;
}
