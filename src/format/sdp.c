/* Sluice: SDP parser and writer. */
#include "format/sdp.h"
#include "base/err.h"

#include <string.h>


/* RFC 3551 static payload types (tables 4 and 5). */
struct static_pt {
    uint8_t     pt;
    const char *encoding;
    uint32_t    clock_rate;
    uint32_t    channels; /* 0: the media-type default */
};


static bool                  has_ctl(struct sl_str s);
static struct sl_str         next_token(struct sl_str *s);
static bool                  is_rtp_proto(struct sl_str proto);
static int                   parse_pt(struct sl_str s, uint8_t *pt);
static struct sl_sdp_format *find_format(struct sl_sdp_media *m, uint8_t pt);
static int  parse_media_line(struct sl_str v, struct sl_sdp_media *m);
static int  parse_rtpmap(struct sl_str v, struct sl_sdp_media *m);
static int  parse_fmtp(struct sl_str v, struct sl_sdp_media *m);
static int  direction_of(struct sl_str name);
static int  parse_attribute(struct sl_str v, struct sl_sdp *sdp,
                            struct sl_sdp_media *m, int *session_dir);
static void finish_media(struct sl_sdp_media *m, int session_dir);
static bool is_line_safe(const char *s);
static int  write_extra(struct sl_dbuf *out, const char *extra);
static int  write_media(struct sl_dbuf                   *out,
                        const struct sl_sdp_writer_media *m);


static const struct static_pt static_pts[] = {
    {0, "PCMU", 8000, 0},   {3, "GSM", 8000, 0},    {4, "G723", 8000, 0},
    {5, "DVI4", 8000, 0},   {6, "DVI4", 16000, 0},  {7, "LPC", 8000, 0},
    {8, "PCMA", 8000, 0},   {9, "G722", 8000, 0},   {10, "L16", 44100, 2},
    {11, "L16", 44100, 0},  {12, "QCELP", 8000, 0}, {13, "CN", 8000, 0},
    {14, "MPA", 90000, 0},  {15, "G728", 8000, 0},  {16, "DVI4", 11025, 0},
    {17, "DVI4", 22050, 0}, {18, "G729", 8000, 0},  {25, "CelB", 90000, 0},
    {26, "JPEG", 90000, 0}, {28, "nv", 90000, 0},   {31, "H261", 90000, 0},
    {32, "MPV", 90000, 0},  {33, "MP2T", 90000, 0}, {34, "H263", 90000, 0},
};


/* True if s holds a control byte other than horizontal tab. */
static bool
has_ctl(struct sl_str s)
{
    size_t i;

    for (i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];

        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return true;
        }
    }
    return false;
}


/* Next space-separated token; runs of spaces count as one. */
static struct sl_str
next_token(struct sl_str *s)
{
    struct sl_str t;

    while (s->len > 0 && (s->p[0] == ' ' || s->p[0] == '\t')) {
        s->p++;
        s->len--;
    }
    t.p = s->p;
    t.len = 0;
    while (t.len < s->len && s->p[t.len] != ' ' && s->p[t.len] != '\t') {
        t.len++;
    }
    s->p += t.len;
    s->len -= t.len;
    return t;
}


static bool
is_rtp_proto(struct sl_str proto)
{
    size_t i;

    for (i = 0; i + 4 <= proto.len; i++) {
        if (sl_str_has_prefix((struct sl_str){proto.p + i, proto.len - i},
                              "RTP/")) {
            return true;
        }
    }
    return false;
}


static int
parse_pt(struct sl_str s, uint8_t *pt)
{
    uint32_t v;

    if (sl_parse_u32(s, 127, &v) < 0) {
        return SL_EBADDATA;
    }
    *pt = (uint8_t)v;
    return 0;
}


static struct sl_sdp_format *
find_format(struct sl_sdp_media *m, uint8_t pt)
{
    size_t i;

    for (i = 0; i < m->nformats; i++) {
        if (m->formats[i].pt == pt) {
            return &m->formats[i];
        }
    }
    return NULL;
}


const struct sl_sdp_format *
sl_sdp_media_format(const struct sl_sdp_media *m, uint8_t pt)
{
    size_t i;

    for (i = 0; i < m->nformats; i++) {
        if (m->formats[i].pt == pt) {
            return &m->formats[i];
        }
    }
    return NULL;
}


