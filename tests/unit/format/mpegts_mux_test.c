/*
 * Tests for src/format/mpegts_mux.c: every output is whole 188-byte
 * packets; continuity counters per PID across frames; PAT/PMT bytes and
 * CRCs (PAT identical to FFmpeg's); PES headers with PTS/DTS (wrapped at
 * 2^33); AUD and parameter-set insertion; ADTS and Opus prefixes;
 * adaptation-field stuffing for every payload-size residue, with and
 * without PCR / random access flags; PCR <= DTS; PAT/PMT scheduling with
 * and without video; the join tables; error paths leaving out and the
 * muxer untouched.
 */
#include "format/mpegts_mux.h"
#include "base/bytes.h"
#include "base/err.h"
#include "codec/nalu.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>


#define PKT    188
#define MASK33 ((((uint64_t)1) << 33) - 1)
/* A compound literal and its size, for two consecutive initializers. */
#define B(...)                                                                 \
    (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})
#define N4(n) 0, 0, 0, (n) /* AVCC length prefix */
#define SC    0, 0, 0, 1   /* Annex-B start code */

/* One parsed TS packet. */
struct pkt {
    uint16_t       pid;
    bool           pusi;
    uint8_t        cc;
    size_t         af_len; /* adaptation field bytes, length byte included */
    uint8_t        af_flags;
    bool           has_pcr;
    uint64_t       pcr;
    const uint8_t *payload;
    size_t         plen;
};

/* One parsed PES. */
struct pes_info {
    uint8_t        sid;
    uint16_t       len_field;
    uint8_t        flags1;
    bool           has_pts;
    bool           has_dts;
    uint64_t       pts;
    uint64_t       dts;
    const uint8_t *data;
    size_t         len;
    struct pkt     first; /* the packet it starts in */
    int            npkts;
};

struct video_case {
    const char    *name;
    int            codec;
    bool           key;
    const uint8_t *in;
    size_t         in_len;
    const uint8_t *out;
    size_t         out_len;
};

struct ts_case {
    const char *name;
    int64_t     pts;
    int64_t     dts;
    bool        has_dts;
    uint64_t    want_pts;
    uint64_t    want_dts;
};

struct psi_step {
    int     track;
    int64_t dts;
    bool    key;
    int     rc; /* 1: PAT/PMT first */
};


static void parse_pkt(const uint8_t *p, struct pkt *k);
static void check_stream(const uint8_t *p, size_t len, int *last_cc);
static void collect_pes(const uint8_t *p, size_t len, uint16_t pid,
                        struct pes_info *pi);
static int  mux(struct sl_ts_mux *m, const struct sl_ts_mux_frame *f,
                struct sl_dbuf *out);
static void check_section(const uint8_t *pkt, uint16_t pid, const uint8_t *want,
                          size_t want_len);

static void test_init_errors(void **state);
static void test_pat_pmt_contents(void **state);
static void test_pcr_pid_choice(void **state);
static void test_cc_per_pid_across_frames(void **state);
static void test_pes_timestamps_wrap(void **state);
static void test_video_aud_and_params(void **state);
static void test_adts_header(void **state);
static void test_opus_control_header(void **state);
static void test_stuffing_every_residue(void **state);
static void test_large_video_pes_length_zero(void **state);
static void test_pcr_and_random_access(void **state);
static void test_psi_schedule(void **state);
static void test_write_tables_continuity(void **state);
static void test_write_errors_leave_state(void **state);
static void test_deterministic(void **state);


/* Parameter sets and slices used by the video tests. */
static const uint8_t sps264[] = {0x67, 0x01, 0x02, 0x03};
static const uint8_t pps264[] = {0x68, 0x04, 0x05};
static const uint8_t vps265[] = {0x40, 0x01, 0x0c};
static const uint8_t sps265[] = {0x42, 0x01, 0x01};
static const uint8_t pps265[] = {0x44, 0x01, 0xc0};

static const struct video_case video_cases[] = {
    {"h264 key without sets gets AUD, SPS, PPS", SL_CODEC_H264, true,
     B(N4(4), 0x65, 0x88, 0x84, 0x00),
     B(SC, 0x09, 0xf0, SC, 0x67, 0x01, 0x02, 0x03, SC, 0x68, 0x04, 0x05, SC,
       0x65, 0x88, 0x84, 0x00)},
    {"h264 key carrying its own sets keeps them only", SL_CODEC_H264, true,
     B(N4(2), 0x67, 0x0a, N4(2), 0x68, 0x0b, N4(2), 0x65, 0x88),
     B(SC, 0x09, 0xf0, SC, 0x67, 0x0a, SC, 0x68, 0x0b, SC, 0x65, 0x88)},
    {"h264 key lacking the PPS gets both sets, SPS first", SL_CODEC_H264, true,
     B(N4(2), 0x67, 0x0a, N4(2), 0x65, 0x88),
     B(SC, 0x09, 0xf0, SC, 0x67, 0x01, 0x02, 0x03, SC, 0x68, 0x04, 0x05, SC,
       0x67, 0x0a, SC, 0x65, 0x88)},
    {"h264 non-key gets no sets", SL_CODEC_H264, false, B(N4(2), 0x41, 0x9a),
     B(SC, 0x09, 0xf0, SC, 0x41, 0x9a)},
    {"h264 leading AUD is kept, sets after it", SL_CODEC_H264, true,
     B(N4(2), 0x09, 0x10, N4(2), 0x65, 0x88),
     B(SC, 0x09, 0x10, SC, 0x67, 0x01, 0x02, 0x03, SC, 0x68, 0x04, 0x05, SC,
       0x65, 0x88)},
    {"h264 AUD not in first place is dropped", SL_CODEC_H264, false,
     B(N4(2), 0x06, 0x05, N4(2), 0x09, 0x30, N4(2), 0x41, 0x9a),
     B(SC, 0x09, 0xf0, SC, 0x06, 0x05, SC, 0x41, 0x9a)},
    {"h265 key without sets gets AUD, VPS, SPS, PPS", SL_CODEC_H265, true,
     B(N4(3), 0x26, 0x01, 0xaf),
     B(SC, 0x46, 0x01, 0x50, SC, 0x40, 0x01, 0x0c, SC, 0x42, 0x01, 0x01, SC,
       0x44, 0x01, 0xc0, SC, 0x26, 0x01, 0xaf)},
    {"h265 key carrying its sets", SL_CODEC_H265, true,
     B(N4(3), 0x40, 0x01, 0x0d, N4(3), 0x42, 0x01, 0x02, N4(3), 0x44, 0x01,
       0xc1, N4(3), 0x26, 0x01, 0xaf),
     B(SC, 0x46, 0x01, 0x50, SC, 0x40, 0x01, 0x0d, SC, 0x42, 0x01, 0x02, SC,
       0x44, 0x01, 0xc1, SC, 0x26, 0x01, 0xaf)},
    {"h265 non-key with leading AUD", SL_CODEC_H265, false,
     B(N4(3), 0x46, 0x01, 0x10, N4(3), 0x02, 0x01, 0xd0),
     B(SC, 0x46, 0x01, 0x10, SC, 0x02, 0x01, 0xd0)},
};

