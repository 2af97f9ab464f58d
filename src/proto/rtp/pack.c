/*
 * Sluice: RTP packetizer framework, the registry of per-codec packetizers,
 * the one-AU-one-packet ones (Opus, G.711, generic) and clock rescaling.
 */
#include "proto/rtp/pack.h"
#include "proto/rtp/pack_priv.h"
#include "proto/rtp/rtp.h"
#include "base/alloc.h"
#include "base/bytes.h"
#include "base/crypto.h"
#include "base/err.h"
#include "codec/codec.h"

#include <string.h>


static int simple_pack(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
                       struct sl_rtp_pack_out *o);
static int mpa_pack(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
                    struct sl_rtp_pack_out *o);


/*
 * Opus (RFC 7587) and G.711 (RFC 3551): one AU per packet, no marker (we
 * do not know where talkspurts start).  Generic: the AU is the payload and
 * ends a unit, so it is marked.
 */
static const struct sl_rtp_pack_type pack_audio = {
    .name = "audio",
    .priv_size = 0,
    .pack = simple_pack,
};

/*
 * MPEG audio (MP3) as RFC 2250 3.5: a 4-byte header (16 bits zero, the
 * fragment's byte offset in the frame) before each piece of one frame.
 */
static const struct sl_rtp_pack_type pack_mpa = {
    .name = "mpa",
    .priv_size = 0,
    .pack = mpa_pack,
};

static const struct sl_rtp_pack_type pack_generic = {
    .name = "generic",
    .priv_size = 0,
    .pack = simple_pack,
};


static int
simple_pack(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
            struct sl_rtp_pack_out *o)
{
    uint8_t *d;

    if (len > p->max_payload) {
        return SL_ELIMIT; /* these payload formats cannot be split */
    }
    d = sl_rtp_pack_packet(p, o, len, p->type == &pack_generic);
    if (d == NULL) {
        return SL_ELIMIT;
    }
    memcpy(d, au, len);
    return 0;
}


static int
mpa_pack(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
         struct sl_rtp_pack_out *o)
{
    size_t chunk = p->max_payload - 4, off = 0;

    if (len > 0xffff) {
        return SL_ELIMIT; /* the offset field has 16 bits */
    }
    while (off < len) {
        size_t   n = len - off < chunk ? len - off : chunk;
        uint8_t *d = sl_rtp_pack_packet(p, o, n + 4, false);

        if (d == NULL) {
            return SL_ELIMIT;
        }
        d[0] = 0;
        d[1] = 0;
        sl_wb16(d + 2, (uint16_t)off);
        memcpy(d + 4, au + off, n);
        off += n;
    }
    return 0;
}


struct sl_rtp_pack *
sl_rtp_pack_new(int codec, uint8_t pt, uint32_t clock_rate, uint32_t ssrc,
                uint16_t first_seq, size_t max_payload)
{
    struct sl_rtp_pack *p = sl_calloc(1, sizeof(*p));

    switch (codec) {
    case SL_CODEC_H264:
        p->type = &sl_rtp_pack_h264;
        break;
    case SL_CODEC_H265:
        p->type = &sl_rtp_pack_h265;
        break;
    case SL_CODEC_AAC:
        p->type = &sl_rtp_pack_aac;
        break;
    case SL_CODEC_AV1:
        p->type = &sl_rtp_pack_av1;
        break;
    case SL_CODEC_VP8:
        p->type = &sl_rtp_pack_vp8;
        break;
    case SL_CODEC_VP9:
        p->type = &sl_rtp_pack_vp9;
        break;
    case SL_CODEC_OPUS:
    case SL_CODEC_G711:
        p->type = &pack_audio;
        break;
    case SL_CODEC_MP3:
        p->type = &pack_mpa;
        break;
    default:
        p->type = &pack_generic;
        break;
    }
    if (max_payload == 0) {
        max_payload = SL_RTP_PACK_DEFAULT_PAYLOAD;
    } else if (max_payload < SL_RTP_PACK_MIN_PAYLOAD) {
        max_payload = SL_RTP_PACK_MIN_PAYLOAD;
    } else if (max_payload > SL_RTP_PACK_MAX_PAYLOAD) {
        max_payload = SL_RTP_PACK_MAX_PAYLOAD;
    }
    p->codec = codec;
    p->pt = pt & 0x7f;
    p->clock_rate = clock_rate;
    p->max_payload = max_payload;
    if (ssrc == 0) {
        ssrc = sl_rand_u32();
        ssrc = ssrc == 0 ? 1 : ssrc;
        first_seq = (uint16_t)sl_rand_u32();
    }
    p->ssrc = ssrc;
    p->seq = first_seq;
    if (p->type->priv_size > 0) {
        p->priv = sl_calloc(1, p->type->priv_size);
    }
    return p;
}


