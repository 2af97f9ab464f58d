/* Sluice: TLS certificates with reload, and the TLS filter of net/sio. */
#include "net/tls.h"
#include "base/alloc.h"
#include "base/dbuf.h"
#include "base/err.h"
#include "base/str.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <string.h>
#include <sys/stat.h>


/* TLS 1.2 suites: forward secrecy and AEAD only (1.3 suites are all fine). */
#define TLS12_CIPHERS                                                          \
    "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL:!eNULL"

/*
 * Ciphertext the filter may hold: one maximal write plus record overhead
 * (at most 256 bytes per 16 KiB record even for CBC suites a client
 * context might negotiate) plus handshake messages and alerts.
 */
#define TLS_OUT_CAP                                                            \
    (SL_SIO_TLS_MAX_WRITE + SL_SIO_TLS_MAX_WRITE / 64 + 64 * 1024)
/* Plaintext gathered per record from small buffers (a TLS record's max). */
#define TLS_STAGE (16 * 1024)
/* A ciphertext buffer bigger than this is freed after its write. */
#define TLS_OUT_KEEP (64 * 1024)


struct file_id {
    int             err; /* errno of stat, 0 when it succeeded */
    dev_t           dev;
    ino_t           ino;
    off_t           size;
    struct timespec mtim;
    struct timespec ctim;
};

struct sl_tls_ctx {
    uv_mutex_t     lock; /* guards ctx */
    SSL_CTX       *ctx;
    char          *cert_path;
    char          *key_path;
    struct file_id cert_id; /* of the loaded pair */
    struct file_id key_id;
    bool           bad; /* the files below failed to load */
    int            bad_rc;
    struct file_id bad_cert_id;
    struct file_id bad_key_id;
};

/* The filter's state: io->priv of a TLS sio. */
struct tls_filter {
    SSL           *ssl;
    BIO           *bio;   /* owned by ssl; reads in_p, appends to out */
    uv_timer_t     timer; /* handshake timeout */
    bool           timer_on;
    bool           handshake_done;
    bool           broken;   /* fatal error: no more SSL calls but SSL_free */
    bool           overflow; /* the BIO refused output (TLS_OUT_CAP) */
    bool           out_has_user; /* out ends with the owner's write */
    bool           inflight_has_user;
    const uint8_t *in_p; /* ciphertext being fed to OpenSSL */
    size_t         in_n;
    struct sl_dbuf out;      /* ciphertext waiting for the socket */
    struct sl_dbuf inflight; /* ciphertext being written */
    /* The owner's write when it cannot be encrypted yet (before the
     * handshake ends, or OpenSSL wants to read first). */
    uv_buf_t     *pend;
    unsigned      npend;
    unsigned      pend_i;
    size_t        pend_off;
    uint8_t      *held; /* a staged record to retry first (tls_encrypt) */
    size_t        held_len;
    unsigned long ssl_err; /* first OpenSSL error of a failure */
};


static int      file_id_get(const char *path, struct file_id *id);
static bool     file_id_same(const struct file_id *a, const struct file_id *b);
static SSL_CTX *server_ctx_load(const char *cert_path, const char *key_path,
                                char *err, size_t errlen);
static void     ssl_errmsg(const char *what, const char *path, char *err,
                           size_t errlen);
static int      no_password(char *buf, int size, int rwflag, void *ud);
static int      parse_fingerprint(const char *hex, uint8_t out[32]);
static void     pin_once(void);
static void     pin_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                         long argl, void *argp);
static int      pin_verify(X509_STORE_CTX *x, void *arg);
static void     bio_once(void);
static int      bio_write(BIO *b, const char *p, size_t n, size_t *written);
static int      bio_read(BIO *b, char *p, size_t n, size_t *got);
static long     bio_ctrl(BIO *b, int cmd, long larg, void *parg);
static int      bio_create(BIO *b);
static void     tls_recv(struct sl_sio *io, const uint8_t *p, size_t n);
static int      tls_pump(struct sl_sio *io);
static int      tls_fatal(struct sl_sio *io, int ssl_rc);
static int      tls_write(struct sl_sio *io, const uv_buf_t *bufs, unsigned n);
static int      tls_encrypt(struct sl_sio *io, const uv_buf_t *bufs, unsigned n,
                            unsigned *i, size_t *off);
