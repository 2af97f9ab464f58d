/*
 * Tests for src/codec/h264_dts.c: DTS derived from PTS alone must be
 * monotonic, never above PTS, and equal to x264's DTS (as ffprobe reports
 * them) up to a constant, for B-frame streams with POC types 0 and 2, and
 * for synthetic POC type 1 streams.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/bits.h"
#include "base/dbuf.h"
#include "base/err.h"
#include "codec/h264_dts.h"
#include "fixture.h"


/* Runs a fixture through the extractor; params in-band or out of band. */
static void
run_fixture(const char *name, bool in_band, bool expect_equal)
{
    static struct fixture     fx;
    static struct sl_h264_dts d;
    struct sl_h264_config     c;
    struct sl_dbuf            b;
    int64_t                   prev = INT64_MIN;
    int64_t                   offset = 0;
    size_t                    i;

    print_message("fixture %s in_band=%d\n", name, in_band);
    assert_true(fixture_load(&fx, name));
    assert_int_equal(sl_h264_avcc_config_parse(fx.cfg, fx.cfg_len, &c), 0);
    sl_h264_dts_init(&d);
    if (!in_band) {
        assert_int_equal(sl_h264_dts_set_params(&d, c.sps[0], c.sps_len[0],
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
            && sl_h264_prepend_params(au, len, c.sps[0], c.sps_len[0], c.pps[0],
                                      c.pps_len[0], &b)
                   == 1)
        {
            au = sl_dbuf_data(&b);
            len = b.len;
        }
        assert_int_equal(sl_h264_dts_extract(&d, au, len, fx.au[i].pts, &dts),
                         0);
        assert_true(dts > prev);
        assert_true(dts <= fx.au[i].pts);
        if (i == 0) {
            /* With the signalled depth and frame rate: exactly x264/x265's. */
            offset = dts - fx.au[i].dts;
            assert_int_equal(offset, 0);
        }
        if (expect_equal) {
            assert_int_equal(dts - fx.au[i].dts, offset);
        }
        prev = dts;
    }
    sl_dbuf_free(&b);
    fixture_free(&fx);
}


static void
test_x264_bframes_pyramid(void **state)
{
    (void)state;
    run_fixture("h264_bf2", false, true);
    run_fixture("h264_bf2", true, true);
}


static void
test_x264_bframes_3(void **state)
{
    (void)state;
    run_fixture("h264_bf3", false, true);
    run_fixture("h264_bf3", true, true);
}


/* POC type 2, no B-frames: DTS is PTS. */
static void
test_x264_no_bframes_dts_is_pts(void **state)
{
    static struct fixture     fx;
    static struct sl_h264_dts d;
    struct sl_h264_config     c;
    size_t                    i;

    (void)state;
    assert_true(fixture_load(&fx, "h264_bf0"));
    assert_int_equal(sl_h264_avcc_config_parse(fx.cfg, fx.cfg_len, &c), 0);
    sl_h264_dts_init(&d);
    sl_h264_dts_set_params(&d, c.sps[0], c.sps_len[0], c.pps[0], c.pps_len[0]);
    for (i = 0; i < fx.n; i++) {
        int64_t dts;

        assert_int_equal(sl_h264_dts_extract(&d, fx.au[i].data, fx.au[i].len,
                                             fx.au[i].pts + 1000, &dts),
                         0);
        assert_int_equal(dts, fx.au[i].pts + 1000);
    }
    fixture_free(&fx);
}


static void
test_errors(void **state)
{
    static struct fixture     fx;
    static struct sl_h264_dts d;
    static const uint8_t      sei_only[] = {0, 0, 0, 2, 0x06, 0x05};
    static const uint8_t      bad_avcc[] = {0, 0, 0, 9, 0x65};
    int64_t                   dts = 7;

    (void)state;
    assert_true(fixture_load(&fx, "h264_bf2"));
    sl_h264_dts_init(&d);
    /* No SPS/PPS yet. */
    assert_int_equal(
        sl_h264_dts_extract(&d, fx.au[0].data, fx.au[0].len, 0, &dts),
        SL_ENOTFOUND);
    assert_int_equal(
        sl_h264_dts_extract(&d, sei_only, sizeof(sei_only), 0, &dts),
        SL_ENOTFOUND);
    assert_int_equal(
        sl_h264_dts_extract(&d, bad_avcc, sizeof(bad_avcc), 0, &dts),
        SL_EBADDATA);
    assert_int_equal(dts, 7);
    assert_int_equal(sl_h264_dts_set_params(&d, bad_avcc + 4, 1, NULL, 0),
                     SL_EBADDATA);
    fixture_free(&fx);
}


/* Bit writer with exp-Golomb, then emulation prevention. */
struct wr {
    uint8_t        raw[64];
    struct sl_bitw bw;
};

static void
wr_ue(struct wr *w, uint32_t v)
{
    uint32_t x = v + 1;
    unsigned bits = 0;

    while ((x >> bits) > 1) {
        bits++;
    }
    sl_bitw_write(&w->bw, bits, 0);
    sl_bitw_write(&w->bw, bits + 1, x);
}

static void
wr_se(struct wr *w, int32_t v)
{
    wr_ue(w, v > 0 ? (uint32_t)(2 * v - 1) : (uint32_t)(-2 * v));
}

/* Finishes with rbsp trailing bits and writes an AVCC NALU into b. */
static void
wr_nalu(struct wr *w, uint8_t header, struct sl_dbuf *b)
{
    uint8_t out[140];
    size_t  n = 0;
    size_t  i;
    int     zeros = 0;

    sl_bitw_write(&w->bw, 1, 1);
    while (w->bw.pos % 8 != 0) {
        sl_bitw_write(&w->bw, 1, 0);
    }
    out[n++] = header;
    for (i = 0; i < sl_bitw_bytes(&w->bw); i++) {
        if (zeros >= 2 && w->raw[i] <= 3) {
            out[n++] = 3;
            zeros = 0;
        }
        out[n++] = w->raw[i];
        zeros = w->raw[i] == 0 ? zeros + 1 : 0;
    }
    sl_dbuf_add(b, (uint8_t[]){0, 0, 0, (uint8_t)n}, 4);
    sl_dbuf_add(b, out, n);
}

static void
wr_init(struct wr *w)
{
    memset(w, 0, sizeof(*w));
    sl_bitw_init(&w->bw, w->raw, sizeof(w->raw));
}


/*
 * A POC type 1 IBBP stream: reference frames advance the expected POC by
 * 6, non-reference B-frames sit at -4 (+0 or +2 with delta_pic_order_cnt).
 */
static void
test_poc_type1_ibbp(void **state)
{
    static struct sl_h264_dts d;
    struct sl_dbuf            b;
    struct wr                 w;
    /* decode order: frame_num, ref, delta[0], presentation slot */
    static const int pics[][4] = {
        {0, 1, 0, 0},  {1, 1, 0, 3},  {2, 0, 0, 1},  {2, 0, 2, 2}, {2, 1, 0, 6},
        {3, 0, 0, 4},  {3, 0, 2, 5},  {3, 1, 0, 9},  {4, 0, 0, 7}, {4, 0, 2, 8},
        {4, 1, 0, 12}, {5, 0, 0, 10}, {5, 0, 2, 11},
    };
    int64_t prev = INT64_MIN;
    size_t  i;

    (void)state;
    sl_dbuf_init(&b, 4096);
    /* SPS: Main, POC type 1, no VUI (so no reorder count signalled). */
    wr_init(&w);
    sl_bitw_write(&w.bw, 8, 77);
    sl_bitw_write(&w.bw, 8, 0);
    sl_bitw_write(&w.bw, 8, 30);
    wr_ue(&w, 0);               /* sps_id */
    wr_ue(&w, 0);               /* log2_max_frame_num_minus4 */
    wr_ue(&w, 1);               /* pic_order_cnt_type */
    sl_bitw_write(&w.bw, 1, 0); /* delta_pic_order_always_zero_flag */
    wr_se(&w, -4);              /* offset_for_non_ref_pic */
    wr_se(&w, 0);               /* offset_for_top_to_bottom_field */
    wr_ue(&w, 1);               /* num_ref_frames_in_pic_order_cnt_cycle */
    wr_se(&w, 6);               /* offset_for_ref_frame[0] */
    wr_ue(&w, 2);               /* max_num_ref_frames */
    sl_bitw_write(&w.bw, 1, 0);
    wr_ue(&w, 3);
    wr_ue(&w, 3);
    sl_bitw_write(&w.bw, 1, 1); /* frame_mbs_only_flag */
    sl_bitw_write(&w.bw, 1, 1);
    sl_bitw_write(&w.bw, 1, 0); /* no cropping */
    sl_bitw_write(&w.bw, 1, 0); /* no VUI */
    wr_nalu(&w, 0x67, &b);
    wr_init(&w);
    wr_ue(&w, 0);
    wr_ue(&w, 0);
    sl_bitw_write(&w.bw, 2, 0);
    wr_nalu(&w, 0x68, &b);
    assert_int_equal(sl_h264_dts_set_params(&d, sl_dbuf_data(&b) + 4,
                                            sl_dbuf_data(&b)[3], NULL, 0),
                     0);
    sl_h264_dts_init(&d);
    for (i = 0; i < sizeof(pics) / sizeof(pics[0]); i++) {
        bool           idr = i == 0;
        int64_t        pts = pics[i][3] * 3600;
        int64_t        dts = 0;
        size_t         params = idr ? b.len : 0;
        struct sl_dbuf au;

        sl_dbuf_init(&au, 4096);
        sl_dbuf_add(&au, sl_dbuf_data(&b), params);
        wr_init(&w);
        wr_ue(&w, 0);                            /* first_mb_in_slice */
        wr_ue(&w, idr ? 7 : pics[i][1] ? 5 : 6); /* I, P or B */
        wr_ue(&w, 0);                            /* pps_id */
        sl_bitw_write(&w.bw, 4, (uint32_t)pics[i][0]);
        if (idr) {
            wr_ue(&w, 0); /* idr_pic_id */
        }
        wr_se(&w, pics[i][2]); /* delta_pic_order_cnt[0] */
        wr_ue(&w, 0);
        wr_nalu(&w, idr ? 0x65 : pics[i][1] ? 0x41 : 0x01, &au);
        assert_int_equal(
            sl_h264_dts_extract(&d, sl_dbuf_data(&au), au.len, pts, &dts), 0);
        assert_int_equal(d.last_poc, 2 * pics[i][3]);
        assert_true(dts > prev);
        assert_true(dts <= pts);
        /* After the first B-frame the depth is known: DTS = PTS[n-1]. */
        if (i >= 2) {
            assert_int_equal(dts, ((int64_t)i - 1) * 3600);
        }
        prev = dts;
        sl_dbuf_free(&au);
    }
    sl_dbuf_free(&b);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x264_bframes_pyramid),
        cmocka_unit_test(test_x264_bframes_3),
        cmocka_unit_test(test_x264_no_bframes_dts_is_pts),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_poc_type1_ibbp),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
