/*
 * Tests of core/stream: GOP cache, keyframe wait, bounded readers and drop
 * policy, write timeout, and fan-out across two workers.  The workers'
 * loops are not run: the test plays each worker in turn (sl_worker_set_self)
 * and delivers their inbox messages by hand (sl_worker_drain), so every
 * interleaving is deterministic.
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
#include <string.h>


struct fixture {
    struct sl_worker  w[2];
    struct sl_worker *ws[2];
    struct sl_stream *s;
};

struct rd {
    struct sl_reader r;
    int              notified;
    int              closed;
    int              reason;
};


static struct sl_stream_opts default_opts = {
    .write_queue_size = 8,
    .write_queue_bytes = 1u << 20,
    .write_timeout_ns = 2 * SL_NS_PER_SEC,
    .gop_cache = true,
    .gop_max_frames = 64,
    .gop_max_bytes = 1u << 20,
};


static int
setup(void **state)
{
    struct fixture       *fx = sl_calloc(1, sizeof(*fx));
    struct sl_stream_desc d;
    int                   i;

    for (i = 0; i < 2; i++) {
        assert_int_equal(sl_worker_init(&fx->w[i], i, false, 1u << 20), 0);
        sl_stream_worker_init(&fx->w[i]);
        fx->ws[i] = &fx->w[i];
    }
    sl_stream_set_workers(fx->ws, 2);
    memset(&d, 0, sizeof(d));
    d.ntracks = 2;
    d.tracks[0].is_video = true;
    d.key_track = 0;
    d.native_fmt = SL_FMT_RTP;
    sl_worker_set_self(&fx->w[0]);
    fx->s = sl_stream_new(&fx->w[0], "test", &d, &default_opts);
    *state = fx;
    return 0;
}


static int
teardown(void **state)
{
    struct fixture *fx = *state;
    int             i;

    sl_worker_set_self(&fx->w[0]);
    sl_stream_close(fx->s);
    for (i = 0; i < 4; i++) {
        sl_worker_set_self(&fx->w[1]);
        sl_worker_drain(&fx->w[1]);
        sl_worker_set_self(&fx->w[0]);
        sl_worker_drain(&fx->w[0]);
    }
    sl_stream_unref(&fx->s);
    for (i = 0; i < 2; i++) {
        uv_close((uv_handle_t *)&fx->w[i].async, NULL);
        uv_run(&fx->w[i].loop, UV_RUN_DEFAULT);
        sl_worker_close(&fx->w[i]);
        sl_stream_worker_close(&fx->w[i]);
    }
    sl_worker_set_self(NULL);
    sl_free(fx);
    return 0;
}


/* Frame number n of track tr; the payload is its number, for checking. */
static void
write_frame(struct fixture *fx, int track, uint32_t n, bool key)
{
    struct sl_buf   *b = sl_buf_new_copy(&n, sizeof(n));
    struct sl_frame *f = sl_frame_new((uint8_t)track, b, 0, sizeof(n));

    f->pts = n;
    f->flags = key ? SL_FRAME_KEY : 0;
    f->recv_ns = sl_now_ns();
    sl_worker_set_self(&fx->w[0]);
    sl_stream_write(fx->s, f);
}


static uint32_t
frame_no(const struct sl_frame *f)
{
    uint32_t n;

    memcpy(&n, sl_frame_data(f), sizeof(n));
    return n;
}


static void
on_frames(struct sl_reader *r)
{
    ((struct rd *)r)->notified++;
}


static void
on_close(struct sl_reader *r, int reason)
{
    struct rd *d = (struct rd *)r;

    d->closed++;
    d->reason = reason;
    sl_stream_reader_remove(r);
}


static void
reader_init(struct rd *d, bool gop)
{
    memset(d, 0, sizeof(*d));
    d->r.on_frames = on_frames;
    d->r.on_close = on_close;
    d->r.use_gop = gop;
    d->r.fmt = SL_FMT_RTP;
}


