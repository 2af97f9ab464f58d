/* Sluice: FLV tag bodies (classic and Enhanced RTMP), onMetaData, headers. */
#include "format/flv.h"
#include "base/bytes.h"
#include "base/err.h"
#include "base/str.h"

#include <stddef.h>
#include <string.h>


/* E-RTMP packet type values on the wire. */
#define EX_SEQUENCE_START 0
#define EX_CODED_FRAMES   1
#define EX_SEQUENCE_END   2
#define EX_CODED_FRAMES_X 3
#define EX_METADATA       4
#define EX_MPEG2TS_START  5
#define EX_MULTITRACK     6
#define EX_MODEX          7
/* Audio. */
#define EXA_MULTICHANNEL 4
#define EXA_MULTITRACK   5

/* Classic AVC / AAC packet types. */
#define AVC_SEQUENCE_HEADER 0
#define AVC_NALU            1
#define AVC_END_OF_SEQUENCE 2

#define META_MAX_DEPTH 16


struct rd {
    const uint8_t *p;
    const uint8_t *end;
};


static int  skip_modex(const uint8_t **p, const uint8_t *end, int *type);
static int  codec_of_video_fourcc(uint32_t fourcc);
static int  codec_of_audio_fourcc(uint32_t fourcc);
static int  read_key(struct rd *r, struct sl_str *key);
static int  skip_value(struct rd *r, unsigned depth);
static int  read_number(struct rd *r, double *out);
static void meta_set(struct sl_flv_meta *m, struct sl_str key,
                     const uint8_t *vp, const uint8_t *vend);
static void put_key(uint8_t **w, const char *k);
static void put_number(uint8_t **w, double v);
static void put_string(uint8_t **w, const char *s);


/*
 * E-RTMP v2 ModEx: [size-1 (u8, or 0xFF then u16 size-1)][data][type:4
 * | next packet type:4], repeated while the packet type is ModEx.  The
 * only modifier defined so far (a nanosecond timestamp offset) does not
 * matter at millisecond precision, so the data is skipped.
 */
static int
skip_modex(const uint8_t **pp, const uint8_t *end, int *type)
{
    const uint8_t *p = *pp;

    while (*type == EX_MODEX) {
        size_t n;

        if (p >= end) {
            return SL_EBADDATA;
        }
        n = (size_t)*p++ + 1;
        if (n == 256) {
            if (end - p < 2) {
                return SL_EBADDATA;
            }
            n = (size_t)sl_rb16(p) + 1;
            p += 2;
        }
        if ((size_t)(end - p) < n + 1) {
            return SL_EBADDATA;
        }
        p += n;
        *type = *p++ & 0x0f;
    }
    *pp = p;
    return 0;
}


static int
codec_of_video_fourcc(uint32_t fourcc)
{
    switch (fourcc) {
    case SL_FLV_FOURCC_AVC1:
        return SL_CODEC_H264;
    case SL_FLV_FOURCC_HVC1:
        return SL_CODEC_H265;
    case SL_FLV_FOURCC_AV01:
        return SL_CODEC_AV1;
    case SL_FLV_FOURCC_VP09:
        return SL_CODEC_VP9;
    case SL_FLV_FOURCC_VP08:
        return SL_CODEC_VP8;
    default:
        return SL_CODEC_NONE;
    }
}


static int
codec_of_audio_fourcc(uint32_t fourcc)
{
    switch (fourcc) {
    case SL_FLV_FOURCC_OPUS:
        return SL_CODEC_OPUS;
    case SL_FLV_FOURCC_MP4A:
        return SL_CODEC_AAC;
    case SL_FLV_FOURCC_MP3:
        return SL_CODEC_MP3;
    case SL_FLV_FOURCC_AC3:
        return SL_CODEC_AC3;
    default:
        return SL_CODEC_NONE; /* fLaC, ec-3: no codec id yet */
    }
}


