/* Tests of src/core/auth.c: the internal authentication matrix. */
#include "core/auth.h"
#include "conf/conf.h"
#include "base/crypto.h"
#include "base/err.h"

#include <arpa/inet.h>
#include <argon2.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>


struct auth_case {
    const char         *user;
    const char         *pass;
    const char         *ip; /* NULL = unknown */
    enum sl_auth_action action;
    const char         *path;
    int                 rc;
    bool                ask;
};


static void            sha256_b64(const char *s, char *out);
static void            set_ip(const char *ip, struct sockaddr_storage *ss);
static struct sl_conf *matrix_conf(void);
static void run_cases(const struct sl_conf *c, const struct auth_case *cases,
                      size_t n);


static const struct auth_case matrix[] = {
    {"alice", "secret", "1.2.3.4", SL_AUTH_PUBLISH, "cam", 0, false},
    {"alice", "wrong", "1.2.3.4", SL_AUTH_PUBLISH, "cam", SL_EAUTH, false},
    {NULL, NULL, "1.2.3.4", SL_AUTH_PUBLISH, "cam", SL_EAUTH, true},
    {"", "", "1.2.3.4", SL_AUTH_PUBLISH, "cam", SL_EAUTH, true},
    {"alice", "secret", "1.2.3.4", SL_AUTH_PUBLISH, "other", SL_EAUTH, false},
    {"alice", "secret", "1.2.3.4", SL_AUTH_READ, "anything", 0, false},
    {"alice", "secret", NULL, SL_AUTH_PUBLISH, "cam", 0, false},
    {"ALICE", "secret", "1.2.3.4", SL_AUTH_PUBLISH, "cam", SL_EAUTH, false},
    {"bob", "pw", "1.2.3.4", SL_AUTH_READ, "priv/x", 0, false},
    {"bob", "pw", "1.2.3.4", SL_AUTH_READ, "pub", SL_EAUTH, false},
    {"bob", "bad", "1.2.3.4", SL_AUTH_READ, "priv/x", SL_EAUTH, false},
    {"carol", "carolpw", "1.2.3.4", SL_AUTH_PLAYBACK, "rec", 0, false},
    {"carol", "carolpw", "1.2.3.4", SL_AUTH_PLAYBACK, "rec", 0, false},
    {"carol", "nope", "1.2.3.4", SL_AUTH_PLAYBACK, "rec", SL_EAUTH, false},
    {NULL, NULL, "192.168.1.7", SL_AUTH_READ, "lan", 0, false},
    {NULL, NULL, "192.168.2.7", SL_AUTH_READ, "lan", SL_EAUTH, true},
    {NULL, NULL, "fd00::5", SL_AUTH_READ, "lan", 0, false},
    {NULL, NULL, "fe80::5", SL_AUTH_READ, "lan", SL_EAUTH, true},
    {NULL, NULL, "::ffff:192.168.1.9", SL_AUTH_READ, "lan", 0, false},
    {NULL, NULL, "127.0.0.1", SL_AUTH_API, "", 0, false},
    {NULL, NULL, "::1", SL_AUTH_METRICS, NULL, 0, false},
    {NULL, NULL, "1.2.3.4", SL_AUTH_API, "", SL_EAUTH, false},
    {NULL, NULL, "127.0.0.1", SL_AUTH_PPROF, "", SL_EAUTH, false},
    {NULL, NULL, NULL, SL_AUTH_METRICS, "", SL_EAUTH, false},
    {"dave", "x", "10.0.0.1", SL_AUTH_PUBLISH, "any", 0, false},
    {"dave", "x", "10.0.0.2", SL_AUTH_PUBLISH, "any", SL_EAUTH, false},
};

static const struct auth_case defaults[] = {
    {NULL, NULL, "8.8.8.8", SL_AUTH_PUBLISH, "a/b", 0, false},
    {"x", "y", "8.8.8.8", SL_AUTH_READ, "a", 0, false},
    {NULL, NULL, "8.8.8.8", SL_AUTH_PLAYBACK, "a", 0, false},
    {NULL, NULL, "127.0.0.1", SL_AUTH_API, "", 0, false},
    {NULL, NULL, "::1", SL_AUTH_PPROF, "", 0, false},
    {NULL, NULL, "8.8.8.8", SL_AUTH_API, "", SL_EAUTH, false},
};


static void
sha256_b64(const char *s, char *out)
{
    uint8_t d[SL_SHA256_LEN];

    sl_sha256(s, strlen(s), d);
    sl_base64_encode(d, sizeof(d), out);
}


static void
set_ip(const char *ip, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (strchr(ip, ':') != NULL) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

        s6->sin6_family = AF_INET6;
        assert_int_equal(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

        s4->sin_family = AF_INET;
        assert_int_equal(inet_pton(AF_INET, ip, &s4->sin_addr), 1);
    }
}


