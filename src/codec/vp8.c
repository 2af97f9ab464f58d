/* Sluice: VP8 frame tag and keyframe header (RFC 6386 9.1). */
#include "codec/vp8.h"
#include "base/err.h"


int
sl_vp8_frame_parse(const uint8_t *p, size_t len, struct sl_vp8_frame *out)
{
    struct sl_vp8_frame f = {0};
    uint32_t            tag;

    if (len < 3) {
        return SL_EBADDATA;
    }
    tag = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
    f.key = (tag & 1) == 0; /* 0 means keyframe */
    f.version = (uint8_t)((tag >> 1) & 7);
    f.show_frame = ((tag >> 4) & 1) != 0;
    f.first_part_size = tag >> 5;
    if (f.key) {
        if (len < 10 || p[3] != 0x9d || p[4] != 0x01 || p[5] != 0x2a) {
            return SL_EBADDATA;
        }
        f.width = ((uint32_t)p[6] | ((uint32_t)p[7] << 8)) & 0x3fff;
        f.horiz_scale = p[7] >> 6;
        f.height = ((uint32_t)p[8] | ((uint32_t)p[9] << 8)) & 0x3fff;
        f.vert_scale = p[9] >> 6;
        if (f.width == 0 || f.height == 0) {
            return SL_EBADDATA;
        }
    }
    *out = f;
    return 0;
}


bool
sl_vp8_is_key(const uint8_t *p, size_t len)
{
    struct sl_vp8_frame f;

    return sl_vp8_frame_parse(p, len, &f) == 0 && f.key;
}
