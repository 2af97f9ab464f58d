/*
 * RTMP chunk stream (RTMP 1.0 section 5.3): reader and writer.
 *
 * The reader turns the byte stream that follows the handshake into whole
 * messages.  It understands the four chunk header types, the 1-, 2- and
 * 3-byte chunk stream ids (2..65599), extended timestamps (the repetition
 * of the extended timestamp in type-3 chunks is accepted with or without,
 * as real clients differ), interleaved chunk streams, and applies Set
 * Chunk Size and Abort itself (the messages are still handed up).
 * It consumes header bytes only once a whole header is there, and payload
 * bytes as they come, so the caller never buffers more than one header.
 *
 * Caps (from struct sl_rtmp_limits): message length, chunk streams with
 * state, and the sum of reassembly buffers; exceeding one is SL_ELIMIT.
 *
 * The writer always starts a message with a type-0 chunk and continues it
 * with type-3 chunks, so the bytes of a message never depend on the
 * messages before it: one encoding can be shared by every reader.
 *
 * The reader owns its reassembly buffers.  Not thread-safe.
 */
#ifndef SL_PROTO_RTMP_CHUNK_H
#define SL_PROTO_RTMP_CHUNK_H

#include "base/dbuf.h"
#include "proto/rtmp/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_RTMP_DEFAULT_CHUNK_SIZE 128u
/* Set Chunk Size values above this are taken as this. */
#define SL_RTMP_MAX_CHUNK_SIZE (16u << 20)
/* Longest chunk header: 3-byte basic header, type 0, extended timestamp. */
#define SL_RTMP_MAX_HEADER 18
#define SL_RTMP_MIN_CSID   2
#define SL_RTMP_MAX_CSID   65599u

/* A whole message, as the reader hands it up. */
struct sl_rtmp_msg {
    uint32_t       csid;
    uint8_t        type;
    uint32_t       msid;
    uint32_t       ts; /* absolute 32-bit RTMP timestamp */
    const uint8_t *data;
    size_t         len;
};

struct sl_rtmp_chunk_stream; /* per-csid state, private to chunk.c */

struct sl_rtmp_chunk_reader {
    struct sl_rtmp_chunk_stream *cs; /* max_chunk_streams entries */
    size_t                       ncs;
    size_t                       max_cs;
    size_t                       max_message;
    size_t                       budget; /* cap of the sum of buffers */
    size_t                       used;   /* sum of reassembly buffers */
    uint32_t                     chunk_size;
    uint64_t                     tick; /* for least-recently-used eviction */
    struct sl_rtmp_chunk_stream *cur;  /* chunk whose payload is being read */
    size_t                       cur_left; /* payload bytes left in it */
};


/* lim may be NULL (defaults). */
void sl_rtmp_chunk_reader_init(struct sl_rtmp_chunk_reader *r,
                               const struct sl_rtmp_limits *lim);
void sl_rtmp_chunk_reader_free(struct sl_rtmp_chunk_reader *r);
/*
 * Reads from p[0..len): returns the bytes consumed (> 0), SL_EAGAIN when
 * not even a whole chunk header is there (nothing consumed), or an error
 * (SL_EBADDATA, SL_ELIMIT).  When a message completes, *msg is filled and
 * *complete set; msg->data points into p or into the reader's buffer and
 * is valid until the next call.  Set Chunk Size and Abort are applied
 * before returning.
 */
int sl_rtmp_chunk_read(struct sl_rtmp_chunk_reader *r, const uint8_t *p,
                       size_t len, struct sl_rtmp_msg *msg, bool *complete);

/*
 * Appends one message to out, chunked at chunk_size: a type-0 chunk, then
 * type-3 chunks (each repeating the extended timestamp when ts >=
 * 0xFFFFFF).  Returns 0, SL_EINVAL (csid out of 2..65599, len over 0xFFFFFF,
 * chunk_size 0) or SL_ELIMIT (out's cap; out is then unchanged).
 */
int sl_rtmp_write_message(struct sl_dbuf *out, uint32_t csid, uint8_t type,
                          uint32_t msid, uint32_t ts, const uint8_t *payload,
                          size_t len, uint32_t chunk_size);
/*
 * The same for a payload in two pieces (e.g. an FLV tag header and a shared
 * frame), without joining them first.
 */
int sl_rtmp_write_message2(struct sl_dbuf *out, uint32_t csid, uint8_t type,
                           uint32_t msid, uint32_t ts, const uint8_t *a,
                           size_t alen, const uint8_t *b, size_t blen,
                           uint32_t chunk_size);
/*
 * Header pieces for callers that send payloads with writev: the type-0
 * header that starts a message of len bytes, and the type-3 header that
 * precedes every further chunk_size bytes of payload.  dst holds
 * SL_RTMP_MAX_HEADER bytes; the return value is the header length (0 for
 * a csid out of range).
 */
size_t sl_rtmp_chunk_header0(uint8_t *dst, uint32_t csid, uint8_t type,
                             uint32_t msid, uint32_t ts, size_t len);
size_t sl_rtmp_chunk_header3(uint8_t *dst, uint32_t csid, uint32_t ts);
/* Total bytes sl_rtmp_write_message would append for a len-byte message. */
size_t sl_rtmp_chunked_size(uint32_t csid, uint32_t ts, size_t len,
                            uint32_t chunk_size);


#endif /* SL_PROTO_RTMP_CHUNK_H */
