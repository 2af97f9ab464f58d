/*
 * SRT stream id parsing: what a caller asks for (read or publish), on which
 * path, with which credentials and query, in the two syntaxes MediaMTX
 * accepts (docs/internals/SRT.md section 1):
 *
 *   custom    "action:path[:query]" or "action:path:user:pass[:query]",
 *             action "read" or "publish"; one "#feedbackplay" suffix on
 *             the last part is removed, as MediaMTX does;
 *   standard  "#!::k=v,k=v,..." (Haivision access-control spec): m=publish
 *             or m=request (the default, read), r=path, u=user, s=pass;
 *             h, t and unknown keys are ignored.
 *
 * Pure and allocation-free: every slice points into the input, which the
 * caller keeps alive while it uses the result.  Nothing is percent-decoded;
 * the query is returned raw for the caller to parse.  The path is checked
 * only for being non-empty: the path manager validates names
 * (sl_pm_find_conf).  Control bytes anywhere in the id are rejected.
 * Safe to call from any thread (libsrt's listen callback included).
 */
#ifndef SL_PROTO_SRT_STREAMID_H
#define SL_PROTO_SRT_STREAMID_H

#include "base/str.h"


/* SRTO_STREAMID's limit in libsrt (SRT handshake extension, 512 bytes). */
#define SL_SRT_STREAMID_MAX 512


enum sl_srt_mode {
    SL_SRT_READ = 0, /* "read", or "m=request" */
    SL_SRT_PUBLISH,  /* "publish", or "m=publish" */
};

struct sl_srt_streamid {
    enum sl_srt_mode mode;
    struct sl_str    path;  /* never empty */
    struct sl_str    user;  /* empty if absent */
    struct sl_str    pass;  /* empty if absent; may carry a JWT */
    struct sl_str    query; /* raw, without any '?'; empty if absent */
};


/*
 * Parses a stream id as received in SRTO_STREAMID (its length as reported
 * by libsrt, no NUL terminator needed).  Returns 0, SL_ELIMIT when longer
 * than SL_SRT_STREAMID_MAX, or SL_EBADDATA.  On failure *reason (if reason
 * is not NULL) points to a short static text for the log, and *id is
 * untouched; on success *id is filled and *reason is untouched.
 */
int sl_srt_streamid_parse(struct sl_str raw, struct sl_srt_streamid *id,
                          const char **reason);


#endif /* SL_PROTO_SRT_STREAMID_H */
