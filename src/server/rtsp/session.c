/* Sluice: RTSP sessions: publishing RTP into frames, reading frames out. */
#include "server/rtsp/rtsp.h"
#include "core/runtime.h"
#include "net/addr.h"
#include "codec/codec.h"
#include "format/sdp.h"
#include "proto/rtp/pack.h"
#include "proto/rtp/rtp.h"
#include "base/alloc.h"
#include "base/bytes.h"
#include "base/crypto.h"
#include "base/err.h"
#include "base/time.h"

#include <string.h>


#define SR_INTERVAL_NS (5 * SL_NS_PER_SEC)
#define PENDING_CAP    (8u << 20)
#define UDP_BATCH      64


struct au_ctx {
    struct rtsp_session *s;
    size_t               track;
    uint32_t             pkt_ts;
};


static void on_reader_frames(struct sl_reader *r);
static void on_reader_close(struct sl_reader *r, int reason);
static void on_kicked(struct sl_publisher *p);
static void ingest_rtp(struct rtsp_conn *c, struct rtsp_session *s,
                       size_t track, const uint8_t *p, size_t len);
static void ingest_rtcp(struct rtsp_session *s, size_t track, const uint8_t *p,
                        size_t len);
static void on_au(void *ud, const struct sl_rtp_au *au);
static struct sl_frame_enc *take_packets(struct pub_track *t, uint32_t ts);
static void                 send_sr(struct rtsp_conn *c, struct rtsp_session *s,
                                    uint64_t now_ns);
static void                 send_rr(struct rtsp_conn *c, struct rtsp_session *s,
                                    uint64_t now_ns);
static void send_rtcp(struct rtsp_conn *c, struct session_track *t,
                      uint8_t *pkt, int len);


struct rtsp_session *
rtsp_session_new(struct rtsp_conn *c)
{
    struct rtsp_session *s = sl_calloc(1, sizeof(*s));
    uint8_t              id[8];

    s->conn = c;
    sl_rand_bytes(id, sizeof(id));
    sl_hex_encode(id, sizeof(id), s->id);
    sl_uuid(s->uuid);
    sl_log_init(&s->log, &sl_rtsp_srv.log, "[session %s]", s->id);
    s->state = SS_INITIAL;
    s->last_keepalive_ns = sl_now_ns();
    sl_log_info(&s->log, "created by %s", c->peer_str);
    return s;
}


void
rtsp_session_free(struct rtsp_conn *c, struct rtsp_session *s,
                  const char *reason)
{
    size_t i;

    for (i = 0; i < s->ntracks; i++) {
        struct session_track   *t = &s->tracks[i];
        struct sockaddr_storage a = c->peer;

        if (t->setup && t->proto == SL_RTSP_PROTO_UDP) {
            sl_addr_set_port(&a, t->client_port[0]);
            sl_udp_mux_unroute(&sl_rtsp_srv.rtp, (struct sockaddr *)&a,
                               c->handle);
            sl_addr_set_port(&a, t->client_port[1]);
            sl_udp_mux_unroute(&sl_rtsp_srv.rtcp, (struct sockaddr *)&a,
                               c->handle);
        }
    }
    if (s->reading) {
        rtsp_session_stop_play(s);
    }
    if (s->state == SS_PREPLAY || s->state == SS_PLAY) {
        if (s->stream != NULL) {
            sl_pm_reader_remove(s->path);
        }
    }
    if (s->pub_claimed) {
        if (s->stream != NULL) {
            sl_stream_close(s->stream);
        }
        sl_pm_publisher_remove(s->path, &s->pub);
        sl_worker_handle_del(c->w, s->pub.handle);
    }
    sl_stream_unref(&s->stream);
    for (i = 0; i < SL_STREAM_MAX_TRACKS; i++) {
        struct pub_track *pt = s->tracks[i].pub;

        if (pt != NULL) {
            sl_rtp_depack_free(&pt->depack);
            sl_dbuf_free(&pt->pending);
            sl_freep(&s->tracks[i].pub);
        }
        if (s->desc_owned) {
            sl_free(s->desc.tracks[i].fmtp);
        }
    }
    sl_log_info(&s->log, "destroyed: %s", reason);
    sl_free(s->base_url);
    sl_free(s);
}


int
rtsp_session_announce(struct rtsp_conn *c, struct rtsp_session *s,
                      const char *path, struct sl_str body,
                      struct sl_pm_err *err)
{
    struct sl_sdp *sdp = sl_malloc(sizeof(*sdp));
    size_t         i;
    int            rc;

