/*
 * Tests for src/proto/rtmp/chunk.c: writer/reader round trips over chunk
 * stream id forms, lengths, chunk sizes and timestamps (fed in every split
 * size), each header type by hand, extended timestamps with and without
 * the type-3 repetition, Set Chunk Size mid-stream, interleaved chunk
 * streams, Abort, and every cap.
 */
#include "proto/rtmp/chunk.h"
#include "base/alloc.h"
#include "base/bytes.h"
#include "base/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>


#define MAX_MSGS 16

/* Messages collected by feed_all (payloads copied). */
struct got {
    struct sl_rtmp_msg m[MAX_MSGS];
    uint8_t           *data[MAX_MSGS];
    size_t             n;
};

struct rt_case {
    uint32_t csid;
    size_t   len;
    uint32_t ts;
    uint32_t chunk_size;
};


static int  feed_all(struct sl_rtmp_chunk_reader *r, const uint8_t *p,
                     size_t len, size_t step, struct got *g);
static void got_free(struct got *g);
static void test_roundtrip_table(void **state);
static void test_header_types(void **state);
static void test_ext_ts_without_repeat(void **state);
static void test_ext_ts_with_repeat(void **state);
static void test_set_chunk_size_mid_stream(void **state);
static void test_interleaved(void **state);
static void test_abort(void **state);
static void test_caps(void **state);
static void test_errors(void **state);
static void test_eviction_of_idle_streams(void **state);
static void test_writer_two_pieces(void **state);
static void test_truncated_header(void **state);


static const struct rt_case rt_cases[] = {
    {2, 4, 0, 128},
    {3, 0, 0, 128},
    {3, 1, 1000, 128},
    {4, 128, 1000, 128},
    {4, 129, 1000, 128},
    {6, 1000, 40, 128},
    {6, 1000, 40, 1},
    {63, 5000, 0xFFFFFE, 4096},
    {64, 5000, 0xFFFFFF, 4096},
    {319, 300, 0x12345678, 100},
    {320, 300, 0xFFFFFFFF, 100},
    {65599, 70000, 7, 65536},
    {65599, 70000, 0x1000000, 65536},
    {8, 200000, 0x2000000, 4096},
};


/*
 * Feeds p in windows growing by step bytes, keeping what the reader did
 * not consume, as the session does.
 */
static int
feed_all(struct sl_rtmp_chunk_reader *r, const uint8_t *p, size_t len,
         size_t step, struct got *g)
{
    size_t off = 0, end = 0;

    while (off < len) {
        struct sl_rtmp_msg m;
        bool               complete;
        int                rc;

        if (end < off) {
            end = off;
        }
        if (end == off || end < len) {
            end = end + step < len ? end + step : len;
        }
        rc = sl_rtmp_chunk_read(r, p + off, end - off, &m, &complete);
        if (rc == SL_EAGAIN) {
            if (end == len) {
                return SL_EAGAIN;
            }
            continue;
        }
        if (rc < 0) {
            return rc;
        }
        assert_true(rc > 0);
        off += (size_t)rc;
        if (complete) {
            assert_true(g->n < MAX_MSGS);
            g->m[g->n] = m;
            g->data[g->n] = sl_malloc(m.len + 1);
            if (m.len > 0) {
                memcpy(g->data[g->n], m.data, m.len);
            }
            g->n++;
        }
    }
    return 0;
}


static void
got_free(struct got *g)
{
    size_t i;

    for (i = 0; i < g->n; i++) {
        sl_free(g->data[i]);
    }
    g->n = 0;
}


