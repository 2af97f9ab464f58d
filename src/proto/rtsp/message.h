/*
 * RTSP message framing: request/response parser, interleaved binary frames
 * and the response writer (RFC 2326 sections 4-7 and 10.12, RFC 7826).
 *
 * The parser is pure: it does no I/O and never allocates.  Every slice in
 * struct sl_rtsp_msg points into the caller's input buffer and stays valid
 * only as long as those bytes do, so a caller must finish with a message
 * (or copy what it keeps) before it consumes the bytes from its buffer.
 * Every field has a hard cap and the whole header block has one too
 * (reliability.md 1.1); numbers are parsed with overflow checks.  Header
 * folding (obsolete line continuation) is rejected.
 *
 * The writer appends to a capped struct sl_dbuf; on failure the buffer is
 * left as it was.  No global state: safe from any thread.
 */
#ifndef SL_PROTO_RTSP_MESSAGE_H
#define SL_PROTO_RTSP_MESSAGE_H

#include "base/dbuf.h"
#include "base/str.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_RTSP_MAX_HEADERS 255
#define SL_RTSP_MAX_URL     2048
#define SL_RTSP_MAX_BODY    (128 * 1024)
#define SL_RTSP_MAX_KEY     512
#define SL_RTSP_MAX_VALUE   2048
#define SL_RTSP_MAX_METHOD  64
#define SL_RTSP_MAX_PROTO   64
/* Request line, status line or header line, CRLF excluded. */
#define SL_RTSP_MAX_LINE 4096
/* Start line plus headers plus the blank line, leading noise included. */
#define SL_RTSP_MAX_HEADER_BLOCK (64 * 1024)


struct sl_rtsp_header {
    struct sl_str name;
    struct sl_str value; /* leading and trailing spaces removed */
};

struct sl_rtsp_msg {
    bool is_response;
    /* Request line ("DESCRIBE rtsp://h/p RTSP/1.0"). */
    struct sl_str method;
    struct sl_str url;
    struct sl_str proto; /* "RTSP/1.0" (also set for responses) */
    /* Status line ("RTSP/1.0 200 OK"). */
    int                   status;
    struct sl_str         reason;
    struct sl_rtsp_header headers[SL_RTSP_MAX_HEADERS];
    size_t                nheaders;
    struct sl_str         body; /* Content-Length bytes; empty if none */
};


/*
 * Parses one message at p.  Returns the bytes consumed (> 0: leading noise,
 * start line, headers, blank line and body), SL_EAGAIN if the message is
 * incomplete, SL_EBADDATA if it is malformed, SL_ELIMIT if a cap is
 * exceeded.  Accepts CRLF and bare LF line ends.  Leading CR/LF bytes
 * (keepalive noise) are skipped and counted in the bytes consumed.
 * The protocol token must be RTSP/x.y or HTTP/x.y (for RTSP over HTTP);
 * the caller checks which one it accepts.  A missing CSeq is not a parser
 * error.  Duplicate headers are all kept; sl_rtsp_header_get returns the
 * first.  Conflicting duplicate Content-Length headers are SL_EBADDATA.
 * *m is fully written only when the return is > 0; on other returns its
 * contents are unspecified (the struct is large, so the parser fills it in
 * place rather than through a copy).
 * Cost: each call rescans the header block, so callers should call again
 * only when new bytes have arrived.
 */
int sl_rtsp_parse(const uint8_t *p, size_t len, struct sl_rtsp_msg *m);

/* Number of leading CR/LF bytes at p (noise between messages or frames). */
size_t sl_rtsp_skip_noise(const uint8_t *p, size_t len);

/* First header called name (ASCII case-insensitive); .p NULL if absent. */
struct sl_str sl_rtsp_header_get(const struct sl_rtsp_msg *m, const char *name);

/*
 * Parses an interleaved binary frame "$" channel len16 payload.  Returns the
 * bytes consumed (4 + payload length), SL_EAGAIN if incomplete, or
 * SL_EBADDATA if p[0] is not '$'.  The payload points into p.
 */
int sl_rtsp_parse_interleaved(const uint8_t *p, size_t len, uint8_t *channel,
                              struct sl_str *payload);

/* Writes the 4-byte interleaved header for a payload of len bytes. */
int sl_rtsp_interleaved_header(uint8_t out[4], uint8_t channel, size_t len);

/* Reason phrase of an RTSP status code; "Unknown" if not in RFC 2326. */
const char *sl_rtsp_reason(int status);

/*
 * Starts a response in out:
 *   "RTSP/1.0 <status> <reason>\r\nCSeq: <cseq>\r\nServer: <server>\r\n"
 * The CSeq line is omitted when cseq is empty or holds CR, LF or other
 * control bytes; the Server line when server is NULL.  The caller then
 * appends header lines with sl_dbuf_printf and finishes with
 * sl_rtsp_response_end.  Returns 0 or SL_ELIMIT (out unchanged).
 */
int sl_rtsp_response_begin(struct sl_dbuf *out, int status, struct sl_str cseq,
                           const char *server);

/*
 * Ends a response: "Content-Length: <len>\r\n" when len > 0, the blank line,
 * then the body.  Returns 0 or SL_ELIMIT (out unchanged).
 */
int sl_rtsp_response_end(struct sl_dbuf *out, const void *body, size_t len);


#endif /* SL_PROTO_RTSP_MESSAGE_H */