int
sl_flv_video_parse(const uint8_t *p, size_t len, struct sl_flv_video *out)
{
    const uint8_t      *end;
    struct sl_flv_video v;
    int                 type;
    int                 rc;

    if (len < 1) {
        return SL_EBADDATA;
    }
    end = p + len;
    memset(&v, 0, sizeof(v));
    if ((p[0] & 0x80) == 0) {
        int codec_id = p[0] & 0x0f;

        v.frame_type = (p[0] >> 4) & 0x07;
        v.key = v.frame_type == SL_FLV_FRAME_KEY
                || v.frame_type == SL_FLV_FRAME_GENERATED;
        if (codec_id != SL_FLV_VIDEO_AVC && codec_id != SL_FLV_VIDEO_HEVC) {
            return SL_EUNSUP;
        }
        v.codec = codec_id == SL_FLV_VIDEO_AVC ? SL_CODEC_H264 : SL_CODEC_H265;
        p++;
        if (v.frame_type == SL_FLV_FRAME_COMMAND) {
            v.packet_type = SL_FLV_PKT_COMMAND;
            v.data = p;
            v.len = (size_t)(end - p);
            *out = v;
            return 0;
        }
        if (end - p < 4) {
            return SL_EBADDATA;
        }
        switch (p[0]) {
        case AVC_SEQUENCE_HEADER:
            v.packet_type = SL_FLV_PKT_SEQUENCE_START;
            break;
        case AVC_NALU:
            v.packet_type = SL_FLV_PKT_CODED_FRAMES;
            /* Signed 24 bits. */
            v.cts = (int32_t)(sl_rb24(p + 1) << 8) >> 8;
            break;
        case AVC_END_OF_SEQUENCE:
            v.packet_type = SL_FLV_PKT_SEQUENCE_END;
            break;
        default:
            return SL_EBADDATA;
        }
        p += 4;
        v.data = p;
        v.len = (size_t)(end - p);
        *out = v;
        return 0;
    }
    /* E-RTMP ExVideoTagHeader. */
    v.frame_type = (p[0] >> 4) & 0x07;
    v.key = v.frame_type == SL_FLV_FRAME_KEY
            || v.frame_type == SL_FLV_FRAME_GENERATED;
    type = p[0] & 0x0f;
    p++;
    rc = skip_modex(&p, end, &type);
    if (rc < 0) {
        return rc;
    }
    if (type != EX_METADATA && v.frame_type == SL_FLV_FRAME_COMMAND) {
        v.packet_type = SL_FLV_PKT_COMMAND;
        v.data = p;
        v.len = (size_t)(end - p);
        *out = v;
        return 0;
    }
    if (type == EX_MULTITRACK) {
        return SL_EUNSUP;
    }
    if (end - p < 4) {
        return SL_EBADDATA;
    }
    v.fourcc = sl_rb32(p);
    v.codec = codec_of_video_fourcc(v.fourcc);
    p += 4;
    switch (type) {
    case EX_SEQUENCE_START:
        v.packet_type = SL_FLV_PKT_SEQUENCE_START;
        break;
    case EX_CODED_FRAMES:
        v.packet_type = SL_FLV_PKT_CODED_FRAMES;
        if (v.fourcc == SL_FLV_FOURCC_AVC1 || v.fourcc == SL_FLV_FOURCC_HVC1) {
            if (end - p < 3) {
                return SL_EBADDATA;
            }
            v.cts = (int32_t)(sl_rb24(p) << 8) >> 8;
            p += 3;
        }
        break;
    case EX_CODED_FRAMES_X:
        v.packet_type = SL_FLV_PKT_CODED_FRAMES;
        break;
    case EX_SEQUENCE_END:
        v.packet_type = SL_FLV_PKT_SEQUENCE_END;
        break;
    case EX_METADATA:
        v.packet_type = SL_FLV_PKT_METADATA;
        break;
    case EX_MPEG2TS_START:
        v.packet_type = SL_FLV_PKT_MPEG2TS_START;
        break;
    default:
        return SL_EBADDATA;
    }
    v.data = p;
    v.len = (size_t)(end - p);
    *out = v;
    return 0;
}


