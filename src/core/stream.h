/*
 * Streams: one publisher's media, fanned out to readers on every worker.
 *
 * A stream lives on one worker, its owner (the publisher's).  Each worker
 * that has readers of the stream keeps a *view*: a ring of frame references
 * with a sequence number per frame.  The owner's view is fed directly by
 * sl_stream_write; a remote worker's view is fed by messages: the owner
 * pushes one frame reference per frame per subscribed worker into that
 * worker's inbox (one atomic reference per frame per remote worker, never
 * per reader).  A reader is a position in its worker's view:
 *
 *     tail        ack_pos      pos                head
 *      |  released  | in flight | queued, unsent   |
 *
 * so handing a frame to 500 readers on a worker costs 500 integer updates,
 * not 500 reference counts.  The ring keeps every frame from the oldest
 * reader's ack_pos (its in-flight write still points into those frames) or
 * the GOP start, whichever is older, bounded by the ring's capacity.
 *
 * GOP cache: the view remembers the sequence of the last keyframe of the
 * stream's key track (first video track; any frame for audio-only
 * streams).  A reader that asks for it starts there (instant first frame,
 * up to one GOP behind live); otherwise it waits for the next keyframe.
 * A remote view's first message is a snapshot of the owner's GOP, so
 * "give me the GOP" and "join the live fan-out" happen in one step on the
 * owner, with no gap and no duplicate (the inbox is FIFO).
 *
 * Bounded readers: when a reader's queue (frames from ack_pos to head) is
 * longer than writeQueueSize frames or writeQueueMaxBytes bytes, its unsent
 * frames are dropped and counted: it skips to the last keyframe (or waits
 * for the next one).  A reader whose oldest queued frame is older than
 * writeTimeout is closed (SL_ETIMEOUT), as is one whose in-flight frames
 * would have to be evicted from a full ring (SL_ELIMIT).
 *
 * Threads: every function here runs on the calling worker; which worker is
 * allowed is said per function.  Lifetime: the stream is reference counted
 * (atomic); the publisher, the path and every view hold a reference.
 */
#ifndef SL_CORE_STREAM_H
#define SL_CORE_STREAM_H

#include "core/frame.h"
#include "base/list.h"
#include "base/log.h"
#include "net/worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>


#define SL_STREAM_MAX_TRACKS 8
#define SL_MAX_WORKERS       64


/* What a track carries; filled by the publisher, immutable afterwards. */
struct sl_track {
    int      codec; /* enum sl_codec_id */
    bool     is_video;
    char     media[16];    /* "video", "audio", "application" */
    char     encoding[32]; /* RTP encoding name, e.g. "H264" */
    uint8_t  pt;
    uint32_t clock_rate;
    uint32_t channels;
    char    *fmtp; /* NULL or the fmtp parameters */
    /* Codec parameters for readers that need them (width, height...). */
    int width, height;
};

struct sl_stream_desc {
    size_t          ntracks;
    struct sl_track tracks[SL_STREAM_MAX_TRACKS];
    int             key_track;  /* first video track, or -1 */
    int             native_fmt; /* format the publisher provides, or -1 */
};

/* A track's current codec parameter sets (H.264 SPS/PPS, H.265 VPS/SPS/PPS;
 * AAC's AudioSpecificConfig in sps). */
#define SL_PARAM_MAX 256
struct sl_track_params {
    uint8_t  vps[SL_PARAM_MAX], sps[SL_PARAM_MAX], pps[SL_PARAM_MAX];
    uint16_t vps_len, sps_len, pps_len;
    uint32_t version; /* bumped on every change */
};

struct sl_stream_opts {
    uint32_t write_queue_size;  /* frames */
    uint64_t write_queue_bytes; /* bytes */
    uint64_t write_timeout_ns;
    bool     gop_cache;
    uint32_t gop_max_frames;
    uint64_t gop_max_bytes;
};

struct sl_view;
struct sl_reader;

/* Called on the reader's worker. */
typedef void sl_reader_fn(struct sl_reader *r);
typedef void sl_reader_close_fn(struct sl_reader *r, int reason);

struct sl_reader {
    struct sl_list      node; /* in view->readers */
    struct sl_view     *view;
    uint64_t            pos;     /* next frame to hand out */
    uint64_t            ack_pos; /* frames below are no longer needed */
    bool                wait_key;
    bool                use_gop;
    bool                attached;
    bool                closing;
    int                 fmt; /* enum sl_frame_fmt the reader consumes */
    sl_reader_fn       *on_frames;
    sl_reader_close_fn *on_close;
    void               *ud;
    uint64_t            dropped;
    uint64_t            pending_dropped; /* not yet logged */
    struct sl_log      *log;
};

