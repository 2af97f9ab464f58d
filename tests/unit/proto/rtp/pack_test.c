/*
 * Tests for src/proto/rtp/pack*.c: every codec's packetizer round-trips
 * real access units (tests/unit/codec/data) through the depacketizers
 * (H.264, H.265, AAC, Opus, G.711) or, where Sluice has none yet (AV1,
 * VP8, VP9), through small reference reassemblers written here from the
 * payload specifications; payload sizes, markers, sequence numbers,
 * aggregation and the interleaved framing are checked on the way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/alloc.h"
#include "base/bytes.h"
#include "base/dbuf.h"
#include "base/err.h"
#include "codec/av1.h"
#include "codec/codec.h"
#include "codec/h264.h"
#include "codec/h265.h"
#include "proto/rtp/depack.h"
#include "proto/rtp/pack.h"
#include "proto/rtp/rtp.h"
#include "../../codec/fixture.h"


#define MAX_PARTS 4096

static const size_t payload_sizes[] = {0, 1452 - 12, 500, 100};


/* AUs received from a depacketizer or a reference reassembler. */
struct got {
    uint8_t *data[FIXTURE_MAX_AUS * 2];
    size_t   len[FIXTURE_MAX_AUS * 2];
    uint32_t ts[FIXTURE_MAX_AUS * 2];
    size_t   n;
};

/* What every packet of one AU looked like. */
struct au_packets {
    struct sl_rtp_pkt pkt[MAX_PARTS];
    int               n;
};


static uint32_t offs[MAX_PARTS];
static uint32_t lens[MAX_PARTS];


