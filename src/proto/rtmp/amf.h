/*
 * AMF0 (and the AMF3 that RTMP clients embed in it): decoder into a bounded
 * value tree, and encoders.
 *
 * The decoder reads a sequence of values (a command: name, transaction id,
 * command object, arguments...) into struct sl_amf_doc, a flat array in
 * pre-order: a container is followed by its children, and each value
 * records where its subtree ends.  Strings are slices into the input, so
 * the document is valid as long as the input is.  Nothing allocates; the
 * caps are SL_AMF_MAX_VALUES values and SL_AMF_MAX_DEPTH nesting levels
 * (SL_ELIMIT beyond).
 *
 * AMF3 values appear behind the AMF0 "avmplus" marker (0x11) and in
 * messages of type 15/17.  They are mapped onto the same tree: integers
 * and doubles become numbers, strings (and XML, byte arrays) strings,
 * objects objects (sealed and dynamic members both as properties), arrays
 * strict arrays (dense part) or ECMA arrays (when they have named keys).
 * References to earlier strings and traits are resolved; references to
 * earlier objects decode as undefined (clients do not send them in RTMP
 * commands).
 *
 * The encoders write AMF0 into a fixed caller buffer through struct
 * sl_amf_w, whose error flag sticks when the buffer is too small, so a
 * whole message can be written and checked once.  Pure: thread-safe.
 */
#ifndef SL_PROTO_RTMP_AMF_H
#define SL_PROTO_RTMP_AMF_H

#include "base/str.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_AMF_MAX_VALUES 1024
#define SL_AMF_MAX_DEPTH  16
/* AMF3 reference tables kept while decoding one document. */
#define SL_AMF3_MAX_STRINGS 256
#define SL_AMF3_MAX_TRAITS  32
#define SL_AMF3_MAX_SEALED  32 /* sealed members per traits */

/* AMF0 type markers. */
#define SL_AMF0_NUMBER       0x00
#define SL_AMF0_BOOLEAN      0x01
#define SL_AMF0_STRING       0x02
#define SL_AMF0_OBJECT       0x03
#define SL_AMF0_MOVIECLIP    0x04
#define SL_AMF0_NULL         0x05
#define SL_AMF0_UNDEFINED    0x06
#define SL_AMF0_REFERENCE    0x07
#define SL_AMF0_ECMA_ARRAY   0x08
#define SL_AMF0_OBJECT_END   0x09
#define SL_AMF0_STRICT_ARRAY 0x0A
#define SL_AMF0_DATE         0x0B
#define SL_AMF0_LONG_STRING  0x0C
#define SL_AMF0_UNSUPPORTED  0x0D
#define SL_AMF0_XML_DOC      0x0F
#define SL_AMF0_TYPED_OBJECT 0x10
#define SL_AMF0_AVMPLUS      0x11

/* Value types in the decoded tree. */
enum sl_amf_type {
    SL_AMF_NUMBER = 0,
    SL_AMF_BOOLEAN,
    SL_AMF_STRING, /* also long strings, XML, AMF3 byte arrays */
    SL_AMF_OBJECT, /* also typed objects (str holds the class name) */
    SL_AMF_NULL,
    SL_AMF_UNDEFINED, /* also AMF0 references and unsupported markers */
    SL_AMF_ECMA_ARRAY,
    SL_AMF_STRICT_ARRAY,
    SL_AMF_DATE, /* num: milliseconds since the epoch */
};

struct sl_amf_value {
    uint8_t       type; /* enum sl_amf_type */
    bool          b;
    double        num;
    struct sl_str str;
    struct sl_str key;   /* property name inside an object or ECMA array */
    uint32_t      count; /* children of a container */
    uint32_t      end;   /* index one past this value's subtree */
};

struct sl_amf3_traits {
    struct sl_str class_name;
    bool          dynamic;
    bool          externalizable;
    uint32_t      nsealed;
    struct sl_str sealed[SL_AMF3_MAX_SEALED]; /* member names */
};

