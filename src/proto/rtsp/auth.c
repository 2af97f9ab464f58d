/* Sluice: RTSP Authorization parsing, Digest check, challenges. */
#include "proto/rtsp/auth.h"
#include "base/crypto.h"
#include "base/err.h"

#include <stdarg.h>
#include <string.h>


/* Longest base64 text that can decode to SL_RTSP_MAX_BASIC bytes. */
#define MAX_BASIC_B64 (4 * ((SL_RTSP_MAX_BASIC + 2) / 3))
/* Room for the text hashed by the Digest computation. */
#define DIGEST_BUF 8192


static int  parse_basic(struct sl_str v, struct sl_rtsp_auth *a);
static int  next_param(struct sl_str *rest, struct sl_str *name,
                       struct sl_str *value);
static int  parse_digest(struct sl_str v, struct sl_rtsp_auth *a);
static bool md5_hex(char out[2 * SL_MD5_LEN + 1], const char *fmt, ...)
    SL_PRINTF(2, 3);
static bool is_quotable(const char *s);


static int
parse_basic(struct sl_str v, struct sl_rtsp_auth *a)
{
    uint8_t   dec[MAX_BASIC_B64 / 4 * 3 + 3];
    ptrdiff_t colon;
    int       n;

    if (v.len == 0) {
        return SL_EBADDATA;
    }
    if (v.len > MAX_BASIC_B64) {
        return SL_ELIMIT;
    }
    n = sl_base64_decode(v.p, v.len, dec);
    if (n < 0) {
        return SL_EBADDATA;
    }
    if (n > SL_RTSP_MAX_BASIC) {
        return SL_ELIMIT;
    }
    if (memchr(dec, '\0', (size_t)n) != NULL) {
        return SL_EBADDATA;
    }
    colon = sl_str_chr((struct sl_str){(const char *)dec, (size_t)n}, ':');
    if (colon < 0) {
        return SL_EBADDATA;
    }
    memcpy(a->user_buf, dec, (size_t)colon);
    a->user_buf[colon] = '\0';
    memcpy(a->pass, dec + colon + 1, (size_t)(n - colon - 1));
    a->pass[n - colon - 1] = '\0';
    a->user = (struct sl_str){a->user_buf, (size_t)colon};
    memset(dec, 0, sizeof(dec));
    return 0;
}


/*
 * Reads the next "name=value" of a Digest parameter list.  Returns 1 with
 * the pair, 0 at the end, SL_EBADDATA if malformed.  Quoted values keep
 * backslash escapes as they are (no client escapes in practice).
 */
static int
next_param(struct sl_str *rest, struct sl_str *name, struct sl_str *value)
{
    const char *p = rest->p;
    const char *end = rest->p + rest->len;
    const char *q;

    while (p < end && (*p == ' ' || *p == '\t' || *p == ',')) {
        p++;
    }
    if (p == end) {
        return 0;
    }
    q = p;
    while (p < end && *p != '=' && *p != ',' && *p != ' ' && *p != '\t') {
        p++;
    }
    *name = (struct sl_str){q, (size_t)(p - q)};
    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }
    if (p == end || *p != '=' || name->len == 0) {
        return SL_EBADDATA;
    }
    p++;
    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }
    if (p < end && *p == '"') {
        q = ++p;
        while (p < end && *p != '"') {
            if (*p == '\\' && p + 1 < end) {
                p++;
            }
            p++;
        }
        if (p >= end) {
            return SL_EBADDATA;
        }
        *value = (struct sl_str){q, (size_t)(p - q)};
        p++;
        while (p < end && (*p == ' ' || *p == '\t')) {
            p++;
        }
        if (p < end && *p != ',') {
            return SL_EBADDATA;
        }
    } else {
        q = p;
        while (p < end && *p != ',') {
            p++;
        }
        *value = sl_str_trim((struct sl_str){q, (size_t)(p - q)});
    }
    rest->p = p;
    rest->len = (size_t)(end - p);
    return 1;
}


static int
parse_digest(struct sl_str v, struct sl_rtsp_auth *a)
{
    static const struct {
        const char *name;
        size_t      off;
    } fields[] = {
        {"username", offsetof(struct sl_rtsp_auth, user)},
        {"realm", offsetof(struct sl_rtsp_auth, realm)},
        {"nonce", offsetof(struct sl_rtsp_auth, nonce)},
        {"uri", offsetof(struct sl_rtsp_auth, uri)},
        {"response", offsetof(struct sl_rtsp_auth, response)},
        {"algorithm", offsetof(struct sl_rtsp_auth, algorithm)},
        {"opaque", offsetof(struct sl_rtsp_auth, opaque)},
        {"qop", offsetof(struct sl_rtsp_auth, qop)},
        {"nc", offsetof(struct sl_rtsp_auth, nc)},
        {"cnonce", offsetof(struct sl_rtsp_auth, cnonce)},
    };
    struct sl_str rest = v;
    struct sl_str name, value;
    size_t        i;
    int           rc;

    for (;;) {
        rc = next_param(&rest, &name, &value);
        if (rc <= 0) {
            break;
        }
        for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
            struct sl_str *f = (struct sl_str *)((char *)a + fields[i].off);

            if (sl_str_caseeq_cstr(name, fields[i].name) && f->p == NULL) {
                /* An empty value still counts as present. */
                *f = value.p == NULL ? (struct sl_str){rest.p, 0} : value;
                break;
            }
        }
    }
    if (rc < 0) {
        return rc;
    }
    if (a->user.p == NULL || a->realm.p == NULL || a->nonce.p == NULL
        || a->uri.p == NULL || a->response.p == NULL)
    {
        return SL_EBADDATA;
    }
    return 0;
}


