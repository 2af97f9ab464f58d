/*
 * A UDP port shared by many sessions (RTSP's 8000/8001).
 *
 * One loop (the control loop) owns the socket and reads it with recvmmsg.
 * Each datagram is routed by its source address (ip:port) to the session
 * registered for it; packets from unknown sources are dropped and counted.
 * Packets for the same session that arrive in one read are forwarded as one
 * batch message to the session's worker, where the batch callback runs with
 * the session's handle id (the worker looks the id up and drops the batch if
 * the session is gone).  The routing table belongs to the owning loop:
 * registration and removal are messages to it.
 *
 * Sending needs no hand-off: sendmsg/sendmmsg on a UDP socket is
 * thread-safe, so readers on any worker send straight on the shared fd.
 */
#ifndef SL_NET_UDP_MUX_H
#define SL_NET_UDP_MUX_H

#include "net/worker.h"

#include <sys/socket.h>


#define SL_UDP_BATCH_MAX 64

struct sl_udp_batch {
    struct sl_msg msg;
    uint64_t      id;
    uint32_t      tag; /* the route's tag (e.g. a track index) */
    void (*fn)(struct sl_worker *w, struct sl_udp_batch *b);
    size_t   n;
    uint32_t off[SL_UDP_BATCH_MAX];
    uint32_t len[SL_UDP_BATCH_MAX];
    uint8_t *data;
};

/* Runs on the session's worker; the batch is freed after it returns. */
typedef void sl_udp_batch_fn(struct sl_worker *w, struct sl_udp_batch *b);

struct sl_udp_mux {
    int               fd;
    uv_poll_t         poll;
    struct sl_worker *owner;
    struct sl_hmap    routes; /* sl_addr_key -> struct route */
    uint64_t          unknown_drops;
    uint64_t          refused_drops;
    uint64_t          truncated_drops; /* datagrams larger than a slot */
    struct sl_log     log;
    uint8_t          *rxbuf;
    char              addr[64];
};

int  sl_udp_mux_open(struct sl_udp_mux *m, struct sl_worker *owner,
                     const char *addr, const struct sl_log *log);
void sl_udp_mux_close(struct sl_udp_mux *m);
/* Thread-safe: posts the change to the owner loop. */
void sl_udp_mux_route(struct sl_udp_mux *m, const struct sockaddr *peer,
                      struct sl_worker *w, uint64_t id, uint32_t tag,
                      sl_udp_batch_fn *fn);
void sl_udp_mux_unroute(struct sl_udp_mux *m, const struct sockaddr *peer,
                        uint64_t id);
/* Thread-safe; returns the number of datagrams sent or -errno. */
int sl_udp_mux_sendmmsg(struct sl_udp_mux *m, struct mmsghdr *msgs, unsigned n);
uint16_t sl_udp_mux_port(const struct sl_udp_mux *m);


#endif /* SL_NET_UDP_MUX_H */
