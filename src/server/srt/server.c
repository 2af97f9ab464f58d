/* Sluice: the SRT server: listener, listen callback and the SRT thread. */
#include "server/srt/server.h"
#include "server/srt/srt.h"
#include "core/auth.h"
#include "core/runtime.h"
#include "proto/srt/streamid.h"
#include "net/addr.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/str.h"
#include "base/time.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>


#define EVENTS_MAX 64
#define BATCH_MAX  (64 * 1024) /* publisher bytes per message to a worker */
#define RECV_MAX   1500        /* >= SRT_LIVE_MAX_PLSIZE (1456) */
/*
 * srt_epoll_uwait takes SRT sockets only (no eventfd to wake it), so the
 * thread also wakes this often to run close requests: a close waits at
 * most this long, and an idle server costs 50 wake-ups a second.
 */
#define WAIT_MS 20

struct srt_cmd {
    struct sl_list   node;
    struct srt_conn *c;
};

struct srt_server sl_srt_srv;

/* SRT thread only: open sockets to their connections. */
static struct sl_hmap table;


static int  listen_cb(void *opaque, SRTSOCKET ns, int hsversion,
                      const struct sockaddr *peer, const char *streamid);
static void thread_main(void *arg);
static void on_accept(void);
static void on_readable(struct srt_conn *c);
static void run_cmds(void);
static void str_copy_n(struct sl_str s, char *out, size_t size);
#define str_copy(s, out) str_copy_n((s), (out), sizeof(out))
static void log_handler(void *opaque, int level, const char *file, int line,
                        const char *area, const char *message);


static void
str_copy_n(struct sl_str s, char *out, size_t size)
{
    size_t n = s.len < size - 1 ? s.len : size - 1;

    if (n > 0) {
        memcpy(out, s.p, n);
    }
    out[n] = '\0';
}


/* libsrt's own log lines: debug only (they describe refused callers). */
static void
log_handler(void *opaque, int level, const char *file, int line,
            const char *area, const char *message)
{
    size_t n = strlen(message);

    (void)opaque, (void)level, (void)file, (void)line, (void)area;
    while (n > 0 && (message[n - 1] == '\n' || message[n - 1] == '\r')) {
        n--;
    }
    sl_log_debug(&sl_srt_srv.log, "libsrt: %.*s", (int)n, message);
}


static int
set_int(SRTSOCKET s, SRT_SOCKOPT opt, int v)
{
    return srt_setsockflag(s, opt, &v, sizeof(v));
}


