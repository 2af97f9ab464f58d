/* Tests for src/codec/aac.c: AudioSpecificConfig, ADTS and LATM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "codec/aac.h"


struct asc_case {
    const char *name;
    uint8_t     in[8];
    size_t      len;
    int         rc;
    int         object_type;
    uint32_t    rate;
    int         channels;
    int         frame_length;
    bool        sbr;
    bool        ps;
    uint32_t    ext_rate;
};

static const struct asc_case asc_cases[] = {
    {"lc 44100 stereo", {0x12, 0x10}, 2, 0, 2, 44100, 2, 1024, false, false, 0},
    {"lc 48000 mono", {0x11, 0x88}, 2, 0, 2, 48000, 1, 1024, false, false, 0},
    {"lc 7350 mono (index 12)",
     {0x16, 0x08},
     2,
     0,
     2,
     7350,
     1,
     1024,
     false,
     false,
     0},
    {"lc 960 frame length",
     {0x11, 0x94},
     2,
     0,
     2,
     48000,
     2,
     960,
     false,
     false,
     0},
    {"explicit 24-bit rate 12345",
     {0x17, 0x80, 0x18, 0x1c, 0x88},
     5,
     0,
     2,
     12345,
     1,
     1024,
     false,
     false,
     0},
    {"he-aac explicit (type 5)",
     {0x2b, 0x92, 0x08, 0x00},
     4,
     0,
     2,
     22050,
     2,
     1024,
     true,
     false,
     44100},
    /* ffmpeg's config=118856E500: sync 0x2b7 with sbrPresentFlag = 0. */
    {"backward-compat sbr absent",
     {0x11, 0x88, 0x56, 0xe5, 0x00},
     5,
     0,
     2,
     48000,
     1,
     1024,
     false,
     false,
     0},
    {"backward-compat sbr+ps",
     {0x13, 0x10, 0x56, 0xe5, 0x9d, 0x48, 0x80},
     7,
     0,
     2,
     24000,
     2,
     1024,
     true,
     true,
     48000},
    {"object type escape (36)",
     {0xf8, 0x86, 0x20},
     3,
     0,
     36,
     48000,
     1,
     1024,
     false,
     false,
     0},
    {"channel config 0 (PCE)",
     {0x12, 0x00},
     2,
     SL_EUNSUP,
     0,
     0,
     0,
     0,
     false,
     false,
     0},
    {"reserved frequency index 13",
     {0x16, 0x88},
     2,
     SL_EBADDATA,
     0,
     0,
     0,
     0,
     false,
     false,
     0},
    {"truncated", {0x12}, 1, SL_EBADDATA, 0, 0, 0, 0, false, false, 0},
    {"empty", {0}, 0, SL_EBADDATA, 0, 0, 0, 0, false, false, 0},
};


static void
test_asc_parse_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(asc_cases) / sizeof(asc_cases[0]); i++) {
        const struct asc_case *c = &asc_cases[i];
        struct sl_aac_config   cfg;
        int                    rc;

        print_message("case %s\n", c->name);
        rc = sl_aac_asc_parse(c->in, c->len, &cfg);
        assert_int_equal(rc, c->rc);
        if (rc != 0) {
            continue;
        }
        assert_int_equal(cfg.object_type, c->object_type);
        assert_int_equal(cfg.sample_rate, c->rate);
        assert_int_equal(cfg.channels, c->channels);
        assert_int_equal(cfg.frame_length, c->frame_length);
        assert_int_equal(cfg.sbr, c->sbr);
        assert_int_equal(cfg.ps, c->ps);
        assert_int_equal(cfg.ext_sample_rate, c->ext_rate);
    }
}


/* Parse, write, parse again: the decoded configs must match. */
static void
test_asc_round_trip(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(asc_cases) / sizeof(asc_cases[0]); i++) {
        const struct asc_case *c = &asc_cases[i];
        struct sl_aac_config   a;
        struct sl_aac_config   b;
        uint8_t                out[16];
        int                    n;

        if (c->rc != 0 || c->object_type > 4) {
            continue;
        }
        print_message("case %s\n", c->name);
        assert_int_equal(sl_aac_asc_parse(c->in, c->len, &a), 0);
        n = sl_aac_asc_write(&a, out, sizeof(out));
        assert_true(n > 0);
        assert_int_equal(sl_aac_asc_parse(out, (size_t)n, &b), 0);
        assert_int_equal(b.object_type, a.object_type);
        assert_int_equal(b.sample_rate, a.sample_rate);
        assert_int_equal(b.channels, a.channels);
        assert_int_equal(b.frame_length, a.frame_length);
        assert_int_equal(b.sbr, a.sbr);
        assert_int_equal(b.ps, a.ps);
        assert_int_equal(b.ext_sample_rate, a.ext_sample_rate);
        if (!a.sbr) {
            /* Plain configs come back bit-exact. */
            assert_int_equal(n, 2 + (a.freq_index == 15 ? 3 : 0));
            assert_memory_equal(out, c->in, (size_t)n);
        }
    }
}


