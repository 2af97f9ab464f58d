/*
 * Fuzz target: the MPEG-TS muxer driven by fuzz-chosen tracks and frames.
 *
 * Input: a track count byte, two bytes per track (codec, parameter), then
 * frames of [track][flags][timestamp step][length: 2 bytes][data].  Flag
 * bits: 0 key, 1 DTS behind PTS, 2 offer parameter sets, 3 wrap the data
 * as one AVCC NALU (so video frames are mostly valid), 4 jump the clock by
 * 2^33 - 1, 5 also ask for the join tables.
 *
 * Properties: no crash; a failed write leaves the output and the muxer as
 * they were; a successful one appends whole 188-byte packets with the
 * sync byte, continuity counters that follow on per PID over the whole
 * run, PAT and PMT first exactly when it returns 1, valid CRCs on every
 * PSI section, and a PES that reassembles to the frame's payload (audio
 * and KLV bytes come back as they went in, after the ADTS or Opus
 * prefix).
 */
#include "format/mpegts_mux.h"
#include "base/bytes.h"
#include "base/err.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#define PKT 188


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void setup_track(struct sl_ts_mux_track *t, uint8_t codec,
                        uint8_t param);
static void check_psi(const uint8_t *p);
static void check_output(const struct sl_ts_mux *m, const uint8_t *p,
                         size_t len, int rc, int *last_cc);
static void check_payload(const struct sl_ts_mux       *m,
                          const struct sl_ts_mux_frame *f, const uint8_t *p,
                          size_t len);


static const int codecs[] = {
    SL_CODEC_H264, SL_CODEC_H265, SL_CODEC_AAC, SL_CODEC_OPUS,
    SL_CODEC_MP3,  SL_CODEC_AC3,  SL_CODEC_KLV, SL_CODEC_VP8,
};

static const uint8_t  sps[] = {0x67, 0x42, 0x00, 0x1e};
static const uint8_t  pps[] = {0x68, 0xce, 0x38, 0x80};
static const uint8_t  vps[] = {0x40, 0x01, 0x0c};
static const uint8_t  sps5[] = {0x42, 0x01, 0x01};
static const uint8_t  pps5[] = {0x44, 0x01, 0xc0};
static const uint8_t *params264[] = {sps, pps};
static const size_t   params264_len[] = {sizeof(sps), sizeof(pps)};
static const uint8_t *params265[] = {vps, sps5, pps5};
static const size_t params265_len[] = {sizeof(vps), sizeof(sps5), sizeof(pps5)};

static uint8_t pes[1 << 18];
static uint8_t wrapped[4 + 65536];


static void
setup_track(struct sl_ts_mux_track *t, uint8_t codec, uint8_t param)
{
    memset(t, 0, sizeof(*t));
    t->codec = codecs[codec % (sizeof(codecs) / sizeof(codecs[0]))];
    t->opus_channels = param % 10;
    t->sample_rate = (uint32_t)param * 200;
    t->aac.object_type = 1 + (param & 3);
    t->aac.freq_index = (param >> 2) & 15;
    t->aac.sample_rate = sl_aac_rate_from_index(t->aac.freq_index);
    t->aac.channel_config = param >> 6 ? param >> 6 : 7;
    t->aac.channels = t->aac.channel_config;
    t->aac.frame_length = param == 0xff ? 960 : 1024;
}


/* A PSI packet: pointer_field 0, section inside the packet, CRC valid. */
static void
check_psi(const uint8_t *p)
{
    size_t off = 4;
    size_t slen;

    if ((p[1] & 0x40) == 0 || (p[3] & 0x30) != 0x10 || p[off] != 0) {
        abort();
    }
    off++;
    slen = 3 + (size_t)(sl_rb16(p + off + 1) & 0x0fff);
    if (off + slen > PKT || sl_ts_crc32(p + off, slen) != 0) {
        abort();
    }
}


static void
check_output(const struct sl_ts_mux *m, const uint8_t *p, size_t len, int rc,
             int *last_cc)
{
    size_t i;

    if (len == 0 || len % PKT != 0) {
        abort();
    }
    for (i = 0; i < len; i += PKT) {
        const uint8_t *k = p + i;
        unsigned       pid = ((k[1] & 0x1fu) << 8) | k[2];
        unsigned       afc = (k[3] >> 4) & 3;

        if (k[0] != SL_TS_SYNC || (afc != 1 && afc != 3)
            || (afc == 3 && k[4] > 182)) {
            abort();
        }
        if (last_cc[pid] >= 0 && (k[3] & 15) != ((last_cc[pid] + 1) & 15)) {
            abort();
        }
        last_cc[pid] = k[3] & 15;
        if (pid == SL_TS_PID_PAT || pid == SL_TS_MUX_PID_PMT) {
            check_psi(k);
        } else if (pid < SL_TS_MUX_PID_FIRST
                   || pid >= SL_TS_MUX_PID_FIRST + (unsigned)m->ntracks)
        {
            abort();
        }
    }
    /* PAT and PMT lead exactly when the write says so. */
    if ((rc == 1)
        != (len >= 2 * PKT && p[2] == 0 && (p[1] & 0x1f) == 0
            && sl_rb16(p + PKT + 1) == (0x4000 | SL_TS_MUX_PID_PMT)))
    {
        abort();
    }
}


