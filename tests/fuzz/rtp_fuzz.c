/*
 * Fuzz target: one RTP packet -> sl_rtp_parse.  Property: no crash, the
 * payload lies inside the input, and a header written from the parsed
 * fields parses back to the same fields.  Uses only proto/rtp and base/.
 */
#include "proto/rtp/rtp.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_rtp_pkt pkt;
    struct sl_rtp_pkt again;
    uint8_t           hdr[12];

    if (sl_rtp_parse(data, size, &pkt) != 0) {
        return 0;
    }
    if (pkt.header_len < 12 || pkt.header_len > size
        || pkt.payload != data + pkt.header_len
        || pkt.payload_len > size - pkt.header_len)
    {
        abort();
    }
    sl_rtp_write_header(hdr, pkt.marker, pkt.pt, pkt.seq, pkt.ts, pkt.ssrc);
    if (sl_rtp_parse(hdr, sizeof(hdr), &again) != 0
        || again.marker != pkt.marker || again.pt != pkt.pt
        || again.seq != pkt.seq || again.ts != pkt.ts || again.ssrc != pkt.ssrc
        || again.payload_len != 0)
    {
        abort();
    }
    return 0;
}
