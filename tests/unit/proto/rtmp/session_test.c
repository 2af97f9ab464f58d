/*
 * Tests for src/proto/rtmp/session.c: real client sessions replayed from
 * loopback captures (FFmpeg publish and play, rtmpdump play, GStreamer
 * rtmp2sink and librtmp publish) in many split sizes, with the server's
 * replies decoded by our own chunk reader and AMF decoder; then scripted
 * exchanges for E-RTMP connect, refusals, deferred decisions, pings,
 * acknowledgements, timestamp wrap, @setDataFrame, aggregates and caps.
 */
#include "proto/rtmp/session.h"
#include "base/alloc.h"
#include "base/bytes.h"
#include "base/err.h"
#include "format/flv.h"
#include "proto/rtmp/amf.h"
#include "proto/rtmp/chunk.h"
#include "proto/rtmp/handshake.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>


#define DATA    SL_SOURCE_DIR "/tests/unit/proto/rtmp/data/"
#define HS      SL_RTMP_HANDSHAKE_SIZE
#define MAX_OUT 64
#define STRMAX  128

/* What the handlers saw. */
struct events {
    int      connects;
    char     app[STRMAX];
    char     tc_url[STRMAX];
    uint32_t fourcc;
    double   object_encoding;
    int      publishes;
    int      plays;
    char     name[STRMAX];
    char     type[STRMAX];
    uint32_t msid;
    int      media[3]; /* audio, video, data */
    uint64_t last_ts;
    uint8_t  first_data[32];
    size_t   first_data_len;
    int      video_seq_headers;
    int      unpublishes;
    int      stop_plays;
    int      connect_rc; /* what on_connect returns */
    int      publish_rc;
    int      play_rc;
};

/* One message the server wrote, decoded. */
struct out_msg {
    uint8_t  type;
    uint32_t csid;
    uint32_t msid;
    uint8_t  body[256];
    size_t   len;
};

/* Client side of a scripted session. */
struct client {
    struct sl_rtmp_session     *s;
    struct sl_rtmp_chunk_reader rd;
    bool                        hs_skipped;
    struct out_msg              out[MAX_OUT];
    size_t                      nout;
    struct events               ev;
};


static void copy_str(char *dst, struct sl_str s);
static int  on_connect(void *ud, const struct sl_rtmp_connect_info *ci);
static int  on_publish(void *ud, const struct sl_rtmp_stream_info *si);
static int  on_play(void *ud, const struct sl_rtmp_stream_info *si);
static void on_media(void *ud, const struct sl_rtmp_media *m);
static void on_unpublish(void *ud, uint32_t msid);
static void on_stop_play(void *ud, uint32_t msid);
static void client_init(struct client *c, const struct sl_rtmp_limits *lim);
static void client_free(struct client *c);
static void drain(struct client *c);
static void client_handshake(struct client *c);
static int  send_msg(struct client *c, uint32_t csid, uint8_t type,
                     uint32_t msid, uint32_t ts, const uint8_t *p, size_t len);
static int  send_cmd(struct client *c, uint32_t msid, const char *name,
                     double txn, const char *arg);
static int  connect_with(struct client *c, const struct sl_amf_w *extra);
static const struct out_msg *find_cmd(struct client *c, const char *name,
                                      const char *code, size_t *from);
static void                  check_connect_replies(struct client *c);
static uint8_t              *load(const char *path, size_t *len);
static void replay(const char *file, size_t step, struct client *c);
static void test_ffmpeg_publish(void **state);
static void test_gst_publishers(void **state);
static void test_players(void **state);
static void test_ertmp_connect(void **state);
static void test_connect_refused(void **state);
static void test_command_before_connect(void **state);
static void test_rtmpe_refused(void **state);
static void test_deferred_publish(void **state);
static void test_publish_refusals(void **state);
static void test_deferred_play_refusals(void **state);
static void test_ping_and_ack(void **state);
static void test_media_timestamps_and_data(void **state);
static void test_aggregate(void **state);
static void test_unpublish_notify_and_free(void **state);
static void test_stream_cap_and_delete(void **state);


static void
copy_str(char *dst, struct sl_str s)
{
    size_t n = s.len < STRMAX - 1 ? s.len : STRMAX - 1;

    if (n > 0) {
        memcpy(dst, s.p, n);
    }
    dst[n] = '\0';
}


static int
on_connect(void *ud, const struct sl_rtmp_connect_info *ci)
{
    struct events *e = ud;

    e->connects++;
    copy_str(e->app, ci->app);
    copy_str(e->tc_url, ci->tc_url);
    e->fourcc = ci->fourcc_mask;
    e->object_encoding = ci->object_encoding;
    return e->connect_rc;
}


