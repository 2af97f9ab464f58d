/*
 * Tests for src/proto/rtp/depack_vp9.c: Sluice's own VP9 packetizer round
 * trip on real frames at several payload sizes, FFmpeg's 1-byte
 * descriptors, every descriptor field, several frames per picture
 * (superframe index), losses and malformed packets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/alloc.h"
#include "base/dbuf.h"
#include "base/err.h"
#include "codec/codec.h"
#include "codec/vp9.h"
#include "proto/rtp/depack.h"
#include "proto/rtp/format.h"
#include "proto/rtp/pack.h"
#include "proto/rtp/rtp.h"
#include "../../codec/fixture.h"


#define MAX_PARTS 4096
#define MAX_GOT   64


struct got {
    uint8_t *data[MAX_GOT];
    size_t   len[MAX_GOT];
    uint32_t ts[MAX_GOT];
    bool     key[MAX_GOT];
    size_t   n;
};


static void                  on_au(void *ud, const struct sl_rtp_au *au);
static void                  got_free(struct got *g);
static struct sl_rtp_depack *new_vp9(void);
static int push(struct sl_rtp_depack *d, struct got *g, uint16_t seq,
                uint32_t ts, bool marker, const uint8_t *payload, size_t len);


static uint32_t offs[MAX_PARTS];
static uint32_t lens[MAX_PARTS];


static void
on_au(void *ud, const struct sl_rtp_au *au)
{
    struct got *g = ud;

    assert_true(g->n < MAX_GOT);
    g->data[g->n] = sl_memdup(au->data, au->len > 0 ? au->len : 1);
    g->len[g->n] = au->len;
    g->ts[g->n] = au->ts;
    g->key[g->n] = au->key;
    g->n++;
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


static struct sl_rtp_depack *
new_vp9(void)
{
    struct sl_rtp_format f;

    assert_int_equal(sl_rtp_format_from_sdp(&f, 96, sl_str_lit("VP9"), 90000, 0,
                                            sl_str_lit("")),
                     0);
    assert_int_equal(f.codec, SL_CODEC_VP9);
    return sl_rtp_depack_new(&f);
}


static int
push(struct sl_rtp_depack *d, struct got *g, uint16_t seq, uint32_t ts,
     bool marker, const uint8_t *payload, size_t len)
{
    struct sl_rtp_pkt pkt = {
        .marker = marker,
        .pt = 96,
        .seq = seq,
        .ts = ts,
        .payload = payload,
        .payload_len = len,
    };

    return sl_rtp_depack_push(d, &pkt, on_au, g);
}


/* Every fixture frame through Sluice's packetizer comes back whole. */
static void
test_round_trip_own_packetizer(void **state)
{
    static const size_t   sizes[] = {0, 500, 100, 16};
    static struct fixture fx;
    struct got            g = {0};
    size_t                s, i;

    (void)state;
    assert_true(fixture_load(&fx, "vp9"));
    for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        struct sl_rtp_pack   *p;
        struct sl_rtp_depack *d = new_vp9();
        struct sl_dbuf        out;

        p = sl_rtp_pack_new(SL_CODEC_VP9, 96, 90000, 3, 9, sizes[s]);
        sl_dbuf_init(&out, 1 << 22);
        for (i = 0; i < fx.n; i++) {
            int n, k;

            sl_dbuf_reset(&out);
            n = sl_rtp_pack_au(p, fx.au[i].data, fx.au[i].len,
                               (uint32_t)fx.au[i].pts, 0, &out, offs, lens,
                               MAX_PARTS);
            assert_true(n >= 1);
            for (k = 0; k < n; k++) {
                struct sl_rtp_pkt pkt;

                assert_int_equal(
                    sl_rtp_parse(sl_dbuf_data(&out) + offs[k], lens[k], &pkt),
                    0);
                assert_int_equal(sl_rtp_depack_push(d, &pkt, on_au, &g), 0);
            }
            assert_int_equal(g.n, 1);
            assert_int_equal(g.len[0], fx.au[i].len);
            assert_memory_equal(g.data[0], fx.au[i].data, g.len[0]);
            assert_int_equal(g.ts[0], (uint32_t)fx.au[i].pts);
            assert_int_equal(g.key[0], fx.au[i].key);
            got_free(&g);
        }
        assert_int_equal(sl_rtp_depack_errors(d), 0);
        sl_dbuf_free(&out);
        sl_rtp_pack_free(&p);
        sl_rtp_depack_free(&d);
    }
    fixture_free(&fx);
}


/*
 * FFmpeg 5.1's packetizer: 0x08 on the first packet, 0x04 (E) added on the
 * last, 0x00 between, marker on the last.
 */
