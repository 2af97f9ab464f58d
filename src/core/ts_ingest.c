/*
 * Sluice: MPEG-TS ingest (SRT, MPEG-TS over UDP and unix sockets).
 */
#include "core/ts_ingest.h"
#include "core/runtime.h"
#include "core/track.h"
#include "format/mpegts.h"
#include "format/mpegts_demux.h"
#include "proto/rtp/pack.h"
#include "codec/aac.h"
#include "codec/h264.h"
#include "codec/h265.h"
#include "codec/nalu.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/str.h"
#include "base/time.h"

#include <string.h>


#define PENDING_MAX     512
#define TRACKS_DEADLINE (2 * SL_NS_PER_SEC)
#define TIMELINE_START  90000 /* 1 s, in 90 kHz ticks */
#define MAX_TRACKS      SL_TS_DEMUX_MAX_TRACKS


struct in_track {
    struct sl_ts_track ts;
    int                index; /* stream track, -1 when not in the stream */
    uint8_t            vps[SL_PARAM_MAX], sps[SL_PARAM_MAX], pps[SL_PARAM_MAX];
    size_t             vps_len, sps_len, pps_len;
    uint8_t            asc[SL_AAC_ASC_MAX];
    size_t             asc_len;
};

struct sl_ts_ingest {
    struct sl_worker    *w;
    char                 path[256];
    struct sl_publisher *pub;
    struct sl_log       *log;
    struct sl_ts_demux  *demux;
    struct sl_stream    *stream;
    struct in_track      tracks[MAX_TRACKS];
    int                  ntracks;
    bool                 changed_logged;
    bool                 have_t0;
    int64_t              t0;
    uint64_t             first_ns;
    struct sl_frame     *pending[PENDING_MAX];
    size_t               npending;
    bool                 gone; /* path configuration removed */
    uint64_t             frames;
    uint64_t             discarded;
};


static void     on_tracks(void *ud, const struct sl_ts_track *t, int n);
static int      on_frame(void *ud, const struct sl_ts_frame *f);
static uint32_t track_clock(const struct sl_ts_track *t);
static bool     track_ready(const struct in_track *t);
static void     keep_params(struct sl_ts_ingest *in, struct in_track *t,
                            const uint8_t *au, size_t len);
static void     maybe_create(struct sl_ts_ingest *in, bool force);
static void     write_frame(struct sl_ts_ingest *in, struct sl_frame *f);


struct sl_ts_ingest *
sl_ts_ingest_new(struct sl_worker *w, const char *path,
                 struct sl_publisher *pub, struct sl_log *log)
{
    struct sl_ts_ingest  *in = sl_calloc(1, sizeof(*in));
    struct sl_ts_demux_cb cb = {
        .ud = in, .tracks = on_tracks, .frame = on_frame};

    in->w = w;
    sl_strlcpy(in->path, path, sizeof(in->path));
    in->pub = pub;
    in->log = log;
    in->demux = sl_ts_demux_new(&cb);
    return in;
}


void
sl_ts_ingest_free(struct sl_ts_ingest **inp)
{
    struct sl_ts_ingest *in = *inp;

    if (in == NULL) {
        return;
    }
    for (size_t i = 0; i < in->npending; i++) {
        sl_frame_unref(&in->pending[i]);
    }
    if (in->stream != NULL) {
        sl_stream_close(in->stream);
        sl_stream_unref(&in->stream);
    }
    sl_ts_demux_free(&in->demux);
    sl_free(in);
    *inp = NULL;
}


int
sl_ts_ingest_feed(struct sl_ts_ingest *in, const uint8_t *p, size_t len)
{
    if (in->stream != NULL) {
        atomic_fetch_add_explicit(&in->stream->bytes_in, len,
                                  memory_order_relaxed);
    }
    sl_ts_demux_feed(in->demux, p, len);
    return in->gone ? SL_EINVAL : 0;
}


int
sl_ts_ingest_tick(struct sl_ts_ingest *in, uint64_t now_ns)
{
    if (in->stream == NULL && in->first_ns != 0
        && now_ns - in->first_ns >= TRACKS_DEADLINE)
    {
        maybe_create(in, true);
    }
    return in->gone ? SL_EINVAL : 0;
}


struct sl_stream *
sl_ts_ingest_stream(const struct sl_ts_ingest *in)
{
    return in->stream;
}


void
sl_ts_ingest_stats(const struct sl_ts_ingest *in,
                   struct sl_ts_ingest_stats *out)
{
    out->frames = in->frames;
    out->discarded = in->discarded;
    out->cc_errors = sl_ts_demux_stats(in->demux)->cc_errors;
}


