/* Sluice: server side of an RTMP connection, driven by bytes. */
#include "proto/rtmp/session.h"
#include "base/alloc.h"
#include "base/bytes.h"
#include "base/err.h"
#include "proto/rtmp/amf.h"
#include "proto/rtmp/chunk.h"
#include "proto/rtmp/handshake.h"

#include <string.h>


/* Incomplete input kept between feeds: at most C0+C1, or one header. */
#define PEND_MAX 2048
/* Largest command reply we build. */
#define REPLY_MAX 1024
#define ERR_MAX   200
/* Hard bound of max_streams (slots are an array). */
#define STREAMS_HARD 64

/* User control event types (RTMP 1.0 7.1.7). */
#define UC_STREAM_BEGIN       0
#define UC_STREAM_EOF         1
#define UC_SET_BUFFER_LENGTH  3
#define UC_STREAM_IS_RECORDED 4
#define UC_PING_REQUEST       6
#define UC_PING_RESPONSE      7

/* Set Peer Bandwidth limit type "dynamic". */
#define BW_DYNAMIC 2


enum sess_state {
    SESS_HANDSHAKE = 0,
    SESS_WAIT_CONNECT,
    SESS_CONNECTED,
    SESS_FAILED,
};

enum stream_state {
    STREAM_FREE = 0,
    STREAM_IDLE, /* created, neither publishing nor playing */
    STREAM_PUBLISH_PENDING,
    STREAM_PUBLISHING,
    STREAM_PLAY_PENDING,
    STREAM_PLAYING,
};

struct stream {
    uint32_t msid;
    uint8_t  state; /* enum stream_state */
    bool     have_ts;
    uint32_t last_ts;
    uint64_t ts64;
};

struct sl_rtmp_session {
    struct sl_rtmp_handler      h;
    struct sl_rtmp_limits       lim;
    struct sl_rtmp_handshake    hs;
    struct sl_rtmp_chunk_reader rd;
    struct sl_dbuf              out;
    int                         state; /* enum sess_state */
    bool                        close;
    char                        err[ERR_MAX];
    uint32_t                    out_chunk;
    uint32_t                    fourcc;
    uint32_t                    next_msid;
    struct stream              *streams; /* lim.max_streams slots */
    uint64_t                    bytes_in;
    uint64_t                    acked;
    uint32_t                    peer_window;
    size_t                      pend_len;
    uint8_t                    *pend; /* PEND_MAX bytes, on first use */
};

struct cmd {
    const struct sl_rtmp_msg  *msg;
    struct sl_amf_doc         *doc;
    struct sl_str              name;
    double                     txn;
    const struct sl_amf_value *obj;  /* command object (3rd value) */
    const struct sl_amf_value *arg1; /* 4th value */
    const struct sl_amf_value *arg2; /* 5th value */
};


static void set_error(struct sl_rtmp_session *s, int rc, const char *what);
static int  process(struct sl_rtmp_session *s, const uint8_t *p, size_t len);
static int  handle_msg(struct sl_rtmp_session *s, const struct sl_rtmp_msg *m);
static int  handle_user_control(struct sl_rtmp_session   *s,
                                const struct sl_rtmp_msg *m);
static int  handle_media(struct sl_rtmp_session *s, uint8_t type, uint32_t msid,
                         uint32_t ts, const uint8_t *p, size_t len);
static int  handle_aggregate(struct sl_rtmp_session   *s,
                             const struct sl_rtmp_msg *m);
static int  handle_command(struct sl_rtmp_session   *s,
                           const struct sl_rtmp_msg *m);
static int  dispatch(struct sl_rtmp_session *s, struct cmd *c);
static int  cmd_connect(struct sl_rtmp_session *s, struct cmd *c);
static int  cmd_create_stream(struct sl_rtmp_session *s, struct cmd *c);
static int  cmd_publish(struct sl_rtmp_session *s, struct cmd *c);
static int  cmd_play(struct sl_rtmp_session *s, struct cmd *c);
static int  cmd_fc(struct sl_rtmp_session *s, struct cmd *c, bool publish);
static int  cmd_delete_stream(struct sl_rtmp_session *s, struct cmd *c);
static int  cmd_simple_result(struct sl_rtmp_session *s, struct cmd *c,
                              bool zero);
static uint32_t       fourcc_bit(struct sl_str s);
static uint32_t       parse_fourccs(const struct sl_amf_doc   *d,
                                    const struct sl_amf_value *obj);
static struct stream *find_stream(struct sl_rtmp_session *s, uint32_t msid);
static void           end_stream(struct sl_rtmp_session *s, struct stream *st);
static int  send_ctl(struct sl_rtmp_session *s, uint8_t type, uint32_t v,
                     int extra);
static int  send_uc(struct sl_rtmp_session *s, uint16_t event, uint32_t v);
static int  send_amf(struct sl_rtmp_session *s, uint32_t csid, uint8_t type,
                     uint32_t msid, const struct sl_amf_w *w);
static int  send_status(struct sl_rtmp_session *s, uint32_t msid,
                        const char *level, const char *code,
                        const char *description);
static int  send_data_status(struct sl_rtmp_session *s, uint32_t msid,
                             const char *code);
static int  send_sample_access(struct sl_rtmp_session *s, uint32_t msid);
static int  send_result(struct sl_rtmp_session *s, const char *name, double txn,
                        bool null_obj, int kind, double num);
static int  accept_publish(struct sl_rtmp_session *s, struct stream *st);
static int  refuse_publish(struct sl_rtmp_session *s, struct stream *st,
                           int code, const char *description);
