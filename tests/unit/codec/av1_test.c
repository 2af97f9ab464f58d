/* Tests for src/codec/av1.c: LEB128, OBUs, sequence header, av1C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/dbuf.h"
#include "base/err.h"
#include "codec/av1.h"
#include "fixture.h"


struct leb_case {
    const char *name;
    uint8_t     in[10];
    size_t      len;
    int         rc;
    uint64_t    value;
};


static const struct leb_case leb_cases[] = {
    {"zero", {0x00}, 1, 1, 0},
    {"127", {0x7f}, 1, 1, 127},
    {"128", {0x80, 0x01}, 2, 2, 128},
    {"padded 1", {0x81, 0x80, 0x00}, 3, 3, 1},
    {"8 bytes max",
     {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
     8,
     8,
     (1ull << 56) - 1},
    {"9 bytes",
     {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
     9,
     SL_EBADDATA,
     0},
    {"truncated", {0x80, 0x80}, 2, SL_EBADDATA, 0},
    {"empty", {0}, 0, SL_EBADDATA, 0},
};


static void
test_leb128_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(leb_cases) / sizeof(leb_cases[0]); i++) {
        const struct leb_case *c = &leb_cases[i];
        uint64_t               v = 0;

        print_message("case %s\n", c->name);
        assert_int_equal(sl_av1_leb128_read(c->in, c->len, &v), c->rc);
        if (c->rc > 0) {
            assert_true(v == c->value);
        }
    }
}


static void
test_leb128_write_round_trip(void **state)
{
    static const uint64_t values[] = {
        0,     1,     127,      128,        300,
        16383, 16384, 1u << 21, UINT32_MAX, (1ull << 56) - 1};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        uint8_t  buf[8];
        uint64_t v;
        size_t   n = sl_av1_leb128_size(values[i]);

        assert_int_equal(sl_av1_leb128_write(buf, values[i], n), n);
        assert_int_equal(sl_av1_leb128_read(buf, n, &v), (int)n);
        assert_true(v == values[i]);
        /* Padded to 8 bytes, the value reads the same. */
        sl_av1_leb128_write(buf, values[i], 8);
        assert_int_equal(sl_av1_leb128_read(buf, 8, &v), 8);
        assert_true(v == values[i]);
    }
}


static void
test_obu_parse_errors(void **state)
{
    static const uint8_t forbidden[] = {0x8a, 0x00};
    static const uint8_t too_long[] = {0x32, 0x05, 0x00};
    static const uint8_t ext_trunc[] = {0x36};
    static const uint8_t no_size[] = {0x30, 0x10, 0x20, 0x30};
    static const uint8_t huge[] = {0x32, 0xff, 0xff, 0xff, 0xff, 0x7f};
    struct sl_av1_obu    o;

    (void)state;
    assert_int_equal(sl_av1_obu_parse(forbidden, 2, &o), SL_EBADDATA);
    assert_int_equal(sl_av1_obu_parse(too_long, 3, &o), SL_EBADDATA);
    assert_int_equal(sl_av1_obu_parse(ext_trunc, 1, &o), SL_EBADDATA);
    assert_int_equal(sl_av1_obu_parse(huge, sizeof(huge), &o), SL_EBADDATA);
    assert_int_equal(sl_av1_obu_parse(no_size, sizeof(no_size), &o), 0);
    assert_int_equal(o.type, SL_AV1_OBU_FRAME);
    assert_false(o.has_size);
    assert_int_equal(o.payload_len, 3);
}


