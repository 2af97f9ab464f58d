/* Sluice: RTSP connections: I/O, requests, replies, authentication. */
#include "server/rtsp/rtsp.h"
#include "core/auth.h"
#include "core/runtime.h"
#include "net/addr.h"
#include "proto/rtsp/auth.h"
#include "proto/rtsp/headers.h"
#include "proto/rtsp/url.h"
#include "base/alloc.h"
#include "base/crypto.h"
#include "base/err.h"
#include "base/hmap.h"
#include "base/time.h"

#include <openssl/ssl.h>
#include <string.h>


#define SERVER_NAME "gortsplib"
#define PUBLIC_METHODS                                                         \
    "OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, GET_PARAMETER, " \
    "SET_PARAMETER, TEARDOWN"


struct req {
    struct sl_rtsp_msg *m;
    struct sl_str       cseq;
    struct sl_rtsp_url  url;
    char                path[256]; /* stream path, control suffix removed */
    char                query[256];
    int                 track; /* from a SETUP control suffix, or -1 */
    char                full_url[512];
};

/* An authentication check on libuv's thread pool (argon2 is slow). */
struct auth_job {
    uv_work_t               req;
    struct sl_worker       *w;
    uint64_t                handle;
    uint64_t                key;
    char                    user[256], pass[256], path[256], query[256];
    struct sockaddr_storage ip;
    int                     action;
    int                     rc;
    bool                    ask;
};

struct delayed_reply {
    struct sl_worker *w;
    uint64_t          handle;
    uv_timer_t        timer;
    char              cseq[16];
};


static void on_read(struct sl_sio *io, const uint8_t *p, size_t n);
static void on_io_error(struct sl_sio *io, int err);
static void on_written(struct sl_sio *io, int status);
static void on_closed(struct sl_sio *io);
static void on_timer_closed(uv_handle_t *h);
static void on_merge_timer(struct sl_defer *d);
static void conn_release(struct rtsp_conn *c);
static void on_timer(uv_timer_t *t);
static void process_input(struct rtsp_conn *c);
static int  handle_request(struct rtsp_conn *c, struct sl_rtsp_msg *m);
static int parse_req(struct rtsp_conn *c, struct sl_rtsp_msg *m, struct req *r);
static int check_auth(struct rtsp_conn *c, struct req *r, int action);
static int on_options(struct rtsp_conn *c, struct req *r);
static int on_describe(struct rtsp_conn *c, struct req *r);
static int on_announce(struct rtsp_conn *c, struct req *r);
static int on_setup(struct rtsp_conn *c, struct req *r);
static int on_play(struct rtsp_conn *c, struct req *r);
static int on_record(struct rtsp_conn *c, struct req *r);
static int on_pause(struct rtsp_conn *c, struct req *r);
static int on_teardown(struct rtsp_conn *c, struct req *r);
static int reply_error(struct rtsp_conn *c, struct req *r, int status,
                       const char *msg);
static bool     session_matches(struct rtsp_conn *c, struct req *r);
static uint64_t auth_key(const char *user, const char *pass, int action,
                         const char *path, bool have);
static void     auth_work(uv_work_t *req);
static void     auth_done(uv_work_t *req, int status);
static void start_auth_job(struct rtsp_conn *c, const struct sl_auth_req *ar,
                           uint64_t key);


void
sl_rtsp_conn_accept(struct sl_worker *w, int fd,
                    const struct sockaddr_storage *peer, void *ud)
{
    static const struct sl_sio_handler handler = {
        .on_read = on_read,
        .on_written = on_written,
        .on_error = on_io_error,
        .on_closed = on_closed,
    };
    struct rtsp_conn *c = sl_calloc(1, sizeof(*c));
    uint8_t           nonce[16];
    SSL_CTX          *tls = NULL;
    int               rc;

    c->w = w;
    c->peer = *peer;
    sl_addr_format((const struct sockaddr *)peer, c->peer_str,
                   sizeof(c->peer_str));
    if (ud != NULL) {
        /* The RTSPS listener: a reference to the current certificate. */
        tls = sl_tls_ctx_get(ud);
    }
    sl_log_init(&c->log, tls != NULL ? &sl_rtsp_srv.log_tls : &sl_rtsp_srv.log,
                "[conn %s]", c->peer_str);
    sl_dbuf_init(&c->in, RTSP_IN_CAP);
    sl_dbuf_init(&c->ctl, RTSP_CTL_CAP);
    sl_dbuf_init(&c->ctl_inflight, RTSP_CTL_CAP);
    sl_rand_bytes(nonce, sizeof(nonce));
    sl_hex_encode(nonce, sizeof(nonce), c->nonce);
    c->handle = sl_worker_handle_add(w, c);
    sl_list_insert_tail(&sl_rtsp_srv.conns[w->id], &c->node);
    c->last_activity_ns = sl_now_ns();
    uv_timer_init(&w->loop, &c->timer);
    c->timer.data = c;
    sl_defer_init(&c->flush, on_merge_timer);
    c->handles_open = 2;
    rc = sl_sio_init(&c->io, &w->loop, fd, tls,
                     sl_rt.conf->read_timeout / SL_NS_PER_MS, &handler, c);
    if (tls != NULL) {
        SSL_CTX_free(tls);
    }
    if (rc < 0) {
        rtsp_conn_close(c, "cannot open socket");
        return;
    }
    sl_log_info(&c->log, "opened");
    sl_log_debug(&c->log, "placed on worker %d", w->id);
    uv_timer_start(&c->timer, on_timer, 1000, 1000);
}


