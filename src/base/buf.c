/* Sluice: reference-counted buffers. */
#include "base/buf.h"
#include "base/alloc.h"

#include <string.h>


struct sl_buf *
sl_buf_new(size_t cap)
{
    struct sl_buf *b = sl_malloc(sizeof(*b) + cap);

    atomic_init(&b->refs, 1);
    b->len = 0;
    b->cap = cap;
    b->data = (uint8_t *)(b + 1);
    return b;
}


struct sl_buf *
sl_buf_new_copy(const void *p, size_t n)
{
    struct sl_buf *b = sl_buf_new(n);

    if (n > 0) {
        memcpy(b->data, p, n);
    }
    b->len = n;
    return b;
}


struct sl_buf *
sl_buf_ref(struct sl_buf *b)
{
    atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
    return b;
}


void
sl_buf_unref(struct sl_buf **bp)
{
    struct sl_buf *b = *bp;

    *bp = NULL;
    if (b == NULL) {
        return;
    }
    if (atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1) {
        sl_free(b);
    }
}


int
sl_buf_writable(const struct sl_buf *b)
{
    return atomic_load_explicit(&b->refs, memory_order_acquire) == 1;
}
