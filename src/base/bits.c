/* Sluice: bit reader and writer. */
#include "base/bits.h"

#include <string.h>


void
sl_bits_init(struct sl_bits *br, const uint8_t *p, size_t len)
{
    br->p = p;
    br->len_bits = len * 8;
    br->pos = 0;
    br->error = false;
}


uint32_t
sl_bits_read(struct sl_bits *br, unsigned n)
{
    uint32_t v = 0;
    unsigned i;

    if (n > 32 || br->pos + n > br->len_bits) {
        br->error = true;
        br->pos = br->len_bits;
        return 0;
    }
    for (i = 0; i < n; i++) {
        size_t pos = br->pos++;

        v = (v << 1) | ((br->p[pos >> 3] >> (7 - (pos & 7))) & 1);
    }
    return v;
}


bool
sl_bits_read1(struct sl_bits *br)
{
    return sl_bits_read(br, 1) != 0;
}


void
sl_bits_skip(struct sl_bits *br, size_t n)
{
    if (n > br->len_bits - br->pos) {
        br->error = true;
        br->pos = br->len_bits;
        return;
    }
    br->pos += n;
}


uint32_t
sl_bits_read_ue(struct sl_bits *br)
{
    unsigned zeros = 0;
    uint32_t v;

    while (!br->error && !sl_bits_read1(br)) {
        if (++zeros > 31) {
            br->error = true;
            return 0;
        }
    }
    if (br->error) {
        return 0;
    }
    v = sl_bits_read(br, zeros);
    return (uint32_t)(((uint64_t)1 << zeros) - 1 + v);
}


int32_t
sl_bits_read_se(struct sl_bits *br)
{
    uint32_t k = sl_bits_read_ue(br);

    if (k & 1) {
        return (int32_t)((k + 1) / 2);
    }
    return -(int32_t)(k / 2);
}


size_t
sl_bits_left(const struct sl_bits *br)
{
    return br->len_bits - br->pos;
}


void
sl_bitw_init(struct sl_bitw *bw, uint8_t *p, size_t cap)
{
    bw->p = p;
    bw->cap = cap;
    bw->pos = 0;
    bw->error = false;
    memset(p, 0, cap);
}


void
sl_bitw_write(struct sl_bitw *bw, unsigned n, uint32_t v)
{
    unsigned i;

    if (n > 32 || bw->pos + n > bw->cap * 8) {
        bw->error = true;
        return;
    }
    for (i = n; i > 0; i--) {
        if ((v >> (i - 1)) & 1) {
            bw->p[bw->pos >> 3] |= (uint8_t)(0x80 >> (bw->pos & 7));
        }
        bw->pos++;
    }
}


size_t
sl_bitw_bytes(const struct sl_bitw *bw)
{
    return (bw->pos + 7) / 8;
}
