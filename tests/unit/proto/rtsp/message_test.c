/*
 * Tests for src/proto/rtsp/message.c: the RTSP message parser (real
 * ffmpeg and GStreamer requests captured on loopback, responses, every
 * cap, every split point of a partial message, pipelining), interleaved
 * frames and the response writer.
 */
#include "proto/rtsp/message.h"
#include "base/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>


#define ALL 0 /* expected rc: the whole input is one message */
#define BAD(n, i, r)                                                           \
    {                                                                          \
        .name = (n), .in = (i), .rc = (r)                                      \
    }

struct parse_case {
    const char *name;
    const char *in;
    int         rc;
    bool        is_response;
    const char *method; /* request method, or NULL */
    const char *url;
    int         status;
    size_t      nheaders;
    const char *cseq; /* expected CSeq value, NULL if absent */
    const char *body;
};

struct cap_case {
    const char *name;
    size_t      method;
    size_t      url;
    size_t      nheaders;
    size_t      key;
    size_t      value;
    size_t      body;
    int         rc;
};

struct interleaved_case {
    const char *name;
    const char *in;
    size_t      len;
    int         rc;
    uint8_t     channel;
    size_t      payload_len;
};


static void   test_parse_table(void **state);
static void   test_parse_prefixes_return_again(void **state);
static void   test_parse_caps(void **state);
static void   test_parse_over_cap_while_incomplete(void **state);
static void   test_parse_pipelined(void **state);
static void   test_parse_mixed_with_interleaved(void **state);
static void   test_header_get_first_wins(void **state);
static void   test_interleaved_table(void **state);
static void   test_interleaved_header(void **state);
static void   test_reason(void **state);
static void   test_response_write(void **state);
static void   test_response_roundtrip(void **state);
static void   test_response_over_cap_leaves_buffer(void **state);
static int    parse_exact(const char *in, size_t len, struct sl_rtsp_msg *m);
static size_t make_request(char *buf, const struct cap_case *c);


/* Captured from ffmpeg 5.1 (Lavf59.27.100) publishing over TCP. */
static const char ffmpeg_announce[] =
    "ANNOUNCE rtsp://127.0.0.1:18554/cam RTSP/1.0\r\n"
    "Content-Type: application/sdp\r\n"
    "CSeq: 2\r\n"
    "User-Agent: Lavf59.27.100\r\n"
    "Content-Length: 499\r\n"
    "\r\n"
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

/* Captured from GStreamer 1.22 rtspsrc: note the duplicate User-Agent. */
static const char gst_options[] =
    "OPTIONS rtsp://127.0.0.1:18556/cam RTSP/1.0\r\n"
    "CSeq: 1\r\n"
    "User-Agent: GStreamer/1.22.0\r\n"
    "User-Agent: RealMedia Player Version 6.0.9.1235 "
    "(linux-2.0-libc6-i386-gcc2.95)\r\n"
    "ClientChallenge: 9e26d33f2984236010ef6253fb1887f7\r\n"
    "CompanyID: KnKV4M4I/B2FjJ1TToLycw==\r\n"
    "GUID: 00000000-0000-0000-0000-000000000000\r\n"
    "RegionData: 0\r\n"
    "PlayerStarttime: [28/03/2003:22:50:23 00:00]\r\n"
    "ClientID: Linux_2.4_6.0.9.1235_play32_RN01_EN_586\r\n"
    "Date: Mon, 23 Nov 2026 21:40:04 GMT\r\n"
    "\r\n";

