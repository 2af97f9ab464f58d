/*
 * NAL unit plumbing shared by H.264 and H.265: Annex-B start-code scanning,
 * AVCC (4-byte big-endian length prefixes) conversion and iteration, and
 * emulation-prevention removal.
 *
 * Nothing here allocates except sl_annexb_to_avcc, which appends to a
 * caller's capped struct sl_dbuf.  Iterators return pointers into the
 * caller's buffer.  Pure functions: thread-safe on distinct data.
 *
 * Caps (ARCHITECTURE.md section 4, reliability.md 1.4): an access unit is at
 * most SL_NALU_MAX_AU_SIZE bytes and SL_NALU_MAX_PER_AU NAL units.  mediacommon
 * uses 50 (H.264) and 21 (H.265) NALUs; we take one common, slightly larger
 * bound of 64 so that multi-slice encoders with SEI and parameter sets in
 * every AU are not rejected, while still bounding per-AU work.
 */
#ifndef SL_CODEC_NALU_H
#define SL_CODEC_NALU_H

#include "base/dbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_NALU_MAX_AU_SIZE (8u * 1024 * 1024)
#define SL_NALU_MAX_PER_AU  64


/* Annex-B scanner over a byte stream; NALUs are yielded without start code. */
struct sl_annexb_iter {
    const uint8_t *p; /* first byte of the next NALU, or end */
    const uint8_t *end;
};

/* AVCC scanner: each NALU is preceded by a 4-byte big-endian length. */
struct sl_avcc_iter {
    const uint8_t *p;
    const uint8_t *end;
};


/*
 * Copies a NALU (escaped RBSP) to out without its emulation-prevention bytes
 * (the 0x03 of each 00 00 03 sequence).  Returns the number of bytes written,
 * or SL_ELIMIT when they do not fit in cap (out then holds a prefix).
 */
int sl_nalu_unescape(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

/*
 * Starts scanning p[0..len).  Bytes before the first start code (3- or
 * 4-byte) are skipped; trailing zero bytes of a NALU are trimmed; empty NALUs
 * (two start codes in a row) are skipped.
 */
void sl_annexb_iter_init(struct sl_annexb_iter *it, const uint8_t *p,
                         size_t len);
/* Gives the next NALU; false at the end. */
bool sl_annexb_next(struct sl_annexb_iter *it, const uint8_t **nalu,
                    size_t *len);

/*
 * Appends p[0..len) (Annex-B, must start with a start code, possibly after
 * leading zero bytes) to out in AVCC form.  Returns 0; SL_EBADDATA when there
 * is no start code at the beginning or no NALU at all; SL_ELIMIT past
 * SL_NALU_MAX_PER_AU NALUs or out's cap.  On error out's length is restored.
 */
int sl_annexb_to_avcc(const uint8_t *p, size_t len, struct sl_dbuf *out);

void sl_avcc_iter_init(struct sl_avcc_iter *it, const uint8_t *p, size_t len);
/*
 * Gives the next NALU: returns 1 with *nalu and *len set, 0 at the end, or
 * SL_EBADDATA for a truncated prefix, a length past the end, or an empty NALU
 * (the iterator then stays at the end).
 */
int sl_avcc_next(struct sl_avcc_iter *it, const uint8_t **nalu, size_t *len);
/*
 * Validates a whole AVCC access unit: every NALU non-empty and inside the
 * buffer, at most SL_NALU_MAX_PER_AU of them, size at most
 * SL_NALU_MAX_AU_SIZE.  Returns the NALU count or a negative error.
 */
int sl_avcc_validate(const uint8_t *p, size_t len);

/*
 * Appends the AVCC access unit p[0..len) to out in Annex-B form, with a
 * 4-byte start code (00 00 00 01) before every NALU.  Returns 0;
 * SL_EBADDATA for invalid AVCC (see sl_avcc_validate) or SL_ELIMIT (too
 * many NALUs, out's cap); out's length is restored on error.
 */
int sl_avcc_to_annexb(const uint8_t *p, size_t len, struct sl_dbuf *out);

/*
 * Appends to out an AVCC access unit made of au with count NALUs put in
 * front: after a leading access unit delimiter when there is one (H.264
 * type 9, or H.265 type 35 when h265), then params[0..count) in order, then
 * the rest of au.  Used by sl_h264_prepend_params and
 * sl_h265_prepend_params.  Returns 0, SL_EBADDATA (invalid AVCC, an empty
 * set) or SL_ELIMIT (NALU count, AU size, out's cap); out's length is
 * restored on error.
 */
int sl_avcc_insert_front(const uint8_t *au, size_t len, bool h265,
                         const uint8_t *const *params, const size_t *params_len,
                         int count, struct sl_dbuf *out);


#endif /* SL_CODEC_NALU_H */