struct sl_amf_doc {
    struct sl_amf_value v[SL_AMF_MAX_VALUES];
    uint32_t            n;     /* values used */
    uint32_t            nroot; /* top-level values */
    /* AMF3 reference tables (reset for each top-level AMF3 value). */
    struct sl_str         strings[SL_AMF3_MAX_STRINGS];
    uint32_t              nstrings;
    struct sl_amf3_traits traits[SL_AMF3_MAX_TRAITS];
    uint32_t              ntraits;
    uint32_t              nobjects;
};

/* Sticky-error writer over a caller buffer. */
struct sl_amf_w {
    uint8_t *p;
    size_t   cap;
    size_t   len;
    bool     error; /* set when something did not fit */
};


/*
 * Decodes every value in p[0..len) (a command or data message body) into
 * d.  Returns 0, SL_EBADDATA (truncated or malformed) or SL_ELIMIT.  On
 * error d holds the values decoded so far (d->nroot complete ones).
 */
int sl_amf0_decode(struct sl_amf_doc *d, const uint8_t *p, size_t len);
/*
 * Decodes one AMF0 value starting at p; returns the bytes it used or an
 * error.  Lets a caller skip a leading value (e.g. "@setDataFrame").
 */
int sl_amf0_decode_one(struct sl_amf_doc *d, const uint8_t *p, size_t len);
/* Decodes a sequence of AMF3 values (an AMF3 data message body). */
int sl_amf3_decode(struct sl_amf_doc *d, const uint8_t *p, size_t len);

/* The i-th top-level value, or NULL. */
const struct sl_amf_value *sl_amf_root(const struct sl_amf_doc *d, size_t i);
/* First child of a container (NULL if none), and the next sibling. */
const struct sl_amf_value *sl_amf_first(const struct sl_amf_doc   *d,
                                        const struct sl_amf_value *parent);
const struct sl_amf_value *sl_amf_next(const struct sl_amf_doc   *d,
                                       const struct sl_amf_value *parent,
                                       const struct sl_amf_value *child);
/* Property of an object or ECMA array by name (exact), or NULL. */
const struct sl_amf_value *sl_amf_get(const struct sl_amf_doc   *d,
                                      const struct sl_amf_value *obj,
                                      const char                *key);
/* Same, ASCII case-insensitive ("tcUrl" / "tcurl"). */
const struct sl_amf_value *sl_amf_get_case(const struct sl_amf_doc   *d,
                                           const struct sl_amf_value *obj,
                                           const char                *key);
/* Convenience: the string / number of v, or the fallback when v is NULL or
 * of another type. */
struct sl_str sl_amf_str(const struct sl_amf_value *v);
double        sl_amf_num(const struct sl_amf_value *v, double fallback);


void sl_amf_w_init(struct sl_amf_w *w, uint8_t *p, size_t cap);
void sl_amf0_write_number(struct sl_amf_w *w, double v);
void sl_amf0_write_bool(struct sl_amf_w *w, bool v);
/* Strings over 65535 bytes are written as long strings. */
void sl_amf0_write_string(struct sl_amf_w *w, const char *s);
void sl_amf0_write_str(struct sl_amf_w *w, struct sl_str s);
void sl_amf0_write_null(struct sl_amf_w *w);
void sl_amf0_write_undefined(struct sl_amf_w *w);
void sl_amf0_write_object_begin(struct sl_amf_w *w);
/* count is advisory (readers ignore it, as they should). */
void sl_amf0_write_ecma_begin(struct sl_amf_w *w, uint32_t count);
/* A property name inside an object or ECMA array; its value follows. */
void sl_amf0_write_key(struct sl_amf_w *w, const char *key);
void sl_amf0_write_object_end(struct sl_amf_w *w);
void sl_amf0_write_strict_array_begin(struct sl_amf_w *w, uint32_t count);
/* key + value in one call. */
void sl_amf0_write_prop_number(struct sl_amf_w *w, const char *key, double v);
void sl_amf0_write_prop_string(struct sl_amf_w *w, const char *key,
                               const char *v);
void sl_amf0_write_prop_bool(struct sl_amf_w *w, const char *key, bool v);


#endif /* SL_PROTO_RTMP_AMF_H */
