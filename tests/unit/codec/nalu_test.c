/* Tests for src/codec/nalu.c: Annex-B, AVCC and emulation prevention. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/dbuf.h"
#include "base/err.h"
#include "codec/nalu.h"
#include "fixture.h"


struct annexb_case {
    const char *name;
    uint8_t     in[32];
    size_t      len;
    int         rc; /* of sl_annexb_to_avcc */
    uint8_t     avcc[40];
    size_t      avcc_len;
};

static const struct annexb_case annexb_cases[] = {
    {"4-byte then 3-byte start codes",
     {0, 0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68, 0xce},
     11,
     0,
     {0, 0, 0, 2, 0x67, 0x42, 0, 0, 0, 2, 0x68, 0xce},
     12},
    {"trailing zeros trimmed",
     {0, 0, 1, 0x65, 0x88, 0, 0, 0, 0, 1, 0x41, 0x9a, 0},
     13,
     0,
     {0, 0, 0, 2, 0x65, 0x88, 0, 0, 0, 2, 0x41, 0x9a},
     12},
    {"empty NALUs skipped",
     {0, 0, 1, 0, 0, 1, 0x09, 0xf0, 0, 0, 1},
     11,
     0,
     {0, 0, 0, 2, 0x09, 0xf0},
     6},
    {"no start code", {0x65, 0x88, 0x00}, 3, SL_EBADDATA, {0}, 0},
    {"garbage before start code",
     {0x01, 0, 0, 1, 0x65},
     5,
     SL_EBADDATA,
     {0},
     0},
    {"only a start code", {0, 0, 0, 1}, 4, SL_EBADDATA, {0}, 0},
    {"empty", {0}, 0, SL_EBADDATA, {0}, 0},
};


static void
test_annexb_to_avcc_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(annexb_cases) / sizeof(annexb_cases[0]); i++) {
        const struct annexb_case *c = &annexb_cases[i];
        struct sl_dbuf            b;
        int                       rc;

        print_message("case %s\n", c->name);
        sl_dbuf_init(&b, 1024);
        rc = sl_annexb_to_avcc(c->in, c->len, &b);
        assert_int_equal(rc, c->rc);
        if (rc == 0) {
            assert_int_equal(b.len, c->avcc_len);
            assert_memory_equal(sl_dbuf_data(&b), c->avcc, c->avcc_len);
            assert_true(sl_avcc_validate(sl_dbuf_data(&b), b.len) > 0);
        } else {
            assert_int_equal(b.len, 0);
        }
        sl_dbuf_free(&b);
    }
}


static void
test_annexb_to_avcc_caps(void **state)
{
    uint8_t        in[4 * (SL_NALU_MAX_PER_AU + 1)];
    struct sl_dbuf b;
    size_t         i;

    (void)state;
    for (i = 0; i < SL_NALU_MAX_PER_AU + 1; i++) {
        in[i * 4] = 0;
        in[i * 4 + 1] = 0;
        in[i * 4 + 2] = 1;
        in[i * 4 + 3] = 0x41;
    }
    sl_dbuf_init(&b, 1 << 20);
    assert_int_equal(sl_annexb_to_avcc(in, sizeof(in), &b), SL_ELIMIT);
    assert_int_equal(b.len, 0);
    assert_int_equal(sl_annexb_to_avcc(in, sizeof(in) - 4, &b), 0);
    assert_int_equal(sl_avcc_validate(sl_dbuf_data(&b), b.len),
                     SL_NALU_MAX_PER_AU);
    sl_dbuf_free(&b);
    /* The dbuf cap is honoured and the length restored. */
    sl_dbuf_init(&b, 10);
    assert_int_equal(sl_annexb_to_avcc(in, 12, &b), SL_ELIMIT);
    assert_int_equal(b.len, 0);
    sl_dbuf_free(&b);
}


static void
test_avcc_iter(void **state)
{
    static const uint8_t ok[] = {0, 0, 0, 1, 0x09, 0, 0, 0, 2, 0x65, 0x88};
    static const uint8_t past_end[] = {0, 0, 0, 5, 0x65, 0x88};
    static const uint8_t empty_nalu[] = {0, 0, 0, 0, 0, 0, 0, 1, 0x65};
    static const uint8_t short_prefix[] = {0, 0, 0, 1, 0x09, 0, 0};
    struct sl_avcc_iter  it;
    const uint8_t       *n;
    size_t               len;

    (void)state;
    sl_avcc_iter_init(&it, ok, sizeof(ok));
    assert_int_equal(sl_avcc_next(&it, &n, &len), 1);
    assert_int_equal(len, 1);
    assert_int_equal(n[0], 0x09);
    assert_int_equal(sl_avcc_next(&it, &n, &len), 1);
    assert_int_equal(len, 2);
    assert_int_equal(sl_avcc_next(&it, &n, &len), 0);
    assert_int_equal(sl_avcc_validate(ok, sizeof(ok)), 2);
    assert_int_equal(sl_avcc_validate(past_end, sizeof(past_end)), SL_EBADDATA);
    assert_int_equal(sl_avcc_validate(empty_nalu, sizeof(empty_nalu)),
                     SL_EBADDATA);
    assert_int_equal(sl_avcc_validate(short_prefix, sizeof(short_prefix)),
                     SL_EBADDATA);
}


