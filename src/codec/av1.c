/*
 * Sluice: AV1 OBUs, LEB128, sequence header (AV1 5.3, 5.5) and the
 * AV1CodecConfigurationRecord (AV1 ISOBMFF binding 2.3).
 */
#include "codec/av1.h"
#include "base/bits.h"
#include "base/err.h"

#include <string.h>


#define MAX_DIMENSION 65536


static void skip_uvlc(struct sl_bits *br);
static void parse_color_config(struct sl_bits           *br,
                               struct sl_av1_seq_header *sh);
static int  parse_operating_points(struct sl_bits           *br,
                                   struct sl_av1_seq_header *sh);


int
sl_av1_leb128_read(const uint8_t *p, size_t len, uint64_t *v)
{
    uint64_t value = 0;
    size_t   i;

    for (i = 0; i < SL_AV1_LEB128_MAX && i < len; i++) {
        value |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if ((p[i] & 0x80) == 0) {
            *v = value;
            return (int)i + 1;
        }
    }
    return SL_EBADDATA;
}


size_t
sl_av1_leb128_size(uint64_t v)
{
    size_t n = 1;

    while (v >= 0x80 && n < SL_AV1_LEB128_MAX) {
        v >>= 7;
        n++;
    }
    return n;
}


size_t
sl_av1_leb128_write(uint8_t *out, uint64_t v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        out[i] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (i + 1 < n) {
            out[i] |= 0x80;
        }
    }
    return n;
}


int
sl_av1_obu_parse(const uint8_t *p, size_t len, struct sl_av1_obu *out)
{
    struct sl_av1_obu o = {0};
    size_t            off;

    if (len < 1 || (p[0] & 0x80) != 0) {
        return SL_EBADDATA;
    }
    o.type = (p[0] >> 3) & 0x0f;
    o.has_extension = (p[0] & 0x04) != 0;
    o.has_size = (p[0] & 0x02) != 0;
    o.header_len = o.has_extension ? 2 : 1;
    if (len < o.header_len) {
        return SL_EBADDATA;
    }
    if (o.has_extension) {
        o.temporal_id = p[1] >> 5;
        o.spatial_id = (p[1] >> 3) & 3;
    }
    off = o.header_len;
    if (o.has_size) {
        uint64_t size;
        int      n = sl_av1_leb128_read(p + off, len - off, &size);

        if (n < 0 || size > UINT32_MAX || size > len - off - (size_t)n) {
            return SL_EBADDATA;
        }
        off += (size_t)n;
        o.payload_len = (size_t)size;
    } else {
        o.payload_len = len - off;
    }
    o.data = p;
    o.payload = p + off;
    o.len = off + o.payload_len;
    *out = o;
    return 0;
}


/* uvlc() of 4.10.3: only the syntax is consumed. */
static void
skip_uvlc(struct sl_bits *br)
{
    unsigned zeros = 0;

    while (!br->error && !sl_bits_read1(br)) {
        zeros++;
    }
    if (zeros < 32) {
        sl_bits_skip(br, zeros); /* else the value saturates, no bits */
    }
}


/* color_config() of 5.5.2. */
static void
parse_color_config(struct sl_bits *br, struct sl_av1_seq_header *sh)
{
    sh->high_bitdepth = sl_bits_read1(br);
    sh->bit_depth = sh->high_bitdepth ? 10 : 8;
    if (sh->profile == 2 && sh->high_bitdepth) {
        sh->twelve_bit = sl_bits_read1(br);
        sh->bit_depth = sh->twelve_bit ? 12 : 10;
    }
    sh->mono_chrome = sh->profile == 1 ? false : sl_bits_read1(br);
    sh->color_primaries = 2; /* unspecified */
    sh->transfer_characteristics = 2;
    sh->matrix_coefficients = 2;
    if (sl_bits_read1(br)) { /* color_description_present_flag */
        sh->color_primaries = (uint8_t)sl_bits_read(br, 8);
        sh->transfer_characteristics = (uint8_t)sl_bits_read(br, 8);
        sh->matrix_coefficients = (uint8_t)sl_bits_read(br, 8);
    }
    if (sh->mono_chrome) {
        sh->color_range = sl_bits_read1(br);
        sh->subsampling_x = 1;
        sh->subsampling_y = 1;
        return; /* no separate_uv_delta_q */
    }
    if (sh->color_primaries == 1 && sh->transfer_characteristics == 13
        && sh->matrix_coefficients == 0)
    {
        sh->color_range = true; /* sRGB: 4:4:4 */
    } else {
        sh->color_range = sl_bits_read1(br);
        if (sh->profile == 0) {
            sh->subsampling_x = 1;
            sh->subsampling_y = 1;
        } else if (sh->profile == 2) {
            if (sh->bit_depth == 12) {
                sh->subsampling_x = (uint8_t)sl_bits_read1(br);
                sh->subsampling_y =
                    sh->subsampling_x ? (uint8_t)sl_bits_read1(br) : 0;
            } else {
                sh->subsampling_x = 1;
            }
        }
        if (sh->subsampling_x && sh->subsampling_y) {
            sh->chroma_sample_position = (uint8_t)sl_bits_read(br, 2);
        }
    }
    sl_bits_skip(br, 1); /* separate_uv_delta_q */
}


