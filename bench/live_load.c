/* live_load: many light live readers in one process (benchmark load).
 *
 * One thread, one epoll loop, N non-blocking connections:
 *   rtsp  DESCRIBE, SETUP of every track (RTP/AVP/TCP interleaved), PLAY,
 *         then count '$' frames and bytes, and time connect -> first IDR
 *         (H.264 NAL 5 or H.265 IRAP, also inside STAP-A/AP and FU-A/FU);
 *   rtmp  plain handshake, connect / createStream / play (PATH = app/stream,
 *         as ffmpeg splits rtmp://host:port/app/stream), then a chunk-stream
 *         parser (Set Chunk Size, all header types, extended timestamps)
 *         counting audio/video messages, answering pings, acknowledging
 *         every window/2 bytes; time connect -> first keyframe (AVC NALU
 *         packet of a key frame, or an E-RTMP coded key frame);
 *   http  GET, then drain; time connect -> first body byte.
 * Connections not chosen for full parsing (--sample K: every K-th one is
 * parsed) drain with recv(MSG_TRUNC) once they have seen their first IDR,
 * so the kernel discards the data without copying it to user space.
 * Draining RTMP connections still acknowledge by byte count (which also
 * keeps servers that ping, like nginx-rtmp, satisfied: any data from the
 * client resets their ping timer).
 *
 * usage: live_load rtsp|rtmp|http HOST PORT PATH N SECS [--stagger-ms X]
 *                  [--sample K] [--keepalive-s S] [--setup-timeout-s S]
 * A connection not streaming S seconds (default 20) after it started
 * counts as failed.
 * Output, one JSON object per line on stdout:
 *   {"event":"ready",...}     every connection is streaming or has failed
 *   {"event":"snapshot",...}  on SIGUSR1: cumulative counters, for windows
 *   {"event":"summary",...}   at the end (SECS elapsed, SIGINT or SIGTERM)
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "live_load.h"


/* A decimal number (leading digits of s), or -1 when there is none. */
static long
num(const char *s)
{
    char *end;
    long  v;

    errno = 0;
    v = strtol(s, &end, 10);
    return (end == s || errno != 0) ? -1 : v;
}
static double now(void);
static void   on_signal(int sig);
static int    start_conn(struct conn *c, const struct opts *o, int ep);
static int    send_str(struct conn *c, const char *s);
static int  on_readable(struct conn *c, const struct opts *o, int ep, double t);
static int  handle_response(struct conn *c, const struct opts *o,
                            const char *head, size_t headlen, const char *body,
                            size_t bodylen);
static int  parse_sdp(struct conn *c, const char *sdp, size_t len);
static int  send_setup(struct conn *c);
static int  send_play(struct conn *c, const struct opts *o);
static void parse_stream(struct conn *c, double t);
static int  is_keyframe(const uint8_t *p, size_t len, enum codec codec);
static void print_counters(const char *event, struct conn *cs, int n, double t0,
                           int final);
static int  cmp_double(const void *a, const void *b);
static void print_pcts(const char *name, double *v, int n);


static volatile sig_atomic_t want_snapshot;
static volatile sig_atomic_t want_stop;
int                          failures_logged; /* see live_load.h */


static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}


static void
on_signal(int sig)
{
    if (sig == SIGUSR1) {
        want_snapshot = 1;
    } else {
        want_stop = 1;
    }
}


static int
start_conn(struct conn *c, const struct opts *o, int ep)
{
    struct sockaddr_in sa;
    struct epoll_event ev;
    int                one = 1;

    c->t_start = now();
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        c->state = ST_FAILED;
        return -1;
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)o->port);
    if (inet_pton(AF_INET, o->host, &sa.sin_addr) != 1) {
        fprintf(stderr, "live_load: bad IPv4 address %s\n", o->host);
        exit(2);
    }
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0
        && errno != EINPROGRESS)
    {
        fail(c, -1, "connect");
        return -1;
    }
    c->state = ST_CONNECTING;
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.ptr = c;
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    return 0;
}


