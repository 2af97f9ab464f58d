/* live_load: the RTMP reader (plain handshake, connect/createStream/play,
 * chunk stream parsing, acknowledgements). */
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


/* ------------------------------------------------------------- RTMP */

static uint32_t
be24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}


static uint32_t
be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8
           | p[3];
}


static size_t
amf_str(uint8_t *p, const char *v)
{
    size_t n = strlen(v);

    p[0] = 0x02;
    p[1] = (uint8_t)(n >> 8);
    p[2] = (uint8_t)n;
    memcpy(p + 3, v, n);
    return 3 + n;
}


static size_t
amf_key(uint8_t *p, const char *k)
{
    size_t n = strlen(k);

    p[0] = (uint8_t)(n >> 8);
    p[1] = (uint8_t)n;
    memcpy(p + 2, k, n);
    return 2 + n;
}


static size_t
amf_num(uint8_t *p, double v)
{
    uint64_t b;

    memcpy(&b, &v, sizeof(b));
    p[0] = 0x00;
    for (int i = 0; i < 8; i++) {
        p[1 + i] = (uint8_t)(b >> (56 - 8 * i));
    }
    return 9;
}


/* Skips one AMF0 value; returns its end, or NULL if it runs past end. */
static const uint8_t *
amf_skip(const uint8_t *p, const uint8_t *end, int depth)
{
    uint32_t n;

    if (p >= end || depth > 8) {
        return NULL;
    }
    switch (*p++) {
    case 0x00:
        return p + 8 <= end ? p + 8 : NULL;
    case 0x01:
        return p + 1 <= end ? p + 1 : NULL;
    case 0x02:
        if (p + 2 > end) {
            return NULL;
        }
        n = (uint32_t)p[0] << 8 | p[1];
        return p + 2 + n <= end ? p + 2 + n : NULL;
    case 0x05:
    case 0x06:
        return p;
    case 0x08:
        p += 4;
        /* fall through: an ECMA array continues like an object */
    case 0x03:
        while (p + 3 <= end) {
            if (p[0] == 0 && p[1] == 0 && p[2] == 9) {
                return p + 3;
            }
            n = (uint32_t)p[0] << 8 | p[1];
            p += 2 + n;
            p = amf_skip(p, end, depth + 1);
            if (p == NULL) {
                return NULL;
            }
        }
        return NULL;
    case 0x0a:
        if (p + 4 > end) {
            return NULL;
        }
        n = be32(p);
        p += 4;
        for (uint32_t i = 0; i < n && p != NULL; i++) {
            p = amf_skip(p, end, depth + 1);
        }
        return p;
    case 0x0b:
        return p + 10 <= end ? p + 10 : NULL;
    case 0x0c:
        if (p + 4 > end) {
            return NULL;
        }
        n = be32(p);
        return p + 4 + n <= end ? p + 4 + n : NULL;
    default:
        return NULL;
    }
}


/* Sends one message: a type-0 chunk, then type-3 continuations (our
 * chunk size is 4096, announced before connect). */
static int
rtmp_send(struct conn *c, int csid, uint8_t type, uint32_t sid,
          const uint8_t *pl, size_t len)
{
    uint8_t out[8192];
    size_t  k = 0;
    size_t  pos = 0;
    ssize_t w;

    out[k++] = (uint8_t)csid;
    out[k++] = 0;
    out[k++] = 0;
    out[k++] = 0;
    out[k++] = (uint8_t)(len >> 16);
    out[k++] = (uint8_t)(len >> 8);
    out[k++] = (uint8_t)len;
    out[k++] = type;
    out[k++] = (uint8_t)sid;
    out[k++] = (uint8_t)(sid >> 8);
    out[k++] = (uint8_t)(sid >> 16);
    out[k++] = (uint8_t)(sid >> 24);
    for (;;) {
        size_t n = len - pos < 4096 ? len - pos : 4096;

        if (k + n + 1 > sizeof(out)) {
            return -1;
        }
        memcpy(out + k, pl + pos, n);
        k += n;
        pos += n;
        if (pos >= len) {
            break;
        }
        out[k++] = (uint8_t)(0xc0 | csid);
    }
    w = send(c->fd, out, k, MSG_NOSIGNAL);
    return w == (ssize_t)k ? 0 : -1;
}