    rc = sl_sdp_parse(body.p, body.len, sdp);
    if (rc < 0 || sdp->nmedia == 0) {
        sl_free(sdp);
        err->status = 400;
        sl_snprintf(err->msg, sizeof(err->msg), "invalid SDP: %s",
                    rc < 0 ? sl_strerror(rc) : "no media");
        return SL_EBADDATA;
    }
    if (sdp->nmedia > SL_STREAM_MAX_TRACKS) {
        sl_free(sdp);
        err->status = 400;
        sl_snprintf(err->msg, sizeof(err->msg), "too many tracks");
        return SL_ELIMIT;
    }
    memset(&s->desc, 0, sizeof(s->desc));
    s->desc_owned = true;
    s->desc.key_track = -1;
    s->desc.native_fmt = SL_FMT_RTP; /* the original packets */
    for (i = 0; i < sdp->nmedia; i++) {
        const struct sl_sdp_media  *m = &sdp->media[i];
        const struct sl_sdp_format *f;
        struct session_track       *t = &s->tracks[i];
        struct sl_track            *d = &s->desc.tracks[i];

        if (m->nformats == 0) {
            sl_free(sdp);
            err->status = 400;
            sl_snprintf(err->msg, sizeof(err->msg), "media %zu has no format",
                        i);
            return SL_EBADDATA;
        }
        f = &m->formats[0];
        t->pub = sl_calloc(1, sizeof(*t->pub));
        sl_dbuf_init(&t->pub->pending, PENDING_CAP);
        rc = sl_rtp_format_from_sdp(&t->pub->fmt, f->pt, f->encoding,
                                    f->clock_rate, f->channels, f->fmtp);
        if (rc < 0 || f->clock_rate == 0) {
            err->status = 400;
            sl_snprintf(err->msg, sizeof(err->msg),
                        "invalid format in media %zu (%.*s/%u): %s", i,
                        (int)(f->encoding.len < 32 ? f->encoding.len : 32),
                        f->encoding.p, f->clock_rate,
                        rc < 0 ? sl_strerror(rc) : "no clock rate");
            sl_free(sdp);
            return SL_EBADDATA;
        }
        t->pub->depack = sl_rtp_depack_new(&t->pub->fmt);
        sl_h264_dts_init(&t->pub->h264_dts);
        sl_h265_dts_init(&t->pub->h265_dts);
        sl_rtp_stats_init(&t->pub->stats, f->clock_rate);
        d->codec = t->pub->fmt.codec;
        d->pt = f->pt;
        d->clock_rate = f->clock_rate;
        d->channels = f->channels;
        d->is_video = sl_codec_is_video(t->pub->fmt.codec)
                      || sl_str_eq_cstr(m->type, "video");
        sl_snprintf(d->media, sizeof(d->media), "%.*s",
                    (int)(m->type.len < 15 ? m->type.len : 15), m->type.p);
        sl_snprintf(d->encoding, sizeof(d->encoding), "%.*s",
                    (int)(f->encoding.len < 31 ? f->encoding.len : 31),
                    f->encoding.p);
        d->fmtp = f->fmtp.len > 0 ? sl_str_dup(f->fmtp) : NULL;
        sl_snprintf(t->control, sizeof(t->control), "%.*s",
                    (int)(m->control.len < 127 ? m->control.len : 127),
                    m->control.p);
        if (d->is_video && s->desc.key_track < 0) {
            s->desc.key_track = (int)i;
        }
    }
    s->desc.ntracks = sdp->nmedia;
    s->ntracks = sdp->nmedia;
    sl_free(sdp);
    sl_strlcpy(s->path, path, sizeof(s->path));
    s->pub.w = c->w;
    s->pub.kick = on_kicked;
    s->pub.type = "rtspSession";
    sl_strlcpy(s->pub.id, s->uuid, sizeof(s->pub.id));
    s->pub.handle = sl_worker_handle_add(c->w, &s->pub);
    rc = sl_pm_publisher_add(path, &s->pub, err);
    if (rc < 0) {
        sl_worker_handle_del(c->w, s->pub.handle);
        return rc;
    }
    s->pub_claimed = true;
    s->state = SS_ANNOUNCED;
    return 0;
}


/* Runs on the publisher's worker when another publisher took the path. */
static void
on_kicked(struct sl_publisher *p)
{
    struct rtsp_session *s = sl_container_of(p, struct rtsp_session, pub);

    rtsp_conn_close(s->conn, "another publisher took the path");
}


