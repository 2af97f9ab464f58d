/* Sluice: MPEG-TS muxer (ISO/IEC 13818-1), one frame in, whole packets out. */
#include "format/mpegts_mux.h"
#include "base/bytes.h"
#include "base/err.h"
#include "codec/h264.h"
#include "codec/h265.h"
#include "codec/nalu.h"

#include <string.h>


/* TS header bytes before the payload or adaptation field. */
#define TS_HEADER  4
#define TS_PAYLOAD (SL_TS_PACKET_SIZE - TS_HEADER)

/* Adaptation field flags (2.4.3.4). */
#define AF_RAI 0x40 /* random_access_indicator */
#define AF_PCR 0x10 /* PCR_flag */

/* Adaptation field bytes in a PES's first packet: length, flags, PCR. */
#define AF_FLAGS_LEN 2
#define AF_PCR_LEN   6

/* PES header: start code, stream id, length, 2 flag bytes, header length. */
#define PES_FIXED   9
#define PES_HDR_MAX (PES_FIXED + 10) /* PTS and DTS */
/* PES_packet_length counts from the byte after it. */
#define PES_LEN_MAX 65535

/* Opus control header: 0x7f 0xe0, au_size as 0xff bytes plus a remainder. */
#define OPUS_PRE_MAX (2 + PES_LEN_MAX / 255 + 1)

/* Gather list: PES header, prefix, and per NALU a start code and the NALU. */
#define MAX_SEGS (2 + 2 * SL_TS_MUX_MAX_PARAMS + 2 * SL_NALU_MAX_PER_AU)


struct seg {
    const uint8_t *p;
    size_t         len;
};

/* One PES being built: its header and the slices that follow it. */
struct pes {
    uint8_t    hdr[PES_HDR_MAX];
    uint8_t    pre[OPUS_PRE_MAX]; /* ADTS header or Opus control header */
    struct seg segs[MAX_SEGS];
    int        nsegs;
    size_t     len; /* PES bytes, header included */
};

/* Read position in a gather list. */
struct cursor {
    int    i;
    size_t off;
};


static int    setup_es(struct sl_ts_mux_es *es, const struct sl_ts_mux_track *t,
                       int i);
static int    es_descriptors(const struct sl_ts_mux_track *t, uint8_t *d);
static void   psi_packet(uint8_t pkt[SL_TS_PACKET_SIZE], uint16_t pid,
                         const uint8_t *sec, size_t len);
static void   build_pat(struct sl_ts_mux *m);
static void   build_pmt(struct sl_ts_mux *m, const struct sl_ts_mux_track *t);
static void   put_ts(uint8_t *p, unsigned prefix, int64_t ts);
static void   add_seg(struct pes *pes, const uint8_t *p, size_t len);
static int    nal_type(bool h265, uint8_t b);
static int    video_payload(const struct sl_ts_mux_es    *es,
                            const struct sl_ts_mux_frame *f, struct pes *pes);
static int    audio_payload(const struct sl_ts_mux_es    *es,
                            const struct sl_ts_mux_frame *f, struct pes *pes);
static int    pes_header(const struct sl_ts_mux_es    *es,
                         const struct sl_ts_mux_frame *f, struct pes *pes);
static bool   psi_due(const struct sl_ts_mux *m, const struct sl_ts_mux_es *es,
                      const struct sl_ts_mux_frame *f);
static size_t af_size(uint8_t af_flags);
static size_t count_packets(size_t pes_len, size_t af_first);
static void   copy_segs(const struct pes *pes, struct cursor *c, uint8_t *dst,
                        size_t n);
static uint8_t packetize(const struct pes *pes, uint16_t pid, uint8_t cc,
                         uint8_t af_flags, uint64_t pcr, uint8_t *dst);


/* Start code and access unit delimiters put before each AU. */
static const uint8_t start_code[4] = {0, 0, 0, 1};
/* H.264 AUD: primary_pic_type 7 (any slice type), then the stop bit. */
static const uint8_t aud_h264[] = {0, 0, 0, 1, 0x09, 0xf0};
/* H.265 AUD: type 35, layer 0, tid 1; pic_type 2 (I, P, B), stop bit. */
static const uint8_t aud_h265[] = {0, 0, 0, 1, 0x46, 0x01, 0x50};


