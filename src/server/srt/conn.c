/* Sluice: SRT connections on the workers (publishers and readers). */
#include "server/srt/srt.h"
#include "core/auth.h"
#include "core/encode.h"
#include "core/runtime.h"
#include "net/addr.h"
#include "base/alloc.h"
#include "base/crypto.h"
#include "base/err.h"
#include "base/str.h"
#include "base/time.h"

#include <string.h>


struct conn_msg {
    struct sl_msg    msg;
    struct srt_conn *c;
    const char      *why;
    size_t           len;
    uint8_t          data[];
};


static void on_start_msg(struct sl_worker *w, struct sl_msg *m);
static void on_data_msg(struct sl_worker *w, struct sl_msg *m);
static void on_gone_msg(struct sl_worker *w, struct sl_msg *m);
static void start_role(struct srt_conn *c);
static void on_auth(struct sl_worker *w, uint64_t handle, int rc, bool ask,
                    void *arg);
static void on_timer(uv_timer_t *t);
static void on_timer_closed(uv_handle_t *h);
static void on_kicked(struct sl_publisher *p);
static void on_reader_frames(struct sl_reader *r);
static void on_reader_close(struct sl_reader *r, int reason);
static void on_flush(struct sl_defer *d);
static void reader_flush(struct srt_conn *c);
static int  send_bytes(struct srt_conn *c, const uint8_t *p, size_t len);
static int  send_msg(struct srt_conn *c, const uint8_t *p, size_t len);


struct srt_conn *
srt_conn_new(SRTSOCKET s, const struct sockaddr_storage *peer)
{
    struct srt_conn *c = sl_calloc(1, sizeof(*c));

    atomic_init(&c->refs, 1);
    c->sock = s;
    c->peer = *peer;
    sl_addr_unmap(&c->peer);
    sl_addr_format((struct sockaddr *)&c->peer, c->peer_str,
                   sizeof(c->peer_str));
    sl_uuid(c->uuid);
    sl_log_init(&c->log, &sl_srt_srv.log, "[conn %s]", c->peer_str);
    return c;
}


void
srt_conn_unref(struct srt_conn *c)
{
    if (atomic_fetch_sub(&c->refs, 1) == 1) {
        sl_free(c);
    }
}


static struct conn_msg *
conn_msg(struct srt_conn *c, sl_msg_fn *fn, size_t len)
{
    struct conn_msg *m = sl_malloc(sizeof(*m) + len);

    memset(m, 0, sizeof(*m));
    m->msg.fn = fn;
    m->c = c;
    m->len = len;
    atomic_fetch_add(&c->refs, 1);
    return m;
}


void
srt_conn_post_start(struct srt_conn *c)
{
    /* The message's reference becomes the worker's. */
    sl_worker_post(c->w, &conn_msg(c, on_start_msg, 0)->msg);
}


void
srt_conn_post_data(struct srt_conn *c, const uint8_t *p, size_t len)
{
    struct conn_msg *m = conn_msg(c, on_data_msg, len);

    memcpy(m->data, p, len);
    m->msg.bytes = sizeof(*m) + len;
    if (!sl_worker_post(c->w, &m->msg)) {
        /* The worker is behind by its inbox cap: drop, as a lossy link. */
        srt_conn_unref(c);
        sl_free(m);
    }
}


void
srt_conn_post_gone(struct srt_conn *c, const char *why)
{
    struct conn_msg *m = conn_msg(c, on_gone_msg, 0);

    m->why = why;
    sl_worker_post(c->w, &m->msg);
}


static void
on_start_msg(struct sl_worker *w, struct sl_msg *m)
{
    struct srt_conn *c = ((struct conn_msg *)m)->c;

    sl_free(m);
    c->handle = sl_worker_handle_add(w, c);
    sl_list_insert_tail(&sl_srt_srv.conns[w->id], &c->node);
    uv_timer_init(&w->loop, &c->timer);
    c->timer.data = c;
    c->timer_on = true;
    uv_timer_start(&c->timer, on_timer, 1000, 1000);
    sl_defer_init(&c->flush, on_flush);
    c->open = true;
    sl_log_info(&c->log, "opened");
    sl_log_debug(&c->log, "on worker %d", w->id);
    if (atomic_load(&sl_srt_srv.stopping)) {
        srt_conn_close(c, "server is shutting down");
        return;
    }
    if (sl_auth_is_slow(sl_rt.conf)) {
        struct sl_auth_req ar = {
            .user = c->user,
            .pass = c->pass,
            .ip = (struct sockaddr *)&c->peer,
            .action =
                c->role == SRT_ROLE_PUBLISH ? SL_AUTH_PUBLISH : SL_AUTH_READ,
            .path = c->path,
            .query = c->query,
            .protocol = "srt",
        };

        sl_auth_check_async(w, c->handle, sl_rt.conf, &ar, on_auth, NULL);
        return;
    }
    start_role(c);
}