static int  accept_play(struct sl_rtmp_session *s, struct stream *st);
static int  refuse_play(struct sl_rtmp_session *s, struct stream *st, int code,
                        const char *description);
static int  maybe_ack(struct sl_rtmp_session *s);
static bool is_string_value(const uint8_t *p, size_t len, const char *want,
                            size_t *skip);


/* Kinds of the 4th value of a _result. */
enum { RES_UNDEFINED, RES_NUMBER, RES_NONE };

static const struct {
    const char *name;
    uint32_t    bit;
} fourccs[] = {
    {"avc1", SL_RTMP_FOURCC_AVC1}, {"hvc1", SL_RTMP_FOURCC_HVC1},
    {"av01", SL_RTMP_FOURCC_AV01}, {"vp09", SL_RTMP_FOURCC_VP09},
    {"Opus", SL_RTMP_FOURCC_OPUS}, {"mp4a", SL_RTMP_FOURCC_MP4A},
    {".mp3", SL_RTMP_FOURCC_MP3},  {"fLaC", SL_RTMP_FOURCC_FLAC},
    {"ac-3", SL_RTMP_FOURCC_AC3},  {"ec-3", SL_RTMP_FOURCC_EC3},
    {"*", SL_RTMP_FOURCC_ALL},
};


struct sl_rtmp_session *
sl_rtmp_session_new(const struct sl_rtmp_handler *h,
                    const struct sl_rtmp_limits  *lim)
{
    struct sl_rtmp_session *s = sl_calloc(1, sizeof(*s));

    if (h != NULL) {
        s->h = *h;
    }
    s->lim = (struct sl_rtmp_limits){
        .max_message = SL_RTMP_MAX_MESSAGE,
        .max_chunk_streams = SL_RTMP_MAX_CHUNK_STREAMS,
        .reassembly_budget = SL_RTMP_REASSEMBLY_BUDGET,
        .max_output = SL_RTMP_MAX_OUTPUT,
        .max_streams = SL_RTMP_MAX_STREAMS,
    };
    if (lim != NULL) {
        if (lim->max_message > 0) {
            s->lim.max_message = lim->max_message;
        }
        if (lim->max_chunk_streams > 0) {
            s->lim.max_chunk_streams = lim->max_chunk_streams;
        }
        if (lim->reassembly_budget > 0) {
            s->lim.reassembly_budget = lim->reassembly_budget;
        }
        if (lim->max_output > 0) {
            s->lim.max_output = lim->max_output;
        }
        if (lim->max_streams > 0) {
            s->lim.max_streams = lim->max_streams < STREAMS_HARD
                                     ? lim->max_streams
                                     : STREAMS_HARD;
        }
    }
    /* The handshake answer alone is 3073 bytes. */
    if (s->lim.max_output < 4096) {
        s->lim.max_output = 4096;
    }
    sl_rtmp_handshake_init(&s->hs);
    sl_rtmp_chunk_reader_init(&s->rd, &s->lim);
    sl_dbuf_init(&s->out, s->lim.max_output);
    s->out_chunk = SL_RTMP_DEFAULT_CHUNK_SIZE;
    s->next_msid = 1;
    s->peer_window = SL_RTMP_SERVER_WINDOW_ACK;
    s->streams = sl_calloc(s->lim.max_streams, sizeof(*s->streams));
    return s;
}


void
sl_rtmp_session_free(struct sl_rtmp_session **sp)
{
    struct sl_rtmp_session *s = *sp;
    uint32_t                i;

    if (s == NULL) {
        return;
    }
    for (i = 0; i < s->lim.max_streams; i++) {
        end_stream(s, &s->streams[i]);
    }
    sl_free(s->streams);
    sl_free(s->pend);
    sl_rtmp_chunk_reader_free(&s->rd);
    sl_dbuf_free(&s->out);
    sl_free(s);
    *sp = NULL;
}


struct sl_dbuf *
sl_rtmp_session_output(struct sl_rtmp_session *s)
{
    return &s->out;
}


const char *
sl_rtmp_session_error(const struct sl_rtmp_session *s)
{
    return s->err;
}


bool
sl_rtmp_session_wants_close(const struct sl_rtmp_session *s)
{
    return s->close;
}


bool
sl_rtmp_session_connected(const struct sl_rtmp_session *s)
{
    return s->state == SESS_CONNECTED;
}


uint32_t
sl_rtmp_session_out_chunk_size(const struct sl_rtmp_session *s)
{
    return s->out_chunk;
}


uint32_t
sl_rtmp_session_fourcc_mask(const struct sl_rtmp_session *s)
{
    return s->fourcc;
}


uint64_t
sl_rtmp_session_bytes_in(const struct sl_rtmp_session *s)
{
    return s->bytes_in;
}


/* Records the first reason the session must close. */
static void
set_error(struct sl_rtmp_session *s, int rc, const char *what)
{
    s->close = true;
    if (s->err[0] != '\0') {
        return;
    }
    if (rc == 0) {
        sl_snprintf(s->err, sizeof(s->err), "%s", what);
    } else {
        sl_snprintf(s->err, sizeof(s->err), "%s: %s", what, sl_strerror(rc));
    }
}


