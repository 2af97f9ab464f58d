/*
 * Sluice: AAC packetizer, RFC 3640 mpeg4-generic in AAC-hbr mode
 * (sizeLength 13, indexLength 3, indexDeltaLength 3): one AU per call, one
 * AU header per packet.  An AU larger than the payload is fragmented
 * (3.2.3): every fragment repeats the AU header with the whole AU's size,
 * and only the last one has the marker bit.
 */
#include "proto/rtp/pack_priv.h"
#include "base/bytes.h"
#include "base/err.h"

#include <string.h>


#define AU_HEADER_SECTION 4    /* AU-headers-length (16) + one 16-bit header */
#define MAX_AU_SIZE       8191 /* what 13 bits of AU-size can say */


static int pack_aac(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
                    struct sl_rtp_pack_out *o);


const struct sl_rtp_pack_type sl_rtp_pack_aac = {
    .name = "mpeg4-generic",
    .priv_size = 0,
    .pack = pack_aac,
};


static int
pack_aac(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
         struct sl_rtp_pack_out *o)
{
    size_t chunk = p->max_payload - AU_HEADER_SECTION;
    size_t off = 0;

    if (len > MAX_AU_SIZE) {
        return SL_ELIMIT;
    }
    while (off < len) {
        size_t   take = len - off < chunk ? len - off : chunk;
        bool     last = off + take == len;
        uint8_t *d = sl_rtp_pack_packet(p, o, AU_HEADER_SECTION + take, last);

        if (d == NULL) {
            return SL_ELIMIT;
        }
        sl_wb16(d, 16);                       /* AU-headers-length, bits */
        sl_wb16(d + 2, (uint16_t)(len << 3)); /* AU-size, AU-index 0 */
        memcpy(d + AU_HEADER_SECTION, au + off, take);
        off += take;
    }
    return 0;
}
