/* Sluice: event-loop threads with bounded MPSC inboxes. */
#include "net/worker.h"
#include "base/alloc.h"

#include <string.h>


struct call_msg {
    struct sl_msg msg;
    sl_call_fn   *fn;
    void         *arg;
};


static void           on_async(uv_async_t *a);
static struct sl_msg *inbox_pop(struct sl_worker *w);
static void           inbox_push(struct sl_worker *w, struct sl_msg *m);
static void           thread_main(void *arg);
static void           close_walk(uv_handle_t *h, void *arg);
static void           on_stop_msg(struct sl_worker *w, struct sl_msg *m);
static void           on_call_msg(struct sl_worker *w, struct sl_msg *m);


static _Thread_local struct sl_worker *self;


int
sl_worker_init(struct sl_worker *w, int id, bool is_control, size_t max_bytes)
{
    int rc;

    memset(w, 0, sizeof(*w));
    w->id = id;
    w->is_control = is_control;
    w->max_bytes = max_bytes;
    rc = uv_loop_init(&w->loop);
    if (rc < 0) {
        return rc;
    }
    w->loop.data = w;
    rc = uv_async_init(&w->loop, &w->async, on_async);
    if (rc < 0) {
        uv_loop_close(&w->loop);
        return rc;
    }
    w->async.data = w;
    /* Media workers only: the control loop closes its handles one by one
     * at shutdown and has no connections to flush. */
    rc = is_control ? 0 : sl_defer_queue_init(&w->flush, &w->loop, 0);
    if (rc < 0) {
        uv_close((uv_handle_t *)&w->async, NULL);
        uv_run(&w->loop, UV_RUN_NOWAIT);
        uv_loop_close(&w->loop);
        return rc;
    }
    atomic_init(&w->stub.next, NULL);
    atomic_init(&w->head, &w->stub);
    w->tail = &w->stub;
    atomic_init(&w->queued_bytes, 0);
    atomic_init(&w->refused, 0);
    atomic_init(&w->conns, 0);
    sl_hmap_init(&w->handles);
    w->next_handle = 1;
    if (is_control) {
        sl_log_init(&w->log, NULL, "[control]");
    } else {
        sl_log_init(&w->log, NULL, "[worker %d]", id);
    }
    return 0;
}


static void
inbox_push(struct sl_worker *w, struct sl_msg *m)
{
    struct sl_msg *prev;

    atomic_store_explicit(&m->next, NULL, memory_order_relaxed);
    prev = atomic_exchange_explicit(&w->head, m, memory_order_acq_rel);
    atomic_store_explicit(&prev->next, m, memory_order_release);
}


/* Vyukov's MPSC pop: NULL when empty or when a push is half done. */
static struct sl_msg *
inbox_pop(struct sl_worker *w)
{
    struct sl_msg *tail = w->tail;
    struct sl_msg *next =
        atomic_load_explicit(&tail->next, memory_order_acquire);

    if (tail == &w->stub) {
        if (next == NULL) {
            return NULL;
        }
        w->tail = next;
        tail = next;
        next = atomic_load_explicit(&next->next, memory_order_acquire);
    }
    if (next != NULL) {
        w->tail = next;
        return tail;
    }
    if (tail != atomic_load_explicit(&w->head, memory_order_acquire)) {
        return NULL;
    }
    inbox_push(w, &w->stub);
    next = atomic_load_explicit(&tail->next, memory_order_acquire);
    if (next != NULL) {
        w->tail = next;
        return tail;
    }
    return NULL;
}


