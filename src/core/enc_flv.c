/*
 * Sluice: the RTMP/FLV encoder.  Each frame becomes complete RTMP messages
 * (chunked with the 65536-byte chunk size every Sluice session announces,
 * message stream id 1), shared by every RTMP reader and later by HTTP-FLV.
 * A sequence header message precedes the first frame of a track and every
 * frame after its parameter sets changed.  Each part of the encoded form is
 * one message, starting with a type-0 chunk header (so a reader playing on
 * another message stream id can patch its copy).
 *
 * H.265, AV1, VP9 and Opus go out as Enhanced RTMP (FourCC headers); which
 * readers may receive them is the RTMP server's decision (fourCcList).
 * Their sequence starts come from the track's parameters: AV1's sequence
 * header OBU, VP9's VPCodecConfigurationRecord and the OpusHead are kept in
 * the sps slot.  A publisher that does not provide them (RTP carries
 * neither) gets them derived here, on the owner: from the sequence header
 * of each AV1 key temporal unit and from a VP9 keyframe's header, stored
 * with sl_stream_set_params so that joining readers find them too; an
 * OpusHead is built from the track (RTP carries no pre-skip: 3840, as
 * MediaMTX sends).
 */
#include "core/encode.h"
#include "core/stream.h"
#include "proto/rtmp/chunk.h"
#include "proto/rtmp/session.h"
#include "format/flv.h"
#include "codec/av1.h"
#include "codec/codec.h"
#include "codec/h264.h"
#include "codec/h265.h"
#include "codec/opus.h"
#include "codec/vp9.h"
#include "base/alloc.h"
#include "base/err.h"

#include <string.h>


#define FLV_MAX_OUT (SL_RTMP_MAX_MESSAGE + (1u << 16))
/* E-RTMP carries vpcC as the payload of its FullBox: version 1, flags 0. */
#define VPCC_FULLBOX_LEN 4


struct flv_track {
    uint32_t params_version;
    bool     config_sent;
};

struct flv_enc {
    struct flv_track t[SL_STREAM_MAX_TRACKS];
};


static int                  flv_init(struct sl_stream *s, void *priv);
static struct sl_frame_enc *flv_encode(struct sl_stream *s, void *priv,
                                       const struct sl_frame *f);
static int64_t              to_ms(int64_t v, uint32_t clock);
static int  write_config(struct sl_stream *s, const struct sl_track *t,
                         size_t track, uint32_t ts, struct sl_dbuf *out,
                         struct flv_track *ft);
static int  opus_channels(const struct sl_track *t);
static int  build_config(const struct sl_track        *t,
                         const struct sl_track_params *p, struct sl_dbuf *cfg);
static void derive_params(struct sl_stream *s, size_t track,
                          const struct sl_frame *f);
static bool vp9_config_differs(const uint8_t *a, size_t a_len, const uint8_t *b,
                               size_t b_len);


const struct sl_encoder_type sl_encoder_flv = {
    .name = "flv",
    .fmt = SL_FMT_FLV,
    .priv_size = sizeof(struct flv_enc),
    .init = flv_init,
    .encode = flv_encode,
};


static int
flv_init(struct sl_stream *s, void *priv)
{
    (void)s;
    (void)priv;
    return 0;
}


bool
sl_flv_codec_supported(int codec)
{
    switch (codec) {
    case SL_CODEC_AAC_LATM:
    case SL_CODEC_H264:
    case SL_CODEC_H265:
    case SL_CODEC_AV1:
    case SL_CODEC_VP9:
    case SL_CODEC_AAC:
    case SL_CODEC_MP3:
    case SL_CODEC_OPUS:
    case SL_CODEC_G711:
        return true;
    default:
        return false;
    }
}


static int64_t
to_ms(int64_t v, uint32_t clock)
{
    if (clock == 0) {
        return 0;
    }
    if (v < 0) {
        return -((-v * 1000 + clock / 2) / clock);
    }
    return (v * 1000 + clock / 2) / clock;
}


