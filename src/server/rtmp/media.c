/* Sluice: RTMP publishers' FLV messages into frames; readers' messages out. */
#include "server/rtmp/rtmp.h"
#include "core/encode.h"
#include "core/runtime.h"
#include "core/track.h"
#include "proto/rtp/pack.h"
#include "format/flv.h"
#include "proto/rtmp/chunk.h"
#include "codec/aac.h"
#include "codec/av1.h"
#include "codec/codec.h"
#include "codec/h264.h"
#include "codec/h265.h"
#include "codec/opus.h"
#include "codec/vp9.h"
#include "base/alloc.h"
#include "base/bytes.h"
#include "base/err.h"
#include "base/hmap.h"
#include "base/time.h"

#include <string.h>


#define TRACKS_DEADLINE_NS (2 * SL_NS_PER_SEC)
#define PENDING_VIDEO      0 /* temporary track ids before the stream */
#define PENDING_AUDIO      1
#define OPUS_CLOCK         48000 /* RTP's Opus clock, whatever the rate */


static void           maybe_create_stream(struct rtmp_conn *c, bool force);
static void           emit(struct rtmp_conn *c, struct sl_frame *f);
static void           store_params(struct rtmp_conn *c);
static struct sl_buf *avcc4(const uint8_t *p, size_t len, int length_size,
                            size_t *out_len);
static void video_config(struct rtmp_conn *c, const struct sl_flv_video *v);
static void video_frame(struct rtmp_conn *c, const struct sl_rtmp_media *m,
                        const struct sl_flv_video *v);
static bool ex_key(const struct sl_flv_video *v, const uint8_t *p, size_t len);
static void inband_config(struct rtmp_conn *c, const uint8_t *p, size_t len);
static void audio_opus(struct rtmp_conn *c, const struct sl_rtmp_media *m,
                       const struct sl_flv_audio *a);
static void audio_classic(struct rtmp_conn *c, const struct sl_rtmp_media *m,
                          const struct sl_flv_audio *a);
static void on_reader_frames(struct sl_reader *r);
static void on_reader_close(struct sl_reader *r, int reason);
static void fill_opus(struct sl_track *t, const struct rtmp_conn *c);
static uint64_t config_hash(const uint8_t *p, size_t len);


static bool
keep(uint8_t *dst, size_t *dst_len, const uint8_t *p, size_t len, size_t cap)
{
    if (p == NULL || len == 0 || len > cap) {
        return false;
    }
    memcpy(dst, p, len);
    *dst_len = len;
    return true;
}


