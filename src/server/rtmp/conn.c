/* Sluice: RTMP connections: I/O, the protocol session, decisions. */
#include "server/rtmp/rtmp.h"
#include "core/auth.h"
#include "core/runtime.h"
#include "net/addr.h"
#include "net/tls.h"
#include "base/alloc.h"
#include "base/crypto.h"
#include "base/err.h"
#include "base/time.h"

#include <openssl/ssl.h>
#include <string.h>


#define RTMP_CTL_CAP (2u << 20)


struct verdict {
    uint64_t handle;
    int      rc;
    bool     ask;
    bool     publish;
};

struct delay {
    uv_timer_t        timer;
    struct sl_worker *w;
    uint64_t          handle;
    uint32_t          msid;
    bool              publish;
};


static void on_read(struct sl_sio *io, const uint8_t *p, size_t n);
static void on_io_error(struct sl_sio *io, int err);
static void on_written(struct sl_sio *io, int status);
static void on_closed(struct sl_sio *io);
static void on_timer_closed(uv_handle_t *h);
static void conn_release(struct rtmp_conn *c);
static void on_timer(uv_timer_t *t);
static void on_merge_timer(struct sl_defer *d);
static int  on_connect(void *ud, const struct sl_rtmp_connect_info *ci);
static int  on_publish(void *ud, const struct sl_rtmp_stream_info *si);
static int  on_play(void *ud, const struct sl_rtmp_stream_info *si);
static void on_media(void *ud, const struct sl_rtmp_media *m);
static void on_unpublish(void *ud, uint32_t msid);
static void on_stop_play(void *ud, uint32_t msid);
static int  set_path(struct rtmp_conn *c, const struct sl_rtmp_stream_info *si);
static int  start_stream(struct rtmp_conn *c, uint32_t msid, bool publish);
static void decide(struct rtmp_conn *c, uint32_t msid, bool publish, int rc,
                   bool ask);
static void on_auth_done(struct sl_worker *w, uint64_t handle, int rc, bool ask,
                         void *arg);
static void on_kicked(struct sl_publisher *p);
static void on_verdict(struct sl_worker *w, void *arg);


static const struct sl_rtmp_handler handler = {
    .on_connect = on_connect,
    .on_publish = on_publish,
    .on_play = on_play,
    .on_media = on_media,
    .on_unpublish = on_unpublish,
    .on_stop_play = on_stop_play,
};


void
sl_rtmp_conn_accept(struct sl_worker *w, int fd,
                    const struct sockaddr_storage *peer, void *ud)
{
    static const struct sl_sio_handler io_handler = {
        .on_read = on_read,
        .on_written = on_written,
        .on_error = on_io_error,
        .on_closed = on_closed,
    };
    struct rtmp_conn      *c = sl_calloc(1, sizeof(*c));
    struct sl_rtmp_handler h = handler;
    SSL_CTX               *tls = NULL;
    int                    rc;

    c->w = w;
    c->peer = *peer;
    sl_addr_format((const struct sockaddr *)peer, c->peer_str,
                   sizeof(c->peer_str));
    if (ud != NULL) {
        tls = sl_tls_ctx_get(ud);
    }
    sl_log_init(&c->log, tls != NULL ? &sl_rtmp_srv.log_tls : &sl_rtmp_srv.log,
                "[conn %s]", c->peer_str);
    sl_uuid(c->uuid);
    sl_dbuf_init(&c->ctl, RTMP_CTL_CAP);
    sl_dbuf_init(&c->ctl_inflight, RTMP_CTL_CAP);
    h.ud = c;
    c->rs = sl_rtmp_session_new(&h, NULL);
    c->handle = sl_worker_handle_add(w, c);
    sl_list_insert_tail(&sl_rtmp_srv.conns[w->id], &c->node);
    c->last_activity_ns = sl_now_ns();
    uv_timer_init(&w->loop, &c->timer);
    c->timer.data = c;
    sl_defer_init(&c->flush, on_merge_timer);
    c->handles_open = 2;
    rc = sl_sio_init(&c->io, &w->loop, fd, tls,
                     sl_rt.conf->read_timeout / SL_NS_PER_MS, &io_handler, c);
    if (tls != NULL) {
        SSL_CTX_free(tls);
    }
    if (rc < 0) {
        rtmp_conn_close(c, "cannot open socket");
        return;
    }
    sl_log_info(&c->log, "opened");
    sl_log_debug(&c->log, "placed on worker %d", w->id);
    uv_timer_start(&c->timer, on_timer, 1000, 1000);
}