int
sl_rtsp_auth_parse(struct sl_str v, struct sl_rtsp_auth *out)
{
    struct sl_rtsp_auth a;
    struct sl_str       rest;
    struct sl_str       scheme;
    int                 rc;

    if (v.p == NULL) {
        return SL_EBADDATA;
    }
    memset(&a, 0, sizeof(a));
    rest = sl_str_trim(v);
    scheme = sl_str_cut(&rest, ' ');
    rest = sl_str_trim(rest);
    if (sl_str_caseeq_cstr(scheme, "Basic")) {
        a.scheme = SL_RTSP_AUTH_BASIC;
        rc = parse_basic(rest, &a);
    } else if (sl_str_caseeq_cstr(scheme, "Digest")) {
        a.scheme = SL_RTSP_AUTH_DIGEST;
        rc = parse_digest(rest, &a);
    } else {
        rc = scheme.len == 0 ? SL_EBADDATA : SL_EUNSUP;
    }
    if (rc == 0) {
        *out = a;
        if (a.scheme == SL_RTSP_AUTH_BASIC) {
            out->user.p = out->user_buf;
        }
    }
    memset(&a, 0, sizeof(a));
    return rc;
}


/* MD5 of the formatted text as lower-case hex; false if it does not fit. */
static bool
md5_hex(char out[2 * SL_MD5_LEN + 1], const char *fmt, ...)
{
    char    buf[DIGEST_BUF];
    uint8_t md[SL_MD5_LEN];
    va_list ap;
    int     n;

    va_start(ap, fmt);
    n = sl_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return false;
    }
    sl_md5(buf, (size_t)n, md);
    sl_hex_encode(md, sizeof(md), out);
    memset(buf, 0, (size_t)n);
    return true;
}


bool
sl_rtsp_digest_check(const struct sl_rtsp_auth *a, struct sl_str method,
                     const char *realm, const char *nonce, const char *pass)
{
    char   ha1[2 * SL_MD5_LEN + 1];
    char   ha2[2 * SL_MD5_LEN + 1];
    char   want[2 * SL_MD5_LEN + 1];
    char   got[2 * SL_MD5_LEN];
    bool   ok;
    size_t i;

    if (a->scheme != SL_RTSP_AUTH_DIGEST || realm == NULL || nonce == NULL
        || pass == NULL || !sl_str_eq_cstr(a->realm, realm)
        || !sl_str_eq_cstr(a->nonce, nonce) || a->response.len != 2 * SL_MD5_LEN
        || a->user.len > 1024 || a->uri.len > 4096 || method.len > 64)
    {
        return false;
    }
    if (a->algorithm.len > 0 && !sl_str_caseeq_cstr(a->algorithm, "MD5")) {
        return false;
    }
    if (!md5_hex(ha1, "%.*s:%s:%s", (int)a->user.len, a->user.p, realm, pass)
        || !md5_hex(ha2, "%.*s:%.*s", (int)method.len, method.p,
                    (int)a->uri.len, a->uri.p))
    {
        return false;
    }
    if (a->qop.len == 0) {
        ok = md5_hex(want, "%s:%s:%s", ha1, nonce, ha2);
    } else if (sl_str_caseeq_cstr(a->qop, "auth") && a->nc.len <= 64
               && a->cnonce.len <= 1024)
    {
        ok =
            md5_hex(want, "%s:%s:%.*s:%.*s:auth:%s", ha1, nonce, (int)a->nc.len,
                    a->nc.p, (int)a->cnonce.len, a->cnonce.p, ha2);
    } else {
        ok = false;
    }
    if (!ok) {
        return false;
    }
    /* Hex digits may arrive in upper case. */
    for (i = 0; i < sizeof(got); i++) {
        char c = a->response.p[i];

        got[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    ok = sl_ct_equal(got, sizeof(got), want, 2 * SL_MD5_LEN);
    memset(ha1, 0, sizeof(ha1));
    return ok;
}


/* Text that can sit between double quotes in a header as is. */
static bool
is_quotable(const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
            return false;
        }
    }
    return true;
}


int
sl_rtsp_www_authenticate(struct sl_dbuf *out, bool basic, bool digest,
                         const char *realm, const char *nonce)
{
    size_t saved = out->len;
    int    rc = 0;

    if ((basic || digest) && (realm == NULL || !is_quotable(realm))) {
        return SL_EINVAL;
    }
    if (digest && (nonce == NULL || !is_quotable(nonce))) {
        return SL_EINVAL;
    }
    if (digest) {
        rc = sl_dbuf_printf(out,
                            "WWW-Authenticate: Digest realm=\"%s\", "
                            "nonce=\"%s\", algorithm=MD5\r\n",
                            realm, nonce);
    }
    if (rc == 0 && basic) {
        rc = sl_dbuf_printf(out, "WWW-Authenticate: Basic realm=\"%s\"\r\n",
                            realm);
    }
    if (rc < 0) {
        out->len = saved;
    }
    return rc;
}
