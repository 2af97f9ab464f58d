/*
 * Fuzz target: a sequence of RTP packets (each a 2-byte big-endian length
 * and the packet) -> sl_rtp_parse -> the VP9 depacketizer.  Property: no
 * crash, no leak, and every AU is non-empty, within the frame cap plus a
 * superframe index, with a key flag that agrees with the frame header;
 * otherwise abort().
 */
#include "base/bytes.h"
#include "codec/vp9.h"
#include "proto/rtp/depack.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void on_au(void *ud, const struct sl_rtp_au *au);


static void
on_au(void *ud, const struct sl_rtp_au *au)
{
    (void)ud;
    if (au->len == 0 || au->len > SL_VPX_MAX_FRAME_SIZE + 34
        || au->key != sl_vp9_is_key(au->data, au->len))
    {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_rtp_format  f;
    struct sl_rtp_depack *d;
    size_t                off = 0;

    if (sl_rtp_format_from_sdp(&f, 96, sl_str_lit("VP9"), 90000, 0,
                               sl_str_lit(""))
        != 0)
    {
        abort();
    }
    d = sl_rtp_depack_new(&f);
    while (size - off >= 2) {
        size_t            len = sl_rb16(data + off);
        struct sl_rtp_pkt pkt;

        off += 2;
        if (len > size - off) {
            len = size - off;
        }
        if (sl_rtp_parse(data + off, len, &pkt) == 0) {
            (void)sl_rtp_depack_push(d, &pkt, on_au, NULL);
        }
        off += len;
    }
    sl_rtp_depack_free(&d);
    return 0;
}
