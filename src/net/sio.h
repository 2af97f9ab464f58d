/*
 * Stream I/O: one connection's byte stream, plain TCP or TLS, behind one
 * interface.
 *
 * A struct sl_sio wraps a connected TCP socket on one libuv loop and is
 * meant to be embedded in the connection that owns it (no allocation for
 * plain TCP).  The owner sees plaintext either way: on_read gets decrypted
 * bytes, sl_sio_write takes plaintext.  Transports stack as filters with
 * one vtable (STYLE c.4): the socket is always at the bottom, and at most
 * one filter (struct sl_sio_filter_type, today only TLS from net/tls.c) sits
 * between it and the owner.  Code above sl_sio does not know which filter
 * it writes to.
 *
 * Lifetime and callbacks (all on the loop's thread):
 *
 *   - sl_sio_init takes ownership of the fd.  Whatever it returns, the sio
 *     must be closed with sl_sio_close and the owner freed only from
 *     on_closed (when init fails, no other callback comes first).
 *   - on_read delivers plaintext; p is valid only during the call (it points
 *     into a per-thread buffer shared by all connections of the loop).
 *   - One write in flight, like uv_write: the buffers given to sl_sio_write
 *     must stay valid and unchanged until on_written.  Every write accepted
 *     (return 0) gets exactly one on_written, never from inside
 *     sl_sio_write itself: status 0 when all of it was handed to the
 *     kernel, a negative code when it failed, and UV_ECANCELED when
 *     sl_sio_close came first (then on_written arrives after sl_sio_close
 *     returned and before on_closed).
 *   - on_error reports the end of the stream (UV_EOF, also for a TLS
 *     close_notify), a socket error, SL_ETIMEOUT for a slow TLS handshake or
 *     SL_EBADDATA for a TLS failure, at most once; reading stops and the
 *     owner should close.  It is not called after sl_sio_close.  A failed
 *     write is reported through on_written's status, not on_error.
 *   - on_closed comes once, after sl_sio_close, when every handle is closed:
 *     then the owner may free the memory holding the sio.
 *
 * Reads are not flow-controlled: the socket is read whenever data arrives.
 */
#ifndef SL_NET_SIO_H
#define SL_NET_SIO_H

#include <openssl/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>


/* Bytes read from the socket per read (one per-thread buffer). */
#define SL_SIO_READ_BUF (16 * 1024)
/* Largest plaintext one TLS sl_sio_write may carry (SL_ELIMIT beyond). */
#define SL_SIO_TLS_MAX_WRITE (4 * 1024 * 1024)


struct sl_sio;
struct sl_sio_filter_type;

/* Plaintext from the peer; p is valid during the call only. */
typedef void sl_sio_read_fn(struct sl_sio *io, const uint8_t *p, size_t n);
/* on_written and on_error: see the header comment for the status codes. */
typedef void sl_sio_status_fn(struct sl_sio *io, int status);
typedef void sl_sio_closed_fn(struct sl_sio *io);

struct sl_sio_handler {
    sl_sio_read_fn   *on_read;
    sl_sio_status_fn *on_written;
    sl_sio_status_fn *on_error;
    sl_sio_closed_fn *on_closed;
};

struct sl_sio {
    uv_tcp_t                         tcp;  /* tcp.data points here */
    uv_write_t                       wreq; /* the one socket write */
    const struct sl_sio_handler     *h;
    void                            *ud;
    const struct sl_sio_filter_type *filter;  /* NULL: plain TCP */
    void                            *priv;    /* the filter's state */
    uint8_t                          handles; /* open while closing */
    bool                             writing; /* a write awaits on_written */
    bool                             raw_writing; /* wreq is in use */
    bool                             closing;
    bool                             failed; /* on_error was called */
};


/*
 * Wraps an accepted fd on loop.  tls NULL: plain TCP.  Otherwise a
 * reference to tls is taken and the server side of the handshake runs
 * first: on_read comes only after it, and a handshake that has not
 * completed within handshake_timeout_ms (0: no limit) fails with
 * on_error(SL_ETIMEOUT).  Writes may be issued before the handshake ends;
 * they are encrypted once it does.  Returns 0 or a negative code; see the
 * header comment for what the caller must do either way.
 */
int sl_sio_init(struct sl_sio *io, uv_loop_t *loop, int fd, SSL_CTX *tls,
                uint64_t handshake_timeout_ms, const struct sl_sio_handler *h,
                void *ud);