/* Plaintext from the transport, copied into the capped request buffer. */
static void
on_read(struct sl_sio *io, const uint8_t *p, size_t n)
{
    struct rtsp_conn *c = sl_sio_ud(io);

    if (c->closing) {
        return;
    }
    if (sl_dbuf_add(&c->in, p, n) < 0) {
        rtsp_conn_close(c, "request too big");
        return;
    }
    c->bytes_in += (uint64_t)n;
    c->last_activity_ns = sl_now_ns();
    process_input(c);
}


static void
on_io_error(struct sl_sio *io, int err)
{
    struct rtsp_conn *c = sl_sio_ud(io);
    char              msg[128];

    if (err == UV_EOF) {
        rtsp_conn_close(c, "EOF");
        return;
    }
    sl_sio_strerror(io, err, msg, sizeof(msg));
    rtsp_conn_close(c, msg);
}


static void
process_input(struct rtsp_conn *c)
{
    while (!c->closing && c->in.len > 0 && !c->auth_waiting) {
        const uint8_t *p = sl_dbuf_data(&c->in);
        size_t         len = c->in.len;
        size_t         noise = sl_rtsp_skip_noise(p, len);
        int            rc;

        if (noise > 0) {
            /* Stray line ends between messages (keepalive noise). */
            sl_dbuf_consume(&c->in, noise);
            continue;
        }
        if (p[0] == '$') {
            uint8_t       ch;
            struct sl_str payload;

            rc = sl_rtsp_parse_interleaved(p, len, &ch, &payload);
            if (rc == SL_EAGAIN) {
                return;
            }
            if (rc < 0) {
                rtsp_conn_close(c, "invalid interleaved frame");
                return;
            }
            if (c->session != NULL) {
                rtsp_session_interleaved(
                    c, c->session, ch, (const uint8_t *)payload.p, payload.len);
            }
            sl_dbuf_consume(&c->in, (size_t)rc);
            continue;
        }
        {
            struct sl_rtsp_msg *m = sl_malloc(sizeof(*m));
            int                 rc2;

            rc = sl_rtsp_parse(p, len, m);
            if (rc == SL_EAGAIN) {
                sl_free(m);
                if (c->in.len >= c->in.cap - 1) {
                    rtsp_conn_close(c, "request too big");
                }
                return;
            }
            if (rc < 0) {
                sl_free(m);
                sl_log_warn(&c->log, "invalid request: %s", sl_strerror(rc));
                rtsp_conn_reply(c, 400, SL_STR_NULL, NULL, NULL, 0);
                c->close_after_write = true;
                sl_dbuf_reset(&c->in);
                rtsp_conn_flush(c);
                return;
            }
            if (m->is_response) {
                /* Replies to our (absent) requests are ignored. */
                sl_free(m);
                sl_dbuf_consume(&c->in, (size_t)rc);
                continue;
            }
            rc2 = handle_request(c, m);
            sl_free(m);
            if (c->closing || rc2 == SL_EAGAIN) {
                /* SL_EAGAIN: authentication runs on the thread pool; the
                 * same request is handled again when it completes. */
                return;
            }
            sl_dbuf_consume(&c->in, (size_t)rc);
        }
    }
}


int
rtsp_conn_reply(struct rtsp_conn *c, int status, struct sl_str cseq,
                const char *headers, const void *body, size_t len)
{
    int rc;

    rc = sl_rtsp_response_begin(&c->ctl, status, cseq, SERVER_NAME);
    if (rc == 0 && headers != NULL) {
        rc = sl_dbuf_add_str(&c->ctl, headers);
    }
    if (rc == 0) {
        rc = sl_rtsp_response_end(&c->ctl, body, len);
    }
    if (rc < 0) {
        rtsp_conn_close(c, "reply buffer full");
        return rc;
    }
    rtsp_conn_flush(c);
    return 0;
}


static int
reply_error(struct rtsp_conn *c, struct req *r, int status, const char *msg)
{
    if (msg != NULL) {
        sl_log_info(&c->log, "%s", msg);
    }
    return rtsp_conn_reply(c, status, r->cseq, NULL, NULL, 0);
}


