/*
 * SRT server internals (not a public interface).
 *
 * Threads (ARCHITECTURE.md section 2, docs/internals/SRT.md):
 *   - libsrt's own threads run the protocol.  Its receive thread calls our
 *     listen callback, which parses the stream id, checks the path, the
 *     passphrase and (when cheap) the credentials, and rejects with a
 *     reason code (1400 bad stream id, 1401 authentication, 1403 action
 *     not allowed, 1404 path not configured) without ever blocking.
 *   - One Sluice thread, the SRT thread, owns the listener and the epoll
 *     set: it accepts, places each connection on a worker, reads
 *     publishers (drained until "would block") and posts their bytes to the
 *     owning worker, notices broken sockets, and is the only one to close
 *     sockets (on a worker's request, through a locked command list it
 *     checks after every wait, at most 20 ms apart).
 *   - A connection (struct srt_conn) lives on one worker.  Publishers feed
 *     their bytes to an MPEG-TS ingest; readers send the stream's shared
 *     MPEG-TS packets with non-blocking srt_sendmsg2, 1316 bytes per call,
 *     and treat "would block" as a full queue (drop and wait for the next
 *     keyframe).
 * A connection is reference counted: the SRT thread holds one reference
 * while the socket is open, the worker one while the connection is open,
 * and every message in flight one.
 */
#ifndef SL_SERVER_SRT_SRT_H
#define SL_SERVER_SRT_SRT_H

#include "core/path_manager.h"
#include "core/stream.h"
#include "core/ts_ingest.h"
#include "net/defer.h"
#include "net/worker.h"
#include "base/list.h"
#include "base/log.h"

#include <srt/srt.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <uv.h>


/* Reason codes sent to refused callers (SRT_REJC_PREDEFINED + HTTP-ish). */
#define SRT_REJ_X_BAD_REQUEST  1400
#define SRT_REJ_X_UNAUTHORIZED 1401
#define SRT_REJ_X_FORBIDDEN    1403
#define SRT_REJ_X_NOTFOUND     1404
#define SRT_REJ_X_DOWN         1503

#define SRT_TS_CHUNK 1316 /* 7 TS packets per SRT message */

enum { SRT_ROLE_PUBLISH = 1, SRT_ROLE_READ };

struct srt_conn {
    atomic_uint             refs;
    SRTSOCKET               sock;
    struct sl_worker       *w;
    struct sl_list          node; /* in the server's list for w */
    uint64_t                handle;
    int                     role;
    bool                    open;     /* on the worker: not closed yet */
    bool                    released; /* socket close requested */
    struct sockaddr_storage peer;
    char                    peer_str[64];
    char                    uuid[37];
    struct sl_log           log;
    char                    path[256];
    char                    user[128];
    char                    pass[128];
    char                    query[256];
    uv_timer_t              timer;
    bool                    timer_on;
    uint64_t                bytes_in;
    uint64_t                bytes_out;

    /* Publisher. */
    struct sl_publisher  pub;
    bool                 pub_claimed;
    struct sl_ts_ingest *ingest;

    /* Reader. */
    struct sl_stream *stream;
    struct sl_reader  reader;
    bool              reading;
    bool              joined; /* started at a PAT/PMT point */
    struct sl_defer   flush;
    uint8_t           carry[SRT_TS_CHUNK];
    size_t            carry_len;
    uint64_t          stalled_ns; /* first "would block", 0 when sending */
    uint64_t          dropped;
};

struct srt_server {
    SRTSOCKET       lsock;
    int             eid;
    uv_thread_t     thread;
    bool            thread_on;
    atomic_bool     stopping; /* no new connections */
    atomic_bool     quit;     /* the SRT thread exits */
    pthread_mutex_t lock;     /* guards cmds */
    struct sl_list  cmds;     /* struct srt_cmd */
    struct sl_log   log;      /* "[SRT]" */
    struct sl_list  conns[SL_MAX_WORKERS];
    uint32_t        payload_size;
};

extern struct srt_server sl_srt_srv;


/* conn.c, on workers. */
struct srt_conn *srt_conn_new(SRTSOCKET s, const struct sockaddr_storage *peer);
void             srt_conn_unref(struct srt_conn *c);
void             srt_conn_close(struct srt_conn *c, const char *reason);
void srt_conn_post_data(struct srt_conn *c, const uint8_t *p, size_t len);
void srt_conn_post_start(struct srt_conn *c);
void srt_conn_post_gone(struct srt_conn *c, const char *why);
/* server.c: asks the SRT thread to close c's socket and drop its ref. */
void srt_server_release(struct srt_conn *c);


#endif /* SL_SERVER_SRT_SRT_H */
