/* Sluice: RTP header parsing and writing (RFC 3550 5.1). */
#include "proto/rtp/rtp.h"
#include "base/bytes.h"
#include "base/err.h"


int
sl_rtp_parse(const uint8_t *p, size_t len, struct sl_rtp_pkt *out)
{
    size_t hlen;
    size_t end = len;

    if (len < SL_RTP_HEADER_LEN || (p[0] >> 6) != 2) {
        return SL_EBADDATA;
    }
    hlen = SL_RTP_HEADER_LEN + (size_t)(p[0] & 0x0f) * 4;
    if (hlen > len) {
        return SL_EBADDATA;
    }
    if (p[0] & 0x10) {
        size_t ext;

        if (len - hlen < 4) {
            return SL_EBADDATA;
        }
        ext = 4 + (size_t)sl_rb16(p + hlen + 2) * 4;
        if (ext > len - hlen) {
            return SL_EBADDATA;
        }
        hlen += ext;
    }
    if (p[0] & 0x20) {
        uint8_t pad = p[len - 1];

        /* The count includes itself, so 0 is invalid. */
        if (pad == 0 || pad > len - hlen) {
            return SL_EBADDATA;
        }
        end -= pad;
    }
    out->marker = (p[1] & 0x80) != 0;
    out->pt = p[1] & 0x7f;
    out->seq = sl_rb16(p + 2);
    out->ts = sl_rb32(p + 4);
    out->ssrc = sl_rb32(p + 8);
    out->payload = p + hlen;
    out->payload_len = end - hlen;
    out->header_len = hlen;
    return 0;
}


void
sl_rtp_write_header(uint8_t out[12], bool marker, uint8_t pt, uint16_t seq,
                    uint32_t ts, uint32_t ssrc)
{
    out[0] = 0x80;
    out[1] = (uint8_t)((marker ? 0x80 : 0) | (pt & 0x7f));
    sl_wb16(out + 2, seq);
    sl_wb32(out + 4, ts);
    sl_wb32(out + 8, ssrc);
}