static const struct ts_case ts_cases[] = {
    {"zero", 0, 0, false, 0, 0},
    {"one second", 90000, 90000, false, 90000, 0},
    {"largest 33-bit value", (int64_t)MASK33, (int64_t)MASK33, false, MASK33,
     0},
    {"2^33 + 5 wraps to 5", (int64_t)MASK33 + 6, (int64_t)MASK33 + 6, false, 5,
     0},
    {"-1 wraps to 2^33 - 1", -1, -1, false, MASK33, 0},
    {"2^40 + 7", ((int64_t)1 << 40) + 7, ((int64_t)1 << 40) + 7, false, 7, 0},
    {"pts after dts (B-frames)", 10800, 3600, true, 10800, 3600},
    {"pts wrapped, dts not", (int64_t)MASK33 + 101, (int64_t)MASK33 - 99, true,
     100, MASK33 - 99},
    {"alternating bit pattern", 0x155555555, 0xaaaaaaaa, true, 0x155555555,
     0xaaaaaaaa},
};

/* Expected PMT section (CRC excluded) for every_codec below. */
static const uint8_t pmt_every_codec[] = {
    0x02, 0xb0, 0x4b, 0x00, 0x01, 0xc1, 0x00, 0x00, 0xe1, 0x00, 0xf0, 0x00,
    /* H.264 */
    0x1b, 0xe1, 0x00, 0xf0, 0x00,
    /* AAC */
    0x0f, 0xe1, 0x01, 0xf0, 0x00,
    /* Opus, 2 channels: registration "Opus", DVB extension 0x80 */
    0x06, 0xe1, 0x02, 0xf0, 0x0a, 0x05, 0x04, 'O', 'p', 'u', 's', 0x7f, 0x02,
    0x80, 0x02,
    /* MP3 at 22050 Hz: MPEG-2 audio */
    0x04, 0xe1, 0x03, 0xf0, 0x00,
    /* MP3 at 44100 Hz: MPEG-1 audio */
    0x03, 0xe1, 0x04, 0xf0, 0x00,
    /* AC-3: ATSC type, registration "AC-3" */
    0x81, 0xe1, 0x05, 0xf0, 0x06, 0x05, 0x04, 'A', 'C', '-', '3',
    /* KLV: private data, registration "KLVA" */
    0x06, 0xe1, 0x06, 0xf0, 0x06, 0x05, 0x04, 'K', 'L', 'V', 'A',
    /* H.265 */
    0x24, 0xe1, 0x07, 0xf0, 0x00};

/* FFmpeg 5.1's PAT, CRC included (tsid 1, program 1 on PID 0x1000). */
static const uint8_t pat_ffmpeg[] = {0x00, 0xb0, 0x0d, 0x00, 0x01, 0xc1,
                                     0x00, 0x00, 0x00, 0x01, 0xf0, 0x00,
                                     0x2a, 0xb1, 0x04, 0xb2};

static const struct sl_aac_config aac_lc = {
    .object_type = 2,
    .sample_rate = 48000,
    .channels = 2,
    .freq_index = 3,
    .channel_config = 2,
    .frame_length = 1024,
};

static const struct sl_ts_mux_track every_codec[] = {
    {.codec = SL_CODEC_H264},
    {.codec = SL_CODEC_AAC, .aac = aac_lc},
    {.codec = SL_CODEC_OPUS, .opus_channels = 2},
    {.codec = SL_CODEC_MP3, .sample_rate = 22050},
    {.codec = SL_CODEC_MP3, .sample_rate = 44100},
    {.codec = SL_CODEC_AC3},
    {.codec = SL_CODEC_KLV},
    {.codec = SL_CODEC_H265},
};

/* Large enough for the biggest PES of any test. */
static uint8_t pes_buf[1 << 17];
static uint8_t big[1 << 17];


static void
parse_pkt(const uint8_t *p, struct pkt *k)
{
    int    afc;
    size_t off = 4;

    memset(k, 0, sizeof(*k));
    assert_int_equal(p[0], 0x47);
    assert_int_equal(p[1] & 0x80, 0); /* transport_error_indicator */
    k->pusi = (p[1] & 0x40) != 0;
    k->pid = (uint16_t)(((p[1] & 0x1f) << 8) | p[2]);
    assert_int_equal(p[3] & 0xc0, 0); /* not scrambled */
    afc = (p[3] >> 4) & 3;
    assert_true(afc == 1 || afc == 3); /* always a payload */
    k->cc = p[3] & 0x0f;
    if (afc == 3) {
        size_t l = p[4];
        size_t o = 6;

        assert_true(l <= 182); /* leaves at least one payload byte */
        k->af_len = 1 + l;
        if (l > 0) {
            k->af_flags = p[5];
            assert_int_equal(p[5] & ~0x50, 0); /* only RAI and PCR used */
            if (p[5] & 0x10) {
                assert_true(l >= 7);
                k->has_pcr = true;
                k->pcr = ((uint64_t)sl_rb32(p + 6) << 1) | (p[10] >> 7);
                assert_int_equal(p[10] & 0x7e, 0x7e);            /* reserved */
                assert_int_equal(((p[10] & 1) << 8) | p[11], 0); /* ext */
                o += 6;
            }
            for (; o < 5 + l; o++) {
                assert_int_equal(p[o], 0xff); /* stuffing */
            }
        }
        off += k->af_len;
    }
    k->payload = p + off;
    k->plen = PKT - off;
}


/* Whole packets with continuity per PID; last_cc[8192] starts at -1. */
static void
check_stream(const uint8_t *p, size_t len, int *last_cc)
{
    struct pkt k;
    size_t     i;

    assert_int_equal(len % PKT, 0);
    for (i = 0; i < len; i += PKT) {
        parse_pkt(p + i, &k);
        if (last_cc[k.pid] >= 0) {
            assert_int_equal(k.cc, (last_cc[k.pid] + 1) & 0x0f);
        }
        last_cc[k.pid] = k.cc;
    }
}


