/*
 * Internals shared by the depacketizer implementations (depack_*.c): the
 * per-codec vtable and the NAL-unit access-unit assembler used by H.264 and
 * H.265.  Not for use outside src/proto/rtp.
 */
#ifndef SL_PROTO_RTP_DEPACK_PRIV_H
#define SL_PROTO_RTP_DEPACK_PRIV_H

#include "proto/rtp/depack.h"
#include "base/dbuf.h"


/* One codec's depacketizer, registered in depack.c. */
struct sl_rtp_depack_type {
    const char *name;
    size_t      priv_size; /* zeroed state allocated by the framework */
    void (*init)(struct sl_rtp_depack *d);  /* NULL: nothing to do */
    void (*close)(struct sl_rtp_depack *d); /* NULL: nothing to free */
    int (*push)(struct sl_rtp_depack *d, const struct sl_rtp_pkt *pkt,
                sl_rtp_au_fn *fn, void *ud);
};

struct sl_rtp_depack {
    const struct sl_rtp_depack_type *type;
    struct sl_rtp_format             f; /* parameter sets updated in-band */
    uint64_t                         errors;
    void                            *priv;
};

/*
 * Access-unit assembly for NAL-based codecs.  Tracks the AU under
 * construction (AVCC bytes), the fragmented NALU in progress, sequence
 * continuity and the "broken" state in which the rest of a discarded AU is
 * skipped.
 */
struct sl_rtp_nalasm {
    struct sl_dbuf buf;
    bool           h265;
    int            nalus;
    uint32_t       ts;
    bool           key;
    bool           frag;     /* a fragmented NALU is open */
    size_t         frag_off; /* offset of its length prefix in buf */
    bool           broken;   /* skip packets until the timestamp changes */
    bool           have_seq;
    uint16_t       next_seq;
};

extern const struct sl_rtp_depack_type sl_rtp_depack_h264;
extern const struct sl_rtp_depack_type sl_rtp_depack_h265;
extern const struct sl_rtp_depack_type sl_rtp_depack_aac;
extern const struct sl_rtp_depack_type sl_rtp_depack_latm;
extern const struct sl_rtp_depack_type sl_rtp_depack_vp9;


void sl_rtp_nalasm_init(struct sl_rtp_nalasm *a, bool h265);
void sl_rtp_nalasm_free(struct sl_rtp_nalasm *a);
/*
 * Handles what a new packet means for the AU in progress: emits the previous
 * AU on a timestamp change, discards it on a timestamp change or sequence
 * gap inside a fragmented NALU.  Sets *skip when the packet belongs to a
 * discarded AU and must not be parsed.  Returns 0, or SL_EBADDATA when a
 * partial AU was discarded.
 */
int sl_rtp_nalasm_begin(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                        const struct sl_rtp_pkt *pkt, sl_rtp_au_fn *fn,
                        void *ud, bool *skip);
/* Finishes a packet: emits the AU on the marker bit. */
int sl_rtp_nalasm_end(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                      const struct sl_rtp_pkt *pkt, sl_rtp_au_fn *fn, void *ud);
/* Discards the AU in progress and skips the rest of it; returns rc. */
int sl_rtp_nalasm_fail(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                       int rc);
/* Appends one complete NALU (header included, len >= 1). */
int sl_rtp_nalasm_add(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                      const uint8_t *nalu, size_t len);
/* Opens a fragmented NALU with its rebuilt header and first data. */
int sl_rtp_nalasm_frag_start(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                             const uint8_t *hdr, size_t hdr_len,
                             const uint8_t *data, size_t len);
/* Appends to the open fragmented NALU; closes it when last is set. */
int sl_rtp_nalasm_frag_add(struct sl_rtp_depack *d, struct sl_rtp_nalasm *a,
                           const uint8_t *data, size_t len, bool last);


#endif /* SL_PROTO_RTP_DEPACK_PRIV_H */
