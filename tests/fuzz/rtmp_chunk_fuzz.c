/*
 * Fuzz target: an arbitrary byte stream into the chunk reader (Set Chunk
 * Size, Abort, every header type included), fed in windows whose size
 * comes from the first byte, with small caps so they are reached.
 * Properties: no crash, no leak; each complete message is written back
 * with sl_rtmp_write_message and read again by a fresh reader to the same
 * header and bytes.
 */
#include "proto/rtmp/chunk.h"
#include "base/err.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void roundtrip(const struct sl_rtmp_msg *m);


static void
roundtrip(const struct sl_rtmp_msg *m)
{
    struct sl_rtmp_chunk_reader r;
    struct sl_rtmp_msg          back;
    struct sl_dbuf              out;
    const uint8_t              *p;
    size_t                      left;
    bool                        complete = false;

    sl_dbuf_init(&out, 1 << 20);
    if (sl_rtmp_write_message(&out, m->csid,
                              m->type == 1 || m->type == 2 ? 30 : m->type,
                              m->msid, m->ts, m->data, m->len, 4096)
        != 0)
    {
        abort();
    }
    sl_rtmp_chunk_reader_init(&r, NULL);
    r.chunk_size = 4096;
    p = sl_dbuf_data(&out);
    left = out.len;
    while (left > 0) {
        int rc = sl_rtmp_chunk_read(&r, p, left, &back, &complete);

        if (rc <= 0) {
            abort();
        }
        p += rc;
        left -= (size_t)rc;
    }
    if (!complete || back.csid != m->csid || back.msid != m->msid
        || back.ts != m->ts || back.len != m->len
        || (m->len > 0 && memcmp(back.data, m->data, m->len) != 0))
    {
        abort();
    }
    sl_rtmp_chunk_reader_free(&r);
    sl_dbuf_free(&out);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_rtmp_limits       lim = {.max_message = 1 << 16,
                                       .max_chunk_streams = 8,
                                       .reassembly_budget = 1 << 17};
    struct sl_rtmp_chunk_reader r;
    size_t                      off = 0, end = 0, step;

    if (size < 1) {
        return 0;
    }
    step = (size_t)data[0] + 1;
    data++;
    size--;
    sl_rtmp_chunk_reader_init(&r, &lim);
    while (off < size) {
        struct sl_rtmp_msg m;
        bool               complete;
        int                rc;

        if (end <= off) {
            end = off;
        }
        end = end + step < size ? end + step : size;
        rc = sl_rtmp_chunk_read(&r, data + off, end - off, &m, &complete);
        if (rc == SL_EAGAIN) {
            if (end == size) {
                break;
            }
            continue;
        }
        if (rc < 0) {
            break;
        }
        if (rc == 0 || (size_t)rc > end - off || r.used > r.budget) {
            abort();
        }
        off += (size_t)rc;
        if (complete) {
            if (m.len > lim.max_message || (m.len > 0 && m.data == NULL)) {
                abort();
            }
            roundtrip(&m);
        }
    }
    sl_rtmp_chunk_reader_free(&r);
    return 0;
}