static const struct parse_case parse_cases[] = {
    {"ffmpeg OPTIONS",
     "OPTIONS rtsp://127.0.0.1:18554/cam RTSP/1.0\r\n"
     "CSeq: 1\r\n"
     "User-Agent: Lavf59.27.100\r\n"
     "\r\n",
     ALL, false, "OPTIONS", "rtsp://127.0.0.1:18554/cam", 0, 2, "1", ""},
    {"ffmpeg ANNOUNCE with SDP body", ffmpeg_announce, ALL, false, "ANNOUNCE",
     "rtsp://127.0.0.1:18554/cam", 0, 4, "2", NULL},
    {"ffmpeg SETUP interleaved",
     "SETUP rtsp://127.0.0.1:18554/cam/streamid=0 RTSP/1.0\r\n"
     "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=record\r\n"
     "CSeq: 3\r\n"
     "User-Agent: Lavf59.27.100\r\n"
     "\r\n",
     ALL, false, "SETUP", "rtsp://127.0.0.1:18554/cam/streamid=0", 0, 3, "3",
     ""},
    {"ffmpeg DESCRIBE with Digest",
     "DESCRIBE rtsp://127.0.0.1:18555/cam RTSP/1.0\r\n"
     "Accept: application/sdp\r\n"
     "CSeq: 3\r\n"
     "User-Agent: Lavf59.27.100\r\n"
     "Authorization: Digest username=\"alice\", realm=\"Sluice\", "
     "nonce=\"0123456789abcdef0123456789abcdef\", "
     "uri=\"rtsp://127.0.0.1:18555/cam\", "
     "response=\"15904e572cb80df92561eb33f230e678\", algorithm=\"MD5\"\r\n"
     "\r\n",
     ALL, false, "DESCRIBE", "rtsp://127.0.0.1:18555/cam", 0, 4, "3", ""},
    {"GStreamer OPTIONS", gst_options, ALL, false, "OPTIONS",
     "rtsp://127.0.0.1:18556/cam", 0, 10, "1", ""},
    {"GStreamer PLAY",
     "PLAY rtsp://127.0.0.1:18556/cam/ RTSP/1.0\r\n"
     "CSeq: 4\r\n"
     "User-Agent: GStreamer/1.22.0\r\n"
     "Range: npt=0-\r\n"
     "Session: 12345678\r\n"
     "Date: Mon, 23 Nov 2026 21:40:04 GMT\r\n"
     "\r\n",
     ALL, false, "PLAY", "rtsp://127.0.0.1:18556/cam/", 0, 5, "4", ""},
    {"LF-only line ends", "OPTIONS * RTSP/1.0\nCSeq: 7\n\n", ALL, false,
     "OPTIONS", "*", 0, 1, "7", ""},
    {"mixed CRLF and LF", "OPTIONS * RTSP/1.0\r\nCSeq: 7\n\r\n", ALL, false,
     "OPTIONS", "*", 0, 1, "7", ""},
    {"leading keepalive CRLFs are consumed",
     "\r\n\r\n\nOPTIONS * RTSP/1.0\r\nCSeq: 8\r\n\r\n", ALL, false, "OPTIONS",
     "*", 0, 1, "8", ""},
    {"missing CSeq is not a parser error", "OPTIONS * RTSP/1.0\r\n\r\n", ALL,
     false, "OPTIONS", "*", 0, 0, NULL, ""},
    {"header without space after colon", "OPTIONS * RTSP/1.0\r\nCSeq:9\r\n\r\n",
     ALL, false, "OPTIONS", "*", 0, 1, "9", ""},
    {"value with surrounding spaces trimmed",
     "OPTIONS * RTSP/1.0\r\nCSeq: \t 9 \t\r\n\r\n", ALL, false, "OPTIONS", "*",
     0, 1, "9", ""},
    {"empty header value", "OPTIONS * RTSP/1.0\r\nX-Empty:\r\n\r\n", ALL, false,
     "OPTIONS", "*", 0, 1, NULL, ""},
    {"RTSP/2.0 request", "OPTIONS * RTSP/2.0\r\nCSeq: 1\r\n\r\n", ALL, false,
     "OPTIONS", "*", 0, 1, "1", ""},
    {"HTTP tunnel GET",
     "GET /cam HTTP/1.0\r\nx-sessioncookie: abc\r\n"
     "Accept: application/x-rtsp-tunnelled\r\n\r\n",
     ALL, false, "GET", "/cam", 0, 2, NULL, ""},
    {"response 200", "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: x\r\n\r\n", ALL,
     true, NULL, NULL, 200, 2, "1", ""},
    {"response with reason spaces",
     "RTSP/1.0 455 Method Not Valid in This State\r\nCSeq: 3\r\n\r\n", ALL,
     true, NULL, NULL, 455, 1, "3", ""},
    {"response without reason", "RTSP/1.0 404\r\nCSeq: 2\r\n\r\n", ALL, true,
     NULL, NULL, 404, 1, "2", ""},
    {"response with body",
     "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 5\r\n\r\nhello", ALL, true,
     NULL, NULL, 200, 2, "2", "hello"},
    {"content-length zero", "OPTIONS * RTSP/1.0\r\nContent-Length: 0\r\n\r\n",
     ALL, false, "OPTIONS", "*", 0, 1, NULL, ""},
    {"duplicate equal content-length",
     "ANNOUNCE * RTSP/1.0\r\nContent-Length: 4\r\n"
     "content-length: 4\r\n\r\nabcd",
     ALL, false, "ANNOUNCE", "*", 0, 2, NULL, "abcd"},
    {"pipelined: only the first message",
     "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\nOPTIONS * RTSP/1.0\r\n", 31, false,
     "OPTIONS", "*", 0, 1, "1", ""},
    {"body bytes beyond content-length are not consumed",
     "RTSP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nabcdef", 40, true, NULL, NULL,
     200, 1, NULL, "ab"},

    BAD("negative content-length",
        "ANNOUNCE * RTSP/1.0\r\nContent-Length: -1\r\n\r\n", SL_EBADDATA),
    BAD("overflowing content-length",
        "ANNOUNCE * RTSP/1.0\r\nContent-Length: 18446744073709551616\r\n\r\n",
        SL_EBADDATA),
    BAD("huge content-length",
        "ANNOUNCE * RTSP/1.0\r\nContent-Length: "
        "99999999999999999999999999999999\r\n\r\n",
        SL_EBADDATA),
    BAD("content-length over the body cap",
        "ANNOUNCE * RTSP/1.0\r\nContent-Length: 131073\r\n\r\n", SL_ELIMIT),
    BAD("non-numeric content-length",
        "ANNOUNCE * RTSP/1.0\r\nContent-Length: 12abc\r\n\r\n", SL_EBADDATA),
    BAD("signed content-length",
        "ANNOUNCE * RTSP/1.0\r\nContent-Length: +12\r\n\r\n", SL_EBADDATA),
    BAD("empty content-length",
        "ANNOUNCE * RTSP/1.0\r\nContent-Length:\r\n\r\n", SL_EBADDATA),
    BAD("conflicting content-length",
        "ANNOUNCE * RTSP/1.0\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n"
        "abcde",
        SL_EBADDATA),
    BAD("header folding is refused",
        "OPTIONS * RTSP/1.0\r\nX-A: 1\r\n  continued\r\n\r\n", SL_EBADDATA),
    BAD("tab folding is refused",
        "OPTIONS * RTSP/1.0\r\nX-A: 1\r\n\tcontinued\r\n\r\n", SL_EBADDATA),
    BAD("header without colon", "OPTIONS * RTSP/1.0\r\nCSeq 1\r\n\r\n",
        SL_EBADDATA),
    BAD("empty header name", "OPTIONS * RTSP/1.0\r\n: 1\r\n\r\n", SL_EBADDATA),
    BAD("space in header name", "OPTIONS * RTSP/1.0\r\nC Seq: 1\r\n\r\n",
        SL_EBADDATA),
    BAD("space before colon", "OPTIONS * RTSP/1.0\r\nCSeq : 1\r\n\r\n",
        SL_EBADDATA),
    BAD("control byte in value", "OPTIONS * RTSP/1.0\r\nX-A: a\x01z\r\n\r\n",
        SL_EBADDATA),
    BAD("bare CR in value", "OPTIONS * RTSP/1.0\r\nX-A: a\rb\r\n\r\n",
        SL_EBADDATA),
    BAD("unknown protocol", "OPTIONS * FOO/1.0\r\n\r\n", SL_EBADDATA),
    BAD("protocol without version", "OPTIONS * RTSP/\r\n\r\n", SL_EBADDATA),
    BAD("protocol with letters", "OPTIONS * RTSP/1.x\r\n\r\n", SL_EBADDATA),
    BAD("request line with two tokens", "OPTIONS *\r\n\r\n", SL_EBADDATA),
    BAD("request line with four tokens", "OPTIONS * RTSP/1.0 x\r\n\r\n",
        SL_EBADDATA),
    BAD("double space in request line", "OPTIONS  * RTSP/1.0\r\n\r\n",
        SL_EBADDATA),
    BAD("tab in request line", "OPTIONS\t* RTSP/1.0\r\n\r\n", SL_EBADDATA),
    BAD("bad method characters", "OPT(IONS * RTSP/1.0\r\n\r\n", SL_EBADDATA),
    BAD("NUL in request line", "OPTIONS *\0 RTSP/1.0\r\n\r\n", SL_EBADDATA),
    BAD("status with two digits", "RTSP/1.0 20 OK\r\n\r\n", SL_EBADDATA),
    BAD("status with four digits", "RTSP/1.0 2000 OK\r\n\r\n", SL_EBADDATA),
    BAD("status below 100", "RTSP/1.0 099 OK\r\n\r\n", SL_EBADDATA),
    BAD("status not a number", "RTSP/1.0 2x0 OK\r\n\r\n", SL_EBADDATA),
    BAD("status line with bad version", "RTSP/one 200 OK\r\n\r\n", SL_EBADDATA),
    BAD("binary garbage", "\x16\x03\x01\x02\xfc\x01\x03\x03\r\n\r\n",
        SL_EBADDATA),
};

