/*
 * Tests for src/proto/srt/streamid.c: the MediaMTX custom syntax in its
 * 2 to 5 part forms, the standard "#!::" syntax, the "#feedbackplay"
 * suffix, and the rejections (counts, actions, modes, empty paths, control
 * bytes, length cap).
 */
#include "proto/srt/streamid.h"
#include "base/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>


/* Expected fields; NULL means "empty". */
struct id_case {
    const char      *in;
    int              rc;
    enum sl_srt_mode mode;
    const char      *path;
    const char      *user;
    const char      *pass;
    const char      *query;
};


static void test_table(void **state);
static void test_length_cap(void **state);
static void test_control_bytes(void **state);
static void test_failure_leaves_output(void **state);
static void test_reason_optional(void **state);
static void assert_slice(struct sl_str s, const char *want);


#define BAD(i)                                                                 \
    {                                                                          \
        .in = (i), .rc = SL_EBADDATA                                           \
    }

static const struct id_case cases[] = {
    /* Custom syntax, every part count. */
    {"publish:cam", 0, SL_SRT_PUBLISH, "cam", NULL, NULL, NULL},
    {"read:cam", 0, SL_SRT_READ, "cam", NULL, NULL, NULL},
    {"read:a/b/c", 0, SL_SRT_READ, "a/b/c", NULL, NULL, NULL},
    {"publish:cam:token=abc&x=1", 0, SL_SRT_PUBLISH, "cam", NULL, NULL,
     "token=abc&x=1"},
    {"publish:cam:alice:secret", 0, SL_SRT_PUBLISH, "cam", "alice", "secret",
     NULL},
    {"read:cam:alice:secret:record=true", 0, SL_SRT_READ, "cam", "alice",
     "secret", "record=true"},
    {"read:cam:alice:eyJhbGciOi.eyJzdWIi.c2ln", 0, SL_SRT_READ, "cam", "alice",
     "eyJhbGciOi.eyJzdWIi.c2ln", NULL},
    /* Empty parts other than the path are allowed. */
    {"publish:cam:", 0, SL_SRT_PUBLISH, "cam", NULL, NULL, NULL},
    {"publish:cam::", 0, SL_SRT_PUBLISH, "cam", NULL, NULL, NULL},
    {"publish:cam:::q", 0, SL_SRT_PUBLISH, "cam", NULL, NULL, "q"},
    {"publish:cam::pw", 0, SL_SRT_PUBLISH, "cam", NULL, "pw", NULL},
    /* Characters the path manager rejects later pass through here. */
    {"read:my cam", 0, SL_SRT_READ, "my cam", NULL, NULL, NULL},
    {"read:cam?x=1", 0, SL_SRT_READ, "cam?x=1", NULL, NULL, NULL},
    /* The standard prefix counts only at the start. */
    {"read:#!::r=cam", 0, SL_SRT_READ, "#!", NULL, "r=cam", NULL},
    /* "#feedbackplay" is removed once, from the last part only. */
    {"read:cam#feedbackplay", 0, SL_SRT_READ, "cam", NULL, NULL, NULL},
    {"read:cam:q#feedbackplay", 0, SL_SRT_READ, "cam", NULL, NULL, "q"},
    {"read:cam:u:p#feedbackplay", 0, SL_SRT_READ, "cam", "u", "p", NULL},
    {"read:cam:u:p:q#feedbackplay", 0, SL_SRT_READ, "cam", "u", "p", "q"},
    {"read:cam#feedbackplay#feedbackplay", 0, SL_SRT_READ, "cam#feedbackplay",
     NULL, NULL, NULL},
    {"read:cam#feedbackplay:q", 0, SL_SRT_READ, "cam#feedbackplay", NULL, NULL,
     "q"},
    {"read:cam:#feedbackplay", 0, SL_SRT_READ, "cam", NULL, NULL, NULL},
    {"read:cam#FEEDBACKPLAY", 0, SL_SRT_READ, "cam#FEEDBACKPLAY", NULL, NULL,
     NULL},
    BAD("read:#feedbackplay"),
    /* Custom syntax rejections. */
    BAD("publish"),
    BAD("cam"),
    BAD("publish:"),
    BAD("publish::u:p"),
    BAD(":cam"),
    BAD("write:cam"),
    BAD("PUBLISH:cam"),
    BAD("Read:cam"),
    BAD(" read:cam"),
    BAD("play:cam"),
    BAD("request:cam"),
    BAD("read:cam:u:p:q:extra"),
    BAD("read:a:b:c:d:e:f:g"),
    BAD("::::"),
    BAD("#!:"),
    BAD("#!:r=cam"),
    BAD(""),

    /* Standard syntax. */
    {"#!::r=cam,m=publish", 0, SL_SRT_PUBLISH, "cam", NULL, NULL, NULL},
    {"#!::m=publish,r=cam,u=alice,s=secret", 0, SL_SRT_PUBLISH, "cam", "alice",
     "secret", NULL},
    {"#!::m=request,r=live/cam", 0, SL_SRT_READ, "live/cam", NULL, NULL, NULL},
    {"#!::r=cam", 0, SL_SRT_READ, "cam", NULL, NULL, NULL}, /* default */
    {"#!::h=example.com,r=cam,t=stream,m=publish", 0, SL_SRT_PUBLISH, "cam",
     NULL, NULL, NULL},
    {"#!::r=cam,latency=20,key1=v1", 0, SL_SRT_READ, "cam", NULL, NULL, NULL},
    {"#!::r=cam,=x", 0, SL_SRT_READ, "cam", NULL, NULL, NULL},
    /* Vendor keys before r and m (Blackmagic encoders send these). */
    {"#!::bmd_uuid=5b0c2a3e-1f7d-4c1e-9a55-0d2f6c7e8a91,bmd_name=studio-1,"
     "r=live/studio,m=publish",
     0, SL_SRT_PUBLISH, "live/studio", NULL, NULL, NULL},
    {"#!::r=a=b", 0, SL_SRT_READ, "a=b", NULL, NULL, NULL},
    {"#!::r=a:b:c", 0, SL_SRT_READ, "a:b:c", NULL, NULL, NULL},
    {"#!::r=one,r=two", 0, SL_SRT_READ, "two", NULL, NULL, NULL},
    {"#!::m=publish,m=request,r=cam", 0, SL_SRT_READ, "cam", NULL, NULL, NULL},
    {"#!::r=cam,u=,s=", 0, SL_SRT_READ, "cam", NULL, NULL, NULL},
    {"#!::r=cam#feedbackplay", 0, SL_SRT_READ, "cam#feedbackplay", NULL, NULL,
     NULL},
    {"#!::r=cam?token=x", 0, SL_SRT_READ, "cam?token=x", NULL, NULL, NULL},
    /* Spaces are not trimmed: " m" and " r" are unknown keys. */
    {"#!::r=cam, m=publish", 0, SL_SRT_READ, "cam", NULL, NULL, NULL},
    BAD("#!:: r=cam"),
    BAD("#!::r=cam ,m=publish ,"),
    BAD("#!::m=publish ,r=cam"),
    /* Standard syntax rejections. */
    BAD("#!::"),
    BAD("#!::m=publish"),
    BAD("#!::u=a,s=b"),
    BAD("#!::r="),
    BAD("#!::r=cam,m=play"),
    BAD("#!::r=cam,m=Publish"),
    BAD("#!::r=cam,m="),
    BAD("#!::r=cam,"),
    BAD("#!::,r=cam"),
    BAD("#!::r=cam,,m=publish"),
    BAD("#!::r=cam,flag"),
    BAD("#!::R=cam"),
};