static int
setup_es(struct sl_ts_mux_es *es, const struct sl_ts_mux_track *t, int i)
{
    uint8_t adts[7];

    memset(es, 0, sizeof(*es));
    es->codec = t->codec;
    es->pid = (uint16_t)(SL_TS_MUX_PID_FIRST + i);
    switch (t->codec) {
    case SL_CODEC_H264:
        es->stream_type = SL_TS_ST_H264;
        es->stream_id = SL_TS_SID_VIDEO;
        es->video = true;
        break;
    case SL_CODEC_H265:
        es->stream_type = SL_TS_ST_H265;
        es->stream_id = SL_TS_SID_VIDEO;
        es->video = true;
        break;
    case SL_CODEC_AAC:
        /* ADTS has no frameLengthFlag: 960-sample AUs cannot be told. */
        if (sl_adts_write_header(adts, &t->aac, 0) != 0
            || t->aac.frame_length == 960) {
            return SL_EINVAL;
        }
        es->aac = t->aac;
        es->stream_type = SL_TS_ST_AAC_ADTS;
        es->stream_id = SL_TS_SID_AUDIO;
        break;
    case SL_CODEC_OPUS:
        if (t->opus_channels < 1 || t->opus_channels > 8) {
            return SL_EINVAL;
        }
        es->stream_type = SL_TS_ST_PRIVATE;
        es->stream_id = SL_TS_SID_PRIVATE1;
        break;
    case SL_CODEC_MP3:
        /* FFmpeg's rule: the half rates of MPEG-2 (and 2.5) audio. */
        es->stream_type = t->sample_rate > 0 && t->sample_rate < 32000
                              ? SL_TS_ST_MPEG2_AUDIO
                              : SL_TS_ST_MPEG1_AUDIO;
        es->stream_id = SL_TS_SID_AUDIO;
        break;
    case SL_CODEC_AC3:
        es->stream_type = SL_TS_ST_AC3;
        es->stream_id = SL_TS_SID_PRIVATE1;
        break;
    case SL_CODEC_KLV:
        es->stream_type = SL_TS_ST_PRIVATE;
        es->stream_id = SL_TS_SID_PRIVATE1;
        break;
    default:
        return SL_EUNSUP;
    }
    return 0;
}


/* Writes the ES_info descriptors of a track into d; returns their length. */
static int
es_descriptors(const struct sl_ts_mux_track *t, uint8_t *d)
{
    const char *reg = NULL;
    int         n = 0;

    switch (t->codec) {
    case SL_CODEC_OPUS:
        reg = "Opus";
        break;
    case SL_CODEC_AC3:
        reg = "AC-3";
        break;
    case SL_CODEC_KLV:
        reg = "KLVA";
        break;
    default:
        return 0;
    }
    d[n++] = SL_TS_DESC_REGISTRATION;
    d[n++] = 4;
    memcpy(d + n, reg, 4);
    n += 4;
    if (t->codec == SL_CODEC_OPUS) {
        /* DVB extension descriptor, Opus audio descriptor (ETSI TS 102
         * 366-style channel_config_code: 1..8 channels, Vorbis order). */
        d[n++] = SL_TS_DESC_EXTENSION;
        d[n++] = 2;
        d[n++] = 0x80;
        d[n++] = (uint8_t)t->opus_channels;
    }
    return n;
}


/* A PSI packet: header, pointer_field 0, the section, 0xff filling. */
static void
psi_packet(uint8_t pkt[SL_TS_PACKET_SIZE], uint16_t pid, const uint8_t *sec,
           size_t len)
{
    pkt[0] = SL_TS_SYNC;
    pkt[1] = (uint8_t)(0x40 | (pid >> 8)); /* payload_unit_start */
    pkt[2] = (uint8_t)pid;
    pkt[3] = 0x10; /* payload only; CC set on write */
    pkt[4] = 0;    /* pointer_field */
    memcpy(pkt + 5, sec, len);
    memset(pkt + 5 + len, 0xff, SL_TS_PACKET_SIZE - 5 - len);
}


