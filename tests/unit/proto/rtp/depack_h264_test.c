/* Tests for src/proto/rtp/depack_h264.c (and the shared NAL assembler). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/bytes.h"
#include "base/err.h"
#include "codec/h264.h"
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

/* One test packet: payload bytes, marker, seq, ts; expected rc of push. */
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
    int         aus;          /* AUs expected in total */
    uint8_t     first_au[96]; /* AVCC of the first AU */
    size_t      first_len;
    uint32_t    first_ts;
    bool        first_key;
};


static void on_au(void *ud, const struct sl_rtp_au *au);


static void
on_au(void *ud, const struct sl_rtp_au *au)
{
    struct got *g = ud;

    assert_true(g->n < MAX_AUS);
    assert_true(au->len <= sizeof(g->data[0]));
    assert_true(sl_avcc_validate(au->data, au->len) > 0);
    memcpy(g->data[g->n], au->data, au->len);
    g->len[g->n] = au->len;
    g->ts[g->n] = au->ts;
    g->key[g->n] = au->key;
    g->n++;
}


#define SPS 0x67, 0x42, 0xc0, 0x0d
#define PPS 0x68, 0xce
#define IDR 0x65, 0x88, 0x84, 0x00

static const struct depack_case cases[] = {
    {"single NAL with marker",
     {{{0x41, 0x9a, 0x01}, 3, true, 1, 3000, 0}},
     1,
     1,
     {0, 0, 0, 3, 0x41, 0x9a, 0x01},
     7,
     3000,
     false},
    {"STAP-A with SPS, PPS and IDR",
     {{{24, 0, 4, SPS, 0, 2, PPS, 0, 4, IDR}, 17, true, 1, 90000, 0}},
     1,
     1,
     {0, 0, 0, 4, SPS, 0, 0, 0, 2, PPS, 0, 0, 0, 4, IDR},
     22,
     90000,
     true},
    {"FU-A in three packets",
     {{{0x7c, 0x85, 0xaa, 0xbb}, 4, false, 10, 5, 0},
      {{0x7c, 0x05, 0xcc}, 3, false, 11, 5, 0},
      {{0x7c, 0x45, 0xdd, 0xee}, 4, true, 12, 5, 0}},
     3,
     1,
     {0, 0, 0, 6, 0x65, 0xaa, 0xbb, 0xcc, 0xdd, 0xee},
     10,
     5,
     true},
    {"FU-A with the middle fragment lost",
     {{{0x7c, 0x85, 0xaa}, 3, false, 10, 5, 0},
      {{0x7c, 0x45, 0xdd}, 3, true, 12, 5, SL_EBADDATA},
      {{0x41, 0x01}, 2, true, 13, 6, 0}},
     3,
     1,
     {0, 0, 0, 2, 0x41, 0x01},
     6,
     6,
     false},
    {"FU-A without start, rest of the AU skipped",
     {{{0x7c, 0x05, 0xcc}, 3, false, 10, 5, SL_EBADDATA},
      {{0x41, 0x02}, 2, true, 11, 5, 0},
      {{0x41, 0x03}, 2, true, 12, 6, 0}},
     3,
     1,
     {0, 0, 0, 2, 0x41, 0x03},
     6,
     6,
     false},
    {"timestamp change without marker emits the previous AU",
     {{{0x41, 0x01}, 2, false, 1, 1000, 0},
      {{0x41, 0x02}, 2, false, 2, 1000, 0},
      {{0x41, 0x03}, 2, true, 3, 4600, 0}},
     3,
     2,
     {0, 0, 0, 2, 0x41, 0x01, 0, 0, 0, 2, 0x41, 0x02},
     12,
     1000,
     false},
    {"timestamp change inside a FU-A drops the partial AU",
     {{{0x7c, 0x85, 0xaa}, 3, false, 1, 1000, 0},
      {{0x41, 0x03}, 2, true, 2, 4600, SL_EBADDATA}},
     2,
     1,
     {0, 0, 0, 2, 0x41, 0x03},
     6,
     4600,
     false},
    {"marker while a FU-A is open",
     {{{0x7c, 0x85, 0xaa}, 3, true, 1, 1000, SL_EBADDATA},
      {{0x41, 0x03}, 2, true, 2, 4600, 0}},
     2,
     1,
     {0, 0, 0, 2, 0x41, 0x03},
     6,
     4600,
     false},
    {"FU-A with start and end bits",
     {{{0x7c, 0xc5, 0xaa}, 3, true, 1, 1000, SL_EBADDATA}},
     1,
     0,
     {0},
     0,
     0,
     false},
    {"STAP-A size past the end",
     {{{24, 0, 9, 0x41, 0x01}, 5, true, 1, 1000, SL_EBADDATA}},
     1,
     0,
     {0},
     0,
     0,
     false},
    {"STAP-A with an empty NALU",
     {{{24, 0, 0, 0, 1, 0x41}, 6, true, 1, 1000, SL_EBADDATA}},
     1,
     0,
     {0},
     0,
     0,
     false},
    {"MTAP16 is unsupported",
     {{{26, 0, 1, 2, 3}, 5, true, 1, 1000, SL_EUNSUP}},
     1,
     0,
     {0},
     0,
     0,
     false},
    {"empty payload",
     {{{0}, 0, true, 1, 1000, SL_EBADDATA}},
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
    static struct got     g;
    int                   i;

    memset(&g, 0, sizeof(g));
    assert_int_equal(sl_rtp_format_from_sdp(&f, 96, sl_str_lit("H264"), 90000,
                                            0,
                                            sl_str_lit("packetization-mode=1")),
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
    assert_null(d);
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
test_in_band_parameter_sets(void **state)
{
    static const uint8_t  stap[] = {24, 0, 4, SPS, 0, 2, PPS};
    struct sl_rtp_format  f;
    struct sl_rtp_depack *d;
    static struct got     g;
    struct sl_rtp_pkt     pkt = {
            .seq = 1, .ts = 1, .payload = stap, .payload_len = sizeof(stap)};
    const uint8_t *sps;
    const uint8_t *pps;
    const uint8_t *vps;
    size_t         sps_len;
    size_t         pps_len;
    size_t         vps_len;

    (void)state;
    memset(&g, 0, sizeof(g));
    sl_rtp_format_from_sdp(&f, 96, sl_str_lit("H264"), 90000, 0, SL_STR_NULL);
    d = sl_rtp_depack_new(&f);
    sl_rtp_depack_params(d, &sps, &sps_len, &pps, &pps_len, &vps, &vps_len);
    assert_null(sps);
    assert_int_equal(sps_len, 0);
    assert_int_equal(sl_rtp_depack_push(d, &pkt, on_au, &g), 0);
    sl_rtp_depack_params(d, &sps, &sps_len, &pps, &pps_len, &vps, &vps_len);
    assert_int_equal(sps_len, 4);
    assert_int_equal(sps[0], 0x67);
    assert_int_equal(pps_len, 2);
    assert_null(vps);
    sl_rtp_depack_free(&d);
}


static void
test_nalu_cap(void **state)
{
    static const uint8_t  nal[] = {0x41, 0x01};
    struct sl_rtp_format  f;
    struct sl_rtp_depack *d;
    static struct got     g;
    int                   i;
    int                   rc = 0;

    (void)state;
    memset(&g, 0, sizeof(g));
    sl_rtp_format_from_sdp(&f, 96, sl_str_lit("H264"), 90000, 0, SL_STR_NULL);
    d = sl_rtp_depack_new(&f);
    for (i = 0; i <= SL_NALU_MAX_PER_AU; i++) {
        struct sl_rtp_pkt pkt = {.seq = (uint16_t)i,
                                 .ts = 7,
                                 .payload = nal,
                                 .payload_len = sizeof(nal)};

        rc = sl_rtp_depack_push(d, &pkt, on_au, &g);
    }
    assert_int_equal(rc, SL_ELIMIT);
    assert_int_equal(sl_rtp_depack_errors(d), 1);
    {
        struct sl_rtp_pkt pkt = {.marker = true,
                                 .seq = 100,
                                 .ts = 8,
                                 .payload = nal,
                                 .payload_len = sizeof(nal)};

        assert_int_equal(sl_rtp_depack_push(d, &pkt, on_au, &g), 0);
    }
    assert_int_equal(g.n, 1);
    assert_int_equal(g.ts[0], 8);
    sl_rtp_depack_free(&d);
}


/* The packets ffmpeg sends for 5 frames of x264 320x240 (fuzz seed). */
static void
test_ffmpeg_capture(void **state)
{
    static uint8_t        buf[65536];
    struct sl_rtp_format  f;
    struct sl_rtp_depack *d;
    static struct got     g;
    struct sl_h264_sps    sps;
    const uint8_t        *p;
    size_t                sps_len;
    size_t                n;
    size_t                off = 0;
    FILE                 *fp;

    (void)state;
    memset(&g, 0, sizeof(g));
    fp = fopen(SL_SOURCE_DIR
               "/tests/fuzz/corpus/depack_h264/ffmpeg_x264_320x240",
               "rb");
    assert_non_null(fp);
    n = fread(buf, 1, sizeof(buf), fp);
    fclose(fp);
    sl_rtp_format_from_sdp(&f, 96, sl_str_lit("H264"), 90000, 0,
                           sl_str_lit("packetization-mode=1"));
    d = sl_rtp_depack_new(&f);
    while (off + 2 <= n) {
        size_t            len = sl_rb16(buf + off);
        struct sl_rtp_pkt pkt;

        assert_true(len <= n - off - 2);
        assert_int_equal(sl_rtp_parse(buf + off + 2, len, &pkt), 0);
        assert_int_equal(sl_rtp_depack_push(d, &pkt, on_au, &g), 0);
        off += 2 + len;
    }
    assert_int_equal(g.n, 5);
    assert_true(g.key[0]);
    assert_false(g.key[1]);
    assert_true(sl_h264_avcc_is_idr(g.data[0], g.len[0]));
    sl_rtp_depack_params(d, &p, &sps_len, NULL, NULL, NULL, NULL);
    assert_int_equal(sl_h264_sps_parse(p, sps_len, &sps), 0);
    assert_int_equal(sps.width, 320);
    assert_int_equal(sps.height, 240);
    assert_int_equal(sl_rtp_depack_errors(d), 0);
    sl_rtp_depack_free(&d);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_depack_table),
        cmocka_unit_test(test_in_band_parameter_sets),
        cmocka_unit_test(test_nalu_cap),
        cmocka_unit_test(test_ffmpeg_capture),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
