/*
 * Tests for src/proto/rtmp/handshake.c: the plain handshake (S2 echoes
 * C1), the digest handshake in both schemes (a C1 signed here with the
 * Flash Player key, and FFmpeg's real C1), checked the way clients check
 * S1 and S2, truncated input, RTMPE and other versions, a full output.
 */
#include "proto/rtmp/handshake.h"
#include "base/alloc.h"
#include "base/bytes.h"
#include "base/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>


#define HS   SL_RTMP_HANDSHAKE_SIZE
#define DATA SL_SOURCE_DIR "/tests/unit/proto/rtmp/data/"


static void make_c0c1(uint8_t *c, uint32_t version, int scheme);
static void check_digest_reply(const uint8_t *c1, const uint8_t *s012,
                               int scheme);
static void test_plain(void **state);
static void test_digest_both_schemes(void **state);
static void test_ffmpeg_c1(void **state);
static void test_bad_digest_falls_back(void **state);
static void test_truncated(void **state);
static void test_versions(void **state);
static void test_output_full(void **state);


/* C0 C1; version 0 means plain, scheme -1 means no digest. */
static void
make_c0c1(uint8_t *c, uint32_t version, int scheme)
{
    size_t i;

    c[0] = 3;
    sl_wb32(c + 1, 1234);
    sl_wb32(c + 5, version);
    for (i = 9; i < 1 + HS; i++) {
        c[i] = (uint8_t)(i * 7 + 3);
    }
    if (scheme >= 0) {
        sl_rtmp_digest_put(c + 1, scheme, sl_rtmp_fp_key, SL_RTMP_FP_KEY_TEXT);
    }
}


/* What FFmpeg and librtmp verify when they play. */
static void
check_digest_reply(const uint8_t *c1, const uint8_t *s012, int scheme)
{
    const uint8_t *s1 = s012 + 1, *s2 = s012 + 1 + HS;
    uint8_t        key[32], sig[32];
    size_t         cpos = sl_rtmp_digest_pos(c1, scheme);

    assert_int_equal(s012[0], 3);
    assert_true(s1[4] >= 3); /* a version: clients then check digests */
    assert_int_equal(
        sl_rtmp_digest_find(s1, sl_rtmp_fms_key, SL_RTMP_FMS_KEY_TEXT), scheme);
    sl_rtmp_hmac_sha256(sl_rtmp_fms_key, SL_RTMP_FMS_KEY_LEN, c1 + cpos, 32,
                        key);
    sl_rtmp_hmac_sha256(key, 32, s2, HS - 32, sig);
    assert_memory_equal(sig, s2 + HS - 32, 32);
}


static void
test_plain(void **state)
{
    struct sl_rtmp_handshake h;
    struct sl_dbuf           out;
    uint8_t                  c[1 + HS], c2[HS];

    (void)state;
    make_c0c1(c, 0, -1);
    memset(c2, 0x77, sizeof(c2));
    sl_dbuf_init(&out, 1 << 16);
    sl_rtmp_handshake_init(&h);
    assert_int_equal(sl_rtmp_handshake_server(&h, c, sizeof(c), &out), 1 + HS);
    assert_int_equal(out.len, 1 + 2 * HS);
    assert_int_equal(sl_dbuf_data(&out)[0], 3);
    assert_int_equal(sl_rb32(sl_dbuf_data(&out) + 5), 0); /* S1 version 0 */
    assert_memory_equal(sl_dbuf_data(&out) + 1 + HS, c + 1, HS); /* echo */
    assert_false(h.digest);
    assert_int_equal(h.c1_time, 1234);
    assert_int_equal(sl_rtmp_handshake_server(&h, c2, HS - 1, &out), SL_EAGAIN);
    assert_int_equal(sl_rtmp_handshake_server(&h, c2, HS, &out), HS);
    assert_int_equal(h.state, SL_RTMP_HS_DONE);
    assert_int_equal(sl_rtmp_handshake_server(&h, c2, HS, &out), SL_ESTATE);
    sl_dbuf_free(&out);
}