/*
 * Appends the sequence header message of track (its codec configuration
 * from the stream's current parameter sets) on message stream msid.
 * Returns 1 when written, 0 when there is nothing to announce, or an
 * error.  *version (may be NULL) gets the parameters' version.
 */
int
sl_flv_write_config(struct sl_stream *s, size_t track, uint32_t msid,
                    uint32_t ts, struct sl_dbuf *out, uint32_t *version)
{
    const struct sl_track *t = &s->desc.tracks[track];
    struct sl_track_params p;
    struct sl_dbuf         cfg;
    uint8_t                hdr[SL_FLV_VIDEO_HEADER_MAX];
    int                    hlen, rc = 0;
    int codec = t->codec == SL_CODEC_AAC_LATM ? SL_CODEC_AAC : t->codec;

    sl_stream_get_params(s, track, &p);
    if (version != NULL) {
        *version = p.version;
    }
    sl_dbuf_init(&cfg, 64 * 1024);
    rc = build_config(t, &p, &cfg);
    if (rc <= 0) {
        sl_dbuf_free(&cfg);
        return rc; /* 0: nothing to announce (yet) */
    }
    if (t->is_video) {
        hlen =
            sl_flv_video_header(hdr, codec, SL_FLV_PKT_SEQUENCE_START, true, 0);
    } else {
        hlen = sl_flv_audio_header(hdr, codec, false, SL_FLV_PKT_SEQUENCE_START,
                                   t->clock_rate, (int)t->channels);
    }
    if (hlen < 0) {
        sl_dbuf_free(&cfg);
        return hlen;
    }
    rc = sl_rtmp_write_message2(
        out, t->is_video ? SL_RTMP_CSID_VIDEO : SL_RTMP_CSID_AUDIO,
        t->is_video ? SL_RTMP_MSG_VIDEO : SL_RTMP_MSG_AUDIO, msid, ts, hdr,
        (size_t)hlen, sl_dbuf_data(&cfg), cfg.len, SL_RTMP_SERVER_CHUNK_SIZE);
    sl_dbuf_free(&cfg);
    return rc < 0 ? rc : 1;
}


/* Opus channels for a track without an OpusHead: RTP says stereo or mono
 * only in fmtp (sprop-stereo); when unsure, stereo decodes everything. */
static int
opus_channels(const struct sl_track *t)
{
    if (t->fmtp != NULL && strstr(t->fmtp, "sprop-stereo=0") != NULL) {
        return 1;
    }
    return t->channels >= 1 && t->channels <= 8 ? (int)t->channels : 2;
}


/*
 * Appends the configuration record a sequence start of track t carries,
 * from its parameters p.  Returns 1 when appended, 0 when p does not allow
 * one yet, or an error (cfg unchanged).
 */
static int
build_config(const struct sl_track *t, const struct sl_track_params *p,
             struct sl_dbuf *cfg)
{
    static const uint8_t vpcc_fullbox[VPCC_FULLBOX_LEN] = {1, 0, 0, 0};
    struct sl_opus_head  h;
    size_t               saved = cfg->len;
    int                  rc;

    switch (t->codec == SL_CODEC_AAC_LATM ? SL_CODEC_AAC : t->codec) {
    case SL_CODEC_H264:
        if (p->sps_len == 0 || p->pps_len == 0) {
            return 0;
        }
        rc = sl_h264_avcc_config_build(cfg, p->sps, p->sps_len, p->pps,
                                       p->pps_len);
        break;
    case SL_CODEC_H265:
        if (p->vps_len == 0 || p->sps_len == 0 || p->pps_len == 0) {
            return 0;
        }
        rc = sl_h265_hvcc_config_build(cfg, p->vps, p->vps_len, p->sps,
                                       p->sps_len, p->pps, p->pps_len);
        break;
    case SL_CODEC_AV1:
        /* The sequence header OBU. */
        if (p->sps_len == 0) {
            return 0;
        }
        rc = sl_av1_config_build(cfg, p->sps, p->sps_len);
        break;
    case SL_CODEC_VP9:
        /* The VPCodecConfigurationRecord, behind its FullBox header. */
        if (p->sps_len == 0) {
            return 0;
        }
        rc = sl_dbuf_add(cfg, vpcc_fullbox, sizeof(vpcc_fullbox));
        if (rc == 0) {
            rc = sl_dbuf_add(cfg, p->sps, p->sps_len);
        }
        break;
    case SL_CODEC_AAC:
        /* The AudioSpecificConfig. */
        if (p->sps_len == 0) {
            return 0;
        }
        rc = sl_dbuf_add(cfg, p->sps, p->sps_len);
        break;
    case SL_CODEC_OPUS:
        /* The publisher's OpusHead, or one for the track. */
        if (p->sps_len > 0) {
            rc = sl_dbuf_add(cfg, p->sps, p->sps_len);
            break;
        }
        rc = sl_opus_head_default(&h, opus_channels(t));
        if (rc == 0) {
            rc = sl_opus_head_build(cfg, &h);
        }
        break;
    default:
        return 0;
    }
    if (rc < 0) {
        cfg->len = saved;
        return rc;
    }
    return 1;
}