static void
test_roundtrip_table(void **state)
{
    static const size_t steps[] = {1, 7, 13, 4096, 1 << 20};
    size_t              i, k;

    (void)state;
    for (i = 0; i < sizeof(rt_cases) / sizeof(rt_cases[0]); i++) {
        const struct rt_case *c = &rt_cases[i];
        uint8_t              *payload = sl_malloc(c->len + 1);
        struct sl_dbuf        out;
        size_t                j;

        for (j = 0; j < c->len; j++) {
            payload[j] = (uint8_t)(j * 31 + i);
        }
        sl_dbuf_init(&out, 1 << 22);
        assert_int_equal(sl_rtmp_write_message(&out, c->csid, 9, 1, c->ts,
                                               payload, c->len, c->chunk_size),
                         0);
        assert_int_equal(out.len, sl_rtmp_chunked_size(c->csid, c->ts, c->len,
                                                       c->chunk_size));
        for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
            struct sl_rtmp_chunk_reader r;
            struct got                  g = {0};

            if (steps[k] == 1 && c->len > 10000) {
                continue; /* slow, and covered by the smaller cases */
            }
            sl_rtmp_chunk_reader_init(&r, NULL);
            r.chunk_size = c->chunk_size;
            assert_int_equal(
                feed_all(&r, sl_dbuf_data(&out), out.len, steps[k], &g), 0);
            assert_int_equal(g.n, 1);
            assert_int_equal(g.m[0].csid, c->csid);
            assert_int_equal(g.m[0].type, 9);
            assert_int_equal(g.m[0].msid, 1);
            assert_int_equal(g.m[0].ts, c->ts);
            assert_int_equal(g.m[0].len, c->len);
            if (c->len > 0) {
                assert_memory_equal(g.data[0], payload, c->len);
            }
            got_free(&g);
            sl_rtmp_chunk_reader_free(&r);
        }
        sl_dbuf_free(&out);
        sl_free(payload);
    }
}


/* fmt 0, then fmt 1 (delta, new length), fmt 2 (delta), fmt 3 (repeat). */
static void
test_header_types(void **state)
{
    static const uint8_t in[] = {
        /* fmt 0 csid 4: ts 1000, len 2, type 8, msid 1 */
        0x04, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x02, 0x08, 0x01, 0x00, 0x00, 0x00,
        0xAA, 0xBB,
        /* fmt 1 csid 4: delta 20, len 3, type 9 */
        0x44, 0x00, 0x00, 0x14, 0x00, 0x00, 0x03, 0x09, 0x01, 0x02, 0x03,
        /* fmt 2 csid 4: delta 30 */
        0x84, 0x00, 0x00, 0x1E, 0x04, 0x05, 0x06,
        /* fmt 3 csid 4: same delta (30), same length */
        0xC4, 0x07, 0x08, 0x09,
        /* fmt 0 on a 2-byte csid (64 + 10 = 74) */
        0x00, 0x0A, 0x00, 0x00, 0x05, 0x00, 0x00, 0x01, 0x12, 0x00, 0x00, 0x00,
        0x00, 0x42,
        /* fmt 0 on a 3-byte csid (64 + 0x0100 = 320) */
        0x01, 0x00, 0x01, 0x00, 0x00, 0x06, 0x00, 0x00, 0x01, 0x12, 0x00, 0x00,
        0x00, 0x00, 0x43};
    struct sl_rtmp_chunk_reader r;
    struct got                  g = {0};
    size_t                      step;

    (void)state;
    for (step = 1; step <= sizeof(in); step++) {
        sl_rtmp_chunk_reader_init(&r, NULL);
        assert_int_equal(feed_all(&r, in, sizeof(in), step, &g), 0);
        assert_int_equal(g.n, 6);
        assert_int_equal(g.m[0].ts, 1000);
        assert_int_equal(g.m[0].type, 8);
        assert_int_equal(g.m[0].msid, 1);
        assert_int_equal(g.m[1].ts, 1020);
        assert_int_equal(g.m[1].type, 9);
        assert_int_equal(g.m[1].len, 3);
        assert_int_equal(g.m[1].msid, 1);
        assert_int_equal(g.m[2].ts, 1050);
        assert_int_equal(g.m[2].len, 3);
        assert_int_equal(g.m[3].ts, 1080);
        assert_memory_equal(g.data[3], "\x07\x08\x09", 3);
        assert_int_equal(g.m[4].csid, 74);
        assert_int_equal(g.m[4].ts, 5);
        assert_int_equal(g.m[5].csid, 320);
        assert_int_equal(g.m[5].ts, 6);
        got_free(&g);
        sl_rtmp_chunk_reader_free(&r);
    }
}