/* A publisher's video sequence header: its parameter sets. */
static void
video_config(struct rtmp_conn *c, const struct sl_flv_video *v)
{
    if (v->codec == SL_CODEC_H264) {
        struct sl_h264_config cfg;

        if (sl_h264_avcc_config_parse(v->data, v->len, &cfg) < 0
            || cfg.sps_count == 0 || cfg.pps_count == 0)
        {
            sl_log_warn(&c->log, "invalid H.264 sequence header");
            return;
        }
        keep(c->sps, &c->sps_len, cfg.sps[0], cfg.sps_len[0], sizeof(c->sps));
        keep(c->pps, &c->pps_len, cfg.pps[0], cfg.pps_len[0], sizeof(c->pps));
        c->video.length_size = cfg.length_size;
    } else if (v->codec == SL_CODEC_H265) {
        struct sl_h265_config cfg;

        if (sl_h265_hvcc_config_parse(v->data, v->len, &cfg) < 0
            || cfg.vps_count == 0 || cfg.sps_count == 0 || cfg.pps_count == 0)
        {
            sl_log_warn(&c->log, "invalid H.265 sequence header");
            return;
        }
        keep(c->vps, &c->vps_len, cfg.vps[0], cfg.vps_len[0], sizeof(c->vps));
        keep(c->sps, &c->sps_len, cfg.sps[0], cfg.sps_len[0], sizeof(c->sps));
        keep(c->pps, &c->pps_len, cfg.pps[0], cfg.pps_len[0], sizeof(c->pps));
        c->video.length_size = cfg.length_size;
    } else if (v->codec == SL_CODEC_AV1) {
        struct sl_av1_config cfg;
        struct sl_av1_obu    o;

        /* configOBUs may be empty: the sequence header then comes with
         * the first key unit (inband_config). */
        if (sl_av1_config_parse(v->data, v->len, &cfg) < 0) {
            sl_log_warn(&c->log, "invalid AV1 sequence start");
            return;
        }
        if (cfg.config_obus_len == 0
            || sl_av1_tu_seq_header(cfg.config_obus, cfg.config_obus_len, &o)
                   < 0
            || !keep(c->sps, &c->sps_len, o.data, o.len, sizeof(c->sps)))
        {
            return;
        }
    } else if (v->codec == SL_CODEC_VP9) {
        const uint8_t       *p = v->data;
        size_t               n = v->len;
        struct sl_vp9_config cfg;

        /* The record behind its FullBox header (version 1, flags 0), as
         * E-RTMP writers send it; a bare record is accepted too (its third
         * byte, the bit depth, is never 0). */
        if (n >= 12 && p[0] == 1 && p[1] == 0 && p[2] == 0 && p[3] == 0) {
            p += 4;
            n -= 4;
        }
        if (sl_vp9_config_parse(p, n, &cfg) < 0
            || !keep(c->sps, &c->sps_len, p, 8, sizeof(c->sps)))
        {
            sl_log_warn(&c->log, "invalid VP9 sequence start");
            return;
        }
    } else {
        return;
    }
    c->video.config = true;
    store_params(c);
}


/*
 * E-RTMP's frame type says key or inter.  Publishers that leave it unset
 * (gortmplib writes 0 for AV1 and VP9) get the bitstream's answer.
 */
static bool
ex_key(const struct sl_flv_video *v, const uint8_t *p, size_t len)
{
    if (v->frame_type == SL_FLV_FRAME_INTER
        || v->frame_type == SL_FLV_FRAME_DISPOSABLE)
    {
        return false;
    }
    if (v->key) {
        return true;
    }
    return v->codec == SL_CODEC_AV1 ? sl_av1_tu_is_key(p, len)
                                    : sl_vp9_is_key(p, len);
}


/*
 * An AV1 or VP9 keyframe's own configuration: AV1 repeats the sequence
 * header in every key unit (kept each time, as for H.264 parameter sets);
 * a VP9 keyframe gives the vpcC when the sequence start gave none.
 */
static void
inband_config(struct rtmp_conn *c, const uint8_t *p, size_t len)
{
    if (c->video.codec == SL_CODEC_AV1) {
        struct sl_av1_obu o;

        if (sl_av1_tu_seq_header(p, len, &o) < 0
            || !keep(c->sps, &c->sps_len, o.data, o.len, sizeof(c->sps)))
        {
            return;
        }
    } else {
        struct sl_vp9_frame h;
        struct sl_dbuf      b;

        if (c->video.config || sl_vp9_frame_parse(p, len, &h) < 0) {
            return;
        }
        sl_dbuf_init(&b, sizeof(c->sps));
        if (sl_vp9_config_build(&b, &h) < 0
            || !keep(c->sps, &c->sps_len, sl_dbuf_data(&b), b.len,
                     sizeof(c->sps)))
        {
            sl_dbuf_free(&b);
            return;
        }
        sl_dbuf_free(&b);
    }
    c->video.config = true;
    store_params(c);
}


/* A coded video frame into a frame (AVCC for H.264/H.265, a normalised
 * temporal unit for AV1, the frame or superframe for VP9). */