static void
test_asc_write_limits(void **state)
{
    struct sl_aac_config c = {.object_type = 2,
                              .sample_rate = 44100,
                              .channels = 2,
                              .frame_length = 1024};
    uint8_t              out[2];

    (void)state;
    assert_int_equal(sl_aac_asc_write(&c, out, 1), SL_ELIMIT);
    assert_int_equal(sl_aac_asc_write(&c, out, 2), 2);
    c.channels = 7; /* no channelConfiguration gives 7 without PCE */
    assert_int_equal(sl_aac_asc_write(&c, out, 2), SL_EINVAL);
}


static void
test_adts_round_trip(void **state)
{
    struct sl_aac_config c = {.object_type = 2,
                              .sample_rate = 44100,
                              .channels = 2,
                              .frame_length = 1024};
    uint8_t              h[7];
    struct sl_adts       a;

    (void)state;
    assert_int_equal(sl_adts_write_header(h, &c, 100), 0);
    assert_int_equal(sl_adts_parse(h, sizeof(h), &a), 0);
    assert_int_equal(a.header_len, 7);
    assert_int_equal(a.frame_len, 107);
    assert_int_equal(a.cfg.object_type, 2);
    assert_int_equal(a.cfg.sample_rate, 44100);
    assert_int_equal(a.cfg.channels, 2);
    assert_int_equal(a.raw_blocks, 1);

    c.sample_rate = 7350;
    c.channels = 1;
    assert_int_equal(sl_adts_write_header(h, &c, 8191 - 7), 0);
    assert_int_equal(sl_adts_parse(h, sizeof(h), &a), 0);
    assert_int_equal(a.frame_len, 8191);
    assert_int_equal(a.cfg.sample_rate, 7350);
    assert_int_equal(sl_adts_write_header(h, &c, 8191 - 6), SL_EINVAL);
    c.sample_rate = 12345;
    assert_int_equal(sl_adts_write_header(h, &c, 10), SL_EINVAL);
}


static void
test_adts_parse_cases(void **state)
{
    /* protection_absent = 0: 9-byte header with CRC. */
    static const uint8_t crc[9] = {0xff, 0xf0, 0x50, 0x80, 0x02,
                                   0x1f, 0xfc, 0x12, 0x34};
    static const uint8_t bad_sync[7] = {0xff, 0xe1, 0x50, 0x80,
                                        0x02, 0x1f, 0xfc};
    static const uint8_t bad_layer[7] = {0xff, 0xf3, 0x50, 0x80,
                                         0x02, 0x1f, 0xfc};
    /* frame_length 3 < header. */
    static const uint8_t short_frame[7] = {0xff, 0xf1, 0x50, 0x80,
                                           0x00, 0x7f, 0xfc};
    struct sl_adts       a;

    (void)state;
    assert_int_equal(sl_adts_parse(crc, sizeof(crc), &a), 0);
    assert_int_equal(a.header_len, 9);
    assert_int_equal(a.frame_len, 16);
    assert_int_equal(sl_adts_parse(crc, 8, &a), SL_EAGAIN);
    assert_int_equal(sl_adts_parse(crc, 6, &a), SL_EAGAIN);
    assert_int_equal(sl_adts_parse(bad_sync, 7, &a), SL_EBADDATA);
    assert_int_equal(sl_adts_parse(bad_layer, 7, &a), SL_EBADDATA);
    assert_int_equal(sl_adts_parse(short_frame, 7, &a), SL_EBADDATA);
}


struct latm_case {
    const char *name;
    const char *hex;
    int         rc;
    int         version;
    uint32_t    rate;
    int         channels;
    int         sub_frames;
    bool        other;
    uint32_t    other_bits;
    uint8_t     asc[2];
    size_t      asc_len; /* 0 means 2 */
};

