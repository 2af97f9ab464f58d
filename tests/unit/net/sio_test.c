/*
 * net/sio over real loopback sockets: plain and TLS echo (our own client
 * mode, a blocking OpenSSL client on another thread, and a client fed one
 * byte at a time), the one-write-in-flight rule, peer close, close with a
 * write pending, the handshake timeout, garbage instead of a ClientHello.
 */
#include "net/sio.h"
#include "net/tls.h"
#include "base/err.h"

#include "testutil.h"

#include <malloc.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/ssl.h>


static char               tmpdir[256];
static char               fp_a[65];
static struct sl_tls_ctx *certs;
static SSL_CTX           *server_ctx; /* from certs */
static SSL_CTX           *client_ctx; /* no verification */
static uv_loop_t          loop;


static int
group_setup(void **state)
{
    char crt[300], key[300], err[256];

    (void)state;
    signal(SIGPIPE, SIG_IGN);
    tu_pattern_init();
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/sl_sio_test.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    assert_int_equal(tu_make_cert(tmpdir, "a", "localhost", fp_a), 0);
    snprintf(crt, sizeof(crt), "%s/a.crt", tmpdir);
    snprintf(key, sizeof(key), "%s/a.key", tmpdir);
    certs = sl_tls_ctx_new(crt, key, err, sizeof(err));
    assert_non_null(certs);
    server_ctx = sl_tls_ctx_get(certs);
    client_ctx = sl_tls_client_ctx_new(NULL, err, sizeof(err));
    assert_non_null(client_ctx);
    return 0;
}


static int
group_teardown(void **state)
{
    (void)state;
    SSL_CTX_free(server_ctx);
    SSL_CTX_free(client_ctx);
    sl_tls_ctx_free(&certs);
    tu_rmdir(tmpdir);
    free(tu_pattern);
    tu_pattern = NULL;
    return 0;
}


static int
setup(void **state)
{
    (void)state;
    return uv_loop_init(&loop);
}


static int
teardown(void **state)
{
    (void)state;
    assert_true(tu_loop_done(&loop));
    return 0;
}


static bool
written_once(void *arg)
{
    return ((struct tu_peer *)arg)->written > 0;
}


/* Echo through our own client: many writes, small to large, 1-4 buffers. */


static size_t echo_sizes[400];
static size_t echo_nsizes;
static size_t echo_total;

static void
echo_sizes_init(void)
{
    static const size_t fixed[] = {1,
                                   2,
                                   3,
                                   5,
                                   7,
                                   100,
                                   1000,
                                   1500,
                                   4096,
                                   16383,
                                   16384,
                                   16385,
                                   16384 * 3 + 1,
                                   65536,
                                   99999,
                                   65537,
                                   1,
                                   1048576,
                                   2000000,
                                   3 * 1048576 + 17};
    size_t              i;

    echo_nsizes = 0;
    echo_total = 0;
    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        echo_sizes[echo_nsizes++] = fixed[i];
    }
    /* Then many small writes in sequence. */
    for (i = 0; i < 300; i++) {
        echo_sizes[echo_nsizes++] = 1 + (i * 37) % 700;
    }
    for (i = 0; i < echo_nsizes; i++) {
        echo_total += echo_sizes[i];
    }
}


static bool
all_echoed(void *arg)
{
    struct tu_peer *c = arg;

    return c->rx.len >= echo_total || c->errors > 0;
}


static void
run_echo(bool tls)
{
    struct tu_peer srv, cli;
    int            cfd = -1, sfd = -1;

    echo_sizes_init();
    assert_int_equal(tu_tcp_pair(&cfd, &sfd), 0);
    assert_int_equal(
        tu_peer_server(&srv, "srv", &loop, sfd, tls ? server_ctx : NULL, 5000),
        0);
    srv.echo = true;
    assert_int_equal(
        tu_peer_client(&cli, "cli", &loop, cfd, tls ? client_ctx : NULL, 5000),
        0);
    assert_int_equal(sl_sio_is_tls(&srv.io), tls);
    assert_int_equal(sl_sio_is_tls(&cli.io), tls);
    cli.sizes = echo_sizes;
    cli.nsizes = echo_nsizes;
    /* The first write goes before the handshake (held back for TLS). */
    tu_peer_send_next(&cli);
    assert_true(tu_run_until(&loop, all_echoed, &cli, 20000));
    assert_int_equal(cli.errors, 0);
    assert_int_equal(srv.errors, 0);
    assert_int_equal(cli.rx.len, echo_total);
    assert_memory_equal(sl_dbuf_data(&cli.rx), tu_pattern, echo_total);
    assert_int_equal(cli.written, (int)echo_nsizes);
    assert_true(sl_sio_ready(&srv.io));

    /* The client closes: the server sees the end of the stream. */
    assert_true(tu_peer_close(&loop, &cli));
    assert_true(tu_run_until(&loop, tu_errored, &srv, 5000));
    assert_int_equal(srv.err, UV_EOF);
    assert_true(tu_peer_close(&loop, &srv));
    assert_int_equal(srv.written_after_closed + cli.written_after_closed, 0);
}