static void
video_frame(struct rtmp_conn *c, const struct sl_rtmp_media *m,
            const struct sl_flv_video *v)
{
    struct sl_buf   *b = NULL;
    struct sl_frame *f;
    struct sl_dbuf   tu;
    size_t           n = 0;
    bool             key = v->key;
    int              rc;

    switch (v->codec) {
    case SL_CODEC_H264:
    case SL_CODEC_H265:
        b = avcc4(v->data, v->len,
                  c->video.length_size ? c->video.length_size : 4, &n);
        break;
    case SL_CODEC_AV1:
        sl_dbuf_init(&tu, SL_AV1_MAX_TU_SIZE);
        rc = sl_av1_tu_normalize(v->data, v->len, false, &tu);
        if (rc == 0) {
            b = sl_buf_new_copy(v->data, v->len);
            n = v->len;
        } else if (rc > 0) {
            b = sl_buf_new_copy(sl_dbuf_data(&tu), tu.len);
            n = tu.len;
        }
        sl_dbuf_free(&tu);
        break;
    case SL_CODEC_VP9:
        if (v->len <= SL_VPX_MAX_FRAME_SIZE) {
            b = sl_buf_new_copy(v->data, v->len);
            n = v->len;
        }
        break;
    default:
        break;
    }
    if (b == NULL) {
        c->bad_frames++;
        return;
    }
    if (v->codec == SL_CODEC_AV1 || v->codec == SL_CODEC_VP9) {
        key = ex_key(v, b->data, n);
        if (key) {
            inband_config(c, b->data, n);
        }
        if (!c->video.config) {
            sl_buf_unref(&b); /* nothing decodable before the config */
            return;
        }
    }
    f = sl_frame_new(PENDING_VIDEO, b, 0, (uint32_t)n);
    f->dts = (int64_t)m->ts_ms * 90;
    f->pts = ((int64_t)m->ts_ms + v->cts) * 90;
    f->flags = key ? SL_FRAME_KEY : 0;
    emit(c, f);
}


static void
store_params(struct rtmp_conn *c)
{
    if (c->stream == NULL) {
        return;
    }
    if (c->video.index >= 0 && c->video.config) {
        sl_stream_set_params(c->stream, (size_t)c->video.index,
                             c->vps_len ? c->vps : NULL, c->vps_len, c->sps,
                             c->sps_len, c->pps, c->pps_len);
    }
    if (c->audio.index >= 0 && c->asc_len > 0) {
        sl_stream_set_params(c->stream, (size_t)c->audio.index, NULL, 0, c->asc,
                             c->asc_len, NULL, 0);
    }
}


/* NALUs with length prefixes of length_size bytes, as 4-byte ones. */
static struct sl_buf *
avcc4(const uint8_t *p, size_t len, int length_size, size_t *out_len)
{
    struct sl_buf *b;
    size_t         off = 0, n = 0;

    if (length_size == 4) {
        *out_len = len;
        return sl_buf_new_copy(p, len);
    }
    if (length_size < 1 || length_size > 4) {
        return NULL;
    }
    b = sl_buf_new(len + len / 1 * 3 + 16);
    while (off < len) {
        size_t nal = 0;
        int    i;

        if (len - off < (size_t)length_size) {
            sl_buf_unref(&b);
            return NULL;
        }
        for (i = 0; i < length_size; i++) {
            nal = (nal << 8) | p[off + (size_t)i];
        }
        off += (size_t)length_size;
        if (nal > len - off || n + 4 + nal > b->cap) {
            sl_buf_unref(&b);
            return NULL;
        }
        sl_wb32(b->data + n, (uint32_t)nal);
        memcpy(b->data + n + 4, p + off, nal);
        n += 4 + nal;
        off += nal;
    }
    b->len = n;
    *out_len = n;
    return b;
}


