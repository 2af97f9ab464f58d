/*
 * The TCP listeners of one protocol server: plain, TLS, or both, as the
 * protocol's *Encryption key says ("no", "optional", "strict"), with the
 * TLS certificate reloaded when its files change.  Shared by RTSP/RTSPS
 * and RTMP/RTMPS (HTTP servers do TLS in h2o).
 *
 * Runs on the control loop.  The accept callback gets ud = NULL for the
 * plain listener and the struct sl_tls_ctx * for the TLS one (take the
 * current SSL_CTX with sl_tls_ctx_get).
 */
#ifndef SL_SERVER_COMMON_LISTENERS_H
#define SL_SERVER_COMMON_LISTENERS_H

#include "conf/conf.h"
#include "net/listener.h"
#include "net/tls.h"

#include <stdbool.h>
#include <uv.h>


struct sl_listeners {
    struct sl_listener   plain_l;
    struct sl_listener   tls_l;
    struct sl_tls_ctx   *tls;
    uv_timer_t           reload_timer;
    bool                 plain;
    bool                 secure;
    const struct sl_log *log;
    const struct sl_log *log_tls;
};

/*
 * Opens the listeners: addr (plain) and tls_addr (TLS) as enc says, with
 * cert/key for TLS.  Logs what it opened, or the error.  0 or a negative
 * code (then call sl_listeners_close anyway).
 */
int sl_listeners_open(struct sl_listeners *ls, enum sl_conf_encryption enc,
                      const char *addr, const char *tls_addr, const char *cert,
                      const char *key, sl_accept_fn *fn,
                      const struct sl_log *log, const struct sl_log *log_tls);
/* Stops accepting (idempotent). */
void sl_listeners_stop(struct sl_listeners *ls);
/* Stops accepting and releases the TLS context (idempotent). */
void sl_listeners_close(struct sl_listeners *ls);


#endif /* SL_SERVER_COMMON_LISTENERS_H */
