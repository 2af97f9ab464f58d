/* Tests for src/codec/codec.c (labels) and src/codec/g711.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "codec/codec.h"
#include "codec/g711.h"


static void
test_labels_match_mediamtx(void **state)
{
    static const struct {
        enum sl_codec_id id;
        const char      *label;
        bool             video;
    } cases[] = {
        {SL_CODEC_H264, "H264", true},
        {SL_CODEC_H265, "H265", true},
        {SL_CODEC_AV1, "AV1", true},
        {SL_CODEC_VP8, "VP8", true},
        {SL_CODEC_VP9, "VP9", true},
        {SL_CODEC_MJPEG, "M-JPEG", true},
        {SL_CODEC_MPEG4V, "MPEG-4 Video", true},
        {SL_CODEC_MPEG12V, "MPEG-1/2 Video", true},
        {SL_CODEC_AAC, "MPEG-4 Audio", false},
        {SL_CODEC_AAC_LATM, "MPEG-4 Audio LATM", false},
        {SL_CODEC_OPUS, "Opus", false},
        {SL_CODEC_MP3, "MPEG-1/2 Audio", false},
        {SL_CODEC_AC3, "AC3", false},
        {SL_CODEC_G711, "G711", false},
        {SL_CODEC_G722, "G722", false},
        {SL_CODEC_LPCM, "LPCM", false},
        {SL_CODEC_KLV, "KLV", false},
        {SL_CODEC_MPEGTS, "MPEG-TS", false},
        {SL_CODEC_GENERIC, "Generic", false},
        {SL_CODEC_NONE, "Generic", false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_string_equal(sl_codec_label(cases[i].id), cases[i].label);
        assert_int_equal(sl_codec_is_video(cases[i].id), cases[i].video);
    }
}


static void
test_g711_samples(void **state)
{
    (void)state;
    assert_int_equal(sl_g711_samples(160, 1), 160);
    assert_int_equal(sl_g711_samples(160, 0), 160);
    assert_int_equal(sl_g711_samples(160, 2), 80);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_match_mediamtx),
        cmocka_unit_test(test_g711_samples),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
