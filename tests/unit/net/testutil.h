/*
 * Helpers shared by the net/ sio and TLS tests: self-signed certificates
 * written to a temporary directory, loopback TCP socket pairs, a bounded way
 * to run a libuv loop until a condition holds, and a test peer around a
 * struct sl_sio (echo server or scripted sender).  Everything is static:
 * each test file is its own executable.
 */
#ifndef SL_TESTS_NET_TESTUTIL_H
#define SL_TESTS_NET_TESTUTIL_H

#include "base/dbuf.h"
#include "base/err.h"
#include "base/str.h"
#include "base/time.h"
#include "net/sio.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>


/*
 * Writes a self-signed EC P-256 certificate and its key as PEM to
 * <dir>/<name>.crt and <dir>/<name>.key; fp gets the SHA-256 fingerprint
 * (lower-case hex).  Returns 0 or -1.
 */
static __attribute__((unused)) int
tu_make_cert(const char *dir, const char *name, const char *cn, char fp[65])
{
    EVP_PKEY    *key = EVP_EC_gen("P-256");
    X509        *x = X509_new();
    X509_NAME   *nm;
    char         path[512];
    FILE        *f;
    uint8_t      md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    static long  serial = 1;
    int          rc = -1;

    if (key == NULL || x == NULL) {
        goto out;
    }
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
    X509_set_pubkey(x, key);
    nm = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
                               (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, nm);
    if (X509_sign(x, key, EVP_sha256()) == 0) {
        goto out;
    }
    snprintf(path, sizeof(path), "%s/%s.crt", dir, name);
    f = fopen(path, "w");
    if (f == NULL || PEM_write_X509(f, x) != 1) {
        goto out;
    }
    fclose(f);
    snprintf(path, sizeof(path), "%s/%s.key", dir, name);
    f = fopen(path, "w");
    if (f == NULL
        || PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) != 1) {
        goto out;
    }
    fclose(f);
    if (fp != NULL) {
        X509_digest(x, EVP_sha256(), md, &mdlen);
        sl_hex_encode(md, mdlen, fp);
    }
    rc = 0;
out:
    X509_free(x);
    EVP_PKEY_free(key);
    return rc;
}


/* Writes text to <dir>/<name> (replacing it with a rename). */
static __attribute__((unused)) int
tu_write_file(const char *dir, const char *name, const char *text)
{
    char  path[512], tmp[520];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "w");
    if (f == NULL) {
        return -1;
    }
    fputs(text, f);
    fclose(f);
    return rename(tmp, path);
}


/* Renames <dir>/<from> to <dir>/<to>. */
static __attribute__((unused)) int
tu_rename(const char *dir, const char *from, const char *to)
{
    char a[512], b[512];

    snprintf(a, sizeof(a), "%s/%s", dir, from);
    snprintf(b, sizeof(b), "%s/%s", dir, to);
    return rename(a, b);
}


static __attribute__((unused)) void
tu_rmdir(const char *dir)
{
    char cmd[600];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot remove %s\n", dir);
    }
}


/* A listening socket on 127.0.0.1 with an ephemeral port. */
static __attribute__((unused)) int
tu_listen(int *port)
{
    struct sockaddr_in a;
    socklen_t          len = sizeof(a);
    int                fd = socket(AF_INET, SOCK_STREAM, 0);
    int                one = 1;

    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 64) < 0
        || getsockname(fd, (struct sockaddr *)&a, &len) < 0)
    {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}


/* A blocking connect to 127.0.0.1:port. */
static __attribute__((unused)) int
tu_connect(int port)
{
    struct sockaddr_in a;
    int                fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}


/* Two connected loopback TCP sockets (as a listener would hand them). */
static __attribute__((unused)) int
tu_tcp_pair(int *client, int *server)
{
    int port;
    int l = tu_listen(&port);

    if (l < 0) {
        return -1;
    }
    *client = tu_connect(port);
    *server = accept(l, NULL, NULL);
    close(l);
    return *client >= 0 && *server >= 0 ? 0 : -1;
}


static __attribute__((unused)) void
tu_nonblock(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}


typedef bool tu_cond_fn(void *arg);

static __attribute__((unused)) void
tu_tick(uv_timer_t *t)
{
    (void)t;
}


/*
 * Runs loop until cond(arg) holds or ms pass; returns whether it held.  A
 * repeating timer keeps UV_RUN_ONCE from blocking for long.
 */
