/* Sluice: accepting TCP connections and placing them on workers. */
#include "net/listener.h"
#include "net/addr.h"
#include "base/alloc.h"
#include "base/err.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>
#include <unistd.h>


struct accept_msg {
    struct sl_msg           msg;
    int                     fd;
    struct sockaddr_storage peer;
    sl_accept_fn           *fn;
    void                   *ud;
};


static void on_readable(uv_poll_t *h, int status, int events);
static void on_accept_msg(struct sl_worker *w, struct sl_msg *m);
static void on_poll_closed(uv_handle_t *h);


struct sl_worker *
sl_placement_pick(struct sl_placement *p)
{
    size_t n = atomic_fetch_add(&p->next, 1);
    size_t i, best;

    if (p->nsequence > 0) {
        int idx = p->sequence[n % p->nsequence];

        if (idx >= 0 && (size_t)idx < p->nworkers) {
            return p->workers[idx];
        }
    }
    if (p->mode == SL_PLACE_LEAST_LOADED) {
        best = 0;
        for (i = 1; i < p->nworkers; i++) {
            if (atomic_load(&p->workers[i]->conns)
                < atomic_load(&p->workers[best]->conns)) {
                best = i;
            }
        }
        return p->workers[best];
    }
    return p->workers[n % p->nworkers];
}


int
sl_listener_open(struct sl_listener *l, struct sl_worker *control,
                 const char *addr, struct sl_placement *placement,
                 sl_accept_fn *on_accept, void *ud, const struct sl_log *log)
{
    struct sockaddr_storage ss;
    bool                    any;
    int                     fd, rc, one = 1, zero = 0;

    memset(l, 0, sizeof(*l));
    l->fd = -1;
    if (sl_addr_parse_listen(addr, &ss, &any) < 0) {
        return SL_EINVAL;
    }
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 && any) {
        /* No IPv6: fall back to IPv4 any. */
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        uint16_t            port = sl_addr_port((struct sockaddr *)&ss);

        memset(&ss, 0, sizeof(ss));
        a4->sin_family = AF_INET;
        a4->sin_port = htons(port);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    }
    if (fd < 0) {
        return -errno;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ss.ss_family == AF_INET6 && any) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    }
    if (bind(fd, (struct sockaddr *)&ss, sl_addr_len((struct sockaddr *)&ss))
            < 0
        || listen(fd, 1024) < 0)
    {
        rc = -errno;
        close(fd);
        return rc;
    }
    l->fd = fd;
    l->control = control;
    l->placement = placement;
    l->on_accept = on_accept;
    l->ud = ud;
    sl_strlcpy(l->addr, addr, sizeof(l->addr));
    if (log != NULL) {
        l->log = *log;
    }
    rc = uv_poll_init(&control->loop, &l->poll, fd);
    if (rc < 0) {
        close(fd);
        l->fd = -1;
        return rc;
    }
    l->poll.data = l;
    return uv_poll_start(&l->poll, UV_READABLE, on_readable);
}


static void
on_readable(uv_poll_t *h, int status, int events)
{
    struct sl_listener *l = h->data;
    int                 i;

    (void)events;
    if (status < 0) {
        return;
    }
    for (i = 0; i < 256; i++) {
        struct accept_msg      *am;
        struct sockaddr_storage peer;
        socklen_t               plen = sizeof(peer);
        int                     fd, one = 1;
        struct sl_worker       *w;

        fd = accept4(l->fd, (struct sockaddr *)&peer, &plen,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                sl_log_error(&l->log, "accept: %s", strerror(errno));
            }
            return;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        sl_addr_unmap(&peer);
        w = sl_placement_pick(l->placement);
        atomic_fetch_add(&w->conns, 1);
        am = sl_calloc(1, sizeof(*am));
        am->msg.fn = on_accept_msg;
        am->fd = fd;
        am->peer = peer;
        am->fn = l->on_accept;
        am->ud = l->ud;
        sl_worker_post(w, &am->msg);
    }
}


static void
on_accept_msg(struct sl_worker *w, struct sl_msg *m)
{
    struct accept_msg *am = (struct accept_msg *)m;

    am->fn(w, am->fd, &am->peer, am->ud);
    sl_free(am);
}


static void
on_poll_closed(uv_handle_t *h)
{
    struct sl_listener *l = h->data;

    if (l->fd >= 0) {
        close(l->fd);
        l->fd = -1;
    }
}


void
sl_listener_close(struct sl_listener *l)
{
    if (l->fd < 0 || uv_is_closing((uv_handle_t *)&l->poll)) {
        return;
    }
    uv_poll_stop(&l->poll);
    uv_close((uv_handle_t *)&l->poll, on_poll_closed);
}