static const struct cap_case cap_cases[] = {
    {"method at cap", SL_RTSP_MAX_METHOD, 16, 1, 4, 1, 0, ALL},
    {"method over cap", SL_RTSP_MAX_METHOD + 1, 16, 1, 4, 1, 0, SL_ELIMIT},
    {"url at cap", 7, SL_RTSP_MAX_URL, 1, 4, 1, 0, ALL},
    {"url over cap", 7, SL_RTSP_MAX_URL + 1, 1, 4, 1, 0, SL_ELIMIT},
    {"header count at cap", 7, 16, SL_RTSP_MAX_HEADERS, 4, 1, 0, ALL},
    {"header count over cap", 7, 16, SL_RTSP_MAX_HEADERS + 1, 4, 1, 0,
     SL_ELIMIT},
    {"key at cap", 7, 16, 1, SL_RTSP_MAX_KEY, 1, 0, ALL},
    {"key over cap", 7, 16, 1, SL_RTSP_MAX_KEY + 1, 1, 0, SL_ELIMIT},
    {"value at cap", 7, 16, 1, 4, SL_RTSP_MAX_VALUE, 0, ALL},
    {"value over cap", 7, 16, 1, 4, SL_RTSP_MAX_VALUE + 1, 0, SL_ELIMIT},
    {"header block over cap", 7, 16, 40, 8, 2000, 0, SL_ELIMIT},
    {"body at cap", 8, 16, 0, 4, 1, SL_RTSP_MAX_BODY, ALL},
    {"body over cap", 8, 16, 0, 4, 1, SL_RTSP_MAX_BODY + 1, SL_ELIMIT},
};

