/*
 * Tests for src/format/mpegts_demux.c.  FFmpeg-made fixtures (data/ts,
 * see gen_fixtures.sh) must come out as FFmpeg's own demuxer reads them:
 * same count, PTS, DTS, key flags and payload bytes per track (H.264/H.265
 * as AVCC without AUDs, AAC without ADTS headers, LATM through its ADTS
 * twin).  Then chunking (byte by byte, random), garbage and resync, lost
 * and duplicated packets, PTS wrap, bad CRC, PMT changes, oversize PES,
 * truncated input, KLV, ADTS frames cut by PES boundaries, LATM config
 * parsing at odd bit positions and callback errors, on fixtures edited in
 * place or on streams built here.
 */
#include "format/mpegts_demux.h"
#include "base/alloc.h"
#include "base/bits.h"
#include "base/bytes.h"
#include "base/crypto.h"
#include "base/dbuf.h"
#include "base/err.h"
#include "format/mpegts.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>


#define DATA_DIR SL_SOURCE_DIR "/tests/unit/format/data/ts/"
#define PKT      188
#define MAX_EXP  256

struct rec {
    int      track;
    int      codec;
    int64_t  pts;
    int64_t  dts;
    bool     key;
    bool     discont;
    uint8_t *data;
    size_t   len;
};

struct got {
    struct rec        *f;
    size_t             n;
    size_t             cap;
    int                tracks_calls;
    int                ntracks;
    struct sl_ts_track tracks[SL_TS_DEMUX_MAX_TRACKS];
    size_t             stop_at; /* frame callback fails at this frame + 1 */
};

struct exp_line {
    int     track;
    int64_t pts;
    int64_t dts;
    bool    key;
    size_t  len;
    char    md5[33];
};

/* A TS writer for crafted streams. */
struct tsw {
    struct sl_dbuf b;
    uint8_t        cc[SL_TS_PID_MAX + 1];
};

struct pmt_es {
    uint8_t        stream_type;
    uint16_t       pid;
    const uint8_t *desc;
    size_t         desc_len;
};


static void     on_tracks(void *ud, const struct sl_ts_track *t, int n);
static int      on_frame(void *ud, const struct sl_ts_frame *f);
static void     got_free(struct got *g);
static uint8_t *load(const char *name, size_t *len);
static size_t   load_expect(const char *name, struct exp_line *e, size_t max);
static void     run(const uint8_t *p, size_t len, size_t chunk, struct got *g,
                    struct sl_ts_demux_stats *st);
static void     md5_hex(const uint8_t *p, size_t len, char out[33]);
static void   check_expect(const struct got *g, const char *name, int64_t shift,
                           int64_t tol);
static void   check_same(const struct got *a, const struct got *b);
static size_t find_packet(const uint8_t *p, size_t len, unsigned pid, int pusi,
                          size_t nth);
static void   tsw_init(struct tsw *w);
static void tsw_packet(struct tsw *w, uint16_t pid, bool pusi, const uint8_t *p,
                       size_t n);
static void tsw_payload(struct tsw *w, uint16_t pid, const uint8_t *p,
                        size_t n);
static void tsw_pat(struct tsw *w, uint16_t prog, uint16_t pmt_pid);
static void tsw_pmt(struct tsw *w, uint16_t pid, uint16_t prog, uint8_t version,
                    const struct pmt_es *es, int n);
static void tsw_pes(struct tsw *w, uint16_t pid, uint8_t sid, bool bounded,
                    int64_t pts, int64_t dts, const uint8_t *p, size_t n);
static void put_ts(uint8_t *p, unsigned prefix, uint64_t v);
static const struct rec *nth_of_track(const struct got *g, int track,
                                      size_t nth);
static void   tsw_section(struct tsw *w, uint16_t pid, uint8_t *s, size_t n);
static void   fixture_case(const char *ts, const char *txt, int64_t tol);
static void   test_fixture_h264_aac(void **state);
static void   test_fixture_h265_mp3(void **state);
static void   test_fixture_ac3(void **state);
static void   test_fixture_opus(void **state);
static void   test_fixture_latm(void **state);
static void   test_chunking_is_invisible(void **state);
static void   test_garbage_prefix(void **state);
static void   test_garbage_mid_stream(void **state);
static void   test_cc_error(void **state);
static void   test_duplicate_packet(void **state);
static void   test_pts_wrap(void **state);
static void   test_bad_crc(void **state);
static void   test_pmt_version_change(void **state);
static void   test_oversize_pes(void **state);
static void   test_truncated_input(void **state);
static void   test_klv(void **state);
static size_t adts(uint8_t *p, size_t au, bool crc, uint8_t fill);
static void   test_adts_across_pes(void **state);
static void   test_latm_config_in_band(void **state);
static void   test_callback_error(void **state);
static void   test_malformed_psi(void **state);
static void   test_memory_budget(void **state);
static void   test_two_packets_in_one_feed(void **state);
static void   test_video_without_pts(void **state);


static void
on_tracks(void *ud, const struct sl_ts_track *t, int n)
{
    struct got *g = ud;

    assert_true(n >= 0 && n <= SL_TS_DEMUX_MAX_TRACKS);
    g->tracks_calls++;
    g->ntracks = n;
    if (n > 0) {
        memcpy(g->tracks, t, (size_t)n * sizeof(*t));
    }
}


static int
on_frame(void *ud, const struct sl_ts_frame *f)
{
    struct got *g = ud;
    struct rec *r;

    assert_true(f->track >= 0 && f->track < g->ntracks);
    assert_int_equal(f->codec, g->tracks[f->track].codec);
    assert_true(f->len > 0 && f->data != NULL);
    if (g->stop_at > 0 && g->n + 1 == g->stop_at) {
        return -42;
    }
    if (g->n == g->cap) {
        g->cap = g->cap == 0 ? 256 : 2 * g->cap;
        g->f = sl_realloc(g->f, g->cap * sizeof(*g->f));
    }
    r = &g->f[g->n++];
    r->track = f->track;
    r->codec = f->codec;
    r->pts = f->pts;
    r->dts = f->dts;
    r->key = f->key;
    r->discont = f->discont;
    r->data = sl_memdup(f->data, f->len);
    r->len = f->len;
    return 0;
}


static void
got_free(struct got *g)
{
    for (size_t i = 0; i < g->n; i++) {
        sl_free(g->f[i].data);
    }
    sl_free(g->f);
    memset(g, 0, sizeof(*g));
}


static uint8_t *
load(const char *name, size_t *len)
{
    char     path[512];
    FILE    *fp;
    uint8_t *buf;
    long     n;

    snprintf(path, sizeof(path), DATA_DIR "%s", name);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    assert_true(n > 0);
    buf = sl_malloc((size_t)n);
    *len = fread(buf, 1, (size_t)n, fp);
    fclose(fp);
    assert_int_equal(*len, (size_t)n);
    return buf;
}


