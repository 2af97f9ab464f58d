/*
 * Tests for src/proto/rtsp/auth.c: Basic and Digest Authorization parsing,
 * Digest verification against real ffmpeg responses (captured on loopback:
 * user alice, password secret, realm Sluice) and computed vectors, and the
 * WWW-Authenticate challenge lines.
 */
#include "proto/rtsp/auth.h"
#include "base/crypto.h"
#include "base/err.h"
#include "proto/rtsp/headers.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>


struct auth_case {
    const char *in;
    int         rc;
    int         scheme;
    const char *user;
    const char *pass; /* Basic only */
    const char *realm;
    const char *nonce;
    const char *uri;
    const char *response;
};

struct digest_case {
    const char *name;
    const char *header;
    const char *method;
    const char *realm;
    const char *nonce;
    const char *pass;
    bool        ok;
};

struct challenge_case {
    bool        basic;
    bool        digest;
    const char *realm;
    const char *nonce;
    int         rc;
    const char *want;
};


static void test_auth_parse_table(void **state);
static void test_auth_basic_caps(void **state);
static void test_digest_check_table(void **state);
static void test_www_authenticate_table(void **state);
static void test_www_authenticate_over_cap(void **state);


#define NONCE "0123456789abcdef0123456789abcdef"

/* ffmpeg 5.1's DESCRIBE and SETUP for rtsp://alice:secret@.../cam. */
#define FFMPEG_DESCRIBE                                                        \
    "Digest username=\"alice\", realm=\"Sluice\", nonce=\"" NONCE "\", "       \
    "uri=\"rtsp://127.0.0.1:18555/cam\", "                                     \
    "response=\"15904e572cb80df92561eb33f230e678\", algorithm=\"MD5\""
#define FFMPEG_SETUP                                                           \
    "Digest username=\"alice\", realm=\"Sluice\", nonce=\"" NONCE "\", "       \
    "uri=\"rtsp://127.0.0.1:18555/cam/trackID=0\", "                           \
    "response=\"8652ac854d4bec169a7997259a32d55a\", algorithm=\"MD5\""
/* RFC 2617 with qop=auth; expected value computed with Python hashlib. */
#define QOP_SETUP                                                              \
    "Digest username=\"bob\", realm=\"Sluice\", nonce=\"nonce123\", "          \
    "uri=\"rtsp://h/cam/trackID=1\", qop=auth, nc=00000001, "                  \
    "cnonce=\"0a4f113b\", response=\"728b76926e0c26c0035184ad3490618b\""
/* Unquoted values, as some cameras' clients send them. */
#define UNQUOTED_PLAY                                                          \
    "Digest username=carol,realm=R,nonce=abc,uri=/cam,"                        \
    "response=0297f89c23138cfb22b50cfe3688153a"

#define FAIL(i, r)                                                             \
    {                                                                          \
        .in = (i), .rc = (r)                                                   \
    }
#define BASIC(i, u, p)                                                         \
    {                                                                          \
        .in = (i), .scheme = SL_RTSP_AUTH_BASIC, .user = (u), .pass = (p)      \
    }

static const struct auth_case auth_cases[] = {
    BASIC("Basic YWxpY2U6c2VjcmV0", "alice", "secret"),
    BASIC("basic   YWxpY2U6c2VjcmV0  ", "alice", "secret"),
    BASIC("Basic YWxpY2U6czplOmM=", "alice", "s:e:c"),
    BASIC("Basic YWxpY2U6czplOmM", "alice", "s:e:c"),
    BASIC("Basic YWxpY2U6", "alice", ""),
    {FFMPEG_DESCRIBE, 0, SL_RTSP_AUTH_DIGEST, "alice", "", "Sluice", NONCE,
     "rtsp://127.0.0.1:18555/cam", "15904e572cb80df92561eb33f230e678"},
    {UNQUOTED_PLAY, 0, SL_RTSP_AUTH_DIGEST, "carol", "", "R", "abc", "/cam",
     "0297f89c23138cfb22b50cfe3688153a"},
    {"Digest username=\"a,b\", realm=\"r\", nonce=\"n\", uri=\"/\", "
     "response=\"x\", username=\"second\"",
     0, SL_RTSP_AUTH_DIGEST, "a,b", "", "r", "n", "/", "x"},
    {"DIGEST username=\"\", realm=\"\", nonce=\"\", uri=\"\", response=\"\"", 0,
     SL_RTSP_AUTH_DIGEST, "", "", "", "", "", ""},
    FAIL("Basic YWxpY2U=", SL_EBADDATA), /* no ':' */
    FAIL("Basic YQA6Yg==", SL_EBADDATA), /* NUL byte */
    FAIL("Basic !!!!", SL_EBADDATA),
    FAIL("Basic", SL_EBADDATA),
    FAIL("Basic ", SL_EBADDATA),
    FAIL("Bearer eyJhbGciOi", SL_EUNSUP),
    FAIL("Negotiate abc", SL_EUNSUP),
    FAIL("", SL_EBADDATA),
    FAIL("Digest", SL_EBADDATA),
    FAIL("Digest username=\"alice\", realm=\"r\", nonce=\"n\", uri=\"/\"",
         SL_EBADDATA),
    FAIL("Digest username=\"alice, realm=\"r\"", SL_EBADDATA),
    FAIL("Digest username=\"alice", SL_EBADDATA),
    FAIL("Digest username", SL_EBADDATA),
    FAIL("Digest =x", SL_EBADDATA),
    FAIL("Digest username=\"a\"x, realm=r, nonce=n, uri=/, response=r",
         SL_EBADDATA),
};

