/*
 * Fuzz target: the MPEG-TS demuxer.  Input: [mode][seed][body].
 *
 * Mode bit 0 clear: body is a raw byte stream (TS or not).  Set: body
 * describes a stream the harness builds, so that mutations reach the PES
 * and codec parsers without having to forge CRCs and continuity counters:
 * body[0..3] pick four tracks (every supported stream type and descriptor
 * form), then records [flags][len][len bytes] become one TS packet each on
 * the track flags & 3 (0x04 unit start, 0x08 discontinuity_indicator,
 * 0x10 skip a CC, 0x20 repeat the previous CC, 0x40 adaptation field with
 * a PCR, 0x80 the track changes kind in a new PMT version), with a PAT
 * (network PID and a second program included) and the PMT every 32
 * packets.
 *
 * The stream is demuxed once whole and once in chunks whose sizes come
 * from seed.  Properties: no crash or leak; every frame's bytes are inside
 * memory the demuxer owns and its track and codec match the last track
 * list; the stats agree with the callbacks and with the input size; and
 * the chunked run produces exactly the same frames, tracks and stats.
 */
#include "format/mpegts_demux.h"
#include "base/alloc.h"
#include "base/dbuf.h"
#include "format/mpegts.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#define PKT         188
#define MAX_RECORDS 4096

struct run {
    uint64_t           hash;
    uint64_t           frames;
    int                ntracks;
    struct sl_ts_track tracks[SL_TS_DEMUX_MAX_TRACKS];
};

struct track_kind {
    uint8_t       stream_type;
    uint8_t       desc_len;
    const uint8_t desc[12];
};


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void   mix(struct run *r, const void *p, size_t n);
static void   on_tracks(void *ud, const struct sl_ts_track *t, int n);
static int    on_frame(void *ud, const struct sl_ts_frame *f);
static void   demux(const uint8_t *p, size_t len, uint8_t seed, struct run *r,
                    struct sl_ts_demux_stats *st);
static void   packet(struct sl_dbuf *b, uint16_t pid, uint8_t flags, uint8_t cc,
                     const uint8_t *p, size_t n);
static void   section(struct sl_dbuf *b, uint16_t pid, uint8_t *s, size_t n,
                      uint8_t *cc);
static size_t pmt_build(uint8_t *pmt, const uint8_t sel[4], uint8_t version);
static uint8_t *build(const uint8_t *p, size_t len, size_t *out_len);


static const struct track_kind kinds[] = {
    {SL_TS_ST_H264, 0, {0}},
    {SL_TS_ST_H265, 0, {0}},
    {SL_TS_ST_AAC_ADTS, 0, {0}},
    {SL_TS_ST_AAC_LATM, 0, {0}},
    {SL_TS_ST_MPEG1_AUDIO, 0, {0}},
    {SL_TS_ST_MPEG2_AUDIO, 0, {0}},
    {SL_TS_ST_AC3, 0, {0}},
    {SL_TS_ST_PRIVATE, 3, {SL_TS_DESC_AC3_DVB, 1, 0}},
    {SL_TS_ST_PRIVATE, 6, {SL_TS_DESC_REGISTRATION, 4, 'A', 'C', '-', '3'}},
    {SL_TS_ST_PRIVATE,
     10,
     {SL_TS_DESC_REGISTRATION, 4, 'O', 'p', 'u', 's', SL_TS_DESC_EXTENSION, 2,
      0x80, 2}},
    {SL_TS_ST_PRIVATE,
     11,
     {SL_TS_DESC_REGISTRATION, 4, 'O', 'p', 'u', 's', SL_TS_DESC_EXTENSION, 3,
      0x80, 0x80, 6}},
    {SL_TS_ST_PRIVATE, 6, {SL_TS_DESC_REGISTRATION, 4, 'K', 'L', 'V', 'A'}},
    {SL_TS_ST_METADATA, 0, {0}},
    {0x02, 0, {0}}, /* MPEG-2 video: not listed */
};


/* FNV-1a, 64 bits. */
static void
mix(struct run *r, const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++) {
        r->hash = (r->hash ^ b[i]) * 0x100000001b3ull;
    }
}


static void
on_tracks(void *ud, const struct sl_ts_track *t, int n)
{
    struct run *r = ud;

    if (n < 0 || n > SL_TS_DEMUX_MAX_TRACKS || (n > 0 && t == NULL)) {
        abort();
    }
    r->ntracks = n;
    if (n > 0) {
        memcpy(r->tracks, t, (size_t)n * sizeof(*t));
    }
    for (int i = 0; i < n; i++) {
        mix(r, &t[i].pid, sizeof(t[i].pid));
        mix(r, &t[i].codec, sizeof(t[i].codec));
        mix(r, &t[i].sample_rate, sizeof(t[i].sample_rate));
        mix(r, &t[i].channels, sizeof(t[i].channels));
        if (t[i].codec == SL_CODEC_NONE
            || (t[i].aac_known && t[i].aac.sample_rate == 0))
        {
            abort();
        }
    }
}


