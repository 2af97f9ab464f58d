/*
 * Tests for src/format/flv.c: classic and E-RTMP video and audio tag
 * bodies (parse tables incl. malformed and refused ones), header-writer /
 * parser round trips for every codec the writers know, onMetaData written
 * and parsed (FFmpeg's own script tag too), FLV file and tag headers;
 * E-RTMP AV1, VP9 and Opus sequence starts and frames built from real
 * streams.
 */
#include "format/flv.h"
#include "base/alloc.h"
#include "base/bytes.h"
#include "base/err.h"
#include "codec/av1.h"
#include "codec/opus.h"
#include "codec/vp9.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../codec/fixture.h"


struct video_case {
    const char *name;
    uint8_t     in[24];
    size_t      len;
    int         rc;
    int         codec;
    uint32_t    fourcc;
    bool        key;
    int         packet_type;
    int32_t     cts;
    size_t      data_off; /* where the payload starts */
};

struct audio_case {
    const char *name;
    uint8_t     in[16];
    size_t      len;
    int         rc;
    int         codec;
    bool        mulaw;
    int         packet_type;
    uint32_t    rate;
    int         channels;
    size_t      data_off;
};


static void test_video_table(void **state);
static void test_audio_table(void **state);
static void test_video_roundtrip(void **state);
static void test_audio_roundtrip(void **state);
static void test_meta_roundtrip(void **state);
static void test_meta_ffmpeg(void **state);
static void test_meta_errors(void **state);
static void test_file_and_tag_headers(void **state);
static void test_ertmp_records_roundtrip(void **state);
static void test_ertmp_frames_roundtrip(void **state);


/* FFmpeg 5.1's onMetaData for 160x120 H.264 10 fps + AAC 44.1 kHz mono. */
static const uint8_t ffmpeg_meta[] = {
    0x02, 0x00, 0x0a, 0x6f, 0x6e, 0x4d, 0x65, 0x74, 0x61, 0x44, 0x61, 0x74,
    0x61, 0x08, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x08, 0x64, 0x75, 0x72, 0x61,
    0x74, 0x69, 0x6f, 0x6e, 0x00, 0x3f, 0xf3, 0x33, 0x33, 0x33, 0x33, 0x33,
    0x33, 0x00, 0x05, 0x77, 0x69, 0x64, 0x74, 0x68, 0x00, 0x40, 0x64, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x68, 0x65, 0x69, 0x67, 0x68,
    0x74, 0x00, 0x40, 0x5e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d,
    0x76, 0x69, 0x64, 0x65, 0x6f, 0x64, 0x61, 0x74, 0x61, 0x72, 0x61, 0x74,
    0x65, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09,
    0x66, 0x72, 0x61, 0x6d, 0x65, 0x72, 0x61, 0x74, 0x65, 0x00, 0x40, 0x24,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x76, 0x69, 0x64, 0x65,
    0x6f, 0x63, 0x6f, 0x64, 0x65, 0x63, 0x69, 0x64, 0x00, 0x40, 0x1c, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x61, 0x75, 0x64, 0x69, 0x6f,
    0x64, 0x61, 0x74, 0x61, 0x72, 0x61, 0x74, 0x65, 0x00, 0x40, 0x3f, 0x40,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x61, 0x75, 0x64, 0x69, 0x6f,
    0x73, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x72, 0x61, 0x74, 0x65, 0x00, 0x40,
    0xe5, 0x88, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x61, 0x75, 0x64,
    0x69, 0x6f, 0x73, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x73, 0x69, 0x7a, 0x65,
    0x00, 0x40, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x73,
    0x74, 0x65, 0x72, 0x65, 0x6f, 0x01, 0x00, 0x00, 0x0c, 0x61, 0x75, 0x64,
    0x69, 0x6f, 0x63, 0x6f, 0x64, 0x65, 0x63, 0x69, 0x64, 0x00, 0x40, 0x24,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x65, 0x6e, 0x63, 0x6f,
    0x64, 0x65, 0x72, 0x02, 0x00, 0x0d, 0x4c, 0x61, 0x76, 0x66, 0x35, 0x39,
    0x2e, 0x32, 0x37, 0x2e, 0x31, 0x30, 0x30, 0x00, 0x08, 0x66, 0x69, 0x6c,
    0x65, 0x73, 0x69, 0x7a, 0x65, 0x00, 0x40, 0xc7, 0x07, 0x80, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x09,
};

#define BAD(n, l, r, ...)                                                      \
    {                                                                          \
        .name = (n), .len = (l), .rc = (r), .in = { __VA_ARGS__ }              \
    }
#define FC(a, b, c, d) (uint8_t)(a), (uint8_t)(b), (uint8_t)(c), (uint8_t)(d)

