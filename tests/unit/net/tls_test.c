/*
 * net/tls certificates: loading errors, client fingerprints, and reload
 * while connections are open (each connection keeps the pair it started
 * with, new ones get the new pair, invalid files keep the old pair).
 */
#include "net/tls.h"
#include "base/err.h"
#include "base/log.h"

#include "testutil.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/ssl.h>


static char      tmpdir[256];
static char      fp_a[65], fp_b[65], fp_c[65];
static uv_loop_t loop;


static int
group_setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    tu_pattern_init();
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/sl_tls_test.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    assert_int_equal(tu_make_cert(tmpdir, "a", "a.example", fp_a), 0);
    assert_int_equal(tu_make_cert(tmpdir, "b", "b.example", fp_b), 0);
    assert_int_equal(tu_make_cert(tmpdir, "c", "c.example", fp_c), 0);
    return 0;
}


static int
group_teardown(void **state)
{
    (void)state;
    tu_rmdir(tmpdir);
    free(tu_pattern);
    tu_pattern = NULL;
    return 0;
}


static const char *
path(const char *name)
{
    static char buf[4][300];
    static int  i;

    i = (i + 1) % 4;
    snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
    return buf[i];
}


static void
copy_file(const char *from, const char *to)
{
    char   tmp[320], data[8192];
    FILE  *in = fopen(path(from), "r");
    FILE  *out;
    size_t n;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path(to));
    out = fopen(tmp, "w");
    assert_non_null(in);
    assert_non_null(out);
    n = fread(data, 1, sizeof(data), in);
    fwrite(data, 1, n, out);
    fclose(in);
    fclose(out);
    /* A rename, as certbot and Kubernetes replace files. */
    assert_int_equal(rename(tmp, path(to)), 0);
}


/* Loading. */


static void
test_ctx_new_loads_a_matching_pair(void **state)
{
    char               err[256] = "";
    struct sl_tls_ctx *c =
        sl_tls_ctx_new(path("a.crt"), path("a.key"), err, sizeof(err));
    SSL_CTX *ctx;

    (void)state;
    assert_non_null(c);
    assert_string_equal(sl_tls_ctx_cert_path(c), path("a.crt"));
    ctx = sl_tls_ctx_get(c);
    assert_non_null(ctx);
    assert_int_equal(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
    /* Unchanged files: nothing to do. */
    assert_int_equal(sl_tls_ctx_check_reload(c, NULL), 0);
    sl_tls_ctx_free(&c);
    assert_null(c);
    /* The reference taken by get outlives the sl_tls_ctx. */
    SSL_CTX_free(ctx);
}


static void
test_ctx_new_reports_unusable_files(void **state)
{
    static const struct {
        const char *cert, *key, *expect;
    } cases[] = {
        {"missing.crt", "a.key", "No such file"},
        {"a.crt", "missing.key", "No such file"},
        {"garbage.crt", "a.key", "cannot load certificate"},
        {"a.crt", "garbage.key", "cannot load key"},
        {"a.crt", "b.key", "mismatch"},
        {"a.crt", "enc.key", "cannot load key"},
        {"a.key", "a.key", "cannot load certificate"},
    };
    size_t    i;
    EVP_PKEY *k = EVP_EC_gen("P-256");
    FILE     *f = fopen(path("enc.key"), "w");

    (void)state;
    assert_int_equal(tu_write_file(tmpdir, "garbage.crt", "hello\n"), 0);
    assert_int_equal(tu_write_file(tmpdir, "garbage.key",
                                   "-----BEGIN PRIVATE KEY-----\nAAAA\n"
                                   "-----END PRIVATE KEY-----\n"),
                     0);
    /* An encrypted key fails instead of prompting for a password. */
    assert_non_null(f);
    assert_int_equal(PEM_write_PrivateKey(f, k, EVP_aes_128_cbc(),
                                          (unsigned char *)"secret", 6, NULL,
                                          NULL),
                     1);
    fclose(f);
    EVP_PKEY_free(k);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char               err[256] = "";
        struct sl_tls_ctx *c = sl_tls_ctx_new(
            path(cases[i].cert), path(cases[i].key), err, sizeof(err));

        print_message("%s + %s -> %s\n", cases[i].cert, cases[i].key, err);
        assert_null(c);
        assert_non_null(strstr(err, cases[i].expect));
    }
    /* OpenSSL's error queue is left clean. */
    assert_int_equal(ERR_peek_error(), 0);
}


static void
test_client_ctx_fingerprint_formats(void **state)
{
    static const struct {
        const char *fp;
        bool        ok;
    } cases[] = {
        {"33949e05fffb5ff3e8aa16f8213a6251b4d9363804ba53233c4da9a46d6f2739",
         true},
        {"33949E05FFFB5FF3E8AA16F8213A6251B4D9363804BA53233C4DA9A46D6F2739",
         true},
        {"33:94:9e:05:ff:fb:5f:f3:e8:aa:16:f8:21:3a:62:51:b4:d9:36:38:04:ba:"
         "53:23:3c:4d:a9:a4:6d:6f:27:39",
         true},
        {"", false},
        {"3394", false},
        {"33949e05fffb5ff3e8aa16f8213a6251b4d9363804ba53233c4da9a46d6f273",
         false},
        {"33949e05fffb5ff3e8aa16f8213a6251b4d9363804ba53233c4da9a46d6f27390",
         false},
        {"33949e05fffb5ff3e8aa16f8213a6251b4d9363804ba53233c4da9a46d6f27zz",
         false},
        {"33949e05fffb5ff3e8aa16f8213a6251b4d9363804ba53233c4da9a46d6f2739 ",
         false},
    };
    size_t   i;
    char     err[256];
    SSL_CTX *ctx;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        err[0] = '\0';
        ctx = sl_tls_client_ctx_new(cases[i].fp, err, sizeof(err));
        assert_int_equal(ctx != NULL, cases[i].ok);
        if (ctx == NULL) {
            assert_non_null(strstr(err, "invalid fingerprint"));
        }
        SSL_CTX_free(ctx);
    }
    ctx = sl_tls_client_ctx_new(NULL, err, sizeof(err));
    assert_non_null(ctx);
    SSL_CTX_free(ctx);
}