static int
on_frame(void *ud, const struct sl_ts_frame *f)
{
    struct run *r = ud;
    uint8_t     sum = 0;

    if (f->track < 0 || f->track >= r->ntracks
        || f->codec != r->tracks[f->track].codec || f->data == NULL
        || f->len == 0)
    {
        abort();
    }
    if (f->codec == SL_CODEC_H264 || f->codec == SL_CODEC_H265) {
        if (sl_avcc_validate(f->data, f->len) <= 0) {
            abort();
        }
    }
    /* Every byte is read, so ASan sees any reach outside the buffers. */
    for (size_t i = 0; i < f->len; i++) {
        sum = (uint8_t)(sum + f->data[i]);
    }
    r->frames++;
    mix(r, &f->track, sizeof(f->track));
    mix(r, &f->pts, sizeof(f->pts));
    mix(r, &f->dts, sizeof(f->dts));
    mix(r, &f->key, sizeof(f->key));
    mix(r, &f->discont, sizeof(f->discont));
    mix(r, &f->len, sizeof(f->len));
    mix(r, f->data, f->len);
    mix(r, &sum, 1);
    return 0;
}


static void
demux(const uint8_t *p, size_t len, uint8_t seed, struct run *r,
      struct sl_ts_demux_stats *st)
{
    struct sl_ts_demux_cb cb = {r, on_tracks, on_frame};
    struct sl_ts_demux   *d = sl_ts_demux_new(&cb);
    uint32_t              s = seed;
    size_t                off = 0;

    memset(r, 0, sizeof(*r));
    r->hash = 0xcbf29ce484222325ull;
    while (off < len) {
        size_t n = len - off;

        if (seed != 0) {
            s = s * 1103515245u + 12345u;
            n = (s >> 16) % (seed % 4 == 0 ? 400u : 7u) + 1;
            n = n < len - off ? n : len - off;
        }
        if (sl_ts_demux_feed(d, p + off, n) != 0) {
            abort();
        }
        off += n;
    }
    if (sl_ts_demux_flush(d) != 0) {
        abort();
    }
    *st = *sl_ts_demux_stats(d);
    sl_ts_demux_free(&d);
    if (d != NULL || st->frames != r->frames || st->packets > len / PKT
        || st->cc_errors > st->packets || st->resyncs > st->packets + 1)
    {
        abort();
    }
}


static void
packet(struct sl_dbuf *b, uint16_t pid, uint8_t flags, uint8_t cc,
       const uint8_t *p, size_t n)
{
    uint8_t pkt[PKT];
    size_t  af = 0; /* adaptation field bytes after its length byte */
    size_t  off;

    memset(pkt, 0xff, sizeof(pkt));
    pkt[0] = SL_TS_SYNC;
    pkt[1] = (uint8_t)(((flags & 0x04) ? 0x40 : 0) | (pid >> 8));
    pkt[2] = (uint8_t)pid;
    pkt[3] = (uint8_t)(0x10 | (cc & 0x0f));
    if (flags & 0x40) {
        af = 7; /* flags + PCR */
    } else if (flags & 0x08) {
        af = 1;
    }
    if (n > 184 - (af > 0 ? af + 1 : 0)) {
        n = 184 - (af > 0 ? af + 1 : 0);
    }
    if (af > 0 || n < 184) {
        size_t afl = 183 - n;

        pkt[3] |= 0x20;
        pkt[4] = (uint8_t)afl;
        if (afl > 0) {
            pkt[5] = (uint8_t)(((flags & 0x08) ? 0x80 : 0)
                               | ((flags & 0x40) ? 0x10 : 0));
            if (flags & 0x40) {
                memset(pkt + 6, 0, 6);
            }
        }
        off = 5 + afl;
    } else {
        off = 4;
    }
    memcpy(pkt + off, p, n);
    sl_dbuf_add(b, pkt, PKT);
}


static void
section(struct sl_dbuf *b, uint16_t pid, uint8_t *s, size_t n, uint8_t *cc)
{
    uint8_t  buf[PKT];
    uint32_t crc;

    crc = sl_ts_crc32(s, n - 4);
    s[n - 4] = (uint8_t)(crc >> 24);
    s[n - 3] = (uint8_t)(crc >> 16);
    s[n - 2] = (uint8_t)(crc >> 8);
    s[n - 1] = (uint8_t)crc;
    buf[0] = 0;
    memcpy(buf + 1, s, n);
    packet(b, pid, 0x04, (*cc)++, buf, n + 1);
}


