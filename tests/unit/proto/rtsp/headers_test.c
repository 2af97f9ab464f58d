/*
 * Tests for src/proto/rtsp/headers.c: Transport (as ffmpeg, GStreamer and
 * servers send it, with alternatives), Session, Range and CSeq.
 */
#include "proto/rtsp/headers.h"
#include "base/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>


struct transport_case {
    const char              *in;
    size_t                   max;
    int                      rc;
    struct sl_rtsp_transport want[3]; /* destination/source left empty */
    const char              *dest;    /* of want[0] */
    const char              *src;
};

struct write_case {
    struct sl_rtsp_transport t;
    const char              *want;
};

struct session_case {
    const char *in;
    int         rc;
    const char *id;
    bool        has_timeout;
    uint32_t    timeout;
};

struct range_case {
    const char *in;
    int         rc;
    int         type;
    bool        has_start;
    double      start;
    bool        has_end;
    double      end;
    bool        start_now;
};

struct cseq_case {
    const char *in;
    int         rc;
    uint32_t    value;
};


static void test_transport_table(void **state);
static void test_transport_write(void **state);
static void test_transport_roundtrip(void **state);
static void test_transport_write_rejects_injection(void **state);
static void test_session_table(void **state);
static void test_range_table(void **state);
static void test_cseq_table(void **state);
static void assert_transport(const struct sl_rtsp_transport *got,
                             const struct sl_rtsp_transport *want);


#define UDP SL_RTSP_PROTO_UDP
#define TCP SL_RTSP_PROTO_TCP
#define BAD(i, r)                                                              \
    {                                                                          \
        .in = (i), .max = 3, .rc = (r)                                         \
    }
#define FAIL(i, r)                                                             \
    {                                                                          \
        .in = (i), .rc = (r)                                                   \
    }