void
rtmp_publish_media(struct rtmp_conn *c, const struct sl_rtmp_media *m)
{
    if (m->type == SL_RTMP_MSG_DATA_AMF0) {
        struct sl_flv_meta meta;

        if (sl_flv_meta_parse(m->data, m->len, &meta) == 0) {
            c->meta_seen = true;
            c->meta_video = meta.has_video || meta.videocodecid != 0;
            c->meta_audio = meta.has_audio || meta.audiocodecid != 0;
        }
        return;
    }
    if (m->type == SL_RTMP_MSG_VIDEO) {
        struct sl_flv_video v;

        if (sl_flv_video_parse(m->data, m->len, &v) < 0
            || (v.codec != SL_CODEC_H264 && v.codec != SL_CODEC_H265
                && v.codec != SL_CODEC_AV1 && v.codec != SL_CODEC_VP9))
        {
            return;
        }
        if (c->video.present && v.codec != c->video.codec) {
            return; /* a second video codec: ignored */
        }
        c->video.present = true;
        c->video.codec = v.codec;
        if (v.packet_type == SL_FLV_PKT_SEQUENCE_START) {
            video_config(c, &v);
        } else if (v.packet_type == SL_FLV_PKT_CODED_FRAMES && v.len > 0) {
            video_frame(c, m, &v);
        }
    } else if (m->type == SL_RTMP_MSG_AUDIO) {
        struct sl_flv_audio a;

        if (sl_flv_audio_parse(m->data, m->len, &a) < 0
            || (a.codec != SL_CODEC_AAC && a.codec != SL_CODEC_MP3
                && a.codec != SL_CODEC_OPUS))
        {
            return;
        }
        if (c->audio.present && a.codec != c->audio.codec) {
            return;
        }
        c->audio.present = true;
        c->audio.codec = a.codec;
        if (a.codec == SL_CODEC_OPUS) {
            audio_opus(c, m, &a);
        } else {
            audio_classic(c, m, &a);
        }
    }
    maybe_create_stream(c, false);
}


/* AAC (sequence header, then raw AUs) and MP3. */
static void
audio_classic(struct rtmp_conn *c, const struct sl_rtmp_media *m,
              const struct sl_flv_audio *a)
{
    struct sl_frame *f;
    uint32_t         clock;

    if (a->codec == SL_CODEC_AAC && a->packet_type == SL_FLV_PKT_SEQUENCE_START)
    {
        struct sl_aac_config cfg;

        if (sl_aac_asc_parse(a->data, a->len, &cfg) == 0
            && keep(c->asc, &c->asc_len, a->data, a->len, sizeof(c->asc)))
        {
            c->audio.rate = cfg.sample_rate;
            c->audio.channels = (uint32_t)cfg.channels;
            c->audio.config = true;
            store_params(c);
        }
        return;
    }
    if (a->packet_type != SL_FLV_PKT_CODED_FRAMES || a->len == 0) {
        return;
    }
    if (a->codec == SL_CODEC_AAC && !c->audio.config) {
        return; /* undecodable without its configuration */
    }
    if (a->codec == SL_CODEC_MP3) {
        c->audio.config = true;
        c->audio.rate = 90000; /* MPA RTP clock */
        c->audio.channels = (uint32_t)a->channels;
    }
    clock = c->audio.rate;
    f = sl_frame_new(PENDING_AUDIO, sl_buf_new_copy(a->data, a->len), 0,
                     (uint32_t)a->len);
    f->pts = f->dts = (int64_t)m->ts_ms * clock / 1000;
    f->flags = SL_FRAME_KEY;
    emit(c, f);
}


/*
 * E-RTMP Opus: the sequence start carries the OpusHead (or, which the
 * specification also allows, the OpusTags comment header: ignored); coded
 * frames are one packet each.  Without an OpusHead the channel count comes
 * from the first packet's TOC (stereo flag).
 */
static void
audio_opus(struct rtmp_conn *c, const struct sl_rtmp_media *m,
           const struct sl_flv_audio *a)
{
    struct sl_opus_head h;
    struct sl_frame    *f;

    if (a->packet_type == SL_FLV_PKT_SEQUENCE_START) {
        if (a->len >= 8 && memcmp(a->data, "OpusTags", 8) == 0) {
            return;
        }
        if (sl_opus_head_parse(a->data, a->len, &h) < 0
            || !keep(c->asc, &c->asc_len, a->data, a->len, sizeof(c->asc)))
        {
            sl_log_warn(&c->log, "invalid Opus sequence start");
            return;
        }
        c->audio.rate = OPUS_CLOCK;
        c->audio.channels = h.channels;
        c->audio.config = true;
        store_params(c);
        return;
    }
    if (a->packet_type != SL_FLV_PKT_CODED_FRAMES || a->len == 0) {
        return;
    }
    if (!c->audio.config) {
        c->audio.rate = OPUS_CLOCK;
        c->audio.channels = (a->data[0] & 0x04) ? 2 : 1;
        c->audio.config = true;
    }
    f = sl_frame_new(PENDING_AUDIO, sl_buf_new_copy(a->data, a->len), 0,
                     (uint32_t)a->len);
    f->pts = f->dts = (int64_t)m->ts_ms * (OPUS_CLOCK / 1000);
    f->flags = SL_FRAME_KEY;
    emit(c, f);
}


