/* Sluice: string slices, checked number parsing, bounded formatting. */
#include "base/str.h"
#include "base/alloc.h"
#include "base/err.h"

#include <stdio.h>
#include <string.h>


static int lower(int c);


static int
lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}


struct sl_str
sl_str_from(const char *cstr)
{
    struct sl_str s = {cstr, cstr == NULL ? 0 : strlen(cstr)};

    return s;
}


bool
sl_str_eq(struct sl_str a, struct sl_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}


bool
sl_str_eq_cstr(struct sl_str a, const char *b)
{
    return sl_str_eq(a, sl_str_from(b));
}


bool
sl_str_caseeq(struct sl_str a, struct sl_str b)
{
    size_t i;

    if (a.len != b.len) {
        return false;
    }
    for (i = 0; i < a.len; i++) {
        if (lower((unsigned char)a.p[i]) != lower((unsigned char)b.p[i])) {
            return false;
        }
    }
    return true;
}


bool
sl_str_caseeq_cstr(struct sl_str a, const char *b)
{
    return sl_str_caseeq(a, sl_str_from(b));
}


bool
sl_str_has_prefix(struct sl_str s, const char *prefix)
{
    size_t n = strlen(prefix);

    return s.len >= n && memcmp(s.p, prefix, n) == 0;
}


bool
sl_str_has_caseprefix(struct sl_str s, const char *prefix)
{
    size_t n = strlen(prefix);

    return s.len >= n
           && sl_str_caseeq((struct sl_str){s.p, n},
                            (struct sl_str){prefix, n});
}


struct sl_str
sl_str_trim(struct sl_str s)
{
    while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
        s.p++;
        s.len--;
    }
    while (s.len > 0 && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t')) {
        s.len--;
    }
    return s;
}


ptrdiff_t
sl_str_chr(struct sl_str s, char c)
{
    const char *q;

    if (s.len == 0) {
        return -1;
    }
    q = memchr(s.p, c, s.len);
    return q == NULL ? -1 : q - s.p;
}


struct sl_str
sl_str_cut(struct sl_str *s, char c)
{
    struct sl_str head = *s;
    ptrdiff_t     i = sl_str_chr(*s, c);

    if (i < 0) {
        s->p = NULL;
        s->len = 0;
        return head;
    }
    head.len = (size_t)i;
    s->p += i + 1;
    s->len -= (size_t)i + 1;
    return head;
}


char *
sl_str_dup(struct sl_str s)
{
    char *d = sl_malloc(s.len + 1);

    if (s.len > 0) {
        memcpy(d, s.p, s.len);
    }
    d[s.len] = '\0';
    return d;
}


int
sl_parse_u64(struct sl_str s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t   i;

    if (s.len == 0) {
        return SL_EBADDATA;
    }
    for (i = 0; i < s.len; i++) {
        unsigned d = (unsigned char)s.p[i] - '0';

        if (d > 9) {
            return SL_EBADDATA;
        }
        if (v > (UINT64_MAX - d) / 10) {
            return SL_ELIMIT;
        }
        v = v * 10 + d;
    }
    if (v > max) {
        return SL_ELIMIT;
    }
    *out = v;
    return 0;
}


int
sl_parse_u32(struct sl_str s, uint32_t max, uint32_t *out)
{
    uint64_t v;
    int      rc = sl_parse_u64(s, max, &v);

    if (rc == 0) {
        *out = (uint32_t)v;
    }
    return rc;
}


int
sl_parse_i64(struct sl_str s, int64_t min, int64_t max, int64_t *out)
{
    bool     neg = false;
    uint64_t v;
    int64_t  r;
    int      rc;

    if (s.len > 0 && s.p[0] == '-') {
        neg = true;
        s.p++;
        s.len--;
    }
    rc = sl_parse_u64(s, (uint64_t)INT64_MAX + (neg ? 1 : 0), &v);
    if (rc < 0) {
        return rc;
    }
    if (neg) {
        r = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        r = (int64_t)v;
    }
    if (r < min || r > max) {
        return SL_ELIMIT;
    }
    *out = r;
    return 0;
}


int
sl_parse_hex_u64(struct sl_str s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t   i;

    if (s.len == 0 || s.len > 16) {
        return s.len == 0 ? SL_EBADDATA : SL_ELIMIT;
    }
    for (i = 0; i < s.len; i++) {
        int c = lower((unsigned char)s.p[i]);
        int d;

        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else {
            return SL_EBADDATA;
        }
        v = (v << 4) | (uint64_t)d;
    }
    if (v > max) {
        return SL_ELIMIT;
    }
    *out = v;
    return 0;
}


int
sl_parse_double(struct sl_str s, double *out)
{
    struct sl_str ip, fp;
    uint64_t      iv = 0, fv = 0;
    double        scale = 1.0;
    size_t        i;
    int           rc;

    fp = s;
    ip = sl_str_cut(&fp, '.');
    if (ip.len == 0 && fp.len == 0) {
        return SL_EBADDATA;
    }
    if (ip.len > 0) {
        rc = sl_parse_u64(ip, UINT64_MAX, &iv);
        if (rc < 0) {
            return rc;
        }
    }
    if (fp.p != NULL) {
        if (fp.len == 0 || fp.len > 18) {
            return SL_EBADDATA;
        }
        rc = sl_parse_u64(fp, UINT64_MAX, &fv);
        if (rc < 0) {
            return rc;
        }
        for (i = 0; i < fp.len; i++) {
            scale *= 10.0;
        }
    }
    *out = (double)iv + (double)fv / scale;
    return 0;
}


int
sl_vsnprintf(char *dst, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(dst, size, fmt, ap);

    if (n < 0) {
        if (size > 0) {
            dst[0] = '\0';
        }
        return SL_EINVAL;
    }
    if ((size_t)n >= size) {
        return SL_ELIMIT;
    }
    return n;
}


int
sl_snprintf(char *dst, size_t size, const char *fmt, ...)
{
    va_list ap;
    int     n;

    va_start(ap, fmt);
    n = sl_vsnprintf(dst, size, fmt, ap);
    va_end(ap);
    return n;
}


size_t
sl_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);

    if (size > 0) {
        size_t c = n < size - 1 ? n : size - 1;

        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}


void
sl_hex_encode(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t            i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}


bool
sl_ct_equal(const void *a, size_t alen, const void *b, size_t blen)
{
    const uint8_t *x = a, *y = b;
    uint8_t        diff = 0;
    size_t         i;

    if (alen != blen) {
        return false;
    }
    for (i = 0; i < alen; i++) {
        diff |= x[i] ^ y[i];
    }
    return diff == 0;
}
