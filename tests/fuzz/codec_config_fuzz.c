/*
 * Fuzz target: codec configuration records and the parsers behind them.
 * Byte 0 picks (mod 10): avcC, hvcC, av1C, an AV1 temporal unit, vpcC, a
 * VP9 frame header, a VP8 frame header, OpusHead, parameter-set prepending
 * (H.264 and H.265), AVCC to Annex-B.  Properties: no crash, no leak;
 * values in range; what a builder makes parses back to the same fields;
 * a failed builder leaves its output alone.  Otherwise abort().
 */
#include "base/dbuf.h"
#include "codec/av1.h"
#include "codec/h264.h"
#include "codec/h265.h"
#include "codec/nalu.h"
#include "codec/opus.h"
#include "codec/vp8.h"
#include "codec/vp9.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void check_avcc(const uint8_t *p, size_t len);
static void check_hvcc(const uint8_t *p, size_t len);
static void check_av1c(const uint8_t *p, size_t len);
static void check_av1_tu(const uint8_t *p, size_t len);
static void check_vp9(const uint8_t *p, size_t len);
static void check_opus(const uint8_t *p, size_t len);
static void check_prepend(const uint8_t *p, size_t len);
static void check_annexb(const uint8_t *p, size_t len);


static void
check_avcc(const uint8_t *p, size_t len)
{
    struct sl_h264_config c;
    struct sl_h264_config c2;
    struct sl_dbuf        b;
    int                   rc;

    if (sl_h264_avcc_config_parse(p, len, &c) != 0) {
        return;
    }
    if (c.length_size == 3 || c.sps_count > SL_H264_CONFIG_MAX_PS
        || c.pps_count > SL_H264_CONFIG_MAX_PS)
    {
        abort();
    }
    if (c.sps_count == 0 || c.pps_count == 0) {
        return;
    }
    sl_dbuf_init(&b, 1 << 17);
    rc = sl_h264_avcc_config_build(&b, c.sps[0], c.sps_len[0], c.pps[0],
                                   c.pps_len[0]);
    if (rc == 0) {
        if (sl_h264_avcc_config_parse(sl_dbuf_data(&b), b.len, &c2) != 0
            || c2.sps_len[0] != c.sps_len[0] || c2.pps_len[0] != c.pps_len[0]
            || memcmp(c2.sps[0], c.sps[0], c.sps_len[0]) != 0
            || c2.profile_idc != c.sps[0][1] || c2.length_size != 4)
        {
            abort();
        }
    } else if (b.len != 0) {
        abort();
    }
    sl_dbuf_free(&b);
}


static void
check_hvcc(const uint8_t *p, size_t len)
{
    struct sl_h265_config c;
    struct sl_h265_config c2;
    struct sl_dbuf        b;
    int                   rc;

    if (sl_h265_hvcc_config_parse(p, len, &c) != 0) {
        return;
    }
    if (c.vps_count == 0 || c.sps_count == 0 || c.pps_count == 0) {
        return;
    }
    sl_dbuf_init(&b, 1 << 18);
    rc = sl_h265_hvcc_config_build(&b, c.vps[0], c.vps_len[0], c.sps[0],
                                   c.sps_len[0], c.pps[0], c.pps_len[0]);
    if (rc == 0) {
        if (sl_h265_hvcc_config_parse(sl_dbuf_data(&b), b.len, &c2) != 0
            || c2.vps_count != 1 || c2.sps_count != 1 || c2.pps_count != 1
            || c2.sps_len[0] != c.sps_len[0]
            || memcmp(c2.sps[0], c.sps[0], c.sps_len[0]) != 0)
        {
            abort();
        }
    } else if (b.len != 0) {
        abort();
    }
    sl_dbuf_free(&b);
}


static void
check_av1c(const uint8_t *p, size_t len)
{
    struct sl_av1_config c;
    struct sl_av1_obu    obu;

    if (sl_av1_config_parse(p, len, &c) != 0) {
        return;
    }
    if (c.config_obus_len != len - 4) {
        abort();
    }
    if (c.config_obus_len > 0
        && sl_av1_tu_seq_header(c.config_obus, c.config_obus_len, &obu) == 0)
    {
        check_av1_tu(c.config_obus, c.config_obus_len);
    }
}