int
sl_rtmp_session_feed(struct sl_rtmp_session *s, const uint8_t *p, size_t len)
{
    size_t total = len;
    int    rc;

    if (s->state == SESS_FAILED) {
        return SL_ECLOSED;
    }
    s->bytes_in += len;
    while (len > 0) {
        if (s->pend_len > 0) {
            /*
             * Finish the incomplete unit kept from the last feed: append
             * what fits and process the joined bytes.
             */
            size_t old = s->pend_len;
            size_t n = len < PEND_MAX - old ? len : PEND_MAX - old;
            size_t joined;

            memcpy(s->pend + old, p, n);
            joined = old + n;
            rc = process(s, s->pend, joined);
            if (rc < 0) {
                goto fail;
            }
            if (s->close) {
                break;
            }
            if ((size_t)rc < old) {
                if (joined == PEND_MAX && rc == 0) {
                    rc = SL_EBADDATA; /* cannot happen: units fit */
                    set_error(s, rc, "input unit too large");
                    goto fail;
                }
                memmove(s->pend, s->pend + rc, joined - (size_t)rc);
                s->pend_len = joined - (size_t)rc;
                p += n;
                len -= n;
                continue;
            }
            s->pend_len = 0;
            p += (size_t)rc - old;
            len -= (size_t)rc - old;
            continue;
        }
        rc = process(s, p, len);
        if (rc < 0) {
            goto fail;
        }
        if (s->close) {
            break;
        }
        p += rc;
        len -= (size_t)rc;
        if (len > 0) {
            if (len > PEND_MAX) {
                rc = SL_EBADDATA;
                set_error(s, rc, "input unit too large");
                goto fail;
            }
            if (s->pend == NULL) {
                s->pend = sl_malloc(PEND_MAX);
            }
            memcpy(s->pend, p, len);
            s->pend_len = len;
            len = 0;
        }
    }
    rc = maybe_ack(s);
    if (rc < 0) {
        goto fail;
    }
    if (s->close) {
        rc = SL_ECLOSED;
        goto fail;
    }
    return (int)total;

fail:
    s->state = SESS_FAILED;
    s->close = true;
    return rc;
}


/* Consumes whole units from p; stops (returning the count) at a partial. */
static int
process(struct sl_rtmp_session *s, const uint8_t *p, size_t len)
{
    struct sl_rtmp_msg msg;
    size_t             off = 0;
    bool               complete;
    int                rc;

    while (off < len && !s->close) {
        if (s->state == SESS_HANDSHAKE) {
            rc = sl_rtmp_handshake_server(&s->hs, p + off, len - off, &s->out);
            if (rc == SL_EAGAIN) {
                break;
            }
            if (rc < 0) {
                set_error(s, rc,
                          rc == SL_EUNSUP
                              ? "RTMPE (encrypted RTMP) is not supported"
                              : "handshake failed");
                return rc;
            }
            off += (size_t)rc;
            if (s->hs.state == SL_RTMP_HS_DONE) {
                s->state = SESS_WAIT_CONNECT;
            }
            continue;
        }
        rc = sl_rtmp_chunk_read(&s->rd, p + off, len - off, &msg, &complete);
        if (rc == SL_EAGAIN) {
            break;
        }
        if (rc < 0) {
            set_error(s, rc, "reading chunk stream");
            return rc;
        }
        off += (size_t)rc;
        if (complete) {
            rc = handle_msg(s, &msg);
            if (rc < 0) {
                return rc;
            }
        }
    }
    return (int)off;
}


static int
maybe_ack(struct sl_rtmp_session *s)
{
    if (s->state == SESS_HANDSHAKE || s->bytes_in - s->acked < s->peer_window) {
        return 0;
    }
    s->acked = s->bytes_in;
    return send_ctl(s, SL_RTMP_MSG_ACK, (uint32_t)s->bytes_in, -1);
}


static int
handle_msg(struct sl_rtmp_session *s, const struct sl_rtmp_msg *m)
{
    const uint8_t *p = m->data;
    size_t         len = m->len;
    size_t         skip;

    switch (m->type) {
    case SL_RTMP_MSG_SET_CHUNK_SIZE:
    case SL_RTMP_MSG_ABORT:
    case SL_RTMP_MSG_ACK:
    case SL_RTMP_MSG_PEER_BANDWIDTH:
        return 0; /* the reader applied the first two */
    case SL_RTMP_MSG_WINDOW_ACK:
        if (len >= 4 && sl_rb32(p) > 0) {
            s->peer_window = sl_rb32(p);
        }
        return 0;
    case SL_RTMP_MSG_USER_CONTROL:
        return handle_user_control(s, m);
    case SL_RTMP_MSG_AUDIO:
    case SL_RTMP_MSG_VIDEO:
        return handle_media(s, m->type, m->msid, m->ts, p, len);
    case SL_RTMP_MSG_DATA_AMF3:
    case SL_RTMP_MSG_DATA_AMF0:
        if (m->type == SL_RTMP_MSG_DATA_AMF3 && len > 0 && p[0] == 0) {
            p++;
            len--;
        }
        /* Publishers wrap metadata in @setDataFrame: hand up the rest. */
        if (is_string_value(p, len, "@setDataFrame", &skip)) {
            p += skip;
            len -= skip;
        }
        return handle_media(s, SL_RTMP_MSG_DATA_AMF0, m->msid, m->ts, p, len);
    case SL_RTMP_MSG_COMMAND_AMF3:
    case SL_RTMP_MSG_COMMAND_AMF0:
        return handle_command(s, m);
    case SL_RTMP_MSG_AGGREGATE:
        return handle_aggregate(s, m);
    default:
        return 0; /* shared objects and unknown types: ignored */
    }
}


/* True when p starts with the AMF0 string want; *skip is its size. */
static bool
is_string_value(const uint8_t *p, size_t len, const char *want, size_t *skip)
{
    size_t n = strlen(want);

    if (len < 3 + n || p[0] != SL_AMF0_STRING || sl_rb16(p + 1) != n
        || memcmp(p + 3, want, n) != 0)
    {
        return false;
    }
    *skip = 3 + n;
    return true;
}