static const struct transport_case transport_cases[] = {
    /* ffmpeg reading over UDP. */
    {.in = "RTP/AVP/UDP;unicast;client_port=11290-11291",
     .max = 3,
     .rc = 1,
     .want = {{.proto = UDP,
               .has_unicast = true,
               .has_client_port = true,
               .client_port = {11290, 11291}}}},
    /* ffmpeg publishing over TCP. */
    {.in = "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
     .max = 3,
     .rc = 1,
     .want = {{.proto = TCP,
               .has_unicast = true,
               .has_interleaved = true,
               .interleaved = {0, 1},
               .mode = SL_RTSP_MODE_RECORD}}},
    /* GStreamer rtspclientsink over TCP and UDP. */
    {.in = "RTP/AVP/TCP;unicast;interleaved=2-3;mode=RECORD",
     .max = 3,
     .rc = 1,
     .want = {{.proto = TCP,
               .has_unicast = true,
               .has_interleaved = true,
               .interleaved = {2, 3},
               .mode = SL_RTSP_MODE_RECORD}}},
    {.in = "RTP/AVP/UDP;unicast;client_port=34774-34775;mode=RECORD",
     .max = 3,
     .rc = 1,
     .want = {{.proto = UDP,
               .has_unicast = true,
               .has_client_port = true,
               .client_port = {34774, 34775},
               .mode = SL_RTSP_MODE_RECORD}}},
    {.in = "RTP/AVP;unicast;client_port=5000-5001;mode=record",
     .max = 3,
     .rc = 1,
     .want = {{.proto = UDP,
               .has_unicast = true,
               .has_client_port = true,
               .client_port = {5000, 5001},
               .mode = SL_RTSP_MODE_RECORD}}},
    /* GStreamer rtspsrc. */
    {.in = "RTP/AVP;unicast;client_port=53102-53103",
     .max = 3,
     .rc = 1,
     .want = {{.proto = UDP,
               .has_unicast = true,
               .has_client_port = true,
               .client_port = {53102, 53103}}}},
    /* Alternatives, in the client's order of preference. */
    {.in = "RTP/AVP;multicast;port=5000-5001;ttl=16,"
           "RTP/AVP;unicast;client_port=5002-5003, "
           "RTP/AVP/TCP;unicast;interleaved=0-1",
     .max = 3,
     .rc = 3,
     .want = {{.proto = UDP,
               .multicast = true,
               .has_port = true,
               .port = {5000, 5001},
               .has_ttl = true,
               .ttl = 16},
              {.proto = UDP,
               .has_unicast = true,
               .has_client_port = true,
               .client_port = {5002, 5003}},
              {.proto = TCP,
               .has_unicast = true,
               .has_interleaved = true,
               .interleaved = {0, 1}}}},
    {.in = "RTP/AVP;unicast;client_port=5002-5003,RTP/AVP/TCP;unicast;"
           "interleaved=0-1,RTP/AVP;unicast;client_port=x",
     .max = 2,
     .rc = 2,
     .want = {{.proto = UDP,
               .has_unicast = true,
               .has_client_port = true,
               .client_port = {5002, 5003}},
              {.proto = TCP,
               .has_unicast = true,
               .has_interleaved = true,
               .interleaved = {0, 1}}}},
    /* Unknown transports are skipped. */
    {.in = "RAW/RAW/UDP;unicast;client_port=1-2, RTP/AVP/TCP;interleaved=4",
     .max = 3,
     .rc = 1,
     .want = {{.proto = TCP, .has_interleaved = true, .interleaved = {4, 5}}}},
    /* A server's reply with everything. */
    {.in = "RTP/AVP;unicast;destination=127.0.0.1;source=\"10.0.0.1\";"
           "client_port=5000-5001;server_port=9000-9001;ssrc=DEADBEEF;"
           "mode=\"PLAY\"",
     .max = 3,
     .rc = 1,
     .want = {{.proto = UDP,
               .has_unicast = true,
               .has_client_port = true,
               .client_port = {5000, 5001},
               .has_server_port = true,
               .server_port = {9000, 9001},
               .has_ssrc = true,
               .ssrc = 0xdeadbeef,
               .mode = SL_RTSP_MODE_PLAY}},
     .dest = "127.0.0.1",
     .src = "10.0.0.1"},
    {.in = "RTP/SAVP;unicast;client_port=5000",
     .max = 3,
     .rc = 1,
     .want = {{.proto = UDP,
               .secure = true,
               .has_unicast = true,
               .has_client_port = true,
               .client_port = {5000, 5001}}}},
    {.in = "rtp/avp/tcp ; UNICAST ; Interleaved = 6-7 ; ssrc=1a",
     .max = 3,
     .rc = 1,
     .want = {{.proto = TCP,
               .has_unicast = true,
               .has_interleaved = true,
               .interleaved = {6, 7},
               .has_ssrc = true,
               .ssrc = 0x1a}}},
    {.in = "RTP/AVP;unicast;client_port=5000-5001;rtcp-mux;append;layers=2",
     .max = 3,
     .rc = 1,
     .want = {{.proto = UDP,
               .has_unicast = true,
               .has_client_port = true,
               .client_port = {5000, 5001}}}},
    {.in = "RTP/AVP;unicast;client_port=5000-5001;mode=receive",
     .max = 3,
     .rc = 1,
     .want = {{.proto = UDP,
               .has_unicast = true,
               .has_client_port = true,
               .client_port = {5000, 5001},
               .mode = SL_RTSP_MODE_RECORD}}},
    {.in = "RTP/AVP;unicast;client_port=65534-65535;",
     .max = 3,
     .rc = 1,
     .want = {{.proto = UDP,
               .has_unicast = true,
               .has_client_port = true,
               .client_port = {65534, 65535}}}},
    BAD("", SL_EBADDATA),
    BAD(" , ,", SL_EBADDATA),
    BAD("RAW/RAW/UDP;unicast", SL_EUNSUP),
    BAD("RTP/AVPF;unicast;client_port=1-2", SL_EUNSUP),
    BAD("RTP/AVP/SCTP;unicast", SL_EUNSUP),
    BAD("RTP", SL_EUNSUP),
    BAD("RTP/AVP;unicast;client_port=70000-70001", SL_EBADDATA),
    BAD("RTP/AVP;unicast;client_port=65535", SL_EBADDATA),
    BAD("RTP/AVP;unicast;client_port=a-b", SL_EBADDATA),
    BAD("RTP/AVP;unicast;client_port=", SL_EBADDATA),
    BAD("RTP/AVP;unicast;client_port", SL_EBADDATA),
    BAD("RTP/AVP;unicast;client_port=-5", SL_EBADDATA),
    BAD("RTP/AVP;unicast;client_port=5-", SL_EBADDATA),
    BAD("RTP/AVP/TCP;interleaved=255", SL_EBADDATA),
    BAD("RTP/AVP/TCP;interleaved=256-257", SL_EBADDATA),
    BAD("RTP/AVP/TCP;interleaved=-1", SL_EBADDATA),
    BAD("RTP/AVP;ssrc=XYZ", SL_EBADDATA),
    BAD("RTP/AVP;ssrc=123456789", SL_EBADDATA),
    BAD("RTP/AVP;mode=teardown", SL_EBADDATA),
    BAD("RTP/AVP;ttl=256", SL_EBADDATA),
    BAD("RTP/AVP;unicast, RTP/AVP;client_port=9x", SL_EBADDATA),
};