static const struct video_case video_cases[] = {
    {"avc sequence header",
     {0x17, 0x00, 0, 0, 0, 0x01, 0x64},
     7,
     0,
     SL_CODEC_H264,
     0,
     true,
     SL_FLV_PKT_SEQUENCE_START,
     0,
     5},
    {"avc nalus cts 66",
     {0x27, 0x01, 0, 0, 66, 0, 0, 0, 1, 0x41},
     10,
     0,
     SL_CODEC_H264,
     0,
     false,
     SL_FLV_PKT_CODED_FRAMES,
     66,
     5},
    {"avc negative cts",
     {0x17, 0x01, 0xFF, 0xFF, 0xFE, 9},
     6,
     0,
     SL_CODEC_H264,
     0,
     true,
     SL_FLV_PKT_CODED_FRAMES,
     -2,
     5},
    {"avc end of sequence",
     {0x17, 0x02, 0, 0, 0},
     5,
     0,
     SL_CODEC_H264,
     0,
     true,
     SL_FLV_PKT_SEQUENCE_END,
     0,
     5},
    {"avc command frame",
     {0x57, 0x01},
     2,
     0,
     SL_CODEC_H264,
     0,
     false,
     SL_FLV_PKT_COMMAND,
     0,
     1},
    {"legacy hevc (codec 12)",
     {0x1C, 0x01, 0, 0, 0, 7},
     6,
     0,
     SL_CODEC_H265,
     0,
     true,
     SL_FLV_PKT_CODED_FRAMES,
     0,
     5},
    BAD("avc bad packet type", 5, SL_EBADDATA, 0x17, 0x03, 0, 0, 0),
    BAD("avc truncated", 3, SL_EBADDATA, 0x17, 0x01, 0),
    BAD("empty", 0, SL_EBADDATA, 0),
    BAD("sorenson h.263", 3, SL_EUNSUP, 0x22, 1, 2),
    BAD("vp6", 3, SL_EUNSUP, 0x14, 1, 2),
    {"ex hevc sequence start",
     {0x90, FC('h', 'v', 'c', '1'), 0x01},
     6,
     0,
     SL_CODEC_H265,
     SL_FLV_FOURCC_HVC1,
     true,
     SL_FLV_PKT_SEQUENCE_START,
     0,
     5},
    {"ex hevc coded frames",
     {0xA1, FC('h', 'v', 'c', '1'), 0, 0, 40, 1, 2},
     10,
     0,
     SL_CODEC_H265,
     SL_FLV_FOURCC_HVC1,
     false,
     SL_FLV_PKT_CODED_FRAMES,
     40,
     8},
    {"ex hevc coded frames x",
     {0x93, FC('h', 'v', 'c', '1'), 1, 2},
     7,
     0,
     SL_CODEC_H265,
     SL_FLV_FOURCC_HVC1,
     true,
     SL_FLV_PKT_CODED_FRAMES,
     0,
     5},
    {"ex av1 coded frames",
     {0x91, FC('a', 'v', '0', '1'), 0x12, 0},
     7,
     0,
     SL_CODEC_AV1,
     SL_FLV_FOURCC_AV01,
     true,
     SL_FLV_PKT_CODED_FRAMES,
     0,
     5},
    {"ex av1 mpeg2ts start",
     {0x95, FC('a', 'v', '0', '1'), 0x80},
     6,
     0,
     SL_CODEC_AV1,
     SL_FLV_FOURCC_AV01,
     true,
     SL_FLV_PKT_MPEG2TS_START,
     0,
     5},
    {"ex av1 coded frames x, inter",
     {0xA3, FC('a', 'v', '0', '1'), 0x12, 0},
     7,
     0,
     SL_CODEC_AV1,
     SL_FLV_FOURCC_AV01,
     false,
     SL_FLV_PKT_CODED_FRAMES,
     0,
     5},
    {"ex vp9 coded frames, frame type unset (gortmplib)",
     {0x83, FC('v', 'p', '0', '9'), 0x82, 0x49},
     7,
     0,
     SL_CODEC_VP9,
     SL_FLV_FOURCC_VP09,
     false,
     SL_FLV_PKT_CODED_FRAMES,
     0,
     5},
    {"ex vp9 sequence start (vpcC full box)",
     {0x90, FC('v', 'p', '0', '9'), 1, 0, 0, 0, 0, 10, 0x82, 2, 2, 2, 0, 0},
     17,
     0,
     SL_CODEC_VP9,
     SL_FLV_FOURCC_VP09,
     true,
     SL_FLV_PKT_SEQUENCE_START,
     0,
     5},
    {"ex vp9 sequence end",
     {0x92, FC('v', 'p', '0', '9')},
     5,
     0,
     SL_CODEC_VP9,
     SL_FLV_FOURCC_VP09,
     true,
     SL_FLV_PKT_SEQUENCE_END,
     0,
     5},
    {"ex avc1 coded frames",
     {0x91, FC('a', 'v', 'c', '1'), 0, 0, 1, 5},
     9,
     0,
     SL_CODEC_H264,
     SL_FLV_FOURCC_AVC1,
     true,
     SL_FLV_PKT_CODED_FRAMES,
     1,
     8},
    {"ex metadata",
     {0x94, FC('h', 'v', 'c', '1'), 2},
     6,
     0,
     SL_CODEC_H265,
     SL_FLV_FOURCC_HVC1,
     true,
     SL_FLV_PKT_METADATA,
     0,
     5},
    {"ex unknown fourcc",
     {0x91, FC('x', 'y', 'z', 'w'), 1},
     6,
     0,
     SL_CODEC_NONE,
     SL_FLV_FOURCC('x', 'y', 'z', 'w'),
     true,
     SL_FLV_PKT_CODED_FRAMES,
     0,
     5},
    {"ex modex then coded frames x",
     {0x97, 0x02, 0xAA, 0xBB, 0xCC, 0x03, FC('h', 'v', 'c', '1'), 9},
     11,
     0,
     SL_CODEC_H265,
     SL_FLV_FOURCC_HVC1,
     true,
     SL_FLV_PKT_CODED_FRAMES,
     0,
     10},
    {"ex command frame",
     {0xD1, 0x00},
     2,
     0,
     SL_CODEC_NONE,
     0,
     false,
     SL_FLV_PKT_COMMAND,
     0,
     1},
    BAD("ex multitrack", 6, SL_EUNSUP, 0x96, 0x00, FC('h', 'v', 'c', '1')),
    BAD("ex fourcc cut", 3, SL_EBADDATA, 0x91, 'h', 'v'),
    BAD("ex cts cut", 6, SL_EBADDATA, 0x91, FC('h', 'v', 'c', '1'), 0),
    BAD("ex reserved packet type", 5, SL_EBADDATA, 0x98,
        FC('h', 'v', 'c', '1')),
    BAD("ex modex cut", 3, SL_EBADDATA, 0x97, 0x05, 1),
};

