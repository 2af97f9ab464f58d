/*
 * Server side of one RTMP connection, driven by bytes (no I/O).
 *
 * The owner (the RTMP server adapter) feeds every byte read from the socket
 * to sl_rtmp_session_feed().  The session does the handshake, reads chunk
 * streams, answers the NetConnection/NetStream commands the way MediaMTX
 * does, and appends the bytes to send to its output buffer
 * (sl_rtmp_session_output()), which the owner writes to the socket and
 * drains with sl_dbuf_consume().  Decisions (connect, publish, play) and
 * the publisher's media go up through struct sl_rtmp_handler.
 *
 * Conventions of the bytes the session writes (see docs/internals/RTMP.md):
 *   - protocol control and user control messages: csid 2, msid 0;
 *   - NetConnection command replies: csid 3, msid 0;
 *   - NetStream status messages: csid 5, msid = the stream id;
 *   - media a server sends to a player (written by the adapter with
 *     sl_rtmp_write_message()): audio csid 4, data csid 5, video csid 6,
 *     msid = the play stream's id, chunk size sl_rtmp_session_out_chunk_size().
 * Every message is written with a type-0 first chunk, so the adapter may
 * interleave its own whole messages with the session's output as long as it
 * writes the session's output first (status before media).
 *
 * Stream ids: createStream answers 1, then 2, 3, ... (at most
 * lim->max_streams streams alive at once).
 *
 * Ownership: the session owns its buffers; the slices in the structs given
 * to the handlers point into the session's input and are valid only during
 * the call.  Handlers are called from inside sl_rtmp_session_feed() and the
 * *_result() functions; they must not free the session.  Not thread-safe:
 * one connection, one thread.
 */
#ifndef SL_PROTO_RTMP_SESSION_H
#define SL_PROTO_RTMP_SESSION_H

#include "base/dbuf.h"
#include "base/str.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


/* E-RTMP codecs a client advertised in connect's fourCcList. */
#define SL_RTMP_FOURCC_AVC1 (1u << 0)
#define SL_RTMP_FOURCC_HVC1 (1u << 1)
#define SL_RTMP_FOURCC_AV01 (1u << 2)
#define SL_RTMP_FOURCC_VP09 (1u << 3)
#define SL_RTMP_FOURCC_OPUS (1u << 4)
#define SL_RTMP_FOURCC_MP4A (1u << 5)
#define SL_RTMP_FOURCC_MP3  (1u << 6)
#define SL_RTMP_FOURCC_FLAC (1u << 7)
#define SL_RTMP_FOURCC_AC3  (1u << 8)
#define SL_RTMP_FOURCC_EC3  (1u << 9)
#define SL_RTMP_FOURCC_ALL  0x3ffu

/* Chunk stream ids of the messages the session and the adapter write. */
#define SL_RTMP_CSID_CONTROL 2
#define SL_RTMP_CSID_COMMAND 3
#define SL_RTMP_CSID_AUDIO   4
#define SL_RTMP_CSID_DATA    5 /* also NetStream status */
#define SL_RTMP_CSID_VIDEO   6

/* Message type ids (RTMP 1.0, 5.4 and 7.1). */
#define SL_RTMP_MSG_SET_CHUNK_SIZE 1
#define SL_RTMP_MSG_ABORT          2
#define SL_RTMP_MSG_ACK            3
#define SL_RTMP_MSG_USER_CONTROL   4
#define SL_RTMP_MSG_WINDOW_ACK     5
#define SL_RTMP_MSG_PEER_BANDWIDTH 6
#define SL_RTMP_MSG_AUDIO          8
#define SL_RTMP_MSG_VIDEO          9
#define SL_RTMP_MSG_DATA_AMF3      15
#define SL_RTMP_MSG_COMMAND_AMF3   17
#define SL_RTMP_MSG_DATA_AMF0      18
#define SL_RTMP_MSG_COMMAND_AMF0   20
#define SL_RTMP_MSG_AGGREGATE      22