int
sl_flv_audio_parse(const uint8_t *p, size_t len, struct sl_flv_audio *out)
{
    static const uint32_t rates[4] = {5512, 11025, 22050, 44100};
    const uint8_t        *end;
    struct sl_flv_audio   a;
    int                   format, type, rc;

    if (len < 1) {
        return SL_EBADDATA;
    }
    end = p + len;
    memset(&a, 0, sizeof(a));
    format = p[0] >> 4;
    if (format != SL_FLV_AUDIO_EX) {
        a.rate = rates[(p[0] >> 2) & 3];
        a.channels = (p[0] & 1) ? 2 : 1;
        a.packet_type = SL_FLV_PKT_CODED_FRAMES;
        switch (format) {
        case SL_FLV_AUDIO_AAC:
            if (len < 2) {
                return SL_EBADDATA;
            }
            a.codec = SL_CODEC_AAC;
            if (p[1] > 1) {
                return SL_EBADDATA;
            }
            a.packet_type =
                p[1] == 0 ? SL_FLV_PKT_SEQUENCE_START : SL_FLV_PKT_CODED_FRAMES;
            p += 2;
            break;
        case SL_FLV_AUDIO_MP3:
        case SL_FLV_AUDIO_MP3_8K:
            a.codec = SL_CODEC_MP3;
            if (format == SL_FLV_AUDIO_MP3_8K) {
                a.rate = 8000;
            }
            p++;
            break;
        case SL_FLV_AUDIO_ALAW:
        case SL_FLV_AUDIO_ULAW:
            a.codec = SL_CODEC_G711;
            a.mulaw = format == SL_FLV_AUDIO_ULAW;
            a.rate = 8000; /* the rate bits do not apply to G.711 */
            p++;
            break;
        default:
            return SL_EUNSUP;
        }
        a.data = p;
        a.len = (size_t)(end - p);
        *out = a;
        return 0;
    }
    type = p[0] & 0x0f;
    p++;
    rc = skip_modex(&p, end, &type);
    if (rc < 0) {
        return rc;
    }
    if (type == EXA_MULTITRACK) {
        return SL_EUNSUP;
    }
    if (end - p < 4) {
        return SL_EBADDATA;
    }
    a.fourcc = sl_rb32(p);
    a.codec = codec_of_audio_fourcc(a.fourcc);
    p += 4;
    switch (type) {
    case EX_SEQUENCE_START:
        a.packet_type = SL_FLV_PKT_SEQUENCE_START;
        break;
    case EX_CODED_FRAMES:
        a.packet_type = SL_FLV_PKT_CODED_FRAMES;
        break;
    case EX_SEQUENCE_END:
        a.packet_type = SL_FLV_PKT_SEQUENCE_END;
        break;
    case EXA_MULTICHANNEL:
        a.packet_type = SL_FLV_PKT_MULTICHANNEL;
        break;
    default:
        return SL_EBADDATA;
    }
    a.data = p;
    a.len = (size_t)(end - p);
    *out = a;
    return 0;
}


int
sl_flv_video_header(uint8_t dst[SL_FLV_VIDEO_HEADER_MAX], int codec,
                    int packet_type, bool key, int32_t cts)
{
    uint32_t fourcc;
    uint8_t  ft = key ? SL_FLV_FRAME_KEY : SL_FLV_FRAME_INTER;
    int      ex;

    if (packet_type != SL_FLV_PKT_SEQUENCE_START
        && packet_type != SL_FLV_PKT_CODED_FRAMES
        && packet_type != SL_FLV_PKT_SEQUENCE_END)
    {
        return SL_EINVAL;
    }
    if (packet_type != SL_FLV_PKT_CODED_FRAMES) {
        ft = SL_FLV_FRAME_KEY;
        cts = 0;
    }
    if (codec == SL_CODEC_H264) {
        dst[0] = (uint8_t)(ft << 4 | SL_FLV_VIDEO_AVC);
        dst[1] = packet_type == SL_FLV_PKT_SEQUENCE_START ? AVC_SEQUENCE_HEADER
                 : packet_type == SL_FLV_PKT_CODED_FRAMES ? AVC_NALU
                                                          : AVC_END_OF_SEQUENCE;
        sl_wb24(dst + 2, (uint32_t)cts & 0xFFFFFF);
        return 5;
    }
    switch (codec) {
    case SL_CODEC_H265:
        fourcc = SL_FLV_FOURCC_HVC1;
        break;
    case SL_CODEC_AV1:
        fourcc = SL_FLV_FOURCC_AV01;
        break;
    case SL_CODEC_VP9:
        fourcc = SL_FLV_FOURCC_VP09;
        break;
    default:
        return SL_EUNSUP;
    }
    ex = packet_type == SL_FLV_PKT_SEQUENCE_START ? EX_SEQUENCE_START
         : packet_type == SL_FLV_PKT_SEQUENCE_END ? EX_SEQUENCE_END
                                                  : EX_CODED_FRAMES;
    /* H.265 frames carry a cts; without one, CodedFramesX saves 3 bytes. */
    if (ex == EX_CODED_FRAMES && codec == SL_CODEC_H265 && cts == 0) {
        ex = EX_CODED_FRAMES_X;
    }
    dst[0] = (uint8_t)(0x80 | ft << 4 | ex);
    sl_wb32(dst + 1, fourcc);
    if (ex == EX_CODED_FRAMES && codec == SL_CODEC_H265) {
        sl_wb24(dst + 5, (uint32_t)cts & 0xFFFFFF);
        return 8;
    }
    return 5;
}