int
sl_srt_server_start(void)
{
    const struct sl_conf   *c = sl_rt.conf;
    struct sockaddr_storage ss;
    int                     no = 0, rc;
    bool                    any;
    int64_t                 payload;
    uint64_t                sndbuf = c->write_socket_buffer;

    memset(&sl_srt_srv, 0, sizeof(sl_srt_srv));
    sl_srt_srv.lsock = SRT_INVALID_SOCK;
    sl_srt_srv.eid = -1;
    for (size_t i = 0; i < SL_MAX_WORKERS; i++) {
        sl_list_init(&sl_srt_srv.conns[i]);
    }
    sl_list_init(&sl_srt_srv.cmds);
    sl_hmap_init(&table);
    pthread_mutex_init(&sl_srt_srv.lock, NULL);
    sl_log_init(&sl_srt_srv.log, NULL, "[SRT]");
    rc = sl_addr_parse_listen(c->srt_address, &ss, &any);
    if (rc < 0) {
        sl_log_error(&sl_srt_srv.log, "invalid srtAddress '%s'",
                     c->srt_address);
        return rc;
    }
    /* 1452 bytes of UDP payload leave 1316 bytes (7 TS packets). */
    payload = (c->udp_max_payload_size - 16) / 188 * 188;
    if (payload < 188) {
        payload = 188;
    } else if (payload > SRT_TS_CHUNK) {
        payload = SRT_TS_CHUNK;
    }
    sl_srt_srv.payload_size = (uint32_t)payload;
    if (sndbuf < 1024 * 1024) {
        sndbuf = 1024 * 1024;
    } else if (sndbuf > 64 * 1024 * 1024) {
        sndbuf = 64 * 1024 * 1024;
    }
    srt_startup();
    srt_setloghandler(NULL, log_handler);
    srt_setloglevel(sl_log_max_level >= SL_LOG_DEBUG ? 4 /* warning */
                                                     : 3 /* error */);
    sl_srt_srv.lsock = srt_create_socket();
    if (sl_srt_srv.lsock == SRT_INVALID_SOCK) {
        sl_log_error(&sl_srt_srv.log, "cannot create socket: %s",
                     srt_getlasterror_str());
        return SL_EINVAL;
    }
    if (srt_setsockflag(sl_srt_srv.lsock, SRTO_RCVSYN, &no, sizeof(no)) < 0
        || set_int(sl_srt_srv.lsock, SRTO_PAYLOADSIZE, (int)payload) < 0
        || set_int(sl_srt_srv.lsock, SRTO_LATENCY,
                   (int)(c->srt_latency / SL_NS_PER_MS))
               < 0
        || set_int(sl_srt_srv.lsock, SRTO_PEERIDLETIMEO,
                   (int)(c->read_timeout / SL_NS_PER_MS))
               < 0
        || set_int(sl_srt_srv.lsock, SRTO_SNDBUF, (int)sndbuf) < 0
        || srt_bind(sl_srt_srv.lsock, (struct sockaddr *)&ss,
                    (int)sl_addr_len((struct sockaddr *)&ss))
               < 0
        || srt_listen_callback(sl_srt_srv.lsock, listen_cb, NULL) < 0
        || srt_listen(sl_srt_srv.lsock, 128) < 0)
    {
        sl_log_error(&sl_srt_srv.log, "cannot listen on %s: %s", c->srt_address,
                     srt_getlasterror_str());
        return SL_EINVAL;
    }
    sl_srt_srv.eid = srt_epoll_create();
    {
        int in_err = SRT_EPOLL_IN | SRT_EPOLL_ERR;

        if (sl_srt_srv.eid < 0
            || srt_epoll_add_usock(sl_srt_srv.eid, sl_srt_srv.lsock, &in_err)
                   < 0)
        {
            sl_log_error(&sl_srt_srv.log, "cannot set up epoll: %s",
                         srt_getlasterror_str());
            return SL_EINVAL;
        }
    }
    if (uv_thread_create(&sl_srt_srv.thread, thread_main, NULL) != 0) {
        return SL_EINVAL;
    }
    sl_srt_srv.thread_on = true;
    sl_log_info(&sl_srt_srv.log, "listener opened on %s (UDP)", c->srt_address);
    return 0;
}


void
sl_srt_server_stop_accepting(void)
{
    atomic_store(&sl_srt_srv.stopping, true);
}


void
sl_srt_server_close_worker(struct sl_worker *w)
{
    struct sl_list *list = &sl_srt_srv.conns[w->id];

    while (!sl_list_empty(list)) {
        struct srt_conn *c = sl_container_of(list->next, struct srt_conn, node);

        srt_conn_close(c, "server is shutting down");
    }
}


void
sl_srt_server_stop(void)
{
    atomic_store(&sl_srt_srv.stopping, true);
    if (sl_srt_srv.thread_on) {
        atomic_store(&sl_srt_srv.quit, true);
        uv_thread_join(&sl_srt_srv.thread);
        sl_srt_srv.thread_on = false;
    }
    run_cmds(); /* requests that came after the thread left */
    if (sl_srt_srv.lsock != SRT_INVALID_SOCK) {
        srt_close(sl_srt_srv.lsock);
        sl_srt_srv.lsock = SRT_INVALID_SOCK;
    }
    if (sl_srt_srv.eid >= 0) {
        srt_epoll_release(sl_srt_srv.eid);
        sl_srt_srv.eid = -1;
    }
    {
        size_t   it = 0;
        uint64_t key;
        void    *val;

        /* Sockets whose worker never took them (shutdown races). */
        while (sl_hmap_next(&table, &it, &key, &val)) {
            srt_close(((struct srt_conn *)val)->sock);
        }
        sl_hmap_free(&table);
    }
    srt_cleanup();
    pthread_mutex_destroy(&sl_srt_srv.lock);
}