/* The part of 5.5.1 between reduced_still_picture_header and the sizes. */
static int
parse_operating_points(struct sl_bits *br, struct sl_av1_seq_header *sh)
{
    bool     decoder_model = false;
    unsigned buffer_delay_len = 0;
    unsigned count;
    unsigned i;

    sh->timing_info_present = sl_bits_read1(br);
    if (sh->timing_info_present) {
        sh->num_units_in_display_tick = sl_bits_read(br, 32);
        sh->time_scale = sl_bits_read(br, 32);
        if (sl_bits_read1(br)) { /* equal_picture_interval */
            skip_uvlc(br);
        }
        decoder_model = sl_bits_read1(br);
        if (decoder_model) {
            buffer_delay_len = sl_bits_read(br, 5) + 1;
            sl_bits_skip(br, 32 + 5 + 5);
        }
    }
    sh->initial_display_delay_present = sl_bits_read1(br);
    count = sl_bits_read(br, 5) + 1;
    for (i = 0; i < count && !br->error; i++) {
        uint8_t level;
        uint8_t tier = 0;

        sl_bits_skip(br, 12); /* operating_point_idc */
        level = (uint8_t)sl_bits_read(br, 5);
        if (level > 7) {
            tier = (uint8_t)sl_bits_read1(br);
        }
        if (decoder_model && sl_bits_read1(br)) {
            sl_bits_skip(br, 2 * buffer_delay_len + 1);
        }
        if (sh->initial_display_delay_present && sl_bits_read1(br)) {
            uint8_t delay = (uint8_t)sl_bits_read(br, 4);

            if (i == 0) {
                sh->initial_display_delay_minus_1 = delay;
            }
        }
        if (i == 0) {
            sh->level_idx = level;
            sh->tier = tier;
        }
    }
    return br->error ? SL_EBADDATA : 0;
}


int
sl_av1_seq_header_parse(const uint8_t *payload, size_t len,
                        struct sl_av1_seq_header *out)
{
    struct sl_av1_seq_header sh = {0};
    struct sl_bits           br;
    unsigned                 wbits;
    unsigned                 hbits;
    bool                     order_hint;

    sl_bits_init(&br, payload, len);
    sh.profile = (uint8_t)sl_bits_read(&br, 3);
    if (sh.profile > 2) {
        return SL_EBADDATA;
    }
    sh.still_picture = sl_bits_read1(&br);
    sh.reduced_still_picture_header = sl_bits_read1(&br);
    if (sh.reduced_still_picture_header) {
        sh.level_idx = (uint8_t)sl_bits_read(&br, 5);
    } else if (parse_operating_points(&br, &sh) < 0) {
        return SL_EBADDATA;
    }
    wbits = sl_bits_read(&br, 4) + 1;
    hbits = sl_bits_read(&br, 4) + 1;
    sh.width = sl_bits_read(&br, wbits) + 1;
    sh.height = sl_bits_read(&br, hbits) + 1;
    if (!sh.reduced_still_picture_header) {
        sh.frame_id_numbers_present = sl_bits_read1(&br);
    }
    if (sh.frame_id_numbers_present) {
        sl_bits_skip(&br, 4 + 3);
    }
    sl_bits_skip(&br, 3); /* 128x128 superblock, filter intra, edge filter */
    if (!sh.reduced_still_picture_header) {
        bool screen_tools = false;

        /* interintra, masked compound, warped motion, dual filter */
        sl_bits_skip(&br, 4);
        order_hint = sl_bits_read1(&br);
        if (order_hint) {
            sl_bits_skip(&br, 2); /* jnt_comp, ref_frame_mvs */
        }
        if (sl_bits_read1(&br)) { /* seq_choose_screen_content_tools */
            screen_tools = true;  /* SELECT_SCREEN_CONTENT_TOOLS */
        } else {
            screen_tools = sl_bits_read1(&br);
        }
        if (screen_tools && !sl_bits_read1(&br)) { /* seq_choose_integer_mv */
            sl_bits_skip(&br, 1);                  /* seq_force_integer_mv */
        }
        if (order_hint) {
            sl_bits_skip(&br, 3); /* order_hint_bits_minus_1 */
        }
    }
    sl_bits_skip(&br, 3); /* superres, cdef, restoration */
    parse_color_config(&br, &sh);
    sh.film_grain_params_present = sl_bits_read1(&br);
    if (br.error || sh.width > MAX_DIMENSION || sh.height > MAX_DIMENSION) {
        return SL_EBADDATA;
    }
    *out = sh;
    return 0;
}


