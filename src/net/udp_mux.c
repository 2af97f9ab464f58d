/* Sluice: shared UDP ports routed by source address. */
#include "net/udp_mux.h"
#include "net/addr.h"
#include "base/alloc.h"
#include "base/err.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>


#define RX_SLOT 9216 /* bytes per datagram slot (jumbo frames fit) */


struct route {
    struct sockaddr_storage peer;
    struct sl_worker       *w;
    uint64_t                id;
    uint32_t                tag;
    sl_udp_batch_fn        *fn;
};

struct route_msg {
    struct sl_msg           msg;
    struct sl_udp_mux      *mux;
    struct sockaddr_storage peer;
    struct sl_worker       *w;
    uint64_t                id;
    uint32_t                tag;
    sl_udp_batch_fn        *fn;
    bool                    add;
};


static void on_readable(uv_poll_t *h, int status, int events);
static void on_route_msg(struct sl_worker *w, struct sl_msg *m);
static void on_batch_msg(struct sl_worker *w, struct sl_msg *m);
static void on_poll_closed(uv_handle_t *h);


int
sl_udp_mux_open(struct sl_udp_mux *m, struct sl_worker *owner, const char *addr,
                const struct sl_log *log)
{
    struct sockaddr_storage ss;
    bool                    any;
    int                     fd, rc, zero = 0;

    memset(m, 0, sizeof(*m));
    m->fd = -1;
    if (sl_addr_parse_listen(addr, &ss, &any) < 0) {
        return SL_EINVAL;
    }
    fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    if (ss.ss_family == AF_INET6 && any) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    }
    if (bind(fd, (struct sockaddr *)&ss, sl_addr_len((struct sockaddr *)&ss))
        < 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    m->fd = fd;
    m->owner = owner;
    sl_hmap_init(&m->routes);
    m->rxbuf = sl_malloc((size_t)SL_UDP_BATCH_MAX * RX_SLOT);
    sl_strlcpy(m->addr, addr, sizeof(m->addr));
    if (log != NULL) {
        m->log = *log;
    }
    rc = uv_poll_init(&owner->loop, &m->poll, fd);
    if (rc < 0) {
        close(fd);
        m->fd = -1;
        return rc;
    }
    m->poll.data = m;
    return uv_poll_start(&m->poll, UV_READABLE, on_readable);
}


uint16_t
sl_udp_mux_port(const struct sl_udp_mux *m)
{
    struct sockaddr_storage ss;
    socklen_t               len = sizeof(ss);

    if (getsockname(m->fd, (struct sockaddr *)&ss, &len) < 0) {
        return 0;
    }
    return sl_addr_port((struct sockaddr *)&ss);
}


static void
on_readable(uv_poll_t *h, int status, int events)
{
    struct sl_udp_mux      *m = h->data;
    struct mmsghdr          msgs[SL_UDP_BATCH_MAX];
    struct iovec            iov[SL_UDP_BATCH_MAX];
    struct sockaddr_storage from[SL_UDP_BATCH_MAX];
    int                     n, i, j, rounds;
    bool                    done[SL_UDP_BATCH_MAX];

    (void)events;
    if (status < 0) {
        return;
    }
    for (rounds = 0; rounds < 16; rounds++) {
        for (i = 0; i < SL_UDP_BATCH_MAX; i++) {
            iov[i].iov_base = m->rxbuf + (size_t)i * RX_SLOT;
            iov[i].iov_len = RX_SLOT;
            memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
        }
        n = recvmmsg(m->fd, msgs, SL_UDP_BATCH_MAX, MSG_DONTWAIT, NULL);
        if (n <= 0) {
            return;
        }
        memset(done, 0, sizeof(done));
        /* Group the datagrams of one read by route: one message each. */
        for (i = 0; i < n; i++) {
            struct route        *r;
            struct sl_udp_batch *b;
            size_t               total = 0, pos = 0;

            if (done[i]) {
                continue;
            }
            if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
                m->truncated_drops++;
                done[i] = true;
                continue;
            }
            r = sl_hmap_get(&m->routes,
                            sl_addr_key((struct sockaddr *)&from[i]));
            if (r == NULL) {
                m->unknown_drops++;
                continue;
            }
            for (j = i; j < n; j++) {
                if (!done[j]
                    && sl_addr_key((struct sockaddr *)&from[j])
                           == sl_addr_key((struct sockaddr *)&r->peer))
                {
                    total += msgs[j].msg_len;
                }
            }
            b = sl_malloc(sizeof(*b) + total);
            b->data = (uint8_t *)(b + 1);
            b->msg.fn = on_batch_msg;
            b->msg.bytes = total + sizeof(*b);
            b->id = r->id;
            b->tag = r->tag;
            b->fn = r->fn;
            b->n = 0;
            for (j = i; j < n; j++) {
                if (done[j]
                    || sl_addr_key((struct sockaddr *)&from[j])
                           != sl_addr_key((struct sockaddr *)&r->peer))
                {
                    continue;
                }
                done[j] = true;
                memcpy(b->data + pos, iov[j].iov_base, msgs[j].msg_len);
                b->off[b->n] = (uint32_t)pos;
                b->len[b->n] = msgs[j].msg_len;
                b->n++;
                pos += msgs[j].msg_len;
            }
            if (!sl_worker_post(r->w, &b->msg)) {
                m->refused_drops += b->n;
                sl_free(b);
            }
        }
        if (n < SL_UDP_BATCH_MAX) {
            return;
        }
    }
}


