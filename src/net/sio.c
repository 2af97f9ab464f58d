/* Sluice: stream I/O over a TCP socket, plain or through a filter (TLS). */
#include "net/sio.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/list.h"
#include "base/str.h"
#include "net/tls.h"

#include <assert.h>
#include <string.h>
#include <unistd.h>


static int  sio_start(struct sl_sio *io, uv_loop_t *loop, int fd, SSL_CTX *tls,
                      bool client, const char *sni,
                      uint64_t                     handshake_timeout_ms,
                      const struct sl_sio_handler *h, void *ud);
static void on_alloc(uv_handle_t *hd, size_t hint, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);
static void handle_read(struct sl_sio *io, ssize_t n, const uv_buf_t *buf);
static void on_raw_written(uv_write_t *req, int status);
static void on_tcp_closed(uv_handle_t *hd);
static void finish_close(struct sl_sio *io);


/*
 * One read buffer per thread, shared by every connection of the loop: on
 * Unix, libuv calls alloc, read(2) and the read callback back to back for
 * one stream, and on_read's contract says p is valid during the call only,
 * so no connection needs a buffer of its own while idle.
 */
static _Thread_local uint8_t sio_rbuf[SL_SIO_READ_BUF];
static _Thread_local bool    sio_rbuf_busy;


int
sl_sio_init(struct sl_sio *io, uv_loop_t *loop, int fd, SSL_CTX *tls,
            uint64_t handshake_timeout_ms, const struct sl_sio_handler *h,
            void *ud)
{
    return sio_start(io, loop, fd, tls, false, NULL, handshake_timeout_ms, h,
                     ud);
}


int
sl_sio_init_client(struct sl_sio *io, uv_loop_t *loop, int fd, SSL_CTX *tls,
                   const char *sni, uint64_t handshake_timeout_ms,
                   const struct sl_sio_handler *h, void *ud)
{
    return sio_start(io, loop, fd, tls, true, sni, handshake_timeout_ms, h, ud);
}


static int
sio_start(struct sl_sio *io, uv_loop_t *loop, int fd, SSL_CTX *tls, bool client,
          const char *sni, uint64_t handshake_timeout_ms,
          const struct sl_sio_handler *h, void *ud)
{
    int rc;

    memset(io, 0, sizeof(*io));
    io->h = h;
    io->ud = ud;
    /* Without a socket to create (AF_UNSPEC), uv_tcp_init cannot fail. */
    rc = uv_tcp_init(loop, &io->tcp);
    assert(rc == 0);
    io->tcp.data = io;
    rc = uv_tcp_open(&io->tcp, fd);
    if (rc < 0) {
        close(fd);
        return rc;
    }
    if (tls != NULL) {
        io->filter = &sl_sio_filter_tls;
        io->priv = sl_calloc(1, io->filter->priv_size);
        rc = sl_tls_filter_start(io, tls, client, sni, handshake_timeout_ms);
        if (rc < 0) {
            return rc;
        }
    }
    rc = uv_read_start((uv_stream_t *)&io->tcp, on_alloc, on_read);
    if (rc < 0) {
        return rc;
    }
    return 0;
}


void *
sl_sio_ud(const struct sl_sio *io)
{
    return io->ud;
}


static void
on_alloc(uv_handle_t *hd, size_t hint, uv_buf_t *buf)
{
    (void)hd;
    (void)hint;
    /* Only a broken assumption about libuv could find the buffer in use;
     * then the read fails with UV_ENOBUFS rather than corrupting it. */
    if (sio_rbuf_busy) {
        buf->base = NULL;
        buf->len = 0;
        return;
    }
    sio_rbuf_busy = true;
    buf->base = (char *)sio_rbuf;
    buf->len = sizeof(sio_rbuf);
}


static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    handle_read(s->data, n, buf);
    if (buf->base == (char *)sio_rbuf) {
        sio_rbuf_busy = false;
    }
}


static void
handle_read(struct sl_sio *io, ssize_t n, const uv_buf_t *buf)
{
    if (n < 0) {
        sl_sio_fail(io, (int)n);
        return;
    }
    if (n == 0 || io->closing || io->failed) {
        return;
    }
    if (io->filter != NULL) {
        io->filter->recv(io, (const uint8_t *)buf->base, (size_t)n);
    } else {
        sl_sio_deliver(io, (const uint8_t *)buf->base, (size_t)n);
    }
}


