/* Sluice: RTSP Transport, Session, Range and CSeq header values. */
#include "proto/rtsp/headers.h"
#include "base/err.h"

#include <string.h>


static struct sl_str unquote(struct sl_str s);
static int  parse_range_pair(struct sl_str v, uint32_t max, uint32_t pair[2]);
static int  parse_spec(struct sl_str spec, struct sl_rtsp_transport *t);
static int  parse_param(struct sl_str param, struct sl_rtsp_transport *t);
static int  parse_one(struct sl_str alt, struct sl_rtsp_transport *t);
static int  parse_alternatives(struct sl_str v, struct sl_rtsp_transport *out,
                               size_t max);
static bool is_safe_value(struct sl_str s);
static int  parse_digits(const char *p, size_t n, uint32_t *out);
static int  parse_seconds(struct sl_str s, double *out);
static int  parse_npt(struct sl_str s, double *out);
static int  parse_clock(struct sl_str s, double *out);
static int  parse_smpte(struct sl_str s, double fps, double *out);
static int  parse_time(int type, double fps, struct sl_str s, double *out);
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d);


/* Removes one pair of surrounding double quotes. */
static struct sl_str
unquote(struct sl_str s)
{
    s = sl_str_trim(s);
    if (s.len >= 2 && s.p[0] == '"' && s.p[s.len - 1] == '"') {
        s.p++;
        s.len -= 2;
    }
    return s;
}


/* "a-b" or "a" (meaning a-(a+1)); both <= max. */
static int
parse_range_pair(struct sl_str v, uint32_t max, uint32_t pair[2])
{
    struct sl_str rest = v;
    struct sl_str lo = sl_str_cut(&rest, '-');

    if (v.p == NULL || sl_parse_u32(lo, max, &pair[0]) < 0) {
        return SL_EBADDATA;
    }
    if (rest.p == NULL) {
        if (pair[0] == max) {
            return SL_EBADDATA;
        }
        pair[1] = pair[0] + 1;
        return 0;
    }
    if (sl_parse_u32(rest, max, &pair[1]) < 0) {
        return SL_EBADDATA;
    }
    return 0;
}


/* "RTP/AVP[/UDP|/TCP]" or "RTP/SAVP[...]".  1 if known, 0 if not. */
static int
parse_spec(struct sl_str spec, struct sl_rtsp_transport *t)
{
    struct sl_str rest = spec;
    struct sl_str proto = sl_str_cut(&rest, '/');
    struct sl_str profile = sl_str_cut(&rest, '/');

    if (!sl_str_caseeq_cstr(proto, "RTP")) {
        return 0;
    }
    if (sl_str_caseeq_cstr(profile, "AVP")) {
        t->secure = false;
    } else if (sl_str_caseeq_cstr(profile, "SAVP")) {
        t->secure = true;
    } else {
        return 0;
    }
    if (rest.p == NULL || sl_str_caseeq_cstr(rest, "UDP")) {
        t->proto = SL_RTSP_PROTO_UDP;
    } else if (sl_str_caseeq_cstr(rest, "TCP")) {
        t->proto = SL_RTSP_PROTO_TCP;
    } else {
        return 0;
    }
    return 1;
}