/* Values MediaMTX announces after connect. */
#define SL_RTMP_SERVER_WINDOW_ACK 2500000u
#define SL_RTMP_SERVER_CHUNK_SIZE 65536u


/* Built-in caps; every field of struct sl_rtmp_limits defaults to these. */
#define SL_RTMP_MAX_MESSAGE       (8u << 20)  /* one message body */
#define SL_RTMP_MAX_CHUNK_STREAMS 64          /* with state at once */
#define SL_RTMP_REASSEMBLY_BUDGET (16u << 20) /* sum over chunk streams */
#define SL_RTMP_MAX_OUTPUT        (1u << 20)  /* unsent replies */
#define SL_RTMP_MAX_STREAMS       8           /* createStream'd at once */

struct sl_rtmp_limits {
    size_t   max_message;       /* SL_ELIMIT above */
    size_t   max_chunk_streams; /* chunk streams with state (<= 64) */
    size_t   reassembly_budget; /* bytes of partial messages in total */
    size_t   max_output;        /* cap of the output buffer */
    uint32_t max_streams;       /* NetStreams alive at once (<= 64) */
};

/* Given to on_connect; slices valid during the call only. */
struct sl_rtmp_connect_info {
    struct sl_str app;
    struct sl_str tc_url; /* "tcUrl" or "tcurl"; empty when absent */
    struct sl_str flash_ver;
    struct sl_str swf_url;
    struct sl_str page_url;
    uint32_t      fourcc_mask;     /* SL_RTMP_FOURCC_* (E-RTMP); 0 if none */
    double        object_encoding; /* 0 (AMF0) unless the client said 3 */
};

/* Given to on_publish / on_play; slices valid during the call only. */
struct sl_rtmp_stream_info {
    uint32_t      msid;
    struct sl_str name; /* stream key, including any "?query" */
    struct sl_str type; /* publish: "live", "record", "append"; play: "" */
};

/* One audio, video or data message of a publishing stream. */
struct sl_rtmp_media {
    uint8_t        type;  /* 8 audio, 9 video, 18 data */
    uint64_t       ts_ms; /* RTMP timestamp unwrapped to 64 bits */
    const uint8_t *data;  /* the FLV tag body; for data: AMF0 values
                           * ("onMetaData", {...}), @setDataFrame removed */
    size_t   len;
    uint32_t msid;
};


typedef int sl_rtmp_connect_fn(void *ud, const struct sl_rtmp_connect_info *ci);
typedef int sl_rtmp_stream_fn(void *ud, const struct sl_rtmp_stream_info *si);
typedef void sl_rtmp_media_fn(void *ud, const struct sl_rtmp_media *m);
typedef void sl_rtmp_stream_end_fn(void *ud, uint32_t msid);

/* Every slot is optional: a NULL decision hook accepts. */
struct sl_rtmp_handler {
    void *ud;
    /*
     * Called on "connect".  Return 0 to accept, or a negative SL_E* code to
     * refuse: the session answers _error NetConnection.Connect.Rejected and
     * sl_rtmp_session_feed() returns that code (close after writing the
     * output).
     */
    sl_rtmp_connect_fn *on_connect;
    /*
     * Called on "publish" / "play".  Return 0 to accept now, SL_EAGAIN to
     * decide later with sl_rtmp_session_publish_result() / play_result(),
     * or an error code: the refusal is answered at once (as the *_result
     * functions describe) and the session wants closing.
     */
    sl_rtmp_stream_fn *on_publish;
    sl_rtmp_stream_fn *on_play;
    /* The publisher's audio, video and data messages, in order. */
    sl_rtmp_media_fn *on_media;
    /*
     * A publishing stream ended (FCUnpublish, closeStream, deleteStream,
     * or sl_rtmp_session_free() while publishing).  Called once per
     * accepted publish.
     */
    sl_rtmp_stream_end_fn *on_unpublish;
    /* Same for an accepted play (closeStream, deleteStream, free). */
    sl_rtmp_stream_end_fn *on_stop_play;
};