static const struct interleaved_case interleaved_cases[] = {
    {"empty", "", 0, SL_EAGAIN, 0, 0},
    {"dollar only", "$", 1, SL_EAGAIN, 0, 0},
    {"partial header", "$\x01\x00", 3, SL_EAGAIN, 0, 0},
    {"empty payload", "$\x01\x00\x00", 4, 4, 1, 0},
    {"rtp on channel 0",
     "$\x00\x00\x03"
     "abc",
     7, 7, 0, 3},
    {"rtcp on channel 3",
     "$\x03\x00\x02"
     "ab",
     6, 6, 3, 2},
    {"partial payload",
     "$\x00\x00\x04"
     "abc",
     7, SL_EAGAIN, 0, 0},
    {"two frames: first only", "$\x00\x00\x01X$\x01\x00\x01Y", 10, 5, 0, 1},
    {"not a frame", "RTSP/1.0 200 OK\r\n", 17, SL_EBADDATA, 0, 0},
    {"max length announced", "$\x00\xff\xff", 4, SL_EAGAIN, 0, 0},
};

/* The parser output is 8 KiB: keep it off the test stack. */
static struct sl_rtsp_msg msg;
static char big[SL_RTSP_MAX_HEADER_BLOCK + SL_RTSP_MAX_BODY + 4096];