static const struct digest_case digest_cases[] = {
    {"ffmpeg DESCRIBE", FFMPEG_DESCRIBE, "DESCRIBE", "Sluice", NONCE, "secret",
     true},
    {"ffmpeg SETUP", FFMPEG_SETUP, "SETUP", "Sluice", NONCE, "secret", true},
    {"qop=auth", QOP_SETUP, "SETUP", "Sluice", "nonce123", "pa55", true},
    {"unquoted", UNQUOTED_PLAY, "PLAY", "R", "abc", "pw", true},
    {"upper-case hex response",
     "Digest username=\"alice\", realm=\"Sluice\", nonce=\"" NONCE "\", "
     "uri=\"rtsp://127.0.0.1:18555/cam\", "
     "response=\"15904E572CB80DF92561EB33F230E678\"",
     "DESCRIBE", "Sluice", NONCE, "secret", true},
    {"wrong password", FFMPEG_DESCRIBE, "DESCRIBE", "Sluice", NONCE, "secreT",
     false},
    {"empty password", FFMPEG_DESCRIBE, "DESCRIBE", "Sluice", NONCE, "", false},
    {"replayed on another method", FFMPEG_DESCRIBE, "PLAY", "Sluice", NONCE,
     "secret", false},
    {"stale nonce", FFMPEG_DESCRIBE, "DESCRIBE", "Sluice",
     "ffffffffffffffffffffffffffffffff", "secret", false},
    {"other realm", FFMPEG_DESCRIBE, "DESCRIBE", "Other", NONCE, "secret",
     false},
    {"other algorithm",
     "Digest username=\"alice\", realm=\"Sluice\", nonce=\"" NONCE "\", "
     "uri=\"rtsp://127.0.0.1:18555/cam\", "
     "response=\"15904e572cb80df92561eb33f230e678\", algorithm=SHA-256",
     "DESCRIBE", "Sluice", NONCE, "secret", false},
    {"unknown qop",
     "Digest username=\"bob\", realm=\"Sluice\", nonce=\"nonce123\", "
     "uri=\"rtsp://h/cam/trackID=1\", qop=auth-int, nc=00000001, "
     "cnonce=\"0a4f113b\", response=\"728b76926e0c26c0035184ad3490618b\"",
     "SETUP", "Sluice", "nonce123", "pa55", false},
    {"short response",
     "Digest username=\"alice\", realm=\"Sluice\", nonce=\"" NONCE "\", "
     "uri=\"rtsp://127.0.0.1:18555/cam\", response=\"15904e57\"",
     "DESCRIBE", "Sluice", NONCE, "secret", false},
    {"Basic is not Digest", "Basic YWxpY2U6c2VjcmV0", "DESCRIBE", "Sluice",
     NONCE, "secret", false},
};

static const struct challenge_case challenge_cases[] = {
    {true, false, "Sluice", NULL, 0,
     "WWW-Authenticate: Basic realm=\"Sluice\"\r\n"},
    {false, true, "Sluice", NONCE, 0,
     "WWW-Authenticate: Digest realm=\"Sluice\", nonce=\"" NONCE
     "\", algorithm=MD5\r\n"},
    {true, true, "IPCAM", "abc", 0,
     "WWW-Authenticate: Digest realm=\"IPCAM\", nonce=\"abc\", "
     "algorithm=MD5\r\n"
     "WWW-Authenticate: Basic realm=\"IPCAM\"\r\n"},
    {false, false, "Sluice", NULL, 0, ""},
    {true, false, "Slu\"ice", NULL, SL_EINVAL, ""},
    {true, false, "Slu\r\nX: y", NULL, SL_EINVAL, ""},
    {true, false, NULL, NULL, SL_EINVAL, ""},
    {false, true, "Sluice", NULL, SL_EINVAL, ""},
    {false, true, "Sluice", "a\\b", SL_EINVAL, ""},
};


