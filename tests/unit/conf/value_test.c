/* Tests of src/conf/value.c: durations, sizes and booleans. */
#include "conf/conf.h"
#include "base/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>


#define SEC  1000000000ull
#define MSEC 1000000ull


struct num_case {
    const char *in;
    int         rc;
    uint64_t    want;
};

struct bool_case {
    const char *in;
    int         rc;
    bool        want;
};


static const struct num_case durations[] = {
    {"10s", 0, 10 * SEC},
    {"200ms", 0, 200 * MSEC},
    {"0s", 0, 0},
    {"0", 0, 0},
    {"1h30m", 0, 5400 * SEC},
    {"1d", 0, 86400 * SEC},
    {"1d12h", 0, 86400 * SEC + 12 * 3600 * SEC},
    {"1.5s", 0, 1500 * MSEC},
    {"1m0.5s", 0, 60 * SEC + 500 * MSEC},
    {"10us", 0, 10000},
    {"10\xc2\xb5s", 0, 10000},
    {"7ns", 0, 7},
    {"2h45m", 0, 9900 * SEC},
    {"", SL_EINVAL, 0},
    {"abc", SL_EINVAL, 0},
    {"10", SL_EINVAL, 0},
    {"-1s", SL_EINVAL, 0},
    {"1x", SL_EINVAL, 0},
    {"s", SL_EINVAL, 0},
    {"1d-1h", SL_EINVAL, 0},
    {"10s ", SL_EINVAL, 0},
    {"99999999999999999999s", SL_EINVAL, 0},
    {"3000000h", SL_EINVAL, 0},
};

static const struct num_case sizes[] = {
    {"50M", 0, 50ull << 20},
    {"512K", 0, 512ull << 10},
    {"1G", 0, 1ull << 30},
    {"1024", 0, 1024},
    {"0", 0, 0},
    {"16MB", 0, 16ull << 20},
    {"2MiB", 0, 2ull << 20},
    {"1.5K", 0, 1536},
    {"10b", 0, 10},
    {"1t", 0, 1ull << 40},
    {"", SL_EINVAL, 0},
    {"M", SL_EINVAL, 0},
    {"-1M", SL_EINVAL, 0},
    {"10X", SL_EINVAL, 0},
    {"10MX", SL_EINVAL, 0},
    {"99999999999E", SL_EINVAL, 0},
};

static const struct bool_case bools[] = {
    {"true", 0, true},   {"True", 0, true},   {"TRUE", 0, true},
    {"yes", 0, true},    {"Yes", 0, true},    {"ON", 0, true},
    {"on", 0, true},     {"false", 0, false}, {"No", 0, false},
    {"OFF", 0, false},   {"off", 0, false},   {"NO", 0, false},
    {"1", SL_EINVAL, 0}, {"", SL_EINVAL, 0},  {"yess", SL_EINVAL, 0},
};


static void
test_durations_parse_go_syntax_with_days(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
        uint64_t v = 12345;
        int      rc = sl_conf_parse_duration(sl_str_from(durations[i].in), &v);

        if (rc != durations[i].rc) {
            fail_msg("duration '%s': rc %d", durations[i].in, rc);
        }
        if (rc == 0 && v != durations[i].want) {
            fail_msg("duration '%s': %llu", durations[i].in,
                     (unsigned long long)v);
        }
        if (rc != 0) {
            assert_int_equal(v, 12345);
        }
    }
}


static void
test_sizes_parse_bytefmt_and_plain_numbers(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        uint64_t v = 12345;
        int      rc = sl_conf_parse_size(sl_str_from(sizes[i].in), &v);

        if (rc != sizes[i].rc) {
            fail_msg("size '%s': rc %d", sizes[i].in, rc);
        }
        if (rc == 0 && v != sizes[i].want) {
            fail_msg("size '%s': %llu", sizes[i].in, (unsigned long long)v);
        }
    }
}


static void
test_bools_accept_yaml11_words_in_any_case(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
        bool v = !bools[i].want;
        int  rc = sl_conf_parse_bool(sl_str_from(bools[i].in), &v);

        if (rc != bools[i].rc) {
            fail_msg("bool '%s': rc %d", bools[i].in, rc);
        }
        if (rc == 0) {
            assert_int_equal(v, bools[i].want);
        }
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_durations_parse_go_syntax_with_days),
        cmocka_unit_test(test_sizes_parse_bytefmt_and_plain_numbers),
        cmocka_unit_test(test_bools_accept_yaml11_words_in_any_case),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
