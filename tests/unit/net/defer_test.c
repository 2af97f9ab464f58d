/*
 * Tests of net/defer: entries run once, in the order queued, no earlier
 * than the delay after they were queued; queueing twice runs once; a
 * cancelled entry never runs; an entry may queue itself again from its
 * own run (it then runs one delay later, not in the same walk).
 */
#include "net/defer.h"
#include "base/time.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>


#define DELAY_MS 15

struct item {
    struct sl_defer        d;
    struct sl_defer_queue *dq;
    uint64_t               queued_ms;
    int                    runs;
    int                    requeue; /* times to queue itself again */
    int                    idx;
};

static int order[16];
static int norder;


static void
run(struct sl_defer *d)
{
    struct item *it = sl_container_of(d, struct item, d);
    uint64_t     now = uv_now(it->dq->timer.loop);

    assert_true(now >= it->queued_ms + DELAY_MS);
    it->runs++;
    if (norder < 16) {
        order[norder++] = it->idx;
    }
    if (it->requeue > 0) {
        it->requeue--;
        it->queued_ms = now;
        sl_defer_add(it->dq, &it->d);
    }
}


static void
add(struct item *it, struct sl_defer_queue *dq)
{
    it->dq = dq;
    it->queued_ms = uv_now(dq->timer.loop);
    sl_defer_add(dq, &it->d);
}


static void
on_later(uv_timer_t *t)
{
    struct item *items = t->data;

    add(&items[2], items[0].dq);
    add(&items[2], items[0].dq); /* already queued: no-op */
}


static void
test_order_once_cancel_requeue(void **state)
{
    uv_loop_t             loop;
    uv_timer_t            later;
    struct sl_defer_queue dq;
    struct item           items[4] = {0};
    int                   i;

    (void)state;
    assert_int_equal(uv_loop_init(&loop), 0);
    assert_int_equal(sl_defer_queue_init(&dq, &loop, DELAY_MS), 0);
    for (i = 0; i < 4; i++) {
        sl_defer_init(&items[i].d, run);
        items[i].dq = &dq;
        items[i].idx = i;
    }
    items[1].requeue = 2;
    add(&items[0], &dq);
    add(&items[1], &dq);
    add(&items[3], &dq);
    sl_defer_cancel(&items[3].d);
    sl_defer_cancel(&items[3].d); /* idle: no-op */
    uv_timer_init(&loop, &later);
    later.data = items;
    uv_timer_start(&later, on_later, 5, 0);
    uv_run(&loop, UV_RUN_DEFAULT); /* returns when nothing is queued */

    assert_int_equal(items[0].runs, 1);
    assert_int_equal(items[1].runs, 3);
    assert_int_equal(items[2].runs, 1);
    assert_int_equal(items[3].runs, 0);
    assert_false(items[1].d.queued);
    /* Deadline order: 0 and 1 at 15 ms, 2 at 20, then 1 at 30 and 45. */
    assert_int_equal(norder, 5);
    assert_int_equal(order[0], 0);
    assert_int_equal(order[1], 1);
    assert_int_equal(order[2], 2);
    assert_int_equal(order[3], 1);
    assert_int_equal(order[4], 1);
    uv_close((uv_handle_t *)&dq.timer, NULL);
    uv_close((uv_handle_t *)&later, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_once_cancel_requeue),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