static void
emit(struct rtmp_conn *c, struct sl_frame *f)
{
    f->wall_ns = sl_wall_ns();
    f->recv_ns = sl_now_ns();
    if (c->stream == NULL) {
        if (c->npending == RTMP_PENDING_MAX) {
            maybe_create_stream(c, true);
        }
        if (c->stream == NULL) {
            if (c->pending == NULL) {
                c->pending = sl_calloc(RTMP_PENDING_MAX, sizeof(*c->pending));
            }
            if (c->npending < RTMP_PENDING_MAX) {
                c->pending[c->npending++] = f;
            } else {
                sl_frame_unref(&f);
            }
            return;
        }
    }
    f->track =
        (uint8_t)(f->track == PENDING_VIDEO ? c->video.index : c->audio.index);
    sl_stream_write(c->stream, f);
}


/*
 * An Opus track as RTSP describes it: opus/48000/2 with sprop-stereo for
 * one or two channels (RFC 7587); more channels as multiopus/48000/N with
 * the OpusHead's stream counts and mapping (MediaMTX's format).
 */
static void
fill_opus(struct sl_track *t, const struct rtmp_conn *c)
{
    struct sl_opus_head h;
    struct sl_dbuf      fmtp;
    int                 i;

    t->pt = 97;
    t->clock_rate = OPUS_CLOCK;
    if (c->audio.channels <= 2 || sl_opus_head_parse(c->asc, c->asc_len, &h) < 0
        || h.mapping_family == 0)
    {
        sl_strlcpy(t->encoding, "opus", sizeof(t->encoding));
        t->channels = 2;
        t->fmtp = sl_strdup(c->audio.channels == 1 ? "sprop-stereo=0"
                                                   : "sprop-stereo=1");
        return;
    }
    sl_strlcpy(t->encoding, "multiopus", sizeof(t->encoding));
    t->channels = h.channels;
    sl_dbuf_init(&fmtp, 2048);
    sl_dbuf_printf(&fmtp, "num_streams=%d;coupled_streams=%d;channel_mapping=",
                   h.stream_count, h.coupled_count);
    for (i = 0; i < h.channels; i++) {
        sl_dbuf_printf(&fmtp, i > 0 ? ",%d" : "%d", h.mapping[i]);
    }
    sl_dbuf_add(&fmtp, "", 1);
    t->fmtp = sl_strdup((const char *)sl_dbuf_data(&fmtp));
    sl_dbuf_free(&fmtp);
}


/* Describes the publisher's video or audio track (0, or an error: skip). */
static int
fill_track(struct sl_track *t, const struct rtmp_conn *c, bool video)
{
    const struct rtmp_in_track *in = video ? &c->video : &c->audio;
    struct sl_rtp_pack_params   pr;

    memset(&pr, 0, sizeof(pr));
    if (video) {
        pr.vps = c->vps, pr.vps_len = c->vps_len;
        pr.sps = c->sps, pr.sps_len = c->sps_len;
        pr.pps = c->pps, pr.pps_len = c->pps_len;
    } else if (in->codec == SL_CODEC_OPUS && in->channels > 2) {
        memset(t, 0, sizeof(*t));
        t->codec = in->codec;
        sl_strlcpy(t->media, "audio", sizeof(t->media));
        fill_opus(t, c);
        return 0;
    } else {
        pr.asc = c->asc, pr.asc_len = c->asc_len;
        pr.channels = in->channels;
    }
    return sl_track_init(t, in->codec, video ? 96 : 97, &pr);
}


