/*
 * Sluice: MPEG-TS demuxer framing: the codec a PMT entry carries, audio
 * frame headers (ADTS, LOAS, MPEG audio, AC-3) and the LATM
 * StreamMuxConfig.  Pure functions over the caller's bytes.
 */
#include "format/mpegts_demux_priv.h"
#include "format/mpegts.h"
#include "base/bits.h"
#include "base/bytes.h"
#include "base/err.h"
#include "codec/aac.h"

#include <stdint.h>
#include <string.h>


static int      probe_adts(const uint8_t *p, size_t len, struct afr *f);
static int      probe_loas(const uint8_t *p, size_t len, struct afr *f);
static int      probe_mpa(const uint8_t *p, size_t len, struct afr *f);
static int      probe_ac3(const uint8_t *p, size_t len, struct afr *f);
static uint32_t latm_value(struct sl_bits *br);
static int      read_aot(struct sl_bits *br);
static void     skip_rate(struct sl_bits *br);
static int      asc_skip(struct sl_bits *br);
static int      asc_copy(const struct sl_bits *br, size_t start, size_t bits,
                         struct sl_aac_config *out);


/* Bit rates in kbit/s: [MPEG-1, MPEG-2/2.5][layer I, II, III][index]. */
static const uint16_t mpa_kbps[2][3][15] = {
    {
        {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
        {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
        {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
    },
    {
        {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
        {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
        {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
    },
};

static const uint32_t mpa_rates[3] = {44100, 48000, 32000};

/* AC-3 nominal bit rates (kbit/s) by frmsizecod / 2 (A/52 table 5.18). */
static const uint16_t ac3_kbps[19] = {32,  40,  48,  56,  64,  80,  96,
                                      112, 128, 160, 192, 224, 256, 320,
                                      384, 448, 512, 576, 640};

static const uint32_t ac3_rates[3] = {48000, 44100, 32000};

/* Full-bandwidth channels by acmod (A/52 table 5.8). */
static const uint8_t ac3_channels[8] = {2, 1, 2, 3, 3, 4, 4, 5};


/* The kind of a PMT entry, or -1 when it is not supported. */
int
sl_ts_classify(uint8_t stream_type, const uint8_t *p, size_t len,
               int *opus_channels)
{
    uint32_t reg = 0;
    bool     ac3 = false;

    while (len >= 2) {
        uint8_t tag = p[0];
        size_t  dl = p[1];

        if (dl > len - 2) {
            break;
        }
        if (tag == SL_TS_DESC_REGISTRATION && dl >= 4) {
            reg = sl_rb32(p + 2);
        } else if (tag == SL_TS_DESC_AC3_DVB) {
            ac3 = true;
        } else if (tag == SL_TS_DESC_EXTENSION && dl >= 2 && p[2] == 0x80) {
            /* Opus audio descriptor: channel_config_code. */
            uint8_t code = p[3];

            if (code <= 8) {
                *opus_channels = code == 0 ? 2 : code;
            } else if (code == 0x80 && dl >= 3) {
                *opus_channels = p[4];
            }
        }
        p += 2 + dl;
        len -= 2 + dl;
    }
    switch (stream_type) {
    case SL_TS_ST_H264:
        return K_H264;
    case SL_TS_ST_H265:
        return K_H265;
    case SL_TS_ST_AAC_ADTS:
        return K_ADTS;
    case SL_TS_ST_AAC_LATM:
        return K_LATM;
    case SL_TS_ST_MPEG1_AUDIO:
    case SL_TS_ST_MPEG2_AUDIO:
        return K_MPA;
    case SL_TS_ST_AC3:
        return K_AC3;
    case SL_TS_ST_METADATA:
        return K_KLV_SYNC;
    case SL_TS_ST_PRIVATE:
        if (reg == FOURCC('O', 'p', 'u', 's')) {
            return K_OPUS;
        }
        if (reg == FOURCC('K', 'L', 'V', 'A')) {
            return K_KLV;
        }
        if (ac3 || reg == FOURCC('A', 'C', '-', '3')) {
            return K_AC3;
        }
        return -1;
    default:
        return -1;
    }
}


enum sl_codec_id
sl_ts_codec_of(enum kind k)
{
    switch (k) {
    case K_H264:
        return SL_CODEC_H264;
    case K_H265:
        return SL_CODEC_H265;
    case K_ADTS:
    case K_LATM:
        return SL_CODEC_AAC;
    case K_MPA:
        return SL_CODEC_MP3;
    case K_AC3:
        return SL_CODEC_AC3;
    case K_OPUS:
        return SL_CODEC_OPUS;
    case K_KLV:
    case K_KLV_SYNC:
        return SL_CODEC_KLV;
    }
    return SL_CODEC_NONE;
}


/*
 * Finds the frame at p.  Returns 1 with f filled, 0 when p may start a
 * frame that needs more bytes, or SL_EBADDATA when no frame starts at p.
 */
int
sl_ts_probe(enum kind k, const uint8_t *p, size_t len, struct afr *f)
{
    memset(f, 0, sizeof(*f));
    switch (k) {
    case K_ADTS:
        return probe_adts(p, len, f);
    case K_LATM:
        return probe_loas(p, len, f);
    case K_MPA:
        return probe_mpa(p, len, f);
    case K_AC3:
        return probe_ac3(p, len, f);
    default:
        return SL_EBADDATA;
    }
}


static int
probe_adts(const uint8_t *p, size_t len, struct afr *f)
{
    struct sl_adts a;
    int            rc;

    if (p[0] != 0xff || (len >= 2 && (p[1] & 0xf6) != 0xf0)) {
        return SL_EBADDATA;
    }
    rc = sl_adts_parse(p, len, &a);
    if (rc == SL_EAGAIN) {
        return 0;
    }
    if (rc < 0) {
        return SL_EBADDATA;
    }
    if (a.frame_len > len) {
        return 0;
    }
    f->len = a.frame_len;
    f->skip = a.header_len;
    f->rate = a.cfg.sample_rate;
    f->samples = (uint32_t)(a.raw_blocks * a.cfg.frame_length);
    f->channels = a.cfg.channels;
    f->drop = a.raw_blocks > 1;
    f->has_aac = true;
    f->aac = a.cfg;
    return 1;
}


/* AudioSyncStream (14496-3 1.7.2): 0x2b7 in 11 bits, 13-bit length. */
static int
probe_loas(const uint8_t *p, size_t len, struct afr *f)
{
    if (p[0] != 0x56 || (len >= 2 && (p[1] & 0xe0) != 0xe0)) {
        return SL_EBADDATA;
    }
    if (len < 3) {
        return 0;
    }
    f->len = 3 + (((size_t)(p[1] & 0x1f) << 8) | p[2]);
    return f->len <= len ? 1 : 0;
}


/* MPEG-1/2/2.5 audio frame header (11172-3 2.4.2.3, 13818-3). */
static int
probe_mpa(const uint8_t *p, size_t len, struct afr *f)
{
    uint32_t h;
    unsigned ver;
    unsigned layer;
    unsigned bri;
    unsigned sri;
    unsigned kbps;
    bool     lsf;

    if (p[0] != 0xff || (len >= 2 && (p[1] & 0xe0) != 0xe0)) {
        return SL_EBADDATA;
    }
    if (len < 4) {
        return 0;
    }
    h = sl_rb32(p);
    ver = (h >> 19) & 3;   /* 0: 2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1 */
    layer = (h >> 17) & 3; /* 3: I, 2: II, 1: III */
    bri = (h >> 12) & 15;
    sri = (h >> 10) & 3;
    if (ver == 1 || layer == 0 || bri == 0 || bri == 15 || sri == 3) {
        return SL_EBADDATA; /* reserved values, free format */
    }
    lsf = ver != 3;
    kbps = mpa_kbps[lsf][3 - layer][bri];
    f->rate = mpa_rates[sri] >> (ver == 3 ? 0 : ver == 2 ? 1 : 2);
    f->channels = ((h >> 6) & 3) == 3 ? 1 : 2;
    if (layer == 3) {
        f->len = (12000 * kbps / f->rate + ((h >> 9) & 1)) * 4;
        f->samples = 384;
    } else if (layer == 2 || !lsf) {
        f->len = 144000 * kbps / f->rate + ((h >> 9) & 1);
        f->samples = 1152;
    } else {
        f->len = 72000 * kbps / f->rate + ((h >> 9) & 1);
        f->samples = 576;
    }
    if (f->len < 4) {
        return SL_EBADDATA;
    }
    return f->len <= len ? 1 : 0;
}


/* AC-3 syncinfo and the start of bsi (A/52 5.3). */
static int
probe_ac3(const uint8_t *p, size_t len, struct afr *f)
{
    struct sl_bits br;
    unsigned       fscod;
    unsigned       code;
    unsigned       kbps;
    unsigned       acmod;
    size_t         words;

    if (p[0] != 0x0b || (len >= 2 && p[1] != 0x77)) {
        return SL_EBADDATA;
    }
    if (len < 8) {
        return 0;
    }
    fscod = p[4] >> 6;
    code = p[4] & 0x3f;
    if (fscod == 3 || code > 37 || (p[5] >> 3) > 10) {
        return SL_EBADDATA; /* reserved, or E-AC-3 (bsid 16) */
    }
    kbps = ac3_kbps[code >> 1];
    if (fscod == 0) {
        words = 2 * kbps;
    } else if (fscod == 2) {
        words = 3 * kbps;
    } else {
        /* 44.1 kHz: 1536 samples at kbps, in 16-bit words, rounded down;
         * odd codes add one word. */
        words = kbps * 320 / 147 + (code & 1);
    }
    sl_bits_init(&br, p + 6, 2);
    acmod = sl_bits_read(&br, 3);
    if ((acmod & 1) && acmod != 1) {
        sl_bits_skip(&br, 2); /* cmixlev */
    }
    if (acmod & 4) {
        sl_bits_skip(&br, 2); /* surmixlev */
    }
    if (acmod == 2) {
        sl_bits_skip(&br, 2); /* dsurmod */
    }
    f->channels = ac3_channels[acmod] + (int)sl_bits_read1(&br);
    f->len = words * 2;
    f->rate = ac3_rates[fscod];
    f->samples = 1536;
    return f->len <= len ? 1 : 0;
}


/* StreamMuxConfig (1.7.3.1), one program with one layer. */
int
sl_ts_latm_mux_config(struct sl_bits *br, struct latm *out)
{
    struct latm c = {0};
    bool        version = sl_bits_read1(br);
    size_t      start;
    int         rc;

    if (version) {
        if (sl_bits_read1(br)) {
            return SL_EUNSUP; /* audioMuxVersionA */
        }
        latm_value(br); /* taraBufferFullness */
    }
    if (!sl_bits_read1(br)) {
        return SL_EUNSUP; /* allStreamsSameTimeFraming = 0 */
    }
    c.sub_frames = (int)sl_bits_read(br, 6) + 1;
    if (sl_bits_read(br, 4) != 0 || sl_bits_read(br, 3) != 0) {
        return SL_EUNSUP; /* numProgram, numLayer */
    }
    if (version) {
        size_t asc_len = latm_value(br);

        start = br->pos;
        if (br->error || asc_len > sl_bits_left(br)) {
            return SL_EBADDATA;
        }
        rc = asc_copy(br, start, asc_len, &c.aac);
        sl_bits_skip(br, asc_len);
    } else {
        /* No length: the ASC ends where its syntax ends. */
        start = br->pos;
        rc = asc_skip(br);
        if (rc == 0) {
            rc = asc_copy(br, start, br->pos - start, &c.aac);
        }
    }
    if (rc < 0) {
        return rc;
    }
    if (sl_bits_read(br, 3) != 0) {
        return SL_EUNSUP; /* frameLengthType */
    }
    sl_bits_skip(br, 8); /* latmBufferFullness */
    if (sl_bits_read1(br)) {
        /* otherDataPresent: the AU lengths do not depend on it, and the
         * other data follows the payloads, so its length is not needed. */
        if (version) {
            latm_value(br);
        } else {
            int rounds = 0;

            while (sl_bits_read1(br) && ++rounds < 4) {
                sl_bits_skip(br, 8);
            }
            sl_bits_skip(br, 8);
        }
    }
    if (sl_bits_read1(br)) {
        sl_bits_skip(br, 8); /* crcCheckSum */
    }
    if (br->error || c.aac.sample_rate == 0 || c.aac.frame_length == 0) {
        return SL_EBADDATA;
    }
    c.known = true;
    *out = c;
    return 0;
}


/* LatmGetValue(). */
static uint32_t
latm_value(struct sl_bits *br)
{
    uint32_t bytes = sl_bits_read(br, 2);
    uint32_t v = 0;

    for (uint32_t i = 0; i <= bytes; i++) {
        v = (v << 8) | sl_bits_read(br, 8);
    }
    return v;
}


static int
read_aot(struct sl_bits *br)
{
    int aot = (int)sl_bits_read(br, 5);

    return aot == 31 ? 32 + (int)sl_bits_read(br, 6) : aot;
}


static void
skip_rate(struct sl_bits *br)
{
    if (sl_bits_read(br, 4) == 15) {
        sl_bits_skip(br, 24);
    }
}


/*
 * Walks an AudioSpecificConfig (1.6.2.1) to find where it ends, for the
 * general audio object types; the fields themselves are read afterwards
 * by sl_aac_asc_parse from a byte-aligned copy.
 */
static int
asc_skip(struct sl_bits *br)
{
    int  aot = read_aot(br);
    int  cc;
    bool ext;

    skip_rate(br);
    cc = (int)sl_bits_read(br, 4);
    if (aot == SL_AAC_OT_SBR || aot == SL_AAC_OT_PS) {
        skip_rate(br);
        aot = read_aot(br);
        if (aot == 22) {
            sl_bits_skip(br, 4);
        }
    }
    switch (aot) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 6:
    case 7:
    case 17:
    case 19:
    case 20:
    case 21:
    case 22:
    case 23:
        break;
    default:
        return br->error ? SL_EBADDATA : SL_EUNSUP;
    }
    if (cc == 0) {
        return SL_EUNSUP; /* program_config_element */
    }
    /* GASpecificConfig(). */
    sl_bits_skip(br, 1); /* frameLengthFlag */
    if (sl_bits_read1(br)) {
        sl_bits_skip(br, 14); /* coreCoderDelay */
    }
    ext = sl_bits_read1(br);
    if (aot == 6 || aot == 20) {
        sl_bits_skip(br, 3); /* layerNr */
    }
    if (ext) {
        if (aot == 22) {
            sl_bits_skip(br, 5 + 11);
        }
        if (aot == 17 || aot == 19 || aot == 20 || aot == 23) {
            sl_bits_skip(br, 3);
        }
        sl_bits_skip(br, 1); /* extensionFlag3 */
    }
    if (aot >= 17) {
        uint32_t ep = sl_bits_read(br, 2); /* epConfig */

        if (ep == 2 || ep == 3) {
            return SL_EUNSUP;
        }
    }
    return br->error ? SL_EBADDATA : 0;
}


/* Parses the ASC that occupies bits [start, start + bits) of br. */
static int
asc_copy(const struct sl_bits *br, size_t start, size_t bits,
         struct sl_aac_config *out)
{
    uint8_t        buf[SL_AAC_ASC_MAX];
    struct sl_bits r = *br;
    struct sl_bitw w;

    if (bits == 0 || bits > sizeof(buf) * 8) {
        return SL_EBADDATA;
    }
    r.pos = start;
    memset(buf, 0, sizeof(buf));
    sl_bitw_init(&w, buf, sizeof(buf));
    while (bits > 0) {
        unsigned k = bits > 8 ? 8 : (unsigned)bits;

        sl_bitw_write(&w, k, sl_bits_read(&r, k));
        bits -= k;
    }
    if (r.error) {
        return SL_EBADDATA;
    }
    return sl_aac_asc_parse(buf, sl_bitw_bytes(&w), out);
}


/* Reads n bytes at br's bit position into dst (the caller checked n). */
void
sl_ts_bits_bytes(struct sl_bits *br, uint8_t *dst, size_t n)
{
    if (br->pos % 8 == 0) {
        memcpy(dst, br->p + br->pos / 8, n);
        sl_bits_skip(br, n * 8);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        dst[k] = (uint8_t)sl_bits_read(br, 8);
    }
}
