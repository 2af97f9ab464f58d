/* Tests for src/codec/opus.c: packet durations from the TOC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/err.h"
#include "codec/opus.h"
#include "base/dbuf.h"
#include "fixture.h"


struct opus_case {
    const char *name;
    uint8_t     in[2];
    size_t      len;
    int         samples;
};

static const struct opus_case cases[] = {
    {"celt 20 ms code 0 (ffmpeg's 0xf8)", {0xf8}, 1, 960},
    {"silk 10 ms", {0x00}, 1, 480},
    {"silk 60 ms", {0x18}, 1, 2880},
    {"hybrid 20 ms", {0x68}, 1, 960},
    {"celt 2.5 ms", {0x80}, 1, 120},
    {"code 1: two frames of 20 ms", {0xf9}, 1, 1920},
    {"code 2: two frames of 10 ms", {0xf2}, 1, 960},
    {"code 3: 6 frames of 20 ms = 120 ms", {0xfb, 0x06}, 2, 5760},
    {"code 3: 3 frames of 60 ms (too long)", {0x1b, 0x03}, 2, SL_EBADDATA},
    {"code 3: zero frames", {0xfb, 0x00}, 2, SL_EBADDATA},
    {"code 3 without count", {0xfb}, 1, SL_EBADDATA},
    {"empty", {0}, 0, SL_EBADDATA},
};


static void
test_packet_samples_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("case %s\n", cases[i].name);
        assert_int_equal(sl_opus_packet_samples(cases[i].in, cases[i].len),
                         cases[i].samples);
    }
}


/* libopus's OpusHead from Matroska, and build/parse round trips. */
static void
test_opus_head(void **state)
{
    static struct fixture fx;
    struct sl_opus_head   h;
    struct sl_opus_head   h2;
    struct sl_dbuf        b;
    int                   ch;

    (void)state;
    assert_true(fixture_load(&fx, "opus"));
    assert_int_equal(sl_opus_head_parse(fx.cfg, fx.cfg_len, &h), 0);
    assert_int_equal(h.channels, 2);
    assert_int_equal(h.mapping_family, 0);
    assert_int_equal(h.input_rate, 48000);
    assert_int_equal(h.pre_skip, 312);
    sl_dbuf_init(&b, 512);
    assert_int_equal(sl_opus_head_build(&b, &h), 0);
    assert_int_equal(b.len, fx.cfg_len);
    assert_memory_equal(sl_dbuf_data(&b), fx.cfg, fx.cfg_len);
    for (ch = 1; ch <= 8; ch++) {
        sl_dbuf_reset(&b);
        assert_int_equal(sl_opus_head_default(&h, ch), 0);
        assert_int_equal(sl_opus_head_build(&b, &h), 0);
        assert_int_equal(b.len, ch > 2 ? 21u + (size_t)ch : 19u);
        assert_int_equal(sl_opus_head_parse(sl_dbuf_data(&b), b.len, &h2), 0);
        assert_int_equal(h2.channels, ch);
        assert_int_equal(h2.stream_count, h.stream_count);
        assert_memory_equal(h2.mapping, h.mapping, (size_t)ch);
        /* Truncated mapping tables are rejected. */
        if (ch > 2) {
            assert_int_equal(
                sl_opus_head_parse(sl_dbuf_data(&b), b.len - 1, &h2),
                SL_EBADDATA);
        }
    }
    assert_int_equal(sl_opus_head_default(&h, 0), SL_EINVAL);
    assert_int_equal(sl_opus_head_default(&h, 9), SL_EINVAL);
    /* Family 0 with 3 channels, bad magic. */
    assert_int_equal(sl_opus_head_default(&h, 2), 0);
    h.channels = 3;
    sl_dbuf_reset(&b);
    assert_int_equal(sl_opus_head_build(&b, &h), SL_EINVAL);
    assert_int_equal(
        sl_opus_head_parse((const uint8_t *)"OpusHeaX0123456789012", 21, &h2),
        SL_EBADDATA);
    sl_dbuf_free(&b);
    fixture_free(&fx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packet_samples_table),
        cmocka_unit_test(test_opus_head),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
