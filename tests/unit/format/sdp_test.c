/*
 * Tests for src/format/sdp.c: session descriptions from real clients
 * (ffmpeg 5.1 and GStreamer 1.22, captured on loopback), static payload
 * types, caps, malformed lines, fmtp lookup and the DESCRIBE writer.
 */
#include "format/sdp.h"
#include "base/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>


struct fmt_want {
    uint8_t     pt;
    const char *encoding;
    uint32_t    clock_rate;
    uint32_t    channels;
    const char *key; /* an fmtp parameter to look up, or NULL */
    const char *value;
};

struct media_want {
    const char     *type;
    uint16_t        port;
    const char     *control;
    int             direction;
    size_t          nformats;
    struct fmt_want f[4];
};

struct sdp_case {
    const char       *name;
    const char       *in;
    int               rc;
    const char       *session_name;
    const char       *control;
    size_t            nmedia;
    struct media_want m[3];
};

struct fmtp_case {
    const char *fmtp;
    const char *key;
    const char *want; /* NULL: absent */
};


static void test_parse_table(void **state);
static void test_parse_raw_sections(void **state);
static void test_parse_caps(void **state);
static void test_parse_prefixes_never_crash(void **state);
static void test_fmtp_get_table(void **state);
static void test_write(void **state);
static void test_write_roundtrip(void **state);
static void test_write_rejects_bad_input(void **state);
static void test_write_over_cap_leaves_buffer(void **state);


/* ffmpeg 5.1 ANNOUNCE (H.264 + AAC as mpeg4-generic). */
static const char ffmpeg_h264_aac[] =
    "v=0\r\n"
    "o=- 0 0 IN IP4 127.0.0.1\r\n"
    "s=No Name\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "a=tool:libavformat LIBAVFORMAT_VERSION\r\n"
    "m=video 0 RTP/AVP 96\r\n"
    "a=rtpmap:96 H264/90000\r\n"
    "a=fmtp:96 packetization-mode=1; "
    "sprop-parameter-sets=Z/QACpGbKFCPxOAiAAADAAIAAAMAKB4kSyw=,aOvjxEhE; "
    "profile-level-id=F4000A\r\n"
    "a=control:streamid=0\r\n"
    "m=audio 0 RTP/AVP 97\r\n"
    "b=AS:69\r\n"
    "a=rtpmap:97 MPEG4-GENERIC/44100/1\r\n"
    "a=fmtp:97 "
    "profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;"
    "indexdeltalength=3; config=120856E500\r\n"
    "a=control:streamid=1\r\n";

/*
 * GStreamer 1.22 rtspclientsink ANNOUNCE with the audio branch linked
 * first (audio section captured as is, video section from the same run).
 */
static const char gst_latm_h264[] =
    "v=0\r\n"
    "o=- 3379376497 1 IN IP4 127.0.0.1\r\n"
    "s=Session streamed with GStreamer\r\n"
    "i=rtspclientsink\r\n"
    "t=0 0\r\n"
    "a=tool:GStreamer\r\n"
    "m=audio 0 RTP/AVP 96\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtpmap:96 MP4A-LATM/44100\r\n"
    "a=fmtp:96 cpresent=0;config=40002410adca00\r\n"
    "a=control:stream=0\r\n"
    "a=ts-refclk:local\r\n"
    "a=mediaclk:sender\r\n"
    "a=ssrc:3866006346 cname:user3867238789@host-2e1deb2c\r\n"
    "m=video 0 RTP/AVP 97\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "b=AS:2097\r\n"
    "a=rtpmap:97 H264/90000\r\n"
    "a=framerate:30\r\n"
    "a=fmtp:97 packetization-mode=1;sprop-parameter-sets="
    "Z/QADZGWQFB+wFqDAwMgAAADACAAAAeR4oVJ,aOvMRIRA\r\n"
    "a=control:stream=1\r\n"
    "a=ts-refclk:local\r\n"
    "a=mediaclk:sender\r\n"
    "a=ssrc:2199581296 cname:user1700241599@host-cf822b12\r\n";

