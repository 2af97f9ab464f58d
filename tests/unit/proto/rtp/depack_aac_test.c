/* Tests for src/proto/rtp/depack_aac.c: mpeg4-generic and MP4A-LATM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/bytes.h"
#include "base/err.h"
#include "proto/rtp/depack.h"


#define MAX_AUS 32

struct got {
    int      n;
    uint8_t  data[MAX_AUS][2048];
    size_t   len[MAX_AUS];
    uint32_t ts[MAX_AUS];
};

struct step {
    uint8_t  payload[48];
    size_t   len;
    bool     marker;
    uint16_t seq;
    uint32_t ts;
    int      rc;
};

struct depack_case {
    const char *name;
    const char *enc;
    const char *fmtp;
    struct step steps[6];
    int         nsteps;
    int         aus;
    uint8_t     au[3][8]; /* first AUs */
    size_t      au_len[3];
    uint32_t    au_ts[3];
};


static void on_au(void *ud, const struct sl_rtp_au *au);


static struct got g;


static void
on_au(void *ud, const struct sl_rtp_au *au)
{
    struct got *gp = ud;

    assert_true(gp->n < MAX_AUS);
    assert_true(au->len > 0 && au->len <= sizeof(gp->data[0]));
    assert_true(au->key);
    memcpy(gp->data[gp->n], au->data, au->len);
    gp->len[gp->n] = au->len;
    gp->ts[gp->n] = au->ts;
    gp->n++;
}


#define HBR  "sizelength=13;indexlength=3;indexdeltalength=3;config=1210"
#define LATM "cpresent=0;config=400024203fc0"
/* AU header (13-bit size, 3-bit index) for a size n. */
#define AUH(n) (uint8_t)((n) >> 5), (uint8_t)(((n)&0x1f) << 3)

static const struct depack_case cases[] = {
    {"three AUs in one packet",
     "MPEG4-GENERIC",
     HBR,
     {{{0, 48, AUH(2), AUH(1), AUH(3), 'a', 'a', 'b', 'c', 'c', 'c'},
       14,
       true,
       1,
       1000,
       0}},
     1,
     3,
     {{'a', 'a'}, {'b'}, {'c', 'c', 'c'}},
     {2, 1, 3},
     {1000, 2024, 3048}},
    {"AU fragmented over three packets",
     "MPEG4-GENERIC",
     HBR,
     {{{0, 16, AUH(6), 1, 2}, 6, false, 7, 50, 0},
      {{0, 16, AUH(6), 3, 4}, 6, false, 8, 50, 0},
      {{0, 16, AUH(6), 5, 6}, 6, true, 9, 50, 0}},
     3,
     1,
     {{1, 2, 3, 4, 5, 6}},
     {6},
     {50}},
    {"fragment lost",
     "MPEG4-GENERIC",
     HBR,
     {{{0, 16, AUH(6), 1, 2}, 6, false, 7, 50, 0},
      {{0, 16, AUH(6), 5, 6}, 6, true, 9, 50, SL_EBADDATA},
      {{0, 16, AUH(1), 9}, 5, true, 10, 1074, 0}},
     3,
     1,
     {{9}},
     {1},
     {1074}},
    {"fragments shorter than the announced size",
     "MPEG4-GENERIC",
     HBR,
     {{{0, 16, AUH(6), 1, 2}, 6, false, 7, 50, 0},
      {{0, 16, AUH(6), 5, 6}, 6, true, 8, 50, SL_EBADDATA}},
     2,
     0,
     {{0}},
     {0},
     {0}},
    {"AU sizes past the payload",
     "MPEG4-GENERIC",
     HBR,
     {{{0, 32, AUH(2), AUH(9), 1, 2, 3}, 9, true, 1, 1, SL_EBADDATA}},
     1,
     0,
     {{0}},
     {0},
     {0}},
    {"headers length past the payload",
     "MPEG4-GENERIC",
     HBR,
     {{{0, 255, AUH(2)}, 4, true, 1, 1, SL_EBADDATA}},
     1,
     0,
     {{0}},
     {0},
     {0}},
    {"960-sample frames",
     "MPEG4-GENERIC",
     "sizelength=13;indexlength=3;indexdeltalength=3;config=1194",
     {{{0, 32, AUH(1), AUH(1), 'x', 'y'}, 8, true, 1, 0, 0}},
     1,
     2,
     {{'x'}, {'y'}},
     {1, 1},
     {0, 960}},
    {"low bit-rate headers (6/2/2)",
     "MPEG4-GENERIC",
     "sizelength=6;indexlength=2;indexdeltalength=2;config=1210",
     {{{0, 16, 2 << 2, 1 << 2, 'p', 'q', 'r'}, 7, true, 1, 5, 0}},
     1,
     2,
     {{'p', 'q'}, {'r'}},
     {2, 1},
     {5, 1029}},
    {"latm: one element",
     "MP4A-LATM",
     LATM,
     {{{3, 'a', 'b', 'c'}, 4, true, 1, 10, 0}},
     1,
     1,
     {{'a', 'b', 'c'}},
     {3},
     {10}},
    {"latm: element over two packets",
     "MP4A-LATM",
     LATM,
     {{{4, 'a', 'b'}, 3, false, 1, 10, 0}, {{'c', 'd'}, 2, true, 2, 10, 0}},
     2,
     1,
     {{'a', 'b', 'c', 'd'}},
     {4},
     {10}},
    {"latm: two elements in one packet",
     "MP4A-LATM",
     LATM,
     {{{1, 'a', 2, 'b', 'c'}, 5, true, 1, 10, 0}},
     1,
     2,
     {{'a'}, {'b', 'c'}},
     {1, 2},
     {10, 1034}},
    {"latm: second packet lost",
     "MP4A-LATM",
     LATM,
     {{{4, 'a', 'b'}, 3, false, 1, 10, 0},
      {{'d'}, 1, true, 3, 10, SL_EBADDATA},
      {{1, 'z'}, 2, true, 4, 1034, 0}},
     3,
     1,
     {{'z'}},
     {1},
     {1034}},
    {"latm: length past the end",
     "MP4A-LATM",
     LATM,
     {{{9, 'a'}, 2, true, 1, 10, SL_EBADDATA}},
     1,
     0,
     {{0}},
     {0},
     {0}},
};


