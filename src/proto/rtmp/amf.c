/* Sluice: AMF0/AMF3 decoder into a bounded tree, AMF0 encoders. */
#include "proto/rtmp/amf.h"
#include "base/bytes.h"
#include "base/err.h"

#include <string.h>


/* AMF3 type markers (AMF3 spec 3.1). */
#define AMF3_UNDEFINED  0x00
#define AMF3_NULL       0x01
#define AMF3_FALSE      0x02
#define AMF3_TRUE       0x03
#define AMF3_INTEGER    0x04
#define AMF3_DOUBLE     0x05
#define AMF3_STRING     0x06
#define AMF3_XML_DOC    0x07
#define AMF3_DATE       0x08
#define AMF3_ARRAY      0x09
#define AMF3_OBJECT     0x0A
#define AMF3_XML        0x0B
#define AMF3_BYTE_ARRAY 0x0C


struct dec {
    struct sl_amf_doc *d;
    const uint8_t     *p;
    const uint8_t     *end;
    unsigned           depth;
};


static int  push(struct dec *c, uint8_t type, struct sl_str key, uint32_t *idx);
static void close_container(struct dec *c, uint32_t idx);
static int  read_double(struct dec *c, double *out);
static int  read_str(struct dec *c, size_t lenbytes, struct sl_str *out);
static int  dec0(struct dec *c, struct sl_str key);
static int  dec0_props(struct dec *c, uint32_t idx);
static int  read_u29(struct dec *c, uint32_t *out);
static int  read_str3(struct dec *c, struct sl_str *out);
static int  dec3(struct dec *c, struct sl_str key);
static int  dec3_array(struct dec *c, struct sl_str key);
static int  dec3_object(struct dec *c, struct sl_str key);
static void reset3(struct sl_amf_doc *d);
static int  decode_seq(struct sl_amf_doc *d, const uint8_t *p, size_t len,
                       bool amf3);
static void put(struct sl_amf_w *w, const void *p, size_t n);
static void put_u8(struct sl_amf_w *w, uint8_t v);
static void put_key(struct sl_amf_w *w, const char *p, size_t n);


static int
push(struct dec *c, uint8_t type, struct sl_str key, uint32_t *idx)
{
    struct sl_amf_value *v;

    if (c->d->n >= SL_AMF_MAX_VALUES) {
        return SL_ELIMIT;
    }
    *idx = c->d->n++;
    v = &c->d->v[*idx];
    memset(v, 0, sizeof(*v));
    v->type = type;
    v->key = key;
    v->end = c->d->n;
    return 0;
}


static void
close_container(struct dec *c, uint32_t idx)
{
    c->d->v[idx].end = c->d->n;
}


static int
read_double(struct dec *c, double *out)
{
    uint64_t u;

    if (c->end - c->p < 8) {
        return SL_EBADDATA;
    }
    u = sl_rb64(c->p);
    memcpy(out, &u, sizeof(*out));
    c->p += 8;
    return 0;
}


/* An AMF0 string body: a 2- or 4-byte length, then the bytes. */
static int
read_str(struct dec *c, size_t lenbytes, struct sl_str *out)
{
    size_t n;

    if ((size_t)(c->end - c->p) < lenbytes) {
        return SL_EBADDATA;
    }
    n = lenbytes == 2 ? sl_rb16(c->p) : sl_rb32(c->p);
    c->p += lenbytes;
    if ((size_t)(c->end - c->p) < n) {
        return SL_EBADDATA;
    }
    out->p = (const char *)c->p;
    out->len = n;
    c->p += n;
    return 0;
}