static const struct write_case write_cases[] = {
    {{.proto = TCP,
      .has_unicast = true,
      .has_interleaved = true,
      .interleaved = {0, 1}},
     "RTP/AVP/TCP;unicast;interleaved=0-1"},
    {{.proto = UDP,
      .has_unicast = true,
      .has_client_port = true,
      .client_port = {5000, 5001},
      .has_server_port = true,
      .server_port = {8000, 8001},
      .has_ssrc = true,
      .ssrc = 0x1234abcd},
     "RTP/AVP;unicast;client_port=5000-5001;server_port=8000-8001;"
     "ssrc=1234ABCD"},
    {{.proto = UDP,
      .multicast = true,
      .destination = {"224.1.0.1", 9},
      .has_port = true,
      .port = {8002, 8003},
      .has_ttl = true,
      .ttl = 127},
     "RTP/AVP;multicast;destination=224.1.0.1;ttl=127;port=8002-8003"},
    {{.proto = UDP,
      .secure = true,
      .has_unicast = true,
      .has_client_port = true,
      .client_port = {1, 2},
      .mode = SL_RTSP_MODE_RECORD},
     "RTP/SAVP;unicast;client_port=1-2;mode=record"},
    {{.proto = TCP, .mode = SL_RTSP_MODE_PLAY}, "RTP/AVP/TCP;mode=play"},
};

static const struct session_case session_cases[] = {
    {"12345678", 0, "12345678", false, 0},
    {"12345678;timeout=60", 0, "12345678", true, 60},
    {" abcDEF-._$+ ; timeout = 55 ", 0, "abcDEF-._$+", true, 55},
    {"abc;foo=bar", 0, "abc", false, 0},
    {"abc;foo;timeout=1", 0, "abc", true, 1},
    {"abc;timeout=4294967295", 0, "abc", true, 4294967295u},
    FAIL("abc;timeout=4294967296", SL_EBADDATA),
    FAIL("abc;timeout=x", SL_EBADDATA),
    FAIL("abc;timeout=", SL_EBADDATA),
    FAIL("abc;timeout=-1", SL_EBADDATA),
    FAIL("", SL_EBADDATA),
    FAIL("   ", SL_EBADDATA),
    FAIL(";timeout=5", SL_EBADDATA),
    FAIL("a b", SL_EBADDATA),
    FAIL("a\"b", SL_EBADDATA),
    FAIL("a\x01", SL_EBADDATA),
};