int
rtsp_session_start_record(struct rtsp_conn *c, struct rtsp_session *s)
{
    const struct sl_path_conf *pc;
    struct sl_pm_err           err;
    struct sl_stream_opts      o;
    char                       label[256];
    size_t                     i;

    for (i = 0; i < s->ntracks; i++) {
        if (!s->tracks[i].setup) {
            sl_log_warn(&s->log, "track %zu was not set up", i);
        }
    }
    pc = sl_pm_find_conf(s->path, &err);
    if (pc == NULL) {
        return SL_ENOTFOUND;
    }
    sl_runtime_stream_opts(pc, &o);
    s->stream = sl_stream_new(c->w, s->path, &s->desc, &o);
    /* Parameter sets and audio configuration from the SDP, for readers of
     * other protocols and late joiners. */
    for (i = 0; i < s->ntracks; i++) {
        struct pub_track           *pt = s->tracks[i].pub;
        const struct sl_rtp_format *f = &pt->fmt;

        if (f->codec == SL_CODEC_H264 || f->codec == SL_CODEC_H265) {
            sl_stream_set_params(s->stream, i, f->vps, f->vps_len, f->sps,
                                 f->sps_len, f->pps, f->pps_len);
            sl_h264_dts_set_params(&pt->h264_dts, f->sps_len ? f->sps : NULL,
                                   f->sps_len, f->pps_len ? f->pps : NULL,
                                   f->pps_len);
            sl_h265_dts_set_params(&pt->h265_dts, f->vps_len ? f->vps : NULL,
                                   f->vps_len, f->sps_len ? f->sps : NULL,
                                   f->sps_len, f->pps_len ? f->pps : NULL,
                                   f->pps_len);
        } else if (f->codec == SL_CODEC_AAC) {
            sl_stream_set_params(s->stream, i, NULL, 0, f->asc, f->asc_len,
                                 NULL, 0);
        } else if (f->codec == SL_CODEC_AAC_LATM) {
            sl_stream_set_params(s->stream, i, NULL, 0, f->latm.asc,
                                 f->latm.asc_len, NULL, 0);
        }
    }
    sl_pm_publisher_ready(s->path, &s->pub, s->stream);
    s->state = SS_RECORD;
    s->last_media_ns = sl_now_ns();
    s->record_start_ns = s->last_media_ns;
    s->next_rr_ns = s->last_media_ns + SR_INTERVAL_NS;
    s->rr_ssrc = sl_rand_u32();
    sl_log_info(&s->log, "is publishing to path '%s', %s", s->path,
                sl_stream_tracks_label(&s->desc, label, sizeof(label)));
    return 0;
}


/* --- publishing ---------------------------------------------------------- */


void
rtsp_session_interleaved(struct rtsp_conn *c, struct rtsp_session *s,
                         uint8_t ch, const uint8_t *p, size_t len)
{
    size_t i;

    for (i = 0; i < s->ntracks; i++) {
        struct session_track *t = &s->tracks[i];

        if (!t->setup || t->proto != SL_RTSP_PROTO_TCP) {
            continue;
        }
        if (ch == t->ch_rtp) {
            if (s->state == SS_RECORD) {
                ingest_rtp(c, s, i, p, len);
            }
            return;
        }
        if (ch == t->ch_rtcp) {
            ingest_rtcp(s, i, p, len);
            return;
        }
    }
}


void
rtsp_session_udp_batch(struct sl_worker *w, struct sl_udp_batch *b)
{
    struct rtsp_conn    *c = sl_worker_handle_get(w, b->id);
    struct rtsp_session *s;
    size_t               track = b->tag / 2, i;

    if (c == NULL || c->closing || c->session == NULL) {
        return;
    }
    s = c->session;
    if (track >= s->ntracks) {
        return;
    }
    for (i = 0; i < b->n; i++) {
        const uint8_t *p = b->data + b->off[i];

        if (b->tag & 1) {
            ingest_rtcp(s, track, p, b->len[i]);
        } else if (s->state == SS_RECORD) {
            ingest_rtp(c, s, track, p, b->len[i]);
        }
    }
}


static void
ingest_rtcp(struct rtsp_session *s, size_t track, const uint8_t *p, size_t len)
{
    struct sl_rtcp_pkt pkts[8];
    int                n = sl_rtcp_parse(p, len, pkts, 8), i;

    s->last_keepalive_ns = sl_now_ns();
    s->last_media_ns = s->last_keepalive_ns;
    for (i = 0; i < n; i++) {
        if (pkts[i].type == SL_RTCP_SR && track < s->ntracks
            && s->tracks[track].pub != NULL)
        {
            sl_rtp_stats_on_sr(&s->tracks[track].pub->stats, pkts[i].ntp,
                               s->last_keepalive_ns);
        }
    }
}