static void
got_add(struct got *g, const uint8_t *p, size_t len, uint32_t ts)
{
    assert_true(g->n < FIXTURE_MAX_AUS * 2);
    g->data[g->n] = sl_memdup(p, len > 0 ? len : 1);
    g->len[g->n] = len;
    g->ts[g->n] = ts;
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


static void
on_au(void *ud, const struct sl_rtp_au *au)
{
    got_add(ud, au->data, au->len, au->ts);
}


/*
 * Packetizes one AU and checks the framing and the generic invariants:
 * '$' + channel + length before each packet, payload <= max, consecutive
 * sequence numbers, the AU's timestamp and SSRC everywhere.
 */
static void
pack_one(struct sl_rtp_pack *p, const uint8_t *au, size_t len, uint32_t ts,
         size_t max_payload, struct sl_dbuf *out, struct au_packets *ap)
{
    uint16_t seq = sl_rtp_pack_next_seq(p);
    int      n;
    int      i;

    sl_dbuf_reset(out);
    n = sl_rtp_pack_au(p, au, len, ts, 3, out, offs, lens, MAX_PARTS);
    assert_true(n >= 1);
    ap->n = n;
    for (i = 0; i < n; i++) {
        const uint8_t     *d = sl_dbuf_data(out) + offs[i];
        struct sl_rtp_pkt *pkt = &ap->pkt[i];

        assert_true(offs[i] >= 4);
        assert_int_equal(d[-4], '$');
        assert_int_equal(d[-3], 3);
        assert_int_equal(sl_rb16(d - 2), lens[i]);
        assert_int_equal(sl_rtp_parse(d, lens[i], pkt), 0);
        assert_true(
            pkt->payload_len
            <= (max_payload == 0 ? SL_RTP_PACK_DEFAULT_PAYLOAD : max_payload));
        assert_int_equal(pkt->seq, (uint16_t)(seq + i));
        assert_int_equal(pkt->ts, ts);
        assert_int_equal(pkt->ssrc, sl_rtp_pack_ssrc(p));
        assert_int_equal(pkt->pt, 96);
        if (i + 1 < n) {
            assert_int_equal(offs[i] + lens[i] + 4, offs[i + 1]);
        }
    }
    assert_int_equal(offs[n - 1] + lens[n - 1], out->len);
    assert_int_equal(sl_rtp_pack_next_seq(p), (uint16_t)(seq + n));
}


/* Video: only the last packet of the AU is marked. */
static void
check_video_markers(const struct au_packets *ap)
{
    int i;

    for (i = 0; i < ap->n; i++) {
        assert_int_equal(ap->pkt[i].marker, i == ap->n - 1);
    }
}


/*
 * NAL codecs through the real depacketizer, with the parameter sets put in
 * front of keyframes (so they travel in-band, aggregated).
 */
static void
run_nal(int codec, const char *name, size_t max_payload)
{
    static struct fixture    fx;
    static struct got        g;
    struct sl_rtp_pack      *p;
    struct sl_rtp_depack    *d;
    struct sl_rtp_format     f;
    struct sl_dbuf           out;
    struct sl_dbuf           au;
    static struct au_packets ap;
    const uint8_t           *ps[3] = {NULL, NULL, NULL};
    size_t                   ps_len[3] = {0, 0, 0};
    bool                     h265 = codec == SL_CODEC_H265;
    int                      aggregates = 0;
    size_t                   i;

    print_message("%s max_payload %zu\n", name, max_payload);
    assert_true(fixture_load(&fx, name));
    if (h265) {
        struct sl_h265_config c;

        assert_int_equal(sl_h265_hvcc_config_parse(fx.cfg, fx.cfg_len, &c), 0);
        ps[0] = c.vps[0];
        ps_len[0] = c.vps_len[0];
        ps[1] = c.sps[0];
        ps_len[1] = c.sps_len[0];
        ps[2] = c.pps[0];
        ps_len[2] = c.pps_len[0];
    } else {
        struct sl_h264_config c;

        assert_int_equal(sl_h264_avcc_config_parse(fx.cfg, fx.cfg_len, &c), 0);
        ps[1] = c.sps[0];
        ps_len[1] = c.sps_len[0];
        ps[2] = c.pps[0];
        ps_len[2] = c.pps_len[0];
    }
    assert_int_equal(
        sl_rtp_format_from_sdp(&f, 96, sl_str_from(h265 ? "H265" : "H264"),
                               90000, 0, sl_str_lit("packetization-mode=1")),
        0);
    d = sl_rtp_depack_new(&f);
    p = sl_rtp_pack_new(codec, 96, 90000, 0x11223344, 65530, max_payload);
    sl_dbuf_init(&out, 1 << 22);
    sl_dbuf_init(&au, 1 << 22);
    memset(&g, 0, sizeof(g));
    for (i = 0; i < fx.n; i++) {
        const uint8_t *data = fx.au[i].data;
        size_t         len = fx.au[i].len;
        uint32_t       ts = (uint32_t)(fx.au[i].pts + 1000);
        int            rc;
        int            k;

        sl_dbuf_reset(&au);
        rc = h265 ? sl_h265_prepend_params(data, len, ps[0], ps_len[0], ps[1],
                                           ps_len[1], ps[2], ps_len[2], &au)
                  : sl_h264_prepend_params(data, len, ps[1], ps_len[1], ps[2],
                                           ps_len[2], &au);
        assert_true(rc >= 0);
        if (rc == 1) {
            data = sl_dbuf_data(&au);
            len = au.len;
        }
        pack_one(p, data, len, ts, max_payload, &out, &ap);
        check_video_markers(&ap);
        for (k = 0; k < ap.n; k++) {
            int type = h265 ? sl_h265_nal_type(ap.pkt[k].payload[0])
                            : sl_h264_nal_type(ap.pkt[k].payload[0]);

            aggregates += type == (h265 ? SL_H265_NAL_AP : SL_H264_NAL_STAP_A);
            assert_int_equal(sl_rtp_depack_push(d, &ap.pkt[k], on_au, &g), 0);
        }
        assert_int_equal(g.n, i + 1);
        assert_int_equal(g.len[i], len);
        assert_memory_equal(g.data[i], data, len);
        assert_int_equal(g.ts[i], ts);
    }
    /* Parameter sets travel aggregated whenever they fit together. */
    if (max_payload != 100 || !h265) {
        assert_true(aggregates >= 2);
    }
    assert_int_equal(sl_rtp_depack_errors(d), 0);
    got_free(&g);
    sl_dbuf_free(&out);
    sl_dbuf_free(&au);
    sl_rtp_pack_free(&p);
    assert_null(p);
    sl_rtp_depack_free(&d);
    fixture_free(&fx);
}


static void
test_h264_round_trip(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(payload_sizes) / sizeof(payload_sizes[0]); i++) {
        run_nal(SL_CODEC_H264, "h264_bf2", payload_sizes[i]);
        run_nal(SL_CODEC_H264, "h264_bf0", payload_sizes[i]);
    }
}


static void
test_h265_round_trip(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(payload_sizes) / sizeof(payload_sizes[0]); i++) {
        run_nal(SL_CODEC_H265, "h265_bf", payload_sizes[i]);
    }
}


/* SPS + PPS + small slice: one STAP-A; a big slice: FU-A start..end. */
static void
test_h264_stap_and_fu_layout(void **state)
{
    static uint8_t           au[4 + 4 + 4 + 2 + 4 + 300];
    static struct au_packets ap;
    struct sl_rtp_pack      *p;
    struct sl_dbuf           out;
    size_t                   off = 0;
    int                      i;

    (void)state;
    sl_wb32(au, 4);
    memcpy(au + 4, (uint8_t[]){0x67, 0x42, 0xc0, 0x0d}, 4);
    sl_wb32(au + 8, 2);
    memcpy(au + 12, (uint8_t[]){0x68, 0xce}, 2);
    off = 14;
    sl_wb32(au + off, 300);
    au[off + 4] = 0x65;
    for (i = 1; i < 300; i++) {
        au[off + 4 + i] = (uint8_t)i;
    }
    p = sl_rtp_pack_new(SL_CODEC_H264, 96, 90000, 1, 0, 100);
    sl_dbuf_init(&out, 1 << 16);
    pack_one(p, au, sizeof(au), 0, 100, &out, &ap);
    /* STAP-A(SPS, PPS), then 299 bytes in FU-As of 97 bytes. */
    assert_int_equal(ap.n, 1 + 4);
    assert_int_equal(ap.pkt[0].payload[0] & 0x1f, SL_H264_NAL_STAP_A);
    assert_int_equal(ap.pkt[0].payload[0] & 0x60, 0x60);
    assert_int_equal(ap.pkt[0].payload_len, 1 + 2 + 4 + 2 + 2);
    for (i = 1; i < 5; i++) {
        assert_int_equal(ap.pkt[i].payload[0], 0x60 | SL_H264_NAL_FU_A);
        assert_int_equal(ap.pkt[i].payload[1] & 0x1f, SL_H264_NAL_IDR);
        assert_int_equal((ap.pkt[i].payload[1] & 0x80) != 0, i == 1);
        assert_int_equal((ap.pkt[i].payload[1] & 0x40) != 0, i == 4);
        assert_true(ap.pkt[i].payload_len <= 100);
    }
    check_video_markers(&ap);
    sl_dbuf_free(&out);
    sl_rtp_pack_free(&p);
}