static int
handle_user_control(struct sl_rtmp_session *s, const struct sl_rtmp_msg *m)
{
    uint16_t event;

    if (m->len < 2) {
        return 0;
    }
    event = sl_rb16(m->data);
    if (event == UC_PING_REQUEST && m->len >= 6) {
        return send_uc(s, UC_PING_RESPONSE, sl_rb32(m->data + 2));
    }
    return 0; /* SetBufferLength, PingResponse, ...: nothing to do */
}


static int
handle_media(struct sl_rtmp_session *s, uint8_t type, uint32_t msid,
             uint32_t ts, const uint8_t *p, size_t len)
{
    struct stream       *st = find_stream(s, msid);
    struct sl_rtmp_media m;

    if (st == NULL || st->state != STREAM_PUBLISHING) {
        return 0; /* before the publish was accepted: dropped */
    }
    if (!st->have_ts) {
        st->have_ts = true;
        st->ts64 = ts;
    } else {
        /* Unwrap with the signed distance: small steps back are jitter. */
        int32_t d = (int32_t)(ts - st->last_ts);

        if (d < 0 && (uint64_t)(-(int64_t)d) > st->ts64) {
            st->ts64 = 0;
        } else {
            st->ts64 = (uint64_t)((int64_t)st->ts64 + d);
        }
    }
    st->last_ts = ts;
    if (s->h.on_media == NULL) {
        return 0;
    }
    m = (struct sl_rtmp_media){
        .type = type,
        .ts_ms = st->ts64,
        .data = p,
        .len = len,
        .msid = msid,
    };
    s->h.on_media(s->h.ud, &m);
    return 0;
}


/*
 * An aggregate message holds FLV-like tags: type(1) size(3) ts(3) ts
 * high byte(1) stream id(3) body(size) back pointer(4).  Timestamps are
 * relative to the first tag's, which the message's timestamp replaces.
 */
static int
handle_aggregate(struct sl_rtmp_session *s, const struct sl_rtmp_msg *m)
{
    const uint8_t *p = m->data;
    size_t         len = m->len;
    uint32_t       base = 0;
    bool           first = true;
    int            rc;

    while (len >= 11) {
        uint8_t  type = p[0];
        uint32_t size = sl_rb24(p + 1);
        uint32_t ts = sl_rb24(p + 4) | ((uint32_t)p[7] << 24);

        if (size > len - 11) {
            return 0; /* truncated tail: what was complete went up */
        }
        if (first) {
            base = ts;
            first = false;
        }
        if (type == SL_RTMP_MSG_AUDIO || type == SL_RTMP_MSG_VIDEO
            || type == SL_RTMP_MSG_DATA_AMF0)
        {
            rc = handle_media(s, type, m->msid, m->ts + (ts - base), p + 11,
                              size);
            if (rc < 0) {
                return rc;
            }
        }
        p += 11 + size;
        len -= 11 + size;
        if (len < 4) {
            break;
        }
        p += 4;
        len -= 4;
    }
    return 0;
}


static int
handle_command(struct sl_rtmp_session *s, const struct sl_rtmp_msg *m)
{
    const uint8_t *p = m->data;
    size_t         len = m->len;
    struct cmd     c;
    int            rc;

    if (m->type == SL_RTMP_MSG_COMMAND_AMF3 && len > 0 && p[0] == 0) {
        p++; /* AMF3 command messages start with a format byte */
        len--;
    }
    memset(&c, 0, sizeof(c));
    c.msg = m;
    c.doc = sl_malloc(sizeof(*c.doc));
    rc = sl_amf0_decode(c.doc, p, len);
    if (rc < 0 && c.doc->nroot < 2) {
        /* Keep what decoded: trailing junk after the arguments is common. */
        sl_free(c.doc);
        set_error(s, rc, "decoding command");
        return rc;
    }
    c.name = sl_amf_str(sl_amf_root(c.doc, 0));
    c.txn = sl_amf_num(sl_amf_root(c.doc, 1), 0);
    c.obj = sl_amf_root(c.doc, 2);
    c.arg1 = sl_amf_root(c.doc, 3);
    c.arg2 = sl_amf_root(c.doc, 4);
    rc = dispatch(s, &c);
    sl_free(c.doc);
    return rc;
}


static int
dispatch(struct sl_rtmp_session *s, struct cmd *c)
{
    struct stream *st;

    if (sl_str_eq_cstr(c->name, "connect")) {
        return cmd_connect(s, c);
    }
    if (s->state != SESS_CONNECTED) {
        set_error(s, SL_ESTATE, "command before connect");
        return SL_ESTATE;
    }
    if (sl_str_eq_cstr(c->name, "createStream")) {
        return cmd_create_stream(s, c);
    }
    if (sl_str_eq_cstr(c->name, "publish")) {
        return cmd_publish(s, c);
    }
    if (sl_str_eq_cstr(c->name, "play")) {
        return cmd_play(s, c);
    }
    if (sl_str_eq_cstr(c->name, "releaseStream")) {
        return cmd_simple_result(s, c, false);
    }
    if (sl_str_eq_cstr(c->name, "FCPublish")) {
        return cmd_fc(s, c, true);
    }
    if (sl_str_eq_cstr(c->name, "FCUnpublish")) {
        return cmd_fc(s, c, false);
    }
    if (sl_str_eq_cstr(c->name, "deleteStream")) {
        return cmd_delete_stream(s, c);
    }
    if (sl_str_eq_cstr(c->name, "closeStream")) {
        st = find_stream(s, c->msg->msid);
        if (st != NULL) {
            end_stream(s, st);
            st->state = STREAM_IDLE;
        }
        return 0;
    }
    if (sl_str_eq_cstr(c->name, "getStreamLength")) {
        return cmd_simple_result(s, c, true);
    }
    if (sl_str_eq_cstr(c->name, "_checkbw")) {
        return cmd_simple_result(s, c, false);
    }
    /* receiveAudio, receiveVideo, pause, FCSubscribe, _result...: ignored. */
    return 0;
}