static const struct audio_case audio_cases[] = {
    {"aac sequence header",
     {0xAF, 0x00, 0x12, 0x10},
     4,
     0,
     SL_CODEC_AAC,
     false,
     SL_FLV_PKT_SEQUENCE_START,
     44100,
     2,
     2},
    {"aac raw",
     {0xAE, 0x01, 0x21},
     3,
     0,
     SL_CODEC_AAC,
     false,
     SL_FLV_PKT_CODED_FRAMES,
     44100,
     1,
     2},
    BAD("aac bad packet type", 3, SL_EBADDATA, 0xAF, 0x02, 0x21),
    BAD("aac truncated", 1, SL_EBADDATA, 0xAF),
    {"mp3 22 kHz stereo",
     {0x2B, 0xFF, 0xFB},
     3,
     0,
     SL_CODEC_MP3,
     false,
     SL_FLV_PKT_CODED_FRAMES,
     22050,
     2,
     1},
    {"mp3 8 kHz",
     {0xE2, 0xFF},
     2,
     0,
     SL_CODEC_MP3,
     false,
     SL_FLV_PKT_CODED_FRAMES,
     8000,
     1,
     1},
    {"alaw",
     {0x72, 0xD5},
     2,
     0,
     SL_CODEC_G711,
     false,
     SL_FLV_PKT_CODED_FRAMES,
     8000,
     1,
     1},
    {"ulaw stereo",
     {0x83, 0xFF},
     2,
     0,
     SL_CODEC_G711,
     true,
     SL_FLV_PKT_CODED_FRAMES,
     8000,
     2,
     1},
    BAD("speex", 2, SL_EUNSUP, 0xB2, 0),
    BAD("pcm", 2, SL_EUNSUP, 0x3E, 0),
    {"ex opus sequence start",
     {0x90, FC('O', 'p', 'u', 's'), 'O'},
     6,
     0,
     SL_CODEC_OPUS,
     false,
     SL_FLV_PKT_SEQUENCE_START,
     0,
     0,
     5},
    {"ex opus sequence end",
     {0x92, FC('O', 'p', 'u', 's')},
     5,
     0,
     SL_CODEC_OPUS,
     false,
     SL_FLV_PKT_SEQUENCE_END,
     0,
     0,
     5},
    {"ex opus frames",
     {0x91, FC('O', 'p', 'u', 's'), 0xFC},
     6,
     0,
     SL_CODEC_OPUS,
     false,
     SL_FLV_PKT_CODED_FRAMES,
     0,
     0,
     5},
    {"ex mp4a",
     {0x91, FC('m', 'p', '4', 'a'), 0x21},
     6,
     0,
     SL_CODEC_AAC,
     false,
     SL_FLV_PKT_CODED_FRAMES,
     0,
     0,
     5},
    {"ex flac",
     {0x90, FC('f', 'L', 'a', 'C')},
     5,
     0,
     SL_CODEC_NONE,
     false,
     SL_FLV_PKT_SEQUENCE_START,
     0,
     0,
     5},
    {"ex ac-3",
     {0x91, FC('a', 'c', '-', '3'), 0x0B},
     6,
     0,
     SL_CODEC_AC3,
     false,
     SL_FLV_PKT_CODED_FRAMES,
     0,
     0,
     5},
    {"ex multichannel config",
     {0x94, FC('O', 'p', 'u', 's'), 0},
     6,
     0,
     SL_CODEC_OPUS,
     false,
     SL_FLV_PKT_MULTICHANNEL,
     0,
     0,
     5},
    {"ex modex",
     {0x97, 0x00, 0x01, 0x01, FC('.', 'm', 'p', '3'), 0xFF},
     9,
     0,
     SL_CODEC_MP3,
     false,
     SL_FLV_PKT_CODED_FRAMES,
     0,
     0,
     8},
    BAD("ex multitrack", 6, SL_EUNSUP, 0x95, 0, FC('O', 'p', 'u', 's')),
    BAD("ex reserved packet type", 5, SL_EBADDATA, 0x93,
        FC('O', 'p', 'u', 's')),
    BAD("ex fourcc cut", 2, SL_EBADDATA, 0x91, 'O'),
    BAD("empty", 0, SL_EBADDATA, 0),
};


