/*
 * Output-format encoders: encode once per format, not once per reader.
 *
 * For each output format (RTP packets, RTMP/FLV messages, later MPEG-TS and
 * fMP4), an encoder turns a stream's frames into that format's bytes, once,
 * on the stream's owner worker, and attaches them to the frame
 * (sl_frame_enc_set); every reader of the format on every worker shares
 * them.  A format is encoded only while it has readers (the stream counts
 * them per format) and never for the stream's native format (an RTSP
 * publisher's original packets are its RTP form).
 *
 * Encoders are rows of a registry (core/encoders.c), one per format.  Each
 * keeps per-stream state (RTP sequence numbers and SSRCs, FLV sequence
 * headers) allocated on first use and freed with the stream.
 */
#ifndef SL_CORE_ENCODE_H
#define SL_CORE_ENCODE_H

#include "core/frame.h"

#include <stdbool.h>
#include <stddef.h>


struct sl_stream;

struct sl_encoder_type {
    const char *name;
    int         fmt;       /* enum sl_frame_fmt */
    size_t      priv_size; /* per-stream state, zeroed */
    /* Called once per stream on the owner before the first encode. */
    int (*init)(struct sl_stream *s, void *priv);
    /*
     * Returns f's encoded form, or NULL when f has none in this format (a
     * codec the format cannot carry, or a frame to skip).  Owner only.
     */
    struct sl_frame_enc *(*encode)(struct sl_stream *s, void *priv,
                                   const struct sl_frame *f);
    void (*close)(void *priv);
};

/* The registry: sl_encoders[fmt] or NULL. */
extern const struct sl_encoder_type *const sl_encoders[SL_FMT_COUNT];

/* True when the MPEG-TS encoder can carry codec (SRT, HLS, recording). */
bool sl_ts_codec_supported(int codec);
/* True when the FLV encoder can carry codec (RTMP, HTTP-FLV). */
bool sl_flv_codec_supported(int codec);
/*
 * Appends the RTMP sequence header message of a stream's track (its codec
 * configuration from the current parameter sets) on message stream msid:
 * what a joining RTMP reader needs first.  Returns 1 when written, 0 when
 * the track has nothing to announce, or an error.  *version (may be NULL)
 * receives the parameters' version.
 */
struct sl_dbuf;
int sl_flv_write_config(struct sl_stream *s, size_t track, uint32_t msid,
                        uint32_t ts, struct sl_dbuf *out, uint32_t *version);

/* Owner only: builds every form f is missing and has readers for. */
void sl_encode_frame(struct sl_stream *s, struct sl_frame *f);
/* Owner only: frees the per-stream encoder state (stream teardown). */
void sl_encode_close(struct sl_stream *s);


#endif /* SL_CORE_ENCODE_H */
