/*
 * Sluice: VP8 (RFC 7741) and VP9 (RFC 9628, non-flexible mode, one
 * spatial and temporal layer) packetizers.
 *
 * VP8: a 1-byte payload descriptor (no extensions, partition index 0), S
 * set on the frame's first packet.  VP9: I (15-bit picture ID, incremented
 * per frame), P on inter frames, B and E on the frame's first and last
 * packets, and on a keyframe's first packet V with scalability structure
 * data giving the picture size (one spatial layer, no picture groups).
 */
#include "proto/rtp/pack_priv.h"
#include "base/bytes.h"
#include "base/crypto.h"
#include "base/err.h"
#include "codec/vp8.h"
#include "codec/vp9.h"

#include <string.h>


struct vp9_state {
    bool     started;
    uint16_t picture_id; /* 15 bits */
};


static int pack_vp8(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
                    struct sl_rtp_pack_out *o);
static int pack_vp9(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
                    struct sl_rtp_pack_out *o);


const struct sl_rtp_pack_type sl_rtp_pack_vp8 = {
    .name = "vp8",
    .priv_size = 0,
    .pack = pack_vp8,
};

const struct sl_rtp_pack_type sl_rtp_pack_vp9 = {
    .name = "vp9",
    .priv_size = sizeof(struct vp9_state),
    .pack = pack_vp9,
};


static int
pack_vp8(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
         struct sl_rtp_pack_out *o)
{
    struct sl_vp8_frame f;
    size_t              chunk = p->max_payload - 1;
    size_t              off = 0;

    if (len > SL_VPX_MAX_FRAME_SIZE) {
        return SL_ELIMIT;
    }
    if (sl_vp8_frame_parse(au, len, &f) < 0) {
        return SL_EBADDATA;
    }
    while (off < len) {
        size_t   take = len - off < chunk ? len - off : chunk;
        uint8_t *d = sl_rtp_pack_packet(p, o, 1 + take, off + take == len);

        if (d == NULL) {
            return SL_ELIMIT;
        }
        d[0] = off == 0 ? 0x10 : 0x00; /* S: start of partition 0 */
        memcpy(d + 1, au + off, take);
        off += take;
    }
    return 0;
}


static int
pack_vp9(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
         struct sl_rtp_pack_out *o)
{
    struct vp9_state   *s = p->priv;
    struct sl_vp9_frame f;
    size_t              off = 0;
    uint16_t            pid;

    if (len > SL_VPX_MAX_FRAME_SIZE) {
        return SL_ELIMIT;
    }
    if (sl_vp9_frame_parse(au, len, &f) < 0) {
        return SL_EBADDATA;
    }
    if (!s->started) {
        s->started = true;
        s->picture_id = (uint16_t)(sl_rand_u32() & 0x7fff);
    }
    pid = s->picture_id;
    while (off < len) {
        bool     first = off == 0;
        bool     ss = first && f.key;
        size_t   desc = 3 + (ss ? 5 : 0);
        size_t   chunk = p->max_payload - desc;
        size_t   take = len - off < chunk ? len - off : chunk;
        bool     last = off + take == len;
        uint8_t *d = sl_rtp_pack_packet(p, o, desc + take, last);

        if (d == NULL) {
            return SL_ELIMIT;
        }
        d[0] = (uint8_t)(0x80 | (f.key ? 0 : 0x40) | (first ? 0x08 : 0)
                         | (last ? 0x04 : 0) | (ss ? 0x02 : 0));
        d[1] = (uint8_t)(0x80 | (pid >> 8)); /* M = 1: 15-bit picture ID */
        d[2] = (uint8_t)pid;
        if (ss) {
            d[3] = 0x10; /* N_S = 0 (one layer), Y = 1, G = 0 */
            sl_wb16(d + 4, (uint16_t)f.width);
            sl_wb16(d + 6, (uint16_t)f.height);
        }
        memcpy(d + desc, au + off, take);
        off += take;
    }
    s->picture_id = (uint16_t)((pid + 1) & 0x7fff);
    return 0;
}
