/* Tests for src/codec/h264.c: SPS parsing and IDR detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/err.h"
#include "codec/h264.h"
#include "base/dbuf.h"
#include "codec/nalu.h"
#include "fixture.h"


struct sps_case {
    const char    *name;
    const uint8_t *nalu;
    size_t         len;
    int            rc;
    uint32_t       width;
    uint32_t       height;
    uint8_t        profile;
    uint8_t        level;
    uint32_t       chroma;
};


/* x264 outputs (ffmpeg testsrc2); sizes checked with ffprobe. */
static const uint8_t sps_320x240_cb[] = {
    0x67, 0x42, 0xc0, 0x0d, 0xd9, 0x01, 0x41, 0xfb, 0x01, 0x10, 0x00, 0x00,
    0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0x20, 0xf1, 0x42, 0xa4, 0x80};
static const uint8_t sps_1280x720_high[] = {
    0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9, 0x40, 0x50, 0x05,
    0xbb, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00,
    0x00, 0x03, 0x03, 0x20, 0xf1, 0x83, 0x19, 0x60};
/* 1920x1088 coded, cropped to 1080. */
static const uint8_t sps_1920x1080_high[] = {
    0x67, 0x64, 0x00, 0x28, 0xac, 0xd9, 0x40, 0x78, 0x02,
    0x27, 0xe5, 0xc0, 0x44, 0x00, 0x00, 0x03, 0x00, 0x04,
    0x00, 0x00, 0x03, 0x00, 0xc8, 0x3c, 0x60, 0xc6, 0x58};
/* High 4:4:4 Predictive with a JVT scaling matrix (lists in the SPS). */
static const uint8_t sps_352x288_444[] = {
    0x67, 0xf4, 0x00, 0x0d, 0x91, 0x9b, 0x28, 0x2c, 0x12, 0xd8, 0x08, 0x80,
    0x00, 0x00, 0x03, 0x00, 0x80, 0x00, 0x00, 0x19, 0x07, 0x8a, 0x14, 0xcb};
/* Interlaced (frame_mbs_only_flag = 0). */
static const uint8_t sps_720x576_interlaced[] = {
    0x67, 0x64, 0x00, 0x1e, 0xac, 0xd9, 0x40, 0xb4, 0x24, 0xd8, 0x08, 0x80,
    0x00, 0x00, 0x03, 0x00, 0x80, 0x00, 0x00, 0x19, 0x0f, 0x8a, 0x14, 0xcb};
/* The 720p SPS cut inside pic_width_in_mbs. */
static const uint8_t sps_truncated[] = {0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9};
static const uint8_t not_sps[] = {0x68, 0xcb, 0x83, 0xcb, 0x20};
/* Baseline, huge pic_width_in_mbs_minus1 (ue with 20 leading zeros). */
static const uint8_t sps_too_wide[] = {0x67, 0x42, 0x00, 0x1e, 0xf8,
                                       0x00, 0x00, 0x20, 0x00, 0x00,
                                       0x80, 0x00, 0x00, 0x00, 0x00};

static const struct sps_case sps_cases[] = {
    {"320x240 cbp", sps_320x240_cb, sizeof(sps_320x240_cb), 0, 320, 240, 66, 13,
     1},
    {"1280x720 high", sps_1280x720_high, sizeof(sps_1280x720_high), 0, 1280,
     720, 100, 31, 1},
    {"1920x1080 high cropped", sps_1920x1080_high, sizeof(sps_1920x1080_high),
     0, 1920, 1080, 100, 40, 1},
    {"352x288 high444 scaling lists", sps_352x288_444, sizeof(sps_352x288_444),
     0, 352, 288, 244, 13, 3},
    {"720x576 interlaced", sps_720x576_interlaced,
     sizeof(sps_720x576_interlaced), 0, 720, 576, 100, 30, 1},
    {"truncated", sps_truncated, sizeof(sps_truncated), SL_EBADDATA, 0, 0, 0, 0,
     0},
    {"pps is not an sps", not_sps, sizeof(not_sps), SL_EBADDATA, 0, 0, 0, 0, 0},
    {"too wide", sps_too_wide, sizeof(sps_too_wide), SL_EBADDATA, 0, 0, 0, 0,
     0},
};


static void
test_sps_parse_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(sps_cases) / sizeof(sps_cases[0]); i++) {
        const struct sps_case *c = &sps_cases[i];
        struct sl_h264_sps     sps = {0};
        int                    rc = sl_h264_sps_parse(c->nalu, c->len, &sps);

        print_message("case %s\n", c->name);
        assert_int_equal(rc, c->rc);
        if (rc == 0) {
            assert_int_equal(sps.width, c->width);
            assert_int_equal(sps.height, c->height);
            assert_int_equal(sps.profile_idc, c->profile);
            assert_int_equal(sps.level_idc, c->level);
            assert_int_equal(sps.chroma_format_idc, c->chroma);
        }
    }
}