/* Parses a heap copy of exactly len bytes, so ASan sees any over-read. */
static int
parse_exact(const char *in, size_t len, struct sl_rtsp_msg *m)
{
    uint8_t *copy = test_malloc(len > 0 ? len : 1);
    int      rc;

    memcpy(copy, in, len);
    rc = sl_rtsp_parse(copy, len, m);
    test_free(copy);
    return rc;
}


static void
test_parse_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const struct parse_case *c = &parse_cases[i];
        size_t                   len = strlen(c->in);
        int                      want = c->rc == ALL ? (int)len : c->rc;
        struct sl_str            cseq;
        int                      rc;

        if (strcmp(c->name, "NUL in request line") == 0) {
            len = sizeof("OPTIONS *\0 RTSP/1.0\r\n\r\n") - 1;
        }
        rc = sl_rtsp_parse((const uint8_t *)c->in, len, &msg);
        print_message("case: %s\n", c->name);
        assert_int_equal(rc, want);
        if (rc < 0) {
            continue;
        }
        assert_int_equal(msg.is_response, c->is_response);
        if (c->method != NULL) {
            assert_true(sl_str_eq_cstr(msg.method, c->method));
            assert_true(sl_str_eq_cstr(msg.url, c->url));
        } else {
            assert_int_equal(msg.status, c->status);
            assert_true(sl_str_has_prefix(msg.proto, "RTSP/"));
        }
        assert_int_equal(msg.nheaders, c->nheaders);
        cseq = sl_rtsp_header_get(&msg, "cseq");
        if (c->cseq == NULL) {
            assert_null(cseq.p);
        } else {
            assert_true(sl_str_eq_cstr(cseq, c->cseq));
        }
        if (c->body != NULL) {
            assert_true(sl_str_eq_cstr(msg.body, c->body));
        }
    }
    /* The ANNOUNCE body is the whole SDP. */
    assert_int_equal(sl_rtsp_parse((const uint8_t *)ffmpeg_announce,
                                   strlen(ffmpeg_announce), &msg),
                     (int)strlen(ffmpeg_announce));
    assert_int_equal(msg.body.len, 499);
    assert_true(sl_str_has_prefix(msg.body, "v=0\r\n"));
}


/* Feeding any strict prefix of a valid message must return SL_EAGAIN. */
static void
test_parse_prefixes_return_again(void **state)
{
    size_t i, k;

    (void)state;
    for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const struct parse_case *c = &parse_cases[i];
        size_t want = c->rc == ALL ? strlen(c->in) : (size_t)c->rc;

        if (c->rc < 0) {
            continue;
        }
        for (k = 0; k < want; k++) {
            int rc = parse_exact(c->in, k, &msg);

            if (rc != SL_EAGAIN) {
                print_error("%s: prefix %zu returned %d\n", c->name, k, rc);
            }
            assert_int_equal(rc, SL_EAGAIN);
        }
        assert_int_equal(parse_exact(c->in, want, &msg), (int)want);
    }
}


/* Builds "<M...> rtsp://h/<a...> RTSP/1.0" + headers + body into buf. */
static size_t
make_request(char *buf, const struct cap_case *c)
{
    size_t n = 0, i;

    memset(buf + n, 'M', c->method);
    n += c->method;
    memcpy(buf + n, " rtsp://h/", 10);
    n += 10;
    memset(buf + n, 'a', c->url - 9);
    n += c->url - 9;
    memcpy(buf + n, " RTSP/1.0\r\n", 11);
    n += 11;
    for (i = 0; i < c->nheaders; i++) {
        memset(buf + n, 'k', c->key);
        n += c->key;
        buf[n++] = ':';
        buf[n++] = ' ';
        memset(buf + n, 'v', c->value);
        n += c->value;
        buf[n++] = '\r';
        buf[n++] = '\n';
    }
    if (c->body > 0) {
        n += (size_t)sl_snprintf(buf + n, 64, "Content-Length: %zu\r\n",
                                 c->body);
    }
    buf[n++] = '\r';
    buf[n++] = '\n';
    memset(buf + n, 'b', c->body);
    return n + c->body;
}