static int
send_str(struct conn *c, const char *s)
{
    size_t  len = strlen(s);
    ssize_t w = send(c->fd, s, len, MSG_NOSIGNAL);

    /* Requests are small: a partial write would mean a full send buffer
     * on a fresh connection, which we treat as a failure. */
    return (w == (ssize_t)len) ? 0 : -1;
}


void
fail(struct conn *c, int ep, const char *why)
{
    if (failures_logged < 5) {
        fprintf(stderr, "live_load: connection failed: %s\n", why);
        failures_logged++;
    }
    close_conn(c, ep, ST_FAILED);
}


void
close_conn(struct conn *c, int ep, enum conn_state st)
{
    if (c->fd >= 0) {
        if (ep >= 0) {
            epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        }
        close(c->fd);
        c->fd = -1;
    }
    c->state = st;
}


static int
send_describe(struct conn *c, const struct opts *o)
{
    char req[1024];

    snprintf(c->base, sizeof(c->base), "rtsp://%s:%d/%s", o->host, o->port,
             o->path);
    snprintf(req, sizeof(req),
             "DESCRIBE %s RTSP/1.0\r\nCSeq: %d\r\nAccept: application/sdp\r\n"
             "User-Agent: live_load\r\n\r\n",
             c->base, ++c->cseq);
    c->state = ST_DESCRIBE;
    return send_str(c, req);
}


static int
send_setup(struct conn *c)
{
    char req[1536];
    char sess[160] = "";

    if (c->session[0] != '\0') {
        snprintf(sess, sizeof(sess), "Session: %s\r\n", c->session);
    }
    snprintf(req, sizeof(req),
             "SETUP %s RTSP/1.0\r\nCSeq: %d\r\n"
             "Transport: RTP/AVP/TCP;unicast;interleaved=%d-%d\r\n"
             "%sUser-Agent: live_load\r\n\r\n",
             c->ctl[c->track], ++c->cseq, 2 * c->track, 2 * c->track + 1, sess);
    c->state = ST_SETUP;
    return send_str(c, req);
}


static int
send_play(struct conn *c, const struct opts *o)
{
    char req[1024];

    snprintf(req, sizeof(req),
             "PLAY rtsp://%s:%d/%s RTSP/1.0\r\nCSeq: %d\r\nSession: %s\r\n"
             "Range: npt=0.000-\r\nUser-Agent: live_load\r\n\r\n",
             o->host, o->port, o->path, ++c->cseq, c->session);
    c->state = ST_PLAY;
    return send_str(c, req);
}


static int
send_keepalive(struct conn *c, const struct opts *o)
{
    char req[1024];

    snprintf(req, sizeof(req),
             "GET_PARAMETER rtsp://%s:%d/%s RTSP/1.0\r\nCSeq: %d\r\n"
             "Session: %s\r\nUser-Agent: live_load\r\n\r\n",
             o->host, o->port, o->path, ++c->cseq, c->session);
    return send_str(c, req);
}


/* Finds "Name:" at a line start in head; copies the trimmed value. */
static int
header_value(const char *head, size_t len, const char *name, char *out,
             size_t outsz)
{
    size_t nl = strlen(name);
    size_t i = 0;

    while (i < len) {
        const char *line = head + i;
        const char *eol = memchr(line, '\n', len - i);
        size_t      ll = eol ? (size_t)(eol - line) : len - i;

        if (ll > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            size_t s = nl + 1;
            size_t k = 0;

            while (s < ll && (line[s] == ' ' || line[s] == '\t')) {
                s++;
            }
            while (s < ll && line[s] != '\r' && k + 1 < outsz) {
                out[k++] = line[s++];
            }
            out[k] = '\0';
            return 0;
        }
        i += ll + 1;
    }
    return -1;
}