static void
on_tracks(void *ud, const struct sl_ts_track *t, int n)
{
    struct sl_ts_ingest *in = ud;
    struct in_track      old[MAX_TRACKS];
    int                  nold = in->ntracks;

    memcpy(old, in->tracks, sizeof(old));
    memset(in->tracks, 0, sizeof(in->tracks));
    in->ntracks = n < MAX_TRACKS ? n : MAX_TRACKS;
    for (int i = 0; i < in->ntracks; i++) {
        struct in_track *it = &in->tracks[i];

        it->ts = t[i];
        it->index = -1;
        /* A track that keeps its PID and codec keeps its state. */
        for (int j = 0; j < nold; j++) {
            if (old[j].ts.pid == t[i].pid && old[j].ts.codec == t[i].codec) {
                *it = old[j];
                it->ts = t[i];
                break;
            }
        }
        if (it->ts.codec == SL_CODEC_AAC && it->ts.aac_known) {
            uint8_t asc[SL_AAC_ASC_MAX];
            int     alen = sl_aac_asc_write(&it->ts.aac, asc, sizeof(asc));

            if (alen > 0
                && ((size_t)alen != it->asc_len
                    || memcmp(asc, it->asc, (size_t)alen) != 0))
            {
                memcpy(it->asc, asc, (size_t)alen);
                it->asc_len = (size_t)alen;
                if (in->stream != NULL && it->index >= 0) {
                    sl_stream_set_params(in->stream, (size_t)it->index, NULL, 0,
                                         it->asc, it->asc_len, NULL, 0);
                }
            }
        }
        if (in->stream != NULL && it->index < 0 && !in->changed_logged) {
            sl_log_warn(in->log, "the publisher added a track after the stream "
                                 "started; its frames are dropped");
            in->changed_logged = true;
        }
    }
}


static uint32_t
track_clock(const struct sl_ts_track *t)
{
    switch (t->codec) {
    case SL_CODEC_AAC:
        return t->aac_known ? t->aac.sample_rate : 0;
    case SL_CODEC_OPUS:
        return 48000;
    case SL_CODEC_AC3:
        return t->sample_rate != 0 ? t->sample_rate : 48000;
    default:
        return 90000; /* video, MPEG audio (RFC 3551 MPA), KLV */
    }
}


static bool
track_ready(const struct in_track *t)
{
    switch (t->ts.codec) {
    case SL_CODEC_H264:
        return t->sps_len > 0 && t->pps_len > 0;
    case SL_CODEC_H265:
        return t->vps_len > 0 && t->sps_len > 0 && t->pps_len > 0;
    case SL_CODEC_AAC:
        return t->ts.aac_known && t->asc_len > 0;
    default:
        return true;
    }
}


/* Copies the parameter sets a keyframe carries; tells the stream. */
static void
keep_params(struct sl_ts_ingest *in, struct in_track *t, const uint8_t *au,
            size_t len)
{
    struct sl_avcc_iter it;
    const uint8_t      *nalu;
    size_t              nlen;
    bool                h265 = t->ts.codec == SL_CODEC_H265;

    sl_avcc_iter_init(&it, au, len);
    while (sl_avcc_next(&it, &nalu, &nlen) == 1) {
        int type = h265 ? sl_h265_nal_type(nalu[0]) : sl_h264_nal_type(nalu[0]);
        uint8_t *dst = NULL;
        size_t  *dst_len = NULL;

        if (nlen > SL_PARAM_MAX) {
            continue;
        }
        if (h265) {
            if (type == 32) {
                dst = t->vps, dst_len = &t->vps_len;
            } else if (type == 33) {
                dst = t->sps, dst_len = &t->sps_len;
            } else if (type == 34) {
                dst = t->pps, dst_len = &t->pps_len;
            }
        } else if (type == 7) {
            dst = t->sps, dst_len = &t->sps_len;
        } else if (type == 8) {
            dst = t->pps, dst_len = &t->pps_len;
        }
        if (dst != NULL) {
            memcpy(dst, nalu, nlen);
            *dst_len = nlen;
        }
    }
    if (in->stream != NULL && t->index >= 0) {
        sl_stream_set_params(in->stream, (size_t)t->index, t->vps, t->vps_len,
                             t->sps, t->sps_len, t->pps, t->pps_len);
    }
}


static int
on_frame(void *ud, const struct sl_ts_frame *tf)
{
    struct sl_ts_ingest *in = ud;
    struct in_track     *t;
    struct sl_frame     *f;
    uint32_t             clock;

    if (tf->track < 0 || tf->track >= in->ntracks) {
        in->discarded++;
        return 0;
    }
    t = &in->tracks[tf->track];
    clock = track_clock(&t->ts);
    if (clock == 0) {
        in->discarded++;
        return 0;
    }
    if (!in->have_t0) {
        in->t0 = tf->dts;
        in->have_t0 = true;
        in->first_ns = sl_now_ns();
    }
    if (tf->key && sl_codec_is_video(t->ts.codec)) {
        keep_params(in, t, tf->data, tf->len);
    }
    f = sl_frame_new((uint8_t)tf->track, sl_buf_new_copy(tf->data, tf->len), 0,
                     (uint32_t)tf->len);
    f->pts = sl_rescale(tf->pts - in->t0 + TIMELINE_START, SL_TS_CLOCK, clock);
    f->dts = sl_rescale(tf->dts - in->t0 + TIMELINE_START, SL_TS_CLOCK, clock);
    f->wall_ns = sl_wall_ns();
    f->recv_ns = sl_now_ns();
    if (tf->key || !sl_codec_is_video(t->ts.codec)) {
        f->flags |= SL_FRAME_KEY;
    }
    if (tf->discont) {
        f->flags |= SL_FRAME_DISCONT;
    }
    if (in->stream == NULL) {
        if (in->npending == PENDING_MAX) {
            maybe_create(in, true);
        }
        if (in->stream == NULL) {
            if (in->npending < PENDING_MAX) {
                in->pending[in->npending++] = f;
                maybe_create(in, false);
            } else {
                in->discarded++;
                sl_frame_unref(&f);
            }
            return 0;
        }
    }
    write_frame(in, f);
    return 0;
}


