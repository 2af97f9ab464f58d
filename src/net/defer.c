/* Sluice: deferred runs after one common delay, one timer per queue. */
#include "net/defer.h"


static void on_timer(uv_timer_t *t);


int
sl_defer_queue_init(struct sl_defer_queue *dq, uv_loop_t *loop,
                    uint64_t delay_ms)
{
    sl_list_init(&dq->q);
    dq->delay_ms = delay_ms;
    dq->timer.data = dq;
    return uv_timer_init(loop, &dq->timer);
}


void
sl_defer_init(struct sl_defer *d, sl_defer_fn *fn)
{
    sl_list_init(&d->node);
    d->fn = fn;
    d->queued = false;
}


void
sl_defer_add(struct sl_defer_queue *dq, struct sl_defer *d)
{
    if (d->queued) {
        return;
    }
    d->queued = true;
    d->due = uv_now(dq->timer.loop) + dq->delay_ms;
    sl_list_insert_tail(&dq->q, &d->node);
    if (!uv_is_active((uv_handle_t *)&dq->timer)) {
        uv_timer_start(&dq->timer, on_timer, dq->delay_ms, 0);
    }
}


void
sl_defer_cancel(struct sl_defer *d)
{
    if (d->queued) {
        sl_list_remove(&d->node);
        d->queued = false;
    }
}


static void
on_timer(uv_timer_t *t)
{
    struct sl_defer_queue *dq = t->data;
    uint64_t               now = uv_now(t->loop);

    /* Entries run may queue themselves or others again: always look at
     * the head afresh; re-queued entries are due later and stop the walk. */
    while (!sl_list_empty(&dq->q)) {
        struct sl_defer *d = sl_container_of(dq->q.next, struct sl_defer, node);

        if (d->due > now) {
            uv_timer_start(t, on_timer, d->due - now, 0);
            return;
        }
        sl_list_remove(&d->node);
        d->queued = false;
        d->fn(d);
    }
}
