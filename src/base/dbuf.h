/*
 * Growable byte buffer with a hard cap fixed at init.
 *
 * Used for protocol replies, reassembly of partial messages and other
 * per-connection bytes.  Growing past the cap fails with SL_ELIMIT and
 * leaves the buffer unchanged, so a peer can never make it grow without
 * bound.  Bytes are consumed from the front with sl_dbuf_consume (cheap:
 * an offset moves, data is compacted when it pays).  Not thread-safe.
 */
#ifndef SL_BASE_DBUF_H
#define SL_BASE_DBUF_H

#include "base/str.h"

#include <stddef.h>
#include <stdint.h>


struct sl_dbuf {
    uint8_t *mem;
    size_t   off; /* start of unconsumed data in mem */
    size_t   len; /* bytes of unconsumed data */
    size_t   alloc;
    size_t   cap; /* maximum len */
};


void sl_dbuf_init(struct sl_dbuf *b, size_t cap);
void sl_dbuf_free(struct sl_dbuf *b);
/* Pointer to the unconsumed data. */
static inline uint8_t *
sl_dbuf_data(const struct sl_dbuf *b)
{
    return b->mem == NULL ? NULL : b->mem + b->off;
}
int sl_dbuf_add(struct sl_dbuf *b, const void *p, size_t n);
int sl_dbuf_add_str(struct sl_dbuf *b, const char *s);
int sl_dbuf_printf(struct sl_dbuf *b, const char *fmt, ...) SL_PRINTF(2, 3);
/*
 * Makes room for n more bytes and returns where to write them; the caller
 * then calls sl_dbuf_commit with how many it wrote.  NULL when over the cap.
 */
uint8_t *sl_dbuf_reserve(struct sl_dbuf *b, size_t n);
void     sl_dbuf_commit(struct sl_dbuf *b, size_t n);
void     sl_dbuf_consume(struct sl_dbuf *b, size_t n);
void     sl_dbuf_reset(struct sl_dbuf *b);
/*
 * Gives the memory back when the buffer is empty (no-op otherwise): for
 * buffers that are busy at a connection's start and idle afterwards.
 */
void sl_dbuf_release(struct sl_dbuf *b);


#endif /* SL_BASE_DBUF_H */