static void
test_unescape(void **state)
{
    static const uint8_t in[] = {0x67, 0, 0, 3, 1, 0, 0, 3, 0, 0, 3};
    static const uint8_t want[] = {0x67, 0, 0, 1, 0, 0, 0, 0};
    uint8_t              out[16];

    (void)state;
    assert_int_equal(sl_nalu_unescape(in, sizeof(in), out, sizeof(out)),
                     sizeof(want));
    assert_memory_equal(out, want, sizeof(want));
    assert_int_equal(sl_nalu_unescape(in, sizeof(in), out, 4), SL_ELIMIT);
    /* 00 03 (a single zero) is not an escape. */
    {
        static const uint8_t keep[] = {0, 3, 0};

        assert_int_equal(sl_nalu_unescape(keep, 3, out, sizeof(out)), 3);
    }
}


static void
test_avcc_to_annexb(void **state)
{
    static const uint8_t avcc[] = {0, 0, 0, 2,    0x09, 0xf0, 0,
                                   0, 0, 3, 0x65, 0x88, 0x00};
    static const uint8_t want[] = {0, 0, 0, 1,    0x09, 0xf0, 0,
                                   0, 0, 1, 0x65, 0x88, 0x00};
    static const uint8_t bad[] = {0, 0, 0, 5, 0x65};
    struct sl_dbuf       b;
    struct sl_dbuf       back;

    (void)state;
    sl_dbuf_init(&b, 64);
    sl_dbuf_add(&b, "x", 1);
    assert_int_equal(sl_avcc_to_annexb(avcc, sizeof(avcc), &b), 0);
    assert_int_equal(b.len, 1 + sizeof(want));
    assert_memory_equal(sl_dbuf_data(&b) + 1, want, sizeof(want));
    assert_int_equal(sl_avcc_to_annexb(bad, sizeof(bad), &b), SL_EBADDATA);
    assert_int_equal(b.len, 1 + sizeof(want));
    /* Back to AVCC: the NALU ending in 00 loses its trailing zero. */
    sl_dbuf_init(&back, 64);
    assert_int_equal(sl_annexb_to_avcc(sl_dbuf_data(&b) + 1, b.len - 1, &back),
                     0);
    assert_int_equal(back.len, sizeof(avcc) - 1);
    sl_dbuf_free(&back);
    sl_dbuf_free(&b);
    sl_dbuf_init(&b, 4);
    assert_int_equal(sl_avcc_to_annexb(avcc, sizeof(avcc), &b), SL_ELIMIT);
    assert_int_equal(b.len, 0);
    sl_dbuf_free(&b);
}


/* Every AU of a real stream survives AVCC -> Annex-B -> AVCC. */
static void
test_avcc_annexb_round_trip_real(void **state)
{
    static struct fixture fx;
    struct sl_dbuf        a;
    struct sl_dbuf        v;
    size_t                i;

    (void)state;
    assert_true(fixture_load(&fx, "h264_bf2"));
    sl_dbuf_init(&a, 1 << 20);
    sl_dbuf_init(&v, 1 << 20);
    for (i = 0; i < fx.n; i++) {
        sl_dbuf_reset(&a);
        sl_dbuf_reset(&v);
        assert_int_equal(sl_avcc_to_annexb(fx.au[i].data, fx.au[i].len, &a), 0);
        assert_int_equal(sl_annexb_to_avcc(sl_dbuf_data(&a), a.len, &v), 0);
        assert_int_equal(v.len, fx.au[i].len);
        assert_memory_equal(sl_dbuf_data(&v), fx.au[i].data, v.len);
    }
    sl_dbuf_free(&a);
    sl_dbuf_free(&v);
    fixture_free(&fx);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_annexb_to_avcc_table),
        cmocka_unit_test(test_annexb_to_avcc_caps),
        cmocka_unit_test(test_avcc_iter),
        cmocka_unit_test(test_unescape),
        cmocka_unit_test(test_avcc_to_annexb),
        cmocka_unit_test(test_avcc_annexb_round_trip_real),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