int
sl_flv_audio_header(uint8_t dst[SL_FLV_AUDIO_HEADER_MAX], int codec, bool mulaw,
                    int packet_type, uint32_t rate, int channels)
{
    uint8_t stereo = channels >= 2 ? 1 : 0;
    uint8_t rbits = rate >= 44100   ? 3
                    : rate >= 22050 ? 2
                    : rate >= 11025 ? 1
                                    : 0;

    switch (codec) {
    case SL_CODEC_AAC:
        /* Always "44 kHz, 16 bit, stereo": the ASC has the real values. */
        dst[0] = (uint8_t)(SL_FLV_AUDIO_AAC << 4 | 0x0f);
        if (packet_type == SL_FLV_PKT_SEQUENCE_START) {
            dst[1] = 0;
        } else if (packet_type == SL_FLV_PKT_CODED_FRAMES) {
            dst[1] = 1;
        } else {
            return SL_EINVAL;
        }
        return 2;
    case SL_CODEC_MP3:
        if (packet_type != SL_FLV_PKT_CODED_FRAMES) {
            return SL_EINVAL;
        }
        dst[0] =
            (uint8_t)((rate == 8000 ? SL_FLV_AUDIO_MP3_8K : SL_FLV_AUDIO_MP3)
                          << 4
                      | rbits << 2 | 0x02 | stereo);
        return 1;
    case SL_CODEC_G711:
        if (packet_type != SL_FLV_PKT_CODED_FRAMES) {
            return SL_EINVAL;
        }
        dst[0] = (uint8_t)((mulaw ? SL_FLV_AUDIO_ULAW : SL_FLV_AUDIO_ALAW) << 4
                           | 0x02 | stereo);
        return 1;
    case SL_CODEC_OPUS:
        if (packet_type == SL_FLV_PKT_SEQUENCE_START) {
            dst[0] = SL_FLV_AUDIO_EX << 4 | EX_SEQUENCE_START;
        } else if (packet_type == SL_FLV_PKT_CODED_FRAMES) {
            dst[0] = SL_FLV_AUDIO_EX << 4 | EX_CODED_FRAMES;
        } else if (packet_type == SL_FLV_PKT_SEQUENCE_END) {
            dst[0] = SL_FLV_AUDIO_EX << 4 | EX_SEQUENCE_END;
        } else {
            return SL_EINVAL;
        }
        sl_wb32(dst + 1, SL_FLV_FOURCC_OPUS);
        return 5;
    default:
        return SL_EUNSUP;
    }
}


int
sl_flv_write_video(struct sl_dbuf *out, int codec, int packet_type, bool key,
                   int32_t cts, const uint8_t *p, size_t len)
{
    uint8_t  h[SL_FLV_VIDEO_HEADER_MAX];
    uint8_t *w;
    int      n = sl_flv_video_header(h, codec, packet_type, key, cts);

    if (n < 0) {
        return n;
    }
    w = sl_dbuf_reserve(out, (size_t)n + len);
    if (w == NULL) {
        return SL_ELIMIT;
    }
    memcpy(w, h, (size_t)n);
    if (len > 0) {
        memcpy(w + n, p, len);
    }
    sl_dbuf_commit(out, (size_t)n + len);
    return 0;
}


