/* Sluice: plain and TLS listeners of a protocol server, certificate reload. */
#include "server/common/listeners.h"
#include "core/runtime.h"
#include "base/err.h"

#include <string.h>


#define RELOAD_CHECK_MS 5000


static void on_reload_timer(uv_timer_t *t);
static void on_reload_timer_closed(uv_handle_t *h);


int
sl_listeners_open(struct sl_listeners *ls, enum sl_conf_encryption enc,
                  const char *addr, const char *tls_addr, const char *cert,
                  const char *key, sl_accept_fn *fn, const struct sl_log *log,
                  const struct sl_log *log_tls)
{
    char err[256];
    int  rc;

    memset(ls, 0, sizeof(*ls));
    ls->log = log;
    ls->log_tls = log_tls;
    if (enc != SL_ENC_NO) {
        ls->tls = sl_tls_ctx_new(cert, key, err, sizeof(err));
        if (ls->tls == NULL) {
            sl_log_error(log_tls, "%s", err);
            return SL_EINVAL;
        }
    }
    if (enc != SL_ENC_STRICT) {
        rc = sl_listener_open(&ls->plain_l, sl_rt.control, addr,
                              &sl_rt.placement, fn, NULL, log);
        if (rc < 0) {
            sl_log_error(log, "cannot listen on %s: %s", addr, sl_strerror(rc));
            return rc;
        }
        ls->plain = true;
        sl_log_info(log, "listener opened on %s (TCP)", addr);
    }
    if (ls->tls != NULL) {
        rc = sl_listener_open(&ls->tls_l, sl_rt.control, tls_addr,
                              &sl_rt.placement, fn, ls->tls, log_tls);
        if (rc < 0) {
            sl_log_error(log_tls, "cannot listen on %s: %s", tls_addr,
                         sl_strerror(rc));
            return rc;
        }
        ls->secure = true;
        sl_log_info(log_tls, "listener opened on %s (TCP/TLS)", tls_addr);
        uv_timer_init(&sl_rt.control->loop, &ls->reload_timer);
        ls->reload_timer.data = ls;
        uv_timer_start(&ls->reload_timer, on_reload_timer, RELOAD_CHECK_MS,
                       RELOAD_CHECK_MS);
    }
    return 0;
}


/* Control loop: new connections get the new certificate after a change. */
static void
on_reload_timer(uv_timer_t *t)
{
    struct sl_listeners *ls = t->data;

    if (sl_tls_ctx_check_reload(ls->tls, ls->log_tls) > 0) {
        sl_log_info(ls->log_tls, "certificate reloaded from %s",
                    sl_tls_ctx_cert_path(ls->tls));
    }
}


void
sl_listeners_stop(struct sl_listeners *ls)
{
    if (ls->plain) {
        sl_listener_close(&ls->plain_l);
    }
    if (ls->secure) {
        sl_listener_close(&ls->tls_l);
    }
}


static void
on_reload_timer_closed(uv_handle_t *h)
{
    struct sl_listeners *ls = h->data;

    sl_tls_ctx_free(&ls->tls);
}


void
sl_listeners_close(struct sl_listeners *ls)
{
    sl_listeners_stop(ls);
    if (ls->secure) {
        if (!uv_is_closing((uv_handle_t *)&ls->reload_timer)) {
            uv_close((uv_handle_t *)&ls->reload_timer, on_reload_timer_closed);
        }
    } else {
        sl_tls_ctx_free(&ls->tls);
    }
}