static void
on_read(struct sl_sio *io, const uint8_t *p, size_t n)
{
    struct rtmp_conn *c = sl_sio_ud(io);
    int               rc;

    if (c->closing) {
        return;
    }
    c->bytes_in += n;
    c->last_activity_ns = sl_now_ns();
    rc = sl_rtmp_session_feed(c->rs, p, n);
    rtmp_conn_flush(c);
    if (c->closing) {
        return;
    }
    if (rc < 0 || sl_rtmp_session_wants_close(c->rs)) {
        const char *why = sl_rtmp_session_error(c->rs);

        sl_log_info(&c->log, "%s", why[0] != '\0' ? why : "refused");
        c->close_after_write = true;
        rtmp_conn_flush(c);
    }
}


static void
on_io_error(struct sl_sio *io, int err)
{
    struct rtmp_conn *c = sl_sio_ud(io);
    char              msg[128];

    if (err == UV_EOF) {
        rtmp_conn_close(c, "EOF");
        return;
    }
    sl_sio_strerror(io, err, msg, sizeof(msg));
    rtmp_conn_close(c, msg);
}


void
rtmp_conn_flush(struct rtmp_conn *c)
{
    uv_buf_t        iov[RTMP_MAX_IOV];
    struct sl_dbuf *out = sl_rtmp_session_output(c->rs);
    int             n = 0;

    if (c->writing || c->closing) {
        return;
    }
    /* The session's replies first (status before media), then ours. */
    if (out->len > 0) {
        if (sl_dbuf_add(&c->ctl_inflight, sl_dbuf_data(out), out->len) < 0) {
            rtmp_conn_close(c, "output too big");
            return;
        }
        sl_dbuf_consume(out, out->len);
        sl_dbuf_release(out);
    }
    if (c->ctl.len > 0) {
        if (sl_dbuf_add(&c->ctl_inflight, sl_dbuf_data(&c->ctl), c->ctl.len)
            < 0) {
            rtmp_conn_close(c, "output too big");
            return;
        }
        sl_dbuf_reset(&c->ctl);
        sl_dbuf_release(&c->ctl);
    }
    if (c->ctl_inflight.len > 0) {
        iov[n].base = (char *)sl_dbuf_data(&c->ctl_inflight);
        iov[n].len = c->ctl_inflight.len;
        n++;
    }
    c->media_inflight = false;
    if (c->reading) {
        int added = rtmp_play_fill_iov(c, iov + n, RTMP_MAX_IOV - n);

        if (added > 0) {
            n += added;
            c->media_inflight = true;
        }
    }
    if (n == 0) {
        if (c->close_after_write) {
            rtmp_conn_close(c, "terminated");
        }
        return;
    }
    {
        size_t i, total = 0;

        for (i = 0; i < (size_t)n; i++) {
            total += iov[i].len;
        }
        c->bytes_out += total;
        if (c->reading && c->stream != NULL) {
            atomic_fetch_add_explicit(&c->stream->bytes_out, total,
                                      memory_order_relaxed);
        }
    }
    c->writing = true;
    if (sl_sio_write(&c->io, iov, (unsigned)n) < 0) {
        c->writing = false;
        c->media_inflight = false;
        rtmp_conn_close(c, "write failed");
    }
}