static size_t
load_expect(const char *name, struct exp_line *e, size_t max)
{
    char   path[512];
    char   line[256];
    FILE  *fp;
    size_t n = 0;

    snprintf(path, sizeof(path), DATA_DIR "%s", name);
    fp = fopen(path, "r");
    assert_non_null(fp);
    while (fgets(line, sizeof(line), fp) != NULL) {
        long long pts;
        long long dts;
        char      key;

        assert_true(n < max);
        assert_int_equal(sscanf(line, "%d %lld %lld %c %zu %32s", &e[n].track,
                                &pts, &dts, &key, &e[n].len, e[n].md5),
                         6);
        e[n].pts = pts;
        e[n].dts = dts;
        e[n].key = key == 'K';
        n++;
    }
    fclose(fp);
    return n;
}


/* Feeds p in chunks of chunk bytes (0: whole; SIZE_MAX: random sizes). */
static void
run(const uint8_t *p, size_t len, size_t chunk, struct got *g,
    struct sl_ts_demux_stats *st)
{
    struct sl_ts_demux_cb cb = {g, on_tracks, on_frame};
    struct sl_ts_demux   *d = sl_ts_demux_new(&cb);
    uint32_t              seed = 12345;
    size_t                off = 0;

    while (off < len) {
        size_t n = len - off;

        if (chunk == SIZE_MAX) {
            seed = seed * 1103515245u + 12345u;
            n = (seed >> 16) % 700 + 1;
        } else if (chunk > 0) {
            n = chunk;
        }
        n = n < len - off ? n : len - off;
        assert_int_equal(sl_ts_demux_feed(d, p + off, n), 0);
        off += n;
    }
    assert_int_equal(sl_ts_demux_flush(d), 0);
    *st = *sl_ts_demux_stats(d);
    assert_int_equal(st->frames, g->n);
    sl_ts_demux_free(&d);
    assert_null(d);
}


static void
md5_hex(const uint8_t *p, size_t len, char out[33])
{
    uint8_t m[SL_MD5_LEN];

    sl_md5(p, len, m);
    for (int i = 0; i < SL_MD5_LEN; i++) {
        snprintf(out + 2 * i, 3, "%02x", m[i]);
    }
}


/*
 * Frames of each track equal the expectation file's, PTS/DTS + shift
 * (within tol ticks).
 */
static void
check_expect(const struct got *g, const char *name, int64_t shift, int64_t tol)
{
    static struct exp_line e[MAX_EXP];
    size_t                 n = load_expect(name, e, MAX_EXP);

    for (int t = 0; t < g->ntracks; t++) {
        size_t fi = 0;
        size_t count = 0;

        for (size_t k = 0; k < n; k++) {
            char md5[33];

            if (e[k].track != t) {
                continue;
            }
            while (fi < g->n && g->f[fi].track != t) {
                fi++;
            }
            if (fi == g->n) {
                fail_msg("%s: track %d: frame %zu missing", name, t, count);
            }
            md5_hex(g->f[fi].data, g->f[fi].len, md5);
            if (llabs(g->f[fi].pts - (e[k].pts + shift)) > tol
                || llabs(g->f[fi].dts - (e[k].dts + shift)) > tol
                || g->f[fi].key != e[k].key || g->f[fi].len != e[k].len
                || strcmp(md5, e[k].md5) != 0)
            {
                fail_msg("%s: track %d frame %zu: got %lld %lld %d %zu %s, "
                         "want %lld %lld %d %zu %s",
                         name, t, count, (long long)g->f[fi].pts,
                         (long long)g->f[fi].dts, g->f[fi].key, g->f[fi].len,
                         md5, (long long)(e[k].pts + shift),
                         (long long)(e[k].dts + shift), e[k].key, e[k].len,
                         e[k].md5);
            }
            fi++;
            count++;
        }
        while (fi < g->n && g->f[fi].track != t) {
            fi++;
        }
        if (fi != g->n) {
            fail_msg("%s: track %d: extra frames", name, t);
        }
        assert_true(count > 0);
    }
}


static void
check_same(const struct got *a, const struct got *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->ntracks, b->ntracks);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->f[i].track, b->f[i].track);
        assert_int_equal(a->f[i].pts, b->f[i].pts);
        assert_int_equal(a->f[i].dts, b->f[i].dts);
        assert_int_equal(a->f[i].key, b->f[i].key);
        assert_int_equal(a->f[i].discont, b->f[i].discont);
        assert_int_equal(a->f[i].len, b->f[i].len);
        assert_memory_equal(a->f[i].data, b->f[i].data, a->f[i].len);
    }
}


static const struct rec *
nth_of_track(const struct got *g, int track, size_t nth)
{
    for (size_t i = 0; i < g->n; i++) {
        if (g->f[i].track == track && nth-- == 0) {
            return &g->f[i];
        }
    }
    fail_msg("no such frame");
    return NULL;
}


/* Offset of the nth packet of pid (pusi: 1 only starts, 0 only others). */
static size_t
find_packet(const uint8_t *p, size_t len, unsigned pid, int pusi, size_t nth)
{
    for (size_t o = 0; o + PKT <= len; o += PKT) {
        unsigned ppid = ((unsigned)(p[o + 1] & 0x1f) << 8) | p[o + 2];
        int      ppusi = (p[o + 1] & 0x40) != 0;

        if (ppid == pid && (pusi < 0 || ppusi == pusi) && (p[o + 3] & 0x10) != 0
            && nth-- == 0)
        {
            return o;
        }
    }
    fail_msg("no such packet");
    return 0;
}


static void
tsw_init(struct tsw *w)
{
    memset(w, 0, sizeof(*w));
    sl_dbuf_init(&w->b, 64u * 1024 * 1024);
}


/* One packet with n <= 184 payload bytes, stuffed by an adaptation field. */
static void
tsw_packet(struct tsw *w, uint16_t pid, bool pusi, const uint8_t *p, size_t n)
{
    uint8_t pkt[PKT];
    size_t  off = 4;

    assert_true(n <= 184);
    memset(pkt, 0xff, sizeof(pkt));
    pkt[0] = SL_TS_SYNC;
    pkt[1] = (uint8_t)((pusi ? 0x40 : 0) | (pid >> 8));
    pkt[2] = (uint8_t)pid;
    pkt[3] = (uint8_t)(0x10 | (w->cc[pid] & 0x0f));
    w->cc[pid]++;
    if (n < 184) {
        pkt[3] |= 0x20;
        pkt[4] = (uint8_t)(183 - n);
        if (n < 183) {
            pkt[5] = 0;
        }
        off = 5 + pkt[4];
    }
    memcpy(pkt + off, p, n);
    assert_int_equal(sl_dbuf_add(&w->b, pkt, PKT), 0);
}


static void
tsw_payload(struct tsw *w, uint16_t pid, const uint8_t *p, size_t n)
{
    bool first = true;

    do {
        size_t k = n < 184 ? n : 184;

        tsw_packet(w, pid, first, p, k);
        first = false;
        p += k;
        n -= k;
    } while (n > 0);
}


static void
tsw_section(struct tsw *w, uint16_t pid, uint8_t *s, size_t n)
{
    uint8_t buf[1100];

    sl_wb32(s + n - 4, sl_ts_crc32(s, n - 4));
    buf[0] = 0; /* pointer_field */
    memcpy(buf + 1, s, n);
    tsw_payload(w, pid, buf, n + 1);
}


