/*
 * Tests for src/proto/rtmp/amf.c: AMF0 decoding of real commands (FFmpeg's
 * connect), every AMF0 type, writer/decoder round trips, AMF3 behind the
 * avmplus marker (integers, strings with references, traits, dynamic
 * objects, arrays), and malformed or oversized inputs.
 */
#include "proto/rtmp/amf.h"
#include "base/alloc.h"
#include "base/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>


struct bad_case {
    const char *name;
    uint8_t     in[24];
    size_t      len;
    int         rc;
};


static void test_ffmpeg_connect(void **state);
static void test_roundtrip(void **state);
static void test_all_amf0_types(void **state);
static void test_amf3(void **state);
static void test_amf3_references(void **state);
static void test_malformed(void **state);
static void test_depth_and_count_caps(void **state);
static void test_writer_overflow_sticks(void **state);
static void assert_str(struct sl_str s, const char *want);


/* FFmpeg 5.1's connect command (captured on loopback). */
static const uint8_t ffmpeg_connect[] = {
    0x02, 0x00, 0x07, 'c',  'o',  'n',  'n',  'e',  'c',  't',  0x00, 0x3f,
    0xf0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x03, 'a',  'p',
    'p',  0x02, 0x00, 0x04, 'l',  'i',  'v',  'e',  0x00, 0x04, 't',  'y',
    'p',  'e',  0x02, 0x00, 0x0a, 'n',  'o',  'n',  'p',  'r',  'i',  'v',
    'a',  't',  'e',  0x00, 0x08, 'f',  'l',  'a',  's',  'h',  'V',  'e',
    'r',  0x02, 0x00, 0x08, 'F',  'M',  'L',  'E',  '/',  '3',  '.',  '0',
    0x00, 0x05, 't',  'c',  'U',  'r',  'l',  0x02, 0x00, 0x10, 'r',  't',
    'm',  'p',  ':',  '/',  '/',  'h',  '/',  'l',  'i',  'v',  'e',  '/',
    'x',  'y',  0x00, 0x00, 0x09,
};


static void
assert_str(struct sl_str s, const char *want)
{
    assert_int_equal(s.len, strlen(want));
    assert_memory_equal(s.p, want, s.len);
}


static void
test_ffmpeg_connect(void **state)
{
    struct sl_amf_doc         *d = sl_malloc(sizeof(*d));
    const struct sl_amf_value *obj;

    (void)state;
    assert_int_equal(sl_amf0_decode(d, ffmpeg_connect, sizeof(ffmpeg_connect)),
                     0);
    assert_int_equal(d->nroot, 3);
    assert_str(sl_amf_str(sl_amf_root(d, 0)), "connect");
    assert_true(sl_amf_num(sl_amf_root(d, 1), 0) == 1.0);
    obj = sl_amf_root(d, 2);
    assert_int_equal(obj->type, SL_AMF_OBJECT);
    assert_int_equal(obj->count, 4);
    assert_str(sl_amf_str(sl_amf_get(d, obj, "app")), "live");
    assert_str(sl_amf_str(sl_amf_get_case(d, obj, "TCURL")),
               "rtmp://h/live/xy");
    assert_null(sl_amf_get(d, obj, "tcurl"));
    assert_null(sl_amf_root(d, 3));
    sl_free(d);
}


