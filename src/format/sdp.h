/*
 * SDP (RFC 4566, RFC 8866) parser and writer, for RTSP ANNOUNCE/DESCRIBE
 * and WHIP/WHEP offers.
 *
 * The parser is pure and never allocates: every slice in struct sl_sdp
 * points into the input text, which must outlive the struct.  It is
 * tolerant where real clients differ (CRLF or LF, unknown attributes and
 * line types, missing rtpmap for static payload types) and strict on
 * structure (v= first, well-formed m=, rtpmap and fmtp lines, no control
 * bytes).  Caps: SL_SDP_MAX_MEDIA media sections, SL_SDP_MAX_FORMATS
 * payload types per section, SL_SDP_MAX_LEN bytes of text.
 *
 * The writer appends a session description to a capped struct sl_dbuf and
 * leaves the buffer unchanged on failure.  No global state: safe from any
 * thread.
 */
#ifndef SL_FORMAT_SDP_H
#define SL_FORMAT_SDP_H

#include "base/dbuf.h"
#include "base/str.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_SDP_MAX_MEDIA   16
#define SL_SDP_MAX_FORMATS 16
#define SL_SDP_MAX_LEN     (128 * 1024)

enum {
    SL_SDP_DIR_UNSET = 0,
    SL_SDP_DIR_SENDRECV = 1,
    SL_SDP_DIR_SENDONLY = 2,
    SL_SDP_DIR_RECVONLY = 3,
    SL_SDP_DIR_INACTIVE = 4,
};


struct sl_sdp_format {
    uint8_t pt;
    /*
     * From a=rtpmap, e.g. "H264"; for static payload types without rtpmap,
     * from the RFC 3551 table (then it points to static storage).  Empty
     * for a dynamic type without rtpmap.
     */
    struct sl_str encoding;
    uint32_t      clock_rate; /* 0 if unknown */
    /* Channels from rtpmap; when absent 1 for audio, 0 otherwise. */
    uint32_t      channels;
    struct sl_str fmtp; /* the text after "a=fmtp:<pt> "; empty if none */
};

struct sl_sdp_media {
    struct sl_str type; /* video, audio, application, ... */
    uint16_t      port;
    struct sl_str proto; /* "RTP/AVP", "RTP/SAVPF", ... */
    /* Payload types in m= line order (only for RTP protocols). */
    struct sl_sdp_format formats[SL_SDP_MAX_FORMATS];
    size_t               nformats;
    struct sl_str        control;   /* a=control value, empty if none */
    int                  direction; /* SL_SDP_DIR_*, session value if unset */
    struct sl_str        raw;       /* the m= line up to the next m= line */
};

struct sl_sdp {
    struct sl_str       session_name; /* s= */
    struct sl_str       origin;       /* o= */
    struct sl_str       connection;   /* session-level c= */
    struct sl_str       control;      /* session-level a=control */
    struct sl_sdp_media media[SL_SDP_MAX_MEDIA];
    size_t              nmedia;
};


/*
 * Parses a session description.  Returns 0, SL_EBADDATA (structure: the
 * first line is not v=0, a line is not "<letter>=", a bad m=, rtpmap or
 * fmtp line, control bytes) or SL_ELIMIT (too many media or formats, text
 * over SL_SDP_MAX_LEN).  *out is unspecified unless 0 is returned.
 */
int sl_sdp_parse(const char *p, size_t len, struct sl_sdp *out);

/* The format with payload type pt in m, or NULL. */
const struct sl_sdp_format *sl_sdp_media_format(const struct sl_sdp_media *m,
                                                uint8_t                    pt);

/*
 * Looks up a parameter in fmtp text ("a=1; b=2"): keys are compared
 * ASCII case-insensitively, pairs are ';'-separated, spaces around keys and
 * values are trimmed.  Returns the value slice, an empty non-NULL slice for
 * a key without '=', or .p NULL when absent.
 */
struct sl_str sl_sdp_fmtp_get(struct sl_str fmtp, const char *key);


struct sl_sdp_writer_media {
    const char *type; /* "video", "audio", "application" */
    uint8_t     pt;
    const char *encoding; /* NULL: no rtpmap (static payload types) */
    uint32_t    clock_rate;
    uint32_t    channels;    /* 0 = omitted from rtpmap */
    const char *fmtp;        /* NULL = no fmtp line */
    const char *control;     /* e.g. "trackID=0"; NULL = none */
    const char *extra_attrs; /* raw "a=..." lines, CRLF-separated, or NULL */
};

/*
 * Appends a session description for DESCRIBE:
 *   v=0, o=- 0 0 IN IP4 127.0.0.1, s=<name> ("Stream" if NULL or empty),
 *   c=IN IP4 0.0.0.0, t=0 0, a=control:*, then per media
 *   m=<type> 0 RTP/AVP <pt>, a=control, a=rtpmap, a=fmtp, extra lines.
 * Lines end in CRLF.  Returns 0, SL_EINVAL (NULL type, more than
 * SL_SDP_MAX_MEDIA media, strings holding CR/LF or other control bytes,
 * extra_attrs lines not of the form "<letter>=") or SL_ELIMIT.
 */
int sl_sdp_write(struct sl_dbuf *out, const char *session_name,
                 const struct sl_sdp_writer_media *m, size_t n);


#endif /* SL_FORMAT_SDP_H */
