/*
 * Tests of src/conf/doc.c: sluice.yml is the generated reference, documents
 * every key of the tables, loads, and equals the built-in defaults.
 * SL_UPDATE_SLUICE_YML=1 rewrites sluice.yml from the tables.
 */
#include "conf/conf.h"
#include "conf/load.h"
#include "conf/table.h"
#include "base/alloc.h"
#include "base/dbuf.h"
#include "base/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>


#define SLUICE_YML SL_SOURCE_DIR "/sluice.yml"


static char *read_all(const char *path);
static void  check_keys(const char *text, const struct sl_conf_table *t,
                        const char *indent);


static char *
read_all(const char *path)
{
    FILE  *f = fopen(path, "rb");
    char  *buf;
    long   n;
    size_t got;

    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = sl_malloc((size_t)n + 1);
    got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}


/* Every key: "<indent>key:" at a line start, or "# key:" when deprecated. */
static void
check_keys(const char *text, const struct sl_conf_table *t, const char *indent)
{
    char   want[200];
    size_t i;

    for (i = 0; i < t->n; i++) {
        const struct sl_conf_field *f = &t->fields[i];
        bool dep = f->type == SL_CT_ALIAS || (f->flags & SL_CF_DEPRECATED) != 0;

        if (f->type == SL_CT_SECTION) {
            continue;
        }
        snprintf(want, sizeof(want), "\n%s%s%s:", indent, dep ? "# " : "",
                 f->key);
        if (strstr(text, want) == NULL) {
            fail_msg("sluice.yml does not document '%s'", f->key);
        }
    }
}


static void
test_sluice_yml_is_the_generated_reference(void **state)
{
    struct sl_dbuf b;
    char          *text = read_all(SLUICE_YML);
    FILE          *f;

    (void)state;
    sl_dbuf_init(&b, 1 << 20);
    assert_int_equal(sl_conf_write_reference(&b), 0);
    if (getenv("SL_UPDATE_SLUICE_YML") != NULL) {
        f = fopen(SLUICE_YML, "wb");
        assert_non_null(f);
        fwrite(sl_dbuf_data(&b), 1, b.len, f);
        fclose(f);
        sl_free(text);
        text = read_all(SLUICE_YML);
    }
    assert_non_null(text);
    if (strlen(text) != b.len || memcmp(text, sl_dbuf_data(&b), b.len) != 0) {
        fail_msg("sluice.yml differs from the field tables; run "
                 "SL_UPDATE_SLUICE_YML=1 unit_conf_doc_test");
    }
    check_keys(text, &sl_conf_global_table, "");
    check_keys(text, &sl_conf_path_table, "  ");
    sl_free(text);
    sl_dbuf_free(&b);
}


static void
test_sluice_yml_loads_to_defaults_with_all_others(void **state)
{
    struct sl_conf *c = NULL;
    struct sl_conf *d = NULL;
    char            err[512];
    size_t          i;

    (void)state;
    if (sl_conf_load(SLUICE_YML, &c, err, sizeof(err)) != 0) {
        fail_msg("sluice.yml: %s", err);
    }
    assert_int_equal(sl_conf_load_string("", 0, &d, err, sizeof(err)), 0);
    for (i = 0; i < sl_conf_global_table.n; i++) {
        const struct sl_conf_field *f = &sl_conf_global_table.fields[i];

        if (!sl_conf_field_equal(f, c, d)) {
            fail_msg("sluice.yml sets '%s' to a non-default value", f->key);
        }
    }
    for (i = 0; i < sl_conf_path_table.n; i++) {
        const struct sl_conf_field *f = &sl_conf_path_table.fields[i];

        if (!sl_conf_field_equal(f, &c->path_defaults, &d->path_defaults)) {
            fail_msg("sluice.yml sets '%s' to a non-default value", f->key);
        }
    }
    assert_int_equal(c->npaths, 1);
    assert_string_equal(c->paths[0].name, "all_others");
    assert_non_null(sl_conf_find_path(c, "any/stream", NULL));
    assert_string_equal(c->rtsp_address, ":8554");
    assert_string_equal(c->rtmp_address, ":1935");
    assert_int_equal(sl_conf_warn_unimplemented(c, NULL), 0);
    sl_conf_free(&c);
    sl_conf_free(&d);
}


static void
test_every_default_parses(void **state)
{
    const struct sl_conf_table *tables[] = {&sl_conf_global_table,
                                            &sl_conf_path_table};
    size_t                      k, i;

    (void)state;
    /* A default that does not parse would silently leave a zero value. */
    for (k = 0; k < 2; k++) {
        for (i = 0; i < tables[k]->n; i++) {
            const struct sl_conf_field *f = &tables[k]->fields[i];
            char                        yaml[1200];
            struct sl_conf             *c = NULL;
            char                        err[512];

            if (f->type == SL_CT_SECTION || f->type == SL_CT_ALIAS
                || f->def == NULL || f->def[0] == '\0')
            {
                continue;
            }
            snprintf(
                yaml, sizeof(yaml), "%s%s: %s%s%s\n",
                k == 1 ? "pathDefaults:\n  " : "", f->key,
                f->type == SL_CT_STRING || f->type == SL_CT_ENUM ? "'" : "",
                f->def,
                f->type == SL_CT_STRING || f->type == SL_CT_ENUM ? "'" : "");
            if (sl_conf_load_string(yaml, strlen(yaml), &c, err, sizeof(err))
                != 0) {
                fail_msg("default of '%s' does not parse: %s", f->key, err);
            }
            sl_conf_free(&c);
        }
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sluice_yml_is_the_generated_reference),
        cmocka_unit_test(test_sluice_yml_loads_to_defaults_with_all_others),
        cmocka_unit_test(test_every_default_parses),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