static void
test_roundtrip(void **state)
{
    struct sl_amf_doc         *d = sl_malloc(sizeof(*d));
    struct sl_amf_w            w;
    uint8_t                    buf[512];
    const struct sl_amf_value *v, *o, *a, *e;
    static char                big[70000];

    (void)state;
    sl_amf_w_init(&w, buf, sizeof(buf));
    sl_amf0_write_string(&w, "_result");
    sl_amf0_write_number(&w, -2.5);
    sl_amf0_write_null(&w);
    sl_amf0_write_undefined(&w);
    sl_amf0_write_bool(&w, true);
    sl_amf0_write_object_begin(&w);
    sl_amf0_write_prop_string(&w, "level", "status");
    sl_amf0_write_prop_number(&w, "capabilities", 31);
    sl_amf0_write_prop_bool(&w, "x", false);
    sl_amf0_write_key(&w, "nested");
    sl_amf0_write_strict_array_begin(&w, 2);
    sl_amf0_write_number(&w, 1);
    sl_amf0_write_string(&w, "two");
    sl_amf0_write_object_end(&w);
    sl_amf0_write_ecma_begin(&w, 99); /* count is advisory */
    sl_amf0_write_prop_number(&w, "width", 640);
    sl_amf0_write_object_end(&w);
    assert_false(w.error);
    assert_int_equal(sl_amf0_decode(d, buf, w.len), 0);
    assert_int_equal(d->nroot, 7);
    assert_str(sl_amf_str(sl_amf_root(d, 0)), "_result");
    assert_true(sl_amf_num(sl_amf_root(d, 1), 0) == -2.5);
    assert_int_equal(sl_amf_root(d, 2)->type, SL_AMF_NULL);
    assert_int_equal(sl_amf_root(d, 3)->type, SL_AMF_UNDEFINED);
    assert_true(sl_amf_root(d, 4)->b);
    o = sl_amf_root(d, 5);
    assert_int_equal(o->count, 4);
    assert_true(sl_amf_num(sl_amf_get(d, o, "capabilities"), 0) == 31);
    v = sl_amf_get(d, o, "x");
    assert_int_equal(v->type, SL_AMF_BOOLEAN);
    assert_false(v->b);
    a = sl_amf_get(d, o, "nested");
    assert_int_equal(a->type, SL_AMF_STRICT_ARRAY);
    assert_int_equal(a->count, 2);
    v = sl_amf_first(d, a);
    assert_true(v->num == 1);
    v = sl_amf_next(d, a, v);
    assert_str(v->str, "two");
    assert_null(sl_amf_next(d, a, v));
    e = sl_amf_root(d, 6);
    assert_int_equal(e->type, SL_AMF_ECMA_ARRAY);
    assert_true(sl_amf_num(sl_amf_get(d, e, "width"), 0) == 640);

    /* Strings over 65535 bytes become long strings. */
    {
        uint8_t *lb = sl_malloc(sizeof(big) + 16);

        memset(big, 'z', sizeof(big) - 1);
        sl_amf_w_init(&w, lb, sizeof(big) + 16);
        sl_amf0_write_string(&w, big);
        assert_false(w.error);
        assert_int_equal(lb[0], SL_AMF0_LONG_STRING);
        assert_int_equal(sl_amf0_decode(d, lb, w.len), 0);
        assert_int_equal(sl_amf_root(d, 0)->str.len, sizeof(big) - 1);
        sl_free(lb);
    }
    sl_free(d);
}


static void
test_all_amf0_types(void **state)
{
    static const uint8_t in[] = {
        SL_AMF0_DATE,
        0x42,
        0x77,
        0x00,
        0x00,
        0x00,
        0x00,
        0x00,
        0x00,
        0x00,
        0x00, /* date, tz */
        SL_AMF0_REFERENCE,
        0x00,
        0x01,                /* reference */
        SL_AMF0_UNSUPPORTED, /* unsupported */
        SL_AMF0_XML_DOC,
        0x00,
        0x00,
        0x00,
        0x03,
        '<',
        'a',
        '>', /* xml */
        SL_AMF0_TYPED_OBJECT,
        0x00,
        0x01,
        'C',
        0x00,
        0x01,
        'k',
        SL_AMF0_NULL,
        0x00,
        0x00,
        0x09, /* typed object */
        SL_AMF0_OBJECT,
        0x00,
        0x01,
        'k',
        SL_AMF0_NULL, /* no end marker */
    };
    struct sl_amf_doc *d = sl_malloc(sizeof(*d));

    (void)state;
    assert_int_equal(sl_amf0_decode(d, in, sizeof(in)), 0);
    assert_int_equal(d->nroot, 6);
    assert_int_equal(sl_amf_root(d, 0)->type, SL_AMF_DATE);
    assert_int_equal(sl_amf_root(d, 1)->type, SL_AMF_UNDEFINED);
    assert_int_equal(sl_amf_root(d, 2)->type, SL_AMF_UNDEFINED);
    assert_str(sl_amf_root(d, 3)->str, "<a>");
    assert_str(sl_amf_root(d, 4)->str, "C");
    assert_int_equal(sl_amf_root(d, 4)->count, 1);
    assert_int_equal(sl_amf_root(d, 5)->count, 1);
    sl_free(d);
}


/*
 * An AMF0 command whose object is AMF3 (avmplus marker): a sealed-traits
 * object with one dynamic member, an integer, negative integer, double,
 * a dense array and an associative array.
 */