static void
build_pat(struct sl_ts_mux *m)
{
    uint8_t s[16];
    size_t  n = 0;

    s[n++] = 0x00; /* table_id: program_association_section */
    s[n++] = 0xb0; /* syntax indicator, '0', reserved; length below */
    s[n++] = 13;   /* 5 fixed + 4 per program + 4 CRC */
    sl_wb16(s + n, SL_TS_MUX_TSID);
    n += 2;
    s[n++] = 0xc1; /* reserved, version 0, current_next */
    s[n++] = 0;    /* section_number */
    s[n++] = 0;    /* last_section_number */
    sl_wb16(s + n, SL_TS_MUX_PROGRAM);
    n += 2;
    sl_wb16(s + n, 0xe000 | SL_TS_MUX_PID_PMT);
    n += 2;
    sl_wb32(s + n, sl_ts_crc32(s, n));
    n += 4;
    psi_packet(m->pat, SL_TS_PID_PAT, s, n);
}


static void
build_pmt(struct sl_ts_mux *m, const struct sl_ts_mux_track *t)
{
    /* 12 fixed + 4 CRC + per track 5 + at most 10 descriptor bytes. */
    uint8_t s[16 + SL_TS_MUX_MAX_TRACKS * 15];
    size_t  n = 0;
    int     i;

    s[n++] = 0x02; /* table_id: TS_program_map_section */
    n += 2;        /* section_length, below */
    sl_wb16(s + n, SL_TS_MUX_PROGRAM);
    n += 2;
    s[n++] = 0xc1;
    s[n++] = 0;
    s[n++] = 0;
    sl_wb16(s + n, (uint16_t)(0xe000 | m->es[m->pcr_track].pid));
    n += 2;
    sl_wb16(s + n, 0xf000); /* program_info_length 0 */
    n += 2;
    for (i = 0; i < m->ntracks; i++) {
        int dlen;

        s[n++] = m->es[i].stream_type;
        sl_wb16(s + n, (uint16_t)(0xe000 | m->es[i].pid));
        n += 2;
        dlen = es_descriptors(&t[i], s + n + 2);
        sl_wb16(s + n, (uint16_t)(0xf000 | dlen));
        n += 2 + (size_t)dlen;
    }
    /* section_length: what follows it, CRC included. */
    sl_wb16(s + 1, (uint16_t)(0xb000 | (n - 3 + 4)));
    sl_wb32(s + n, sl_ts_crc32(s, n));
    n += 4;
    psi_packet(m->pmt, SL_TS_MUX_PID_PMT, s, n);
}


int
sl_ts_mux_init(struct sl_ts_mux *m, const struct sl_ts_mux_track *t, int n)
{
    int audio = -1;
    int i;
    int rc;

    if (n < 1 || n > SL_TS_MUX_MAX_TRACKS || t == NULL) {
        return SL_EINVAL;
    }
    memset(m, 0, sizeof(*m));
    m->ntracks = n;
    m->pcr_track = -1;
    for (i = 0; i < n; i++) {
        rc = setup_es(&m->es[i], &t[i], i);
        if (rc < 0) {
            return rc;
        }
        if (m->es[i].video && m->pcr_track < 0) {
            m->pcr_track = i;
        }
        if (!m->es[i].video && t[i].codec != SL_CODEC_KLV && audio < 0) {
            audio = i;
        }
    }
    m->has_video = m->pcr_track >= 0;
    if (m->pcr_track < 0) {
        /* KLV is sparse: a PCR riding on it could stall for seconds. */
        m->pcr_track = audio >= 0 ? audio : 0;
    }
    build_pat(m);
    build_pmt(m, t);
    return 0;
}


/* A 5-byte PTS or DTS field (2.4.3.7) with its 4-bit prefix. */
static void
put_ts(uint8_t *p, unsigned prefix, int64_t ts)
{
    uint64_t v = (uint64_t)ts & SL_TS_PTS_MASK;

    p[0] = (uint8_t)((prefix << 4) | ((v >> 29) & 0x0e) | 1);
    p[1] = (uint8_t)(v >> 22);
    p[2] = (uint8_t)(((v >> 14) & 0xfe) | 1);
    p[3] = (uint8_t)(v >> 7);
    p[4] = (uint8_t)(((v << 1) & 0xfe) | 1);
}


static void
add_seg(struct pes *pes, const uint8_t *p, size_t len)
{
    if (len > 0) {
        pes->segs[pes->nsegs].p = p;
        pes->segs[pes->nsegs].len = len;
        pes->nsegs++;
        pes->len += len;
    }
}