/* "<media> <port>[/<count>] <proto> <fmt> ..." */
static int
parse_media_line(struct sl_str v, struct sl_sdp_media *m)
{
    struct sl_str rest = v;
    struct sl_str port, fmt;
    uint32_t      n;
    int           rc;

    m->type = next_token(&rest);
    port = next_token(&rest);
    m->proto = next_token(&rest);
    if (m->type.len == 0 || m->proto.len == 0) {
        return SL_EBADDATA;
    }
    port = sl_str_cut(&port, '/');
    if (sl_parse_u32(port, 65535, &n) < 0) {
        return SL_EBADDATA;
    }
    m->port = (uint16_t)n;
    fmt = next_token(&rest);
    if (fmt.len == 0) {
        return SL_EBADDATA;
    }
    if (!is_rtp_proto(m->proto)) {
        /* Formats of other protocols are not payload types. */
        return 0;
    }
    while (fmt.len > 0) {
        if (m->nformats == SL_SDP_MAX_FORMATS) {
            return SL_ELIMIT;
        }
        rc = parse_pt(fmt, &m->formats[m->nformats].pt);
        if (rc < 0) {
            return rc;
        }
        m->nformats++;
        fmt = next_token(&rest);
    }
    return 0;
}


/* "<pt> <encoding>/<clock rate>[/<channels>]" */
static int
parse_rtpmap(struct sl_str v, struct sl_sdp_media *m)
{
    struct sl_str         rest = v;
    struct sl_str         pt_s = next_token(&rest);
    struct sl_str         enc, rate;
    struct sl_sdp_format *f;
    uint8_t               pt;
    uint32_t              clock, ch = 0;

    if (parse_pt(pt_s, &pt) < 0) {
        return SL_EBADDATA;
    }
    rest = sl_str_trim(rest);
    enc = sl_str_cut(&rest, '/');
    rate = sl_str_cut(&rest, '/');
    if (enc.len == 0 || sl_parse_u32(rate, UINT32_MAX, &clock) < 0
        || clock == 0) {
        return SL_EBADDATA;
    }
    if (rest.p != NULL && sl_parse_u32(rest, 255, &ch) < 0) {
        return SL_EBADDATA;
    }
    f = m == NULL ? NULL : find_format(m, pt);
    if (f != NULL && f->encoding.p == NULL) {
        f->encoding = enc;
        f->clock_rate = clock;
        f->channels = ch;
    }
    return 0;
}


/* "<pt> <parameters>" */
static int
parse_fmtp(struct sl_str v, struct sl_sdp_media *m)
{
    struct sl_str         rest = v;
    struct sl_str         pt_s = next_token(&rest);
    struct sl_sdp_format *f;
    uint8_t               pt;

    if (parse_pt(pt_s, &pt) < 0) {
        return SL_EBADDATA;
    }
    f = m == NULL ? NULL : find_format(m, pt);
    if (f != NULL && f->fmtp.p == NULL) {
        f->fmtp = sl_str_trim(rest);
    }
    return 0;
}


static int
direction_of(struct sl_str name)
{
    if (sl_str_eq_cstr(name, "sendrecv")) {
        return SL_SDP_DIR_SENDRECV;
    }
    if (sl_str_eq_cstr(name, "sendonly")) {
        return SL_SDP_DIR_SENDONLY;
    }
    if (sl_str_eq_cstr(name, "recvonly")) {
        return SL_SDP_DIR_RECVONLY;
    }
    if (sl_str_eq_cstr(name, "inactive")) {
        return SL_SDP_DIR_INACTIVE;
    }
    return SL_SDP_DIR_UNSET;
}


/* An a= line at session level (m == NULL) or in a media section. */
static int
parse_attribute(struct sl_str v, struct sl_sdp *sdp, struct sl_sdp_media *m,
                int *session_dir)
{
    struct sl_str value = v;
    struct sl_str name = sl_str_cut(&value, ':');
    int           dir;

    if (value.p == NULL) {
        dir = direction_of(name);
        if (dir != SL_SDP_DIR_UNSET) {
            if (m != NULL) {
                m->direction = dir;
            } else {
                *session_dir = dir;
            }
        }
        return 0;
    }
    if (sl_str_eq_cstr(name, "control")) {
        value = sl_str_trim(value);
        if (m != NULL) {
            m->control = value;
        } else {
            sdp->control = value;
        }
        return 0;
    }
    if (sl_str_eq_cstr(name, "rtpmap")) {
        return parse_rtpmap(value, m);
    }
    if (sl_str_eq_cstr(name, "fmtp")) {
        return parse_fmtp(value, m);
    }
    return 0;
}