static int
parse_param(struct sl_str param, struct sl_rtsp_transport *t)
{
    struct sl_str val = param;
    struct sl_str name = sl_str_trim(sl_str_cut(&val, '='));
    uint32_t      pair[2];
    uint32_t      n;
    uint64_t      ssrc;

    if (val.p != NULL) {
        val = unquote(val);
    }
    if (sl_str_caseeq_cstr(name, "unicast")) {
        t->has_unicast = true;
    } else if (sl_str_caseeq_cstr(name, "multicast")) {
        t->multicast = true;
    } else if (sl_str_caseeq_cstr(name, "client_port")) {
        if (parse_range_pair(val, 65535, pair) < 0) {
            return SL_EBADDATA;
        }
        t->has_client_port = true;
        t->client_port[0] = (uint16_t)pair[0];
        t->client_port[1] = (uint16_t)pair[1];
    } else if (sl_str_caseeq_cstr(name, "server_port")) {
        if (parse_range_pair(val, 65535, pair) < 0) {
            return SL_EBADDATA;
        }
        t->has_server_port = true;
        t->server_port[0] = (uint16_t)pair[0];
        t->server_port[1] = (uint16_t)pair[1];
    } else if (sl_str_caseeq_cstr(name, "port")) {
        if (parse_range_pair(val, 65535, pair) < 0) {
            return SL_EBADDATA;
        }
        t->has_port = true;
        t->port[0] = (uint16_t)pair[0];
        t->port[1] = (uint16_t)pair[1];
    } else if (sl_str_caseeq_cstr(name, "interleaved")) {
        if (parse_range_pair(val, 255, pair) < 0) {
            return SL_EBADDATA;
        }
        t->has_interleaved = true;
        t->interleaved[0] = (uint8_t)pair[0];
        t->interleaved[1] = (uint8_t)pair[1];
    } else if (sl_str_caseeq_cstr(name, "ssrc")) {
        /* Hexadecimal per RFC 2326; at most 8 digits. */
        if (val.len > 8 || sl_parse_hex_u64(val, UINT32_MAX, &ssrc) < 0) {
            return SL_EBADDATA;
        }
        t->has_ssrc = true;
        t->ssrc = (uint32_t)ssrc;
    } else if (sl_str_caseeq_cstr(name, "mode")) {
        if (sl_str_caseeq_cstr(val, "play")) {
            t->mode = SL_RTSP_MODE_PLAY;
        } else if (sl_str_caseeq_cstr(val, "record")
                   || sl_str_caseeq_cstr(val, "receive"))
        {
            t->mode = SL_RTSP_MODE_RECORD;
        } else {
            return SL_EBADDATA;
        }
    } else if (sl_str_caseeq_cstr(name, "ttl")) {
        if (sl_parse_u32(val, 255, &n) < 0) {
            return SL_EBADDATA;
        }
        t->has_ttl = true;
        t->ttl = (uint8_t)n;
    } else if (sl_str_caseeq_cstr(name, "destination")) {
        t->destination = val.p == NULL ? SL_STR_NULL : val;
    } else if (sl_str_caseeq_cstr(name, "source")) {
        t->source = val.p == NULL ? SL_STR_NULL : val;
    }
    /* Other parameters (append, layers, rtcp-mux...) are ignored. */
    return 0;
}


/* Returns 1 if parsed into *t, 0 if the transport is unknown, or < 0. */
static int
parse_one(struct sl_str alt, struct sl_rtsp_transport *t)
{
    struct sl_str rest = sl_str_trim(alt);
    struct sl_str spec;
    int           rc;

    memset(t, 0, sizeof(*t));
    spec = sl_str_trim(sl_str_cut(&rest, ';'));
    if (parse_spec(spec, t) == 0) {
        return 0;
    }
    while (rest.p != NULL) {
        struct sl_str param = sl_str_trim(sl_str_cut(&rest, ';'));

        if (param.len == 0) {
            continue;
        }
        rc = parse_param(param, t);
        if (rc < 0) {
            return rc;
        }
    }
    return 1;
}


/* With out == NULL, only validates.  Returns the count, or < 0. */
static int
parse_alternatives(struct sl_str v, struct sl_rtsp_transport *out, size_t max)
{
    struct sl_rtsp_transport t;
    struct sl_str            rest = v;
    size_t                   n = 0;
    bool                     unknown = false;
    int                      rc;

    while (rest.p != NULL && n < max) {
        struct sl_str alt = sl_str_trim(sl_str_cut(&rest, ','));

        if (alt.len == 0) {
            continue;
        }
        rc = parse_one(alt, &t);
        if (rc < 0) {
            return rc;
        }
        if (rc == 0) {
            unknown = true;
            continue;
        }
        if (out != NULL) {
            out[n] = t;
        }
        n++;
    }
    if (n == 0) {
        return unknown ? SL_EUNSUP : SL_EBADDATA;
    }
    return (int)n;
}


