/*
 * VP9 bitstream knowledge (VP9 Bitstream & Decoding Process Specification
 * 6.2): enough of the uncompressed frame header to tell keyframes, the
 * profile, and on keyframes the colour configuration and frame size; and
 * the VPCodecConfigurationRecord ("vpcC", VP Codec ISO Media File Format
 * Binding).
 *
 * A frame as carried by Sluice may be a superframe (several frames and an
 * index); its first frame's header is at offset 0, which is what these
 * parsers read.  Pure functions: thread-safe.
 */
#ifndef SL_CODEC_VP9_H
#define SL_CODEC_VP9_H

#include "base/dbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


/* Largest VP8/VP9 frame the packetizers accept (reliability.md 1.4). */
#define SL_VPX_MAX_FRAME_SIZE (2u * 1024 * 1024)

struct sl_vp9_frame {
    uint8_t profile; /* 0..3 */
    bool    show_existing_frame;
    bool    key; /* frame_type == KEY_FRAME */
    bool    show_frame;
    bool    error_resilient;
    /* Keyframes only (0 otherwise). */
    uint8_t  bit_depth;
    uint8_t  color_space; /* 0..7, 7 = RGB */
    bool     color_range;
    uint8_t  subsampling_x;
    uint8_t  subsampling_y;
    uint32_t width;
    uint32_t height;
};

/* The fields of a VPCodecConfigurationRecord (version 1). */
struct sl_vp9_config {
    uint8_t profile;
    uint8_t level; /* 10 = level 1, 11 = 1.1, ..., 0 when unknown */
    uint8_t bit_depth;
    uint8_t chroma_subsampling; /* 0/1: 4:2:0, 2: 4:2:2, 3: 4:4:4 */
    bool    full_range;
    uint8_t colour_primaries;
    uint8_t transfer_characteristics;
    uint8_t matrix_coefficients;
};


/*
 * Parses the start of the uncompressed header.  Returns 0 or SL_EBADDATA
 * (bad frame marker or sync code, truncated); *out is untouched on
 * failure.
 */
int sl_vp9_frame_parse(const uint8_t *p, size_t len, struct sl_vp9_frame *out);
/* True for a frame whose header parses as a keyframe. */
bool sl_vp9_is_key(const uint8_t *p, size_t len);
/*
 * Appends a VPCodecConfigurationRecord (the payload of the "vpcC" FullBox,
 * version 1, without the box's version and flags) built from a keyframe's
 * header: level from the picture size, colour from the colour space.
 * Returns 0, SL_EINVAL (not a keyframe header) or SL_ELIMIT.
 */
int sl_vp9_config_build(struct sl_dbuf *out, const struct sl_vp9_frame *key);
/* Parses a VPCodecConfigurationRecord; 0 or SL_EBADDATA. */
int sl_vp9_config_parse(const uint8_t *p, size_t len,
                        struct sl_vp9_config *out);


#endif /* SL_CODEC_VP9_H */