static int
on_publish(void *ud, const struct sl_rtmp_stream_info *si)
{
    struct events *e = ud;

    e->publishes++;
    copy_str(e->name, si->name);
    copy_str(e->type, si->type);
    e->msid = si->msid;
    return e->publish_rc;
}


static int
on_play(void *ud, const struct sl_rtmp_stream_info *si)
{
    struct events *e = ud;

    e->plays++;
    copy_str(e->name, si->name);
    e->msid = si->msid;
    return e->play_rc;
}


static void
on_media(void *ud, const struct sl_rtmp_media *m)
{
    struct events      *e = ud;
    struct sl_flv_video v;
    int                 i = m->type == 8 ? 0 : m->type == 9 ? 1 : 2;

    assert_true(m->type == 8 || m->type == 9 || m->type == 18);
    if (e->media[2] == 0 && i == 2) {
        e->first_data_len =
            m->len < sizeof(e->first_data) ? m->len : sizeof(e->first_data);
        memcpy(e->first_data, m->data, e->first_data_len);
    }
    if (i == 1 && sl_flv_video_parse(m->data, m->len, &v) == 0
        && v.packet_type == SL_FLV_PKT_SEQUENCE_START)
    {
        e->video_seq_headers++;
    }
    e->media[i]++;
    e->last_ts = m->ts_ms;
}


static void
on_unpublish(void *ud, uint32_t msid)
{
    ((struct events *)ud)->unpublishes++;
    (void)msid;
}


static void
on_stop_play(void *ud, uint32_t msid)
{
    ((struct events *)ud)->stop_plays++;
    (void)msid;
}


static void
client_init(struct client *c, const struct sl_rtmp_limits *lim)
{
    struct sl_rtmp_handler h = {
        .ud = &c->ev,
        .on_connect = on_connect,
        .on_publish = on_publish,
        .on_play = on_play,
        .on_media = on_media,
        .on_unpublish = on_unpublish,
        .on_stop_play = on_stop_play,
    };
    struct events ev = c->ev; /* keeps the return codes a test set */

    memset(c, 0, sizeof(*c));
    c->ev.connect_rc = ev.connect_rc;
    c->ev.publish_rc = ev.publish_rc;
    c->ev.play_rc = ev.play_rc;
    c->s = sl_rtmp_session_new(&h, lim);
    sl_rtmp_chunk_reader_init(&c->rd, NULL);
}


static void
client_free(struct client *c)
{
    sl_rtmp_session_free(&c->s);
    assert_null(c->s);
    sl_rtmp_chunk_reader_free(&c->rd);
}


/* Decodes everything the server wrote since the last call. */
static void
drain(struct client *c)
{
    struct sl_dbuf *o = sl_rtmp_session_output(c->s);
    const uint8_t  *p;
    size_t          len;

    if (!c->hs_skipped && o->len >= 1 + 2 * HS) {
        sl_dbuf_consume(o, 1 + 2 * HS);
        c->hs_skipped = true;
    }
    if (!c->hs_skipped) {
        return;
    }
    p = sl_dbuf_data(o);
    len = o->len;
    while (len > 0) {
        struct sl_rtmp_msg m;
        bool               complete;
        int rc = sl_rtmp_chunk_read(&c->rd, p, len, &m, &complete);

        assert_true(rc > 0); /* the server writes whole messages */
        p += rc;
        len -= (size_t)rc;
        if (complete) {
            struct out_msg *om = &c->out[c->nout];

            assert_true(c->nout < MAX_OUT);
            om->type = m.type;
            om->csid = m.csid;
            om->msid = m.msid;
            om->len = m.len < sizeof(om->body) ? m.len : sizeof(om->body);
            memcpy(om->body, m.data, om->len);
            c->nout++;
        }
    }
    sl_dbuf_consume(o, o->len);
}


static void
client_handshake(struct client *c)
{
    uint8_t b[1 + HS];

    memset(b, 0, sizeof(b));
    b[0] = 3;
    assert_int_equal(sl_rtmp_session_feed(c->s, b, sizeof(b)), (int)sizeof(b));
    assert_int_equal(sl_rtmp_session_feed(c->s, b, HS), HS);
    drain(c);
}


static int
send_msg(struct client *c, uint32_t csid, uint8_t type, uint32_t msid,
         uint32_t ts, const uint8_t *p, size_t len)
{
    struct sl_dbuf b;
    int            rc;

    sl_dbuf_init(&b, 1 << 20);
    assert_int_equal(
        sl_rtmp_write_message(&b, csid, type, msid, ts, p, len, 128), 0);
    rc = sl_rtmp_session_feed(c->s, sl_dbuf_data(&b), b.len);
    sl_dbuf_free(&b);
    drain(c);
    return rc;
}