static void
test_parse_caps(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cap_cases) / sizeof(cap_cases[0]); i++) {
        const struct cap_case *c = &cap_cases[i];
        size_t                 len = make_request(big, c);
        int                    rc = parse_exact(big, len, &msg);

        print_message("case: %s\n", c->name);
        assert_int_equal(rc, c->rc == ALL ? (int)len : c->rc);
        if (rc > 0) {
            assert_int_equal(msg.nheaders, c->nheaders + (c->body > 0));
            assert_int_equal(msg.method.len, c->method);
            assert_int_equal(msg.url.len, c->url);
            assert_int_equal(msg.body.len, c->body);
        }
    }
}


/* Caps apply before the message is complete: no waiting for 64 KiB. */
static void
test_parse_over_cap_while_incomplete(void **state)
{
    static const struct cap_case block = {"", 7, 16, 40, 8, 2000, 0, 0};
    size_t                       len;

    (void)state;
    /* A header block past the cap, without its blank line. */
    len = make_request(big, &block);
    assert_int_equal(parse_exact(big, len - 2, &msg), SL_ELIMIT);

    /* A line past the line cap without LF. */
    memcpy(big, "OPTIONS * RTSP/1.0\r\nX-A: ", 25);
    memset(big + 25, 'x', SL_RTSP_MAX_LINE + 10);
    assert_int_equal(parse_exact(big, 25 + SL_RTSP_MAX_LINE + 10, &msg),
                     SL_ELIMIT);
    /* The same line, shorter: still waiting. */
    assert_int_equal(parse_exact(big, 25 + 100, &msg), SL_EAGAIN);

    /* Endless keepalive noise. */
    memset(big, '\n', SL_RTSP_MAX_HEADER_BLOCK + 10);
    assert_int_equal(parse_exact(big, SL_RTSP_MAX_HEADER_BLOCK + 10, &msg),
                     SL_ELIMIT);
    assert_int_equal(parse_exact(big, 100, &msg), SL_EAGAIN);
    assert_int_equal(sl_rtsp_skip_noise((const uint8_t *)big, 100), 100);
}


/* A client that sends several requests in one segment. */
static void
test_parse_pipelined(void **state)
{
    static const char *methods[] = {"OPTIONS", "ANNOUNCE", "SETUP", "RECORD"};
    char               buf[2048];
    size_t             n = 0, pos = 0, i;
    int                rc;

    (void)state;
    n += (size_t)sl_snprintf(buf + n, sizeof(buf) - n, "%s",
                             "OPTIONS rtsp://h/cam RTSP/1.0\r\nCSeq: 1\r\n"
                             "\r\n\r\n");
    n += (size_t)sl_snprintf(buf + n, sizeof(buf) - n, "%s", ffmpeg_announce);
    n += (size_t)sl_snprintf(
        buf + n, sizeof(buf) - n, "%s",
        "SETUP rtsp://h/cam/streamid=0 RTSP/1.0\nCSeq: 3\n"
        "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=record\n\n"
        "RECORD rtsp://h/cam RTSP/1.0\r\nCSeq: 4\r\nSession: 1\r\n\r\n"
        "TEARDOWN rtsp://h/cam RTSP/1.0\r\n");
    for (i = 0; i < 4; i++) {
        rc = sl_rtsp_parse((const uint8_t *)buf + pos, n - pos, &msg);
        assert_true(rc > 0);
        assert_true(sl_str_eq_cstr(msg.method, methods[i]));
        pos += (size_t)rc;
    }
    assert_int_equal(sl_rtsp_parse((const uint8_t *)buf + pos, n - pos, &msg),
                     SL_EAGAIN);
}


/* RTP over TCP interleaved with RTSP messages, as a TCP publisher sends. */
static void
test_parse_mixed_with_interleaved(void **state)
{
    static const char in[] = "$\x00\x00\x04"
                             "abcd"
                             "GET_PARAMETER rtsp://h/cam RTSP/1.0\r\n"
                             "CSeq: 9\r\nSession: 1\r\n\r\n"
                             "$\x01\x00\x02"
                             "xy";
    size_t            len = sizeof(in) - 1, pos = 0;
    int               frames = 0, messages = 0;
    uint8_t           ch;
    struct sl_str     payload;
    int               rc;

    (void)state;
    while (pos < len) {
        const uint8_t *p = (const uint8_t *)in + pos;

        if (p[0] == '$') {
            rc = sl_rtsp_parse_interleaved(p, len - pos, &ch, &payload);
            frames++;
        } else {
            rc = sl_rtsp_parse(p, len - pos, &msg);
            messages++;
        }
        assert_true(rc > 0);
        pos += (size_t)rc;
    }
    assert_int_equal(frames, 2);
    assert_int_equal(messages, 1);
    assert_int_equal(ch, 1);
    assert_true(sl_str_eq_cstr(payload, "xy"));
}


