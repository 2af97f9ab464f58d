/* Tests for src/proto/rtp/rtp.c: header parsing and writing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/err.h"
#include "proto/rtp/rtp.h"


struct rtp_case {
    const char *name;
    uint8_t     in[40];
    size_t      len;
    int         rc;
    size_t      header_len;
    size_t      payload_len;
    bool        marker;
    uint8_t     pt;
    uint16_t    seq;
    uint32_t    ts;
    uint32_t    ssrc;
};

#define HDR 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03

static const struct rtp_case cases[] = {
    {"plain", {0x80, 0xe0, HDR, 0xaa, 0xbb}, 14, 0, 12, 2, true, 96, 1, 2, 3},
    {"empty payload", {0x80, 0x60, HDR}, 12, 0, 12, 0, false, 96, 1, 2, 3},
    {"two CSRCs",
     {0x82, 0x60, HDR, 0, 0, 0, 9, 0, 0, 0, 8, 0xaa},
     21,
     0,
     20,
     1,
     false,
     96,
     1,
     2,
     3},
    {"extension of one word",
     {0x90, 0x60, HDR, 0xbe, 0xde, 0x00, 0x01, 0x10, 0xff, 0, 0, 0xaa},
     21,
     0,
     20,
     1,
     false,
     96,
     1,
     2,
     3},
    {"CSRC + extension + padding",
     {0xb1, 0x60, HDR, 0, 0, 0, 9, 0x10, 0x00, 0x00, 0x00, 0xaa, 0xbb, 0, 0, 3},
     25,
     0,
     20,
     2,
     false,
     96,
     1,
     2,
     3},
    {"padding covering whole payload",
     {0xa0, 0x60, HDR, 0, 0, 0, 4},
     16,
     0,
     12,
     0,
     false,
     96,
     1,
     2,
     3},
    {"too short", {0x80, 0x60, 0, 1}, 4, SL_EBADDATA, 0, 0, false, 0, 0, 0, 0},
    {"version 1", {0x40, 0x60, HDR}, 12, SL_EBADDATA, 0, 0, false, 0, 0, 0, 0},
    {"CSRC count past end",
     {0x8f, 0x60, HDR, 0, 0, 0, 1},
     16,
     SL_EBADDATA,
     0,
     0,
     false,
     0,
     0,
     0,
     0},
    {"extension header cut",
     {0x90, 0x60, HDR, 0xbe, 0xde},
     14,
     SL_EBADDATA,
     0,
     0,
     false,
     0,
     0,
     0,
     0},
    {"extension length past end",
     {0x90, 0x60, HDR, 0xbe, 0xde, 0x00, 0x02, 1, 2, 3, 4},
     20,
     SL_EBADDATA,
     0,
     0,
     false,
     0,
     0,
     0,
     0},
    {"padding count 0",
     {0xa0, 0x60, HDR, 0xaa, 0},
     14,
     SL_EBADDATA,
     0,
     0,
     false,
     0,
     0,
     0,
     0},
    {"padding past payload",
     {0xa0, 0x60, HDR, 0xaa, 3},
     14,
     SL_EBADDATA,
     0,
     0,
     false,
     0,
     0,
     0,
     0},
    {"padding eating the extension",
     {0xb0, 0x60, HDR, 0xbe, 0xde, 0, 0, 8},
     16,
     SL_EBADDATA,
     0,
     0,
     false,
     0,
     0,
     0,
     0},
};


static void
test_parse_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct rtp_case *c = &cases[i];
        struct sl_rtp_pkt      pkt = {0};
        int                    rc;

        print_message("case %s\n", c->name);
        rc = sl_rtp_parse(c->in, c->len, &pkt);
        assert_int_equal(rc, c->rc);
        if (rc != 0) {
            assert_null(pkt.payload);
            continue;
        }
        assert_int_equal(pkt.header_len, c->header_len);
        assert_int_equal(pkt.payload_len, c->payload_len);
        assert_ptr_equal(pkt.payload, c->in + c->header_len);
        assert_int_equal(pkt.marker, c->marker);
        assert_int_equal(pkt.pt, c->pt);
        assert_int_equal(pkt.seq, c->seq);
        assert_int_equal(pkt.ts, c->ts);
        assert_int_equal(pkt.ssrc, c->ssrc);
    }
}


static void
test_write_header_round_trip(void **state)
{
    uint8_t           b[12];
    struct sl_rtp_pkt pkt;

    (void)state;
    sl_rtp_write_header(b, true, 111, 65535, 0xfedcba98, 0x12345678);
    assert_int_equal(sl_rtp_parse(b, sizeof(b), &pkt), 0);
    assert_true(pkt.marker);
    assert_int_equal(pkt.pt, 111);
    assert_int_equal(pkt.seq, 65535);
    assert_int_equal(pkt.ts, 0xfedcba98);
    assert_int_equal(pkt.ssrc, 0x12345678);
    assert_int_equal(pkt.payload_len, 0);
    sl_rtp_write_header(b, false, 0xff, 0, 0, 0);
    assert_int_equal(b[1], 0x7f); /* pt is masked to 7 bits */
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_write_header_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