/* name(txn, null, arg) on msid. */
static int
send_cmd(struct client *c, uint32_t msid, const char *name, double txn,
         const char *arg)
{
    struct sl_amf_w w;
    uint8_t         buf[512];

    sl_amf_w_init(&w, buf, sizeof(buf));
    sl_amf0_write_string(&w, name);
    sl_amf0_write_number(&w, txn);
    sl_amf0_write_null(&w);
    if (arg != NULL) {
        sl_amf0_write_string(&w, arg);
    }
    if (strcmp(name, "publish") == 0) {
        sl_amf0_write_string(&w, "live");
    }
    return send_msg(c, msid == 0 ? 3 : 8, SL_RTMP_MSG_COMMAND_AMF0, msid, 0,
                    buf, w.len);
}


/* connect with app "live", tcUrl, and extra properties from extra. */
static int
connect_with(struct client *c, const struct sl_amf_w *extra)
{
    struct sl_amf_w w;
    uint8_t         buf[1024];

    sl_amf_w_init(&w, buf, sizeof(buf));
    sl_amf0_write_string(&w, "connect");
    sl_amf0_write_number(&w, 1);
    sl_amf0_write_object_begin(&w);
    sl_amf0_write_prop_string(&w, "app", "live");
    sl_amf0_write_prop_string(&w, "tcurl", "rtmp://127.0.0.1/live");
    if (extra != NULL) {
        memcpy(buf + w.len, extra->p, extra->len);
        w.len += extra->len;
    }
    sl_amf0_write_object_end(&w);
    assert_false(w.error);
    return send_msg(c, 3, SL_RTMP_MSG_COMMAND_AMF0, 0, 0, buf, w.len);
}


/*
 * The next command message from index *from named name whose info object
 * (if code != NULL) has that code.  Returns NULL when none.
 */
static const struct out_msg *
find_cmd(struct client *c, const char *name, const char *code, size_t *from)
{
    struct sl_amf_doc *d = sl_malloc(sizeof(*d));
    size_t             i;

    for (i = *from; i < c->nout; i++) {
        const struct out_msg      *m = &c->out[i];
        const struct sl_amf_value *v;
        size_t                     k;

        if (m->type != SL_RTMP_MSG_COMMAND_AMF0
            && m->type != SL_RTMP_MSG_DATA_AMF0) {
            continue;
        }
        assert_int_equal(sl_amf0_decode(d, m->body, m->len), 0);
        if (!sl_str_eq_cstr(sl_amf_str(sl_amf_root(d, 0)), name)) {
            continue;
        }
        if (code != NULL) {
            bool found = false;

            for (k = 1; k < d->nroot; k++) {
                v = sl_amf_get(d, sl_amf_root(d, k), "code");
                found = found || sl_str_eq_cstr(sl_amf_str(v), code);
            }
            if (!found) {
                continue;
            }
        }
        *from = i + 1;
        sl_free(d);
        return m;
    }
    sl_free(d);
    return NULL;
}


/* Window ack size, peer bandwidth, chunk size, then the _result. */
static void
check_connect_replies(struct client *c)
{
    struct sl_amf_doc         *d = sl_malloc(sizeof(*d));
    const struct sl_amf_value *props, *info;
    size_t                     from = 0;

    assert_true(c->nout >= 4);
    assert_int_equal(c->out[0].type, SL_RTMP_MSG_WINDOW_ACK);
    assert_int_equal(sl_rb32(c->out[0].body), 2500000);
    assert_int_equal(c->out[1].type, SL_RTMP_MSG_PEER_BANDWIDTH);
    assert_int_equal(c->out[1].len, 5);
    assert_int_equal(sl_rb32(c->out[1].body), 2500000);
    assert_int_equal(c->out[1].body[4], 2);
    assert_int_equal(c->out[2].type, SL_RTMP_MSG_SET_CHUNK_SIZE);
    assert_int_equal(sl_rb32(c->out[2].body), 65536);
    assert_int_equal(c->out[2].csid, 2);
    assert_int_equal(c->out[3].csid, 3);
    assert_ptr_equal(
        find_cmd(c, "_result", "NetConnection.Connect.Success", &from),
        &c->out[3]);
    assert_int_equal(sl_amf0_decode(d, c->out[3].body, c->out[3].len), 0);
    assert_true(sl_amf_num(sl_amf_root(d, 1), 0) == 1);
    props = sl_amf_root(d, 2);
    assert_true(sl_amf_str(sl_amf_get(d, props, "fmsVer")).len == 13);
    assert_true(sl_amf_num(sl_amf_get(d, props, "capabilities"), 0) == 31);
    info = sl_amf_root(d, 3);
    assert_true(
        sl_str_eq_cstr(sl_amf_str(sl_amf_get(d, info, "level")), "status"));
    assert_true(sl_amf_num(sl_amf_get(d, info, "objectEncoding"), -1) == 0);
    assert_int_equal(sl_rtmp_session_out_chunk_size(c->s), 65536);
    sl_free(d);
}


