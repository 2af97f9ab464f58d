/* Sluice: Annex-B / AVCC NAL unit helpers. */
#include "codec/nalu.h"
#include "base/bytes.h"
#include "base/err.h"

#include <string.h>


static const uint8_t *find_start_code(const uint8_t *p, const uint8_t *end,
                                      const uint8_t **after);


/*
 * Returns the first 00 00 01 at or after p (or end) and sets *after to the
 * byte following it.
 */
static const uint8_t *
find_start_code(const uint8_t *p, const uint8_t *end, const uint8_t **after)
{
    while (end - p >= 3) {
        if (p[2] > 1) {
            p += 3;
        } else if (p[0] == 0 && p[1] == 0 && p[2] == 1) {
            *after = p + 3;
            return p;
        } else {
            p++;
        }
    }
    *after = end;
    return end;
}


int
sl_nalu_unescape(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    size_t i;
    size_t n = 0;
    int    zeros = 0;

    for (i = 0; i < len; i++) {
        if (zeros >= 2 && in[i] == 3) {
            zeros = 0;
            continue;
        }
        if (n == cap) {
            return SL_ELIMIT;
        }
        out[n++] = in[i];
        zeros = in[i] == 0 ? zeros + 1 : 0;
    }
    return (int)n;
}


void
sl_annexb_iter_init(struct sl_annexb_iter *it, const uint8_t *p, size_t len)
{
    const uint8_t *after;

    it->end = p + len;
    find_start_code(p, it->end, &after);
    it->p = after;
}


bool
sl_annexb_next(struct sl_annexb_iter *it, const uint8_t **nalu, size_t *len)
{
    while (it->p < it->end) {
        const uint8_t *after;
        const uint8_t *sc = find_start_code(it->p, it->end, &after);
        const uint8_t *e = sc;

        while (e > it->p && e[-1] == 0) {
            e--;
        }
        *nalu = it->p;
        *len = (size_t)(e - it->p);
        it->p = after;
        if (*len > 0) {
            return true;
        }
    }
    return false;
}


int
sl_annexb_to_avcc(const uint8_t *p, size_t len, struct sl_dbuf *out)
{
    struct sl_annexb_iter it;
    const uint8_t        *nalu;
    size_t                nlen;
    size_t                i = 0;
    size_t                saved = out->len;
    int                   count = 0;

    while (i < len && p[i] == 0) {
        i++;
    }
    if (i < 2 || i >= len || p[i] != 1) {
        return SL_EBADDATA;
    }
    sl_annexb_iter_init(&it, p, len);
    while (sl_annexb_next(&it, &nalu, &nlen)) {
        uint8_t *d;

        if (++count > SL_NALU_MAX_PER_AU || nlen > SL_NALU_MAX_AU_SIZE) {
            goto limit;
        }
        d = sl_dbuf_reserve(out, 4 + nlen);
        if (d == NULL) {
            goto limit;
        }
        sl_wb32(d, (uint32_t)nlen);
        memcpy(d + 4, nalu, nlen);
        sl_dbuf_commit(out, 4 + nlen);
    }
    if (count == 0) {
        return SL_EBADDATA;
    }
    return 0;

limit:
    out->len = saved;
    return SL_ELIMIT;
}


void
sl_avcc_iter_init(struct sl_avcc_iter *it, const uint8_t *p, size_t len)
{
    it->p = p;
    it->end = p + len;
}


int
sl_avcc_next(struct sl_avcc_iter *it, const uint8_t **nalu, size_t *len)
{
    size_t   left = (size_t)(it->end - it->p);
    uint32_t n;

    if (left == 0) {
        return 0;
    }
    if (left < 4) {
        goto bad;
    }
    n = sl_rb32(it->p);
    if (n == 0 || n > left - 4) {
        goto bad;
    }
    *nalu = it->p + 4;
    *len = n;
    it->p += 4 + (size_t)n;
    return 1;

bad:
    it->p = it->end;
    return SL_EBADDATA;
}


int
sl_avcc_validate(const uint8_t *p, size_t len)
{
    struct sl_avcc_iter it;
    const uint8_t      *nalu;
    size_t              nlen;
    int                 count = 0;
    int                 rc;

    if (len > SL_NALU_MAX_AU_SIZE) {
        return SL_ELIMIT;
    }
    sl_avcc_iter_init(&it, p, len);
    for (;;) {
        rc = sl_avcc_next(&it, &nalu, &nlen);
        if (rc <= 0) {
            break;
        }
        if (++count > SL_NALU_MAX_PER_AU) {
            return SL_ELIMIT;
        }
    }
    if (rc < 0) {
        return rc;
    }
    return count;
}


int
sl_avcc_to_annexb(const uint8_t *p, size_t len, struct sl_dbuf *out)
{
    struct sl_avcc_iter it;
    const uint8_t      *nalu;
    size_t              nlen;
    size_t              saved = out->len;
    int                 rc;

    rc = sl_avcc_validate(p, len);
    if (rc < 0) {
        return rc;
    }
    sl_avcc_iter_init(&it, p, len);
    while (sl_avcc_next(&it, &nalu, &nlen) == 1) {
        uint8_t *d = sl_dbuf_reserve(out, 4 + nlen);

        if (d == NULL) {
            out->len = saved;
            return SL_ELIMIT;
        }
        sl_wb32(d, 1);
        memcpy(d + 4, nalu, nlen);
        sl_dbuf_commit(out, 4 + nlen);
    }
    return 0;
}


int
sl_avcc_insert_front(const uint8_t *au, size_t len, bool h265,
                     const uint8_t *const *params, const size_t *params_len,
                     int count, struct sl_dbuf *out)
{
    size_t   saved = out->len;
    size_t   head = 0;
    size_t   total = len;
    uint8_t *d;
    int      nalus;
    int      i;

    nalus = sl_avcc_validate(au, len);
    if (nalus < 0) {
        return nalus;
    }
    for (i = 0; i < count; i++) {
        if (params_len[i] == 0) {
            return SL_EBADDATA;
        }
        total += 4 + params_len[i];
    }
    if (nalus + count > SL_NALU_MAX_PER_AU || total > SL_NALU_MAX_AU_SIZE) {
        return SL_ELIMIT;
    }
    if (len > 4) {
        int type = h265 ? (au[4] >> 1) & 0x3f : au[4] & 0x1f;

        if (type == (h265 ? 35 : 9)) { /* access unit delimiter */
            head = 4 + (size_t)sl_rb32(au);
        }
    }
    d = sl_dbuf_reserve(out, total);
    if (d == NULL) {
        out->len = saved;
        return SL_ELIMIT;
    }
    memcpy(d, au, head);
    d += head;
    for (i = 0; i < count; i++) {
        sl_wb32(d, (uint32_t)params_len[i]);
        memcpy(d + 4, params[i], params_len[i]);
        d += 4 + params_len[i];
    }
    memcpy(d, au + head, len - head);
    sl_dbuf_commit(out, total);
    return 0;
}
