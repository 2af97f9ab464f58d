/*
 * Fuzz target: a sequence of RTP packets (each a 2-byte big-endian length
 * and the packet) -> sl_rtp_parse -> the H265 depacketizer.  Property: no
 * crash, no leak, and every AU is valid AVCC (no empty NALU, nothing past
 * the end) within the AU caps; otherwise abort().
 */
#include "base/bytes.h"
#include "codec/nalu.h"
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
    if (au->len == 0 || au->len > SL_NALU_MAX_AU_SIZE
        || sl_avcc_validate(au->data, au->len) <= 0)
    {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_rtp_format  f;
    struct sl_rtp_depack *d;
    const uint8_t        *sps;
    const uint8_t        *pps;
    const uint8_t        *vps;
    size_t                sps_len;
    size_t                pps_len;
    size_t                vps_len;
    size_t                off = 0;

    if (sl_rtp_format_from_sdp(&f, 96, sl_str_lit("H265"), 90000, 0,
                               sl_str_lit("packetization-mode=1"))
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
    sl_rtp_depack_params(d, &sps, &sps_len, &pps, &pps_len, &vps, &vps_len);
    if (sps_len > SL_RTP_PARAM_MAX || pps_len > SL_RTP_PARAM_MAX
        || vps_len > SL_RTP_PARAM_MAX)
    {
        abort();
    }
    sl_rtp_depack_free(&d);
    return 0;
}