static uint64_t
read_ts(const uint8_t *p, unsigned prefix)
{
    assert_int_equal(p[0] >> 4, prefix);
    assert_int_equal(p[0] & 1, 1);
    assert_int_equal(p[2] & 1, 1);
    assert_int_equal(p[4] & 1, 1);
    return ((uint64_t)(p[0] & 0x0e) << 29) | ((uint64_t)p[1] << 22)
           | ((uint64_t)(p[2] >> 1) << 15) | ((uint64_t)p[3] << 7)
           | (p[4] >> 1);
}


/*
 * Reassembles the one PES of pid in p[0..len) and parses its header;
 * checks that only its last packet carries stuffing.
 */
static void
collect_pes(const uint8_t *p, size_t len, uint16_t pid, struct pes_info *pi)
{
    size_t     n = 0;
    size_t     i;
    size_t     hlen;
    struct pkt k;
    bool       last_seen = false;

    memset(pi, 0, sizeof(*pi));
    for (i = 0; i < len; i += PKT) {
        parse_pkt(p + i, &k);
        if (k.pid != pid) {
            continue;
        }
        assert_false(last_seen); /* a stuffed packet ends the PES */
        if (pi->npkts == 0) {
            assert_true(k.pusi);
            pi->first = k;
        } else {
            assert_false(k.pusi);
            assert_false(k.has_pcr);
            assert_int_equal(k.af_flags, 0);
        }
        /* More adaptation field than the flags need: stuffing. */
        if (k.af_len > (k.af_flags == 0 ? 0 : 2 + (k.has_pcr ? 6 : 0))) {
            last_seen = true;
        }
        assert_true(n + k.plen <= sizeof(pes_buf));
        memcpy(pes_buf + n, k.payload, k.plen);
        n += k.plen;
        pi->npkts++;
    }
    assert_true(pi->npkts > 0);
    assert_true(n >= 9);
    assert_int_equal(pes_buf[0], 0);
    assert_int_equal(pes_buf[1], 0);
    assert_int_equal(pes_buf[2], 1);
    pi->sid = pes_buf[3];
    pi->len_field = sl_rb16(pes_buf + 4);
    if (pi->len_field != 0) {
        assert_int_equal(pi->len_field, n - 6);
    }
    pi->flags1 = pes_buf[6];
    assert_int_equal(pes_buf[6] & 0xc0, 0x80);
    assert_int_equal(pes_buf[7] & 0x3f, 0); /* no ESCR, rate, ... */
    hlen = pes_buf[8];
    pi->has_pts = (pes_buf[7] & 0x80) != 0;
    pi->has_dts = (pes_buf[7] & 0x40) != 0;
    assert_true(pi->has_pts);
    assert_int_equal(hlen, pi->has_dts ? 10 : 5);
    pi->pts = read_ts(pes_buf + 9, pi->has_dts ? 3 : 2);
    if (pi->has_dts) {
        pi->dts = read_ts(pes_buf + 14, 1);
    }
    pi->data = pes_buf + 9 + hlen;
    pi->len = n - 9 - hlen;
}


/* Writes f into a reset out and checks the packets are whole. */
static int
mux(struct sl_ts_mux *m, const struct sl_ts_mux_frame *f, struct sl_dbuf *out)
{
    int        rc;
    size_t     i;
    struct pkt k;

    sl_dbuf_reset(out);
    rc = sl_ts_mux_write(m, f, out);
    assert_true(rc >= 0);
    assert_true(out->len > 0);
    assert_int_equal(out->len % PKT, 0);
    for (i = 0; i < out->len; i += PKT) {
        parse_pkt(sl_dbuf_data(out) + i, &k);
    }
    return rc;
}


/* Checks a PSI packet: pid, pointer_field 0, CRC, section bytes. */
static void
check_section(const uint8_t *pkt, uint16_t pid, const uint8_t *want,
              size_t want_len)
{
    struct pkt     k;
    const uint8_t *s;
    size_t         slen;
    size_t         i;

    parse_pkt(pkt, &k);
    assert_int_equal(k.pid, pid);
    assert_true(k.pusi);
    assert_int_equal(k.af_len, 0);
    assert_int_equal(k.payload[0], 0); /* pointer_field */
    s = k.payload + 1;
    slen = 3 + (size_t)(sl_rb16(s + 1) & 0x0fff);
    assert_true(slen + 1 <= k.plen);
    assert_int_equal(sl_ts_crc32(s, slen - 4), sl_rb32(s + slen - 4));
    assert_int_equal(sl_ts_crc32(s, slen), 0);
    assert_true(want_len == slen || want_len == slen - 4);
    assert_memory_equal(s, want, want_len);
    for (i = 1 + slen; i < k.plen; i++) {
        assert_int_equal(k.payload[i], 0xff);
    }
}


static void
test_init_errors(void **state)
{
    struct sl_ts_mux       m;
    struct sl_ts_mux_track t[SL_TS_MUX_MAX_TRACKS + 1];
    struct sl_aac_config   c;

    (void)state;
    memset(t, 0, sizeof(t));
    for (int i = 0; i <= SL_TS_MUX_MAX_TRACKS; i++) {
        t[i].codec = SL_CODEC_MP3;
    }
    assert_int_equal(sl_ts_mux_init(&m, t, 0), SL_EINVAL);
    assert_int_equal(sl_ts_mux_init(&m, NULL, 1), SL_EINVAL);
    assert_int_equal(sl_ts_mux_init(&m, t, SL_TS_MUX_MAX_TRACKS + 1),
                     SL_EINVAL);
    assert_int_equal(sl_ts_mux_init(&m, t, SL_TS_MUX_MAX_TRACKS), 0);

    t[1].codec = SL_CODEC_VP8;
    assert_int_equal(sl_ts_mux_init(&m, t, 2), SL_EUNSUP);
    t[1].codec = SL_CODEC_AAC_LATM;
    assert_int_equal(sl_ts_mux_init(&m, t, 2), SL_EUNSUP);
    t[1].codec = SL_CODEC_NONE;
    assert_int_equal(sl_ts_mux_init(&m, t, 2), SL_EUNSUP);

    /* AAC configs ADTS cannot express. */
    t[1].codec = SL_CODEC_AAC;
    t[1].aac = aac_lc;
    assert_int_equal(sl_ts_mux_init(&m, t, 2), 0);
    c = aac_lc;
    c.object_type = 5;
    t[1].aac = c;
    assert_int_equal(sl_ts_mux_init(&m, t, 2), SL_EINVAL);
    c = aac_lc;
    c.sample_rate = 12345;
    c.freq_index = 15;
    t[1].aac = c;
    assert_int_equal(sl_ts_mux_init(&m, t, 2), SL_EINVAL);
    c = aac_lc;
    c.frame_length = 960;
    t[1].aac = c;
    assert_int_equal(sl_ts_mux_init(&m, t, 2), SL_EINVAL);
    c = aac_lc;
    c.channel_config = 0;
    c.channels = 0;
    t[1].aac = c;
    assert_int_equal(sl_ts_mux_init(&m, t, 2), SL_EINVAL);

    t[1].codec = SL_CODEC_OPUS;
    t[1].opus_channels = 0;
    assert_int_equal(sl_ts_mux_init(&m, t, 2), SL_EINVAL);
    t[1].opus_channels = 9;
    assert_int_equal(sl_ts_mux_init(&m, t, 2), SL_EINVAL);
    t[1].opus_channels = 8;
    assert_int_equal(sl_ts_mux_init(&m, t, 2), 0);
}