static uint8_t *
load(const char *path, size_t *len)
{
    FILE    *f = fopen(path, "rb");
    uint8_t *p;
    long     n;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    p = sl_malloc((size_t)n);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}


/* Feeds a capture in pieces of step bytes. */
static void
replay(const char *file, size_t step, struct client *c)
{
    size_t   len, off;
    uint8_t *p = load(file, &len);

    for (off = 0; off < len; off += step) {
        size_t n = len - off < step ? len - off : step;

        assert_int_equal(sl_rtmp_session_feed(c->s, p + off, n), (int)n);
        drain(c);
    }
    sl_free(p);
}


static void
test_ffmpeg_publish(void **state)
{
    static const size_t steps[] = {1, 2, 7, 100, 1537, 4096, 1 << 20};
    size_t              i;

    (void)state;
    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        struct client c = {0};
        size_t        from = 0;

        client_init(&c, NULL);
        replay(DATA "ffmpeg_publish.bin", steps[i], &c);
        assert_int_equal(c.ev.connects, 1);
        assert_string_equal(c.ev.app, "live");
        assert_string_equal(c.ev.tc_url + strlen(c.ev.tc_url) - 5, "/live");
        assert_int_equal(c.ev.publishes, 1);
        assert_string_equal(c.ev.name, "key?user=a");
        assert_string_equal(c.ev.type, "live");
        assert_int_equal(c.ev.msid, 1);
        assert_int_equal(c.ev.media[1], 12); /* header, 10 frames, end */
        assert_true(c.ev.media[0] > 40);
        assert_int_equal(c.ev.media[2], 1);
        assert_int_equal(c.ev.video_seq_headers, 1);
        /* @setDataFrame removed: the data starts with "onMetaData". */
        assert_memory_equal(c.ev.first_data, "\x02\x00\x0aonMetaData", 13);
        assert_int_equal(c.ev.unpublishes, 1); /* FCUnpublish, deleteStream */
        check_connect_replies(&c);
        assert_non_null(find_cmd(&c, "_result", NULL, &from)); /* release */
        assert_non_null(find_cmd(&c, "_result", NULL, &from)); /* FCPublish */
        assert_non_null(
            find_cmd(&c, "onFCPublish", "NetStream.Publish.Start", &from));
        assert_non_null(find_cmd(&c, "_result", NULL, &from)); /* create */
        assert_non_null(
            find_cmd(&c, "onStatus", "NetStream.Publish.Start", &from));
        assert_int_equal(c.out[from - 1].msid, 1);
        assert_int_equal(c.out[from - 1].csid, 5);
        assert_non_null(find_cmd(&c, "onFCUnpublish",
                                 "NetStream.Unpublish.Success", &from));
        assert_string_equal(sl_rtmp_session_error(c.s), "");
        assert_false(sl_rtmp_session_wants_close(c.s));
        client_free(&c);
    }
}


static void
test_gst_publishers(void **state)
{
    static const char *const files[] = {DATA "gst_publish.bin",
                                        DATA "librtmp_publish.bin"};
    size_t                   i;

    (void)state;
    for (i = 0; i < 2; i++) {
        struct client c = {0};
        size_t        from = 0;

        client_init(&c, NULL);
        replay(files[i], 1000, &c);
        assert_int_equal(c.ev.connects, 1);
        assert_int_equal(c.ev.publishes, 1);
        assert_true(c.ev.media[1] >= 11);
        assert_int_equal(c.ev.video_seq_headers, 1);
        assert_int_equal(c.ev.unpublishes, 1);
        check_connect_replies(&c);
        assert_non_null(
            find_cmd(&c, "onStatus", "NetStream.Publish.Start", &from));
        client_free(&c);
    }
}


static void
test_players(void **state)
{
    static const char *const files[] = {DATA "ffmpeg_play.bin",
                                        DATA "rtmpdump_play.bin"};
    size_t                   i;

    (void)state;
    for (i = 0; i < 2; i++) {
        struct client c = {0};
        size_t        from = 0;
        size_t        k;

        client_init(&c, NULL);
        replay(files[i], 3, &c);
        assert_int_equal(c.ev.connects, 1);
        assert_int_equal(c.ev.plays, 1);
        assert_string_equal(c.ev.name, "key");
        assert_int_equal(c.ev.msid, 1);
        check_connect_replies(&c);
        /* StreamIsRecorded(1), StreamBegin(1) before the status sequence. */
        for (k = 0; k < c.nout; k++) {
            if (c.out[k].type == SL_RTMP_MSG_USER_CONTROL
                && sl_rb16(c.out[k].body) == 4) {
                break;
            }
        }
        assert_true(k + 1 < c.nout);
        assert_int_equal(sl_rb32(c.out[k].body + 2), 1);
        assert_int_equal(c.out[k + 1].type, SL_RTMP_MSG_USER_CONTROL);
        assert_int_equal(sl_rb16(c.out[k + 1].body), 0);
        from = k;
        assert_non_null(
            find_cmd(&c, "onStatus", "NetStream.Play.Reset", &from));
        assert_non_null(
            find_cmd(&c, "onStatus", "NetStream.Play.Start", &from));
        assert_non_null(
            find_cmd(&c, "onStatus", "NetStream.Data.Start", &from));
        assert_int_equal(c.out[from - 1].type, SL_RTMP_MSG_DATA_AMF0);
        assert_non_null(
            find_cmd(&c, "onStatus", "NetStream.Play.PublishNotify", &from));
        assert_int_equal(c.out[from - 1].msid, 1);
        client_free(&c);
        assert_int_equal(c.ev.stop_plays, 1); /* freed while playing */
    }
}


