/*
 * Tests for src/codec/h265_dts.c: DTS from PTS for x265's B-frame pyramid
 * must be monotonic, never above PTS and equal to ffprobe's DTS up to a
 * constant; keyframes reset; errors leave *dts alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/dbuf.h"
#include "base/err.h"
#include "codec/h265_dts.h"
#include "fixture.h"


static void
run(bool in_band)
{
    static struct fixture     fx;
    static struct sl_h265_dts d;
    struct sl_h265_config     c;
    struct sl_dbuf            b;
    int64_t                   prev = INT64_MIN;
    int64_t                   offset = 0;
    size_t                    i;

    assert_true(fixture_load(&fx, "h265_bf"));
    assert_int_equal(sl_h265_hvcc_config_parse(fx.cfg, fx.cfg_len, &c), 0);
    sl_h265_dts_init(&d);
    if (!in_band) {
        assert_int_equal(sl_h265_dts_set_params(&d, c.vps[0], c.vps_len[0],
                                                c.sps[0], c.sps_len[0],
                                                c.pps[0], c.pps_len[0]),
                         0);
    }
    sl_dbuf_init(&b, 1 << 20);
    for (i = 0; i < fx.n; i++) {
        const uint8_t *au = fx.au[i].data;
        size_t         len = fx.au[i].len;
        int64_t        dts = 0;

        sl_dbuf_reset(&b);
        if (in_band
            && sl_h265_prepend_params(au, len, c.vps[0], c.vps_len[0], c.sps[0],
                                      c.sps_len[0], c.pps[0], c.pps_len[0], &b)
                   == 1)
        {
            au = sl_dbuf_data(&b);
            len = b.len;
        }
        assert_int_equal(sl_h265_dts_extract(&d, au, len, fx.au[i].pts, &dts),
                         0);
        assert_true(dts > prev);
        assert_true(dts <= fx.au[i].pts);
        if (i == 0) {
            /* With the signalled depth and frame rate: exactly x264/x265's. */
            offset = dts - fx.au[i].dts;
            assert_int_equal(offset, 0);
        }
        assert_int_equal(dts - fx.au[i].dts, offset);
        prev = dts;
    }
    sl_dbuf_free(&b);
    fixture_free(&fx);
}


static void
test_x265_bframes_out_of_band_params(void **state)
{
    (void)state;
    run(false);
}


static void
test_x265_bframes_in_band_params(void **state)
{
    (void)state;
    run(true);
}


static void
test_errors(void **state)
{
    static struct fixture     fx;
    static struct sl_h265_dts d;
    static const uint8_t      aud_only[] = {0, 0, 0, 3, 0x46, 0x01, 0x50};
    static const uint8_t      bad[] = {0, 0, 0, 3, 0x26};
    int64_t                   dts = 7;

    (void)state;
    assert_true(fixture_load(&fx, "h265_bf"));
    sl_h265_dts_init(&d);
    assert_int_equal(
        sl_h265_dts_extract(&d, fx.au[0].data, fx.au[0].len, 0, &dts),
        SL_ENOTFOUND);
    assert_int_equal(
        sl_h265_dts_extract(&d, aud_only, sizeof(aud_only), 0, &dts),
        SL_ENOTFOUND);
    assert_int_equal(sl_h265_dts_extract(&d, bad, sizeof(bad), 0, &dts),
                     SL_EBADDATA);
    assert_int_equal(dts, 7);
    fixture_free(&fx);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x265_bframes_out_of_band_params),
        cmocka_unit_test(test_x265_bframes_in_band_params),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
