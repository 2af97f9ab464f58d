/*
 * RTMP server internals (not a public interface).
 *
 * One struct rtmp_conn per TCP connection, on the worker it was placed on.
 * The protocol itself (handshake, chunk streams, commands, status
 * messages) is proto/rtmp's session; this adapter decides (paths,
 * authentication, publisher claims), turns a publisher's FLV messages into
 * frames, and sends readers the frames' shared RTMP messages (built once
 * per stream by core/enc_flv.c) with writev.  A connection publishes or
 * reads one stream.
 */
#ifndef SL_SERVER_RTMP_RTMP_H
#define SL_SERVER_RTMP_RTMP_H

#include "core/path_manager.h"
#include "core/stream.h"
#include "net/sio.h"
#include "proto/rtmp/session.h"
#include "server/common/listeners.h"
#include "base/dbuf.h"
#include "base/list.h"

#include <uv.h>


#define RTMP_MAX_IOV     512
#define RTMP_PENDING_MAX 512 /* frames held until the tracks are known */


struct rtmp_server {
    struct sl_listeners listeners;
    struct sl_log       log;     /* "[RTMP]" */
    struct sl_log       log_tls; /* "[RTMPS]" */
    struct sl_list      conns[SL_MAX_WORKERS];
};

extern struct rtmp_server sl_rtmp_srv;

enum { RTMP_ROLE_NONE, RTMP_ROLE_PUBLISH, RTMP_ROLE_READ };

/* What a publisher announced or sent so far, per kind. */
struct rtmp_in_track {
    bool     present;
    int      codec;
    int      index; /* stream track index, -1 before the stream exists */
    uint32_t rate;
    uint32_t channels;
    int      length_size; /* H.264/H.265 NALU length prefix */
    bool     config;      /* its configuration is known */
};

struct rtmp_conn {
    struct sl_sio           io;
    uv_timer_t              timer;
    struct sl_defer         flush; /* merged writes */
    struct sl_list          node;
    struct sl_worker       *w;
    uint64_t                handle;
    struct sockaddr_storage peer;
    char                    peer_str[64];
    char                    uuid[37];
    struct sl_log           log;
    struct sl_rtmp_session *rs;
    int                     handles_open;
    bool                    closing;
    bool                    close_after_write;
    bool                    writing;
    bool                    media_inflight;
    uint64_t                last_activity_ns;
    struct sl_dbuf          ctl;          /* session output + our messages */
    struct sl_dbuf          ctl_inflight; /* being written */
    uint8_t                 msid_le[4];   /* a reader's msid, for patches */
    uint64_t                bytes_in;
    uint64_t                bytes_out;

    char     tc_url[512];
    uint32_t fourcc;
    int      role;
    uint32_t msid;
    char     path[256];
    char     query[256];
    bool     auth_waiting;

    /* Publisher. */
    struct sl_publisher  pub;
    bool                 pub_claimed;
    struct sl_stream    *stream; /* published, or read */
    struct rtmp_in_track video;
    struct rtmp_in_track audio;
    bool                 meta_seen;
    bool                 meta_video;
    bool                 meta_audio;
    uint64_t             publish_ns;
    uint8_t              vps[256], sps[256], pps[256];
    size_t               vps_len, sps_len, pps_len;
    uint8_t              asc[SL_PARAM_MAX]; /* AAC ASC or OpusHead */
    size_t               asc_len;
    struct sl_frame    **pending; /* RTMP_PENDING_MAX, while needed */
    size_t               npending;
    uint64_t             bad_frames; /* malformed, not yet logged */

    /* Reader. */
    struct sl_reader reader;
    bool             reading;
    uint32_t         track_mask; /* tracks this reader can receive */
    /* The sequence start each track last sent (hash of its body), so that
     * the one a shared frame repeats is not sent twice. */
    uint32_t cfg_sent;
    uint64_t cfg_hash[SL_STREAM_MAX_TRACKS];
};


void sl_rtmp_conn_accept(struct sl_worker *w, int fd,
                         const struct sockaddr_storage *peer, void *ud);
void rtmp_conn_close(struct rtmp_conn *c, const char *reason);
void rtmp_conn_flush(struct rtmp_conn *c);
void rtmp_conn_media_ready(struct rtmp_conn *c);

/* media.c: publisher side. */
void rtmp_publish_media(struct rtmp_conn *c, const struct sl_rtmp_media *m);
void rtmp_publish_tick(struct rtmp_conn *c, uint64_t now_ns);
void rtmp_publish_end(struct rtmp_conn *c);
/* media.c: reader side. */
int  rtmp_play_start(struct rtmp_conn *c, struct sl_pm_err *err);
void rtmp_play_stop(struct rtmp_conn *c);
int  rtmp_play_fill_iov(struct rtmp_conn *c, uv_buf_t *iov, int max);


#endif /* SL_SERVER_RTMP_RTMP_H */