static uint32_t
fourcc_bit(struct sl_str s)
{
    size_t i;

    for (i = 0; i < sizeof(fourccs) / sizeof(fourccs[0]); i++) {
        if (sl_str_eq_cstr(s, fourccs[i].name)) {
            return fourccs[i].bit;
        }
    }
    return 0;
}


/*
 * E-RTMP v1: fourCcList, a strict array of strings.  v2:
 * videoFourCcInfoMap / audioFourCcInfoMap, objects keyed by FourCC whose
 * values are capability flags (decode, encode, forward).
 */
static uint32_t
parse_fourccs(const struct sl_amf_doc *d, const struct sl_amf_value *obj)
{
    static const char *const   maps[] = {"videoFourCcInfoMap",
                                         "audioFourCcInfoMap"};
    const struct sl_amf_value *list, *v;
    uint32_t                   mask = 0;
    size_t                     i;

    list = sl_amf_get(d, obj, "fourCcList");
    if (list != NULL && list->type == SL_AMF_STRICT_ARRAY) {
        for (v = sl_amf_first(d, list); v != NULL; v = sl_amf_next(d, list, v))
        {
            mask |= fourcc_bit(sl_amf_str(v));
        }
    }
    for (i = 0; i < 2; i++) {
        list = sl_amf_get(d, obj, maps[i]);
        if (list == NULL) {
            continue;
        }
        for (v = sl_amf_first(d, list); v != NULL; v = sl_amf_next(d, list, v))
        {
            if (sl_amf_num(v, 1) != 0) {
                mask |= fourcc_bit(v->key);
            }
        }
    }
    return mask & SL_RTMP_FOURCC_ALL;
}


static int
cmd_connect(struct sl_rtmp_session *s, struct cmd *c)
{
    const struct sl_amf_doc    *d = c->doc;
    struct sl_rtmp_connect_info ci;
    struct sl_amf_w             w;
    uint8_t                     buf[REPLY_MAX];
    int                         rc;

    if (s->state != SESS_WAIT_CONNECT) {
        set_error(s, SL_ESTATE, "second connect");
        return SL_ESTATE;
    }
    memset(&ci, 0, sizeof(ci));
    ci.app = sl_amf_str(sl_amf_get(d, c->obj, "app"));
    ci.tc_url = sl_amf_str(sl_amf_get_case(d, c->obj, "tcUrl"));
    ci.flash_ver = sl_amf_str(sl_amf_get_case(d, c->obj, "flashVer"));
    ci.swf_url = sl_amf_str(sl_amf_get_case(d, c->obj, "swfUrl"));
    ci.page_url = sl_amf_str(sl_amf_get_case(d, c->obj, "pageUrl"));
    ci.object_encoding = sl_amf_num(sl_amf_get(d, c->obj, "objectEncoding"), 0);
    ci.fourcc_mask = parse_fourccs(d, c->obj);
    rc = s->h.on_connect != NULL ? s->h.on_connect(s->h.ud, &ci) : 0;
    sl_amf_w_init(&w, buf, sizeof(buf));
    if (rc < 0) {
        sl_amf0_write_string(&w, "_error");
        sl_amf0_write_number(&w, c->txn);
        sl_amf0_write_null(&w);
        sl_amf0_write_object_begin(&w);
        sl_amf0_write_prop_string(&w, "level", "error");
        sl_amf0_write_prop_string(&w, "code", "NetConnection.Connect.Rejected");
        sl_amf0_write_prop_string(&w, "description",
                                  rc == SL_EAUTH ? "authentication failed"
                                                 : "connection rejected");
        sl_amf0_write_object_end(&w);
        send_amf(s, SL_RTMP_CSID_COMMAND, SL_RTMP_MSG_COMMAND_AMF0, 0, &w);
        set_error(s, rc, "connect refused");
        return rc;
    }
    s->fourcc = ci.fourcc_mask;
    rc = send_ctl(s, SL_RTMP_MSG_WINDOW_ACK, SL_RTMP_SERVER_WINDOW_ACK, -1);
    if (rc == 0) {
        rc = send_ctl(s, SL_RTMP_MSG_PEER_BANDWIDTH, SL_RTMP_SERVER_WINDOW_ACK,
                      BW_DYNAMIC);
    }
    if (rc == 0) {
        rc = send_ctl(s, SL_RTMP_MSG_SET_CHUNK_SIZE, SL_RTMP_SERVER_CHUNK_SIZE,
                      -1);
    }
    if (rc < 0) {
        return rc;
    }
    s->out_chunk = SL_RTMP_SERVER_CHUNK_SIZE;
    sl_amf0_write_string(&w, "_result");
    sl_amf0_write_number(&w, c->txn);
    sl_amf0_write_object_begin(&w);
    sl_amf0_write_prop_string(&w, "fmsVer", "LNX 9,0,124,2");
    sl_amf0_write_prop_number(&w, "capabilities", 31);
    sl_amf0_write_object_end(&w);
    sl_amf0_write_object_begin(&w);
    sl_amf0_write_prop_string(&w, "level", "status");
    sl_amf0_write_prop_string(&w, "code", "NetConnection.Connect.Success");
    sl_amf0_write_prop_string(&w, "description", "Connection succeeded.");
    sl_amf0_write_prop_number(&w, "objectEncoding", ci.object_encoding);
    sl_amf0_write_object_end(&w);
    rc = send_amf(s, SL_RTMP_CSID_COMMAND, SL_RTMP_MSG_COMMAND_AMF0, 0, &w);
    if (rc < 0) {
        return rc;
    }
    s->state = SESS_CONNECTED;
    return 0;
}