static void
test_pat_pmt_contents(void **state)
{
    struct sl_ts_mux       m;
    struct sl_dbuf         out;
    static const uint8_t   au[] = {N4(2), 0x65, 0x88};
    struct sl_ts_mux_frame f = {.track = 0,
                                .pts = 0,
                                .dts = 0,
                                .key = true,
                                .data = au,
                                .len = sizeof(au)};

    (void)state;
    sl_dbuf_init(&out, 1 << 20);
    assert_int_equal(sl_ts_mux_init(&m, every_codec, 8), 0);
    assert_int_equal(mux(&m, &f, &out), 1);
    assert_int_equal(out.len, 3 * PKT);
    check_section(sl_dbuf_data(&out), SL_TS_PID_PAT, pat_ffmpeg,
                  sizeof(pat_ffmpeg));
    check_section(sl_dbuf_data(&out) + PKT, SL_TS_MUX_PID_PMT, pmt_every_codec,
                  sizeof(pmt_every_codec));

    /* Opus channel counts go to the extension descriptor. */
    {
        struct sl_ts_mux_track t = {.codec = SL_CODEC_OPUS, .opus_channels = 6};
        const uint8_t         *s = m.pmt + 5; /* the section */

        assert_int_equal(sl_ts_mux_init(&m, &t, 1), 0);
        assert_int_equal(s[12], SL_TS_ST_PRIVATE);
        /* 12 table bytes, 5 ES bytes, registration (6), 0x7f 2 0x80 ch */
        assert_int_equal(s[17 + 6 + 3], 6);
    }
    sl_dbuf_free(&out);
}