bool
sl_worker_post(struct sl_worker *w, struct sl_msg *m)
{
    if (m->bytes > 0) {
        size_t q = atomic_fetch_add_explicit(&w->queued_bytes, m->bytes,
                                             memory_order_relaxed);

        if (q + m->bytes > w->max_bytes) {
            atomic_fetch_sub_explicit(&w->queued_bytes, m->bytes,
                                      memory_order_relaxed);
            atomic_fetch_add_explicit(&w->refused, 1, memory_order_relaxed);
            return false;
        }
    }
    inbox_push(w, m);
    /*
     * uv_async_send skips the wake-up when it reads 'pending' as set; that
     * read must not be reordered before the link above becomes visible
     * (x86 store buffers allow it), or the loop may reset 'pending', find
     * the half-linked queue empty and never look again: a lost message.
     */
    atomic_thread_fence(memory_order_seq_cst);
    uv_async_send(&w->async);
    return true;
}


static void
on_async(uv_async_t *a)
{
    struct sl_worker *w = a->data;
    struct sl_msg    *m;
    int               budget = 4096;

    while (budget-- > 0 && (m = inbox_pop(w)) != NULL) {
        if (m->bytes > 0) {
            atomic_fetch_sub_explicit(&w->queued_bytes, m->bytes,
                                      memory_order_relaxed);
        }
        m->fn(w, m);
    }
    if (budget <= 0) {
        /* Yield to I/O; come back for the rest on the next iteration. */
        uv_async_send(&w->async);
    }
}


static void
thread_main(void *arg)
{
    struct sl_worker *w = arg;

    sl_worker_run_here(w);
}


int
sl_worker_start(struct sl_worker *w)
{
    w->running = true;
    return uv_thread_create(&w->thread, thread_main, w);
}


void
sl_worker_run_here(struct sl_worker *w)
{
    self = w;
    uv_run(&w->loop, UV_RUN_DEFAULT);
    /* Drain whatever is still queued so nothing leaks. */
    on_async(&w->async);
    self = NULL;
}


static void
close_walk(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h)) {
        uv_close(h, NULL);
    }
}


static void
on_stop_msg(struct sl_worker *w, struct sl_msg *m)
{
    sl_free(m);
    /* Handles with close callbacks registered by their owners are closed by
     * those owners during shutdown; anything left is closed here. */
    uv_walk(&w->loop, close_walk, NULL);
}


void
sl_worker_stop(struct sl_worker *w)
{
    struct sl_msg *m = sl_calloc(1, sizeof(*m));

    m->fn = on_stop_msg;
    sl_worker_post(w, m);
    if (w->running) {
        uv_thread_join(&w->thread);
        w->running = false;
    }
}


void
sl_worker_close(struct sl_worker *w)
{
    struct sl_msg *m;

    while ((m = inbox_pop(w)) != NULL) {
        m->fn(w, m);
    }
    uv_loop_close(&w->loop);
    sl_hmap_free(&w->handles);
}


struct sl_worker *
sl_worker_self(void)
{
    return self;
}


void
sl_worker_set_self(struct sl_worker *w)
{
    self = w;
}


void
sl_worker_drain(struct sl_worker *w)
{
    on_async(&w->async);
}


uint64_t
sl_worker_handle_add(struct sl_worker *w, void *p)
{
    uint64_t id = ((uint64_t)(w->id + 1) << 48) | w->next_handle++;

    sl_hmap_put(&w->handles, id, p);
    return id;
}


void *
sl_worker_handle_get(struct sl_worker *w, uint64_t id)
{
    return sl_hmap_get(&w->handles, id);
}


void
sl_worker_handle_del(struct sl_worker *w, uint64_t id)
{
    sl_hmap_del(&w->handles, id);
}


static void
on_call_msg(struct sl_worker *w, struct sl_msg *m)
{
    struct call_msg *c = (struct call_msg *)m;
    sl_call_fn      *fn = c->fn;
    void            *arg = c->arg;

    sl_free(c);
    fn(w, arg);
}


void
sl_worker_call(struct sl_worker *w, sl_call_fn *fn, void *arg)
{
    struct call_msg *c = sl_calloc(1, sizeof(*c));

    c->msg.fn = on_call_msg;
    c->fn = fn;
    c->arg = arg;
    sl_worker_post(w, &c->msg);
}