static void
test_amf3(void **state)
{
    static const uint8_t in[] = {
        SL_AMF0_STRING,
        0x00,
        0x01,
        'c',
        SL_AMF0_AVMPLUS,
        0x0A, /* object */
        0x1B, /* inline traits, dynamic, 1 sealed: 0b11011 */
        0x03,
        'C', /* class "C" */
        0x03,
        'a', /* sealed member "a" */
        0x04,
        0x7F, /* a = 127 */
        0x03,
        'b', /* dynamic "b" */
        0x04,
        0xFF,
        0xFF,
        0xFF,
        0xFF, /* b = -1 */
        0x01, /* end of dynamic members */
        SL_AMF0_AVMPLUS,
        0x09,
        0x05,
        0x01, /* array, 2 dense, no named */
        0x05,
        0x3F,
        0xF0,
        0,
        0,
        0,
        0,
        0,
        0, /* 1.0 */
        0x06,
        0x05,
        'h',
        'i', /* "hi" */
        SL_AMF0_AVMPLUS,
        0x09,
        0x01,
        0x03,
        'k',
        0x03,
        0x01, /* {k: true} */
        SL_AMF0_AVMPLUS,
        0x02,
    };
    struct sl_amf_doc         *d = sl_malloc(sizeof(*d));
    const struct sl_amf_value *o, *v;

    (void)state;
    assert_int_equal(sl_amf0_decode(d, in, sizeof(in)), 0);
    assert_int_equal(d->nroot, 5);
    o = sl_amf_root(d, 1);
    assert_int_equal(o->type, SL_AMF_OBJECT);
    assert_str(o->str, "C");
    assert_int_equal(o->count, 2);
    assert_true(sl_amf_num(sl_amf_get(d, o, "a"), 0) == 127);
    assert_true(sl_amf_num(sl_amf_get(d, o, "b"), 0) == -1);
    o = sl_amf_root(d, 2);
    assert_int_equal(o->type, SL_AMF_STRICT_ARRAY);
    assert_int_equal(o->count, 2);
    v = sl_amf_first(d, o);
    assert_true(v->num == 1.0);
    assert_str(sl_amf_next(d, o, v)->str, "hi");
    o = sl_amf_root(d, 3);
    assert_int_equal(o->type, SL_AMF_ECMA_ARRAY);
    assert_true(sl_amf_get(d, o, "k")->b);
    v = sl_amf_root(d, 4);
    assert_int_equal(v->type, SL_AMF_BOOLEAN);
    assert_false(v->b);
    sl_free(d);
}


/* String and traits references; object references decode as undefined. */
static void
test_amf3_references(void **state)
{
    static const uint8_t in[] = {
        0x09, 0x07, 0x01, /* array of 3 */
        0x0A, 0x13, 0x01,
        0x03, 'x', /* object: traits, 1 sealed "x", no class */
        0x06, 0x07, 'a',
        'b',  'c',  /* x = "abc" */
        0x0A, 0x01, /* object with traits reference 0 */
        0x06, 0x02, /* x = string reference 1 ("abc") */
        0x0A, 0x02, /* object reference 1 */
    };
    static const uint8_t       bad_ref[] = {0x06, 0x02};
    static const uint8_t       bad_traits[] = {0x0A, 0x05};
    static const uint8_t       externalizable[] = {0x0A, 0x07, 0x03, 'E'};
    static const uint8_t       vector[] = {0x0D, 0x01};
    struct sl_amf_doc         *d = sl_malloc(sizeof(*d));
    const struct sl_amf_value *a, *v;

    (void)state;
    assert_int_equal(sl_amf3_decode(d, in, sizeof(in)), 0);
    a = sl_amf_root(d, 0);
    assert_int_equal(a->count, 3);
    v = sl_amf_first(d, a);
    assert_str(sl_amf_str(sl_amf_get(d, v, "x")), "abc");
    v = sl_amf_next(d, a, v);
    assert_str(sl_amf_str(sl_amf_get(d, v, "x")), "abc");
    v = sl_amf_next(d, a, v);
    assert_int_equal(v->type, SL_AMF_UNDEFINED);
    assert_int_equal(sl_amf3_decode(d, bad_ref, sizeof(bad_ref)), SL_EBADDATA);
    assert_int_equal(sl_amf3_decode(d, bad_traits, sizeof(bad_traits)),
                     SL_EBADDATA);
    assert_int_equal(sl_amf3_decode(d, externalizable, sizeof(externalizable)),
                     SL_EUNSUP);
    assert_int_equal(sl_amf3_decode(d, vector, sizeof(vector)), SL_EUNSUP);
    sl_free(d);
}