static void
test_ertmp_connect(void **state)
{
    struct client   c = {0};
    struct sl_amf_w w;
    uint8_t         buf[512];

    (void)state;
    /* v1: fourCcList; v2: info maps (a zero value adds nothing). */
    sl_amf_w_init(&w, buf, sizeof(buf));
    sl_amf0_write_key(&w, "fourCcList");
    sl_amf0_write_strict_array_begin(&w, 3);
    sl_amf0_write_string(&w, "hvc1");
    sl_amf0_write_string(&w, "av01");
    sl_amf0_write_string(&w, "xxxx");
    sl_amf0_write_key(&w, "audioFourCcInfoMap");
    sl_amf0_write_object_begin(&w);
    sl_amf0_write_prop_number(&w, "Opus", 4);
    sl_amf0_write_prop_number(&w, "fLaC", 0);
    sl_amf0_write_object_end(&w);
    sl_amf0_write_prop_number(&w, "objectEncoding", 3);
    client_init(&c, NULL);
    client_handshake(&c);
    assert_true(connect_with(&c, &w) > 0);
    assert_int_equal(c.ev.fourcc, SL_RTMP_FOURCC_HVC1 | SL_RTMP_FOURCC_AV01
                                      | SL_RTMP_FOURCC_OPUS);
    assert_int_equal(sl_rtmp_session_fourcc_mask(c.s), c.ev.fourcc);
    assert_true(c.ev.object_encoding == 3);
    assert_string_equal(c.ev.tc_url, "rtmp://127.0.0.1/live");
    assert_true(sl_rtmp_session_connected(c.s));
    client_free(&c);

    /* "*" means every codec. */
    sl_amf_w_init(&w, buf, sizeof(buf));
    sl_amf0_write_key(&w, "videoFourCcInfoMap");
    sl_amf0_write_object_begin(&w);
    sl_amf0_write_prop_number(&w, "*", 1);
    sl_amf0_write_object_end(&w);
    client_init(&c, NULL);
    client_handshake(&c);
    assert_true(connect_with(&c, &w) > 0);
    assert_int_equal(c.ev.fourcc, SL_RTMP_FOURCC_ALL);
    client_free(&c);
}


static void
test_connect_refused(void **state)
{
    struct client c = {0};
    size_t        from = 0;

    (void)state;
    c.ev.connect_rc = SL_EAUTH;
    client_init(&c, NULL);
    client_handshake(&c);
    assert_int_equal(connect_with(&c, NULL), SL_EAUTH);
    assert_non_null(
        find_cmd(&c, "_error", "NetConnection.Connect.Rejected", &from));
    assert_true(sl_rtmp_session_wants_close(c.s));
    assert_true(strlen(sl_rtmp_session_error(c.s)) > 0);
    assert_false(sl_rtmp_session_connected(c.s));
    /* Nothing more is taken. */
    assert_true(send_cmd(&c, 0, "createStream", 2, NULL) < 0);
    client_free(&c);
}


static void
test_command_before_connect(void **state)
{
    struct client c = {0};

    (void)state;
    client_init(&c, NULL);
    client_handshake(&c);
    assert_int_equal(send_cmd(&c, 0, "createStream", 2, NULL), SL_ESTATE);
    assert_non_null(strstr(sl_rtmp_session_error(c.s), "before connect"));
    client_free(&c);
}


static void
test_rtmpe_refused(void **state)
{
    struct client c = {0};
    uint8_t       b[1 + HS];

    (void)state;
    memset(b, 0, sizeof(b));
    b[0] = 6;
    client_init(&c, NULL);
    assert_int_equal(sl_rtmp_session_feed(c.s, b, sizeof(b)), SL_EUNSUP);
    assert_non_null(strstr(sl_rtmp_session_error(c.s), "RTMPE"));
    assert_true(sl_rtmp_session_wants_close(c.s));
    client_free(&c);
}