static __attribute__((unused)) bool
tu_run_until(uv_loop_t *loop, tu_cond_fn *cond, void *arg, uint64_t ms)
{
    uv_timer_t t;
    uint64_t   end = sl_now_ns() + ms * 1000000ull;
    bool       ok;

    uv_timer_init(loop, &t);
    uv_timer_start(&t, tu_tick, 5, 5);
    while (!(ok = cond(arg)) && sl_now_ns() < end) {
        uv_run(loop, UV_RUN_ONCE);
    }
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(loop, UV_RUN_NOWAIT);
    return ok;
}


/* Runs loop for ms whatever happens. */
static __attribute__((unused)) bool
tu_false(void *arg)
{
    (void)arg;
    return false;
}

static __attribute__((unused)) void
tu_run_for(uv_loop_t *loop, uint64_t ms)
{
    tu_run_until(loop, tu_false, NULL, ms);
}


/* A deterministic byte pattern the senders write and receivers check. */
#define TU_PATTERN_LEN (16u * 1024 * 1024)
static uint8_t *tu_pattern;

static __attribute__((unused)) void
tu_pattern_init(void)
{
    uint32_t x = 0x12345678;
    size_t   i;

    if (tu_pattern != NULL) {
        return;
    }
    tu_pattern = malloc(TU_PATTERN_LEN);
    for (i = 0; i < TU_PATTERN_LEN; i++) {
        x = x * 1103515245u + 12345u;
        tu_pattern[i] = (uint8_t)(x >> 16);
    }
}


/*
 * A test peer: an sio plus what its callbacks saw.  echo: writes back what
 * it reads.  sizes: writes the pattern in pieces of these sizes, one write
 * after the other, each split into `split` buffers (cycling 1..4 when 0).
 */
struct tu_peer {
    struct sl_sio  io;
    const char    *name;
    bool           echo;
    bool           close_on_error;
    bool           close_in_read;
    bool           close_in_written;
    struct sl_dbuf rx;
    struct sl_dbuf pend; /* echo: read, not yet written */
    struct sl_dbuf wbuf; /* echo: being written */
    int            reads;
    int            errors;
    int            err;
    int            written;
    int            written_status;
    int            written_after_closed; /* must stay 0 */
    bool           closed;
    const size_t  *sizes;
    size_t         nsizes;
    size_t         next;
    size_t         sent;
    unsigned       split;
};

static void tu_peer_send_next(struct tu_peer *x);

static __attribute__((unused)) void
tu_echo_kick(struct tu_peer *x)
{
    struct sl_dbuf tmp;
    uv_buf_t       b[3];
    unsigned       n = 0;
    size_t         len, part;
    uint8_t       *p;

    if (sl_sio_writing(&x->io) || x->pend.len == 0 || x->io.closing) {
        return;
    }
    tmp = x->wbuf;
    x->wbuf = x->pend;
    x->pend = tmp;
    sl_dbuf_reset(&x->pend);
    p = sl_dbuf_data(&x->wbuf);
    len = x->wbuf.len;
    /* Up to three buffers, to exercise iovec writes. */
    part = len / 3;
    if (part > 0) {
        b[n++] = uv_buf_init((char *)p, (unsigned)part);
        b[n++] = uv_buf_init((char *)p + part, (unsigned)part);
        p += 2 * part;
        len -= 2 * part;
    }
    b[n++] = uv_buf_init((char *)p, (unsigned)len);
    if (sl_sio_write(&x->io, b, n) != 0) {
        fprintf(stderr, "%s: echo write failed\n", x->name);
        abort();
    }
}

static __attribute__((unused)) void
tu_on_read(struct sl_sio *io, const uint8_t *p, size_t n)
{
    struct tu_peer *x = sl_sio_ud(io);

    x->reads++;
    if (x->closed) {
        x->written_after_closed++;
    }
    if (x->echo) {
        sl_dbuf_add(&x->pend, p, n);
        tu_echo_kick(x);
    } else if (sl_dbuf_add(&x->rx, p, n) < 0) {
        abort();
    }
    if (x->close_in_read) {
        sl_sio_close(io);
    }
}