void
sl_rtp_pack_free(struct sl_rtp_pack **pp)
{
    struct sl_rtp_pack *p = *pp;

    if (p == NULL) {
        return;
    }
    sl_free(p->priv);
    sl_free(p);
    *pp = NULL;
}


uint8_t *
sl_rtp_pack_packet(struct sl_rtp_pack *p, struct sl_rtp_pack_out *o,
                   size_t payload_len, bool marker)
{
    size_t   pkt_len = SL_RTP_HEADER_LEN + payload_len;
    uint8_t *d;

    if (o->n >= o->max_parts || payload_len > p->max_payload) {
        return NULL;
    }
    d = sl_dbuf_reserve(o->out, SL_RTP_PACK_FRAMING + pkt_len);
    if (d == NULL) {
        return NULL;
    }
    d[0] = '$';
    d[1] = o->channel;
    sl_wb16(d + 2, (uint16_t)pkt_len);
    sl_rtp_write_header(d + 4, marker, p->pt, p->seq, o->ts, p->ssrc);
    o->offs[o->n] = (uint32_t)(o->out->len + SL_RTP_PACK_FRAMING);
    o->lens[o->n] = (uint32_t)pkt_len;
    o->n++;
    p->seq++;
    sl_dbuf_commit(o->out, SL_RTP_PACK_FRAMING + pkt_len);
    return d + SL_RTP_PACK_FRAMING + SL_RTP_HEADER_LEN;
}


int
sl_rtp_pack_au(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
               uint32_t ts, uint8_t channel, struct sl_dbuf *out,
               uint32_t *offs, uint32_t *lens, size_t max_parts)
{
    struct sl_rtp_pack_out o = {
        .out = out,
        .offs = offs,
        .lens = lens,
        .max_parts = max_parts,
        .n = 0,
        .channel = channel,
        .ts = ts,
    };
    size_t   saved_len = out->len;
    uint16_t saved_seq = p->seq;
    int      rc;

    if (len == 0) {
        return SL_EBADDATA;
    }
    rc = p->type->pack(p, au, len, &o);
    if (rc == 0 && o.n == 0) {
        rc = SL_EBADDATA; /* nothing to send (e.g. only dropped OBUs) */
    }
    if (rc < 0) {
        out->len = saved_len;
        p->seq = saved_seq;
        return rc;
    }
    return (int)o.n;
}


uint16_t
sl_rtp_pack_next_seq(const struct sl_rtp_pack *p)
{
    return p->seq;
}


uint32_t
sl_rtp_pack_ssrc(const struct sl_rtp_pack *p)
{
    return p->ssrc;
}


int64_t
sl_rescale(int64_t v, uint32_t from, uint32_t to)
{
    uint64_t mag;
    uint64_t q;
    uint64_t r;
    uint64_t res;
    bool     neg = v < 0;

    if (from == 0) {
        return 0;
    }
    /* |v| as unsigned, INT64_MIN included. */
    mag = neg ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    q = mag / from;
    r = mag % from;
    /* r < from < 2^32 and to < 2^32: r * to fits in 64 bits. */
    res = (r * to + from / 2) / from;
    if (q != 0 && (uint64_t)to > (UINT64_MAX - res) / q) {
        return neg ? INT64_MIN : INT64_MAX;
    }
    res += q * to;
    if (neg) {
        if (res > (uint64_t)INT64_MAX) {
            return INT64_MIN; /* exactly 2^63, or saturated */
        }
        return -(int64_t)res;
    }
    return res > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)res;
}
