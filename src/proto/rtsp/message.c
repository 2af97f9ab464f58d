/* Sluice: RTSP message parser and response writer. */
#include "proto/rtsp/message.h"
#include "base/bytes.h"
#include "base/err.h"

#include <string.h>


struct line {
    const char *p;
    size_t      len; /* without the LF and without a CR before it */
};

struct reason {
    int         status;
    const char *text;
};


static int  find_head_end(const uint8_t *p, size_t len, size_t *start,
                          size_t *end);
static bool next_line(const uint8_t *p, size_t end, size_t *pos,
                      struct line *l);
static bool is_tchar(unsigned char c);
static bool is_token(struct sl_str s);
static bool has_ctl(struct sl_str s);
static bool is_proto(struct sl_str s);
static int  parse_start_line(struct line l, struct sl_rtsp_msg *m);
static int  parse_header_line(struct line l, struct sl_rtsp_msg *m);
static int  parse_content_length(const struct sl_rtsp_msg *m, size_t *out);


static const struct reason reasons[] = {
    {100, "Continue"},
    {200, "OK"},
    {201, "Created"},
    {250, "Low on Storage Space"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Moved Temporarily"},
    {303, "See Other"},
    {304, "Not Modified"},
    {305, "Use Proxy"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Request Entity Too Large"},
    {414, "Request-URI Too Long"},
    {415, "Unsupported Media Type"},
    {451, "Parameter Not Understood"},
    {452, "Conference Not Found"},
    {453, "Not Enough Bandwidth"},
    {454, "Session Not Found"},
    {455, "Method Not Valid in This State"},
    {456, "Header Field Not Valid for Resource"},
    {457, "Invalid Range"},
    {458, "Parameter Is Read-Only"},
    {459, "Aggregate Operation Not Allowed"},
    {460, "Only Aggregate Operation Allowed"},
    {461, "Unsupported Transport"},
    {462, "Destination Unreachable"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "RTSP Version Not Supported"},
    {551, "Option Not Supported"},
};


size_t
sl_rtsp_skip_noise(const uint8_t *p, size_t len)
{
    size_t i = 0;

    while (i < len && (p[i] == '\r' || p[i] == '\n')) {
        i++;
    }
    return i;
}


/*
 * Finds the blank line that ends the header block without writing any
 * output, so that an incomplete message costs no parsing.  *start is where
 * the start line begins (after noise), *end is just past the blank line.
 */
static int
find_head_end(const uint8_t *p, size_t len, size_t *start, size_t *end)
{
    size_t         pos = sl_rtsp_skip_noise(p, len);
    const uint8_t *lf;
    size_t         avail, n;

    *start = pos;
    if (pos > SL_RTSP_MAX_HEADER_BLOCK) {
        return SL_ELIMIT;
    }
    while (pos < len) {
        avail = len - pos;
        /* A line may not run past the line cap or the block cap. */
        if (avail > SL_RTSP_MAX_LINE + 2) {
            avail = SL_RTSP_MAX_LINE + 2;
        }
        if (avail > SL_RTSP_MAX_HEADER_BLOCK - pos) {
            avail = SL_RTSP_MAX_HEADER_BLOCK - pos;
        }
        lf = memchr(p + pos, '\n', avail);
        if (lf == NULL) {
            if (len - pos >= SL_RTSP_MAX_LINE + 2
                || len >= SL_RTSP_MAX_HEADER_BLOCK) {
                return SL_ELIMIT;
            }
            return SL_EAGAIN;
        }
        n = (size_t)(lf - (p + pos));
        if (n > 0 && p[pos + n - 1] == '\r') {
            n--;
        }
        if (n > SL_RTSP_MAX_LINE) {
            return SL_ELIMIT;
        }
        if (n == 0 && pos != *start) {
            *end = (size_t)(lf - p) + 1;
            return 0;
        }
        pos = (size_t)(lf - p) + 1;
    }
    if (len >= SL_RTSP_MAX_HEADER_BLOCK) {
        return SL_ELIMIT;
    }
    return SL_EAGAIN;
}


/* Returns the next line in [*pos, end), which the caller knows ends in LF. */
static bool
next_line(const uint8_t *p, size_t end, size_t *pos, struct line *l)
{
    const uint8_t *lf;

    if (*pos >= end) {
        return false;
    }
    lf = memchr(p + *pos, '\n', end - *pos);
    if (lf == NULL) {
        return false;
    }
    l->p = (const char *)p + *pos;
    l->len = (size_t)(lf - (p + *pos));
    if (l->len > 0 && l->p[l->len - 1] == '\r') {
        l->len--;
    }
    *pos = (size_t)(lf - p) + 1;
    return true;
}


/* RFC 7230 tchar: the characters allowed in methods and header names. */
static bool
is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')) {
        return true;
    }
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}


