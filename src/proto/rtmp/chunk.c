/* Sluice: RTMP chunk stream reader and writer. */
#include "proto/rtmp/chunk.h"
#include "base/alloc.h"
#include "base/bytes.h"
#include "base/err.h"

#include <string.h>


#define EXT_TS_MARK 0xFFFFFFu
/* Reassembly buffers larger than this are released after their message. */
#define KEEP_BUF_MAX (1u << 20)
/* Chunk stream slots allocated at first; grown up to max_cs. */
#define CS_INITIAL 8


struct sl_rtmp_chunk_stream {
    uint32_t csid;     /* 0: free slot */
    uint32_t ts;       /* absolute timestamp of the current message */
    uint32_t ts_field; /* last timestamp field read (delta or absolute) */
    uint32_t len;      /* current message length */
    uint32_t msid;
    uint8_t  type;
    bool     ext;     /* the last header had an extended timestamp */
    bool     partial; /* a message is being reassembled */
    bool     release; /* free buf at the next read (it was large) */
    uint8_t *buf;
    size_t   alloc;
    size_t   got; /* bytes of the current message received */
    uint64_t last_use;
};


static struct sl_rtmp_chunk_stream *find_cs(struct sl_rtmp_chunk_reader *r,
                                            uint32_t                     csid);
static int    new_cs(struct sl_rtmp_chunk_reader *r, uint32_t csid,
                     struct sl_rtmp_chunk_stream **out);
static void   drop_buf(struct sl_rtmp_chunk_reader *r,
                       struct sl_rtmp_chunk_stream *cs);
static int    reserve_buf(struct sl_rtmp_chunk_reader *r,
                          struct sl_rtmp_chunk_stream *cs, size_t len);
static void   release_large(struct sl_rtmp_chunk_reader *r);
static int    read_payload(struct sl_rtmp_chunk_reader *r, const uint8_t *p,
                           size_t len, struct sl_rtmp_msg *msg, bool *complete);
static int    finish(struct sl_rtmp_chunk_reader *r,
                     struct sl_rtmp_chunk_stream *cs, const uint8_t *data,
                     struct sl_rtmp_msg *msg, bool *complete);
static int    apply_control(struct sl_rtmp_chunk_reader *r,
                            const struct sl_rtmp_msg    *msg);
static size_t basic_header(uint8_t *dst, unsigned fmt, uint32_t csid);


void
sl_rtmp_chunk_reader_init(struct sl_rtmp_chunk_reader *r,
                          const struct sl_rtmp_limits *lim)
{
    memset(r, 0, sizeof(*r));
    r->max_cs = SL_RTMP_MAX_CHUNK_STREAMS;
    r->max_message = SL_RTMP_MAX_MESSAGE;
    r->budget = SL_RTMP_REASSEMBLY_BUDGET;
    if (lim != NULL) {
        if (lim->max_chunk_streams > 0
            && lim->max_chunk_streams < SL_RTMP_MAX_CHUNK_STREAMS)
        {
            r->max_cs = lim->max_chunk_streams;
        }
        if (lim->max_message > 0 && lim->max_message < SL_RTMP_MAX_CHUNK_SIZE) {
            r->max_message = lim->max_message;
        }
        if (lim->reassembly_budget > 0) {
            r->budget = lim->reassembly_budget;
        }
    }
    r->chunk_size = SL_RTMP_DEFAULT_CHUNK_SIZE;
}


void
sl_rtmp_chunk_reader_free(struct sl_rtmp_chunk_reader *r)
{
    size_t i;

    for (i = 0; i < r->ncs; i++) {
        sl_free(r->cs[i].buf);
    }
    sl_free(r->cs);
    memset(r, 0, sizeof(*r));
}


static struct sl_rtmp_chunk_stream *
find_cs(struct sl_rtmp_chunk_reader *r, uint32_t csid)
{
    size_t i;

    for (i = 0; i < r->ncs; i++) {
        if (r->cs[i].csid == csid) {
            return &r->cs[i];
        }
    }
    return NULL;
}


/*
 * A slot for a chunk stream never seen (or forgotten): a free one, a new
 * one while under the cap, else the least recently used one without a
 * partial message.  Called only between chunks (r->cur is NULL), because
 * growing the table moves the slots.
 */
static int
new_cs(struct sl_rtmp_chunk_reader *r, uint32_t csid,
       struct sl_rtmp_chunk_stream **out)
{
    struct sl_rtmp_chunk_stream *victim = NULL;
    size_t                       i;