struct sl_rtmp_session;


/* lim may be NULL (defaults); zero fields take their default too. */
struct sl_rtmp_session *sl_rtmp_session_new(const struct sl_rtmp_handler *h,
                                            const struct sl_rtmp_limits  *lim);
/*
 * Frees the session and sets *s to NULL.  Streams still publishing or
 * playing get on_unpublish / on_stop_play first.
 */
void sl_rtmp_session_free(struct sl_rtmp_session **s);
/*
 * Consumes bytes read from the peer, handshake first.  Returns len (all
 * bytes are taken; an incomplete header or handshake packet is kept inside),
 * or a negative error after which the connection must be closed: the reason
 * is in sl_rtmp_session_error(), and the output may still hold a final
 * reply worth writing first.  Replies are appended to the output.
 */
int sl_rtmp_session_feed(struct sl_rtmp_session *s, const uint8_t *p,
                         size_t len);
/* Bytes to send; the owner drains it with sl_dbuf_consume() after writing. */
struct sl_dbuf *sl_rtmp_session_output(struct sl_rtmp_session *s);
/* Why the session failed or wants closing; "" while all is well. */
const char *sl_rtmp_session_error(const struct sl_rtmp_session *s);
/*
 * True once the session refused something that ends the connection
 * (connect rejected, publish or play refused, a protocol error): write the
 * output, then close.
 */
bool sl_rtmp_session_wants_close(const struct sl_rtmp_session *s);
/* True once "connect" was accepted. */
bool sl_rtmp_session_connected(const struct sl_rtmp_session *s);

/*
 * Deferred decisions, after on_publish / on_play returned SL_EAGAIN.
 * code 0 accepts (NetStream.Publish.Start / the play sequence).  Refusals:
 *   SL_EAUTH     -> NetStream.Publish.Unauthorized / NetStream.Play.Failed
 *                   ("authentication failed");
 *   SL_ENOTFOUND -> NetStream.Play.StreamNotFound (publish: Publish.Failed);
 *   SL_EEXIST    -> NetStream.Publish.BadName ("already publishing");
 *   others       -> NetStream.Publish.Failed / NetStream.Play.Failed.
 * description (may be NULL) replaces the default text.  A refusal makes
 * the session want closing.  Ignored when msid has no pending decision
 * (e.g. the stream was deleted meanwhile).  Call them after the hook
 * returned SL_EAGAIN, never from inside it (return the decision instead).
 */
void sl_rtmp_session_publish_result(struct sl_rtmp_session *s, uint32_t msid,
                                    int code, const char *description);
void sl_rtmp_session_play_result(struct sl_rtmp_session *s, uint32_t msid,
                                 int code, const char *description);
/*
 * Tells a player that the publisher left: NetStream.Play.UnpublishNotify
 * then UserControl StreamEOF on msid.  The stream stays open.
 */
void sl_rtmp_session_unpublish_notify(struct sl_rtmp_session *s, uint32_t msid);
/*
 * Tells a player that a publisher (re)appeared: UserControl StreamBegin
 * and NetStream.Play.PublishNotify.
 */
void sl_rtmp_session_publish_notify(struct sl_rtmp_session *s, uint32_t msid);
/* The chunk size announced to the peer (128 before connect, then 65536). */
uint32_t sl_rtmp_session_out_chunk_size(const struct sl_rtmp_session *s);
/* The fourcc mask from connect (0 before connect or without E-RTMP). */
uint32_t sl_rtmp_session_fourcc_mask(const struct sl_rtmp_session *s);
/* Bytes received so far (handshake included). */
uint64_t sl_rtmp_session_bytes_in(const struct sl_rtmp_session *s);


#endif /* SL_PROTO_RTMP_SESSION_H */