static int
nal_type(bool h265, uint8_t b)
{
    return h265 ? (b >> 1) & 0x3f : b & 0x1f;
}


/*
 * AVCC to Annex-B as slices of the input: an AUD first (the caller's when
 * the AU starts with one), then, on a keyframe lacking a NALU of any of
 * the offered parameter-set types, all the offered sets in the caller's
 * order (inserting only the missing ones could put a PPS before the SPS it
 * names); then the AU's NALUs, each behind a 4-byte start code, except
 * AUDs in other places than the first.  Sets the AU carries itself come
 * later and so take precedence.
 */
static int
video_payload(const struct sl_ts_mux_es *es, const struct sl_ts_mux_frame *f,
              struct pes *pes)
{
    bool                h265 = es->codec == SL_CODEC_H265;
    int                 aud = h265 ? SL_H265_NAL_AUD : SL_H264_NAL_AUD;
    struct sl_avcc_iter it;
    const uint8_t      *nalu;
    size_t              nlen;
    uint64_t            have = 0; /* one bit per NAL type present */
    bool                lead_aud = false;
    bool                missing = false;
    int                 count = 0;
    int                 rc;
    int                 i;

    if (f->len == 0) {
        return SL_EBADDATA;
    }
    if (f->len > SL_NALU_MAX_AU_SIZE) {
        return SL_ELIMIT;
    }
    sl_avcc_iter_init(&it, f->data, f->len);
    while ((rc = sl_avcc_next(&it, &nalu, &nlen)) == 1) {
        int type = nal_type(h265, nalu[0]);

        if (++count > SL_NALU_MAX_PER_AU) {
            return SL_ELIMIT;
        }
        if (count == 1 && type == aud) {
            lead_aud = true;
        }
        have |= (uint64_t)1 << type;
    }
    if (rc < 0) {
        return rc;
    }

    sl_avcc_iter_init(&it, f->data, f->len);
    if (lead_aud) {
        sl_avcc_next(&it, &nalu, &nlen);
        add_seg(pes, start_code, sizeof(start_code));
        add_seg(pes, nalu, nlen);
    } else if (h265) {
        add_seg(pes, aud_h265, sizeof(aud_h265));
    } else {
        add_seg(pes, aud_h264, sizeof(aud_h264));
    }
    for (i = 0; f->key && i < f->nparams; i++) {
        if ((have & ((uint64_t)1 << nal_type(h265, f->params[i][0]))) == 0) {
            missing = true;
        }
    }
    for (i = 0; missing && i < f->nparams; i++) {
        add_seg(pes, start_code, sizeof(start_code));
        add_seg(pes, f->params[i], f->params_len[i]);
    }
    while (sl_avcc_next(&it, &nalu, &nlen) == 1) {
        /* An AUD must lead its AU (H.264 7.4.1.2.3, H.265 7.4.2.4.4):
         * another one would split the AU in two for a parser. */
        if (nal_type(h265, nalu[0]) != aud) {
            add_seg(pes, start_code, sizeof(start_code));
            add_seg(pes, nalu, nlen);
        }
    }
    return 0;
}


/* One audio (or KLV) AU, behind its codec's prefix if it has one. */
static int
audio_payload(const struct sl_ts_mux_es *es, const struct sl_ts_mux_frame *f,
              struct pes *pes)
{
    size_t n = 0;

    if (f->len > PES_LEN_MAX) {
        return SL_ELIMIT;
    }
    if (es->codec == SL_CODEC_AAC) {
        if (sl_adts_write_header(pes->pre, &es->aac, f->len) != 0) {
            return SL_ELIMIT; /* the config was checked: the length */
        }
        n = 7;
    } else if (es->codec == SL_CODEC_OPUS) {
        size_t left = f->len;

        pes->pre[n++] = 0x7f; /* control_header_prefix, 11 bits */
        pes->pre[n++] = 0xe0; /* no trim, no control extension */
        while (left >= 255) {
            pes->pre[n++] = 0xff;
            left -= 255;
        }
        pes->pre[n++] = (uint8_t)left;
    }
    add_seg(pes, pes->pre, n);
    add_seg(pes, f->data, f->len);
    return 0;
}


