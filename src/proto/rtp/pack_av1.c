/*
 * Sluice: AV1 packetizer (RTP Payload Format for AV1, AOM, section 4).
 *
 * The temporal unit's OBUs become OBU elements: obu_has_size_field
 * cleared and the size field removed; temporal delimiters, tile lists and
 * padding are dropped (4.5).  Elements are packed greedily; one that does
 * not fit is split, the packet then ending with Y = 1 and the next one
 * starting with Z = 1.  Every element is preceded by its LEB128 length,
 * except the last one of a packet holding at most three elements, where W
 * gives the count instead.  N is set on the first packet of a temporal
 * unit that starts a coded video sequence (sequence header + key frame);
 * the marker bit on its last packet.
 */
#include "proto/rtp/pack_priv.h"
#include "base/err.h"
#include "codec/av1.h"

#include <string.h>


/* One OBU element: rewritten header, then the OBU's payload. */
struct element {
    uint8_t        hdr[2];
    size_t         hlen;
    const uint8_t *payload;
    size_t         payload_len;
};

/* A piece of an element placed in a packet. */
struct piece {
    int    elem;
    size_t off;
    size_t len;
};


static int  pack_av1(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
                     struct sl_rtp_pack_out *o);
static void copy_range(const struct element *e, size_t off, size_t len,
                       uint8_t *d);


const struct sl_rtp_pack_type sl_rtp_pack_av1 = {
    .name = "av1",
    .priv_size = 0,
    .pack = pack_av1,
};


/* Copies bytes [off, off + len) of an element. */
static void
copy_range(const struct element *e, size_t off, size_t len, uint8_t *d)
{
    while (len > 0 && off < e->hlen) {
        *d++ = e->hdr[off++];
        len--;
    }
    memcpy(d, e->payload + (off - e->hlen), len);
}


static int
pack_av1(struct sl_rtp_pack *p, const uint8_t *au, size_t len,
         struct sl_rtp_pack_out *o)
{
    struct sl_av1_obu obus[SL_AV1_MAX_OBUS];
    struct element    el[SL_AV1_MAX_OBUS];
    struct piece      pc[SL_AV1_MAX_OBUS + 1];
    int               nobus;
    int               count = 0;
    int               cur = 0;
    size_t            cur_off = 0;
    bool              first_packet = true;
    bool              new_cvs;
    int               i;

    nobus = sl_av1_tu_split(au, len, obus, SL_AV1_MAX_OBUS);
    if (nobus < 0) {
        return nobus;
    }
    for (i = 0; i < nobus; i++) {
        struct element *e = &el[count];

        if (obus[i].type == SL_AV1_OBU_TEMPORAL_DELIMITER
            || obus[i].type == SL_AV1_OBU_TILE_LIST
            || obus[i].type == SL_AV1_OBU_PADDING)
        {
            continue;
        }
        e->hdr[0] = obus[i].data[0] & (uint8_t)~0x02;
        e->hdr[1] = obus[i].has_extension ? obus[i].data[1] : 0;
        e->hlen = obus[i].header_len;
        e->payload = obus[i].payload;
        e->payload_len = obus[i].payload_len;
        count++;
    }
    new_cvs = sl_av1_tu_is_key(au, len);

    while (cur < count) {
        size_t   room = p->max_payload - 1; /* after the aggregation header */
        size_t   total = 1;
        int      npc = 0;
        bool     z = cur_off > 0;
        bool     y = false;
        int      w;
        uint8_t *d;

        while (cur < count && room > 0) {
            size_t rest = el[cur].hlen + el[cur].payload_len - cur_off;
            size_t need = sl_av1_leb128_size(rest) + rest;
            size_t take;

            if (need <= room) {
                pc[npc++] = (struct piece){cur, cur_off, rest};
                room -= need;
                cur++;
                cur_off = 0;
                continue;
            }
            /* Split: the largest piece whose length prefix also fits. */
            take = room - sl_av1_leb128_size(room);
            while (take > 0 && sl_av1_leb128_size(take) + take > room) {
                take--;
            }
            if (take == 0) {
                break;
            }
            pc[npc++] = (struct piece){cur, cur_off, take};
            cur_off += take;
            y = true;
            break;
        }
        w = npc <= 3 ? npc : 0;
        for (i = 0; i < npc; i++) {
            bool implicit = w > 0 && i == npc - 1;

            total += (implicit ? 0 : sl_av1_leb128_size(pc[i].len)) + pc[i].len;
        }
        d = sl_rtp_pack_packet(p, o, total, cur == count);
        if (d == NULL) {
            return SL_ELIMIT;
        }
        d[0] = (uint8_t)((z ? 0x80 : 0) | (y ? 0x40 : 0) | (w << 4)
                         | (first_packet && new_cvs ? 0x08 : 0));
        d++;
        for (i = 0; i < npc; i++) {
            if (!(w > 0 && i == npc - 1)) {
                d += sl_av1_leb128_write(d, pc[i].len,
                                         sl_av1_leb128_size(pc[i].len));
            }
            copy_range(&el[pc[i].elem], pc[i].off, pc[i].len, d);
            d += pc[i].len;
        }
        first_packet = false;
    }
    return 0;
}