static void
test_malformed(void **state)
{
    static const struct bad_case cases[] = {
        {"empty number", {0x00, 0x3f}, 2, SL_EBADDATA},
        {"string past the end", {0x02, 0x00, 0x05, 'a'}, 4, SL_EBADDATA},
        {"string length cut", {0x02, 0x00}, 2, SL_EBADDATA},
        {"bool without value", {0x01}, 1, SL_EBADDATA},
        {"long string past the end", {0x0C, 0, 0, 1, 0, 'a'}, 6, SL_EBADDATA},
        {"strict array count over input",
         {0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 5},
         6,
         SL_EBADDATA},
        {"ecma without count", {0x08, 0, 0}, 3, SL_EBADDATA},
        {"object key cut", {0x03, 0x00, 0x05, 'a'}, 4, SL_EBADDATA},
        {"object value missing", {0x03, 0x00, 0x01, 'a'}, 4, SL_EBADDATA},
        {"movieclip", {0x04}, 1, SL_EBADDATA},
        {"recordset", {0x0E}, 1, SL_EBADDATA},
        {"object end alone", {0x09}, 1, SL_EBADDATA},
        {"unknown marker", {0x42}, 1, SL_EBADDATA},
        {"date cut", {0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 10, SL_EBADDATA},
        {"reference cut", {0x07, 0}, 2, SL_EBADDATA},
        {"avmplus empty", {0x11}, 1, SL_EBADDATA},
        {"amf3 u29 cut", {0x11, 0x04, 0x80}, 3, SL_EBADDATA},
        {"amf3 string past the end", {0x11, 0x06, 0x09, 'a'}, 4, SL_EBADDATA},
        {"amf3 array dense over input",
         {0x11, 0x09, 0x7F, 0x01},
         4,
         SL_EBADDATA},
        {"amf3 too many sealed", {0x11, 0x0A, 0x84, 0x13, 0x01}, 5, SL_ELIMIT},
    };
    struct sl_amf_doc *d = sl_malloc(sizeof(*d));
    size_t             i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = sl_amf0_decode(d, cases[i].in, cases[i].len);

        if (rc != cases[i].rc) {
            fail_msg("%s: rc %d", cases[i].name, rc);
        }
    }
    sl_free(d);
}


static void
test_depth_and_count_caps(void **state)
{
    struct sl_amf_doc *d = sl_malloc(sizeof(*d));
    uint8_t            in[4096];
    size_t             n = 0, i;

    (void)state;
    /* 17 nested strict arrays of one element. */
    for (i = 0; i < SL_AMF_MAX_DEPTH + 1; i++) {
        in[n++] = SL_AMF0_STRICT_ARRAY;
        in[n++] = 0;
        in[n++] = 0;
        in[n++] = 0;
        in[n++] = 1;
    }
    in[n++] = SL_AMF0_NULL;
    assert_int_equal(sl_amf0_decode(d, in, n), SL_ELIMIT);
    /* 16 levels pass. */
    assert_int_equal(sl_amf0_decode(d, in + 5, n - 5), 0);
    /* 1025 nulls. */
    memset(in, SL_AMF0_NULL, SL_AMF_MAX_VALUES + 1);
    assert_int_equal(sl_amf0_decode(d, in, SL_AMF_MAX_VALUES), 0);
    assert_int_equal(sl_amf0_decode(d, in, SL_AMF_MAX_VALUES + 1), SL_ELIMIT);
    /* decode_one stops after one value. */
    assert_int_equal(
        sl_amf0_decode_one(d, ffmpeg_connect, sizeof(ffmpeg_connect)), 10);
    sl_free(d);
}


static void
test_writer_overflow_sticks(void **state)
{
    struct sl_amf_w w;
    uint8_t         buf[8];

    (void)state;
    sl_amf_w_init(&w, buf, sizeof(buf));
    sl_amf0_write_number(&w, 1); /* 9 bytes: does not fit */
    assert_true(w.error);
    sl_amf0_write_null(&w);
    assert_true(w.error);
    assert_int_equal(w.len, 0);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ffmpeg_connect),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_all_amf0_types),
        cmocka_unit_test(test_amf3),
        cmocka_unit_test(test_amf3_references),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_depth_and_count_caps),
        cmocka_unit_test(test_writer_overflow_sticks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
