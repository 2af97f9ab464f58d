/*
 * RTP packet header parsing and writing (RFC 3550 section 5.1).
 *
 * sl_rtp_parse validates a packet in place and gives pointers into it; it
 * never allocates and never reads outside p[0..len).  Pure functions:
 * thread-safe.
 */
#ifndef SL_PROTO_RTP_RTP_H
#define SL_PROTO_RTP_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_RTP_HEADER_LEN 12

struct sl_rtp_pkt {
    bool           marker;
    uint8_t        pt;
    uint16_t       seq;
    uint32_t       ts;
    uint32_t       ssrc;
    const uint8_t *payload;     /* points into the parsed buffer */
    size_t         payload_len; /* padding excluded */
    size_t         header_len;  /* 12 + CSRCs + extension */
};


/*
 * Parses one RTP packet: version 2; CSRC list, header extension (RFC 3550
 * 5.3.1, any profile) and padding are all checked against len.  A packet
 * with an empty payload is valid.  Returns 0 or SL_EBADDATA; *out is
 * untouched on failure.
 */
int sl_rtp_parse(const uint8_t *p, size_t len, struct sl_rtp_pkt *out);
/* Writes a 12-byte header (version 2, no padding, CSRC or extension). */
void sl_rtp_write_header(uint8_t out[12], bool marker, uint8_t pt, uint16_t seq,
                         uint32_t ts, uint32_t ssrc);


#endif /* SL_PROTO_RTP_RTP_H */