/* A client that leaves the extended timestamp out of type-3 chunks. */
static void
test_ext_ts_without_repeat(void **state)
{
    uint8_t                     in[400];
    uint8_t                     payload[200];
    struct sl_rtmp_chunk_reader r;
    struct got                  g = {0};
    size_t                      n = 0, i;

    (void)state;
    for (i = 0; i < sizeof(payload); i++) {
        payload[i] = (uint8_t)(0x80 + i);
    }
    n += sl_rtmp_chunk_header0(in, 6, 9, 1, 0x01000000, sizeof(payload));
    memcpy(in + n, payload, 128);
    n += 128;
    in[n++] = 0xC6; /* type 3, no timestamp */
    memcpy(in + n, payload + 128, 72);
    n += 72;
    sl_rtmp_chunk_reader_init(&r, NULL);
    assert_int_equal(feed_all(&r, in, n, 5, &g), 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.m[0].ts, 0x01000000);
    assert_memory_equal(g.data[0], payload, sizeof(payload));
    got_free(&g);
    sl_rtmp_chunk_reader_free(&r);
}


/* The spec form: type-3 chunks repeat it; a new message in type 3 too. */
static void
test_ext_ts_with_repeat(void **state)
{
    uint8_t                     in[600];
    uint8_t                     payload[200];
    struct sl_rtmp_chunk_reader r;
    struct got                  g = {0};
    size_t                      n = 0;

    (void)state;
    memset(payload, 0x11, sizeof(payload));
    n += sl_rtmp_chunk_header0(in, 6, 9, 1, 0x01000000, sizeof(payload));
    memcpy(in + n, payload, 128);
    n += 128;
    n += sl_rtmp_chunk_header3(in + n, 6, 0x01000000);
    memcpy(in + n, payload + 128, 72);
    n += 72;
    /* A second message, type 3: ts += the last field (0x01000000). */
    n += sl_rtmp_chunk_header3(in + n, 6, 0x01000000);
    memcpy(in + n, payload, 128);
    n += 128;
    n += sl_rtmp_chunk_header3(in + n, 6, 0x01000000);
    memcpy(in + n, payload, 72);
    n += 72;
    sl_rtmp_chunk_reader_init(&r, NULL);
    assert_int_equal(feed_all(&r, in, n, 3, &g), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.m[0].ts, 0x01000000);
    assert_int_equal(g.m[1].ts, 0x02000000);
    assert_int_equal(g.m[1].len, 200);
    assert_memory_equal(g.data[1], payload, sizeof(payload));
    got_free(&g);
    sl_rtmp_chunk_reader_free(&r);
}


static void
test_set_chunk_size_mid_stream(void **state)
{
    static const uint32_t sizes[] = {1, 100, 4096, 0x7FFFFFFF};
    uint8_t               payload[5000];
    size_t                i;

    (void)state;
    memset(payload, 0x5A, sizeof(payload));
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct sl_rtmp_chunk_reader r;
        struct sl_dbuf              out;
        struct got                  g = {0};
        uint8_t                     v[4];

        sl_dbuf_init(&out, 1 << 20);
        sl_wb32(v, sizes[i]);
        assert_int_equal(sl_rtmp_write_message(&out, 2, 1, 0, 0, v, 4, 128), 0);
        assert_int_equal(
            sl_rtmp_write_message(&out, 6, 9, 1, 5, payload, sizeof(payload),
                                  sizes[i] > 1 << 20 ? 1 << 20 : sizes[i]),
            0);
        sl_rtmp_chunk_reader_init(&r, NULL);
        assert_int_equal(feed_all(&r, sl_dbuf_data(&out), out.len, 999, &g), 0);
        assert_int_equal(g.n, 2);
        assert_int_equal(g.m[0].type, SL_RTMP_MSG_SET_CHUNK_SIZE);
        assert_int_equal(g.m[1].len, sizeof(payload));
        assert_memory_equal(g.data[1], payload, sizeof(payload));
        assert_true(r.chunk_size <= SL_RTMP_MAX_CHUNK_SIZE);
        got_free(&g);
        sl_rtmp_chunk_reader_free(&r);
        sl_dbuf_free(&out);
    }
}


