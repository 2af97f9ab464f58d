/* Sluice: socket address helpers. */
#include "net/addr.h"
#include "base/err.h"
#include "base/hmap.h"
#include "base/str.h"

#include <arpa/inet.h>
#include <string.h>


int
sl_addr_parse_listen(const char *s, struct sockaddr_storage *out, bool *any)
{
    struct sl_str all = sl_str_from(s), host, port;
    char          hbuf[128];
    uint32_t      p;
    const char   *colon;

    memset(out, 0, sizeof(*out));
    *any = false;
    colon = strrchr(s, ':');
    if (colon == NULL) {
        return SL_EINVAL;
    }
    host.p = s;
    host.len = (size_t)(colon - s);
    port.p = colon + 1;
    port.len = all.len - host.len - 1;
    if (sl_parse_u32(port, 65535, &p) < 0) {
        return SL_EINVAL;
    }
    if (host.len >= 2 && host.p[0] == '[' && host.p[host.len - 1] == ']') {
        host.p++;
        host.len -= 2;
    }
    if (host.len >= sizeof(hbuf)) {
        return SL_EINVAL;
    }
    memcpy(hbuf, host.p, host.len);
    hbuf[host.len] = '\0';
    if (host.len == 0) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;

        a6->sin6_family = AF_INET6;
        a6->sin6_addr = in6addr_any;
        a6->sin6_port = htons((uint16_t)p);
        *any = true;
        return 0;
    }
    if (strcmp(hbuf, "localhost") == 0) {
        sl_strlcpy(hbuf, "127.0.0.1", sizeof(hbuf));
    }
    {
        struct sockaddr_in *a4 = (struct sockaddr_in *)out;

        if (inet_pton(AF_INET, hbuf, &a4->sin_addr) == 1) {
            a4->sin_family = AF_INET;
            a4->sin_port = htons((uint16_t)p);
            return 0;
        }
    }
    {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;

        if (inet_pton(AF_INET6, hbuf, &a6->sin6_addr) == 1) {
            a6->sin6_family = AF_INET6;
            a6->sin6_port = htons((uint16_t)p);
            return 0;
        }
    }
    return SL_EINVAL;
}


void
sl_addr_format_ip(const struct sockaddr *sa, char *out, size_t size)
{
    out[0] = '\0';
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
                  (socklen_t)size);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)sa;

        if (IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr)) {
            inet_ntop(AF_INET, &a6->sin6_addr.s6_addr[12], out,
                      (socklen_t)size);
        } else {
            inet_ntop(AF_INET6, &a6->sin6_addr, out, (socklen_t)size);
        }
    }
}


void
sl_addr_format(const struct sockaddr *sa, char *out, size_t size)
{
    char ip[SL_ADDR_STRLEN];
    bool v6;

    sl_addr_format_ip(sa, ip, sizeof(ip));
    v6 = strchr(ip, ':') != NULL;
    sl_snprintf(out, size, v6 ? "[%s]:%u" : "%s:%u", ip,
                (unsigned)sl_addr_port(sa));
}


uint16_t
sl_addr_port(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        return ntohs(((const struct sockaddr_in *)sa)->sin_port);
    }
    if (sa->sa_family == AF_INET6) {
        return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
    }
    return 0;
}


void
sl_addr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
    if (ss->ss_family == AF_INET) {
        ((struct sockaddr_in *)ss)->sin_port = htons(port);
    } else if (ss->ss_family == AF_INET6) {
        ((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
    }
}


void
sl_addr_unmap(struct sockaddr_storage *ss)
{
    struct sockaddr_in6 a6;
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

    if (ss->ss_family != AF_INET6) {
        return;
    }
    memcpy(&a6, ss, sizeof(a6));
    if (!IN6_IS_ADDR_V4MAPPED(&a6.sin6_addr)) {
        return;
    }
    memset(ss, 0, sizeof(*ss));
    a4->sin_family = AF_INET;
    a4->sin_port = a6.sin6_port;
    memcpy(&a4->sin_addr, &a6.sin6_addr.s6_addr[12], 4);
}


bool
sl_addr_same_ip(const struct sockaddr *a, const struct sockaddr *b)
{
    struct sockaddr_storage x, y;

    memcpy(&x, a, sl_addr_len(a));
    memcpy(&y, b, sl_addr_len(b));
    sl_addr_unmap(&x);
    sl_addr_unmap(&y);
    if (x.ss_family != y.ss_family) {
        return false;
    }
    if (x.ss_family == AF_INET) {
        return memcmp(&((struct sockaddr_in *)&x)->sin_addr,
                      &((struct sockaddr_in *)&y)->sin_addr, 4)
               == 0;
    }
    return memcmp(&((struct sockaddr_in6 *)&x)->sin6_addr,
                  &((struct sockaddr_in6 *)&y)->sin6_addr, 16)
           == 0;
}


uint64_t
sl_addr_key(const struct sockaddr *sa)
{
    struct sockaddr_storage x;

    memcpy(&x, sa, sl_addr_len(sa));
    sl_addr_unmap(&x);
    if (x.ss_family == AF_INET) {
        const struct sockaddr_in *a4 = (const struct sockaddr_in *)&x;
        uint64_t                  k =
            ((uint64_t)ntohl(a4->sin_addr.s_addr) << 16) | ntohs(a4->sin_port);

        return k | (1ull << 63);
    }
    {
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&x;
        uint8_t                    b[18];

        memcpy(b, &a6->sin6_addr, 16);
        memcpy(b + 16, &a6->sin6_port, 2);
        return sl_hash64(b, sizeof(b)) & ~(1ull << 63);
    }
}


socklen_t
sl_addr_len(const struct sockaddr *sa)
{
    return sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                     : sizeof(struct sockaddr_in);
}