/* Fills pes->hdr once the payload length is known, and makes it slice 0. */
static int
pes_header(const struct sl_ts_mux_es *es, const struct sl_ts_mux_frame *f,
           struct pes *pes)
{
    bool     dts = f->dts != f->pts;
    size_t   hlen = PES_FIXED + (dts ? 10 : 5);
    size_t   plen = pes->len + hlen - 6; /* after PES_packet_length */
    uint8_t *h = pes->hdr;

    if (plen > PES_LEN_MAX) {
        if (!es->video) {
            return SL_ELIMIT;
        }
        plen = 0; /* unbounded: allowed for video only (2.4.3.7) */
    }
    h[0] = 0;
    h[1] = 0;
    h[2] = 1;
    h[3] = es->stream_id;
    sl_wb16(h + 4, (uint16_t)plen);
    h[6] = 0x84; /* '10', data_alignment_indicator: an AU starts here */
    h[7] = dts ? 0xc0 : 0x80;
    h[8] = (uint8_t)(hlen - PES_FIXED);
    put_ts(h + 9, dts ? 3 : 2, f->pts);
    if (dts) {
        put_ts(h + 14, 1, f->dts);
    }
    /* The header goes first: shift the payload slices by one. */
    memmove(pes->segs + 1, pes->segs, (size_t)pes->nsegs * sizeof(*pes->segs));
    pes->segs[0].p = h;
    pes->segs[0].len = hlen;
    pes->nsegs++;
    pes->len += hlen;
    return 0;
}


static bool
psi_due(const struct sl_ts_mux *m, const struct sl_ts_mux_es *es,
        const struct sl_ts_mux_frame *f)
{
    if (!m->psi_sent) {
        return true;
    }
    if (m->has_video) {
        return es->video && f->key;
    }
    /* Backwards DTS (a new timeline) counts as due, too. */
    return f->dts < m->psi_dts
           || (uint64_t)f->dts - (uint64_t)m->psi_dts >= SL_TS_MUX_PSI_INTERVAL;
}


/* Adaptation field bytes a PES's first packet needs for these flags. */
static size_t
af_size(uint8_t af_flags)
{
    if (af_flags == 0) {
        return 0;
    }
    return AF_FLAGS_LEN + ((af_flags & AF_PCR) ? AF_PCR_LEN : 0);
}


static size_t
count_packets(size_t pes_len, size_t af_first)
{
    size_t room = TS_PAYLOAD - af_first;

    if (pes_len <= room) {
        return 1;
    }
    return 1 + (pes_len - room + TS_PAYLOAD - 1) / TS_PAYLOAD;
}


static void
copy_segs(const struct pes *pes, struct cursor *c, uint8_t *dst, size_t n)
{
    while (n > 0) {
        const struct seg *s = &pes->segs[c->i];
        size_t            k = s->len - c->off;

        if (k > n) {
            k = n;
        }
        memcpy(dst, s->p + c->off, k);
        dst += k;
        n -= k;
        c->off += k;
        if (c->off == s->len) {
            c->i++;
            c->off = 0;
        }
    }
}


/*
 * Writes the PES as packets at dst: the first with payload_unit_start and,
 * when af_flags is not 0, an adaptation field with those flags (and the
 * PCR when AF_PCR is set); the last padded with adaptation-field stuffing.
 * Returns the continuity counter after the last packet.
 */
static uint8_t
packetize(const struct pes *pes, uint16_t pid, uint8_t cc, uint8_t af_flags,
          uint64_t pcr, uint8_t *dst)
{
    struct cursor c = {0, 0};
    size_t        left = pes->len;
    size_t        af_first = af_size(af_flags);
    bool          first = true;

    while (left > 0) {
        size_t   af = first ? af_first : 0;
        size_t   take = left < TS_PAYLOAD - af ? left : TS_PAYLOAD - af;
        size_t   aflen = TS_PAYLOAD - take; /* AF bytes with stuffing */
        uint8_t *q = dst + TS_HEADER;

        dst[0] = SL_TS_SYNC;
        dst[1] = (uint8_t)((first ? 0x40 : 0) | (pid >> 8));
        dst[2] = (uint8_t)pid;
        dst[3] = (uint8_t)((aflen > 0 ? 0x30 : 0x10) | cc);
        cc = (cc + 1) & 0x0f;
        if (aflen > 0) {
            size_t off = 1;

            q[0] = (uint8_t)(aflen - 1); /* adaptation_field_length */
            if (aflen > 1) {
                q[off++] = first ? af_flags : 0;
                if (first && (af_flags & AF_PCR)) {
                    /* base 33 bits, 6 reserved ones, extension 0. */
                    q[off++] = (uint8_t)(pcr >> 25);
                    q[off++] = (uint8_t)(pcr >> 17);
                    q[off++] = (uint8_t)(pcr >> 9);
                    q[off++] = (uint8_t)(pcr >> 1);
                    q[off++] = (uint8_t)(((pcr & 1) << 7) | 0x7e);
                    q[off++] = 0;
                }
                memset(q + off, 0xff, aflen - off);
            }
            q += aflen;
        }
        copy_segs(pes, &c, q, take);
        left -= take;
        dst += SL_TS_PACKET_SIZE;
        first = false;
    }
    return cc;
}