static void
test_h264_rejects_bad_aus_and_rolls_back(void **state)
{
    static const uint8_t bad_len[] = {0, 0, 0, 9, 0x65};
    static const uint8_t stap_inside[] = {0, 0, 0, 2, 0x78, 0x00};
    static uint8_t       big[4 + 5000];
    struct sl_rtp_pack  *p;
    struct sl_dbuf       out;
    uint16_t             seq;

    (void)state;
    p = sl_rtp_pack_new(SL_CODEC_H264, 96, 90000, 7, 100, 100);
    sl_dbuf_init(&out, 1 << 16);
    sl_dbuf_add(&out, "keep", 4);
    seq = sl_rtp_pack_next_seq(p);
    assert_int_equal(sl_rtp_pack_au(p, bad_len, sizeof(bad_len), 0, 0, &out,
                                    offs, lens, MAX_PARTS),
                     SL_EBADDATA);
    assert_int_equal(sl_rtp_pack_au(p, stap_inside, sizeof(stap_inside), 0, 0,
                                    &out, offs, lens, MAX_PARTS),
                     SL_EBADDATA);
    assert_int_equal(
        sl_rtp_pack_au(p, big, 0, 0, 0, &out, offs, lens, MAX_PARTS),
        SL_EBADDATA);
    /* 5000 bytes need 53 FU-As: too many for 10 parts. */
    sl_wb32(big, 5000);
    big[4] = 0x41;
    assert_int_equal(
        sl_rtp_pack_au(p, big, sizeof(big), 0, 0, &out, offs, lens, 10),
        SL_ELIMIT);
    assert_int_equal(out.len, 4);
    assert_int_equal(sl_rtp_pack_next_seq(p), seq);
    /* And out's cap. */
    sl_dbuf_free(&out);
    sl_dbuf_init(&out, 1000);
    assert_int_equal(
        sl_rtp_pack_au(p, big, sizeof(big), 0, 0, &out, offs, lens, MAX_PARTS),
        SL_ELIMIT);
    assert_int_equal(out.len, 0);
    assert_int_equal(sl_rtp_pack_next_seq(p), seq);
    sl_dbuf_free(&out);
    sl_rtp_pack_free(&p);
}


/* AAC through the mpeg4-generic depacketizer, formats from our SDP. */
static void
run_aac(size_t max_payload, const uint8_t *extra_au, size_t extra_len)
{
    static struct fixture     fx;
    static struct got         g;
    static struct au_packets  ap;
    struct sl_rtp_pack_params pr = {0};
    struct sl_rtp_format      f;
    struct sl_rtp_pack       *p;
    struct sl_rtp_depack     *d;
    struct sl_dbuf            out;
    struct sl_dbuf            fmtp;
    char                      enc[32];
    uint32_t                  clock;
    uint32_t                  channels;
    size_t                    i;

    assert_true(fixture_load(&fx, "aac"));
    pr.asc = fx.cfg;
    pr.asc_len = fx.cfg_len;
    sl_dbuf_init(&fmtp, 1024);
    assert_int_equal(sl_rtp_pack_sdp(SL_CODEC_AAC, &pr, enc, sizeof(enc),
                                     &clock, &channels, &fmtp),
                     0);
    assert_string_equal(enc, "mpeg4-generic");
    assert_int_equal(clock, 48000);
    assert_int_equal(channels, 2);
    assert_int_equal(
        sl_rtp_format_from_sdp(
            &f, 96, sl_str_from(enc), clock, channels,
            (struct sl_str){(const char *)sl_dbuf_data(&fmtp), fmtp.len}),
        0);
    d = sl_rtp_depack_new(&f);
    p = sl_rtp_pack_new(SL_CODEC_AAC, 96, clock, 5, 1, max_payload);
    sl_dbuf_init(&out, 1 << 20);
    memset(&g, 0, sizeof(g));
    for (i = 0; i <= fx.n; i++) {
        const uint8_t *data = i < fx.n ? fx.au[i].data : extra_au;
        size_t         len = i < fx.n ? fx.au[i].len : extra_len;
        uint32_t       ts = (uint32_t)(i * 1024);
        int            k;

        if (len == 0) {
            continue;
        }
        pack_one(p, data, len, ts, max_payload, &out, &ap);
        check_video_markers(&ap); /* the marker ends the AU here too */
        for (k = 0; k < ap.n; k++) {
            assert_int_equal(sl_rb16(ap.pkt[k].payload), 16);
            assert_int_equal(sl_rb16(ap.pkt[k].payload + 2) >> 3, len);
            assert_int_equal(sl_rtp_depack_push(d, &ap.pkt[k], on_au, &g), 0);
        }
        assert_int_equal(g.len[g.n - 1], len);
        assert_memory_equal(g.data[g.n - 1], data, len);
        assert_int_equal(g.ts[g.n - 1], ts);
    }
    assert_int_equal(sl_rtp_depack_errors(d), 0);
    got_free(&g);
    sl_dbuf_free(&out);
    sl_dbuf_free(&fmtp);
    sl_rtp_pack_free(&p);
    sl_rtp_depack_free(&d);
    fixture_free(&fx);
}