struct sl_stream {
    atomic_uint           refs;
    char                  pad_[64 - sizeof(atomic_uint)];
    struct sl_worker     *owner;
    struct sl_stream_desc desc;
    struct sl_stream_opts opts;
    uint64_t              wall0_ns; /* wall time of timestamp 0 */
    char                  path[256];
    struct sl_log         log;
    /* Owner only. */
    bool     closed;
    bool     subscribed[SL_MAX_WORKERS];
    bool     gap[SL_MAX_WORKERS];
    uint64_t frames_in;
    /* views[i] is touched only by worker i. */
    struct sl_view *views[SL_MAX_WORKERS];
    atomic_ullong   bytes_in;
    atomic_ullong   bytes_out;
    atomic_uint     readers;
    atomic_uint     fmt_readers[SL_FMT_COUNT];
    void           *enc_priv[SL_FMT_COUNT]; /* owner: encoder state */
    /* Parameter sets: written by the owner when they change, read by
     * DESCRIBE-like requests on any thread; rare, so a mutex. */
    pthread_mutex_t        params_lock;
    struct sl_track_params params[SL_STREAM_MAX_TRACKS];
};


/* Runs on owner.  Copies desc; the new stream has one reference. */
struct sl_stream *sl_stream_new(struct sl_worker *owner, const char *path,
                                const struct sl_stream_desc *desc,
                                const struct sl_stream_opts *opts);
struct sl_stream *sl_stream_ref(struct sl_stream *s);
void              sl_stream_unref(struct sl_stream **sp);

/*
 * Owner only.  Records track's current parameter sets (any may be NULL/0);
 * returns true when they changed.  Sets longer than SL_PARAM_MAX are
 * ignored.
 */
bool sl_stream_set_params(struct sl_stream *s, size_t track, const uint8_t *vps,
                          size_t vps_len, const uint8_t *sps, size_t sps_len,
                          const uint8_t *pps, size_t pps_len);
/* Any thread: a copy of track's current parameter sets. */
void sl_stream_get_params(struct sl_stream *s, size_t track,
                          struct sl_track_params *out);

/* Owner only.  Takes ownership of f and publishes it to every view. */
void sl_stream_write(struct sl_stream *s, struct sl_frame *f);
/* Owner only.  Ends the stream: every reader gets on_close(SL_ECLOSED). */
void sl_stream_close(struct sl_stream *s);

/*
 * Attaches r on the calling worker.  Fill r->on_frames, on_close, ud, fmt
 * and use_gop first.  Returns 0 or SL_ECLOSED when the stream has ended.
 * on_frames is called (later, never from inside this call) whenever frames
 * become available.
 */
int sl_stream_reader_add(struct sl_stream *s, struct sl_reader *r);
/* Detaches r (idempotent).  Safe from inside r's callbacks. */
void sl_stream_reader_remove(struct sl_reader *r);

/*
 * The next frame for r, or NULL when none is available yet.  Applies the
 * drop policy and the keyframe wait.  The frame stays valid until r acks
 * past it.  sl_reader_advance moves past it (it becomes in flight).
 */
struct sl_frame *sl_reader_peek(struct sl_reader *r);
void             sl_reader_advance(struct sl_reader *r);
/* Everything handed out so far has been written: may be released (on the
 * view's next append or when a reader leaves). */
void sl_reader_ack(struct sl_reader *r);
/* Sequence helpers for RTSP's RTP-Info: the first frame of each track at or
 * after the reader's position (NULL if none yet).  Returns false while the
 * reader is still waiting for a keyframe. */
bool sl_reader_first_frames(struct sl_reader *r, struct sl_frame **out,
                            size_t n);
/* True if frames are queued for r (after drop policy). */
bool sl_reader_has_frames(struct sl_reader *r);

/* "2 tracks (H264, MPEG-4 Audio)", as MediaMTX logs a stream's tracks. */
const char *sl_stream_tracks_label(const struct sl_stream_desc *d, char *buf,
                                   size_t size);
/* Tells streams which worker has which index (once, at start-up). */
void sl_stream_set_workers(struct sl_worker **workers, size_t n);
/* Per-worker housekeeping (timeouts, drop logs); core calls it each second. */
void sl_stream_worker_tick(struct sl_worker *w, uint64_t now_ns);
/* Per-worker state: call on each worker's thread at start and stop. */
void sl_stream_worker_init(struct sl_worker *w);
void sl_stream_worker_close(struct sl_worker *w);


#endif /* SL_CORE_STREAM_H */