static void
tsw_pat(struct tsw *w, uint16_t prog, uint16_t pmt_pid)
{
    uint8_t s[16] = {0x00, 0xb0, 13, 0, 1, 0xc1, 0, 0};

    sl_wb16(s + 8, prog);
    sl_wb16(s + 10, (uint16_t)(0xe000 | pmt_pid));
    tsw_section(w, SL_TS_PID_PAT, s, 16);
}


static void
tsw_pmt(struct tsw *w, uint16_t pid, uint16_t prog, uint8_t version,
        const struct pmt_es *es, int n)
{
    uint8_t s[1024];
    size_t  o = 12;

    s[0] = 0x02;
    sl_wb16(s + 3, prog);
    s[5] = (uint8_t)(0xc1 | (version << 1));
    s[6] = 0;
    s[7] = 0;
    sl_wb16(s + 8, 0xe000 | 0x100); /* PCR PID */
    sl_wb16(s + 10, 0xf000);
    for (int i = 0; i < n; i++) {
        s[o] = es[i].stream_type;
        sl_wb16(s + o + 1, (uint16_t)(0xe000 | es[i].pid));
        sl_wb16(s + o + 3, (uint16_t)(0xf000 | es[i].desc_len));
        if (es[i].desc_len > 0) {
            memcpy(s + o + 5, es[i].desc, es[i].desc_len);
        }
        o += 5 + es[i].desc_len;
    }
    sl_wb16(s + 1, (uint16_t)(0xb000 | (o + 4 - 3)));
    tsw_section(w, pid, s, o + 4);
}


static void
put_ts(uint8_t *p, unsigned prefix, uint64_t v)
{
    p[0] = (uint8_t)((prefix << 4) | ((v >> 29) & 0x0e) | 1);
    sl_wb16(p + 1, (uint16_t)(((v >> 14) & 0xfffe) | 1));
    sl_wb16(p + 3, (uint16_t)(((v << 1) & 0xfffe) | 1));
}


/* A PES (pts/dts < 0: absent) sent on pid. */
static void
tsw_pes(struct tsw *w, uint16_t pid, uint8_t sid, bool bounded, int64_t pts,
        int64_t dts, const uint8_t *p, size_t n)
{
    uint8_t *b = sl_malloc(n + 19);
    size_t   hl = (pts >= 0 ? 5 : 0) + (dts >= 0 ? 5 : 0);

    b[0] = 0;
    b[1] = 0;
    b[2] = 1;
    b[3] = sid;
    sl_wb16(b + 4, bounded ? (uint16_t)(3 + hl + n) : 0);
    b[6] = 0x80;
    b[7] = pts < 0 ? 0 : dts < 0 ? 0x80 : 0xc0;
    b[8] = (uint8_t)hl;
    if (pts >= 0) {
        put_ts(b + 9, dts < 0 ? 2 : 3, (uint64_t)pts);
    }
    if (dts >= 0) {
        put_ts(b + 14, 1, (uint64_t)dts);
    }
    memcpy(b + 9 + hl, p, n);
    tsw_payload(w, pid, b, 9 + hl + n);
    sl_free(b);
}


static void
fixture_case(const char *ts, const char *txt, int64_t tol)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    size_t                   len;
    uint8_t                 *p = load(ts, &len);

    run(p, len, 0, &g, &st);
    check_expect(&g, txt, 0, tol);
    assert_int_equal(st.packets, len / PKT);
    assert_int_equal(st.resyncs, 0);
    assert_int_equal(st.cc_errors, 0);
    assert_int_equal(st.crc_errors, 0);
    assert_int_equal(st.psi_errors, 0);
    assert_int_equal(st.pes_dropped, 0);
    for (size_t i = 0; i < g.n; i++) {
        assert_false(g.f[i].discont);
    }
    got_free(&g);
    sl_free(p);
}


static void
test_fixture_h264_aac(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    size_t                   len;
    uint8_t                 *p = load("h264_aac.ts", &len);

    (void)state;
    fixture_case("h264_aac.ts", "h264_aac.txt", 0);
    run(p, len, 0, &g, &st);
    assert_int_equal(g.ntracks, 2);
    assert_int_equal(g.tracks[0].codec, SL_CODEC_H264);
    assert_int_equal(g.tracks[0].pid, 0x100);
    assert_int_equal(g.tracks[0].stream_type, SL_TS_ST_H264);
    assert_int_equal(g.tracks[1].codec, SL_CODEC_AAC);
    assert_int_equal(g.tracks[1].stream_type, SL_TS_ST_AAC_ADTS);
    assert_true(g.tracks[1].aac_known);
    assert_int_equal(g.tracks[1].aac.object_type, SL_AAC_OT_LC);
    assert_int_equal(g.tracks[1].aac.sample_rate, 48000);
    assert_int_equal(g.tracks[1].aac.channels, 1);
    assert_int_equal(g.tracks[1].sample_rate, 48000);
    assert_int_equal(g.tracks[1].channels, 1);
    /* The PMT, then the AAC config learned from the first ADTS header. */
    assert_int_equal(g.tracks_calls, 2);
    got_free(&g);
    sl_free(p);
}


static void
test_fixture_h265_mp3(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    size_t                   len;
    uint8_t                 *p = load("h265_mp3.ts", &len);

    (void)state;
    fixture_case("h265_mp3.ts", "h265_mp3.txt", 0);
    run(p, len, 0, &g, &st);
    assert_int_equal(g.ntracks, 2);
    assert_int_equal(g.tracks[0].codec, SL_CODEC_H265);
    assert_int_equal(g.tracks[1].codec, SL_CODEC_MP3);
    assert_int_equal(g.tracks[1].sample_rate, 44100);
    assert_int_equal(g.tracks[1].channels, 1);
    got_free(&g);
    sl_free(p);
}


static void
test_fixture_ac3(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    size_t                   len;
    uint8_t                 *p = load("ac3.ts", &len);

    (void)state;
    /* 1536 samples at 44.1 kHz are 3134.69 ticks: FFmpeg adds 3134 per
     * frame after the PES PTS, we take floor(i * 3134.69), so FFmpeg
     * lags by up to 0.69 tick per frame of a PES (7 frames here). */
    fixture_case("ac3.ts", "ac3.txt", 5);
    run(p, len, 0, &g, &st);
    assert_int_equal(g.ntracks, 1);
    assert_int_equal(g.tracks[0].codec, SL_CODEC_AC3);
    assert_int_equal(g.tracks[0].sample_rate, 44100);
    assert_int_equal(g.tracks[0].channels, 1);
    got_free(&g);
    sl_free(p);
}


static void
test_fixture_opus(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    size_t                   len;
    uint8_t                 *p = load("opus.ts", &len);

    (void)state;
    fixture_case("opus.ts", "opus.txt", 0);
    run(p, len, 0, &g, &st);
    assert_int_equal(g.ntracks, 1);
    assert_int_equal(g.tracks[0].codec, SL_CODEC_OPUS);
    assert_int_equal(g.tracks[0].opus_channels, 2);
    assert_int_equal(g.tracks[0].sample_rate, 48000);
    assert_int_equal(g.tracks_calls, 1);
    got_free(&g);
    sl_free(p);
}


