/*
 * Fuzz target: AMF0 (with AMF3 behind avmplus markers) and plain AMF3
 * decoding.  The first byte picks the decoder.  Properties: no crash;
 * every string slice lies inside the input; the tree is well formed
 * (subtrees nest, counts match); and the tree re-encoded with the AMF0
 * writers decodes back to the same shape, keys, strings and numbers.
 */
#include "proto/rtmp/amf.h"
#include "base/alloc.h"
#include "base/err.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void    check_slice(struct sl_str s, const uint8_t *p, size_t len);
static void    encode(const struct sl_amf_doc *d, const struct sl_amf_value *v,
                      struct sl_amf_w *w);
static uint8_t mapped(uint8_t type);


static struct sl_amf_doc doc, back;


static void
check_slice(struct sl_str s, const uint8_t *p, size_t len)
{
    if (s.len > 0
        && ((const uint8_t *)s.p < p || (const uint8_t *)s.p + s.len > p + len))
    {
        abort();
    }
}


/* Re-encoding turns dates into numbers and undefined stays undefined. */
static uint8_t
mapped(uint8_t type)
{
    return type == SL_AMF_DATE ? SL_AMF_NUMBER : type;
}


static void
encode(const struct sl_amf_doc *d, const struct sl_amf_value *v,
       struct sl_amf_w *w)
{
    const struct sl_amf_value *c;
    bool keyed = v->type == SL_AMF_OBJECT || v->type == SL_AMF_ECMA_ARRAY;

    switch (v->type) {
    case SL_AMF_NUMBER:
    case SL_AMF_DATE:
        sl_amf0_write_number(w, v->num);
        return;
    case SL_AMF_BOOLEAN:
        sl_amf0_write_bool(w, v->b);
        return;
    case SL_AMF_STRING:
        sl_amf0_write_str(w, v->str);
        return;
    case SL_AMF_NULL:
        sl_amf0_write_null(w);
        return;
    case SL_AMF_UNDEFINED:
        sl_amf0_write_undefined(w);
        return;
    case SL_AMF_STRICT_ARRAY:
        sl_amf0_write_strict_array_begin(w, v->count);
        break;
    case SL_AMF_ECMA_ARRAY:
        sl_amf0_write_ecma_begin(w, v->count);
        break;
    default:
        sl_amf0_write_object_begin(w);
        break;
    }
    for (c = sl_amf_first(d, v); c != NULL; c = sl_amf_next(d, v, c)) {
        if (keyed) {
            static char key[65536];

            if (c->key.len == 0 || c->key.len >= sizeof(key)) {
                w->error = true;
                return;
            }
            memcpy(key, c->key.p, c->key.len);
            key[c->key.len] = '\0';
            if (strlen(key) != c->key.len) {
                w->error = true; /* NUL or empty keys: not comparable */
                return;
            }
            sl_amf0_write_key(w, key);
        }
        encode(d, c, w);
    }
    if (keyed) {
        sl_amf0_write_object_end(w);
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t  buf[1 << 18];
    struct sl_amf_w w;
    uint32_t        i;
    int             rc;

    if (size < 1) {
        return 0;
    }
    rc = data[0] & 1 ? sl_amf3_decode(&doc, data + 1, size - 1)
                     : sl_amf0_decode(&doc, data + 1, size - 1);
    if (rc != 0) {
        return 0;
    }
    for (i = 0; i < doc.n; i++) {
        const struct sl_amf_value *v = &doc.v[i];

        if (v->end <= i || v->end > doc.n) {
            abort();
        }
        check_slice(v->str, data, size);
        check_slice(v->key, data, size);
    }
    sl_amf_w_init(&w, buf, sizeof(buf));
    for (i = 0; i < doc.nroot; i++) {
        encode(&doc, sl_amf_root(&doc, i), &w);
    }
    if (w.error) {
        return 0;
    }
    if (sl_amf0_decode(&back, buf, w.len) != 0 || back.n != doc.n
        || back.nroot != doc.nroot)
    {
        abort();
    }
    for (i = 0; i < doc.n; i++) {
        const struct sl_amf_value *a = &doc.v[i], *b = &back.v[i];

        if (mapped(a->type) != b->type || a->end != b->end
            || a->count != b->count || !sl_str_eq(a->key, b->key)
            || (a->type == SL_AMF_STRING && !sl_str_eq(a->str, b->str))
            || (a->type == SL_AMF_BOOLEAN && a->b != b->b)
            || ((a->type == SL_AMF_NUMBER || a->type == SL_AMF_DATE)
                && memcmp(&a->num, &b->num, sizeof(double)) != 0))
        {
            abort();
        }
    }
    return 0;
}
