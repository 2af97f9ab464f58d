/*
 * Fuzz target: the server handshake.  The input is cut in two at a point
 * chosen by its first byte, and both pieces go through
 * sl_rtmp_handshake_server as a client would send them.  Properties: no
 * crash; bytes consumed never exceed what was given; S0 S1 S2 are
 * written exactly once, 3073 bytes, and S2 echoes C1 unless the digest
 * handshake was chosen, in which case S1's digest validates.
 */
#include "proto/rtmp/handshake.h"
#include "base/err.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_rtmp_handshake h;
    struct sl_dbuf           out;
    size_t                   off = 0, cut;
    int                      rc, rounds = 0;

    if (size < 1) {
        return 0;
    }
    cut = (size_t)data[0] * 16;
    data++;
    size--;
    sl_dbuf_init(&out, 1 << 16);
    sl_rtmp_handshake_init(&h);
    while (off < size && rounds++ < 8) {
        size_t end = off < cut && cut < size ? cut : size;

        rc = sl_rtmp_handshake_server(&h, data + off, end - off, &out);
        if (rc == SL_EAGAIN) {
            if (end == size) {
                break;
            }
            cut = size;
            continue;
        }
        if (rc < 0) {
            break;
        }
        if ((size_t)rc > end - off) {
            abort();
        }
        if (h.state == SL_RTMP_HS_C2 && off == 0) {
            const uint8_t *s = sl_dbuf_data(&out);

            if (out.len != 1 + 2 * SL_RTMP_HANDSHAKE_SIZE || s[0] != 3) {
                abort();
            }
            if (!h.digest
                && memcmp(s + 1 + SL_RTMP_HANDSHAKE_SIZE, data + 1,
                          SL_RTMP_HANDSHAKE_SIZE)
                       != 0)
            {
                abort();
            }
            if (h.digest
                && sl_rtmp_digest_find(s + 1, sl_rtmp_fms_key,
                                       SL_RTMP_FMS_KEY_TEXT)
                       != h.scheme)
            {
                abort();
            }
        }
        off += (size_t)rc;
    }
    if (out.len != 0 && out.len != 1 + 2 * SL_RTMP_HANDSHAKE_SIZE) {
        abort();
    }
    sl_dbuf_free(&out);
    return 0;
}
