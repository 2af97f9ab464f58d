/* Sluice: reference-counted access units. */
#include "core/frame.h"
#include "base/alloc.h"


struct sl_frame *
sl_frame_new(uint8_t track, struct sl_buf *buf, uint32_t off, uint32_t len)
{
    struct sl_frame *f = sl_calloc(1, sizeof(*f));

    atomic_init(&f->refs, 1);
    f->track = track;
    f->buf = buf;
    f->off = off;
    f->len = len;
    return f;
}


struct sl_frame *
sl_frame_ref(struct sl_frame *f)
{
    atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
    return f;
}


void
sl_frame_unref(struct sl_frame **fp)
{
    struct sl_frame *f = *fp;
    int              i;

    *fp = NULL;
    if (f == NULL
        || atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
    {
        return;
    }
    for (i = 0; i < SL_FMT_COUNT; i++) {
        struct sl_frame_enc *e =
            atomic_load_explicit(&f->enc[i], memory_order_acquire);

        sl_frame_enc_free(&e);
    }
    sl_buf_unref(&f->buf);
    sl_free(f);
}


void
sl_frame_enc_set(struct sl_frame *f, int fmt, struct sl_frame_enc *e)
{
    struct sl_frame_enc *expected = NULL;

    if (e == NULL) {
        return;
    }
    if (!atomic_compare_exchange_strong_explicit(&f->enc[fmt], &expected, e,
                                                 memory_order_acq_rel,
                                                 memory_order_acquire))
    {
        sl_frame_enc_free(&e);
    }
}


struct sl_frame_enc *
sl_frame_enc_new(struct sl_buf *buf, uint32_t nparts)
{
    struct sl_frame_enc *e = sl_calloc(
        1, sizeof(*e) + (size_t)nparts * sizeof(struct sl_frame_part));

    e->buf = buf;
    e->nparts = nparts;
    return e;
}


void
sl_frame_enc_free(struct sl_frame_enc **e)
{
    if (*e == NULL) {
        return;
    }
    sl_buf_unref(&(*e)->buf);
    sl_freep(e);
}


size_t
sl_frame_size(const struct sl_frame *f)
{
    size_t n = f->len;
    int    i;

    for (i = 0; i < SL_FMT_COUNT; i++) {
        const struct sl_frame_enc *e = sl_frame_enc_get(f, i);

        if (e != NULL) {
            n += e->buf->len;
        }
    }
    return n;
}