/* SVT-AV1's av1C and temporal units. */
static void
test_real_stream(void **state)
{
    static struct fixture    fx;
    struct sl_av1_config     c;
    struct sl_av1_obu        obus[SL_AV1_MAX_OBUS];
    struct sl_av1_obu        sh_obu;
    struct sl_av1_seq_header sh;
    struct sl_dbuf           b;
    size_t                   i;
    int                      n;
    int                      keys = 0;

    (void)state;
    assert_true(fixture_load(&fx, "av1"));
    assert_int_equal(sl_av1_config_parse(fx.cfg, fx.cfg_len, &c), 0);
    assert_int_equal(c.profile, 0);
    assert_true(c.config_obus_len > 0);
    n = sl_av1_tu_split(c.config_obus, c.config_obus_len, obus,
                        SL_AV1_MAX_OBUS);
    assert_int_equal(n, 1);
    assert_int_equal(obus[0].type, SL_AV1_OBU_SEQUENCE_HEADER);
    assert_int_equal(
        sl_av1_seq_header_parse(obus[0].payload, obus[0].payload_len, &sh), 0);
    assert_int_equal(sh.width, 64);
    assert_int_equal(sh.height, 64);
    assert_int_equal(sh.bit_depth, 8);
    assert_int_equal(sh.subsampling_x, 1);
    assert_int_equal(sh.subsampling_y, 1);
    assert_int_equal(sh.level_idx, c.level_idx);

    /* Rebuilding the record from the sequence header gives it back. */
    sl_dbuf_init(&b, 256);
    assert_int_equal(sl_av1_config_build(&b, obus[0].data, obus[0].len), 0);
    assert_int_equal(b.len, fx.cfg_len);
    assert_memory_equal(sl_dbuf_data(&b), fx.cfg, fx.cfg_len);
    sl_dbuf_free(&b);

    for (i = 0; i < fx.n; i++) {
        bool key = sl_av1_tu_is_key(fx.au[i].data, fx.au[i].len);

        n = sl_av1_tu_split(fx.au[i].data, fx.au[i].len, obus, SL_AV1_MAX_OBUS);
        assert_true(n > 0);
        assert_int_equal(key, fx.au[i].key);
        keys += key;
        if (key) {
            assert_int_equal(
                sl_av1_tu_seq_header(fx.au[i].data, fx.au[i].len, &sh_obu), 0);
        }
    }
    assert_int_equal(keys, 2);
    fixture_free(&fx);
}


static void
test_config_errors(void **state)
{
    static const uint8_t bad_marker[] = {0x01, 0x00, 0x0c, 0x00};
    static const uint8_t bad_obus[] = {0x81, 0x00, 0x0c, 0x00, 0x0a, 0x09};
    static const uint8_t empty_obus[] = {0x81, 0x00, 0x0c, 0x00};
    static const uint8_t not_sh[] = {0x32, 0x01, 0x00};
    struct sl_av1_config c;
    struct sl_dbuf       b;

    (void)state;
    assert_int_equal(sl_av1_config_parse(bad_marker, 4, &c), SL_EBADDATA);
    assert_int_equal(sl_av1_config_parse(bad_obus, 6, &c), SL_EBADDATA);
    assert_int_equal(sl_av1_config_parse(empty_obus, 4, &c), 0);
    assert_int_equal(c.config_obus_len, 0);
    sl_dbuf_init(&b, 64);
    assert_int_equal(sl_av1_config_build(&b, not_sh, sizeof(not_sh)),
                     SL_EBADDATA);
    assert_int_equal(b.len, 0);
    sl_dbuf_free(&b);
}


/* Temporal units for sl_av1_tu_normalize: OBU bytes in and expected out. */
struct norm_case {
    const char *name;
    uint8_t     in[16];
    size_t      len;
    bool        td;
    int         rc;
    uint8_t     out[16]; /* when rc == 1 */
    size_t      out_len;
};

/* 0x12 0x00: sized temporal delimiter; 0x32: sized frame OBU; 0x30: frame
 * OBU without a size field (runs to the end); 0x36 0x28: sized frame with
 * an extension byte. */
static const struct norm_case norm_cases[] = {
    {"sized frame, no td: as is", {0x32, 0x01, 0xaa}, 3, false, 0, {0}, 0},
    {"td dropped",
     {0x12, 0x00, 0x32, 0x01, 0xaa},
     5,
     false,
     1,
     {0x32, 0x01, 0xaa},
     3},
    {"size field added",
     {0x30, 0xaa, 0xbb},
     3,
     false,
     1,
     {0x32, 0x02, 0xaa, 0xbb},
     4},
    {"size field added after extension byte",
     {0x12, 0x00, 0x34, 0x28, 0xaa},
     5,
     false,
     1,
     {0x36, 0x28, 0x01, 0xaa},
     4},
    {"td wanted and present: as is",
     {0x12, 0x00, 0x32, 0x01, 0xaa},
     5,
     true,
     0,
     {0},
     0},
    {"td added",
     {0x32, 0x01, 0xaa},
     3,
     true,
     1,
     {0x12, 0x00, 0x32, 0x01, 0xaa},
     5},
    {"second td removed",
     {0x12, 0x00, 0x32, 0x01, 0xaa, 0x12, 0x00, 0x32, 0x00},
     9,
     true,
     1,
     {0x12, 0x00, 0x32, 0x01, 0xaa, 0x32, 0x00},
     7},
    {"only an unsized td", {0x10}, 1, true, SL_ENOTFOUND, {0}, 0},
    {"padded size field kept",
     {0x32, 0x81, 0x00, 0xaa},
     4,
     true,
     1,
     {0x12, 0x00, 0x32, 0x81, 0x00, 0xaa},
     6},
    {"only a td", {0x12, 0x00}, 2, false, SL_ENOTFOUND, {0}, 0},
    {"empty", {0}, 0, false, SL_ENOTFOUND, {0}, 0},
    {"forbidden bit", {0x32, 0x01, 0xaa, 0x80}, 4, false, SL_EBADDATA, {0}, 0},
    {"size past the end", {0x32, 0x05, 0xaa}, 3, true, SL_EBADDATA, {0}, 0},
};


