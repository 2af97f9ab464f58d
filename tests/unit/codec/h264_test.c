/* Tests for src/codec/h264.c: SPS parsing and IDR detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/err.h"
#include "codec/h264.h"


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


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sps_parse_table),
        cmocka_unit_test(test_sps_vui_timing),
        cmocka_unit_test(test_idr_detection),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