/* Reassembles the frame's PES and compares what the muxer must not touch. */
static void
check_payload(const struct sl_ts_mux *m, const struct sl_ts_mux_frame *f,
              const uint8_t *p, size_t len)
{
    unsigned pid = SL_TS_MUX_PID_FIRST + (unsigned)f->track;
    size_t   n = 0;
    size_t   i;
    size_t   skip;
    int      codec = m->es[f->track].codec;

    for (i = 0; i < len; i += PKT) {
        const uint8_t *k = p + i;
        size_t         off = 4;

        if ((((k[1] & 0x1fu) << 8) | k[2]) != pid) {
            continue;
        }
        if (((k[1] & 0x40) != 0) != (n == 0)) {
            abort(); /* one PES, starting in its first packet */
        }
        if (k[3] & 0x20) {
            off += 1 + (size_t)k[4];
        }
        if (n + PKT - off > sizeof(pes)) {
            abort();
        }
        memcpy(pes + n, k + off, PKT - off);
        n += PKT - off;
    }
    if (n < 14 || pes[0] != 0 || pes[1] != 0 || pes[2] != 1) {
        abort();
    }
    if (sl_rb16(pes + 4) != 0 && sl_rb16(pes + 4) != n - 6) {
        abort();
    }
    skip = 9 + (size_t)pes[8];
    if (codec == SL_CODEC_H264 || codec == SL_CODEC_H265) {
        /* Annex-B ending with the AU's last NALU. */
        if (n < skip + 4 || sl_rb32(pes + skip) != 1) {
            abort();
        }
        return;
    }
    if (codec == SL_CODEC_AAC) {
        skip += 7;
    } else if (codec == SL_CODEC_OPUS) {
        skip += 2 + f->len / 255 + 1;
    }
    if (n != skip + f->len
        || (f->len > 0 && memcmp(pes + skip, f->data, f->len) != 0))
    {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_ts_mux       m;
    struct sl_ts_mux       before;
    struct sl_ts_mux_track t[SL_TS_MUX_MAX_TRACKS];
    struct sl_dbuf         out;
    struct sl_dbuf         tables;
    static int             last_cc[0x2000];
    const uint8_t         *p = data;
    const uint8_t         *end = data + size;
    int64_t                clock = 0;
    int                    n;
    int                    i;

    if (size < 1) {
        return 0;
    }
    n = 1 + (*p++ % SL_TS_MUX_MAX_TRACKS);
    if (end - p < 2 * n) {
        return 0;
    }
    for (i = 0; i < n; i++, p += 2) {
        setup_track(&t[i], p[0], p[1]);
    }
    if (sl_ts_mux_init(&m, t, n) != 0) {
        return 0;
    }
    for (i = 0; i < 0x2000; i++) {
        last_cc[i] = -1;
    }
    sl_dbuf_init(&out, 1 << 20);
    sl_dbuf_init(&tables, 2 * PKT);
    while (end - p >= 5) {
        struct sl_ts_mux_frame f;
        uint8_t                flags = p[1];
        size_t                 len = sl_rb16(p + 3);
        size_t                 saved;
        int                    rc;

        memset(&f, 0, sizeof(f));
        f.track = (int8_t)p[0] % 10; /* some out of range, some negative */
        clock += (int64_t)(int8_t)p[2] * 997;
        if (flags & 0x10) {
            clock += (int64_t)SL_TS_PTS_MASK;
        }
        p += 5;
        if (len > (size_t)(end - p)) {
            len = (size_t)(end - p);
        }
        f.pts = clock;
        f.dts = (flags & 2) ? clock - 3003 : clock;
        f.key = flags & 1;
        f.data = len > 0 ? p : NULL;
        f.len = len;
        if (flags & 8) {
            sl_wb32(wrapped, (uint32_t)len);
            if (len > 0) {
                memcpy(wrapped + 4, p, len);
            }
            f.data = wrapped;
            f.len = len + 4;
        }
        if ((flags & 4) && f.track >= 0 && f.track < n) {
            bool h265 = t[f.track].codec == SL_CODEC_H265;

            f.params = h265 ? params265 : params264;
            f.params_len = h265 ? params265_len : params264_len;
            f.nparams = h265 ? 3 : 2;
        }
        p += len;

        if (out.len > (1 << 19)) {
            sl_dbuf_reset(&out);
        }
        saved = out.len;
        before = m;
        rc = sl_ts_mux_write(&m, &f, &out);
        if (rc < 0) {
            if (out.len != saved || memcmp(&before, &m, sizeof(m)) != 0) {
                abort();
            }
            continue;
        }
        if (rc > 1) {
            abort();
        }
        check_output(&m, sl_dbuf_data(&out) + saved, out.len - saved, rc,
                     last_cc);
        check_payload(&m, &f, sl_dbuf_data(&out) + saved, out.len - saved);
        if (flags & 0x20) {
            sl_dbuf_reset(&tables);
            if (sl_ts_mux_write_tables(&m, &tables) != 0
                || tables.len != 2 * PKT) {
                abort();
            }
            check_psi(sl_dbuf_data(&tables));
            check_psi(sl_dbuf_data(&tables) + PKT);
        }
    }
    sl_dbuf_free(&tables);
    sl_dbuf_free(&out);
    return 0;
}