static const struct range_case range_cases[] = {
    {"npt=0.000-", 0, SL_RTSP_RANGE_NPT, true, 0, false, 0, false},
    {"npt=0-", 0, SL_RTSP_RANGE_NPT, true, 0, false, 0, false},
    {"npt=now-", 0, SL_RTSP_RANGE_NPT, false, 0, false, 0, true},
    {"npt=1.5-3", 0, SL_RTSP_RANGE_NPT, true, 1.5, true, 3, false},
    {"npt=-3", 0, SL_RTSP_RANGE_NPT, false, 0, true, 3, false},
    {"npt=5.-", 0, SL_RTSP_RANGE_NPT, true, 5, false, 0, false},
    {"npt=.5-", 0, SL_RTSP_RANGE_NPT, true, 0.5, false, 0, false},
    {"npt=1:02:03.5-", 0, SL_RTSP_RANGE_NPT, true, 3723.5, false, 0, false},
    {"npt = 10 - 20", 0, SL_RTSP_RANGE_NPT, true, 10, true, 20, false},
    {"npt=0.000-;time=19970123T153600Z", 0, SL_RTSP_RANGE_NPT, true, 0, false,
     0, false},
    {"NPT=7-", 0, SL_RTSP_RANGE_NPT, true, 7, false, 0, false},
    {"clock=19961108T142300Z-19961108T143520Z", 0, SL_RTSP_RANGE_CLOCK, true,
     847462980, true, 847463720, false},
    {"clock=20240101T000000.5Z-", 0, SL_RTSP_RANGE_CLOCK, true, 1704067200.5,
     false, 0, false},
    {"smpte=10:07:00-10:07:33:05.01", 0, SL_RTSP_RANGE_SMPTE, true, 36420, true,
     36453 + 5.01 / 30, false},
    {"smpte-25=00:00:01:12-", 0, SL_RTSP_RANGE_SMPTE, true, 1 + 12.0 / 25,
     false, 0, false},
    FAIL("npt=10-5", SL_EBADDATA),
    FAIL("npt=", SL_EBADDATA),
    FAIL("npt=-", SL_EBADDATA),
    FAIL("npt", SL_EBADDATA),
    FAIL("npt=5", SL_EBADDATA),
    FAIL("npt=abc-", SL_EBADDATA),
    FAIL("npt=1:2:3-", SL_EBADDATA),
    FAIL("npt=1:60:00-", SL_EBADDATA),
    FAIL("npt=1:00:60-", SL_EBADDATA),
    FAIL("npt=.-", SL_EBADDATA),
    FAIL("npt=1e5-", SL_EBADDATA),
    FAIL("npt=now-now", SL_EBADDATA),
    FAIL("npt=99999999999999999999999-", SL_EBADDATA),
    FAIL("clock=19961108T142300-", SL_EBADDATA),
    FAIL("clock=19961308T142300Z-", SL_EBADDATA),
    FAIL("smpte=10:07-", SL_EBADDATA),
    FAIL("smpte=10:07:00:99-", SL_EBADDATA),
    FAIL("foo=1-2", SL_EUNSUP),
    FAIL("", SL_EBADDATA),
};

static const struct cseq_case cseq_cases[] = {
    {"1", 0, 1},
    {" 42 ", 0, 42},
    {"0", 0, 0},
    {"4294967295", 0, 4294967295u},
    {"4294967296", SL_EBADDATA, 0},
    {"-1", SL_EBADDATA, 0},
    {"+1", SL_EBADDATA, 0},
    {"", SL_EBADDATA, 0},
    {"1a", SL_EBADDATA, 0},
    {"1 2", SL_EBADDATA, 0},
};