static void
ingest_rtp(struct rtsp_conn *c, struct rtsp_session *s, size_t track,
           const uint8_t *p, size_t len)
{
    struct pub_track *t = s->tracks[track].pub;
    struct sl_rtp_pkt pkt;
    struct au_ctx     ctx;
    uint8_t          *d;

    if (t == NULL) {
        return;
    }
    s->last_media_ns = sl_now_ns();
    s->packets_in++;
    if (sl_rtp_parse(p, len, &pkt) < 0 || len > 0xffff) {
        return;
    }
    if (sl_rtp_stats_update(&t->stats, pkt.seq, pkt.ts, pkt.ssrc,
                            s->last_media_ns)
        > 0)
    {
        s->packets_lost++;
    }
    if (!t->have_ts) {
        /* One timeline for all tracks: a track starts at the time its first
         * packet arrived, counted from the start of recording. */
        uint64_t since = s->last_media_ns - s->record_start_ns;

        t->have_ts = true;
        t->last_ts = pkt.ts;
        /* The timeline starts at 1 s so that DTS derived from picture
         * order (up to the reorder delay before PTS) stays positive. */
        t->ts_base = (int64_t)(((since + SL_NS_PER_SEC) / 1000)
                               * t->fmt.clock_rate / 1000000);
    } else {
        t->ts_base += (int32_t)(pkt.ts - t->last_ts);
        t->last_ts = pkt.ts;
    }
    /* Keep the original packet (with its interleaved header) for readers. */
    if (t->npend == sizeof(t->pend_off) / sizeof(t->pend_off[0])) {
        sl_dbuf_consume(&t->pending, t->pend_len[0] + 4);
        memmove(t->pend_off, t->pend_off + 1,
                (t->npend - 1) * sizeof(t->pend_off[0]));
        memmove(t->pend_len, t->pend_len + 1,
                (t->npend - 1) * sizeof(t->pend_len[0]));
        memmove(t->pend_ts, t->pend_ts + 1,
                (t->npend - 1) * sizeof(t->pend_ts[0]));
        t->npend--;
        {
            uint32_t k, base = t->pend_off[0] - 4;

            (void)base;
            for (k = 0; k < t->npend; k++) {
                t->pend_off[k] -= t->pend_len[0] + 4;
            }
        }
    }
    d = sl_dbuf_reserve(&t->pending, len + 4);
    if (d == NULL) {
        sl_dbuf_reset(&t->pending);
        t->npend = 0;
        d = sl_dbuf_reserve(&t->pending, len + 4);
        if (d == NULL) {
            return;
        }
    }
    d[0] = '$';
    d[1] = (uint8_t)(track * 2);
    sl_wb16(d + 2, (uint16_t)len);
    memcpy(d + 4, p, len);
    t->pend_off[t->npend] = (uint32_t)(t->pending.len + 4);
    t->pend_len[t->npend] = (uint32_t)len;
    t->pend_ts[t->npend] = pkt.ts;
    t->npend++;
    sl_dbuf_commit(&t->pending, len + 4);
    ctx.s = s;
    ctx.track = track;
    ctx.pkt_ts = pkt.ts;
    sl_rtp_depack_push(t->depack, &pkt, on_au, &ctx);
    (void)c;
}


/* Moves the pending packets up to the last one stamped ts into a frame's
 * RTP form; NULL when no pending packet has that timestamp. */
static struct sl_frame_enc *
take_packets(struct pub_track *t, uint32_t ts)
{
    struct sl_frame_enc *e;
    struct sl_buf       *b;
    int                  last = -1;
    uint32_t             i, start, end, n;
    const uint8_t       *base = sl_dbuf_data(&t->pending);

    for (i = 0; i < t->npend; i++) {
        if (t->pend_ts[i] == ts) {
            last = (int)i;
        }
    }
    if (last < 0) {
        return NULL;
    }
    n = (uint32_t)last + 1;
    start = t->pend_off[0] - 4;
    end = t->pend_off[last] + t->pend_len[last];
    b = sl_buf_new_copy(base + start, end - start);
    e = sl_frame_enc_new(b, n);
    for (i = 0; i < n; i++) {
        e->parts[i].off = t->pend_off[i] - start;
        e->parts[i].len = t->pend_len[i];
    }
    sl_dbuf_consume(&t->pending, end);
    for (i = n; i < t->npend; i++) {
        t->pend_off[i - n] = t->pend_off[i] - end;
        t->pend_len[i - n] = t->pend_len[i];
        t->pend_ts[i - n] = t->pend_ts[i];
    }
    t->npend -= n;
    return e;
}