/* Creates the stream once the tracks are known (or it is time). */
static void
maybe_create_stream(struct rtmp_conn *c, bool force)
{
    const struct sl_path_conf *pc;
    struct sl_pm_err           err;
    struct sl_stream_desc      d;
    struct sl_stream_opts      o;
    bool                       want_video, want_audio, video_ok, audio_ok;
    char                       label[256];
    size_t                     i;

    if (c->stream != NULL || (!c->video.present && !c->audio.present)) {
        return;
    }
    want_video = c->meta_seen ? c->meta_video : c->video.present;
    want_audio = c->meta_seen ? c->meta_audio : c->audio.present;
    video_ok = !want_video || (c->video.present && c->video.config);
    audio_ok = !want_audio || (c->audio.present && c->audio.config);
    if (!force && !(video_ok && audio_ok)
        && sl_now_ns() - c->publish_ns < TRACKS_DEADLINE_NS)
    {
        return;
    }
    pc = sl_pm_find_conf(c->path, &err);
    if (pc == NULL) {
        rtmp_conn_close(c, err.msg);
        return;
    }
    memset(&d, 0, sizeof(d));
    d.key_track = -1;
    d.native_fmt = -1;
    if (c->video.present && c->video.config
        && fill_track(&d.tracks[d.ntracks], c, true) == 0)
    {
        c->video.index = (int)d.ntracks++;
        d.key_track = c->video.index;
    }
    if (c->audio.present && c->audio.config
        && fill_track(&d.tracks[d.ntracks], c, false) == 0)
    {
        c->audio.index = (int)d.ntracks++;
    }
    if (d.ntracks == 0) {
        return;
    }
    sl_runtime_stream_opts(pc, &o);
    c->stream = sl_stream_new(c->w, c->path, &d, &o);
    for (i = 0; i < d.ntracks; i++) {
        sl_free(d.tracks[i].fmtp); /* sl_stream_new copied them */
    }
    store_params(c);
    sl_pm_publisher_ready(c->path, &c->pub, c->stream);
    sl_log_info(&c->log, "is publishing to path '%s', %s", c->path,
                sl_stream_tracks_label(&c->stream->desc, label, sizeof(label)));
    for (i = 0; i < c->npending; i++) {
        struct sl_frame *f = c->pending[i];

        c->pending[i] = NULL;
        if ((f->track == PENDING_VIDEO && c->video.index < 0)
            || (f->track == PENDING_AUDIO && c->audio.index < 0))
        {
            sl_frame_unref(&f);
            continue;
        }
        emit(c, f);
    }
    c->npending = 0;
    sl_free(c->pending);
    c->pending = NULL;
}


void
rtmp_publish_tick(struct rtmp_conn *c, uint64_t now_ns)
{
    (void)now_ns;
    if (c->bad_frames > 0) {
        sl_log_warn(&c->log, "%llu malformed video frames dropped",
                    (unsigned long long)c->bad_frames);
        c->bad_frames = 0;
    }
    maybe_create_stream(c, false);
}


void
rtmp_publish_end(struct rtmp_conn *c)
{
    size_t i;

    for (i = 0; i < c->npending; i++) {
        sl_frame_unref(&c->pending[i]);
    }
    c->npending = 0;
    sl_free(c->pending);
    c->pending = NULL;
    if (c->stream != NULL) {
        sl_stream_close(c->stream);
        sl_stream_unref(&c->stream);
    }
    if (c->pub_claimed) {
        sl_pm_publisher_remove(c->path, &c->pub);
        sl_worker_handle_del(c->w, c->pub.handle);
        c->pub_claimed = false;
    }
}


/* --- reading ------------------------------------------------------------- */