static void
test_video_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(video_cases) / sizeof(video_cases[0]); i++) {
        const struct video_case *c = &video_cases[i];
        struct sl_flv_video      v;
        int                      rc;

        memset(&v, 0xEE, sizeof(v));
        rc = sl_flv_video_parse(c->in, c->len, &v);
        if (rc != c->rc) {
            fail_msg("%s: rc %d", c->name, rc);
        }
        if (rc != 0) {
            continue;
        }
        if (v.codec != c->codec || v.fourcc != c->fourcc || v.key != c->key
            || v.packet_type != c->packet_type || v.cts != c->cts
            || v.data != c->in + c->data_off || v.len != c->len - c->data_off)
        {
            fail_msg("%s: codec %d fourcc %x key %d type %d cts %d off %td",
                     c->name, v.codec, v.fourcc, v.key, v.packet_type, v.cts,
                     v.data - c->in);
        }
    }
}


static void
test_audio_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(audio_cases) / sizeof(audio_cases[0]); i++) {
        const struct audio_case *c = &audio_cases[i];
        struct sl_flv_audio      a;
        int                      rc;

        rc = sl_flv_audio_parse(c->in, c->len, &a);
        if (rc != c->rc) {
            fail_msg("%s: rc %d", c->name, rc);
        }
        if (rc != 0) {
            continue;
        }
        if (a.codec != c->codec || a.mulaw != c->mulaw
            || a.packet_type != c->packet_type || a.rate != c->rate
            || a.channels != c->channels || a.data != c->in + c->data_off
            || a.len != c->len - c->data_off)
        {
            fail_msg("%s: codec %d type %d rate %u ch %d off %td", c->name,
                     a.codec, a.packet_type, a.rate, a.channels,
                     a.data - c->in);
        }
    }
}


static void
test_video_roundtrip(void **state)
{
    static const int     codecs[] = {SL_CODEC_H264, SL_CODEC_H265, SL_CODEC_AV1,
                                     SL_CODEC_VP9};
    static const int     types[] = {SL_FLV_PKT_SEQUENCE_START,
                                    SL_FLV_PKT_CODED_FRAMES,
                                    SL_FLV_PKT_SEQUENCE_END};
    static const int32_t ctss[] = {0, 40, -33, 8388607, -8388608};
    static const uint8_t payload[] = {0, 0, 0, 2, 0x09, 0xF0};
    size_t               i, j, k, key;

    (void)state;
    for (i = 0; i < 4; i++) {
        for (j = 0; j < 3; j++) {
            for (k = 0; k < 5; k++) {
                for (key = 0; key < 2; key++) {
                    struct sl_dbuf      b;
                    struct sl_flv_video v;
                    bool                has_cts = codecs[i] == SL_CODEC_H264
                                   || codecs[i] == SL_CODEC_H265;
                    bool    frames = types[j] == SL_FLV_PKT_CODED_FRAMES;
                    uint8_t h[SL_FLV_VIDEO_HEADER_MAX];
                    int     n;

                    n = sl_flv_video_header(h, codecs[i], types[j], key != 0,
                                            ctss[k]);
                    assert_true(n == 5 || n == 8);
                    sl_dbuf_init(&b, 1024);
                    assert_int_equal(
                        sl_flv_write_video(&b, codecs[i], types[j], key != 0,
                                           ctss[k], payload, sizeof(payload)),
                        0);
                    assert_memory_equal(sl_dbuf_data(&b), h, (size_t)n);
                    assert_int_equal(
                        sl_flv_video_parse(sl_dbuf_data(&b), b.len, &v), 0);
                    assert_int_equal(v.codec, codecs[i]);
                    assert_int_equal(v.packet_type, types[j]);
                    assert_int_equal(v.key, frames ? key != 0 : true);
                    assert_int_equal(v.cts, frames && has_cts ? ctss[k] : 0);
                    assert_int_equal(v.len, sizeof(payload));
                    assert_memory_equal(v.data, payload, sizeof(payload));
                    sl_dbuf_free(&b);
                }
            }
        }
    }
    {
        uint8_t h[SL_FLV_VIDEO_HEADER_MAX];

        assert_int_equal(sl_flv_video_header(h, SL_CODEC_MJPEG,
                                             SL_FLV_PKT_CODED_FRAMES, true, 0),
                         SL_EUNSUP);
        assert_int_equal(
            sl_flv_video_header(h, SL_CODEC_H264, SL_FLV_PKT_METADATA, true, 0),
            SL_EINVAL);
    }
}


