/*
 * Tests of net/worker: every message posted from other threads is
 * delivered, in order per producer, without a later post to wake the loop,
 * and the byte cap refuses messages.  (The lost wake-up fixed in
 * sl_worker_post left the last message of a burst in the inbox; its window
 * is a few instructions wide, so this test exercises the path but cannot
 * reproduce that race on demand.)
 */
#include "net/worker.h"
#include "base/alloc.h"
#include "base/time.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <unistd.h>


#define PRODUCERS 3
#define PER_ROUND 2000
#define ROUNDS    30


struct counted {
    struct sl_msg msg;
    int           producer;
    int           seq;
};

static struct sl_worker consumer;
static atomic_int       received;
static int              last_seq[PRODUCERS];
static atomic_int       out_of_order;


static void
on_counted(struct sl_worker *w, struct sl_msg *m)
{
    struct counted *c = (struct counted *)m;

    (void)w;
    if (c->seq != last_seq[c->producer] + 1) {
        atomic_fetch_add(&out_of_order, 1);
    }
    last_seq[c->producer] = c->seq;
    sl_free(c);
    atomic_fetch_add(&received, 1);
}


static void *
producer(void *arg)
{
    /* Each producer id continues its sequence across rounds (rounds are
     * ordered by pthread_join). */
    static int seq_next[PRODUCERS];
    int        id = (int)(intptr_t)arg, i;

    for (i = 0; i < PER_ROUND; i++) {
        struct counted *c = sl_calloc(1, sizeof(*c));

        c->msg.fn = on_counted;
        c->producer = id;
        c->seq = ++seq_next[id];
        sl_worker_post(&consumer, &c->msg);
    }
    return NULL;
}


static void
test_every_message_is_delivered_without_a_later_wakeup(void **state)
{
    int round, i;

    (void)state;
    assert_int_equal(sl_worker_init(&consumer, 0, false, 1u << 26), 0);
    assert_int_equal(sl_worker_start(&consumer), 0);
    for (round = 0; round < ROUNDS; round++) {
        pthread_t t[PRODUCERS];
        int       expect = (round + 1) * PRODUCERS * PER_ROUND;
        uint64_t  deadline;

        for (i = 0; i < PRODUCERS; i++) {
            pthread_create(&t[i], NULL, producer, (void *)(intptr_t)i);
        }
        for (i = 0; i < PRODUCERS; i++) {
            pthread_join(t[i], NULL);
        }
        /* No further post: the loop must drain on its own. */
        deadline = sl_now_ns() + 5 * SL_NS_PER_SEC;
        while (atomic_load(&received) < expect && sl_now_ns() < deadline) {
            usleep(100);
        }
        assert_int_equal(atomic_load(&received), expect);
    }
    assert_int_equal(atomic_load(&out_of_order), 0);
    sl_worker_stop(&consumer);
    sl_worker_close(&consumer);
}


static void
on_noop(struct sl_worker *w, struct sl_msg *m)
{
    (void)w;
    sl_free(m);
}


static void
test_byte_cap_refuses_and_counts(void **state)
{
    struct sl_worker w;
    struct sl_msg   *a = sl_calloc(1, sizeof(*a));
    struct sl_msg   *b = sl_calloc(1, sizeof(*b));
    struct sl_msg   *ctl = sl_calloc(1, sizeof(*ctl));

    (void)state;
    assert_int_equal(sl_worker_init(&w, 0, false, 1000), 0);
    a->fn = b->fn = ctl->fn = on_noop;
    a->bytes = 600;
    b->bytes = 600;
    assert_true(sl_worker_post(&w, a));
    assert_false(sl_worker_post(&w, b)); /* over the cap: caller keeps it */
    assert_int_equal(atomic_load(&w.refused), 1);
    assert_true(sl_worker_post(&w, ctl)); /* control messages always pass */
    sl_worker_set_self(&w);
    sl_worker_drain(&w);
    assert_int_equal(atomic_load(&w.queued_bytes), 0);
    sl_worker_set_self(NULL);
    sl_free(b);
    uv_close((uv_handle_t *)&w.async, NULL);
    uv_run(&w.loop, UV_RUN_DEFAULT);
    sl_worker_close(&w);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_every_message_is_delivered_without_a_later_wakeup),
        cmocka_unit_test(test_byte_cap_refuses_and_counts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
