/*
 * Deferred runs on a worker's loop, all after one common delay.
 *
 * Connections use it to merge writes: the first frame that becomes ready
 * for an idle reader queues the reader's entry, and when the delay has
 * passed the reader sends everything that arrived meanwhile in one write
 * (writeMergeWindow).  With one delay per queue the entries are in deadline
 * order, so a queue needs one timer for any number of connections: no
 * timer per connection and no timer-heap operation per frame and reader.
 *
 * Owner-thread only (the loop's), like every handle.  An entry is embedded
 * in its owner and is either idle or queued; queueing a queued entry does
 * nothing.  The queue's timer is closed with the loop's other handles.
 */
#ifndef SL_NET_DEFER_H
#define SL_NET_DEFER_H

#include "base/list.h"

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>


struct sl_defer;
typedef void sl_defer_fn(struct sl_defer *d);

struct sl_defer {
    struct sl_list node; /* in the queue while queued */
    uint64_t       due;  /* loop time (ms) */
    sl_defer_fn   *fn;
    bool           queued;
};

struct sl_defer_queue {
    uv_timer_t     timer;
    struct sl_list q;
    uint64_t       delay_ms;
};


/* Sets up the queue's timer on loop (delay may be changed before use). */
int  sl_defer_queue_init(struct sl_defer_queue *dq, uv_loop_t *loop,
                         uint64_t delay_ms);
void sl_defer_init(struct sl_defer *d, sl_defer_fn *fn);
/* Runs d->fn once, delay_ms from now; no-op when d is already queued. */
void sl_defer_add(struct sl_defer_queue *dq, struct sl_defer *d);
/* Unqueues d (no-op when idle): before its owner goes away. */
void sl_defer_cancel(struct sl_defer *d);


#endif /* SL_NET_DEFER_H */
