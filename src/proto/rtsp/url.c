/* Sluice: RTSP URL parsing and SETUP control splitting. */
#include "proto/rtsp/url.h"
#include "base/err.h"
#include "proto/rtsp/message.h"

#include <string.h>


static bool has_bad_byte(struct sl_str s);
static void split_path_query(struct sl_str s, struct sl_rtsp_url *r);
static int  parse_authority(struct sl_str a, struct sl_rtsp_url *r);
static int  parse_control(struct sl_str seg, bool any_name, uint32_t *track);
static struct sl_str strip_slashes(struct sl_str s);


/* Spaces and control bytes never appear in a request URL. */
static bool
has_bad_byte(struct sl_str s)
{
    size_t i;

    for (i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];

        if (c <= 0x20 || c == 0x7f) {
            return true;
        }
    }
    return false;
}


/* s starts after the '/' that opens the path (or is empty). */
static void
split_path_query(struct sl_str s, struct sl_rtsp_url *r)
{
    ptrdiff_t q = sl_str_chr(s, '?');

    if (q < 0) {
        r->path = s;
        return;
    }
    r->path = (struct sl_str){s.p, (size_t)q};
    r->query = (struct sl_str){s.p + q + 1, s.len - (size_t)q - 1};
}


static int
parse_authority(struct sl_str a, struct sl_rtsp_url *r)
{
    struct sl_str hostport = a;
    struct sl_str userinfo;
    ptrdiff_t     at = -1;
    uint32_t      port;
    size_t        i;

    /* The last '@' ends the userinfo: unescaped '@' in passwords happen. */
    for (i = 0; i < a.len; i++) {
        if (a.p[i] == '@') {
            at = (ptrdiff_t)i;
        }
    }
    if (at >= 0) {
        userinfo = (struct sl_str){a.p, (size_t)at};
        hostport = (struct sl_str){a.p + at + 1, a.len - (size_t)at - 1};
        r->user = sl_str_cut(&userinfo, ':');
        r->pass = userinfo;
    }

    if (hostport.len > 0 && hostport.p[0] == '[') {
        ptrdiff_t close = sl_str_chr(hostport, ']');

        if (close < 0) {
            return SL_EBADDATA;
        }
        r->host = (struct sl_str){hostport.p + 1, (size_t)close - 1};
        hostport.p += close + 1;
        hostport.len -= (size_t)close + 1;
        if (hostport.len > 0) {
            if (hostport.p[0] != ':') {
                return SL_EBADDATA;
            }
            r->port = (struct sl_str){hostport.p + 1, hostport.len - 1};
        }
    } else {
        r->host = sl_str_cut(&hostport, ':');
        r->port = hostport;
        if (sl_str_chr(r->port, ':') >= 0 || sl_str_chr(r->host, ']') >= 0) {
            return SL_EBADDATA;
        }
    }
    if (r->host.len == 0) {
        return SL_EBADDATA;
    }
    /* "host:" with an empty port is read as no port, as RFC 3986 allows. */
    if (r->port.len > 0) {
        if (sl_parse_u32(r->port, 65535, &port) < 0 || port == 0) {
            return SL_EBADDATA;
        }
    } else {
        r->port = SL_STR_NULL;
    }
    return 0;
}


int
sl_rtsp_url_parse(struct sl_str url, struct sl_rtsp_url *u)
{
    struct sl_rtsp_url r;
    struct sl_str      rest, authority;
    size_t             i;
    int                rc;

    memset(&r, 0, sizeof(r));
    if (url.len > SL_RTSP_MAX_URL) {
        return SL_ELIMIT;
    }
    if (url.len == 0 || has_bad_byte(url)) {
        return SL_EBADDATA;
    }
    if (url.len == 1 && url.p[0] == '*') {
        r.path = url;
        *u = r;
        return 0;
    }
    if (url.p[0] == '/') {
        split_path_query((struct sl_str){url.p + 1, url.len - 1}, &r);
        *u = r;
        return 0;
    }

    rest = url;
    r.scheme = sl_str_cut(&rest, ':');
    if (!sl_str_caseeq_cstr(r.scheme, "rtsp")
        && !sl_str_caseeq_cstr(r.scheme, "rtsps"))
    {
        return SL_EBADDATA;
    }
    if (!sl_str_has_prefix(rest, "//")) {
        return SL_EBADDATA;
    }
    rest.p += 2;
    rest.len -= 2;

    for (i = 0; i < rest.len && rest.p[i] != '/' && rest.p[i] != '?'; i++) {
    }
    authority = (struct sl_str){rest.p, i};
    rc = parse_authority(authority, &r);
    if (rc < 0) {
        return rc;
    }
    rest.p += i;
    rest.len -= i;
    if (rest.len > 0 && rest.p[0] == '/') {
        rest.p++;
        rest.len--;
    }
    split_path_query(rest, &r);
    *u = r;
    return 0;
}


/*
 * Recognises "<name>=<digits>" (any letters when any_name, else only
 * "trackID", case-insensitive).  Returns 1 and the number when it matches,
 * 0 when seg is not a control, SL_ELIMIT when the number is too big.
 */
static int
parse_control(struct sl_str seg, bool any_name, uint32_t *track)
{
    struct sl_str rest = seg;
    struct sl_str name = sl_str_cut(&rest, '=');
    size_t        i;
    int           rc;

    if (rest.p == NULL || name.len == 0 || rest.len == 0) {
        return 0;
    }
    if (!any_name && !sl_str_caseeq_cstr(name, "trackID")) {
        return 0;
    }
    for (i = 0; i < name.len; i++) {
        char c = name.p[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
              || c == '-')) {
            return 0;
        }
    }
    for (i = 0; i < rest.len; i++) {
        if (rest.p[i] < '0' || rest.p[i] > '9') {
            return 0;
        }
    }
    rc = sl_parse_u32(rest, SL_RTSP_MAX_TRACK, track);
    if (rc < 0) {
        return SL_ELIMIT;
    }
    return 1;
}


static struct sl_str
strip_slashes(struct sl_str s)
{
    while (s.len > 0 && s.p[s.len - 1] == '/') {
        s.len--;
    }
    return s;
}


int
sl_rtsp_split_control(struct sl_str path, struct sl_str query,
                      struct sl_str *base, int *track)
{
    struct sl_str b = path;
    struct sl_str seg, q;
    uint32_t      t = 0;
    int           found = 0;
    ptrdiff_t     slash = -1;
    size_t        i;

    if (has_bad_byte(path) || has_bad_byte(query)) {
        return SL_EBADDATA;
    }

    /* Path form: the last segment is a control. */
    for (i = 0; i < path.len; i++) {
        if (path.p[i] == '/') {
            slash = (ptrdiff_t)i;
        }
    }
    seg = slash < 0 ? path
                    : (struct sl_str){path.p + slash + 1,
                                      path.len - (size_t)slash - 1};
    found = parse_control(seg, true, &t);
    if (found < 0) {
        return found;
    }
    if (found == 1) {
        b = (struct sl_str){path.p, slash < 0 ? 0 : (size_t)slash};
    }

    /* Query form: "trackID=N" among '&'-separated parameters. */
    q = query;
    while (found == 0 && q.len > 0) {
        seg = sl_str_cut(&q, '&');
        found = parse_control(seg, false, &t);
        if (found < 0) {
            return found;
        }
    }

    *base = strip_slashes(b);
    *track = found == 1 ? (int)t : -1;
    return 0;
}