static void
test_ffmpeg_descriptors(void **state)
{
    static struct fixture fx;
    struct sl_rtp_depack *d = new_vp9();
    struct got            g = {0};
    uint8_t               pkt[1 + 100];
    uint16_t              seq = 65530; /* wraps */
    size_t                i;

    (void)state;
    assert_true(fixture_load(&fx, "vp9"));
    for (i = 0; i < fx.n; i++) {
        size_t off = 0;

        while (off < fx.au[i].len) {
            size_t n = fx.au[i].len - off < 100 ? fx.au[i].len - off : 100;
            bool   last = off + n == fx.au[i].len;

            pkt[0] = (uint8_t)((off == 0 ? 0x08 : 0) | (last ? 0x04 : 0));
            memcpy(pkt + 1, fx.au[i].data + off, n);
            assert_int_equal(
                push(d, &g, seq++, (uint32_t)(i * 3600), last, pkt, 1 + n), 0);
            off += n;
        }
        assert_int_equal(g.n, 1);
        assert_int_equal(g.len[0], fx.au[i].len);
        assert_memory_equal(g.data[0], fx.au[i].data, g.len[0]);
        assert_int_equal(g.key[0], fx.au[i].key);
        got_free(&g);
    }
    sl_rtp_depack_free(&d);
    fixture_free(&fx);
}


/* Descriptor fields are skipped whatever their combination. */
static void
test_descriptor_fields(void **state)
{
    static const struct {
        const char *name;
        uint8_t     desc[24];
        size_t      len; /* descriptor bytes (all that is sent when bad) */
        bool        ok;
    } cases[] = {
        {"B E", {0x0c}, 1, true},
        {"I 7-bit", {0x8c, 0x11}, 2, true},
        {"I 15-bit", {0x8c, 0x81, 0x23}, 3, true},
        {"L non-flexible", {0xac, 0x81, 0x23, 0x20, 0x05}, 5, true},
        {"L flexible", {0x3c, 0x20}, 2, true},
        {"F P diffs", {0x5c, 0x03, 0x05, 0x08}, 4, true},
        {"V Y", {0x0e, 0x10, 0x01, 0x40, 0x00, 0xf0}, 6, true},
        {"V two layers Y G",
         {0x0e, 0x38, 0, 1, 0, 2, 0, 3, 0, 4, 0x02, 0x04, 0x01, 0x00},
         14,
         true},
        {"F P four diffs", {0x5c, 0x03, 0x03, 0x03, 0x03}, 5, false},
        {"I truncated", {0x8c}, 1, false},
        {"V truncated", {0x0e}, 1, false},
        {"G truncated", {0x0e, 0x08}, 2, false},
        {"Y truncated", {0x0e, 0x10, 0x01, 0x40}, 4, false},
    };
    /* A 64x64 profile 0 keyframe header. */
    static const uint8_t key[] = {0x82, 0x49, 0x83, 0x42, 0x00,
                                  0x03, 0xf0, 0x03, 0xf0, 0x00};
    size_t               i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sl_rtp_depack *d = new_vp9();
        struct got            g = {0};
        uint8_t               pkt[64];
        size_t                len = cases[i].len;
        int                   rc;

        memcpy(pkt, cases[i].desc, len);
        if (cases[i].ok) {
            memcpy(pkt + len, key, sizeof(key));
            len += sizeof(key);
        }
        rc = push(d, &g, 1, 90, true, pkt, len);
        if (rc != (cases[i].ok ? 0 : SL_EBADDATA)
            || g.n != (cases[i].ok ? 1u : 0u)) {
            fail_msg("%s: rc %d, %zu AUs", cases[i].name, rc, g.n);
        }
        if (cases[i].ok) {
            assert_int_equal(g.len[0], sizeof(key));
            assert_memory_equal(g.data[0], key, sizeof(key));
            assert_true(g.key[0]);
        }
        got_free(&g);
        sl_rtp_depack_free(&d);
    }
}


