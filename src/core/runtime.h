/*
 * The running server: configuration, workers, the control loop and the
 * placement policy for new connections.  Set up once by main (sl_runtime
 * is a process-wide singleton); read-only afterwards except through the
 * functions here, so every thread may read it.
 */
#ifndef SL_CORE_RUNTIME_H
#define SL_CORE_RUNTIME_H

#include "conf/conf.h"
#include "net/listener.h"
#include "net/worker.h"

#include <stddef.h>


struct sl_runtime {
    const struct sl_conf *conf;
    struct sl_worker    **workers;
    size_t                nworkers;
    struct sl_worker     *control;
    struct sl_placement   placement;
    struct sl_log         log;
};

extern struct sl_runtime sl_rt;

/* Creates the control loop and the workers (threads not started). */
int sl_runtime_init(const struct sl_conf *conf);
/* Starts the worker threads. */
int sl_runtime_start(void);
/* Calls fn(w, arg) on every media worker (asynchronously). */
void sl_runtime_each_worker(sl_call_fn *fn, void *arg);
/* Stops and joins the workers, frees everything. */
void sl_runtime_stop(void);
/* Stream options of a path, from the path and global configuration. */
struct sl_stream_opts;
struct sl_path_conf;
void sl_runtime_stream_opts(const struct sl_path_conf *pc,
                            struct sl_stream_opts     *o);


#endif /* SL_CORE_RUNTIME_H */
