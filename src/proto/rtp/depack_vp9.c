/*
 * Sluice: VP9 RTP depacketizer (RFC 9628, also what FFmpeg's draft-era
 * packetizer sends: a 1-byte descriptor with B and E).
 *
 * The payload descriptor is parsed in full (picture ID, layer indices,
 * flexible-mode reference indices, scalability structure) and skipped; the
 * frame bytes between a packet with B and one with E form a frame, and the
 * frames of one timestamp form the access unit, emitted on the marker bit
 * (or when the timestamp changes).  Several frames in one picture (spatial
 * layers) become a superframe (VP9 Annex B) with an index built here.  A
 * lost packet (sequence gap, a continuation without a start, a start
 * inside a frame) discards the picture and the rest of its packets.
 */
#include "proto/rtp/depack_priv.h"
#include "base/bytes.h"
#include "base/err.h"
#include "codec/vp9.h"


#define MAX_FRAMES 8 /* a superframe index holds at most 8 frames */
#define INDEX_MAX  (2 + MAX_FRAMES * 4)

/* Payload descriptor bits (RFC 9628 4.2). */
#define VP9_I 0x80 /* picture ID present */
#define VP9_P 0x40 /* inter-picture predicted */
#define VP9_L 0x20 /* layer indices present */
#define VP9_F 0x10 /* flexible mode */
#define VP9_B 0x08 /* start of a frame */
#define VP9_E 0x04 /* end of a frame */
#define VP9_V 0x02 /* scalability structure present */


struct vp9_state {
    struct sl_dbuf buf;      /* the picture's frames, back to back */
    bool           active;   /* a picture is being gathered */
    bool           in_frame; /* between B and E */
    bool           broken;   /* skip packets of ts until it changes */
    bool           have_seq;
    uint16_t       next_seq;
    uint32_t       ts;
    int            nframes;
    uint32_t       sizes[MAX_FRAMES];
    size_t         frame_start;
};


static void vp9_init(struct sl_rtp_depack *d);
static void vp9_close(struct sl_rtp_depack *d);
static int  vp9_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
                     sl_rtp_au_fn *fn, void *ud);
static int  descriptor_len(const uint8_t *p, size_t len);
static int  emit(struct sl_rtp_depack *d, sl_rtp_au_fn *fn, void *ud);
static int  discard(struct sl_rtp_depack *d, int rc);


const struct sl_rtp_depack_type sl_rtp_depack_vp9 = {
    .name = "vp9",
    .priv_size = sizeof(struct vp9_state),
    .init = vp9_init,
    .close = vp9_close,
    .push = vp9_push,
};


static void
vp9_init(struct sl_rtp_depack *d)
{
    struct vp9_state *s = d->priv;

    sl_dbuf_init(&s->buf, SL_VPX_MAX_FRAME_SIZE + INDEX_MAX);
}


static void
vp9_close(struct sl_rtp_depack *d)
{
    struct vp9_state *s = d->priv;

    sl_dbuf_free(&s->buf);
}


/*
 * Bytes of the payload descriptor at p (RFC 9628 4.2, 4.2.1), or
 * SL_EBADDATA when it runs past len or is malformed.
 */
static int
descriptor_len(const uint8_t *p, size_t len)
{
    size_t  off = 1;
    uint8_t b0;

    if (len < 1) {
        return SL_EBADDATA;
    }
    b0 = p[0];
    if (b0 & VP9_I) {
        if (off >= len) {
            return SL_EBADDATA;
        }
        off += (p[off] & 0x80) ? 2 : 1; /* M: 15-bit picture ID */
    }
    if (b0 & VP9_L) {
        off += (b0 & VP9_F) ? 1 : 2; /* TID/U/SID/D [, TL0PICIDX] */
    }
    if ((b0 & VP9_F) && (b0 & VP9_P)) {
        int n;

        for (n = 0;; n++) {
            if (n == 3 || off >= len) {
                return SL_EBADDATA;
            }
            if ((p[off++] & 0x01) == 0) { /* N: another P_DIFF follows */
                break;
            }
        }
    }
    if (b0 & VP9_V) {
        uint8_t ss;
        size_t  ns, ng, i;

        if (off >= len) {
            return SL_EBADDATA;
        }
        ss = p[off++];
        ns = (size_t)(ss >> 5) + 1;
        if (ss & 0x10) { /* Y: a width and height per spatial layer */
            off += ns * 4;
        }
        if (ss & 0x08) { /* G: picture group description */
            if (off >= len) {
                return SL_EBADDATA;
            }
            ng = p[off++];
            for (i = 0; i < ng; i++) {
                if (off >= len) {
                    return SL_EBADDATA;
                }
                off += 1 + (size_t)((p[off] >> 2) & 3); /* R references */
            }
        }
    }
    if (off > len) {
        return SL_EBADDATA;
    }
    return (int)off;
}