/* Reads everything available, acknowledging as a completed write would. */
static int
read_all(struct rd *d, uint32_t *out, int max)
{
    int              n = 0;
    struct sl_frame *f;

    while (n < max && (f = sl_reader_peek(&d->r)) != NULL) {
        out[n++] = frame_no(f);
        sl_reader_advance(&d->r);
    }
    sl_reader_ack(&d->r);
    return n;
}


static void
test_reader_with_gop_starts_at_last_keyframe(void **state)
{
    struct fixture *fx = *state;
    struct rd       d;
    uint32_t        got[16];

    write_frame(fx, 0, 0, true);
    write_frame(fx, 0, 1, false);
    write_frame(fx, 0, 2, true);
    write_frame(fx, 1, 3, true); /* audio */
    write_frame(fx, 0, 4, false);
    reader_init(&d, true);
    assert_int_equal(sl_stream_reader_add(fx->s, &d.r), 0);
    assert_int_equal(read_all(&d, got, 16), 3);
    assert_int_equal(got[0], 2);
    assert_int_equal(got[1], 3);
    assert_int_equal(got[2], 4);
    sl_stream_reader_remove(&d.r);
}


static void
test_reader_without_gop_waits_for_next_keyframe(void **state)
{
    struct fixture *fx = *state;
    struct rd       d;
    uint32_t        got[16];

    write_frame(fx, 0, 0, true);
    write_frame(fx, 0, 1, false);
    reader_init(&d, false);
    assert_int_equal(sl_stream_reader_add(fx->s, &d.r), 0);
    assert_int_equal(read_all(&d, got, 16), 0);
    write_frame(fx, 1, 2, true); /* audio before the keyframe is skipped */
    write_frame(fx, 0, 3, false);
    assert_int_equal(read_all(&d, got, 16), 0);
    write_frame(fx, 0, 4, true);
    write_frame(fx, 1, 5, true);
    assert_int_equal(read_all(&d, got, 16), 2);
    assert_int_equal(got[0], 4);
    assert_int_equal(got[1], 5);
    assert_int_equal(d.r.dropped, 0);
    sl_stream_reader_remove(&d.r);
}


static void
test_slow_reader_drops_and_resumes_at_keyframe(void **state)
{
    struct fixture *fx = *state;
    struct rd       d;
    uint32_t        got[64];
    uint32_t        i;
    int             n;

    write_frame(fx, 0, 0, true);
    reader_init(&d, true);
    assert_int_equal(sl_stream_reader_add(fx->s, &d.r), 0);
    /* 20 frames, keyframes at 0 and 14; queue cap is 8 frames. */
    for (i = 1; i < 20; i++) {
        write_frame(fx, 0, i, i == 14);
    }
    n = read_all(&d, got, 64);
    assert_int_equal(got[0], 14);
    assert_int_equal(n, 6);
    assert_int_equal(d.r.dropped, 14);
    /* Healthy from now on: nothing more is dropped. */
    for (i = 20; i < 30; i++) {
        write_frame(fx, 0, i, false);
        assert_int_equal(read_all(&d, got, 64), 1);
        assert_int_equal(got[0], i);
    }
    assert_int_equal(d.r.dropped, 14);
    sl_stream_reader_remove(&d.r);
}


static void
test_in_flight_frames_time_out(void **state)
{
    struct fixture *fx = *state;
    struct rd       d;

    write_frame(fx, 0, 0, true);
    reader_init(&d, true);
    assert_int_equal(sl_stream_reader_add(fx->s, &d.r), 0);
    assert_non_null(sl_reader_peek(&d.r));
    sl_reader_advance(&d.r); /* in flight, never acknowledged */
    sl_stream_worker_tick(&fx->w[0], sl_now_ns());
    assert_int_equal(d.closed, 0);
    sl_stream_worker_tick(&fx->w[0], sl_now_ns() + 3 * SL_NS_PER_SEC);
    assert_int_equal(d.closed, 1);
    assert_int_equal(d.reason, SL_ETIMEOUT);
}