static int      tls_write_stage(struct sl_sio *io, size_t len);
static int      tls_ssl_write(struct sl_sio *io, const void *p, size_t len);
static int      tls_encrypt_pending(struct sl_sio *io);
static int      tls_flush(struct sl_sio *io);
static void     tls_raw_written(struct sl_sio *io, int status);
static int      tls_close(struct sl_sio *io);
static void     tls_free(struct sl_sio *io);
static bool     tls_ready(const struct sl_sio *io);
static void     tls_strerror(const struct sl_sio *io, int err, char *buf,
                             size_t len);
static void     on_handshake_timer(uv_timer_t *t);
static void     on_timer_closed(uv_handle_t *h);


const struct sl_sio_filter_type sl_sio_filter_tls = {
    .name = "tls",
    .priv_size = sizeof(struct tls_filter),
    .recv = tls_recv,
    .write = tls_write,
    .raw_written = tls_raw_written,
    .close = tls_close,
    .free = tls_free,
    .ready = tls_ready,
    .strerror = tls_strerror,
};

static _Thread_local uint8_t tls_stage[TLS_STAGE];
static uv_once_t             pin_guard = UV_ONCE_INIT;
static int                   pin_index = -1;
static uv_once_t             bio_guard = UV_ONCE_INIT;
static BIO_METHOD           *bio_method;


/* Certificates. */


struct sl_tls_ctx *
sl_tls_ctx_new(const char *cert_path, const char *key_path, char *err,
               size_t errlen)
{
    struct sl_tls_ctx *c;
    struct file_id     cid, kid;
    SSL_CTX           *ctx;

    /* Stat first: a change after this point is seen by the next check. */
    file_id_get(cert_path, &cid);
    file_id_get(key_path, &kid);
    ctx = server_ctx_load(cert_path, key_path, err, errlen);
    if (ctx == NULL) {
        return NULL;
    }
    c = sl_calloc(1, sizeof(*c));
    uv_mutex_init(&c->lock);
    c->ctx = ctx;
    c->cert_path = sl_strdup(cert_path);
    c->key_path = sl_strdup(key_path);
    c->cert_id = cid;
    c->key_id = kid;
    return c;
}


void
sl_tls_ctx_free(struct sl_tls_ctx **cp)
{
    struct sl_tls_ctx *c = *cp;

    if (c == NULL) {
        return;
    }
    SSL_CTX_free(c->ctx);
    uv_mutex_destroy(&c->lock);
    sl_free(c->cert_path);
    sl_free(c->key_path);
    sl_free(c);
    *cp = NULL;
}


SSL_CTX *
sl_tls_ctx_get(struct sl_tls_ctx *c)
{
    SSL_CTX *ctx;

    uv_mutex_lock(&c->lock);
    ctx = c->ctx;
    SSL_CTX_up_ref(ctx);
    uv_mutex_unlock(&c->lock);
    return ctx;
}


const char *
sl_tls_ctx_cert_path(const struct sl_tls_ctx *c)
{
    return c->cert_path;
}