static void
on_batch_msg(struct sl_worker *w, struct sl_msg *m)
{
    struct sl_udp_batch *b = (struct sl_udp_batch *)m;

    b->fn(w, b);
    sl_free(b);
}


static void
on_route_msg(struct sl_worker *w, struct sl_msg *msg)
{
    struct route_msg  *rm = (struct route_msg *)msg;
    struct sl_udp_mux *m = rm->mux;
    uint64_t           key = sl_addr_key((struct sockaddr *)&rm->peer);
    struct route      *r = sl_hmap_get(&m->routes, key);

    (void)w;
    if (rm->add) {
        if (r == NULL) {
            r = sl_calloc(1, sizeof(*r));
            sl_hmap_put(&m->routes, key, r);
        }
        r->peer = rm->peer;
        r->w = rm->w;
        r->id = rm->id;
        r->tag = rm->tag;
        r->fn = rm->fn;
    } else if (r != NULL && r->id == rm->id) {
        sl_hmap_del(&m->routes, key);
        sl_free(r);
    }
    sl_free(rm);
}


void
sl_udp_mux_route(struct sl_udp_mux *m, const struct sockaddr *peer,
                 struct sl_worker *w, uint64_t id, uint32_t tag,
                 sl_udp_batch_fn *fn)
{
    struct route_msg *rm = sl_calloc(1, sizeof(*rm));

    rm->msg.fn = on_route_msg;
    rm->mux = m;
    memcpy(&rm->peer, peer, sl_addr_len(peer));
    sl_addr_unmap(&rm->peer);
    rm->w = w;
    rm->id = id;
    rm->tag = tag;
    rm->fn = fn;
    rm->add = true;
    sl_worker_post(m->owner, &rm->msg);
}


void
sl_udp_mux_unroute(struct sl_udp_mux *m, const struct sockaddr *peer,
                   uint64_t id)
{
    struct route_msg *rm = sl_calloc(1, sizeof(*rm));

    rm->msg.fn = on_route_msg;
    rm->mux = m;
    memcpy(&rm->peer, peer, sl_addr_len(peer));
    sl_addr_unmap(&rm->peer);
    rm->id = id;
    rm->add = false;
    sl_worker_post(m->owner, &rm->msg);
}


int
sl_udp_mux_sendmmsg(struct sl_udp_mux *m, struct mmsghdr *msgs, unsigned n)
{
    unsigned sent = 0;

    while (sent < n) {
        int r = sendmmsg(m->fd, msgs + sent, n - sent, MSG_DONTWAIT);

        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return sent > 0 ? (int)sent : -errno;
        }
        if (r == 0) {
            break;
        }
        sent += (unsigned)r;
    }
    return (int)sent;
}


static void
on_poll_closed(uv_handle_t *h)
{
    struct sl_udp_mux *m = h->data;
    size_t             i = 0;
    uint64_t           k;
    void              *v;

    while (sl_hmap_next(&m->routes, &i, &k, &v)) {
        sl_free(v);
    }
    sl_hmap_free(&m->routes);
    sl_freep(&m->rxbuf);
    close(m->fd);
    m->fd = -1;
}


void
sl_udp_mux_close(struct sl_udp_mux *m)
{
    if (m->fd < 0 || uv_is_closing((uv_handle_t *)&m->poll)) {
        return;
    }
    uv_poll_stop(&m->poll);
    uv_close((uv_handle_t *)&m->poll, on_poll_closed);
}