static void
on_auth(struct sl_worker *w, uint64_t handle, int rc, bool ask, void *arg)
{
    struct srt_conn *c = sl_worker_handle_get(w, handle);

    (void)ask, (void)arg;
    if (c == NULL || !c->open) {
        return;
    }
    if (rc < 0) {
        srt_conn_close(c, "authentication failed");
        return;
    }
    start_role(c);
}


static void
start_role(struct srt_conn *c)
{
    struct sl_pm_err err;
    char             label[256];

    if (c->role == SRT_ROLE_PUBLISH) {
        c->pub.w = c->w;
        c->pub.handle = c->handle;
        c->pub.kick = on_kicked;
        c->pub.type = "srtConn";
        sl_strlcpy(c->pub.id, c->uuid, sizeof(c->pub.id));
        if (sl_pm_publisher_add(c->path, &c->pub, &err) < 0) {
            srt_conn_close(c, err.msg);
            return;
        }
        c->pub_claimed = true;
        c->ingest = sl_ts_ingest_new(c->w, c->path, &c->pub, &c->log);
        return;
    }
    c->stream = sl_pm_reader_add(c->path, &err);
    if (c->stream == NULL) {
        srt_conn_close(c, err.msg);
        return;
    }
    memset(&c->reader, 0, sizeof(c->reader));
    c->reader.on_frames = on_reader_frames;
    c->reader.on_close = on_reader_close;
    c->reader.ud = c;
    c->reader.fmt = SL_FMT_MPEGTS;
    c->reader.use_gop = sl_rt.conf->srt_gop_cache;
    c->reader.log = &c->log;
    if (sl_stream_reader_add(c->stream, &c->reader) < 0) {
        srt_conn_close(c, "the stream has ended");
        return;
    }
    c->reading = true;
    sl_log_info(&c->log, "is reading from path '%s', %s", c->path,
                sl_stream_tracks_label(&c->stream->desc, label, sizeof(label)));
}


static void
on_data_msg(struct sl_worker *w, struct sl_msg *m)
{
    struct conn_msg *cm = (struct conn_msg *)m;
    struct srt_conn *c = cm->c;

    (void)w;
    if (c->open && c->ingest != NULL) {
        c->bytes_in += cm->len;
        if (sl_ts_ingest_feed(c->ingest, cm->data, cm->len) < 0) {
            srt_conn_close(c, "path configuration removed");
        }
    }
    sl_free(m);
    srt_conn_unref(c);
}


static void
on_gone_msg(struct sl_worker *w, struct sl_msg *m)
{
    struct conn_msg *cm = (struct conn_msg *)m;
    struct srt_conn *c = cm->c;

    (void)w;
    if (c->open) {
        srt_conn_close(c, cm->why);
    }
    sl_free(m);
    srt_conn_unref(c);
}


static void
on_timer(uv_timer_t *t)
{
    struct srt_conn *c = t->data;

    if (c->open && c->ingest != NULL
        && sl_ts_ingest_tick(c->ingest, sl_now_ns()) < 0)
    {
        srt_conn_close(c, "path configuration removed");
    }
}


static void
on_kicked(struct sl_publisher *p)
{
    struct srt_conn *c = sl_container_of(p, struct srt_conn, pub);

    srt_conn_close(c, "another publisher took the path");
}


void
srt_conn_close(struct srt_conn *c, const char *reason)
{
    if (!c->open) {
        return;
    }
    c->open = false;
    sl_defer_cancel(&c->flush);
    if (c->reading) {
        sl_stream_reader_remove(&c->reader);
        c->reading = false;
    }
    if (c->stream != NULL) {
        sl_pm_reader_remove(c->path);
        sl_stream_unref(&c->stream);
    }
    if (c->ingest != NULL) {
        struct sl_ts_ingest_stats st;

        sl_ts_ingest_stats(c->ingest, &st);
        if (st.discarded > 0 || st.cc_errors > 0) {
            sl_log_info(&c->log,
                        "%llu frames discarded, %llu TS continuity "
                        "errors",
                        (unsigned long long)st.discarded,
                        (unsigned long long)st.cc_errors);
        }
        sl_ts_ingest_free(&c->ingest);
    }
    if (c->pub_claimed) {
        sl_pm_publisher_remove(c->path, &c->pub);
        c->pub_claimed = false;
    }
    if (c->dropped > 0) {
        sl_log_info(&c->log, "%llu frames discarded (send buffer full)",
                    (unsigned long long)c->dropped);
    }
    sl_list_remove(&c->node);
    sl_worker_handle_del(c->w, c->handle);
    atomic_fetch_sub(&c->w->conns, 1);
    sl_log_info(&c->log, "closed: %s", reason);
    srt_server_release(c);
    if (c->timer_on) {
        c->timer_on = false;
        uv_timer_stop(&c->timer);
        uv_close((uv_handle_t *)&c->timer, on_timer_closed);
    } else {
        srt_conn_unref(c);
    }
}