/* The PMT of program 1 with the four tracks sel[] picks; its length. */
static size_t
pmt_build(uint8_t *pmt, const uint8_t sel[4], uint8_t version)
{
    size_t pl = 12;

    memset(pmt, 0, 12);
    pmt[0] = 0x02;
    pmt[4] = 1;
    pmt[5] = (uint8_t)(0xc1 | ((version & 0x1f) << 1));
    pmt[8] = 0xe1;
    pmt[10] = 0xf0;
    for (int i = 0; i < 4; i++) {
        const struct track_kind *k =
            &kinds[sel[i] % (sizeof(kinds) / sizeof(kinds[0]))];

        pmt[pl] = k->stream_type;
        pmt[pl + 1] = 0xe1;
        pmt[pl + 2] = (uint8_t)i;
        pmt[pl + 3] = 0xf0;
        pmt[pl + 4] = k->desc_len;
        memcpy(pmt + pl + 5, k->desc, k->desc_len);
        pl += 5 + k->desc_len;
    }
    pmt[1] = (uint8_t)(0xb0 | ((pl + 4 - 3) >> 8));
    pmt[2] = (uint8_t)(pl + 4 - 3);
    return pl + 4;
}


/* The stream described by a mode-1 body (see the top comment). */
static uint8_t *
build(const uint8_t *p, size_t len, size_t *out_len)
{
    /* Network PID, program 1 (followed), program 2 (ignored). */
    static const uint8_t pat[24] = {0x00, 0xb0, 21, 0,    1,    0xc1, 0,
                                    0,    0,    0,  0xe0, 0x10, 0,    1,
                                    0xf0, 0x00, 0,  2,    0xf0, 0x01};
    struct sl_dbuf       b;
    uint8_t              pmt[12 + 4 * 16 + 4];
    uint8_t              s[sizeof(pat)];
    uint8_t              sel[4];
    uint8_t              version = 0;
    size_t               pl;
    uint8_t              cc[4] = {0};
    uint8_t              psi_cc[2] = {0};
    size_t               records = 0;
    uint8_t             *out;

    if (len < 4) {
        *out_len = 0;
        return NULL;
    }
    memcpy(sel, p, 4);
    pl = pmt_build(pmt, sel, version);
    p += 4;
    len -= 4;
    sl_dbuf_init(&b, (2 * MAX_RECORDS + 4) * PKT);
    while (len >= 2 && records < MAX_RECORDS) {
        uint8_t flags = p[0];
        size_t  n = p[1];
        int     t = flags & 3;

        if (flags & 0x80) {
            /* The track changes kind: a new PMT version. */
            sel[t]++;
            pl = pmt_build(pmt, sel, ++version);
        }
        if (records % 32 == 0 || (flags & 0x80)) {
            memcpy(s, pat, sizeof(s));
            section(&b, SL_TS_PID_PAT, s, sizeof(s), &psi_cc[0]);
            section(&b, 0x1000, pmt, pl, &psi_cc[1]);
        }
        p += 2;
        len -= 2;
        n = n < len ? n : len;
        if (flags & 0x10) {
            cc[t]++;
        }
        if (flags & 0x20) {
            cc[t]--;
        }
        packet(&b, (uint16_t)(0x100 + t), flags, cc[t]++, p, n);
        p += n;
        len -= n;
        records++;
    }
    out = b.len > 0 ? sl_memdup(sl_dbuf_data(&b), b.len) : NULL;
    *out_len = b.len;
    sl_dbuf_free(&b);
    return out;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct run               a;
    struct run               b;
    struct sl_ts_demux_stats sa;
    struct sl_ts_demux_stats sb;
    const uint8_t           *p;
    uint8_t                 *built = NULL;
    size_t                   len;
    uint8_t                  seed;

    if (size < 2) {
        return 0;
    }
    seed = data[1];
    p = data + 2;
    len = size - 2;
    if (data[0] & 1) {
        built = build(p, len, &len);
        p = built;
        if (p == NULL) {
            return 0;
        }
    }
    demux(p, len, 0, &a, &sa);
    demux(p, len, seed == 0 ? 1 : seed, &b, &sb);
    if (a.hash != b.hash || a.frames != b.frames
        || memcmp(&sa, &sb, sizeof(sa)) != 0)
    {
        abort();
    }
    sl_free(built);
    return 0;
}