static void
test_tu_normalize_table(void **state)
{
    struct sl_dbuf b;
    size_t         i;

    (void)state;
    for (i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
        const struct norm_case *c = &norm_cases[i];
        int                     rc;

        sl_dbuf_init(&b, 64);
        sl_dbuf_add(&b, "x", 1); /* appended after what is there */
        rc = sl_av1_tu_normalize(c->in, c->len, c->td, &b);
        if (rc != c->rc) {
            fail_msg("%s: rc %d, want %d", c->name, rc, c->rc);
        }
        if (rc == 1) {
            assert_int_equal(b.len, 1 + c->out_len);
            assert_memory_equal(sl_dbuf_data(&b) + 1, c->out, c->out_len);
        } else {
            assert_int_equal(b.len, 1);
        }
        sl_dbuf_free(&b);
    }
}


/* Real SVT-AV1 units: the result splits into the same OBUs, all sized, with
 * one leading delimiter when asked; a full output buffer changes nothing. */
static void
test_tu_normalize_real(void **state)
{
    static struct fixture fx;
    struct sl_av1_obu     in[SL_AV1_MAX_OBUS];
    struct sl_av1_obu     got[SL_AV1_MAX_OBUS];
    struct sl_dbuf        b;
    size_t                i;
    int                   td, n, m, k, rc;

    (void)state;
    assert_true(fixture_load(&fx, "av1"));
    for (i = 0; i < fx.n; i++) {
        for (td = 0; td <= 1; td++) {
            const uint8_t *p;
            size_t         len;

            sl_dbuf_init(&b, SL_AV1_MAX_TU_SIZE);
            rc = sl_av1_tu_normalize(fx.au[i].data, fx.au[i].len, td, &b);
            assert_true(rc == 0 || rc == 1);
            p = rc == 1 ? sl_dbuf_data(&b) : fx.au[i].data;
            len = rc == 1 ? b.len : fx.au[i].len;
            n = sl_av1_tu_split(fx.au[i].data, fx.au[i].len, in,
                                SL_AV1_MAX_OBUS);
            m = sl_av1_tu_split(p, len, got, SL_AV1_MAX_OBUS);
            assert_true(n > 0);
            assert_int_equal(m, n + td);
            if (td) {
                assert_int_equal(got[0].type, SL_AV1_OBU_TEMPORAL_DELIMITER);
            }
            for (k = 0; k < n; k++) {
                assert_true(got[k + td].has_size);
                assert_int_equal(got[k + td].type, in[k].type);
                assert_int_equal(got[k + td].payload_len, in[k].payload_len);
                assert_memory_equal(got[k + td].payload, in[k].payload,
                                    in[k].payload_len);
            }
            assert_int_equal(sl_av1_tu_is_key(p, len), fx.au[i].key);
            sl_dbuf_free(&b);
        }
    }
    sl_dbuf_init(&b, 4);
    assert_int_equal(sl_av1_tu_normalize(fx.au[0].data, fx.au[0].len, true, &b),
                     SL_ELIMIT);
    assert_int_equal(b.len, 0);
    sl_dbuf_free(&b);
    fixture_free(&fx);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leb128_table),
        cmocka_unit_test(test_leb128_write_round_trip),
        cmocka_unit_test(test_obu_parse_errors),
        cmocka_unit_test(test_real_stream),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_tu_normalize_table),
        cmocka_unit_test(test_tu_normalize_real),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