static struct sl_conf *
matrix_conf(void)
{
    char            bob[64], bobpw[64], carol[256], yaml[2048], err[512];
    uint8_t         salt[16] = "sluice-test-salt";
    struct sl_conf *c = NULL;

    sha256_b64("bob", bob);
    sha256_b64("pw", bobpw);
    assert_int_equal(argon2id_hash_encoded(1, 1024, 1, "carolpw", 7, salt,
                                           sizeof(salt), 32, carol,
                                           sizeof(carol)),
                     ARGON2_OK);
    snprintf(yaml, sizeof(yaml),
             "authInternalUsers:\n"
             "- user: alice\n"
             "  pass: secret\n"
             "  permissions:\n"
             "  - action: publish\n"
             "    path: cam\n"
             "  - action: read\n"
             "- user: sha256:%s\n"
             "  pass: sha256:%s\n"
             "  permissions:\n"
             "  - action: read\n"
             "    path: '~^priv/(.+)$'\n"
             "- user: carol\n"
             "  pass: argon2:%s\n"
             "  permissions: [{action: playback}]\n"
             "- user: any\n"
             "  ips: [192.168.1.0/24, 'fd00::/8']\n"
             "  permissions: [{action: read, path: lan}]\n"
             "- user: any\n"
             "  ips: ['127.0.0.1', '::1']\n"
             "  permissions: [{action: api}, {action: metrics}]\n"
             "- user: dave\n"
             "  pass: x\n"
             "  ips: [10.0.0.1]\n"
             "  permissions: [{action: publish}]\n",
             bob, bobpw, carol);
    if (sl_conf_load_string(yaml, strlen(yaml), &c, err, sizeof(err)) != 0) {
        fail_msg("%s", err);
    }
    return c;
}


static void
run_cases(const struct sl_conf *c, const struct auth_case *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const struct auth_case *ac = &cases[i];
        struct sockaddr_storage ss;
        struct sl_auth_req      r;
        bool                    ask = !ac->ask;
        int                     rc;

        memset(&r, 0, sizeof(r));
        if (ac->ip != NULL) {
            set_ip(ac->ip, &ss);
            r.ip = (const struct sockaddr *)&ss;
        }
        r.user = ac->user;
        r.pass = ac->pass;
        r.action = ac->action;
        r.path = ac->path;
        r.protocol = "rtsp";
        rc = sl_auth_check(c, &r, &ask);
        if (rc != ac->rc || ask != ac->ask) {
            fail_msg("case %zu (%s/%s from %s): rc %d ask %d", i,
                     ac->user != NULL ? ac->user : "-",
                     ac->pass != NULL ? ac->pass : "-",
                     ac->ip != NULL ? ac->ip : "-", rc, ask);
        }
    }
}


static void
test_auth_matrix(void **state)
{
    struct sl_conf *c = matrix_conf();

    (void)state;
    sl_auth_cache_clear();
    run_cases(c, matrix, sizeof(matrix) / sizeof(matrix[0]));
    sl_conf_free(&c);
    sl_auth_cache_clear();
}


static void
test_default_users_allow_everyone_and_local_admin(void **state)
{
    struct sl_conf *c = NULL;
    char            err[256];

    (void)state;
    assert_int_equal(sl_conf_load_string("", 0, &c, err, sizeof(err)), 0);
    run_cases(c, defaults, sizeof(defaults) / sizeof(defaults[0]));
    sl_conf_free(&c);
}


static void
test_plain_pass_for_digest(void **state)
{
    struct sl_conf         *c = matrix_conf();
    struct sockaddr_storage a, b;
    const char             *p;

    (void)state;
    set_ip("10.0.0.1", &a);
    set_ip("10.0.0.2", &b);
    p = sl_auth_plain_pass(c, "alice", (struct sockaddr *)&a, SL_AUTH_PUBLISH,
                           "cam");
    assert_non_null(p);
    assert_string_equal(p, "secret");
    assert_null(sl_auth_plain_pass(c, "alice", (struct sockaddr *)&a,
                                   SL_AUTH_PUBLISH, "other"));
    assert_null(sl_auth_plain_pass(c, "bob", (struct sockaddr *)&a,
                                   SL_AUTH_READ, "priv/x"));
    assert_null(sl_auth_plain_pass(c, "carol", (struct sockaddr *)&a,
                                   SL_AUTH_PLAYBACK, "x"));
    assert_string_equal(sl_auth_plain_pass(c, "dave", (struct sockaddr *)&a,
                                           SL_AUTH_PUBLISH, "x"),
                        "x");
    assert_null(sl_auth_plain_pass(c, "dave", (struct sockaddr *)&b,
                                   SL_AUTH_PUBLISH, "x"));
    assert_null(sl_auth_plain_pass(c, NULL, NULL, SL_AUTH_READ, "x"));
    sl_conf_free(&c);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth_matrix),
        cmocka_unit_test(test_default_users_allow_everyone_and_local_admin),
        cmocka_unit_test(test_plain_pass_for_digest),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
