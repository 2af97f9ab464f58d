/* Sluice: streams, per-worker views and bounded readers. */
#include "core/stream.h"
#include "core/encode.h"
#include "codec/codec.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/time.h"

#include <string.h>


enum view_state {
    VIEW_SUBSCRIBING, /* waiting for the owner's snapshot */
    VIEW_ACTIVE,
    VIEW_CLOSING, /* no readers left; unsubscribe sent */
    VIEW_EOS,     /* the stream ended */
};

struct grave {
    uint64_t         seq;
    struct sl_frame *f;
};

struct sl_view {
    struct sl_list    wnode; /* in the worker's list of views */
    struct sl_stream *stream;
    struct sl_worker *w;
    int               state;
    bool              owner_view;
    struct sl_frame **ring;
    uint64_t         *cum; /* bytes before each frame */
    uint64_t          total;
    uint64_t          mask;
    uint64_t          cap;
    uint64_t          head;
    uint64_t          tail;
    uint64_t          gop_start;
    bool              gop_valid;
    bool              gap;   /* frames were lost before the next one */
    bool              quiet; /* appending a snapshot: no notifications */
    int               busy;  /* iterating readers: do not free */
    struct sl_list    readers;
    size_t            nreaders;
    struct grave     *graves;
    size_t            ngraves;
    size_t            graves_cap;
};

struct worker_state {
    struct sl_list views;
};

/* Messages between the owner and remote views. */
struct stream_msg {
    struct sl_msg     msg;
    struct sl_stream *s;
    int               worker;
    struct sl_frame  *f;
    bool              gap;
    size_t            n;
    struct sl_frame **frames;
};


static struct sl_view *view_new(struct sl_stream *s, struct sl_worker *w);
static void            view_free(struct sl_view *v);
static void            view_append(struct sl_view *v, struct sl_frame *f);
static void            view_release(struct sl_view *v);
static void            view_evict_one(struct sl_view *v);
static void            view_notify(struct sl_view *v);
static void            view_close_readers(struct sl_view *v, int reason);
static void            view_maybe_free(struct sl_view *v);
static bool     is_gop_key(const struct sl_view *v, const struct sl_frame *f);
static uint64_t bytes_from(const struct sl_view *v, uint64_t seq);
static void     reader_drop(struct sl_reader *r, uint64_t to);
static void     post(struct sl_worker *w, struct stream_msg *m, sl_msg_fn *fn);
static void     on_subscribe(struct sl_worker *w, struct sl_msg *m);
static void     on_unsubscribe(struct sl_worker *w, struct sl_msg *m);
static void     on_snapshot(struct sl_worker *w, struct sl_msg *m);
static void     on_frame(struct sl_worker *w, struct sl_msg *m);
static void     on_eos(struct sl_worker *w, struct sl_msg *m);
static void     on_unsubscribed(struct sl_worker *w, struct sl_msg *m);


static struct sl_worker *all_workers[SL_MAX_WORKERS];


static struct worker_state *
wstate(struct sl_worker *w)
{
    return w->core;
}


void
sl_stream_worker_init(struct sl_worker *w)
{
    struct worker_state *ws = sl_calloc(1, sizeof(*ws));

    sl_list_init(&ws->views);
    w->core = ws;
}


void
sl_stream_worker_close(struct sl_worker *w)
{
    sl_freep(&w->core);
}


struct sl_stream *
sl_stream_new(struct sl_worker *owner, const char *path,
              const struct sl_stream_desc *desc,
              const struct sl_stream_opts *opts)
{
    struct sl_stream *s = sl_calloc(1, sizeof(*s));
    size_t            i;

    atomic_init(&s->refs, 1);
    s->owner = owner;
    s->desc = *desc;
    for (i = 0; i < desc->ntracks; i++) {
        if (desc->tracks[i].fmtp != NULL) {
            s->desc.tracks[i].fmtp = sl_strdup(desc->tracks[i].fmtp);
        }
    }
    s->opts = *opts;
    /* Timelines start near 1 s (see the publishers): timestamp 0 is a
     * second before creation. */
    s->wall0_ns = sl_wall_ns() - SL_NS_PER_SEC;
    if (s->opts.write_queue_size == 0) {
        s->opts.write_queue_size = 512;
    }
    sl_strlcpy(s->path, path, sizeof(s->path));
    sl_log_init(&s->log, NULL, "[path %s]", path);
    pthread_mutex_init(&s->params_lock, NULL);
    s->views[owner->id] = view_new(s, owner);
    return s;
}


