/*
 * Parsers and writers for RTSP header values: Transport (RFC 2326 12.39),
 * Session (12.37), Range (12.29 and 3.5-3.7), CSeq (12.17).  The
 * Authorization and WWW-Authenticate helpers live in proto/rtsp/auth.h,
 * included here so that one include gives every header helper.
 *
 * Parsers take the header value as a slice (as sl_rtsp_header_get returns
 * it), never allocate, and return slices into it.  Outputs are written only
 * on success.  Writers append to a capped struct sl_dbuf and leave it
 * unchanged on failure.  No global state: safe from any thread.
 */
#ifndef SL_PROTO_RTSP_HEADERS_H
#define SL_PROTO_RTSP_HEADERS_H

#include "base/dbuf.h"
#include "base/str.h"
#include "proto/rtsp/auth.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


enum { SL_RTSP_PROTO_UDP = 1, SL_RTSP_PROTO_TCP = 2 };

enum {
    SL_RTSP_MODE_UNSET = 0,
    SL_RTSP_MODE_PLAY = 1,
    SL_RTSP_MODE_RECORD = 2,
};

struct sl_rtsp_transport {
    int           proto; /* SL_RTSP_PROTO_UDP or SL_RTSP_PROTO_TCP */
    bool          multicast;
    bool          has_unicast;
    bool          secure; /* RTP/SAVP */
    bool          has_client_port;
    uint16_t      client_port[2];
    bool          has_server_port;
    uint16_t      server_port[2];
    bool          has_interleaved;
    uint8_t       interleaved[2];
    bool          has_ssrc;
    uint32_t      ssrc;
    int           mode; /* SL_RTSP_MODE_* */
    bool          has_ttl;
    uint8_t       ttl;
    bool          has_port; /* multicast "port=" */
    uint16_t      port[2];
    struct sl_str destination; /* quotes removed; empty if absent */
    struct sl_str source;
};

/*
 * Parses a Transport value.  It may list alternatives separated by ','
 * (GStreamer offers UDP, then TCP); up to max of them are stored in out, in
 * order, and the rest are ignored.  Unknown parameters are ignored;
 * alternatives with a transport other than RTP/AVP[/UDP|/TCP] or
 * RTP/SAVP[/UDP|/TCP] are skipped.  A single port "client_port=5000" means
 * 5000-5001, likewise for interleaved.  Returns the count stored (>= 1),
 * SL_EUNSUP if no alternative has a known transport, or SL_EBADDATA if a
 * known parameter is malformed.
 */
int sl_rtsp_transport_parse(struct sl_str v, struct sl_rtsp_transport *out,
                            size_t max);

/*
 * Appends t as a Transport value, without the "Transport: " prefix and
 * without CRLF, e.g. "RTP/AVP/TCP;unicast;interleaved=0-1".  Returns 0,
 * SL_EINVAL if destination/source hold bytes that would break the header,
 * or SL_ELIMIT.
 */
int sl_rtsp_transport_write(struct sl_dbuf                 *out,
                            const struct sl_rtsp_transport *t);


#define SL_RTSP_MAX_SESSION_ID 256

struct sl_rtsp_session_hdr {
    struct sl_str id;
    bool          has_timeout;
    uint32_t      timeout; /* seconds */
};

/*
 * Parses "<id>[;timeout=<seconds>]".  The id is 1 to SL_RTSP_MAX_SESSION_ID
 * bytes of visible ASCII without ';'.  Unknown parameters are ignored.
 * Returns 0, SL_EBADDATA or SL_ELIMIT.
 */
int sl_rtsp_session_parse(struct sl_str v, struct sl_rtsp_session_hdr *out);


enum {
    SL_RTSP_RANGE_NPT = 1,
    SL_RTSP_RANGE_CLOCK = 2,
    SL_RTSP_RANGE_SMPTE = 3,
};

/*
 * A Range value.  start and end are seconds: NPT seconds, seconds since the
 * Unix epoch for clock=, seconds from the SMPTE origin for smpte= (frames
 * converted at 30 fps, 25 for smpte-25, 29.97 for smpte-30-drop).
 * start_now is set for "npt=now-" (start 0, has_start false).
 */
struct sl_rtsp_range {
    int    type; /* SL_RTSP_RANGE_* */
    double start;
    double end;
    bool   has_start;
    bool   has_end;
    bool   start_now;
};

/*
 * Parses "npt=0.000-", "npt=now-", "npt=1.5-3", "npt=-3", "npt=1:02:03.5-",
 * "clock=19961108T142300Z-", "smpte=10:07:00-10:07:33:05.01".  A trailing
 * ";time=..." parameter is ignored.  Returns 0, SL_EBADDATA, or SL_EUNSUP
 * for an unknown range unit.
 */
int sl_rtsp_range_parse(struct sl_str v, struct sl_rtsp_range *out);


/* Parses a CSeq value (decimal, fits in 32 bits).  0 or SL_EBADDATA. */
int sl_rtsp_cseq_parse(struct sl_str v, uint32_t *out);


#endif /* SL_PROTO_RTSP_HEADERS_H */