static int
parse_sdp(struct conn *c, const char *sdp, size_t len)
{
    const char *end = sdp + len;
    const char *p = sdp;
    int         cur = -1;
    char        line[URL_MAX];

    c->ntracks = 0;
    c->video_ch = -1;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t      ll = eol ? (size_t)(eol - p) : (size_t)(end - p);

        if (ll > 0 && p[ll - 1] == '\r') {
            ll--;
        }
        if (ll >= sizeof(line)) {
            ll = sizeof(line) - 1;
        }
        memcpy(line, p, ll);
        line[ll] = '\0';
        p = eol ? eol + 1 : end;

        if (strncmp(line, "m=", 2) == 0) {
            if (c->ntracks == MAX_TRACKS) {
                break;
            }
            cur = c->ntracks++;
            c->ctl[cur][0] = '\0';
            if (strncmp(line, "m=video", 7) == 0 && c->video_ch < 0) {
                c->video_ch = 2 * cur;
            }
        } else if (cur >= 0 && strncmp(line, "a=rtpmap:", 9) == 0
                   && c->video_ch == 2 * cur)
        {
            if (strcasestr(line, " H264/") != NULL) {
                c->video_codec = CODEC_H264;
            } else if (strcasestr(line, " H265/") != NULL) {
                c->video_codec = CODEC_H265;
            }
        } else if (cur >= 0 && strncmp(line, "a=control:", 10) == 0) {
            const char *v = line + 10;

            if (strncmp(v, "rtsp://", 7) == 0) {
                snprintf(c->ctl[cur], URL_MAX, "%s", v);
            } else {
                size_t bl = strlen(c->base);
                int    slash = bl > 0 && c->base[bl - 1] == '/';

                snprintf(c->ctl[cur], URL_MAX, "%s%s%s", c->base,
                         slash ? "" : "/", v);
            }
        }
    }
    for (int k = 0; k < c->ntracks; k++) {
        if (c->ctl[k][0] == '\0') {
            snprintf(c->ctl[k], URL_MAX, "%s", c->base);
        }
    }
    return c->ntracks > 0 ? 0 : -1;
}


static int
handle_response(struct conn *c, const struct opts *o, const char *head,
                size_t headlen, const char *body, size_t bodylen)
{
    char v[URL_MAX];
    int  status = 0;

    if (headlen < 12 || strncmp(head, "RTSP/1.0 ", 9) != 0) {
        return -1;
    }
    status = (int)num(head + 9);
    if (c->state == ST_STREAMING) {
        return 0; /* keepalive answer */
    }
    if (status != 200) {
        if (failures_logged < 5) {
            fprintf(stderr, "live_load: status %d in state %d\n", status,
                    (int)c->state);
        }
        return -1;
    }
    switch (c->state) {
    case ST_DESCRIBE:
        if (header_value(head, headlen, "Content-Base", v, sizeof(v)) == 0) {
            snprintf(c->base, sizeof(c->base), "%s", v);
        }
        if (parse_sdp(c, body, bodylen) < 0) {
            return -1;
        }
        c->track = 0;
        return send_setup(c);
    case ST_SETUP:
        if (c->session[0] == '\0'
            && header_value(head, headlen, "Session", v, sizeof(v)) == 0)
        {
            char *semi = strchr(v, ';');

            if (semi != NULL) {
                *semi = '\0';
            }
            snprintf(c->session, sizeof(c->session), "%s", v);
        }
        if (++c->track < c->ntracks) {
            return send_setup(c);
        }
        return send_play(c, o);
    case ST_PLAY:
        c->t_play = c->t_event;
        c->state = ST_STREAMING;
        c->t_keepalive = c->t_event + o->keepalive;
        return 0;
    default:
        return -1;
    }
}