static void
test_digest_both_schemes(void **state)
{
    int scheme;

    (void)state;
    for (scheme = 0; scheme <= 1; scheme++) {
        struct sl_rtmp_handshake h;
        struct sl_dbuf           out;
        uint8_t                  c[1 + HS];

        make_c0c1(c, 0x09007c02, scheme);
        assert_int_equal(
            sl_rtmp_digest_find(c + 1, sl_rtmp_fp_key, SL_RTMP_FP_KEY_TEXT),
            scheme);
        sl_dbuf_init(&out, 1 << 16);
        sl_rtmp_handshake_init(&h);
        assert_int_equal(sl_rtmp_handshake_server(&h, c, sizeof(c), &out),
                         1 + HS);
        assert_true(h.digest);
        assert_int_equal(h.scheme, scheme);
        check_digest_reply(c + 1, sl_dbuf_data(&out), scheme);
        sl_dbuf_free(&out);
    }
}


static void
test_ffmpeg_c1(void **state)
{
    struct sl_rtmp_handshake h;
    struct sl_dbuf           out;
    uint8_t                  c[1 + HS];
    FILE                    *f = fopen(DATA "ffmpeg_publish.bin", "rb");

    (void)state;
    assert_non_null(f);
    assert_int_equal(fread(c, 1, sizeof(c), f), sizeof(c));
    fclose(f);
    sl_dbuf_init(&out, 1 << 16);
    sl_rtmp_handshake_init(&h);
    assert_int_equal(sl_rtmp_handshake_server(&h, c, sizeof(c), &out), 1 + HS);
    assert_true(h.digest);
    assert_int_equal(h.scheme, 1);
    assert_memory_equal(h.c1_version, "\x09\x00\x7c\x02", 4);
    check_digest_reply(c + 1, sl_dbuf_data(&out), 1);
    sl_dbuf_free(&out);
}


/* A version without a valid digest gets the plain answer. */
static void
test_bad_digest_falls_back(void **state)
{
    struct sl_rtmp_handshake h;
    struct sl_dbuf           out;
    uint8_t                  c[1 + HS];

    (void)state;
    make_c0c1(c, 0x0a000c02, 1);
    c[100] ^= 1; /* breaks the digest */
    sl_dbuf_init(&out, 1 << 16);
    sl_rtmp_handshake_init(&h);
    assert_int_equal(sl_rtmp_handshake_server(&h, c, sizeof(c), &out), 1 + HS);
    assert_false(h.digest);
    assert_memory_equal(sl_dbuf_data(&out) + 1 + HS, c + 1, HS);
    sl_dbuf_free(&out);
}


static void
test_truncated(void **state)
{
    struct sl_rtmp_handshake h;
    struct sl_dbuf           out;
    uint8_t                  c[1 + HS];
    size_t                   n;

    (void)state;
    make_c0c1(c, 0x09007c02, 1);
    sl_dbuf_init(&out, 1 << 16);
    sl_rtmp_handshake_init(&h);
    for (n = 0; n < sizeof(c); n++) {
        assert_int_equal(sl_rtmp_handshake_server(&h, c, n, &out), SL_EAGAIN);
    }
    assert_int_equal(out.len, 0);
    sl_dbuf_free(&out);
}


static void
test_versions(void **state)
{
    static const struct {
        uint8_t c0;
        int     rc;
    } cases[] = {
        {6, SL_EUNSUP},   {8, SL_EUNSUP},      {0, SL_EBADDATA},
        {4, SL_EBADDATA}, {0xff, SL_EBADDATA},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sl_rtmp_handshake h;
        struct sl_dbuf           out;

        sl_dbuf_init(&out, 1 << 16);
        sl_rtmp_handshake_init(&h);
        /* Decided from C0 alone, before C1 arrives. */
        assert_int_equal(sl_rtmp_handshake_server(&h, &cases[i].c0, 1, &out),
                         cases[i].rc);
        sl_dbuf_free(&out);
    }
}


static void
test_output_full(void **state)
{
    struct sl_rtmp_handshake h;
    struct sl_dbuf           out;
    uint8_t                  c[1 + HS];

    (void)state;
    make_c0c1(c, 0, -1);
    sl_dbuf_init(&out, 3000);
    sl_rtmp_handshake_init(&h);
    assert_int_equal(sl_rtmp_handshake_server(&h, c, sizeof(c), &out),
                     SL_ELIMIT);
    assert_int_equal(out.len, 0);
    sl_dbuf_free(&out);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_digest_both_schemes),
        cmocka_unit_test(test_ffmpeg_c1),
        cmocka_unit_test(test_bad_digest_falls_back),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_output_full),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