static void
test_fixture_latm(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    size_t                   len;
    uint8_t                 *p = load("latm.ts", &len);

    (void)state;
    fixture_case("latm.ts", "latm.txt", 0);
    run(p, len, 0, &g, &st);
    assert_int_equal(g.ntracks, 1);
    assert_int_equal(g.tracks[0].codec, SL_CODEC_AAC);
    assert_int_equal(g.tracks[0].stream_type, SL_TS_ST_AAC_LATM);
    assert_true(g.tracks[0].aac_known);
    assert_int_equal(g.tracks[0].aac.object_type, SL_AAC_OT_LC);
    assert_int_equal(g.tracks[0].aac.sample_rate, 48000);
    assert_int_equal(g.tracks[0].aac.channels, 2);
    assert_int_equal(g.tracks[0].aac.frame_length, 1024);
    got_free(&g);
    sl_free(p);
}


/* Byte-by-byte and random chunks give exactly what one feed gives. */
static void
test_chunking_is_invisible(void **state)
{
    static const char *const files[] = {"h264_aac.ts", "h265_mp3.ts", "ac3.ts",
                                        "opus.ts", "latm.ts"};

    (void)state;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct got               whole = {0};
        struct got               bytes = {0};
        struct got               rnd = {0};
        struct sl_ts_demux_stats a;
        struct sl_ts_demux_stats b;
        struct sl_ts_demux_stats c;
        size_t                   len;
        uint8_t                 *p = load(files[i], &len);

        run(p, len, 0, &whole, &a);
        run(p, len, 1, &bytes, &b);
        run(p, len, SIZE_MAX, &rnd, &c);
        check_same(&whole, &bytes);
        check_same(&whole, &rnd);
        assert_memory_equal(&a, &b, sizeof(a));
        assert_memory_equal(&a, &c, sizeof(a));
        got_free(&whole);
        got_free(&bytes);
        got_free(&rnd);
        sl_free(p);
    }
}


/* Garbage (with sync bytes in it) before the stream: one resync. */
static void
test_garbage_prefix(void **state)
{
    struct got               a = {0};
    struct got               b = {0};
    struct sl_ts_demux_stats st;
    size_t                   len;
    uint8_t                 *p = load("h264_aac.ts", &len);
    uint8_t                 *q = sl_malloc(len + 1000);
    uint32_t                 seed = 7;

    (void)state;
    for (size_t i = 0; i < 1000; i++) {
        seed = seed * 1103515245u + 12345u;
        q[i] = (i % 97 == 3) ? SL_TS_SYNC : (uint8_t)(seed >> 16);
    }
    memcpy(q + 1000, p, len);
    run(p, len, 0, &a, &st);
    run(q, len + 1000, 0, &b, &st);
    check_same(&a, &b);
    assert_int_equal(st.resyncs, 1);
    assert_int_equal(st.cc_errors, 0);
    got_free(&b);
    run(q, len + 1000, 1, &b, &st);
    check_same(&a, &b);
    assert_int_equal(st.resyncs, 1);
    got_free(&a);
    got_free(&b);
    sl_free(q);
    sl_free(p);
}


/*
 * Bytes inserted between two packets cost nothing but a resync; a packet
 * cut short loses that packet: a CC error, the PES dropped, discont set.
 */
static void
test_garbage_mid_stream(void **state)
{
    struct got               a = {0};
    struct got               b = {0};
    struct sl_ts_demux_stats st;
    size_t                   len;
    uint8_t                 *p = load("h264_aac.ts", &len);
    uint8_t                 *q = sl_malloc(len + 77);
    size_t                   at = 40 * PKT;
    size_t                   cut;

    (void)state;
    memcpy(q, p, at);
    memset(q + at, 0x5a, 77);
    memcpy(q + at + 77, p + at, len - at);
    run(p, len, 0, &a, &st);
    run(q, len + 77, 0, &b, &st);
    check_same(&a, &b);
    assert_int_equal(st.resyncs, 1);
    assert_int_equal(st.cc_errors, 0);
    got_free(&b);

    /* Cut the second packet of the first video PES to 100 bytes. */
    cut = find_packet(p, len, 0x100, 0, 0);
    memcpy(q, p, cut + 100);
    memcpy(q + cut + 100, p + cut + PKT, len - cut - PKT);
    run(q, len - PKT + 100, 0, &b, &st);
    assert_int_equal(st.resyncs, 1);
    assert_int_equal(st.cc_errors, 1);
    assert_int_equal(st.pes_dropped, 1);
    assert_int_equal(b.n, a.n - 1);
    /* The first video frame is gone, the second one flagged. */
    assert_true(nth_of_track(&b, 0, 0)->discont);
    assert_int_equal(nth_of_track(&b, 0, 0)->pts, nth_of_track(&a, 0, 1)->pts);
    assert_false(nth_of_track(&b, 0, 1)->discont);
    got_free(&a);
    got_free(&b);
    sl_free(q);
    sl_free(p);
}


/* A lost packet inside a PES: counted, PES dropped, next frame discont. */
static void
test_cc_error(void **state)
{
    struct got               a = {0};
    struct got               b = {0};
    struct sl_ts_demux_stats st;
    size_t                   len;
    uint8_t                 *p = load("h264_aac.ts", &len);
    uint8_t                 *q = sl_malloc(len);
    size_t                   drop = find_packet(p, len, 0x100, 0, 3);
    size_t                   vi = 0;
    size_t                   j = 0;

    (void)state;
    memcpy(q, p, drop);
    memcpy(q + drop, p + drop + PKT, len - drop - PKT);
    run(p, len, 0, &a, &st);
    run(q, len - PKT, 0, &b, &st);
    assert_int_equal(st.cc_errors, 1);
    assert_int_equal(st.pes_dropped, 1);
    assert_int_equal(st.resyncs, 0);
    assert_int_equal(b.n, a.n - 1);
    /* Everything but the first video frame arrives, the next one flagged. */
    for (size_t i = 0; i < a.n; i++) {
        if (a.f[i].track == 0 && vi++ == 0) {
            continue;
        }
        assert_int_equal(a.f[i].pts, b.f[j].pts);
        assert_int_equal(a.f[i].len, b.f[j].len);
        assert_int_equal(b.f[j].discont, a.f[i].track == 0 && vi == 2);
        j++;
    }
    got_free(&a);
    got_free(&b);
    sl_free(q);
    sl_free(p);
}


/* A packet sent twice is ignored; three times is a CC error. */
static void
test_duplicate_packet(void **state)
{
    struct got               a = {0};
    struct got               b = {0};
    struct sl_ts_demux_stats st;
    size_t                   len;
    uint8_t                 *p = load("h264_aac.ts", &len);
    uint8_t                 *q = sl_malloc(len + 2 * PKT);
    size_t                   dup = find_packet(p, len, 0x100, 0, 2);

    (void)state;
    memcpy(q, p, dup + PKT);
    memcpy(q + dup + PKT, p + dup, len - dup);
    run(p, len, 0, &a, &st);
    run(q, len + PKT, 0, &b, &st);
    check_same(&a, &b);
    assert_int_equal(st.cc_errors, 0);
    got_free(&b);
    memcpy(q, p, dup + PKT);
    memcpy(q + dup + PKT, p + dup, PKT);
    memcpy(q + dup + 2 * PKT, p + dup, len - dup);
    run(q, len + 2 * PKT, 0, &b, &st);
    assert_int_equal(st.cc_errors, 1);
    assert_int_equal(st.pes_dropped, 1);
    got_free(&a);
    got_free(&b);
    sl_free(q);
    sl_free(p);
}


