/* Tests for src/codec/opus.c: packet durations from the TOC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/err.h"
#include "codec/opus.h"


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


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packet_samples_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
