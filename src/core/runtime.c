/* Sluice: workers, control loop and per-worker housekeeping. */
#include "core/runtime.h"
#include "core/stream.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/time.h"

#include <string.h>
#include <unistd.h>


#define INBOX_BYTES (64u << 20) /* byte cap of each worker's inbox */


struct sl_runtime sl_rt;


static void on_tick(uv_timer_t *t);


static uv_timer_t *ticks;


static void
on_tick(uv_timer_t *t)
{
    sl_stream_worker_tick(t->data, sl_now_ns());
}


int
sl_runtime_init(const struct sl_conf *conf)
{
    size_t i, n;
    long   cores = sysconf(_SC_NPROCESSORS_ONLN);
    int    rc;

    memset(&sl_rt, 0, sizeof(sl_rt));
    sl_rt.conf = conf;
    sl_log_init(&sl_rt.log, NULL, "%s", "");
    n = conf->workers > 0 ? (size_t)conf->workers
                          : (size_t)(cores > 0 ? cores : 1);
    if (n > SL_MAX_WORKERS - 1) {
        n = SL_MAX_WORKERS - 1;
    }
    sl_rt.nworkers = n;
    sl_rt.workers = sl_calloc(n, sizeof(*sl_rt.workers));
    ticks = sl_calloc(n, sizeof(*ticks));
    for (i = 0; i < n; i++) {
        sl_rt.workers[i] = sl_calloc(1, sizeof(struct sl_worker));
        rc = sl_worker_init(sl_rt.workers[i], (int)i, false, INBOX_BYTES);
        if (rc < 0) {
            return rc;
        }
        sl_stream_worker_init(sl_rt.workers[i]);
        sl_rt.workers[i]->flush.delay_ms =
            conf->write_merge_window / SL_NS_PER_MS;
        uv_timer_init(&sl_rt.workers[i]->loop, &ticks[i]);
        ticks[i].data = sl_rt.workers[i];
        uv_timer_start(&ticks[i], on_tick, 1000, 1000);
    }
    sl_rt.control = sl_calloc(1, sizeof(struct sl_worker));
    rc = sl_worker_init(sl_rt.control, (int)n, true, INBOX_BYTES);
    if (rc < 0) {
        return rc;
    }
    sl_stream_worker_init(sl_rt.control);
    sl_stream_set_workers(sl_rt.workers, n);
    sl_rt.placement.workers = sl_rt.workers;
    sl_rt.placement.nworkers = n;
    sl_rt.placement.mode = conf->worker_placement == SL_CONF_PLACE_LEAST_LOADED
                               ? SL_PLACE_LEAST_LOADED
                               : SL_PLACE_ROUND_ROBIN;
    if (conf->worker_sequence.n > 0) {
        sl_rt.placement.sequence =
            sl_calloc(conf->worker_sequence.n, sizeof(int));
        for (i = 0; i < conf->worker_sequence.n; i++) {
            sl_rt.placement.sequence[i] = (int)conf->worker_sequence.v[i];
        }
        sl_rt.placement.nsequence = conf->worker_sequence.n;
    }
    return 0;
}


int
sl_runtime_start(void)
{
    size_t i;
    int    rc;

    for (i = 0; i < sl_rt.nworkers; i++) {
        rc = sl_worker_start(sl_rt.workers[i]);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}


void
sl_runtime_each_worker(sl_call_fn *fn, void *arg)
{
    size_t i;

    for (i = 0; i < sl_rt.nworkers; i++) {
        sl_worker_call(sl_rt.workers[i], fn, arg);
    }
}


void
sl_runtime_stop(void)
{
    size_t i;

    for (i = 0; i < sl_rt.nworkers; i++) {
        sl_worker_stop(sl_rt.workers[i]);
    }
    for (i = 0; i < sl_rt.nworkers; i++) {
        sl_worker_close(sl_rt.workers[i]);
        sl_stream_worker_close(sl_rt.workers[i]);
        sl_free(sl_rt.workers[i]);
    }
    sl_worker_close(sl_rt.control);
    sl_stream_worker_close(sl_rt.control);
    sl_freep(&sl_rt.control);
    sl_freep(&sl_rt.workers);
    sl_freep(&ticks);
    sl_freep(&sl_rt.placement.sequence);
}


void
sl_runtime_stream_opts(const struct sl_path_conf *pc, struct sl_stream_opts *o)
{
    const struct sl_conf *c = sl_rt.conf;

    memset(o, 0, sizeof(*o));
    o->write_queue_size = (uint32_t)c->write_queue_size;
    o->write_queue_bytes = c->write_queue_max_bytes;
    o->write_timeout_ns = c->write_timeout;
    o->gop_cache = pc->gop_cache;
    o->gop_max_frames = (uint32_t)pc->gop_cache_max_frames;
    o->gop_max_bytes = pc->gop_cache_max_bytes;
}