static void
test_header_get_first_wins(void **state)
{
    struct sl_str v;

    (void)state;
    assert_int_equal(
        sl_rtsp_parse((const uint8_t *)gst_options, strlen(gst_options), &msg),
        (int)strlen(gst_options));
    v = sl_rtsp_header_get(&msg, "user-agent");
    assert_true(sl_str_eq_cstr(v, "GStreamer/1.22.0"));
    v = sl_rtsp_header_get(&msg, "USER-AGENT");
    assert_true(sl_str_eq_cstr(v, "GStreamer/1.22.0"));
    v = sl_rtsp_header_get(&msg, "Session");
    assert_null(v.p);
    v = sl_rtsp_header_get(&msg, "PlayerStarttime");
    assert_true(sl_str_eq_cstr(v, "[28/03/2003:22:50:23 00:00]"));
}


static void
test_interleaved_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(interleaved_cases) / sizeof(interleaved_cases[0]);
         i++) {
        const struct interleaved_case *c = &interleaved_cases[i];
        uint8_t      *copy = test_malloc(c->len > 0 ? c->len : 1);
        uint8_t       ch = 0xee;
        struct sl_str payload = {NULL, 0};
        int           rc;

        memcpy(copy, c->in, c->len);
        rc = sl_rtsp_parse_interleaved(copy, c->len, &ch, &payload);
        print_message("case: %s\n", c->name);
        assert_int_equal(rc, c->rc);
        if (rc > 0) {
            assert_int_equal(ch, c->channel);
            assert_int_equal(payload.len, c->payload_len);
            assert_ptr_equal(payload.p, (const char *)copy + 4);
        }
        test_free(copy);
    }
}


static void
test_interleaved_header(void **state)
{
    uint8_t       h[4];
    uint8_t       frame[4 + 300];
    uint8_t       ch;
    struct sl_str payload;

    (void)state;
    assert_int_equal(sl_rtsp_interleaved_header(h, 2, 300), 0);
    assert_memory_equal(h, "$\x02\x01\x2c", 4);
    assert_int_equal(sl_rtsp_interleaved_header(h, 0, 65535), 0);
    assert_int_equal(sl_rtsp_interleaved_header(h, 0, 65536), SL_ELIMIT);

    assert_int_equal(sl_rtsp_interleaved_header(frame, 7, 300), 0);
    memset(frame + 4, 'p', 300);
    assert_int_equal(
        sl_rtsp_parse_interleaved(frame, sizeof(frame), &ch, &payload), 304);
    assert_int_equal(ch, 7);
    assert_int_equal(payload.len, 300);
}


