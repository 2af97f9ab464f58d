/*
 * RTSP authentication headers: Authorization parsing (Basic, RFC 7617, and
 * Digest, RFC 2617), Digest response verification, and WWW-Authenticate
 * challenges.  Included by proto/rtsp/headers.h.
 *
 * Parsing never allocates.  Digest fields are slices into the header
 * value.  For Basic, the decoded user and password are copied into the
 * struct itself (user_buf and pass), so struct sl_rtsp_auth must not be
 * copied by value after parsing: auth.user would still point into the
 * original.  Callers that keep credentials should wipe the struct after
 * use.  No global state: safe from any thread.
 */
#ifndef SL_PROTO_RTSP_AUTH_H
#define SL_PROTO_RTSP_AUTH_H

#include "base/dbuf.h"
#include "base/str.h"

#include <stdbool.h>


enum { SL_RTSP_AUTH_NONE, SL_RTSP_AUTH_BASIC, SL_RTSP_AUTH_DIGEST };

/* Largest decoded Basic "user:password". */
#define SL_RTSP_MAX_BASIC 255

struct sl_rtsp_auth {
    int           scheme; /* SL_RTSP_AUTH_* */
    struct sl_str user;   /* Basic: into user_buf; Digest: "username" */
    char          pass[SL_RTSP_MAX_BASIC + 1]; /* Basic: decoded, NUL-ended */
    char          user_buf[SL_RTSP_MAX_BASIC + 1];
    /* Digest parameters, quotes removed; empty when absent. */
    struct sl_str realm;
    struct sl_str nonce;
    struct sl_str uri;
    struct sl_str response;
    struct sl_str algorithm;
    struct sl_str opaque;
    struct sl_str qop;
    struct sl_str nc;
    struct sl_str cnonce;
};

/*
 * Parses an Authorization value.  Basic: base64 of "user:pass", decoded at
 * most SL_RTSP_MAX_BASIC bytes (else SL_ELIMIT), must hold ':' and no NUL.
 * Digest: comma-separated name=value pairs, values quoted or not; the
 * first occurrence of a parameter wins; username, realm, nonce, uri and
 * response are required.  Returns 0, SL_EBADDATA, SL_ELIMIT, or SL_EUNSUP
 * for another scheme.  *out is written only on success.
 */
int sl_rtsp_auth_parse(struct sl_str v, struct sl_rtsp_auth *out);

/*
 * Verifies a Digest response against the expected password:
 *   HA1 = MD5(user:realm:pass), HA2 = MD5(method:uri),
 *   response = MD5(HA1:nonce:HA2), or MD5(HA1:nonce:nc:cnonce:auth:HA2)
 *   when the client sent qop=auth.
 * The realm and nonce in a must equal the ones the server issued, the
 * algorithm must be absent or MD5.  The uri is the one the client hashed;
 * whether it matches the request URL is the caller's policy.  The final
 * comparison is constant-time.  False for anything else.
 */
bool sl_rtsp_digest_check(const struct sl_rtsp_auth *a, struct sl_str method,
                          const char *realm, const char *nonce,
                          const char *pass);

/*
 * Appends challenge lines: for Digest
 *   WWW-Authenticate: Digest realm="<realm>", nonce="<nonce>", algorithm=MD5
 * then for Basic
 *   WWW-Authenticate: Basic realm="<realm>"
 * Digest comes first so that clients that take the first challenge pick
 * the stronger one.  Returns 0, SL_EINVAL (realm or nonce NULL when
 * needed, or holding quotes, backslashes or control bytes), or SL_ELIMIT;
 * out is unchanged on failure.
 */
int sl_rtsp_www_authenticate(struct sl_dbuf *out, bool basic, bool digest,
                             const char *realm, const char *nonce);


#endif /* SL_PROTO_RTSP_AUTH_H */
