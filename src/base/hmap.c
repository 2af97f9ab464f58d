/* Sluice: uint64 -> pointer hash map. */
#include "base/hmap.h"
#include "base/alloc.h"

#include <string.h>


static size_t slot_of(uint64_t key, size_t mask);
static void   grow(struct sl_hmap *m);


static size_t
slot_of(uint64_t key, size_t mask)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return (size_t)key & mask;
}


void
sl_hmap_init(struct sl_hmap *m)
{
    m->mask = 15;
    m->count = 0;
    m->slots = sl_calloc(m->mask + 1, sizeof(*m->slots));
}


void
sl_hmap_free(struct sl_hmap *m)
{
    sl_free(m->slots);
    m->slots = NULL;
    m->count = 0;
}


static void
grow(struct sl_hmap *m)
{
    struct sl_hmap_slot *old = m->slots;
    size_t               n = m->mask + 1, i;

    m->mask = n * 2 - 1;
    m->slots = sl_calloc(n * 2, sizeof(*m->slots));
    m->count = 0;
    for (i = 0; i < n; i++) {
        if (old[i].key != 0) {
            sl_hmap_put(m, old[i].key, old[i].val);
        }
    }
    sl_free(old);
}


void
sl_hmap_put(struct sl_hmap *m, uint64_t key, void *val)
{
    size_t i;

    if ((m->count + 1) * 2 > m->mask + 1) {
        grow(m);
    }
    for (i = slot_of(key, m->mask);; i = (i + 1) & m->mask) {
        if (m->slots[i].key == key) {
            m->slots[i].val = val;
            return;
        }
        if (m->slots[i].key == 0) {
            m->slots[i].key = key;
            m->slots[i].val = val;
            m->count++;
            return;
        }
    }
}


void *
sl_hmap_get(const struct sl_hmap *m, uint64_t key)
{
    size_t i;

    if (key == 0) {
        return NULL;
    }
    for (i = slot_of(key, m->mask); m->slots[i].key != 0; i = (i + 1) & m->mask)
    {
        if (m->slots[i].key == key) {
            return m->slots[i].val;
        }
    }
    return NULL;
}


void *
sl_hmap_del(struct sl_hmap *m, uint64_t key)
{
    size_t i, j;
    void  *val;

    if (key == 0) {
        return NULL;
    }
    for (i = slot_of(key, m->mask);; i = (i + 1) & m->mask) {
        if (m->slots[i].key == 0) {
            return NULL;
        }
        if (m->slots[i].key == key) {
            break;
        }
    }
    val = m->slots[i].val;
    m->slots[i].key = 0;
    m->slots[i].val = NULL;
    m->count--;
    /* Backward-shift the following cluster so lookups stay correct. */
    for (j = (i + 1) & m->mask; m->slots[j].key != 0; j = (j + 1) & m->mask) {
        size_t home = slot_of(m->slots[j].key, m->mask);

        if ((j > i && (home <= i || home > j))
            || (j < i && (home <= i && home > j))) {
            m->slots[i] = m->slots[j];
            m->slots[j].key = 0;
            m->slots[j].val = NULL;
            i = j;
        }
    }
    return val;
}


int
sl_hmap_next(const struct sl_hmap *m, size_t *i, uint64_t *key, void **val)
{
    while (*i <= m->mask) {
        size_t k = (*i)++;

        if (m->slots[k].key != 0) {
            *key = m->slots[k].key;
            *val = m->slots[k].val;
            return 1;
        }
    }
    return 0;
}


uint64_t
sl_hash64(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t       h = 0xcbf29ce484222325ull;
    size_t         i;

    for (i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h == 0 ? 1 : h;
}
