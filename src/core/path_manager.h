/*
 * The path manager: which paths are active, who publishes, who reads.
 *
 * Control plane only (publisher and reader registration, rare compared
 * with media): every function takes one mutex and may be called from any
 * worker.  Errors carry MediaMTX's messages and a protocol-neutral status
 * (404 for "not configured" and "no stream", 400 otherwise) that servers
 * translate.
 *
 * A publisher first claims a path (sl_pm_publisher_add: configuration,
 * source check, overridePublisher), then attaches its stream when it
 * starts recording (sl_pm_publisher_ready) and releases the path when it
 * leaves.  Claiming a path someone else holds with overridePublisher on
 * asks the old publisher to leave through its kick callback, which runs on
 * the old publisher's worker.
 */
#ifndef SL_CORE_PATH_MANAGER_H
#define SL_CORE_PATH_MANAGER_H

#include "core/stream.h"
#include "conf/conf.h"
#include "net/worker.h"

#include <stdbool.h>
#include <stddef.h>


struct sl_publisher;
typedef void sl_publisher_fn(struct sl_publisher *p);

struct sl_publisher {
    struct sl_worker *w;
    uint64_t          handle; /* sl_worker_handle_add(w, this) */
    sl_publisher_fn  *kick;   /* runs on w when overridden */
    const char       *type;   /* "rtspSession", for the API */
    char              id[40];
};

#define SL_PM_ERR_MAX 256

struct sl_pm_err {
    int  status; /* 400, 404 or 500 */
    char msg[SL_PM_ERR_MAX];
};

/* The configuration the manager serves (swapped on reload). */
void sl_pm_init(const struct sl_conf *conf);
void sl_pm_close(void);

/*
 * Looks the path configuration up; NULL (and err filled, status 404) when
 * the name is invalid or not configured.  The returned pointer stays valid
 * until the configuration is reloaded.
 */
const struct sl_path_conf *sl_pm_find_conf(const char       *name,
                                           struct sl_pm_err *err);

/* Claims name for p.  0, or SL_EEXIST / SL_ENOTFOUND / SL_EINVAL + err. */
int sl_pm_publisher_add(const char *name, struct sl_publisher *p,
                        struct sl_pm_err *err);
/* Attaches the publisher's stream (takes a reference). */
void sl_pm_publisher_ready(const char *name, struct sl_publisher *p,
                           struct sl_stream *s);
/* Releases the path if p still holds it. */
void sl_pm_publisher_remove(const char *name, struct sl_publisher *p);

/*
 * A reference to the stream published on name, for a new reader; NULL and
 * err when not configured, no stream, or maxReaders reached.  Release with
 * sl_pm_reader_remove(name) and sl_stream_unref.
 */
struct sl_stream *sl_pm_reader_add(const char *name, struct sl_pm_err *err);
void              sl_pm_reader_remove(const char *name);


#endif /* SL_CORE_PATH_MANAGER_H */