static void
assert_transport(const struct sl_rtsp_transport *got,
                 const struct sl_rtsp_transport *want)
{
    assert_int_equal(got->proto, want->proto);
    assert_int_equal(got->multicast, want->multicast);
    assert_int_equal(got->has_unicast, want->has_unicast);
    assert_int_equal(got->secure, want->secure);
    assert_int_equal(got->has_client_port, want->has_client_port);
    if (want->has_client_port) {
        assert_int_equal(got->client_port[0], want->client_port[0]);
        assert_int_equal(got->client_port[1], want->client_port[1]);
    }
    assert_int_equal(got->has_server_port, want->has_server_port);
    if (want->has_server_port) {
        assert_int_equal(got->server_port[0], want->server_port[0]);
        assert_int_equal(got->server_port[1], want->server_port[1]);
    }
    assert_int_equal(got->has_interleaved, want->has_interleaved);
    if (want->has_interleaved) {
        assert_int_equal(got->interleaved[0], want->interleaved[0]);
        assert_int_equal(got->interleaved[1], want->interleaved[1]);
    }
    assert_int_equal(got->has_ssrc, want->has_ssrc);
    assert_int_equal(got->ssrc, want->ssrc);
    assert_int_equal(got->mode, want->mode);
    assert_int_equal(got->has_ttl, want->has_ttl);
    assert_int_equal(got->ttl, want->ttl);
    assert_int_equal(got->has_port, want->has_port);
    if (want->has_port) {
        assert_int_equal(got->port[0], want->port[0]);
        assert_int_equal(got->port[1], want->port[1]);
    }
}


static void
test_transport_table(void **state)
{
    size_t i, j;

    (void)state;
    for (i = 0; i < sizeof(transport_cases) / sizeof(transport_cases[0]); i++) {
        const struct transport_case *c = &transport_cases[i];
        struct sl_rtsp_transport     t[3];
        int                          rc;

        print_message("case: %s\n", c->in);
        memset(t, 0x5a, sizeof(t));
        rc = sl_rtsp_transport_parse(sl_str_from(c->in), t, c->max);
        assert_int_equal(rc, c->rc);
        if (rc < 0) {
            /* Outputs are untouched on failure. */
            assert_int_equal(t[0].proto, 0x5a5a5a5a);
            continue;
        }
        for (j = 0; j < (size_t)rc; j++) {
            assert_transport(&t[j], &c->want[j]);
        }
        if (c->dest != NULL) {
            assert_true(sl_str_eq_cstr(t[0].destination, c->dest));
        } else {
            assert_int_equal(t[0].destination.len, 0);
        }
        if (c->src != NULL) {
            assert_true(sl_str_eq_cstr(t[0].source, c->src));
        }
    }
}


static void
test_transport_write(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(write_cases) / sizeof(write_cases[0]); i++) {
        struct sl_dbuf b;

        sl_dbuf_init(&b, 1024);
        assert_int_equal(sl_rtsp_transport_write(&b, &write_cases[i].t), 0);
        assert_int_equal(b.len, strlen(write_cases[i].want));
        assert_memory_equal(sl_dbuf_data(&b), write_cases[i].want, b.len);
        sl_dbuf_free(&b);
    }
}


/* Every parsed table row, written and parsed again, is unchanged. */
static void
test_transport_roundtrip(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(transport_cases) / sizeof(transport_cases[0]); i++) {
        struct sl_rtsp_transport t[3], back;
        struct sl_dbuf           b;
        int                      n, j;

        n = sl_rtsp_transport_parse(sl_str_from(transport_cases[i].in), t, 3);
        for (j = 0; j < n; j++) {
            sl_dbuf_init(&b, 1024);
            assert_int_equal(sl_rtsp_transport_write(&b, &t[j]), 0);
            assert_int_equal(
                sl_rtsp_transport_parse(
                    (struct sl_str){(const char *)sl_dbuf_data(&b), b.len},
                    &back, 1),
                1);
            assert_transport(&back, &t[j]);
            assert_true(sl_str_eq(back.destination, t[j].destination));
            assert_true(sl_str_eq(back.source, t[j].source));
            sl_dbuf_free(&b);
        }
    }
}


