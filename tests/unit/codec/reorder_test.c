/* Tests for src/codec/reorder.c: DTS from PTS and a reorder depth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/err.h"
#include "codec/reorder.h"


/* IBBP at 25 fps: presentation slots in decoding order. */
static const int ibbp[] = {0, 3, 1, 2, 6, 4, 5, 9, 7, 8, 12, 10, 11};


static void
test_reorder_matches_shifted_pts(void **state)
{
    struct sl_reorder r;
    size_t            i;

    (void)state;
    sl_reorder_init(&r);
    for (i = 0; i < sizeof(ibbp) / sizeof(ibbp[0]); i++) {
        int64_t dts = 0;

        assert_int_equal(
            sl_reorder_push(&r, ibbp[i] * 3600, i == 0, 1, 3600, &dts), 0);
        /* The n-th decoded picture gets the (n - 1)-th presented PTS. */
        assert_int_equal(dts, ((int64_t)i - 1) * 3600);
    }
}


static void
test_reorder_zero_is_pts(void **state)
{
    struct sl_reorder r;
    int64_t           dts;
    int               i;

    (void)state;
    sl_reorder_init(&r);
    for (i = 0; i < 10; i++) {
        assert_int_equal(
            sl_reorder_push(&r, 1000 + i * 3000, i == 0, 0, 0, &dts), 0);
        assert_int_equal(dts, 1000 + i * 3000);
    }
}


/* Too small a depth: the B-frame cannot get a DTS below its PTS. */
static void
test_reorder_too_small_fails_then_heals(void **state)
{
    struct sl_reorder r;
    int64_t           dts = 0;

    (void)state;
    sl_reorder_init(&r);
    assert_int_equal(sl_reorder_push(&r, 0, true, 0, 3600, &dts), 0);
    assert_int_equal(sl_reorder_push(&r, 3 * 3600, false, 0, 3600, &dts), 0);
    assert_int_equal(dts, 3 * 3600);
    dts = -1;
    assert_int_equal(sl_reorder_push(&r, 3600, false, 1, 3600, &dts),
                     SL_EBADDATA);
    assert_int_equal(dts, -1);
    /* A keyframe with a PTS behind the previous DTS starts over. */
    assert_int_equal(sl_reorder_push(&r, 100, true, 0, 3600, &dts), 0);
    assert_int_equal(dts, 100);
}


/* Extreme values never overflow and keep the invariants. */
static void
test_reorder_extremes(void **state)
{
    struct sl_reorder r;
    int64_t           dts;

    (void)state;
    sl_reorder_init(&r);
    assert_int_equal(sl_reorder_push(&r, INT64_MIN, true, 16, INT64_MAX, &dts),
                     0);
    assert_true(dts <= INT64_MIN + 0);
    assert_int_equal(sl_reorder_push(&r, INT64_MAX, false, 16, 0, &dts), 0);
    assert_true(dts <= INT64_MAX);
    assert_int_equal(sl_reorder_push(&r, INT64_MAX, false, 99, -5, &dts), 0);
    assert_int_equal(sl_reorder_push(&r, 0, true, 3, -5, &dts), 0);
    assert_int_equal(sl_reorder_push(&r, INT64_MAX, false, 99, 0, &dts), 0);
    assert_true(dts <= INT64_MAX);
}


static void
test_poc_order_bound(void **state)
{
    struct sl_poc_order o;
    int                 r[sizeof(ibbp) / sizeof(ibbp[0])];
    size_t              i;

    (void)state;
    sl_poc_order_init(&o, 2);
    for (i = 0; i < sizeof(ibbp) / sizeof(ibbp[0]); i++) {
        r[i] = sl_poc_order_push(&o, 100 + 2 * ibbp[i], i == 0);
    }
    assert_int_equal(r[0], 0);
    /* The P frame already shows that two B-frames will come before it. */
    assert_int_equal(r[1], 1);
    for (i = 2; i < sizeof(ibbp) / sizeof(ibbp[0]); i++) {
        assert_int_equal(r[i], 1);
    }
    /* Without reordering the bound stays 0. */
    sl_poc_order_init(&o, 2);
    for (i = 0; i < 20; i++) {
        assert_int_equal(sl_poc_order_push(&o, 2 * (int64_t)i, i == 0), 0);
    }
    /* A lost frame raises it only while the hole is recent. */
    sl_poc_order_init(&o, 1);
    sl_poc_order_push(&o, 0, true);
    for (i = 2; i < 40; i++) {
        int b = sl_poc_order_push(&o, (int64_t)i, false);

        if (i > 30) {
            assert_int_equal(b, 0);
        }
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reorder_matches_shifted_pts),
        cmocka_unit_test(test_reorder_zero_is_pts),
        cmocka_unit_test(test_reorder_too_small_fails_then_heals),
        cmocka_unit_test(test_reorder_extremes),
        cmocka_unit_test(test_poc_order_bound),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