int
sl_tls_ctx_check_reload(struct sl_tls_ctx *c, const struct sl_log *log)
{
    struct file_id cid, kid;
    SSL_CTX       *ctx, *old;
    char           err[256];

    file_id_get(c->cert_path, &cid);
    file_id_get(c->key_path, &kid);
    if (file_id_same(&cid, &c->cert_id) && file_id_same(&kid, &c->key_id)) {
        c->bad = false;
        return 0;
    }
    if (c->bad && file_id_same(&cid, &c->bad_cert_id)
        && file_id_same(&kid, &c->bad_key_id))
    {
        return c->bad_rc;
    }
    ctx = server_ctx_load(c->cert_path, c->key_path, err, sizeof(err));
    if (ctx == NULL) {
        c->bad = true;
        c->bad_rc = SL_EINVAL;
        c->bad_cert_id = cid;
        c->bad_key_id = kid;
        sl_log_error(log,
                     "TLS certificate %s changed but cannot be used, "
                     "keeping the previous one: %s",
                     c->cert_path, err);
        return c->bad_rc;
    }
    uv_mutex_lock(&c->lock);
    old = c->ctx;
    c->ctx = ctx;
    uv_mutex_unlock(&c->lock);
    SSL_CTX_free(old);
    c->cert_id = cid;
    c->key_id = kid;
    c->bad = false;
    sl_log_info(log, "TLS certificate %s reloaded", c->cert_path);
    return 1;
}


static int
file_id_get(const char *path, struct file_id *id)
{
    struct stat st;

    memset(id, 0, sizeof(*id));
    if (stat(path, &st) < 0) {
        id->err = errno;
        return -errno;
    }
    id->dev = st.st_dev;
    id->ino = st.st_ino;
    id->size = st.st_size;
    id->mtim = st.st_mtim;
    id->ctim = st.st_ctim;
    return 0;
}


static bool
file_id_same(const struct file_id *a, const struct file_id *b)
{
    return a->err == b->err && a->dev == b->dev && a->ino == b->ino
           && a->size == b->size && a->mtim.tv_sec == b->mtim.tv_sec
           && a->mtim.tv_nsec == b->mtim.tv_nsec
           && a->ctim.tv_sec == b->ctim.tv_sec
           && a->ctim.tv_nsec == b->ctim.tv_nsec;
}


static SSL_CTX *
server_ctx_load(const char *cert_path, const char *key_path, char *err,
                size_t errlen)
{
    SSL_CTX    *ctx;
    struct stat st;

    if (stat(cert_path, &st) < 0) {
        sl_snprintf(err, errlen, "cannot read certificate %s: %s", cert_path,
                    strerror(errno));
        return NULL;
    }
    if (stat(key_path, &st) < 0) {
        sl_snprintf(err, errlen, "cannot read key %s: %s", key_path,
                    strerror(errno));
        return NULL;
    }
    ERR_clear_error();
    ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) {
        ssl_errmsg("cannot create a TLS context", NULL, err, errlen);
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION
                                 | SSL_OP_CIPHER_SERVER_PREFERENCE
                                 | SSL_OP_NO_COMPRESSION);
    /* OpenSSL's record buffers (about 34 KiB) are freed when idle. */
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    /* No stateful session cache (it would grow with clients); stateless
     * tickets still allow resumption, one per handshake is enough. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx, 1);
    SSL_CTX_set_dh_auto(ctx, 1);
    SSL_CTX_set_default_passwd_cb(ctx, no_password);
    if (SSL_CTX_set_cipher_list(ctx, TLS12_CIPHERS) != 1) {
        ssl_errmsg("cannot set the cipher list", NULL, err, errlen);
        goto fail;
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_path) != 1) {
        ssl_errmsg("cannot load certificate", cert_path, err, errlen);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1) {
        ssl_errmsg("cannot load key", key_path, err, errlen);
        goto fail;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        ssl_errmsg("key does not match certificate", key_path, err, errlen);
        goto fail;
    }
    ERR_clear_error();
    return ctx;

fail:
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return NULL;
}


static void
ssl_errmsg(const char *what, const char *path, char *err, size_t errlen)
{
    unsigned long e = ERR_peek_error(); /* the root cause */
    const char   *reason = e != 0 ? ERR_reason_error_string(e) : NULL;

    if (reason == NULL) {
        reason = "unknown error";
    }
    if (path != NULL) {
        sl_snprintf(err, errlen, "%s %s: %s", what, path, reason);
    } else {
        sl_snprintf(err, errlen, "%s: %s", what, reason);
    }
}