/* ffmpeg 5.1 rtp muxer, libx265 with global headers. */
static const char ffmpeg_h265[] =
    "v=0\r\n"
    "o=- 0 0 IN IP4 127.0.0.1\r\n"
    "s=No Name\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "a=tool:libavformat LIBAVFORMAT_VERSION\r\n"
    "m=video 15000 RTP/AVP 96\r\n"
    "a=rtpmap:96 H265/90000\r\n"
    "a=fmtp:96 sprop-vps=QAEMAf//BAgAAAMAnggAAAMAAB6VmAk=; "
    "sprop-sps=QgEBBAgAAAMAnggAAAMAAB6QAoQPLLKzSSZXgLcCAgAEAAADAAQAAAMAKCA=; "
    "sprop-pps=RAHBcoYMRiQ=\r\n";

/* ffmpeg 5.1 rtp muxer: Opus, then G.711 u-law (static type, no rtpmap). */
static const char ffmpeg_opus[] = "v=0\r\n"
                                  "o=- 0 0 IN IP4 127.0.0.1\r\n"
                                  "s=No Name\r\n"
                                  "c=IN IP4 127.0.0.1\r\n"
                                  "t=0 0\r\n"
                                  "a=tool:libavformat LIBAVFORMAT_VERSION\r\n"
                                  "m=audio 15002 RTP/AVP 97\r\n"
                                  "b=AS:64\r\n"
                                  "a=rtpmap:97 opus/48000/2\r\n";
static const char ffmpeg_pcmu[] = "v=0\r\n"
                                  "o=- 0 0 IN IP4 127.0.0.1\r\n"
                                  "s=No Name\r\n"
                                  "c=IN IP4 127.0.0.1\r\n"
                                  "t=0 0\r\n"
                                  "a=tool:libavformat LIBAVFORMAT_VERSION\r\n"
                                  "m=audio 15004 RTP/AVP 0\r\n"
                                  "b=AS:64\r\n";