void
rtsp_conn_flush(struct rtsp_conn *c)
{
    uv_buf_t iov[RTSP_MAX_IOV];
    int      n = 0;

    if (c->writing || c->closing) {
        return;
    }
    if (c->ctl.len > 0) {
        struct sl_dbuf tmp = c->ctl_inflight;

        c->ctl_inflight = c->ctl;
        c->ctl = tmp;
        sl_dbuf_reset(&c->ctl);
        iov[n].base = (char *)sl_dbuf_data(&c->ctl_inflight);
        iov[n].len = c->ctl_inflight.len;
        n++;
    }
    c->media_inflight = false;
    if (c->session != NULL && c->session->reading && !c->session->udp
        && !c->session->play_pending)
    {
        int added =
            rtsp_session_fill_iov(c, c->session, iov + n, RTSP_MAX_IOV - n);

        if (added > 0) {
            n += added;
            c->media_inflight = true;
        }
    }
    if (n == 0) {
        if (c->close_after_write) {
            rtsp_conn_close(c, "terminated");
        }
        return;
    }
    {
        size_t i, total = 0;

        for (i = 0; i < (size_t)n; i++) {
            total += iov[i].len;
        }
        c->bytes_out += total;
        if (c->session != NULL && c->session->stream != NULL
            && c->media_inflight) {
            atomic_fetch_add_explicit(&c->session->stream->bytes_out, total,
                                      memory_order_relaxed);
        }
    }
    c->writing = true;
    if (sl_sio_write(&c->io, iov, (unsigned)n) < 0) {
        c->writing = false;
        c->media_inflight = false;
        rtsp_conn_close(c, "write failed");
    }
}


static void
on_written(struct sl_sio *io, int status)
{
    struct rtsp_conn *c = sl_sio_ud(io);

    c->writing = false;
    sl_dbuf_reset(&c->ctl_inflight);
    if (c->media_inflight && c->session != NULL && c->session->reading) {
        sl_reader_ack(&c->session->reader);
    }
    c->media_inflight = false;
    if (c->closing) {
        return;
    }
    if (status < 0) {
        rtsp_conn_close(c, uv_strerror(status));
        return;
    }
    rtsp_conn_flush(c);
}


void
rtsp_conn_close(struct rtsp_conn *c, const char *reason)
{
    if (c->closing) {
        return;
    }
    c->closing = true;
    sl_strlcpy(c->close_reason, reason, sizeof(c->close_reason));
    if (c->session != NULL) {
        rtsp_session_free(c, c->session, reason);
        c->session = NULL;
    }
    sl_worker_handle_del(c->w, c->handle);
    sl_list_remove(&c->node);
    atomic_fetch_sub(&c->w->conns, 1);
    sl_log_info(&c->log, "closed: %s", reason);
    uv_timer_stop(&c->timer);
    uv_close((uv_handle_t *)&c->timer, on_timer_closed);
    sl_defer_cancel(&c->flush);
    sl_sio_close(&c->io);
}


static void
on_timer_closed(uv_handle_t *h)
{
    conn_release(h->data);
}


static void
on_closed(struct sl_sio *io)
{
    conn_release(sl_sio_ud(io));
}


/* The last of the timers and the transport is closed: free. */
static void
conn_release(struct rtsp_conn *c)
{
    if (--c->handles_open > 0) {
        return;
    }
    sl_dbuf_free(&c->in);
    sl_dbuf_free(&c->ctl);
    sl_dbuf_free(&c->ctl_inflight);
    sl_free(c->hdrs);
    sl_free(c);
}


static void
on_merge_timer(struct sl_defer *d)
{
    struct rtsp_conn *c = sl_container_of(d, struct rtsp_conn, flush);

    if (c->closing || c->session == NULL || !c->session->reading) {
        return;
    }
    if (c->session->udp) {
        rtsp_session_send_udp(c, c->session);
    } else {
        rtsp_conn_flush(c);
    }
}


void
rtsp_conn_media_ready(struct rtsp_conn *c)
{
    if (c->closing) {
        return;
    }
    if (c->w->flush.delay_ms == 0) {
        on_merge_timer(&c->flush);
        return;
    }
    /* A write in flight will pick the frames up when it completes. */
    if (!c->writing) {
        sl_defer_add(&c->w->flush, &c->flush);
    }
}


static void
on_timer(uv_timer_t *t)
{
    struct rtsp_conn *c = t->data;
    uint64_t          now = sl_now_ns();

    if (c->session != NULL) {
        if (!rtsp_session_tick(c, c->session, now)) {
            return;
        }
        return;
    }
    if (now - c->last_activity_ns > sl_rt.conf->read_timeout) {
        rtsp_conn_close(c, "timed out");
    }
}


