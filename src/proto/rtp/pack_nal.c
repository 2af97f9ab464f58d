/*
 * Sluice: H.264 (RFC 6184, packetization-mode 1: single NAL unit, STAP-A,
 * FU-A) and H.265 (RFC 7798 without DONL: single NAL unit, AP, FU)
 * packetizers.
 *
 * NALUs that fit are gathered greedily: consecutive NALUs that fit in one
 * packet together go in one aggregation packet (parameter sets with SEI
 * and small slices), a NALU alone goes as a single NAL unit packet, and a
 * NALU larger than the payload is fragmented.
 */
#include "proto/rtp/pack_priv.h"
#include "base/bytes.h"
#include "base/err.h"
#include "codec/h264.h"
#include "codec/h265.h"
#include "codec/nalu.h"

#include <string.h>


#define MAX_NALUS SL_NALU_MAX_PER_AU


struct nalu_ref {
    const uint8_t *p;
    size_t         len;
};


static int pack_nal(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
                    struct sl_rtp_pack_out *o, bool h265);
static int pack_h264(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
                     struct sl_rtp_pack_out *o);
static int pack_h265(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
                     struct sl_rtp_pack_out *o);
static int put_aggregate(struct sl_rtp_pack *p, struct sl_rtp_pack_out *o,
                         const struct nalu_ref *n, int count, bool h265,
                         bool marker);
static int put_fragments(struct sl_rtp_pack *p, struct sl_rtp_pack_out *o,
                         const struct nalu_ref *n, bool h265, bool marker);


const struct sl_rtp_pack_type sl_rtp_pack_h264 = {
    .name = "h264",
    .priv_size = 0,
    .pack = pack_h264,
};

const struct sl_rtp_pack_type sl_rtp_pack_h265 = {
    .name = "h265",
    .priv_size = 0,
    .pack = pack_h265,
};


static int
pack_h264(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
          struct sl_rtp_pack_out *o)
{
    return pack_nal(p, au, len, o, false);
}


static int
pack_h265(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
          struct sl_rtp_pack_out *o)
{
    return pack_nal(p, au, len, o, true);
}


/*
 * An aggregation packet (STAP-A, 5.7.1; AP, 4.4.2), or a single NAL unit
 * packet when count is 1.  The aggregate's header takes the OR of the F
 * bits and the highest NRI (H.264), or the lowest LayerId and TID (H.265).
 */
static int
put_aggregate(struct sl_rtp_pack *p, struct sl_rtp_pack_out *o,
              const struct nalu_ref *n, int count, bool h265, bool marker)
{
    size_t   hlen = h265 ? 2 : 1;
    size_t   total = hlen;
    uint8_t *d;
    int      i;

    if (count == 1) {
        d = sl_rtp_pack_packet(p, o, n[0].len, marker);
        if (d == NULL) {
            return SL_ELIMIT;
        }
        memcpy(d, n[0].p, n[0].len);
        return 0;
    }
    for (i = 0; i < count; i++) {
        total += 2 + n[i].len;
    }
    d = sl_rtp_pack_packet(p, o, total, marker);
    if (d == NULL) {
        return SL_ELIMIT;
    }
    if (h265) {
        unsigned f = 0;
        unsigned layer = 63;
        unsigned tid = 7;

        for (i = 0; i < count; i++) {
            unsigned l = ((n[i].p[0] & 1u) << 5) | (n[i].p[1] >> 3);
            unsigned t = n[i].p[1] & 7u;

            f |= n[i].p[0] & 0x80u;
            layer = l < layer ? l : layer;
            tid = t < tid ? t : tid;
        }
        d[0] = (uint8_t)(f | (SL_H265_NAL_AP << 1) | (layer >> 5));
        d[1] = (uint8_t)(((layer & 0x1f) << 3) | tid);
    } else {
        unsigned f = 0;
        unsigned nri = 0;

        for (i = 0; i < count; i++) {
            f |= n[i].p[0] & 0x80u;
            nri = (n[i].p[0] & 0x60u) > nri ? n[i].p[0] & 0x60u : nri;
        }
        d[0] = (uint8_t)(f | nri | SL_H264_NAL_STAP_A);
    }
    d += hlen;
    for (i = 0; i < count; i++) {
        sl_wb16(d, (uint16_t)n[i].len);
        memcpy(d + 2, n[i].p, n[i].len);
        d += 2 + n[i].len;
    }
    return 0;
}