int
rtmp_start(struct conn *c)
{
    uint8_t c01[1537];
    ssize_t w;

    c->rtmp = calloc(1, sizeof(*c->rtmp));
    if (c->rtmp == NULL) {
        return -1;
    }
    for (int i = 0; i < RTMP_SLOTS; i++) {
        c->rtmp->cs[i].csid = -1;
    }
    c->rtmp->cur = -1;
    c->rtmp->in_chunk = 128;
    /* C0 (version 3) + C1: time 0, zero 0, then filler. A zero version
     * field selects the plain handshake on servers that also do RTMPE. */
    memset(c01, 0, sizeof(c01));
    c01[0] = 3;
    for (size_t i = 9; i < sizeof(c01); i++) {
        c01[i] = (uint8_t)(i * 31 + 7);
    }
    w = send(c->fd, c01, sizeof(c01), MSG_NOSIGNAL);
    c->state = ST_RTMP_HANDSHAKE;
    return w == (ssize_t)sizeof(c01) ? 0 : -1;
}


/* C2, Set Chunk Size 4096, connect. */
static int
rtmp_send_connect(struct conn *c, const struct opts *o, const uint8_t *s1)
{
    uint8_t     m[1024];
    uint8_t     csz[4] = {0, 0, 0x10, 0};
    size_t      k = 0;
    char        app[URL_MAX];
    char        tc[URL_MAX + 64];
    const char *slash = strchr(o->path, '/');
    size_t      al = slash ? (size_t)(slash - o->path) : strlen(o->path);

    if (send(c->fd, s1, 1536, MSG_NOSIGNAL) != 1536) {
        return -1;
    }
    if (rtmp_send(c, 2, 1, 0, csz, 4) < 0) {
        return -1;
    }
    snprintf(app, sizeof(app), "%.*s", (int)al, o->path);
    snprintf(tc, sizeof(tc), "rtmp://%s:%d/%s", o->host, o->port, app);
    k += amf_str(m + k, "connect");
    k += amf_num(m + k, 1);
    m[k++] = 0x03;
    k += amf_key(m + k, "app");
    k += amf_str(m + k, app);
    k += amf_key(m + k, "flashVer");
    k += amf_str(m + k, "LNX 9,0,124,2");
    k += amf_key(m + k, "tcUrl");
    k += amf_str(m + k, tc);
    k += amf_key(m + k, "fpad");
    m[k++] = 0x01;
    m[k++] = 0x00;
    k += amf_key(m + k, "capabilities");
    k += amf_num(m + k, 15);
    k += amf_key(m + k, "audioCodecs");
    k += amf_num(m + k, 3191);
    k += amf_key(m + k, "videoCodecs");
    k += amf_num(m + k, 252);
    k += amf_key(m + k, "videoFunction");
    k += amf_num(m + k, 1);
    m[k++] = 0;
    m[k++] = 0;
    m[k++] = 9;
    return rtmp_send(c, 3, 20, 0, m, k);
}


static int
rtmp_send_play(struct conn *c, const struct opts *o)
{
    uint8_t     m[1024];
    size_t      k = 0;
    const char *slash = strchr(o->path, '/');

    k += amf_str(m + k, "play");
    k += amf_num(m + k, 0);
    m[k++] = 0x05;
    k += amf_str(m + k, slash ? slash + 1 : "");
    k += amf_num(m + k, -2000);
    return rtmp_send(c, 8, 20, c->rtmp->sid, m, k);
}


int
rtmp_ack(struct conn *c)
{
    struct rtmp *r = c->rtmp;
    uint8_t      v[4];

    if (r == NULL || r->window == 0 || c->bytes - r->acked < r->window / 2) {
        return 0;
    }
    r->acked = c->bytes;
    v[0] = (uint8_t)(c->bytes >> 24);
    v[1] = (uint8_t)(c->bytes >> 16);
    v[2] = (uint8_t)(c->bytes >> 8);
    v[3] = (uint8_t)c->bytes;
    return rtmp_send(c, 2, 3, 0, v, 4);
}


static int
rtmp_is_key(const uint8_t *m, size_t n)
{
    if (n < 2) {
        return 0;
    }
    if ((m[0] & 0x80) != 0) {
        /* E-RTMP: key frame with CodedFrames or CodedFramesX */
        return ((m[0] >> 4) & 7) == 1
               && ((m[0] & 0x0f) == 1 || (m[0] & 0x0f) == 3);
    }
    if ((m[0] & 0x0f) == 7 || (m[0] & 0x0f) == 12) {
        return (m[0] >> 4) == 1 && m[1] == 1; /* NALUs, not the header */
    }
    return (m[0] >> 4) == 1;
}


static void
rtmp_streaming(struct conn *c, double t)
{
    if (c->state != ST_STREAMING) {
        c->state = ST_STREAMING;
        c->t_play = t;
    }
}