/*
 * True when two VPCodecConfigurationRecords describe different decoders
 * (profile, bit depth, chroma subsampling, range); the level and colour
 * description alone do not count.
 */
static bool
vp9_config_differs(const uint8_t *a, size_t a_len, const uint8_t *b,
                   size_t b_len)
{
    struct sl_vp9_config ca, cb;

    if (sl_vp9_config_parse(a, a_len, &ca) < 0
        || sl_vp9_config_parse(b, b_len, &cb) < 0)
    {
        return true;
    }
    /* 0 and 1 are both 4:2:0 (vertical or co-located chroma). */
    if (ca.chroma_subsampling < 2) {
        ca.chroma_subsampling = 1;
    }
    if (cb.chroma_subsampling < 2) {
        cb.chroma_subsampling = 1;
    }
    return ca.profile != cb.profile || ca.bit_depth != cb.bit_depth
           || ca.chroma_subsampling != cb.chroma_subsampling
           || ca.full_range != cb.full_range;
}


/*
 * Owner only.  Records the configuration an AV1 or VP9 keyframe f carries
 * as the track's parameters, for sources that do not provide it: the
 * sequence header OBU of an AV1 key unit (each time: it is authoritative),
 * a VP9 keyframe's vpcC when there is none yet or the decoder changed.
 */
static void
derive_params(struct sl_stream *s, size_t track, const struct sl_frame *f)
{
    const struct sl_track *t = &s->desc.tracks[track];
    struct sl_track_params p;
    struct sl_vp9_frame    h;
    struct sl_av1_obu      o;
    struct sl_dbuf         b;

    if (t->codec == SL_CODEC_AV1) {
        if (sl_av1_tu_seq_header(sl_frame_data(f), f->len, &o) == 0) {
            sl_stream_set_params(s, track, NULL, 0, o.data, o.len, NULL, 0);
        }
        return;
    }
    if (t->codec != SL_CODEC_VP9
        || sl_vp9_frame_parse(sl_frame_data(f), f->len, &h) < 0 || !h.key)
    {
        return;
    }
    sl_dbuf_init(&b, 64);
    if (sl_vp9_config_build(&b, &h) == 0) {
        sl_stream_get_params(s, track, &p);
        if (p.sps_len == 0
            || vp9_config_differs(p.sps, p.sps_len, sl_dbuf_data(&b), b.len))
        {
            sl_stream_set_params(s, track, NULL, 0, sl_dbuf_data(&b), b.len,
                                 NULL, 0);
        }
    }
    sl_dbuf_free(&b);
}


static int
write_config(struct sl_stream *s, const struct sl_track *t, size_t track,
             uint32_t ts, struct sl_dbuf *out, struct flv_track *ft)
{
    struct sl_track_params p;
    int                    rc;

    (void)t;
    sl_stream_get_params(s, track, &p);
    if (ft->config_sent && p.version == ft->params_version) {
        return 0;
    }
    rc = sl_flv_write_config(s, track, 1, ts, out, &ft->params_version);
    if (rc > 0) {
        ft->config_sent = true;
    }
    return rc;
}


