/*
 * TCP listeners on the control loop, spreading connections over workers.
 *
 * The control loop accepts (accept4 until EAGAIN, driven by uv_poll) and
 * hands each socket to a media worker chosen by the placement policy, as a
 * message.  The accept callback then runs on that worker's thread, where
 * the server wraps the fd in a uv_tcp_t: a connection lives on one worker
 * for its whole life.  Placement is observable (the worker id reaches the
 * callback, servers log it at debug level) and forceable with a sequence of
 * worker indexes, so tests can prove cross-worker fan-out.
 */
#ifndef SL_NET_LISTENER_H
#define SL_NET_LISTENER_H

#include "net/worker.h"

#include <sys/socket.h>


enum sl_placement_mode {
    SL_PLACE_ROUND_ROBIN,
    SL_PLACE_LEAST_LOADED,
};

struct sl_placement {
    struct sl_worker **workers;
    size_t             nworkers;
    int                mode;
    int               *sequence; /* optional, cycled when nsequence > 0 */
    size_t             nsequence;
    atomic_size_t      next;
};

/* Picks a worker for a new connection.  Thread-safe. */
struct sl_worker *sl_placement_pick(struct sl_placement *p);

/* Runs on the chosen worker; takes ownership of fd. */
typedef void sl_accept_fn(struct sl_worker *w, int fd,
                          const struct sockaddr_storage *peer, void *ud);

struct sl_listener {
    int                  fd;
    uv_poll_t            poll;
    struct sl_worker    *control;
    struct sl_placement *placement;
    sl_accept_fn        *on_accept;
    void                *ud;
    char                 addr[64];
    struct sl_log        log;
};

/*
 * Binds and listens on addr (MediaMTX syntax) from the control loop's
 * thread, or before the control loop runs.  Fails with -EADDRINUSE when the
 * port is taken.  Returns 0 or a negative code.
 */
int sl_listener_open(struct sl_listener *l, struct sl_worker *control,
                     const char *addr, struct sl_placement *placement,
                     sl_accept_fn *on_accept, void *ud,
                     const struct sl_log *log);
/* Stops accepting and closes the socket (on the control thread). */
void sl_listener_close(struct sl_listener *l);


#endif /* SL_NET_LISTENER_H */