static bool
is_token(struct sl_str s)
{
    size_t i;

    if (s.len == 0) {
        return false;
    }
    for (i = 0; i < s.len; i++) {
        if (!is_tchar((unsigned char)s.p[i])) {
            return false;
        }
    }
    return true;
}


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


/* "RTSP/<digits>.<digits>" or the same with HTTP. */
static bool
is_proto(struct sl_str s)
{
    struct sl_str v, major, minor;
    size_t        i;

    if (!sl_str_has_prefix(s, "RTSP/") && !sl_str_has_prefix(s, "HTTP/")) {
        return false;
    }
    v = (struct sl_str){s.p + 5, s.len - 5};
    major = sl_str_cut(&v, '.');
    minor = v;
    if (major.len == 0 || minor.len == 0) {
        return false;
    }
    for (i = 0; i < major.len; i++) {
        if (major.p[i] < '0' || major.p[i] > '9') {
            return false;
        }
    }
    for (i = 0; i < minor.len; i++) {
        if (minor.p[i] < '0' || minor.p[i] > '9') {
            return false;
        }
    }
    return true;
}


static int
parse_start_line(struct line l, struct sl_rtsp_msg *m)
{
    struct sl_str rest = {l.p, l.len};
    struct sl_str first, second;
    uint32_t      status;
    int           rc;

    if (has_ctl(rest) || sl_str_chr(rest, '\t') >= 0) {
        return SL_EBADDATA;
    }
    first = sl_str_cut(&rest, ' ');
    if (rest.p == NULL || first.len == 0) {
        return SL_EBADDATA;
    }

    if (sl_str_has_prefix(first, "RTSP/") || sl_str_has_prefix(first, "HTTP/"))
    {
        /* Status line: proto SP 3DIGIT SP reason. */
        if (first.len > SL_RTSP_MAX_PROTO) {
            return SL_ELIMIT;
        }
        if (!is_proto(first)) {
            return SL_EBADDATA;
        }
        second = sl_str_cut(&rest, ' ');
        if (second.len != 3) {
            return SL_EBADDATA;
        }
        rc = sl_parse_u32(second, 999, &status);
        if (rc < 0 || status < 100) {
            return SL_EBADDATA;
        }
        m->is_response = true;
        m->proto = first;
        m->status = (int)status;
        m->reason = rest.p == NULL ? (struct sl_str){second.p + 3, 0} : rest;
        return 0;
    }

    /* Request line: method SP url SP proto, nothing after. */
    if (first.len > SL_RTSP_MAX_METHOD) {
        return SL_ELIMIT;
    }
    if (!is_token(first)) {
        return SL_EBADDATA;
    }
    second = sl_str_cut(&rest, ' ');
    if (second.len > SL_RTSP_MAX_URL) {
        return SL_ELIMIT;
    }
    if (second.len == 0 || rest.p == NULL) {
        return SL_EBADDATA;
    }
    if (rest.len > SL_RTSP_MAX_PROTO) {
        return SL_ELIMIT;
    }
    if (!is_proto(rest)) {
        return SL_EBADDATA;
    }
    m->is_response = false;
    m->method = first;
    m->url = second;
    m->proto = rest;
    return 0;
}


static int
parse_header_line(struct line l, struct sl_rtsp_msg *m)
{
    struct sl_str          rest = {l.p, l.len};
    struct sl_str          name;
    struct sl_rtsp_header *h;

    if (l.len > 0 && (l.p[0] == ' ' || l.p[0] == '\t')) {
        /* Obsolete line folding: refused, as RFC 7230 3.2.4 allows. */
        return SL_EBADDATA;
    }
    name = sl_str_cut(&rest, ':');
    if (rest.p == NULL) {
        return SL_EBADDATA;
    }
    if (name.len > SL_RTSP_MAX_KEY) {
        return SL_ELIMIT;
    }
    if (!is_token(name)) {
        return SL_EBADDATA;
    }
    rest = sl_str_trim(rest);
    if (rest.len > SL_RTSP_MAX_VALUE) {
        return SL_ELIMIT;
    }
    if (has_ctl(rest)) {
        return SL_EBADDATA;
    }
    if (m->nheaders == SL_RTSP_MAX_HEADERS) {
        return SL_ELIMIT;
    }
    h = &m->headers[m->nheaders++];
    h->name = name;
    h->value = rest;
    return 0;
}


/*
 * Reads Content-Length.  Negative, non-numeric or overflowing values are
 * malformed; a value that parses but exceeds the body cap is SL_ELIMIT.
 * Duplicates must agree, so two parsers can never frame a message
 * differently.
 */