static void
test_plain_echo_small_and_large_writes(void **state)
{
    (void)state;
    run_echo(false);
}


static void
test_tls_echo_small_and_large_writes(void **state)
{
    (void)state;
    run_echo(true);
}


/* A blocking OpenSSL client on its own thread. */


struct rawcli {
    int         port;
    int         fd;
    SSL_CTX    *ctx;
    size_t      len;
    bool        ok;
    char        fp[65];
    char        why[128];
    atomic_bool done;
};


static void *
rawcli_main(void *arg)
{
    struct rawcli *r = arg;
    SSL           *ssl = SSL_new(r->ctx);
    X509          *peer;
    uint8_t       *back = malloc(r->len);
    size_t         off = 0, got = 0, piece = 1;

    SSL_set_fd(ssl, r->fd);
    if (SSL_connect(ssl) != 1) {
        snprintf(r->why, sizeof(r->why), "handshake failed");
        goto out;
    }
    peer = SSL_get1_peer_certificate(ssl);
    if (peer != NULL) {
        sl_tls_fingerprint(peer, r->fp);
        X509_free(peer);
    }
    /* Pieces of 1, 3, 9, ... bytes up to 100 KB, then again. */
    while (off < r->len) {
        size_t n = piece < r->len - off ? piece : r->len - off;
        size_t w = 0;

        if (SSL_write_ex(ssl, tu_pattern + off, n, &w) != 1) {
            snprintf(r->why, sizeof(r->why), "write failed");
            goto out;
        }
        off += w;
        piece = piece > 100000 ? 1 : piece * 3;
    }
    while (got < r->len) {
        size_t n = 0;

        if (SSL_read_ex(ssl, back + got, r->len - got, &n) != 1) {
            snprintf(r->why, sizeof(r->why), "read failed after %zu", got);
            goto out;
        }
        got += n;
    }
    r->ok = memcmp(back, tu_pattern, r->len) == 0;
    if (!r->ok) {
        snprintf(r->why, sizeof(r->why), "echo differs");
    }
    SSL_shutdown(ssl);
out:
    SSL_free(ssl);
    close(r->fd);
    free(back);
    ERR_clear_error();
    atomic_store(&r->done, true);
    return NULL;
}


static bool
rawcli_done(void *arg)
{
    return atomic_load(&((struct rawcli *)arg)->done);
}


static void
test_tls_echo_with_blocking_openssl_client(void **state)
{
    struct rawcli  r;
    struct tu_peer srv;
    pthread_t      th;
    int            l, sfd = -1, port;
    char           err[128];

    (void)state;
    memset(&r, 0, sizeof(r));
    r.len = 3 * 1024 * 1024 + 5;
    r.ctx = sl_tls_client_ctx_new(NULL, err, sizeof(err));
    l = tu_listen(&port);
    r.fd = tu_connect(port);
    sfd = accept(l, NULL, NULL);
    close(l);
    assert_true(r.fd >= 0 && sfd >= 0);
    assert_int_equal(tu_peer_server(&srv, "srv", &loop, sfd, server_ctx, 5000),
                     0);
    srv.echo = true;
    srv.close_on_error = true;
    assert_int_equal(pthread_create(&th, NULL, rawcli_main, &r), 0);
    assert_true(tu_run_until(&loop, rawcli_done, &r, 20000));
    pthread_join(th, NULL);
    assert_true(r.ok);
    assert_string_equal(r.fp, fp_a);
    /* close_notify then EOF: the server reports the end and closes. */
    assert_true(tu_run_until(&loop, tu_closed, &srv, 5000));
    assert_int_equal(srv.err, UV_EOF);
    SSL_CTX_free(r.ctx);
}


/*
 * A client driven by hand through memory BIOs, its bytes dribbled to the
 * socket a few at a time so the server sees partial records everywhere;
 * it also asks for a TLS 1.3 key update mid-stream.
 */


