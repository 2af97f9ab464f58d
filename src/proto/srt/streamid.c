/* Sluice: SRT stream id parsing (MediaMTX custom and standard syntax). */
#include "proto/srt/streamid.h"
#include "base/err.h"

#include <string.h>


#define STANDARD_PREFIX "#!::"
#define FEEDBACK_SUFFIX "#feedbackplay"
#define MAX_PARTS       5


static int           reject(const char **reason, const char *text, int rc);
static bool          has_control(struct sl_str s);
static struct sl_str strip_suffix(struct sl_str s, const char *suffix);
static int           parse_custom(struct sl_str raw, struct sl_srt_streamid *r,
                                  const char **reason);
static int parse_standard(struct sl_str body, struct sl_srt_streamid *r,
                          const char **reason);


static int
reject(const char **reason, const char *text, int rc)
{
    if (reason != NULL) {
        *reason = text;
    }
    return rc;
}


/* Control bytes (NUL included) never belong in a stream id. */
static bool
has_control(struct sl_str s)
{
    size_t i;

    for (i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];

        if (c < 0x20 || c == 0x7f) {
            return true;
        }
    }
    return false;
}


/* Removes one occurrence of suffix at the end of s, if present. */
static struct sl_str
strip_suffix(struct sl_str s, const char *suffix)
{
    size_t n = strlen(suffix);

    if (s.len >= n && memcmp(s.p + s.len - n, suffix, n) == 0) {
        s.len -= n;
    }
    return s;
}


/*
 * "action:path[:query]" or "action:path:user:pass[:query]".  The part
 * count decides the meaning: 2 = path, 3 = path and query, 4 = path and
 * credentials, 5 = all.  Actions are case-sensitive, as in MediaMTX.
 */
static int
parse_custom(struct sl_str raw, struct sl_srt_streamid *r, const char **reason)
{
    struct sl_str parts[MAX_PARTS];
    struct sl_str rest = raw;
    size_t        n = 0;

    do {
        if (n == MAX_PARTS) {
            return reject(reason, "stream id has more than 5 ':' parts",
                          SL_EBADDATA);
        }
        parts[n++] = sl_str_cut(&rest, ':');
    } while (rest.p != NULL);

    if (n < 2) {
        return reject(reason,
                      "stream id must be 'action:path[:query]' or "
                      "'action:path:user:pass[:query]'",
                      SL_EBADDATA);
    }
    parts[n - 1] = strip_suffix(parts[n - 1], FEEDBACK_SUFFIX);

    if (sl_str_eq_cstr(parts[0], "read")) {
        r->mode = SL_SRT_READ;
    } else if (sl_str_eq_cstr(parts[0], "publish")) {
        r->mode = SL_SRT_PUBLISH;
    } else {
        return reject(reason, "stream id action must be 'read' or 'publish'",
                      SL_EBADDATA);
    }
    r->path = parts[1];
    if (n >= 4) {
        r->user = parts[2];
        r->pass = parts[3];
    }
    if (n == 3) {
        r->query = parts[2];
    } else if (n == 5) {
        r->query = parts[4];
    }
    return 0;
}


/*
 * "k=v,k=v,..." after "#!::".  Every item needs a '='; later keys
 * override earlier ones; keys and mode values are case-sensitive.
 */
static int
parse_standard(struct sl_str body, struct sl_srt_streamid *r,
               const char **reason)
{
    struct sl_str rest = body;
    struct sl_str item, key;
    bool          has_path = false;

    r->mode = SL_SRT_READ;
    do {
        item = sl_str_cut(&rest, ',');
        key = sl_str_cut(&item, '=');
        if (item.p == NULL) {
            return reject(reason, "stream id item without '='", SL_EBADDATA);
        }
        if (sl_str_eq_cstr(key, "m")) {
            if (sl_str_eq_cstr(item, "request")) {
                r->mode = SL_SRT_READ;
            } else if (sl_str_eq_cstr(item, "publish")) {
                r->mode = SL_SRT_PUBLISH;
            } else {
                return reject(reason,
                              "stream id mode must be 'request' or 'publish'",
                              SL_EBADDATA);
            }
        } else if (sl_str_eq_cstr(key, "r")) {
            r->path = item;
            has_path = true;
        } else if (sl_str_eq_cstr(key, "u")) {
            r->user = item;
        } else if (sl_str_eq_cstr(key, "s")) {
            r->pass = item;
        }
        /* "h" (host), "t" (type) and unknown keys are ignored. */
    } while (rest.p != NULL);

    if (!has_path) {
        return reject(reason, "stream id has no path (r=)", SL_EBADDATA);
    }
    return 0;
}


int
sl_srt_streamid_parse(struct sl_str raw, struct sl_srt_streamid *id,
                      const char **reason)
{
    struct sl_srt_streamid r;
    int                    rc;

    memset(&r, 0, sizeof(r));
    if (raw.len > SL_SRT_STREAMID_MAX) {
        return reject(reason, "stream id too long", SL_ELIMIT);
    }
    if (raw.len == 0) {
        return reject(reason, "empty stream id", SL_EBADDATA);
    }
    if (has_control(raw)) {
        return reject(reason, "control character in stream id", SL_EBADDATA);
    }

    if (sl_str_has_prefix(raw, STANDARD_PREFIX)) {
        size_t skip = sizeof(STANDARD_PREFIX) - 1;

        rc = parse_standard((struct sl_str){raw.p + skip, raw.len - skip}, &r,
                            reason);
    } else {
        rc = parse_custom(raw, &r, reason);
    }
    if (rc < 0) {
        return rc;
    }
    if (r.path.len == 0) {
        return reject(reason, "stream id has an empty path", SL_EBADDATA);
    }
    *id = r;
    return 0;
}