static void
test_cross_worker_join_has_no_gap_and_no_duplicate(void **state)
{
    struct fixture *fx = *state;
    struct rd       d;
    uint32_t        got[16];
    int             n;

    write_frame(fx, 0, 0, true);
    write_frame(fx, 0, 1, false);
    write_frame(fx, 0, 2, false);
    /* A reader on worker 1 asks the owner (worker 0) to subscribe. */
    sl_worker_set_self(&fx->w[1]);
    reader_init(&d, true);
    assert_int_equal(sl_stream_reader_add(fx->s, &d.r), 0);
    /* A frame written before the owner sees the request... */
    write_frame(fx, 0, 3, false);
    /* ...is part of the snapshot; later ones follow as messages. */
    sl_worker_drain(&fx->w[0]);
    write_frame(fx, 0, 4, false);
    write_frame(fx, 1, 5, true);
    sl_worker_set_self(&fx->w[1]);
    sl_worker_drain(&fx->w[1]);
    n = read_all(&d, got, 16);
    assert_int_equal(n, 6);
    for (int i = 0; i < n; i++) {
        assert_int_equal(got[i], (uint32_t)i);
    }
    assert_true(d.notified > 0);
    /* Leaving unsubscribes the worker and frees its view. */
    sl_stream_reader_remove(&d.r);
    sl_worker_set_self(&fx->w[0]);
    sl_worker_drain(&fx->w[0]);
    assert_false(fx->s->subscribed[1]);
    sl_worker_set_self(&fx->w[1]);
    sl_worker_drain(&fx->w[1]);
    assert_null(fx->s->views[1]);
}


static void
test_remote_reader_without_gop_waits_for_keyframe(void **state)
{
    struct fixture *fx = *state;
    struct rd       d;
    uint32_t        got[16];

    write_frame(fx, 0, 0, true);
    write_frame(fx, 0, 1, false);
    sl_worker_set_self(&fx->w[1]);
    reader_init(&d, false);
    assert_int_equal(sl_stream_reader_add(fx->s, &d.r), 0);
    sl_worker_drain(&fx->w[0]);
    write_frame(fx, 0, 2, false);
    write_frame(fx, 0, 3, true);
    sl_worker_set_self(&fx->w[1]);
    sl_worker_drain(&fx->w[1]);
    assert_int_equal(read_all(&d, got, 16), 1);
    assert_int_equal(got[0], 3);
    sl_stream_reader_remove(&d.r);
}


static void
test_end_of_stream_closes_readers_on_every_worker(void **state)
{
    struct fixture *fx = *state;
    struct rd       local, remote;

    write_frame(fx, 0, 0, true);
    sl_worker_set_self(&fx->w[0]);
    reader_init(&local, true);
    assert_int_equal(sl_stream_reader_add(fx->s, &local.r), 0);
    sl_worker_set_self(&fx->w[1]);
    reader_init(&remote, true);
    assert_int_equal(sl_stream_reader_add(fx->s, &remote.r), 0);
    sl_worker_drain(&fx->w[0]);
    sl_worker_set_self(&fx->w[0]);
    sl_stream_close(fx->s);
    assert_int_equal(local.closed, 1);
    assert_int_equal(local.reason, SL_ECLOSED);
    sl_worker_set_self(&fx->w[1]);
    sl_worker_drain(&fx->w[1]);
    assert_int_equal(remote.closed, 1);
    assert_int_equal(remote.reason, SL_ECLOSED);
    assert_null(fx->s->views[1]);
    /* A reader arriving after the end is refused. */
    reader_init(&remote, true);
    sl_worker_set_self(&fx->w[0]);
    assert_int_equal(sl_stream_reader_add(fx->s, &remote.r), SL_ECLOSED);
}