    for (i = 0; i < r->ncs; i++) {
        if (r->cs[i].csid == 0) {
            victim = &r->cs[i];
            break;
        }
    }
    if (victim == NULL && r->ncs < r->max_cs) {
        size_t cap = r->ncs < CS_INITIAL ? CS_INITIAL : r->ncs * 2;

        if (cap > r->max_cs) {
            cap = r->max_cs;
        }
        r->cs = sl_realloc(r->cs, cap * sizeof(*r->cs));
        memset(&r->cs[r->ncs], 0, (cap - r->ncs) * sizeof(*r->cs));
        victim = &r->cs[r->ncs];
        r->ncs = cap;
    }
    if (victim == NULL) {
        for (i = 0; i < r->ncs; i++) {
            struct sl_rtmp_chunk_stream *c = &r->cs[i];

            if (!c->partial
                && (victim == NULL || c->last_use < victim->last_use)) {
                victim = c;
            }
        }
    }
    if (victim == NULL) {
        return SL_ELIMIT;
    }
    drop_buf(r, victim);
    memset(victim, 0, sizeof(*victim));
    victim->csid = csid;
    *out = victim;
    return 0;
}


static void
drop_buf(struct sl_rtmp_chunk_reader *r, struct sl_rtmp_chunk_stream *cs)
{
    r->used -= cs->alloc;
    sl_freep(&cs->buf);
    cs->alloc = 0;
    cs->release = false;
}


/* Makes cs->buf hold len bytes within the connection's budget. */
static int
reserve_buf(struct sl_rtmp_chunk_reader *r, struct sl_rtmp_chunk_stream *cs,
            size_t len)
{
    size_t i;

    if (cs->alloc >= len) {
        return 0;
    }
    if (r->used - cs->alloc + len > r->budget) {
        /* Give back the idle buffers other chunk streams keep. */
        for (i = 0; i < r->ncs; i++) {
            if (&r->cs[i] != cs && !r->cs[i].partial) {
                drop_buf(r, &r->cs[i]);
            }
        }
        if (r->used - cs->alloc + len > r->budget) {
            return SL_ELIMIT;
        }
    }
    cs->buf = sl_realloc(cs->buf, len);
    r->used = r->used - cs->alloc + len;
    cs->alloc = len;
    return 0;
}


/* Frees large buffers whose message was handed up by the previous call. */
static void
release_large(struct sl_rtmp_chunk_reader *r)
{
    size_t i;

    for (i = 0; i < r->ncs; i++) {
        if (r->cs[i].release) {
            drop_buf(r, &r->cs[i]);
        }
    }
}


int
sl_rtmp_chunk_read(struct sl_rtmp_chunk_reader *r, const uint8_t *p, size_t len,
                   struct sl_rtmp_msg *msg, bool *complete)
{
    struct sl_rtmp_chunk_stream *cs;
    uint32_t                     csid, tsf = 0, mlen = 0, msid = 0;
    uint8_t                      type = 0;
    unsigned                     fmt;
    size_t                       hl, avail, n;
    bool                         ext;
    int                          rc;