static __attribute__((unused)) void
tu_on_written(struct sl_sio *io, int status)
{
    struct tu_peer *x = sl_sio_ud(io);

    x->written++;
    x->written_status = status;
    if (x->closed) {
        x->written_after_closed++;
    }
    if (x->close_in_written) {
        sl_sio_close(io);
        return;
    }
    if (status < 0) {
        return;
    }
    if (x->echo) {
        sl_dbuf_reset(&x->wbuf);
        tu_echo_kick(x);
    }
    if (x->sizes != NULL) {
        tu_peer_send_next(x);
    }
}

static __attribute__((unused)) void
tu_on_error(struct sl_sio *io, int err)
{
    struct tu_peer *x = sl_sio_ud(io);

    x->errors++;
    x->err = err;
    if (x->closed) {
        x->written_after_closed++;
    }
    if (x->close_on_error) {
        sl_sio_close(io);
    }
}

static __attribute__((unused)) void
tu_on_closed(struct sl_sio *io)
{
    struct tu_peer *x = sl_sio_ud(io);

    if (x->closed) {
        x->written_after_closed++;
    }
    x->closed = true;
    sl_dbuf_free(&x->rx);
    sl_dbuf_free(&x->pend);
    sl_dbuf_free(&x->wbuf);
}

static const struct sl_sio_handler tu_handler = {
    .on_read = tu_on_read,
    .on_written = tu_on_written,
    .on_error = tu_on_error,
    .on_closed = tu_on_closed,
};

static __attribute__((unused)) void
tu_peer_setup(struct tu_peer *x, const char *name)
{
    memset(x, 0, sizeof(*x));
    x->name = name;
    sl_dbuf_init(&x->rx, 64u * 1024 * 1024);
    sl_dbuf_init(&x->pend, 64u * 1024 * 1024);
    sl_dbuf_init(&x->wbuf, 64u * 1024 * 1024);
}

/* Server side of fd (tls NULL: plain). */
static __attribute__((unused)) int
tu_peer_server(struct tu_peer *x, const char *name, uv_loop_t *loop, int fd,
               SSL_CTX *tls, uint64_t timeout_ms)
{
    tu_peer_setup(x, name);
    return sl_sio_init(&x->io, loop, fd, tls, timeout_ms, &tu_handler, x);
}

static __attribute__((unused)) int
tu_peer_client(struct tu_peer *x, const char *name, uv_loop_t *loop, int fd,
               SSL_CTX *tls, uint64_t timeout_ms)
{
    tu_peer_setup(x, name);
    return sl_sio_init_client(&x->io, loop, fd, tls, "localhost", timeout_ms,
                              &tu_handler, x);
}

static __attribute__((unused)) void
tu_peer_send_next(struct tu_peer *x)
{
    uv_buf_t b[4];
    unsigned n, i;
    size_t   size, part;
    int      rc;

    if (x->next == x->nsizes) {
        return;
    }
    size = x->sizes[x->next];
    n = x->split != 0 ? x->split : (unsigned)(x->next % 4) + 1;
    if (n > size) {
        n = (unsigned)size;
    }
    part = size / n;
    for (i = 0; i < n; i++) {
        size_t len = i + 1 == n ? size - part * i : part;

        b[i] =
            uv_buf_init((char *)tu_pattern + x->sent + part * i, (unsigned)len);
    }
    rc = sl_sio_write(&x->io, b, n);
    if (rc != 0) {
        fprintf(stderr, "%s: write %zu failed: %d\n", x->name, x->next, rc);
        abort();
    }
    x->next++;
    x->sent += size;
}

static __attribute__((unused)) bool
tu_closed(void *arg)
{
    return ((struct tu_peer *)arg)->closed;
}

static __attribute__((unused)) bool
tu_errored(void *arg)
{
    return ((struct tu_peer *)arg)->errors > 0;
}

static __attribute__((unused)) bool
tu_ready(void *arg)
{
    return sl_sio_ready(&((struct tu_peer *)arg)->io);
}

/* Closes the peer and runs the loop until on_closed (bounded). */
static __attribute__((unused)) bool
tu_peer_close(uv_loop_t *loop, struct tu_peer *x)
{
    sl_sio_close(&x->io);
    return tu_run_until(loop, tu_closed, x, 5000);
}

/* Closes the loop; false when handles were left open. */
static __attribute__((unused)) bool
tu_loop_done(uv_loop_t *loop)
{
    uv_run(loop, UV_RUN_NOWAIT);
    return uv_loop_close(loop) == 0;
}


#endif /* SL_TESTS_NET_TESTUTIL_H */