int
sl_av1_tu_split(const uint8_t *tu, size_t len, struct sl_av1_obu *obus, int max)
{
    size_t off = 0;
    int    n = 0;

    if (len > SL_AV1_MAX_TU_SIZE) {
        return SL_ELIMIT;
    }
    while (off < len) {
        struct sl_av1_obu o;

        if (sl_av1_obu_parse(tu + off, len - off, &o) < 0) {
            return SL_EBADDATA;
        }
        if (n >= max || n >= SL_AV1_MAX_OBUS) {
            return SL_ELIMIT;
        }
        obus[n++] = o;
        off += o.len;
    }
    return n;
}


int
sl_av1_tu_seq_header(const uint8_t *tu, size_t len, struct sl_av1_obu *obu)
{
    size_t off = 0;

    while (off < len) {
        struct sl_av1_obu o;

        if (sl_av1_obu_parse(tu + off, len - off, &o) < 0) {
            return SL_EBADDATA;
        }
        if (o.type == SL_AV1_OBU_SEQUENCE_HEADER) {
            *obu = o;
            return 0;
        }
        off += o.len;
    }
    return SL_ENOTFOUND;
}


bool
sl_av1_tu_is_key(const uint8_t *tu, size_t len)
{
    struct sl_av1_seq_header sh;
    bool                     have_sh = false;
    size_t                   off = 0;

    while (off < len) {
        struct sl_av1_obu o;

        if (sl_av1_obu_parse(tu + off, len - off, &o) < 0) {
            return false;
        }
        off += o.len;
        if (o.type == SL_AV1_OBU_SEQUENCE_HEADER && !have_sh) {
            have_sh =
                sl_av1_seq_header_parse(o.payload, o.payload_len, &sh) == 0;
            continue;
        }
        if (o.type != SL_AV1_OBU_FRAME && o.type != SL_AV1_OBU_FRAME_HEADER) {
            continue;
        }
        if (!have_sh || o.payload_len == 0) {
            return false;
        }
        if (sh.reduced_still_picture_header) {
            return true;
        }
        /*
         * uncompressed_header(): show_existing_frame f(1), frame_type f(2)
         * (KEY_FRAME = 0), show_frame f(1).  Nothing is read before them
         * when reduced_still_picture_header is 0.
         */
        return (o.payload[0] & 0x80) == 0 && (o.payload[0] & 0x60) == 0
               && (o.payload[0] & 0x10) != 0;
    }
    return false;
}


int
sl_av1_config_parse(const uint8_t *p, size_t len, struct sl_av1_config *out)
{
    struct sl_av1_config c = {0};
    struct sl_av1_obu    obus[SL_AV1_MAX_OBUS];

    if (len < 4 || p[0] != 0x81) {
        return SL_EBADDATA;
    }
    c.profile = p[1] >> 5;
    c.level_idx = p[1] & 0x1f;
    c.tier = p[2] >> 7;
    c.high_bitdepth = (p[2] & 0x40) != 0;
    c.twelve_bit = (p[2] & 0x20) != 0;
    c.mono_chrome = (p[2] & 0x10) != 0;
    c.subsampling_x = (p[2] >> 3) & 1;
    c.subsampling_y = (p[2] >> 2) & 1;
    c.chroma_sample_position = p[2] & 3;
    c.initial_presentation_delay_present = (p[3] & 0x10) != 0;
    if (c.initial_presentation_delay_present) {
        c.initial_presentation_delay_minus_one = p[3] & 0x0f;
    }
    c.config_obus = len > 4 ? p + 4 : NULL;
    c.config_obus_len = len - 4;
    if (sl_av1_tu_split(p + 4, len - 4, obus, SL_AV1_MAX_OBUS) < 0) {
        return SL_EBADDATA;
    }
    *out = c;
    return 0;
}