static void
on_au(void *ud, const struct sl_rtp_au *au)
{
    struct au_ctx       *ctx = ud;
    struct rtsp_session *s = ctx->s;
    struct pub_track    *t = s->tracks[ctx->track].pub;
    struct sl_frame     *f;

    if (s->stream == NULL) {
        return;
    }
    f = sl_frame_new((uint8_t)ctx->track, sl_buf_new_copy(au->data, au->len), 0,
                     (uint32_t)au->len);
    f->pts = t->ts_base + (int32_t)(au->ts - t->last_ts);
    f->dts = f->pts;
    if (t->fmt.codec == SL_CODEC_H264) {
        sl_h264_dts_extract(&t->h264_dts, au->data, au->len, f->pts, &f->dts);
    } else if (t->fmt.codec == SL_CODEC_H265) {
        sl_h265_dts_extract(&t->h265_dts, au->data, au->len, f->pts, &f->dts);
    }
    f->wall_ns = sl_wall_ns();
    f->recv_ns = sl_now_ns();
    if (au->key || !s->desc.tracks[ctx->track].is_video) {
        f->flags |= SL_FRAME_KEY;
    }
    if (au->key && s->desc.tracks[ctx->track].is_video) {
        const uint8_t *vps, *sps, *pps;
        size_t         vps_len, sps_len, pps_len;

        sl_rtp_depack_params(t->depack, &sps, &sps_len, &pps, &pps_len, &vps,
                             &vps_len);
        if (sl_stream_set_params(s->stream, ctx->track, vps, vps_len, sps,
                                 sps_len, pps, pps_len))
        {
            sl_log_debug(&s->log, "track %zu: parameter sets updated",
                         ctx->track);
        }
    }
    sl_frame_enc_set(f, SL_FMT_RTP, take_packets(t, au->ts));
    sl_stream_write(s->stream, f);
}


/* --- reading ------------------------------------------------------------- */


/* fmtp for DESCRIBE: the publisher's, completed with the current parameter
 * sets when it did not carry them (cameras that send them only in-band). */
static const char *
describe_fmtp(struct sl_stream *st, size_t i, char *buf, size_t size)
{
    const struct sl_track *t = &st->desc.tracks[i];
    struct sl_track_params p;
    char                   b64[3][SL_PARAM_MAX * 2];
    const char            *fmtp = t->fmtp != NULL ? t->fmtp : "";

    if (t->codec != SL_CODEC_H264 && t->codec != SL_CODEC_H265) {
        return t->fmtp;
    }
    if (strstr(fmtp, "sprop-") != NULL) {
        return t->fmtp;
    }
    sl_stream_get_params(st, i, &p);
    if (p.sps_len == 0 || p.pps_len == 0) {
        return t->fmtp;
    }
    sl_base64_encode(p.sps, p.sps_len, b64[0]);
    sl_base64_encode(p.pps, p.pps_len, b64[1]);
    if (t->codec == SL_CODEC_H264) {
        sl_snprintf(buf, size, "%s%ssprop-parameter-sets=%s,%s", fmtp,
                    fmtp[0] != '\0' ? ";" : "", b64[0], b64[1]);
    } else {
        if (p.vps_len == 0) {
            return t->fmtp;
        }
        sl_base64_encode(p.vps, p.vps_len, b64[2]);
        sl_snprintf(buf, size, "%s%ssprop-vps=%s;sprop-sps=%s;sprop-pps=%s",
                    fmtp, fmtp[0] != '\0' ? ";" : "", b64[2], b64[0], b64[1]);
    }
    return buf;
}


int
rtsp_session_describe(struct sl_stream *st, struct sl_dbuf *out)
{
    struct sl_sdp_writer_media m[SL_STREAM_MAX_TRACKS];
    char                       ctl[SL_STREAM_MAX_TRACKS][16];
    char                       fmtp[SL_STREAM_MAX_TRACKS][2048];
    size_t                     i;

    for (i = 0; i < st->desc.ntracks; i++) {
        const struct sl_track *t = &st->desc.tracks[i];

        sl_snprintf(ctl[i], sizeof(ctl[i]), "trackID=%zu", i);
        memset(&m[i], 0, sizeof(m[i]));
        m[i].type = t->media;
        m[i].pt = t->pt;
        m[i].encoding = t->encoding;
        m[i].clock_rate = t->clock_rate;
        m[i].channels = t->channels;
        m[i].fmtp = describe_fmtp(st, i, fmtp[i], sizeof(fmtp[i]));
        m[i].control = ctl[i];
    }
    return sl_sdp_write(out, "Stream", m, st->desc.ntracks);
}


