/*
 * RTSP server internals (not a public interface).
 *
 * One struct rtsp_conn per TCP connection, living on the worker the
 * listener placed it on.  A connection carries at most one session, which
 * either publishes (ANNOUNCE, SETUP, RECORD) or reads (DESCRIBE, SETUP,
 * PLAY).  conn.c owns sockets, request parsing, replies and authentication;
 * session.c owns media: depacketizing a publisher's RTP into frames, and
 * sending a reader's frames over TCP (interleaved) or UDP.
 *
 * Writes: one uv_write in flight per connection.  Replies queue in a small
 * capped buffer and go out first in the next write; a reader's media
 * follows as iovecs pointing straight into shared frame buffers.  The
 * reader acknowledges frames when the write completes.
 */
#ifndef SL_SERVER_RTSP_RTSP_H
#define SL_SERVER_RTSP_RTSP_H

#include "core/path_manager.h"
#include "core/stream.h"
#include "net/listener.h"
#include "net/sio.h"
#include "net/tls.h"
#include "net/udp_mux.h"
#include "server/common/listeners.h"
#include "proto/rtsp/headers.h"
#include "codec/h264_dts.h"
#include "codec/h265_dts.h"
#include "proto/rtp/depack.h"
#include "proto/rtp/format.h"
#include "proto/rtp/rtcp.h"
#include "proto/rtsp/message.h"
#include "base/dbuf.h"
#include "base/list.h"

#include <uv.h>


#define RTSP_IN_CAP      (384 * 1024)
#define RTSP_CTL_CAP     (256 * 1024)
#define RTSP_MAX_IOV     512
#define RTSP_SESSION_TTL 60 /* seconds without keepalive for readers */
#define RTSP_REALM       "mediamtx"


struct rtsp_server {
    struct sl_listeners listeners; /* RTSP and/or RTSPS */
    struct sl_udp_mux   rtp;
    struct sl_udp_mux   rtcp;
    bool                udp;
    bool                tcp;
    uint16_t            rtp_port;
    uint16_t            rtcp_port;
    struct sl_log       log;
    struct sl_log       log_tls;               /* "[RTSPS]" */
    struct sl_list      conns[SL_MAX_WORKERS]; /* [i] touched by worker i */
};

extern struct rtsp_server sl_rtsp_srv;

enum session_state {
    SS_INITIAL,
    SS_ANNOUNCED, /* publisher: ANNOUNCE done */
    SS_PREPLAY,   /* reader: SETUP done */
    SS_PLAY,
    SS_PRERECORD, /* publisher: SETUP done */
    SS_RECORD,
};

/* Publisher-only state of a track, allocated by ANNOUNCE. */
struct pub_track {
    struct sl_rtp_format  fmt;
    struct sl_rtp_depack *depack;
    struct sl_rtp_stats   stats;
    bool                  have_ts;
    uint32_t              last_ts;
    int64_t               ts_base; /* unwrapped timestamp */
    struct sl_dbuf        pending; /* [hdr4][packet]... awaiting their AU */
    uint32_t              npend;
    uint32_t              pend_off[256];
    uint32_t              pend_len[256];
    uint32_t              pend_ts[256];
    /* DTS from picture order (RTP carries only PTS). */
    struct sl_h264_dts h264_dts;
    struct sl_h265_dts h265_dts;
};

struct session_track {
    char              control[128]; /* publisher: the media's a=control */
    bool              setup;
    int               proto; /* SL_RTSP_PROTO_UDP / TCP */
    uint8_t           ch_rtp;
    uint8_t           ch_rtcp;
    uint16_t          client_port[2];
    struct pub_track *pub; /* publisher only */
    /* Reader. */
    bool     sent_any;
    uint32_t out_ssrc;
    uint32_t out_ts;
    int64_t  out_pts; /* track clock, on the stream's timeline */
    uint32_t out_packets;
    uint32_t out_octets;
};

