/*
 * Bounds-checked MSB-first bit reader (for SPS/VPS, ADTS, AudioSpecificConfig).
 *
 * Reading past the end never touches memory beyond the buffer: it returns 0
 * and sets br->error, so a parser can read a whole structure and check once.
 * Exp-Golomb values longer than 32 bits are an error.
 */
#ifndef SL_BASE_BITS_H
#define SL_BASE_BITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


struct sl_bits {
    const uint8_t *p;
    size_t         len_bits;
    size_t         pos; /* in bits */
    bool           error;
};


void sl_bits_init(struct sl_bits *br, const uint8_t *p, size_t len);
/* n in 0..32. */
uint32_t sl_bits_read(struct sl_bits *br, unsigned n);
bool     sl_bits_read1(struct sl_bits *br);
void     sl_bits_skip(struct sl_bits *br, size_t n);
uint32_t sl_bits_read_ue(struct sl_bits *br);
int32_t  sl_bits_read_se(struct sl_bits *br);
size_t   sl_bits_left(const struct sl_bits *br);


/*
 * Bit writer into a fixed array; sets error instead of overflowing.
 */
struct sl_bitw {
    uint8_t *p;
    size_t   cap; /* bytes */
    size_t   pos; /* bits */
    bool     error;
};

void sl_bitw_init(struct sl_bitw *bw, uint8_t *p, size_t cap);
void sl_bitw_write(struct sl_bitw *bw, unsigned n, uint32_t v);
/* Bytes used (rounded up). */
size_t sl_bitw_bytes(const struct sl_bitw *bw);


#endif /* SL_BASE_BITS_H */