static int
dec0(struct dec *c, struct sl_str key)
{
    struct sl_amf_value *v;
    uint32_t             idx, count, i;
    uint8_t              marker;
    int                  rc;

    if (c->p >= c->end) {
        return SL_EBADDATA;
    }
    marker = *c->p++;
    switch (marker) {
    case SL_AMF0_NUMBER:
        rc = push(c, SL_AMF_NUMBER, key, &idx);
        return rc < 0 ? rc : read_double(c, &c->d->v[idx].num);
    case SL_AMF0_BOOLEAN:
        if (c->p >= c->end) {
            return SL_EBADDATA;
        }
        rc = push(c, SL_AMF_BOOLEAN, key, &idx);
        if (rc < 0) {
            return rc;
        }
        c->d->v[idx].b = *c->p++ != 0;
        return 0;
    case SL_AMF0_STRING:
    case SL_AMF0_LONG_STRING:
    case SL_AMF0_XML_DOC:
        rc = push(c, SL_AMF_STRING, key, &idx);
        if (rc < 0) {
            return rc;
        }
        return read_str(c, marker == SL_AMF0_STRING ? 2 : 4, &c->d->v[idx].str);
    case SL_AMF0_NULL:
        return push(c, SL_AMF_NULL, key, &idx);
    case SL_AMF0_UNDEFINED:
    case SL_AMF0_UNSUPPORTED:
        return push(c, SL_AMF_UNDEFINED, key, &idx);
    case SL_AMF0_REFERENCE:
        if (c->end - c->p < 2) {
            return SL_EBADDATA;
        }
        c->p += 2;
        return push(c, SL_AMF_UNDEFINED, key, &idx);
    case SL_AMF0_DATE:
        rc = push(c, SL_AMF_DATE, key, &idx);
        if (rc < 0) {
            return rc;
        }
        rc = read_double(c, &c->d->v[idx].num);
        if (rc < 0 || c->end - c->p < 2) {
            return SL_EBADDATA;
        }
        c->p += 2; /* time zone: reserved, always 0 */
        return 0;
    case SL_AMF0_OBJECT:
    case SL_AMF0_TYPED_OBJECT:
    case SL_AMF0_ECMA_ARRAY:
        rc = push(
            c, marker == SL_AMF0_ECMA_ARRAY ? SL_AMF_ECMA_ARRAY : SL_AMF_OBJECT,
            key, &idx);
        if (rc < 0) {
            return rc;
        }
        if (marker == SL_AMF0_TYPED_OBJECT) {
            rc = read_str(c, 2, &c->d->v[idx].str);
            if (rc < 0) {
                return rc;
            }
        } else if (marker == SL_AMF0_ECMA_ARRAY) {
            /* The count is advisory: encoders get it wrong; read to 0x09. */
            if (c->end - c->p < 4) {
                return SL_EBADDATA;
            }
            c->p += 4;
        }
        return dec0_props(c, idx);
    case SL_AMF0_STRICT_ARRAY:
        if (c->end - c->p < 4) {
            return SL_EBADDATA;
        }
        count = sl_rb32(c->p);
        c->p += 4;
        /* Every value takes at least one byte: check before looping. */
        if (count > (size_t)(c->end - c->p)) {
            return SL_EBADDATA;
        }
        rc = push(c, SL_AMF_STRICT_ARRAY, key, &idx);
        if (rc < 0) {
            return rc;
        }
        if (++c->depth > SL_AMF_MAX_DEPTH) {
            return SL_ELIMIT;
        }
        for (i = 0; i < count; i++) {
            rc = dec0(c, SL_STR_NULL);
            if (rc < 0) {
                return rc;
            }
        }
        c->depth--;
        v = &c->d->v[idx];
        v->count = count;
        close_container(c, idx);
        return 0;
    case SL_AMF0_AVMPLUS:
        reset3(c->d);
        return dec3(c, key);
    default:
        return SL_EBADDATA; /* movieclip, recordset, object end, unknown */
    }
}


/* Properties of an object or ECMA array, up to the 00 00 09 end marker. */
static int
dec0_props(struct dec *c, uint32_t idx)
{
    struct sl_str key;
    uint32_t      count = 0;
    int           rc;

    if (++c->depth > SL_AMF_MAX_DEPTH) {
        return SL_ELIMIT;
    }
    for (;;) {
        if (c->p == c->end) {
            break; /* some encoders leave the end marker out at the end */
        }
        rc = read_str(c, 2, &key);
        if (rc < 0) {
            return rc;
        }
        if (key.len == 0 && c->p < c->end && *c->p == SL_AMF0_OBJECT_END) {
            c->p++;
            break;
        }
        rc = dec0(c, key);
        if (rc < 0) {
            return rc;
        }
        count++;
    }
    c->depth--;
    c->d->v[idx].count = count;
    close_container(c, idx);
    return 0;
}


