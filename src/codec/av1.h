/*
 * AV1 bitstream knowledge (AV1 Bitstream & Decoding Process Specification,
 * and the AV1 ISOBMFF binding for "av1C"): LEB128, OBU headers, the
 * sequence header OBU, temporal units in the low-overhead bitstream format
 * (every OBU with obu_has_size_field = 1, except possibly the last) and the
 * AV1CodecConfigurationRecord.
 *
 * Parsers read caller buffers and return pointers into them; nothing
 * allocates except the builders, which append to a caller's capped
 * struct sl_dbuf.  Pure functions: thread-safe.
 *
 * Caps (reliability.md 1.4): a LEB128 value is at most 8 bytes and must fit
 * in 32 bits for an OBU size; a temporal unit is at most SL_AV1_MAX_TU_SIZE
 * bytes and SL_AV1_MAX_OBUS OBUs.
 */
#ifndef SL_CODEC_AV1_H
#define SL_CODEC_AV1_H

#include "base/dbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_AV1_MAX_TU_SIZE (3u * 1024 * 1024)
/*
 * mediacommon keeps 10 OBUs per temporal unit; we allow a few more so that
 * metadata OBUs and several tile groups still fit, while bounding work.
 */
#define SL_AV1_MAX_OBUS   16
#define SL_AV1_LEB128_MAX 8

enum sl_av1_obu_type {
    SL_AV1_OBU_SEQUENCE_HEADER = 1,
    SL_AV1_OBU_TEMPORAL_DELIMITER = 2,
    SL_AV1_OBU_FRAME_HEADER = 3,
    SL_AV1_OBU_TILE_GROUP = 4,
    SL_AV1_OBU_METADATA = 5,
    SL_AV1_OBU_FRAME = 6,
    SL_AV1_OBU_REDUNDANT_FRAME_HEADER = 7,
    SL_AV1_OBU_TILE_LIST = 8,
    SL_AV1_OBU_PADDING = 15,
};

/* One OBU located in a buffer. */
struct sl_av1_obu {
    int            type;
    bool           has_extension;
    bool           has_size; /* obu_has_size_field */
    uint8_t        temporal_id;
    uint8_t        spatial_id;
    const uint8_t *data;       /* the OBU: header, size field, payload */
    size_t         len;        /* whole OBU */
    size_t         header_len; /* 1 or 2 (without the size field) */
    const uint8_t *payload;
    size_t         payload_len;
};

/* The sequence header fields Sluice uses (AV1 5.5). */
struct sl_av1_seq_header {
    uint8_t  profile; /* seq_profile, 0..2 */
    bool     still_picture;
    bool     reduced_still_picture_header;
    uint8_t  level_idx; /* seq_level_idx[0] */
    uint8_t  tier;      /* seq_tier[0] */
    bool     initial_display_delay_present;
    uint8_t  initial_display_delay_minus_1; /* of operating point 0 */
    bool     timing_info_present;
    uint32_t num_units_in_display_tick;
    uint32_t time_scale;
    uint32_t width;  /* max_frame_width_minus_1 + 1 */
    uint32_t height; /* max_frame_height_minus_1 + 1 */
    bool     frame_id_numbers_present;
    uint8_t  bit_depth; /* 8, 10 or 12 */
    bool     high_bitdepth;
    bool     twelve_bit;
    bool     mono_chrome;
    uint8_t  subsampling_x;
    uint8_t  subsampling_y;
    uint8_t  chroma_sample_position;
    uint8_t  color_primaries;
    uint8_t  transfer_characteristics;
    uint8_t  matrix_coefficients;
    bool     color_range;
    bool     film_grain_params_present;
};

/* A parsed AV1CodecConfigurationRecord; config_obus points into the input. */
struct sl_av1_config {
    uint8_t        profile;
    uint8_t        level_idx;
    uint8_t        tier;
    bool           high_bitdepth;
    bool           twelve_bit;
    bool           mono_chrome;
    uint8_t        subsampling_x;
    uint8_t        subsampling_y;
    uint8_t        chroma_sample_position;
    bool           initial_presentation_delay_present;
    uint8_t        initial_presentation_delay_minus_one;
    const uint8_t *config_obus;
    size_t         config_obus_len;
};