static bool
reader_can_take(const struct rtmp_conn *c, int codec)
{
    switch (codec) {
    case SL_CODEC_H264:
    case SL_CODEC_AAC:
    case SL_CODEC_AAC_LATM:
    case SL_CODEC_MP3:
    case SL_CODEC_G711:
        return true;
    case SL_CODEC_H265:
        return (c->fourcc & SL_RTMP_FOURCC_HVC1) != 0;
    case SL_CODEC_AV1:
        return (c->fourcc & SL_RTMP_FOURCC_AV01) != 0;
    case SL_CODEC_VP9:
        return (c->fourcc & SL_RTMP_FOURCC_VP09) != 0;
    case SL_CODEC_OPUS:
        return (c->fourcc & SL_RTMP_FOURCC_OPUS) != 0;
    default:
        return false;
    }
}


int
rtmp_play_start(struct rtmp_conn *c, struct sl_pm_err *err)
{
    struct sl_stream  *st = sl_pm_reader_add(c->path, err);
    struct sl_flv_meta meta;
    struct sl_dbuf     body;
    char               label[256];
    size_t             i;
    int                rc;

    if (st == NULL) {
        return err->status == 404 ? SL_ENOTFOUND : SL_EINVAL;
    }
    c->track_mask = 0;
    memset(&meta, 0, sizeof(meta));
    for (i = 0; i < st->desc.ntracks; i++) {
        const struct sl_track *t = &st->desc.tracks[i];

        if (!reader_can_take(c, t->codec)) {
            continue;
        }
        c->track_mask |= 1u << i;
        if (t->is_video && !meta.has_video) {
            meta.has_video = true;
            meta.videocodecid = sl_flv_meta_codec_id(t->codec);
            meta.width = t->width;
            meta.height = t->height;
        } else if (!t->is_video && !meta.has_audio) {
            int codec = t->codec == SL_CODEC_AAC_LATM ? SL_CODEC_AAC : t->codec;

            meta.has_audio = true;
            meta.audiocodecid = sl_flv_meta_codec_id(codec);
            meta.audiosamplerate = t->clock_rate;
            meta.audiochannels = t->channels;
            meta.stereo = t->channels == 2;
        }
    }
    if (c->track_mask == 0) {
        err->status = 400;
        sl_snprintf(err->msg, sizeof(err->msg),
                    "the stream doesn't contain any supported codec, which "
                    "are currently H264, MPEG-4 Audio, MPEG-1/2 Audio, G711 "
                    "(and with Enhanced RTMP H265, AV1, VP9, Opus)");
        sl_pm_reader_remove(c->path);
        sl_stream_unref(&st);
        return SL_EUNSUP;
    }
    /* onMetaData and the sequence headers, before any frame. */
    sl_dbuf_init(&body, 4096);
    if (sl_flv_meta_write(&body, &meta, false) == 0) {
        sl_rtmp_write_message(&c->ctl, SL_RTMP_CSID_DATA, SL_RTMP_MSG_DATA_AMF0,
                              c->msid, 0, sl_dbuf_data(&body), body.len,
                              sl_rtmp_session_out_chunk_size(c->rs));
    }
    sl_dbuf_free(&body);
    c->cfg_sent = 0;
    for (i = 0; i < st->desc.ntracks; i++) {
        size_t before = c->ctl.len;

        if ((c->track_mask & (1u << i))
            && sl_flv_write_config(st, i, c->msid, 0, &c->ctl, NULL) > 0)
        {
            c->cfg_hash[i] = config_hash(sl_dbuf_data(&c->ctl) + before,
                                         c->ctl.len - before);
            c->cfg_sent |= 1u << i;
        }
    }
    c->stream = st;
    c->role = RTMP_ROLE_READ;
    sl_wl32(c->msid_le, c->msid);
    memset(&c->reader, 0, sizeof(c->reader));
    c->reader.fmt = SL_FMT_FLV;
    c->reader.use_gop = sl_rt.conf->rtmp_gop_cache;
    c->reader.on_frames = on_reader_frames;
    c->reader.on_close = on_reader_close;
    c->reader.ud = c;
    c->reader.log = &c->log;
    rc = sl_stream_reader_add(st, &c->reader);
    if (rc < 0) {
        err->status = 404;
        sl_snprintf(err->msg, sizeof(err->msg),
                    "no stream is available on path '%s'", c->path);
        sl_dbuf_reset(&c->ctl);
        sl_pm_reader_remove(c->path);
        sl_stream_unref(&c->stream);
        c->role = RTMP_ROLE_NONE;
        return SL_ENOTFOUND;
    }
    if (sl_rt.conf->write_socket_buffer > 0) {
        int fd, sz = (int)sl_rt.conf->write_socket_buffer;

        if (sl_sio_fileno(&c->io, &fd) == 0) {
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
        }
    }
    c->reading = true;
    sl_log_info(&c->log, "is reading from path '%s', %s", c->path,
                sl_stream_tracks_label(&st->desc, label, sizeof(label)));
    return 0;
}