static int
is_keyframe(const uint8_t *p, size_t len, enum codec codec)
{
    size_t hl;
    size_t off;

    if (len < 13 || (p[0] >> 6) != 2) {
        return 0;
    }
    hl = 12 + 4 * (size_t)(p[0] & 0x0f);
    if ((p[0] & 0x10) != 0) {
        if (len < hl + 4) {
            return 0;
        }
        hl += 4 + 4 * (size_t)(p[hl + 2] << 8 | p[hl + 3]);
    }
    if (hl >= len) {
        return 0;
    }
    p += hl;
    len -= hl;
    if (codec == CODEC_H265) {
        int t = (p[0] >> 1) & 0x3f;

        if (t >= 16 && t <= 21) {
            return 1;
        }
        if (t == 48) {
            for (off = 2; off + 3 <= len;) {
                size_t sz = (size_t)(p[off] << 8 | p[off + 1]);
                int    st = (p[off + 2] >> 1) & 0x3f;

                if (st >= 16 && st <= 21) {
                    return 1;
                }
                off += 2 + sz;
            }
        }
        if (t == 49 && len >= 3) {
            int ft = p[2] & 0x3f;

            return (p[2] & 0x80) != 0 && ft >= 16 && ft <= 21;
        }
        return 0;
    }
    /* H.264 (and the default for unknown video). */
    switch (p[0] & 0x1f) {
    case 5:
        return 1;
    case 24:
        for (off = 1; off + 3 <= len;) {
            size_t sz = (size_t)(p[off] << 8 | p[off + 1]);

            if ((p[off + 2] & 0x1f) == 5) {
                return 1;
            }
            off += 2 + sz;
        }
        return 0;
    case 28:
        return len >= 2 && (p[1] & 0x80) != 0 && (p[1] & 0x1f) == 5;
    default:
        return 0;
    }
}


/* Walks the buffered stream: '$' frames (counted; video ones inspected
 * until the first keyframe, the rest skipped) and RTSP text responses. */
static void
parse_stream(struct conn *c, double t)
{
    size_t pos = 0;

    while (pos < c->n) {
        if (c->skip > 0) {
            size_t k = c->n - pos < c->skip ? c->n - pos : c->skip;

            pos += k;
            c->skip -= k;
            continue;
        }
        if (c->buf[pos] == '$') {
            size_t len;
            int    ch;

            if (c->n - pos < 4) {
                break;
            }
            ch = c->buf[pos + 1];
            len = (size_t)(c->buf[pos + 2] << 8 | c->buf[pos + 3]);
            if (ch == c->video_ch && c->t_first == 0) {
                if (c->n - pos < 4 + len) {
                    break;
                }
                if (is_keyframe(c->buf + pos + 4, len, c->video_codec)) {
                    c->t_first = t;
                }
            }
            c->frames++;
            if (ch == c->video_ch) {
                c->vframes++;
            }
            pos += 4;
            c->skip = len;
        } else {
            uint8_t *e = memmem(c->buf + pos, c->n - pos, "\r\n\r\n", 4);
            char     cl[32];
            size_t   headlen;
            size_t   body = 0;

            if (e == NULL) {
                if (c->n - pos > 16384) {
                    c->n = 0; /* lost framing: give up parsing this chunk */
                    return;
                }
                break;
            }
            headlen = (size_t)(e - (c->buf + pos)) + 4;
            if (header_value((char *)c->buf + pos, headlen, "Content-Length",
                             cl, sizeof(cl))
                == 0)
            {
                body = (size_t)strtoul(cl, NULL, 10);
            }
            pos += headlen;
            c->skip = body;
        }
    }
    memmove(c->buf, c->buf + pos, c->n - pos);
    c->n -= pos;
}


