/*
 * Fuzz target: every RTSP header-value parser on the same input, as if it
 * had arrived as the value of each header (and as a request URL).
 * Properties: no crash, no out-of-bounds read (ASan), slices inside the
 * input, and a parsed Transport survives a write/parse round trip.
 */
#include "proto/rtsp/headers.h"
#include "base/err.h"
#include "proto/rtsp/message.h"
#include "proto/rtsp/url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#define MAX_ALTERNATIVES 4


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void check_slice(struct sl_str s, struct sl_str in);
static void same_transport(const struct sl_rtsp_transport *a,
                           const struct sl_rtsp_transport *b);
static void fuzz_transport(struct sl_str v);
static void fuzz_auth(struct sl_str v);
static void fuzz_url(struct sl_str v);


static void
check_slice(struct sl_str s, struct sl_str in)
{
    if (s.len > 0 && (s.p < in.p || s.p + s.len > in.p + in.len)) {
        abort();
    }
}


static void
same_transport(const struct sl_rtsp_transport *a,
               const struct sl_rtsp_transport *b)
{
    if (a->proto != b->proto || a->multicast != b->multicast
        || (!a->multicast && a->has_unicast != b->has_unicast)
        || a->secure != b->secure || a->has_client_port != b->has_client_port
        || a->has_server_port != b->has_server_port
        || a->has_interleaved != b->has_interleaved
        || a->has_ssrc != b->has_ssrc || a->ssrc != b->ssrc
        || a->mode != b->mode || a->has_ttl != b->has_ttl || a->ttl != b->ttl
        || a->has_port != b->has_port
        || !sl_str_eq(a->destination, b->destination)
        || !sl_str_eq(a->source, b->source))
    {
        abort();
    }
    if ((a->has_client_port
         && memcmp(a->client_port, b->client_port, sizeof(a->client_port)))
        || (a->has_server_port
            && memcmp(a->server_port, b->server_port, sizeof(a->server_port)))
        || (a->has_interleaved
            && memcmp(a->interleaved, b->interleaved, sizeof(a->interleaved)))
        || (a->has_port && memcmp(a->port, b->port, sizeof(a->port))))
    {
        abort();
    }
}


static void
fuzz_transport(struct sl_str v)
{
    struct sl_rtsp_transport t[MAX_ALTERNATIVES];
    struct sl_rtsp_transport again;
    int                      n, i;

    n = sl_rtsp_transport_parse(v, t, MAX_ALTERNATIVES);
    if (n > MAX_ALTERNATIVES) {
        abort();
    }
    for (i = 0; i < n; i++) {
        struct sl_dbuf b;

        check_slice(t[i].destination, v);
        check_slice(t[i].source, v);
        sl_dbuf_init(&b, 8192);
        if (sl_rtsp_transport_write(&b, &t[i]) == 0) {
            struct sl_str w = {(const char *)sl_dbuf_data(&b), b.len};

            if (sl_rtsp_transport_parse(w, &again, 1) != 1) {
                abort();
            }
            same_transport(&t[i], &again);
        }
        sl_dbuf_free(&b);
    }
}


static void
fuzz_auth(struct sl_str v)
{
    struct sl_rtsp_auth a;

    if (sl_rtsp_auth_parse(v, &a) != 0) {
        return;
    }
    if (a.scheme == SL_RTSP_AUTH_BASIC) {
        if (a.user.p != a.user_buf || a.user.len > SL_RTSP_MAX_BASIC
            || strlen(a.pass) > SL_RTSP_MAX_BASIC)
        {
            abort();
        }
        return;
    }
    check_slice(a.user, v);
    check_slice(a.realm, v);
    check_slice(a.nonce, v);
    check_slice(a.uri, v);
    check_slice(a.response, v);
    check_slice(a.cnonce, v);
    (void)sl_rtsp_digest_check(&a, sl_str_lit("DESCRIBE"), "Sluice",
                               "0123456789abcdef0123456789abcdef", "secret");
}


static void
fuzz_url(struct sl_str v)
{
    struct sl_rtsp_url u;
    struct sl_str      base;
    int                track;

    if (sl_rtsp_url_parse(v, &u) != 0) {
        return;
    }
    check_slice(u.scheme, v);
    check_slice(u.user, v);
    check_slice(u.pass, v);
    check_slice(u.host, v);
    check_slice(u.port, v);
    check_slice(u.path, v);
    check_slice(u.query, v);
    if (sl_rtsp_split_control(u.path, u.query, &base, &track) == 0) {
        check_slice(base, v);
        if (track < -1 || track > SL_RTSP_MAX_TRACK) {
            abort();
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_str              v = {(const char *)data, size};
    struct sl_rtsp_session_hdr s;
    struct sl_rtsp_range       r;
    uint32_t                   cseq;

    /* Header values are capped by the message parser. */
    if (size > 2 * SL_RTSP_MAX_VALUE) {
        return 0;
    }
    fuzz_transport(v);
    if (sl_rtsp_session_parse(v, &s) == 0) {
        check_slice(s.id, v);
    }
    if (sl_rtsp_range_parse(v, &r) == 0 && r.has_start && r.has_end
        && r.end < r.start)
    {
        abort();
    }
    (void)sl_rtsp_cseq_parse(v, &cseq);
    fuzz_auth(v);
    fuzz_url(v);
    return 0;
}