int
sl_rtsp_transport_parse(struct sl_str v, struct sl_rtsp_transport *out,
                        size_t max)
{
    int rc;

    if (max == 0 || v.p == NULL) {
        return v.p == NULL ? SL_EBADDATA : SL_EINVAL;
    }
    rc = parse_alternatives(v, NULL, max);
    if (rc < 0) {
        return rc;
    }
    return parse_alternatives(v, out, max);
}


/* Values echoed into a header: no separators, quotes, spaces or controls. */
static bool
is_safe_value(struct sl_str s)
{
    size_t i;

    for (i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];

        if (c <= 0x20 || c >= 0x7f || c == ';' || c == ',' || c == '"') {
            return false;
        }
    }
    return true;
}


int
sl_rtsp_transport_write(struct sl_dbuf *out, const struct sl_rtsp_transport *t)
{
    size_t saved = out->len;
    int    rc;

    if (!is_safe_value(t->destination) || !is_safe_value(t->source)) {
        return SL_EINVAL;
    }
    rc = sl_dbuf_printf(out, "RTP/%s%s", t->secure ? "SAVP" : "AVP",
                        t->proto == SL_RTSP_PROTO_TCP ? "/TCP" : "");
    if (rc == 0 && t->multicast) {
        rc = sl_dbuf_add_str(out, ";multicast");
    } else if (rc == 0 && t->has_unicast) {
        rc = sl_dbuf_add_str(out, ";unicast");
    }
    if (rc == 0 && t->destination.len > 0) {
        rc = sl_dbuf_printf(out, ";destination=%.*s", (int)t->destination.len,
                            t->destination.p);
    }
    if (rc == 0 && t->source.len > 0) {
        rc = sl_dbuf_printf(out, ";source=%.*s", (int)t->source.len,
                            t->source.p);
    }
    if (rc == 0 && t->has_ttl) {
        rc = sl_dbuf_printf(out, ";ttl=%u", (unsigned)t->ttl);
    }
    if (rc == 0 && t->has_port) {
        rc = sl_dbuf_printf(out, ";port=%u-%u", (unsigned)t->port[0],
                            (unsigned)t->port[1]);
    }
    if (rc == 0 && t->has_client_port) {
        rc = sl_dbuf_printf(out, ";client_port=%u-%u",
                            (unsigned)t->client_port[0],
                            (unsigned)t->client_port[1]);
    }
    if (rc == 0 && t->has_server_port) {
        rc = sl_dbuf_printf(out, ";server_port=%u-%u",
                            (unsigned)t->server_port[0],
                            (unsigned)t->server_port[1]);
    }
    if (rc == 0 && t->has_interleaved) {
        rc = sl_dbuf_printf(out, ";interleaved=%u-%u",
                            (unsigned)t->interleaved[0],
                            (unsigned)t->interleaved[1]);
    }
    if (rc == 0 && t->has_ssrc) {
        rc = sl_dbuf_printf(out, ";ssrc=%08X", (unsigned)t->ssrc);
    }
    if (rc == 0 && t->mode == SL_RTSP_MODE_PLAY) {
        rc = sl_dbuf_add_str(out, ";mode=play");
    } else if (rc == 0 && t->mode == SL_RTSP_MODE_RECORD) {
        rc = sl_dbuf_add_str(out, ";mode=record");
    }
    if (rc < 0) {
        /* Only appended: restoring the length undoes the partial write. */
        out->len = saved;
    }
    return rc;
}


int
sl_rtsp_session_parse(struct sl_str v, struct sl_rtsp_session_hdr *out)
{
    struct sl_rtsp_session_hdr s = {SL_STR_NULL, false, 0};
    struct sl_str              rest = v;
    size_t                     i;

    if (v.p == NULL) {
        return SL_EBADDATA;
    }
    s.id = sl_str_trim(sl_str_cut(&rest, ';'));
    if (s.id.len == 0) {
        return SL_EBADDATA;
    }
    if (s.id.len > SL_RTSP_MAX_SESSION_ID) {
        return SL_ELIMIT;
    }
    for (i = 0; i < s.id.len; i++) {
        unsigned char c = (unsigned char)s.id.p[i];

        if (c <= 0x20 || c >= 0x7f || c == ',' || c == '"') {
            return SL_EBADDATA;
        }
    }
    while (rest.p != NULL) {
        struct sl_str val = sl_str_trim(sl_str_cut(&rest, ';'));
        struct sl_str name = sl_str_trim(sl_str_cut(&val, '='));

        if (!sl_str_caseeq_cstr(name, "timeout")) {
            continue;
        }
        if (sl_parse_u32(sl_str_trim(val), UINT32_MAX, &s.timeout) < 0) {
            return SL_EBADDATA;
        }
        s.has_timeout = true;
    }
    *out = s;
    return 0;
}