struct memcli {
    SSL   *ssl;
    BIO   *rb, *wb;
    int    fd;
    size_t received; /* ciphertext bytes from the server */
};


static void
memcli_pump(struct memcli *m, size_t chunk)
{
    uint8_t buf[4096];
    int     n;

    while (BIO_pending(m->wb) > 0) {
        size_t want = chunk < sizeof(buf) ? chunk : sizeof(buf);

        n = BIO_read(m->wb, buf, (int)want);
        if (n <= 0) {
            break;
        }
        assert_int_equal(send(m->fd, buf, (size_t)n, 0), n);
        uv_run(&loop, UV_RUN_NOWAIT);
        chunk = chunk % 7 + 1; /* 1..7 bytes */
    }
    uv_run(&loop, UV_RUN_NOWAIT);
    for (;;) {
        ssize_t r = recv(m->fd, buf, sizeof(buf), 0);

        if (r <= 0) {
            break;
        }
        BIO_write(m->rb, buf, (int)r);
        m->received += (size_t)r;
    }
}


/* A memcli connected to a new TLS server sio (handshake done). */
static void
memcli_open(struct memcli *m, struct tu_peer *srv)
{
    int sfd = -1, i, rc = 0;

    memset(m, 0, sizeof(*m));
    assert_int_equal(tu_tcp_pair(&m->fd, &sfd), 0);
    tu_nonblock(m->fd);
    assert_int_equal(tu_peer_server(srv, "srv", &loop, sfd, server_ctx, 5000),
                     0);
    m->ssl = SSL_new(client_ctx);
    m->rb = BIO_new(BIO_s_mem());
    m->wb = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(m->rb, -1);
    SSL_set_bio(m->ssl, m->rb, m->wb);
    SSL_set_connect_state(m->ssl);
    for (i = 0; i < 1000 && rc != 1; i++) {
        rc = SSL_do_handshake(m->ssl);
        memcli_pump(m, 4096);
        usleep(200);
    }
    assert_int_equal(rc, 1);
    assert_true(tu_run_until(&loop, tu_ready, srv, 5000));
}


/*
 * Many small buffers (RTSP's interleaved headers and RTP packets) become a
 * few full records, not one record per buffer.
 */
static void
test_tls_small_buffers_make_full_records(void **state)
{
    struct memcli  m;
    struct tu_peer srv;
    uv_buf_t       b[512];
    size_t         plain = 0, got = 0, sent, i;
    uint8_t       *back = malloc(1 << 20);

    (void)state;
    memcli_open(&m, &srv);
    /* Read what the server sent after the handshake (tickets). */
    for (i = 0; i < 20; i++) {
        size_t n;

        memcli_pump(&m, 4096);
        SSL_read_ex(m.ssl, back, 1, &n);
        ERR_clear_error();
    }
    sent = m.received;
    for (i = 0; i < 512; i++) {
        size_t len = i % 2 == 0 ? 4 : 1400 - i;

        b[i] = uv_buf_init((char *)tu_pattern + plain, (unsigned)len);
        plain += len;
    }
    assert_int_equal(sl_sio_write(&srv.io, b, 512), 0);
    assert_true(tu_run_until(&loop, written_once, &srv, 5000));
    for (i = 0; i < 2000 && got < plain; i++) {
        size_t n = 0;

        memcli_pump(&m, 4096);
        while (got < plain && SSL_read_ex(m.ssl, back + got, plain - got, &n)) {
            got += n;
        }
        ERR_clear_error();
    }
    assert_int_equal(got, plain);
    assert_memory_equal(back, tu_pattern, plain);
    /* 22 bytes of overhead per TLS 1.3 record, 16 KiB records. */
    print_message("%zu plaintext bytes in 512 buffers -> %zu bytes on the "
                  "wire\n",
                  plain, m.received - sent);
    assert_true(m.received - sent <= plain + (plain / 16384 + 2) * 22);
    SSL_free(m.ssl);
    close(m.fd);
    assert_true(tu_peer_close(&loop, &srv));
    free(back);
}