struct rtsp_session {
    struct rtsp_conn     *conn;
    char                  id[17];
    char                  uuid[37];
    int                   state;
    char                  path[256];
    char                  query[256];
    struct sl_log         log;
    struct sl_stream_desc desc;
    bool                  desc_owned; /* fmtp strings are ours to free */
    size_t                ntracks;
    struct session_track  tracks[SL_STREAM_MAX_TRACKS];
    bool                  udp; /* the session's transport */
    /* Publisher. */
    struct sl_publisher pub;
    bool                pub_claimed;
    struct sl_stream   *stream; /* published, or read */
    uint64_t            last_media_ns;
    uint64_t            record_start_ns; /* the timeline's zero */
    uint64_t            next_rr_ns;
    uint32_t            rr_ssrc;
    uint64_t            packets_in;
    uint64_t            packets_lost;
    /* Reader. */
    struct sl_reader reader;
    bool             reading;
    bool             play_pending;
    uint64_t         play_deadline_ns;
    uint64_t         key_found_ns;
    struct sl_str    play_cseq;
    char             play_cseq_buf[16];
    char            *base_url; /* PLAY's URL, for RTP-Info (heap) */
    uint64_t         last_keepalive_ns;
};

struct rtsp_conn {
    struct sl_sio           io;   /* plain TCP or TLS (RTSPS) */
    struct sl_list          node; /* in sl_rtsp_srv.conns[worker] */
    uv_timer_t              timer;
    struct sl_defer         flush; /* writeMergeWindow */
    struct sl_worker       *w;
    uint64_t                handle;
    struct sockaddr_storage peer;
    char                    peer_str[64];
    struct sl_log           log;
    struct sl_dbuf          in;
    struct sl_dbuf          ctl;          /* replies waiting to be written */
    struct sl_dbuf          ctl_inflight; /* replies being written */
    bool                    writing;
    bool                    media_inflight;
    /* Per-packet interleaved headers, only for readers whose channel
     * numbers differ from the shared form's (allocated on first use). */
    uint8_t (*hdrs)[4];
    bool     closing;
    bool     close_after_write;
    int      handles_open;
    char     close_reason[128];
    uint64_t last_activity_ns;
    char     nonce[33];
    bool     auth_waiting; /* a failed attempt's delay */
    /* Verdict of a check that ran on the thread pool, for the request
     * that is parsed again when it completes. */
    bool                 auth_ready;
    uint64_t             auth_key;
    int                  auth_rc;
    bool                 auth_ask;
    struct rtsp_session *session;
    uint64_t             bytes_in;
    uint64_t             bytes_out;
};


/* conn.c */
void sl_rtsp_conn_accept(struct sl_worker *w, int fd,
                         const struct sockaddr_storage *peer, void *ud);
void rtsp_conn_close(struct rtsp_conn *c, const char *reason);
void rtsp_conn_flush(struct rtsp_conn *c);
int  rtsp_conn_reply(struct rtsp_conn *c, int status, struct sl_str cseq,
                     const char *headers, const void *body, size_t len);

/* session.c */
struct rtsp_session *rtsp_session_new(struct rtsp_conn *c);
void rtsp_session_free(struct rtsp_conn *c, struct rtsp_session *s,
                       const char *reason);
int  rtsp_session_announce(struct rtsp_conn *c, struct rtsp_session *s,
                           const char *path, struct sl_str sdp,
                           struct sl_pm_err *err);
int  rtsp_session_start_record(struct rtsp_conn *c, struct rtsp_session *s);
int  rtsp_session_start_play(struct rtsp_conn *c, struct rtsp_session *s);
void rtsp_session_stop_play(struct rtsp_session *s);
/* Builds the SDP of a stream for DESCRIBE. */
int rtsp_session_describe(struct sl_stream *st, struct sl_dbuf *out);
/* An interleaved packet from the client on channel ch. */
void rtsp_session_interleaved(struct rtsp_conn *c, struct rtsp_session *s,
                              uint8_t ch, const uint8_t *p, size_t len);
/* Appends queued media to iov (TCP readers); returns the count added. */
int rtsp_session_fill_iov(struct rtsp_conn *c, struct rtsp_session *s,
                          uv_buf_t *iov, int max);
/* A reader has new frames: send them now or at the end of the merge
 * window (writeMergeWindow). */
void rtsp_conn_media_ready(struct rtsp_conn *c);
/* UDP readers send directly. */
void rtsp_session_send_udp(struct rtsp_conn *c, struct rtsp_session *s);
/* Periodic: RTCP sender reports, timeouts.  Returns false to close. */
bool rtsp_session_tick(struct rtsp_conn *c, struct rtsp_session *s,
                       uint64_t now_ns);
void rtsp_session_udp_batch(struct sl_worker *w, struct sl_udp_batch *b);
/* Writes the PLAY response once the first frames are known. */
void rtsp_session_try_play_reply(struct rtsp_conn *c, struct rtsp_session *s,
                                 bool force);


#endif /* SL_SERVER_RTSP_RTSP_H */