static void
test_aac_round_trip(void **state)
{
    static uint8_t big[8191];
    size_t         i;

    (void)state;
    for (i = 0; i < sizeof(big); i++) {
        big[i] = (uint8_t)(i * 7);
    }
    for (i = 0; i < sizeof(payload_sizes) / sizeof(payload_sizes[0]); i++) {
        run_aac(payload_sizes[i], big, sizeof(big)); /* fragmented AU */
    }
}


static void
test_aac_limits(void **state)
{
    static uint8_t      big[8192];
    struct sl_rtp_pack *p = sl_rtp_pack_new(SL_CODEC_AAC, 96, 48000, 5, 1, 0);
    struct sl_dbuf      out;

    (void)state;
    sl_dbuf_init(&out, 1 << 20);
    assert_int_equal(
        sl_rtp_pack_au(p, big, sizeof(big), 0, 0, &out, offs, lens, MAX_PARTS),
        SL_ELIMIT);
    assert_int_equal(out.len, 0);
    sl_dbuf_free(&out);
    sl_rtp_pack_free(&p);
}


/* Opus (real packets) and G.711 through the one-packet depacketizer. */
static void
test_opus_and_g711_round_trip(void **state)
{
    static struct fixture    fx;
    static struct got        g;
    static struct au_packets ap;
    static uint8_t           pcm[160];
    struct sl_rtp_format     f;
    struct sl_rtp_pack      *p;
    struct sl_rtp_depack    *d;
    struct sl_dbuf           out;
    size_t                   i;

    (void)state;
    assert_true(fixture_load(&fx, "opus"));
    sl_rtp_format_from_sdp(&f, 96, sl_str_lit("opus"), 48000, 2,
                           sl_str_lit("sprop-stereo=1"));
    d = sl_rtp_depack_new(&f);
    p = sl_rtp_pack_new(SL_CODEC_OPUS, 96, 48000, 9, 0, 500);
    sl_dbuf_init(&out, 1 << 16);
    memset(&g, 0, sizeof(g));
    for (i = 0; i < fx.n; i++) {
        pack_one(p, fx.au[i].data, fx.au[i].len, (uint32_t)fx.au[i].pts, 500,
                 &out, &ap);
        assert_int_equal(ap.n, 1);
        assert_false(ap.pkt[0].marker);
        assert_int_equal(sl_rtp_depack_push(d, &ap.pkt[0], on_au, &g), 0);
        assert_int_equal(g.len[i], fx.au[i].len);
        assert_memory_equal(g.data[i], fx.au[i].data, fx.au[i].len);
    }
    got_free(&g);
    sl_rtp_depack_free(&d);
    sl_rtp_pack_free(&p);

    /* Opus cannot be split: too big is an error. */
    p = sl_rtp_pack_new(SL_CODEC_OPUS, 96, 48000, 9, 0, 100);
    assert_int_equal(
        sl_rtp_pack_au(p, pcm, sizeof(pcm), 0, 0, &out, offs, lens, MAX_PARTS),
        SL_ELIMIT);
    sl_rtp_pack_free(&p);

    sl_rtp_format_from_sdp(&f, 96, sl_str_lit("PCMU"), 8000, 1, SL_STR_NULL);
    d = sl_rtp_depack_new(&f);
    p = sl_rtp_pack_new(SL_CODEC_G711, 96, 8000, 9, 0, 0);
    for (i = 0; i < sizeof(pcm); i++) {
        pcm[i] = (uint8_t)(0xff - i);
    }
    pack_one(p, pcm, sizeof(pcm), 160, 0, &out, &ap);
    assert_int_equal(sl_rtp_depack_push(d, &ap.pkt[0], on_au, &g), 0);
    assert_int_equal(g.n, 1);
    assert_memory_equal(g.data[0], pcm, sizeof(pcm));
    got_free(&g);
    sl_rtp_depack_free(&d);
    sl_rtp_pack_free(&p);
    sl_dbuf_free(&out);
    fixture_free(&fx);
}