/*
 * Reads an unsigned LEB128 value at p.  Returns the bytes it used (1 to 8),
 * or SL_EBADDATA when it runs past len or past 8 bytes.  Values up to 2^56-1
 * fit in 8 bytes, so *v never overflows.
 */
int sl_av1_leb128_read(const uint8_t *p, size_t len, uint64_t *v);
/* Bytes the LEB128 encoding of v takes (v < 2^56: 1..8). */
size_t sl_av1_leb128_size(uint64_t v);
/*
 * Writes v (< 2^56) as LEB128 in exactly n bytes (n >= sl_av1_leb128_size,
 * n <= 8; padding bytes are 0x80 continuations).  Returns n.
 */
size_t sl_av1_leb128_write(uint8_t *out, uint64_t v, size_t n);

/*
 * Parses the OBU at p.  With obu_has_size_field = 0 the OBU extends to len.
 * Returns 0 or SL_EBADDATA (forbidden bit set, truncated header, a size
 * beyond len or above 2^32 - 1); *out is untouched on failure.
 */
int sl_av1_obu_parse(const uint8_t *p, size_t len, struct sl_av1_obu *out);

/*
 * Parses a sequence header OBU's payload (not the OBU header).  Returns 0,
 * SL_EBADDATA (truncated, reserved profile, out-of-range values) or
 * SL_EUNSUP; *out is untouched on failure.
 */
int sl_av1_seq_header_parse(const uint8_t *payload, size_t len,
                            struct sl_av1_seq_header *out);

/*
 * Splits a temporal unit (low-overhead format) into OBUs.  Returns the
 * number stored in obus (at most max), SL_EBADDATA for a malformed OBU, or
 * SL_ELIMIT when the unit exceeds SL_AV1_MAX_TU_SIZE or max OBUs.
 */
int sl_av1_tu_split(const uint8_t *tu, size_t len, struct sl_av1_obu *obus,
                    int max);
/*
 * Finds the first sequence header OBU of a temporal unit.  Returns 0 and
 * fills *obu, SL_ENOTFOUND, or SL_EBADDATA for a malformed unit.
 */
int sl_av1_tu_seq_header(const uint8_t *tu, size_t len, struct sl_av1_obu *obu);
/*
 * True when the temporal unit is a random access point: it carries a
 * sequence header and its first frame (header) is a shown KEY_FRAME (or the
 * sequence uses reduced_still_picture_header).  Malformed units are not
 * keys.
 */
bool sl_av1_tu_is_key(const uint8_t *tu, size_t len);

/*
 * Rewrites a temporal unit into the form Sluice's frames carry: every OBU
 * with obu_has_size_field = 1 and no temporal delimiter; with td, a single
 * temporal delimiter goes first (the form E-RTMP readers are sent: the AV1
 * specification starts every temporal unit with one, and FFmpeg's readers
 * expect it).  Other OBUs keep their order and bytes.
 *
 * Returns 1 when the rewritten unit was appended to out, 0 when tu already
 * has exactly that form (out untouched: use tu as it is), SL_ENOTFOUND when
 * nothing but temporal delimiters is left, SL_EBADDATA for a malformed
 * unit, or SL_ELIMIT (SL_AV1_MAX_TU_SIZE, or out's cap).  On error out is
 * unchanged.
 */
int sl_av1_tu_normalize(const uint8_t *tu, size_t len, bool td,
                        struct sl_dbuf *out);
/*
 * Parses an AV1CodecConfigurationRecord ("av1C" payload).  Returns 0 or
 * SL_EBADDATA (marker/version not 1, shorter than 4 bytes, configOBUs that
 * do not split into OBUs); *out is untouched on failure.
 */
int sl_av1_config_parse(const uint8_t *p, size_t len,
                        struct sl_av1_config *out);
/*
 * Appends an AV1CodecConfigurationRecord to out, with configOBUs = the
 * given sequence header OBU (written with obu_has_size_field = 1).  Returns
 * 0, SL_EBADDATA (not a parsable sequence header OBU) or SL_ELIMIT; out is
 * unchanged on failure.
 */
int sl_av1_config_build(struct sl_dbuf *out, const uint8_t *seq_obu,
                        size_t len);


#endif /* SL_CODEC_AV1_H */
