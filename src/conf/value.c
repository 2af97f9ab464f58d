/* Sluice: parsers of configuration values (durations, sizes, booleans). */
#include "conf/conf.h"
#include "base/err.h"
#include "base/str.h"

#include <stdint.h>
#include <string.h>


#define NS_MAX ((uint64_t)INT64_MAX) /* Go's time.Duration range */


struct unit {
    const char *name;
    uint64_t    ns;
};


static int parse_go_duration(struct sl_str s, uint64_t *out);
static int scaled(uint64_t ip, uint64_t fp, uint64_t fscale, uint64_t mul,
                  uint64_t *out);


/* Longest names first so "ms" is not read as "m". */
static const struct unit units[] = {
    {"ns", 1},
    {"us", 1000},
    {"\xc2\xb5s", 1000}, /* U+00B5 micro sign */
    {"\xce\xbcs", 1000}, /* U+03BC Greek mu */
    {"ms", 1000000},
    {"s", 1000000000ull},
    {"m", 60ull * 1000000000ull},
    {"h", 3600ull * 1000000000ull},
};


/* ip.fp (fp has fscale as denominator) times mul, checked for overflow. */
static int
scaled(uint64_t ip, uint64_t fp, uint64_t fscale, uint64_t mul, uint64_t *out)
{
    uint64_t v;
    double   f;

    if (ip != 0 && mul > NS_MAX / ip) {
        return SL_EINVAL;
    }
    v = ip * mul;
    if (fp != 0) {
        f = (double)fp / (double)fscale * (double)mul;
        if (f >= (double)(NS_MAX - v)) {
            return SL_EINVAL;
        }
        v += (uint64_t)f;
    }
    *out = v;
    return 0;
}


static int
parse_go_duration(struct sl_str s, uint64_t *out)
{
    uint64_t total = 0;
    size_t   i = 0;

    if (s.len == 1 && s.p[0] == '0') {
        *out = 0;
        return 0;
    }
    if (s.len == 0) {
        return SL_EINVAL;
    }
    while (i < s.len) {
        uint64_t ip = 0, fp = 0, fscale = 1, v;
        bool     digits = false;
        size_t   u, best = 0, blen = 0;

        while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9') {
            if (ip > (NS_MAX - 9) / 10) {
                return SL_EINVAL;
            }
            ip = ip * 10 + (uint64_t)(s.p[i] - '0');
            digits = true;
            i++;
        }
        if (i < s.len && s.p[i] == '.') {
            i++;
            while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9') {
                if (fscale < 1000000000000000000ull) {
                    fp = fp * 10 + (uint64_t)(s.p[i] - '0');
                    fscale *= 10;
                }
                digits = true;
                i++;
            }
        }
        if (!digits) {
            return SL_EINVAL;
        }
        for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
            size_t n = strlen(units[u].name);

            if (n > blen && i + n <= s.len
                && memcmp(s.p + i, units[u].name, n) == 0) {
                best = u;
                blen = n;
            }
        }
        if (blen == 0) {
            return SL_EINVAL;
        }
        i += blen;
        if (scaled(ip, fp, fscale, units[best].ns, &v) < 0
            || v > NS_MAX - total) {
            return SL_EINVAL;
        }
        total += v;
    }
    *out = total;
    return 0;
}


int
sl_conf_parse_duration(struct sl_str s, uint64_t *out)
{
    uint64_t days = 0, rest = 0;
    size_t   i = 0;

    /* MediaMTX accepts a leading days term: "1d", "1d12h". */
    while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9') {
        i++;
    }
    if (i > 0 && i < s.len && s.p[i] == 'd') {
        if (sl_parse_u64((struct sl_str){s.p, i}, 106751, &days) < 0) {
            return SL_EINVAL;
        }
        s.p += i + 1;
        s.len -= i + 1;
        if (s.len > 0 && parse_go_duration(s, &rest) < 0) {
            return SL_EINVAL;
        }
        days *= 86400ull * 1000000000ull;
        if (rest > NS_MAX - days) {
            return SL_EINVAL;
        }
        *out = days + rest;
        return 0;
    }
    if (parse_go_duration(s, &rest) < 0) {
        return SL_EINVAL;
    }
    *out = rest;
    return 0;
}


int
sl_conf_parse_size(struct sl_str s, uint64_t *out)
{
    static const char prefixes[] = "BKMGTPE";
    struct sl_str     unit;
    uint64_t          ip = 0, fp = 0, fscale = 1, mul = 1, v;
    const char       *pos;
    size_t            i = 0;
    bool              digits = false;

    s = sl_str_trim(s);
    while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9') {
        if (ip > (UINT64_MAX - 9) / 10) {
            return SL_EINVAL;
        }
        ip = ip * 10 + (uint64_t)(s.p[i] - '0');
        digits = true;
        i++;
    }
    if (i < s.len && s.p[i] == '.') {
        i++;
        while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9') {
            if (fscale < 1000000000000000000ull) {
                fp = fp * 10 + (uint64_t)(s.p[i] - '0');
                fscale *= 10;
            }
            digits = true;
            i++;
        }
    }
    if (!digits) {
        return SL_EINVAL;
    }
    unit = (struct sl_str){s.p + i, s.len - i};
    if (unit.len > 0) {
        char c = unit.p[0];

        if (c >= 'a' && c <= 'z') {
            c = (char)(c - 32);
        }
        pos = strchr(prefixes, c);
        if (pos == NULL || c == '\0') {
            return SL_EINVAL;
        }
        for (i = 0; i < (size_t)(pos - prefixes); i++) {
            mul *= 1024;
        }
        unit.p++;
        unit.len--;
        /* "K", "KB", "KiB" (any case); "B" alone takes no suffix. */
        if (unit.len > 0 && !(pos == prefixes)) {
            if (!sl_str_caseeq_cstr(unit, "b")
                && !sl_str_caseeq_cstr(unit, "ib")) {
                return SL_EINVAL;
            }
        } else if (unit.len > 0) {
            return SL_EINVAL;
        }
    }
    if (ip != 0 && mul > UINT64_MAX / ip) {
        return SL_EINVAL;
    }
    v = ip * mul + (uint64_t)((double)fp / (double)fscale * (double)mul);
    *out = v;
    return 0;
}


int
sl_conf_parse_bool(struct sl_str s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    size_t                   i;

    for (i = 0; i < 3; i++) {
        if (sl_str_caseeq_cstr(s, yes[i])) {
            *out = true;
            return 0;
        }
        if (sl_str_caseeq_cstr(s, no[i])) {
            *out = false;
            return 0;
        }
    }
    return SL_EINVAL;
}