/*
 * Reference AV1 reassembler (AV1 RTP spec 4.3): rebuilds OBUs with size
 * fields from the OBU elements of a temporal unit's packets.
 */
static void
av1_reassemble(const struct au_packets *ap, struct sl_dbuf *tu)
{
    static uint8_t frag[1 << 20];
    size_t         frag_len = 0;
    bool           in_frag = false;
    int            k;

    sl_dbuf_reset(tu);
    for (k = 0; k < ap->n; k++) {
        const uint8_t *p = ap->pkt[k].payload;
        size_t         len = ap->pkt[k].payload_len;
        bool           z = (p[0] & 0x80) != 0;
        bool           y = (p[0] & 0x40) != 0;
        int            w = (p[0] >> 4) & 3;
        size_t         off = 1;
        int            idx = 0;

        assert_int_equal(z, in_frag);
        while (off < len) {
            uint64_t elen;
            bool     last = w > 0 && idx == w - 1;

            if (last) {
                elen = len - off;
            } else {
                int n = sl_av1_leb128_read(p + off, len - off, &elen);

                assert_true(n > 0);
                off += (size_t)n;
                assert_true(elen <= len - off);
            }
            assert_true(frag_len + elen <= sizeof(frag));
            memcpy(frag + frag_len, p + off, (size_t)elen);
            frag_len += (size_t)elen;
            off += (size_t)elen;
            idx++;
            if (off == len && y) {
                in_frag = true; /* continues in the next packet */
                break;
            }
            {
                /* A whole OBU element: write it back with a size field. */
                size_t   hl = (frag[0] & 0x04) ? 2 : 1;
                size_t   pl = frag_len - hl;
                size_t   ll = sl_av1_leb128_size(pl);
                uint8_t *d = sl_dbuf_reserve(tu, hl + ll + pl);

                assert_non_null(d);
                memcpy(d, frag, hl);
                d[0] |= 0x02;
                sl_av1_leb128_write(d + hl, pl, ll);
                memcpy(d + hl + ll, frag + hl, pl);
                sl_dbuf_commit(tu, hl + ll + pl);
                frag_len = 0;
                in_frag = false;
            }
            if (last) {
                break;
            }
        }
        if (w > 0 && !y) {
            assert_int_equal(idx, w);
        }
    }
    assert_false(in_frag);
}


/* Compares two temporal units OBU by OBU (type, extension, payload). */
static void
av1_assert_same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    struct sl_av1_obu oa[SL_AV1_MAX_OBUS];
    struct sl_av1_obu ob[SL_AV1_MAX_OBUS];
    int               na = sl_av1_tu_split(a, alen, oa, SL_AV1_MAX_OBUS);
    int               nb = sl_av1_tu_split(b, blen, ob, SL_AV1_MAX_OBUS);
    int               i;
    int               j = 0;

    assert_true(na > 0 && nb > 0);
    for (i = 0; i < na; i++) {
        if (oa[i].type == SL_AV1_OBU_TEMPORAL_DELIMITER) {
            continue; /* dropped by the packetizer */
        }
        assert_true(j < nb);
        assert_int_equal(oa[i].type, ob[j].type);
        assert_int_equal(oa[i].has_extension, ob[j].has_extension);
        assert_int_equal(oa[i].payload_len, ob[j].payload_len);
        assert_memory_equal(oa[i].payload, ob[j].payload, oa[i].payload_len);
        j++;
    }
    assert_int_equal(j, nb);
}


static void
run_av1(size_t max_payload)
{
    static struct fixture    fx;
    static struct au_packets ap;
    static uint8_t           with_td[1 << 16];
    struct sl_rtp_pack      *p;
    struct sl_dbuf           out;
    struct sl_dbuf           tu;
    size_t                   i;

    print_message("av1 max_payload %zu\n", max_payload);
    assert_true(fixture_load(&fx, "av1"));
    p = sl_rtp_pack_new(SL_CODEC_AV1, 96, 90000, 3, 40000, max_payload);
    sl_dbuf_init(&out, 1 << 20);
    sl_dbuf_init(&tu, 1 << 20);
    for (i = 0; i < fx.n; i++) {
        const uint8_t *data = fx.au[i].data;
        size_t         len = fx.au[i].len;

        /* Every other TU with a temporal delimiter, as in "-f obu". */
        if (i % 2 == 0 && len + 2 <= sizeof(with_td)) {
            with_td[0] = 0x12;
            with_td[1] = 0x00;
            memcpy(with_td + 2, data, len);
            data = with_td;
            len += 2;
        }
        pack_one(p, data, len, (uint32_t)fx.au[i].pts, max_payload, &out, &ap);
        check_video_markers(&ap);
        /* N: the first packet of a keyframe TU only. */
        assert_int_equal((ap.pkt[0].payload[0] & 0x08) != 0, fx.au[i].key);
        av1_reassemble(&ap, &tu);
        av1_assert_same(data, len, sl_dbuf_data(&tu), tu.len);
    }
    sl_dbuf_free(&out);
    sl_dbuf_free(&tu);
    sl_rtp_pack_free(&p);
    fixture_free(&fx);
}


