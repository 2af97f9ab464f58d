/*
 * Loader for the codec fixtures in tests/unit/codec/data (made by
 * gen_fixtures.sh): an .aus file is "SLAU" then records of u32 length,
 * u8 flags (1 = key), s64 pts, s64 dts (big-endian) and the bytes; a .cfg
 * file is the container's extradata.  Header-only, for tests.
 */
#ifndef SL_TESTS_UNIT_CODEC_FIXTURE_H
#define SL_TESTS_UNIT_CODEC_FIXTURE_H

#include "base/alloc.h"
#include "base/bytes.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>


#define FIXTURE_MAX_AUS 256
#define FIXTURE_DIR     SL_SOURCE_DIR "/tests/unit/codec/data/"

struct fixture_au {
    const uint8_t *data;
    size_t         len;
    bool           key;
    int64_t        pts;
    int64_t        dts;
};

struct fixture {
    uint8_t          *file; /* whole .aus file; AUs point into it */
    size_t            file_len;
    struct fixture_au au[FIXTURE_MAX_AUS];
    size_t            n;
    uint8_t           cfg[4096];
    size_t            cfg_len;
};


static inline uint8_t *
fixture_read_file(const char *path, size_t *len)
{
    FILE    *fp = fopen(path, "rb");
    uint8_t *buf;
    long     n;

    if (fp == NULL) {
        return NULL;
    }
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = sl_malloc(n > 0 ? (size_t)n : 1);
    *len = fread(buf, 1, (size_t)n, fp);
    fclose(fp);
    return buf;
}


/* Loads data/<name>.aus and, when present, data/<name>.cfg. */
static inline bool
fixture_load(struct fixture *fx, const char *name)
{
    char     path[512];
    uint8_t *cfg;
    size_t   off = 4;
    size_t   cfg_len = 0;

    memset(fx, 0, sizeof(*fx));
    snprintf(path, sizeof(path), FIXTURE_DIR "%s.aus", name);
    fx->file = fixture_read_file(path, &fx->file_len);
    if (fx->file == NULL || fx->file_len < 4
        || memcmp(fx->file, "SLAU", 4) != 0) {
        return false;
    }
    while (fx->file_len - off >= 21 && fx->n < FIXTURE_MAX_AUS) {
        struct fixture_au *a = &fx->au[fx->n];
        uint32_t           len = sl_rb32(fx->file + off);

        a->key = fx->file[off + 4] & 1;
        a->pts = (int64_t)sl_rb64(fx->file + off + 5);
        a->dts = (int64_t)sl_rb64(fx->file + off + 13);
        off += 21;
        if (len > fx->file_len - off) {
            return false;
        }
        a->data = fx->file + off;
        a->len = len;
        off += len;
        fx->n++;
    }
    snprintf(path, sizeof(path), FIXTURE_DIR "%s.cfg", name);
    cfg = fixture_read_file(path, &cfg_len);
    if (cfg != NULL) {
        if (cfg_len <= sizeof(fx->cfg)) {
            memcpy(fx->cfg, cfg, cfg_len);
            fx->cfg_len = cfg_len;
        }
        sl_free(cfg);
    }
    return fx->n > 0;
}


static inline void
fixture_free(struct fixture *fx)
{
    sl_freep(&fx->file);
}


#endif /* SL_TESTS_UNIT_CODEC_FIXTURE_H */
