/* Tests for src/codec/h265.c: SPS parsing and IRAP detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/err.h"
#include "codec/h265.h"


struct sps_case {
    const char    *name;
    const uint8_t *nalu;
    size_t         len;
    int            rc;
    uint32_t       width;
    uint32_t       height;
    uint8_t        profile;
    uint8_t        level;
    uint32_t       sub_layers;
    uint32_t       bit_depth;
};


/* x265 outputs (ffmpeg testsrc2); sizes checked with ffprobe. */
static const uint8_t sps_640x360[] = {
    0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00,
    0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x3f, 0xa0, 0x05, 0x02, 0x01,
    0x69, 0x65, 0x95, 0x9a, 0x49, 0x32, 0xbc, 0x05, 0xa0, 0x20, 0x00,
    0x00, 0x03, 0x00, 0x20, 0x00, 0x00, 0x03, 0x03, 0x21};
/* 1920x1088 coded with a conformance window to 1080. */
static const uint8_t sps_1920x1080[] = {
    0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00,
    0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x78, 0xa0, 0x03, 0xc0, 0x80,
    0x10, 0xe5, 0x96, 0x56, 0x69, 0x24, 0xca, 0xf0, 0x16, 0x80, 0x80,
    0x00, 0x00, 0x03, 0x00, 0x80, 0x00, 0x00, 0x0c, 0x84};
/*
 * Hand-built: max_sub_layers_minus1 = 2 with sub-layer profile and level
 * flags, high tier, level 123, 1920x1088 cropped by 8 rows, 10-bit.
 */
static const uint8_t sps_sublayers[] = {
    0x42, 0x01, 0x05, 0x21, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00,
    0x03, 0x00, 0x00, 0x03, 0x00, 0x7b, 0xd0, 0x00, 0x00, 0x03, 0x00, 0x00,
    0x03, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x00,
    0x5a, 0x5d, 0xa0, 0x03, 0xc0, 0x80, 0x11, 0x07, 0xca, 0xdc};
static const uint8_t vps[] = {0x40, 0x01, 0x0c, 0x01, 0xff, 0xff, 0x01,
                              0x60, 0x00, 0x00, 0x03, 0x00, 0x90};

static const struct sps_case sps_cases[] = {
    {"640x360", sps_640x360, sizeof(sps_640x360), 0, 640, 360, 1, 63, 1, 8},
    {"1920x1080 window", sps_1920x1080, sizeof(sps_1920x1080), 0, 1920, 1080, 1,
     120, 1, 8},
    {"sub-layers", sps_sublayers, sizeof(sps_sublayers), 0, 1920, 1080, 1, 123,
     3, 10},
    {"truncated", sps_640x360, 20, SL_EBADDATA, 0, 0, 0, 0, 0, 0},
    {"vps is not an sps", vps, sizeof(vps), SL_EBADDATA, 0, 0, 0, 0, 0, 0},
};


static void
test_sps_parse_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(sps_cases) / sizeof(sps_cases[0]); i++) {
        const struct sps_case *c = &sps_cases[i];
        struct sl_h265_sps     sps = {0};
        int                    rc = sl_h265_sps_parse(c->nalu, c->len, &sps);

        print_message("case %s\n", c->name);
        assert_int_equal(rc, c->rc);
        if (rc == 0) {
            assert_int_equal(sps.width, c->width);
            assert_int_equal(sps.height, c->height);
            assert_int_equal(sps.profile_idc, c->profile);
            assert_int_equal(sps.level_idc, c->level);
            assert_int_equal(sps.max_sub_layers, c->sub_layers);
            assert_int_equal(sps.bit_depth_luma, c->bit_depth);
        }
    }
}


static void
test_sublayer_sps_tier(void **state)
{
    struct sl_h265_sps sps;

    (void)state;
    assert_int_equal(
        sl_h265_sps_parse(sps_sublayers, sizeof(sps_sublayers), &sps), 0);
    assert_int_equal(sps.tier_flag, 1);
    assert_int_equal(sps.profile_compat_flags, 0x60000000);
}


static void
test_irap_detection(void **state)
{
    /* IDR_W_RADL (19), CRA (21), TRAIL_R (1). */
    static const uint8_t avcc_idr[] = {0, 0, 0, 3, 0x26, 0x01, 0xaf};
    static const uint8_t avcc_cra[] = {0, 0, 0, 3, 0x2a, 0x01, 0xaf};
    static const uint8_t avcc_trail[] = {0, 0, 0, 3, 0x02, 0x01, 0xd0};
    static const uint8_t annexb_idr[] = {0, 0, 0, 1,    0x40, 0x01, 0x0c,
                                         0, 0, 1, 0x26, 0x01, 0xaf};

    (void)state;
    assert_true(sl_h265_avcc_is_irap(avcc_idr, sizeof(avcc_idr)));
    assert_true(sl_h265_avcc_is_irap(avcc_cra, sizeof(avcc_cra)));
    assert_false(sl_h265_avcc_is_irap(avcc_trail, sizeof(avcc_trail)));
    assert_true(sl_h265_annexb_is_irap(annexb_idr, sizeof(annexb_idr)));
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sps_parse_table),
        cmocka_unit_test(test_sublayer_sps_tier),
        cmocka_unit_test(test_irap_detection),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