static int
cmd_create_stream(struct sl_rtmp_session *s, struct cmd *c)
{
    struct sl_amf_w w;
    uint8_t         buf[REPLY_MAX];
    uint32_t        i;

    for (i = 0; i < s->lim.max_streams; i++) {
        if (s->streams[i].state == STREAM_FREE) {
            break;
        }
    }
    if (i == s->lim.max_streams) {
        sl_amf_w_init(&w, buf, sizeof(buf));
        sl_amf0_write_string(&w, "_error");
        sl_amf0_write_number(&w, c->txn);
        sl_amf0_write_null(&w);
        sl_amf0_write_object_begin(&w);
        sl_amf0_write_prop_string(&w, "level", "error");
        sl_amf0_write_prop_string(&w, "code", "NetConnection.Call.Failed");
        sl_amf0_write_prop_string(&w, "description", "too many streams");
        sl_amf0_write_object_end(&w);
        return send_amf(s, SL_RTMP_CSID_COMMAND, SL_RTMP_MSG_COMMAND_AMF0, 0,
                        &w);
    }
    memset(&s->streams[i], 0, sizeof(s->streams[i]));
    s->streams[i].msid = s->next_msid++;
    s->streams[i].state = STREAM_IDLE;
    return send_result(s, "_result", c->txn, true, RES_NUMBER,
                       s->streams[i].msid);
}


/* _result for calls clients wait on without using the answer. */
static int
cmd_simple_result(struct sl_rtmp_session *s, struct cmd *c, bool zero)
{
    if (c->txn == 0) {
        return 0; /* no transaction: no answer expected */
    }
    return send_result(s, "_result", c->txn, true,
                       zero ? RES_NUMBER : RES_UNDEFINED, 0);
}


/* FCPublish / FCUnpublish (Flash Media Live Encoder's calls). */
static int
cmd_fc(struct sl_rtmp_session *s, struct cmd *c, bool publish)
{
    struct sl_amf_w w;
    uint8_t         buf[REPLY_MAX];
    uint32_t        i;
    int             rc;

    if (!publish) {
        for (i = 0; i < s->lim.max_streams; i++) {
            struct stream *st = &s->streams[i];

            if (st->state == STREAM_PUBLISHING
                || st->state == STREAM_PUBLISH_PENDING) {
                end_stream(s, st);
                st->state = STREAM_IDLE;
                break;
            }
        }
    }
    rc = cmd_simple_result(s, c, false);
    if (rc < 0) {
        return rc;
    }
    sl_amf_w_init(&w, buf, sizeof(buf));
    sl_amf0_write_string(&w, publish ? "onFCPublish" : "onFCUnpublish");
    sl_amf0_write_number(&w, 0);
    sl_amf0_write_null(&w);
    sl_amf0_write_object_begin(&w);
    sl_amf0_write_prop_string(&w, "code",
                              publish ? "NetStream.Publish.Start"
                                      : "NetStream.Unpublish.Success");
    sl_amf0_write_key(&w, "description");
    sl_amf0_write_str(&w, sl_amf_str(c->arg1));
    sl_amf0_write_object_end(&w);
    return send_amf(s, SL_RTMP_CSID_COMMAND, SL_RTMP_MSG_COMMAND_AMF0, 0, &w);
}


static int
cmd_delete_stream(struct sl_rtmp_session *s, struct cmd *c)
{
    double         id = sl_amf_num(c->arg1, -1);
    struct stream *st;

    /* Written so that NaN is refused too. */
    if (!(id >= 1 && id <= 0xFFFFFFFFu)) {
        return 0;
    }
    st = find_stream(s, (uint32_t)id);
    if (st != NULL) {
        end_stream(s, st);
        st->state = STREAM_FREE;
    }
    return 0;
}


static int
cmd_publish(struct sl_rtmp_session *s, struct cmd *c)
{
    struct stream             *st = find_stream(s, c->msg->msid);
    struct sl_rtmp_stream_info si;
    int                        rc;

    if (st == NULL || st->state != STREAM_IDLE) {
        return refuse_publish(s, st, SL_ESTATE,
                              st == NULL ? "publish on an unknown stream"
                                         : "stream already in use");
    }
    si = (struct sl_rtmp_stream_info){
        .msid = st->msid,
        .name = sl_amf_str(c->arg1),
        .type = sl_amf_str(c->arg2),
    };
    st->state = STREAM_PUBLISH_PENDING;
    rc = s->h.on_publish != NULL ? s->h.on_publish(s->h.ud, &si) : 0;
    if (rc == SL_EAGAIN) {
        return 0;
    }
    if (rc < 0) {
        return refuse_publish(s, st, rc, NULL);
    }
    return accept_publish(s, st);
}


