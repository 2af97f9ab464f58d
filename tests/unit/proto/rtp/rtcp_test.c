/* Tests for src/proto/rtp/rtcp.c: compound parsing, writers, statistics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "proto/rtp/rtcp.h"


static void
test_sr_round_trip(void **state)
{
    uint8_t            b[64];
    struct sl_rtcp_pkt pkts[SL_RTCP_MAX_PKTS];
    int                n;

    (void)state;
    assert_int_equal(sl_rtcp_write_sr(b, 27, 1, 2, 3, 4, 5), SL_ELIMIT);
    n = sl_rtcp_write_sr(b, sizeof(b), 0xdeadbeef, 0x0123456789abcdefull, 90000,
                         10, 1000);
    assert_int_equal(n, SL_RTCP_SR_LEN);
    assert_int_equal(sl_rtcp_parse(b, (size_t)n, pkts, SL_RTCP_MAX_PKTS), 1);
    assert_int_equal(pkts[0].type, SL_RTCP_SR);
    assert_int_equal(pkts[0].ssrc, 0xdeadbeef);
    assert_true(pkts[0].ntp == 0x0123456789abcdefull);
    assert_int_equal(pkts[0].rtp_ts, 90000);
    assert_int_equal(pkts[0].packets, 10);
    assert_int_equal(pkts[0].octets, 1000);
    assert_int_equal(pkts[0].rb_count, 0);
}


static void
test_rr_round_trip(void **state)
{
    struct sl_rtcp_rb  rb = {.ssrc = 7,
                             .fraction_lost = 64,
                             .cumulative_lost = -3,
                             .ext_highest_seq = 0x10005,
                             .jitter = 12,
                             .lsr = 0xaabbccdd,
                             .dlsr = 65536};
    struct sl_rtcp_rb  got;
    uint8_t            b[64];
    struct sl_rtcp_pkt pkts[4];
    int                n;

    (void)state;
    assert_int_equal(sl_rtcp_write_rr(b, 31, 1, &rb), SL_ELIMIT);
    n = sl_rtcp_write_rr(b, sizeof(b), 0x01020304, &rb);
    assert_int_equal(n, SL_RTCP_RR_LEN);
    /* An RR followed by an empty RR in the same compound. */
    assert_int_equal(sl_rtcp_write_rr(b + n, sizeof(b) - (size_t)n, 9, NULL),
                     8);
    assert_int_equal(sl_rtcp_parse(b, (size_t)n + 8, pkts, 4), 2);
    assert_int_equal(pkts[0].type, SL_RTCP_RR);
    assert_int_equal(pkts[0].ssrc, 0x01020304);
    assert_int_equal(pkts[0].rb_count, 1);
    sl_rtcp_rb_get(&pkts[0], 0, &got);
    assert_int_equal(got.ssrc, rb.ssrc);
    assert_int_equal(got.fraction_lost, rb.fraction_lost);
    assert_int_equal(got.cumulative_lost, rb.cumulative_lost);
    assert_int_equal(got.ext_highest_seq, rb.ext_highest_seq);
    assert_int_equal(got.jitter, rb.jitter);
    assert_int_equal(got.lsr, rb.lsr);
    assert_int_equal(got.dlsr, rb.dlsr);
    assert_int_equal(pkts[1].rb_count, 0);
    assert_int_equal(pkts[1].ssrc, 9);
    /* Too small an output array. */
    assert_int_equal(sl_rtcp_parse(b, (size_t)n + 8, pkts, 1), SL_ELIMIT);
}


