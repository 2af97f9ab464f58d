/* Sluice: table-driven parsing of YAML and environment values (load.h). */
#include "conf/load.h"
#include "conf/match.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/str.h"

#include <stdarg.h>
#include <string.h>
#include <yaml.h>


#define MAX_LIST       100000  /* items in one list */
#define MAX_MAP        10000   /* keys in one mapping */
#define MAX_VISITS     1000000 /* nodes visited (aliases can multiply them) */
#define MAX_PATHS      10000
#define VALUE_ECHO     64 /* characters of a bad value quoted back */
#define at(base, f, T) ((T *)(void *)((char *)(base) + (f)->off))
#define cat(base, f, T)                                                        \
    ((const T *)(const void *)((const char *)(base) + (f)->off))


/* A value to store: a YAML node, or text from the environment/defaults. */
struct val {
    yaml_node_t *node;
    const char  *text;
    size_t       len;
};

struct ld {
    struct sl_conf  *c;
    yaml_document_t *doc;
    char            *err;
    size_t           errlen;
    char             where[160];
    unsigned long    visits;
};


static int  fail(struct ld *ld, const char *fmt, ...) SL_PRINTF(2, 3);
static void where_node(struct ld *ld, const yaml_node_t *n);
static bool node_is_null(const yaml_node_t *n);
static int  bad_value(struct ld *ld, const struct sl_conf_field *f,
                      const char *text, size_t len);
static int  set_scalar(struct ld *ld, const struct sl_conf_field *f, void *base,
                       const char *text, size_t len, bool plain);
static int  list_item(struct ld *ld, const struct sl_conf_field *f, void *base,
                      const char *text, size_t len, bool plain);
static void list_clear(const struct sl_conf_field *f, void *base);
static int  set_value(struct ld *ld, const struct sl_conf_field *f, void *base,
                      const struct val *v, unsigned xf);
static int set_objlist(struct ld *ld, const struct sl_conf_field *f, void *base,
                       yaml_node_t *seq);
static void *objlist_append(const struct sl_conf_field *f, void *base);
static int   finish_object(struct ld *ld, const struct sl_conf_objtype *t,
                           void *elem, const struct sl_conf_set *set);
static int   parse_object(struct ld *ld, const struct sl_conf_objtype *t,
                          void *elem, yaml_node_t *map);
static int   apply_key(struct ld *ld, const struct sl_conf_table *t, void *base,
                       struct sl_conf_set *set, const struct sl_conf_field *f,
                       const struct val *v);
static int   parse_section(struct ld *ld, const struct sl_conf_table *t,
                           void *base, struct sl_conf_set *set, yaml_node_t *map,
                           bool global);
static int   parse_paths(struct ld *ld, yaml_node_t *map);
static int   env_apply(struct ld *ld, const char *name, const char *value);
static int   env_field(struct ld *ld, const struct sl_conf_table *t, void *base,
                       struct sl_conf_set *set, const char *rest,
                       const char *value);
static int  env_object(struct ld *ld, const struct sl_conf_field *f, void *base,
                       const char *rest, const char *value);
static bool env_key_eq(const char *env, size_t len, const char *key);
static int  resolve_alias(struct ld *ld, const struct sl_conf_table *t,
                          const struct sl_conf_field **f, void **base,
                          struct sl_conf_set         **set,
                          const struct sl_conf_table **tt);
static size_t scalar_size(enum sl_conf_type type);


static int
fail(struct ld *ld, const char *fmt, ...)
{
    char    msg[400];
    va_list ap;

    va_start(ap, fmt);
    sl_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (ld->where[0] != '\0') {
        sl_snprintf(ld->err, ld->errlen, "%s: %s", ld->where, msg);
    } else {
        sl_snprintf(ld->err, ld->errlen, "%s", msg);
    }
    return SL_EINVAL;
}


static void
where_node(struct ld *ld, const yaml_node_t *n)
{
    sl_snprintf(ld->where, sizeof(ld->where), "line %lu",
                (unsigned long)n->start_mark.line + 1);
}