int
rtsp_session_start_play(struct rtsp_conn *c, struct rtsp_session *s)
{
    struct sl_reader *r = &s->reader;
    char              label[256];
    int               rc;

    memset(r, 0, sizeof(*r));
    r->fmt = SL_FMT_RTP;
    r->use_gop = sl_rt.conf->rtsp_gop_cache;
    r->on_frames = on_reader_frames;
    r->on_close = on_reader_close;
    r->ud = c;
    r->log = &s->log;
    rc = sl_stream_reader_add(s->stream, r);
    if (rc < 0) {
        return rc;
    }
    if (!s->udp) {
        int sz = (int)sl_rt.conf->write_socket_buffer;
        int fd;

        if (sz > 0 && sl_sio_fileno(&c->io, &fd) == 0) {
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
        }
    }
    s->reading = true;
    s->play_pending = true;
    s->play_deadline_ns = sl_now_ns() + 3 * SL_NS_PER_SEC;
    s->state = SS_PLAY;
    sl_log_info(&s->log, "is reading from path '%s', %s", s->path,
                sl_stream_tracks_label(&s->desc, label, sizeof(label)));
    rtsp_session_try_play_reply(c, s, false);
    return 0;
}


void
rtsp_session_stop_play(struct rtsp_session *s)
{
    if (s->reading) {
        sl_stream_reader_remove(&s->reader);
        s->reading = false;
    }
}


/* Sends the PLAY reply once the reader's first frames are known, so
 * RTP-Info names the first packet of each track the reader gets. */
void
rtsp_session_try_play_reply(struct rtsp_conn *c, struct rtsp_session *s,
                            bool force)
{
    struct sl_frame *first[SL_STREAM_MAX_TRACKS];
    struct sl_dbuf   hdr;
    size_t           i, missing = 0, n = 0;
    bool             ready;

    if (!s->play_pending) {
        return;
    }
    ready = sl_reader_first_frames(&s->reader, first, s->ntracks);
    if (ready) {
        if (s->key_found_ns == 0) {
            s->key_found_ns = sl_now_ns();
        }
        for (i = 0; i < s->ntracks; i++) {
            if (s->tracks[i].setup && first[i] == NULL) {
                missing++;
            }
        }
    }
    /* Wait for the keyframe, then briefly for the other tracks' first
     * frames; the caller forces the reply at the deadline. */
    if (!force
        && (!ready
            || (missing > 0
                && sl_now_ns() - s->key_found_ns < 500 * SL_NS_PER_MS)))
    {
        return;
    }
    sl_dbuf_init(&hdr, 4096);
    sl_dbuf_printf(&hdr, "Range: npt=0.000-\r\nSession: %s;timeout=%d\r\n",
                   s->id, RTSP_SESSION_TTL);
    for (i = 0; ready && i < s->ntracks; i++) {
        const struct sl_frame_enc *e;
        const uint8_t             *pk;

        if (!s->tracks[i].setup || first[i] == NULL) {
            continue;
        }
        e = sl_frame_enc_get(first[i], SL_FMT_RTP);
        if (e == NULL || e->nparts == 0 || e->parts[0].len < 12) {
            continue;
        }
        pk = e->buf->data + e->parts[0].off;
        sl_dbuf_printf(&hdr, "%s url=%s/trackID=%zu;seq=%u;rtptime=%u",
                       n == 0 ? "RTP-Info:" : ",", s->base_url, i,
                       sl_rb16(pk + 2), sl_rb32(pk + 4));
        n++;
    }
    if (n > 0) {
        sl_dbuf_add_str(&hdr, "\r\n");
    }
    sl_dbuf_add(&hdr, "", 1);
    s->play_pending = false;
    rtsp_conn_reply(c, 200, s->play_cseq, (const char *)sl_dbuf_data(&hdr),
                    NULL, 0);
    sl_dbuf_free(&hdr);
    if (s->udp) {
        rtsp_session_send_udp(c, s);
    }
}


static void
on_reader_frames(struct sl_reader *r)
{
    struct rtsp_conn    *c = r->ud;
    struct rtsp_session *s = c->session;

    if (c->closing || s == NULL) {
        return;
    }
    if (s->play_pending) {
        rtsp_session_try_play_reply(c, s, false);
        return;
    }
    rtsp_conn_media_ready(c);
}


static void
on_reader_close(struct sl_reader *r, int reason)
{
    struct rtsp_conn *c = r->ud;

    if (reason == SL_ETIMEOUT) {
        rtsp_conn_close(c, "write timeout: the reader is too slow");
    } else if (reason == SL_ELIMIT) {
        rtsp_conn_close(c, "the reader is too slow");
    } else {
        rtsp_conn_close(c, "the stream has ended");
    }
}


static void
note_sent(struct session_track *t, const struct sl_frame *f,
          const struct sl_frame_enc *e)
{
    uint32_t i;

    for (i = 0; i < e->nparts; i++) {
        const uint8_t *pk = e->buf->data + e->parts[i].off;

        if (e->parts[i].len >= 12) {
            t->out_ssrc = sl_rb32(pk + 8);
            t->out_ts = sl_rb32(pk + 4);
            t->out_packets++;
            t->out_octets += e->parts[i].len - 12;
        }
    }
    t->out_pts = f->pts;
    t->sent_any = true;
}