static void
assert_slice(struct sl_str s, const char *want)
{
    if (want == NULL) {
        assert_int_equal(s.len, 0);
        return;
    }
    if (!sl_str_eq_cstr(s, want)) {
        print_error("got '%.*s', want '%s'\n", (int)s.len,
                    s.p == NULL ? "" : s.p, want);
        fail();
    }
}


static void
test_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct id_case  *c = &cases[i];
        struct sl_srt_streamid id;
        const char            *reason = NULL;
        int                    rc;

        print_message("case: '%s'\n", c->in);
        memset(&id, 0, sizeof(id));
        rc = sl_srt_streamid_parse(sl_str_from(c->in), &id, &reason);
        assert_int_equal(rc, c->rc);
        if (rc < 0) {
            assert_non_null(reason);
            assert_true(strlen(reason) > 0);
            continue;
        }
        assert_null(reason);
        assert_int_equal(id.mode, c->mode);
        assert_slice(id.path, c->path);
        assert_slice(id.user, c->user);
        assert_slice(id.pass, c->pass);
        assert_slice(id.query, c->query);
    }
}


static void
test_length_cap(void **state)
{
    char                   raw[SL_SRT_STREAMID_MAX + 1];
    struct sl_srt_streamid id;
    const char            *reason = NULL;

    (void)state;
    memcpy(raw, "publish:", 8);
    memset(raw + 8, 'a', sizeof(raw) - 8);
    assert_int_equal(sl_srt_streamid_parse(
                         (struct sl_str){raw, SL_SRT_STREAMID_MAX}, &id, NULL),
                     0);
    assert_int_equal(id.mode, SL_SRT_PUBLISH);
    assert_int_equal(id.path.len, SL_SRT_STREAMID_MAX - 8);
    assert_ptr_equal(id.path.p, raw + 8);
    assert_int_equal(
        sl_srt_streamid_parse((struct sl_str){raw, SL_SRT_STREAMID_MAX + 1},
                              &id, &reason),
        SL_ELIMIT);
    assert_string_equal(reason, "stream id too long");

    memcpy(raw, "#!::r=", 6);
    memset(raw + 6, 'b', sizeof(raw) - 6);
    assert_int_equal(sl_srt_streamid_parse(
                         (struct sl_str){raw, SL_SRT_STREAMID_MAX}, &id, NULL),
                     0);
    assert_int_equal(id.path.len, SL_SRT_STREAMID_MAX - 6);
    assert_int_equal(
        sl_srt_streamid_parse((struct sl_str){raw, SL_SRT_STREAMID_MAX + 1},
                              &id, NULL),
        SL_ELIMIT);
}


