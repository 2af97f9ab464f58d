/*
 * RTSP URL parsing (RFC 2326 section 3.2, RFC 3986 authority syntax) and
 * the split of SETUP/PLAY paths into a stream path and a track id.
 *
 * Pure and allocation-free: every slice points into the input.  Nothing is
 * percent-decoded; the caller validates path names before using them as
 * stream names or file names (reliability.md 1.10).
 */
#ifndef SL_PROTO_RTSP_URL_H
#define SL_PROTO_RTSP_URL_H

#include "base/str.h"


#define SL_RTSP_MAX_TRACK 1023


struct sl_rtsp_url {
    struct sl_str scheme; /* "rtsp" or "rtsps"; empty for "/path" and "*" */
    struct sl_str user;   /* empty if absent */
    struct sl_str pass;   /* empty if absent */
    struct sl_str host;   /* IPv6 literals without the brackets */
    struct sl_str port;   /* digits, empty if absent */
    struct sl_str path;   /* without the leading '/'; "*" for "*" */
    struct sl_str query;  /* without the '?' */
};


/*
 * Parses an absolute rtsp:// or rtsps:// URL (scheme case-insensitive), a
 * bare "/path[?query]" or "*".  Returns 0, SL_ELIMIT if longer than
 * SL_RTSP_MAX_URL, or SL_EBADDATA (other scheme, empty host, bad port,
 * unbalanced IPv6 brackets, spaces or control bytes).  *u is written only
 * on success.
 */
int sl_rtsp_url_parse(struct sl_str url, struct sl_rtsp_url *u);

/*
 * Splits a SETUP/PLAY path into the stream path and a track id:
 *   "cam/trackID=1"           -> "cam", 1
 *   "cam/streamid=0"          -> "cam", 0  (any <letters>=<digits> suffix)
 *   "cam" + query "trackID=1" -> "cam", 1  (query form, '&'-separated)
 *   "cam/" or "cam"           -> "cam", -1 (no track: aggregate control)
 * A trailing '/' is removed from the base.  Returns 0, SL_EBADDATA, or
 * SL_ELIMIT if the track id is above SL_RTSP_MAX_TRACK.  The outputs are
 * written only on success.
 */
int sl_rtsp_split_control(struct sl_str path, struct sl_str query,
                          struct sl_str *base, int *track);


#endif /* SL_PROTO_RTSP_URL_H */