void
rtmp_play_stop(struct rtmp_conn *c)
{
    if (!c->reading) {
        return;
    }
    c->reading = false;
    sl_stream_reader_remove(&c->reader);
    sl_pm_reader_remove(c->path);
    sl_stream_unref(&c->stream);
}


static void
on_reader_frames(struct sl_reader *r)
{
    rtmp_conn_media_ready(r->ud);
}


static void
on_reader_close(struct sl_reader *r, int reason)
{
    struct rtmp_conn *c = r->ud;

    if (reason == SL_ECLOSED) {
        /* The publisher left: tell the player, then close. */
        rtmp_play_stop(c);
        sl_rtmp_session_unpublish_notify(c->rs, c->msid);
        c->close_after_write = true;
        rtmp_conn_flush(c);
        return;
    }
    rtmp_conn_close(c, reason == SL_ETIMEOUT
                           ? "write timeout: the reader is too slow"
                           : "the reader is too slow");
}


/*
 * Identifies a sequence start message by its body: what follows its type-0
 * chunk header (12 bytes, 16 with an extended timestamp), so that the same
 * record sent on another stream id or timestamp compares equal.
 */
static uint64_t
config_hash(const uint8_t *p, size_t len)
{
    size_t h = len >= 12 && sl_rb24(p + 1) == 0xFFFFFF ? 16 : 12;

    return len > h ? sl_hash64(p + h, len - h) : 0;
}


int
rtmp_play_fill_iov(struct rtmp_conn *c, uv_buf_t *iov, int max)
{
    int    n = 0;
    size_t bytes = 0;

    while (n + 3 * 2 <= max && bytes < (1u << 20)) {
        struct sl_frame           *f = sl_reader_peek(&c->reader);
        const struct sl_frame_enc *e;
        uint32_t                   i;

        if (f == NULL) {
            break;
        }
        e = sl_frame_enc_get(f, SL_FMT_FLV);
        if (e == NULL || !(c->track_mask & (1u << f->track))) {
            sl_reader_advance(&c->reader);
            continue;
        }
        for (i = 0; i < e->nparts; i++) {
            const uint8_t *p = e->buf->data + e->parts[i].off;
            uint32_t       len = e->parts[i].len;

            if (i == 0 && e->nparts == 2) {
                /* The track's sequence start: skipped when this reader
                 * already has the same one (sent when it joined). */
                uint64_t h = config_hash(p, len);

                if ((c->cfg_sent & (1u << f->track))
                    && c->cfg_hash[f->track] == h) {
                    continue;
                }
                c->cfg_hash[f->track] = h;
                c->cfg_sent |= 1u << f->track;
            }

            if (c->msid == 1 || len < 12) {
                iov[n].base = (char *)p;
                iov[n].len = len;
                n++;
            } else {
                /* The shared message is on stream 1: patch the msid of
                 * its type-0 header (bytes 8..11 after a 1-byte basic
                 * header) with ours. */
                iov[n].base = (char *)p;
                iov[n].len = 8;
                iov[n + 1].base = (char *)c->msid_le;
                iov[n + 1].len = 4;
                iov[n + 2].base = (char *)p + 12;
                iov[n + 2].len = len - 12;
                n += 3;
            }
            bytes += len;
        }
        sl_reader_advance(&c->reader);
    }
    return n;
}
