/*
 * RTP packetizers: turn access units into RTP packets, the inverse of
 * proto/rtp/depack.h, plus the SDP pieces that describe their output.
 *
 * One struct sl_rtp_pack per sent track, owned by its creator and used
 * from one thread (the stream's worker encodes once per frame for every
 * RTSP/WebRTC reader).  sl_rtp_pack_au appends the packets of one AU to a
 * caller's capped struct sl_dbuf, each preceded by the 4-byte RTSP
 * interleaved header ('$', channel, 16-bit length), so the bytes can be
 * sent as they are over RTSP/TCP; parts[] give each RTP packet's offset
 * (after the 4 bytes) and length for UDP, SRTP or channel rewriting.
 *
 * AU input formats (the same as the depacketizers' output):
 *   H.264 / H.265  AVCC (4-byte lengths); every NALU is sent.
 *   AV1            a temporal unit in the low-overhead format.
 *   VP8 / VP9      one frame (a VP9 superframe is one frame here).
 *   AAC            one raw AU (mpeg4-generic, AAC-hbr).
 *   Opus           one packet.  G.711 and others: the payload as is.
 *
 * Payloads never exceed max_payload.  Rules, caps and what is not
 * supported: docs/internals/CONVERSION.md.
 */
#ifndef SL_PROTO_RTP_PACK_H
#define SL_PROTO_RTP_PACK_H

#include "base/dbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


/* MediaMTX's udpMaxPayloadSize (1472) minus the 12-byte RTP header. */
#define SL_RTP_PACK_DEFAULT_PAYLOAD (1472 - 12)
/* Smallest accepted max_payload (room for every fragmentation header). */
#define SL_RTP_PACK_MIN_PAYLOAD 16
/* The interleaved length is 16 bits: 12 + payload <= 65535. */
#define SL_RTP_PACK_MAX_PAYLOAD (65535 - 12)
/* Size of the interleaved header before every packet in the output. */
#define SL_RTP_PACK_FRAMING 4

struct sl_rtp_pack;

/* Codec parameters for sl_rtp_pack_sdp; unused fields are 0/NULL. */
struct sl_rtp_pack_params {
    const uint8_t *sps; /* H.264 / H.265 parameter sets, NALUs */
    size_t         sps_len;
    const uint8_t *pps;
    size_t         pps_len;
    const uint8_t *vps;
    size_t         vps_len;
    const uint8_t *asc; /* AAC AudioSpecificConfig */
    size_t         asc_len;
    uint32_t       channels;   /* Opus, G.711 (0: 1 for G.711, 2 for Opus) */
    uint32_t       rate;       /* G.711 clock (0: 8000) */
    bool           g711_mulaw; /* PCMU (true) or PCMA */
};


/*
 * Creates a packetizer for codec (enum sl_codec_id).  max_payload 0 means
 * SL_RTP_PACK_DEFAULT_PAYLOAD; other values are clamped to
 * SL_RTP_PACK_MIN_PAYLOAD..SL_RTP_PACK_MAX_PAYLOAD.  ssrc 0 means a random
 * SSRC and a random first sequence number; otherwise both are used as
 * given (tests, relays).  Codecs without a payload format of their own
 * (M-JPEG, MPEG-4/1/2 video, MP3, AC-3, LATM, LPCM, KLV, MPEG-TS, generic)
 * send each AU as one payload.  Never returns NULL.
 */
struct sl_rtp_pack *sl_rtp_pack_new(int codec, uint8_t pt, uint32_t clock_rate,
                                    uint32_t ssrc, uint16_t first_seq,
                                    size_t max_payload);
/* Frees *p and sets it to NULL; NULL is a no-op. */
void sl_rtp_pack_free(struct sl_rtp_pack **p);

/*
 * Packetizes one AU stamped ts (RTP clock) and appends the packets to out,
 * each as '$', channel, 16-bit length, RTP packet.  offs[i] is the offset
 * in out's data of packet i's RTP header, lens[i] its length (header
 * included); at most max_parts packets.  The last packet of a video AU has
 * the marker bit; AAC sets it on the packet that ends each AU; Opus and
 * G.711 never set it; other codecs set it on their single packet.
 *
 * Returns the number of packets (>= 1), or: SL_EBADDATA (empty or
 * malformed AU: invalid AVCC, an AV1 OBU that does not parse, a VP8/VP9
 * frame whose header does not parse), SL_ELIMIT (AU over a cap, a payload
 * that cannot be split and does not fit, more than max_parts packets, or
 * out's cap).  On error out, the sequence number and the packetizer's
 * state are unchanged.
 */
int sl_rtp_pack_au(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
                   uint32_t ts, uint8_t channel, struct sl_dbuf *out,
                   uint32_t *offs, uint32_t *lens, size_t max_parts);
/* The sequence number the next packet will carry. */
uint16_t sl_rtp_pack_next_seq(const struct sl_rtp_pack *p);
uint32_t sl_rtp_pack_ssrc(const struct sl_rtp_pack *p);

/*
 * The SDP description of a codec's RTP format: the rtpmap encoding name
 * (NUL-terminated in encoding), clock rate and channel count (0 for
 * video), and the fmtp parameter text appended to fmtp (nothing appended
 * when there is none):
 *   H.264  H264/90000  packetization-mode=1[;profile-level-id=..]
 *                      [;sprop-parameter-sets=SPS,PPS]
 *   H.265  H265/90000  [sprop-vps=..;sprop-sps=..;sprop-pps=..]
 *   AAC    mpeg4-generic/<rate>/<channels>  streamtype=5;
 *          profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;
 *          indexdeltalength=3;config=<ASC hex>
 *   Opus   opus/48000/2  sprop-stereo=0|1
 *   VP8, VP9, AV1  <name>/90000, no fmtp
 *   G.711  PCMU|PCMA/<rate>/<channels>
 * Returns 0; SL_EBADDATA (an AAC config that does not parse, Opus with
 * more than 2 channels); SL_EUNSUP (a codec without an SDP mapping here);
 * SL_ELIMIT (encoding too small, fmtp's cap).  On error fmtp is unchanged.
 */
int sl_rtp_pack_sdp(int codec, const struct sl_rtp_pack_params *params,
                    char *encoding, size_t enc_size, uint32_t *clock,
                    uint32_t *channels, struct sl_dbuf *fmtp);

/*
 * Converts v from clock rate `from` to clock rate `to`, rounding to the
 * nearest (halves away from zero), without intermediate overflow: exact
 * for any |v| up to 2^62 as long as the result fits; results beyond
 * int64_t saturate.  from == 0 returns 0.
 */
int64_t sl_rescale(int64_t v, uint32_t from, uint32_t to);


#endif /* SL_PROTO_RTP_PACK_H */
