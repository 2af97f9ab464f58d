/* Tests for src/proto/rtp/depack.c: framework and one-packet formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "proto/rtp/depack.h"


struct got {
    int            n;
    const uint8_t *data;
    size_t         len;
    uint32_t       ts;
    bool           key;
};


static void on_au(void *ud, const struct sl_rtp_au *au);


static void
on_au(void *ud, const struct sl_rtp_au *au)
{
    struct got *g = ud;

    g->n++;
    g->data = au->data;
    g->len = au->len;
    g->ts = au->ts;
    g->key = au->key;
}


static void
test_one_packet_one_au(void **state)
{
    static const struct {
        const char *enc;
        uint32_t    clock;
        uint32_t    channels;
    } cases[] = {
        {"opus", 48000, 2}, {"PCMU", 8000, 1},   {"PCMA", 8000, 1},
        {"VP8", 90000, 0},  {"X-FOO", 90000, 0}, {"MP2T", 90000, 0},
    };
    static const uint8_t payload[] = {0xf8, 0xff, 0xfe};
    size_t               i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sl_rtp_format  f;
        struct sl_rtp_depack *d;
        struct got            g = {0};
        struct sl_rtp_pkt     pkt = {.marker = true,
                                     .seq = 1,
                                     .ts = 77,
                                     .payload = payload,
                                     .payload_len = sizeof(payload)};
        const uint8_t        *sps;
        size_t                sps_len;

        print_message("case %s\n", cases[i].enc);
        assert_int_equal(sl_rtp_format_from_sdp(
                             &f, 100, sl_str_from(cases[i].enc), cases[i].clock,
                             cases[i].channels, SL_STR_NULL),
                         0);
        d = sl_rtp_depack_new(&f);
        assert_int_equal(sl_rtp_depack_push(d, &pkt, on_au, &g), 0);
        assert_int_equal(g.n, 1);
        assert_ptr_equal(g.data, payload);
        assert_int_equal(g.len, sizeof(payload));
        assert_int_equal(g.ts, 77);
        assert_true(g.key);
        /* Empty payloads produce nothing. */
        pkt.payload_len = 0;
        assert_int_equal(sl_rtp_depack_push(d, &pkt, on_au, &g), 0);
        assert_int_equal(g.n, 1);
        sl_rtp_depack_params(d, &sps, &sps_len, NULL, NULL, NULL, NULL);
        assert_null(sps);
        assert_int_equal(sps_len, 0);
        assert_int_equal(sl_rtp_depack_errors(d), 0);
        sl_rtp_depack_free(&d);
        assert_null(d);
    }
}


static void
test_free_null_is_a_no_op(void **state)
{
    struct sl_rtp_depack *d = NULL;

    (void)state;
    sl_rtp_depack_free(&d);
    assert_null(d);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_packet_one_au),
        cmocka_unit_test(test_free_null_is_a_no_op),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
