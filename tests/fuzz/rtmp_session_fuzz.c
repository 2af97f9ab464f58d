/*
 * Fuzz target: a whole server session.  A valid plain handshake (C0 C1
 * C2) is fed first, then the input, cut into pieces whose sizes come from
 * its first byte.  The handlers accept connect, defer every other publish
 * and play and decide them later (accept or refuse by msid parity),
 * and read every media message.  Properties: no crash, no leak; feed
 * returns the length it was given or an error after which nothing more is
 * taken; the output is whole chunked messages that our own reader parses.
 */
#include "proto/rtmp/session.h"
#include "base/err.h"
#include "proto/rtmp/chunk.h"
#include "proto/rtmp/handshake.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


struct fz {
    uint32_t deferred[4];
    size_t   ndeferred;
    uint64_t media_bytes;
    int      calls;
};


static int  on_connect(void *ud, const struct sl_rtmp_connect_info *ci);
static int  on_stream(void *ud, const struct sl_rtmp_stream_info *si);
static void on_media(void *ud, const struct sl_rtmp_media *m);
static void on_end(void *ud, uint32_t msid);
static void check_output(struct sl_rtmp_session      *s,
                         struct sl_rtmp_chunk_reader *r, bool *skipped);


static int
on_connect(void *ud, const struct sl_rtmp_connect_info *ci)
{
    (void)ud;
    return ci->app.len == 3 ? SL_EAUTH : 0;
}


static int
on_stream(void *ud, const struct sl_rtmp_stream_info *si)
{
    struct fz *f = ud;

    f->calls++;
    if ((si->name.len & 3) == 1) {
        return SL_EEXIST;
    }
    if (f->ndeferred < 4) {
        f->deferred[f->ndeferred++] = si->msid;
        return SL_EAGAIN;
    }
    return 0;
}


static void
on_media(void *ud, const struct sl_rtmp_media *m)
{
    struct fz *f = ud;

    if (m->len > 0) {
        /* Touch both ends so ASan checks the slice. */
        f->media_bytes += m->data[0] + m->data[m->len - 1];
    }
}


static void
on_end(void *ud, uint32_t msid)
{
    ((struct fz *)ud)->calls++;
    (void)msid;
}


static void
check_output(struct sl_rtmp_session *s, struct sl_rtmp_chunk_reader *r,
             bool *skipped)
{
    struct sl_dbuf *o = sl_rtmp_session_output(s);
    const uint8_t  *p;
    size_t          left;

    if (!*skipped) {
        if (o->len < 1 + 2 * SL_RTMP_HANDSHAKE_SIZE) {
            abort();
        }
        sl_dbuf_consume(o, 1 + 2 * SL_RTMP_HANDSHAKE_SIZE);
        *skipped = true;
    }
    p = sl_dbuf_data(o);
    left = o->len;
    while (left > 0) {
        struct sl_rtmp_msg m;
        bool               complete;
        int                rc = sl_rtmp_chunk_read(r, p, left, &m, &complete);

        if (rc <= 0) {
            abort();
        }
        p += rc;
        left -= (size_t)rc;
    }
    if (r->cur != NULL) {
        abort(); /* a message was cut */
    }
    sl_dbuf_consume(o, o->len);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t         hs[1 + 2 * SL_RTMP_HANDSHAKE_SIZE];
    struct fz              f;
    struct sl_rtmp_handler h = {.ud = &f,
                                .on_connect = on_connect,
                                .on_publish = on_stream,
                                .on_play = on_stream,
                                .on_media = on_media,
                                .on_unpublish = on_end,
                                .on_stop_play = on_end};
    struct sl_rtmp_limits  lim = {
         .max_message = 1 << 16, .reassembly_budget = 1 << 18, .max_streams = 4};
    struct sl_rtmp_session     *s;
    struct sl_rtmp_chunk_reader r;
    bool                        skipped = false, dead = false;
    size_t                      off = 0, step, i;

    if (size < 1) {
        return 0;
    }
    step = (size_t)data[0] * 8 + 1;
    data++;
    size--;
    memset(&f, 0, sizeof(f));
    hs[0] = 3;
    s = sl_rtmp_session_new(&h, &lim);
    sl_rtmp_chunk_reader_init(&r, NULL);
    if (sl_rtmp_session_feed(s, hs, sizeof(hs)) != (int)sizeof(hs)) {
        abort();
    }
    check_output(s, &r, &skipped);
    while (off < size) {
        size_t n = size - off < step ? size - off : step;
        int    rc = sl_rtmp_session_feed(s, data + off, n);

        check_output(s, &r, &skipped);
        if (rc < 0) {
            if (sl_rtmp_session_error(s)[0] == '\0'
                || !sl_rtmp_session_wants_close(s)
                || sl_rtmp_session_feed(s, data, 1) >= 0)
            {
                abort();
            }
            dead = true;
            break;
        }
        if (rc != (int)n) {
            abort();
        }
        off += n;
        /* Decide the deferred streams between two reads, as after auth. */
        for (i = 0; i < f.ndeferred; i++) {
            if (f.deferred[i] & 1) {
                sl_rtmp_session_publish_result(s, f.deferred[i], 0, NULL);
                sl_rtmp_session_play_result(s, f.deferred[i], 0, NULL);
            } else {
                sl_rtmp_session_publish_result(s, f.deferred[i], SL_EAUTH,
                                               NULL);
                sl_rtmp_session_play_result(s, f.deferred[i], SL_ENOTFOUND,
                                            "x");
            }
            sl_rtmp_session_unpublish_notify(s, f.deferred[i]);
        }
        f.ndeferred = 0;
        check_output(s, &r, &skipped);
    }
    (void)dead;
    sl_rtmp_session_free(&s);
    sl_rtmp_chunk_reader_free(&r);
    return 0;
}