static void
test_pcr_pid_choice(void **state)
{
    static const struct {
        int codecs[3];
        int n;
        int pcr_track;
    } cases[] = {
        {{SL_CODEC_AAC, SL_CODEC_H264, SL_CODEC_H265}, 3, 1},
        {{SL_CODEC_H265, SL_CODEC_H264}, 2, 0},
        {{SL_CODEC_KLV, SL_CODEC_MP3, SL_CODEC_AAC}, 3, 1},
        {{SL_CODEC_KLV}, 1, 0},
        {{SL_CODEC_AC3, SL_CODEC_KLV}, 2, 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sl_ts_mux       m;
        struct sl_ts_mux_track t[3];

        memset(t, 0, sizeof(t));
        for (int j = 0; j < cases[i].n; j++) {
            t[j].codec = cases[i].codecs[j];
            t[j].aac = aac_lc;
        }
        assert_int_equal(sl_ts_mux_init(&m, t, cases[i].n), 0);
        assert_int_equal(m.pcr_track, cases[i].pcr_track);
        /* PCR_PID in the PMT, after table header (8) and section start. */
        assert_int_equal(sl_rb16(m.pmt + 5 + 8) & 0x1fff,
                         SL_TS_MUX_PID_FIRST + cases[i].pcr_track);
    }
}


static void
test_cc_per_pid_across_frames(void **state)
{
    struct sl_ts_mux m;
    struct sl_dbuf   out;
    static int       last_cc[0x2000];
    uint8_t          au[600];
    int              count[SL_TS_MUX_MAX_TRACKS] = {0};

    (void)state;
    for (size_t i = 0; i < 0x2000; i++) {
        last_cc[i] = -1;
    }
    memset(au, 0x5a, sizeof(au));
    sl_wb32(au, sizeof(au) - 4);
    au[4] = 0x65;
    sl_dbuf_init(&out, 1 << 20);
    assert_int_equal(sl_ts_mux_init(&m, every_codec, 8), 0);
    /* Many frames on every track, one stream of bytes as a reader sees it. */
    for (int i = 0; i < 400; i++) {
        int                    track = (i * 7) % 8;
        struct sl_ts_mux_frame f = {.track = track,
                                    .pts = 3000 * i,
                                    .dts = 3000 * i,
                                    .key = (i % 16) == 0,
                                    .data = au,
                                    .len = (size_t)(100 + (i * 37) % 480)};

        if (every_codec[track].codec == SL_CODEC_H264
            || every_codec[track].codec == SL_CODEC_H265)
        {
            f.len = sizeof(au) - (size_t)((i * 13) % 400);
            sl_wb32(au, (uint32_t)f.len - 4);
            au[4] = every_codec[track].codec == SL_CODEC_H264 ? 0x65 : 0x26;
        }
        assert_true(sl_ts_mux_write(&m, &f, &out) >= 0);
        count[track]++;
    }
    check_stream(sl_dbuf_data(&out), out.len, last_cc);
    /* Every track and both tables appeared and wrapped their counters. */
    for (int t = 0; t < 8; t++) {
        assert_true(count[t] > 16);
        assert_true(last_cc[SL_TS_MUX_PID_FIRST + t] >= 0);
        assert_int_equal(m.es[t].cc,
                         (last_cc[SL_TS_MUX_PID_FIRST + t] + 1) & 15);
    }
    assert_true(last_cc[SL_TS_PID_PAT] >= 0);
    assert_true(last_cc[SL_TS_MUX_PID_PMT] >= 0);
    sl_dbuf_free(&out);
}


static void
test_pes_timestamps_wrap(void **state)
{
    struct sl_ts_mux       m;
    struct sl_dbuf         out;
    struct pes_info        pi;
    static const uint8_t   au[] = {N4(2), 0x41, 0x9a};
    struct sl_ts_mux_track t[2] = {{.codec = SL_CODEC_H264},
                                   {.codec = SL_CODEC_MP3}};

    (void)state;
    sl_dbuf_init(&out, 1 << 20);
    assert_int_equal(sl_ts_mux_init(&m, t, 2), 0);
    for (size_t i = 0; i < sizeof(ts_cases) / sizeof(ts_cases[0]); i++) {
        const struct ts_case  *c = &ts_cases[i];
        struct sl_ts_mux_frame f = {.track = 0,
                                    .pts = c->pts,
                                    .dts = c->dts,
                                    .data = au,
                                    .len = sizeof(au)};

        print_message("%s\n", c->name);
        mux(&m, &f, &out);
        collect_pes(sl_dbuf_data(&out), out.len, 0x100, &pi);
        assert_int_equal(pi.sid, 0xe0);
        assert_int_equal(pi.has_dts, c->has_dts);
        assert_int_equal(pi.pts, c->want_pts);
        if (c->has_dts) {
            assert_int_equal(pi.dts, c->want_dts);
        }
        /* PCR from DTS: base = DTS - 100 ms, modulo 2^33. */
        assert_true(pi.first.has_pcr);
        assert_int_equal(pi.first.pcr,
                         ((uint64_t)c->dts - SL_TS_MUX_PCR_DELAY) & MASK33);

        /* Audio: stream id 0xc0, the same timestamp coding. */
        f.track = 1;
        mux(&m, &f, &out);
        collect_pes(sl_dbuf_data(&out), out.len, 0x101, &pi);
        assert_int_equal(pi.sid, 0xc0);
        assert_int_equal(pi.pts, c->want_pts);
        assert_int_equal(pi.has_dts, c->has_dts);
        assert_false(pi.first.has_pcr);
    }
    sl_dbuf_free(&out);
}


static void
test_video_aud_and_params(void **state)
{
    struct sl_dbuf out;

    (void)state;
    sl_dbuf_init(&out, 1 << 20);
    for (size_t i = 0; i < sizeof(video_cases) / sizeof(video_cases[0]); i++) {
        const struct video_case *c = &video_cases[i];
        struct sl_ts_mux         m;
        struct sl_ts_mux_track   t = {.codec = c->codec};
        const uint8_t           *ps264[] = {sps264, pps264};
        const size_t             ps264_len[] = {sizeof(sps264), sizeof(pps264)};
        const uint8_t           *ps265[] = {vps265, sps265, pps265};
        const size_t             ps265_len[] = {sizeof(vps265), sizeof(sps265),
                                                sizeof(pps265)};
        bool                     h265 = c->codec == SL_CODEC_H265;
        struct sl_ts_mux_frame   f = {.track = 0,
                                      .pts = 1000,
                                      .dts = 1000,
                                      .key = c->key,
                                      .data = c->in,
                                      .len = c->in_len,
                                      .params = h265 ? ps265 : ps264,
                                      .params_len = h265 ? ps265_len : ps264_len,
                                      .nparams = h265 ? 3 : 2};
        struct pes_info          pi;

        print_message("%s\n", c->name);
        assert_int_equal(sl_ts_mux_init(&m, &t, 1), 0);
        mux(&m, &f, &out);
        collect_pes(sl_dbuf_data(&out), out.len, 0x100, &pi);
        assert_int_equal(pi.sid, 0xe0);
        assert_int_equal(pi.flags1, 0x84); /* data_alignment_indicator */
        assert_int_equal(pi.len, c->out_len);
        assert_memory_equal(pi.data, c->out, c->out_len);
    }
    sl_dbuf_free(&out);
}


static void
test_adts_header(void **state)
{
    struct sl_ts_mux       m;
    struct sl_dbuf         out;
    struct pes_info        pi;
    struct sl_ts_mux_track t = {.codec = SL_CODEC_AAC, .aac = aac_lc};
    static const size_t    sizes[] = {0, 1, 200, 1000, 8184};
    uint8_t                want[7];

    (void)state;
    sl_dbuf_init(&out, 1 << 20);
    t.aac.sample_rate = 44100;
    t.aac.freq_index = 4;
    t.aac.channels = 1;
    t.aac.channel_config = 1;
    assert_int_equal(sl_ts_mux_init(&m, &t, 1), 0);
    for (size_t i = 0; i < 8200; i++) {
        big[i] = (uint8_t)(i * 7);
    }
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct sl_ts_mux_frame f = {.track = 0,
                                    .pts = 1,
                                    .dts = 1,
                                    .key = true,
                                    .data = big,
                                    .len = sizes[i]};

        mux(&m, &f, &out);
        collect_pes(sl_dbuf_data(&out), out.len, 0x100, &pi);
        assert_int_equal(pi.sid, 0xc0);
        assert_int_equal(sl_adts_write_header(want, &t.aac, sizes[i]), 0);
        assert_int_equal(pi.len, 7 + sizes[i]);
        assert_memory_equal(pi.data, want, 7);
        assert_memory_equal(pi.data + 7, big, sizes[i]);
    }
    sl_dbuf_free(&out);
}


static void
test_opus_control_header(void **state)
{
    static const struct {
        size_t  len;
        size_t  hlen;
        uint8_t last; /* the au_size byte after the 0xff run */
    } cases[] = {
        {0, 3, 0},     {1, 3, 1},   {254, 3, 254}, {255, 4, 0},     {256, 4, 1},
        {509, 4, 254}, {510, 5, 0}, {1275, 8, 0},  {3000, 14, 195},
    };
    struct sl_ts_mux       m;
    struct sl_dbuf         out;
    struct pes_info        pi;
    struct sl_ts_mux_track t = {.codec = SL_CODEC_OPUS, .opus_channels = 1};

    (void)state;
    sl_dbuf_init(&out, 1 << 20);
    assert_int_equal(sl_ts_mux_init(&m, &t, 1), 0);
    for (size_t i = 0; i < 3000; i++) {
        big[i] = (uint8_t)(i ^ 0x33);
    }
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sl_ts_mux_frame f = {.track = 0,
                                    .pts = 960,
                                    .dts = 960,
                                    .key = true,
                                    .data = big,
                                    .len = cases[i].len};
        size_t                 h = cases[i].hlen;

        mux(&m, &f, &out);
        collect_pes(sl_dbuf_data(&out), out.len, 0x100, &pi);
        assert_int_equal(pi.sid, 0xbd);
        assert_int_equal(pi.len, h + cases[i].len);
        assert_int_equal(pi.data[0], 0x7f);
        assert_int_equal(pi.data[1], 0xe0);
        for (size_t j = 2; j < h - 1; j++) {
            assert_int_equal(pi.data[j], 0xff);
        }
        assert_int_equal(pi.data[h - 1], cases[i].last);
        assert_memory_equal(pi.data + h, big, cases[i].len);
    }
    sl_dbuf_free(&out);
}


