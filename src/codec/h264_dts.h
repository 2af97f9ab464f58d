/*
 * H.264 decoding timestamps from presentation timestamps.
 *
 * RTP carries only PTS, while RTMP, MPEG-TS and fMP4 need DTS when a stream
 * has B-frames.  A struct sl_h264_dts follows one track: it keeps the SPS
 * and PPSs it sees (in access units or from sl_h264_dts_set_params), parses
 * the first slice header of every access unit, computes the picture order
 * count (8.2.1, POC types 0, 1 and 2) and derives DTS with codec/reorder.h:
 * the reorder depth is the SPS's max_num_reorder_frames when the VUI gives
 * it (0 for POC type 2), raised when picture order counts prove more.  IDR
 * pictures reset the state.  Method: docs/internals/CONVERSION.md.
 *
 * Timestamps are in 90 kHz units.  One extractor per track, owned by its
 * caller, used from one thread; it allocates nothing (about 2 KiB of state).
 */
#ifndef SL_CODEC_H264_DTS_H
#define SL_CODEC_H264_DTS_H

#include "codec/h264.h"
#include "codec/reorder.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_H264_DTS_MAX_PPS 8

/* The slice header fields picture order counts need (7.3.3). */
struct sl_h264_slice_header {
    int      nal_type;
    int      nal_ref_idc;
    uint32_t first_mb;
    uint32_t slice_type; /* 0..9 */
    uint32_t pps_id;
    uint32_t frame_num;
    bool     field_pic;
    bool     bottom_field;
    uint32_t poc_lsb;
    int32_t  delta_poc_bottom;
    int32_t  delta_poc[2];
};

struct sl_h264_dts {
    struct sl_h264_sps sps;
    bool               have_sps;
    struct sl_h264_pps pps[SL_H264_DTS_MAX_PPS];
    int                pps_count;
    /* POC state (8.2.1). */
    bool    have_prev;
    int64_t prev_poc_msb;
    int64_t prev_poc_lsb;
    int64_t prev_frame_num_offset;
    int64_t prev_frame_num;
    /* DTS state. */
    struct sl_reorder   reorder;
    struct sl_poc_order order;
    int64_t             last_poc; /* for tests and logs */
};


void sl_h264_dts_init(struct sl_h264_dts *d);
/*
 * Gives parameter sets known out of band (SDP sprop, avcC).  Either may be
 * NULL.  Returns 0 or SL_EBADDATA when a given set does not parse (the
 * other is still taken).
 */
int sl_h264_dts_set_params(struct sl_h264_dts *d, const uint8_t *sps,
                           size_t sps_len, const uint8_t *pps, size_t pps_len);
/*
 * Derives the DTS of an AVCC access unit with presentation time pts (90
 * kHz).  Returns 0 and sets *dts (<= pts, strictly above the previous
 * DTS); or a negative code, with *dts untouched, after which the caller
 * should use DTS = PTS: SL_EBADDATA (invalid AVCC, a slice header that does
 * not parse, a PTS not above the previous DTS), SL_ENOTFOUND (no slice, or
 * no SPS/PPS yet for the slice).  The extractor stays usable after errors.
 */
int sl_h264_dts_extract(struct sl_h264_dts *d, const uint8_t *avcc_au,
                        size_t len, int64_t pts, int64_t *dts);

/*
 * Parses a slice NALU's header up to the POC fields with the given SPS and
 * PPS.  Returns 0 or SL_EBADDATA.
 */
int sl_h264_slice_header_parse(const uint8_t *nalu, size_t len,
                               const struct sl_h264_sps    *sps,
                               const struct sl_h264_pps    *pps,
                               struct sl_h264_slice_header *out);
/* Reads pic_parameter_set_id from a slice NALU; SL_EBADDATA when it can't. */
int sl_h264_slice_pps_id(const uint8_t *nalu, size_t len, uint32_t *pps_id);


#endif /* SL_CODEC_H264_DTS_H */
