/*
 * The configuration field tables: one row per key, for the global section,
 * for path sections and for the objects inside lists (users, permissions,
 * ICE servers, tracks, forward targets).  Rows drive YAML loading, defaults,
 * validation of single values, environment overrides, the warnings about
 * unimplemented features and the generated sluice.yml.  Internal to conf/.
 *
 * The tables are static const data; nothing here is mutable.
 */
#ifndef SL_CONF_TABLE_H
#define SL_CONF_TABLE_H

#include "conf/conf.h"

#include <stddef.h>
#include <stdint.h>


enum sl_conf_type {
    SL_CT_SECTION, /* not a key: a heading in sluice.yml (doc) */
    SL_CT_BOOL,
    SL_CT_INT,      /* int64_t in [min, max] */
    SL_CT_FLOAT,    /* double */
    SL_CT_DURATION, /* uint64_t ns */
    SL_CT_SIZE,     /* uint64_t bytes */
    SL_CT_STRING,   /* char * */
    SL_CT_STRLIST,
    SL_CT_INTLIST,
    SL_CT_FLOATLIST,
    SL_CT_ENUM,    /* an enum (int-sized) indexing names[] */
    SL_CT_BITMASK, /* unsigned; YAML list of names[], bit i = names[i] */
    SL_CT_OBJLIST, /* list of objects described by obj */
    SL_CT_ALIAS    /* deprecated key translated into alias */
};

/* Row flags. */
#define SL_CF_IMPL        0x01u /* the feature is implemented */
#define SL_CF_DEPRECATED  0x02u /* warn when set */
#define SL_CF_INVERT      0x04u /* alias of a bool, value inverted */
#define SL_CF_SCALAR_LIST 0x08u /* alias: a scalar is a one-item list */
#define SL_CF_PATHDEF     0x10u /* global alias of a pathDefaults key */
#define SL_CF_BOOLMAP     0x20u /* enum: true/yes -> "strict", false -> "no" */
#define SL_CF_POW2        0x40u /* int: must be a power of two */
#define SL_CF_REQUIRED    0x80u /* object key: must be present */

struct sl_conf_objtype;

struct sl_conf_field {
    const char                   *key;
    enum sl_conf_type             type;
    size_t                        off;
    const char                   *def;   /* default as YAML text, or NULL */
    int64_t                       min;   /* INT/INTLIST bounds */
    int64_t                       max;   /* (min == max == 0: any) */
    const char *const            *names; /* ENUM/BITMASK, NULL-ended */
    const struct sl_conf_objtype *obj;   /* OBJLIST */
    const char                   *alias; /* ALIAS: the key it becomes */
    unsigned                      flags;
    uint32_t    impl_mask; /* ENUM/BITMASK: implemented values (0: all) */
    const char *doc;       /* comment in sluice.yml; '\n' separates lines */
    const char *yml;       /* block YAML written in sluice.yml instead of def */
};

/* The element type of an SL_CT_OBJLIST. */
struct sl_conf_objtype {
    const char                 *name;
    size_t                      size;
    const struct sl_conf_field *fields;
    size_t                      nfields;
    /* Derives and checks an element after parsing; NULL when none. */
    int (*finish)(void *elem, char *err, size_t errlen);
    /* Frees what finish derived; NULL when none. */
    void (*free_extra)(void *elem);
};

struct sl_conf_table {
    const struct sl_conf_field *fields;
    size_t                      n;
};


extern const struct sl_conf_table   sl_conf_global_table;
extern const struct sl_conf_table   sl_conf_path_table;
extern const struct sl_conf_objtype sl_conf_user_type;
extern const struct sl_conf_objtype sl_conf_perm_type;

/* Row of key in t (exact, case-sensitive) or NULL. */
const struct sl_conf_field *sl_conf_table_find(const struct sl_conf_table *t,
                                               const char *key, size_t len);
/* Row index in t. */
size_t sl_conf_table_index(const struct sl_conf_table *t,
                           const struct sl_conf_field *f);


#endif /* SL_CONF_TABLE_H */