/* Returns -1 when the connection is finished (closed or failed). */
static int
on_readable(struct conn *c, const struct opts *o, int ep, double t)
{
    ssize_t r;

    if (c->drain) {
        for (int i = 0; i < 4; i++) {
            r = recv(c->fd, NULL, 1 << 20, MSG_TRUNC | MSG_DONTWAIT);
            if (r > 0) {
                c->bytes += (uint64_t)r;
                if (o->proto == PROTO_RTMP) {
                    rtmp_ack(c);
                }
                continue;
            }
            if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
                return 0;
            }
            close_conn(c, ep, ST_CLOSED);
            return -1;
        }
        return 0;
    }
    r = recv(c->fd, c->buf + c->n, BUF_CAP - c->n, MSG_DONTWAIT);
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
        return 0;
    }
    if (r <= 0) {
        if (c->state == ST_STREAMING) {
            close_conn(c, ep, ST_CLOSED);
        } else {
            fail(c, ep, "closed during setup");
        }
        return -1;
    }
    c->bytes += (uint64_t)r;
    c->n += (size_t)r;
    c->t_event = t;
    if (o->proto == PROTO_RTMP) {
        return rtmp_readable(c, o, ep, t);
    }

    if (c->state == ST_HTTP_HEAD) {
        uint8_t *e = memmem(c->buf, c->n, "\r\n\r\n", 4);

        if (e == NULL) {
            if (c->n == BUF_CAP) {
                fail(c, ep, "HTTP header too long");
                return -1;
            }
            return 0;
        }
        if (c->n < 12 || strncmp((char *)c->buf + 9, "200", 3) != 0) {
            fail(c, ep, "HTTP status not 200");
            return -1;
        }
        if ((size_t)(e - c->buf) + 4 < c->n) {
            c->t_first = t;
        }
        c->state = ST_STREAMING;
        c->n = 0;
        return 0;
    }
    if (c->state == ST_STREAMING && o->http) {
        if (c->t_first == 0) {
            c->t_first = t;
        }
        c->n = 0;
        c->drain = !c->parse;
        return 0;
    }

    /* RTSP: answer setup responses, then parse the stream. */
    while (c->state != ST_STREAMING) {
        uint8_t *e = memmem(c->buf, c->n, "\r\n\r\n", 4);
        char     cl[32];
        size_t   headlen;
        size_t   body = 0;

        if (e == NULL) {
            if (c->n == BUF_CAP) {
                fail(c, ep, "RTSP response too long");
                return -1;
            }
            return 0;
        }
        headlen = (size_t)(e - c->buf) + 4;
        if (header_value((char *)c->buf, headlen, "Content-Length", cl,
                         sizeof(cl))
            == 0)
        {
            body = (size_t)strtoul(cl, NULL, 10);
        }
        if (headlen + body > BUF_CAP) {
            fail(c, ep, "RTSP body too long");
            return -1;
        }
        if (c->n < headlen + body) {
            return 0;
        }
        if (handle_response(c, o, (char *)c->buf, headlen,
                            (char *)c->buf + headlen, body)
            < 0)
        {
            fail(c, ep, "RTSP setup");
            return -1;
        }
        memmove(c->buf, c->buf + headlen + body, c->n - headlen - body);
        c->n -= headlen + body;
    }
    parse_stream(c, t);
    if (!c->parse && c->t_first != 0) {
        c->drain = 1;
        c->n = 0;
    }
    return 0;
}


static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}


static void
print_pcts(const char *name, double *v, int n)
{
    if (n == 0) {
        printf(",\"%s\":{\"n\":0}", name);
        return;
    }
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    printf(",\"%s\":{\"n\":%d,\"min\":%.1f,\"p50\":%.1f,\"p99\":%.1f,"
           "\"max\":%.1f}",
           name, n, v[0], v[(n - 1) / 2], v[(int)((n - 1) * 0.99)], v[n - 1]);
}


