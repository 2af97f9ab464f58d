/*
 * MPEG-TS ingest: turns a publisher's MPEG-TS bytes (SRT, and MPEG-TS over
 * UDP or a unix socket) into a stream on a path.
 *
 * The bytes go through the demuxer (format/mpegts_demux); the stream is
 * created once every track's configuration is known (H.264/H.265 parameter
 * sets from the first keyframe, the AAC config from the first ADTS or LATM
 * header) or two seconds after the first frame, with the tracks known by
 * then.  Frames before that are held (bounded).  Timestamps move onto the
 * stream's timeline (first DTS + 1 s, so B-frame PTS never go negative)
 * and into each track's clock; parameter sets found in keyframes update
 * the stream's.  A track list that changes after the stream exists is
 * logged and frames of new tracks are dropped.
 *
 * Owner worker only: the publisher's connection drives it.  The publisher
 * must already hold the path (sl_pm_publisher_add); the ingest announces
 * the stream (sl_pm_publisher_ready) and closes it when freed.
 */
#ifndef SL_CORE_TS_INGEST_H
#define SL_CORE_TS_INGEST_H

#include "core/path_manager.h"
#include "core/stream.h"
#include "base/log.h"

#include <stddef.h>
#include <stdint.h>


struct sl_ts_ingest;

struct sl_ts_ingest_stats {
    uint64_t frames;    /* written to the stream */
    uint64_t discarded; /* dropped: no stream yet, unknown track, damage */
    uint64_t cc_errors; /* from the demuxer */
};


/* path and log are copied/kept; pub must outlive the ingest. */
struct sl_ts_ingest *sl_ts_ingest_new(struct sl_worker *w, const char *path,
                                      struct sl_publisher *pub,
                                      struct sl_log       *log);
/*
 * Feeds bytes.  Returns 0, or SL_EINVAL when the path's configuration is
 * gone (the publisher should leave); damaged input is counted, not
 * returned.
 */
int sl_ts_ingest_feed(struct sl_ts_ingest *in, const uint8_t *p, size_t len);
/* Once a second or so: creates the stream when the deadline has passed. */
int sl_ts_ingest_tick(struct sl_ts_ingest *in, uint64_t now_ns);
/* The stream, once created (NULL before). */
struct sl_stream *sl_ts_ingest_stream(const struct sl_ts_ingest *in);
void              sl_ts_ingest_stats(const struct sl_ts_ingest *in,
                                     struct sl_ts_ingest_stats *out);
/* Closes the stream (readers get end of stream) and frees *inp. */
void sl_ts_ingest_free(struct sl_ts_ingest **inp);


#endif /* SL_CORE_TS_INGEST_H */