static int
rtmp_command(struct conn *c, const struct opts *o, const uint8_t *m, size_t n,
             double t)
{
    const uint8_t *end = m + n;
    const uint8_t *p;
    uint32_t       nl;
    double         txn = 0;

    if (n < 3 || m[0] != 0x02) {
        return 0;
    }
    nl = (uint32_t)m[1] << 8 | m[2];
    if (3 + nl + 9 > n || m[3 + nl] != 0x00) {
        return 0;
    }
    p = m + 3 + nl;
    {
        uint64_t b = 0;

        for (int i = 0; i < 8; i++) {
            b = b << 8 | p[1 + i];
        }
        memcpy(&txn, &b, sizeof(txn));
    }
    p += 9;
    if (nl == 7 && memcmp(m + 3, "_result", 7) == 0) {
        if (txn == 1) {
            uint8_t cs[64];
            size_t  k = 0;

            k += amf_str(cs + k, "createStream");
            k += amf_num(cs + k, 2);
            cs[k++] = 0x05;
            return rtmp_send(c, 3, 20, 0, cs, k);
        }
        if (txn == 2) {
            uint64_t b = 0;
            double   sid;

            p = amf_skip(p, end, 0); /* command object (null) */
            if (p == NULL || p + 9 > end || p[0] != 0x00) {
                return -1;
            }
            for (int i = 0; i < 8; i++) {
                b = b << 8 | p[1 + i];
            }
            memcpy(&sid, &b, sizeof(sid));
            c->rtmp->sid = (uint32_t)sid;
            return rtmp_send_play(c, o);
        }
        return 0;
    }
    if (nl == 6 && memcmp(m + 3, "_error", 6) == 0) {
        if (failures_logged < 5) {
            fprintf(stderr, "live_load: RTMP _error for transaction %g\n", txn);
        }
        return -1;
    }
    if (nl == 8 && memcmp(m + 3, "onStatus", 8) == 0) {
        uint8_t *k = memmem(p, (size_t)(end - p),
                            "\x00\x04"
                            "code\x02",
                            7);
        char     code[128] = "";

        if (k != NULL && k + 9 <= end) {
            uint32_t cl = (uint32_t)k[7] << 8 | k[8];

            if (k + 9 + cl <= end) {
                snprintf(code, sizeof(code), "%.*s", (int)cl,
                         (const char *)k + 9);
            }
        }
        if (strstr(code, "Play.Start") != NULL) {
            rtmp_streaming(c, t);
        } else if (strstr(code, "Failed") != NULL
                   || strstr(code, "NotFound") != NULL
                   || strstr(code, "Unauthorized") != NULL
                   || strstr(code, "BadName") != NULL)
        {
            if (failures_logged < 5) {
                fprintf(stderr, "live_load: RTMP status %s\n", code);
            }
            return -1;
        }
    }
    return 0;
}


static int
rtmp_message(struct conn *c, const struct opts *o, struct rtmp_cs *s, double t)
{
    struct rtmp   *r = c->rtmp;
    const uint8_t *m = s->buf;
    size_t         kept = s->len < RTMP_KEEP ? s->len : RTMP_KEEP;

    switch (s->type) {
    case 1: /* Set Chunk Size */
        if (kept >= 4) {
            uint32_t v = be32(m) & 0x7fffffff;

            if (v == 0) {
                return -1;
            }
            r->in_chunk = v;
        }
        return 0;
    case 4: /* User Control: answer PingRequest */
        if (kept >= 6 && m[0] == 0 && m[1] == 6) {
            uint8_t pong[6] = {0, 7, m[2], m[3], m[4], m[5]};

            return rtmp_send(c, 2, 4, 0, pong, 6);
        }
        return 0;
    case 5: /* Window Acknowledgement Size */
        if (kept >= 4) {
            r->window = be32(m);
        }
        return 0;
    case 8:
        c->frames++;
        rtmp_streaming(c, t);
        return 0;
    case 9:
        c->frames++;
        c->vframes++;
        rtmp_streaming(c, t);
        if (c->t_first == 0 && rtmp_is_key(m, kept)) {
            c->t_first = t;
        }
        return 0;
    case 17: /* AMF3 command: a format byte, then AMF0 */
        return kept > 1 ? rtmp_command(c, o, m + 1, kept - 1, t) : 0;
    case 20:
        return rtmp_command(c, o, m, kept, t);
    default:
        return 0;
    }
}


static struct rtmp_cs *
rtmp_slot(struct rtmp *r, int csid, int create, int *idx)
{
    int free_slot = -1;

    for (int i = 0; i < RTMP_SLOTS; i++) {
        if (r->cs[i].csid == csid) {
            *idx = i;
            return &r->cs[i];
        }
        if (r->cs[i].csid < 0 && free_slot < 0) {
            free_slot = i;
        }
    }
    if (!create || free_slot < 0) {
        return NULL;
    }
    memset(&r->cs[free_slot], 0, sizeof(r->cs[free_slot]) - RTMP_KEEP);
    r->cs[free_slot].csid = csid;
    *idx = free_slot;
    return &r->cs[free_slot];
}


