/* Sluice: sluice.yml generated from the field tables (conf.h). */
#include "conf/conf.h"
#include "conf/table.h"
#include "base/err.h"
#include "base/str.h"

#include <string.h>


static int  comment(struct sl_dbuf *b, const char *indent, const char *doc);
static bool needs_quotes(const char *v);
static int  row(struct sl_dbuf *b, const char *indent,
                const struct sl_conf_field *f);
static int  section(struct sl_dbuf *b, const char *indent,
                    const struct sl_conf_table *t, const char *title);


static int
comment(struct sl_dbuf *b, const char *indent, const char *doc)
{
    struct sl_str rest = sl_str_from(doc), line;
    int           rc = 0;

    while (rc == 0 && rest.p != NULL && rest.len > 0) {
        line = sl_str_cut(&rest, '\n');
        rc = sl_dbuf_printf(b, "%s# %.*s\n", indent, (int)line.len, line.p);
    }
    return rc;
}


/* Strings that YAML would read as something else get single quotes. */
static bool
needs_quotes(const char *v)
{
    static const char *const words[] = {"yes",  "no",    "on",   "off",
                                        "true", "false", "null", "~"};
    bool                     b;
    size_t                   i;

    if (v[0] == '\0') {
        return false;
    }
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (sl_str_caseeq_cstr(sl_str_from(v), words[i])) {
            return true;
        }
    }
    if (sl_conf_parse_bool(sl_str_from(v), &b) == 0) {
        return true;
    }
    return strchr("%*&!|>'\"@`{[#,?-", v[0]) != NULL
           || strspn(v, "0123456789.") == strlen(v) || strstr(v, ": ") != NULL
           || strstr(v, " #") != NULL;
}


static int
row(struct sl_dbuf *b, const char *indent, const struct sl_conf_field *f)
{
    struct sl_str rest;
    int           rc;

    rc = comment(b, indent, f->doc);
    if (rc < 0) {
        return rc;
    }
    if (f->yml != NULL) {
        rc = sl_dbuf_printf(b, "%s%s:\n", indent, f->key);
        rest = sl_str_from(f->yml);
        while (rc == 0 && rest.p != NULL && rest.len > 0) {
            struct sl_str line = sl_str_cut(&rest, '\n');

            rc = sl_dbuf_printf(b, "%s%.*s\n", indent, (int)line.len, line.p);
        }
        return rc;
    }
    if (f->def == NULL || (f->type == SL_CT_ENUM && f->def[0] == '\0')) {
        return sl_dbuf_printf(b, "%s%s:\n", indent, f->key);
    }
    if ((f->type == SL_CT_STRING || f->type == SL_CT_ENUM)
        && needs_quotes(f->def)) {
        return sl_dbuf_printf(b, "%s%s: %s%s%s\n", indent, f->key,
                              f->type == SL_CT_ENUM ? "\"" : "'", f->def,
                              f->type == SL_CT_ENUM ? "\"" : "'");
    }
    return sl_dbuf_printf(b, "%s%s: %s\n", indent, f->key, f->def);
}


static int
section(struct sl_dbuf *b, const char *indent, const struct sl_conf_table *t,
        const char *title)
{
    size_t i;
    int    rc = 0;

    for (i = 0; rc == 0 && i < t->n; i++) {
        const struct sl_conf_field *f = &t->fields[i];

        if (f->type == SL_CT_SECTION) {
            rc = sl_dbuf_printf(
                b,
                "\n%s###############################################"
                "\n%s# %s -> %s\n\n",
                indent, indent, title, f->doc);
            continue;
        }
        if (f->type == SL_CT_ALIAS) {
            /* Deprecated keys are listed, not set. */
            rc = sl_dbuf_printf(b, "%s# %s: deprecated, use %s\n", indent,
                                f->key, f->doc);
            continue;
        }
        if ((f->flags & SL_CF_DEPRECATED) != 0) {
            rc = sl_dbuf_printf(b, "%s# %s: deprecated (%s)\n", indent, f->key,
                                f->doc);
            continue;
        }
        rc = row(b, indent, f);
    }
    return rc;
}


int
sl_conf_write_reference(struct sl_dbuf *b)
{
    int rc;

    rc = sl_dbuf_add_str(
        b, "###############################################\n"
           "# Sluice configuration.\n"
           "#\n"
           "# Compatible with MediaMTX's mediamtx.yml: the same keys, "
           "defaults and\n"
           "# meaning, plus a few Sluice keys.  Every key can be overridden "
           "by an\n"
           "# environment variable: MTX_<KEY> (MTX_RTSPADDRESS=:9554,\n"
           "# MTX_PATHS_TEST_SOURCE=..., lists comma-separated).\n"
           "#\n"
           "# Generated from src/conf/table.c; regenerate with\n"
           "#   SL_UPDATE_SLUICE_YML=1 build/unit_conf_doc_test\n"
           "###############################################\n");
    if (rc == 0) {
        rc = section(b, "", &sl_conf_global_table, "Global settings");
    }
    if (rc == 0) {
        rc = sl_dbuf_add_str(
            b, "\n###############################################\n"
               "# Default path settings\n\n"
               "# Settings in pathDefaults apply to every path unless the "
               "path\n"
               "# sets them itself.\n"
               "pathDefaults:\n");
    }
    if (rc == 0) {
        rc = section(b, "  ", &sl_conf_path_table, "Default path settings");
    }
    if (rc == 0) {
        rc = sl_dbuf_add_str(
            b, "\n###############################################\n"
               "# Path settings\n\n"
               "# Settings of named paths; any pathDefaults key can be set "
               "here.\n"
               "# Names starting with ~ are regular expressions, e.g.\n"
               "# \"~^cam(\\d+)$\" ($G1 holds the number).  Lookup order: "
               "exact\n"
               "# names, regular expressions (sorted), then all_others.\n"
               "paths:\n"
               "  # example:\n"
               "  # my_camera:\n"
               "  #   source: rtsp://my_camera\n"
               "\n"
               "  # Settings under all_others apply to every path that "
               "matches no\n"
               "  # other entry: here, anyone may publish and read any "
               "path.\n"
               "  all_others:\n");
    }
    return rc;
}