static int
parse_req(struct rtsp_conn *c, struct sl_rtsp_msg *m, struct req *r)
{
    struct sl_str base;
    int           rc;

    memset(r, 0, sizeof(*r));
    r->m = m;
    r->cseq = sl_rtsp_header_get(m, "CSeq");
    r->track = -1;
    if (m->url.len >= sizeof(r->full_url)) {
        return SL_ELIMIT;
    }
    if (m->url.len > 0) {
        memcpy(r->full_url, m->url.p, m->url.len);
    }
    r->full_url[m->url.len] = '\0';
    rc = sl_rtsp_url_parse(m->url, &r->url);
    if (rc < 0) {
        return rc;
    }
    rc = sl_rtsp_split_control(r->url.path, r->url.query, &base, &r->track);
    if (rc < 0) {
        return rc;
    }
    if (base.len >= sizeof(r->path) || r->url.query.len >= sizeof(r->query)) {
        return SL_ELIMIT;
    }
    if (base.len > 0) {
        memcpy(r->path, base.p, base.len);
    }
    r->path[base.len] = '\0';
    /* Trailing slashes are not part of the path name. */
    while (base.len > 0 && r->path[base.len - 1] == '/') {
        r->path[--base.len] = '\0';
    }
    if (r->url.query.len > 0) {
        memcpy(r->query, r->url.query.p, r->url.query.len);
    }
    r->query[r->url.query.len] = '\0';
    (void)c;
    return 0;
}


static void
on_delay_closed(uv_handle_t *h)
{
    sl_free(h->data);
}


static void
on_auth_delay(uv_timer_t *t)
{
    struct delayed_reply *d = t->data;
    struct rtsp_conn     *c = sl_worker_handle_get(d->w, d->handle);

    if (c != NULL && !c->closing) {
        struct sl_dbuf hdr;
        char           tmp[512];

        c->auth_waiting = false;
        sl_dbuf_init(&hdr, sizeof(tmp));
        sl_rtsp_www_authenticate(
            &hdr,
            (sl_rt.conf->rtsp_auth_methods & SL_CONF_RTSP_AUTH_BASIC) != 0,
            (sl_rt.conf->rtsp_auth_methods & SL_CONF_RTSP_AUTH_DIGEST) != 0,
            RTSP_REALM, c->nonce);
        sl_dbuf_add(&hdr, "", 1);
        rtsp_conn_reply(c, 401, sl_str_from(d->cseq),
                        (const char *)sl_dbuf_data(&hdr), NULL, 0);
        sl_dbuf_free(&hdr);
        process_input(c);
    }
    uv_close((uv_handle_t *)&d->timer, on_delay_closed);
}


static uint64_t
auth_key(const char *user, const char *pass, int action, const char *path,
         bool have)
{
    char buf[1024];
    int  n = sl_snprintf(buf, sizeof(buf), "%d|%d|%s|%s|%s", have, action, user,
                         pass, path);

    return sl_hash64(buf, n > 0 ? (size_t)n : 0);
}


static void
auth_work(uv_work_t *req)
{
    struct auth_job   *j = sl_container_of(req, struct auth_job, req);
    struct sl_auth_req ar;

    memset(&ar, 0, sizeof(ar));
    ar.user = j->user;
    ar.pass = j->pass;
    ar.ip = (struct sockaddr *)&j->ip;
    ar.action = j->action;
    ar.path = j->path;
    ar.query = j->query;
    ar.protocol = "rtsp";
    j->rc = sl_auth_check(sl_rt.conf, &ar, &j->ask);
}


static void
auth_done(uv_work_t *req, int status)
{
    struct auth_job  *j = sl_container_of(req, struct auth_job, req);
    struct rtsp_conn *c = sl_worker_handle_get(j->w, j->handle);

    if (c != NULL && !c->closing) {
        c->auth_waiting = false;
        c->auth_ready = true;
        c->auth_key = j->key;
        c->auth_rc = status == 0 ? j->rc : SL_EAUTH;
        c->auth_ask = j->ask;
        process_input(c);
    }
    sl_free(j);
}


static void
start_auth_job(struct rtsp_conn *c, const struct sl_auth_req *ar, uint64_t key)
{
    struct auth_job *j = sl_calloc(1, sizeof(*j));

    j->w = c->w;
    j->handle = c->handle;
    j->key = key;
    sl_strlcpy(j->user, ar->user, sizeof(j->user));
    sl_strlcpy(j->pass, ar->pass, sizeof(j->pass));
    sl_strlcpy(j->path, ar->path, sizeof(j->path));
    sl_strlcpy(j->query, ar->query != NULL ? ar->query : "", sizeof(j->query));
    memcpy(&j->ip, &c->peer, sizeof(j->ip));
    j->action = (int)ar->action;
    c->auth_waiting = true;
    uv_queue_work(&c->w->loop, &j->req, auth_work, auth_done);
}


/*
 * 0 when allowed.  SL_EAGAIN when the check runs on the thread pool (the
 * request is handled again when it completes).  Otherwise a reply has been
 * (or will be, after the failure delay) sent and a negative code is
 * returned.
 */