/* An encrypted key fails to load instead of prompting on the terminal. */
static int
no_password(char *buf, int size, int rwflag, void *ud)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)ud;
    return 0;
}


/* Client contexts. */


SSL_CTX *
sl_tls_client_ctx_new(const char *fingerprint_hex, char *err, size_t errlen)
{
    SSL_CTX *ctx;
    uint8_t  pin[32];

    if (fingerprint_hex != NULL && parse_fingerprint(fingerprint_hex, pin) < 0)
    {
        sl_snprintf(err, errlen,
                    "invalid fingerprint '%s' (expected 64 hex digits of a "
                    "SHA-256 hash)",
                    fingerprint_hex);
        return NULL;
    }
    uv_once(&pin_guard, pin_once);
    ERR_clear_error();
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        ssl_errmsg("cannot create a TLS context", NULL, err, errlen);
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    if (fingerprint_hex == NULL) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
        return ctx;
    }
    if (pin_index < 0
        || SSL_CTX_set_ex_data(ctx, pin_index, sl_memdup(pin, sizeof(pin)))
               != 1)
    {
        ssl_errmsg("cannot attach the fingerprint", NULL, err, errlen);
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    /* Replaces chain verification entirely: only the pin counts. */
    SSL_CTX_set_cert_verify_callback(ctx, pin_verify, NULL);
    return ctx;
}


void
sl_tls_fingerprint(X509 *cert, char out[65])
{
    uint8_t      md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    if (X509_digest(cert, EVP_sha256(), md, &len) != 1 || len != 32) {
        out[0] = '\0';
        return;
    }
    sl_hex_encode(md, 32, out);
}


static int
parse_fingerprint(const char *hex, uint8_t out[32])
{
    size_t n = 0;
    int    hi = -1;

    for (; *hex != '\0'; hex++) {
        int  v;
        char ch = *hex;

        if (ch == ':') {
            continue;
        }
        if (ch >= '0' && ch <= '9') {
            v = ch - '0';
        } else if (ch >= 'a' && ch <= 'f') {
            v = ch - 'a' + 10;
        } else if (ch >= 'A' && ch <= 'F') {
            v = ch - 'A' + 10;
        } else {
            return SL_EINVAL;
        }
        if (hi < 0) {
            hi = v;
            continue;
        }
        if (n == 32) {
            return SL_EINVAL;
        }
        out[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    return n == 32 && hi < 0 ? 0 : SL_EINVAL;
}


static void
pin_once(void)
{
    pin_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, pin_free);
}


static void
pin_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
         void *argp)
{
    (void)parent;
    (void)ad;
    (void)idx;
    (void)argl;
    (void)argp;
    sl_free(ptr);
}


static int
pin_verify(X509_STORE_CTX *x, void *arg)
{
    SSL           *ssl;
    const uint8_t *pin;
    X509          *leaf = X509_STORE_CTX_get0_cert(x);
    uint8_t        md[EVP_MAX_MD_SIZE];
    unsigned int   len = 0;

    (void)arg;
    ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
    pin = ssl != NULL ? SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), pin_index)
                      : NULL;
    if (pin != NULL && leaf != NULL
        && X509_digest(leaf, EVP_sha256(), md, &len) == 1
        && sl_ct_equal(md, len, pin, 32))
    {
        return 1;
    }
    X509_STORE_CTX_set_error(x, X509_V_ERR_CERT_REJECTED);
    return 0;
}


/*
 * The BIO between OpenSSL and libuv.  Reads come from the chunk the socket
 * just delivered (in_p/in_n: no copy into a memory BIO, and what OpenSSL
 * does not take as a whole record it buffers itself); writes append to the
 * filter's ciphertext buffer, capped at TLS_OUT_CAP.  "Would block" on read
 * means "no more input in this chunk".
 */