static void
test_sps_vui_timing(void **state)
{
    struct sl_h264_sps sps;

    (void)state;
    assert_int_equal(
        sl_h264_sps_parse(sps_320x240_cb, sizeof(sps_320x240_cb), &sps), 0);
    /* x264 at 25 fps: time_scale / (2 * num_units_in_tick) = 25. */
    assert_int_equal(sps.num_units_in_tick, 1);
    assert_int_equal(sps.time_scale, 50);
}


static void
test_idr_detection(void **state)
{
    static const uint8_t avcc_idr[] = {0, 0, 0, 2, 0x09, 0xf0,
                                       0, 0, 0, 2, 0x65, 0x88};
    static const uint8_t avcc_p[] = {0, 0, 0, 2, 0x41, 0x9a};
    static const uint8_t annexb_idr[] = {0, 0, 0, 1,    0x67, 0x42,
                                         0, 0, 1, 0x65, 0x88};
    static const uint8_t annexb_p[] = {0, 0, 1, 0x41, 0x9a};

    (void)state;
    assert_true(sl_h264_avcc_is_idr(avcc_idr, sizeof(avcc_idr)));
    assert_false(sl_h264_avcc_is_idr(avcc_p, sizeof(avcc_p)));
    assert_true(sl_h264_annexb_is_idr(annexb_idr, sizeof(annexb_idr)));
    assert_false(sl_h264_annexb_is_idr(annexb_p, sizeof(annexb_p)));
}


/* x264's avcC (from MP4, High profile with the extension) parses. */
static void
test_avcc_config_parse_real(void **state)
{
    static struct fixture fx;
    struct sl_h264_config c;
    struct sl_h264_sps    sps;

    (void)state;
    assert_true(fixture_load(&fx, "h264_bf2"));
    assert_int_equal(sl_h264_avcc_config_parse(fx.cfg, fx.cfg_len, &c), 0);
    assert_int_equal(c.profile_idc, 100);
    assert_int_equal(c.length_size, 4);
    assert_int_equal(c.sps_count, 1);
    assert_int_equal(c.pps_count, 1);
    assert_int_equal(c.chroma_format_idc, 1);
    assert_int_equal(c.bit_depth_luma, 8);
    assert_int_equal(sl_h264_sps_parse(c.sps[0], c.sps_len[0], &sps), 0);
    assert_int_equal(sps.width, 64);
    assert_int_equal(sps.height, 64);
    assert_int_equal(sps.poc_type, 0);
    assert_int_equal(sps.max_num_reorder_frames, 2);
    fixture_free(&fx);
}


/* Building from the SPS/PPS gives back ffmpeg's record byte for byte. */
static void
test_avcc_config_build_matches_ffmpeg(void **state)
{
    static const char    *names[] = {"h264_bf2", "h264_bf3", "h264_bf0"};
    static struct fixture fx;
    struct sl_h264_config c;
    struct sl_h264_config c2;
    struct sl_dbuf        b;
    size_t                i;

    (void)state;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        assert_true(fixture_load(&fx, names[i]));
        assert_int_equal(sl_h264_avcc_config_parse(fx.cfg, fx.cfg_len, &c), 0);
        sl_dbuf_init(&b, 1024);
        assert_int_equal(sl_h264_avcc_config_build(&b, c.sps[0], c.sps_len[0],
                                                   c.pps[0], c.pps_len[0]),
                         0);
        assert_int_equal(b.len, fx.cfg_len);
        assert_memory_equal(sl_dbuf_data(&b), fx.cfg, fx.cfg_len);
        assert_int_equal(
            sl_h264_avcc_config_parse(sl_dbuf_data(&b), b.len, &c2), 0);
        assert_int_equal(c2.sps_len[0], c.sps_len[0]);
        sl_dbuf_free(&b);
        fixture_free(&fx);
    }
}


static void
test_avcc_config_build_baseline_and_errors(void **state)
{
    static const uint8_t  pps[] = {0x68, 0xcb, 0x83, 0xcb, 0x20};
    struct sl_h264_config c;
    struct sl_dbuf        b;

    (void)state;
    sl_dbuf_init(&b, 1024);
    assert_int_equal(sl_h264_avcc_config_build(&b, sps_320x240_cb,
                                               sizeof(sps_320x240_cb), pps,
                                               sizeof(pps)),
                     0);
    /* Baseline: no extension. */
    assert_int_equal(b.len,
                     6 + 2 + sizeof(sps_320x240_cb) + 1 + 2 + sizeof(pps));
    assert_int_equal(sl_h264_avcc_config_parse(sl_dbuf_data(&b), b.len, &c), 0);
    assert_int_equal(c.profile_idc, 66);
    assert_int_equal(c.level_idc, 13);
    assert_memory_equal(c.pps[0], pps, sizeof(pps));
    /* Truncations never parse past the end. */
    for (size_t n = 0; n < b.len; n++) {
        assert_int_equal(sl_h264_avcc_config_parse(sl_dbuf_data(&b), n, &c),
                         SL_EBADDATA);
    }
    sl_dbuf_reset(&b);
    assert_int_equal(
        sl_h264_avcc_config_build(&b, pps, sizeof(pps), pps, sizeof(pps)),
        SL_EBADDATA);
    assert_int_equal(
        sl_h264_avcc_config_build(&b, sps_320x240_cb, sizeof(sps_320x240_cb),
                                  sps_320x240_cb, sizeof(sps_320x240_cb)),
        SL_EBADDATA);
    assert_int_equal(b.len, 0);
    sl_dbuf_free(&b);
    sl_dbuf_init(&b, 8);
    assert_int_equal(sl_h264_avcc_config_build(&b, sps_320x240_cb,
                                               sizeof(sps_320x240_cb), pps,
                                               sizeof(pps)),
                     SL_ELIMIT);
    sl_dbuf_free(&b);
}


