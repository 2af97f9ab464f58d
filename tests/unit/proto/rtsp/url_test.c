/*
 * Tests for src/proto/rtsp/url.c: RTSP URL parsing (credentials, IPv6
 * literals, ports, queries, bare paths) and SETUP control splitting in the
 * forms ffmpeg, GStreamer and VLC use.
 */
#include "proto/rtsp/url.h"
#include "base/err.h"
#include "proto/rtsp/message.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>


/* Expected fields; NULL means "empty". */
struct url_case {
    const char *in;
    int         rc;
    const char *scheme;
    const char *user;
    const char *pass;
    const char *host;
    const char *port;
    const char *path;
    const char *query;
};

struct control_case {
    const char *path;
    const char *query;
    int         rc;
    const char *base;
    int         track;
};


static void test_url_table(void **state);
static void test_url_caps(void **state);
static void test_split_control_table(void **state);
static void test_url_then_control(void **state);
static void assert_slice(struct sl_str s, const char *want);


#define BAD(i, r)                                                              \
    {                                                                          \
        .in = (i), .rc = (r)                                                   \
    }

static const struct url_case url_cases[] = {
    {"rtsp://127.0.0.1:8554/cam", 0, "rtsp", NULL, NULL, "127.0.0.1", "8554",
     "cam", NULL},
    {"rtsp://alice:secret@127.0.0.1:8554/cam/sub?token=x&y=1", 0, "rtsp",
     "alice", "secret", "127.0.0.1", "8554", "cam/sub", "token=x&y=1"},
    {"rtsps://[::1]:8322/cam", 0, "rtsps", NULL, NULL, "::1", "8322", "cam",
     NULL},
    {"rtsp://[::1]/cam", 0, "rtsp", NULL, NULL, "::1", NULL, "cam", NULL},
    {"rtsp://u:p@[2001:db8::7]:554/a/b?c", 0, "rtsp", "u", "p", "2001:db8::7",
     "554", "a/b", "c"},
    {"RTSP://Camera.Local/Stream1", 0, "RTSP", NULL, NULL, "Camera.Local", NULL,
     "Stream1", NULL},
    {"rtsp://host", 0, "rtsp", NULL, NULL, "host", NULL, NULL, NULL},
    {"rtsp://host/", 0, "rtsp", NULL, NULL, "host", NULL, NULL, NULL},
    {"rtsp://host?x=1", 0, "rtsp", NULL, NULL, "host", NULL, NULL, "x=1"},
    {"rtsp://host:/cam", 0, "rtsp", NULL, NULL, "host", NULL, "cam", NULL},
    {"rtsp://user@host/p", 0, "rtsp", "user", NULL, "host", NULL, "p", NULL},
    {"rtsp://u:p@ss@host/p", 0, "rtsp", "u", "p@ss", "host", NULL, "p", NULL},
    {"rtsp://u:@host/p", 0, "rtsp", "u", NULL, "host", NULL, "p", NULL},
    {"rtsp://h/cam/trackID=0", 0, "rtsp", NULL, NULL, "h", NULL,
     "cam/trackID=0", NULL},
    {"rtsp://h/cam/?trackID=0", 0, "rtsp", NULL, NULL, "h", NULL, "cam/",
     "trackID=0"},
    {"rtsp://h/a%20b", 0, "rtsp", NULL, NULL, "h", NULL, "a%20b", NULL},
    {"/cam?vlcmulticast", 0, NULL, NULL, NULL, NULL, NULL, "cam",
     "vlcmulticast"},
    {"/", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"*", 0, NULL, NULL, NULL, NULL, NULL, "*", NULL},
    BAD("http://host/x", SL_EBADDATA),
    BAD("rtspx://host/x", SL_EBADDATA),
    BAD("rtsp:/host/x", SL_EBADDATA),
    BAD("rtsp:host", SL_EBADDATA),
    BAD("rtsp://", SL_EBADDATA),
    BAD("rtsp:///cam", SL_EBADDATA),
    BAD("rtsp://:554/x", SL_EBADDATA),
    BAD("rtsp://u:p@/x", SL_EBADDATA),
    BAD("rtsp://h:99999/", SL_EBADDATA),
    BAD("rtsp://h:0/", SL_EBADDATA),
    BAD("rtsp://h:-1/", SL_EBADDATA),
    BAD("rtsp://h:8a/", SL_EBADDATA),
    BAD("rtsp://[::1/x", SL_EBADDATA),
    BAD("rtsp://[::1]x/", SL_EBADDATA),
    BAD("rtsp://[]/x", SL_EBADDATA),
    BAD("rtsp://::1/x", SL_EBADDATA),
    BAD("rtsp://h]/x", SL_EBADDATA),
    BAD("rtsp://h/a b", SL_EBADDATA),
    BAD("rtsp://h/a\tb", SL_EBADDATA),
    BAD("rtsp://h/a\x7f", SL_EBADDATA),
    BAD("cam", SL_EBADDATA),
    BAD("", SL_EBADDATA),
};