/* Audio on csid 4 and video on csid 6, chunk by chunk alternately. */
static void
test_interleaved(void **state)
{
    uint8_t                     a[300], v[300], in[1000];
    struct sl_rtmp_chunk_reader r;
    struct got                  g = {0};
    size_t                      n = 0;

    (void)state;
    memset(a, 0xA1, sizeof(a));
    memset(v, 0xB2, sizeof(v));
    n += sl_rtmp_chunk_header0(in + n, 4, 8, 1, 10, sizeof(a));
    memcpy(in + n, a, 128);
    n += 128;
    n += sl_rtmp_chunk_header0(in + n, 6, 9, 1, 20, sizeof(v));
    memcpy(in + n, v, 128);
    n += 128;
    n += sl_rtmp_chunk_header3(in + n, 4, 10);
    memcpy(in + n, a + 128, 128);
    n += 128;
    n += sl_rtmp_chunk_header3(in + n, 6, 20);
    memcpy(in + n, v + 128, 128);
    n += 128;
    n += sl_rtmp_chunk_header3(in + n, 6, 20);
    memcpy(in + n, v + 256, 44);
    n += 44;
    n += sl_rtmp_chunk_header3(in + n, 4, 10);
    memcpy(in + n, a + 256, 44);
    n += 44;
    sl_rtmp_chunk_reader_init(&r, NULL);
    assert_int_equal(feed_all(&r, in, n, 17, &g), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.m[0].csid, 6);
    assert_memory_equal(g.data[0], v, sizeof(v));
    assert_int_equal(g.m[1].csid, 4);
    assert_int_equal(g.m[1].ts, 10);
    assert_memory_equal(g.data[1], a, sizeof(a));
    got_free(&g);
    sl_rtmp_chunk_reader_free(&r);
}


static void
test_abort(void **state)
{
    uint8_t                     v[300], in[1000], w[4];
    struct sl_rtmp_chunk_reader r;
    struct got                  g = {0};
    size_t                      n = 0;

    (void)state;
    memset(v, 0x33, sizeof(v));
    n += sl_rtmp_chunk_header0(in + n, 6, 9, 1, 0, sizeof(v));
    memcpy(in + n, v, 128);
    n += 128;
    sl_wb32(w, 6);
    n += sl_rtmp_chunk_header0(in + n, 2, SL_RTMP_MSG_ABORT, 0, 0, 4);
    memcpy(in + n, w, 4);
    n += 4;
    /* A fresh message on csid 6 is valid after the abort. */
    n += sl_rtmp_chunk_header0(in + n, 6, 9, 1, 40, 5);
    memcpy(in + n, "hello", 5);
    n += 5;
    sl_rtmp_chunk_reader_init(&r, NULL);
    assert_int_equal(feed_all(&r, in, n, 64, &g), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.m[0].type, SL_RTMP_MSG_ABORT);
    assert_int_equal(g.m[1].len, 5);
    assert_memory_equal(g.data[1], "hello", 5);
    got_free(&g);
    sl_rtmp_chunk_reader_free(&r);
}