static void
test_av1_round_trip(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(payload_sizes) / sizeof(payload_sizes[0]); i++) {
        run_av1(payload_sizes[i]);
    }
    run_av1(16);
}


/* Reference VP8/VP9 reassembly: descriptors checked and stripped. */
static void
vpx_reassemble(bool vp9, bool key, const struct au_packets *ap,
               struct sl_dbuf *frame)
{
    int k;

    sl_dbuf_reset(frame);
    for (k = 0; k < ap->n; k++) {
        const uint8_t *p = ap->pkt[k].payload;
        size_t         off = 1;

        if (!vp9) {
            assert_int_equal(p[0], k == 0 ? 0x10 : 0x00);
        } else {
            bool first = k == 0;
            bool last = k == ap->n - 1;

            assert_true((p[0] & 0x80) != 0);             /* I */
            assert_int_equal((p[0] & 0x40) != 0, !key);  /* P */
            assert_int_equal(p[0] & 0x30, 0);            /* L, F */
            assert_int_equal((p[0] & 0x08) != 0, first); /* B */
            assert_int_equal((p[0] & 0x04) != 0, last);  /* E */
            assert_int_equal((p[0] & 0x02) != 0, first && key);
            assert_true((p[1] & 0x80) != 0); /* 15-bit picture ID */
            off = 3;
            if (p[0] & 0x02) {
                assert_int_equal(p[3], 0x10);
                assert_int_equal(sl_rb16(p + 4), 64);
                assert_int_equal(sl_rb16(p + 6), 64);
                off += 5;
            }
        }
        sl_dbuf_add(frame, p + off, ap->pkt[k].payload_len - off);
    }
}


static void
run_vpx(bool vp9, size_t max_payload)
{
    static struct fixture    fx;
    static struct au_packets ap;
    struct sl_rtp_pack      *p;
    struct sl_dbuf           out;
    struct sl_dbuf           frame;
    uint16_t                 prev_pid = 0;
    size_t                   i;

    assert_true(fixture_load(&fx, vp9 ? "vp9" : "vp8"));
    p = sl_rtp_pack_new(vp9 ? SL_CODEC_VP9 : SL_CODEC_VP8, 96, 90000, 3, 9,
                        max_payload);
    sl_dbuf_init(&out, 1 << 20);
    sl_dbuf_init(&frame, 1 << 20);
    for (i = 0; i < fx.n; i++) {
        pack_one(p, fx.au[i].data, fx.au[i].len, (uint32_t)fx.au[i].pts,
                 max_payload, &out, &ap);
        check_video_markers(&ap);
        vpx_reassemble(vp9, fx.au[i].key, &ap, &frame);
        assert_int_equal(frame.len, fx.au[i].len);
        assert_memory_equal(sl_dbuf_data(&frame), fx.au[i].data, frame.len);
        if (vp9) {
            uint16_t pid = (uint16_t)(sl_rb16(ap.pkt[0].payload + 1) & 0x7fff);

            if (i > 0) {
                assert_int_equal(pid, (prev_pid + 1) & 0x7fff);
            }
            prev_pid = pid;
        }
    }
    sl_dbuf_free(&out);
    sl_dbuf_free(&frame);
    sl_rtp_pack_free(&p);
    fixture_free(&fx);
}


static void
test_vp8_vp9_round_trip(void **state)
{
    static const uint8_t not_vp9[] = {0x00, 0x01, 0x02};
    struct sl_rtp_pack  *p;
    struct sl_dbuf       out;
    size_t               i;

    (void)state;
    for (i = 0; i < sizeof(payload_sizes) / sizeof(payload_sizes[0]); i++) {
        run_vpx(false, payload_sizes[i]);
        run_vpx(true, payload_sizes[i]);
    }
    p = sl_rtp_pack_new(SL_CODEC_VP9, 96, 90000, 3, 9, 0);
    sl_dbuf_init(&out, 1024);
    assert_int_equal(sl_rtp_pack_au(p, not_vp9, sizeof(not_vp9), 0, 0, &out,
                                    offs, lens, MAX_PARTS),
                     SL_EBADDATA);
    sl_dbuf_free(&out);
    sl_rtp_pack_free(&p);
}