static const struct control_case control_cases[] = {
    {"cam/trackID=1", "", 0, "cam", 1},
    {"cam/trackID=1", "x", 0, "cam", 1},
    {"cam", "trackID=1", 0, "cam", 1},
    {"cam/", "trackID=2", 0, "cam", 2},
    {"cam/", "", 0, "cam", -1},
    {"cam", "", 0, "cam", -1},
    {"cam/streamid=0", "", 0, "cam", 0}, /* ffmpeg publishing */
    {"cam/stream=1", "", 0, "cam", 1},   /* GStreamer rtspclientsink */
    {"cam/trackid=5", "", 0, "cam", 5},  /* case of the name is free */
    {"a/b/trackID=3", "", 0, "a/b", 3},
    {"a/b/", "", 0, "a/b", -1},
    {"trackID=0", "", 0, "", 0},
    {"cam", "user=5", 0, "cam", -1}, /* only trackID in the query */
    {"cam", "a=b&trackID=4", 0, "cam", 4},
    {"cam", "TRACKID=4&a=b", 0, "cam", 4},
    {"cam/trackID=1", "trackID=2", 0, "cam", 1}, /* the path form wins */
    {"cam/trackID=abc", "", 0, "cam/trackID=abc", -1},
    {"cam/trackID=", "", 0, "cam/trackID=", -1},
    {"cam/=1", "", 0, "cam/=1", -1},
    {"cam/track1", "", 0, "cam/track1", -1},
    {"cam/trackID=1023", "", 0, "cam", 1023},
    {"cam/trackID=1024", "", SL_ELIMIT, NULL, 0},
    {"cam/trackID=99999999999999999999", "", SL_ELIMIT, NULL, 0},
    {"cam", "trackID=99999", SL_ELIMIT, NULL, 0},
    {"c m/trackID=1", "", SL_EBADDATA, NULL, 0},
};


static void
assert_slice(struct sl_str s, const char *want)
{
    if (want == NULL) {
        assert_int_equal(s.len, 0);
        return;
    }
    if (!sl_str_eq_cstr(s, want)) {
        print_error("got '%.*s', want '%s'\n", (int)s.len,
                    s.p == NULL ? "" : s.p, want);
        fail();
    }
}


static void
test_url_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
        const struct url_case *c = &url_cases[i];
        struct sl_rtsp_url     u;
        int                    rc;

        print_message("case: %s\n", c->in);
        memset(&u, 0xa5, sizeof(u));
        rc = sl_rtsp_url_parse(sl_str_from(c->in), &u);
        assert_int_equal(rc, c->rc);
        if (rc < 0) {
            continue;
        }
        assert_slice(u.scheme, c->scheme);
        assert_slice(u.user, c->user);
        assert_slice(u.pass, c->pass);
        assert_slice(u.host, c->host);
        assert_slice(u.port, c->port);
        assert_slice(u.path, c->path);
        assert_slice(u.query, c->query);
    }
}


static void
test_url_caps(void **state)
{
    char               url[SL_RTSP_MAX_URL + 2];
    struct sl_rtsp_url u;

    (void)state;
    memcpy(url, "rtsp://h/", 9);
    memset(url + 9, 'a', sizeof(url) - 9);
    assert_int_equal(
        sl_rtsp_url_parse((struct sl_str){url, SL_RTSP_MAX_URL}, &u), 0);
    assert_int_equal(u.path.len, SL_RTSP_MAX_URL - 9);
    assert_int_equal(
        sl_rtsp_url_parse((struct sl_str){url, SL_RTSP_MAX_URL + 1}, &u),
        SL_ELIMIT);
}


static void
test_split_control_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(control_cases) / sizeof(control_cases[0]); i++) {
        const struct control_case *c = &control_cases[i];
        struct sl_str              base = {NULL, 0};
        int                        track = -7;
        int                        rc;

        print_message("case: %s ? %s\n", c->path, c->query);
        rc = sl_rtsp_split_control(sl_str_from(c->path), sl_str_from(c->query),
                                   &base, &track);
        assert_int_equal(rc, c->rc);
        if (rc < 0) {
            assert_int_equal(track, -7);
            continue;
        }
        assert_true(sl_str_eq_cstr(base, c->base));
        assert_int_equal(track, c->track);
    }
}


/* The path a server gets from a real SETUP request line. */
static void
test_url_then_control(void **state)
{
    static const struct {
        const char *url;
        const char *base;
        int         track;
    } cases[] = {
        {"rtsp://127.0.0.1:18555/cam/trackID=0", "cam", 0},
        {"rtsp://127.0.0.1:18554/cam/streamid=1", "cam", 1},
        {"rtsp://127.0.0.1:18557/cam/stream=0", "cam", 0},
        {"rtsp://h:8554/group/cam?trackID=1", "group/cam", 1},
        {"rtsp://h:8554/cam/trackID=1?token=abc", "cam", 1},
        {"rtsp://127.0.0.1:18556/cam/", "cam", -1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sl_rtsp_url u;
        struct sl_str      base;
        int                track;

        assert_int_equal(sl_rtsp_url_parse(sl_str_from(cases[i].url), &u), 0);
        assert_int_equal(sl_rtsp_split_control(u.path, u.query, &base, &track),
                         0);
        assert_true(sl_str_eq_cstr(base, cases[i].base));
        assert_int_equal(track, cases[i].track);
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_table),
        cmocka_unit_test(test_url_caps),
        cmocka_unit_test(test_split_control_table),
        cmocka_unit_test(test_url_then_control),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