static bool
node_is_null(const yaml_node_t *n)
{
    struct sl_str s;

    if (n->type != YAML_SCALAR_NODE
        || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    {
        return false;
    }
    s = (struct sl_str){(const char *)n->data.scalar.value,
                        n->data.scalar.length};
    return s.len == 0 || sl_str_eq_cstr(s, "~") || sl_str_eq_cstr(s, "null")
           || sl_str_eq_cstr(s, "Null") || sl_str_eq_cstr(s, "NULL");
}


static size_t
scalar_size(enum sl_conf_type type)
{
    switch (type) {
    case SL_CT_BOOL:
        return sizeof(bool);
    case SL_CT_INT:
        return sizeof(int64_t);
    case SL_CT_FLOAT:
        return sizeof(double);
    case SL_CT_DURATION:
    case SL_CT_SIZE:
        return sizeof(uint64_t);
    case SL_CT_ENUM:
        return sizeof(int);
    case SL_CT_BITMASK:
        return sizeof(unsigned);
    default:
        return 0;
    }
}


static int
bad_value(struct ld *ld, const struct sl_conf_field *f, const char *text,
          size_t len)
{
    char   expect[200];
    char   shown[VALUE_ECHO + 4];
    size_t i, n = 0;

    switch (f->type) {
    case SL_CT_BOOL:
        sl_snprintf(expect, sizeof(expect), "expected true or false");
        break;
    case SL_CT_INT:
    case SL_CT_INTLIST:
        sl_snprintf(expect, sizeof(expect),
                    "expected an integer between %lld and %lld",
                    (long long)f->min, (long long)f->max);
        break;
    case SL_CT_FLOAT:
    case SL_CT_FLOATLIST:
        sl_snprintf(expect, sizeof(expect), "expected a number");
        break;
    case SL_CT_DURATION:
        sl_snprintf(expect, sizeof(expect), "expected a duration like 10s");
        break;
    case SL_CT_SIZE:
        sl_snprintf(expect, sizeof(expect), "expected a size like 50M");
        break;
    case SL_CT_ENUM:
    case SL_CT_BITMASK:
        n = (size_t)sl_snprintf(expect, sizeof(expect), "expected one of:");
        for (i = 0; f->names[i] != NULL && n < sizeof(expect); i++) {
            int w = sl_snprintf(expect + n, sizeof(expect) - n, "%s '%s'",
                                i > 0 ? "," : "", f->names[i]);
            if (w < 0) {
                break;
            }
            n += (size_t)w;
        }
        break;
    default:
        sl_snprintf(expect, sizeof(expect), "expected a %s",
                    f->type == SL_CT_OBJLIST ? "list of objects" : "value");
        break;
    }
    if (f->type == SL_CT_INT && (f->flags & SL_CF_POW2) != 0) {
        sl_snprintf(expect, sizeof(expect),
                    "expected a power of two between %lld and %lld",
                    (long long)f->min, (long long)f->max);
    }
    n = len < VALUE_ECHO ? len : VALUE_ECHO;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)text[i];

        shown[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    shown[n] = '\0';
    if (len > VALUE_ECHO) {
        sl_strlcpy(shown + n, "...", 4);
    }
    return fail(ld, "invalid value for '%s': '%s' (%s)", f->key, shown, expect);
}


/*
 * Stores one scalar into a scalar row.  plain is false for quoted YAML
 * strings: those are never booleans.
 */
static int
set_scalar(struct ld *ld, const struct sl_conf_field *f, void *base,
           const char *text, size_t len, bool plain)
{
    struct sl_str s = {text, len};
    int64_t       iv, lo, hi;
    double        d;
    bool          b;
    uint64_t      u;
    size_t        i;

    switch (f->type) {
    case SL_CT_STRING:
        sl_free(*at(base, f, char *));
        *at(base, f, char *) = sl_strndup(text, len);
        return 0;
    case SL_CT_BOOL:
        if (!plain || sl_conf_parse_bool(s, &b) < 0) {
            return bad_value(ld, f, text, len);
        }
        *at(base, f, bool) = b;
        return 0;
    case SL_CT_INT:
        lo = f->min;
        hi = f->max;
        if (lo == 0 && hi == 0) {
            lo = INT64_MIN;
            hi = INT64_MAX;
        }
        if (sl_parse_i64(s, lo, hi, &iv) < 0
            || ((f->flags & SL_CF_POW2) != 0 && (iv & (iv - 1)) != 0))
        {
            return bad_value(ld, f, text, len);
        }
        *at(base, f, int64_t) = iv;
        return 0;
    case SL_CT_FLOAT:
        if (len > 0 && text[0] == '-') {
            s.p++;
            s.len--;
        }
        if (sl_parse_double(s, &d) < 0) {
            return bad_value(ld, f, text, len);
        }
        *at(base, f, double) = (len > 0 && text[0] == '-') ? -d : d;
        return 0;
    case SL_CT_DURATION:
        if (sl_conf_parse_duration(s, &u) < 0) {
            return bad_value(ld, f, text, len);
        }
        *at(base, f, uint64_t) = u;
        return 0;
    case SL_CT_SIZE:
        if (sl_conf_parse_size(s, &u) < 0) {
            return bad_value(ld, f, text, len);
        }
        *at(base, f, uint64_t) = u;
        return 0;
    case SL_CT_ENUM:
        /* Unquoted yes/no are YAML booleans: encryption maps them. */
        if ((f->flags & SL_CF_BOOLMAP) != 0 && plain
            && sl_conf_parse_bool(s, &b) == 0) {
            *at(base, f, int) = b ? SL_ENC_STRICT : SL_ENC_NO;
            return 0;
        }
        for (i = 0; f->names[i] != NULL; i++) {
            if (sl_str_eq_cstr(s, f->names[i])) {
                *at(base, f, int) = (int)i;
                return 0;
            }
        }
        return bad_value(ld, f, text, len);
    default:
        return bad_value(ld, f, text, len);
    }
}


static void
list_clear(const struct sl_conf_field *f, void *base)
{
    const struct sl_conf_field one = {
        .type = f->type, .off = f->off, .obj = f->obj};

    if (f->type == SL_CT_BITMASK) {
        *at(base, f, unsigned) = 0;
        return;
    }
    sl_conf_fields_free(&one, 1, base);
}


/* Appends one scalar item to a list row (or sets a bit of a bitmask). */
static int
list_item(struct ld *ld, const struct sl_conf_field *f, void *base,
          const char *text, size_t len, bool plain)
{
    struct sl_str s = {text, len};
    size_t        i;

    switch (f->type) {
    case SL_CT_STRLIST: {
        struct sl_conf_strlist *l = at(base, f, struct sl_conf_strlist);

        if (l->n >= MAX_LIST) {
            return fail(ld, "too many items in '%s'", f->key);
        }
        l->v = sl_realloc(l->v, (l->n + 1) * sizeof(*l->v));
        l->v[l->n++] = sl_strndup(text, len);
        return 0;
    }
    case SL_CT_INTLIST: {
        struct sl_conf_intlist *l = at(base, f, struct sl_conf_intlist);
        struct sl_conf_field    tmp = *f;
        int64_t                 v = 0;

        tmp.type = SL_CT_INT;
        tmp.off = 0;
        if (set_scalar(ld, &tmp, &v, text, len, plain) < 0) {
            return SL_EINVAL;
        }
        if (l->n >= MAX_LIST) {
            return fail(ld, "too many items in '%s'", f->key);
        }
        l->v = sl_realloc(l->v, (l->n + 1) * sizeof(*l->v));
        l->v[l->n++] = v;
        return 0;
    }
    case SL_CT_FLOATLIST: {
        struct sl_conf_floatlist *l = at(base, f, struct sl_conf_floatlist);
        struct sl_conf_field      tmp = *f;
        double                    v = 0;

        tmp.type = SL_CT_FLOAT;
        tmp.off = 0;
        if (set_scalar(ld, &tmp, &v, text, len, plain) < 0) {
            return SL_EINVAL;
        }
        if (l->n >= MAX_LIST) {
            return fail(ld, "too many items in '%s'", f->key);
        }
        l->v = sl_realloc(l->v, (l->n + 1) * sizeof(*l->v));
        l->v[l->n++] = v;
        return 0;
    }
    case SL_CT_BITMASK:
        for (i = 0; f->names[i] != NULL; i++) {
            if (sl_str_eq_cstr(s, f->names[i])) {
                *at(base, f, unsigned) |= 1u << i;
                return 0;
            }
        }
        return bad_value(ld, f, text, len);
    default:
        return bad_value(ld, f, text, len);
    }
}


static void *
objlist_append(const struct sl_conf_field *f, void *base)
{
    struct sl_conf_strlist *l = at(base, f, struct sl_conf_strlist);
    char                   *v = (char *)l->v;
    void                   *elem;

    /* All list structs share the {pointer, count} layout. */
    v = sl_realloc(v, (l->n + 1) * f->obj->size);
    elem = v + l->n * f->obj->size;
    memset(elem, 0, f->obj->size);
    sl_conf_fields_defaults(f->obj->fields, f->obj->nfields, elem);
    l->v = (char **)(void *)v;
    l->n++;
    return elem;
}


static int
finish_object(struct ld *ld, const struct sl_conf_objtype *t, void *elem,
              const struct sl_conf_set *set)
{
    char   msg[300];
    size_t i;

    for (i = 0; i < t->nfields; i++) {
        if ((t->fields[i].flags & SL_CF_REQUIRED) != 0
            && (set == NULL || !sl_conf_set_has(set, i)))
        {
            return fail(ld, "%s: missing key '%s'", t->name, t->fields[i].key);
        }
    }
    if (t->finish != NULL && t->finish(elem, msg, sizeof(msg)) < 0) {
        return fail(ld, "%s", msg);
    }
    return 0;
}


static int
parse_object(struct ld *ld, const struct sl_conf_objtype *t, void *elem,
             yaml_node_t *map)
{
    struct sl_conf_table tbl = {t->fields, t->nfields};
    struct sl_conf_set   set;
    int                  rc;

    memset(&set, 0, sizeof(set));
    where_node(ld, map);
    if (map->type != YAML_MAPPING_NODE) {
        return fail(ld, "each %s must be a mapping", t->name);
    }
    rc = parse_section(ld, &tbl, elem, &set, map, false);
    if (rc < 0) {
        return rc;
    }
    where_node(ld, map);
    return finish_object(ld, t, elem, &set);
}


static int
set_objlist(struct ld *ld, const struct sl_conf_field *f, void *base,
            yaml_node_t *seq)
{
    yaml_node_item_t *it;
    int               rc;

    if (seq->type != YAML_SEQUENCE_NODE) {
        return fail(ld, "'%s' must be a list", f->key);
    }
    list_clear(f, base);
    for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++)
    {
        yaml_node_t *n = yaml_document_get_node(ld->doc, *it);

        if (n == NULL || ++ld->visits > MAX_VISITS) {
            return fail(ld, "document too large");
        }
        if (at(base, f, struct sl_conf_strlist)->n >= MAX_LIST) {
            return fail(ld, "too many items in '%s'", f->key);
        }
        rc = parse_object(ld, f->obj, objlist_append(f, base), n);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}


/*
 * Stores v into row f of base.  xf adds alias flags (invert, scalar list).
 * Returns 0 when stored, 1 when v is a YAML null on a scalar row (nothing
 * is set: the default or pathDefaults value stays), or an error.
 */
static int
set_value(struct ld *ld, const struct sl_conf_field *f, void *base,
          const struct val *v, unsigned xf)
{
    bool is_list = f->type == SL_CT_STRLIST || f->type == SL_CT_INTLIST
                   || f->type == SL_CT_FLOATLIST || f->type == SL_CT_BITMASK
                   || f->type == SL_CT_OBJLIST;
    yaml_node_t *n = v->node;
    const char  *text;
    size_t       len;
    int          rc;

    if (n != NULL) {
        where_node(ld, n);
        if (node_is_null(n)) {
            if (is_list) {
                list_clear(f, base);
                return 0;
            }
            return 1;
        }
        if (f->type == SL_CT_OBJLIST) {
            return set_objlist(ld, f, base, n);
        }
        if (is_list) {
            yaml_node_item_t *it;

            if (n->type == YAML_SCALAR_NODE && (xf & SL_CF_SCALAR_LIST) != 0) {
                list_clear(f, base);
                return list_item(
                    ld, f, base, (const char *)n->data.scalar.value,
                    n->data.scalar.length,
                    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
            }
            if (n->type != YAML_SEQUENCE_NODE) {
                return fail(ld, "'%s' must be a list", f->key);
            }
            list_clear(f, base);
            for (it = n->data.sequence.items.start;
                 it < n->data.sequence.items.top; it++) {
                yaml_node_t *e = yaml_document_get_node(ld->doc, *it);

                if (e == NULL || ++ld->visits > MAX_VISITS) {
                    return fail(ld, "document too large");
                }
                where_node(ld, e);
                if (e->type != YAML_SCALAR_NODE) {
                    return fail(ld, "items of '%s' must be scalars", f->key);
                }
                rc = list_item(ld, f, base, (const char *)e->data.scalar.value,
                               e->data.scalar.length,
                               e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
                if (rc < 0) {
                    return rc;
                }
            }
            return 0;
        }
        if (n->type != YAML_SCALAR_NODE) {
            return fail(ld, "'%s' must be a single value", f->key);
        }
        rc = set_scalar(ld, f, base, (const char *)n->data.scalar.value,
                        n->data.scalar.length,
                        n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
    } else {
        /* Environment: lists are comma-separated, scalars are plain. */
        text = v->text;
        len = v->len;
        if (f->type == SL_CT_OBJLIST) {
            return fail(ld, "'%s' can only be set item by item", f->key);
        }
        if (is_list) {
            struct sl_str rest = {text, len}, item;

            list_clear(f, base);
            while (rest.len > 0) {
                item = sl_str_trim(sl_str_cut(&rest, ','));
                rc = list_item(ld, f, base, item.p, item.len, true);
                if (rc < 0) {
                    return rc;
                }
                if (rest.p == NULL) {
                    break;
                }
            }
            return 0;
        }
        rc = set_scalar(ld, f, base, text, len, true);
    }
    if (rc == 0 && (xf & SL_CF_INVERT) != 0 && f->type == SL_CT_BOOL) {
        *at(base, f, bool) = !*at(base, f, bool);
    }
    return rc;
}


/*
 * A deprecated alias row becomes its target row, possibly in pathDefaults.
 */
static int
resolve_alias(struct ld *ld, const struct sl_conf_table *t,
              const struct sl_conf_field **f, void **base,
              struct sl_conf_set **set, const struct sl_conf_table **tt)
{
    const struct sl_conf_field *target;
    char                        msg[200];

    sl_snprintf(msg, sizeof(msg), "'%s' is deprecated; use '%s'%s", (*f)->key,
                (*f)->alias,
                ((*f)->flags & SL_CF_PATHDEF) != 0 ? " in pathDefaults" : "");
    sl_conf_add_warning(ld->c, msg);
    if (((*f)->flags & SL_CF_PATHDEF) != 0) {
        *tt = &sl_conf_path_table;
        *base = &ld->c->path_defaults;
        *set = &ld->c->path_defaults.set;
    } else {
        *tt = t;
    }
    target = sl_conf_table_find(*tt, (*f)->alias, strlen((*f)->alias));
    if (target == NULL || target->type == SL_CT_ALIAS) {
        return fail(ld, "internal error: bad alias '%s'", (*f)->key);
    }
    *f = target;
    return 0;
}


static int
apply_key(struct ld *ld, const struct sl_conf_table *t, void *base,
          struct sl_conf_set *set, const struct sl_conf_field *f,
          const struct val *v)
{
    const struct sl_conf_table *tt = t;
    unsigned                    xf = 0;
    char                        msg[200];
    int                         rc;

    if (f->type == SL_CT_ALIAS) {
        xf = f->flags;
        rc = resolve_alias(ld, t, &f, &base, &set, &tt);
        if (rc < 0) {
            return rc;
        }
    } else if ((f->flags & SL_CF_DEPRECATED) != 0) {
        sl_snprintf(msg, sizeof(msg), "'%s' is deprecated (%s)", f->key,
                    f->doc);
        sl_conf_add_warning(ld->c, msg);
    }
    rc = set_value(ld, f, base, v, xf);
    if (rc == 0 && set != NULL) {
        sl_conf_set_add(set, sl_conf_table_index(tt, f));
    }
    return rc < 0 ? rc : 0;
}


static int
parse_section(struct ld *ld, const struct sl_conf_table *t, void *base,
              struct sl_conf_set *set, yaml_node_t *map, bool global)
{
    yaml_node_pair_t *p, *q;
    int               rc;

    if (map->data.mapping.pairs.top - map->data.mapping.pairs.start > MAX_MAP) {
        where_node(ld, map);
        return fail(ld, "too many keys");
    }
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(ld->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(ld->doc, p->value);
        const struct sl_conf_field *f;
        struct val                  val = {v, NULL, 0};
        const char                 *key;
        size_t                      klen;

        if (k == NULL || v == NULL || ++ld->visits > MAX_VISITS) {
            return fail(ld, "document too large");
        }
        where_node(ld, k);
        if (k->type != YAML_SCALAR_NODE) {
            return fail(ld, "keys must be scalars");
        }
        key = (const char *)k->data.scalar.value;
        klen = k->data.scalar.length;
        for (q = map->data.mapping.pairs.start; q < p; q++) {
            yaml_node_t *k2 = yaml_document_get_node(ld->doc, q->key);

            if (k2->type == YAML_SCALAR_NODE && k2->data.scalar.length == klen
                && memcmp(k2->data.scalar.value, key, klen) == 0)
            {
                return fail(ld, "duplicate key '%.*s'", (int)klen, key);
            }
        }
        if (global
            && sl_str_eq_cstr((struct sl_str){key, klen}, "pathDefaults")) {
            if (node_is_null(v)) {
                continue;
            }
            where_node(ld, v);
            if (v->type != YAML_MAPPING_NODE) {
                return fail(ld, "'pathDefaults' must be a mapping");
            }
            rc = parse_section(ld, &sl_conf_path_table, &ld->c->path_defaults,
                               &ld->c->path_defaults.set, v, false);
            if (rc < 0) {
                return rc;
            }
            continue;
        }
        if (global && sl_str_eq_cstr((struct sl_str){key, klen}, "paths")) {
            if (node_is_null(v)) {
                continue;
            }
            where_node(ld, v);
            if (v->type != YAML_MAPPING_NODE) {
                return fail(ld, "'paths' must be a mapping");
            }
            rc = parse_paths(ld, v);
            if (rc < 0) {
                return rc;
            }
            continue;
        }
        f = sl_conf_table_find(t, key, klen);
        if (f == NULL || f->type == SL_CT_SECTION) {
            char shown[VALUE_ECHO + 1];

            sl_strlcpy(shown, key, klen < VALUE_ECHO ? klen + 1 : VALUE_ECHO);
            return fail(ld, "unknown key '%s'", shown);
        }
        rc = apply_key(ld, t, base, set, f, &val);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}


int
sl_conf_check_path_name(const char *name, char *err, size_t errlen)
{
    static const char ok[] = "0123456789abcdefghijklmnopqrstuvwxyz"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-/.";
    struct sl_str     rest = sl_str_from(name), seg;
    size_t            len = rest.len;

    if (len == 0) {
        sl_snprintf(err, errlen, "invalid path name '': cannot be empty");
        return SL_EINVAL;
    }
    if (name[0] == '/' || name[len - 1] == '/') {
        sl_snprintf(err, errlen,
                    "invalid path name '%s': can't begin or end with a slash",
                    name);
        return SL_EINVAL;
    }
    if (strspn(name, ok) != len) {
        sl_snprintf(err, errlen,
                    "invalid path name '%s': can contain only alphanumeric "
                    "characters, underscore, dot, minus or slash",
                    name);
        return SL_EINVAL;
    }
    while (rest.p != NULL) {
        seg = sl_str_cut(&rest, '/');
        if (sl_str_eq_cstr(seg, ".") || sl_str_eq_cstr(seg, "..")
            || seg.len == 0) {
            sl_snprintf(err, errlen,
                        "invalid path name '%s': '.', '..' and empty "
                        "segments are not allowed",
                        name);
            return SL_EINVAL;
        }
    }
    return 0;
}


struct sl_path_conf *
sl_conf_path_get(struct sl_conf *c, const char *name, size_t len, unsigned line,
                 bool create, char *err, size_t errlen)
{
    struct sl_path_conf *p;
    char                *nm;
    size_t               i;

    for (i = 0; i < c->npaths; i++) {
        if (strlen(c->paths[i].name) == len
            && memcmp(c->paths[i].name, name, len) == 0) {
            return &c->paths[i];
        }
    }
    if (!create) {
        return NULL;
    }
    if (c->npaths >= MAX_PATHS) {
        sl_snprintf(err, errlen, "too many paths");
        return NULL;
    }
    nm = sl_strndup(name, len);
    if (strlen(nm) != len) {
        sl_snprintf(err, errlen, "invalid path name: contains NUL");
        sl_free(nm);
        return NULL;
    }
    c->paths = sl_realloc(c->paths, (c->npaths + 1) * sizeof(*c->paths));
    p = &c->paths[c->npaths];
    memset(p, 0, sizeof(*p));
    p->name = nm;
    p->line = line;
    c->npaths++;
    if (strcmp(nm, "all_others") == 0 || strcmp(nm, "all") == 0
        || strcmp(nm, "~^.*$") == 0)
    {
        p->flags |= SL_PATH_CATCH_ALL;
    }
    if (nm[0] == '~') {
        p->flags |= SL_PATH_REGEX;
        p->regex = sl_conf_regex_compile(nm + 1, err, errlen);
        if (p->regex == NULL) {
            return NULL;
        }
    } else if (sl_conf_check_path_name(nm, err, errlen) < 0) {
        return NULL;
    }
    return p;
}


static int
parse_paths(struct ld *ld, yaml_node_t *map)
{
    yaml_node_pair_t *p;
    char              msg[300];
    int               rc;

    if (map->data.mapping.pairs.top - map->data.mapping.pairs.start > MAX_MAP) {
        return fail(ld, "too many paths");
    }
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t         *k = yaml_document_get_node(ld->doc, p->key);
        yaml_node_t         *v = yaml_document_get_node(ld->doc, p->value);
        struct sl_path_conf *pc;
        unsigned             line;
        size_t               idx;

        if (k == NULL || v == NULL || ++ld->visits > MAX_VISITS) {
            return fail(ld, "document too large");
        }
        where_node(ld, k);
        if (k->type != YAML_SCALAR_NODE) {
            return fail(ld, "path names must be scalars");
        }
        line = (unsigned)k->start_mark.line + 1;
        if (sl_conf_path_get(ld->c, (const char *)k->data.scalar.value,
                             k->data.scalar.length, 0, false, msg, sizeof(msg))
            != NULL)
        {
            return fail(ld, "duplicate path '%.*s'", (int)k->data.scalar.length,
                        (const char *)k->data.scalar.value);
        }
        pc = sl_conf_path_get(ld->c, (const char *)k->data.scalar.value,
                              k->data.scalar.length, line, true, msg,
                              sizeof(msg));
        if (pc == NULL) {
            return fail(ld, "%s", msg);
        }
        if (node_is_null(v)) {
            continue;
        }
        where_node(ld, v);
        if (v->type != YAML_MAPPING_NODE) {
            return fail(ld, "path '%s' must be a mapping", pc->name);
        }
        /* parse_section may move ld->c->paths only by creating paths,
           which it never does: pc stays valid. */
        idx = (size_t)(pc - ld->c->paths);
        rc = parse_section(ld, &sl_conf_path_table, &ld->c->paths[idx],
                           &ld->c->paths[idx].set, v, false);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}


int
sl_conf_parse_yaml(struct sl_conf *c, const char *yaml, size_t len, char *err,
                   size_t errlen)
{
    yaml_parser_t   parser;
    yaml_document_t doc, extra;
    yaml_node_t    *root;
    struct ld       ld = {.c = c, .err = err, .errlen = errlen};
    int             rc = 0;

    if (!yaml_parser_initialize(&parser)) {
        sl_snprintf(err, errlen, "cannot initialize the YAML parser");
        return SL_EINVAL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
    if (!yaml_parser_load(&parser, &doc)) {
        sl_snprintf(err, errlen, "line %lu: %s%s%s",
                    (unsigned long)parser.problem_mark.line + 1,
                    parser.problem != NULL ? parser.problem : "YAML error",
                    parser.context != NULL ? " " : "",
                    parser.context != NULL ? parser.context : "");
        yaml_parser_delete(&parser);
        return SL_EINVAL;
    }
    ld.doc = &doc;
    root = yaml_document_get_root_node(&doc);
    if (root != NULL && !node_is_null(root)) {
        if (!yaml_parser_load(&parser, &extra)) {
            sl_snprintf(err, errlen, "line %lu: %s",
                        (unsigned long)parser.problem_mark.line + 1,
                        parser.problem != NULL ? parser.problem : "YAML error");
            rc = SL_EINVAL;
        } else {
            if (yaml_document_get_root_node(&extra) != NULL) {
                sl_snprintf(err, errlen, "only one YAML document is supported");
                rc = SL_EINVAL;
            }
            yaml_document_delete(&extra);
        }
        if (rc == 0 && root->type != YAML_MAPPING_NODE) {
            where_node(&ld, root);
            rc = fail(&ld, "the configuration must be a mapping");
        }
        if (rc == 0) {
            rc = parse_section(&ld, &sl_conf_global_table, c, &c->set, root,
                               true);
        }
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}


/* The environment name part env[0..len) equals key, ignoring case. */
static bool
env_key_eq(const char *env, size_t len, const char *key)
{
    return sl_str_caseeq((struct sl_str){env, len}, sl_str_from(key));
}


/* rest is "<index>_<KEY>..." of an object list item. */
static int
env_object(struct ld *ld, const struct sl_conf_field *f, void *base,
           const char *rest, const char *value)
{
    struct sl_conf_strlist *l = at(base, f, struct sl_conf_strlist);
    struct sl_conf_table    tbl = {f->obj->fields, f->obj->nfields};
    const char             *us = strchr(rest, '_');
    uint64_t                idx;
    char                   *elem;
    int                     rc;

    if (us == NULL
        || sl_parse_u64((struct sl_str){rest, (size_t)(us - rest)}, MAX_LIST,
                        &idx)
               < 0)
    {
        return 1; /* not ours */
    }
    if (idx > l->n) {
        return fail(ld, "index %llu of '%s' skips items",
                    (unsigned long long)idx, f->key);
    }
    if (idx == l->n) {
        objlist_append(f, base);
    }
    elem = (char *)l->v + idx * f->obj->size;
    if (f->obj->free_extra != NULL) {
        f->obj->free_extra(elem);
    }
    rc = env_field(ld, &tbl, elem, NULL, us + 1, value);
    if (rc != 0) {
        return rc;
    }
    if (f->obj->finish != NULL) {
        char msg[300];

        if (f->obj->finish(elem, msg, sizeof(msg)) < 0) {
            return fail(ld, "%s", msg);
        }
    }
    return 0;
}


/*
 * Applies value to the row of t named by rest (upper case).  Returns 0 when
 * applied, 1 when no row matches, or an error.
 */
static int
env_field(struct ld *ld, const struct sl_conf_table *t, void *base,
          struct sl_conf_set *set, const char *rest, const char *value)
{
    size_t     i, rlen = strlen(rest);
    struct val v = {NULL, value, strlen(value)};
    int        rc;

    for (i = 0; i < t->n; i++) {
        const struct sl_conf_field *f = &t->fields[i];
        size_t                      klen;

        if (f->key == NULL) {
            continue;
        }
        klen = strlen(f->key);
        if (env_key_eq(rest, rlen, f->key)) {
            return apply_key(ld, t, base, set, f, &v);
        }
        if (f->type == SL_CT_OBJLIST && rlen > klen + 1 && rest[klen] == '_'
            && env_key_eq(rest, klen, f->key))
        {
            rc = env_object(ld, f, base, rest + klen + 1, value);
            if (rc == 0 && set != NULL) {
                sl_conf_set_add(set, i);
            }
            return rc;
        }
    }
    return 1;
}


static int
env_apply(struct ld *ld, const char *name, const char *value)
{
    struct sl_path_conf *p;
    const char          *rest;
    char                 lname[256];
    char                 msg[300];
    size_t               i, j;
    int                  rc;

    if (sl_str_has_prefix(sl_str_from(name), "PATHDEFAULTS_")) {
        return env_field(ld, &sl_conf_path_table, &ld->c->path_defaults,
                         &ld->c->path_defaults.set, name + 13, value);
    }
    if (sl_str_has_prefix(sl_str_from(name), "PATHS_")) {
        rest = name + 6;
        /* The path name is the shortest prefix whose remainder is a key. */
        for (i = 1; rest[i] != '\0'; i++) {
            if (rest[i] != '_' || i >= sizeof(lname)) {
                continue;
            }
            for (j = 0; j < i; j++) {
                char ch = rest[j];

                lname[j] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
            }
            lname[i] = '\0';
            p = sl_conf_path_get(ld->c, lname, i, 0, false, msg, sizeof(msg));
            if (p == NULL) {
                struct sl_path_conf probe;

                memset(&probe, 0, sizeof(probe));
                rc = env_field(ld, &sl_conf_path_table, &probe, &probe.set,
                               rest + i + 1, value);
                sl_conf_fields_free(sl_conf_path_table.fields,
                                    sl_conf_path_table.n, &probe);
                if (rc != 0) {
                    if (rc < 0) {
                        return rc;
                    }
                    continue;
                }
                p = sl_conf_path_get(ld->c, lname, i, 0, true, msg,
                                     sizeof(msg));
                if (p == NULL) {
                    return fail(ld, "%s", msg);
                }
            }
            rc = env_field(ld, &sl_conf_path_table, p, &p->set, rest + i + 1,
                           value);
            if (rc <= 0) {
                return rc;
            }
        }
        return 1;
    }
    return env_field(ld, &sl_conf_global_table, ld->c, &ld->c->set, name,
                     value);
}


int
sl_conf_parse_env(struct sl_conf *c, char *const *envp, char *err,
                  size_t errlen)
{
    static const char *const prefixes[] = {"RTSP_", "MTX_"};
    struct ld                ld = {.c = c, .err = err, .errlen = errlen};
    char                     name[256];
    size_t                   i, k;
    int                      rc;

    if (envp == NULL) {
        return 0;
    }
    /* Legacy RTSP_ variables first, so MTX_ ones win. */
    for (k = 0; k < 2; k++) {
        size_t plen = strlen(prefixes[k]);

        for (i = 0; envp[i] != NULL; i++) {
            const char *e = envp[i];
            const char *eq = strchr(e, '=');
            size_t      nlen;

            if (eq == NULL || strncmp(e, prefixes[k], plen) != 0) {
                continue;
            }
            nlen = (size_t)(eq - e) - plen;
            if (nlen == 0 || nlen >= sizeof(name)) {
                continue;
            }
            memcpy(name, e + plen, nlen);
            name[nlen] = '\0';
            sl_snprintf(ld.where, sizeof(ld.where), "environment variable %.*s",
                        (int)(eq - e), e);
            rc = env_apply(&ld, name, eq + 1);
            if (rc < 0) {
                return rc;
            }
        }
    }
    return 0;
}


void
sl_conf_fields_defaults(const struct sl_conf_field *fields, size_t n,
                        void *base)
{
    struct ld ld;
    char      err[300];
    size_t    i;
    int       rc;

    memset(&ld, 0, sizeof(ld));
    ld.err = err;
    ld.errlen = sizeof(err);
    for (i = 0; i < n; i++) {
        const struct sl_conf_field *f = &fields[i];

        if (f->type == SL_CT_SECTION || f->type == SL_CT_ALIAS) {
            continue;
        }
        if (f->type == SL_CT_STRING && f->def == NULL) {
            sl_free(*at(base, f, char *));
            *at(base, f, char *) = sl_strdup("");
            continue;
        }
        if (f->def == NULL) {
            continue;
        }
        if (f->def[0] == '[') {
            yaml_parser_t   parser;
            yaml_document_t doc;

            yaml_parser_initialize(&parser);
            yaml_parser_set_input_string(&parser, (const unsigned char *)f->def,
                                         strlen(f->def));
            if (!yaml_parser_load(&parser, &doc)) {
                yaml_parser_delete(&parser);
                continue;
            }
            ld.doc = &doc;
            {
                struct val v = {yaml_document_get_root_node(&doc), NULL, 0};

                rc = set_value(&ld, f, base, &v, 0);
            }
            yaml_document_delete(&doc);
            yaml_parser_delete(&parser);
        } else {
            rc = set_scalar(&ld, f, base, f->def, strlen(f->def), true);
        }
        /* The tables are tested: a bad default is a programmer error. */
        (void)rc;
    }
}


void
sl_conf_fields_free(const struct sl_conf_field *fields, size_t n, void *base)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        const struct sl_conf_field *f = &fields[i];

        switch (f->type) {
        case SL_CT_STRING:
            sl_freep(at(base, f, char *));
            break;
        case SL_CT_STRLIST: {
            struct sl_conf_strlist *l = at(base, f, struct sl_conf_strlist);

            for (j = 0; j < l->n; j++) {
                sl_free(l->v[j]);
            }
            sl_freep(&l->v);
            l->n = 0;
            break;
        }
        case SL_CT_INTLIST: {
            struct sl_conf_intlist *l = at(base, f, struct sl_conf_intlist);

            sl_freep(&l->v);
            l->n = 0;
            break;
        }
        case SL_CT_FLOATLIST: {
            struct sl_conf_floatlist *l = at(base, f, struct sl_conf_floatlist);

            sl_freep(&l->v);
            l->n = 0;
            break;
        }
        case SL_CT_OBJLIST: {
            struct sl_conf_strlist *l = at(base, f, struct sl_conf_strlist);
            char                   *v = (char *)l->v;

            for (j = 0; j < l->n; j++) {
                void *elem = v + j * f->obj->size;

                if (f->obj->free_extra != NULL) {
                    f->obj->free_extra(elem);
                }
                sl_conf_fields_free(f->obj->fields, f->obj->nfields, elem);
            }
            sl_free(v);
            l->v = NULL;
            l->n = 0;
            break;
        }
        default:
            break;
        }
    }
}


void
sl_conf_field_copy(const struct sl_conf_field *f, void *dst, const void *src)
{
    size_t j;

    if (f->type == SL_CT_SECTION || f->type == SL_CT_ALIAS) {
        return;
    }
    sl_conf_fields_free(f, 1, dst);
    switch (f->type) {
    case SL_CT_STRING:
        *at(dst, f, char *) = sl_strdup(*cat(src, f, char *));
        break;
    case SL_CT_STRLIST: {
        const struct sl_conf_strlist *s = cat(src, f, struct sl_conf_strlist);
        struct sl_conf_strlist       *d = at(dst, f, struct sl_conf_strlist);

        d->v = s->n > 0 ? sl_calloc(s->n, sizeof(*d->v)) : NULL;
        for (j = 0; j < s->n; j++) {
            d->v[j] = sl_strdup(s->v[j]);
        }
        d->n = s->n;
        break;
    }
    case SL_CT_INTLIST: {
        const struct sl_conf_intlist *s = cat(src, f, struct sl_conf_intlist);
        struct sl_conf_intlist       *d = at(dst, f, struct sl_conf_intlist);

        d->v = s->n > 0 ? sl_memdup(s->v, s->n * sizeof(*s->v)) : NULL;
        d->n = s->n;
        break;
    }
    case SL_CT_FLOATLIST: {
        const struct sl_conf_floatlist *s =
            cat(src, f, struct sl_conf_floatlist);
        struct sl_conf_floatlist *d = at(dst, f, struct sl_conf_floatlist);

        d->v = s->n > 0 ? sl_memdup(s->v, s->n * sizeof(*s->v)) : NULL;
        d->n = s->n;
        break;
    }
    case SL_CT_OBJLIST: {
        const struct sl_conf_strlist *s = cat(src, f, struct sl_conf_strlist);
        struct sl_conf_strlist       *d = at(dst, f, struct sl_conf_strlist);
        char                         *v;
        char                          msg[200];
        size_t                        k;

        v = s->n > 0 ? sl_calloc(s->n, f->obj->size) : NULL;
        for (j = 0; j < s->n; j++) {
            void       *de = v + j * f->obj->size;
            const void *se = (const char *)s->v + j * f->obj->size;

            for (k = 0; k < f->obj->nfields; k++) {
                sl_conf_field_copy(&f->obj->fields[k], de, se);
            }
            if (f->obj->finish != NULL) {
                /* It succeeded on the source; it cannot fail on a copy. */
                (void)f->obj->finish(de, msg, sizeof(msg));
            }
        }
        d->v = (char **)(void *)v;
        d->n = s->n;
        break;
    }
    default:
        memcpy((char *)dst + f->off, (const char *)src + f->off,
               scalar_size(f->type));
        break;
    }
}


bool
sl_conf_field_equal(const struct sl_conf_field *f, const void *a, const void *b)
{
    size_t j, k;

    switch (f->type) {
    case SL_CT_SECTION:
    case SL_CT_ALIAS:
        return true;
    case SL_CT_STRING:
        return strcmp(*cat(a, f, char *), *cat(b, f, char *)) == 0;
    case SL_CT_STRLIST: {
        const struct sl_conf_strlist *x = cat(a, f, struct sl_conf_strlist);
        const struct sl_conf_strlist *y = cat(b, f, struct sl_conf_strlist);

        if (x->n != y->n) {
            return false;
        }
        for (j = 0; j < x->n; j++) {
            if (strcmp(x->v[j], y->v[j]) != 0) {
                return false;
            }
        }
        return true;
    }
    case SL_CT_INTLIST: {
        const struct sl_conf_intlist *x = cat(a, f, struct sl_conf_intlist);
        const struct sl_conf_intlist *y = cat(b, f, struct sl_conf_intlist);

        return x->n == y->n
               && (x->n == 0 || memcmp(x->v, y->v, x->n * sizeof(*x->v)) == 0);
    }
    case SL_CT_FLOATLIST: {
        const struct sl_conf_floatlist *x = cat(a, f, struct sl_conf_floatlist);
        const struct sl_conf_floatlist *y = cat(b, f, struct sl_conf_floatlist);

        if (x->n != y->n) {
            return false;
        }
        for (j = 0; j < x->n; j++) {
            if (x->v[j] != y->v[j]) {
                return false;
            }
        }
        return true;
    }
    case SL_CT_OBJLIST: {
        const struct sl_conf_strlist *x = cat(a, f, struct sl_conf_strlist);
        const struct sl_conf_strlist *y = cat(b, f, struct sl_conf_strlist);

        if (x->n != y->n) {
            return false;
        }
        for (j = 0; j < x->n; j++) {
            const void *xe = (const char *)x->v + j * f->obj->size;
            const void *ye = (const char *)y->v + j * f->obj->size;

            for (k = 0; k < f->obj->nfields; k++) {
                if (!sl_conf_field_equal(&f->obj->fields[k], xe, ye)) {
                    return false;
                }
            }
        }
        return true;
    }
    default:
        return memcmp((const char *)a + f->off, (const char *)b + f->off,
                      scalar_size(f->type))
               == 0;
    }
}


void
sl_conf_add_warning(struct sl_conf *c, const char *msg)
{
    struct sl_conf_strlist *w = &c->warnings;
    size_t                  i;

    for (i = 0; i < w->n; i++) {
        if (strcmp(w->v[i], msg) == 0) {
            return;
        }
    }
    if (w->n >= 1000) {
        return;
    }
    w->v = sl_realloc(w->v, (w->n + 1) * sizeof(*w->v));
    w->v[w->n++] = sl_strdup(msg);
}