static void
bio_once(void)
{
    bio_method =
        BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "sluice sio");
    BIO_meth_set_write_ex(bio_method, bio_write);
    BIO_meth_set_read_ex(bio_method, bio_read);
    BIO_meth_set_ctrl(bio_method, bio_ctrl);
    BIO_meth_set_create(bio_method, bio_create);
}


static int
bio_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}


static int
bio_write(BIO *b, const char *p, size_t n, size_t *written)
{
    struct tls_filter *t = BIO_get_data(b);
    uint8_t           *d;

    BIO_clear_retry_flags(b);
    d = sl_dbuf_reserve(&t->out, n);
    if (d == NULL) {
        t->overflow = true;
        return 0;
    }
    memcpy(d, p, n);
    sl_dbuf_commit(&t->out, n);
    *written = n;
    return 1;
}


static int
bio_read(BIO *b, char *p, size_t n, size_t *got)
{
    struct tls_filter *t = BIO_get_data(b);

    BIO_clear_retry_flags(b);
    if (t->in_n == 0) {
        BIO_set_retry_read(b);
        return 0;
    }
    if (n > t->in_n) {
        n = t->in_n;
    }
    memcpy(p, t->in_p, n);
    t->in_p += n;
    t->in_n -= n;
    *got = n;
    return 1;
}


static long
bio_ctrl(BIO *b, int cmd, long larg, void *parg)
{
    struct tls_filter *t = BIO_get_data(b);

    (void)larg;
    (void)parg;
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_PENDING:
        return t != NULL ? (long)t->in_n : 0;
    case BIO_CTRL_WPENDING:
        return 0;
    default:
        return 0;
    }
}


/* The filter. */