static int
check_auth(struct rtsp_conn *c, struct req *r, int action)
{
    struct sl_rtsp_auth a;
    struct sl_auth_req  ar;
    struct sl_str       hv = sl_rtsp_header_get(r->m, "Authorization");
    char                user[256] = "", pass[256] = "";
    bool                ask = false, have = false, digest_ok = false;
    unsigned            methods = sl_rt.conf->rtsp_auth_methods;
    int                 rc;

    if (hv.p != NULL && sl_rtsp_auth_parse(hv, &a) == 0) {
        if (a.scheme == SL_RTSP_AUTH_BASIC
            && (methods & SL_CONF_RTSP_AUTH_BASIC)) {
            sl_snprintf(user, sizeof(user), "%.*s", (int)a.user.len, a.user.p);
            sl_strlcpy(pass, a.pass, sizeof(pass));
            have = true;
        } else if (a.scheme == SL_RTSP_AUTH_DIGEST
                   && (methods & SL_CONF_RTSP_AUTH_DIGEST))
        {
            const char *plain;

            sl_snprintf(user, sizeof(user), "%.*s", (int)a.user.len, a.user.p);
            plain = sl_auth_plain_pass(
                sl_rt.conf, user, (struct sockaddr *)&c->peer, action, r->path);
            have = true;
            if (plain != NULL
                && sl_rtsp_digest_check(&a, r->m->method, RTSP_REALM, c->nonce,
                                        plain))
            {
                sl_strlcpy(pass, plain, sizeof(pass));
                digest_ok = true;
            } else {
                sl_strlcpy(pass, "\x01invalid", sizeof(pass));
            }
        }
    }
    (void)digest_ok;
    memset(&ar, 0, sizeof(ar));
    ar.user = have ? user : NULL;
    ar.pass = have ? pass : NULL;
    ar.ip = (struct sockaddr *)&c->peer;
    ar.action = action;
    ar.path = r->path;
    ar.query = r->query;
    ar.protocol = "rtsp";
    {
        uint64_t key = auth_key(user, pass, action, r->path, have);

        if (c->auth_ready && c->auth_key == key) {
            /* The verdict of the pool job started for this request. */
            c->auth_ready = false;
            rc = c->auth_rc;
            ask = c->auth_ask;
        } else if (have && sl_auth_is_slow(sl_rt.conf)) {
            start_auth_job(c, &ar, key);
            return SL_EAGAIN;
        } else {
            rc = sl_auth_check(sl_rt.conf, &ar, &ask);
        }
    }
    if (rc == 0) {
        return 0;
    }
    if (!have) {
        struct sl_dbuf hdr;

        sl_dbuf_init(&hdr, 512);
        sl_rtsp_www_authenticate(&hdr, (methods & SL_CONF_RTSP_AUTH_BASIC) != 0,
                                 (methods & SL_CONF_RTSP_AUTH_DIGEST) != 0,
                                 RTSP_REALM, c->nonce);
        sl_dbuf_add(&hdr, "", 1);
        rtsp_conn_reply(c, 401, r->cseq, (const char *)sl_dbuf_data(&hdr), NULL,
                        0);
        sl_dbuf_free(&hdr);
        return SL_EAUTH;
    }
    sl_log_warn(&c->log, "failed to authenticate: authentication failed");
    {
        struct delayed_reply *d = sl_calloc(1, sizeof(*d));

        d->w = c->w;
        d->handle = c->handle;
        sl_snprintf(d->cseq, sizeof(d->cseq), "%.*s",
                    (int)(r->cseq.len < 15 ? r->cseq.len : 15), r->cseq.p);
        uv_timer_init(&c->w->loop, &d->timer);
        d->timer.data = d;
        c->auth_waiting = true;
        uv_timer_start(&d->timer, on_auth_delay, sl_rand_u32() % 4000, 0);
    }
    return SL_EAUTH;
}


static bool
session_matches(struct rtsp_conn *c, struct req *r)
{
    struct sl_str              v = sl_rtsp_header_get(r->m, "Session");
    struct sl_rtsp_session_hdr sh;

    if (v.p == NULL) {
        return true; /* lenient: the connection identifies the session */
    }
    if (sl_rtsp_session_parse(v, &sh) < 0 || c->session == NULL) {
        return false;
    }
    return sl_str_eq_cstr(sh.id, c->session->id);
}