static void
test_audio_roundtrip(void **state)
{
    static const struct {
        int      codec;
        bool     mulaw;
        int      type;
        uint32_t rate;
        int      channels;
        int      hlen;
    } cases[] = {
        {SL_CODEC_AAC, false, SL_FLV_PKT_SEQUENCE_START, 48000, 2, 2},
        {SL_CODEC_AAC, false, SL_FLV_PKT_CODED_FRAMES, 48000, 2, 2},
        {SL_CODEC_MP3, false, SL_FLV_PKT_CODED_FRAMES, 44100, 2, 1},
        {SL_CODEC_MP3, false, SL_FLV_PKT_CODED_FRAMES, 22050, 1, 1},
        {SL_CODEC_MP3, false, SL_FLV_PKT_CODED_FRAMES, 8000, 1, 1},
        {SL_CODEC_G711, false, SL_FLV_PKT_CODED_FRAMES, 8000, 1, 1},
        {SL_CODEC_G711, true, SL_FLV_PKT_CODED_FRAMES, 8000, 2, 1},
        {SL_CODEC_OPUS, false, SL_FLV_PKT_SEQUENCE_START, 48000, 2, 5},
        {SL_CODEC_OPUS, false, SL_FLV_PKT_CODED_FRAMES, 48000, 2, 5},
    };
    static const uint8_t payload[] = {0x11, 0x90};
    size_t               i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sl_dbuf      b;
        struct sl_flv_audio a;

        sl_dbuf_init(&b, 64);
        assert_int_equal(sl_flv_write_audio(&b, cases[i].codec, cases[i].mulaw,
                                            cases[i].type, cases[i].rate,
                                            cases[i].channels, payload,
                                            sizeof(payload)),
                         0);
        assert_int_equal(b.len, (size_t)cases[i].hlen + sizeof(payload));
        assert_int_equal(sl_flv_audio_parse(sl_dbuf_data(&b), b.len, &a), 0);
        assert_int_equal(a.codec, cases[i].codec);
        assert_int_equal(a.mulaw, cases[i].mulaw);
        assert_int_equal(a.packet_type, cases[i].type);
        if (cases[i].codec == SL_CODEC_MP3 || cases[i].codec == SL_CODEC_G711) {
            assert_int_equal(a.rate, cases[i].rate);
            assert_int_equal(a.channels, cases[i].channels);
        }
        assert_memory_equal(a.data, payload, sizeof(payload));
        sl_dbuf_free(&b);
    }
    {
        uint8_t        h[SL_FLV_AUDIO_HEADER_MAX];
        struct sl_dbuf b;

        assert_int_equal(sl_flv_audio_header(h, SL_CODEC_LPCM, false,
                                             SL_FLV_PKT_CODED_FRAMES, 8000, 1),
                         SL_EUNSUP);
        assert_int_equal(sl_flv_audio_header(h, SL_CODEC_MP3, false,
                                             SL_FLV_PKT_SEQUENCE_START, 8000,
                                             1),
                         SL_EINVAL);
        sl_dbuf_init(&b, 3);
        assert_int_equal(sl_flv_write_audio(&b, SL_CODEC_AAC, false,
                                            SL_FLV_PKT_CODED_FRAMES, 0, 2,
                                            payload, sizeof(payload)),
                         SL_ELIMIT);
        assert_int_equal(b.len, 0);
        sl_dbuf_free(&b);
    }
}