static void
test_caps(void **state)
{
    struct sl_rtmp_limits lim = {
        .max_message = 1000, .max_chunk_streams = 4, .reassembly_budget = 1500};
    struct sl_rtmp_chunk_reader r;
    struct got                  g = {0};
    uint8_t                     in[4096];
    size_t                      n = 0;
    uint32_t                    csid;

    (void)state;
    /* Message over the cap: refused from its header. */
    n = sl_rtmp_chunk_header0(in, 6, 9, 1, 0, 1001);
    sl_rtmp_chunk_reader_init(&r, &lim);
    assert_int_equal(feed_all(&r, in, n, 100, &g), SL_ELIMIT);
    sl_rtmp_chunk_reader_free(&r);

    /* Default cap: 8 MiB + 1. */
    n = sl_rtmp_chunk_header0(in, 6, 9, 1, 0, SL_RTMP_MAX_MESSAGE + 1);
    sl_rtmp_chunk_reader_init(&r, NULL);
    assert_int_equal(feed_all(&r, in, n, 100, &g), SL_ELIMIT);
    sl_rtmp_chunk_reader_free(&r);

    /* Five chunk streams with partial messages when four are allowed. */
    n = 0;
    for (csid = 3; csid < 8; csid++) {
        n += sl_rtmp_chunk_header0(in + n, csid, 9, 1, 0, 200);
        memset(in + n, 0, 128);
        n += 128;
    }
    lim.reassembly_budget = 0;
    sl_rtmp_chunk_reader_init(&r, &lim);
    assert_int_equal(feed_all(&r, in, n, 4096, &g), SL_ELIMIT);
    sl_rtmp_chunk_reader_free(&r);

    /* Reassembly budget: 2 x 800 partial bytes > 1500. */
    n = 0;
    for (csid = 3; csid < 5; csid++) {
        n += sl_rtmp_chunk_header0(in + n, csid, 9, 1, 0, 800);
        memset(in + n, 0, 128);
        n += 128;
    }
    lim.reassembly_budget = 1500;
    sl_rtmp_chunk_reader_init(&r, &lim);
    assert_int_equal(feed_all(&r, in, n, 4096, &g), SL_ELIMIT);
    sl_rtmp_chunk_reader_free(&r);
}


static void
test_errors(void **state)
{
    static const struct {
        const char *name;
        uint8_t     in[32];
        size_t      len;
        int         rc;
    } cases[] = {
        {"fmt 2 on a new chunk stream", {0x86, 0, 0, 1}, 4, SL_EBADDATA},
        {"fmt 3 on a new chunk stream", {0xC6, 1, 2, 3}, 4, SL_EBADDATA},
        {"set chunk size 0",
         {0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0},
         16,
         SL_EBADDATA},
        {"set chunk size with the top bit",
         {0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0x80, 0, 0, 1},
         16,
         SL_EBADDATA},
        {"set chunk size too short",
         {0x02, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 1},
         14,
         SL_EBADDATA},
        {"abort too short",
         {0x02, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 6},
         13,
         SL_EBADDATA},
        {"new header in the middle of a message",
         {0x06, 0,    0,    0, 0, 0, 200, 9, 1, 0, 0,
          0,    0x00, 0x46, 0, 0, 0, 0,   0, 1, 9},
         21,
         SL_EBADDATA},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sl_rtmp_chunk_reader r;
        struct got                  g = {0};
        int                         rc;

        sl_rtmp_chunk_reader_init(&r, NULL);
        if (i == 6) {
            r.chunk_size = 1; /* the first chunk holds one payload byte */
            rc = feed_all(&r, cases[i].in, 13, 64, &g);
            assert_int_equal(rc, 0);
            rc = feed_all(&r, cases[i].in + 13, cases[i].len - 13, 64, &g);
        } else {
            rc = feed_all(&r, cases[i].in, cases[i].len, 64, &g);
        }
        if (rc != cases[i].rc) {
            fail_msg("%s: rc %d", cases[i].name, rc);
        }
        got_free(&g);
        sl_rtmp_chunk_reader_free(&r);
    }
}