static int
handle_request(struct rtsp_conn *c, struct sl_rtsp_msg *m)
{
    struct req r;
    int        rc;

    if (sl_str_has_prefix(m->proto, "HTTP/")) {
        static const char reply[] = "HTTP/1.1 501 Not Implemented\r\n"
                                    "Content-Length: 0\r\n"
                                    "Connection: close\r\n\r\n";

        sl_log_warn(&c->log, "RTSP over HTTP or WebSocket tunnelling is not "
                             "supported; closing");
        sl_dbuf_add(&c->ctl, reply, sizeof(reply) - 1);
        c->close_after_write = true;
        rtsp_conn_flush(c);
        return SL_EUNSUP;
    }
    rc = parse_req(c, m, &r);
    if (rc < 0) {
        struct sl_str cseq = sl_rtsp_header_get(m, "CSeq");

        sl_log_warn(&c->log, "invalid request URL");
        rtsp_conn_reply(c, 400, cseq, NULL, NULL, 0);
        return rc;
    }
    sl_log_debug(&c->log, "[c->s] %.*s %s", (int)m->method.len, m->method.p,
                 r.full_url);
    if (m->body.len > 0) {
        sl_log_debug(&c->log, "[c->s] body: %.*s",
                     (int)(m->body.len < 2048 ? m->body.len : 2048), m->body.p);
    }
    if (c->session != NULL) {
        c->session->last_keepalive_ns = sl_now_ns();
    }
    if (sl_str_eq_cstr(m->method, "OPTIONS")) {
        return on_options(c, &r);
    }
    if (sl_str_eq_cstr(m->method, "DESCRIBE")) {
        return on_describe(c, &r);
    }
    if (sl_str_eq_cstr(m->method, "ANNOUNCE")) {
        return on_announce(c, &r);
    }
    if (sl_str_eq_cstr(m->method, "SETUP")) {
        return on_setup(c, &r);
    }
    if (sl_str_eq_cstr(m->method, "PLAY")) {
        return on_play(c, &r);
    }
    if (sl_str_eq_cstr(m->method, "RECORD")) {
        return on_record(c, &r);
    }
    if (sl_str_eq_cstr(m->method, "PAUSE")) {
        return on_pause(c, &r);
    }
    if (sl_str_eq_cstr(m->method, "TEARDOWN")) {
        return on_teardown(c, &r);
    }
    if (sl_str_eq_cstr(m->method, "GET_PARAMETER")
        || sl_str_eq_cstr(m->method, "SET_PARAMETER"))
    {
        if (c->session != NULL && !session_matches(c, &r)) {
            return reply_error(c, &r, 454, NULL);
        }
        return rtsp_conn_reply(c, 200, r.cseq,
                               "Content-Type: text/parameters\r\n", NULL, 0);
    }
    return reply_error(c, &r, 501, NULL);
}


static int
on_options(struct rtsp_conn *c, struct req *r)
{
    return rtsp_conn_reply(c, 200, r->cseq, "Public: " PUBLIC_METHODS "\r\n",
                           NULL, 0);
}


static int
on_describe(struct rtsp_conn *c, struct req *r)
{
    struct sl_pm_err  err;
    struct sl_stream *st;
    struct sl_dbuf    sdp, hdr;
    int               rc;

    if (sl_pm_find_conf(r->path, &err) == NULL) {
        return reply_error(c, r, err.status, err.msg);
    }
    rc = check_auth(c, r, SL_AUTH_READ);
    if (rc < 0) {
        return rc == SL_EAGAIN ? rc : 0;
    }
    st = sl_pm_reader_add(r->path, &err);
    if (st == NULL) {
        return reply_error(c, r, err.status, err.msg);
    }
    sl_dbuf_init(&sdp, 64 * 1024);
    sl_dbuf_init(&hdr, 4096);
    rc = rtsp_session_describe(st, &sdp);
    sl_pm_reader_remove(r->path);
    sl_stream_unref(&st);
    if (rc < 0) {
        sl_dbuf_free(&sdp);
        sl_dbuf_free(&hdr);
        return reply_error(c, r, 500, "cannot build SDP");
    }
    {
        size_t n = strlen(r->full_url);

        sl_dbuf_printf(
            &hdr, "Content-Base: %s%s\r\nContent-Type: application/sdp\r\n",
            r->full_url, n > 0 && r->full_url[n - 1] == '/' ? "" : "/");
    }
    sl_dbuf_add(&hdr, "", 1);
    rc = rtsp_conn_reply(c, 200, r->cseq, (const char *)sl_dbuf_data(&hdr),
                         sl_dbuf_data(&sdp), sdp.len);
    sl_dbuf_free(&sdp);
    sl_dbuf_free(&hdr);
    return rc;
}


static int
on_announce(struct rtsp_conn *c, struct req *r)
{
    struct sl_pm_err err;
    struct sl_str    ct = sl_rtsp_header_get(r->m, "Content-Type");
    int              rc;

    if (c->session != NULL && c->session->state != SS_INITIAL) {
        return reply_error(c, r, 455, NULL);
    }
    if (sl_pm_find_conf(r->path, &err) == NULL) {
        return reply_error(c, r, err.status, err.msg);
    }
    rc = check_auth(c, r, SL_AUTH_PUBLISH);
    if (rc < 0) {
        return rc == SL_EAGAIN ? rc : 0;
    }
    if (ct.p == NULL || !sl_str_has_caseprefix(ct, "application/sdp")) {
        return reply_error(c, r, 400, "ANNOUNCE without an SDP body");
    }
    if (c->session == NULL) {
        c->session = rtsp_session_new(c);
    }
    sl_strlcpy(c->session->query, r->query, sizeof(c->session->query));
    rc = rtsp_session_announce(c, c->session, r->path, r->m->body, &err);
    if (rc < 0) {
        rtsp_session_free(c, c->session, err.msg);
        c->session = NULL;
        return reply_error(c, r, err.status, err.msg);
    }
    {
        char hdr[64];

        sl_snprintf(hdr, sizeof(hdr), "Session: %s;timeout=%d\r\n",
                    c->session->id, RTSP_SESSION_TTL);
        return rtsp_conn_reply(c, 200, r->cseq, hdr, NULL, 0);
    }
}