static void
test_pps_parse(void **state)
{
    static const uint8_t pps[] = {0x68, 0xcb, 0x83, 0xcb, 0x20};
    struct sl_h264_pps   p;

    (void)state;
    assert_int_equal(sl_h264_pps_parse(pps, sizeof(pps), &p), 0);
    assert_int_equal(p.pps_id, 0);
    assert_int_equal(p.sps_id, 0);
    assert_false(p.entropy_coding_mode);
    assert_int_equal(sl_h264_pps_parse(sps_320x240_cb, 4, &p), SL_EBADDATA);
}


/* x264 without B-frames uses POC type 2. */
static void
test_sps_poc_fields(void **state)
{
    static struct fixture fx;
    struct sl_h264_config c;
    struct sl_h264_sps    sps;

    (void)state;
    assert_true(fixture_load(&fx, "h264_bf0"));
    assert_int_equal(sl_h264_avcc_config_parse(fx.cfg, fx.cfg_len, &c), 0);
    assert_int_equal(sl_h264_sps_parse(c.sps[0], c.sps_len[0], &sps), 0);
    assert_int_equal(sps.poc_type, 2);
    assert_int_equal(sps.max_num_reorder_frames, 0);
    assert_true(sps.log2_max_frame_num >= 4);
    fixture_free(&fx);
}


static void
test_prepend_params(void **state)
{
    static const uint8_t sps[] = {0x67, 0x42, 0xc0, 0x0d};
    static const uint8_t pps[] = {0x68, 0xce};
    static const uint8_t idr_aud[] = {0, 0, 0, 2, 0x09, 0xf0,
                                      0, 0, 0, 2, 0x65, 0x88};
    static const uint8_t want[] = {
        0,    0, 0, 2, 0x09, 0xf0, 0,    0, 0, 4, 0x67, 0x42, 0xc0,
        0x0d, 0, 0, 0, 2,    0x68, 0xce, 0, 0, 0, 2,    0x65, 0x88};
    static const uint8_t p_frame[] = {0, 0, 0, 2, 0x41, 0x9a};
    static const uint8_t idr_with[] = {0,    0, 0, 4, 0x67, 0x42, 0xc0,
                                       0x0d, 0, 0, 0, 2,    0x68, 0xce,
                                       0,    0, 0, 2, 0x65, 0x88};
    static const uint8_t bad[] = {0, 0, 0, 9, 0x65};
    struct sl_dbuf       b;

    (void)state;
    sl_dbuf_init(&b, 1024);
    assert_int_equal(sl_h264_prepend_params(idr_aud, sizeof(idr_aud), sps,
                                            sizeof(sps), pps, sizeof(pps), &b),
                     1);
    assert_int_equal(b.len, sizeof(want));
    assert_memory_equal(sl_dbuf_data(&b), want, sizeof(want));
    sl_dbuf_reset(&b);
    assert_int_equal(sl_h264_prepend_params(p_frame, sizeof(p_frame), sps,
                                            sizeof(sps), pps, sizeof(pps), &b),
                     0);
    assert_int_equal(sl_h264_prepend_params(idr_with, sizeof(idr_with), sps,
                                            sizeof(sps), pps, sizeof(pps), &b),
                     0);
    assert_int_equal(sl_h264_prepend_params(bad, sizeof(bad), sps, sizeof(sps),
                                            pps, sizeof(pps), &b),
                     SL_EBADDATA);
    assert_int_equal(b.len, 0);
    sl_dbuf_free(&b);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sps_parse_table),
        cmocka_unit_test(test_sps_vui_timing),
        cmocka_unit_test(test_idr_detection),
        cmocka_unit_test(test_avcc_config_parse_real),
        cmocka_unit_test(test_avcc_config_build_matches_ffmpeg),
        cmocka_unit_test(test_avcc_config_build_baseline_and_errors),
        cmocka_unit_test(test_pps_parse),
        cmocka_unit_test(test_sps_poc_fields),
        cmocka_unit_test(test_prepend_params),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