static void
test_meta_roundtrip(void **state)
{
    struct sl_flv_meta in = {
        .width = 1920,
        .height = 1080,
        .framerate = 29.97,
        .videocodecid = sl_flv_meta_codec_id(SL_CODEC_H265),
        .audiocodecid = sl_flv_meta_codec_id(SL_CODEC_AAC),
        .audiosamplerate = 48000,
        .audiochannels = 2,
        .stereo = true,
        .has_video = true,
        .has_audio = true,
    };
    struct sl_flv_meta out;
    struct sl_dbuf     b;
    int                sdf;

    (void)state;
    for (sdf = 0; sdf < 2; sdf++) {
        sl_dbuf_init(&b, 1024);
        assert_int_equal(sl_flv_meta_write(&b, &in, sdf != 0), 0);
        assert_int_equal(sl_flv_meta_parse(sl_dbuf_data(&b), b.len, &out), 0);
        assert_memory_equal(&in, &out, sizeof(in));
        assert_non_null(memmem(sl_dbuf_data(&b), b.len, "Sluice", 6));
        sl_dbuf_free(&b);
    }
    /* Audio only: no video keys at all. */
    memset(&in, 0, sizeof(in));
    in.has_audio = true;
    in.audiocodecid = SL_FLV_AUDIO_MP3;
    sl_dbuf_init(&b, 1024);
    assert_int_equal(sl_flv_meta_write(&b, &in, false), 0);
    assert_null(memmem(sl_dbuf_data(&b), b.len, "width", 5));
    assert_int_equal(sl_flv_meta_parse(sl_dbuf_data(&b), b.len, &out), 0);
    assert_false(out.has_video);
    assert_true(out.audiocodecid == SL_FLV_AUDIO_MP3);
    sl_dbuf_free(&b);
    assert_true(sl_flv_meta_codec_id(SL_CODEC_H264) == 7);
    assert_true(sl_flv_meta_codec_id(SL_CODEC_OPUS) == SL_FLV_FOURCC_OPUS);
    assert_true(sl_flv_meta_codec_id(SL_CODEC_KLV) == 0);
}


static void
test_meta_ffmpeg(void **state)
{
    struct sl_flv_meta m;

    (void)state;
    assert_int_equal(sl_flv_meta_parse(ffmpeg_meta, sizeof(ffmpeg_meta), &m),
                     0);
    assert_true(m.width == 160);
    assert_true(m.height == 120);
    assert_true(m.framerate == 10);
    assert_true(m.videocodecid == 7);
    assert_true(m.audiocodecid == 10);
    assert_true(m.audiosamplerate == 44100);
    assert_false(m.stereo);
    assert_true(m.has_video && m.has_audio);
}


