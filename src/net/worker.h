/*
 * Event-loop threads and their inboxes.
 *
 * A struct sl_worker is one libuv loop on one thread.  Sluice runs N media
 * workers plus one control loop (built the same way, is_control set) that
 * accepts TCP connections and owns the shared UDP ports.  Nothing outside a
 * worker's own thread touches its loop or handles; other threads talk to it
 * only through its inbox:
 *
 *   - sl_worker_post() pushes a struct sl_msg onto a lock-free MPSC queue
 *     (Vyukov's intrusive queue) and wakes the loop with uv_async_send, which
 *     libuv coalesces, so a burst of posts costs one wake-up.
 *   - The inbox is bounded in bytes: a message with bytes > 0 is refused
 *     (sl_worker_post returns false and the caller keeps ownership) when the
 *     queued total would pass the cap.  Control messages (bytes == 0) are
 *     never refused.
 *   - The loop thread drains the queue and calls each message's fn, which
 *     owns the message from then on (usually frees it).
 *
 * Each worker also has a handle table (uint64 id -> pointer) so messages can
 * name objects that may have died in the meantime: the receiver looks the id
 * up and drops the message when it is gone.
 */
#ifndef SL_NET_WORKER_H
#define SL_NET_WORKER_H

#include "base/hmap.h"
#include "base/log.h"
#include "net/defer.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>


struct sl_worker;
struct sl_msg;

/* Runs on the receiving worker's thread; owns m. */
typedef void sl_msg_fn(struct sl_worker *w, struct sl_msg *m);

struct sl_msg {
    struct sl_msg *_Atomic next;
    sl_msg_fn             *fn;
    size_t                 bytes; /* counted against the inbox cap */
};

struct sl_worker {
    int           id; /* 0..N-1 for media workers, N for control */
    bool          is_control;
    uv_loop_t     loop;
    uv_async_t    async;
    uv_thread_t   thread;
    bool          running;
    struct sl_log log;

    /* Inbox: producers push at head, the owner pops at tail. */
    char                   pad0_[64];
    struct sl_msg *_Atomic head;
    char                   pad1_[64 - sizeof(void *)];
    struct sl_msg         *tail;
    struct sl_msg          stub;
    atomic_size_t          queued_bytes;
    size_t                 max_bytes;
    atomic_ullong          refused; /* messages refused because of the cap */

    atomic_uint conns; /* connections placed here (for leastLoaded) */

    struct sl_hmap handles;
    uint64_t       next_handle;

    void *core; /* per-worker state owned by core/ */

    /* Merged writes of this worker's connections (writeMergeWindow);
     * media workers only. */
    struct sl_defer_queue flush;
};


/* Prepares the loop and inbox (does not start the thread). 0 or -errno. */
int sl_worker_init(struct sl_worker *w, int id, bool is_control,
                   size_t max_bytes);
/* Runs the loop on a new thread. */
int sl_worker_start(struct sl_worker *w);
/* Runs the loop on the calling thread until sl_worker_stop (control loop). */
void sl_worker_run_here(struct sl_worker *w);
/*
 * Asks the loop to close every handle and return; joins the thread when it
 * was started with sl_worker_start.  Call from another thread.
 */
void sl_worker_stop(struct sl_worker *w);
/* Frees what init allocated; the loop must have stopped. */
void sl_worker_close(struct sl_worker *w);

/* Thread-safe.  See the header comment for the byte cap. */
bool sl_worker_post(struct sl_worker *w, struct sl_msg *m);
/* The worker running on the calling thread, or NULL. */
struct sl_worker *sl_worker_self(void);
/* Declares the calling thread to be w's (unit tests drive loops by hand). */
void sl_worker_set_self(struct sl_worker *w);
/* Runs w's pending inbox messages on the calling thread (tests). */
void sl_worker_drain(struct sl_worker *w);

/* Handle table: only on the owning worker's thread. */
uint64_t sl_worker_handle_add(struct sl_worker *w, void *p);
void    *sl_worker_handle_get(struct sl_worker *w, uint64_t id);
void     sl_worker_handle_del(struct sl_worker *w, uint64_t id);

/* Calls fn(w, arg) on worker w's thread (allocates a message). */
typedef void sl_call_fn(struct sl_worker *w, void *arg);
void         sl_worker_call(struct sl_worker *w, sl_call_fn *fn, void *arg);


#endif /* SL_NET_WORKER_H */