/* f->track is the demuxer's index; the stream's one replaces it. */
static void
write_frame(struct sl_ts_ingest *in, struct sl_frame *f)
{
    int index = f->track < in->ntracks ? in->tracks[f->track].index : -1;

    if (index < 0) {
        in->discarded++;
        sl_frame_unref(&f);
        return;
    }
    f->track = (uint8_t)index;
    in->frames++;
    sl_stream_write(in->stream, f);
}


static void
maybe_create(struct sl_ts_ingest *in, bool force)
{
    const struct sl_path_conf *pc;
    struct sl_pm_err           err;
    struct sl_stream_desc      d;
    struct sl_stream_opts      o;
    char                       label[256];
    bool                       all = in->ntracks > 0;

    if (in->stream != NULL || in->gone) {
        return;
    }
    for (int i = 0; i < in->ntracks; i++) {
        all = all && track_ready(&in->tracks[i]);
    }
    if (!all && !force) {
        return;
    }
    pc = sl_pm_find_conf(in->path, &err);
    if (pc == NULL) {
        sl_log_warn(in->log, "%s", err.msg);
        in->gone = true;
        return;
    }
    memset(&d, 0, sizeof(d));
    d.key_track = -1;
    d.native_fmt = -1;
    for (int i = 0; i < in->ntracks && d.ntracks < SL_STREAM_MAX_TRACKS; i++) {
        struct in_track          *t = &in->tracks[i];
        struct sl_rtp_pack_params pr;

        if (!track_ready(t)) {
            continue;
        }
        memset(&pr, 0, sizeof(pr));
        pr.sps = t->sps, pr.sps_len = t->sps_len;
        pr.pps = t->pps, pr.pps_len = t->pps_len;
        pr.vps = t->vps, pr.vps_len = t->vps_len;
        pr.asc = t->asc, pr.asc_len = t->asc_len;
        pr.channels =
            t->ts.codec == SL_CODEC_OPUS
                ? (uint32_t)(t->ts.opus_channels > 0 ? t->ts.opus_channels
                                                     : t->ts.channels)
                : (uint32_t)t->ts.channels;
        pr.rate = t->ts.sample_rate;
        if (sl_track_init(&d.tracks[d.ntracks], t->ts.codec,
                          (uint8_t)(96 + d.ntracks), &pr)
            < 0)
        {
            sl_log_warn(in->log, "track %d (%s) cannot be described; skipped",
                        i, sl_codec_label(t->ts.codec));
            continue;
        }
        t->index = (int)d.ntracks;
        if (d.key_track < 0 && d.tracks[d.ntracks].is_video) {
            d.key_track = t->index;
        }
        d.ntracks++;
    }
    if (d.ntracks == 0) {
        if (force) {
            in->first_ns = sl_now_ns(); /* try again after another deadline */
        }
        return;
    }
    sl_runtime_stream_opts(pc, &o);
    in->stream = sl_stream_new(in->w, in->path, &d, &o);
    for (size_t i = 0; i < d.ntracks; i++) {
        sl_free(d.tracks[i].fmtp);
    }
    for (int i = 0; i < in->ntracks; i++) {
        struct in_track *t = &in->tracks[i];

        if (t->index < 0) {
            continue;
        }
        if (t->ts.codec == SL_CODEC_AAC) {
            sl_stream_set_params(in->stream, (size_t)t->index, NULL, 0, t->asc,
                                 t->asc_len, NULL, 0);
        } else if (t->sps_len > 0) {
            sl_stream_set_params(in->stream, (size_t)t->index, t->vps,
                                 t->vps_len, t->sps, t->sps_len, t->pps,
                                 t->pps_len);
        }
    }
    sl_pm_publisher_ready(in->path, in->pub, in->stream);
    sl_log_info(
        in->log, "is publishing to path '%s', %s", in->path,
        sl_stream_tracks_label(&in->stream->desc, label, sizeof(label)));
    for (size_t i = 0; i < in->npending; i++) {
        struct sl_frame *f = in->pending[i];

        in->pending[i] = NULL;
        write_frame(in, f);
    }
    in->npending = 0;
}