int
sl_av1_config_build(struct sl_dbuf *out, const uint8_t *seq_obu, size_t len)
{
    struct sl_av1_obu        o;
    struct sl_av1_seq_header sh;
    size_t                   size_len;
    size_t                   total;
    uint8_t                 *d;

    if (sl_av1_obu_parse(seq_obu, len, &o) < 0
        || o.type != SL_AV1_OBU_SEQUENCE_HEADER
        || sl_av1_seq_header_parse(o.payload, o.payload_len, &sh) < 0)
    {
        return SL_EBADDATA;
    }
    size_len = sl_av1_leb128_size(o.payload_len);
    total = 4 + o.header_len + size_len + o.payload_len;
    d = sl_dbuf_reserve(out, total);
    if (d == NULL) {
        return SL_ELIMIT;
    }
    d[0] = 0x81; /* marker, version 1 */
    d[1] = (uint8_t)((sh.profile << 5) | (sh.level_idx & 0x1f));
    d[2] = (uint8_t)((sh.tier << 7) | (sh.high_bitdepth << 6)
                     | (sh.twelve_bit << 5) | (sh.mono_chrome << 4)
                     | (sh.subsampling_x << 3) | (sh.subsampling_y << 2)
                     | sh.chroma_sample_position);
    d[3] = sh.initial_display_delay_present
               ? (uint8_t)(0x10 | (sh.initial_display_delay_minus_1 & 0x0f))
               : 0;
    memcpy(d + 4, seq_obu, o.header_len);
    d[4] |= 0x02; /* obu_has_size_field */
    sl_av1_leb128_write(d + 4 + o.header_len, o.payload_len, size_len);
    memcpy(d + 4 + o.header_len + size_len, o.payload, o.payload_len);
    sl_dbuf_commit(out, total);
    return 0;
}


int
sl_av1_tu_normalize(const uint8_t *tu, size_t len, bool td, struct sl_dbuf *out)
{
    size_t   off = 0, total = td ? 2 : 0, kept = 0, tds = 0;
    bool     as_is = true;
    uint8_t *d;

    if (len > SL_AV1_MAX_TU_SIZE) {
        return SL_ELIMIT;
    }
    /* First pass: validate, size the result, see whether tu has it. */
    while (off < len) {
        struct sl_av1_obu o;

        if (sl_av1_obu_parse(tu + off, len - off, &o) < 0) {
            return SL_EBADDATA;
        }
        if (o.type == SL_AV1_OBU_TEMPORAL_DELIMITER) {
            /* Only a sized one leading the unit can stay, and only with
             * td. */
            if (!td || off != 0 || !o.has_size || o.payload_len != 0) {
                as_is = false;
            }
            tds++;
        } else {
            if (!o.has_size) {
                as_is = false;
            }
            total += o.has_size
                         ? o.len
                         : o.header_len + sl_av1_leb128_size(o.payload_len)
                               + o.payload_len;
            kept++;
        }
        off += o.len;
    }
    if (kept == 0) {
        return SL_ENOTFOUND;
    }
    if (as_is && (td ? tds == 1 : tds == 0)) {
        return 0;
    }
    d = sl_dbuf_reserve(out, total);
    if (d == NULL) {
        return SL_ELIMIT;
    }
    /* Second pass: cannot fail, every OBU parsed above. */
    if (td) {
        *d++ = SL_AV1_OBU_TEMPORAL_DELIMITER << 3 | 0x02;
        *d++ = 0;
    }
    for (off = 0; off < len;) {
        struct sl_av1_obu o;

        sl_av1_obu_parse(tu + off, len - off, &o);
        off += o.len;
        if (o.type == SL_AV1_OBU_TEMPORAL_DELIMITER) {
            continue;
        }
        if (o.has_size) {
            memcpy(d, o.data, o.len); /* keeps its size field's encoding */
            d += o.len;
            continue;
        }
        memcpy(d, o.data, o.header_len);
        d[0] |= 0x02;
        d += o.header_len;
        d += sl_av1_leb128_write(d, o.payload_len,
                                 sl_av1_leb128_size(o.payload_len));
        memcpy(d, o.payload, o.payload_len);
        d += o.payload_len;
    }
    sl_dbuf_commit(out, total);
    return 1;
}
