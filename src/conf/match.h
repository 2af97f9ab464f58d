/*
 * Matching helpers of the configuration: compiled path regexes (PCRE2) and
 * IP networks of ips lists.  A struct sl_conf_regex is owned by the conf
 * object that compiled it and is read-only afterwards, so matching from
 * several threads at once is safe (each match allocates its own match data).
 */
#ifndef SL_CONF_MATCH_H
#define SL_CONF_MATCH_H

#include "conf/conf.h"

#include <stdbool.h>
#include <stddef.h>


/*
 * Compiles pattern (PCRE2 syntax, close to Go's RE2).  Returns NULL and a
 * message in err when it does not compile.
 */
struct sl_conf_regex *sl_conf_regex_compile(const char *pattern, char *err,
                                            size_t errlen);
/* Frees *re and sets it to NULL; NULL is fine. */
void sl_conf_regex_free(struct sl_conf_regex **re);
/*
 * Searches s[0..len) and fills m (may be NULL) with the captures as slices
 * of s.  Returns true on a match.
 */
bool sl_conf_regex_groups(const struct sl_conf_regex *re, const char *s,
                          size_t len, struct sl_path_match *m);

/*
 * Parses "1.2.3.4", "10.0.0.0/8", "::1" or "fe80::/10" into n (IPv4 stored
 * v4-mapped).  Returns 0 or SL_EINVAL.
 */
int sl_conf_ipnet_parse(const char *s, struct sl_conf_ipnet *n);
/* True when the 16-byte (v4-mapped for IPv4) address a is inside n. */
bool sl_conf_ipnet_contains(const struct sl_conf_ipnet *n, const uint8_t a[16]);


#endif /* SL_CONF_MATCH_H */
