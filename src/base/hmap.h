/*
 * Open-addressing hash map from uint64_t keys to pointers.
 *
 * Used for per-worker handle tables and the UDP source-address routing
 * table.  Keys are arbitrary except 0 (reserved for empty slots).  Grows by
 * doubling at 50 % load; removal uses backward-shift deletion, so there are
 * no tombstones.  Not thread-safe: each map belongs to one thread.
 */
#ifndef SL_BASE_HMAP_H
#define SL_BASE_HMAP_H

#include <stddef.h>
#include <stdint.h>


struct sl_hmap_slot {
    uint64_t key;
    void    *val;
};

struct sl_hmap {
    struct sl_hmap_slot *slots;
    size_t               mask;
    size_t               count;
};


void sl_hmap_init(struct sl_hmap *m);
void sl_hmap_free(struct sl_hmap *m);
/* Inserts or replaces. key must not be 0. */
void  sl_hmap_put(struct sl_hmap *m, uint64_t key, void *val);
void *sl_hmap_get(const struct sl_hmap *m, uint64_t key);
/* Returns the removed value or NULL. */
void *sl_hmap_del(struct sl_hmap *m, uint64_t key);
/* Iteration: for (i = 0; sl_hmap_next(m, &i, &k, &v); ) { ... } */
int sl_hmap_next(const struct sl_hmap *m, size_t *i, uint64_t *key, void **val);
/* 64-bit FNV-1a. */
uint64_t sl_hash64(const void *p, size_t n);


#endif /* SL_BASE_HMAP_H */
