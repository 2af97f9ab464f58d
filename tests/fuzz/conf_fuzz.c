/*
 * Fuzz target: YAML configuration text -> sl_conf_load_string.  Property:
 * no crash, no leak; a successful load can be looked up and freed.
 * Uses only conf/ and base/.
 */
#include "conf/conf.h"

#include <stddef.h>
#include <stdint.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_conf      *c = NULL;
    struct sl_path_match m;
    char                 err[512];

    if (sl_conf_load_string((const char *)data, size, &c, err, sizeof(err))
        == 0) {
        (void)sl_conf_find_path(c, "cam1", &m);
        (void)sl_conf_find_path(c, "a/b/c", &m);
        sl_conf_free(&c);
    }
    return 0;
}