    *complete = false;
    release_large(r);
    if (r->cur != NULL) {
        return read_payload(r, p, len, msg, complete);
    }
    if (len < 1) {
        return SL_EAGAIN;
    }
    fmt = p[0] >> 6;
    csid = p[0] & 0x3f;
    hl = 1;
    if (csid == 0) {
        if (len < 2) {
            return SL_EAGAIN;
        }
        csid = 64u + p[1];
        hl = 2;
    } else if (csid == 1) {
        if (len < 3) {
            return SL_EAGAIN;
        }
        csid = 64u + p[1] + ((uint32_t)p[2] << 8);
        hl = 3;
    }
    /* csid 2 is "low level" control; 0 and 1 are encodings, never ids. */
    n = fmt == 0 ? 11 : fmt == 1 ? 7 : fmt == 2 ? 3 : 0;
    if (len < hl + n) {
        return SL_EAGAIN;
    }
    if (n >= 3) {
        tsf = sl_rb24(p + hl);
    }
    if (n >= 7) {
        mlen = sl_rb24(p + hl + 3);
        type = p[hl + 6];
    }
    if (n == 11) {
        msid = sl_rl32(p + hl + 7);
    }
    cs = find_cs(r, csid);
    if (cs == NULL && fmt >= 2) {
        return SL_EBADDATA; /* the header refers to state we never had */
    }
    if (cs != NULL && cs->partial && fmt != 3) {
        return SL_EBADDATA; /* a new message before the last one ended */
    }
    hl += n;
    if (fmt < 3) {
        ext = tsf == EXT_TS_MARK;
        if (ext) {
            if (len < hl + 4) {
                return SL_EAGAIN;
            }
            tsf = sl_rb32(p + hl);
            hl += 4;
        }
    } else {
        ext = cs->ext;
        if (ext) {
            /*
             * The spec repeats the extended timestamp in type-3 chunks;
             * some clients leave it out.  It is there when the next four
             * bytes equal it.
             */
            if (len < hl + 4) {
                return SL_EAGAIN;
            }
            if (sl_rb32(p + hl) == cs->ts_field) {
                hl += 4;
            }
        }
    }
    if (cs == NULL) {
        rc = new_cs(r, csid, &cs);
        if (rc < 0) {
            return rc;
        }
    }
    cs->last_use = ++r->tick;
    if (!cs->partial) {
        /* A new message: take the header's fields, relative to the last. */
        if (fmt == 0) {
            cs->ts = tsf;
            cs->msid = msid;
        } else if (fmt < 3) {
            cs->ts += tsf;
        } else {
            cs->ts += cs->ts_field;
        }
        if (fmt < 3) {
            cs->ts_field = tsf;
            cs->ext = ext;
        }
        if (fmt < 2) {
            if (mlen > r->max_message) {
                return SL_ELIMIT;
            }
            cs->len = mlen;
            cs->type = type;
        }
        cs->got = 0;
        avail = len - hl;
        if (cs->len <= r->chunk_size && avail >= cs->len) {
            /* The whole message is in this chunk and in p: no copy. */
            rc = finish(r, cs, p + hl, msg, complete);
            return rc < 0 ? rc : (int)(hl + cs->len);
        }
        rc = reserve_buf(r, cs, cs->len);
        if (rc < 0) {
            return rc;
        }
        cs->partial = true;
    }
    r->cur = cs;
    n = cs->len - cs->got;
    r->cur_left = n < r->chunk_size ? n : r->chunk_size;
    if (len == hl) {
        return (int)hl;
    }
    rc = read_payload(r, p + hl, len - hl, msg, complete);
    return rc < 0 ? rc : (int)hl + rc;
}


/* Copies payload bytes of the current chunk into its message. */
static int
read_payload(struct sl_rtmp_chunk_reader *r, const uint8_t *p, size_t len,
             struct sl_rtmp_msg *msg, bool *complete)
{
    struct sl_rtmp_chunk_stream *cs = r->cur;
    size_t                       n = len < r->cur_left ? len : r->cur_left;
    int                          rc;

    if (len == 0) {
        return SL_EAGAIN;
    }
    memcpy(cs->buf + cs->got, p, n);
    cs->got += n;
    r->cur_left -= n;
    if (r->cur_left == 0) {
        r->cur = NULL;
        if (cs->got == cs->len) {
            cs->partial = false;
            rc = finish(r, cs, cs->buf, msg, complete);
            if (rc < 0) {
                return rc;
            }
        }
    }
    return (int)n;
}


static int
finish(struct sl_rtmp_chunk_reader *r, struct sl_rtmp_chunk_stream *cs,
       const uint8_t *data, struct sl_rtmp_msg *msg, bool *complete)
{
    msg->csid = cs->csid;
    msg->type = cs->type;
    msg->msid = cs->msid;
    msg->ts = cs->ts;
    msg->data = cs->len > 0 ? data : NULL;
    msg->len = cs->len;
    *complete = true;
    if (cs->alloc > KEEP_BUF_MAX) {
        cs->release = true;
    }
    return apply_control(r, msg);
}


static int
apply_control(struct sl_rtmp_chunk_reader *r, const struct sl_rtmp_msg *msg)
{
    struct sl_rtmp_chunk_stream *cs;
    uint32_t                     v;

    if (msg->type != SL_RTMP_MSG_SET_CHUNK_SIZE
        && msg->type != SL_RTMP_MSG_ABORT) {
        return 0;
    }
    if (msg->len < 4) {
        return SL_EBADDATA;
    }
    v = sl_rb32(msg->data);
    if (msg->type == SL_RTMP_MSG_SET_CHUNK_SIZE) {
        if (v == 0 || v > 0x7FFFFFFFu) {
            return SL_EBADDATA;
        }
        r->chunk_size = v < SL_RTMP_MAX_CHUNK_SIZE ? v : SL_RTMP_MAX_CHUNK_SIZE;
        return 0;
    }
    cs = find_cs(r, v);
    if (cs != NULL && cs->partial) {
        cs->partial = false;
        cs->got = 0;
    }
    return 0;
}