/* Exactly n digits. */
static int
parse_digits(const char *p, size_t n, uint32_t *out)
{
    size_t   i;
    uint32_t v = 0;

    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return SL_EBADDATA;
        }
        v = v * 10 + (uint32_t)(p[i] - '0');
    }
    *out = v;
    return 0;
}


/* "12", "12.5", "12." and ".5" (RFC 2326 npt-sec allows the last two). */
static int
parse_seconds(struct sl_str s, double *out)
{
    if (s.len > 1 && s.p[s.len - 1] == '.') {
        s.len--;
    }
    if (s.len > 40) {
        return SL_EBADDATA;
    }
    return sl_parse_double(s, out) < 0 ? SL_EBADDATA : 0;
}


/* npt-sec or npt-hhmmss ("h:mm:ss[.frac]"). */
static int
parse_npt(struct sl_str s, double *out)
{
    struct sl_str rest = s;
    struct sl_str h, m;
    uint32_t      hv, mv;
    double        sec;

    if (sl_str_chr(s, ':') < 0) {
        return parse_seconds(s, out);
    }
    h = sl_str_cut(&rest, ':');
    m = sl_str_cut(&rest, ':');
    if (rest.p == NULL || m.len != 2 || rest.len < 2
        || sl_parse_u32(h, 1000000000, &hv) < 0 || parse_digits(m.p, 2, &mv) < 0
        || mv > 59 || parse_seconds(rest, &sec) < 0 || sec >= 60.0)
    {
        return SL_EBADDATA;
    }
    *out = (double)hv * 3600.0 + (double)mv * 60.0 + sec;
    return 0;
}


/*
 * Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar: count
 * in 400-year eras starting on March 1st, so leap days fall at era ends.
 */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t  era;
    unsigned yoe, doy, doe;

    y -= m <= 2 ? 1 : 0;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}