static void
test_deferred_publish(void **state)
{
    struct client c = {0};
    size_t        from = 0;
    uint8_t       audio[] = {0xAF, 0x01, 0x21, 0x00};

    (void)state;
    c.ev.publish_rc = SL_EAGAIN;
    client_init(&c, NULL);
    client_handshake(&c);
    assert_true(connect_with(&c, NULL) > 0);
    assert_true(send_cmd(&c, 0, "createStream", 2, NULL) > 0);
    assert_true(send_cmd(&c, 1, "publish", 0, "cam") > 0);
    assert_int_equal(c.ev.publishes, 1);
    assert_null(find_cmd(&c, "onStatus", NULL, &from));
    /* Media before the decision is dropped. */
    assert_true(send_msg(&c, 4, 8, 1, 0, audio, sizeof(audio)) > 0);
    assert_int_equal(c.ev.media[0], 0);
    sl_rtmp_session_publish_result(c.s, 7, 0, NULL); /* unknown: ignored */
    sl_rtmp_session_publish_result(c.s, 1, 0, NULL);
    drain(&c);
    from = 0;
    assert_non_null(find_cmd(&c, "onStatus", "NetStream.Publish.Start", &from));
    sl_rtmp_session_publish_result(c.s, 1, SL_EAUTH, NULL); /* not pending */
    assert_false(sl_rtmp_session_wants_close(c.s));
    assert_true(send_msg(&c, 4, 8, 1, 0, audio, sizeof(audio)) > 0);
    assert_int_equal(c.ev.media[0], 1);
    /* A second publish on a publishing stream is refused. */
    assert_true(send_cmd(&c, 1, "publish", 0, "cam") < 0);
    assert_non_null(
        find_cmd(&c, "onStatus", "NetStream.Publish.Failed", &from));
    client_free(&c);
    assert_int_equal(c.ev.unpublishes, 1);
}


