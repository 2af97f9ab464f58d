/*
 * Decoding timestamps from presentation timestamps and a reorder depth:
 * the engine under the H.264 and H.265 DTS extractors (codec/h264_dts.h,
 * codec/h265_dts.h).
 *
 * With a stream whose pictures are at most R positions later in decoding
 * order than in presentation order, the n-th decoded picture can be given
 * the DTS of the (n - R)-th presented one.  Once n >= R that value is the
 * (R+1)-th largest PTS among the pictures decoded so far, so it is known
 * without lookahead.  Before that (the first R pictures after a reset) it
 * is extrapolated back from the smallest PTS by whole frame durations.
 * Results are clamped so that DTS increases strictly and never exceeds PTS.
 * The method and its limits are in docs/internals/CONVERSION.md.
 *
 * One struct per track, owned by the caller, not thread-safe; plain data
 * (zero-initialise, or call sl_reorder_init), nothing allocated.
 */
#ifndef SL_CODEC_REORDER_H
#define SL_CODEC_REORDER_H

#include <stdbool.h>
#include <stdint.h>


/* H.264 and H.265 both bound num_reorder_frames / pics by 16. */
#define SL_REORDER_MAX 16
/* Frame duration assumed until one is signalled or measured: 30 fps. */
#define SL_REORDER_DEFAULT_DUR 3000

struct sl_reorder {
    int64_t top[SL_REORDER_MAX + 1]; /* largest PTS since reset, descending */
    int     count;                   /* entries of top in use */
    int64_t frames;                  /* pictures since reset */
    int64_t min_pts;                 /* smallest PTS since reset */
    int64_t prev_dts;
    bool    have_prev;
    int64_t dur_measured; /* smallest PTS step seen, 0 = unknown */
};


/*
 * A lower bound of the reorder depth from picture order counts, for
 * streams that do not signal it.  A picture decoded n-th since the last
 * reset with presentation slot m (POC offset / POC step) proves R >= n - m;
 * pictures still missing below the largest slot seen predict what the next
 * ones will prove, so R rises before the first B-frame arrives rather than
 * after.  The proved part is kept for the stream; the predicted part only
 * for the current picture, so a lost frame raises R only briefly.
 */
#define SL_POC_RECENT 64

struct sl_poc_order {
    int64_t base;                /* POC of the picture at the last reset */
    int64_t offs[SL_POC_RECENT]; /* POC - base of recent pictures */
    int     count;               /* entries of offs in use (ring) */
    int     head;                /* next slot to write in offs */
    int64_t n;                   /* pictures since reset */
    int64_t gcd;                 /* of the positive offsets since reset */
    int     unit;                /* usual POC step per frame */
    int     bound;               /* proved lower bound, whole stream */
};


void sl_reorder_init(struct sl_reorder *r);
/* unit: the POC step between frames encoders use (H.264: 2, H.265: 1). */
void sl_poc_order_init(struct sl_poc_order *o, int unit);
/*
 * Records the next picture in decoding order (reset at IDR/IRAP) and
 * returns the reorder depth it implies, 0..SL_REORDER_MAX.
 */
int sl_poc_order_push(struct sl_poc_order *o, int64_t poc, bool reset);
/*
 * Gives the DTS of the next picture in decoding order.
 *   pts      its presentation time (any clock; CONVERSION.md uses 90 kHz);
 *   reset    true at a picture after which nothing refers back (IDR): the
 *            window restarts, but DTS stays monotonic unless PTS went back
 *            (a discontinuity: monotonicity is then given up once);
 *   reorder  the reorder depth R, clamped to 0..SL_REORDER_MAX;
 *   dur      the frame duration when signalled (VUI/VPS timing), or 0 to
 *            use the one measured from PTS steps (SL_REORDER_DEFAULT_DUR
 *            until there is one).
 * Returns 0 and sets *dts (<= pts, > the previous one), or SL_EBADDATA when
 * pts is not above the previous DTS (R was too small or PTS jumped back
 * without a reset); *dts is then untouched and the caller should use PTS.
 */
int sl_reorder_push(struct sl_reorder *r, int64_t pts, bool reset, int reorder,
                    int64_t dur, int64_t *dts);


#endif /* SL_CODEC_REORDER_H */
