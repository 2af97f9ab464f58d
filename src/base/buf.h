/*
 * Reference-counted immutable byte buffers.
 *
 * A struct sl_buf is one allocation: header then data.  The creator fills
 * data while it holds the only reference; once shared (sl_buf_ref) it must
 * not change.  The count is atomic so a buffer can be shared by workers; it
 * sits on its own cache line so references taken from other threads do not
 * bounce the line holding len/data.  Whoever drops the last reference frees
 * it, on whatever thread that is.
 */
#ifndef SL_BASE_BUF_H
#define SL_BASE_BUF_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>


struct sl_buf {
    atomic_uint refs;
    char        pad_[64 - sizeof(atomic_uint)]; /* refs on its own line */
    size_t      len;                            /* bytes in use */
    size_t      cap;  /* bytes allocated after the header */
    uint8_t    *data; /* points just after the header */
};


/* A buffer of cap bytes, len 0, one reference.  Never returns NULL. */
struct sl_buf *sl_buf_new(size_t cap);
/* A new buffer holding a copy of p[0..n). */
struct sl_buf *sl_buf_new_copy(const void *p, size_t n);
struct sl_buf *sl_buf_ref(struct sl_buf *b);
/* Drops one reference and sets *bp to NULL; frees on the last one. */
void sl_buf_unref(struct sl_buf **bp);
/* True when the caller holds the only reference (the buffer is writable). */
int sl_buf_writable(const struct sl_buf *b);


#endif /* SL_BASE_BUF_H */
