/*
 * Fan-out across real worker threads: a stream owned by worker 0, readers
 * on workers 0 and 1 joining while frames flow, every reader must see a
 * contiguous run of frames from its first keyframe on (no gap, no
 * duplicate, no reordering), and the stream must end cleanly on both.
 */
#include "core/stream.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/time.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>


#define FRAMES  3000
#define GOP     30
#define READERS 4


struct rd {
    struct sl_reader r;
    uint32_t         first;
    uint32_t         next;
    uint32_t         count;
    bool             bad;
    atomic_int       closed;
};

static struct sl_worker  workers[2];
static struct sl_worker *wlist[2] = {&workers[0], &workers[1]};
static struct sl_stream *stream;
static struct rd         readers[READERS];
static atomic_int        written;


static void
on_frames(struct sl_reader *r)
{
    struct rd       *d = (struct rd *)r;
    struct sl_frame *f;

    while ((f = sl_reader_peek(r)) != NULL) {
        uint32_t n;

        memcpy(&n, sl_frame_data(f), sizeof(n));
        if (d->count == 0) {
            d->first = n;
            if (n % GOP != 0) {
                d->bad = true; /* must start on a keyframe */
            }
        } else if (n != d->next) {
            d->bad = true;
        }
        d->next = n + 1;
        d->count++;
        sl_reader_advance(r);
    }
    sl_reader_ack(r);
}


static void
on_close(struct sl_reader *r, int reason)
{
    struct rd *d = (struct rd *)r;

    if (reason == SL_ECLOSED) {
        atomic_store(&d->closed, 1);
    }
    sl_stream_reader_remove(r);
}


static void
add_reader(struct sl_worker *w, void *arg)
{
    struct rd *d = arg;

    (void)w;
    d->r.on_frames = on_frames;
    d->r.on_close = on_close;
    d->r.use_gop = (d - readers) % 2 == 0;
    assert_int_equal(sl_stream_reader_add(stream, &d->r), 0);
}


static void
write_some(struct sl_worker *w, void *arg)
{
    int i;

    (void)w;
    (void)arg;
    for (i = 0; i < 100; i++) {
        uint32_t         n = (uint32_t)atomic_fetch_add(&written, 1);
        struct sl_frame *f =
            sl_frame_new(0, sl_buf_new_copy(&n, sizeof(n)), 0, sizeof(n));

        f->flags = n % GOP == 0 ? SL_FRAME_KEY : 0;
        sl_stream_write(stream, f);
    }
}


static void
close_stream(struct sl_worker *w, void *arg)
{
    (void)w;
    (void)arg;
    sl_stream_close(stream);
}


static void
test_fanout_across_two_worker_threads(void **state)
{
    struct sl_stream_desc d;
    struct sl_stream_opts o = {
        .write_queue_size = 4096,
        .write_queue_bytes = 1u << 26,
        .gop_cache = true,
        .gop_max_frames = 256,
        .gop_max_bytes = 1u << 24,
    };
    int i;

    (void)state;
    for (i = 0; i < 2; i++) {
        assert_int_equal(sl_worker_init(&workers[i], i, false, 1u << 26), 0);
        sl_stream_worker_init(&workers[i]);
    }
    sl_stream_set_workers(wlist, 2);
    memset(&d, 0, sizeof(d));
    d.ntracks = 1;
    d.tracks[0].is_video = true;
    d.key_track = 0;
    d.native_fmt = SL_FMT_RTP;
    stream = sl_stream_new(&workers[0], "fanout", &d, &o);
    for (i = 0; i < 2; i++) {
        assert_int_equal(sl_worker_start(&workers[i]), 0);
    }
    /* Readers join at different moments while frames flow. */
    for (i = 0; i < FRAMES / 100; i++) {
        if (i < READERS) {
            sl_worker_call(&workers[i % 2], add_reader, &readers[i]);
        }
        sl_worker_call(&workers[0], write_some, NULL);
        usleep(1000);
    }
    sl_worker_call(&workers[0], close_stream, NULL);
    for (i = 0; i < 2000; i++) {
        int closed = 0, k;

        for (k = 0; k < READERS; k++) {
            closed += atomic_load(&readers[k].closed);
        }
        if (closed == READERS) {
            break;
        }
        usleep(1000);
    }
    for (i = 0; i < 2; i++) {
        sl_worker_stop(&workers[i]);
    }
    for (i = 0; i < READERS; i++) {
        assert_false(readers[i].bad);
        assert_int_equal(atomic_load(&readers[i].closed), 1);
        assert_true(readers[i].count > 100);
        /* Contiguous to the very last frame written. */
        assert_int_equal(readers[i].next, FRAMES);
        assert_int_equal(readers[i].r.dropped, 0);
    }
    for (i = 0; i < 2; i++) {
        sl_worker_close(&workers[i]);
        sl_stream_worker_close(&workers[i]);
    }
    sl_stream_unref(&stream);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fanout_across_two_worker_threads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
