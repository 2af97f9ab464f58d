/* Sluice: the RTMP server: listeners (RTMP, RTMPS). */
#include "server/rtmp/server.h"
#include "server/rtmp/rtmp.h"
#include "core/runtime.h"

#include <string.h>


struct rtmp_server sl_rtmp_srv;


int
sl_rtmp_server_start(void)
{
    const struct sl_conf *c = sl_rt.conf;
    size_t                i;

    memset(&sl_rtmp_srv, 0, sizeof(sl_rtmp_srv));
    for (i = 0; i < SL_MAX_WORKERS; i++) {
        sl_list_init(&sl_rtmp_srv.conns[i]);
    }
    sl_log_init(&sl_rtmp_srv.log, NULL, "[RTMP]");
    sl_log_init(&sl_rtmp_srv.log_tls, NULL, "[RTMPS]");
    return sl_listeners_open(
        &sl_rtmp_srv.listeners, c->rtmp_encryption, c->rtmp_address,
        c->rtmps_address, c->rtmp_server_cert, c->rtmp_server_key,
        sl_rtmp_conn_accept, &sl_rtmp_srv.log, &sl_rtmp_srv.log_tls);
}


void
sl_rtmp_server_stop_accepting(void)
{
    sl_listeners_stop(&sl_rtmp_srv.listeners);
}


void
sl_rtmp_server_stop(void)
{
    sl_listeners_close(&sl_rtmp_srv.listeners);
}


void
sl_rtmp_server_close_worker(struct sl_worker *w)
{
    struct sl_list *list = &sl_rtmp_srv.conns[w->id];

    while (!sl_list_empty(list)) {
        struct rtmp_conn *c =
            sl_container_of(list->next, struct rtmp_conn, node);

        rtmp_conn_close(c, "server is shutting down");
    }
}