/* Fills static payload types, default channels and the direction. */
static void
finish_media(struct sl_sdp_media *m, int session_dir)
{
    size_t i, j;

    if (m->direction == SL_SDP_DIR_UNSET) {
        m->direction = session_dir;
    }
    for (i = 0; i < m->nformats; i++) {
        struct sl_sdp_format *f = &m->formats[i];

        if (f->encoding.p == NULL) {
            for (j = 0; j < sizeof(static_pts) / sizeof(static_pts[0]); j++) {
                if (static_pts[j].pt == f->pt) {
                    f->encoding = sl_str_from(static_pts[j].encoding);
                    f->clock_rate = static_pts[j].clock_rate;
                    f->channels = static_pts[j].channels;
                    break;
                }
            }
        }
        if (f->channels == 0 && sl_str_eq_cstr(m->type, "audio")
            && f->encoding.p != NULL)
        {
            f->channels = 1;
        }
    }
}


int
sl_sdp_parse(const char *p, size_t len, struct sl_sdp *out)
{
    struct sl_sdp_media *m = NULL;
    int                  session_dir = SL_SDP_DIR_UNSET;
    bool                 seen_version = false;
    size_t               pos = 0;
    size_t               i;
    int                  rc;

    if (len > SL_SDP_MAX_LEN) {
        return SL_ELIMIT;
    }
    memset(out, 0, sizeof(*out));

    while (pos < len) {
        const char   *start = p + pos;
        const char   *lf = memchr(start, '\n', len - pos);
        struct sl_str l = {start,
                           lf == NULL ? len - pos : (size_t)(lf - start)};
        struct sl_str v;

        pos += l.len + (lf == NULL ? 0 : 1);
        if (l.len > 0 && l.p[l.len - 1] == '\r') {
            l.len--;
        }
        if (l.len == 0) {
            continue;
        }
        if (has_ctl(l) || l.len < 2 || l.p[1] != '='
            || !((l.p[0] >= 'a' && l.p[0] <= 'z')
                 || (l.p[0] >= 'A' && l.p[0] <= 'Z')))
        {
            return SL_EBADDATA;
        }
        v = (struct sl_str){l.p + 2, l.len - 2};

        if (!seen_version) {
            if (l.p[0] != 'v' || !sl_str_eq_cstr(sl_str_trim(v), "0")) {
                return SL_EBADDATA;
            }
            seen_version = true;
            continue;
        }
        switch (l.p[0]) {
        case 'v':
            /* One session per description. */
            return SL_EBADDATA;
        case 'm':
            if (m != NULL) {
                m->raw.len = (size_t)(start - m->raw.p);
            }
            if (out->nmedia == SL_SDP_MAX_MEDIA) {
                return SL_ELIMIT;
            }
            m = &out->media[out->nmedia++];
            m->raw.p = start;
            rc = parse_media_line(v, m);
            if (rc < 0) {
                return rc;
            }
            break;
        case 'o':
            if (m == NULL) {
                out->origin = v;
            }
            break;
        case 's':
            if (m == NULL) {
                out->session_name = v;
            }
            break;
        case 'c':
            if (m == NULL) {
                out->connection = v;
            }
            break;
        case 'a':
            rc = parse_attribute(v, out, m, &session_dir);
            if (rc < 0) {
                return rc;
            }
            break;
        default:
            /* Other line types (i, u, e, b, t, r, z, k...) are ignored. */
            break;
        }
    }
    if (!seen_version) {
        return SL_EBADDATA;
    }
    if (m != NULL) {
        m->raw.len = (size_t)(p + len - m->raw.p);
    }
    for (i = 0; i < out->nmedia; i++) {
        finish_media(&out->media[i], session_dir);
    }
    return 0;
}