static void
test_generic_and_defaults(void **state)
{
    static uint8_t           payload[2000];
    struct sl_rtp_pack      *p;
    struct sl_dbuf           out;
    static struct au_packets ap;

    (void)state;
    p = sl_rtp_pack_new(SL_CODEC_GENERIC, 96, 90000, 0, 0, 1);
    assert_true(sl_rtp_pack_ssrc(p) != 0);
    sl_dbuf_init(&out, 1 << 16);
    /* max_payload 1 is raised to the minimum. */
    pack_one(p, payload, SL_RTP_PACK_MIN_PAYLOAD, 1, SL_RTP_PACK_MIN_PAYLOAD,
             &out, &ap);
    assert_true(ap.pkt[0].marker);
    assert_int_equal(sl_rtp_pack_au(p, payload, SL_RTP_PACK_MIN_PAYLOAD + 1, 0,
                                    0, &out, offs, lens, MAX_PARTS),
                     SL_ELIMIT);
    sl_rtp_pack_free(&p);
    p = sl_rtp_pack_new(SL_CODEC_MJPEG, 96, 90000, 5, 0, 0);
    pack_one(p, payload, SL_RTP_PACK_DEFAULT_PAYLOAD, 1, 0, &out, &ap);
    assert_int_equal(sl_rtp_pack_au(p, payload, SL_RTP_PACK_DEFAULT_PAYLOAD + 1,
                                    0, 0, &out, offs, lens, MAX_PARTS),
                     SL_ELIMIT);
    sl_rtp_pack_free(&p);
    sl_rtp_pack_free(&p);
    sl_dbuf_free(&out);
}


/* MP3 (RFC 2250 3.5): each piece of a frame behind a 4-byte header with
 * 16 zero bits and the piece's byte offset in the frame. */
static void
test_mpa_fragments_with_offsets(void **state)
{
    static uint8_t      frame[3000];
    struct sl_rtp_pack *p;
    struct sl_dbuf      out;
    size_t              i, total = 0;
    int                 n;

    (void)state;
    for (i = 0; i < sizeof(frame); i++) {
        frame[i] = (uint8_t)(i * 7);
    }
    p = sl_rtp_pack_new(SL_CODEC_MP3, 14, 90000, 9, 100, 1000);
    sl_dbuf_init(&out, 1 << 16);
    n = sl_rtp_pack_au(p, frame, sizeof(frame), 4500, 2, &out, offs, lens,
                       MAX_PARTS);
    assert_int_equal(n, 4); /* 996 bytes of frame per 1000-byte payload */
    for (i = 0; i < (size_t)n; i++) {
        const uint8_t *pk = sl_dbuf_data(&out) + offs[i];
        size_t         piece = lens[i] - 12 - 4;

        assert_true(lens[i] - 12 <= 1000);
        assert_int_equal(pk[12], 0);
        assert_int_equal(pk[13], 0);
        assert_int_equal((pk[14] << 8) | pk[15], total);
        assert_memory_equal(pk + 16, frame + total, piece);
        total += piece;
    }
    assert_int_equal(total, sizeof(frame));
    sl_rtp_pack_free(&p);
    sl_dbuf_free(&out);
}


struct sdp_case {
    int         codec;
    const char *enc;
    uint32_t    clock;
    uint32_t    channels;
    const char *fmtp;
    int         rc;
};