static const struct sdp_case sdp_cases[] = {
    {.name = "ffmpeg H.264 + AAC",
     .in = ffmpeg_h264_aac,
     .session_name = "No Name",
     .nmedia = 2,
     .m = {{.type = "video",
            .control = "streamid=0",
            .nformats = 1,
            .f = {{96, "H264", 90000, 0, "sprop-parameter-sets",
                   "Z/QACpGbKFCPxOAiAAADAAIAAAMAKB4kSyw=,aOvjxEhE"}}},
           {.type = "audio",
            .control = "streamid=1",
            .nformats = 1,
            .f = {{97, "MPEG4-GENERIC", 44100, 1, "config", "120856E500"}}}}},
    {.name = "GStreamer MP4A-LATM first",
     .in = gst_latm_h264,
     .session_name = "Session streamed with GStreamer",
     .nmedia = 2,
     .m = {{.type = "audio",
            .control = "stream=0",
            .nformats = 1,
            .f = {{96, "MP4A-LATM", 44100, 1, "config", "40002410adca00"}}},
           {.type = "video",
            .control = "stream=1",
            .nformats = 1,
            .f = {{97, "H264", 90000, 0, "packetization-mode", "1"}}}}},
    {.name = "ffmpeg H.265",
     .in = ffmpeg_h265,
     .session_name = "No Name",
     .nmedia = 1,
     .m = {{.type = "video",
            .port = 15000,
            .nformats = 1,
            .f = {{96, "H265", 90000, 0, "sprop-pps", "RAHBcoYMRiQ="}}}}},
    {.name = "ffmpeg Opus",
     .in = ffmpeg_opus,
     .session_name = "No Name",
     .nmedia = 1,
     .m = {{.type = "audio",
            .port = 15002,
            .nformats = 1,
            .f = {{97, "opus", 48000, 2, NULL, NULL}}}}},
    {.name = "ffmpeg PCMU without rtpmap",
     .in = ffmpeg_pcmu,
     .session_name = "No Name",
     .nmedia = 1,
     .m = {{.type = "audio",
            .port = 15004,
            .nformats = 1,
            .f = {{0, "PCMU", 8000, 1, NULL, NULL}}}}},
    {.name = "static payload types",
     .in = "v=0\nm=audio 0 RTP/AVP 0 8 9 14\nm=video 0 RTP/AVP 26 32 33\n",
     .nmedia = 2,
     .m = {{.type = "audio",
            .nformats = 4,
            .f = {{0, "PCMU", 8000, 1, NULL, NULL},
                  {8, "PCMA", 8000, 1, NULL, NULL},
                  {9, "G722", 8000, 1, NULL, NULL},
                  {14, "MPA", 90000, 1, NULL, NULL}}},
           {.type = "video",
            .nformats = 3,
            .f = {{26, "JPEG", 90000, 0, NULL, NULL},
                  {32, "MPV", 90000, 0, NULL, NULL},
                  {33, "MP2T", 90000, 0, NULL, NULL}}}}},
    {.name = "rtpmap overrides the static table, dynamic without rtpmap",
     .in = "v=0\r\nm=audio 0 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/16000\r\n",
     .nmedia = 1,
     .m = {{.type = "audio",
            .nformats = 2,
            .f = {{8, "PCMA", 16000, 1, NULL, NULL},
                  {101, NULL, 0, 0, NULL, NULL}}}}},
    {.name = "session control, directions, LF only, blank lines",
     .in = "v=0\no=- 1 1 IN IP4 1.2.3.4\ns=Cam\n\na=control:*\na=recvonly\n"
           "m=video 0 RTP/AVP 96\na=rtpmap:96 H264/90000\na=control:trackID=0\n"
           "m=audio 0 RTP/AVP 97\na=sendrecv\na=rtpmap:97 L16/8000/2\n"
           "a=control:rtsp://h/cam/trackID=1\n",
     .session_name = "Cam",
     .control = "*",
     .nmedia = 2,
     .m = {{.type = "video",
            .control = "trackID=0",
            .direction = SL_SDP_DIR_RECVONLY,
            .nformats = 1,
            .f = {{96, "H264", 90000, 0, NULL, NULL}}},
           {.type = "audio",
            .control = "rtsp://h/cam/trackID=1",
            .direction = SL_SDP_DIR_SENDRECV,
            .nformats = 1,
            .f = {{97, "L16", 8000, 2, NULL, NULL}}}}},
    {.name = "unknown attributes and line types are ignored",
     .in = "v=0\r\nx=whatever\r\nZ=1\r\na=foo\r\na=bar:baz\r\n"
           "m=video 9/2 RTP/AVP 96\r\ni=info\r\na=rtpmap:99 VP8/90000\r\n"
           "a=fmtp:98 x=y\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:96 VP9/90000\r\n"
           "a=fmtp:96 max-fr=30\r\n",
     .nmedia = 1,
     .m = {{.type = "video",
            .port = 9,
            .nformats = 1,
            .f = {{96, "VP8", 90000, 0, "max-fr", "30"}}}}},
    {.name = "non-RTP media keep no formats",
     .in = "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
           "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\na=rtpmap:96 AV1/90000\r\n",
     .nmedia = 2,
     .m = {{.type = "application", .port = 9, .nformats = 0},
           {.type = "video",
            .port = 9,
            .nformats = 2,
            .f = {{96, "AV1", 90000, 0, NULL, NULL},
                  {97, NULL, 0, 0, NULL, NULL}}}}},
    {.name = "no media", .in = "v=0\r\ns=Empty\r\n", .session_name = "Empty"},

    {.name = "empty", .in = "", .rc = SL_EBADDATA},
    {.name = "blank lines only", .in = "\r\n\n", .rc = SL_EBADDATA},
    {.name = "v= not first",
     .in = "o=- 0 0 IN IP4 h\r\nv=0\r\n",
     .rc = SL_EBADDATA},
    {.name = "version 1", .in = "v=1\r\n", .rc = SL_EBADDATA},
    {.name = "second v=", .in = "v=0\r\nv=0\r\n", .rc = SL_EBADDATA},
    {.name = "line without =", .in = "v=0\r\nhello\r\n", .rc = SL_EBADDATA},
    {.name = "type is not a letter", .in = "v=0\r\n1=x\r\n", .rc = SL_EBADDATA},
    {.name = "space before =",
     .in = "v=0\r\nm =video 0 RTP/AVP 96\r\n",
     .rc = SL_EBADDATA},
    {.name = "HTML", .in = "<html>\r\n", .rc = SL_EBADDATA},
    {.name = "control byte", .in = "v=0\r\ns=a\x01z\r\n", .rc = SL_EBADDATA},
    {.name = "bare CR inside a line",
     .in = "v=0\r\ns=a\rb\r\n",
     .rc = SL_EBADDATA},
    {.name = "m= without format",
     .in = "v=0\r\nm=video 0 RTP/AVP\r\n",
     .rc = SL_EBADDATA},
    {.name = "m= without proto",
     .in = "v=0\r\nm=video 0\r\n",
     .rc = SL_EBADDATA},
    {.name = "m= empty", .in = "v=0\r\nm=\r\n", .rc = SL_EBADDATA},
    {.name = "m= port not a number",
     .in = "v=0\r\nm=video x RTP/AVP 96\r\n",
     .rc = SL_EBADDATA},
    {.name = "m= port too big",
     .in = "v=0\r\nm=video 65536 RTP/AVP 96\r\n",
     .rc = SL_EBADDATA},
    {.name = "payload type 128",
     .in = "v=0\r\nm=video 0 RTP/AVP 128\r\n",
     .rc = SL_EBADDATA},
    {.name = "payload type not a number",
     .in = "v=0\r\nm=video 0 RTP/AVP h264\r\n",
     .rc = SL_EBADDATA},
    {.name = "rtpmap without clock rate",
     .in = "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264\r\n",
     .rc = SL_EBADDATA},
    {.name = "rtpmap with zero clock rate",
     .in = "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/0\r\n",
     .rc = SL_EBADDATA},
    {.name = "rtpmap with bad channels",
     .in = "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 opus/48000/x\r\n",
     .rc = SL_EBADDATA},
    {.name = "rtpmap without encoding",
     .in = "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 /90000\r\n",
     .rc = SL_EBADDATA},
    {.name = "rtpmap with bad payload type",
     .in = "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:x H264/90000\r\n",
     .rc = SL_EBADDATA},
    {.name = "fmtp with bad payload type",
     .in = "v=0\r\nm=video 0 RTP/AVP 96\r\na=fmtp:-1 a=b\r\n",
     .rc = SL_EBADDATA},
};