static void
test_publish_refusals(void **state)
{
    static const struct {
        int         rc;
        bool        deferred;
        const char *code;
    } cases[] = {
        {SL_EAUTH, false, "NetStream.Publish.Unauthorized"},
        {SL_EAUTH, true, "NetStream.Publish.Unauthorized"},
        {SL_EEXIST, true, "NetStream.Publish.BadName"},
        {SL_EEXIST, false, "NetStream.Publish.BadName"},
        {SL_ENOTFOUND, true, "NetStream.Publish.Failed"},
        {SL_EINVAL, false, "NetStream.Publish.Failed"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct client c = {0};
        size_t        from = 0;
        int           rc;

        c.ev.publish_rc = cases[i].deferred ? SL_EAGAIN : cases[i].rc;
        client_init(&c, NULL);
        client_handshake(&c);
        assert_true(connect_with(&c, NULL) > 0);
        assert_true(send_cmd(&c, 0, "createStream", 2, NULL) > 0);
        rc = send_cmd(&c, 1, "publish", 0, "cam");
        if (cases[i].deferred) {
            assert_true(rc > 0);
            sl_rtmp_session_publish_result(c.s, 1, cases[i].rc, NULL);
            drain(&c);
        } else {
            assert_int_equal(rc, cases[i].rc);
        }
        assert_non_null(find_cmd(&c, "onStatus", cases[i].code, &from));
        assert_int_equal(c.out[from - 1].msid, 1);
        assert_true(sl_rtmp_session_wants_close(c.s));
        client_free(&c);
        assert_int_equal(c.ev.unpublishes, 0);
    }
}


static void
test_deferred_play_refusals(void **state)
{
    static const struct {
        int         rc;
        const char *code;
        const char *text;
    } cases[] = {
        {SL_ENOTFOUND, "NetStream.Play.StreamNotFound", NULL},
        {SL_EAUTH, "NetStream.Play.Failed", NULL},
        {SL_ETIMEOUT, "NetStream.Play.Failed", "no one is publishing"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct client c = {0};
        size_t        from = 0;

        c.ev.play_rc = SL_EAGAIN;
        client_init(&c, NULL);
        client_handshake(&c);
        assert_true(connect_with(&c, NULL) > 0);
        assert_true(send_cmd(&c, 0, "createStream", 2, NULL) > 0);
        assert_true(send_cmd(&c, 1, "play", 0, "cam") > 0);
        sl_rtmp_session_play_result(c.s, 1, cases[i].rc, cases[i].text);
        drain(&c);
        assert_non_null(find_cmd(&c, "onStatus", cases[i].code, &from));
        assert_true(sl_rtmp_session_wants_close(c.s));
        if (cases[i].text != NULL) {
            assert_non_null(strstr(sl_rtmp_session_error(c.s), cases[i].text));
        }
        client_free(&c);
        assert_int_equal(c.ev.stop_plays, 0);
    }
}


static void
test_ping_and_ack(void **state)
{
    struct client c = {0};
    uint8_t       ping[6] = {0, 6, 0x12, 0x34, 0x56, 0x78};
    uint8_t       win[4];
    uint8_t       junk[3000];
    size_t        k;
    bool          acked = false;

    (void)state;
    client_init(&c, NULL);
    client_handshake(&c);
    assert_true(connect_with(&c, NULL) > 0);
    assert_true(send_msg(&c, 2, SL_RTMP_MSG_USER_CONTROL, 0, 0, ping, 6) > 0);
    assert_int_equal(c.out[c.nout - 1].type, SL_RTMP_MSG_USER_CONTROL);
    assert_memory_equal(c.out[c.nout - 1].body, "\x00\x07\x12\x34\x56\x78", 6);
    /* A small window: the next bytes trigger an Acknowledgement. */
    sl_wb32(win, 5000);
    assert_true(send_msg(&c, 2, SL_RTMP_MSG_WINDOW_ACK, 0, 0, win, 4) > 0);
    memset(junk, 0, sizeof(junk));
    assert_true(send_msg(&c, 3, 30, 0, 0, junk, sizeof(junk)) > 0);
    for (k = 0; k < c.nout; k++) {
        if (c.out[k].type == SL_RTMP_MSG_ACK) {
            acked = true;
            assert_int_equal(sl_rb32(c.out[k].body),
                             sl_rtmp_session_bytes_in(c.s));
        }
    }
    assert_true(acked);
    client_free(&c);
}


static void
test_media_timestamps_and_data(void **state)
{
    static const uint32_t ts[] = {0xFFFFFF00u, 0xFFFFFFF0u, 0x10u, 0x5u, 0x20u};
    static const uint64_t want[] = {0xFFFFFF00u, 0xFFFFFFF0u, 0x100000010u,
                                    0x100000005u, 0x100000020u};
    struct client         c = {0};
    uint8_t               video[] = {0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65};
    struct sl_amf_w       w;
    uint8_t               buf[256];
    size_t                i;

    (void)state;
    client_init(&c, NULL);
    client_handshake(&c);
    assert_true(connect_with(&c, NULL) > 0);
    assert_true(send_cmd(&c, 0, "createStream", 2, NULL) > 0);
    assert_true(send_cmd(&c, 1, "publish", 0, "cam") > 0);
    for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
        assert_true(send_msg(&c, 6, 9, 1, ts[i], video, sizeof(video)) > 0);
        assert_int_equal(c.ev.last_ts, want[i]);
    }
    /* Media on another msid is not this publisher's. */
    assert_true(send_msg(&c, 6, 9, 2, 0, video, sizeof(video)) > 0);
    assert_int_equal(c.ev.media[1], 5);
    /* @setDataFrame in an AMF3 data message (type 15, leading 0). */
    sl_amf_w_init(&w, buf, sizeof(buf));
    buf[0] = 0;
    w.len = 1;
    sl_amf0_write_string(&w, "@setDataFrame");
    sl_amf0_write_string(&w, "onMetaData");
    sl_amf0_write_ecma_begin(&w, 0);
    sl_amf0_write_object_end(&w);
    assert_true(send_msg(&c, 5, SL_RTMP_MSG_DATA_AMF3, 1, 0, buf, w.len) > 0);
    assert_int_equal(c.ev.media[2], 1);
    assert_memory_equal(c.ev.first_data, "\x02\x00\x0aonMetaData", 13);
    /* closeStream ends the publish; the stream stays for reuse. */
    assert_true(send_cmd(&c, 1, "closeStream", 0, NULL) > 0);
    assert_int_equal(c.ev.unpublishes, 1);
    assert_true(send_cmd(&c, 1, "publish", 0, "cam2") > 0);
    assert_int_equal(c.ev.publishes, 2);
    client_free(&c);
    assert_int_equal(c.ev.unpublishes, 2);
}


static void
test_aggregate(void **state)
{
    uint8_t       agg[200];
    size_t        n = 0;
    struct client c = {0};
    uint8_t       audio[] = {0xAF, 0x01, 0x21};
    int           k;

    (void)state;
    /* Three audio tags at 100, 120, 140 sent at message time 1000. */
    for (k = 0; k < 3; k++) {
        agg[n] = 8;
        sl_wb24(agg + n + 1, sizeof(audio));
        sl_wb24(agg + n + 4, 100 + 20 * (uint32_t)k);
        agg[n + 7] = 0;
        sl_wb24(agg + n + 8, 0);
        memcpy(agg + n + 11, audio, sizeof(audio));
        sl_wb32(agg + n + 11 + sizeof(audio), 11 + sizeof(audio));
        n += 11 + sizeof(audio) + 4;
    }
    agg[n++] = 9; /* a truncated tail is ignored */
    client_init(&c, NULL);
    client_handshake(&c);
    assert_true(connect_with(&c, NULL) > 0);
    assert_true(send_cmd(&c, 0, "createStream", 2, NULL) > 0);
    assert_true(send_cmd(&c, 1, "publish", 0, "cam") > 0);
    assert_true(send_msg(&c, 4, SL_RTMP_MSG_AGGREGATE, 1, 1000, agg, n) > 0);
    assert_int_equal(c.ev.media[0], 3);
    assert_int_equal(c.ev.last_ts, 1040);
    client_free(&c);
}


static void
test_unpublish_notify_and_free(void **state)
{
    struct client c = {0};
    size_t        from = 0, k;
    bool          eof = false;

    (void)state;
    client_init(&c, NULL);
    client_handshake(&c);
    assert_true(connect_with(&c, NULL) > 0);
    assert_true(send_cmd(&c, 0, "createStream", 2, NULL) > 0);
    assert_true(send_cmd(&c, 1, "play", 0, "cam") > 0);
    assert_true(send_cmd(&c, 1, "receiveAudio", 0, NULL) > 0);
    sl_rtmp_session_unpublish_notify(c.s, 1);
    sl_rtmp_session_unpublish_notify(c.s, 9); /* unknown: nothing */
    drain(&c);
    assert_non_null(
        find_cmd(&c, "onStatus", "NetStream.Play.UnpublishNotify", &from));
    for (k = from; k < c.nout; k++) {
        eof = eof
              || (c.out[k].type == SL_RTMP_MSG_USER_CONTROL
                  && sl_rb16(c.out[k].body) == 1
                  && sl_rb32(c.out[k].body + 2) == 1);
    }
    assert_true(eof);
    sl_rtmp_session_publish_notify(c.s, 1);
    drain(&c);
    assert_non_null(
        find_cmd(&c, "onStatus", "NetStream.Play.PublishNotify", &from));
    /* deleteStream stops the play once. */
    assert_true(send_cmd(&c, 0, "deleteStream", 0, NULL) > 0); /* no id */
    assert_int_equal(c.ev.stop_plays, 0);
    {
        struct sl_amf_w w;
        uint8_t         buf[64];

        sl_amf_w_init(&w, buf, sizeof(buf));
        sl_amf0_write_string(&w, "deleteStream");
        sl_amf0_write_number(&w, 0);
        sl_amf0_write_null(&w);
        sl_amf0_write_number(&w, 1);
        assert_true(send_msg(&c, 3, 20, 0, 0, buf, w.len) > 0);
    }
    assert_int_equal(c.ev.stop_plays, 1);
    client_free(&c);
    assert_int_equal(c.ev.stop_plays, 1);
}


static void
test_stream_cap_and_delete(void **state)
{
    struct sl_rtmp_limits lim = {.max_streams = 2};
    struct client         c = {0};
    size_t                from = 0;
    struct sl_amf_doc    *d = sl_malloc(sizeof(*d));
    const struct out_msg *m;

    (void)state;
    client_init(&c, &lim);
    client_handshake(&c);
    assert_true(connect_with(&c, NULL) > 0);
    assert_true(send_cmd(&c, 0, "createStream", 2, NULL) > 0);
    assert_true(send_cmd(&c, 0, "createStream", 3, NULL) > 0);
    assert_true(send_cmd(&c, 0, "createStream", 4, NULL) > 0);
    m = find_cmd(&c, "_result", NULL, &from); /* connect */
    m = find_cmd(&c, "_result", NULL, &from);
    assert_int_equal(sl_amf0_decode(d, m->body, m->len), 0);
    assert_true(sl_amf_num(sl_amf_root(d, 3), 0) == 1);
    m = find_cmd(&c, "_result", NULL, &from);
    assert_int_equal(sl_amf0_decode(d, m->body, m->len), 0);
    assert_true(sl_amf_num(sl_amf_root(d, 3), 0) == 2);
    assert_non_null(find_cmd(&c, "_error", "NetConnection.Call.Failed", &from));
    /* Play on a stream never created: refused. */
    assert_true(send_cmd(&c, 7, "play", 0, "cam") < 0);
    assert_non_null(find_cmd(&c, "onStatus", "NetStream.Play.Failed", &from));
    sl_free(d);
    client_free(&c);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ffmpeg_publish),
        cmocka_unit_test(test_gst_publishers),
        cmocka_unit_test(test_players),
        cmocka_unit_test(test_ertmp_connect),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_command_before_connect),
        cmocka_unit_test(test_rtmpe_refused),
        cmocka_unit_test(test_deferred_publish),
        cmocka_unit_test(test_publish_refusals),
        cmocka_unit_test(test_deferred_play_refusals),
        cmocka_unit_test(test_ping_and_ack),
        cmocka_unit_test(test_media_timestamps_and_data),
        cmocka_unit_test(test_aggregate),
        cmocka_unit_test(test_unpublish_notify_and_free),
        cmocka_unit_test(test_stream_cap_and_delete),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