static void
print_counters(const char *event, struct conn *cs, int n, double t0, int final)
{
    uint64_t bytes = 0;
    uint64_t frames = 0;
    uint64_t vframes = 0;
    int      streaming = 0;
    int      failed = 0;
    int      closed = 0;
    int      parsed = 0;
    int      nt = 0;
    double   t = now();
    double   el = t - t0;
    double   mn = -1;
    double   mx = 0;
    int      np = 0;
    double  *tt = calloc((size_t)n + 1, sizeof(double));
    double  *tp = calloc((size_t)n + 1, sizeof(double));

    for (int i = 0; i < n; i++) {
        struct conn *c = &cs[i];
        double       mbps = el > 0 ? c->bytes * 8 / el / 1e6 : 0;

        bytes += c->bytes;
        streaming += c->state == ST_STREAMING;
        failed += c->state == ST_FAILED;
        closed += c->state == ST_CLOSED;
        if (c->parse) {
            parsed++;
            frames += c->frames;
            vframes += c->vframes;
        }
        if (c->state == ST_STREAMING || c->state == ST_CLOSED) {
            if (mn < 0 || mbps < mn) {
                mn = mbps;
            }
            if (mbps > mx) {
                mx = mbps;
            }
        }
        if (c->t_first != 0 && tt != NULL) {
            tt[nt++] = (c->t_first - c->t_start) * 1000;
        }
        if (c->t_play != 0 && tp != NULL) {
            tp[np++] = (c->t_play - c->t_start) * 1000;
        }
    }
    printf("{\"event\":\"%s\",\"t\":%.3f,\"elapsed_s\":%.3f,\"conns\":%d,"
           "\"streaming\":%d,\"failed\":%d,\"closed\":%d,\"bytes\":%llu,"
           "\"parsed_conns\":%d,\"rtp_frames\":%llu,\"video_rtp_frames\":%llu",
           event, t, el, n, streaming, failed, closed,
           (unsigned long long)bytes, parsed, (unsigned long long)frames,
           (unsigned long long)vframes);
    if (final) {
        struct rusage ru;
        double        cpu;

        getrusage(RUSAGE_SELF, &ru);
        cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
              + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
        printf(",\"agg_mbps\":%.3f,\"conn_mbps_min\":%.3f,"
               "\"conn_mbps_max\":%.3f,\"loader_cpu_s\":%.3f",
               el > 0 ? bytes * 8 / el / 1e6 : 0, mn < 0 ? 0 : mn, mx, cpu);
    }
    /* ttff: connect -> first keyframe; play: connect -> PLAY answered. */
    if (tt != NULL && tp != NULL) {
        print_pcts("ttff_ms", tt, nt);
        print_pcts("play_ms", tp, np);
    }
    printf("}\n");
    fflush(stdout);
    free(tt);
    free(tp);
}


static void
usage(void)
{
    fprintf(stderr, "usage: live_load rtsp|rtmp|http HOST PORT PATH N SECS "
                    "[--stagger-ms X] [--sample K] [--keepalive-s S] "
                    "[--setup-timeout-s S]\n");
    exit(2);
}