int
rtsp_session_fill_iov(struct rtsp_conn *c, struct rtsp_session *s,
                      uv_buf_t *iov, int max)
{
    int    n = 0;
    size_t bytes = 0;

    while (n < max && bytes < (1u << 20)) {
        struct sl_frame           *f = sl_reader_peek(&s->reader);
        const struct sl_frame_enc *e;
        struct session_track      *t;
        uint32_t                   i;

        if (f == NULL) {
            break;
        }
        e = sl_frame_enc_get(f, SL_FMT_RTP);
        if (f->track >= s->ntracks || e == NULL || e->nparts == 0
            || !s->tracks[f->track].setup)
        {
            sl_reader_advance(&s->reader);
            continue;
        }
        t = &s->tracks[f->track];
        if (t->ch_rtp == f->track * 2) {
            /* The shared form already has our channel: one slice. */
            uint32_t start = e->parts[0].off - 4;
            uint32_t end =
                e->parts[e->nparts - 1].off + e->parts[e->nparts - 1].len;

            iov[n].base = (char *)e->buf->data + start;
            iov[n].len = end - start;
            bytes += end - start;
            n++;
        } else {
            if ((uint32_t)(max - n) < e->nparts * 2) {
                break;
            }
            if (c->hdrs == NULL) {
                c->hdrs = sl_malloc(RTSP_MAX_IOV * sizeof(*c->hdrs));
            }
            for (i = 0; i < e->nparts; i++) {
                uint8_t *h = c->hdrs[n];

                h[0] = '$';
                h[1] = t->ch_rtp;
                sl_wb16(h + 2, (uint16_t)e->parts[i].len);
                iov[n].base = (char *)h;
                iov[n].len = 4;
                n++;
                iov[n].base = (char *)e->buf->data + e->parts[i].off;
                iov[n].len = e->parts[i].len;
                bytes += e->parts[i].len + 4;
                n++;
            }
        }
        note_sent(t, f, e);
        sl_reader_advance(&s->reader);
    }
    return n;
}


void
rtsp_session_send_udp(struct rtsp_conn *c, struct rtsp_session *s)
{
    struct mmsghdr          msgs[UDP_BATCH];
    struct iovec            iov[UDP_BATCH];
    struct sockaddr_storage dst[SL_STREAM_MAX_TRACKS];
    size_t                  i;
    unsigned                n = 0;
    uint64_t                bytes = 0;

    if (s->play_pending || c->closing) {
        return;
    }
    for (i = 0; i < s->ntracks; i++) {
        dst[i] = c->peer;
        sl_addr_set_port(&dst[i], s->tracks[i].client_port[0]);
    }
    for (;;) {
        struct sl_frame           *f = sl_reader_peek(&s->reader);
        const struct sl_frame_enc *e;
        uint32_t                   k;

        if (f == NULL || n + 1 > UDP_BATCH) {
            if (n > 0) {
                sl_udp_mux_sendmmsg(&sl_rtsp_srv.rtp, msgs, n);
                n = 0;
            }
            if (f == NULL) {
                break;
            }
        }
        e = sl_frame_enc_get(f, SL_FMT_RTP);
        if (f->track >= s->ntracks || e == NULL || !s->tracks[f->track].setup) {
            sl_reader_advance(&s->reader);
            continue;
        }
        if (n + e->nparts > UDP_BATCH && n > 0) {
            sl_udp_mux_sendmmsg(&sl_rtsp_srv.rtp, msgs, n);
            n = 0;
        }
        for (k = 0; k < e->nparts; k++) {
            if (n == UDP_BATCH) {
                sl_udp_mux_sendmmsg(&sl_rtsp_srv.rtp, msgs, n);
                n = 0;
            }
            iov[n].iov_base = e->buf->data + e->parts[k].off;
            iov[n].iov_len = e->parts[k].len;
            memset(&msgs[n], 0, sizeof(msgs[n]));
            msgs[n].msg_hdr.msg_iov = &iov[n];
            msgs[n].msg_hdr.msg_iovlen = 1;
            msgs[n].msg_hdr.msg_name = &dst[f->track];
            msgs[n].msg_hdr.msg_namelen =
                sl_addr_len((struct sockaddr *)&dst[f->track]);
            bytes += e->parts[k].len;
            n++;
        }
        note_sent(&s->tracks[f->track], f, e);
        sl_reader_advance(&s->reader);
        /* Datagrams are gone once sendmmsg returns: nothing in flight. */
        if (n == 0) {
            sl_reader_ack(&s->reader);
        }
    }
    c->bytes_out += bytes;
    if (s->stream != NULL) {
        atomic_fetch_add_explicit(&s->stream->bytes_out, bytes,
                                  memory_order_relaxed);
    }
    sl_reader_ack(&s->reader);
}