static const struct fmtp_case fmtp_cases[] = {
    {"packetization-mode=1; sprop-parameter-sets=Z/QACp,aOvj; "
     "profile-level-id=F4000A",
     "sprop-parameter-sets", "Z/QACp,aOvj"},
    {"packetization-mode=1; sprop-parameter-sets=Z/QACp,aOvj; "
     "profile-level-id=F4000A",
     "PROFILE-LEVEL-ID", "F4000A"},
    {"packetization-mode=1; sprop-parameter-sets=Z/QACp,aOvj; "
     "profile-level-id=F4000A",
     "packetization-mode", "1"},
    {"packetization-mode=1", "missing", NULL},
    {"cpresent=0;config=40002410adca00", "config", "40002410adca00"},
    {"config2=5;config=7", "config", "7"},
    {"a=1; flag; b = 2 ", "flag", ""},
    {"a=1; flag; b = 2 ", "b", "2"},
    {"sprop-vps=QAEM==; sprop-sps=QgEB=", "sprop-sps", "QgEB="},
    {"x=a=b", "x", "a=b"},
    {";;", "a", NULL},
    {"", "a", NULL},
};


static void
test_parse_table(void **state)
{
    static struct sl_sdp sdp;
    size_t               i, j, k;

    (void)state;
    for (i = 0; i < sizeof(sdp_cases) / sizeof(sdp_cases[0]); i++) {
        const struct sdp_case *c = &sdp_cases[i];
        int                    rc;

        print_message("case: %s\n", c->name);
        rc = sl_sdp_parse(c->in, strlen(c->in), &sdp);
        assert_int_equal(rc, c->rc);
        if (rc < 0) {
            continue;
        }
        if (c->session_name != NULL) {
            assert_true(sl_str_eq_cstr(sdp.session_name, c->session_name));
        }
        if (c->control != NULL) {
            assert_true(sl_str_eq_cstr(sdp.control, c->control));
        }
        assert_int_equal(sdp.nmedia, c->nmedia);
        for (j = 0; j < c->nmedia; j++) {
            const struct media_want   *w = &c->m[j];
            const struct sl_sdp_media *m = &sdp.media[j];

            assert_true(sl_str_eq_cstr(m->type, w->type));
            assert_int_equal(m->port, w->port);
            assert_true(sl_str_eq_cstr(m->control,
                                       w->control == NULL ? "" : w->control));
            assert_int_equal(m->direction, w->direction);
            assert_int_equal(m->nformats, w->nformats);
            for (k = 0; k < w->nformats; k++) {
                const struct fmt_want      *fw = &w->f[k];
                const struct sl_sdp_format *f = &m->formats[k];

                assert_int_equal(f->pt, fw->pt);
                assert_ptr_equal(sl_sdp_media_format(m, fw->pt), f);
                if (fw->encoding == NULL) {
                    assert_int_equal(f->encoding.len, 0);
                } else {
                    assert_true(sl_str_eq_cstr(f->encoding, fw->encoding));
                }
                assert_int_equal(f->clock_rate, fw->clock_rate);
                assert_int_equal(f->channels, fw->channels);
                if (fw->key != NULL) {
                    assert_true(sl_str_eq_cstr(
                        sl_sdp_fmtp_get(f->fmtp, fw->key), fw->value));
                }
            }
        }
    }
}


