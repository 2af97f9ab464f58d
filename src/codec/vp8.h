/*
 * VP8 bitstream knowledge (RFC 6386 9.1): the frame tag, keyframe
 * detection and the keyframe's picture size.  Pure functions: thread-safe.
 */
#ifndef SL_CODEC_VP8_H
#define SL_CODEC_VP8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


struct sl_vp8_frame {
    bool     key;
    uint8_t  version;
    bool     show_frame;
    uint32_t first_part_size;
    /* Keyframes only (0 otherwise). */
    uint32_t width;
    uint32_t height;
    uint8_t  horiz_scale;
    uint8_t  vert_scale;
};


/*
 * Parses the 3-byte frame tag and, for keyframes, the start code and
 * sizes.  Returns 0 or SL_EBADDATA (truncated, bad start code, zero size);
 * *out is untouched on failure.
 */
int sl_vp8_frame_parse(const uint8_t *p, size_t len, struct sl_vp8_frame *out);
/* True for a frame whose header parses as a keyframe. */
bool sl_vp8_is_key(const uint8_t *p, size_t len);


#endif /* SL_CODEC_VP8_H */