/* Every PTS/DTS moved to just below 2^33: the timeline runs on past it. */
static void
test_pts_wrap(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    size_t                   len;
    uint8_t                 *p = load("h264_aac.ts", &len);
    const int64_t            shift = ((int64_t)1 << 33) - 170000;
    int64_t                  max = 0;

    (void)state;
    for (size_t o = 0; o + PKT <= len; o += PKT) {
        uint8_t *k = p + o;
        unsigned pid = ((unsigned)(k[1] & 0x1f) << 8) | k[2];
        size_t   off = 4;
        uint64_t v;

        if ((pid != 0x100 && pid != 0x101) || (k[1] & 0x40) == 0) {
            continue;
        }
        if (k[3] & 0x20) {
            off = 5 + k[4];
        }
        k += off;
        assert_true(k[0] == 0 && k[1] == 0 && k[2] == 1);
        v = ((uint64_t)(k[9] >> 1) & 7) << 30
            | (uint64_t)(sl_rb16(k + 10) >> 1) << 15 | sl_rb16(k + 12) >> 1;
        put_ts(k + 9, k[9] >> 4, (v + (uint64_t)shift) & SL_TS_PTS_MASK);
        if ((k[7] & 0xc0) == 0xc0) {
            v = ((uint64_t)(k[14] >> 1) & 7) << 30
                | (uint64_t)(sl_rb16(k + 15) >> 1) << 15 | sl_rb16(k + 17) >> 1;
            put_ts(k + 14, 1, (v + (uint64_t)shift) & SL_TS_PTS_MASK);
        }
    }
    run(p, len, 0, &g, &st);
    check_expect(&g, "h264_aac.txt", shift, 0);
    for (size_t i = 0; i < g.n; i++) {
        max = g.f[i].pts > max ? g.f[i].pts : max;
    }
    assert_true(max > ((int64_t)1 << 33));
    got_free(&g);
    sl_free(p);
}


static const uint8_t avc_idr[] = {
    0, 0, 0, 1,    0x09, 0xf0, 0,    0, 0, 1, 0x67, 0x42, 0xc0, 0x1e,
    0, 0, 1, 0x68, 0xce, 0x3c, 0x80, 0, 0, 1, 0x65, 0x88, 0x84};
static const uint8_t avc_p[] = {0, 0, 0, 1, 0x09, 0x30, 0, 0, 1, 0x41, 0x9a};

/* The AVCC form of avc_idr: SPS, PPS, IDR; the AUD gone. */
static const uint8_t avc_idr_avcc[] = {0, 0, 0, 4, 0x67, 0x42, 0xc0, 0x1e,
                                       0, 0, 0, 4, 0x68, 0xce, 0x3c, 0x80,
                                       0, 0, 0, 3, 0x65, 0x88, 0x84};


/* A section with a bad CRC is ignored and counted. */
static void
test_bad_crc(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    struct tsw               w;
    struct pmt_es            es = {SL_TS_ST_H264, 0x100, NULL, 0};
    size_t                   pmt_at;

    (void)state;
    tsw_init(&w);
    tsw_pat(&w, 1, 0x1000);
    pmt_at = w.b.len;
    tsw_pmt(&w, 0x1000, 1, 0, &es, 1);
    sl_dbuf_data(&w.b)[pmt_at + PKT - 1] ^= 0x01; /* the CRC's last byte */
    tsw_pes(&w, 0x100, 0xe0, false, 9000, -1, avc_idr, sizeof(avc_idr));
    tsw_pmt(&w, 0x1000, 1, 0, &es, 1);
    tsw_pes(&w, 0x100, 0xe0, false, 12600, -1, avc_p, sizeof(avc_p));
    tsw_pes(&w, 0x100, 0xe0, false, 16200, -1, avc_p, sizeof(avc_p));
    run(sl_dbuf_data(&w.b), w.b.len, 0, &g, &st);
    assert_int_equal(st.crc_errors, 1);
    assert_int_equal(g.tracks_calls, 1);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.f[0].pts, 12600);
    assert_false(g.f[0].key);
    assert_memory_equal(g.f[0].data, "\0\0\0\2\x41\x9a", 6);
    got_free(&g);
    sl_dbuf_free(&w.b);
}


/*
 * A new PMT version lists a new track; the PID that stays keeps the PES
 * it was collecting.  A repeated PMT is not reported again.
 */
static void
test_pmt_version_change(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    struct tsw               w;
    static const uint8_t     klva[] = {
            SL_TS_DESC_REGISTRATION, 4, 'K', 'L', 'V', 'A'};
    struct pmt_es es[2] = {{SL_TS_ST_H264, 0x100, NULL, 0},
                           {SL_TS_ST_PRIVATE, 0x102, klva, sizeof(klva)}};

    (void)state;
    tsw_init(&w);
    tsw_pat(&w, 1, 0x1000);
    tsw_pmt(&w, 0x1000, 1, 0, es, 1);
    tsw_pmt(&w, 0x1000, 1, 0, es, 1);
    /* An unbounded video PES, ended by the next one after the change. */
    tsw_pes(&w, 0x100, 0xe0, false, 9000, 5400, avc_idr, sizeof(avc_idr));
    tsw_pmt(&w, 0x1000, 1, 1, es, 2);
    tsw_pes(&w, 0x102, 0xbd, true, 9500, -1, (const uint8_t *)"klv!", 4);
    tsw_pes(&w, 0x100, 0xe0, false, 12600, -1, avc_p, sizeof(avc_p));
    run(sl_dbuf_data(&w.b), w.b.len, 0, &g, &st);
    assert_int_equal(g.tracks_calls, 2);
    assert_int_equal(g.ntracks, 2);
    assert_int_equal(g.tracks[1].codec, SL_CODEC_KLV);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.f[0].track, 1);
    assert_int_equal(g.f[0].pts, 9500);
    assert_true(g.f[0].key);
    assert_memory_equal(g.f[0].data, "klv!", 4);
    assert_int_equal(g.f[1].track, 0);
    assert_int_equal(g.f[1].pts, 9000);
    assert_int_equal(g.f[1].dts, 5400);
    assert_true(g.f[1].key);
    assert_int_equal(g.f[1].len, sizeof(avc_idr_avcc));
    assert_memory_equal(g.f[1].data, avc_idr_avcc, sizeof(avc_idr_avcc));
    assert_int_equal(g.f[2].pts, 12600);
    assert_int_equal(g.f[2].dts, 12600); /* DTS = PTS when absent */
    got_free(&g);
    sl_dbuf_free(&w.b);
}