/* Each media section's raw text runs from its m= line to the next one. */
static void
test_parse_raw_sections(void **state)
{
    static struct sl_sdp sdp;
    const char          *video, *audio;

    (void)state;
    assert_int_equal(
        sl_sdp_parse(ffmpeg_h264_aac, strlen(ffmpeg_h264_aac), &sdp), 0);
    video = strstr(ffmpeg_h264_aac, "m=video");
    audio = strstr(ffmpeg_h264_aac, "m=audio");
    assert_ptr_equal(sdp.media[0].raw.p, video);
    assert_int_equal(sdp.media[0].raw.len, (size_t)(audio - video));
    assert_ptr_equal(sdp.media[1].raw.p, audio);
    assert_int_equal(sdp.media[1].raw.len,
                     strlen(ffmpeg_h264_aac)
                         - (size_t)(audio - ffmpeg_h264_aac));
    assert_true(sl_str_eq_cstr(sdp.origin, "- 0 0 IN IP4 127.0.0.1"));
    assert_true(sl_str_eq_cstr(sdp.connection, "IN IP4 127.0.0.1"));
    assert_true(sl_str_eq_cstr(sdp.media[0].proto, "RTP/AVP"));
}


static void
test_parse_caps(void **state)
{
    static struct sl_sdp sdp;
    static char          buf[SL_SDP_MAX_LEN + 64];
    size_t               n, i;

    (void)state;
    /* SL_SDP_MAX_MEDIA sections are fine, one more is not. */
    n = (size_t)sl_snprintf(buf, sizeof(buf), "v=0\r\n");
    for (i = 0; i < SL_SDP_MAX_MEDIA; i++) {
        n += (size_t)sl_snprintf(buf + n, sizeof(buf) - n,
                                 "m=audio 0 RTP/AVP 0\r\n");
    }
    assert_int_equal(sl_sdp_parse(buf, n, &sdp), 0);
    assert_int_equal(sdp.nmedia, SL_SDP_MAX_MEDIA);
    n += (size_t)sl_snprintf(buf + n, sizeof(buf) - n,
                             "m=audio 0 RTP/AVP 0\r\n");
    assert_int_equal(sl_sdp_parse(buf, n, &sdp), SL_ELIMIT);

    /* SL_SDP_MAX_FORMATS payload types are fine, one more is not. */
    n = (size_t)sl_snprintf(buf, sizeof(buf), "v=0\r\nm=video 0 RTP/AVP");
    for (i = 0; i < SL_SDP_MAX_FORMATS; i++) {
        n += (size_t)sl_snprintf(buf + n, sizeof(buf) - n, " %zu", 96 + i);
    }
    assert_int_equal(sl_sdp_parse(buf, n, &sdp), 0);
    assert_int_equal(sdp.media[0].nformats, SL_SDP_MAX_FORMATS);
    n += (size_t)sl_snprintf(buf + n, sizeof(buf) - n, " 127");
    assert_int_equal(sl_sdp_parse(buf, n, &sdp), SL_ELIMIT);

    /* Text length. */
    n = (size_t)sl_snprintf(buf, sizeof(buf), "v=0\r\na=x:");
    memset(buf + n, 'x', sizeof(buf) - n);
    assert_int_equal(sl_sdp_parse(buf, SL_SDP_MAX_LEN, &sdp), 0);
    assert_int_equal(sl_sdp_parse(buf, SL_SDP_MAX_LEN + 1, &sdp), SL_ELIMIT);
}