/* Reload with live connections. */


struct conn {
    struct tu_peer srv;
    struct tu_peer cli;
};


static bool
echoed(void *arg)
{
    struct tu_peer *c = arg;

    return c->rx.len >= 1000 || c->errors > 0;
}


/* Opens a connection from certs' current pair to a client pinned to fp. */
static void
conn_open(struct conn *k, struct sl_tls_ctx *certs, const char *fp)
{
    char     err[256];
    SSL_CTX *sctx = sl_tls_ctx_get(certs);
    SSL_CTX *cctx = sl_tls_client_ctx_new(fp, err, sizeof(err));
    int      cfd = -1, sfd = -1;

    assert_non_null(cctx);
    assert_int_equal(tu_tcp_pair(&cfd, &sfd), 0);
    assert_int_equal(tu_peer_server(&k->srv, "srv", &loop, sfd, sctx, 5000), 0);
    k->srv.echo = true;
    assert_int_equal(tu_peer_client(&k->cli, "cli", &loop, cfd, cctx, 5000), 0);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
}


/* 1000 bytes through the connection: true when they came back. */
static bool
conn_echo(struct conn *k)
{
    uv_buf_t b = uv_buf_init((char *)tu_pattern, 1000);

    sl_dbuf_reset(&k->cli.rx);
    if (sl_sio_write(&k->cli.io, &b, 1) != 0) {
        return false;
    }
    tu_run_until(&loop, echoed, &k->cli, 5000);
    return k->cli.errors == 0 && k->cli.rx.len == 1000
           && memcmp(sl_dbuf_data(&k->cli.rx), tu_pattern, 1000) == 0;
}


static void
conn_close(struct conn *k)
{
    assert_true(tu_peer_close(&loop, &k->cli));
    assert_true(tu_peer_close(&loop, &k->srv));
}


/* A connection pinned to fp works (true) or fails its handshake. */
static bool
pinned_ok(struct sl_tls_ctx *certs, const char *fp)
{
    struct conn k;
    bool        ok;

    conn_open(&k, certs, fp);
    ok = conn_echo(&k);
    conn_close(&k);
    return ok;
}


static void
test_reload_swaps_for_new_connections_only(void **state)
{
    struct sl_log      log;
    struct sl_tls_ctx *certs;
    struct conn        first;
    char               err[256];

    (void)state;
    assert_int_equal(uv_loop_init(&loop), 0);
    sl_log_init(&log, NULL, "[tls test]");
    copy_file("a.crt", "srv.crt");
    copy_file("a.key", "srv.key");
    certs = sl_tls_ctx_new(path("srv.crt"), path("srv.key"), err, sizeof(err));
    assert_non_null(certs);
    assert_int_equal(sl_tls_ctx_check_reload(certs, &log), 0);

    /* A connection made now sees A. */
    conn_open(&first, certs, fp_a);
    assert_true(conn_echo(&first));
    assert_false(pinned_ok(certs, fp_b));

    /* B replaces A: new connections see B, the first one lives on. */
    copy_file("b.crt", "srv.crt");
    copy_file("b.key", "srv.key");
    assert_int_equal(sl_tls_ctx_check_reload(certs, &log), 1);
    assert_int_equal(sl_tls_ctx_check_reload(certs, &log), 0);
    assert_true(pinned_ok(certs, fp_b));
    assert_false(pinned_ok(certs, fp_a));
    assert_true(conn_echo(&first));

    /* Invalid files: B stays, the error is reported on every call (but
     * logged once). */
    assert_int_equal(tu_write_file(tmpdir, "srv.crt", "not a cert\n"), 0);
    assert_true(sl_tls_ctx_check_reload(certs, &log) < 0);
    assert_true(sl_tls_ctx_check_reload(certs, &log) < 0);
    assert_true(pinned_ok(certs, fp_b));

    /* C's certificate with B's key: a mismatch, B stays. */
    copy_file("c.crt", "srv.crt");
    assert_true(sl_tls_ctx_check_reload(certs, &log) < 0);
    assert_true(pinned_ok(certs, fp_b));
    /* Then C's key arrives: C is used. */
    copy_file("c.key", "srv.key");
    assert_int_equal(sl_tls_ctx_check_reload(certs, &log), 1);
    assert_true(pinned_ok(certs, fp_c));

    /* Files removed: C stays. */
    assert_int_equal(unlink(path("srv.crt")), 0);
    assert_true(sl_tls_ctx_check_reload(certs, &log) < 0);
    assert_true(pinned_ok(certs, fp_c));

    /* Back to a valid pair after an error. */
    copy_file("a.crt", "srv.crt");
    copy_file("a.key", "srv.key");
    assert_int_equal(sl_tls_ctx_check_reload(certs, &log), 1);
    assert_true(pinned_ok(certs, fp_a));

    assert_true(conn_echo(&first));
    conn_close(&first);
    sl_tls_ctx_free(&certs);
    assert_true(tu_loop_done(&loop));
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ctx_new_loads_a_matching_pair),
        cmocka_unit_test(test_ctx_new_reports_unusable_files),
        cmocka_unit_test(test_client_ctx_fingerprint_formats),
        cmocka_unit_test(test_reload_swaps_for_new_connections_only),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
