/*
 * Sluice: VP9 uncompressed header (VP9 6.2) and the VP codec configuration
 * record (VP Codec ISO Media File Format Binding 2.2).
 */
#include "codec/vp9.h"
#include "base/bits.h"
#include "base/bytes.h"
#include "base/err.h"


#define CS_BT_709 2
#define CS_RGB    7


struct level_limit {
    uint8_t  level;
    uint32_t max_picture_size; /* luma samples */
};


static uint8_t level_for_size(uint32_t width, uint32_t height);


/* Annex A: the smallest level for a picture size (the rate is unknown). */
static const struct level_limit level_limits[] = {
    {10, 36864},  {11, 73728},   {20, 122880},  {21, 245760},   {30, 552960},
    {31, 983040}, {40, 2228224}, {50, 8912896}, {60, 35651584},
};

/* color_space -> ISO/IEC 23091-4 MatrixCoefficients. */
static const uint8_t matrix_of_cs[8] = {2, 6, 1, 6, 7, 9, 2, 0};


static uint8_t
level_for_size(uint32_t width, uint32_t height)
{
    uint64_t size = (uint64_t)width * height;
    size_t   i;

    for (i = 0; i < sizeof(level_limits) / sizeof(level_limits[0]); i++) {
        if (size <= level_limits[i].max_picture_size) {
            return level_limits[i].level;
        }
    }
    return 62;
}


int
sl_vp9_frame_parse(const uint8_t *p, size_t len, struct sl_vp9_frame *out)
{
    struct sl_vp9_frame f = {0};
    struct sl_bits      br;
    unsigned            low;

    sl_bits_init(&br, p, len);
    if (sl_bits_read(&br, 2) != 2) { /* frame_marker */
        return SL_EBADDATA;
    }
    low = sl_bits_read1(&br);
    f.profile = (uint8_t)((sl_bits_read1(&br) << 1) | low);
    if (f.profile == 3) {
        sl_bits_skip(&br, 1); /* reserved_zero */
    }
    f.show_existing_frame = sl_bits_read1(&br);
    if (f.show_existing_frame) {
        sl_bits_skip(&br, 3);
        goto done;
    }
    f.key = !sl_bits_read1(&br); /* frame_type: KEY_FRAME = 0 */
    f.show_frame = sl_bits_read1(&br);
    f.error_resilient = sl_bits_read1(&br);
    if (!f.key) {
        goto done;
    }
    if (sl_bits_read(&br, 24) != 0x498342) { /* frame_sync_code */
        return SL_EBADDATA;
    }
    f.bit_depth = 8;
    if (f.profile >= 2) {
        f.bit_depth = sl_bits_read1(&br) ? 12 : 10;
    }
    f.color_space = (uint8_t)sl_bits_read(&br, 3);
    if (f.color_space != CS_RGB) {
        f.color_range = sl_bits_read1(&br);
        f.subsampling_x = 1;
        f.subsampling_y = 1;
        if (f.profile == 1 || f.profile == 3) {
            f.subsampling_x = (uint8_t)sl_bits_read1(&br);
            f.subsampling_y = (uint8_t)sl_bits_read1(&br);
            sl_bits_skip(&br, 1);
        }
    } else {
        f.color_range = true;
        if (f.profile == 1 || f.profile == 3) {
            sl_bits_skip(&br, 1);
        }
    }
    f.width = sl_bits_read(&br, 16) + 1;
    f.height = sl_bits_read(&br, 16) + 1;

done:
    if (br.error) {
        return SL_EBADDATA;
    }
    *out = f;
    return 0;
}


bool
sl_vp9_is_key(const uint8_t *p, size_t len)
{
    struct sl_vp9_frame f;

    return sl_vp9_frame_parse(p, len, &f) == 0 && f.key;
}


int
sl_vp9_config_build(struct sl_dbuf *out, const struct sl_vp9_frame *key)
{
    uint8_t *d;
    uint8_t  chroma;

    if (!key->key || key->width == 0 || key->height == 0) {
        return SL_EINVAL;
    }
    if (key->subsampling_x && key->subsampling_y) {
        chroma = 1; /* 4:2:0 co-located with luma */
    } else if (key->subsampling_x) {
        chroma = 2;
    } else {
        chroma = 3;
    }
    d = sl_dbuf_reserve(out, 8);
    if (d == NULL) {
        return SL_ELIMIT;
    }
    d[0] = key->profile;
    d[1] = level_for_size(key->width, key->height);
    d[2] = (uint8_t)((key->bit_depth << 4) | (chroma << 1)
                     | (key->color_range ? 1 : 0));
    d[3] = key->color_space == CS_BT_709 ? 1 : 2; /* colourPrimaries */
    d[4] = key->color_space == CS_BT_709 ? 1 : 2; /* transferCharacteristics */
    d[5] = matrix_of_cs[key->color_space & 7];
    sl_wb16(d + 6, 0); /* codecIntializationDataSize: 0 for VP9 */
    sl_dbuf_commit(out, 8);
    return 0;
}


int
sl_vp9_config_parse(const uint8_t *p, size_t len, struct sl_vp9_config *out)
{
    struct sl_vp9_config c;

    if (len < 8 || sl_rb16(p + 6) > len - 8) {
        return SL_EBADDATA;
    }
    c.profile = p[0];
    c.level = p[1];
    c.bit_depth = p[2] >> 4;
    c.chroma_subsampling = (p[2] >> 1) & 7;
    c.full_range = (p[2] & 1) != 0;
    c.colour_primaries = p[3];
    c.transfer_characteristics = p[4];
    c.matrix_coefficients = p[5];
    if (c.profile > 3
        || (c.bit_depth != 8 && c.bit_depth != 10 && c.bit_depth != 12))
    {
        return SL_EBADDATA;
    }
    *out = c;
    return 0;
}
