/* Tests for src/proto/rtp/format.c: rtpmap/fmtp interpretation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "codec/h264.h"
#include "codec/h265.h"
#include "proto/rtp/format.h"


struct fmt_case {
    const char      *name;
    uint8_t          pt;
    const char      *enc;
    uint32_t         clock;
    uint32_t         channels;
    const char      *fmtp;
    int              rc;
    enum sl_codec_id codec;
    uint32_t         want_clock;
    uint32_t         want_channels;
};

#define H264_FMTP                                                              \
    "packetization-mode=1; profile-level-id=42C00D; "                          \
    "sprop-parameter-sets=Z0LADdkBQfsBEAAAAwAQAAADAyDxQqSA,aMuDyyA="
#define H265_FMTP                                                              \
    "sprop-vps=QAEMAf//AWAAAAMAkAAAAwAAAwB4lZgJ; "                             \
    "sprop-sps=QgEBAWAAAAMAkAAAAwAAAwB4oAPAgBDlllZpJMrwFoCAAAADAIAAAAyE; "     \
    "sprop-pps=RAHBcrRiQA=="
#define AAC_FMTP                                                               \
    "profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;"             \
    "indexdeltalength=3; config=118856E500"

static const struct fmt_case cases[] = {
    {"h264 with sprop", 96, "H264", 90000, 0, H264_FMTP, 0, SL_CODEC_H264,
     90000, 0},
    {"h264 with a=fmtp prefix", 96, "h264", 90000, 0, "a=fmtp:96 " H264_FMTP, 0,
     SL_CODEC_H264, 90000, 0},
    {"h264 bad base64", 96, "H264", 90000, 0, "sprop-parameter-sets=!!!!",
     SL_EBADDATA, SL_CODEC_NONE, 0, 0},
    {"h264 interleaved", 96, "H264", 90000, 0, "packetization-mode=2",
     SL_EUNSUP, SL_CODEC_GENERIC, 90000, 0},
    {"h265 with sprop", 96, "H265", 90000, 0, H265_FMTP, 0, SL_CODEC_H265,
     90000, 0},
    {"h265 with DONL", 96, "H265", 90000, 0, "sprop-max-don-diff=2", SL_EUNSUP,
     SL_CODEC_GENERIC, 90000, 0},
    {"mpeg4-generic from ffmpeg", 97, "MPEG4-GENERIC", 48000, 1, AAC_FMTP, 0,
     SL_CODEC_AAC, 48000, 1},
    {"mpeg4-generic without config", 97, "mpeg4-generic", 48000, 1,
     "sizelength=13", SL_EBADDATA, SL_CODEC_NONE, 0, 0},
    {"mpeg4-generic without sizelength", 97, "mpeg4-generic", 48000, 1,
     "config=1190", SL_EBADDATA, SL_CODEC_NONE, 0, 0},
    {"latm cpresent=0", 97, "MP4A-LATM", 44100, 2,
     "profile-level-id=41;cpresent=0;config=400024203fc0", 0, SL_CODEC_AAC_LATM,
     44100, 2},
    {"latm in-band config", 97, "MP4A-LATM", 44100, 2, "config=400024203fc0",
     SL_EUNSUP, SL_CODEC_GENERIC, 44100, 2},
    {"opus", 111, "opus", 48000, 2, "sprop-stereo=1", 0, SL_CODEC_OPUS, 48000,
     2},
    {"static PCMU", 0, "", 0, 0, "", 0, SL_CODEC_G711, 8000, 1},
    {"static PCMA", 8, "", 0, 0, "", 0, SL_CODEC_G711, 8000, 1},
    {"static MP2T", 33, "", 0, 0, "", 0, SL_CODEC_MPEGTS, 90000, 0},
    {"L16 stereo", 98, "L16", 48000, 2, "", 0, SL_CODEC_LPCM, 48000, 2},
    {"vp8", 100, "VP8", 90000, 0, "", 0, SL_CODEC_VP8, 90000, 0},
    {"unknown encoding", 100, "VND.ONVIF.METADATA", 90000, 0, "", 0,
     SL_CODEC_GENERIC, 90000, 0},
};


static void
test_from_sdp_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct fmt_case *c = &cases[i];
        struct sl_rtp_format   f;
        int                    rc;

        print_message("case %s\n", c->name);
        memset(&f, 0, sizeof(f));
        rc = sl_rtp_format_from_sdp(&f, c->pt, sl_str_from(c->enc), c->clock,
                                    c->channels, sl_str_from(c->fmtp));
        assert_int_equal(rc, c->rc);
        assert_int_equal(f.codec, c->codec);
        if (rc == SL_EBADDATA) {
            continue; /* untouched */
        }
        assert_int_equal(f.pt, c->pt);
        assert_int_equal(f.clock_rate, c->want_clock);
        assert_int_equal(f.channels, c->want_channels);
    }
}