static void
check_av1_tu(const uint8_t *p, size_t len)
{
    struct sl_av1_obu        obus[SL_AV1_MAX_OBUS];
    struct sl_av1_obu        sh_obu;
    struct sl_av1_seq_header sh;
    struct sl_av1_config     c;
    struct sl_dbuf           b;
    int                      n;
    int                      i;

    (void)sl_av1_tu_is_key(p, len);
    n = sl_av1_tu_split(p, len, obus, SL_AV1_MAX_OBUS);
    for (i = 0; i < n; i++) {
        if (obus[i].payload + obus[i].payload_len > p + len
            || obus[i].len > len) {
            abort();
        }
    }
    if (sl_av1_tu_seq_header(p, len, &sh_obu) != 0
        || sl_av1_seq_header_parse(sh_obu.payload, sh_obu.payload_len, &sh)
               != 0)
    {
        return;
    }
    if (sh.profile > 2 || sh.width == 0 || sh.height == 0
        || (sh.bit_depth != 8 && sh.bit_depth != 10 && sh.bit_depth != 12))
    {
        abort();
    }
    sl_dbuf_init(&b, 1 << 16);
    if (sl_av1_config_build(&b, sh_obu.data, sh_obu.len) == 0) {
        if (sl_av1_config_parse(sl_dbuf_data(&b), b.len, &c) != 0
            || c.profile != sh.profile || c.level_idx != sh.level_idx
            || c.mono_chrome != sh.mono_chrome)
        {
            abort();
        }
    }
    sl_dbuf_free(&b);
}


static void
check_vp9(const uint8_t *p, size_t len)
{
    struct sl_vp9_frame  f;
    struct sl_vp9_config c;
    struct sl_vp8_frame  f8;
    struct sl_dbuf       b;

    (void)sl_vp9_config_parse(p, len, &c);
    (void)sl_vp8_frame_parse(p, len, &f8);
    if (sl_vp9_frame_parse(p, len, &f) != 0 || !f.key) {
        return;
    }
    if (f.profile > 3 || f.width == 0 || f.height == 0) {
        abort();
    }
    sl_dbuf_init(&b, 64);
    if (sl_vp9_config_build(&b, &f) != 0
        || sl_vp9_config_parse(sl_dbuf_data(&b), b.len, &c) != 0
        || c.profile != f.profile || c.bit_depth != f.bit_depth)
    {
        abort();
    }
    sl_dbuf_free(&b);
}


static void
check_opus(const uint8_t *p, size_t len)
{
    struct sl_opus_head h;
    struct sl_dbuf      b;

    if (sl_opus_head_parse(p, len, &h) != 0) {
        return;
    }
    sl_dbuf_init(&b, 512);
    /* Fields the parser reads come back byte for byte. */
    if (sl_opus_head_build(&b, &h) != 0 || b.len > len
        || memcmp(sl_dbuf_data(&b), p, b.len) != 0)
    {
        abort();
    }
    sl_dbuf_free(&b);
}


static void
check_prepend(const uint8_t *p, size_t len)
{
    static const uint8_t sps[] = {0x67, 0x42, 0xc0, 0x0d};
    static const uint8_t pps[] = {0x68, 0xce};
    static const uint8_t vps[] = {0x40, 0x01, 0x0c};
    static const uint8_t sps5[] = {0x42, 0x01, 0x01};
    static const uint8_t pps5[] = {0x44, 0x01, 0xc1};
    struct sl_dbuf       b;
    int                  rc;

    sl_dbuf_init(&b, 1 << 20);
    rc = sl_h264_prepend_params(p, len, sps, sizeof(sps), pps, sizeof(pps), &b);
    if ((rc == 1 && sl_avcc_validate(sl_dbuf_data(&b), b.len) <= 0)
        || (rc != 1 && b.len != 0))
    {
        abort();
    }
    sl_dbuf_reset(&b);
    rc = sl_h265_prepend_params(p, len, vps, sizeof(vps), sps5, sizeof(sps5),
                                pps5, sizeof(pps5), &b);
    if ((rc == 1 && sl_avcc_validate(sl_dbuf_data(&b), b.len) <= 0)
        || (rc != 1 && b.len != 0))
    {
        abort();
    }
    sl_dbuf_free(&b);
}


static void
check_annexb(const uint8_t *p, size_t len)
{
    struct sl_dbuf a;
    struct sl_dbuf v;

    sl_dbuf_init(&a, 1 << 20);
    sl_dbuf_init(&v, 1 << 20);
    if (sl_avcc_to_annexb(p, len, &a) == 0) {
        /* Back to AVCC may split a NALU at an inner start code: no equality. */
        if (a.len != len) {
            abort();
        }
        (void)sl_annexb_to_avcc(sl_dbuf_data(&a), a.len, &v);
    } else if (a.len != 0) {
        abort();
    }
    sl_dbuf_free(&a);
    sl_dbuf_free(&v);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data + 1;
    size_t         len;

    if (size < 1) {
        return 0;
    }
    len = size - 1;
    switch (data[0] % 10) {
    case 0:
        check_avcc(p, len);
        break;
    case 1:
        check_hvcc(p, len);
        break;
    case 2:
        check_av1c(p, len);
        break;
    case 3:
        check_av1_tu(p, len);
        break;
    case 4:
    case 5:
    case 6:
        check_vp9(p, len);
        break;
    case 7:
        check_opus(p, len);
        break;
    case 8:
        check_prepend(p, len);
        break;
    default:
        check_annexb(p, len);
        break;
    }
    return 0;
}