/* FU-A (5.8) / FU (4.4.3): the NAL header is rebuilt from the FU headers. */
static int
put_fragments(struct sl_rtp_pack *p, struct sl_rtp_pack_out *o,
              const struct nalu_ref *n, bool h265, bool marker)
{
    size_t         hlen = h265 ? 2 : 1;
    size_t         chunk = p->max_payload - hlen - 1;
    const uint8_t *data = n->p + hlen;
    size_t         left = n->len - hlen;
    bool           first = true;

    while (left > 0) {
        size_t   take = left < chunk ? left : chunk;
        bool     last = take == left;
        uint8_t *d = sl_rtp_pack_packet(p, o, hlen + 1 + take, marker && last);
        uint8_t  type;

        if (d == NULL) {
            return SL_ELIMIT;
        }
        if (h265) {
            type = (uint8_t)sl_h265_nal_type(n->p[0]);
            d[0] = (uint8_t)((n->p[0] & 0x81) | (SL_H265_NAL_FU << 1));
            d[1] = n->p[1];
        } else {
            type = (uint8_t)sl_h264_nal_type(n->p[0]);
            d[0] = (uint8_t)((n->p[0] & 0xe0) | SL_H264_NAL_FU_A);
        }
        d[hlen] = (uint8_t)((first ? 0x80 : 0) | (last ? 0x40 : 0) | type);
        memcpy(d + hlen + 1, data, take);
        data += take;
        left -= take;
        first = false;
    }
    return 0;
}


static int
pack_nal(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
         struct sl_rtp_pack_out *o, bool h265)
{
    struct nalu_ref     n[MAX_NALUS];
    struct sl_avcc_iter it;
    size_t              hlen = h265 ? 2 : 1;
    int                 count = 0;
    int                 rc;
    int                 i;

    rc = sl_avcc_validate(au, len);
    if (rc < 0) {
        return rc;
    }
    sl_avcc_iter_init(&it, au, len);
    while (sl_avcc_next(&it, &n[count].p, &n[count].len) == 1) {
        /*
         * An H.265 NALU needs its 2-byte header.  Types reserved for RTP
         * payload structures (H.264 0 and 24..31, H.265 48..63) cannot be
         * sent: a receiver would take them for aggregates or fragments.
         */
        if (n[count].len < hlen) {
            return SL_EBADDATA;
        }
        if (h265 ? sl_h265_nal_type(n[count].p[0]) >= SL_H265_NAL_AP
                 : (sl_h264_nal_type(n[count].p[0]) == 0
                    || sl_h264_nal_type(n[count].p[0]) >= SL_H264_NAL_STAP_A))
        {
            return SL_EBADDATA;
        }
        count++;
    }
    i = 0;
    while (i < count) {
        bool last_nalu;

        if (n[i].len > p->max_payload) {
            rc = put_fragments(p, o, &n[i], h265, i == count - 1);
            if (rc < 0) {
                return rc;
            }
            i++;
            continue;
        }
        /* Gather the following NALUs that fit with this one. */
        {
            size_t total = hlen + 2 + n[i].len;
            int    j = i + 1;

            while (j < count && n[j].len <= p->max_payload
                   && total + 2 + n[j].len <= p->max_payload)
            {
                total += 2 + n[j].len;
                j++;
            }
            last_nalu = j == count;
            rc = put_aggregate(p, o, &n[i], j - i, h265, last_nalu);
            if (rc < 0) {
                return rc;
            }
            i = j;
        }
    }
    return 0;
}
