/* Sluice: path regexes (PCRE2) and IP networks of the configuration. */
#include "conf/match.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/str.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <arpa/inet.h>
#include <pcre2.h>
#include <string.h>


struct sl_conf_regex {
    pcre2_code *code;
};


struct sl_conf_regex *
sl_conf_regex_compile(const char *pattern, char *err, size_t errlen)
{
    struct sl_conf_regex *re;
    pcre2_code           *code;
    int                   ecode;
    PCRE2_SIZE            eoff;
    PCRE2_UCHAR           msg[120];

    code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &ecode,
                         &eoff, NULL);
    if (code == NULL) {
        pcre2_get_error_message(ecode, msg, sizeof(msg));
        sl_snprintf(err, errlen,
                    "invalid regular expression '%s': %s at offset %zu",
                    pattern, (const char *)msg, (size_t)eoff);
        return NULL;
    }
    re = sl_malloc(sizeof(*re));
    re->code = code;
    return re;
}


void
sl_conf_regex_free(struct sl_conf_regex **re)
{
    if (*re == NULL) {
        return;
    }
    pcre2_code_free((*re)->code);
    sl_freep(re);
}


bool
sl_conf_regex_groups(const struct sl_conf_regex *re, const char *s, size_t len,
                     struct sl_path_match *m)
{
    pcre2_match_data *md;
    PCRE2_SIZE       *ov;
    int               rc;
    int               i;

    md = pcre2_match_data_create_from_pattern(re->code, NULL);
    if (md == NULL) {
        return false;
    }
    rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
    if (rc < 0) {
        pcre2_match_data_free(md);
        return false;
    }
    if (m != NULL) {
        memset(m, 0, sizeof(*m));
        ov = pcre2_get_ovector_pointer(md);
        /* rc counts the whole match plus the groups that matched. */
        for (i = 1; i < rc && i <= SL_PATH_MAX_GROUPS; i++) {
            if (ov[2 * i] != PCRE2_UNSET) {
                m->groups[i - 1].p = s + ov[2 * i];
                m->groups[i - 1].len = ov[2 * i + 1] - ov[2 * i];
            }
            m->ngroups = (size_t)i;
        }
    }
    pcre2_match_data_free(md);
    return true;
}


bool
sl_conf_regex_match(const struct sl_conf_regex *re, const char *s, size_t len)
{
    return sl_conf_regex_groups(re, s, len, NULL);
}


int
sl_conf_ipnet_parse(const char *s, struct sl_conf_ipnet *n)
{
    char           addr[64];
    const char    *slash = strchr(s, '/');
    size_t         alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
    uint64_t       prefix;
    bool           v4;
    struct in_addr a4;
    int            i;

    if (alen == 0 || alen >= sizeof(addr)) {
        return SL_EINVAL;
    }
    memcpy(addr, s, alen);
    addr[alen] = '\0';
    memset(n, 0, sizeof(*n));
    if (inet_pton(AF_INET, addr, &a4) == 1) {
        v4 = true;
        n->addr[10] = 0xff;
        n->addr[11] = 0xff;
        memcpy(n->addr + 12, &a4, 4);
    } else if (inet_pton(AF_INET6, addr, n->addr) == 1) {
        v4 = false;
    } else {
        return SL_EINVAL;
    }
    prefix = v4 ? 32 : 128;
    if (slash != NULL
        && sl_parse_u64(sl_str_from(slash + 1), v4 ? 32 : 128, &prefix) < 0)
    {
        return SL_EINVAL;
    }
    n->prefix = (unsigned)prefix + (v4 ? 96 : 0);
    /* Clear host bits, as Go's ParseCIDR does. */
    for (i = 0; i < 16; i++) {
        unsigned bits = (unsigned)i * 8;

        if (bits >= n->prefix) {
            n->addr[i] = 0;
        } else if (n->prefix - bits < 8) {
            n->addr[i] &= (uint8_t)(0xff << (8 - (n->prefix - bits)));
        }
    }
    return 0;
}


bool
sl_conf_ipnet_contains(const struct sl_conf_ipnet *n, const uint8_t a[16])
{
    unsigned full = n->prefix / 8;
    unsigned rest = n->prefix % 8;
    uint8_t  mask;

    if (memcmp(n->addr, a, full) != 0) {
        return false;
    }
    if (rest == 0) {
        return true;
    }
    mask = (uint8_t)(0xff << (8 - rest));
    return (n->addr[full] & mask) == (a[full] & mask);
}