struct sl_str
sl_sdp_fmtp_get(struct sl_str fmtp, const char *key)
{
    struct sl_str rest = fmtp;

    while (rest.p != NULL && rest.len > 0) {
        struct sl_str val = sl_str_trim(sl_str_cut(&rest, ';'));
        struct sl_str k = sl_str_trim(sl_str_cut(&val, '='));

        if (!sl_str_caseeq_cstr(k, key)) {
            continue;
        }
        if (val.p == NULL) {
            return (struct sl_str){k.p + k.len, 0};
        }
        return sl_str_trim(val);
    }
    return SL_STR_NULL;
}


/* A string that can be written inside one SDP line. */
static bool
is_line_safe(const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return false;
        }
    }
    return true;
}


/* Writes raw attribute lines, each ending in CRLF. */
static int
write_extra(struct sl_dbuf *out, const char *extra)
{
    struct sl_str rest = sl_str_from(extra);
    int           rc;

    while (rest.p != NULL && rest.len > 0) {
        struct sl_str l = sl_str_cut(&rest, '\n');

        if (l.len > 0 && l.p[l.len - 1] == '\r') {
            l.len--;
        }
        if (l.len == 0) {
            continue;
        }
        if (l.len < 2 || l.p[1] != '=' || has_ctl(l)
            || !((l.p[0] >= 'a' && l.p[0] <= 'z')
                 || (l.p[0] >= 'A' && l.p[0] <= 'Z')))
        {
            return SL_EINVAL;
        }
        rc = sl_dbuf_add(out, l.p, l.len);
        if (rc == 0) {
            rc = sl_dbuf_add(out, "\r\n", 2);
        }
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}


static int
write_media(struct sl_dbuf *out, const struct sl_sdp_writer_media *m)
{
    int rc;

    if (m->type == NULL || m->type[0] == '\0' || strchr(m->type, ' ') != NULL
        || !is_line_safe(m->type)
        || (m->encoding != NULL
            && (!is_line_safe(m->encoding) || m->encoding[0] == '\0'))
        || (m->fmtp != NULL && !is_line_safe(m->fmtp))
        || (m->control != NULL && !is_line_safe(m->control)))
    {
        return SL_EINVAL;
    }
    rc = sl_dbuf_printf(out, "m=%s 0 RTP/AVP %u\r\n", m->type, (unsigned)m->pt);
    if (rc == 0 && m->control != NULL) {
        rc = sl_dbuf_printf(out, "a=control:%s\r\n", m->control);
    }
    if (rc == 0 && m->encoding != NULL) {
        if (m->channels > 0) {
            rc = sl_dbuf_printf(out, "a=rtpmap:%u %s/%u/%u\r\n",
                                (unsigned)m->pt, m->encoding,
                                (unsigned)m->clock_rate, (unsigned)m->channels);
        } else {
            rc = sl_dbuf_printf(out, "a=rtpmap:%u %s/%u\r\n", (unsigned)m->pt,
                                m->encoding, (unsigned)m->clock_rate);
        }
    }
    if (rc == 0 && m->fmtp != NULL) {
        rc = sl_dbuf_printf(out, "a=fmtp:%u %s\r\n", (unsigned)m->pt, m->fmtp);
    }
    if (rc == 0 && m->extra_attrs != NULL) {
        rc = write_extra(out, m->extra_attrs);
    }
    return rc;
}


int
sl_sdp_write(struct sl_dbuf *out, const char *session_name,
             const struct sl_sdp_writer_media *m, size_t n)
{
    size_t saved = out->len;
    size_t i;
    int    rc;

    if (session_name == NULL || session_name[0] == '\0') {
        session_name = "Stream";
    }
    if (n > SL_SDP_MAX_MEDIA || (n > 0 && m == NULL)
        || !is_line_safe(session_name)) {
        return SL_EINVAL;
    }
    rc = sl_dbuf_printf(out,
                        "v=0\r\n"
                        "o=- 0 0 IN IP4 127.0.0.1\r\n"
                        "s=%s\r\n"
                        "c=IN IP4 0.0.0.0\r\n"
                        "t=0 0\r\n"
                        "a=control:*\r\n",
                        session_name);
    for (i = 0; rc == 0 && i < n; i++) {
        rc = write_media(out, &m[i]);
    }
    if (rc < 0) {
        /* Only appended: restoring the length undoes the partial write. */
        out->len = saved;
    }
    return rc;
}