/* Walks the buffered chunk stream; -1 on a protocol error. */
static int
rtmp_parse(struct conn *c, const struct opts *o, double t)
{
    struct rtmp *r = c->rtmp;
    size_t       pos = 0;

    while (pos < c->n) {
        const uint8_t  *p = c->buf + pos;
        size_t          avail = c->n - pos;
        struct rtmp_cs *s;
        int             fmt;
        int             csid;
        int             idx = 0;
        size_t          h = 1;
        size_t          mh;
        size_t          need;
        uint32_t        field = 0;
        int             ext;

        if (r->chunk_left > 0) {
            size_t k = avail < r->chunk_left ? avail : r->chunk_left;

            s = &r->cs[r->cur];
            if (s->got < RTMP_KEEP) {
                size_t keep = RTMP_KEEP - s->got < k ? RTMP_KEEP - s->got : k;

                memcpy(s->buf + s->got, p, keep);
            }
            s->got += (uint32_t)k;
            r->chunk_left -= (uint32_t)k;
            pos += k;
            if (r->chunk_left == 0 && s->got >= s->len) {
                s->got = 0;
                if (rtmp_message(c, o, s, t) < 0) {
                    return -1;
                }
            }
            continue;
        }
        fmt = p[0] >> 6;
        csid = p[0] & 0x3f;
        if (csid == 0) {
            if (avail < 2) {
                break;
            }
            csid = 64 + p[1];
            h = 2;
        } else if (csid == 1) {
            if (avail < 3) {
                break;
            }
            csid = 64 + p[1] + 256 * p[2];
            h = 3;
        }
        mh = fmt == 0 ? 11 : fmt == 1 ? 7 : fmt == 2 ? 3 : 0;
        if (avail < h + mh) {
            break;
        }
        s = rtmp_slot(r, csid, fmt == 0, &idx);
        if (s == NULL) {
            if (failures_logged < 5) {
                fprintf(stderr,
                        "live_load: RTMP chunk type %d on unknown "
                        "chunk stream %d\n",
                        fmt, csid);
            }
            return -1;
        }
        if (fmt < 3) {
            field = be24(p + h);
            ext = field == 0xffffff;
        } else {
            ext = s->ext;
        }
        need = h + mh + (ext ? 4 : 0);
        if (avail < need) {
            break;
        }
        if (ext && fmt < 3) {
            field = be32(p + h + mh);
        }
        switch (fmt) {
        case 0:
            s->ts = field;
            s->delta = 0;
            s->len = be24(p + h + 3);
            s->type = p[h + 6];
            s->sid = (uint32_t)p[h + 7] | (uint32_t)p[h + 8] << 8
                     | (uint32_t)p[h + 9] << 16 | (uint32_t)p[h + 10] << 24;
            s->got = 0;
            s->ext = (uint8_t)ext;
            break;
        case 1:
            s->len = be24(p + h + 3);
            s->type = p[h + 6];
            /* fall through */
        case 2:
            s->delta = field;
            s->ts += field;
            s->got = 0;
            s->ext = (uint8_t)ext;
            break;
        default:
            if (s->got == 0) {
                s->ts += s->delta; /* a new message, same header */
            }
            break;
        }
        pos += need;
        r->cur = idx;
        r->chunk_left =
            s->len - s->got < r->in_chunk ? s->len - s->got : r->in_chunk;
        if (s->len == 0 && rtmp_message(c, o, s, t) < 0) {
            return -1;
        }
    }
    memmove(c->buf, c->buf + pos, c->n - pos);
    c->n -= pos;
    return 0;
}


/* After a recv into c->buf: handshake, then the chunk stream. */
int
rtmp_readable(struct conn *c, const struct opts *o, int ep, double t)
{
    if (c->state == ST_RTMP_HANDSHAKE) {
        if (c->n < RTMP_HS_LEN) {
            return 0;
        }
        if (c->buf[0] != 3 || rtmp_send_connect(c, o, c->buf + 1) < 0) {
            fail(c, ep, "RTMP handshake");
            return -1;
        }
        memmove(c->buf, c->buf + RTMP_HS_LEN, c->n - RTMP_HS_LEN);
        c->n -= RTMP_HS_LEN;
        c->state = ST_RTMP_SETUP;
    }
    if (rtmp_parse(c, o, t) < 0) {
        if (c->state == ST_STREAMING) {
            close_conn(c, ep, ST_CLOSED);
        } else {
            fail(c, ep, "RTMP setup");
        }
        return -1;
    }
    rtmp_ack(c);
    if (!c->parse && c->t_first != 0) {
        c->drain = 1;
        c->n = 0;
    }
    return 0;
}
