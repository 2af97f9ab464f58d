/* Sluice: capped growable buffer. */
#include "base/dbuf.h"
#include "base/alloc.h"
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>


void
sl_dbuf_init(struct sl_dbuf *b, size_t cap)
{
    memset(b, 0, sizeof(*b));
    b->cap = cap;
}


void
sl_dbuf_free(struct sl_dbuf *b)
{
    sl_free(b->mem);
    b->mem = NULL;
    b->off = b->len = b->alloc = 0;
}


uint8_t *
sl_dbuf_reserve(struct sl_dbuf *b, size_t n)
{
    size_t need;

    if (n > b->cap || b->len > b->cap - n) {
        return NULL;
    }
    need = b->len + n;
    if (b->off + need <= b->alloc) {
        return b->mem + b->off + b->len;
    }
    if (b->off > 0) {
        memmove(b->mem, b->mem + b->off, b->len);
        b->off = 0;
        if (need <= b->alloc) {
            return b->mem + b->len;
        }
    }
    {
        size_t a = b->alloc < 256 ? 256 : b->alloc;

        while (a < need) {
            a *= 2;
        }
        if (a > b->cap) {
            a = b->cap;
        }
        b->mem = sl_realloc(b->mem, a);
        b->alloc = a;
    }
    return b->mem + b->len;
}


void
sl_dbuf_commit(struct sl_dbuf *b, size_t n)
{
    b->len += n;
}


int
sl_dbuf_add(struct sl_dbuf *b, const void *p, size_t n)
{
    uint8_t *d;

    if (n == 0) {
        return 0;
    }
    d = sl_dbuf_reserve(b, n);
    if (d == NULL) {
        return SL_ELIMIT;
    }
    memcpy(d, p, n);
    b->len += n;
    return 0;
}


int
sl_dbuf_add_str(struct sl_dbuf *b, const char *s)
{
    return sl_dbuf_add(b, s, strlen(s));
}


int
sl_dbuf_printf(struct sl_dbuf *b, const char *fmt, ...)
{
    va_list ap;
    int     n;
    char    small[256];

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return SL_EINVAL;
    }
    if ((size_t)n < sizeof(small)) {
        return sl_dbuf_add(b, small, (size_t)n);
    }
    {
        char *big = sl_malloc((size_t)n + 1);
        int   rc;

        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        rc = sl_dbuf_add(b, big, (size_t)n);
        sl_free(big);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}


void
sl_dbuf_consume(struct sl_dbuf *b, size_t n)
{
    if (n >= b->len) {
        b->off = 0;
        b->len = 0;
        return;
    }
    b->off += n;
    b->len -= n;
}


void
sl_dbuf_reset(struct sl_dbuf *b)
{
    b->off = 0;
    b->len = 0;
}


void
sl_dbuf_release(struct sl_dbuf *b)
{
    if (b->len == 0) {
        sl_dbuf_free(b);
    }
}