static struct sl_frame_enc *
flv_encode(struct sl_stream *s, void *priv, const struct sl_frame *f)
{
    struct flv_enc        *e = priv;
    const struct sl_track *t;
    struct flv_track      *ft;
    struct sl_dbuf         out, tu;
    struct sl_frame_enc   *enc;
    uint8_t                hdr[SL_FLV_VIDEO_HEADER_MAX + 2];
    const uint8_t         *data = sl_frame_data(f);
    size_t                 len = f->len;
    int64_t                dts_ms, cts_ms;
    uint32_t               ts;
    size_t                 first_len = 0;
    int                    hlen, rc, nparts = 1, codec;
    bool                   key = (f->flags & SL_FRAME_KEY) != 0;

    if (f->track >= s->desc.ntracks) {
        return NULL;
    }
    t = &s->desc.tracks[f->track];
    ft = &e->t[f->track];
    codec = t->codec == SL_CODEC_AAC_LATM ? SL_CODEC_AAC : t->codec;
    if (!sl_flv_codec_supported(codec)) {
        return NULL;
    }
    if (key && (codec == SL_CODEC_AV1 || codec == SL_CODEC_VP9)) {
        derive_params(s, f->track, f);
    }
    dts_ms = to_ms(f->dts, t->clock_rate);
    cts_ms = to_ms(f->pts, t->clock_rate) - dts_ms;
    ts = dts_ms < 0 ? 0 : (uint32_t)dts_ms;
    sl_dbuf_init(&out, FLV_MAX_OUT);
    sl_dbuf_init(&tu, SL_AV1_MAX_TU_SIZE + 16);
    rc = write_config(s, t, f->track, ts, &out, ft);
    if (rc < 0) {
        goto fail;
    }
    if (rc > 0) {
        first_len = out.len;
        nparts = 2;
    }
    if (t->is_video) {
        if (!ft->config_sent) {
            /* Without a sequence start a player cannot decode yet. */
            goto fail;
        }
        hlen = sl_flv_video_header(hdr, codec, SL_FLV_PKT_CODED_FRAMES, key,
                                   (int32_t)cts_ms);
        if (hlen > 0 && codec == SL_CODEC_AV1) {
            /* Sized OBUs after one temporal delimiter, which goes with the
             * header so that the usual (normalised) unit is not copied. */
            rc = sl_av1_tu_normalize(data, len, false, &tu);
            if (rc < 0) {
                goto fail;
            }
            if (rc > 0) {
                data = sl_dbuf_data(&tu);
                len = tu.len;
            }
            hdr[hlen++] = SL_AV1_OBU_TEMPORAL_DELIMITER << 3 | 0x02;
            hdr[hlen++] = 0;
        }
    } else {
        hlen = sl_flv_audio_header(
            hdr, codec,
            codec == SL_CODEC_G711 && strcmp(t->encoding, "PCMU") == 0,
            SL_FLV_PKT_CODED_FRAMES, t->clock_rate, (int)t->channels);
    }
    if (hlen < 0
        || sl_rtmp_write_message2(
               &out, t->is_video ? SL_RTMP_CSID_VIDEO : SL_RTMP_CSID_AUDIO,
               t->is_video ? SL_RTMP_MSG_VIDEO : SL_RTMP_MSG_AUDIO, 1, ts, hdr,
               (size_t)hlen, data, len, SL_RTMP_SERVER_CHUNK_SIZE)
               < 0)
    {
        goto fail;
    }
    enc = sl_frame_enc_new(sl_buf_new_copy(sl_dbuf_data(&out), out.len),
                           (uint32_t)nparts);
    if (nparts == 2) {
        enc->parts[0].off = 0;
        enc->parts[0].len = (uint32_t)first_len;
    }
    enc->parts[nparts - 1].off = (uint32_t)first_len;
    enc->parts[nparts - 1].len = (uint32_t)(out.len - first_len);
    sl_dbuf_free(&out);
    sl_dbuf_free(&tu);
    return enc;

fail:
    sl_dbuf_free(&out);
    sl_dbuf_free(&tu);
    return NULL;
}