int
sl_tls_filter_start(struct sl_sio *io, SSL_CTX *tls, bool is_client,
                    const char *sni, uint64_t handshake_timeout_ms)
{
    struct tls_filter *t = io->priv;
    int                rc;

    sl_dbuf_init(&t->out, TLS_OUT_CAP);
    sl_dbuf_init(&t->inflight, TLS_OUT_CAP);
    uv_once(&bio_guard, bio_once);
    ERR_clear_error();
    t->ssl = SSL_new(tls);
    if (t->ssl == NULL || bio_method == NULL) {
        t->ssl_err = ERR_peek_error();
        ERR_clear_error();
        return SL_EBADDATA;
    }
    t->bio = BIO_new(bio_method);
    if (t->bio == NULL) {
        t->ssl_err = ERR_peek_error();
        ERR_clear_error();
        return SL_EBADDATA;
    }
    BIO_set_data(t->bio, t);
    /* Same BIO both ways: SSL_set_bio takes the one reference. */
    SSL_set_bio(t->ssl, t->bio, t->bio);
    SSL_set_mode(t->ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (is_client) {
        struct in6_addr a6;
        struct in_addr  a4;

        SSL_set_connect_state(t->ssl);
        if (sni != NULL && sni[0] != '\0' && inet_pton(AF_INET, sni, &a4) != 1
            && inet_pton(AF_INET6, sni, &a6) != 1)
        {
            SSL_set_tlsext_host_name(t->ssl, sni);
        }
    } else {
        SSL_set_accept_state(t->ssl);
    }
    if (handshake_timeout_ms > 0) {
        uv_timer_init(io->tcp.loop, &t->timer);
        t->timer.data = io;
        t->timer_on = true;
        uv_timer_start(&t->timer, on_handshake_timer, handshake_timeout_ms, 0);
    }
    if (is_client) {
        /* Sends the ClientHello. */
        rc = tls_pump(io);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}


static void
tls_recv(struct sl_sio *io, const uint8_t *p, size_t n)
{
    struct tls_filter *t = io->priv;
    int                rc;

    t->in_p = p;
    t->in_n = n;
    rc = tls_pump(io);
    /* Input left over after a failure or a close is dropped. */
    t->in_p = NULL;
    t->in_n = 0;
    if (rc < 0) {
        sl_sio_fail(io, rc);
    }
}


/*
 * Drives OpenSSL with the input at hand: the handshake, then a held-back
 * write, then records to the owner until the input runs out, then the
 * ciphertext produced on the way to the socket.  Returns 0 or the error to
 * report.
 */
static int
tls_pump(struct sl_sio *io)
{
    struct tls_filter *t = io->priv;
    int                rc;

    if (t->broken) {
        return SL_EBADDATA;
    }
    if (!t->handshake_done) {
        ERR_clear_error();
        rc = SSL_do_handshake(t->ssl);
        if (rc != 1) {
            int e = SSL_get_error(t->ssl, rc);

            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                return tls_fatal(io, e);
            }
            return tls_flush(io);
        }
        t->handshake_done = true;
        if (t->timer_on) {
            uv_timer_stop(&t->timer);
        }
    }
    if (t->pend != NULL) {
        rc = tls_encrypt_pending(io);
        if (rc < 0 && rc != SL_EAGAIN) {
            return rc;
        }
    }
    for (;;) {
        uint8_t plain[16 * 1024];
        size_t  got = 0;

        ERR_clear_error();
        if (SSL_read_ex(t->ssl, plain, sizeof(plain), &got) == 1) {
            sl_sio_deliver(io, plain, got);
            if (io->closing || io->failed) {
                return 0;
            }
            continue;
        }
        rc = SSL_get_error(t->ssl, 0);
        if (rc == SSL_ERROR_WANT_READ || rc == SSL_ERROR_WANT_WRITE) {
            break;
        }
        return tls_fatal(io, rc);
    }
    /*
     * Every record read has been consumed: give OpenSSL's 16 KiB read
     * buffer back (SSL_MODE_RELEASE_BUFFERS keeps it after a read that
     * wanted more).  A partial record in it makes this a no-op.
     */
    SSL_free_buffers(t->ssl);
    /* Reading may have unblocked a write (after a key update, say). */
    if (t->pend != NULL) {
        rc = tls_encrypt_pending(io);
        if (rc < 0 && rc != SL_EAGAIN) {
            return rc;
        }
    }
    return tls_flush(io);
}


/*
 * An OpenSSL call failed for good: remember why, send the alert OpenSSL
 * may have produced (best effort) and return the code to report.
 */
static int
tls_fatal(struct sl_sio *io, int ssl_rc)
{
    struct tls_filter *t = io->priv;
    int                rc;

    if (ssl_rc == SSL_ERROR_ZERO_RETURN) {
        /* The peer's close_notify: a clean end of stream. */
        return UV_EOF;
    }
    t->broken = true;
    if (t->ssl_err == 0) {
        t->ssl_err = ERR_peek_error();
    }
    ERR_clear_error();
    rc = t->overflow ? SL_ELIMIT : SL_EBADDATA;
    tls_flush(io);
    return rc;
}


static int
tls_write(struct sl_sio *io, const uv_buf_t *bufs, unsigned n)
{
    struct tls_filter *t = io->priv;
    size_t             total = 0, off = 0;
    unsigned           i = 0;
    int                rc;

    /* After a plain EOF the session is intact and may still send, as a
     * plain TCP sio may; after a TLS failure it may not. */
    if (t->broken) {
        return SL_ECLOSED;
    }
    for (i = 0; i < n; i++) {
        total += bufs[i].len;
    }
    if (total > SL_SIO_TLS_MAX_WRITE) {
        return SL_ELIMIT;
    }
    i = 0;
    if (t->handshake_done) {
        rc = tls_encrypt(io, bufs, n, &i, &off);
        if (rc == 0) {
            t->out_has_user = true;
            rc = tls_flush(io);
            return rc < 0 ? rc : 0;
        }
        if (rc != SL_EAGAIN) {
            return rc;
        }
    }
    /* Held back until tls_pump can go on (the buffers stay valid until
     * on_written, the descriptors are copied). */
    t->pend = sl_memdup(bufs, n * sizeof(*bufs));
    t->npend = n;
    t->pend_i = i;
    t->pend_off = off;
    return 0;
}


/*
 * Encrypts bufs from (*i, *off) on into out.  Buffers of a record's size or
 * more go to OpenSSL as they are; smaller ones (RTSP's 4-byte interleaved
 * headers, RTP packets, RTMP chunk headers) are gathered in a per-thread
 * staging buffer first so that they make full records instead of one
 * record each.  Returns 0 when all is done, SL_EAGAIN when OpenSSL must
 * read first, or a fatal code.  On SL_EAGAIN, (*i, *off) tell where to go
 * on, and a staged record OpenSSL did not take is kept in t->held: the
 * next call retries it first, with the same bytes, as SSL_write requires
 * (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER allows the new address).
 */
static int
tls_encrypt(struct sl_sio *io, const uv_buf_t *bufs, unsigned n, unsigned *i,
            size_t *off)
{
    struct tls_filter *t = io->priv;
    size_t             staged = 0;
    int                rc;

    if (t->held != NULL) {
        rc = tls_ssl_write(io, t->held, t->held_len);
        if (rc < 0) {
            return rc;
        }
        sl_freep(&t->held);
        t->held_len = 0;
    }
    while (*i < n) {
        const uv_buf_t *b = &bufs[*i];
        size_t          left = b->len - *off;

        if (left == 0) {
            (*i)++;
            *off = 0;
            continue;
        }
        if (left < TLS_STAGE) {
            size_t take = left < TLS_STAGE - staged ? left : TLS_STAGE - staged;

            memcpy(tls_stage + staged, b->base + *off, take);
            staged += take;
            *off += take;
            if (staged == TLS_STAGE) {
                rc = tls_write_stage(io, staged);
                staged = 0;
                if (rc < 0) {
                    return rc;
                }
            }
            continue;
        }
        if (staged > 0) {
            rc = tls_write_stage(io, staged);
            staged = 0;
            if (rc < 0) {
                return rc;
            }
        }
        rc = tls_ssl_write(io, b->base + *off, left);
        if (rc < 0) {
            return rc;
        }
        (*i)++;
        *off = 0;
    }
    if (staged > 0) {
        return tls_write_stage(io, staged);
    }
    return 0;
}


/* Encrypts the staging buffer's first len bytes (see tls_encrypt). */
static int
tls_write_stage(struct sl_sio *io, size_t len)
{
    struct tls_filter *t = io->priv;
    int                rc = tls_ssl_write(io, tls_stage, len);

    if (rc == SL_EAGAIN) {
        /* The staging buffer belongs to the thread, not to this sio. */
        t->held = sl_memdup(tls_stage, len);
        t->held_len = len;
    }
    return rc;
}


/* One SSL_write_ex of all of p: 0, SL_EAGAIN or a fatal code. */
static int
tls_ssl_write(struct sl_sio *io, const void *p, size_t len)
{
    struct tls_filter *t = io->priv;
    size_t             w = 0;
    int                e;

    ERR_clear_error();
    if (SSL_write_ex(t->ssl, p, len, &w) == 1) {
        return 0;
    }
    e = SSL_get_error(t->ssl, 0);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        return SL_EAGAIN;
    }
    return tls_fatal(io, e == SSL_ERROR_ZERO_RETURN ? SSL_ERROR_SSL : e);
}