/*
 * Payload sizes 0..400 for the three first-packet layouts (no adaptation
 * field; random access flag only; flag and PCR), so every residue modulo
 * 184 of the PES length is stuffed: the PES comes back whole, only its
 * last packet is stuffed, and it uses the fewest packets.
 */
static void
test_stuffing_every_residue(void **state)
{
    static const struct sl_ts_mux_track t[] = {
        {.codec = SL_CODEC_MP3},  /* RAI only (every audio frame) */
        {.codec = SL_CODEC_H264}, /* PCR track: RAI + PCR on keys */
        {.codec = SL_CODEC_H265}, /* non-key, no PCR: no AF */
        {.codec = SL_CODEC_KLV},
    };
    struct sl_ts_mux m;
    struct sl_dbuf   out;
    uint8_t          want[512];
    uint8_t          au[512];

    (void)state;
    sl_dbuf_init(&out, 1 << 20);
    assert_int_equal(sl_ts_mux_init(&m, t, 4), 0);
    for (size_t i = 0; i < sizeof(au); i++) {
        au[i] = (uint8_t)(i * 11 + 3);
    }
    for (size_t size = 0; size <= 400; size++) {
        for (int track = 0; track < 4; track++) {
            struct sl_ts_mux_frame f = {.track = track,
                                        .pts = 9000,
                                        .dts = 9000,
                                        .data = au,
                                        .len = size};
            struct pes_info        pi;
            size_t                 want_len = size;
            size_t                 af = 0;
            size_t                 pes_len;

            memcpy(want, au, size);
            if (track == 1 || track == 2) {
                /* One NALU of `size` bytes (header included) behind AUD. */
                static const uint8_t aud264[] = {SC, 0x09, 0xf0};
                static const uint8_t aud265[] = {SC, 0x46, 0x01, 0x50};
                const uint8_t       *aud = track == 1 ? aud264 : aud265;
                size_t alen = track == 1 ? sizeof(aud264) : sizeof(aud265);

                if (size == 0) {
                    continue;
                }
                sl_wb32(au, (uint32_t)size);
                au[4] = track == 1 ? 0x65 : 0x02;
                f.len = size + 4;
                f.key = track == 1;
                memcpy(want, aud, alen);
                memcpy(want + alen, (const uint8_t[]){SC}, 4);
                memcpy(want + alen + 4, au + 4, size);
                want_len = alen + 4 + size;
            }
            mux(&m, &f, &out);
            collect_pes(sl_dbuf_data(&out), out.len, (uint16_t)(0x100 + track),
                        &pi);
            assert_int_equal(pi.len, want_len);
            assert_memory_equal(pi.data, want, want_len);
            if (track == 0 || track == 3) {
                af = 2;
                assert_int_equal(pi.first.af_flags & 0x40, 0x40);
            } else if (track == 1) {
                af = 8;
                assert_true(pi.first.has_pcr);
            } else {
                assert_false(pi.first.has_pcr);
            }
            /* Fewest packets: the PES plus the first packet's flags. */
            pes_len = 14 + want_len;
            assert_int_equal(pi.npkts, (pes_len + af + 183) / 184);
            if (pi.npkts == 1) {
                assert_int_equal(pi.first.af_len, 184 - pes_len);
            } else {
                assert_int_equal(pi.first.af_len, af);
            }
        }
    }
    sl_dbuf_free(&out);
}


static void
test_large_video_pes_length_zero(void **state)
{
    struct sl_ts_mux       m;
    struct sl_dbuf         out;
    struct pes_info        pi;
    struct sl_ts_mux_track t = {.codec = SL_CODEC_H264};
    size_t                 n = 70000;
    struct sl_ts_mux_frame f = {.track = 0,
                                .pts = 3600,
                                .dts = 0,
                                .key = false,
                                .data = big,
                                .len = n + 4};

    (void)state;
    sl_dbuf_init(&out, 1 << 20);
    assert_int_equal(sl_ts_mux_init(&m, &t, 1), 0);
    for (size_t i = 0; i < n + 4; i++) {
        big[i] = (uint8_t)(i * 3);
    }
    sl_wb32(big, (uint32_t)n);
    big[4] = 0x41;
    mux(&m, &f, &out);
    collect_pes(sl_dbuf_data(&out), out.len, 0x100, &pi);
    assert_int_equal(pi.len_field, 0);
    assert_int_equal(pi.len, 6 + 4 + n);
    assert_memory_equal(pi.data + 10, big + 4, n);

    /*
     * The largest PES that still has a length: 65535 bytes after the
     * field, 13 of them flags and PTS/DTS; the AUD (6) and a start code
     * replacing the length prefix make the payload f.len + 6.
     */
    f.len = 65535 - 13 - 6;
    sl_wb32(big, (uint32_t)f.len - 4);
    mux(&m, &f, &out);
    collect_pes(sl_dbuf_data(&out), out.len, 0x100, &pi);
    assert_int_equal(pi.len_field, 65535);
    f.len++;
    sl_wb32(big, (uint32_t)f.len - 4);
    mux(&m, &f, &out);
    collect_pes(sl_dbuf_data(&out), out.len, 0x100, &pi);
    assert_int_equal(pi.len_field, 0);
    sl_dbuf_free(&out);
}


static void
test_pcr_and_random_access(void **state)
{
    static const struct sl_ts_mux_track t[] = {
        {.codec = SL_CODEC_AAC, .aac = aac_lc},
        {.codec = SL_CODEC_H264},
    };
    struct sl_ts_mux m;
    struct sl_dbuf   out;
    uint8_t          au[300];

    (void)state;
    sl_dbuf_init(&out, 1 << 20);
    assert_int_equal(sl_ts_mux_init(&m, t, 2), 0);
    memset(au, 0x11, sizeof(au));
    sl_wb32(au, sizeof(au) - 4);
    for (int i = 0; i < 50; i++) {
        int64_t                dts = 90000 + 3600 * i;
        bool                   key = i % 10 == 0;
        struct sl_ts_mux_frame v = {.track = 1,
                                    .pts = dts + 7200,
                                    .dts = dts,
                                    .key = key,
                                    .data = au,
                                    .len = sizeof(au)};
        struct sl_ts_mux_frame a = {
            .track = 0, .pts = dts, .dts = dts, .data = au, .len = 100};
        struct pes_info pi;

        au[4] = key ? 0x65 : 0x41;
        mux(&m, &v, &out);
        collect_pes(sl_dbuf_data(&out), out.len, 0x101, &pi);
        assert_true(pi.first.has_pcr);
        assert_true(pi.first.pcr <= pi.dts);
        assert_int_equal(pi.first.pcr, (uint64_t)dts - SL_TS_MUX_PCR_DELAY);
        assert_int_equal((pi.first.af_flags & 0x40) != 0, key);

        mux(&m, &a, &out);
        collect_pes(sl_dbuf_data(&out), out.len, 0x100, &pi);
        assert_false(pi.first.has_pcr);
        assert_int_equal(pi.first.af_flags, 0x40); /* audio: RAI always */
    }
    sl_dbuf_free(&out);
}