/* Two frames in one picture become a superframe with its index. */
static void
test_two_frames_superframe(void **state)
{
    static struct fixture fx;
    struct sl_rtp_depack *d = new_vp9();
    struct got            g = {0};
    static uint8_t        pkt[1 << 16];
    const uint8_t        *p;
    size_t                a_len, b_len, idx;

    (void)state;
    assert_true(fixture_load(&fx, "vp9"));
    a_len = fx.au[0].len;
    b_len = fx.au[1].len;
    assert_true(a_len < sizeof(pkt) - 1 && b_len < sizeof(pkt) - 1);
    pkt[0] = 0x0c;
    memcpy(pkt + 1, fx.au[0].data, a_len);
    assert_int_equal(push(d, &g, 7, 1000, false, pkt, 1 + a_len), 0);
    memcpy(pkt + 1, fx.au[1].data, b_len);
    assert_int_equal(push(d, &g, 8, 1000, true, pkt, 1 + b_len), 0);
    assert_int_equal(g.n, 1);
    assert_true(g.key[0]);
    /* frames, then 0b110 mag-1 frames-1, sizes (LE), the marker again. */
    p = g.data[0];
    assert_memory_equal(p, fx.au[0].data, a_len);
    assert_memory_equal(p + a_len, fx.au[1].data, b_len);
    idx = a_len + b_len;
    if (a_len < 256 && b_len < 256) {
        assert_int_equal(p[idx], 0xc1);
        assert_int_equal(p[idx + 1], a_len);
        assert_int_equal(p[idx + 2], b_len);
        assert_int_equal(p[idx + 3], 0xc1);
        assert_int_equal(g.len[0], idx + 4);
    } else {
        assert_int_equal(p[idx], 0xc9);
        assert_int_equal(p[idx + 1] | p[idx + 2] << 8, a_len);
        assert_int_equal(p[idx + 3] | p[idx + 4] << 8, b_len);
        assert_int_equal(p[idx + 5], 0xc9);
        assert_int_equal(g.len[0], idx + 6);
    }
    got_free(&g);
    sl_rtp_depack_free(&d);
    fixture_free(&fx);
}


/*
 * Losses: a gap inside a frame drops that picture (and its remaining
 * packets) only; a continuation without its start and a picture left
 * without E are dropped; a picture without a marker is emitted when the
 * next timestamp starts.
 */
static void
test_losses(void **state)
{
    static const uint8_t  f1[] = {0x08, 0x82, 0x49, 0x83, 0x42, 0x00};
    static const uint8_t  f2[] = {0x00, 0x03, 0xf0, 0x03};
    static const uint8_t  f3[] = {0x04, 0xf6, 0x08};
    static const uint8_t  one[] = {0x0c, 0x82, 0x49, 0x83, 0x42, 0x00};
    struct sl_rtp_depack *d = new_vp9();
    struct got            g = {0};

    (void)state;
    /* Picture at ts 100 loses its middle packet (seq 2). */
    assert_int_equal(push(d, &g, 1, 100, false, f1, sizeof(f1)), 0);
    assert_int_equal(push(d, &g, 3, 100, true, f3, sizeof(f3)), SL_EBADDATA);
    assert_int_equal(g.n, 0);
    /* The next picture is whole. */
    assert_int_equal(push(d, &g, 4, 200, false, f1, sizeof(f1)), 0);
    assert_int_equal(push(d, &g, 5, 200, false, f2, sizeof(f2)), 0);
    assert_int_equal(push(d, &g, 6, 200, true, f3, sizeof(f3)), 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.len[0], 5 + 3 + 2);
    got_free(&g);
    /* A continuation without a start: dropped with the rest of ts 300. */
    assert_int_equal(push(d, &g, 8, 300, false, f2, sizeof(f2)), SL_EBADDATA);
    assert_int_equal(push(d, &g, 9, 300, true, f3, sizeof(f3)), 0);
    assert_int_equal(g.n, 0);
    /* No marker: the picture goes out when ts 500 begins. */
    assert_int_equal(push(d, &g, 10, 400, false, one, sizeof(one)), 0);
    assert_int_equal(g.n, 0);
    assert_int_equal(push(d, &g, 11, 500, true, one, sizeof(one)), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.ts[0], 400);
    assert_int_equal(g.ts[1], 500);
    got_free(&g);
    /* A marker inside a frame (no E): dropped. */
    assert_int_equal(push(d, &g, 12, 600, true, f1, sizeof(f1)), SL_EBADDATA);
    assert_int_equal(g.n, 0);
    /* A second B before E: dropped. */
    assert_int_equal(push(d, &g, 13, 700, false, f1, sizeof(f1)), 0);
    assert_int_equal(push(d, &g, 14, 700, true, one, sizeof(one)), SL_EBADDATA);
    assert_int_equal(g.n, 0);
    /* Empty payload. */
    assert_int_equal(push(d, &g, 15, 800, true, one, 0), SL_EBADDATA);
    assert_int_equal(push(d, &g, 16, 900, true, one, sizeof(one)), 0);
    assert_int_equal(g.n, 1);
    assert_true(sl_rtp_depack_errors(d) >= 5);
    got_free(&g);
    sl_rtp_depack_free(&d);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_own_packetizer),
        cmocka_unit_test(test_ffmpeg_descriptors),
        cmocka_unit_test(test_descriptor_fields),
        cmocka_unit_test(test_two_frames_superframe),
        cmocka_unit_test(test_losses),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