/* A PES above the cap is dropped and counted; the next one comes through. */
static void
test_oversize_pes(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    struct tsw               w;
    static const uint8_t     klva[] = {
            SL_TS_DESC_REGISTRATION, 4, 'K', 'L', 'V', 'A'};
    struct pmt_es es = {SL_TS_ST_PRIVATE, 0x102, klva, sizeof(klva)};
    size_t        big = SL_TS_DEMUX_PES_MAX + 9000;
    uint8_t      *p = sl_calloc(1, big);

    (void)state;
    tsw_init(&w);
    tsw_pat(&w, 1, 0x1000);
    tsw_pmt(&w, 0x1000, 1, 0, &es, 1);
    tsw_pes(&w, 0x102, 0xbd, false, 1000, -1, p, big);
    tsw_pes(&w, 0x102, 0xbd, false, 2000, -1, p, 100);
    tsw_pes(&w, 0x102, 0xbd, false, 3000, -1, p, 10);
    run(sl_dbuf_data(&w.b), w.b.len, 0, &g, &st);
    assert_int_equal(st.pes_dropped, 1);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.f[0].pts, 2000);
    assert_int_equal(g.f[0].len, 100);
    assert_true(g.f[0].discont);
    assert_false(g.f[1].discont);
    got_free(&g);
    sl_dbuf_free(&w.b);
    sl_free(p);
}


/* Input cut anywhere: no crash, and what comes out is a prefix. */
static void
test_truncated_input(void **state)
{
    struct got               a = {0};
    size_t                   len;
    uint8_t                 *p = load("h264_aac.ts", &len);
    struct sl_ts_demux_stats st;

    (void)state;
    run(p, len, 0, &a, &st);
    for (size_t cut = 0; cut < len; cut += 997) {
        struct got b = {0};
        size_t     k[2] = {0, 0};
        size_t     nv = 0;

        run(p, cut, 0, &b, &st);
        assert_true(b.n <= a.n);
        for (size_t i = 0; i < b.n; i++) {
            nv += b.f[i].track == 0;
        }
        /* Per track, a prefix of the whole run's frames. */
        for (size_t i = 0; i < b.n; i++) {
            const struct rec *x = &b.f[i];
            const struct rec *y = nth_of_track(&a, x->track, k[x->track]++);

            assert_int_equal(x->pts, y->pts);
            assert_int_equal(x->dts, y->dts);
            /* The last video AU was flushed as far as it came. */
            if (x->track != 0 || k[0] != nv) {
                assert_int_equal(x->len, y->len);
                assert_memory_equal(x->data, y->data, x->len);
            } else {
                assert_true(x->len <= y->len);
            }
        }
        got_free(&b);
    }
    got_free(&a);
    sl_free(p);
}


/*
 * KLV: asynchronous (0x06 + "KLVA") as is, without PTS at the latest
 * timestamp; synchronous (0x15, stream id 0xfc) with its AU cells joined.
 */
static void
test_klv(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    struct tsw               w;
    static const uint8_t     klva[] = {
            SL_TS_DESC_REGISTRATION, 4, 'K', 'L', 'V', 'A'};
    struct pmt_es        es[2] = {{SL_TS_ST_PRIVATE, 0x102, klva, sizeof(klva)},
                                  {SL_TS_ST_METADATA, 0x103, NULL, 0}};
    static const uint8_t cells[] = {0, 0, 0x80, 0, 3, 'a', 'b', 'c',
                                    0, 1, 0x40, 0, 2, 'd', 'e'};

    (void)state;
    tsw_init(&w);
    tsw_pat(&w, 1, 0x1000);
    tsw_pmt(&w, 0x1000, 1, 0, es, 2);
    tsw_pes(&w, 0x102, 0xbd, false, -1, -1, (const uint8_t *)"early", 5);
    tsw_pes(&w, 0x102, 0xbd, true, 45000, -1, (const uint8_t *)"one", 3);
    tsw_pes(&w, 0x102, 0xbd, true, -1, -1, (const uint8_t *)"two", 3);
    tsw_pes(&w, 0x103, 0xfc, true, 46000, -1, cells, sizeof(cells));
    tsw_pes(&w, 0x103, 0xfc, true, 47000, -1, cells, 7); /* cut cell */
    run(sl_dbuf_data(&w.b), w.b.len, 0, &g, &st);
    assert_int_equal(g.n, 3);
    assert_int_equal(st.pes_dropped, 2); /* no timeline yet; the cut cell */
    assert_int_equal(g.f[0].pts, 45000);
    assert_memory_equal(g.f[0].data, "one", 3);
    assert_int_equal(g.f[1].pts, 45000);
    assert_memory_equal(g.f[1].data, "two", 3);
    assert_int_equal(g.f[2].track, 1);
    assert_int_equal(g.f[2].pts, 46000);
    assert_int_equal(g.f[2].len, 5);
    assert_memory_equal(g.f[2].data, "abcde", 5);
    got_free(&g);
    sl_dbuf_free(&w.b);
}


/* An ADTS header for a frame of au bytes (crc: 9-byte header). */
static size_t
adts(uint8_t *p, size_t au, bool crc, uint8_t fill)
{
    size_t hl = crc ? 9 : 7;
    size_t fl = hl + au;

    p[0] = 0xff;
    p[1] = crc ? 0xf0 : 0xf1;
    p[2] = (1 << 6) | (3 << 2) | 0; /* LC, 48 kHz, channel config 2 */
    p[3] = (uint8_t)((2 << 6) | (fl >> 11));
    p[4] = (uint8_t)(fl >> 3);
    p[5] = (uint8_t)(((fl & 7) << 5) | 0x1f);
    p[6] = 0xfc;
    if (crc) {
        p[7] = 0x12;
        p[8] = 0x34;
    }
    memset(p + hl, fill, au);
    return fl;
}


/*
 * ADTS frames cut by PES boundaries, one with a CRC: each AU comes out
 * whole, the cut one with the PTS of the PES it started in.
 */
static void
test_adts_across_pes(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    struct tsw               w;
    struct pmt_es            es = {SL_TS_ST_AAC_ADTS, 0x101, NULL, 0};
    uint8_t                  s[512];
    size_t                   n = 0;
    size_t                   cut;

    (void)state;
    n += adts(s + n, 10, false, 'a');
    n += adts(s + n, 20, true, 'b');
    cut = n + 12;
    n += adts(s + n, 30, false, 'c');
    n += adts(s + n, 5, false, 'd');
    tsw_init(&w);
    tsw_pat(&w, 1, 0x1000);
    tsw_pmt(&w, 0x1000, 1, 0, &es, 1);
    tsw_pes(&w, 0x101, 0xc0, true, 90000, -1, s, cut);
    tsw_pes(&w, 0x101, 0xc0, true, 100000, -1, s + cut, n - cut);
    /* A PES with a frame and the start of one never completed. */
    tsw_pes(&w, 0x101, 0xc0, true, 200000, -1, s, 17 + 5);
    run(sl_dbuf_data(&w.b), w.b.len, 0, &g, &st);
    assert_int_equal(g.n, 5);
    assert_int_equal(g.f[0].pts, 90000);
    assert_int_equal(g.f[0].len, 10);
    assert_int_equal(g.f[1].pts, 90000 + 1920);
    assert_int_equal(g.f[1].len, 20);
    assert_int_equal(g.f[1].data[0], 'b');
    assert_int_equal(g.f[2].pts, 90000 + 2 * 1920);
    assert_int_equal(g.f[2].len, 30);
    assert_int_equal(g.f[2].data[29], 'c');
    assert_int_equal(g.f[3].pts, 100000);
    assert_int_equal(g.f[3].len, 5);
    assert_int_equal(g.f[4].pts, 200000);
    assert_int_equal(g.f[4].len, 10);
    assert_true(g.tracks[0].aac_known);
    assert_int_equal(g.tracks[0].aac.channels, 2);
    assert_int_equal(st.pes_dropped, 0);
    got_free(&g);
    sl_dbuf_free(&w.b);
}