/*
 * The same for the connecting side of a TLS session over an already
 * connected fd: tls is a client context (sl_tls_client_ctx_new), sni the
 * server name to send (NULL or an IP literal: none).  The ClientHello goes
 * out at once.  With tls NULL this is plain TCP, like sl_sio_init.
 */
int sl_sio_init_client(struct sl_sio *io, uv_loop_t *loop, int fd, SSL_CTX *tls,
                       const char *sni, uint64_t handshake_timeout_ms,
                       const struct sl_sio_handler *h, void *ud);
/* The ud given at init. */
void *sl_sio_ud(const struct sl_sio *io);

/*
 * Writes bufs (n >= 1, at least one byte in all).  Returns 0, SL_EAGAIN
 * when a write is already in flight, SL_ECLOSED after sl_sio_close or a
 * TLS failure, SL_EINVAL for an empty write, SL_ELIMIT for a TLS write of
 * more than SL_SIO_TLS_MAX_WRITE bytes, or a socket error.  Plain: a
 * zero-copy uv_write of bufs.  TLS: bufs are encrypted at once (or when the
 * handshake is over) into a ciphertext buffer of the sio, small buffers
 * gathered into full records, and that is written out; on_written comes
 * when all of it has gone to the kernel.  On error on_written is not
 * called.
 */
int  sl_sio_write(struct sl_sio *io, const uv_buf_t *bufs, unsigned n);
bool sl_sio_writing(const struct sl_sio *io);
/* The socket's fd (for SO_SNDBUF and the like): 0 or a negative code. */
int  sl_sio_fileno(const struct sl_sio *io, int *fd);
bool sl_sio_is_tls(const struct sl_sio *io);
/* True once the TLS handshake completed (always true for plain TCP). */
bool sl_sio_ready(const struct sl_sio *io);
/*
 * A description of a code passed to on_error or on_written, with the
 * OpenSSL reason for TLS failures ("TLS: wrong version number") until
 * on_closed (a generic text after).
 */
void sl_sio_strerror(const struct sl_sio *io, int err, char *buf, size_t len);
/*
 * Closes the connection at once (a TLS close_notify is sent when the
 * socket takes it without blocking).  Idempotent.  A pending write gets
 * on_written(UV_ECANCELED), then on_closed comes once.
 */
void sl_sio_close(struct sl_sio *io);


/*
 * Filters (net/ only).  A filter transforms the byte stream between the
 * socket and the owner.  The framework (sio.c) owns the socket, the read
 * buffer, the one-write rule and the close sequence; NULL slots are not
 * called.  The filter reports upwards with sl_sio_deliver, sl_sio_fail and
 * sl_sio_write_done, and writes downwards with sl_sio_raw_write.
 */
struct sl_sio_filter_type {
    const char *name;
    size_t      priv_size; /* io->priv, allocated zeroed by the framework */
    /* Bytes from the socket; p is valid during the call only. */
    void (*recv)(struct sl_sio *io, const uint8_t *p, size_t n);
    /* An owner's write, already checked (not closing, none in flight). */
    int (*write)(struct sl_sio *io, const uv_buf_t *bufs, unsigned n);
    /* The filter's sl_sio_raw_write finished (UV_ECANCELED on close). */
    void (*raw_written)(struct sl_sio *io, int status);
    /* sl_sio_close: last words, stop timers; returns the number of handles
     * it closed, each of which must end in sl_sio_handle_closed. */
    int (*close)(struct sl_sio *io);
    /* Every handle is closed: release what the filter holds. */
    void (*free)(struct sl_sio *io);
    bool (*ready)(const struct sl_sio *io);
    /* Optional detail for an error the filter reported. */
    void (*strerror)(const struct sl_sio *io, int err, char *buf, size_t len);
};

/* Passes plaintext to the owner unless closing or failed. */
void sl_sio_deliver(struct sl_sio *io, const uint8_t *p, size_t n);
/* Reports err through on_error (once; never after close) and stops reads. */
void sl_sio_fail(struct sl_sio *io, int err);
/* The owner's write finished with status. */
void sl_sio_write_done(struct sl_sio *io, int status);
/* Writes one buffer to the socket (one at a time): 0 or a negative code. */
int sl_sio_raw_write(struct sl_sio *io, const uv_buf_t *buf);
/* A handle counted by the filter's close slot has closed. */
void sl_sio_handle_closed(struct sl_sio *io);


#endif /* SL_NET_SIO_H */
