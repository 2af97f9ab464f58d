/*
 * Frames: one access unit, immutable and reference counted once published.
 *
 * A frame carries the track index, PTS/DTS in the track's clock, the
 * wall-clock time it represents (for RTCP and program-date-time), its
 * arrival time on the monotonic clock (for writeTimeout), flags, and the
 * codec payload (H.264/H.265: AVCC, NALUs with 4-byte length prefixes;
 * audio: one raw AU; other codecs: their natural unit).
 *
 * Encode once per output format: the stream's worker attaches encoded forms
 * (struct sl_frame_enc) before the frame is published to readers; readers
 * of that format share them and only add per-connection framing.  The RTP
 * form keeps each packet preceded by a 4-byte RTSP interleaved header whose
 * channel byte is 2 * track, so an RTSP/TCP reader using the default channel
 * numbers sends a whole frame as one contiguous slice.
 *
 * Lifetime: the creator holds the first reference and may write the frame
 * until it publishes it (sl_stream_write); from then on nobody writes.  The
 * refcount is atomic because frames cross workers; it sits on its own cache
 * line.
 */
#ifndef SL_CORE_FRAME_H
#define SL_CORE_FRAME_H

#include "base/buf.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>


enum {
    SL_FRAME_KEY = 1 << 0,     /* random access point (all audio frames) */
    SL_FRAME_DISCONT = 1 << 1, /* timeline discontinuity before this frame */
};

enum sl_frame_fmt {
    SL_FMT_RTP = 0,
    SL_FMT_FLV,
    SL_FMT_MPEGTS,
    SL_FMT_FMP4,
    SL_FMT_COUNT,
};

struct sl_frame_part {
    uint32_t off;
    uint32_t len;
};

/*
 * An encoded form: slices of one buffer.  For SL_FMT_RTP each part is one
 * RTP packet and the 4 bytes before part.off hold its interleaved header.
 */
enum {
    /* SL_FMT_MPEGTS: the bytes begin with PAT/PMT, a reader may start. */
    SL_ENC_JOIN = 1 << 0,
};

struct sl_frame_enc {
    struct sl_buf       *buf;
    uint32_t             flags;
    uint32_t             nparts;
    struct sl_frame_part parts[];
};

struct sl_frame {
    atomic_uint    refs;
    char           pad_[64 - sizeof(atomic_uint)]; /* refs on its own line */
    uint8_t        track;
    uint8_t        flags;
    int64_t        pts; /* track clock */
    int64_t        dts; /* track clock */
    uint64_t       wall_ns;
    uint64_t       recv_ns;
    struct sl_buf *buf; /* payload */
    uint32_t       off;
    uint32_t       len;
    /* Encoded forms: each slot is written once, by the stream's owner
     * worker (possibly after the frame was published), and read on any
     * worker: hence atomic. */
    _Atomic(struct sl_frame_enc *) enc[SL_FMT_COUNT];
};


/* A frame with one reference; takes ownership of buf (may be NULL). */
struct sl_frame *sl_frame_new(uint8_t track, struct sl_buf *buf, uint32_t off,
                              uint32_t len);
struct sl_frame *sl_frame_ref(struct sl_frame *f);
/* Drops one reference and sets *fp to NULL. */
void sl_frame_unref(struct sl_frame **fp);
static inline const uint8_t *
sl_frame_data(const struct sl_frame *f)
{
    return f->buf->data + f->off;
}
/* The encoded form fmt of f, or NULL (not built). */
static inline const struct sl_frame_enc *
sl_frame_enc_get(const struct sl_frame *f, int fmt)
{
    return atomic_load_explicit(&((struct sl_frame *)f)->enc[fmt],
                                memory_order_acquire);
}
/*
 * Attaches e as f's form fmt; takes ownership of e.  Only the stream's
 * owner worker (or the frame's creator before publishing) calls it; a slot
 * already set is kept and e is freed.
 */
void sl_frame_enc_set(struct sl_frame *f, int fmt, struct sl_frame_enc *e);
/* An encoded form with room for nparts parts over buf (takes ownership). */
struct sl_frame_enc *sl_frame_enc_new(struct sl_buf *buf, uint32_t nparts);
void                 sl_frame_enc_free(struct sl_frame_enc **e);
/* Bytes of the payload plus every encoded form (for byte caps). */
size_t sl_frame_size(const struct sl_frame *f);


#endif /* SL_CORE_FRAME_H */