static void
run_case(const struct depack_case *c)
{
    struct sl_rtp_format  f;
    struct sl_rtp_depack *d;
    int                   i;

    memset(&g, 0, sizeof(g));
    assert_int_equal(sl_rtp_format_from_sdp(&f, 97, sl_str_from(c->enc), 44100,
                                            2, sl_str_from(c->fmtp)),
                     0);
    d = sl_rtp_depack_new(&f);
    for (i = 0; i < c->nsteps; i++) {
        const struct step *s = &c->steps[i];
        struct sl_rtp_pkt  pkt = {.marker = s->marker,
                                  .pt = 97,
                                  .seq = s->seq,
                                  .ts = s->ts,
                                  .payload = s->payload,
                                  .payload_len = s->len,
                                  .header_len = 12};

        assert_int_equal(sl_rtp_depack_push(d, &pkt, on_au, &g), s->rc);
    }
    assert_int_equal(g.n, c->aus);
    for (i = 0; i < c->aus && i < 3; i++) {
        assert_int_equal(g.len[i], c->au_len[i]);
        assert_memory_equal(g.data[i], c->au[i], c->au_len[i]);
        assert_int_equal(g.ts[i], c->au_ts[i]);
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


/* ffmpeg's captures (fuzz seeds: a selector byte, then packets). */
static void
run_capture(const char *file, const char *enc, const char *fmtp, int want,
            uint32_t step)
{
    static uint8_t        buf[65536];
    struct sl_rtp_format  f;
    struct sl_rtp_depack *d;
    size_t                n;
    size_t                off = 1;
    FILE                 *fp;
    int                   i;

    memset(&g, 0, sizeof(g));
    fp = fopen(file, "rb");
    assert_non_null(fp);
    n = fread(buf, 1, sizeof(buf), fp);
    fclose(fp);
    assert_int_equal(sl_rtp_format_from_sdp(&f, 97, sl_str_from(enc), 48000, 1,
                                            sl_str_from(fmtp)),
                     0);
    d = sl_rtp_depack_new(&f);
    while (off + 2 <= n) {
        size_t            len = sl_rb16(buf + off);
        struct sl_rtp_pkt pkt;

        assert_int_equal(sl_rtp_parse(buf + off + 2, len, &pkt), 0);
        assert_int_equal(sl_rtp_depack_push(d, &pkt, on_au, &g), 0);
        off += 2 + len;
    }
    assert_int_equal(g.n, want);
    for (i = 1; i < g.n; i++) {
        assert_int_equal(g.ts[i] - g.ts[i - 1], step);
    }
    sl_rtp_depack_free(&d);
}


static void
test_ffmpeg_captures(void **state)
{
    (void)state;
    run_capture(SL_SOURCE_DIR
                "/tests/fuzz/corpus/depack_aac/ffmpeg_generic_48k_mono",
                "MPEG4-GENERIC",
                "profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;"
                "indexdeltalength=3; config=118856E500",
                20, 1024);
    run_capture(SL_SOURCE_DIR
                "/tests/fuzz/corpus/depack_aac/ffmpeg_latm_44k_stereo",
                "MP4A-LATM",
                "profile-level-id=41;cpresent=0;config=400024203fc0", 20, 1024);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_depack_table),
        cmocka_unit_test(test_ffmpeg_captures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