static void
test_auth_parse_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(auth_cases) / sizeof(auth_cases[0]); i++) {
        const struct auth_case *c = &auth_cases[i];
        struct sl_rtsp_auth     a;
        int                     rc;

        print_message("case: %s\n", c->in);
        memset(&a, 0, sizeof(a));
        a.scheme = 77;
        rc = sl_rtsp_auth_parse(sl_str_from(c->in), &a);
        assert_int_equal(rc, c->rc);
        if (rc < 0) {
            assert_int_equal(a.scheme, 77);
            continue;
        }
        assert_int_equal(a.scheme, c->scheme);
        assert_true(sl_str_eq_cstr(a.user, c->user));
        if (c->scheme == SL_RTSP_AUTH_BASIC) {
            assert_string_equal(a.pass, c->pass);
            assert_ptr_equal(a.user.p, a.user_buf);
            continue;
        }
        assert_true(sl_str_eq_cstr(a.realm, c->realm));
        assert_true(sl_str_eq_cstr(a.nonce, c->nonce));
        assert_true(sl_str_eq_cstr(a.uri, c->uri));
        assert_true(sl_str_eq_cstr(a.response, c->response));
    }
}


static void
test_auth_basic_caps(void **state)
{
    uint8_t             plain[SL_RTSP_MAX_BASIC + 3];
    char                header[6 + 4 * (sizeof(plain) + 2) / 3 + 1];
    struct sl_rtsp_auth a;
    size_t              n;

    (void)state;
    memset(plain, 'u', sizeof(plain));
    plain[10] = ':';

    /* Exactly SL_RTSP_MAX_BASIC bytes decoded: accepted. */
    memcpy(header, "Basic ", 6);
    n = sl_base64_encode(plain, SL_RTSP_MAX_BASIC, header + 6);
    assert_int_equal(sl_rtsp_auth_parse((struct sl_str){header, 6 + n}, &a), 0);
    assert_int_equal(a.user.len, 10);
    assert_int_equal(strlen(a.pass), SL_RTSP_MAX_BASIC - 11);

    /* One more byte: refused before decoding into a fixed buffer. */
    n = sl_base64_encode(plain, SL_RTSP_MAX_BASIC + 1, header + 6);
    assert_int_equal(sl_rtsp_auth_parse((struct sl_str){header, 6 + n}, &a),
                     SL_ELIMIT);
    n = sl_base64_encode(plain, SL_RTSP_MAX_BASIC + 3, header + 6);
    assert_int_equal(sl_rtsp_auth_parse((struct sl_str){header, 6 + n}, &a),
                     SL_ELIMIT);
}


static void
test_digest_check_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(digest_cases) / sizeof(digest_cases[0]); i++) {
        const struct digest_case *c = &digest_cases[i];
        struct sl_rtsp_auth       a;

        print_message("case: %s\n", c->name);
        assert_int_equal(sl_rtsp_auth_parse(sl_str_from(c->header), &a), 0);
        assert_int_equal(sl_rtsp_digest_check(&a, sl_str_from(c->method),
                                              c->realm, c->nonce, c->pass),
                         c->ok);
    }
}


static void
test_www_authenticate_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(challenge_cases) / sizeof(challenge_cases[0]); i++) {
        const struct challenge_case *c = &challenge_cases[i];
        struct sl_dbuf               b;

        sl_dbuf_init(&b, 1024);
        assert_int_equal(sl_rtsp_www_authenticate(&b, c->basic, c->digest,
                                                  c->realm, c->nonce),
                         c->rc);
        assert_int_equal(b.len, strlen(c->want));
        if (b.len > 0) {
            assert_memory_equal(sl_dbuf_data(&b), c->want, b.len);
        }
        sl_dbuf_free(&b);
    }
}


static void
test_www_authenticate_over_cap(void **state)
{
    struct sl_dbuf b;

    (void)state;
    sl_dbuf_init(&b, 80);
    assert_int_equal(sl_dbuf_add_str(&b, "RTSP/1.0 401 Unauthorized\r\n"), 0);
    assert_int_equal(sl_rtsp_www_authenticate(&b, true, true, "Sluice", NONCE),
                     SL_ELIMIT);
    assert_int_equal(b.len, 27);
    sl_dbuf_free(&b);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth_parse_table),
        cmocka_unit_test(test_auth_basic_caps),
        cmocka_unit_test(test_digest_check_table),
        cmocka_unit_test(test_www_authenticate_table),
        cmocka_unit_test(test_www_authenticate_over_cap),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