static void
test_tls_partial_records_and_key_update(void **state)
{
    struct memcli  m;
    struct tu_peer srv;
    int            sfd = -1, i, rc;
    const size_t   len = 40000;
    uint8_t       *back = malloc(len);
    size_t         got = 0, off = 0;

    (void)state;
    assert_int_equal(tu_tcp_pair(&m.fd, &sfd), 0);
    tu_nonblock(m.fd);
    assert_int_equal(tu_peer_server(&srv, "srv", &loop, sfd, server_ctx, 5000),
                     0);
    srv.echo = true;
    m.ssl = SSL_new(client_ctx);
    m.rb = BIO_new(BIO_s_mem());
    m.wb = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(m.rb, -1); /* empty means "wait" */
    SSL_set_bio(m.ssl, m.rb, m.wb);
    SSL_set_connect_state(m.ssl);
    for (i = 0; i < 2000; i++) {
        rc = SSL_do_handshake(m.ssl);
        /* Before pumping: BIO_write clears the BIO's retry flags. */
        if (rc != 1) {
            assert_int_equal(SSL_get_error(m.ssl, rc), SSL_ERROR_WANT_READ);
        }
        memcli_pump(&m, 1);
        if (rc == 1) {
            break;
        }
        usleep(200);
    }
    assert_int_equal(rc, 1);
    assert_int_equal(SSL_version(m.ssl), TLS1_3_VERSION);
    while (off < len) {
        size_t n = len - off < 5000 ? len - off : 5000, w;

        if (off == 20000) {
            /* The server must answer with its own key update. */
            assert_int_equal(SSL_key_update(m.ssl, SSL_KEY_UPDATE_REQUESTED),
                             1);
        }
        assert_int_equal(SSL_write_ex(m.ssl, tu_pattern + off, n, &w), 1);
        off += w;
        memcli_pump(&m, 3);
    }
    for (i = 0; i < 5000 && got < len; i++) {
        size_t n = 0;

        memcli_pump(&m, 1);
        while (got < len && SSL_read_ex(m.ssl, back + got, len - got, &n)) {
            got += n;
        }
        ERR_clear_error();
        if (got < len) {
            usleep(200);
        }
    }
    assert_int_equal(got, len);
    assert_memory_equal(back, tu_pattern, len);
    assert_int_equal(srv.errors, 0);
    SSL_free(m.ssl);
    close(m.fd);
    assert_true(tu_run_until(&loop, tu_errored, &srv, 5000));
    assert_int_equal(srv.err, UV_EOF);
    assert_true(tu_peer_close(&loop, &srv));
    free(back);
}


/* TLS 1.2 renegotiation is refused without harm. */
static void
test_tls12_renegotiation_refused(void **state)
{
    struct memcli  m;
    struct tu_peer srv;
    int            sfd, i, rc = 0;
    SSL_CTX       *ctx = SSL_CTX_new(TLS_client_method());
    size_t         w;

    (void)state;
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    assert_int_equal(tu_tcp_pair(&m.fd, &sfd), 0);
    tu_nonblock(m.fd);
    assert_int_equal(tu_peer_server(&srv, "srv", &loop, sfd, server_ctx, 5000),
                     0);
    srv.echo = true;
    srv.close_on_error = true;
    m.ssl = SSL_new(ctx);
    m.rb = BIO_new(BIO_s_mem());
    m.wb = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(m.rb, -1); /* empty means "wait" */
    SSL_set_bio(m.ssl, m.rb, m.wb);
    SSL_set_connect_state(m.ssl);
    for (i = 0; i < 200 && rc != 1; i++) {
        rc = SSL_do_handshake(m.ssl);
        memcli_pump(&m, 4096);
        usleep(500);
    }
    assert_int_equal(rc, 1);
    assert_int_equal(SSL_version(m.ssl), TLS1_2_VERSION);
    assert_int_equal(SSL_renegotiate(m.ssl), 1);
    SSL_do_handshake(m.ssl);
    for (i = 0; i < 50; i++) {
        memcli_pump(&m, 4096);
        SSL_write_ex(m.ssl, "x", 1, &w);
        usleep(500);
    }
    ERR_clear_error();
    /* Either the server ignored the request (no_renegotiation warning) and
     * kept echoing, or the session ended cleanly; it must not crash. */
    SSL_free(m.ssl);
    SSL_CTX_free(ctx);
    close(m.fd);
    assert_true(tu_run_until(&loop, tu_closed, &srv, 5000));
}


/* The one-write-in-flight rule and argument checks. */


