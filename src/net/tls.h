/*
 * TLS certificates: server certificate/key pairs with reload, and client
 * contexts for pulling rtsps/rtmps sources.
 *
 * A struct sl_tls_ctx is one listener's certificate: it owns an SSL_CTX
 * built from a PEM certificate (chain allowed) and a PEM private key.  When
 * the files change, sl_tls_ctx_check_reload (called by the control loop
 * every few seconds) builds a new SSL_CTX and swaps it in under a mutex:
 * new connections get the new pair, existing connections keep theirs
 * (every SSL object holds its own reference to the SSL_CTX it was made
 * from, so the old context lives until its last connection ends).
 *
 * Threads: sl_tls_ctx_get may be called from any thread (workers take a
 * context per accepted connection); new/free/check_reload belong to the
 * control thread.  The stream transport that uses these contexts is
 * net/sio.h; its TLS filter lives in tls.c next to the certificates (see
 * docs/internals/TLS.md).
 *
 * Policy: TLS 1.2 and 1.3 only, ECDHE (or DHE) key exchange with AEAD
 * ciphers for TLS 1.2, no renegotiation, no compression, no ALPN.
 */
#ifndef SL_NET_TLS_H
#define SL_NET_TLS_H

#include "base/log.h"
#include "net/sio.h"

#include <openssl/types.h>
#include <stddef.h>


struct sl_tls_ctx;


/*
 * Loads cert_path (PEM, leaf first, chain allowed) and key_path (PEM,
 * unencrypted: an encrypted key fails instead of prompting).  Returns the
 * context, or NULL with a message in err when a file cannot be read or
 * parsed or the key does not match the certificate.
 */
struct sl_tls_ctx *sl_tls_ctx_new(const char *cert_path, const char *key_path,
                                  char *err, size_t errlen);
/* Frees *c (connections made from it keep their SSL_CTX); sets *c = NULL. */
void sl_tls_ctx_free(struct sl_tls_ctx **c);
/*
 * Any thread: the current SSL_CTX with a reference taken; the caller
 * releases it with SSL_CTX_free (sl_sio_init takes its own reference, so
 * the usual pattern is get, sl_sio_init, SSL_CTX_free).
 */
SSL_CTX *sl_tls_ctx_get(struct sl_tls_ctx *c);
/*
 * Compares the files' device, inode, size, mtime and ctime with those of the
 * loaded pair.  When they changed and the new pair loads, swaps it in and
 * returns 1.  Returns 0 when nothing changed, and a negative code
 * (SL_EINVAL) when the changed files are invalid: the old pair stays, the
 * problem is logged once, and later calls return the same code silently
 * until the files change again.  Control thread only.  Replace the files
 * with rename(2) (as certbot and Kubernetes do) so a check never sees a
 * half-written file; if it does, the next change is picked up anyway.
 */
int sl_tls_ctx_check_reload(struct sl_tls_ctx *c, const struct sl_log *log);
/* The paths given to sl_tls_ctx_new (for logs and the API). */
const char *sl_tls_ctx_cert_path(const struct sl_tls_ctx *c);

/*
 * A client context (pulling rtsps/rtmps sources): fingerprint_hex NULL
 * means no verification at all (MediaMTX's behaviour without a
 * fingerprint); otherwise the server's leaf certificate must have this
 * SHA-256 fingerprint (64 hex digits of the DER encoding, either case,
 * colons allowed), and the chain is not checked.  Returns NULL with a
 * message in err for a malformed fingerprint.  The caller owns the result
 * (SSL_CTX_free).
 */
SSL_CTX *sl_tls_client_ctx_new(const char *fingerprint_hex, char *err,
                               size_t errlen);

/*
 * The hex SHA-256 fingerprint of a certificate's DER encoding, as accepted
 * by sl_tls_client_ctx_new (lower case, 65 bytes with the NUL).
 */
void sl_tls_fingerprint(X509 *cert, char out[65]);

/* The TLS filter for net/sio (used by sl_sio_init; not for other callers). */
extern const struct sl_sio_filter_type sl_sio_filter_tls;
/*
 * Starts the TLS filter on io, whose priv the framework has allocated:
 * the server side of the handshake, or the client side (sending sni unless
 * it is NULL or an IP literal).  Takes a reference to tls.  Called by
 * sl_sio_init and sl_sio_init_client only.
 */
int sl_tls_filter_start(struct sl_sio *io, SSL_CTX *tls, bool is_client,
                        const char *sni, uint64_t handshake_timeout_ms);


#endif /* SL_NET_TLS_H */