/*
 * LOAS with audioMuxVersion 1 (ASC with an explicit length) and two
 * sub-frames, so AUs sit at bit offsets; then useSameStreamMux frames.
 */
static void
test_latm_config_in_band(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    struct tsw               w;
    struct pmt_es            es = {SL_TS_ST_AAC_LATM, 0x101, NULL, 0};
    struct sl_bitw           bw;
    uint8_t                  el[64];
    uint8_t                  s[128];
    size_t                   n;

    (void)state;
    memset(el, 0, sizeof(el));
    sl_bitw_init(&bw, el, sizeof(el));
    sl_bitw_write(&bw, 1, 0); /* useSameStreamMux */
    sl_bitw_write(&bw, 1, 1); /* audioMuxVersion */
    sl_bitw_write(&bw, 1, 0); /* audioMuxVersionA */
    sl_bitw_write(&bw, 2, 0); /* taraBufferFullness: 1 byte */
    sl_bitw_write(&bw, 8, 0xff);
    sl_bitw_write(&bw, 1, 1); /* allStreamsSameTimeFraming */
    sl_bitw_write(&bw, 6, 1); /* numSubFrames: 2 */
    sl_bitw_write(&bw, 4, 0); /* numProgram */
    sl_bitw_write(&bw, 3, 0); /* numLayer */
    sl_bitw_write(&bw, 2, 0); /* ascLen: 1 byte */
    sl_bitw_write(&bw, 8, 20);
    sl_bitw_write(&bw, 5, 2);    /* AAC LC */
    sl_bitw_write(&bw, 4, 4);    /* 44.1 kHz */
    sl_bitw_write(&bw, 4, 1);    /* mono */
    sl_bitw_write(&bw, 3, 0);    /* GASpecificConfig */
    sl_bitw_write(&bw, 4, 0);    /* fill bits up to ascLen */
    sl_bitw_write(&bw, 3, 0);    /* frameLengthType */
    sl_bitw_write(&bw, 8, 0xff); /* latmBufferFullness */
    sl_bitw_write(&bw, 1, 0);    /* otherDataPresent */
    sl_bitw_write(&bw, 1, 0);    /* crcCheckPresent */
    sl_bitw_write(&bw, 8, 3);    /* AU 1: 3 bytes */
    sl_bitw_write(&bw, 8, 'x');
    sl_bitw_write(&bw, 8, 'y');
    sl_bitw_write(&bw, 8, 'z');
    sl_bitw_write(&bw, 8, 1); /* AU 2: 1 byte */
    sl_bitw_write(&bw, 8, 'w');
    assert_false(bw.error);
    n = sl_bitw_bytes(&bw);
    s[0] = 0x56;
    s[1] = (uint8_t)(0xe0 | (n >> 8));
    s[2] = (uint8_t)n;
    memcpy(s + 3, el, n);
    /* Same stream mux: one bit, then AU lengths and bytes, shifted. */
    s[3 + n] = 0x56;
    s[4 + n] = 0xe0;
    s[5 + n] = 4;
    s[6 + n] = (uint8_t)(0x80 | (2 >> 1)); /* useSameStreamMux, length */
    s[7 + n] = (uint8_t)((2 << 7) | ('p' >> 1));
    s[8 + n] = (uint8_t)(('p' << 7) | ('q' >> 1));
    s[9 + n] = (uint8_t)(('q' << 7) | (0 >> 1));
    tsw_init(&w);
    tsw_pat(&w, 1, 0x1000);
    tsw_pmt(&w, 0x1000, 1, 0, &es, 1);
    tsw_pes(&w, 0x101, 0xc0, true, 1000, -1, s, 10 + n);
    run(sl_dbuf_data(&w.b), w.b.len, 0, &g, &st);
    assert_int_equal(st.pes_dropped, 1); /* the second: no 2nd sub-frame */
    assert_int_equal(g.n, 2);
    assert_true(g.tracks[0].aac_known);
    assert_int_equal(g.tracks[0].aac.sample_rate, 44100);
    assert_int_equal(g.tracks[0].aac.channels, 1);
    assert_int_equal(g.f[0].len, 3);
    assert_memory_equal(g.f[0].data, "xyz", 3);
    assert_int_equal(g.f[0].pts, 1000);
    assert_int_equal(g.f[1].len, 1);
    assert_int_equal(g.f[1].data[0], 'w');
    assert_int_equal(g.f[1].pts, 1000 + 1024 * 90000 / 44100);
    got_free(&g);
    sl_dbuf_free(&w.b);
}


/* A negative frame callback return stops the feed with that value. */
static void
test_callback_error(void **state)
{
    struct got            g = {0};
    struct sl_ts_demux_cb cb = {&g, on_tracks, on_frame};
    struct sl_ts_demux   *d = sl_ts_demux_new(&cb);
    size_t                len;
    uint8_t              *p = load("h264_aac.ts", &len);

    (void)state;
    g.stop_at = 3;
    assert_int_equal(sl_ts_demux_feed(d, p, len), -42);
    assert_int_equal(g.n, 2);
    g.stop_at = 0;
    /* Still usable. */
    assert_int_equal(sl_ts_demux_feed(d, p, len), 0);
    assert_int_equal(sl_ts_demux_flush(d), 0);
    assert_true(g.n > 2);
    sl_ts_demux_free(&d);
    sl_ts_demux_free(&d);
    got_free(&g);
    sl_free(p);
}


/*
 * Malformed PSI with valid CRCs is counted and ignored: a PMT PID that is
 * the null PID, lengths past the section end, a section over 1024 bytes,
 * a pointer field past the packet; a section not yet applicable and a
 * PMT of only unsupported streams give no tracks.
 */
