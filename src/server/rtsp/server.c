/* Sluice: the RTSP server: listeners (RTSP, RTSPS) and shared UDP ports. */
#include "server/rtsp/server.h"
#include "server/rtsp/rtsp.h"
#include "core/runtime.h"
#include "base/err.h"

#include <string.h>


static int open_udp(void);


struct rtsp_server sl_rtsp_srv;


static int
open_udp(void)
{
    const struct sl_conf *c = sl_rt.conf;
    int                   rc;

    rc = sl_udp_mux_open(&sl_rtsp_srv.rtp, sl_rt.control, c->rtp_address,
                         &sl_rtsp_srv.log);
    if (rc < 0) {
        sl_log_error(&sl_rtsp_srv.log, "cannot listen on %s (UDP/RTP): %s",
                     c->rtp_address, sl_strerror(rc));
        return rc;
    }
    rc = sl_udp_mux_open(&sl_rtsp_srv.rtcp, sl_rt.control, c->rtcp_address,
                         &sl_rtsp_srv.log);
    if (rc < 0) {
        sl_log_error(&sl_rtsp_srv.log, "cannot listen on %s (UDP/RTCP): %s",
                     c->rtcp_address, sl_strerror(rc));
        return rc;
    }
    sl_rtsp_srv.rtp_port = sl_udp_mux_port(&sl_rtsp_srv.rtp);
    sl_rtsp_srv.rtcp_port = sl_udp_mux_port(&sl_rtsp_srv.rtcp);
    return 0;
}


int
sl_rtsp_server_start(void)
{
    const struct sl_conf *c = sl_rt.conf;
    size_t                i;
    int                   rc;

    memset(&sl_rtsp_srv, 0, sizeof(sl_rtsp_srv));
    for (i = 0; i < SL_MAX_WORKERS; i++) {
        sl_list_init(&sl_rtsp_srv.conns[i]);
    }
    sl_log_init(&sl_rtsp_srv.log, NULL, "[RTSP]");
    sl_log_init(&sl_rtsp_srv.log_tls, NULL, "[RTSPS]");
    sl_rtsp_srv.tcp = (c->rtsp_transports & SL_CONF_TRANSPORT_TCP) != 0;
    sl_rtsp_srv.udp = (c->rtsp_transports & SL_CONF_TRANSPORT_UDP) != 0
                      && c->rtsp_encryption != SL_ENC_STRICT;
    if (sl_rtsp_srv.udp) {
        rc = open_udp();
        if (rc < 0) {
            return rc;
        }
        sl_log_info(&sl_rtsp_srv.log,
                    "UDP listeners opened on %s (RTP), %s "
                    "(RTCP)",
                    c->rtp_address, c->rtcp_address);
    }
    return sl_listeners_open(
        &sl_rtsp_srv.listeners, c->rtsp_encryption, c->rtsp_address,
        c->rtsps_address, c->rtsp_server_cert, c->rtsp_server_key,
        sl_rtsp_conn_accept, &sl_rtsp_srv.log, &sl_rtsp_srv.log_tls);
}


void
sl_rtsp_server_stop_accepting(void)
{
    sl_listeners_stop(&sl_rtsp_srv.listeners);
}


void
sl_rtsp_server_stop(void)
{
    sl_listeners_close(&sl_rtsp_srv.listeners);
    if (sl_rtsp_srv.udp) {
        sl_udp_mux_close(&sl_rtsp_srv.rtp);
        sl_udp_mux_close(&sl_rtsp_srv.rtcp);
    }
}


void
sl_rtsp_server_close_worker(struct sl_worker *w)
{
    struct sl_list *list = &sl_rtsp_srv.conns[w->id];

    while (!sl_list_empty(list)) {
        struct rtsp_conn *c =
            sl_container_of(list->next, struct rtsp_conn, node);

        rtsp_conn_close(c, "server is shutting down");
    }
}