static void
test_transport_write_rejects_injection(void **state)
{
    struct sl_rtsp_transport t = {.proto = UDP,
                                  .destination = sl_str_lit("1.2.3.4\r\nX: y")};
    struct sl_dbuf           b;

    (void)state;
    sl_dbuf_init(&b, 1024);
    assert_int_equal(sl_rtsp_transport_write(&b, &t), SL_EINVAL);
    t.destination = sl_str_lit("1.2.3.4;mode=record");
    assert_int_equal(sl_rtsp_transport_write(&b, &t), SL_EINVAL);
    assert_int_equal(b.len, 0);

    /* Over the cap: nothing written. */
    sl_dbuf_free(&b);
    sl_dbuf_init(&b, 10);
    t.destination = sl_str_lit("1.2.3.4");
    assert_int_equal(sl_rtsp_transport_write(&b, &t), SL_ELIMIT);
    assert_int_equal(b.len, 0);
    sl_dbuf_free(&b);
}


static void
test_session_table(void **state)
{
    size_t i;
    char   id[SL_RTSP_MAX_SESSION_ID + 1];

    (void)state;
    for (i = 0; i < sizeof(session_cases) / sizeof(session_cases[0]); i++) {
        const struct session_case *c = &session_cases[i];
        struct sl_rtsp_session_hdr s = {{NULL, 0}, false, 7};
        int                        rc;

        print_message("case: %s\n", c->in);
        rc = sl_rtsp_session_parse(sl_str_from(c->in), &s);
        assert_int_equal(rc, c->rc);
        if (rc < 0) {
            assert_int_equal(s.timeout, 7);
            continue;
        }
        assert_true(sl_str_eq_cstr(s.id, c->id));
        assert_int_equal(s.has_timeout, c->has_timeout);
        assert_int_equal(s.timeout, c->timeout);
    }

    memset(id, 'a', sizeof(id));
    {
        struct sl_rtsp_session_hdr s;

        assert_int_equal(sl_rtsp_session_parse(
                             (struct sl_str){id, SL_RTSP_MAX_SESSION_ID}, &s),
                         0);
        assert_int_equal(
            sl_rtsp_session_parse(
                (struct sl_str){id, SL_RTSP_MAX_SESSION_ID + 1}, &s),
            SL_ELIMIT);
    }
}


static void
test_range_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(range_cases) / sizeof(range_cases[0]); i++) {
        const struct range_case *c = &range_cases[i];
        struct sl_rtsp_range     r = {.type = 99};
        int                      rc;

        print_message("case: %s\n", c->in);
        rc = sl_rtsp_range_parse(sl_str_from(c->in), &r);
        assert_int_equal(rc, c->rc);
        if (rc < 0) {
            assert_int_equal(r.type, 99);
            continue;
        }
        assert_int_equal(r.type, c->type);
        assert_int_equal(r.has_start, c->has_start);
        assert_int_equal(r.has_end, c->has_end);
        assert_int_equal(r.start_now, c->start_now);
        if (c->has_start) {
            assert_float_equal(r.start, c->start, 1e-6);
        }
        if (c->has_end) {
            assert_float_equal(r.end, c->end, 1e-6);
        }
    }
}


static void
test_cseq_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cseq_cases) / sizeof(cseq_cases[0]); i++) {
        uint32_t v = 77;
        int      rc;

        rc = sl_rtsp_cseq_parse(sl_str_from(cseq_cases[i].in), &v);
        assert_int_equal(rc, cseq_cases[i].rc);
        assert_int_equal(v, rc == 0 ? cseq_cases[i].value : 77);
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transport_table),
        cmocka_unit_test(test_transport_write),
        cmocka_unit_test(test_transport_roundtrip),
        cmocka_unit_test(test_transport_write_rejects_injection),
        cmocka_unit_test(test_session_table),
        cmocka_unit_test(test_range_table),
        cmocka_unit_test(test_cseq_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
