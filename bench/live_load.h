/*
 * live_load: shared types of the light benchmark reader.  live_load.c has
 * the connection loop, RTSP and HTTP; live_load_rtmp.c has RTMP.
 */
#ifndef LIVE_LOAD_H
#define LIVE_LOAD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BUF_CAP    (70 * 1024)
#define MAX_TRACKS 8
#define URL_MAX    512


enum conn_state {
    ST_IDLE,
    ST_CONNECTING,
    ST_DESCRIBE,
    ST_SETUP,
    ST_PLAY,
    ST_STREAMING,
    ST_HTTP_HEAD,
    ST_RTMP_HANDSHAKE,
    ST_RTMP_SETUP,
    ST_FAILED,
    ST_CLOSED
};

enum codec { CODEC_OTHER, CODEC_H264, CODEC_H265 };

enum proto { PROTO_RTSP, PROTO_RTMP, PROTO_HTTP };

#define RTMP_SLOTS  8    /* chunk streams tracked per connection */
#define RTMP_KEEP   4096 /* message bytes kept (commands, control) */
#define RTMP_HS_LEN (1 + 1536 + 1536)

/* One RTMP chunk stream: the last header, and the message in progress. */
struct rtmp_cs {
    int      csid; /* -1: free */
    uint32_t ts;
    uint32_t delta;
    uint32_t len;
    uint32_t got; /* payload bytes of the current message so far */
    uint32_t sid;
    uint8_t  type;
    uint8_t  ext; /* the header used an extended timestamp */
    uint8_t  buf[RTMP_KEEP];
};

struct rtmp {
    struct rtmp_cs cs[RTMP_SLOTS];
    int            cur;        /* slot of the chunk being read, or -1 */
    uint32_t       chunk_left; /* payload bytes of that chunk left */
    uint32_t       in_chunk;   /* server's chunk size */
    uint32_t       window;     /* server's Window Acknowledgement Size */
    uint64_t       acked;      /* bytes received when we last acked */
    uint32_t       sid;        /* message stream id from createStream */
};

struct conn {
    int             fd;
    enum conn_state state;
    int             parse; /* fully parse the stream (sampled) */
    int             drain; /* switched to MSG_TRUNC draining */
    uint8_t        *buf;
    size_t          n;
    size_t          skip; /* payload bytes of the current '$' frame left */
    int             cseq;
    int             ntracks;
    int             track; /* track being set up */
    int             video_ch;
    enum codec      video_codec;
    char            base[URL_MAX];
    char            ctl[MAX_TRACKS][URL_MAX];
    char            session[128];
    double          t_start;
    double          t_first;
    double          t_play;
    double          t_event; /* time of the read being processed */
    double          t_keepalive;
    uint64_t        bytes;
    uint64_t        frames;
    uint64_t        vframes;
    struct rtmp    *rtmp; /* RTMP state (allocated at connect) */
};


struct opts {
    enum proto  proto;
    int         http;
    const char *host;
    int         port;
    char        path[URL_MAX];
    int         n;
    double      secs;
    double      stagger;
    int         sample;
    double      keepalive;
    double      setup_timeout;
};


/* live_load.c */
extern int failures_logged; /* failure lines printed (at most a few) */
void       fail(struct conn *c, int ep, const char *why);
void       close_conn(struct conn *c, int ep, enum conn_state st);

/* live_load_rtmp.c */
int rtmp_start(struct conn *c);
int rtmp_readable(struct conn *c, const struct opts *o, int ep, double t);
int rtmp_ack(struct conn *c);

#endif /* LIVE_LOAD_H */