static int
tls_encrypt_pending(struct sl_sio *io)
{
    struct tls_filter *t = io->priv;
    int                rc;

    rc = tls_encrypt(io, t->pend, t->npend, &t->pend_i, &t->pend_off);
    if (rc < 0) {
        return rc;
    }
    sl_freep(&t->pend);
    t->npend = 0;
    t->out_has_user = true;
    return 0;
}


/* Starts writing out's ciphertext unless a write is in flight. */
static int
tls_flush(struct sl_sio *io)
{
    struct tls_filter *t = io->priv;
    struct sl_dbuf     tmp;
    uv_buf_t           b;
    int                rc;

    if (io->raw_writing || io->closing || t->out.len == 0) {
        return 0;
    }
    tmp = t->inflight;
    t->inflight = t->out;
    t->out = tmp;
    t->inflight_has_user = t->out_has_user;
    t->out_has_user = false;
    b = uv_buf_init((char *)sl_dbuf_data(&t->inflight),
                    (unsigned)t->inflight.len);
    rc = sl_sio_raw_write(io, &b);
    if (rc < 0) {
        t->broken = true;
        t->inflight_has_user = false;
        sl_dbuf_reset(&t->inflight);
        return rc;
    }
    return 0;
}


static void
tls_raw_written(struct sl_sio *io, int status)
{
    struct tls_filter *t = io->priv;
    bool               user = t->inflight_has_user;
    int                rc;

    t->inflight_has_user = false;
    /* Idle connections hold no ciphertext memory; a busy one keeps a
     * buffer of moderate size for the next swap. */
    if (t->out.len == 0 || t->inflight.alloc > TLS_OUT_KEEP) {
        sl_dbuf_free(&t->inflight);
    } else {
        sl_dbuf_reset(&t->inflight);
    }
    if (io->closing) {
        if (user) {
            sl_sio_write_done(io, status);
        }
        return;
    }
    if (status < 0) {
        t->broken = true;
        if (user) {
            sl_sio_write_done(io, status);
        } else {
            sl_sio_fail(io, status);
        }
        return;
    }
    if (user) {
        /* The owner may write again or close from on_written. */
        sl_sio_write_done(io, 0);
        if (io->closing) {
            return;
        }
    }
    rc = tls_flush(io);
    if (rc < 0) {
        sl_sio_fail(io, rc);
    }
}