static void
test_psi_schedule(void **state)
{
    /* With video: the first frame, then every video keyframe. */
    static const struct psi_step with_video[] = {
        {0, 0, true, 1},     {0, 1920, true, 0},  {1, 3000, false, 0},
        {1, 6000, true, 1},  {0, 99000, true, 0}, {1, 9000, false, 0},
        {1, 12000, true, 1}, {1, 12000, true, 1},
    };
    /* Without video: the first frame, then 100 ms of DTS later. */
    static const struct psi_step audio_only[] = {
        {0, 0, true, 1},         {0, 1920, true, 0},
        {0, 7680, true, 0},      {1, 8999, true, 0},
        {0, 9000, true, 1},      {0, 17999, true, 0},
        {1, 18000, true, 1},     {0, 5000, true, 1},
        {0, 5001, true, 0},      {0, INT64_MAX, true, 1},
        {0, INT64_MIN, true, 1}, {0, INT64_MAX, true, 1},
    };
    static const struct sl_ts_mux_track tv[] = {
        {.codec = SL_CODEC_AAC, .aac = aac_lc},
        {.codec = SL_CODEC_H265},
    };
    static const struct sl_ts_mux_track ta[] = {
        {.codec = SL_CODEC_AAC, .aac = aac_lc},
        {.codec = SL_CODEC_KLV},
    };
    static const uint8_t au[] = {N4(3), 0x26, 0x01, 0xaf};
    struct sl_ts_mux     m;
    struct sl_dbuf       out;

    (void)state;
    sl_dbuf_init(&out, 1 << 20);
    for (int pass = 0; pass < 2; pass++) {
        const struct psi_step *s = pass == 0 ? with_video : audio_only;
        size_t n = pass == 0 ? sizeof(with_video) / sizeof(with_video[0])
                             : sizeof(audio_only) / sizeof(audio_only[0]);

        assert_int_equal(sl_ts_mux_init(&m, pass == 0 ? tv : ta, 2), 0);
        for (size_t i = 0; i < n; i++) {
            struct sl_ts_mux_frame f = {.track = s[i].track,
                                        .pts = s[i].dts,
                                        .dts = s[i].dts,
                                        .key = s[i].key,
                                        .data = au,
                                        .len = sizeof(au)};
            struct pkt             k;

            print_message("pass %d step %zu\n", pass, i);
            assert_int_equal(mux(&m, &f, &out), s[i].rc);
            parse_pkt(sl_dbuf_data(&out), &k);
            assert_int_equal(k.pid, s[i].rc ? SL_TS_PID_PAT
                                            : SL_TS_MUX_PID_FIRST + s[i].track);
            if (s[i].rc) {
                parse_pkt(sl_dbuf_data(&out) + PKT, &k);
                assert_int_equal(k.pid, SL_TS_MUX_PID_PMT);
            }
        }
    }
    sl_dbuf_free(&out);
}


static void
test_write_tables_continuity(void **state)
{
    static const struct sl_ts_mux_track t = {.codec = SL_CODEC_MP3};
    static const uint8_t                au[] = {0xff, 0xfb, 0x90, 0x00};
    struct sl_ts_mux                    m;
    struct sl_ts_mux                    copy;
    struct sl_dbuf                      out;
    struct pkt                          k;
    static int                          last_cc[0x2000];

    (void)state;
    sl_dbuf_init(&out, 1 << 20);
    assert_int_equal(sl_ts_mux_init(&m, &t, 1), 0);
    for (int i = 0; i < 40; i++) {
        struct sl_ts_mux_frame f = {.track = 0,
                                    .pts = 2351 * i,
                                    .dts = 2351 * i,
                                    .key = true,
                                    .data = au,
                                    .len = sizeof(au)};

        /* A reader joining now: tables, then the next frames' bytes. */
        sl_dbuf_reset(&out);
        memcpy(&copy, &m, sizeof(m));
        assert_int_equal(sl_ts_mux_write_tables(&m, &out), 0);
        assert_memory_equal(&copy, &m, sizeof(m)); /* m unchanged */
        assert_int_equal(out.len, 2 * PKT);
        check_section(sl_dbuf_data(&out), SL_TS_PID_PAT, pat_ffmpeg,
                      sizeof(pat_ffmpeg));
        parse_pkt(sl_dbuf_data(&out) + PKT, &k);
        assert_int_equal(k.pid, SL_TS_MUX_PID_PMT);
        for (int j = 0; j < 5; j++) {
            f.pts = f.dts = 2351 * (i + j);
            assert_true(sl_ts_mux_write(&copy, &f, &out) >= 0);
        }
        for (size_t j = 0; j < 0x2000; j++) {
            last_cc[j] = -1;
        }
        check_stream(sl_dbuf_data(&out), out.len, last_cc);
        sl_dbuf_reset(&out);
        f.pts = f.dts = 2351 * i;
        assert_true(sl_ts_mux_write(&m, &f, &out) >= 0);
    }
    sl_dbuf_free(&out);
}