int
main(int argc, char **argv)
{
    struct opts        o;
    struct conn       *cs;
    struct epoll_event evs[512];
    struct rlimit      rl;
    struct sigaction   sa;
    int                ep;
    int                started = 0;
    int                ready_printed = 0;
    double             t0;
    double             next_start;
    double             next_check;

    if (argc < 7) {
        usage();
    }
    memset(&o, 0, sizeof(o));
    if (strcmp(argv[1], "rtsp") == 0) {
        o.proto = PROTO_RTSP;
    } else if (strcmp(argv[1], "rtmp") == 0) {
        o.proto = PROTO_RTMP;
    } else if (strcmp(argv[1], "http") == 0) {
        o.proto = PROTO_HTTP;
        o.http = 1;
    } else {
        usage();
    }
    o.host = argv[2];
    o.port = (int)num(argv[3]);
    snprintf(o.path, sizeof(o.path), "%s",
             argv[4][0] == '/' ? argv[4] + 1 : argv[4]);
    o.n = (int)num(argv[5]);
    o.secs = atof(argv[6]);
    o.sample = 1;
    o.keepalive = 20;
    o.setup_timeout = 20;
    for (int i = 7; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--stagger-ms") == 0) {
            o.stagger = atof(argv[i + 1]) / 1000;
        } else if (strcmp(argv[i], "--sample") == 0) {
            o.sample = (int)num(argv[i + 1]);
        } else if (strcmp(argv[i], "--keepalive-s") == 0) {
            o.keepalive = atof(argv[i + 1]);
        } else if (strcmp(argv[i], "--setup-timeout-s") == 0) {
            o.setup_timeout = atof(argv[i + 1]);
        } else {
            usage();
        }
    }
    if (o.n <= 0 || o.sample <= 0 || o.port <= 0) {
        usage();
    }

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    cs = calloc((size_t)o.n, sizeof(*cs));
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (cs == NULL || ep < 0) {
        perror("live_load");
        return 1;
    }
    for (int i = 0; i < o.n; i++) {
        cs[i].fd = -1;
        cs[i].parse = (i % o.sample) == 0;
        cs[i].buf = malloc(BUF_CAP);
        if (cs[i].buf == NULL) {
            perror("live_load");
            return 1;
        }
    }

    t0 = now();
    next_start = t0;
    next_check = t0;
    while (!want_stop) {
        double t = now();
        int    timeout_ms = 100;
        int    ne;

        if (t - t0 >= o.secs) {
            break;
        }
        while (started < o.n && t >= next_start) {
            start_conn(&cs[started++], &o, ep);
            next_start += o.stagger;
        }
        if (started < o.n) {
            int w = (int)((next_start - t) * 1000);

            timeout_ms = w < 1 ? 0 : (w < 100 ? w : 100);
        }
        if (!ready_printed && started == o.n) {
            int pending = 0;

            for (int i = 0; i < o.n; i++) {
                pending += cs[i].state != ST_STREAMING
                           && cs[i].state != ST_FAILED
                           && cs[i].state != ST_CLOSED;
            }
            if (pending == 0) {
                print_counters("ready", cs, o.n, t0, 0);
                ready_printed = 1;
            }
        }
        if (want_snapshot) {
            want_snapshot = 0;
            print_counters("snapshot", cs, o.n, t0, 0);
        }

        ne = epoll_wait(ep, evs, 512, timeout_ms);
        t = now();
        for (int e = 0; e < ne; e++) {
            struct conn *c = evs[e].data.ptr;

            if (c->fd < 0) {
                continue;
            }
            if (c->state == ST_CONNECTING) {
                int                err = 0;
                socklen_t          el = sizeof(err);
                struct epoll_event ev;
                char               req[1024];

                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
                if (err != 0) {
                    fail(c, ep, strerror(err));
                    continue;
                }
                ev.events = EPOLLIN;
                ev.data.ptr = c;
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                if (o.http) {
                    snprintf(req, sizeof(req),
                             "GET /%s HTTP/1.1\r\nHost: %s:%d\r\n"
                             "User-Agent: live_load\r\nAccept: */*\r\n\r\n",
                             o.path, o.host, o.port);
                    c->state = ST_HTTP_HEAD;
                    if (send_str(c, req) < 0) {
                        fail(c, ep, "send");
                    }
                } else if (o.proto == PROTO_RTMP) {
                    if (rtmp_start(c) < 0) {
                        fail(c, ep, "RTMP C0/C1");
                    }
                } else if (send_describe(c, &o) < 0) {
                    fail(c, ep, "send");
                }
                continue;
            }
            on_readable(c, &o, ep, t);
        }

        /* Connections stuck in connect or setup fail after a while, so
         * that "ready" is always reached. */
        if (t >= next_check) {
            next_check = t + 0.1;
            for (int i = 0; i < started; i++) {
                struct conn *c = &cs[i];

                if (c->state != ST_STREAMING && c->state != ST_FAILED
                    && c->state != ST_CLOSED
                    && t - c->t_start > o.setup_timeout)
                {
                    fail(c, ep, "setup timeout");
                }
            }
        }

        /* RTSP keepalive (sessions over TCP should not need it, but a
         * server may time out idle RTSP control traffic). */
        if (o.proto == PROTO_RTSP && o.keepalive > 0) {
            for (int i = 0; i < started; i++) {
                struct conn *c = &cs[i];

                if (c->state == ST_STREAMING && t >= c->t_keepalive) {
                    c->t_keepalive = t + o.keepalive;
                    send_keepalive(c, &o);
                }
            }
        }
    }
    print_counters("summary", cs, o.n, t0, 1);
    for (int i = 0; i < o.n; i++) {
        close_conn(&cs[i], ep, cs[i].state);
        free(cs[i].buf);
        free(cs[i].rtmp);
    }
    free(cs);
    close(ep);
    return 0;
}
