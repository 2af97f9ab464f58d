/* Tests for src/codec/h265.c: SPS parsing and IRAP detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/err.h"
#include "codec/h265.h"
#include "base/dbuf.h"
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


/* x265's hvcC (with an SEI array) parses; rebuilding keeps the fields. */
static void
test_hvcc_config_real_and_rebuild(void **state)
{
    static struct fixture fx;
    struct sl_h265_config c;
    struct sl_h265_config c2;
    struct sl_h265_sps    sps;
    struct sl_h265_vps    vps;
    struct sl_h265_pps    pps;
    struct sl_dbuf        b;

    (void)state;
    assert_true(fixture_load(&fx, "h265_bf"));
    assert_int_equal(sl_h265_hvcc_config_parse(fx.cfg, fx.cfg_len, &c), 0);
    assert_int_equal(c.vps_count, 1);
    assert_int_equal(c.sps_count, 1);
    assert_int_equal(c.pps_count, 1);
    assert_int_equal(c.length_size, 4);
    assert_int_equal(c.profile_idc, 1);
    assert_int_equal(sl_h265_sps_parse(c.sps[0], c.sps_len[0], &sps), 0);
    assert_int_equal(sps.width, 64);
    assert_int_equal(sps.log2_max_poc_lsb >= 4, 1);
    assert_true(sps.max_num_reorder_pics >= 1);
    /* x265 signals 25 fps in the SPS VUI, behind the reference pic sets. */
    assert_int_equal(sps.num_units_in_tick, 1);
    assert_int_equal(sps.time_scale, 25);
    assert_int_equal(sl_h265_vps_parse(c.vps[0], c.vps_len[0], &vps), 0);
    assert_int_equal(vps.max_num_reorder_pics, sps.max_num_reorder_pics);
    assert_int_equal(sl_h265_pps_parse(c.pps[0], c.pps_len[0], &pps), 0);
    assert_int_equal(pps.sps_id, sps.sps_id);

    sl_dbuf_init(&b, 4096);
    assert_int_equal(sl_h265_hvcc_config_build(&b, c.vps[0], c.vps_len[0],
                                               c.sps[0], c.sps_len[0], c.pps[0],
                                               c.pps_len[0]),
                     0);
    assert_int_equal(sl_h265_hvcc_config_parse(sl_dbuf_data(&b), b.len, &c2),
                     0);
    /* General profile/tier/level and format fields equal x265's. */
    assert_memory_equal(sl_dbuf_data(&b) + 1, fx.cfg + 1, 12);
    assert_int_equal(c2.chroma_format_idc, c.chroma_format_idc);
    assert_int_equal(c2.bit_depth_luma, c.bit_depth_luma);
    assert_int_equal(c2.num_temporal_layers, c.num_temporal_layers);
    assert_int_equal(c2.temporal_id_nested, c.temporal_id_nested);
    assert_int_equal(c2.sps_len[0], c.sps_len[0]);
    assert_memory_equal(c2.pps[0], c.pps[0], c.pps_len[0]);
    for (size_t n = 0; n < b.len; n++) {
        assert_int_equal(sl_h265_hvcc_config_parse(sl_dbuf_data(&b), n, &c2),
                         SL_EBADDATA);
    }
    sl_dbuf_reset(&b);
    assert_int_equal(sl_h265_hvcc_config_build(&b, c.sps[0], c.sps_len[0],
                                               c.sps[0], c.sps_len[0], c.pps[0],
                                               c.pps_len[0]),
                     SL_EBADDATA);
    assert_int_equal(b.len, 0);
    sl_dbuf_free(&b);
    fixture_free(&fx);
}


static void
test_h265_prepend_params(void **state)
{
    static const uint8_t vps[] = {0x40, 0x01, 0x0c};
    static const uint8_t sps[] = {0x42, 0x01, 0x01};
    static const uint8_t pps[] = {0x44, 0x01, 0xc1};
    /* AUD, then an IDR_W_RADL with the PPS already in band. */
    static const uint8_t au[] = {0, 0, 0, 3, 0x46, 0x01, 0x50,
                                 0, 0, 0, 3, 0x44, 0x01, 0xc1,
                                 0, 0, 0, 3, 0x26, 0x01, 0xaf};
    static const uint8_t want[] = {
        0,    0,    0,    3,    0x46, 0x01, 0x50, 0,    0,    0,    3,   0x40,
        0x01, 0x0c, 0,    0,    0,    3,    0x42, 0x01, 0x01, 0,    0,   0,
        3,    0x44, 0x01, 0xc1, 0,    0,    0,    3,    0x26, 0x01, 0xaf};
    static const uint8_t trail[] = {0, 0, 0, 3, 0x02, 0x01, 0xd0};
    struct sl_dbuf       b;

    (void)state;
    sl_dbuf_init(&b, 1024);
    assert_int_equal(sl_h265_prepend_params(au, sizeof(au), vps, sizeof(vps),
                                            sps, sizeof(sps), pps, sizeof(pps),
                                            &b),
                     1);
    assert_int_equal(b.len, sizeof(want));
    assert_memory_equal(sl_dbuf_data(&b), want, sizeof(want));
    sl_dbuf_reset(&b);
    assert_int_equal(sl_h265_prepend_params(trail, sizeof(trail), vps,
                                            sizeof(vps), sps, sizeof(sps), pps,
                                            sizeof(pps), &b),
                     0);
    assert_int_equal(b.len, 0);
    sl_dbuf_free(&b);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sps_parse_table),
        cmocka_unit_test(test_sublayer_sps_tier),
        cmocka_unit_test(test_irap_detection),
        cmocka_unit_test(test_hvcc_config_real_and_rebuild),
        cmocka_unit_test(test_h265_prepend_params),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