struct sl_stream *
sl_stream_ref(struct sl_stream *s)
{
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}


void
sl_stream_unref(struct sl_stream **sp)
{
    struct sl_stream *s = *sp;
    size_t            i;

    *sp = NULL;
    if (s == NULL
        || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
    {
        return;
    }
    for (i = 0; i < s->desc.ntracks; i++) {
        sl_free(s->desc.tracks[i].fmtp);
    }
    pthread_mutex_destroy(&s->params_lock);
    sl_encode_close(s);
    sl_free(s);
}


static struct sl_view *
view_new(struct sl_stream *s, struct sl_worker *w)
{
    struct sl_view *v = sl_calloc(1, sizeof(*v));
    uint64_t        want =
        (uint64_t)s->opts.write_queue_size + s->opts.gop_max_frames + 1;

    v->cap = 64;
    while (v->cap < want) {
        v->cap *= 2;
    }
    v->mask = v->cap - 1;
    v->ring = sl_calloc(v->cap, sizeof(*v->ring));
    v->cum = sl_calloc(v->cap, sizeof(*v->cum));
    v->stream = sl_stream_ref(s);
    v->w = w;
    v->owner_view = w == s->owner;
    v->state = v->owner_view ? VIEW_ACTIVE : VIEW_SUBSCRIBING;
    sl_list_init(&v->readers);
    sl_list_insert_tail(&wstate(w)->views, &v->wnode);
    return v;
}


static void
view_free(struct sl_view *v)
{
    uint64_t          seq;
    size_t            i;
    struct sl_stream *s = v->stream;

    for (seq = v->tail; seq < v->head; seq++) {
        sl_frame_unref(&v->ring[seq & v->mask]);
    }
    for (i = 0; i < v->ngraves; i++) {
        sl_frame_unref(&v->graves[i].f);
    }
    sl_free(v->graves);
    sl_list_remove(&v->wnode);
    if (s->views[v->w->id] == v) {
        s->views[v->w->id] = NULL;
    }
    sl_free(v->ring);
    sl_free(v->cum);
    sl_free(v);
    sl_stream_unref(&s);
}


static bool
is_gop_key(const struct sl_view *v, const struct sl_frame *f)
{
    int kt = v->stream->desc.key_track;

    if (!(f->flags & SL_FRAME_KEY)) {
        return false;
    }
    return kt < 0 || f->track == (uint8_t)kt;
}


static uint64_t
bytes_from(const struct sl_view *v, uint64_t seq)
{
    if (seq >= v->head) {
        return 0;
    }
    return v->total - v->cum[seq & v->mask];
}


static void
view_append(struct sl_view *v, struct sl_frame *f)
{
    const struct sl_stream_opts *o = &v->stream->opts;
    uint64_t                     seq;

    if (v->head - v->tail == v->cap) {
        view_evict_one(v);
    }
    if (v->gap) {
        /* Frames were lost on the way here: everyone restarts at a key. */
        struct sl_list *it, *tmp;

        v->gap = false;
        v->gop_valid = false;
        sl_list_for_each_safe(it, tmp, &v->readers)
        {
            struct sl_reader *r = sl_container_of(it, struct sl_reader, node);

            if (r->pos < v->head) {
                reader_drop(r, v->head);
            }
            r->wait_key = true;
        }
    }
    seq = v->head;
    v->ring[seq & v->mask] = f;
    v->cum[seq & v->mask] = v->total;
    v->total += sl_frame_size(f);
    v->head++;
    if (is_gop_key(v, f)) {
        v->gop_start = seq;
        v->gop_valid = true;
    } else if (v->gop_valid
               && (v->head - v->gop_start > o->gop_max_frames
                   || bytes_from(v, v->gop_start) > o->gop_max_bytes))
    {
        v->gop_valid = false;
    }
    if (!v->quiet) {
        view_release(v);
        view_notify(v);
    }
}


/* Makes room for one frame when the ring is full. */
static void
view_evict_one(struct sl_view *v)
{
    uint64_t        seq = v->tail;
    struct sl_list *it, *tmp;
    bool            pinned = false;

    v->busy++;
    sl_list_for_each_safe(it, tmp, &v->readers)
    {
        struct sl_reader *r = sl_container_of(it, struct sl_reader, node);

        if (r->ack_pos > seq) {
            continue;
        }
        if (r->ack_pos < r->pos) {
            /* Its in-flight write still points at this frame. */
            pinned = true;
            if (!r->closing) {
                r->closing = true;
                r->on_close(r, SL_ELIMIT);
            }
        } else {
            reader_drop(r, seq + 1);
            r->wait_key = true;
        }
    }
    v->busy--;
    if (pinned) {
        if (v->ngraves == v->graves_cap) {
            v->graves_cap = v->graves_cap == 0 ? 8 : v->graves_cap * 2;
            v->graves =
                sl_realloc(v->graves, v->graves_cap * sizeof(*v->graves));
        }
        v->graves[v->ngraves].seq = seq;
        v->graves[v->ngraves].f = v->ring[seq & v->mask];
        v->ngraves++;
        v->ring[seq & v->mask] = NULL;
    } else {
        sl_frame_unref(&v->ring[seq & v->mask]);
    }
    v->tail++;
    if (v->gop_valid && v->gop_start < v->tail) {
        v->gop_valid = false;
    }
}


static void
view_release(struct sl_view *v)
{
    uint64_t        keep = v->head;
    struct sl_list *it;
    size_t          i, j;

    if (v->stream->opts.gop_cache && v->gop_valid) {
        keep = v->gop_start;
    }
    for (it = v->readers.next; it != &v->readers; it = it->next) {
        struct sl_reader *r = sl_container_of(it, struct sl_reader, node);

        if (r->ack_pos < keep) {
            keep = r->ack_pos;
        }
    }
    while (v->tail < keep) {
        sl_frame_unref(&v->ring[v->tail & v->mask]);
        v->tail++;
    }
    for (i = 0, j = 0; i < v->ngraves; i++) {
        if (v->graves[i].seq < keep) {
            sl_frame_unref(&v->graves[i].f);
        } else {
            v->graves[j++] = v->graves[i];
        }
    }
    v->ngraves = j;
}


static void
view_notify(struct sl_view *v)
{
    struct sl_list *it, *tmp;

    v->busy++;
    sl_list_for_each_safe(it, tmp, &v->readers)
    {
        struct sl_reader *r = sl_container_of(it, struct sl_reader, node);

        if (!r->closing && r->pos < v->head) {
            r->on_frames(r);
        }
    }
    v->busy--;
}


static void
view_close_readers(struct sl_view *v, int reason)
{
    struct sl_list *it, *tmp;

    v->busy++;
    sl_list_for_each_safe(it, tmp, &v->readers)
    {
        struct sl_reader *r = sl_container_of(it, struct sl_reader, node);

        if (!r->closing) {
            r->closing = true;
            r->on_close(r, reason);
        }
    }
    v->busy--;
}


static void
view_maybe_free(struct sl_view *v)
{
    if (v->nreaders > 0 || v->busy > 0) {
        return;
    }
    if (v->state == VIEW_EOS) {
        view_free(v);
        return;
    }
    if (v->owner_view || v->state == VIEW_CLOSING) {
        return;
    }
    /* A remote view with no readers: ask the owner to stop sending. */
    v->state = VIEW_CLOSING;
    {
        struct stream_msg *m = sl_calloc(1, sizeof(*m));

        m->s = sl_stream_ref(v->stream);
        m->worker = v->w->id;
        post(v->stream->owner, m, on_unsubscribe);
    }
}


static void
post(struct sl_worker *w, struct stream_msg *m, sl_msg_fn *fn)
{
    m->msg.fn = fn;
    sl_worker_post(w, &m->msg);
}


static bool
param_set(uint8_t *dst, uint16_t *dst_len, const uint8_t *p, size_t len)
{
    if (p == NULL || len == 0 || len > SL_PARAM_MAX
        || (*dst_len == len && memcmp(dst, p, len) == 0))
    {
        return false;
    }
    memcpy(dst, p, len);
    *dst_len = (uint16_t)len;
    return true;
}


bool
sl_stream_set_params(struct sl_stream *s, size_t track, const uint8_t *vps,
                     size_t vps_len, const uint8_t *sps, size_t sps_len,
                     const uint8_t *pps, size_t pps_len)
{
    struct sl_track_params *tp;
    bool                    changed;

    if (track >= SL_STREAM_MAX_TRACKS) {
        return false;
    }
    tp = &s->params[track];
    pthread_mutex_lock(&s->params_lock);
    changed = param_set(tp->vps, &tp->vps_len, vps, vps_len);
    changed |= param_set(tp->sps, &tp->sps_len, sps, sps_len);
    changed |= param_set(tp->pps, &tp->pps_len, pps, pps_len);
    if (changed) {
        tp->version++;
    }
    pthread_mutex_unlock(&s->params_lock);
    return changed;
}


void
sl_stream_get_params(struct sl_stream *s, size_t track,
                     struct sl_track_params *out)
{
    memset(out, 0, sizeof(*out));
    if (track >= SL_STREAM_MAX_TRACKS) {
        return;
    }
    pthread_mutex_lock(&s->params_lock);
    *out = s->params[track];
    pthread_mutex_unlock(&s->params_lock);
}


void
sl_stream_set_workers(struct sl_worker **workers, size_t n)
{
    size_t i;

    for (i = 0; i < n && i < SL_MAX_WORKERS; i++) {
        all_workers[i] = workers[i];
    }
}


void
sl_stream_write(struct sl_stream *s, struct sl_frame *f)
{
    struct sl_view *ov = s->views[s->owner->id];
    size_t          size = sl_frame_size(f);
    int             i;

    s->frames_in++;
    atomic_fetch_add_explicit(&s->bytes_in, f->len, memory_order_relaxed);
    if (s->closed) {
        sl_frame_unref(&f);
        return;
    }
    if (f->recv_ns == 0) {
        f->recv_ns = sl_now_ns();
    }
    sl_encode_frame(s, f);
    for (i = 0; i < SL_MAX_WORKERS; i++) {
        struct stream_msg *m;

        if (!s->subscribed[i]) {
            continue;
        }
        m = sl_calloc(1, sizeof(*m));
        m->s = s;
        m->f = sl_frame_ref(f);
        m->gap = s->gap[i];
        m->msg.fn = on_frame;
        m->msg.bytes = size + sizeof(*m);
        if (sl_worker_post(all_workers[i], &m->msg)) {
            s->gap[i] = false;
        } else {
            /* The worker's inbox is full: drop, resync at a keyframe. */
            s->gap[i] = true;
            sl_frame_unref(&m->f);
            sl_free(m);
        }
    }
    if (ov != NULL) {
        view_append(ov, f);
    } else {
        sl_frame_unref(&f);
    }
}


void
sl_stream_close(struct sl_stream *s)
{
    struct sl_view *ov = s->views[s->owner->id];
    int             i;

    if (s->closed) {
        return;
    }
    s->closed = true;
    for (i = 0; i < SL_MAX_WORKERS; i++) {
        struct stream_msg *m;

        if (!s->subscribed[i]) {
            continue;
        }
        s->subscribed[i] = false;
        m = sl_calloc(1, sizeof(*m));
        m->s = s;
        post(all_workers[i], m, on_eos);
    }
    if (ov != NULL) {
        ov->state = VIEW_EOS;
        view_close_readers(ov, SL_ECLOSED);
        view_maybe_free(ov);
    }
}


/* Owner: a remote worker wants the stream. */
static void
on_subscribe(struct sl_worker *w, struct sl_msg *msg)
{
    struct stream_msg *m = (struct stream_msg *)msg;
    struct sl_stream  *s = m->s;
    struct sl_view    *ov = s->views[w->id];
    struct stream_msg *r = sl_calloc(1, sizeof(*r));

    r->s = s;
    if (s->closed || ov == NULL) {
        post(all_workers[m->worker], r, on_eos);
    } else {
        uint64_t from = ov->head, seq;

        if (ov->gop_valid) {
            from = ov->gop_start;
        }
        r->n = (size_t)(ov->head - from);
        r->frames = sl_calloc(r->n == 0 ? 1 : r->n, sizeof(*r->frames));
        for (seq = from; seq < ov->head; seq++) {
            /* The new reader's format may have had no reader until now:
             * the snapshot's frames need that form too. */
            sl_encode_frame(s, ov->ring[seq & ov->mask]);
            r->frames[seq - from] = sl_frame_ref(ov->ring[seq & ov->mask]);
        }
        s->subscribed[m->worker] = true;
        s->gap[m->worker] = false;
        post(all_workers[m->worker], r, on_snapshot);
    }
    sl_stream_unref(&m->s);
    sl_free(m);
}


/* Owner: a remote worker has no readers left. */
static void
on_unsubscribe(struct sl_worker *w, struct sl_msg *msg)
{
    struct stream_msg *m = (struct stream_msg *)msg;
    struct sl_stream  *s = m->s;

    (void)w;
    if (s->subscribed[m->worker]) {
        struct stream_msg *r = sl_calloc(1, sizeof(*r));

        s->subscribed[m->worker] = false;
        r->s = s;
        post(all_workers[m->worker], r, on_unsubscribed);
    }
    sl_stream_unref(&m->s);
    sl_free(m);
}


static void
on_snapshot(struct sl_worker *w, struct sl_msg *msg)
{
    struct stream_msg *m = (struct stream_msg *)msg;
    struct sl_view    *v = m->s->views[w->id];
    size_t             i;

    if (v != NULL && v->state == VIEW_SUBSCRIBING) {
        struct sl_list *it;

        v->state = VIEW_ACTIVE;
        v->quiet = true;
        for (i = 0; i < m->n; i++) {
            view_append(v, m->frames[i]);
            m->frames[i] = NULL;
        }
        v->quiet = false;
        /* Readers that did not ask for the GOP wait for the next key. */
        for (it = v->readers.next; it != &v->readers; it = it->next) {
            struct sl_reader *r = sl_container_of(it, struct sl_reader, node);

            if (!r->use_gop || !v->stream->opts.gop_cache) {
                r->pos = r->ack_pos = v->head;
                r->wait_key = true;
            }
        }
        view_release(v);
        view_notify(v);
    }
    for (i = 0; i < m->n; i++) {
        sl_frame_unref(&m->frames[i]);
    }
    sl_free(m->frames);
    sl_free(m);
    if (v != NULL && v->state == VIEW_ACTIVE && v->nreaders == 0) {
        view_maybe_free(v);
    }
}


static void
on_frame(struct sl_worker *w, struct sl_msg *msg)
{
    struct stream_msg *m = (struct stream_msg *)msg;
    struct sl_view    *v = m->s->views[w->id];

    if (v != NULL && v->state == VIEW_ACTIVE) {
        if (m->gap) {
            v->gap = true;
        }
        view_append(v, m->f);
        m->f = NULL;
    }
    sl_frame_unref(&m->f);
    sl_free(m);
}


static void
on_eos(struct sl_worker *w, struct sl_msg *msg)
{
    struct stream_msg *m = (struct stream_msg *)msg;
    struct sl_view    *v = m->s->views[w->id];

    sl_free(m);
    if (v == NULL) {
        return;
    }
    v->state = VIEW_EOS;
    view_close_readers(v, SL_ECLOSED);
    view_maybe_free(v);
}


static void
on_unsubscribed(struct sl_worker *w, struct sl_msg *msg)
{
    struct stream_msg *m = (struct stream_msg *)msg;
    struct sl_stream  *s = m->s;
    struct sl_view    *v = s->views[w->id];

    sl_free(m);
    if (v == NULL) {
        return;
    }
    if (v->nreaders == 0) {
        view_free(v);
        return;
    }
    /* Readers arrived while we were leaving: subscribe again. */
    {
        uint64_t           seq;
        struct stream_msg *r;

        for (seq = v->tail; seq < v->head; seq++) {
            sl_frame_unref(&v->ring[seq & v->mask]);
        }
        v->tail = v->head;
        v->gop_valid = false;
        v->state = VIEW_SUBSCRIBING;
        r = sl_calloc(1, sizeof(*r));
        r->s = sl_stream_ref(s);
        r->worker = w->id;
        post(s->owner, r, on_subscribe);
    }
}


int
sl_stream_reader_add(struct sl_stream *s, struct sl_reader *r)
{
    struct sl_worker *w = sl_worker_self();
    struct sl_view   *v = s->views[w->id];

    if (v == NULL && w == s->owner) {
        return SL_ECLOSED;
    }
    if (v != NULL && v->state == VIEW_EOS) {
        return SL_ECLOSED;
    }
    /* Declare the format first, so the owner encodes it from now on (and
     * for the snapshot it sends a new view). */
    atomic_fetch_add(&s->fmt_readers[r->fmt], 1);
    if (v == NULL) {
        struct stream_msg *m = sl_calloc(1, sizeof(*m));

        v = view_new(s, w);
        s->views[w->id] = v;
        m->s = sl_stream_ref(s);
        m->worker = w->id;
        post(s->owner, m, on_subscribe);
    }
    /* A CLOSING view re-subscribes when the owner's acknowledgement
     * arrives (on_unsubscribed). */
    r->view = v;
    r->attached = true;
    r->closing = false;
    r->dropped = 0;
    r->pending_dropped = 0;
    if (r->use_gop && s->opts.gop_cache && v->gop_valid) {
        if (w == s->owner) {
            uint64_t seq;

            for (seq = v->gop_start; seq < v->head; seq++) {
                sl_encode_frame(s, v->ring[seq & v->mask]);
            }
        }
        r->pos = v->gop_start;
        r->wait_key = false;
    } else {
        r->pos = v->head;
        r->wait_key = true;
    }
    r->ack_pos = r->pos;
    sl_list_insert_tail(&v->readers, &r->node);
    v->nreaders++;
    atomic_fetch_add(&s->readers, 1);
    return 0;
}


void
sl_stream_reader_remove(struct sl_reader *r)
{
    struct sl_view *v = r->view;

    if (!r->attached) {
        return;
    }
    r->attached = false;
    r->view = NULL;
    sl_list_remove(&r->node);
    v->nreaders--;
    atomic_fetch_sub(&v->stream->readers, 1);
    atomic_fetch_sub(&v->stream->fmt_readers[r->fmt], 1);
    view_release(v);
    view_maybe_free(v);
}


static void
reader_drop(struct sl_reader *r, uint64_t to)
{
    if (to <= r->pos) {
        return;
    }
    r->dropped += to - r->pos;
    r->pending_dropped += to - r->pos;
    if (r->ack_pos == r->pos) {
        r->ack_pos = to;
    }
    r->pos = to;
}


struct sl_frame *
sl_reader_peek(struct sl_reader *r)
{
    struct sl_view              *v = r->view;
    const struct sl_stream_opts *o;

    if (!r->attached || r->closing) {
        return NULL;
    }
    o = &v->stream->opts;
    if (r->pos < v->tail) {
        reader_drop(r, v->tail);
        r->wait_key = true;
    }
    /* The queue is what is not sent yet: an in-flight write is bounded by
     * the batch size and, when stuck, by writeTimeout. */
    if (r->pos < v->head
        && (v->head - r->pos > o->write_queue_size
            || bytes_from(v, r->pos) > o->write_queue_bytes))
    {
        /* Too slow: drop what is unsent, resume at the latest keyframe. */
        if (v->gop_valid && v->gop_start > r->pos) {
            reader_drop(r, v->gop_start);
            r->wait_key = false;
        } else {
            reader_drop(r, v->head);
            r->wait_key = true;
        }
    }
    while (r->pos < v->head) {
        struct sl_frame *f = v->ring[r->pos & v->mask];

        if (sl_frame_enc_get(f, r->fmt) == NULL
            && r->fmt != v->stream->desc.native_fmt) {
            /* Written before anyone wanted this format: a reader must not
             * start mid-GOP, so it waits for an encoded keyframe. */
            r->wait_key = true;
            if (r->ack_pos == r->pos) {
                r->ack_pos++;
            }
            r->pos++;
            continue;
        }
        if (!r->wait_key) {
            return f;
        }
        if (is_gop_key(v, f)) {
            r->wait_key = false;
            return f;
        }
        /* Waiting for a keyframe: skipping is not dropping. */
        if (r->ack_pos == r->pos) {
            r->ack_pos++;
        }
        r->pos++;
    }
    return NULL;
}


void
sl_reader_advance(struct sl_reader *r)
{
    if (r->attached && r->pos < r->view->head) {
        r->pos++;
    }
}


void
sl_reader_ack(struct sl_reader *r)
{
    if (!r->attached) {
        return;
    }
    /*
     * Frames are released on the next append (or when a reader leaves),
     * not here: a scan of every reader per ack made fan-out quadratic.
     */
    r->ack_pos = r->pos;
}


bool
sl_reader_has_frames(struct sl_reader *r)
{
    return sl_reader_peek(r) != NULL;
}


bool
sl_reader_first_frames(struct sl_reader *r, struct sl_frame **out, size_t n)
{
    struct sl_view *v = r->view;
    uint64_t        seq;
    size_t          i, found = 0;

    for (i = 0; i < n; i++) {
        out[i] = NULL;
    }
    if (sl_reader_peek(r) == NULL) {
        return false;
    }
    for (seq = r->pos; seq < v->head && found < n; seq++) {
        struct sl_frame *f = v->ring[seq & v->mask];

        if (f->track < n && out[f->track] == NULL) {
            out[f->track] = f;
            found++;
        }
    }
    return true;
}


void
sl_stream_worker_tick(struct sl_worker *w, uint64_t now_ns)
{
    struct worker_state *ws = wstate(w);
    struct sl_list      *vi, *vtmp;

    sl_list_for_each_safe(vi, vtmp, &ws->views)
    {
        struct sl_view *v = sl_container_of(vi, struct sl_view, wnode);
        struct sl_list *it, *tmp;
        uint64_t        timeout = v->stream->opts.write_timeout_ns;

        v->busy++;
        sl_list_for_each_safe(it, tmp, &v->readers)
        {
            struct sl_reader *r = sl_container_of(it, struct sl_reader, node);

            if (r->pending_dropped > 0 && r->log != NULL) {
                sl_log_warn(r->log,
                            "reader is too slow, discarding %llu frames",
                            (unsigned long long)r->pending_dropped);
                r->pending_dropped = 0;
            }
            if (r->closing || timeout == 0 || r->ack_pos >= v->head
                || r->ack_pos < v->tail) {
                continue;
            }
            if (now_ns - v->ring[r->ack_pos & v->mask]->recv_ns > timeout) {
                r->closing = true;
                r->on_close(r, SL_ETIMEOUT);
            }
        }
        v->busy--;
        view_maybe_free(v);
    }
}


const char *
sl_stream_tracks_label(const struct sl_stream_desc *d, char *buf, size_t size)
{
    size_t i, n = 0;
    int    r;

    buf[0] = '\0';
    r = sl_snprintf(buf, size, "%zu track%s (", d->ntracks,
                    d->ntracks == 1 ? "" : "s");
    if (r < 0) {
        return buf;
    }
    n = (size_t)r;
    for (i = 0; i < d->ntracks && n < size; i++) {
        r = sl_snprintf(buf + n, size - n, "%s%s", i > 0 ? ", " : "",
                        sl_codec_label(d->tracks[i].codec));
        if (r < 0) {
            return buf;
        }
        n += (size_t)r;
    }
    if (n < size) {
        sl_snprintf(buf + n, size - n, ")");
    }
    return buf;
}