static size_t
basic_header(uint8_t *dst, unsigned fmt, uint32_t csid)
{
    if (csid < 64) {
        dst[0] = (uint8_t)(fmt << 6 | csid);
        return 1;
    }
    if (csid < 320) {
        dst[0] = (uint8_t)(fmt << 6);
        dst[1] = (uint8_t)(csid - 64);
        return 2;
    }
    dst[0] = (uint8_t)(fmt << 6 | 1);
    dst[1] = (uint8_t)((csid - 64) & 0xff);
    dst[2] = (uint8_t)((csid - 64) >> 8);
    return 3;
}


size_t
sl_rtmp_chunk_header0(uint8_t *dst, uint32_t csid, uint8_t type, uint32_t msid,
                      uint32_t ts, size_t len)
{
    size_t n;

    if (csid < SL_RTMP_MIN_CSID || csid > SL_RTMP_MAX_CSID || len > 0xFFFFFFu) {
        return 0;
    }
    n = basic_header(dst, 0, csid);
    sl_wb24(dst + n, ts >= EXT_TS_MARK ? EXT_TS_MARK : ts);
    sl_wb24(dst + n + 3, (uint32_t)len);
    dst[n + 6] = type;
    sl_wl32(dst + n + 7, msid);
    n += 11;
    if (ts >= EXT_TS_MARK) {
        sl_wb32(dst + n, ts);
        n += 4;
    }
    return n;
}


size_t
sl_rtmp_chunk_header3(uint8_t *dst, uint32_t csid, uint32_t ts)
{
    size_t n;

    if (csid < SL_RTMP_MIN_CSID || csid > SL_RTMP_MAX_CSID) {
        return 0;
    }
    n = basic_header(dst, 3, csid);
    if (ts >= EXT_TS_MARK) {
        sl_wb32(dst + n, ts);
        n += 4;
    }
    return n;
}


size_t
sl_rtmp_chunked_size(uint32_t csid, uint32_t ts, size_t len,
                     uint32_t chunk_size)
{
    uint8_t h0[SL_RTMP_MAX_HEADER], h3[SL_RTMP_MAX_HEADER];
    size_t  n0 = sl_rtmp_chunk_header0(h0, csid, 0, 0, ts, 0);
    size_t  n3 = sl_rtmp_chunk_header3(h3, csid, ts);
    size_t  chunks;

    if (chunk_size == 0) {
        return 0;
    }
    chunks = len == 0 ? 1 : (len + chunk_size - 1) / chunk_size;
    return n0 + (chunks - 1) * n3 + len;
}


int
sl_rtmp_write_message(struct sl_dbuf *out, uint32_t csid, uint8_t type,
                      uint32_t msid, uint32_t ts, const uint8_t *payload,
                      size_t len, uint32_t chunk_size)
{
    return sl_rtmp_write_message2(out, csid, type, msid, ts, payload, len, NULL,
                                  0, chunk_size);
}


int
sl_rtmp_write_message2(struct sl_dbuf *out, uint32_t csid, uint8_t type,
                       uint32_t msid, uint32_t ts, const uint8_t *a,
                       size_t alen, const uint8_t *b, size_t blen,
                       uint32_t chunk_size)
{
    uint8_t  h3[SL_RTMP_MAX_HEADER];
    size_t   len = alen + blen, total, n3, done = 0, n;
    uint8_t *w;

    if (csid < SL_RTMP_MIN_CSID || csid > SL_RTMP_MAX_CSID || chunk_size == 0
        || len > 0xFFFFFFu || alen > len)
    {
        return SL_EINVAL;
    }
    total = sl_rtmp_chunked_size(csid, ts, len, chunk_size);
    w = sl_dbuf_reserve(out, total);
    if (w == NULL) {
        return SL_ELIMIT;
    }
    n = sl_rtmp_chunk_header0(w, csid, type, msid, ts, len);
    n3 = sl_rtmp_chunk_header3(h3, csid, ts);
    w += n;
    while (done < len) {
        size_t step = len - done < chunk_size ? len - done : chunk_size;
        size_t i = 0;

        if (done > 0) {
            memcpy(w, h3, n3);
            w += n3;
        }
        while (i < step) {
            size_t pos = done + i;
            size_t k;

            if (pos < alen) {
                k = alen - pos < step - i ? alen - pos : step - i;
                memcpy(w, a + pos, k);
            } else {
                k = step - i;
                memcpy(w, b + (pos - alen), k);
            }
            w += k;
            i += k;
        }
        done += step;
    }
    sl_dbuf_commit(out, total);
    return 0;
}
