/* Tests for src/proto/rtp/depack_h265.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/bytes.h"
#include "base/err.h"
#include "codec/h265.h"
#include "codec/nalu.h"
#include "proto/rtp/depack.h"


#define MAX_AUS 16

struct got {
    int      n;
    uint8_t  data[MAX_AUS][16384];
    size_t   len[MAX_AUS];
    uint32_t ts[MAX_AUS];
    bool     key[MAX_AUS];
};

struct step {
    uint8_t  payload[64];
    size_t   len;
    bool     marker;
    uint16_t seq;
    uint32_t ts;
    int      rc;
};

struct depack_case {
    const char *name;
    struct step steps[8];
    int         nsteps;
    int         aus;
    uint8_t     first_au[96];
    size_t      first_len;
    uint32_t    first_ts;
    bool        first_key;
};


static void on_au(void *ud, const struct sl_rtp_au *au);


static struct got g;


static void
on_au(void *ud, const struct sl_rtp_au *au)
{
    struct got *gp = ud;

    assert_true(gp->n < MAX_AUS);
    assert_true(au->len <= sizeof(gp->data[0]));
    assert_true(sl_avcc_validate(au->data, au->len) > 0);
    memcpy(gp->data[gp->n], au->data, au->len);
    gp->len[gp->n] = au->len;
    gp->ts[gp->n] = au->ts;
    gp->key[gp->n] = au->key;
    gp->n++;
}


#define VPS 0x40, 0x01, 0x0c
#define SPS 0x42, 0x01, 0x01
#define PPS 0x44, 0x01, 0xc1

static const struct depack_case cases[] = {
    {"single NAL (TRAIL_R)",
     {{{0x02, 0x01, 0xd0, 0x09}, 4, true, 1, 3000, 0}},
     1,
     1,
     {0, 0, 0, 4, 0x02, 0x01, 0xd0, 0x09},
     8,
     3000,
     false},
    {"AP with VPS, SPS, PPS then FU of an IDR",
     {{{0x60, 0x01, 0, 3, VPS, 0, 3, SPS, 0, 3, PPS}, 17, false, 1, 9, 0},
      {{0x62, 0x01, 0x93, 0xaf, 0x01}, 5, false, 2, 9, 0},
      {{0x62, 0x01, 0x13, 0x02}, 4, false, 3, 9, 0},
      {{0x62, 0x01, 0x53, 0x03}, 4, true, 4, 9, 0}},
     4,
     1,
     {0, 0,   0, 3, VPS, 0, 0,    0,    3,    SPS,  0,    0,   0,
      3, PPS, 0, 0, 0,   6, 0x26, 0x01, 0xaf, 0x01, 0x02, 0x03},
     31,
     9,
     true},
    {"FU with the middle fragment lost",
     {{{0x62, 0x01, 0x93, 0xaf}, 4, false, 2, 9, 0},
      {{0x62, 0x01, 0x53, 0x03}, 4, true, 4, 9, SL_EBADDATA},
      {{0x02, 0x01, 0xd0}, 3, true, 5, 10, 0}},
     3,
     1,
     {0, 0, 0, 3, 0x02, 0x01, 0xd0},
     7,
     10,
     false},
    {"FU without start",
     {{{0x62, 0x01, 0x13, 0x02}, 4, false, 3, 9, SL_EBADDATA},
      {{0x62, 0x01, 0x53, 0x03}, 4, true, 4, 9, 0},
      {{0x02, 0x01, 0xd0}, 3, true, 5, 10, 0}},
     3,
     1,
     {0, 0, 0, 3, 0x02, 0x01, 0xd0},
     7,
     10,
     false},
    {"timestamp change without marker (CRA key)",
     {{{0x2a, 0x01, 0xaa}, 3, false, 1, 100, 0},
      {{0x02, 0x01, 0xbb}, 3, true, 2, 200, 0}},
     2,
     2,
     {0, 0, 0, 3, 0x2a, 0x01, 0xaa},
     7,
     100,
     true},
    {"AP with a one-byte NALU",
     {{{0x60, 0x01, 0, 1, 0x02, 0, 2, 0x02, 0x01}, 9, true, 1, 1, SL_EBADDATA}},
     1,
     0,
     {0},
     0,
     0,
     false},
    {"AP size past end",
     {{{0x60, 0x01, 0, 9, 0x02, 0x01}, 6, true, 1, 1, SL_EBADDATA}},
     1,
     0,
     {0},
     0,
     0,
     false},
    {"PACI unsupported",
     {{{0x64, 0x01, 0x00, 0x00}, 4, true, 1, 1, SL_EUNSUP}},
     1,
     0,
     {0},
     0,
     0,
     false},
    {"one-byte payload",
     {{{0x02}, 1, true, 1, 1, SL_EBADDATA}},
     1,
     0,
     {0},
     0,
     0,
     false},
};


static void
run_case(const struct depack_case *c)
{
    struct sl_rtp_format  f;
    struct sl_rtp_depack *d;
    int                   i;

    memset(&g, 0, sizeof(g));
    assert_int_equal(sl_rtp_format_from_sdp(&f, 96, sl_str_lit("H265"), 90000,
                                            0, SL_STR_NULL),
                     0);
    d = sl_rtp_depack_new(&f);
    for (i = 0; i < c->nsteps; i++) {
        const struct step *s = &c->steps[i];
        struct sl_rtp_pkt  pkt = {.marker = s->marker,
                                  .pt = 96,
                                  .seq = s->seq,
                                  .ts = s->ts,
                                  .payload = s->payload,
                                  .payload_len = s->len,
                                  .header_len = 12};

        assert_int_equal(sl_rtp_depack_push(d, &pkt, on_au, &g), s->rc);
    }
    assert_int_equal(g.n, c->aus);
    if (c->aus > 0) {
        assert_int_equal(g.len[0], c->first_len);
        assert_memory_equal(g.data[0], c->first_au, c->first_len);
        assert_int_equal(g.ts[0], c->first_ts);
        assert_int_equal(g.key[0], c->first_key);
    }
    sl_rtp_depack_free(&d);
}


static void
test_depack_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("case %s\n", cases[i].name);
        run_case(&cases[i]);
    }
}


static void
test_parameter_sets_from_ap(void **state)
{
    const struct depack_case *c = &cases[1];
    struct sl_rtp_format      f;
    struct sl_rtp_depack     *d;
    struct sl_rtp_pkt         pkt = {.seq = 1,
                                     .ts = 9,
                                     .payload = c->steps[0].payload,
                                     .payload_len = c->steps[0].len};
    const uint8_t            *vps;
    size_t                    vps_len;
    size_t                    sps_len;
    size_t                    pps_len;

    (void)state;
    memset(&g, 0, sizeof(g));
    sl_rtp_format_from_sdp(&f, 96, sl_str_lit("H265"), 90000, 0, SL_STR_NULL);
    d = sl_rtp_depack_new(&f);
    assert_int_equal(sl_rtp_depack_push(d, &pkt, on_au, &g), 0);
    sl_rtp_depack_params(d, NULL, &sps_len, NULL, &pps_len, &vps, &vps_len);
    assert_int_equal(vps_len, 3);
    assert_int_equal(vps[0], 0x40);
    assert_int_equal(sps_len, 3);
    assert_int_equal(pps_len, 3);
    sl_rtp_depack_free(&d);
}


/* ffmpeg's packets for 5 frames of x265 320x240 with B-frames. */
static void
test_ffmpeg_capture(void **state)
{
    static uint8_t        buf[65536];
    struct sl_rtp_format  f;
    struct sl_rtp_depack *d;
    size_t                n;
    size_t                off = 0;
    FILE                 *fp;

    (void)state;
    memset(&g, 0, sizeof(g));
    fp = fopen(SL_SOURCE_DIR
               "/tests/fuzz/corpus/depack_h265/ffmpeg_x265_320x240",
               "rb");
    assert_non_null(fp);
    n = fread(buf, 1, sizeof(buf), fp);
    fclose(fp);
    sl_rtp_format_from_sdp(&f, 96, sl_str_lit("H265"), 90000, 0, SL_STR_NULL);
    d = sl_rtp_depack_new(&f);
    while (off + 2 <= n) {
        size_t            len = sl_rb16(buf + off);
        struct sl_rtp_pkt pkt;

        assert_int_equal(sl_rtp_parse(buf + off + 2, len, &pkt), 0);
        assert_int_equal(sl_rtp_depack_push(d, &pkt, on_au, &g), 0);
        off += 2 + len;
    }
    assert_int_equal(g.n, 5);
    assert_true(g.key[0]);
    assert_true(sl_h265_avcc_is_irap(g.data[0], g.len[0]));
    assert_false(g.key[4]);
    /* B-frames: presentation timestamps are not monotonic. */
    assert_true(g.ts[2] > g.ts[3]);
    sl_rtp_depack_free(&d);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_depack_table),
        cmocka_unit_test(test_parameter_sets_from_ap),
        cmocka_unit_test(test_ffmpeg_capture),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