static int
cmd_play(struct sl_rtmp_session *s, struct cmd *c)
{
    struct stream             *st = find_stream(s, c->msg->msid);
    struct sl_rtmp_stream_info si;
    int                        rc;

    if (st == NULL || st->state != STREAM_IDLE) {
        return refuse_play(s, st, SL_ESTATE,
                           st == NULL ? "play on an unknown stream"
                                      : "stream already in use");
    }
    si = (struct sl_rtmp_stream_info){
        .msid = st->msid,
        .name = sl_amf_str(c->arg1),
        .type = SL_STR_NULL,
    };
    st->state = STREAM_PLAY_PENDING;
    rc = s->h.on_play != NULL ? s->h.on_play(s->h.ud, &si) : 0;
    if (rc == SL_EAGAIN) {
        return 0;
    }
    if (rc < 0) {
        return refuse_play(s, st, rc, NULL);
    }
    return accept_play(s, st);
}


static int
accept_publish(struct sl_rtmp_session *s, struct stream *st)
{
    st->state = STREAM_PUBLISHING;
    st->have_ts = false;
    return send_status(s, st->msid, "status", "NetStream.Publish.Start",
                       "publish start");
}


/* st may be NULL (a publish on a stream id never created). */
static int
refuse_publish(struct sl_rtmp_session *s, struct stream *st, int code,
               const char *description)
{
    const char *status = "NetStream.Publish.Failed";
    const char *text = "publish failed";
    uint32_t    msid = st != NULL ? st->msid : 0;
    int         rc;

    if (code == SL_EAUTH) {
        status = "NetStream.Publish.Unauthorized";
        text = "authentication failed";
    } else if (code == SL_EEXIST) {
        status = "NetStream.Publish.BadName";
        text = "already publishing";
    }
    if (st != NULL && st->state == STREAM_PUBLISH_PENDING) {
        st->state = STREAM_IDLE;
    }
    rc = send_status(s, msid, "error", status,
                     description != NULL ? description : text);
    set_error(s, code, description != NULL ? description : text);
    return rc < 0 ? rc : code;
}


static int
accept_play(struct sl_rtmp_session *s, struct stream *st)
{
    int rc;

    st->state = STREAM_PLAYING;
    rc = send_uc(s, UC_STREAM_IS_RECORDED, st->msid);
    if (rc == 0) {
        rc = send_uc(s, UC_STREAM_BEGIN, st->msid);
    }
    if (rc == 0) {
        rc = send_status(s, st->msid, "status", "NetStream.Play.Reset",
                         "play reset");
    }
    if (rc == 0) {
        rc = send_status(s, st->msid, "status", "NetStream.Play.Start",
                         "play start");
    }
    if (rc == 0) {
        rc = send_sample_access(s, st->msid);
    }
    if (rc == 0) {
        rc = send_data_status(s, st->msid, "NetStream.Data.Start");
    }
    if (rc == 0) {
        rc = send_status(s, st->msid, "status", "NetStream.Play.PublishNotify",
                         "publish notify");
    }
    return rc;
}


static int
refuse_play(struct sl_rtmp_session *s, struct stream *st, int code,
            const char *description)
{
    const char *status = "NetStream.Play.Failed";
    const char *text = "play failed";
    uint32_t    msid = st != NULL ? st->msid : 0;
    int         rc;

    if (code == SL_EAUTH) {
        text = "authentication failed";
    } else if (code == SL_ENOTFOUND) {
        status = "NetStream.Play.StreamNotFound";
        text = "stream not found";
    }
    if (st != NULL && st->state == STREAM_PLAY_PENDING) {
        st->state = STREAM_IDLE;
    }
    rc = send_status(s, msid, "error", status,
                     description != NULL ? description : text);
    set_error(s, code, description != NULL ? description : text);
    return rc < 0 ? rc : code;
}


void
sl_rtmp_session_publish_result(struct sl_rtmp_session *s, uint32_t msid,
                               int code, const char *description)
{
    struct stream *st = find_stream(s, msid);
    int            rc;

    if (st == NULL || st->state != STREAM_PUBLISH_PENDING
        || s->state == SESS_FAILED)
    {
        return;
    }
    rc = code == 0 ? accept_publish(s, st)
                   : refuse_publish(s, st, code, description);
    if (rc < 0 && code == 0) {
        set_error(s, rc, "writing publish reply");
    }
}


void
sl_rtmp_session_play_result(struct sl_rtmp_session *s, uint32_t msid, int code,
                            const char *description)
{
    struct stream *st = find_stream(s, msid);
    int            rc;

    if (st == NULL || st->state != STREAM_PLAY_PENDING
        || s->state == SESS_FAILED) {
        return;
    }
    rc = code == 0 ? accept_play(s, st) : refuse_play(s, st, code, description);
    if (rc < 0 && code == 0) {
        set_error(s, rc, "writing play reply");
    }
}


void
sl_rtmp_session_unpublish_notify(struct sl_rtmp_session *s, uint32_t msid)
{
    struct stream *st = find_stream(s, msid);
    int            rc;

    if (st == NULL || st->state != STREAM_PLAYING || s->state == SESS_FAILED) {
        return;
    }
    rc = send_status(s, msid, "status", "NetStream.Play.UnpublishNotify",
                     "unpublish notify");
    if (rc == 0) {
        rc = send_uc(s, UC_STREAM_EOF, msid);
    }
    if (rc < 0) {
        set_error(s, rc, "writing unpublish notification");
    }
}


void
sl_rtmp_session_publish_notify(struct sl_rtmp_session *s, uint32_t msid)
{
    struct stream *st = find_stream(s, msid);
    int            rc;

    if (st == NULL || st->state != STREAM_PLAYING || s->state == SESS_FAILED) {
        return;
    }
    rc = send_uc(s, UC_STREAM_BEGIN, msid);
    if (rc == 0) {
        rc = send_status(s, msid, "status", "NetStream.Play.PublishNotify",
                         "publish notify");
    }
    if (rc < 0) {
        set_error(s, rc, "writing publish notification");
    }
}