int
sl_flv_write_audio(struct sl_dbuf *out, int codec, bool mulaw, int packet_type,
                   uint32_t rate, int channels, const uint8_t *p, size_t len)
{
    uint8_t  h[SL_FLV_AUDIO_HEADER_MAX];
    uint8_t *w;
    int n = sl_flv_audio_header(h, codec, mulaw, packet_type, rate, channels);

    if (n < 0) {
        return n;
    }
    w = sl_dbuf_reserve(out, (size_t)n + len);
    if (w == NULL) {
        return SL_ELIMIT;
    }
    memcpy(w, h, (size_t)n);
    if (len > 0) {
        memcpy(w + n, p, len);
    }
    sl_dbuf_commit(out, (size_t)n + len);
    return 0;
}


double
sl_flv_meta_codec_id(int codec)
{
    switch (codec) {
    case SL_CODEC_H264:
        return SL_FLV_VIDEO_AVC;
    case SL_CODEC_H265:
        return SL_FLV_FOURCC_HVC1;
    case SL_CODEC_AV1:
        return SL_FLV_FOURCC_AV01;
    case SL_CODEC_VP9:
        return SL_FLV_FOURCC_VP09;
    case SL_CODEC_AAC:
        return SL_FLV_AUDIO_AAC;
    case SL_CODEC_MP3:
        return SL_FLV_AUDIO_MP3;
    case SL_CODEC_G711:
        return SL_FLV_AUDIO_ALAW;
    case SL_CODEC_OPUS:
        return SL_FLV_FOURCC_OPUS;
    case SL_CODEC_AC3:
        return SL_FLV_FOURCC_AC3;
    default:
        return 0;
    }
}


static void
put_key(uint8_t **w, const char *k)
{
    size_t n = strlen(k);

    sl_wb16(*w, (uint16_t)n);
    memcpy(*w + 2, k, n);
    *w += 2 + n;
}


static void
put_number(uint8_t **w, double v)
{
    uint64_t u;

    memcpy(&u, &v, sizeof(u));
    (*w)[0] = 0x00;
    sl_wb64(*w + 1, u);
    *w += 9;
}


static void
put_string(uint8_t **w, const char *s)
{
    (*w)[0] = 0x02;
    *w += 1;
    put_key(w, s);
}


int
sl_flv_meta_write(struct sl_dbuf *out, const struct sl_flv_meta *m,
                  bool set_data_frame)
{
    struct {
        const char *key;
        double      v;
        bool        on;
    } nums[] = {
        {"width", m->width, m->has_video && m->width > 0},
        {"height", m->height, m->has_video && m->height > 0},
        {"framerate", m->framerate, m->has_video && m->framerate > 0},
        {"videocodecid", m->videocodecid, m->has_video},
        {"videodatarate", m->videodatarate,
         m->has_video && m->videodatarate > 0},
        {"audiocodecid", m->audiocodecid, m->has_audio},
        {"audiosamplerate", m->audiosamplerate,
         m->has_audio && m->audiosamplerate > 0},
        {"audiodatarate", m->audiodatarate,
         m->has_audio && m->audiodatarate > 0},
        {"audiochannels", m->audiochannels,
         m->has_audio && m->audiochannels > 0},
    };
    uint8_t  buf[512];
    uint8_t *w = buf;
    uint32_t count = 1; /* encoder */
    size_t   i;

    if (set_data_frame) {
        put_string(&w, "@setDataFrame");
    }
    put_string(&w, "onMetaData");
    for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        count += nums[i].on ? 1 : 0;
    }
    count += m->has_audio ? 1 : 0;
    *w++ = 0x08; /* ECMA array */
    sl_wb32(w, count);
    w += 4;
    for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        if (nums[i].on) {
            put_key(&w, nums[i].key);
            put_number(&w, nums[i].v);
        }
    }
    if (m->has_audio) {
        put_key(&w, "stereo");
        *w++ = 0x01;
        *w++ = m->stereo ? 1 : 0;
    }
    put_key(&w, "encoder");
    put_string(&w, "Sluice");
    *w++ = 0;
    *w++ = 0;
    *w++ = 0x09;
    return sl_dbuf_add(out, buf, (size_t)(w - buf));
}


static int
read_key(struct rd *r, struct sl_str *key)
{
    size_t n;

    if (r->end - r->p < 2) {
        return SL_EBADDATA;
    }
    n = sl_rb16(r->p);
    r->p += 2;
    if ((size_t)(r->end - r->p) < n) {
        return SL_EBADDATA;
    }
    key->p = (const char *)r->p;
    key->len = n;
    r->p += n;
    return 0;
}