static void
on_timer_closed(uv_handle_t *h)
{
    srt_conn_unref(h->data); /* the worker's reference */
}


static void
on_reader_frames(struct sl_reader *r)
{
    struct srt_conn *c = r->ud;

    if (!c->open) {
        return;
    }
    if (c->w->flush.delay_ms == 0) {
        reader_flush(c);
    } else {
        sl_defer_add(&c->w->flush, &c->flush);
    }
}


static void
on_reader_close(struct sl_reader *r, int reason)
{
    struct srt_conn *c = r->ud;

    srt_conn_close(c, reason == SL_ETIMEOUT ? "write timeout"
                                            : "the stream has ended");
}


static void
on_flush(struct sl_defer *d)
{
    reader_flush(sl_container_of(d, struct srt_conn, flush));
}


/* Sends what the reader has: shared packets, 1316 bytes per message. */
static void
reader_flush(struct srt_conn *c)
{
    struct sl_frame *f;
    bool             stalled = false;
    int              rc = 0;

    while (c->open && (f = sl_reader_peek(&c->reader)) != NULL) {
        const struct sl_frame_enc *e = sl_frame_enc_get(f, SL_FMT_MPEGTS);

        if (e != NULL && !c->joined && (e->flags & SL_ENC_JOIN) != 0) {
            c->joined = true;
        }
        if (e != NULL && c->joined) {
            rc = send_bytes(c, e->buf->data + e->parts[0].off, e->parts[0].len);
            if (rc == SL_EAGAIN) {
                /* libsrt's send buffer is full: this frame is lost; start
                 * again at the next join point (keyframe). */
                c->joined = false;
                c->carry_len = 0;
                c->dropped++;
                stalled = true;
            } else if (rc < 0) {
                sl_reader_advance(&c->reader);
                srt_conn_close(c, "write failed");
                return;
            }
        }
        sl_reader_advance(&c->reader);
    }
    if (c->open && c->carry_len > 0) {
        rc = send_msg(c, c->carry, c->carry_len);
        c->carry_len = 0;
        if (rc == SL_EAGAIN) {
            c->joined = false;
            stalled = true;
        } else if (rc < 0) {
            srt_conn_close(c, "write failed");
            return;
        }
    }
    if (!c->open) {
        return;
    }
    sl_reader_ack(&c->reader);
    if (!stalled) {
        c->stalled_ns = 0;
    } else if (c->stalled_ns == 0) {
        c->stalled_ns = sl_now_ns();
    } else if (sl_now_ns() - c->stalled_ns > sl_rt.conf->write_timeout) {
        srt_conn_close(c, "write timeout");
    }
}


static int
send_msg(struct srt_conn *c, const uint8_t *p, size_t len)
{
    if (srt_sendmsg2(c->sock, (const char *)p, (int)len, NULL) < 0) {
        return srt_getlasterror(NULL) == SRT_EASYNCSND ? SL_EAGAIN : SL_ECLOSED;
    }
    c->bytes_out += len;
    if (c->stream != NULL) {
        atomic_fetch_add_explicit(&c->stream->bytes_out, len,
                                  memory_order_relaxed);
    }
    return 0;
}


static int
send_bytes(struct srt_conn *c, const uint8_t *p, size_t len)
{
    size_t chunk = sl_srt_srv.payload_size;
    int    rc;

    while (len > 0) {
        if (c->carry_len == 0 && len >= chunk) {
            rc = send_msg(c, p, chunk);
            if (rc < 0) {
                return rc;
            }
            p += chunk;
            len -= chunk;
            continue;
        }
        {
            size_t n = chunk - c->carry_len < len ? chunk - c->carry_len : len;

            memcpy(c->carry + c->carry_len, p, n);
            c->carry_len += n;
            p += n;
            len -= n;
        }
        if (c->carry_len == chunk) {
            rc = send_msg(c, c->carry, chunk);
            c->carry_len = 0;
            if (rc < 0) {
                return rc;
            }
        }
    }
    return 0;
}