static void
test_reason(void **state)
{
    static const struct {
        int         status;
        const char *text;
    } cases[] = {
        {200, "OK"},
        {401, "Unauthorized"},
        {404, "Not Found"},
        {454, "Session Not Found"},
        {455, "Method Not Valid in This State"},
        {461, "Unsupported Transport"},
        {500, "Internal Server Error"},
        {299, "Unknown"},
        {-1, "Unknown"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_string_equal(sl_rtsp_reason(cases[i].status), cases[i].text);
    }
}


static void
test_response_write(void **state)
{
    static const struct {
        int         status;
        const char *cseq;
        const char *server;
        const char *header; /* appended between begin and end */
        const char *body;
        const char *want;
    } cases[] = {
        {200, "1", "Sluice", "Public: DESCRIBE, SETUP\r\n", "",
         "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Sluice\r\n"
         "Public: DESCRIBE, SETUP\r\n\r\n"},
        {404, "", "Sluice", "", "",
         "RTSP/1.0 404 Not Found\r\nServer: Sluice\r\n\r\n"},
        {461, "12", NULL, "", "",
         "RTSP/1.0 461 Unsupported Transport\r\nCSeq: 12\r\n\r\n"},
        {200, "3", "Sluice", "Content-Type: application/sdp\r\n", "v=0\r\n",
         "RTSP/1.0 200 OK\r\nCSeq: 3\r\nServer: Sluice\r\n"
         "Content-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n"},
        /* A CSeq that would inject a header is dropped. */
        {400, "1\r\nX-Evil: 1", "Sluice", "", "",
         "RTSP/1.0 400 Bad Request\r\nServer: Sluice\r\n\r\n"},
    };
    struct sl_dbuf b;
    size_t         i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sl_dbuf_init(&b, 4096);
        assert_int_equal(sl_rtsp_response_begin(&b, cases[i].status,
                                                sl_str_from(cases[i].cseq),
                                                cases[i].server),
                         0);
        assert_int_equal(sl_dbuf_add_str(&b, cases[i].header), 0);
        assert_int_equal(
            sl_rtsp_response_end(&b, cases[i].body, strlen(cases[i].body)), 0);
        assert_int_equal(b.len, strlen(cases[i].want));
        assert_memory_equal(sl_dbuf_data(&b), cases[i].want, b.len);
        sl_dbuf_free(&b);
    }
}


/* What the writer produces, the parser reads back. */
static void
test_response_roundtrip(void **state)
{
    struct sl_dbuf b;
    char           body[3000];

    (void)state;
    memset(body, 's', sizeof(body));
    sl_dbuf_init(&b, 8192);
    assert_int_equal(
        sl_rtsp_response_begin(&b, 200, sl_str_lit("42"), "Sluice"), 0);
    assert_int_equal(
        sl_dbuf_printf(&b, "Session: %s;timeout=%d\r\n", "abcd", 55), 0);
    assert_int_equal(sl_rtsp_response_end(&b, body, sizeof(body)), 0);
    assert_int_equal(sl_rtsp_parse(sl_dbuf_data(&b), b.len, &msg), (int)b.len);
    assert_true(msg.is_response);
    assert_int_equal(msg.status, 200);
    assert_true(sl_str_eq_cstr(msg.reason, "OK"));
    assert_true(sl_str_eq_cstr(sl_rtsp_header_get(&msg, "CSeq"), "42"));
    assert_true(
        sl_str_eq_cstr(sl_rtsp_header_get(&msg, "Session"), "abcd;timeout=55"));
    assert_int_equal(msg.body.len, sizeof(body));
    sl_dbuf_free(&b);
}


static void
test_response_over_cap_leaves_buffer(void **state)
{
    struct sl_dbuf b;
    char           body[100];

    (void)state;
    memset(body, 'x', sizeof(body));
    sl_dbuf_init(&b, 64);
    assert_int_equal(sl_rtsp_response_begin(&b, 200, sl_str_lit("1"), "S"), 0);
    assert_int_equal(b.len, 37);
    assert_int_equal(sl_rtsp_response_end(&b, body, sizeof(body)), SL_ELIMIT);
    assert_int_equal(b.len, 37);
    assert_int_equal(sl_rtsp_response_begin(&b, 200, sl_str_lit("1"), "S"),
                     SL_ELIMIT);
    assert_int_equal(b.len, 37);
    assert_int_equal(sl_rtsp_response_end(&b, NULL, 0), 0);
    assert_int_equal(b.len, 39);
    sl_dbuf_free(&b);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_prefixes_return_again),
        cmocka_unit_test(test_parse_caps),
        cmocka_unit_test(test_parse_over_cap_while_incomplete),
        cmocka_unit_test(test_parse_pipelined),
        cmocka_unit_test(test_parse_mixed_with_interleaved),
        cmocka_unit_test(test_header_get_first_wins),
        cmocka_unit_test(test_interleaved_table),
        cmocka_unit_test(test_interleaved_header),
        cmocka_unit_test(test_reason),
        cmocka_unit_test(test_response_write),
        cmocka_unit_test(test_response_roundtrip),
        cmocka_unit_test(test_response_over_cap_leaves_buffer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
