/*
 * Fuzz target: the H.264 and H.265 DTS extractors.  Byte 0 picks the codec
 * (bit 0) and whether out-of-band parameter sets come first (bit 1: then
 * the first record is an AVCC list of them); the rest is a sequence of
 * records, each a 2-byte big-endian length, a 1-byte PTS step (in 1/90 s
 * units, signed) and an AVCC access unit.  Properties: no crash; when the
 * extractor succeeds, DTS <= PTS and DTS is above the previous DTS (unless
 * PTS itself went back to or below it, a discontinuity); a
 * failure leaves *dts alone.  Otherwise abort().
 */
#include "base/bytes.h"
#include "codec/h264_dts.h"
#include "codec/h265_dts.h"
#include "codec/nalu.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void set_params(bool h265, struct sl_h264_dts *d4,
                       struct sl_h265_dts *d5, const uint8_t *p, size_t len);


/* Feeds each NALU of an AVCC list to set_params, by type. */
static void
set_params(bool h265, struct sl_h264_dts *d4, struct sl_h265_dts *d5,
           const uint8_t *p, size_t len)
{
    struct sl_avcc_iter it;
    const uint8_t      *nalu;
    size_t              n;

    sl_avcc_iter_init(&it, p, len);
    while (sl_avcc_next(&it, &nalu, &n) == 1) {
        if (!h265) {
            int t = sl_h264_nal_type(nalu[0]);

            (void)sl_h264_dts_set_params(d4, t == 7 ? nalu : NULL, n,
                                         t == 8 ? nalu : NULL, n);
            continue;
        }
        switch (sl_h265_nal_type(nalu[0])) {
        case SL_H265_NAL_VPS:
            (void)sl_h265_dts_set_params(d5, nalu, n, NULL, 0, NULL, 0);
            break;
        case SL_H265_NAL_SPS:
            (void)sl_h265_dts_set_params(d5, NULL, 0, nalu, n, NULL, 0);
            break;
        case SL_H265_NAL_PPS:
            (void)sl_h265_dts_set_params(d5, NULL, 0, NULL, 0, nalu, n);
            break;
        default:
            break;
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sl_h264_dts d4;
    static struct sl_h265_dts d5;
    bool                      h265;
    bool                      oob;
    size_t                    off = 1;
    int64_t                   pts = 0;
    int64_t                   prev = 0;
    bool                      have_prev = false;

    if (size < 1) {
        return 0;
    }
    h265 = data[0] & 1;
    oob = (data[0] & 2) != 0;
    sl_h264_dts_init(&d4);
    sl_h265_dts_init(&d5);
    while (size - off >= 3) {
        size_t  len = sl_rb16(data + off);
        int64_t step = (int8_t)data[off + 2];
        int64_t dts = INT64_MIN;
        int     rc;

        off += 3;
        if (len > size - off) {
            len = size - off;
        }
        if (oob) {
            set_params(h265, &d4, &d5, data + off, len);
            oob = false;
            off += len;
            continue;
        }
        pts += step * 1000;
        rc = h265 ? sl_h265_dts_extract(&d5, data + off, len, pts, &dts)
                  : sl_h264_dts_extract(&d4, data + off, len, pts, &dts);
        if (rc == 0) {
            /* Monotonic unless the timeline went back (PTS <= last DTS). */
            if (dts > pts || (have_prev && dts <= prev && pts > prev)) {
                abort();
            }
            prev = dts;
            have_prev = true;
        } else if (dts != INT64_MIN || rc > 0) {
            abort();
        }
        off += len;
    }
    return 0;
}