/* utc-time "YYYYMMDDThhmmss[.frac]Z" to seconds since the Unix epoch. */
static int
parse_clock(struct sl_str s, double *out)
{
    uint32_t y, mo, d, h, mi, sec;
    double   frac = 0.0;

    if (s.len < 16 || s.p[8] != 'T' || s.p[s.len - 1] != 'Z'
        || parse_digits(s.p, 4, &y) < 0 || parse_digits(s.p + 4, 2, &mo) < 0
        || parse_digits(s.p + 6, 2, &d) < 0 || parse_digits(s.p + 9, 2, &h) < 0
        || parse_digits(s.p + 11, 2, &mi) < 0
        || parse_digits(s.p + 13, 2, &sec) < 0)
    {
        return SL_EBADDATA;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
        return SL_EBADDATA;
    }
    if (s.len > 16) {
        struct sl_str f = {s.p + 15, s.len - 16};

        /* f is ".ddd"; parse "0.ddd". */
        if (f.len < 2 || f.p[0] != '.' || parse_seconds(f, &frac) < 0) {
            return SL_EBADDATA;
        }
    }
    *out = (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0
           + sec + frac;
    return 0;
}


/* smpte-time "hh:mm:ss[:frames[.subframes]]". */
static int
parse_smpte(struct sl_str s, double fps, double *out)
{
    struct sl_str rest = s;
    struct sl_str h = sl_str_cut(&rest, ':');
    struct sl_str m = sl_str_cut(&rest, ':');
    struct sl_str sec = sl_str_cut(&rest, ':');
    uint32_t      hv, mv, sv;
    double        frames = 0.0;

    if (h.len < 1 || h.len > 2 || m.len != 2 || sec.len != 2
        || parse_digits(h.p, h.len, &hv) < 0 || parse_digits(m.p, 2, &mv) < 0
        || parse_digits(sec.p, 2, &sv) < 0 || mv > 59 || sv > 59)
    {
        return SL_EBADDATA;
    }
    if (rest.p != NULL) {
        struct sl_str fr = rest;
        struct sl_str whole = sl_str_cut(&fr, '.');
        uint32_t      fv, sub = 0;

        if (whole.len < 1 || whole.len > 2
            || parse_digits(whole.p, whole.len, &fv) < 0 || fv >= 60)
        {
            return SL_EBADDATA;
        }
        if (fr.p != NULL
            && (fr.len < 1 || fr.len > 2 || parse_digits(fr.p, fr.len, &sub) < 0
                || sub > 99))
        {
            return SL_EBADDATA;
        }
        frames = (double)fv + (double)sub / 100.0;
    }
    *out = hv * 3600.0 + mv * 60.0 + sv + frames / fps;
    return 0;
}


static int
parse_time(int type, double fps, struct sl_str s, double *out)
{
    switch (type) {
    case SL_RTSP_RANGE_NPT:
        return parse_npt(s, out);
    case SL_RTSP_RANGE_CLOCK:
        return parse_clock(s, out);
    default:
        return parse_smpte(s, fps, out);
    }
}


int
sl_rtsp_range_parse(struct sl_str v, struct sl_rtsp_range *out)
{
    struct sl_rtsp_range r;
    struct sl_str        rest = v;
    struct sl_str        spec, unit, start, end;
    double               fps = 30.0;

    if (v.p == NULL) {
        return SL_EBADDATA;
    }
    memset(&r, 0, sizeof(r));
    spec = sl_str_trim(sl_str_cut(&rest, ';'));
    end = spec;
    unit = sl_str_trim(sl_str_cut(&end, '='));
    if (end.p == NULL) {
        return SL_EBADDATA;
    }
    if (sl_str_caseeq_cstr(unit, "npt")) {
        r.type = SL_RTSP_RANGE_NPT;
    } else if (sl_str_caseeq_cstr(unit, "clock")) {
        r.type = SL_RTSP_RANGE_CLOCK;
    } else if (sl_str_caseeq_cstr(unit, "smpte")
               || sl_str_caseeq_cstr(unit, "smpte-30-drop")
               || sl_str_caseeq_cstr(unit, "smpte-25"))
    {
        r.type = SL_RTSP_RANGE_SMPTE;
        if (sl_str_caseeq_cstr(unit, "smpte-25")) {
            fps = 25.0;
        } else if (sl_str_caseeq_cstr(unit, "smpte-30-drop")) {
            fps = 29.97;
        }
    } else {
        return SL_EUNSUP;
    }

    start = sl_str_trim(sl_str_cut(&end, '-'));
    if (end.p == NULL) {
        return SL_EBADDATA;
    }
    end = sl_str_trim(end);
    if (start.len == 0 && end.len == 0) {
        return SL_EBADDATA;
    }
    if (start.len > 0) {
        if (r.type == SL_RTSP_RANGE_NPT && sl_str_eq_cstr(start, "now")) {
            r.start_now = true;
        } else if (parse_time(r.type, fps, start, &r.start) < 0) {
            return SL_EBADDATA;
        } else {
            r.has_start = true;
        }
    }
    if (end.len > 0) {
        if (parse_time(r.type, fps, end, &r.end) < 0) {
            return SL_EBADDATA;
        }
        r.has_end = true;
        if (r.has_start && r.end < r.start) {
            return SL_EBADDATA;
        }
    }
    *out = r;
    return 0;
}


int
sl_rtsp_cseq_parse(struct sl_str v, uint32_t *out)
{
    if (v.p == NULL || sl_parse_u32(sl_str_trim(v), UINT32_MAX, out) < 0) {
        return SL_EBADDATA;
    }
    return 0;
}
