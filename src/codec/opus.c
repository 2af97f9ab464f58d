/* Sluice: Opus TOC parsing (RFC 6716 3.1). */
#include "codec/opus.h"
#include "base/err.h"


#define MAX_PACKET_SAMPLES 5760 /* 120 ms at 48 kHz */


int
sl_opus_frame_samples(uint8_t toc)
{
    static const int silk[4] = {480, 960, 1920, 2880};
    static const int celt[4] = {120, 240, 480, 960};
    int              config = toc >> 3;

    if (config < 12) {
        return silk[config & 3]; /* SILK-only: 10, 20, 40, 60 ms */
    }
    if (config < 16) {
        return (config & 1) ? 960 : 480; /* hybrid: 10, 20 ms */
    }
    return celt[config & 3]; /* CELT-only: 2.5, 5, 10, 20 ms */
}


int
sl_opus_packet_samples(const uint8_t *p, size_t len)
{
    int frames;
    int total;

    if (len == 0) {
        return SL_EBADDATA;
    }
    switch (p[0] & 3) {
    case 0:
        frames = 1;
        break;
    case 1:
    case 2:
        frames = 2;
        break;
    default:
        if (len < 2) {
            return SL_EBADDATA;
        }
        frames = p[1] & 0x3f;
        break;
    }
    total = frames * sl_opus_frame_samples(p[0]);
    if (frames == 0 || total > MAX_PACKET_SAMPLES) {
        return SL_EBADDATA;
    }
    return total;
}