static int
read_number(struct rd *r, double *out)
{
    uint64_t u;

    if (r->end - r->p < 8) {
        return SL_EBADDATA;
    }
    u = sl_rb64(r->p);
    memcpy(out, &u, sizeof(*out));
    r->p += 8;
    return 0;
}


/* Skips one AMF0 value (the subset script tags use). */
static int
skip_value(struct rd *r, unsigned depth)
{
    struct sl_str key;
    uint32_t      n, i;
    uint8_t       marker;
    double        d;
    int           rc;

    if (depth > META_MAX_DEPTH) {
        return SL_ELIMIT;
    }
    if (r->p >= r->end) {
        return SL_EBADDATA;
    }
    marker = *r->p++;
    switch (marker) {
    case 0x00: /* number */
        return read_number(r, &d);
    case 0x01: /* boolean */
        if (r->p >= r->end) {
            return SL_EBADDATA;
        }
        r->p++;
        return 0;
    case 0x02: /* string */
        return read_key(r, &key);
    case 0x05: /* null */
    case 0x06: /* undefined */
        return 0;
    case 0x07: /* reference */
        if (r->end - r->p < 2) {
            return SL_EBADDATA;
        }
        r->p += 2;
        return 0;
    case 0x0B: /* date */
        if (r->end - r->p < 10) {
            return SL_EBADDATA;
        }
        r->p += 10;
        return 0;
    case 0x0C: /* long string */
    case 0x0F: /* XML document */
        if (r->end - r->p < 4) {
            return SL_EBADDATA;
        }
        n = sl_rb32(r->p);
        r->p += 4;
        if ((size_t)(r->end - r->p) < n) {
            return SL_EBADDATA;
        }
        r->p += n;
        return 0;
    case 0x08: /* ECMA array */
    case 0x03: /* object */
    case 0x10: /* typed object */
        if (marker == 0x08) {
            if (r->end - r->p < 4) {
                return SL_EBADDATA;
            }
            r->p += 4;
        } else if (marker == 0x10) {
            rc = read_key(r, &key);
            if (rc < 0) {
                return rc;
            }
        }
        for (;;) {
            if (r->p == r->end) {
                return 0;
            }
            rc = read_key(r, &key);
            if (rc < 0) {
                return rc;
            }
            if (key.len == 0 && r->p < r->end && *r->p == 0x09) {
                r->p++;
                return 0;
            }
            rc = skip_value(r, depth + 1);
            if (rc < 0) {
                return rc;
            }
        }
    case 0x0A: /* strict array */
        if (r->end - r->p < 4) {
            return SL_EBADDATA;
        }
        n = sl_rb32(r->p);
        r->p += 4;
        if (n > (size_t)(r->end - r->p)) {
            return SL_EBADDATA;
        }
        for (i = 0; i < n; i++) {
            rc = skip_value(r, depth + 1);
            if (rc < 0) {
                return rc;
            }
        }
        return 0;
    default:
        return SL_EBADDATA;
    }
}


/* Stores a known property whose encoded value is vp[0..vend). */
static void
meta_set(struct sl_flv_meta *m, struct sl_str key, const uint8_t *vp,
         const uint8_t *vend)
{
    static const struct {
        const char *name;
        size_t      off;
    } fields[] = {
        {"width", offsetof(struct sl_flv_meta, width)},
        {"height", offsetof(struct sl_flv_meta, height)},
        {"framerate", offsetof(struct sl_flv_meta, framerate)},
        {"videoframerate", offsetof(struct sl_flv_meta, framerate)},
        {"videocodecid", offsetof(struct sl_flv_meta, videocodecid)},
        {"videodatarate", offsetof(struct sl_flv_meta, videodatarate)},
        {"audiocodecid", offsetof(struct sl_flv_meta, audiocodecid)},
        {"audiosamplerate", offsetof(struct sl_flv_meta, audiosamplerate)},
        {"audiodatarate", offsetof(struct sl_flv_meta, audiodatarate)},
        {"audiochannels", offsetof(struct sl_flv_meta, audiochannels)},
    };
    struct rd r = {vp + 1, vend};
    double    d = 0;
    size_t    i;

    if (sl_str_eq_cstr(key, "stereo")) {
        if (vp[0] == 0x01 && vend - vp >= 2) {
            m->stereo = vp[1] != 0;
            m->has_audio = true;
        }
        return;
    }
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (!sl_str_eq_cstr(key, fields[i].name)) {
            continue;
        }
        if (vp[0] == 0x00) {
            if (read_number(&r, &d) < 0) {
                return;
            }
        } else if (vp[0] == 0x02 && vend - vp == 7) {
            /* Some encoders write the codec id as a FourCC string. */
            d = (double)sl_rb32(vp + 3);
        } else {
            return;
        }
        memcpy((uint8_t *)m + fields[i].off, &d, sizeof(d));
        if (fields[i].off == offsetof(struct sl_flv_meta, videocodecid)
            || fields[i].off == offsetof(struct sl_flv_meta, width))
        {
            m->has_video = true;
        }
        if (fields[i].off == offsetof(struct sl_flv_meta, audiocodecid)
            || fields[i].off == offsetof(struct sl_flv_meta, audiosamplerate))
        {
            m->has_audio = true;
        }
        return;
    }
}