/* AMF3 variable-length unsigned 29-bit integer. */
static int
read_u29(struct dec *c, uint32_t *out)
{
    uint32_t v = 0;
    int      i;

    for (i = 0; i < 4; i++) {
        uint8_t b;

        if (c->p >= c->end) {
            return SL_EBADDATA;
        }
        b = *c->p++;
        if (i == 3) {
            *out = (v << 8) | b;
            return 0;
        }
        v = (v << 7) | (b & 0x7f);
        if ((b & 0x80) == 0) {
            *out = v;
            return 0;
        }
    }
    return SL_EBADDATA;
}


/* An AMF3 string: inline (remembered when not empty) or a reference. */
static int
read_str3(struct dec *c, struct sl_str *out)
{
    struct sl_amf_doc *d = c->d;
    uint32_t           h;
    int                rc;

    rc = read_u29(c, &h);
    if (rc < 0) {
        return rc;
    }
    if ((h & 1) == 0) {
        if ((h >> 1) >= d->nstrings) {
            return SL_EBADDATA;
        }
        *out = d->strings[h >> 1];
        return 0;
    }
    h >>= 1;
    if (h > (size_t)(c->end - c->p)) {
        return SL_EBADDATA;
    }
    out->p = (const char *)c->p;
    out->len = h;
    c->p += h;
    if (h > 0) {
        if (d->nstrings >= SL_AMF3_MAX_STRINGS) {
            return SL_ELIMIT;
        }
        d->strings[d->nstrings++] = *out;
    }
    return 0;
}


static int
dec3(struct dec *c, struct sl_str key)
{
    struct sl_amf_value *v;
    uint32_t             idx, h;
    uint8_t              marker;
    int                  rc;

    if (c->p >= c->end) {
        return SL_EBADDATA;
    }
    marker = *c->p++;
    switch (marker) {
    case AMF3_UNDEFINED:
        return push(c, SL_AMF_UNDEFINED, key, &idx);
    case AMF3_NULL:
        return push(c, SL_AMF_NULL, key, &idx);
    case AMF3_FALSE:
    case AMF3_TRUE:
        rc = push(c, SL_AMF_BOOLEAN, key, &idx);
        if (rc == 0) {
            c->d->v[idx].b = marker == AMF3_TRUE;
        }
        return rc;
    case AMF3_INTEGER:
        rc = read_u29(c, &h);
        if (rc < 0) {
            return rc;
        }
        rc = push(c, SL_AMF_NUMBER, key, &idx);
        if (rc < 0) {
            return rc;
        }
        /* 29-bit two's complement. */
        c->d->v[idx].num =
            (h & 0x10000000u) ? (double)h - (double)0x20000000u : (double)h;
        return 0;
    case AMF3_DOUBLE:
        rc = push(c, SL_AMF_NUMBER, key, &idx);
        return rc < 0 ? rc : read_double(c, &c->d->v[idx].num);
    case AMF3_STRING:
        rc = push(c, SL_AMF_STRING, key, &idx);
        return rc < 0 ? rc : read_str3(c, &c->d->v[idx].str);
    case AMF3_XML_DOC:
    case AMF3_XML:
    case AMF3_BYTE_ARRAY:
    case AMF3_DATE:
        rc = read_u29(c, &h);
        if (rc < 0) {
            return rc;
        }
        rc = push(c,
                  (h & 1) == 0          ? SL_AMF_UNDEFINED
                  : marker == AMF3_DATE ? SL_AMF_DATE
                                        : SL_AMF_STRING,
                  key, &idx);
        if (rc < 0 || (h & 1) == 0) {
            return rc; /* a reference to an earlier object */
        }
        c->d->nobjects++;
        v = &c->d->v[idx];
        if (marker == AMF3_DATE) {
            return read_double(c, &v->num);
        }
        h >>= 1;
        if (h > (size_t)(c->end - c->p)) {
            return SL_EBADDATA;
        }
        v->str.p = (const char *)c->p;
        v->str.len = h;
        c->p += h;
        return 0;
    case AMF3_ARRAY:
        return dec3_array(c, key);
    case AMF3_OBJECT:
        return dec3_object(c, key);
    default:
        return SL_EUNSUP; /* vectors, dictionaries */
    }
}