/* Drops the picture being gathered and skips the rest of it. */
static int
discard(struct sl_rtp_depack *d, int rc)
{
    struct vp9_state *s = d->priv;

    if (s->active) {
        s->broken = true;
    }
    s->active = false;
    s->in_frame = false;
    s->nframes = 0;
    sl_dbuf_reset(&s->buf);
    d->errors++;
    return rc;
}


/* Emits the gathered picture: one frame, or a superframe of several. */
static int
emit(struct sl_rtp_depack *d, sl_rtp_au_fn *fn, void *ud)
{
    struct vp9_state *s = d->priv;
    struct sl_rtp_au  au;
    uint8_t          *w;
    uint32_t          max = 0;
    int               mag, i, j;

    if (s->in_frame || s->nframes == 0) {
        return discard(d, SL_EBADDATA);
    }
    if (s->nframes > 1) {
        /* Annex B: marker 110 mag-1:2 frames-1:3, sizes, marker again. */
        for (i = 0; i < s->nframes; i++) {
            max = s->sizes[i] > max ? s->sizes[i] : max;
        }
        mag = max < (1u << 8)    ? 1
              : max < (1u << 16) ? 2
              : max < (1u << 24) ? 3
                                 : 4;
        w = sl_dbuf_reserve(&s->buf, 2 + (size_t)(s->nframes * mag));
        if (w == NULL) {
            return discard(d, SL_ELIMIT);
        }
        w[0] = (uint8_t)(0xc0 | (mag - 1) << 3 | (s->nframes - 1));
        for (i = 0; i < s->nframes; i++) {
            for (j = 0; j < mag; j++) {
                w[1 + i * mag + j] = (uint8_t)(s->sizes[i] >> (8 * j));
            }
        }
        w[1 + s->nframes * mag] = w[0];
        sl_dbuf_commit(&s->buf, 2 + (size_t)(s->nframes * mag));
    }
    au.data = sl_dbuf_data(&s->buf);
    au.len = s->buf.len;
    au.ts = s->ts;
    au.key = sl_vp9_is_key(au.data, au.len);
    fn(ud, &au);
    s->active = false;
    s->nframes = 0;
    sl_dbuf_reset(&s->buf);
    return 0;
}


static int
vp9_push(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
         sl_rtp_au_fn *fn, void *ud)
{
    struct vp9_state *s = d->priv;
    bool              gap = s->have_seq && pkt->seq != s->next_seq;
    int               rc = 0, n;

    s->have_seq = true;
    s->next_seq = (uint16_t)(pkt->seq + 1);
    if (s->broken && pkt->ts == s->ts) {
        return 0; /* the rest of a discarded picture */
    }
    s->broken = false;
    if (s->active && pkt->ts != s->ts) {
        /* The previous picture ended without a marker (lost, or a sender
         * that does not set it): emit it if it is whole. */
        rc = emit(d, fn, ud);
        s->broken = false;
    }
    if (s->active && gap) {
        s->ts = pkt->ts;
        rc = discard(d, SL_EBADDATA);
        s->broken = true;
        return rc;
    }
    n = descriptor_len(pkt->payload, pkt->payload_len);
    if (n < 0) {
        s->ts = pkt->ts;
        return discard(d, SL_EBADDATA);
    }
    if (pkt->payload[0] & VP9_B) {
        if (s->in_frame || s->nframes == MAX_FRAMES) {
            s->ts = pkt->ts;
            return discard(d, SL_EBADDATA);
        }
        if (!s->active) {
            s->active = true;
            s->ts = pkt->ts;
        }
        s->in_frame = true;
        s->frame_start = s->buf.len;
    } else if (!s->in_frame) {
        /* A continuation whose start was lost. */
        s->active = true;
        s->ts = pkt->ts;
        return discard(d, SL_EBADDATA);
    }
    if (sl_dbuf_add(&s->buf, pkt->payload + n, pkt->payload_len - (size_t)n)
        < 0) {
        return discard(d, SL_ELIMIT);
    }
    if (pkt->payload[0] & VP9_E) {
        s->in_frame = false;
        s->sizes[s->nframes++] = (uint32_t)(s->buf.len - s->frame_start);
        if (s->sizes[s->nframes - 1] == 0) {
            return discard(d, SL_EBADDATA);
        }
    }
    if (pkt->marker) {
        int erc = emit(d, fn, ud);

        rc = rc < 0 ? rc : erc;
    }
    return rc;
}