int
sl_flv_meta_parse(const uint8_t *p, size_t len, struct sl_flv_meta *out)
{
    struct rd          r = {p, len > 0 ? p + len : p};
    struct sl_flv_meta m;
    struct sl_str      key;
    uint8_t            marker;
    int                rc;

    memset(&m, 0, sizeof(m));
    if (r.p < r.end && *r.p == 0x02) {
        const uint8_t *save = r.p;

        r.p++;
        rc = read_key(&r, &key);
        if (rc < 0) {
            return rc;
        }
        if (!sl_str_eq_cstr(key, "@setDataFrame")) {
            r.p = save;
        }
    }
    if (r.p >= r.end || *r.p != 0x02) {
        return SL_ENOTFOUND;
    }
    r.p++;
    rc = read_key(&r, &key);
    if (rc < 0) {
        return rc;
    }
    if (!sl_str_eq_cstr(key, "onMetaData")) {
        return SL_ENOTFOUND;
    }
    if (r.p >= r.end) {
        *out = m; /* no properties at all */
        return 0;
    }
    marker = *r.p++;
    if (marker == 0x08) {
        if (r.end - r.p < 4) {
            return SL_EBADDATA;
        }
        r.p += 4;
    } else if (marker != 0x03) {
        return SL_EBADDATA;
    }
    for (;;) {
        const uint8_t *vp;

        if (r.p == r.end) {
            break;
        }
        rc = read_key(&r, &key);
        if (rc < 0) {
            return rc;
        }
        if (key.len == 0 && r.p < r.end && *r.p == 0x09) {
            break;
        }
        vp = r.p;
        rc = skip_value(&r, 1);
        if (rc < 0) {
            return rc;
        }
        meta_set(&m, key, vp, r.p);
    }
    *out = m;
    return 0;
}


size_t
sl_flv_file_header(uint8_t dst[13], bool audio, bool video)
{
    dst[0] = 'F';
    dst[1] = 'L';
    dst[2] = 'V';
    dst[3] = 1;
    dst[4] = (uint8_t)((audio ? 0x04 : 0) | (video ? 0x01 : 0));
    sl_wb32(dst + 5, 9);
    sl_wb32(dst + 9, 0);
    return 13;
}


void
sl_flv_tag_header(uint8_t dst[11], uint8_t type, uint32_t size, uint32_t ts)
{
    dst[0] = type;
    sl_wb24(dst + 1, size);
    sl_wb24(dst + 4, ts & 0xFFFFFF);
    dst[7] = (uint8_t)(ts >> 24);
    sl_wb24(dst + 8, 0);
}


void
sl_flv_prev_tag_size(uint8_t dst[4], uint32_t size)
{
    sl_wb32(dst, size + 11);
}


int
sl_flv_tag_parse(const uint8_t *p, size_t len, struct sl_flv_tag *t)
{
    if (len < 11) {
        return SL_EAGAIN;
    }
    t->filter = (p[0] & 0x20) != 0;
    t->type = p[0] & 0x1f;
    t->size = sl_rb24(p + 1);
    t->ts = sl_rb24(p + 4) | ((uint32_t)p[7] << 24);
    t->stream_id = sl_rb24(p + 8);
    return 0;
}