/* Any thread: the SRT thread will close c's socket and drop its ref. */
void
srt_server_release(struct srt_conn *c)
{
    struct srt_cmd *cmd = sl_calloc(1, sizeof(*cmd));

    cmd->c = c;
    pthread_mutex_lock(&sl_srt_srv.lock);
    sl_list_insert_tail(&sl_srt_srv.cmds, &cmd->node);
    pthread_mutex_unlock(&sl_srt_srv.lock);
}


/* SRT thread (or the control thread once it has left). */
static void
run_cmds(void)
{
    struct sl_list list;

    sl_list_init(&list);
    pthread_mutex_lock(&sl_srt_srv.lock);
    while (!sl_list_empty(&sl_srt_srv.cmds)) {
        struct sl_list *n = sl_srt_srv.cmds.next;

        sl_list_remove(n);
        sl_list_insert_tail(&list, n);
    }
    pthread_mutex_unlock(&sl_srt_srv.lock);
    while (!sl_list_empty(&list)) {
        struct srt_cmd  *cmd = sl_container_of(list.next, struct srt_cmd, node);
        struct srt_conn *c = cmd->c;

        sl_list_remove(&cmd->node);
        sl_free(cmd);
        sl_hmap_del(&table, (uint64_t)(uint32_t)c->sock);
        srt_epoll_remove_usock(sl_srt_srv.eid, c->sock);
        srt_close(c->sock);
        srt_conn_unref(c);
    }
}


/*
 * libsrt's receive thread, for each caller: decide without blocking.
 * Returns 0 to go on (libsrt still checks the passphrase) or -1 with a
 * reason code.
 */
static int
listen_cb(void *opaque, SRTSOCKET ns, int hsversion,
          const struct sockaddr *peer, const char *streamid)
{
    const struct sl_path_conf *pc;
    struct sl_srt_streamid     id;
    struct sl_pm_err           err;
    const char                *reason = NULL;
    const char                *pw;
    char                       path[256], user[128], pass[128], query[256];
    int                        rc;

    (void)opaque;
    (void)hsversion;
    if (atomic_load(&sl_srt_srv.stopping)) {
        srt_setrejectreason(ns, SRT_REJ_X_DOWN);
        return -1;
    }
    rc = sl_srt_streamid_parse(sl_str_from(streamid), &id, &reason);
    if (rc < 0 || id.path.len >= sizeof(path) || id.user.len >= sizeof(user)
        || id.pass.len >= sizeof(pass) || id.query.len >= sizeof(query))
    {
        sl_log_info(&sl_srt_srv.log,
                    "refused a caller: invalid stream ID '%s'%s%s", streamid,
                    reason != NULL ? ": " : "", reason != NULL ? reason : "");
        srt_setrejectreason(ns, SRT_REJ_X_BAD_REQUEST);
        return -1;
    }
    str_copy(id.path, path);
    str_copy(id.user, user);
    str_copy(id.pass, pass);
    str_copy(id.query, query);
    pc = sl_pm_find_conf(path, &err);
    if (pc == NULL) {
        sl_log_info(&sl_srt_srv.log, "refused a caller: %s", err.msg);
        srt_setrejectreason(ns, SRT_REJ_X_NOTFOUND);
        return -1;
    }
    if (!sl_auth_is_slow(sl_rt.conf)) {
        struct sl_auth_req ar = {
            .user = user,
            .pass = pass,
            .ip = peer,
            .action =
                id.mode == SL_SRT_PUBLISH ? SL_AUTH_PUBLISH : SL_AUTH_READ,
            .path = path,
            .query = query,
            .protocol = "srt",
        };

        if (sl_auth_check(sl_rt.conf, &ar, NULL) < 0) {
            sl_log_info(&sl_srt_srv.log,
                        "refused a caller: authentication failed");
            srt_setrejectreason(ns, SRT_REJ_X_UNAUTHORIZED);
            return -1;
        }
    }
    pw = id.mode == SL_SRT_PUBLISH ? pc->srt_publish_passphrase
                                   : pc->srt_read_passphrase;
    if (pw != NULL && pw[0] != '\0'
        && srt_setsockflag(ns, SRTO_PASSPHRASE, pw, (int)strlen(pw)) < 0)
    {
        srt_setrejectreason(ns, SRT_REJ_X_FORBIDDEN);
        return -1;
    }
    return 0;
}