static void
test_feedback_and_others(void **state)
{
    static const uint8_t in[] = {
        /* RR, no blocks */
        0x80,
        201,
        0,
        1,
        0,
        0,
        0,
        1,
        /* SDES: one chunk, CNAME "ab", end, pad */
        0x81,
        202,
        0,
        3,
        0,
        0,
        0,
        1,
        1,
        2,
        'a',
        'b',
        0,
        0,
        0,
        0,
        /* NACK: pid 100, blp 0x0003 */
        0x81,
        205,
        0,
        3,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        2,
        0,
        100,
        0,
        3,
        /* PLI */
        0x81,
        206,
        0,
        2,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        2,
        /* FIR: one entry */
        0x84,
        206,
        0,
        4,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        2,
        5,
        0,
        0,
        0,
        /* APP "TEST" */
        0x80,
        204,
        0,
        2,
        0,
        0,
        0,
        1,
        'T',
        'E',
        'S',
        'T',
        /* BYE with reason "x", padded (last packet) */
        0xa1,
        203,
        0,
        3,
        0,
        0,
        0,
        1,
        1,
        'x',
        0,
        0,
        0,
        0,
        0,
        4,
    };
    struct sl_rtcp_pkt pkts[SL_RTCP_MAX_PKTS];
    uint16_t           pid;
    uint16_t           blp;
    uint8_t            pli[SL_RTCP_PLI_LEN];

    (void)state;
    assert_int_equal(sl_rtcp_parse(in, sizeof(in), pkts, SL_RTCP_MAX_PKTS), 7);
    assert_int_equal(pkts[1].type, SL_RTCP_SDES);
    assert_int_equal(pkts[2].type, SL_RTCP_RTPFB);
    assert_int_equal(pkts[2].count, SL_RTCP_FMT_NACK);
    assert_int_equal(pkts[2].media_ssrc, 2);
    assert_int_equal(pkts[2].fci_len, 4);
    sl_rtcp_nack_get(&pkts[2], 0, &pid, &blp);
    assert_int_equal(pid, 100);
    assert_int_equal(blp, 3);
    assert_int_equal(pkts[3].type, SL_RTCP_PSFB);
    assert_int_equal(pkts[3].count, SL_RTCP_FMT_PLI);
    assert_int_equal(pkts[4].count, SL_RTCP_FMT_FIR);
    assert_int_equal(pkts[4].fci_len, 8);
    assert_int_equal(pkts[5].type, SL_RTCP_APP);
    assert_int_equal(pkts[6].type, SL_RTCP_BYE);
    assert_int_equal(pkts[6].len, 12);

    assert_int_equal(sl_rtcp_write_pli(pli, sizeof(pli), 1, 2),
                     SL_RTCP_PLI_LEN);
    assert_memory_equal(pli, in + 40, SL_RTCP_PLI_LEN);
}


struct bad_case {
    const char *name;
    uint8_t     in[40];
    size_t      len;
};

static const struct bad_case bad_cases[] = {
    {"empty", {0}, 0},
    {"3 bytes", {0x80, 200, 0}, 3},
    {"version 1", {0x40, 201, 0, 1, 0, 0, 0, 1}, 8},
    {"length past end", {0x80, 201, 0, 2, 0, 0, 0, 1}, 8},
    {"SR shorter than sender info", {0x80, 200, 0, 1, 0, 0, 0, 1}, 8},
    {"RR count larger than size", {0x81, 201, 0, 1, 0, 0, 0, 1}, 8},
    {"SR report count 31 in 28 bytes",
     {0x9f, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
      0,    0,   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
     28},
    {"padding on a non-last packet",
     {0xa0, 201, 0, 1, 0, 0, 0, 4, 0x80, 201, 0, 1, 0, 0, 0, 1},
     16},
    {"padding count 0", {0xa0, 201, 0, 1, 0, 0, 0, 0}, 8},
    {"padding larger than body", {0xa0, 201, 0, 1, 0, 0, 0, 9}, 8},
    {"NACK without FCI", {0x81, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2}, 12},
    {"FIR with a 4-byte FCI",
     {0x84, 206, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1},
     16},
    {"feedback shorter than 12", {0x81, 206, 0, 1, 0, 0, 0, 1}, 8},
    {"SDES item past chunk", {0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, 'a', 'b'}, 12},
    {"SDES without end item",
     {0x81, 202, 0, 2, 0, 0, 0, 1, 1, 2, 'a', 'b'},
     12},
    {"BYE reason past end",
     {0x81, 203, 0, 2, 0, 0, 0, 1, 5, 'a', 'b', 'c'},
     12},
    {"BYE count past end", {0x82, 203, 0, 1, 0, 0, 0, 1}, 8},
    {"APP too short", {0x80, 204, 0, 1, 0, 0, 0, 1}, 8},
    {"trailing garbage", {0x80, 201, 0, 1, 0, 0, 0, 1, 0x80}, 9},
};


static void
test_malformed_table(void **state)
{
    struct sl_rtcp_pkt pkts[SL_RTCP_MAX_PKTS];
    size_t             i;

    (void)state;
    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        print_message("case %s\n", bad_cases[i].name);
        assert_int_equal(sl_rtcp_parse(bad_cases[i].in, bad_cases[i].len, pkts,
                                       SL_RTCP_MAX_PKTS),
                         SL_EBADDATA);
    }
}


