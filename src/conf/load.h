/*
 * Table-driven value handling of the configuration: defaults, YAML and
 * environment parsing, deep copy (pathDefaults merge), comparison (warnings)
 * and freeing of any row of conf/table.c.  Internal to conf/; conf.c drives
 * it.  Functions work on one object at a time and touch no global state.
 */
#ifndef SL_CONF_LOAD_H
#define SL_CONF_LOAD_H

#include "conf/table.h"

#include <stdbool.h>
#include <stddef.h>


/* Sets every row of fields to its default ("" for strings without one). */
void sl_conf_fields_defaults(const struct sl_conf_field *fields, size_t n,
                             void *base);
/* Frees what the rows own in base (strings, lists, objects). */
void sl_conf_fields_free(const struct sl_conf_field *fields, size_t n,
                         void *base);
/* Replaces dst's value of row f with a deep copy of src's. */
void sl_conf_field_copy(const struct sl_conf_field *f, void *dst,
                        const void *src);
/* True when a and b hold the same value for row f. */
bool sl_conf_field_equal(const struct sl_conf_field *f, const void *a,
                         const void *b);
/* Appends "'key' is deprecated ..." to c->warnings, once per key. */
void sl_conf_add_warning(struct sl_conf *c, const char *msg);

/*
 * Parses a YAML text into c (which holds the defaults already): global keys,
 * pathDefaults and the raw paths (unmerged, with their set bits).
 */
int sl_conf_parse_yaml(struct sl_conf *c, const char *yaml, size_t len,
                       char *err, size_t errlen);
/* Applies RTSP_* then MTX_* variables of envp (NULL-terminated). */
int sl_conf_parse_env(struct sl_conf *c, char *const *envp, char *err,
                      size_t errlen);
/*
 * Finds or creates the raw path called name (validating the name).  line is
 * recorded for messages.  Returns NULL with err filled on a bad name.
 */
struct sl_path_conf *sl_conf_path_get(struct sl_conf *c, const char *name,
                                      size_t len, unsigned line, bool create,
                                      char *err, size_t errlen);

/*
 * Checks a non-regex path name: [0-9a-zA-Z_-/.]+, no leading or trailing
 * slash, no '.', '..' or empty segment.  Returns 0 or SL_EINVAL with err.
 */
int sl_conf_check_path_name(const char *name, char *err, size_t errlen);

static inline bool
sl_conf_set_has(const struct sl_conf_set *s, size_t i)
{
    return (s->bits[i / 64] >> (i % 64)) & 1u;
}

static inline void
sl_conf_set_add(struct sl_conf_set *s, size_t i)
{
    s->bits[i / 64] |= (uint64_t)1 << (i % 64);
}


#endif /* SL_CONF_LOAD_H */
