/* Tests for src/codec/vp9.c and vp8.c: frame headers and vpcC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/dbuf.h"
#include "base/err.h"
#include "codec/vp8.h"
#include "codec/vp9.h"
#include "fixture.h"


static void
test_vp9_real_frames(void **state)
{
    static struct fixture fx;
    struct sl_vp9_frame   f;
    struct sl_vp9_config  c;
    struct sl_dbuf        b;
    size_t                i;

    (void)state;
    assert_true(fixture_load(&fx, "vp9"));
    for (i = 0; i < fx.n; i++) {
        assert_int_equal(sl_vp9_frame_parse(fx.au[i].data, fx.au[i].len, &f),
                         0);
        assert_int_equal(f.key, fx.au[i].key);
        assert_int_equal(sl_vp9_is_key(fx.au[i].data, fx.au[i].len),
                         fx.au[i].key);
    }
    assert_int_equal(sl_vp9_frame_parse(fx.au[0].data, fx.au[0].len, &f), 0);
    assert_true(f.key);
    assert_int_equal(f.profile, 0);
    assert_int_equal(f.width, 64);
    assert_int_equal(f.height, 64);
    assert_int_equal(f.bit_depth, 8);
    sl_dbuf_init(&b, 64);
    assert_int_equal(sl_vp9_config_build(&b, &f), 0);
    assert_int_equal(b.len, 8);
    assert_int_equal(sl_vp9_config_parse(sl_dbuf_data(&b), b.len, &c), 0);
    assert_int_equal(c.profile, 0);
    assert_int_equal(c.level, 10);
    assert_int_equal(c.bit_depth, 8);
    assert_int_equal(c.chroma_subsampling, 1);
    assert_int_equal(sl_vp9_config_parse(sl_dbuf_data(&b), 7, &c), SL_EBADDATA);
    sl_dbuf_free(&b);
    fixture_free(&fx);
}


static void
test_vp9_errors(void **state)
{
    static const uint8_t bad_marker[] = {0x00, 0x00};
    /* Keyframe with a wrong sync code. */
    static const uint8_t bad_sync[] = {0x82, 0x49, 0x83, 0x43, 0x00, 0x00};
    struct sl_vp9_frame  f;
    struct sl_vp9_frame  inter = {.key = false};
    struct sl_dbuf       b;

    (void)state;
    assert_int_equal(sl_vp9_frame_parse(bad_marker, 2, &f), SL_EBADDATA);
    assert_int_equal(sl_vp9_frame_parse(bad_sync, sizeof(bad_sync), &f),
                     SL_EBADDATA);
    assert_int_equal(sl_vp9_frame_parse(bad_sync, 0, &f), SL_EBADDATA);
    sl_dbuf_init(&b, 64);
    assert_int_equal(sl_vp9_config_build(&b, &inter), SL_EINVAL);
    sl_dbuf_free(&b);
}


static void
test_vp8_real_frames(void **state)
{
    static struct fixture fx;
    struct sl_vp8_frame   f;
    size_t                i;

    (void)state;
    assert_true(fixture_load(&fx, "vp8"));
    for (i = 0; i < fx.n; i++) {
        assert_int_equal(sl_vp8_frame_parse(fx.au[i].data, fx.au[i].len, &f),
                         0);
        assert_int_equal(f.key, fx.au[i].key);
        assert_true(f.first_part_size <= fx.au[i].len);
    }
    assert_int_equal(sl_vp8_frame_parse(fx.au[0].data, fx.au[0].len, &f), 0);
    assert_int_equal(f.width, 64);
    assert_int_equal(f.height, 64);
    assert_true(sl_vp8_is_key(fx.au[0].data, fx.au[0].len));
    assert_false(sl_vp8_is_key(fx.au[1].data, fx.au[1].len));
    /* A keyframe tag with a bad start code, and truncations. */
    {
        uint8_t bad[10];

        memcpy(bad, fx.au[0].data, sizeof(bad));
        bad[4] = 0;
        assert_int_equal(sl_vp8_frame_parse(bad, sizeof(bad), &f), SL_EBADDATA);
        assert_int_equal(sl_vp8_frame_parse(fx.au[0].data, 9, &f), SL_EBADDATA);
        assert_int_equal(sl_vp8_frame_parse(fx.au[0].data, 2, &f), SL_EBADDATA);
    }
    fixture_free(&fx);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vp9_real_frames),
        cmocka_unit_test(test_vp9_errors),
        cmocka_unit_test(test_vp8_real_frames),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
