/*
 * Sluice: the RTMP/FLV encoder.  Each frame becomes complete RTMP messages
 * (chunked with the 65536-byte chunk size every Sluice session announces,
 * message stream id 1), shared by every RTMP reader and later by HTTP-FLV.
 * A sequence header message precedes the first frame of a track and every
 * frame after its parameter sets changed.  Each part of the encoded form is
 * one message, starting with a type-0 chunk header (so a reader playing on
 * another message stream id can patch its copy).
 */
#include "core/encode.h"
#include "core/stream.h"
#include "proto/rtmp/chunk.h"
#include "proto/rtmp/session.h"
#include "format/flv.h"
#include "codec/codec.h"
#include "codec/h264.h"
#include "codec/h265.h"
#include "base/alloc.h"
#include "base/err.h"

#include <string.h>


#define FLV_MAX_OUT (SL_RTMP_MAX_MESSAGE + (1u << 16))


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
static int write_config(struct sl_stream *s, const struct sl_track *t,
                        size_t track, uint32_t ts, struct sl_dbuf *out,
                        struct flv_track *ft);


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
    if (codec == SL_CODEC_H264 && p.sps_len > 0 && p.pps_len > 0) {
        rc =
            sl_h264_avcc_config_build(&cfg, p.sps, p.sps_len, p.pps, p.pps_len);
    } else if (codec == SL_CODEC_H265 && p.vps_len > 0 && p.sps_len > 0
               && p.pps_len > 0)
    {
        rc = sl_h265_hvcc_config_build(&cfg, p.vps, p.vps_len, p.sps, p.sps_len,
                                       p.pps, p.pps_len);
    } else if ((codec == SL_CODEC_AAC || codec == SL_CODEC_OPUS)
               && p.sps_len > 0) {
        /* AudioSpecificConfig / OpusHead, kept in the sps slot. */
        rc = sl_dbuf_add(&cfg, p.sps, p.sps_len);
    } else {
        sl_dbuf_free(&cfg);
        return 0; /* nothing to announce (yet) */
    }
    if (rc < 0) {
        sl_dbuf_free(&cfg);
        return rc;
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
    struct sl_dbuf         out;
    struct sl_frame_enc   *enc;
    uint8_t                hdr[SL_FLV_VIDEO_HEADER_MAX];
    int64_t                dts_ms, cts_ms;
    uint32_t               ts;
    size_t                 first_len = 0;
    int                    hlen, rc, nparts = 1, codec;

    if (f->track >= s->desc.ntracks) {
        return NULL;
    }
    t = &s->desc.tracks[f->track];
    ft = &e->t[f->track];
    codec = t->codec == SL_CODEC_AAC_LATM ? SL_CODEC_AAC : t->codec;
    if (!sl_flv_codec_supported(codec)) {
        return NULL;
    }
    dts_ms = to_ms(f->dts, t->clock_rate);
    cts_ms = to_ms(f->pts, t->clock_rate) - dts_ms;
    ts = dts_ms < 0 ? 0 : (uint32_t)dts_ms;
    sl_dbuf_init(&out, FLV_MAX_OUT);
    rc = write_config(s, t, f->track, ts, &out, ft);
    if (rc < 0) {
        sl_dbuf_free(&out);
        return NULL;
    }
    if (rc > 0) {
        first_len = out.len;
        nparts = 2;
    }
    if (t->is_video) {
        if (!ft->config_sent
            && (t->codec == SL_CODEC_H264 || t->codec == SL_CODEC_H265))
        {
            /* Without a sequence header a player cannot decode yet. */
            sl_dbuf_free(&out);
            return NULL;
        }
        hlen = sl_flv_video_header(hdr, codec, SL_FLV_PKT_CODED_FRAMES,
                                   (f->flags & SL_FRAME_KEY) != 0,
                                   (int32_t)cts_ms);
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
               (size_t)hlen, sl_frame_data(f), f->len,
               SL_RTMP_SERVER_CHUNK_SIZE)
               < 0)
    {
        sl_dbuf_free(&out);
        return NULL;
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
    return enc;
}