static int
dec3_array(struct dec *c, struct sl_str key)
{
    struct sl_str name;
    uint32_t      idx, h, i, count = 0;
    bool          assoc = false;
    int           rc;

    rc = read_u29(c, &h);
    if (rc < 0) {
        return rc;
    }
    if ((h & 1) == 0) {
        return push(c, SL_AMF_UNDEFINED, key, &idx);
    }
    h >>= 1;
    rc = push(c, SL_AMF_STRICT_ARRAY, key, &idx);
    if (rc < 0) {
        return rc;
    }
    c->d->nobjects++;
    if (++c->depth > SL_AMF_MAX_DEPTH) {
        return SL_ELIMIT;
    }
    for (;;) {
        rc = read_str3(c, &name);
        if (rc < 0) {
            return rc;
        }
        if (name.len == 0) {
            break;
        }
        assoc = true;
        rc = dec3(c, name);
        if (rc < 0) {
            return rc;
        }
        count++;
    }
    if (h > (size_t)(c->end - c->p)) {
        return SL_EBADDATA;
    }
    for (i = 0; i < h; i++) {
        rc = dec3(c, SL_STR_NULL);
        if (rc < 0) {
            return rc;
        }
        count++;
    }
    c->depth--;
    c->d->v[idx].type = assoc ? SL_AMF_ECMA_ARRAY : SL_AMF_STRICT_ARRAY;
    c->d->v[idx].count = count;
    close_container(c, idx);
    return 0;
}


static int
dec3_object(struct dec *c, struct sl_str key)
{
    struct sl_amf_doc     *d = c->d;
    struct sl_amf3_traits *t;
    struct sl_str          name;
    uint32_t               idx, h, i, count = 0;
    int                    rc;

    rc = read_u29(c, &h);
    if (rc < 0) {
        return rc;
    }
    if ((h & 1) == 0) {
        return push(c, SL_AMF_UNDEFINED, key, &idx);
    }
    if ((h & 2) == 0) {
        if ((h >> 2) >= d->ntraits) {
            return SL_EBADDATA;
        }
        t = &d->traits[h >> 2];
    } else {
        if (d->ntraits >= SL_AMF3_MAX_TRAITS) {
            return SL_ELIMIT;
        }
        t = &d->traits[d->ntraits];
        memset(t, 0, sizeof(*t));
        t->externalizable = (h & 4) != 0;
        t->dynamic = (h & 8) != 0;
        t->nsealed = h >> 4;
        if (t->nsealed > SL_AMF3_MAX_SEALED) {
            return SL_ELIMIT;
        }
        rc = read_str3(c, &t->class_name);
        if (rc < 0) {
            return rc;
        }
        for (i = 0; i < t->nsealed; i++) {
            rc = read_str3(c, &t->sealed[i]);
            if (rc < 0) {
                return rc;
            }
        }
        d->ntraits++;
    }
    if (t->externalizable) {
        return SL_EUNSUP; /* the class alone knows its encoding */
    }
    rc = push(c, SL_AMF_OBJECT, key, &idx);
    if (rc < 0) {
        return rc;
    }
    d->v[idx].str = t->class_name;
    d->nobjects++;
    if (++c->depth > SL_AMF_MAX_DEPTH) {
        return SL_ELIMIT;
    }
    for (i = 0; i < t->nsealed; i++) {
        rc = dec3(c, t->sealed[i]);
        if (rc < 0) {
            return rc;
        }
        count++;
    }
    while (t->dynamic) {
        rc = read_str3(c, &name);
        if (rc < 0) {
            return rc;
        }
        if (name.len == 0) {
            break;
        }
        rc = dec3(c, name);
        if (rc < 0) {
            return rc;
        }
        count++;
    }
    c->depth--;
    d->v[idx].count = count;
    close_container(c, idx);
    return 0;
}


