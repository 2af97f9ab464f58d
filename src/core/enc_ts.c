/*
 * Sluice: the MPEG-TS encoder.  Each frame becomes whole 188-byte packets,
 * muxed once per stream (format/mpegts_mux) and shared by every SRT reader
 * (and later HLS and recording).  The muxer keeps continuity counters, so
 * every reader receives the same packet sequence; frames whose packets
 * begin with PAT/PMT (video keyframes; without video, every 100 ms) are
 * marked SL_ENC_JOIN, where a reader may start.
 *
 * The muxer is set up on the first frame, with the tracks MPEG-TS can
 * carry whose configuration is known by then (an AAC track needs its
 * AudioSpecificConfig); other tracks are left out for the stream's life.
 */
#include "core/encode.h"
#include "core/stream.h"
#include "format/mpegts_mux.h"
#include "proto/rtp/pack.h"
#include "codec/aac.h"
#include "codec/nalu.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"

#include <string.h>


#define TS_MAX_OUT (SL_NALU_MAX_AU_SIZE + SL_NALU_MAX_AU_SIZE / 8)


struct ts_enc {
    bool             ready;
    bool             failed;
    struct sl_ts_mux mux;
    int              map[SL_STREAM_MAX_TRACKS]; /* stream track -> mux, -1 */
    struct sl_dbuf   scratch;                   /* reused for each frame */
};


static struct sl_frame_enc *ts_encode(struct sl_stream *s, void *priv,
                                      const struct sl_frame *f);
static int                  ts_setup(struct sl_stream *s, struct ts_enc *e);
static void                 ts_close(void *priv);


const struct sl_encoder_type sl_encoder_ts = {
    .name = "mpegts",
    .fmt = SL_FMT_MPEGTS,
    .priv_size = sizeof(struct ts_enc),
    .encode = ts_encode,
    .close = ts_close,
};


static void
ts_close(void *priv)
{
    struct ts_enc *e = priv;

    sl_dbuf_free(&e->scratch);
}


bool
sl_ts_codec_supported(int codec)
{
    switch (codec) {
    case SL_CODEC_H264:
    case SL_CODEC_H265:
    case SL_CODEC_AAC:
    case SL_CODEC_AAC_LATM:
    case SL_CODEC_OPUS:
    case SL_CODEC_MP3:
    case SL_CODEC_AC3:
    case SL_CODEC_KLV:
        return true;
    default:
        return false;
    }
}


static int
ts_setup(struct sl_stream *s, struct ts_enc *e)
{
    struct sl_ts_mux_track tracks[SL_TS_MUX_MAX_TRACKS];
    int                    n = 0;

    memset(tracks, 0, sizeof(tracks));
    for (size_t i = 0; i < SL_STREAM_MAX_TRACKS; i++) {
        e->map[i] = -1;
    }
    for (size_t i = 0; i < s->desc.ntracks && n < SL_TS_MUX_MAX_TRACKS; i++) {
        const struct sl_track  *t = &s->desc.tracks[i];
        struct sl_ts_mux_track *mt = &tracks[n];
        struct sl_track_params  p;

        if (!sl_ts_codec_supported(t->codec)) {
            continue;
        }
        mt->codec = t->codec == SL_CODEC_AAC_LATM ? SL_CODEC_AAC
                                                  : (enum sl_codec_id)t->codec;
        if (mt->codec == SL_CODEC_AAC) {
            /* The AudioSpecificConfig is kept in the sps slot. */
            sl_stream_get_params(s, i, &p);
            if (p.sps_len == 0
                || sl_aac_asc_parse(p.sps, p.sps_len, &mt->aac) < 0) {
                continue;
            }
        } else if (mt->codec == SL_CODEC_OPUS) {
            mt->opus_channels = t->channels == 0 ? 2 : (int)t->channels;
        } else if (mt->codec == SL_CODEC_MP3) {
            mt->sample_rate =
                t->clock_rate == 90000 ? 44100 : (uint32_t)t->clock_rate;
        }
        {
            struct sl_ts_mux probe;

            /* A track the muxer refuses (e.g. AAC that ADTS cannot carry)
             * is left out rather than failing the others. */
            if (sl_ts_mux_init(&probe, mt, 1) < 0) {
                continue;
            }
        }
        e->map[i] = n++;
    }
    if (n == 0) {
        return SL_EUNSUP;
    }
    return sl_ts_mux_init(&e->mux, tracks, n);
}


static struct sl_frame_enc *
ts_encode(struct sl_stream *s, void *priv, const struct sl_frame *f)
{
    struct ts_enc         *e = priv;
    const struct sl_track *t;
    struct sl_ts_mux_frame mf;
    struct sl_track_params p;
    const uint8_t         *params[3];
    size_t                 params_len[3];
    struct sl_dbuf        *out = &e->scratch;
    struct sl_frame_enc   *enc;
    int                    rc;

    if (e->failed || f->track >= s->desc.ntracks) {
        return NULL;
    }
    if (!e->ready) {
        if (ts_setup(s, e) < 0) {
            e->failed = true;
            sl_log_warn(&s->log, "no track can be carried in MPEG-TS");
            return NULL;
        }
        e->ready = true;
        sl_dbuf_init(&e->scratch, TS_MAX_OUT);
    }
    if (e->map[f->track] < 0) {
        return NULL;
    }
    t = &s->desc.tracks[f->track];
    memset(&mf, 0, sizeof(mf));
    mf.track = e->map[f->track];
    mf.pts = sl_rescale(f->pts, t->clock_rate, SL_TS_CLOCK);
    mf.dts = sl_rescale(f->dts, t->clock_rate, SL_TS_CLOCK);
    mf.key = (f->flags & SL_FRAME_KEY) != 0;
    mf.data = sl_frame_data(f);
    mf.len = f->len;
    if (mf.key && (t->codec == SL_CODEC_H264 || t->codec == SL_CODEC_H265)) {
        sl_stream_get_params(s, f->track, &p);
        if (t->codec == SL_CODEC_H265 && p.vps_len > 0) {
            params[mf.nparams] = p.vps;
            params_len[mf.nparams++] = p.vps_len;
        }
        if (p.sps_len > 0 && p.pps_len > 0) {
            params[mf.nparams] = p.sps;
            params_len[mf.nparams++] = p.sps_len;
            params[mf.nparams] = p.pps;
            params_len[mf.nparams++] = p.pps_len;
        }
        mf.params = params;
        mf.params_len = params_len;
    }
    sl_dbuf_reset(out);
    rc = sl_ts_mux_write(&e->mux, &mf, out);
    if (rc < 0) {
        return NULL;
    }
    enc = sl_frame_enc_new(sl_buf_new_copy(sl_dbuf_data(out), out->len), 1);
    enc->flags = rc == 1 ? SL_ENC_JOIN : 0;
    enc->parts[0].off = 0;
    enc->parts[0].len = (uint32_t)out->len;
    if (out->alloc > 256 * 1024) {
        sl_dbuf_free(out); /* a huge keyframe: do not keep its size */
    }
    return enc;
}