static int
tls_close(struct sl_sio *io)
{
    struct tls_filter *t = io->priv;

    /* A close_notify, when it is the only thing to send and the socket
     * takes it at once; nobody waits for the peer's. */
    if (t->ssl != NULL && t->handshake_done && !t->broken && !io->raw_writing
        && t->out.len == 0)
    {
        ERR_clear_error();
        SSL_shutdown(t->ssl);
        ERR_clear_error();
        if (t->out.len > 0) {
            uv_buf_t b = uv_buf_init((char *)sl_dbuf_data(&t->out),
                                     (unsigned)t->out.len);

            uv_try_write((uv_stream_t *)&io->tcp, &b, 1);
        }
    }
    if (!t->timer_on) {
        return 0;
    }
    uv_timer_stop(&t->timer);
    uv_close((uv_handle_t *)&t->timer, on_timer_closed);
    return 1;
}


static void
tls_free(struct sl_sio *io)
{
    struct tls_filter *t = io->priv;

    SSL_free(t->ssl); /* and the BIO */
    t->ssl = NULL;
    sl_dbuf_free(&t->out);
    sl_dbuf_free(&t->inflight);
    sl_freep(&t->pend);
    sl_freep(&t->held);
}


static bool
tls_ready(const struct sl_sio *io)
{
    const struct tls_filter *t = io->priv;

    return t->handshake_done;
}


static void
tls_strerror(const struct sl_sio *io, int err, char *buf, size_t len)
{
    const struct tls_filter *t = io->priv;
    const char              *reason =
        t->ssl_err != 0 ? ERR_reason_error_string(t->ssl_err) : NULL;

    (void)err;
    sl_snprintf(buf, len, "TLS: %s",
                reason != NULL ? reason : "bad data from the peer");
}


static void
on_handshake_timer(uv_timer_t *tm)
{
    struct sl_sio     *io = tm->data;
    struct tls_filter *t = io->priv;

    if (!t->handshake_done) {
        sl_sio_fail(io, SL_ETIMEOUT);
    }
}


static void
on_timer_closed(uv_handle_t *h)
{
    sl_sio_handle_closed(h->data);
}