/* Truncated descriptions parse or fail cleanly; ASan checks the reads. */
static void
test_parse_prefixes_never_crash(void **state)
{
    static struct sl_sdp sdp;
    size_t               len = strlen(gst_latm_h264), k;

    (void)state;
    for (k = 0; k <= len; k++) {
        char *copy = test_malloc(k > 0 ? k : 1);
        int   rc;

        memcpy(copy, gst_latm_h264, k);
        rc = sl_sdp_parse(copy, k, &sdp);
        assert_true(rc == 0 || rc == SL_EBADDATA);
        if (k >= 5 && rc < 0) {
            /* Only a cut inside an m=, rtpmap or fmtp line can fail. */
            assert_true(k < len);
        }
        test_free(copy);
    }
}


static void
test_fmtp_get_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(fmtp_cases) / sizeof(fmtp_cases[0]); i++) {
        const struct fmtp_case *c = &fmtp_cases[i];
        struct sl_str v = sl_sdp_fmtp_get(sl_str_from(c->fmtp), c->key);

        print_message("case: %s / %s\n", c->fmtp, c->key);
        if (c->want == NULL) {
            assert_null(v.p);
        } else {
            assert_non_null(v.p);
            assert_true(sl_str_eq_cstr(v, c->want));
        }
    }
    assert_null(sl_sdp_fmtp_get(SL_STR_NULL, "a").p);
}


static const struct sl_sdp_writer_media writer_media[] = {
    {.type = "video",
     .pt = 96,
     .encoding = "H264",
     .clock_rate = 90000,
     .fmtp =
         "packetization-mode=1; sprop-parameter-sets=Z0IAHpWoLQSZ,aM48gA==; "
         "profile-level-id=42001E",
     .control = "trackID=0"},
    {.type = "audio",
     .pt = 97,
     .encoding = "mpeg4-generic",
     .clock_rate = 44100,
     .channels = 2,
     .fmtp = "profile-level-id=1; mode=AAC-hbr; sizelength=13; indexlength=3; "
             "indexdeltalength=3; config=1210",
     .control = "trackID=1"},
    {.type = "audio",
     .pt = 0,
     .control = "trackID=2",
     .extra_attrs = "a=ptime:20\r\na=x-extra:1"},
};

static const char writer_want[] =
    "v=0\r\n"
    "o=- 0 0 IN IP4 127.0.0.1\r\n"
    "s=Stream\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "t=0 0\r\n"
    "a=control:*\r\n"
    "m=video 0 RTP/AVP 96\r\n"
    "a=control:trackID=0\r\n"
    "a=rtpmap:96 H264/90000\r\n"
    "a=fmtp:96 packetization-mode=1; "
    "sprop-parameter-sets=Z0IAHpWoLQSZ,aM48gA==; "
    "profile-level-id=42001E\r\n"
    "m=audio 0 RTP/AVP 97\r\n"
    "a=control:trackID=1\r\n"
    "a=rtpmap:97 mpeg4-generic/44100/2\r\n"
    "a=fmtp:97 profile-level-id=1; mode=AAC-hbr; sizelength=13; "
    "indexlength=3; indexdeltalength=3; config=1210\r\n"
    "m=audio 0 RTP/AVP 0\r\n"
    "a=control:trackID=2\r\n"
    "a=ptime:20\r\n"
    "a=x-extra:1\r\n";