static const struct latm_case latm_cases[] = {
    /* ffmpeg -rtpflags latm, 44100 Hz stereo (derived by hand too). */
    {"ffmpeg 44100 stereo",
     "400024203fc0",
     0,
     0,
     44100,
     2,
     1,
     false,
     0,
     {0x12, 0x10},
     0},
    {"48000 stereo",
     "400023203FC0",
     0,
     0,
     48000,
     2,
     1,
     false,
     0,
     {0x11, 0x90},
     0},
    {"two subframes, other data, crc",
     "410023203fe10d58",
     0,
     0,
     48000,
     2,
     2,
     true,
     16,
     {0x11, 0x90},
     0},
    {"audioMuxVersion 1 with ascLen fill",
     "8ff800014121001fe0",
     0,
     1,
     44100,
     2,
     1,
     false,
     0,
     {0x12, 0x10},
     0},
    /* GStreamer rtpmp4apay: the ASC carries the backward-compatible SBR
     * sync extension (0x2b7, sbrPresentFlag 0) and the tail after
     * frameLengthType is truncated. */
    {"gstreamer 48000 stereo",
     "40002320adca00",
     0,
     0,
     48000,
     2,
     1,
     false,
     0,
     {0x11, 0x90},
     5},
    {"two programs", "401024203fc0", SL_EUNSUP, 0, 0, 0, 0, false, 0, {0}, 0},
    {"odd hex", "4000242", SL_EBADDATA, 0, 0, 0, 0, false, 0, {0}, 0},
    {"not hex", "40zz", SL_EBADDATA, 0, 0, 0, 0, false, 0, {0}, 0},
    {"truncated", "400024", SL_EBADDATA, 0, 0, 0, 0, false, 0, {0}, 0},
};


static void
test_latm_config_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(latm_cases) / sizeof(latm_cases[0]); i++) {
        const struct latm_case *c = &latm_cases[i];
        struct sl_latm_config   cfg;
        int                     rc;

        print_message("case %s\n", c->name);
        rc = sl_latm_config_parse_hex(sl_str_from(c->hex), &cfg);
        assert_int_equal(rc, c->rc);
        if (rc != 0) {
            continue;
        }
        assert_int_equal(cfg.audio_mux_version, c->version);
        assert_int_equal(cfg.aac.sample_rate, c->rate);
        assert_int_equal(cfg.aac.channels, c->channels);
        assert_int_equal(cfg.num_sub_frames, c->sub_frames);
        assert_int_equal(cfg.other_data_present, c->other);
        assert_int_equal(cfg.other_data_len_bits, c->other_bits);
        assert_int_equal(cfg.asc_len, c->asc_len == 0 ? 2 : c->asc_len);
        assert_memory_equal(cfg.asc, c->asc, 2);
    }
}


static void
test_latm_split(void **state)
{
    struct sl_latm_config cfg;
    struct sl_latm_au     aus[4];
    uint8_t               el[600];
    /* Two subframes, then 16 bits of other data. */
    static const uint8_t two[] = {3, 'a', 'b', 'c', 1, 'd', 0xee, 0xee};

    (void)state;
    assert_int_equal(
        sl_latm_config_parse_hex(sl_str_from("400024203fc0"), &cfg), 0);
    /* 255 + 255 + 10 = 520 bytes in one AU. */
    memset(el, 0x11, sizeof(el));
    el[0] = 0xff;
    el[1] = 0xff;
    el[2] = 10;
    assert_int_equal(sl_latm_split(&cfg, el, 3 + 520, aus, 4), 1);
    assert_int_equal(aus[0].len, 520);
    assert_ptr_equal(aus[0].p, el + 3);
    /* Two elements back to back. */
    el[0] = 2;
    el[3] = 1;
    assert_int_equal(sl_latm_split(&cfg, el, 5, aus, 4), 2);
    assert_int_equal(aus[1].len, 1);
    /* Length past the end. */
    assert_int_equal(sl_latm_split(&cfg, el, 2, aus, 4), SL_EBADDATA);
    /* More AUs than room. */
    memset(el, 1, 20);
    assert_int_equal(sl_latm_split(&cfg, el, 20, aus, 4), SL_ELIMIT);

    assert_int_equal(
        sl_latm_config_parse_hex(sl_str_from("410023203fe10d58"), &cfg), 0);
    assert_int_equal(sl_latm_split(&cfg, two, sizeof(two), aus, 4), 2);
    assert_int_equal(aus[0].len, 3);
    assert_int_equal(aus[1].len, 1);
    assert_int_equal(aus[1].p[0], 'd');
    assert_int_equal(sl_latm_split(&cfg, two, sizeof(two) - 1, aus, 4),
                     SL_EBADDATA);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_asc_parse_table),
        cmocka_unit_test(test_asc_round_trip),
        cmocka_unit_test(test_asc_write_limits),
        cmocka_unit_test(test_adts_round_trip),
        cmocka_unit_test(test_adts_parse_cases),
        cmocka_unit_test(test_latm_config_table),
        cmocka_unit_test(test_latm_split),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
