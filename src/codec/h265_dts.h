/*
 * H.265 decoding timestamps from presentation timestamps (see
 * codec/h264_dts.h for why).  A struct sl_h265_dts follows one track: it
 * keeps the VPS, SPS and PPSs it sees, parses the first slice segment
 * header of every access unit (slice_pic_order_cnt_lsb), computes the
 * picture order count (8.3.1: PicOrderCntMsb from the previous TemporalId 0
 * picture that is not RASL, RADL or a sub-layer non-reference picture) and
 * derives DTS with codec/reorder.h, the reorder depth being
 * sps_max_num_reorder_pics of the highest sub-layer.  IRAP pictures with
 * NoRaslOutputFlag (IDR, BLA, the first CRA) reset the state.  The frame
 * duration comes from the SPS VUI or VPS timing info when present.
 *
 * Timestamps are in 90 kHz units.  One extractor per track, one thread, no
 * allocation.
 */
#ifndef SL_CODEC_H265_DTS_H
#define SL_CODEC_H265_DTS_H

#include "codec/h265.h"
#include "codec/reorder.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_H265_DTS_MAX_PPS 8

/* The slice segment header fields picture order counts need (7.3.6.1). */
struct sl_h265_slice_header {
    int      nal_type;
    int      temporal_id;
    bool     first_slice_segment;
    uint32_t pps_id;
    uint32_t slice_type;
    uint32_t poc_lsb; /* 0 for IDR pictures */
};

struct sl_h265_dts {
    struct sl_h265_sps  sps;
    bool                have_sps;
    struct sl_h265_vps  vps;
    bool                have_vps;
    struct sl_h265_pps  pps[SL_H265_DTS_MAX_PPS];
    int                 pps_count;
    bool                have_prev; /* a picture was seen since the start */
    int64_t             prev_tid0_poc;
    struct sl_reorder   reorder;
    struct sl_poc_order order;
    int64_t             last_poc;
};


void sl_h265_dts_init(struct sl_h265_dts *d);
/* Out-of-band parameter sets; any may be NULL.  0 or SL_EBADDATA. */
int sl_h265_dts_set_params(struct sl_h265_dts *d, const uint8_t *vps,
                           size_t vps_len, const uint8_t *sps, size_t sps_len,
                           const uint8_t *pps, size_t pps_len);
/*
 * Same contract as sl_h264_dts_extract: 0 with *dts set, or SL_EBADDATA /
 * SL_ENOTFOUND with *dts untouched (use DTS = PTS).
 */
int sl_h265_dts_extract(struct sl_h265_dts *d, const uint8_t *avcc_au,
                        size_t len, int64_t pts, int64_t *dts);
/* Parses a slice segment NALU's header up to slice_pic_order_cnt_lsb. */
int sl_h265_slice_header_parse(const uint8_t *nalu, size_t len,
                               const struct sl_h265_sps    *sps,
                               const struct sl_h265_pps    *pps,
                               struct sl_h265_slice_header *out);


#endif /* SL_CODEC_H265_DTS_H */