static void
test_write_errors_leave_state(void **state)
{
    static const struct sl_ts_mux_track t[] = {
        {.codec = SL_CODEC_H264},
        {.codec = SL_CODEC_AAC, .aac = aac_lc},
        {.codec = SL_CODEC_MP3},
    };
    static const uint8_t   ok_au[] = {N4(2), 0x65, 0x88};
    static const uint8_t   bad_au[] = {N4(9), 0x65, 0x88};
    static const uint8_t   trunc_au[] = {N4(2), 0x65, 0x88, 0, 0};
    static const uint8_t   zero_au[] = {N4(0), N4(2), 0x65, 0x88};
    const uint8_t         *ps[] = {sps264, pps264, sps264, pps264, sps264};
    size_t                 ps_len[] = {sizeof(sps264), 0, 4, 3, 4};
    struct sl_ts_mux       m;
    struct sl_ts_mux       before;
    struct sl_dbuf         out;
    struct sl_dbuf         tiny;
    struct sl_ts_mux_frame f;
    uint8_t                many[65 * 6];

    (void)state;
    sl_dbuf_init(&out, 1 << 20);
    assert_int_equal(sl_ts_mux_init(&m, t, 3), 0);
    assert_int_equal(sl_dbuf_add(&out, "abc", 3), 0);
    memcpy(&before, &m, sizeof(m));
#define EXPECT(rc_)                                                            \
    do {                                                                       \
        assert_int_equal(sl_ts_mux_write(&m, &f, &out), (rc_));                \
        assert_int_equal(out.len, 3);                                          \
        assert_memory_equal(sl_dbuf_data(&out), "abc", 3);                     \
        assert_memory_equal(&m, &before, sizeof(m));                           \
    } while (0)

    f = (struct sl_ts_mux_frame){
        .track = -1, .data = ok_au, .len = sizeof(ok_au), .key = true};
    EXPECT(SL_EINVAL);
    f.track = 3;
    EXPECT(SL_EINVAL);
    f.track = 0;
    f.data = NULL;
    EXPECT(SL_EINVAL);
    f.data = ok_au;
    f.params = ps;
    f.params_len = ps_len;
    f.nparams = 5;
    EXPECT(SL_EINVAL);
    f.nparams = 2; /* an empty PPS */
    EXPECT(SL_EINVAL);
    f.nparams = -1;
    EXPECT(SL_EINVAL);
    f.nparams = 0;

    /* Invalid AVCC. */
    f.data = bad_au;
    f.len = sizeof(bad_au);
    EXPECT(SL_EBADDATA);
    f.data = trunc_au;
    f.len = sizeof(trunc_au);
    EXPECT(SL_EBADDATA);
    f.data = zero_au;
    f.len = sizeof(zero_au);
    EXPECT(SL_EBADDATA);
    f.data = NULL;
    f.len = 0;
    EXPECT(SL_EBADDATA);
    /* 65 NALUs: above SL_NALU_MAX_PER_AU. */
    for (int i = 0; i < 65; i++) {
        memcpy(many + 6 * i, (const uint8_t[]){N4(2), 0x41, 0x9a}, 6);
    }
    f.data = many;
    f.len = sizeof(many);
    EXPECT(SL_ELIMIT);
    f.len = 64 * 6;
    assert_int_equal(sl_ts_mux_write(&m, &f, &out), 1); /* first frame */
    out.len = 3;
    memcpy(&before, &m, sizeof(m));

    /* Oversized audio: ADTS frame length, then the PES length field. */
    f = (struct sl_ts_mux_frame){.track = 1, .data = big, .len = 8185};
    EXPECT(SL_ELIMIT);
    f.len = 8184;
    assert_int_equal(sl_ts_mux_write(&m, &f, &out), 0);
    out.len = 3;
    memcpy(&before, &m, sizeof(m));
    f.track = 2;
    f.len = 65535 - 8 + 1;
    EXPECT(SL_ELIMIT);
    f.len = 65535 - 8;
    assert_int_equal(sl_ts_mux_write(&m, &f, &out), 0);
    out.len = 3;
    memcpy(&before, &m, sizeof(m));

    /* The output's cap. */
    sl_dbuf_init(&tiny, 3 + 2 * PKT);
    assert_int_equal(sl_dbuf_add(&tiny, "abc", 3), 0);
    f.len = 300; /* 2 packets: fits */
    assert_int_equal(sl_ts_mux_write(&m, &f, &tiny), 0);
    memcpy(&before, &m, sizeof(m));
    tiny.len = 3;
    f.len = 400; /* 3 packets: does not */
    assert_int_equal(sl_ts_mux_write(&m, &f, &tiny), SL_ELIMIT);
    assert_int_equal(tiny.len, 3);
    assert_memory_equal(&m, &before, sizeof(m));
    assert_int_equal(sl_ts_mux_write_tables(&m, &tiny), 0);
    assert_int_equal(sl_ts_mux_write_tables(&m, &tiny), SL_ELIMIT);
    assert_int_equal(tiny.len, 3 + 2 * PKT);
#undef EXPECT
    sl_dbuf_free(&tiny);
    sl_dbuf_free(&out);
}


static void
test_deterministic(void **state)
{
    struct sl_ts_mux a;
    struct sl_ts_mux b;
    struct sl_dbuf   oa;
    struct sl_dbuf   ob;
    uint8_t          au[900];

    (void)state;
    sl_dbuf_init(&oa, 1 << 22);
    sl_dbuf_init(&ob, 1 << 22);
    assert_int_equal(sl_ts_mux_init(&a, every_codec, 8), 0);
    assert_int_equal(sl_ts_mux_init(&b, every_codec, 8), 0);
    for (size_t i = 0; i < sizeof(au); i++) {
        au[i] = (uint8_t)(i * 5);
    }
    sl_wb32(au, sizeof(au) - 4);
    au[4] = 0x26; /* valid as H.264 (type 6) and H.265 (type 19) */
    for (int i = 0; i < 200; i++) {
        struct sl_ts_mux_frame f = {.track = i % 8,
                                    .pts = 1000 * i,
                                    .dts = 990 * i,
                                    .key = i % 9 == 0,
                                    .data = au,
                                    .len = sizeof(au)};

        assert_int_equal(sl_ts_mux_write(&a, &f, &oa),
                         sl_ts_mux_write(&b, &f, &ob));
    }
    assert_int_equal(oa.len, ob.len);
    assert_memory_equal(sl_dbuf_data(&oa), sl_dbuf_data(&ob), oa.len);
    sl_dbuf_free(&oa);
    sl_dbuf_free(&ob);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_errors),
        cmocka_unit_test(test_pat_pmt_contents),
        cmocka_unit_test(test_pcr_pid_choice),
        cmocka_unit_test(test_cc_per_pid_across_frames),
        cmocka_unit_test(test_pes_timestamps_wrap),
        cmocka_unit_test(test_video_aud_and_params),
        cmocka_unit_test(test_adts_header),
        cmocka_unit_test(test_opus_control_header),
        cmocka_unit_test(test_stuffing_every_residue),
        cmocka_unit_test(test_large_video_pes_length_zero),
        cmocka_unit_test(test_pcr_and_random_access),
        cmocka_unit_test(test_psi_schedule),
        cmocka_unit_test(test_write_tables_continuity),
        cmocka_unit_test(test_write_errors_leave_state),
        cmocka_unit_test(test_deterministic),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
