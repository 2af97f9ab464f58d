/*
 * Sluice: RTP depacketizer framework, the registry of per-codec
 * depacketizers, and the one-packet-one-AU ones (Opus, G.711, generic).
 */
#include "proto/rtp/depack.h"
#include "proto/rtp/depack_priv.h"
#include "base/alloc.h"


static int simple_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
                       sl_rtp_au_fn *fn, void *ud);


/* Opus (RFC 7587), G.711 (RFC 3551) and passthrough: one packet, one AU. */
static const struct sl_rtp_depack_type depack_simple = {
    .name = "simple",
    .priv_size = 0,
    .push = simple_push,
};


static int
simple_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
            sl_rtp_au_fn *fn, void *ud)
{
    struct sl_rtp_au au = {
        .data = pkt->payload,
        .len = pkt->payload_len,
        .ts = pkt->ts,
        .key = true,
    };

    (void)d;
    if (au.len > 0) {
        fn(ud, &au);
    }
    return 0;
}


struct sl_rtp_depack *
sl_rtp_depack_new(const struct sl_rtp_format *f)
{
    struct sl_rtp_depack *d = sl_calloc(1, sizeof(*d));

    d->f = *f;
    switch (f->codec) {
    case SL_CODEC_H264:
        d->type = &sl_rtp_depack_h264;
        break;
    case SL_CODEC_H265:
        d->type = &sl_rtp_depack_h265;
        break;
    case SL_CODEC_AAC:
        d->type = &sl_rtp_depack_aac;
        break;
    case SL_CODEC_AAC_LATM:
        d->type = &sl_rtp_depack_latm;
        break;
    case SL_CODEC_VP9:
        d->type = &sl_rtp_depack_vp9;
        break;
    default:
        d->type = &depack_simple;
        break;
    }
    if (d->type->priv_size > 0) {
        d->priv = sl_calloc(1, d->type->priv_size);
    }
    if (d->type->init != NULL) {
        d->type->init(d);
    }
    return d;
}


void
sl_rtp_depack_free(struct sl_rtp_depack **dp)
{
    struct sl_rtp_depack *d = *dp;

    if (d == NULL) {
        return;
    }
    if (d->type->close != NULL) {
        d->type->close(d);
    }
    sl_free(d->priv);
    sl_free(d);
    *dp = NULL;
}


int
sl_rtp_depack_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
                   sl_rtp_au_fn *fn, void *ud)
{
    return d->type->push(d, pkt, fn, ud);
}


void
sl_rtp_depack_params(const struct sl_rtp_depack *d, const uint8_t **sps,
                     size_t *sps_len, const uint8_t **pps, size_t *pps_len,
                     const uint8_t **vps, size_t *vps_len)
{
    const struct sl_rtp_format *f = &d->f;
    bool nal = f->codec == SL_CODEC_H264 || f->codec == SL_CODEC_H265;

    if (sps != NULL) {
        *sps = nal && f->sps_len > 0 ? f->sps : NULL;
    }
    if (sps_len != NULL) {
        *sps_len = nal ? f->sps_len : 0;
    }
    if (pps != NULL) {
        *pps = nal && f->pps_len > 0 ? f->pps : NULL;
    }
    if (pps_len != NULL) {
        *pps_len = nal ? f->pps_len : 0;
    }
    if (vps != NULL) {
        *vps = f->codec == SL_CODEC_H265 && f->vps_len > 0 ? f->vps : NULL;
    }
    if (vps_len != NULL) {
        *vps_len = f->codec == SL_CODEC_H265 ? f->vps_len : 0;
    }
}


uint64_t
sl_rtp_depack_errors(const struct sl_rtp_depack *d)
{
    return d->errors;
}