static int
on_setup(struct rtsp_conn *c, struct req *r)
{
    struct sl_rtsp_transport tr[8];
    struct sl_str            th = sl_rtsp_header_get(r->m, "Transport");
    struct rtsp_session     *s = c->session;
    struct session_track    *t;
    struct sl_dbuf           hdr;
    int                      n, i, chosen = -1, track;
    bool                     publishing;

    if (th.p == NULL) {
        return reply_error(c, r, 400, "SETUP without Transport");
    }
    if (s != NULL && !session_matches(c, r)) {
        return reply_error(c, r, 454, NULL);
    }
    publishing =
        s != NULL && (s->state == SS_ANNOUNCED || s->state == SS_PRERECORD);
    if (s != NULL && (s->state == SS_PLAY || s->state == SS_RECORD)) {
        return reply_error(c, r, 455, NULL);
    }
    n = sl_rtsp_transport_parse(th, tr, 8);
    if (n == SL_EUNSUP) {
        return reply_error(c, r, 461, "unsupported transport");
    }
    if (n <= 0) {
        return reply_error(c, r, 400, "invalid Transport header");
    }
    for (i = 0; i < n; i++) {
        if (tr[i].multicast || tr[i].secure) {
            continue;
        }
        if (tr[i].proto == SL_RTSP_PROTO_TCP && sl_rtsp_srv.tcp) {
            chosen = i;
            break;
        }
        /* RTSPS: media must stay inside the TLS connection (SRTP over
         * UDP is not supported). */
        if (tr[i].proto == SL_RTSP_PROTO_UDP && sl_rtsp_srv.udp
            && tr[i].has_client_port && !sl_sio_is_tls(&c->io))
        {
            chosen = i;
            break;
        }
    }
    if (chosen < 0) {
        sl_log_info(&c->log, "no supported transport in '%.*s'",
                    (int)(th.len < 200 ? th.len : 200), th.p);
        return reply_error(c, r, 461, NULL);
    }
    if (!publishing) {
        /* A reader: the first SETUP opens the session on the stream. */
        struct sl_pm_err  err;
        struct sl_stream *st;

        if (s == NULL || s->stream == NULL) {
            if (sl_pm_find_conf(r->path, &err) == NULL) {
                return reply_error(c, r, err.status, err.msg);
            }
            int arc = check_auth(c, r, SL_AUTH_READ);

            if (arc < 0) {
                return arc == SL_EAGAIN ? arc : 0;
            }
            st = sl_pm_reader_add(r->path, &err);
            if (st == NULL) {
                return reply_error(c, r, err.status, err.msg);
            }
            if (s == NULL) {
                s = c->session = rtsp_session_new(c);
            }
            s->stream = st;
            s->desc = st->desc;
            s->ntracks = st->desc.ntracks;
            sl_strlcpy(s->path, r->path, sizeof(s->path));
            sl_strlcpy(s->query, r->query, sizeof(s->query));
            s->state = SS_PREPLAY;
        } else if (strcmp(s->path, r->path) != 0) {
            return reply_error(c, r, 400,
                               "can't setup tracks of different paths");
        }
    }
    track = r->track;
    if (publishing) {
        /* The publisher named its tracks with a=control: match those. */
        int    k;
        size_t ulen = strlen(r->full_url);

        for (k = 0; k < (int)s->ntracks; k++) {
            const char *ctl = s->tracks[k].control;
            size_t      clen = strlen(ctl);

            if (clen == 0) {
                continue;
            }
            if (strcmp(ctl, r->full_url) == 0
                || (ulen > clen && strcmp(r->full_url + ulen - clen, ctl) == 0
                    && r->full_url[ulen - clen - 1] == '/'))
            {
                track = k;
                break;
            }
        }
    }
    if (track < 0) {
        /* No control suffix: the first track not yet set up. */
        for (i = 0; i < (int)s->ntracks; i++) {
            if (!s->tracks[i].setup) {
                track = i;
                break;
            }
        }
    }
    if (track < 0 || (size_t)track >= s->ntracks) {
        return reply_error(c, r, 404, "track not found");
    }
    t = &s->tracks[track];
    if (t->setup) {
        return reply_error(c, r, 455, "track already set up");
    }
    for (i = 0; i < (int)s->ntracks; i++) {
        if (s->tracks[i].setup
            && (s->tracks[i].proto == SL_RTSP_PROTO_UDP)
                   != (tr[chosen].proto == SL_RTSP_PROTO_UDP))
        {
            return reply_error(c, r, 461, "can't mix transports");
        }
    }
    t->setup = true;
    t->proto = tr[chosen].proto;
    s->udp = t->proto == SL_RTSP_PROTO_UDP;
    sl_dbuf_init(&hdr, 1024);
    if (s->udp) {
        struct sockaddr_storage a = c->peer;

        t->client_port[0] = tr[chosen].client_port[0];
        t->client_port[1] = tr[chosen].client_port[1];
        if (publishing) {
            sl_addr_set_port(&a, t->client_port[0]);
            sl_udp_mux_route(&sl_rtsp_srv.rtp, (struct sockaddr *)&a, c->w,
                             c->handle, (uint32_t)track * 2,
                             rtsp_session_udp_batch);
        }
        sl_addr_set_port(&a, t->client_port[1]);
        sl_udp_mux_route(&sl_rtsp_srv.rtcp, (struct sockaddr *)&a, c->w,
                         c->handle, (uint32_t)track * 2 + 1,
                         rtsp_session_udp_batch);
        sl_dbuf_printf(&hdr,
                       "Transport: RTP/AVP;unicast;client_port=%u-%u;"
                       "server_port=%u-%u",
                       t->client_port[0], t->client_port[1],
                       sl_rtsp_srv.rtp_port, sl_rtsp_srv.rtcp_port);
    } else {
        if (tr[chosen].has_interleaved) {
            t->ch_rtp = tr[chosen].interleaved[0];
            t->ch_rtcp = tr[chosen].interleaved[1];
        } else {
            t->ch_rtp = (uint8_t)(track * 2);
            t->ch_rtcp = (uint8_t)(track * 2 + 1);
        }
        sl_dbuf_printf(&hdr, "Transport: RTP/AVP/TCP;unicast;interleaved=%u-%u",
                       t->ch_rtp, t->ch_rtcp);
    }
    sl_dbuf_printf(&hdr, "\r\nSession: %s;timeout=%d\r\n", s->id,
                   RTSP_SESSION_TTL);
    sl_dbuf_add(&hdr, "", 1);
    if (publishing) {
        s->state = SS_PRERECORD;
    }
    i = rtsp_conn_reply(c, 200, r->cseq, (const char *)sl_dbuf_data(&hdr), NULL,
                        0);
    sl_dbuf_free(&hdr);
    return i;
}


