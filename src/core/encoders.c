/*
 * Sluice: the output-format encoder registry.  Adding an output format is
 * one line here.
 */
#include "core/encode.h"
#include "core/stream.h"
#include "base/alloc.h"


extern const struct sl_encoder_type sl_encoder_flv;
extern const struct sl_encoder_type sl_encoder_rtp;
extern const struct sl_encoder_type sl_encoder_ts;


const struct sl_encoder_type *const sl_encoders[SL_FMT_COUNT] = {
    [SL_FMT_RTP] = &sl_encoder_rtp,
    [SL_FMT_FLV] = &sl_encoder_flv,
    [SL_FMT_MPEGTS] = &sl_encoder_ts,
    [SL_FMT_FMP4] = NULL,
};


void
sl_encode_frame(struct sl_stream *s, struct sl_frame *f)
{
    int fmt;

    for (fmt = 0; fmt < SL_FMT_COUNT; fmt++) {
        const struct sl_encoder_type *t = sl_encoders[fmt];

        if (t == NULL || fmt == s->desc.native_fmt
            || atomic_load_explicit(&s->fmt_readers[fmt], memory_order_relaxed)
                   == 0
            || sl_frame_enc_get(f, fmt) != NULL)
        {
            continue;
        }
        if (s->enc_priv[fmt] == NULL) {
            s->enc_priv[fmt] =
                sl_calloc(1, t->priv_size == 0 ? 1 : t->priv_size);
            if (t->init != NULL && t->init(s, s->enc_priv[fmt]) < 0) {
                sl_freep(&s->enc_priv[fmt]);
                continue;
            }
        }
        sl_frame_enc_set(f, fmt, t->encode(s, s->enc_priv[fmt], f));
    }
}


void
sl_encode_close(struct sl_stream *s)
{
    int fmt;

    for (fmt = 0; fmt < SL_FMT_COUNT; fmt++) {
        if (s->enc_priv[fmt] != NULL) {
            if (sl_encoders[fmt] != NULL && sl_encoders[fmt]->close != NULL) {
                sl_encoders[fmt]->close(s->enc_priv[fmt]);
            }
            sl_freep(&s->enc_priv[fmt]);
        }
    }
}