static void
run_one_write_in_flight(bool tls)
{
    struct tu_peer srv, cli;
    int            cfd = -1, sfd = -1;
    uv_buf_t       b = uv_buf_init((char *)tu_pattern, 1000);
    uv_buf_t       empty[2] = {uv_buf_init((char *)tu_pattern, 0),
                               uv_buf_init((char *)tu_pattern, 0)};
    uv_buf_t big[2] = {uv_buf_init((char *)tu_pattern, SL_SIO_TLS_MAX_WRITE),
                       uv_buf_init((char *)tu_pattern, 1)};
    int      fd = -1;

    assert_int_equal(tu_tcp_pair(&cfd, &sfd), 0);
    assert_int_equal(
        tu_peer_server(&srv, "srv", &loop, sfd, tls ? server_ctx : NULL, 5000),
        0);
    assert_int_equal(
        tu_peer_client(&cli, "cli", &loop, cfd, tls ? client_ctx : NULL, 5000),
        0);
    assert_int_equal(sl_sio_fileno(&srv.io, &fd), 0);
    assert_int_equal(fd, sfd);
    assert_int_equal(sl_sio_write(&srv.io, empty, 2), SL_EINVAL);
    if (tls) {
        assert_int_equal(sl_sio_write(&srv.io, big, 2), SL_ELIMIT);
    }
    assert_false(sl_sio_writing(&srv.io));
    assert_int_equal(sl_sio_write(&srv.io, &b, 1), 0);
    assert_true(sl_sio_writing(&srv.io));
    assert_int_equal(sl_sio_write(&srv.io, &b, 1), SL_EAGAIN);
    /* on_written never comes from inside sl_sio_write. */
    assert_int_equal(srv.written, 0);
    assert_true(tu_run_until(&loop, written_once, &srv, 5000));
    assert_int_equal(srv.written, 1);
    assert_int_equal(srv.written_status, 0);
    assert_false(sl_sio_writing(&srv.io));
    assert_int_equal(sl_sio_write(&srv.io, &b, 1), 0);
    assert_true(tu_peer_close(&loop, &srv));
    assert_int_equal(srv.written, 2);
    assert_int_equal(sl_sio_write(&srv.io, &b, 1), SL_ECLOSED);
    assert_true(tu_peer_close(&loop, &cli));
}


static void
test_plain_one_write_in_flight(void **state)
{
    (void)state;
    run_one_write_in_flight(false);
}


static void
test_tls_one_write_in_flight(void **state)
{
    (void)state;
    run_one_write_in_flight(true);
}


/* Closing with a write pending: on_written(UV_ECANCELED), then on_closed. */


