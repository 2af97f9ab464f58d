/*
 * Internals shared by the packetizer implementations (pack_*.c): the
 * per-codec table and the packet writer.  Not for use outside
 * src/proto/rtp.
 */
#ifndef SL_PROTO_RTP_PACK_PRIV_H
#define SL_PROTO_RTP_PACK_PRIV_H

#include "proto/rtp/pack.h"


/* The output of one sl_rtp_pack_au call, rolled back as a whole on error. */
struct sl_rtp_pack_out {
    struct sl_dbuf *out;
    uint32_t       *offs;
    uint32_t       *lens;
    size_t          max_parts;
    size_t          n;
    uint8_t         channel;
    uint32_t        ts;
};

/* One codec's packetizer, registered in pack.c. */
struct sl_rtp_pack_type {
    const char *name;
    size_t      priv_size; /* zeroed state allocated by the framework */
    /*
     * Packetizes au[0..len) (len >= 1) through sl_rtp_pack_packet.  Returns
     * 0 or a negative code; the framework rolls back the output and the
     * sequence number on error, so state changes must come last.
     */
    int (*pack)(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
                struct sl_rtp_pack_out *o);
};

struct sl_rtp_pack {
    const struct sl_rtp_pack_type *type;
    int                            codec;
    uint8_t                        pt;
    uint32_t                       clock_rate;
    uint32_t                       ssrc;
    uint16_t                       seq;
    size_t                         max_payload;
    void                          *priv;
};

extern const struct sl_rtp_pack_type sl_rtp_pack_h264;
extern const struct sl_rtp_pack_type sl_rtp_pack_h265;
extern const struct sl_rtp_pack_type sl_rtp_pack_aac;
extern const struct sl_rtp_pack_type sl_rtp_pack_av1;
extern const struct sl_rtp_pack_type sl_rtp_pack_vp8;
extern const struct sl_rtp_pack_type sl_rtp_pack_vp9;


/*
 * Appends one packet with a payload of payload_len bytes (<= max_payload)
 * and returns where the payload goes; the caller writes exactly
 * payload_len bytes there before the next call.  NULL when max_parts or
 * out's cap would be exceeded (the AU then fails with SL_ELIMIT).
 */
uint8_t *sl_rtp_pack_packet(struct sl_rtp_pack *p, struct sl_rtp_pack_out *o,
                            size_t payload_len, bool marker);


#endif /* SL_PROTO_RTP_PACK_PRIV_H */