static void
test_sdp(void **state)
{
    static const uint8_t      sps[] = {0x67, 0x64, 0x00, 0x1f, 0xac};
    static const uint8_t      pps[] = {0x68, 0xeb};
    static const uint8_t      vps[] = {0x40, 0x01};
    static const uint8_t      asc[] = {0x11, 0x90};
    static const uint8_t      bad_asc[] = {0xff};
    struct sl_rtp_pack_params h264 = {
        .sps = sps, .sps_len = sizeof(sps), .pps = pps, .pps_len = sizeof(pps)};
    struct sl_rtp_pack_params h265 = {.vps = vps,
                                      .vps_len = sizeof(vps),
                                      .sps = sps,
                                      .sps_len = sizeof(sps),
                                      .pps = pps,
                                      .pps_len = sizeof(pps)};
    struct sl_rtp_pack_params aac = {.asc = asc, .asc_len = sizeof(asc)};
    struct sl_rtp_pack_params badaac = {.asc = bad_asc, .asc_len = 1};
    struct sl_rtp_pack_params mono = {.channels = 1};
    struct sl_rtp_pack_params six = {.channels = 6};
    struct sl_rtp_pack_params alaw = {.g711_mulaw = false};
    struct sl_rtp_pack_params ulaw = {
        .g711_mulaw = true, .channels = 2, .rate = 16000};
    const struct {
        int                              codec;
        const struct sl_rtp_pack_params *pr;
        const char                      *enc;
        uint32_t                         clock;
        uint32_t                         channels;
        const char                      *fmtp;
        int                              rc;
    } cases[] = {
        {SL_CODEC_H264, &h264, "H264", 90000, 0,
         "packetization-mode=1;profile-level-id=64001F;"
         "sprop-parameter-sets=Z2QAH6w=,aOs=",
         0},
        {SL_CODEC_H264, NULL, "H264", 90000, 0, "packetization-mode=1", 0},
        {SL_CODEC_H265, &h265, "H265", 90000, 0,
         "sprop-vps=QAE=;sprop-sps=Z2QAH6w=;sprop-pps=aOs=", 0},
        {SL_CODEC_H265, NULL, "H265", 90000, 0, "", 0},
        {SL_CODEC_AAC, &aac, "mpeg4-generic", 48000, 2,
         "streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;"
         "indexlength=3;indexdeltalength=3;config=1190",
         0},
        {SL_CODEC_AAC, &badaac, "", 0, 0, "", SL_EBADDATA},
        {SL_CODEC_AAC, NULL, "", 0, 0, "", SL_EBADDATA},
        {SL_CODEC_OPUS, NULL, "opus", 48000, 2, "sprop-stereo=1", 0},
        {SL_CODEC_OPUS, &mono, "opus", 48000, 2, "sprop-stereo=0", 0},
        {SL_CODEC_OPUS, &six, "", 0, 0, "", SL_EBADDATA},
        {SL_CODEC_VP8, NULL, "VP8", 90000, 0, "", 0},
        {SL_CODEC_VP9, NULL, "VP9", 90000, 0, "", 0},
        {SL_CODEC_AV1, NULL, "AV1", 90000, 0, "", 0},
        {SL_CODEC_G711, &alaw, "PCMA", 8000, 1, "", 0},
        {SL_CODEC_G711, &ulaw, "PCMU", 16000, 2, "", 0},
        {SL_CODEC_MJPEG, NULL, "", 0, 0, "", SL_EUNSUP},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char           enc[32] = "";
        uint32_t       clock = 0;
        uint32_t       channels = 0;
        struct sl_dbuf fmtp;

        print_message("case %zu\n", i);
        sl_dbuf_init(&fmtp, 1024);
        assert_int_equal(sl_rtp_pack_sdp(cases[i].codec, cases[i].pr, enc,
                                         sizeof(enc), &clock, &channels, &fmtp),
                         cases[i].rc);
        if (cases[i].rc == 0) {
            assert_string_equal(enc, cases[i].enc);
            assert_int_equal(clock, cases[i].clock);
            assert_int_equal(channels, cases[i].channels);
        }
        assert_int_equal(fmtp.len, strlen(cases[i].fmtp));
        if (fmtp.len > 0) {
            assert_memory_equal(sl_dbuf_data(&fmtp), cases[i].fmtp, fmtp.len);
        }
        sl_dbuf_free(&fmtp);
    }
    /* The encoding buffer is too small. */
    {
        char           enc[4];
        uint32_t       clock;
        uint32_t       channels;
        struct sl_dbuf fmtp;

        sl_dbuf_init(&fmtp, 1024);
        assert_int_equal(sl_rtp_pack_sdp(SL_CODEC_H264, &h264, enc, sizeof(enc),
                                         &clock, &channels, &fmtp),
                         SL_ELIMIT);
        assert_int_equal(fmtp.len, 0);
        sl_dbuf_free(&fmtp);
    }
}


static void
test_rescale(void **state)
{
    const struct {
        int64_t  v;
        uint32_t from;
        uint32_t to;
        int64_t  want;
    } cases[] = {
        {0, 90000, 1000, 0},
        {90000, 90000, 1000, 1000},
        {45, 90000, 1000, 1}, /* 0.5 rounds away from zero */
        {44, 90000, 1000, 0},
        {-45, 90000, 1000, -1},
        {-44, 90000, 1000, 0},
        {1024, 48000, 90000, 1920},
        {(int64_t)1 << 62, 90000, 90000, (int64_t)1 << 62},
        {(int64_t)1 << 62, 90000, 48000, 2459565876494606882},
        {-((int64_t)1 << 62), 48000, 1000, -96076792050570581},
        {INT64_MAX, 1, 2, INT64_MAX},
        {INT64_MIN, 1, 2, INT64_MIN},
        {INT64_MIN, 2, 1, INT64_MIN / 2},
        {UINT32_MAX - 1, UINT32_MAX, UINT32_MAX, UINT32_MAX - 1},
        {7, 0, 5, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("case %zu\n", i);
        assert_true(sl_rescale(cases[i].v, cases[i].from, cases[i].to)
                    == cases[i].want);
    }
    /* No drift: converting running sums gives the same as summing. */
    for (i = 0; i < 100000; i += 997) {
        int64_t a = sl_rescale((int64_t)i * 1024, 44100, 90000);
        int64_t b = sl_rescale(a, 90000, 44100);

        assert_true(b == (int64_t)i * 1024);
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_h264_round_trip),
        cmocka_unit_test(test_h265_round_trip),
        cmocka_unit_test(test_h264_stap_and_fu_layout),
        cmocka_unit_test(test_h264_rejects_bad_aus_and_rolls_back),
        cmocka_unit_test(test_aac_round_trip),
        cmocka_unit_test(test_aac_limits),
        cmocka_unit_test(test_opus_and_g711_round_trip),
        cmocka_unit_test(test_av1_round_trip),
        cmocka_unit_test(test_vp8_vp9_round_trip),
        cmocka_unit_test(test_generic_and_defaults),
        cmocka_unit_test(test_mpa_fragments_with_offsets),
        cmocka_unit_test(test_sdp),
        cmocka_unit_test(test_rescale),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