int
sl_ts_mux_write(struct sl_ts_mux *m, const struct sl_ts_mux_frame *f,
                struct sl_dbuf *out)
{
    const struct sl_ts_mux_es *es;
    struct pes                 pes;
    bool                       tables;
    bool                       pcr;
    uint8_t                    af_flags = 0;
    size_t                     npkt;
    uint8_t                   *dst;
    int                        rc;
    int                        i;

    if (f->track < 0 || f->track >= m->ntracks
        || (f->data == NULL && f->len > 0) || f->nparams < 0
        || f->nparams > SL_TS_MUX_MAX_PARAMS
        || (f->nparams > 0 && (f->params == NULL || f->params_len == NULL)))
    {
        return SL_EINVAL;
    }
    for (i = 0; i < f->nparams; i++) {
        if (f->params[i] == NULL || f->params_len[i] == 0) {
            return SL_EINVAL;
        }
    }
    es = &m->es[f->track];
    pes.nsegs = 0;
    pes.len = 0;
    rc = es->video ? video_payload(es, f, &pes) : audio_payload(es, f, &pes);
    if (rc < 0) {
        return rc;
    }
    rc = pes_header(es, f, &pes);
    if (rc < 0) {
        return rc;
    }

    tables = psi_due(m, es, f);
    pcr = f->track == m->pcr_track;
    if (f->key || !es->video) {
        af_flags |= AF_RAI; /* every audio AU is a random access point */
    }
    if (pcr) {
        af_flags |= AF_PCR;
    }
    npkt = count_packets(pes.len, af_size(af_flags));
    npkt += tables ? 2 : 0;
    dst = sl_dbuf_reserve(out, npkt * SL_TS_PACKET_SIZE);
    if (dst == NULL) {
        return SL_ELIMIT;
    }
    if (tables) {
        memcpy(dst, m->pat, SL_TS_PACKET_SIZE);
        dst[3] |= m->cc_pat;
        memcpy(dst + SL_TS_PACKET_SIZE, m->pmt, SL_TS_PACKET_SIZE);
        dst[SL_TS_PACKET_SIZE + 3] |= m->cc_pmt;
        dst += 2 * SL_TS_PACKET_SIZE;
        m->cc_pat = (m->cc_pat + 1) & 0x0f;
        m->cc_pmt = (m->cc_pmt + 1) & 0x0f;
        m->psi_sent = true;
        m->psi_dts = f->dts;
    }
    m->es[f->track].cc = packetize(
        &pes, es->pid, es->cc, af_flags,
        ((uint64_t)f->dts - SL_TS_MUX_PCR_DELAY) & SL_TS_PTS_MASK, dst);
    sl_dbuf_commit(out, npkt * SL_TS_PACKET_SIZE);
    return tables ? 1 : 0;
}


int
sl_ts_mux_write_tables(const struct sl_ts_mux *m, struct sl_dbuf *out)
{
    uint8_t *dst = sl_dbuf_reserve(out, 2 * SL_TS_PACKET_SIZE);

    if (dst == NULL) {
        return SL_ELIMIT;
    }
    memcpy(dst, m->pat, SL_TS_PACKET_SIZE);
    dst[3] |= (m->cc_pat - 1) & 0x0f;
    memcpy(dst + SL_TS_PACKET_SIZE, m->pmt, SL_TS_PACKET_SIZE);
    dst[SL_TS_PACKET_SIZE + 3] |= (m->cc_pmt - 1) & 0x0f;
    sl_dbuf_commit(out, 2 * SL_TS_PACKET_SIZE);
    return 0;
}
