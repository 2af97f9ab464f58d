/*
 * Sluice: the RTP encoder.  For streams whose publisher is not RTSP (RTMP,
 * later SRT and WebRTC), each frame is packetized once per stream into RTP
 * packets, each preceded by its 4-byte RTSP interleaved header (channel
 * 2 * track), exactly the form an RTSP publisher's original packets have:
 * RTSP readers treat both alike.  Keyframes lacking their parameter sets
 * get them in front, so a reader joining at any keyframe can decode.
 */
#include "core/encode.h"
#include "core/runtime.h"
#include "core/stream.h"
#include "proto/rtp/pack.h"
#include "codec/codec.h"
#include "codec/h264.h"
#include "codec/h265.h"
#include "base/alloc.h"
#include "base/crypto.h"

#include <string.h>


#define RTP_MAX_OUT (16u << 20)


struct rtp_enc {
    struct sl_rtp_pack *pack[SL_STREAM_MAX_TRACKS];
    bool                failed[SL_STREAM_MAX_TRACKS];
};


static struct sl_frame_enc *rtp_encode(struct sl_stream *s, void *priv,
                                       const struct sl_frame *f);
static void                 rtp_close(void *priv);


const struct sl_encoder_type sl_encoder_rtp = {
    .name = "rtp",
    .fmt = SL_FMT_RTP,
    .priv_size = sizeof(struct rtp_enc),
    .encode = rtp_encode,
    .close = rtp_close,
};


static void
rtp_close(void *priv)
{
    struct rtp_enc *e = priv;
    size_t          i;

    for (i = 0; i < SL_STREAM_MAX_TRACKS; i++) {
        sl_rtp_pack_free(&e->pack[i]);
    }
}


static struct sl_frame_enc *
rtp_encode(struct sl_stream *s, void *priv, const struct sl_frame *f)
{
    struct rtp_enc        *e = priv;
    const struct sl_track *t;
    struct sl_dbuf         out, au;
    struct sl_frame_enc   *enc;
    const uint8_t         *data = sl_frame_data(f);
    size_t                 len = f->len, maxp, i;
    uint32_t              *offs, *lens;
    int                    n;

    if (f->track >= s->desc.ntracks || e->failed[f->track]) {
        return NULL;
    }
    t = &s->desc.tracks[f->track];
    if (e->pack[f->track] == NULL) {
        size_t payload = (size_t)sl_rt.conf->udp_max_payload_size - 12;

        e->pack[f->track] =
            sl_rtp_pack_new(t->codec, t->pt, t->clock_rate, sl_rand_u32(),
                            (uint16_t)sl_rand_u32(), payload);
        if (e->pack[f->track] == NULL) {
            e->failed[f->track] = true; /* a codec RTP cannot carry */
            return NULL;
        }
    }
    sl_dbuf_init(&au, RTP_MAX_OUT);
    if ((f->flags & SL_FRAME_KEY)
        && (t->codec == SL_CODEC_H264 || t->codec == SL_CODEC_H265))
    {
        struct sl_track_params p;
        int                    rc;

        sl_stream_get_params(s, f->track, &p);
        rc = t->codec == SL_CODEC_H264
                 ? sl_h264_prepend_params(data, len, p.sps, p.sps_len, p.pps,
                                          p.pps_len, &au)
                 : sl_h265_prepend_params(data, len, p.vps, p.vps_len, p.sps,
                                          p.sps_len, p.pps, p.pps_len, &au);
        if (rc > 0) {
            data = sl_dbuf_data(&au);
            len = au.len;
        }
    }
    maxp = len / SL_RTP_PACK_MIN_PAYLOAD + 16;
    offs = sl_malloc(maxp * sizeof(*offs));
    lens = sl_malloc(maxp * sizeof(*lens));
    sl_dbuf_init(&out, RTP_MAX_OUT);
    n = sl_rtp_pack_au(e->pack[f->track], data, len, (uint32_t)f->pts,
                       (uint8_t)(f->track * 2), &out, offs, lens, maxp);
    enc = NULL;
    if (n > 0) {
        enc = sl_frame_enc_new(sl_buf_new_copy(sl_dbuf_data(&out), out.len),
                               (uint32_t)n);
        for (i = 0; i < (size_t)n; i++) {
            enc->parts[i].off = offs[i];
            enc->parts[i].len = lens[i];
        }
    }
    sl_free(offs);
    sl_free(lens);
    sl_dbuf_free(&out);
    sl_dbuf_free(&au);
    return enc;
}