static void
small_buffers(struct sl_sio *io, int peer_fd)
{
    int fd, sz = 16 * 1024;

    assert_int_equal(sl_sio_fileno(io, &fd), 0);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
    setsockopt(peer_fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
}


static void
run_close_with_pending_write(bool tls)
{
    struct tu_peer srv, cli;
    int            cfd = -1, sfd = -1;
    uv_buf_t       b[3] = {uv_buf_init((char *)tu_pattern, 1000000),
                           uv_buf_init((char *)tu_pattern + 1000000, 2000000),
                           uv_buf_init((char *)tu_pattern + 3000000, 1000000)};

    assert_int_equal(tu_tcp_pair(&cfd, &sfd), 0);
    assert_int_equal(
        tu_peer_server(&srv, "srv", &loop, sfd, tls ? server_ctx : NULL, 5000),
        0);
    small_buffers(&srv.io, cfd);
    if (tls) {
        /* A client that stops reading after the handshake. */
        assert_int_equal(
            tu_peer_client(&cli, "cli", &loop, cfd, client_ctx, 5000), 0);
        assert_true(tu_run_until(&loop, tu_ready, &srv, 5000));
        assert_true(tu_run_until(&loop, tu_ready, &cli, 5000));
        uv_read_stop((uv_stream_t *)&cli.io.tcp);
    }
    assert_int_equal(sl_sio_write(&srv.io, b, 3), 0);
    tu_run_for(&loop, 50);
    assert_int_equal(srv.written, 0);
    sl_sio_close(&srv.io);
    sl_sio_close(&srv.io); /* idempotent */
    assert_int_equal(srv.written, 0);
    assert_true(tu_run_until(&loop, tu_closed, &srv, 5000));
    assert_int_equal(srv.written, 1);
    assert_int_equal(srv.written_status, UV_ECANCELED);
    assert_int_equal(srv.written_after_closed, 0);
    assert_int_equal(srv.errors, 0);
    if (tls) {
        assert_true(tu_peer_close(&loop, &cli));
    } else {
        close(cfd);
    }
}


static void
test_plain_close_with_pending_write(void **state)
{
    (void)state;
    run_close_with_pending_write(false);
}


static void
test_tls_close_with_pending_write(void **state)
{
    (void)state;
    run_close_with_pending_write(true);
}


/* A write issued before the handshake, then close: cancelled as well. */
static void
test_tls_close_with_write_held_before_handshake(void **state)
{
    struct tu_peer srv;
    int            cfd = -1, sfd = -1;
    uv_buf_t       b = uv_buf_init((char *)tu_pattern, 100);

    (void)state;
    assert_int_equal(tu_tcp_pair(&cfd, &sfd), 0);
    assert_int_equal(tu_peer_server(&srv, "srv", &loop, sfd, server_ctx, 5000),
                     0);
    assert_false(sl_sio_ready(&srv.io));
    assert_int_equal(sl_sio_write(&srv.io, &b, 1), 0);
    tu_run_for(&loop, 20);
    assert_int_equal(srv.written, 0);
    assert_true(tu_peer_close(&loop, &srv));
    assert_int_equal(srv.written, 1);
    assert_int_equal(srv.written_status, UV_ECANCELED);
    close(cfd);
}


/* Closing from inside on_read stops delivery at once. */
static void
run_close_in_read(bool tls)
{
    struct tu_peer srv, cli;
    int            cfd = -1, sfd = -1;
    uv_buf_t       b[3] = {uv_buf_init((char *)tu_pattern, 10),
                           uv_buf_init((char *)tu_pattern + 10, 10),
                           uv_buf_init((char *)tu_pattern + 20, 10)};

    assert_int_equal(tu_tcp_pair(&cfd, &sfd), 0);
    assert_int_equal(
        tu_peer_server(&srv, "srv", &loop, sfd, tls ? server_ctx : NULL, 5000),
        0);
    srv.close_in_read = true;
    assert_int_equal(
        tu_peer_client(&cli, "cli", &loop, cfd, tls ? client_ctx : NULL, 5000),
        0);
    /* Three TLS records in one segment. */
    assert_int_equal(sl_sio_write(&cli.io, b, 3), 0);
    assert_true(tu_run_until(&loop, tu_closed, &srv, 5000));
    assert_int_equal(srv.reads, 1);
    assert_true(tu_peer_close(&loop, &cli));
}


static void
test_plain_close_in_read(void **state)
{
    (void)state;
    run_close_in_read(false);
}


static void
test_tls_close_in_read(void **state)
{
    (void)state;
    run_close_in_read(true);
}


/* Closing from inside on_written. */
static void
test_tls_close_in_written(void **state)
{
    struct tu_peer srv, cli;
    int            cfd = -1, sfd = -1;
    uv_buf_t       b = uv_buf_init((char *)tu_pattern, 5000);

    (void)state;
    assert_int_equal(tu_tcp_pair(&cfd, &sfd), 0);
    assert_int_equal(tu_peer_server(&srv, "srv", &loop, sfd, server_ctx, 5000),
                     0);
    srv.close_in_written = true;
    assert_int_equal(tu_peer_client(&cli, "cli", &loop, cfd, client_ctx, 5000),
                     0);
    cli.close_on_error = true;
    assert_int_equal(sl_sio_write(&srv.io, &b, 1), 0);
    assert_true(tu_run_until(&loop, tu_closed, &srv, 5000));
    assert_int_equal(srv.written, 1);
    assert_int_equal(srv.written_status, 0);
    /* The client got the data, then the close_notify. */
    assert_true(tu_run_until(&loop, tu_closed, &cli, 5000));
    assert_true(cli.reads > 0);
    assert_int_equal(cli.err, UV_EOF);
}


/* Peer going away without a word. */
static void
test_plain_peer_close_is_eof(void **state)
{
    struct tu_peer srv;
    int            cfd = -1, sfd = -1;

    (void)state;
    assert_int_equal(tu_tcp_pair(&cfd, &sfd), 0);
    assert_int_equal(tu_peer_server(&srv, "srv", &loop, sfd, NULL, 0), 0);
    assert_int_equal(send(cfd, "hello", 5, 0), 5);
    close(cfd);
    assert_true(tu_run_until(&loop, tu_errored, &srv, 5000));
    assert_int_equal(srv.err, UV_EOF);
    assert_int_equal(srv.rx.len, 5);
    assert_int_equal(srv.errors, 1);
    assert_true(tu_peer_close(&loop, &srv));
}


static void
test_tls_peer_reset_after_handshake(void **state)
{
    struct tu_peer srv, cli;
    int            cfd = -1, sfd = -1;
    struct linger  lg = {1, 0};

    (void)state;
    assert_int_equal(tu_tcp_pair(&cfd, &sfd), 0);
    assert_int_equal(tu_peer_server(&srv, "srv", &loop, sfd, server_ctx, 5000),
                     0);
    assert_int_equal(tu_peer_client(&cli, "cli", &loop, cfd, client_ctx, 5000),
                     0);
    assert_true(tu_run_until(&loop, tu_ready, &srv, 5000));
    /* An RST instead of a close_notify. */
    setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    shutdown(cfd, SHUT_RDWR);
    assert_true(tu_run_until(&loop, tu_errored, &srv, 5000));
    assert_true(srv.err == UV_EOF || srv.err == UV_ECONNRESET);
    assert_true(tu_peer_close(&loop, &srv));
    assert_true(tu_peer_close(&loop, &cli));
}


/* Handshake failures. */


static void
test_tls_handshake_timeout(void **state)
{
    struct tu_peer srv;
    int            cfd = -1, sfd = -1;
    uint64_t       t0 = sl_now_ns();
    char           msg[128];

    (void)state;
    assert_int_equal(tu_tcp_pair(&cfd, &sfd), 0);
    assert_int_equal(tu_peer_server(&srv, "srv", &loop, sfd, server_ctx, 100),
                     0);
    srv.close_on_error = true;
    /* Half a ClientHello, then silence. */
    assert_int_equal(send(cfd, "\x16\x03\x01\x02\x00\x01", 6, 0), 6);
    assert_true(tu_run_until(&loop, tu_closed, &srv, 5000));
    assert_int_equal(srv.err, SL_ETIMEOUT);
    assert_true(sl_now_ns() - t0 >= 90 * 1000000ull);
    sl_sio_strerror(&srv.io, srv.err, msg, sizeof(msg));
    assert_non_null(strstr(msg, "tim"));
    close(cfd);
}


static void
run_garbage(const void *data, size_t len)
{
    struct tu_peer srv;
    int            cfd = -1, sfd = -1;
    char           msg[128];

    assert_int_equal(tu_tcp_pair(&cfd, &sfd), 0);
    assert_int_equal(tu_peer_server(&srv, "srv", &loop, sfd, server_ctx, 5000),
                     0);
    assert_int_equal(send(cfd, data, len, 0), (ssize_t)len);
    assert_true(tu_run_until(&loop, tu_errored, &srv, 5000));
    assert_int_equal(srv.err, SL_EBADDATA);
    assert_int_equal(srv.reads, 0);
    sl_sio_strerror(&srv.io, srv.err, msg, sizeof(msg));
    assert_non_null(strstr(msg, "TLS: "));
    print_message("garbage -> %s\n", msg);
    assert_true(tu_peer_close(&loop, &srv));
    close(cfd);
}


static void
test_tls_garbage_instead_of_client_hello(void **state)
{
    static const char http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    static const char rtsp[] = "OPTIONS rtsp://h/p RTSP/1.0\r\nCSeq: 1\r\n\r\n";
    uint8_t           junk[4096];
    size_t            i;

    (void)state;
    run_garbage(http, sizeof(http) - 1);
    run_garbage(rtsp, sizeof(rtsp) - 1);
    /* A handshake record header followed by junk. */
    for (i = 0; i < sizeof(junk); i++) {
        junk[i] = (uint8_t)(i * 7 + 3);
    }
    memcpy(junk, "\x16\x03\x01\x0f\xfb\x01\x00\x0f\xf7\x03\x03", 11);
    run_garbage(junk, sizeof(junk));
}


/* The client side verifies a pinned fingerprint. */
static void
test_tls_client_fingerprint_pin(void **state)
{
    struct tu_peer srv, cli;
    int            cfd = -1, sfd = -1;
    char           err[256], msg[128];
    SSL_CTX       *good = sl_tls_client_ctx_new(fp_a, err, sizeof(err));
    SSL_CTX       *bad =
        sl_tls_client_ctx_new("00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
                              "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
                              err, sizeof(err));
    uv_buf_t b = uv_buf_init((char *)tu_pattern, 10);

    (void)state;
    assert_non_null(good);
    assert_non_null(bad);

    assert_int_equal(tu_tcp_pair(&cfd, &sfd), 0);
    tu_peer_server(&srv, "srv", &loop, sfd, server_ctx, 5000);
    srv.echo = true;
    tu_peer_client(&cli, "cli", &loop, cfd, good, 5000);
    SSL_CTX_free(good); /* the sio holds its own reference */
    assert_int_equal(sl_sio_write(&cli.io, &b, 1), 0);
    assert_true(tu_run_until(&loop, written_once, &cli, 5000));
    assert_int_equal(cli.errors, 0);
    assert_true(tu_peer_close(&loop, &cli));
    assert_true(tu_peer_close(&loop, &srv));

    assert_int_equal(tu_tcp_pair(&cfd, &sfd), 0);
    tu_peer_server(&srv, "srv", &loop, sfd, server_ctx, 5000);
    tu_peer_client(&cli, "cli", &loop, cfd, bad, 5000);
    SSL_CTX_free(bad);
    assert_true(tu_run_until(&loop, tu_errored, &cli, 5000));
    assert_int_equal(cli.err, SL_EBADDATA);
    sl_sio_strerror(&cli.io, cli.err, msg, sizeof(msg));
    print_message("wrong pin -> %s\n", msg);
    assert_non_null(strstr(msg, "certificate verify failed"));
    assert_true(tu_run_until(&loop, tu_errored, &srv, 5000));
    assert_true(tu_peer_close(&loop, &cli));
    assert_true(tu_peer_close(&loop, &srv));
}


/* Memory per connection (printed, with a generous bound for TLS). */


#define MEM_CONNS 32

static struct tu_peer mem_srv[MEM_CONNS], mem_cli[MEM_CONNS];

static bool
all_ready(void *arg)
{
    int i;

    (void)arg;
    for (i = 0; i < MEM_CONNS; i++) {
        if (!sl_sio_ready(&mem_srv[i].io) || !sl_sio_ready(&mem_cli[i].io)) {
            return false;
        }
    }
    return true;
}


static void
test_memory_per_connection(void **state)
{
    struct mallinfo2 a, b;
    int              i, cfd[MEM_CONNS], sfd[MEM_CONNS];
    size_t           per;

    (void)state;
    print_message("sizeof(struct sl_sio) = %zu (uv_tcp_t %zu, uv_write_t "
                  "%zu)\n",
                  sizeof(struct sl_sio), sizeof(uv_tcp_t), sizeof(uv_write_t));
    assert_true(sizeof(struct sl_sio) - sizeof(uv_tcp_t) < 1024);
    for (i = 0; i < MEM_CONNS; i++) {
        assert_int_equal(tu_tcp_pair(&cfd[i], &sfd[i]), 0);
    }
    a = mallinfo2();
    for (i = 0; i < MEM_CONNS; i++) {
        /* Only the sio: the peers' test buffers are still empty. */
        sl_sio_init(&mem_srv[i].io, &loop, sfd[i], server_ctx, 5000,
                    &tu_handler, &mem_srv[i]);
    }
    for (i = 0; i < MEM_CONNS; i++) {
        tu_peer_client(&mem_cli[i], "cli", &loop, cfd[i], client_ctx, 5000);
    }
    b = mallinfo2();
    (void)b;
    assert_true(tu_run_until(&loop, all_ready, NULL, 10000));
    tu_run_for(&loop, 20);
    b = mallinfo2();
    /* Both ends of each connection are counted: halve. */
    per = (b.uordblks - a.uordblks) / MEM_CONNS / 2;
    print_message("idle TLS connection after the handshake: ~%zu bytes on "
                  "the heap per end (malloc accounting)\n",
                  per);
    for (i = 0; i < MEM_CONNS; i++) {
        assert_true(tu_peer_close(&loop, &mem_srv[i]));
        assert_true(tu_peer_close(&loop, &mem_cli[i]));
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plain_echo_small_and_large_writes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_tls_echo_small_and_large_writes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_tls_echo_with_blocking_openssl_client, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tls_partial_records_and_key_update,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_tls_small_buffers_make_full_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tls12_renegotiation_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_plain_one_write_in_flight, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tls_one_write_in_flight, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_plain_close_with_pending_write,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_tls_close_with_pending_write,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_tls_close_with_write_held_before_handshake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plain_close_in_read, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tls_close_in_read, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tls_close_in_written, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_plain_peer_close_is_eof, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tls_peer_reset_after_handshake,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_tls_handshake_timeout, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_tls_garbage_instead_of_client_hello, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tls_client_fingerprint_pin, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_memory_per_connection, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