/* Every control byte is refused, wherever it is, NUL included. */
static void
test_control_bytes(void **state)
{
    static const char *const templates[] = {
        "read:c?m",  "read:cam:u?:p", "read:cam:u:p:q?",
        "#!::r=c?m", "#!::r=cam,x=?", "?read:cam",
    };
    size_t   i;
    unsigned b;

    (void)state;
    for (i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
        for (b = 0; b < 0x80; b++) {
            char                   raw[32];
            struct sl_srt_streamid id;
            const char            *reason = NULL;
            size_t                 len = strlen(templates[i]);
            int                    rc;

            if (b >= 0x20 && b < 0x7f) {
                continue;
            }
            memcpy(raw, templates[i], len);
            *(char *)memchr(raw, '?', len) = (char)b;
            rc = sl_srt_streamid_parse((struct sl_str){raw, len}, &id, &reason);
            assert_int_equal(rc, SL_EBADDATA);
            assert_string_equal(reason, "control character in stream id");
        }
    }
    /* Bytes above 0x7f (UTF-8) are left to the path manager. */
    {
        struct sl_srt_streamid id;

        assert_int_equal(
            sl_srt_streamid_parse(sl_str_lit("read:caf\xc3\xa9"), &id, NULL),
            0);
        assert_int_equal(id.path.len, 5);
    }
}


static void
test_failure_leaves_output(void **state)
{
    static const char *const bad[] = {
        "publish", "#!::r=cam,m=x", "read:cam:a:b:c:d", "#!::", "",
    };
    struct sl_srt_streamid id, before;
    size_t                 i;

    (void)state;
    memset(&before, 0x5a, sizeof(before));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memcpy(&id, &before, sizeof(id));
        assert_true(sl_srt_streamid_parse(sl_str_from(bad[i]), &id, NULL) < 0);
        assert_memory_equal(&id, &before, sizeof(id));
    }
    /* A NULL slice is an empty stream id. */
    assert_int_equal(sl_srt_streamid_parse(SL_STR_NULL, &id, NULL),
                     SL_EBADDATA);
    assert_memory_equal(&id, &before, sizeof(id));
}


/* The reason pointer is optional and left alone on success. */
static void
test_reason_optional(void **state)
{
    struct sl_srt_streamid id;
    const char            *reason = "untouched";

    (void)state;
    assert_int_equal(sl_srt_streamid_parse(sl_str_lit("write:cam"), &id, NULL),
                     SL_EBADDATA);
    assert_int_equal(
        sl_srt_streamid_parse(sl_str_lit("read:cam"), &id, &reason), 0);
    assert_string_equal(reason, "untouched");
    assert_int_equal(
        sl_srt_streamid_parse(sl_str_lit("#!::r=cam,m=x"), &id, &reason),
        SL_EBADDATA);
    assert_string_equal(reason,
                        "stream id mode must be 'request' or 'publish'");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_length_cap),
        cmocka_unit_test(test_control_bytes),
        cmocka_unit_test(test_failure_leaves_output),
        cmocka_unit_test(test_reason_optional),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