static void
test_write(void **state)
{
    struct sl_dbuf b;

    (void)state;
    sl_dbuf_init(&b, 4096);
    assert_int_equal(sl_sdp_write(&b, NULL, writer_media, 3), 0);
    assert_int_equal(b.len, strlen(writer_want));
    assert_memory_equal(sl_dbuf_data(&b), writer_want, b.len);

    sl_dbuf_reset(&b);
    assert_int_equal(sl_sdp_write(&b, "My Cam", NULL, 0), 0);
    assert_true(
        sl_str_eq_cstr((struct sl_str){(const char *)sl_dbuf_data(&b), b.len},
                       "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=My Cam\r\n"
                       "c=IN IP4 0.0.0.0\r\nt=0 0\r\na=control:*\r\n"));
    sl_dbuf_free(&b);
}


/* The parser reads back what the writer produces. */
static void
test_write_roundtrip(void **state)
{
    static struct sl_sdp sdp;
    struct sl_dbuf       b;

    (void)state;
    sl_dbuf_init(&b, 4096);
    assert_int_equal(sl_sdp_write(&b, "Stream", writer_media, 3), 0);
    assert_int_equal(sl_sdp_parse((const char *)sl_dbuf_data(&b), b.len, &sdp),
                     0);
    assert_true(sl_str_eq_cstr(sdp.control, "*"));
    assert_int_equal(sdp.nmedia, 3);
    assert_true(sl_str_eq_cstr(sdp.media[0].control, "trackID=0"));
    assert_true(sl_str_eq_cstr(sdp.media[0].formats[0].encoding, "H264"));
    assert_true(sl_str_eq_cstr(
        sl_sdp_fmtp_get(sdp.media[0].formats[0].fmtp, "sprop-parameter-sets"),
        "Z0IAHpWoLQSZ,aM48gA=="));
    assert_int_equal(sdp.media[1].formats[0].channels, 2);
    assert_true(sl_str_eq_cstr(sdp.media[2].formats[0].encoding, "PCMU"));
    assert_true(sl_str_eq_cstr(sdp.media[2].control, "trackID=2"));
    sl_dbuf_free(&b);
}


static void
test_write_rejects_bad_input(void **state)
{
    static const struct sl_sdp_writer_media bad[] = {
        {.type = NULL, .pt = 96},
        {.type = "vi deo", .pt = 96},
        {.type = "video", .pt = 96, .encoding = "H264\r\na=evil"},
        {.type = "video", .pt = 96, .encoding = ""},
        {.type = "video", .pt = 96, .fmtp = "a=1\nb=2"},
        {.type = "video", .pt = 96, .control = "trackID=0\r\n"},
        {.type = "video", .pt = 96, .extra_attrs = "not an attribute"},
        {.type = "video", .pt = 96, .extra_attrs = "a=ok\r\n=bad"},
    };
    struct sl_dbuf b;
    size_t         i;

    (void)state;
    sl_dbuf_init(&b, 4096);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(sl_sdp_write(&b, "S", &bad[i], 1), SL_EINVAL);
        assert_int_equal(b.len, 0);
    }
    assert_int_equal(sl_sdp_write(&b, "S\r\nX", NULL, 0), SL_EINVAL);
    assert_int_equal(sl_sdp_write(&b, "S", writer_media, SL_SDP_MAX_MEDIA + 1),
                     SL_EINVAL);
    assert_int_equal(b.len, 0);
    sl_dbuf_free(&b);
}


static void
test_write_over_cap_leaves_buffer(void **state)
{
    struct sl_dbuf b;

    (void)state;
    sl_dbuf_init(&b, 200);
    assert_int_equal(sl_dbuf_add_str(&b, "RTSP/1.0 200 OK\r\n"), 0);
    assert_int_equal(sl_sdp_write(&b, NULL, writer_media, 3), SL_ELIMIT);
    assert_int_equal(b.len, 17);
    sl_dbuf_free(&b);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_raw_sections),
        cmocka_unit_test(test_parse_caps),
        cmocka_unit_test(test_parse_prefixes_never_crash),
        cmocka_unit_test(test_fmtp_get_table),
        cmocka_unit_test(test_write),
        cmocka_unit_test(test_write_roundtrip),
        cmocka_unit_test(test_write_rejects_bad_input),
        cmocka_unit_test(test_write_over_cap_leaves_buffer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
