/* Sluice: DTS from PTS and a reorder depth (see reorder.h). */
#include "codec/reorder.h"
#include "base/err.h"

#include <string.h>


static void    insert_top(struct sl_reorder *r, int64_t pts);
static void    measure_step(struct sl_reorder *r);
static int64_t gcd64(int64_t a, int64_t b);
static bool seen_slot(const struct sl_poc_order *o, int64_t slot, int64_t step);


void
sl_reorder_init(struct sl_reorder *r)
{
    memset(r, 0, sizeof(*r));
}


/* Keeps the SL_REORDER_MAX + 1 largest PTS values, in descending order. */
static void
insert_top(struct sl_reorder *r, int64_t pts)
{
    int i = r->count < SL_REORDER_MAX + 1 ? r->count : SL_REORDER_MAX + 1;

    if (i == SL_REORDER_MAX + 1 && pts <= r->top[SL_REORDER_MAX]) {
        return; /* smaller than everything kept */
    }
    if (i == SL_REORDER_MAX + 1) {
        i--; /* the smallest kept value falls out */
    }
    while (i > 0 && r->top[i - 1] < pts) {
        r->top[i] = r->top[i - 1];
        i--;
    }
    r->top[i] = pts;
    if (r->count < SL_REORDER_MAX + 1) {
        r->count++;
    }
}


/*
 * The smallest positive gap between neighbouring kept PTS values is one
 * frame duration in a constant-rate stream (the largest values are
 * contiguous once the reorder window has passed).
 */
static void
measure_step(struct sl_reorder *r)
{
    int i;

    for (i = 1; i < r->count; i++) {
        int64_t d;

        if (r->top[i] < 0 && r->top[i - 1] > INT64_MAX + r->top[i]) {
            continue; /* the gap does not fit: not a frame step anyway */
        }
        d = r->top[i - 1] - r->top[i];
        if (d > 0 && (r->dur_measured == 0 || d < r->dur_measured)) {
            r->dur_measured = d;
        }
    }
}


int
sl_reorder_push(struct sl_reorder *r, int64_t pts, bool reset, int reorder,
                int64_t dur, int64_t *dts)
{
    int64_t cand;
    int64_t back;
    int64_t n;

    if (reorder < 0) {
        reorder = 0;
    } else if (reorder > SL_REORDER_MAX) {
        reorder = SL_REORDER_MAX;
    }
    if (reset) {
        if (r->have_prev && pts <= r->prev_dts) {
            r->have_prev = false; /* the timeline went back */
        }
        r->count = 0;
        r->frames = 0;
    }
    if (r->have_prev && pts <= r->prev_dts) {
        return SL_EBADDATA;
    }
    if (r->frames == 0 || pts < r->min_pts) {
        r->min_pts = pts;
    }
    n = r->frames++;
    insert_top(r, pts);
    measure_step(r);
    if (dur <= 0) {
        dur = r->dur_measured > 0 ? r->dur_measured : SL_REORDER_DEFAULT_DUR;
    }
    if (n >= reorder) {
        cand = r->top[reorder];
    } else {
        /* Frame durations are far below 2^40 ticks: no overflow. */
        if (dur > ((int64_t)1 << 40)) {
            dur = (int64_t)1 << 40;
        }
        back = (reorder - n) * dur;
        cand = r->min_pts < INT64_MIN + back ? INT64_MIN : r->min_pts - back;
    }
    if (r->have_prev && cand <= r->prev_dts) {
        cand = r->prev_dts + 1;
    }
    if (cand > pts) {
        cand = pts;
    }
    r->prev_dts = cand;
    r->have_prev = true;
    *dts = cand;
    return 0;
}


void
sl_poc_order_init(struct sl_poc_order *o, int unit)
{
    memset(o, 0, sizeof(*o));
    o->unit = unit > 0 ? unit : 1;
}


static int64_t
gcd64(int64_t a, int64_t b)
{
    while (b != 0) {
        int64_t t = a % b;

        a = b;
        b = t;
    }
    return a;
}


static bool
seen_slot(const struct sl_poc_order *o, int64_t slot, int64_t step)
{
    int i;

    for (i = 0; i < o->count; i++) {
        if (o->offs[i] / step == slot) {
            return true;
        }
    }
    return false;
}


int
sl_poc_order_push(struct sl_poc_order *o, int64_t poc, bool reset)
{
    int64_t idx;
    int64_t off;
    int64_t step;
    int64_t slot;
    int64_t max_slot;
    int64_t s;
    int64_t rank = 0;
    int64_t pred = 0;
    int     i;

    if (reset) {
        o->base = poc;
        o->count = 0;
        o->head = 0;
        o->n = 0;
        o->gcd = 0;
    }
    idx = o->n++;
    /* Leading pictures (before the IRAP) and absurd values are skipped. */
    if (poc < o->base || poc - o->base > ((int64_t)1 << 40)) {
        return o->bound;
    }
    off = poc - o->base;
    if (off > 0) {
        o->gcd = gcd64(o->gcd, off);
    }
    step = o->gcd > 0 ? gcd64(o->gcd, o->unit) : o->unit;
    slot = off / step;
    o->offs[o->head] = off;
    o->head = (o->head + 1) % SL_POC_RECENT;
    if (o->count < SL_POC_RECENT) {
        o->count++;
    }
    if (idx - slot > o->bound) {
        o->bound =
            idx - slot > SL_REORDER_MAX ? SL_REORDER_MAX : (int)(idx - slot);
    }
    max_slot = 0;
    for (i = 0; i < o->count; i++) {
        if (o->offs[i] / step > max_slot) {
            max_slot = o->offs[i] / step;
        }
    }
    /* Missing slots just below the largest come next, in order at best. */
    s = max_slot - (SL_REORDER_MAX + 1);
    for (s = s < 0 ? 0 : s; s < max_slot; s++) {
        if (!seen_slot(o, s, step)) {
            rank++;
            if (idx + rank - s > pred) {
                pred = idx + rank - s;
            }
        }
    }
    if (pred > SL_REORDER_MAX) {
        pred = SL_REORDER_MAX;
    }
    return pred > o->bound ? (int)pred : o->bound;
}