static void
reset3(struct sl_amf_doc *d)
{
    d->nstrings = 0;
    d->ntraits = 0;
    d->nobjects = 0;
}


static int
decode_seq(struct sl_amf_doc *d, const uint8_t *p, size_t len, bool amf3)
{
    struct dec c = {.d = d, .p = p, .end = len > 0 ? p + len : p};
    int        rc;

    d->n = 0;
    d->nroot = 0;
    reset3(d);
    while (c.p < c.end) {
        c.depth = 0;
        rc = amf3 ? dec3(&c, SL_STR_NULL) : dec0(&c, SL_STR_NULL);
        if (rc < 0) {
            return rc;
        }
        d->nroot++;
    }
    return 0;
}


int
sl_amf0_decode(struct sl_amf_doc *d, const uint8_t *p, size_t len)
{
    return decode_seq(d, p, len, false);
}


int
sl_amf3_decode(struct sl_amf_doc *d, const uint8_t *p, size_t len)
{
    return decode_seq(d, p, len, true);
}


int
sl_amf0_decode_one(struct sl_amf_doc *d, const uint8_t *p, size_t len)
{
    struct dec c = {.d = d, .p = p, .end = len > 0 ? p + len : p};
    int        rc;

    d->n = 0;
    d->nroot = 0;
    reset3(d);
    rc = dec0(&c, SL_STR_NULL);
    if (rc < 0) {
        return rc;
    }
    d->nroot = 1;
    return (int)(c.p - p);
}


const struct sl_amf_value *
sl_amf_root(const struct sl_amf_doc *d, size_t i)
{
    uint32_t k = 0;

    if (i >= d->nroot) {
        return NULL;
    }
    while (i-- > 0) {
        k = d->v[k].end;
    }
    return &d->v[k];
}


const struct sl_amf_value *
sl_amf_first(const struct sl_amf_doc *d, const struct sl_amf_value *parent)
{
    uint32_t k;

    if (parent == NULL) {
        return NULL;
    }
    k = (uint32_t)(parent - d->v) + 1;
    return k < parent->end ? &d->v[k] : NULL;
}


const struct sl_amf_value *
sl_amf_next(const struct sl_amf_doc *d, const struct sl_amf_value *parent,
            const struct sl_amf_value *child)
{
    return child->end < parent->end ? &d->v[child->end] : NULL;
}


const struct sl_amf_value *
sl_amf_get(const struct sl_amf_doc *d, const struct sl_amf_value *obj,
           const char *key)
{
    const struct sl_amf_value *c;

    if (obj == NULL
        || (obj->type != SL_AMF_OBJECT && obj->type != SL_AMF_ECMA_ARRAY))
    {
        return NULL;
    }
    for (c = sl_amf_first(d, obj); c != NULL; c = sl_amf_next(d, obj, c)) {
        if (sl_str_eq_cstr(c->key, key)) {
            return c;
        }
    }
    return NULL;
}


const struct sl_amf_value *
sl_amf_get_case(const struct sl_amf_doc *d, const struct sl_amf_value *obj,
                const char *key)
{
    const struct sl_amf_value *c;

    if (obj == NULL
        || (obj->type != SL_AMF_OBJECT && obj->type != SL_AMF_ECMA_ARRAY))
    {
        return NULL;
    }
    for (c = sl_amf_first(d, obj); c != NULL; c = sl_amf_next(d, obj, c)) {
        if (sl_str_caseeq_cstr(c->key, key)) {
            return c;
        }
    }
    return NULL;
}


struct sl_str
sl_amf_str(const struct sl_amf_value *v)
{
    if (v == NULL || v->type != SL_AMF_STRING) {
        return SL_STR_NULL;
    }
    return v->str;
}


double
sl_amf_num(const struct sl_amf_value *v, double fallback)
{
    if (v == NULL || v->type != SL_AMF_NUMBER) {
        return fallback;
    }
    return v->num;
}