static void
test_stats_loss_wrap_and_report(void **state)
{
    struct sl_rtp_stats s;
    struct sl_rtcp_rb   rb;
    uint64_t            t = 1000000000ull;
    uint16_t            seq = 65530;
    int                 i;

    (void)state;
    sl_rtp_stats_init(&s, 90000);
    /* 10 packets across the wrap, 40 ms apart, perfectly paced. */
    for (i = 0; i < 10; i++) {
        assert_int_equal(sl_rtp_stats_update(&s, seq, 3600u * (uint32_t)i, 5,
                                             t + (uint64_t)i * 40000000ull),
                         0);
        seq++;
    }
    /* Skip 2 packets. */
    seq += 2;
    assert_int_equal(
        sl_rtp_stats_update(&s, seq, 3600u * 12, 5, t + 12 * 40000000ull), 2);
    /* A duplicate and a late packet. */
    assert_int_equal(
        sl_rtp_stats_update(&s, seq, 3600u * 12, 5, t + 12 * 40000000ull), -1);
    assert_int_equal(sl_rtp_stats_update(&s, (uint16_t)(seq - 1), 3600u * 11, 5,
                                         t + 13 * 40000000ull),
                     -1);
    sl_rtp_stats_on_sr(&s, 0x0000123456780000ull, t);
    sl_rtp_stats_report(&s, t + 1000000000ull, &rb);
    assert_int_equal(rb.ssrc, 5);
    assert_int_equal(rb.ext_highest_seq, 65536 + (uint16_t)(65530 + 12));
    /* 13 expected, 12 received (the late one counts): 1 lost. */
    assert_int_equal(rb.cumulative_lost, 1);
    assert_int_equal(rb.fraction_lost, 256 / 13);
    assert_true(rb.jitter < 2);
    assert_int_equal(rb.lsr, 0x12345678);
    assert_int_equal(rb.dlsr, 65536);
    /* Next interval without losses. */
    assert_int_equal(sl_rtp_stats_update(&s, (uint16_t)(seq + 1), 3600u * 13, 5,
                                         t + 13 * 40000000ull),
                     0);
    sl_rtp_stats_report(&s, t, &rb);
    assert_int_equal(rb.fraction_lost, 0);
}


static void
test_stats_jump_and_ssrc_change(void **state)
{
    struct sl_rtp_stats s;
    struct sl_rtcp_rb   rb;

    (void)state;
    sl_rtp_stats_init(&s, 8000);
    assert_int_equal(sl_rtp_stats_update(&s, 100, 0, 1, 0), 0);
    assert_int_equal(sl_rtp_stats_update(&s, 101, 160, 1, 20000000), 0);
    /* A jump of 20000 is ignored once, then accepted as a restart. */
    assert_int_equal(sl_rtp_stats_update(&s, 20101, 320, 1, 40000000), -1);
    assert_int_equal(sl_rtp_stats_update(&s, 20102, 480, 1, 60000000), 0);
    sl_rtp_stats_report(&s, 60000000, &rb);
    assert_int_equal(rb.ext_highest_seq, 20102);
    assert_int_equal(rb.cumulative_lost, 0);
    /* A new SSRC restarts everything. */
    assert_int_equal(sl_rtp_stats_update(&s, 7, 0, 2, 80000000), 0);
    sl_rtp_stats_report(&s, 80000000, &rb);
    assert_int_equal(rb.ssrc, 2);
    assert_int_equal(rb.ext_highest_seq, 7);
    assert_int_equal(rb.lsr, 0);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sr_round_trip),
        cmocka_unit_test(test_rr_round_trip),
        cmocka_unit_test(test_feedback_and_others),
        cmocka_unit_test(test_malformed_table),
        cmocka_unit_test(test_stats_loss_wrap_and_report),
        cmocka_unit_test(test_stats_jump_and_ssrc_change),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