/* Many chunk streams used once each: idle ones are forgotten, no error. */
static void
test_eviction_of_idle_streams(void **state)
{
    struct sl_rtmp_chunk_reader r;
    struct sl_dbuf              out;
    uint32_t                    csid;

    (void)state;
    sl_dbuf_init(&out, 1 << 20);
    for (csid = 2; csid < 500; csid++) {
        assert_int_equal(sl_rtmp_write_message(&out, csid, 8, 1, csid,
                                               (uint8_t *)"x", 1, 128),
                         0);
    }
    sl_rtmp_chunk_reader_init(&r, NULL);
    {
        const uint8_t *p = sl_dbuf_data(&out);
        size_t         left = out.len;
        size_t         count = 0;

        while (left > 0) {
            struct sl_rtmp_msg m;
            bool               complete;
            int rc = sl_rtmp_chunk_read(&r, p, left, &m, &complete);

            assert_true(rc > 0);
            p += rc;
            left -= (size_t)rc;
            count += complete ? 1 : 0;
        }
        assert_int_equal(count, 498);
        assert_true(r.ncs <= SL_RTMP_MAX_CHUNK_STREAMS);
    }
    sl_rtmp_chunk_reader_free(&r);
    sl_dbuf_free(&out);
}


static void
test_writer_two_pieces(void **state)
{
    uint8_t        whole[1000], a[5];
    struct sl_dbuf one, two;
    size_t         i;

    (void)state;
    for (i = 0; i < sizeof(whole); i++) {
        whole[i] = (uint8_t)i;
    }
    memcpy(a, whole, 5);
    sl_dbuf_init(&one, 1 << 16);
    sl_dbuf_init(&two, 1 << 16);
    assert_int_equal(sl_rtmp_write_message(&one, 6, 9, 1, 0x1000000, whole,
                                           sizeof(whole), 128),
                     0);
    assert_int_equal(sl_rtmp_write_message2(&two, 6, 9, 1, 0x1000000, a, 5,
                                            whole + 5, sizeof(whole) - 5, 128),
                     0);
    assert_int_equal(one.len, two.len);
    assert_memory_equal(sl_dbuf_data(&one), sl_dbuf_data(&two), one.len);
    /* Invalid arguments and a full buffer leave out unchanged. */
    assert_int_equal(sl_rtmp_write_message(&one, 1, 9, 1, 0, whole, 1, 128),
                     SL_EINVAL);
    assert_int_equal(sl_rtmp_write_message(&one, 65600, 9, 1, 0, whole, 1, 128),
                     SL_EINVAL);
    assert_int_equal(sl_rtmp_write_message(&one, 6, 9, 1, 0, whole, 1, 0),
                     SL_EINVAL);
    sl_dbuf_free(&one);
    sl_dbuf_init(&one, 100);
    assert_int_equal(sl_rtmp_write_message(&one, 6, 9, 1, 0, whole, 200, 128),
                     SL_ELIMIT);
    assert_int_equal(one.len, 0);
    sl_dbuf_free(&one);
    sl_dbuf_free(&two);
}


static void
test_truncated_header(void **state)
{
    uint8_t                     h[SL_RTMP_MAX_HEADER];
    struct sl_rtmp_chunk_reader r;
    struct sl_rtmp_msg          m;
    bool                        complete;
    size_t                      n, i;

    (void)state;
    n = sl_rtmp_chunk_header0(h, 400, 9, 1, 0x1000000, 10);
    assert_int_equal(n, 18);
    sl_rtmp_chunk_reader_init(&r, NULL);
    for (i = 0; i < n; i++) {
        assert_int_equal(sl_rtmp_chunk_read(&r, h, i, &m, &complete),
                         SL_EAGAIN);
    }
    assert_int_equal(sl_rtmp_chunk_read(&r, h, n, &m, &complete), (int)n);
    assert_false(complete);
    sl_rtmp_chunk_reader_free(&r);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_table),
        cmocka_unit_test(test_header_types),
        cmocka_unit_test(test_ext_ts_without_repeat),
        cmocka_unit_test(test_ext_ts_with_repeat),
        cmocka_unit_test(test_set_chunk_size_mid_stream),
        cmocka_unit_test(test_interleaved),
        cmocka_unit_test(test_abort),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_eviction_of_idle_streams),
        cmocka_unit_test(test_writer_two_pieces),
        cmocka_unit_test(test_truncated_header),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