static int
on_play(struct rtsp_conn *c, struct req *r)
{
    struct rtsp_session *s = c->session;
    size_t               n;

    if (s == NULL || !session_matches(c, r)) {
        return reply_error(c, r, 454, NULL);
    }
    if (s->state != SS_PREPLAY) {
        return reply_error(c, r, 455, NULL);
    }
    n = strlen(r->full_url);
    sl_free(s->base_url);
    s->base_url = sl_strdup(r->full_url);
    if (n > 0 && s->base_url[n - 1] == '/') {
        s->base_url[n - 1] = '\0';
    }
    s->play_cseq.len = r->cseq.len < sizeof(s->play_cseq_buf) - 1
                           ? r->cseq.len
                           : sizeof(s->play_cseq_buf) - 1;
    if (s->play_cseq.len > 0) {
        memcpy(s->play_cseq_buf, r->cseq.p, s->play_cseq.len);
    }
    s->play_cseq.p = s->play_cseq_buf;
    if (rtsp_session_start_play(c, s) < 0) {
        return reply_error(c, r, 400, "the stream has ended");
    }
    return 0;
}


static int
on_record(struct rtsp_conn *c, struct req *r)
{
    struct rtsp_session *s = c->session;
    char                 hdr[64];

    if (s == NULL || !session_matches(c, r)) {
        return reply_error(c, r, 454, NULL);
    }
    if (s->state != SS_PRERECORD) {
        return reply_error(c, r, 455, NULL);
    }
    if (rtsp_session_start_record(c, s) < 0) {
        return reply_error(c, r, 400, "cannot record");
    }
    sl_snprintf(hdr, sizeof(hdr), "Session: %s;timeout=%d\r\n", s->id,
                RTSP_SESSION_TTL);
    return rtsp_conn_reply(c, 200, r->cseq, hdr, NULL, 0);
}


static int
on_pause(struct rtsp_conn *c, struct req *r)
{
    struct rtsp_session *s = c->session;
    char                 hdr[64];

    if (s == NULL || !session_matches(c, r)) {
        return reply_error(c, r, 454, NULL);
    }
    if (s->state == SS_PLAY) {
        rtsp_session_stop_play(s);
        s->state = SS_PREPLAY;
    } else if (s->state != SS_PREPLAY) {
        return reply_error(c, r, 455, NULL);
    }
    sl_snprintf(hdr, sizeof(hdr), "Session: %s;timeout=%d\r\n", s->id,
                RTSP_SESSION_TTL);
    return rtsp_conn_reply(c, 200, r->cseq, hdr, NULL, 0);
}


static int
on_teardown(struct rtsp_conn *c, struct req *r)
{
    rtsp_conn_reply(c, 200, r->cseq, NULL, NULL, 0);
    if (c->session != NULL) {
        rtsp_session_free(c, c->session, "torn down by client");
        c->session = NULL;
    }
    c->close_after_write = true;
    rtsp_conn_flush(c);
    return 0;
}