void
sl_amf_w_init(struct sl_amf_w *w, uint8_t *p, size_t cap)
{
    w->p = p;
    w->cap = cap;
    w->len = 0;
    w->error = false;
}


static void
put(struct sl_amf_w *w, const void *p, size_t n)
{
    if (w->error || n > w->cap - w->len) {
        w->error = true;
        return;
    }
    if (n > 0) {
        memcpy(w->p + w->len, p, n);
    }
    w->len += n;
}


static void
put_u8(struct sl_amf_w *w, uint8_t v)
{
    put(w, &v, 1);
}


/* A 16-bit-length string without a marker (property names). */
static void
put_key(struct sl_amf_w *w, const char *p, size_t n)
{
    uint8_t h[2];

    if (n > 0xFFFF) {
        w->error = true;
        return;
    }
    sl_wb16(h, (uint16_t)n);
    put(w, h, 2);
    put(w, p, n);
}


void
sl_amf0_write_number(struct sl_amf_w *w, double v)
{
    uint8_t  b[9];
    uint64_t u;

    memcpy(&u, &v, sizeof(u));
    b[0] = SL_AMF0_NUMBER;
    sl_wb64(b + 1, u);
    put(w, b, sizeof(b));
}


void
sl_amf0_write_bool(struct sl_amf_w *w, bool v)
{
    uint8_t b[2] = {SL_AMF0_BOOLEAN, v ? 1 : 0};

    put(w, b, sizeof(b));
}


void
sl_amf0_write_string(struct sl_amf_w *w, const char *s)
{
    sl_amf0_write_str(w, sl_str_from(s));
}


void
sl_amf0_write_str(struct sl_amf_w *w, struct sl_str s)
{
    uint8_t h[5];

    if (s.len <= 0xFFFF) {
        put_u8(w, SL_AMF0_STRING);
        put_key(w, s.p, s.len);
        return;
    }
    if (s.len > 0xFFFFFFFFu) {
        w->error = true;
        return;
    }
    h[0] = SL_AMF0_LONG_STRING;
    sl_wb32(h + 1, (uint32_t)s.len);
    put(w, h, sizeof(h));
    put(w, s.p, s.len);
}


void
sl_amf0_write_null(struct sl_amf_w *w)
{
    put_u8(w, SL_AMF0_NULL);
}


void
sl_amf0_write_undefined(struct sl_amf_w *w)
{
    put_u8(w, SL_AMF0_UNDEFINED);
}


void
sl_amf0_write_object_begin(struct sl_amf_w *w)
{
    put_u8(w, SL_AMF0_OBJECT);
}


void
sl_amf0_write_ecma_begin(struct sl_amf_w *w, uint32_t count)
{
    uint8_t h[5];

    h[0] = SL_AMF0_ECMA_ARRAY;
    sl_wb32(h + 1, count);
    put(w, h, sizeof(h));
}


void
sl_amf0_write_key(struct sl_amf_w *w, const char *key)
{
    put_key(w, key, strlen(key));
}


void
sl_amf0_write_object_end(struct sl_amf_w *w)
{
    uint8_t b[3] = {0, 0, SL_AMF0_OBJECT_END};

    put(w, b, sizeof(b));
}


void
sl_amf0_write_strict_array_begin(struct sl_amf_w *w, uint32_t count)
{
    uint8_t h[5];

    h[0] = SL_AMF0_STRICT_ARRAY;
    sl_wb32(h + 1, count);
    put(w, h, sizeof(h));
}


void
sl_amf0_write_prop_number(struct sl_amf_w *w, const char *key, double v)
{
    sl_amf0_write_key(w, key);
    sl_amf0_write_number(w, v);
}


void
sl_amf0_write_prop_string(struct sl_amf_w *w, const char *key, const char *v)
{
    sl_amf0_write_key(w, key);
    sl_amf0_write_string(w, v);
}


void
sl_amf0_write_prop_bool(struct sl_amf_w *w, const char *key, bool v)
{
    sl_amf0_write_key(w, key);
    sl_amf0_write_bool(w, v);
}
