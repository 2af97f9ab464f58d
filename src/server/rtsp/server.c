/* Sluice: the RTSP server: listeners (RTSP, RTSPS) and shared UDP ports. */
#include "server/rtsp/server.h"
#include "server/rtsp/rtsp.h"
#include "core/runtime.h"
#include "base/err.h"

#include <string.h>


#define RELOAD_CHECK_MS 5000


static void on_reload_timer(uv_timer_t *t);
static int  open_udp(void);


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
    char                  err[256];
    size_t                i;
    int                   rc;

    memset(&sl_rtsp_srv, 0, sizeof(sl_rtsp_srv));
    for (i = 0; i < SL_MAX_WORKERS; i++) {
        sl_list_init(&sl_rtsp_srv.conns[i]);
    }
    sl_log_init(&sl_rtsp_srv.log, NULL, "[RTSP]");
    sl_log_init(&sl_rtsp_srv.log_tls, NULL, "[RTSPS]");
    sl_rtsp_srv.tcp = (c->rtsp_transports & SL_CONF_TRANSPORT_TCP) != 0;
    sl_rtsp_srv.udp = (c->rtsp_transports & SL_CONF_TRANSPORT_UDP) != 0;
    sl_rtsp_srv.plain = c->rtsp_encryption != SL_ENC_STRICT;
    sl_rtsp_srv.secure = c->rtsp_encryption != SL_ENC_NO;
    if (sl_rtsp_srv.secure) {
        sl_rtsp_srv.tls = sl_tls_ctx_new(c->rtsp_server_cert,
                                         c->rtsp_server_key, err, sizeof(err));
        if (sl_rtsp_srv.tls == NULL) {
            sl_log_error(&sl_rtsp_srv.log_tls, "%s", err);
            return SL_EINVAL;
        }
    }
    if (sl_rtsp_srv.udp && sl_rtsp_srv.plain) {
        rc = open_udp();
        if (rc < 0) {
            return rc;
        }
    } else {
        sl_rtsp_srv.udp = false;
    }
    if (sl_rtsp_srv.plain) {
        rc = sl_listener_open(&sl_rtsp_srv.listener, sl_rt.control,
                              c->rtsp_address, &sl_rt.placement,
                              sl_rtsp_conn_accept, NULL, &sl_rtsp_srv.log);
        if (rc < 0) {
            sl_log_error(&sl_rtsp_srv.log, "cannot listen on %s: %s",
                         c->rtsp_address, sl_strerror(rc));
            return rc;
        }
        if (sl_rtsp_srv.udp) {
            sl_log_info(&sl_rtsp_srv.log,
                        "listener opened on %s (TCP), %s (UDP/RTP), %s "
                        "(UDP/RTCP)",
                        c->rtsp_address, c->rtp_address, c->rtcp_address);
        } else {
            sl_log_info(&sl_rtsp_srv.log, "listener opened on %s (TCP)",
                        c->rtsp_address);
        }
    }
    if (sl_rtsp_srv.secure) {
        rc = sl_listener_open(&sl_rtsp_srv.listener_tls, sl_rt.control,
                              c->rtsps_address, &sl_rt.placement,
                              sl_rtsp_conn_accept, sl_rtsp_srv.tls,
                              &sl_rtsp_srv.log_tls);
        if (rc < 0) {
            sl_log_error(&sl_rtsp_srv.log_tls, "cannot listen on %s: %s",
                         c->rtsps_address, sl_strerror(rc));
            return rc;
        }
        sl_log_info(&sl_rtsp_srv.log_tls, "listener opened on %s (TCP/TLS)",
                    c->rtsps_address);
        uv_timer_init(&sl_rt.control->loop, &sl_rtsp_srv.reload_timer);
        uv_timer_start(&sl_rtsp_srv.reload_timer, on_reload_timer,
                       RELOAD_CHECK_MS, RELOAD_CHECK_MS);
    }
    return 0;
}


/* Control loop: new connections get the new certificate after a change. */
static void
on_reload_timer(uv_timer_t *t)
{
    (void)t;
    if (sl_tls_ctx_check_reload(sl_rtsp_srv.tls, &sl_rtsp_srv.log_tls) > 0) {
        sl_log_info(&sl_rtsp_srv.log_tls, "certificate reloaded from %s",
                    sl_tls_ctx_cert_path(sl_rtsp_srv.tls));
    }
}


void
sl_rtsp_server_stop_accepting(void)
{
    if (sl_rtsp_srv.plain) {
        sl_listener_close(&sl_rtsp_srv.listener);
    }
    if (sl_rtsp_srv.secure) {
        sl_listener_close(&sl_rtsp_srv.listener_tls);
    }
}


static void
on_reload_timer_closed(uv_handle_t *h)
{
    (void)h;
    sl_tls_ctx_free(&sl_rtsp_srv.tls);
}


void
sl_rtsp_server_stop(void)
{
    sl_rtsp_server_stop_accepting();
    if (sl_rtsp_srv.udp) {
        sl_udp_mux_close(&sl_rtsp_srv.rtp);
        sl_udp_mux_close(&sl_rtsp_srv.rtcp);
    }
    if (sl_rtsp_srv.tls != NULL
        && !uv_is_closing((uv_handle_t *)&sl_rtsp_srv.reload_timer))
    {
        uv_close((uv_handle_t *)&sl_rtsp_srv.reload_timer,
                 on_reload_timer_closed);
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