static struct stream *
find_stream(struct sl_rtmp_session *s, uint32_t msid)
{
    uint32_t i;

    if (msid == 0) {
        return NULL;
    }
    for (i = 0; i < s->lim.max_streams; i++) {
        if (s->streams[i].state != STREAM_FREE && s->streams[i].msid == msid) {
            return &s->streams[i];
        }
    }
    return NULL;
}


/* Tells the owner an accepted publish or play ended; the slot goes idle. */
static void
end_stream(struct sl_rtmp_session *s, struct stream *st)
{
    uint8_t state = st->state;

    if (state == STREAM_FREE) {
        return;
    }
    st->state = STREAM_IDLE;
    if (state == STREAM_PUBLISHING && s->h.on_unpublish != NULL) {
        s->h.on_unpublish(s->h.ud, st->msid);
    } else if (state == STREAM_PLAYING && s->h.on_stop_play != NULL) {
        s->h.on_stop_play(s->h.ud, st->msid);
    }
}


/* A protocol control message with a 4-byte value (and a limit type). */
static int
send_ctl(struct sl_rtmp_session *s, uint8_t type, uint32_t v, int extra)
{
    uint8_t b[5];
    size_t  n = 4;
    int     rc;

    sl_wb32(b, v);
    if (extra >= 0) {
        b[4] = (uint8_t)extra;
        n = 5;
    }
    rc = sl_rtmp_write_message(&s->out, SL_RTMP_CSID_CONTROL, type, 0, 0, b, n,
                               s->out_chunk);
    if (rc < 0) {
        set_error(s, rc, "output full");
    }
    return rc;
}


static int
send_uc(struct sl_rtmp_session *s, uint16_t event, uint32_t v)
{
    uint8_t b[6];
    int     rc;

    sl_wb16(b, event);
    sl_wb32(b + 2, v);
    rc = sl_rtmp_write_message(&s->out, SL_RTMP_CSID_CONTROL,
                               SL_RTMP_MSG_USER_CONTROL, 0, 0, b, sizeof(b),
                               s->out_chunk);
    if (rc < 0) {
        set_error(s, rc, "output full");
    }
    return rc;
}


static int
send_amf(struct sl_rtmp_session *s, uint32_t csid, uint8_t type, uint32_t msid,
         const struct sl_amf_w *w)
{
    int rc;

    if (w->error) {
        set_error(s, SL_ELIMIT, "reply too large");
        return SL_ELIMIT;
    }
    rc = sl_rtmp_write_message(&s->out, csid, type, msid, 0, w->p, w->len,
                               s->out_chunk);
    if (rc < 0) {
        set_error(s, rc, "output full");
    }
    return rc;
}


static int
send_status(struct sl_rtmp_session *s, uint32_t msid, const char *level,
            const char *code, const char *description)
{
    struct sl_amf_w w;
    uint8_t         buf[REPLY_MAX];

    sl_amf_w_init(&w, buf, sizeof(buf));
    sl_amf0_write_string(&w, "onStatus");
    sl_amf0_write_number(&w, 0);
    sl_amf0_write_null(&w);
    sl_amf0_write_object_begin(&w);
    sl_amf0_write_prop_string(&w, "level", level);
    sl_amf0_write_prop_string(&w, "code", code);
    sl_amf0_write_prop_string(&w, "description", description);
    sl_amf0_write_object_end(&w);
    return send_amf(s, SL_RTMP_CSID_DATA, SL_RTMP_MSG_COMMAND_AMF0, msid, &w);
}


/* NetStream.Data.Start travels as a data message, not a command. */
static int
send_data_status(struct sl_rtmp_session *s, uint32_t msid, const char *code)
{
    struct sl_amf_w w;
    uint8_t         buf[REPLY_MAX];

    sl_amf_w_init(&w, buf, sizeof(buf));
    sl_amf0_write_string(&w, "onStatus");
    sl_amf0_write_object_begin(&w);
    sl_amf0_write_prop_string(&w, "code", code);
    sl_amf0_write_object_end(&w);
    return send_amf(s, SL_RTMP_CSID_DATA, SL_RTMP_MSG_DATA_AMF0, msid, &w);
}


/* Lets Flash players read the raw audio and video (harmless elsewhere). */
static int
send_sample_access(struct sl_rtmp_session *s, uint32_t msid)
{
    struct sl_amf_w w;
    uint8_t         buf[64];

    sl_amf_w_init(&w, buf, sizeof(buf));
    sl_amf0_write_string(&w, "|RtmpSampleAccess");
    sl_amf0_write_bool(&w, true);
    sl_amf0_write_bool(&w, true);
    return send_amf(s, SL_RTMP_CSID_DATA, SL_RTMP_MSG_DATA_AMF0, msid, &w);
}


static int
send_result(struct sl_rtmp_session *s, const char *name, double txn,
            bool null_obj, int kind, double num)
{
    struct sl_amf_w w;
    uint8_t         buf[REPLY_MAX];

    sl_amf_w_init(&w, buf, sizeof(buf));
    sl_amf0_write_string(&w, name);
    sl_amf0_write_number(&w, txn);
    if (null_obj) {
        sl_amf0_write_null(&w);
    }
    if (kind == RES_NUMBER) {
        sl_amf0_write_number(&w, num);
    } else if (kind == RES_UNDEFINED) {
        sl_amf0_write_undefined(&w);
    }
    return send_amf(s, SL_RTMP_CSID_COMMAND, SL_RTMP_MSG_COMMAND_AMF0, 0, &w);
}