static void
test_full_inbox_makes_remote_readers_resync_at_keyframe(void **state)
{
    struct fixture *fx = *state;
    struct rd       d;
    uint32_t        got[16];
    size_t          cap = fx->w[1].max_bytes;

    write_frame(fx, 0, 0, true);
    sl_worker_set_self(&fx->w[1]);
    reader_init(&d, true);
    assert_int_equal(sl_stream_reader_add(fx->s, &d.r), 0);
    sl_worker_drain(&fx->w[0]);
    sl_worker_set_self(&fx->w[1]);
    sl_worker_drain(&fx->w[1]);
    assert_int_equal(read_all(&d, got, 16), 1);
    fx->w[1].max_bytes = 0; /* refuse everything */
    write_frame(fx, 0, 1, false);
    fx->w[1].max_bytes = cap;
    write_frame(fx, 0, 2, false); /* after a gap: not delivered */
    write_frame(fx, 0, 3, true);
    sl_worker_set_self(&fx->w[1]);
    sl_worker_drain(&fx->w[1]);
    assert_int_equal(read_all(&d, got, 16), 1);
    assert_int_equal(got[0], 3);
    sl_stream_reader_remove(&d.r);
}


static void
test_gop_cache_is_bounded(void **state)
{
    struct fixture *fx = *state;
    struct rd       d;
    uint32_t        got[128];
    uint32_t        i;

    write_frame(fx, 0, 0, true);
    for (i = 1; i < 100; i++) { /* longer than gop_max_frames (64) */
        write_frame(fx, 0, i, false);
    }
    reader_init(&d, true);
    assert_int_equal(sl_stream_reader_add(fx->s, &d.r), 0);
    assert_int_equal(read_all(&d, got, 128), 0); /* waits for a key */
    write_frame(fx, 0, 100, true);
    assert_int_equal(read_all(&d, got, 128), 1);
    assert_int_equal(got[0], 100);
    sl_stream_reader_remove(&d.r);
}


static void
test_parameter_sets_change_only_when_different(void **state)
{
    struct fixture        *fx = *state;
    struct sl_track_params p;
    static const uint8_t   sps[] = {0x67, 0x42, 0xc0, 0x0d};
    static const uint8_t   sps2[] = {0x67, 0x42, 0xc0, 0x1e};
    static const uint8_t   pps[] = {0x68, 0xce, 0x0f, 0xc8};
    uint8_t                big[SL_PARAM_MAX + 1] = {0};

    assert_true(sl_stream_set_params(fx->s, 0, NULL, 0, sps, sizeof(sps), pps,
                                     sizeof(pps)));
    assert_false(sl_stream_set_params(fx->s, 0, NULL, 0, sps, sizeof(sps), pps,
                                      sizeof(pps)));
    assert_true(
        sl_stream_set_params(fx->s, 0, NULL, 0, sps2, sizeof(sps2), NULL, 0));
    /* Oversized sets and out-of-range tracks are ignored. */
    assert_false(
        sl_stream_set_params(fx->s, 0, NULL, 0, big, sizeof(big), NULL, 0));
    assert_false(sl_stream_set_params(fx->s, SL_STREAM_MAX_TRACKS, NULL, 0, sps,
                                      sizeof(sps), NULL, 0));
    sl_stream_get_params(fx->s, 0, &p);
    assert_int_equal(p.version, 2);
    assert_int_equal(p.sps_len, sizeof(sps2));
    assert_memory_equal(p.sps, sps2, sizeof(sps2));
    assert_memory_equal(p.pps, pps, sizeof(pps));
    assert_int_equal(p.vps_len, 0);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_reader_with_gop_starts_at_last_keyframe, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_reader_without_gop_waits_for_next_keyframe, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_slow_reader_drops_and_resumes_at_keyframe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_flight_frames_time_out, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_cross_worker_join_has_no_gap_and_no_duplicate, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_remote_reader_without_gop_waits_for_keyframe, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_end_of_stream_closes_readers_on_every_worker, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_full_inbox_makes_remote_readers_resync_at_keyframe, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_gop_cache_is_bounded, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_parameter_sets_change_only_when_different, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