static int
parse_content_length(const struct sl_rtsp_msg *m, size_t *out)
{
    bool     found = false;
    uint64_t v, first = 0;
    size_t   i;
    int      rc;

    for (i = 0; i < m->nheaders; i++) {
        if (!sl_str_caseeq_cstr(m->headers[i].name, "Content-Length")) {
            continue;
        }
        rc = sl_parse_u64(m->headers[i].value, UINT64_MAX, &v);
        if (rc < 0) {
            return SL_EBADDATA;
        }
        if (found && v != first) {
            return SL_EBADDATA;
        }
        found = true;
        first = v;
    }
    if (first > SL_RTSP_MAX_BODY) {
        return SL_ELIMIT;
    }
    *out = (size_t)first;
    return 0;
}


int
sl_rtsp_parse(const uint8_t *p, size_t len, struct sl_rtsp_msg *m)
{
    size_t      start, end, pos, clen;
    struct line l;
    int         rc;

    rc = find_head_end(p, len, &start, &end);
    if (rc < 0) {
        return rc;
    }

    m->is_response = false;
    m->method = m->url = m->proto = m->reason = m->body = SL_STR_NULL;
    m->status = 0;
    m->nheaders = 0;

    pos = start;
    if (!next_line(p, end, &pos, &l)) {
        return SL_EBADDATA;
    }
    rc = parse_start_line(l, m);
    if (rc < 0) {
        return rc;
    }
    while (next_line(p, end, &pos, &l) && l.len > 0) {
        rc = parse_header_line(l, m);
        if (rc < 0) {
            return rc;
        }
    }

    rc = parse_content_length(m, &clen);
    if (rc < 0) {
        return rc;
    }
    if (len - end < clen) {
        return SL_EAGAIN;
    }
    m->body.p = (const char *)p + end;
    m->body.len = clen;
    return (int)(end + clen);
}


struct sl_str
sl_rtsp_header_get(const struct sl_rtsp_msg *m, const char *name)
{
    size_t i;

    for (i = 0; i < m->nheaders; i++) {
        if (sl_str_caseeq_cstr(m->headers[i].name, name)) {
            return m->headers[i].value;
        }
    }
    return SL_STR_NULL;
}


int
sl_rtsp_parse_interleaved(const uint8_t *p, size_t len, uint8_t *channel,
                          struct sl_str *payload)
{
    size_t n;

    if (len == 0) {
        return SL_EAGAIN;
    }
    if (p[0] != '$') {
        return SL_EBADDATA;
    }
    if (len < 4) {
        return SL_EAGAIN;
    }
    n = sl_rb16(p + 2);
    if (len - 4 < n) {
        return SL_EAGAIN;
    }
    *channel = p[1];
    payload->p = (const char *)p + 4;
    payload->len = n;
    return (int)(4 + n);
}


int
sl_rtsp_interleaved_header(uint8_t out[4], uint8_t channel, size_t len)
{
    if (len > 0xffff) {
        return SL_ELIMIT;
    }
    out[0] = '$';
    out[1] = channel;
    sl_wb16(out + 2, (uint16_t)len);
    return 0;
}


const char *
sl_rtsp_reason(int status)
{
    size_t i;

    for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
        if (reasons[i].status == status) {
            return reasons[i].text;
        }
    }
    return "Unknown";
}


int
sl_rtsp_response_begin(struct sl_dbuf *out, int status, struct sl_str cseq,
                       const char *server)
{
    bool with_cseq =
        cseq.len > 0 && cseq.len <= SL_RTSP_MAX_VALUE && !has_ctl(cseq);

    /* One printf, so a failure leaves out unchanged. */
    return sl_dbuf_printf(
        out, "RTSP/1.0 %d %s\r\n%s%.*s%s%s%s%s", status, sl_rtsp_reason(status),
        with_cseq ? "CSeq: " : "", with_cseq ? (int)cseq.len : 0,
        with_cseq ? cseq.p : "", with_cseq ? "\r\n" : "",
        server != NULL ? "Server: " : "", server != NULL ? server : "",
        server != NULL ? "\r\n" : "");
}


int
sl_rtsp_response_end(struct sl_dbuf *out, const void *body, size_t len)
{
    char     head[48];
    int      n;
    uint8_t *d;

    if (len > 0) {
        n = sl_snprintf(head, sizeof(head), "Content-Length: %zu\r\n\r\n", len);
    } else {
        n = sl_snprintf(head, sizeof(head), "\r\n");
    }
    if (n < 0) {
        return n;
    }
    if (len > SIZE_MAX - (size_t)n) {
        return SL_ELIMIT;
    }
    d = sl_dbuf_reserve(out, (size_t)n + len);
    if (d == NULL) {
        return SL_ELIMIT;
    }
    memcpy(d, head, (size_t)n);
    if (len > 0) {
        memcpy(d + n, body, len);
    }
    sl_dbuf_commit(out, (size_t)n + len);
    return 0;
}