static void
on_written(struct sl_sio *io, int status)
{
    struct rtmp_conn *c = sl_sio_ud(io);

    c->writing = false;
    sl_dbuf_reset(&c->ctl_inflight);
    sl_dbuf_release(&c->ctl_inflight);
    if (c->media_inflight && c->reading) {
        sl_reader_ack(&c->reader);
    }
    c->media_inflight = false;
    if (c->closing) {
        return;
    }
    if (status < 0) {
        rtmp_conn_close(c, uv_strerror(status));
        return;
    }
    rtmp_conn_flush(c);
}


static void
on_merge_timer(struct sl_defer *d)
{
    struct rtmp_conn *c = sl_container_of(d, struct rtmp_conn, flush);

    if (!c->closing && c->reading) {
        rtmp_conn_flush(c);
    }
}


void
rtmp_conn_media_ready(struct rtmp_conn *c)
{
    if (c->closing) {
        return;
    }
    if (c->w->flush.delay_ms == 0) {
        rtmp_conn_flush(c);
        return;
    }
    /* A write in flight picks the frames up when it completes. */
    if (!c->writing) {
        sl_defer_add(&c->w->flush, &c->flush);
    }
}


void
rtmp_conn_close(struct rtmp_conn *c, const char *reason)
{
    if (c->closing) {
        return;
    }
    c->closing = true;
    if (c->reading) {
        rtmp_play_stop(c);
    }
    if (c->role == RTMP_ROLE_PUBLISH) {
        rtmp_publish_end(c);
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


static void
conn_release(struct rtmp_conn *c)
{
    if (--c->handles_open > 0) {
        return;
    }
    sl_rtmp_session_free(&c->rs);
    sl_dbuf_free(&c->ctl);
    sl_dbuf_free(&c->ctl_inflight);
    sl_free(c);
}


static void
on_timer(uv_timer_t *t)
{
    struct rtmp_conn *c = t->data;
    uint64_t          now = sl_now_ns();

    if (c->role == RTMP_ROLE_PUBLISH) {
        rtmp_publish_tick(c, now);
        if (c->closing) {
            return;
        }
    }
    /* Publishers send media all the time; readers send acknowledgements
     * only now and then: readers are not timed out by silence. */
    if (c->role != RTMP_ROLE_READ
        && now - c->last_activity_ns > sl_rt.conf->read_timeout)
    {
        rtmp_conn_close(c, "timed out");
    }
}


/* --- decisions ----------------------------------------------------------- */


static int
on_connect(void *ud, const struct sl_rtmp_connect_info *ci)
{
    struct rtmp_conn *c = ud;

    sl_snprintf(c->tc_url, sizeof(c->tc_url), "%.*s",
                (int)(ci->tc_url.len > 0 ? ci->tc_url.len : ci->app.len),
                ci->tc_url.len > 0 ? ci->tc_url.p : ci->app.p);
    c->fourcc = ci->fourcc_mask;
    return 0;
}


/*
 * MediaMTX's rule: the stream URL is tcUrl + "/" + key (the key appended
 * when not empty and not starting with '?'); its path without the leading
 * '/' is the path name and its query carries user, pass and token.
 */
static int
set_path(struct rtmp_conn *c, const struct sl_rtmp_stream_info *si)
{
    char        url[1024];
    const char *p, *q;
    size_t      plen;

    if (si->name.len > 0 && si->name.p[0] != '?') {
        sl_snprintf(url, sizeof(url), "%s/%.*s", c->tc_url, (int)si->name.len,
                    si->name.p);
    } else {
        sl_snprintf(url, sizeof(url), "%s%.*s", c->tc_url, (int)si->name.len,
                    si->name.p);
    }
    p = strstr(url, "://");
    p = p != NULL ? strchr(p + 3, '/') : (url[0] == '/' ? url : NULL);
    if (p == NULL) {
        p = url + strlen(url);
    } else {
        p++;
    }
    q = strchr(p, '?');
    plen = q != NULL ? (size_t)(q - p) : strlen(p);
    while (plen > 0 && p[plen - 1] == '/') {
        plen--;
    }
    if (plen == 0 || plen >= sizeof(c->path)) {
        return SL_EINVAL;
    }
    memcpy(c->path, p, plen);
    c->path[plen] = '\0';
    sl_strlcpy(c->query, q != NULL ? q + 1 : "", sizeof(c->query));
    return 0;
}


/* A query parameter of the stream URL into out ("" when absent). */
static void
query_get(const char *query, const char *key, char *out, size_t size)
{
    struct sl_str q = sl_str_from(query);
    size_t        klen = strlen(key);

    out[0] = '\0';
    while (q.len > 0) {
        struct sl_str kv = sl_str_cut(&q, '&');

        if (kv.len > klen && memcmp(kv.p, key, klen) == 0 && kv.p[klen] == '=')
        {
            sl_snprintf(out, size, "%.*s", (int)(kv.len - klen - 1),
                        kv.p + klen + 1);
            return;
        }
    }
}


static int
start_stream(struct rtmp_conn *c, uint32_t msid, bool publish)
{
    struct sl_pm_err   err;
    struct sl_auth_req ar;
    char               user[128], pass[128], token[512];
    bool               ask = false;
    int                rc;

    if (c->role != RTMP_ROLE_NONE) {
        return SL_ESTATE; /* one stream per connection */
    }
    c->msid = msid;
    if (sl_pm_find_conf(c->path, &err) == NULL) {
        sl_log_info(&c->log, "%s", err.msg);
        return err.status == 404 ? SL_ENOTFOUND : SL_EINVAL;
    }
    query_get(c->query, "user", user, sizeof(user));
    query_get(c->query, "pass", pass, sizeof(pass));
    query_get(c->query, "token", token, sizeof(token));
    if (token[0] == '\0') {
        query_get(c->query, "jwt", token, sizeof(token));
    }
    memset(&ar, 0, sizeof(ar));
    ar.user = user[0] != '\0' ? user : NULL;
    ar.pass = user[0] != '\0' ? pass : NULL;
    ar.ip = (struct sockaddr *)&c->peer;
    ar.action = publish ? SL_AUTH_PUBLISH : SL_AUTH_READ;
    ar.path = c->path;
    ar.query = c->query;
    ar.protocol = "rtmp";
    if (sl_auth_is_slow(sl_rt.conf)) {
        c->auth_waiting = true;
        sl_auth_check_async(c->w, c->handle, sl_rt.conf, &ar, on_auth_done,
                            (void *)(uintptr_t)(publish ? 1 : 2));
        return SL_EAGAIN;
    }
    /* Decided from a message to this worker: the session takes a decision
     * only after on_publish/on_play returned SL_EAGAIN. */
    rc = sl_auth_check(sl_rt.conf, &ar, &ask);
    {
        struct verdict *v = sl_malloc(sizeof(*v));

        v->handle = c->handle;
        v->rc = rc;
        v->ask = ask;
        v->publish = publish;
        c->auth_waiting = true;
        sl_worker_call(c->w, on_verdict, v);
    }
    return SL_EAGAIN;
}


static void
on_verdict(struct sl_worker *w, void *arg)
{
    struct verdict *v = arg;

    on_auth_done(w, v->handle, v->rc, v->ask,
                 (void *)(uintptr_t)(v->publish ? 1 : 2));
    sl_free(v);
}


static void
on_auth_done(struct sl_worker *w, uint64_t handle, int rc, bool ask, void *arg)
{
    struct rtmp_conn *c = sl_worker_handle_get(w, handle);

    if (c == NULL || c->closing) {
        return;
    }
    c->auth_waiting = false;
    decide(c, c->msid, (uintptr_t)arg == 1, rc, ask);
}


static void
on_delay_closed(uv_handle_t *h)
{
    sl_free(h->data);
}


/* After the failure delay: refuse, then close. */
static void
on_delay(uv_timer_t *t)
{
    struct delay     *d = t->data;
    struct rtmp_conn *c = sl_worker_handle_get(d->w, d->handle);

    if (c != NULL && !c->closing) {
        if (d->publish) {
            sl_rtmp_session_publish_result(c->rs, d->msid, SL_EAUTH, NULL);
        } else {
            sl_rtmp_session_play_result(c->rs, d->msid, SL_EAUTH, NULL);
        }
        c->close_after_write = true;
        rtmp_conn_flush(c);
    }
    uv_close((uv_handle_t *)&d->timer, on_delay_closed);
}


/* Completes publish/play once authentication has answered. */
static void
decide(struct rtmp_conn *c, uint32_t msid, bool publish, int rc, bool ask)
{
    struct sl_pm_err err;

    (void)ask;
    if (rc < 0) {
        /* RTMP cannot ask for credentials: wait 0-4 s, then refuse. */
        struct delay *d = sl_calloc(1, sizeof(*d));

        sl_log_warn(&c->log, "failed to authenticate: authentication failed");
        d->w = c->w;
        d->handle = c->handle;
        d->msid = msid;
        d->publish = publish;
        uv_timer_init(&c->w->loop, &d->timer);
        d->timer.data = d;
        uv_timer_start(&d->timer, on_delay, sl_rand_u32() % 4000, 0);
        return;
    }
    if (publish) {
        c->pub.w = c->w;
        c->pub.kick = on_kicked;
        c->pub.type = "rtmpConn";
        sl_strlcpy(c->pub.id, c->uuid, sizeof(c->pub.id));
        c->pub.handle = sl_worker_handle_add(c->w, &c->pub);
        rc = sl_pm_publisher_add(c->path, &c->pub, &err);
        if (rc < 0) {
            sl_worker_handle_del(c->w, c->pub.handle);
            sl_log_info(&c->log, "%s", err.msg);
            sl_rtmp_session_publish_result(c->rs, msid, rc, err.msg);
        } else {
            c->pub_claimed = true;
            c->role = RTMP_ROLE_PUBLISH;
            c->publish_ns = sl_now_ns();
            c->video.index = c->audio.index = -1;
            sl_rtmp_session_publish_result(c->rs, msid, 0, NULL);
        }
    } else {
        rc = rtmp_play_start(c, &err);
        if (rc < 0) {
            sl_log_info(&c->log, "%s", err.msg);
            sl_rtmp_session_play_result(c->rs, msid, rc, err.msg);
        } else {
            sl_rtmp_session_play_result(c->rs, msid, 0, NULL);
            rtmp_conn_media_ready(c);
        }
    }
    rtmp_conn_flush(c);
    if (sl_rtmp_session_wants_close(c->rs)) {
        c->close_after_write = true;
        rtmp_conn_flush(c);
    }
}


static int
on_publish(void *ud, const struct sl_rtmp_stream_info *si)
{
    struct rtmp_conn *c = ud;

    if (set_path(c, si) < 0) {
        return SL_EINVAL;
    }
    return start_stream(c, si->msid, true);
}


static int
on_play(void *ud, const struct sl_rtmp_stream_info *si)
{
    struct rtmp_conn *c = ud;

    if (set_path(c, si) < 0) {
        return SL_EINVAL;
    }
    return start_stream(c, si->msid, false);
}


static void
on_media(void *ud, const struct sl_rtmp_media *m)
{
    struct rtmp_conn *c = ud;

    if (c->role == RTMP_ROLE_PUBLISH && !c->closing) {
        rtmp_publish_media(c, m);
    }
}


static void
on_unpublish(void *ud, uint32_t msid)
{
    struct rtmp_conn *c = ud;

    (void)msid;
    if (c->role == RTMP_ROLE_PUBLISH && !c->closing) {
        c->close_after_write = true;
    }
}


static void
on_stop_play(void *ud, uint32_t msid)
{
    struct rtmp_conn *c = ud;

    (void)msid;
    if (c->reading) {
        rtmp_play_stop(c);
    }
}


/* Runs on the publisher's worker when another publisher took the path. */
static void
on_kicked(struct sl_publisher *p)
{
    struct rtmp_conn *c = sl_container_of(p, struct rtmp_conn, pub);

    rtmp_conn_close(c, "another publisher took the path");
}