static void
test_meta_errors(void **state)
{
    static const uint8_t not_meta[] = {0x02, 0x00, 0x08, 'o', 'n', 'C',
                                       'u',  'e',  'P',  'n', 't', 0x05};
    static const uint8_t number_first[] = {0x00, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t bad_value[] = {0x02, 0x00, 0x0a, 'o',  'n', 'M',
                                        'e',  't',  'a',  'D',  'a', 't',
                                        'a',  0x03, 0x00, 0x01, 'x', 0x42};
    static const uint8_t not_object[] = {0x02, 0x00, 0x0a, 'o', 'n', 'M', 'e',
                                         't',  'a',  'D',  'a', 't', 'a', 0x00};
    static const uint8_t fourcc_string[] = {
        0x02, 0x00, 0x0a, 'o',  'n',  'M', 'e', 't', 'a', 'D',  'a',  't', 'a',
        0x03, 0x00, 0x0c, 'v',  'i',  'd', 'e', 'o', 'c', 'o',  'd',  'e', 'c',
        'i',  'd',  0x02, 0x00, 0x04, 'h', 'v', 'c', '1', 0x00, 0x00, 0x09};
    uint8_t            deep[200];
    struct sl_flv_meta m;
    size_t             n = 0, i;

    (void)state;
    assert_int_equal(sl_flv_meta_parse(not_meta, sizeof(not_meta), &m),
                     SL_ENOTFOUND);
    assert_int_equal(sl_flv_meta_parse(number_first, sizeof(number_first), &m),
                     SL_ENOTFOUND);
    assert_int_equal(sl_flv_meta_parse(bad_value, sizeof(bad_value), &m),
                     SL_EBADDATA);
    assert_int_equal(sl_flv_meta_parse(not_object, sizeof(not_object), &m),
                     SL_EBADDATA);
    assert_int_equal(
        sl_flv_meta_parse(fourcc_string, sizeof(fourcc_string), &m), 0);
    assert_true(m.videocodecid == SL_FLV_FOURCC_HVC1);
    /* Objects nested 20 deep under one key. */
    memcpy(deep, not_object, 13);
    n = 13;
    deep[n++] = 0x03;
    for (i = 0; i < 20; i++) {
        deep[n++] = 0x00;
        deep[n++] = 0x01;
        deep[n++] = 'k';
        deep[n++] = 0x03;
    }
    assert_int_equal(sl_flv_meta_parse(deep, n, &m), SL_ELIMIT);
}


static void
test_file_and_tag_headers(void **state)
{
    uint8_t           h[13], t[11], pts[4];
    struct sl_flv_tag tag;

    (void)state;
    assert_int_equal(sl_flv_file_header(h, true, true), 13);
    assert_memory_equal(h, "FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00", 13);
    sl_flv_file_header(h, false, true);
    assert_int_equal(h[4], 1);
    sl_flv_tag_header(t, SL_FLV_TAG_VIDEO, 0x123456, 0x89ABCDEF);
    assert_int_equal(sl_flv_tag_parse(t, 11, &tag), 0);
    assert_int_equal(tag.type, 9);
    assert_false(tag.filter);
    assert_int_equal(tag.size, 0x123456);
    assert_int_equal(tag.ts, 0x89ABCDEF);
    assert_int_equal(tag.stream_id, 0);
    assert_int_equal(sl_flv_tag_parse(t, 10, &tag), SL_EAGAIN);
    sl_flv_prev_tag_size(pts, 100);
    assert_int_equal(sl_rb32(pts), 111);
}


/*
 * The sequence starts Sluice sends and accepts for AV1, VP9 and Opus, built
 * from real streams (tests/unit/codec/data): av1C from the sequence header
 * (equal to the container's), vpcC behind its FullBox header, OpusHead;
 * written as E-RTMP tags and parsed back by the tag parser and the record
 * parsers.
 */
static void
test_ertmp_records_roundtrip(void **state)
{
    static const uint8_t  vpcc_fullbox[] = {1, 0, 0, 0};
    static struct fixture fx;
    struct sl_av1_config  ac;
    struct sl_av1_obu     sh;
    struct sl_vp9_frame   kf;
    struct sl_vp9_config  vc;
    struct sl_opus_head   oh;
    struct sl_flv_video   v;
    struct sl_flv_audio   a;
    struct sl_dbuf        rec, tag;

    (void)state;
    sl_dbuf_init(&rec, 1024);
    sl_dbuf_init(&tag, 2048);

    /* AV1: av1C rebuilt from the sequence header equals the container's. */
    assert_true(fixture_load(&fx, "av1"));
    assert_int_equal(sl_av1_config_parse(fx.cfg, fx.cfg_len, &ac), 0);
    assert_int_equal(
        sl_av1_tu_seq_header(ac.config_obus, ac.config_obus_len, &sh), 0);
    assert_int_equal(sl_av1_config_build(&rec, sh.data, sh.len), 0);
    assert_int_equal(sl_flv_write_video(&tag, SL_CODEC_AV1,
                                        SL_FLV_PKT_SEQUENCE_START, true, 0,
                                        sl_dbuf_data(&rec), rec.len),
                     0);
    assert_memory_equal(sl_dbuf_data(&tag),
                        "\x90"
                        "av01",
                        5);
    assert_int_equal(sl_flv_video_parse(sl_dbuf_data(&tag), tag.len, &v), 0);
    assert_int_equal(v.codec, SL_CODEC_AV1);
    assert_int_equal(v.packet_type, SL_FLV_PKT_SEQUENCE_START);
    assert_int_equal(v.len, fx.cfg_len);
    assert_memory_equal(v.data, fx.cfg, fx.cfg_len);
    assert_int_equal(sl_av1_config_parse(v.data, v.len, &ac), 0);
    fixture_free(&fx);

    /* VP9: the first keyframe's vpcC, as the FullBox payload. */
    sl_dbuf_reset(&rec);
    sl_dbuf_reset(&tag);
    assert_true(fixture_load(&fx, "vp9"));
    assert_int_equal(sl_vp9_frame_parse(fx.au[0].data, fx.au[0].len, &kf), 0);
    sl_dbuf_add(&rec, vpcc_fullbox, sizeof(vpcc_fullbox));
    assert_int_equal(sl_vp9_config_build(&rec, &kf), 0);
    assert_int_equal(sl_flv_write_video(&tag, SL_CODEC_VP9,
                                        SL_FLV_PKT_SEQUENCE_START, true, 0,
                                        sl_dbuf_data(&rec), rec.len),
                     0);
    assert_memory_equal(sl_dbuf_data(&tag),
                        "\x90"
                        "vp09",
                        5);
    assert_int_equal(sl_flv_video_parse(sl_dbuf_data(&tag), tag.len, &v), 0);
    assert_int_equal(v.codec, SL_CODEC_VP9);
    assert_int_equal(v.packet_type, SL_FLV_PKT_SEQUENCE_START);
    assert_int_equal(v.len, 12);
    assert_memory_equal(v.data, vpcc_fullbox, 4);
    assert_int_equal(sl_vp9_config_parse(v.data + 4, v.len - 4, &vc), 0);
    assert_int_equal(vc.profile, kf.profile);
    assert_int_equal(vc.bit_depth, 8);
    fixture_free(&fx);

    /* Opus: the container's OpusHead, then a sequence end. */
    sl_dbuf_reset(&tag);
    assert_true(fixture_load(&fx, "opus"));
    assert_int_equal(sl_flv_write_audio(&tag, SL_CODEC_OPUS, false,
                                        SL_FLV_PKT_SEQUENCE_START, 48000, 2,
                                        fx.cfg, fx.cfg_len),
                     0);
    assert_memory_equal(sl_dbuf_data(&tag),
                        "\x90"
                        "Opus",
                        5);
    assert_int_equal(sl_flv_audio_parse(sl_dbuf_data(&tag), tag.len, &a), 0);
    assert_int_equal(a.codec, SL_CODEC_OPUS);
    assert_int_equal(a.packet_type, SL_FLV_PKT_SEQUENCE_START);
    assert_int_equal(sl_opus_head_parse(a.data, a.len, &oh), 0);
    assert_int_equal(oh.channels, 2);
    sl_dbuf_reset(&tag);
    assert_int_equal(sl_flv_write_audio(&tag, SL_CODEC_OPUS, false,
                                        SL_FLV_PKT_SEQUENCE_END, 48000, 2, NULL,
                                        0),
                     0);
    assert_int_equal(sl_flv_audio_parse(sl_dbuf_data(&tag), tag.len, &a), 0);
    assert_int_equal(a.packet_type, SL_FLV_PKT_SEQUENCE_END);
    assert_int_equal(a.len, 0);
    fixture_free(&fx);
    sl_dbuf_free(&rec);
    sl_dbuf_free(&tag);
}


/*
 * Coded frames of real streams: an AV1 temporal unit in the form Sluice
 * sends (one temporal delimiter, sized OBUs), a VP9 frame and an Opus
 * packet survive writing and parsing, keyframe flags included.
 */
static void
test_ertmp_frames_roundtrip(void **state)
{
    static const char *const names[] = {"av1", "vp9", "opus"};
    static const int codecs[] = {SL_CODEC_AV1, SL_CODEC_VP9, SL_CODEC_OPUS};
    static struct fixture fx;
    size_t                c, i;

    (void)state;
    for (c = 0; c < 3; c++) {
        assert_true(fixture_load(&fx, names[c]));
        for (i = 0; i < fx.n; i++) {
            struct sl_dbuf tu, tag;
            const uint8_t *p = fx.au[i].data;
            size_t         len = fx.au[i].len;

            sl_dbuf_init(&tu, SL_AV1_MAX_TU_SIZE);
            sl_dbuf_init(&tag, SL_AV1_MAX_TU_SIZE + 16);
            if (codecs[c] == SL_CODEC_AV1) {
                assert_int_equal(sl_av1_tu_normalize(p, len, true, &tu), 1);
                p = sl_dbuf_data(&tu);
                len = tu.len;
            }
            if (codecs[c] == SL_CODEC_OPUS) {
                struct sl_flv_audio a;

                assert_int_equal(sl_flv_write_audio(&tag, SL_CODEC_OPUS, false,
                                                    SL_FLV_PKT_CODED_FRAMES,
                                                    48000, 2, p, len),
                                 0);
                assert_int_equal(
                    sl_flv_audio_parse(sl_dbuf_data(&tag), tag.len, &a), 0);
                assert_int_equal(a.packet_type, SL_FLV_PKT_CODED_FRAMES);
                assert_int_equal(a.len, len);
                assert_memory_equal(a.data, p, len);
            } else {
                struct sl_flv_video v;

                assert_int_equal(sl_flv_write_video(&tag, codecs[c],
                                                    SL_FLV_PKT_CODED_FRAMES,
                                                    fx.au[i].key, 0, p, len),
                                 0);
                assert_int_equal(
                    sl_flv_video_parse(sl_dbuf_data(&tag), tag.len, &v), 0);
                assert_int_equal(v.codec, codecs[c]);
                assert_int_equal(v.key, fx.au[i].key);
                assert_int_equal(v.cts, 0);
                assert_int_equal(v.len, len);
                assert_memory_equal(v.data, p, len);
                if (codecs[c] == SL_CODEC_AV1) {
                    assert_int_equal(sl_av1_tu_is_key(v.data, v.len),
                                     fx.au[i].key);
                    assert_int_equal(v.data[0], 0x12); /* the delimiter */
                } else {
                    assert_int_equal(sl_vp9_is_key(v.data, v.len),
                                     fx.au[i].key);
                }
            }
            sl_dbuf_free(&tu);
            sl_dbuf_free(&tag);
        }
        fixture_free(&fx);
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_video_table),
        cmocka_unit_test(test_audio_table),
        cmocka_unit_test(test_video_roundtrip),
        cmocka_unit_test(test_audio_roundtrip),
        cmocka_unit_test(test_meta_roundtrip),
        cmocka_unit_test(test_meta_ffmpeg),
        cmocka_unit_test(test_meta_errors),
        cmocka_unit_test(test_file_and_tag_headers),
        cmocka_unit_test(test_ertmp_records_roundtrip),
        cmocka_unit_test(test_ertmp_frames_roundtrip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