static void
test_malformed_psi(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    struct tsw               w;
    struct pmt_es            es = {SL_TS_ST_H264, 0x100, NULL, 0};
    struct pmt_es            mpeg2 = {0x02, 0x100, NULL, 0};
    uint8_t                  s[64];
    uint8_t                  pkt[184];

    (void)state;
    tsw_init(&w);
    tsw_pat(&w, 1, SL_TS_PID_NULL);
    /* PAT: section_length 1022 + 3 > the 1024 we keep. */
    memset(pkt, 0, sizeof(pkt));
    pkt[1] = 0x00;
    pkt[2] = 0xb3;
    pkt[3] = 0xfe;
    tsw_packet(&w, SL_TS_PID_PAT, true, pkt, sizeof(pkt));
    /* Pointer field past the payload. */
    pkt[0] = 200;
    tsw_packet(&w, SL_TS_PID_PAT, true, pkt, sizeof(pkt));
    tsw_pat(&w, 1, 0x1000);
    /* PMT: program_info_length past the end. */
    memset(s, 0, sizeof(s));
    s[0] = 0x02;
    s[1] = 0xb0;
    s[2] = 13;
    s[4] = 1;
    s[5] = 0xc1;
    s[10] = 0xf0;
    s[11] = 0x40;
    tsw_section(&w, 0x1000, s, 16);
    /* PMT: ES_info_length past the end. */
    s[2] = 18;
    s[11] = 0;
    s[12] = SL_TS_ST_H264;
    s[13] = 0xe1;
    s[14] = 0x00;
    s[15] = 0xf0;
    s[16] = 0x20;
    tsw_section(&w, 0x1000, s, 21);
    /* Not applicable yet (current_next_indicator 0). */
    s[5] = 0xc0;
    s[16] = 0;
    tsw_section(&w, 0x1000, s, 21);
    assert_int_equal(w.b.len % PKT, 0);
    tsw_pmt(&w, 0x1000, 1, 1, &mpeg2, 1);
    tsw_pmt(&w, 0x1000, 1, 2, &es, 1);
    run(sl_dbuf_data(&w.b), w.b.len, 0, &g, &st);
    assert_int_equal(st.crc_errors, 0);
    assert_int_equal(st.psi_errors, 5);
    assert_int_equal(g.tracks_calls, 2);
    assert_int_equal(g.ntracks, 1);
    assert_int_equal(g.tracks[0].codec, SL_CODEC_H264);
    got_free(&g);
    sl_dbuf_free(&w.b);
}


/*
 * The PES buffers of one demuxer share SL_TS_DEMUX_MEM_BUDGET: two video
 * AUs near the cap in progress at once fit, a third one is dropped.
 */
static void
test_memory_budget(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    struct tsw               w;
    struct pmt_es            es[3] = {{SL_TS_ST_H264, 0x100, NULL, 0},
                                      {SL_TS_ST_H264, 0x101, NULL, 0},
                                      {SL_TS_ST_H264, 0x102, NULL, 0}};
    size_t                   n = SL_NALU_MAX_AU_SIZE - 4096;
    uint8_t                 *au = sl_malloc(n);

    (void)state;
    memset(au, 0xaa, n);
    memcpy(au, "\0\0\0\1\x65", 5);
    tsw_init(&w);
    tsw_pat(&w, 1, 0x1000);
    tsw_pmt(&w, 0x1000, 1, 0, es, 3);
    for (uint16_t pid = 0x100; pid <= 0x102; pid++) {
        tsw_pes(&w, pid, 0xe0, false, 3000, -1, au, n);
    }
    for (uint16_t pid = 0x100; pid <= 0x102; pid++) {
        tsw_pes(&w, pid, 0xe0, false, 6000, -1, avc_p, sizeof(avc_p));
    }
    run(sl_dbuf_data(&w.b), w.b.len, 0, &g, &st);
    assert_int_equal(st.pes_dropped, 1);
    assert_int_equal(g.n, 5);
    assert_int_equal(nth_of_track(&g, 0, 0)->len, n - 4 + 4);
    assert_true(nth_of_track(&g, 0, 0)->key);
    assert_int_equal(nth_of_track(&g, 1, 0)->len, n - 4 + 4);
    assert_int_equal(nth_of_track(&g, 2, 0)->pts, 6000);
    assert_true(nth_of_track(&g, 2, 0)->discont);
    got_free(&g);
    sl_dbuf_free(&w.b);
    sl_free(au);
}


/*
 * Exactly two packets in one feed: the second one, left whole in the sync
 * stage when the lock is found, is not forgotten (a fuzzer find).
 */
static void
test_two_packets_in_one_feed(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    struct tsw               w;
    struct pmt_es            es = {SL_TS_ST_H264, 0x100, NULL, 0};

    (void)state;
    tsw_init(&w);
    tsw_pat(&w, 1, 0x1000);
    tsw_pmt(&w, 0x1000, 1, 0, &es, 1);
    assert_int_equal(w.b.len, 2 * PKT);
    run(sl_dbuf_data(&w.b), w.b.len, 0, &g, &st);
    assert_int_equal(st.packets, 2);
    assert_int_equal(g.tracks_calls, 1);
    got_free(&g);
    sl_dbuf_free(&w.b);
}


/* Video without PTS is dropped; PSI of another program is ignored. */
static void
test_video_without_pts(void **state)
{
    struct got               g = {0};
    struct sl_ts_demux_stats st;
    struct tsw               w;
    struct pmt_es            es = {SL_TS_ST_H264, 0x100, NULL, 0};
    struct pmt_es            other = {SL_TS_ST_H265, 0x100, NULL, 0};

    (void)state;
    tsw_init(&w);
    tsw_pat(&w, 1, 0x1000);
    tsw_pmt(&w, 0x1000, 1, 0, &es, 1);
    tsw_pmt(&w, 0x1000, 2, 3, &other, 1);
    tsw_pes(&w, 0x100, 0xe0, false, -1, -1, avc_idr, sizeof(avc_idr));
    tsw_pes(&w, 0x100, 0xe0, false, 3600, -1, avc_p, sizeof(avc_p));
    run(sl_dbuf_data(&w.b), w.b.len, 0, &g, &st);
    assert_int_equal(g.tracks_calls, 1);
    assert_int_equal(g.tracks[0].codec, SL_CODEC_H264);
    assert_int_equal(st.pes_dropped, 1);
    assert_int_equal(g.n, 1);
    assert_true(g.f[0].discont);
    got_free(&g);
    sl_dbuf_free(&w.b);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_h264_aac),
        cmocka_unit_test(test_fixture_h265_mp3),
        cmocka_unit_test(test_fixture_ac3),
        cmocka_unit_test(test_fixture_opus),
        cmocka_unit_test(test_fixture_latm),
        cmocka_unit_test(test_chunking_is_invisible),
        cmocka_unit_test(test_garbage_prefix),
        cmocka_unit_test(test_garbage_mid_stream),
        cmocka_unit_test(test_cc_error),
        cmocka_unit_test(test_duplicate_packet),
        cmocka_unit_test(test_pts_wrap),
        cmocka_unit_test(test_bad_crc),
        cmocka_unit_test(test_pmt_version_change),
        cmocka_unit_test(test_oversize_pes),
        cmocka_unit_test(test_truncated_input),
        cmocka_unit_test(test_klv),
        cmocka_unit_test(test_adts_across_pes),
        cmocka_unit_test(test_latm_config_in_band),
        cmocka_unit_test(test_callback_error),
        cmocka_unit_test(test_video_without_pts),
        cmocka_unit_test(test_two_packets_in_one_feed),
        cmocka_unit_test(test_memory_budget),
        cmocka_unit_test(test_malformed_psi),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