static void
thread_main(void *arg)
{
    SRT_EPOLL_EVENT ev[EVENTS_MAX];

    (void)arg;
    pthread_setname_np(pthread_self(), "sluice-srt");
    while (!atomic_load(&sl_srt_srv.quit)) {
        int n = srt_epoll_uwait(sl_srt_srv.eid, ev, EVENTS_MAX, WAIT_MS);

        if (n < 0) {
            sl_log_debug(&sl_srt_srv.log, "epoll: %s", srt_getlasterror_str());
            n = 0;
        }

        for (int i = 0; i < n && i < EVENTS_MAX; i++) {
            if (ev[i].fd == sl_srt_srv.lsock) {
                on_accept();
            }
        }
        /* Sockets are looked up through the table of open connections. */
        for (int i = 0; i < n && i < EVENTS_MAX; i++) {
            struct srt_conn *c;

            if (ev[i].fd == sl_srt_srv.lsock) {
                continue;
            }
            c = sl_hmap_get(&table, (uint64_t)(uint32_t)ev[i].fd);
            if (c == NULL) {
                continue;
            }
            if ((ev[i].events & SRT_EPOLL_ERR) != 0
                || srt_getsockstate(c->sock) >= SRTS_BROKEN)
            {
                on_readable(c); /* what is still buffered */
                sl_hmap_del(&table, (uint64_t)(uint32_t)c->sock);
                srt_epoll_remove_usock(sl_srt_srv.eid, c->sock);
                srt_conn_post_gone(c, "connection was broken");
            } else if ((ev[i].events & SRT_EPOLL_IN) != 0) {
                on_readable(c);
            }
        }
        run_cmds();
    }
}


/* SRT thread: takes every pending caller. */
static void
on_accept(void)
{
    for (;;) {
        struct sockaddr_storage peer;
        int                     plen = sizeof(peer);
        SRTSOCKET               s;
        struct srt_conn        *c;
        struct sl_srt_streamid  id;
        char                    sid[SL_SRT_STREAMID_MAX + 1];
        int                     sid_len = sizeof(sid);
        int                     events;
        const char             *reason;

        s = srt_accept(sl_srt_srv.lsock, (struct sockaddr *)&peer, &plen);
        if (s == SRT_INVALID_SOCK) {
            return;
        }
        if (atomic_load(&sl_srt_srv.stopping)
            || srt_getsockflag(s, SRTO_STREAMID, sid, &sid_len) < 0
            || sid_len < 0 || (size_t)sid_len >= sizeof(sid))
        {
            srt_close(s);
            continue;
        }
        sid[sid_len] = '\0';
        if (sl_srt_streamid_parse(sl_str_from(sid), &id, &reason) < 0) {
            srt_close(s); /* the callback refused it already; cannot happen */
            continue;
        }
        c = srt_conn_new(s, &peer);
        c->role = id.mode == SL_SRT_PUBLISH ? SRT_ROLE_PUBLISH : SRT_ROLE_READ;
        str_copy(id.path, c->path);
        str_copy(id.user, c->user);
        str_copy(id.pass, c->pass);
        str_copy(id.query, c->query);
        events = c->role == SRT_ROLE_PUBLISH
                     ? SRT_EPOLL_IN | SRT_EPOLL_ERR | SRT_EPOLL_ET
                     : SRT_EPOLL_ERR;
        sl_hmap_put(&table, (uint64_t)(uint32_t)s, c);
        srt_epoll_add_usock(sl_srt_srv.eid, s, &events);
        c->w = sl_placement_pick(&sl_rt.placement);
        atomic_fetch_add(&c->w->conns, 1);
        srt_conn_post_start(c);
    }
}


/* SRT thread: a publisher's bytes, in batches, to its worker. */
static void
on_readable(struct srt_conn *c)
{
    static uint8_t batch[BATCH_MAX];
    size_t         len = 0;

    if (c->role != SRT_ROLE_PUBLISH) {
        return;
    }
    for (;;) {
        int n;

        if (BATCH_MAX - len < RECV_MAX) {
            srt_conn_post_data(c, batch, len);
            len = 0;
        }
        n = srt_recvmsg2(c->sock, (char *)batch + len, RECV_MAX, NULL);
        if (n <= 0) {
            break;
        }
        len += (size_t)n;
    }
    if (len > 0) {
        srt_conn_post_data(c, batch, len);
    }
}
