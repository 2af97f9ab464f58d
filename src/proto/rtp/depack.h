/*
 * RTP depacketizers: turn the packets of one RTP format into access units.
 *
 * One struct sl_rtp_depack per received track, owned by its creator and
 * used from one thread.  Packets are pushed in arrival order (there is no
 * reordering here: a jitter buffer, when wanted, sits in front).  Complete
 * AUs are delivered synchronously through a callback; their bytes live in
 * the depacketizer and are valid only during the call.
 *
 * AU payload formats:
 *   H.264 / H.265: AVCC, i.e. every NALU prefixed by its 4-byte big-endian
 *                  length; parameter sets appear where they were in-band
 *                  (nothing is inserted).
 *   AAC (mpeg4-generic and LATM): one raw AU, no ADTS header.
 *   VP9: one frame, or a superframe when a picture has several (spatial
 *         layers); key from the frame header.
 *   Opus: one packet.  G.711: the payload bytes.
 *   Anything else (generic): the RTP payload as is, key = true.
 *
 * Rules, caps and unsupported features: docs/internals/RTP.md.
 */
#ifndef SL_PROTO_RTP_DEPACK_H
#define SL_PROTO_RTP_DEPACK_H

#include "proto/rtp/format.h"
#include "proto/rtp/rtp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


struct sl_rtp_au {
    const uint8_t *data;
    size_t         len;
    uint32_t       ts; /* RTP timestamp of this AU */
    bool           key;
};

/* Called by the depacketizer for every complete AU, from inside push. */
typedef void sl_rtp_au_fn(void *ud, const struct sl_rtp_au *au);

struct sl_rtp_depack;


/*
 * Creates a depacketizer for f (copied).  Codecs without a dedicated
 * depacketizer (AV1, VP8, M-JPEG, MPEG-4/1/2 video, MP3, AC-3, G.722, LPCM,
 * KLV, MPEG-TS, generic) pass payloads through.  Never returns NULL.
 */
struct sl_rtp_depack *sl_rtp_depack_new(const struct sl_rtp_format *f);
/* Frees *d (with any partial AU) and sets it to NULL; NULL is a no-op. */
void sl_rtp_depack_free(struct sl_rtp_depack **d);
/*
 * Feeds one parsed packet (pkt->payload must stay valid during the call).
 * Emits 0..n AUs through fn.  Returns 0, or a negative code when something
 * had to be dropped: SL_EBADDATA (malformed packet, fragment without start,
 * sequence gap or timestamp change inside a fragmented unit: the partial AU
 * is discarded, as are the AU's remaining packets), SL_ELIMIT (an AU over a
 * cap) or SL_EUNSUP (an unsupported packet type).  The depacketizer stays
 * usable after any error.
 */
int sl_rtp_depack_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
                       sl_rtp_au_fn *fn, void *ud);
/*
 * Latest parameter sets seen, from fmtp or in-band: H.264 SPS/PPS, H.265
 * VPS/SPS/PPS (NULL and 0 when none).  Pointers stay valid until the next
 * push or free.  Any output pointer may be NULL.
 */
void sl_rtp_depack_params(const struct sl_rtp_depack *d, const uint8_t **sps,
                          size_t *sps_len, const uint8_t **pps, size_t *pps_len,
                          const uint8_t **vps, size_t *vps_len);
/* Number of packets or AUs dropped so far (for rate-limited reporting). */
uint64_t sl_rtp_depack_errors(const struct sl_rtp_depack *d);


#endif /* SL_PROTO_RTP_DEPACK_H */