/* pkt has 4 bytes of room before the RTCP packet for the TCP header. */
static void
send_rtcp(struct rtsp_conn *c, struct session_track *t, uint8_t *pkt, int len)
{
    if (t->proto == SL_RTSP_PROTO_TCP) {
        pkt[0] = '$';
        pkt[1] = t->ch_rtcp;
        sl_wb16(pkt + 2, (uint16_t)len);
        if (sl_dbuf_add(&c->ctl, pkt, (size_t)len + 4) == 0) {
            rtsp_conn_flush(c);
        }
    } else {
        struct sockaddr_storage a = c->peer;
        struct iovec            v = {pkt + 4, (size_t)len};
        struct mmsghdr          m;

        sl_addr_set_port(&a, t->client_port[1]);
        memset(&m, 0, sizeof(m));
        m.msg_hdr.msg_iov = &v;
        m.msg_hdr.msg_iovlen = 1;
        m.msg_hdr.msg_name = &a;
        m.msg_hdr.msg_namelen = sl_addr_len((struct sockaddr *)&a);
        sl_udp_mux_sendmmsg(&sl_rtsp_srv.rtcp, &m, 1);
    }
}


static void
send_sr(struct rtsp_conn *c, struct rtsp_session *s, uint64_t now_ns)
{
    size_t i;

    (void)now_ns;
    for (i = 0; i < s->ntracks; i++) {
        struct session_track *t = &s->tracks[i];
        uint8_t               pkt[64];
        int                   len;

        if (!t->setup || !t->sent_any) {
            continue;
        }
        /* NTP time of the last packet's frame on the stream's one
         * timeline: the same mapping for every track (lip sync). */
        uint32_t clock = s->desc.tracks[i].clock_rate;
        uint64_t wall =
            s->stream->wall0_ns
            + (uint64_t)sl_rescale(t->out_pts > 0 ? t->out_pts : 0,
                                   clock > 0 ? clock : 1, SL_NS_PER_SEC);

        len = sl_rtcp_write_sr(pkt + 4, sizeof(pkt) - 4, t->out_ssrc,
                               sl_ntp_from_wall_ns(wall), t->out_ts,
                               t->out_packets, t->out_octets);
        if (len > 0) {
            send_rtcp(c, t, pkt, len);
        }
    }
}


/* Receiver reports to a publisher, as RTP senders expect. */
static void
send_rr(struct rtsp_conn *c, struct rtsp_session *s, uint64_t now_ns)
{
    size_t i;

    for (i = 0; i < s->ntracks; i++) {
        struct session_track *t = &s->tracks[i];
        struct sl_rtcp_rb     rb;
        uint8_t               pkt[64];
        int                   len;

        if (!t->setup || t->pub == NULL || !t->pub->stats.started) {
            continue;
        }
        sl_rtp_stats_report(&t->pub->stats, now_ns, &rb);
        len = sl_rtcp_write_rr(pkt + 4, sizeof(pkt) - 4, s->rr_ssrc, &rb);
        if (len > 0) {
            send_rtcp(c, t, pkt, len);
        }
    }
}


bool
rtsp_session_tick(struct rtsp_conn *c, struct rtsp_session *s, uint64_t now_ns)
{
    static const uint64_t ttl = (uint64_t)RTSP_SESSION_TTL * SL_NS_PER_SEC;

    if (s->state == SS_RECORD) {
        if (now_ns - s->last_media_ns > sl_rt.conf->read_timeout) {
            rtsp_conn_close(c, "no RTP or RTCP packets received recently");
            return false;
        }
        if (now_ns >= s->next_rr_ns) {
            s->next_rr_ns = now_ns + SR_INTERVAL_NS;
            send_rr(c, s, now_ns);
        }
        return true;
    }
    if (s->state == SS_PLAY) {
        if (s->play_pending) {
            rtsp_session_try_play_reply(c, s, now_ns >= s->play_deadline_ns);
        }
        if (s->udp && now_ns - s->last_keepalive_ns > ttl) {
            rtsp_conn_close(c, "session timed out");
            return false;
        }
        if (now_ns / SR_INTERVAL_NS
            != (now_ns - SL_NS_PER_SEC) / SR_INTERVAL_NS) {
            send_sr(c, s, now_ns);
        }
        return true;
    }
    if (now_ns - s->last_keepalive_ns > ttl) {
        rtsp_conn_close(c, "session timed out");
        return false;
    }
    return true;
}