void
sl_sio_deliver(struct sl_sio *io, const uint8_t *p, size_t n)
{
    if (io->closing || io->failed || n == 0) {
        return;
    }
    io->h->on_read(io, p, n);
}


void
sl_sio_fail(struct sl_sio *io, int err)
{
    if (io->closing || io->failed) {
        return;
    }
    io->failed = true;
    uv_read_stop((uv_stream_t *)&io->tcp);
    io->h->on_error(io, err);
}


int
sl_sio_write(struct sl_sio *io, const uv_buf_t *bufs, unsigned n)
{
    size_t   total = 0;
    unsigned i;
    int      rc;

    if (io->closing) {
        return SL_ECLOSED;
    }
    if (io->writing) {
        return SL_EAGAIN;
    }
    for (i = 0; i < n; i++) {
        total += bufs[i].len;
    }
    if (total == 0) {
        return SL_EINVAL;
    }
    if (io->filter != NULL) {
        rc = io->filter->write(io, bufs, n);
    } else {
        rc = uv_write(&io->wreq, (uv_stream_t *)&io->tcp, bufs, n,
                      on_raw_written);
        if (rc == 0) {
            io->raw_writing = true;
        }
    }
    if (rc < 0) {
        return rc;
    }
    io->writing = true;
    return 0;
}


int
sl_sio_raw_write(struct sl_sio *io, const uv_buf_t *buf)
{
    int rc;

    if (io->raw_writing) {
        return SL_EAGAIN;
    }
    rc = uv_write(&io->wreq, (uv_stream_t *)&io->tcp, buf, 1, on_raw_written);
    if (rc < 0) {
        return rc;
    }
    io->raw_writing = true;
    return 0;
}


static void
on_raw_written(uv_write_t *req, int status)
{
    struct sl_sio *io = sl_container_of(req, struct sl_sio, wreq);

    io->raw_writing = false;
    if (io->filter != NULL) {
        io->filter->raw_written(io, status);
        return;
    }
    sl_sio_write_done(io, status);
}


void
sl_sio_write_done(struct sl_sio *io, int status)
{
    if (!io->writing) {
        return;
    }
    io->writing = false;
    io->h->on_written(io, status);
}


bool
sl_sio_writing(const struct sl_sio *io)
{
    return io->writing;
}


int
sl_sio_fileno(const struct sl_sio *io, int *fd)
{
    uv_os_fd_t f;
    int        rc = uv_fileno((const uv_handle_t *)&io->tcp, &f);

    if (rc < 0) {
        return rc;
    }
    *fd = f;
    return 0;
}


bool
sl_sio_is_tls(const struct sl_sio *io)
{
    return io->filter == &sl_sio_filter_tls;
}


bool
sl_sio_ready(const struct sl_sio *io)
{
    if (io->filter == NULL || io->filter->ready == NULL) {
        return true;
    }
    return io->filter->ready(io);
}


void
sl_sio_strerror(const struct sl_sio *io, int err, char *buf, size_t len)
{
    /* The filter's detail is gone once on_closed has run. */
    if (io->filter != NULL && io->filter->strerror != NULL && io->priv != NULL
        && err == SL_EBADDATA)
    {
        io->filter->strerror(io, err, buf, len);
        return;
    }
    if (err <= -4096) {
        sl_strlcpy(buf, sl_strerror(err), len);
    } else {
        sl_strlcpy(buf, uv_strerror(err), len);
    }
}


void
sl_sio_close(struct sl_sio *io)
{
    if (io->closing) {
        return;
    }
    io->closing = true;
    io->handles = 1;
    if (io->filter != NULL && io->filter->close != NULL) {
        io->handles += (uint8_t)io->filter->close(io);
    }
    /* Cancels a pending uv_write: on_raw_written(UV_ECANCELED) runs before
     * on_tcp_closed. */
    uv_close((uv_handle_t *)&io->tcp, on_tcp_closed);
}


static void
on_tcp_closed(uv_handle_t *hd)
{
    sl_sio_handle_closed(hd->data);
}


void
sl_sio_handle_closed(struct sl_sio *io)
{
    if (--io->handles > 0) {
        return;
    }
    finish_close(io);
}


static void
finish_close(struct sl_sio *io)
{
    if (io->filter != NULL) {
        if (io->filter->free != NULL) {
            io->filter->free(io);
        }
        sl_freep(&io->priv);
    }
    /* A write the filter held back (before the handshake, or queued behind
     * its own bytes) never reached the socket. */
    sl_sio_write_done(io, UV_ECANCELED);
    io->h->on_closed(io);
}