static void
test_h264_parameter_sets(void **state)
{
    struct sl_rtp_format f;
    struct sl_h264_sps   sps;

    (void)state;
    assert_int_equal(sl_rtp_format_from_sdp(&f, 96, sl_str_lit("H264"), 90000,
                                            0, sl_str_lit(H264_FMTP)),
                     0);
    assert_int_equal(f.packetization_mode, 1);
    assert_int_equal(f.sps_len, 24);
    assert_int_equal(f.pps_len, 5);
    assert_int_equal(f.pps[0], 0x68);
    assert_int_equal(sl_h264_sps_parse(f.sps, f.sps_len, &sps), 0);
    assert_int_equal(sps.width, 320);
    assert_int_equal(sps.height, 240);
}


static void
test_h265_parameter_sets(void **state)
{
    struct sl_rtp_format f;
    struct sl_h265_sps   sps;

    (void)state;
    assert_int_equal(sl_rtp_format_from_sdp(&f, 96, sl_str_lit("H265"), 90000,
                                            0, sl_str_lit(H265_FMTP)),
                     0);
    assert_int_equal(f.vps_len, 24);
    assert_int_equal(f.pps_len, 7);
    assert_int_equal(sl_h265_sps_parse(f.sps, f.sps_len, &sps), 0);
    assert_int_equal(sps.width, 1920);
    assert_int_equal(sps.height, 1080);
}


static void
test_aac_parameters(void **state)
{
    struct sl_rtp_format f;

    (void)state;
    assert_int_equal(sl_rtp_format_from_sdp(&f, 97, sl_str_lit("MPEG4-GENERIC"),
                                            48000, 1, sl_str_lit(AAC_FMTP)),
                     0);
    assert_int_equal(f.size_length, 13);
    assert_int_equal(f.index_length, 3);
    assert_int_equal(f.index_delta_length, 3);
    assert_int_equal(f.asc_len, 5);
    assert_int_equal(f.aac.sample_rate, 48000);
    assert_int_equal(f.aac.channels, 1);

    assert_int_equal(
        sl_rtp_format_from_sdp(&f, 97, sl_str_lit("MP4A-LATM"), 44100, 2,
                               sl_str_lit("cpresent=0;config=400024203fc0")),
        0);
    assert_false(f.latm_cpresent);
    assert_int_equal(f.asc_len, 6);
    assert_int_equal(f.latm.asc_len, 2);
    assert_int_equal(f.aac.sample_rate, 44100);
    assert_int_equal(f.aac.channels, 2);
}


static void
test_fmtp_get(void **state)
{
    struct sl_str v;

    (void)state;
    assert_true(sl_rtp_fmtp_get(sl_str_lit("96 a=1; B = two ;c="), "b", &v));
    assert_true(sl_str_eq_cstr(v, "two"));
    assert_true(sl_rtp_fmtp_get(sl_str_lit("a=1;c="), "c", &v));
    assert_int_equal(v.len, 0);
    assert_false(sl_rtp_fmtp_get(sl_str_lit("a=1"), "d", &v));
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_sdp_table),
        cmocka_unit_test(test_h264_parameter_sets),
        cmocka_unit_test(test_h265_parameter_sets),
        cmocka_unit_test(test_aac_parameters),
        cmocka_unit_test(test_fmtp_get),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
