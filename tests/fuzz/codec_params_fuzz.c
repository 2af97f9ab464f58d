/*
 * Fuzz target: codec parameter parsers.  The first byte chooses the parser
 * (mod 8): H.264 SPS, H.265 SPS, AudioSpecificConfig, ADTS header, LATM
 * StreamMuxConfig (and an AudioMuxElement split with it), Annex-B to AVCC,
 * Opus TOC, emulation-prevention removal.  Property: no crash; values in
 * range; ASC and ADTS round-trip through their writers.
 */
#include "base/dbuf.h"
#include "codec/aac.h"
#include "codec/h264.h"
#include "codec/h265.h"
#include "codec/nalu.h"
#include "codec/opus.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void check_asc(const uint8_t *p, size_t len);
static void check_adts(const uint8_t *p, size_t len);
static void check_latm(const uint8_t *p, size_t len);


static void
check_asc(const uint8_t *p, size_t len)
{
    struct sl_aac_config a;
    struct sl_aac_config b;
    uint8_t              out[SL_AAC_ASC_MAX];
    int                  n;

    if (sl_aac_asc_parse(p, len, &a) != 0) {
        return;
    }
    if (a.channels <= 0 || a.sample_rate == 0
        || (a.frame_length != 1024 && a.frame_length != 960))
    {
        abort();
    }
    if (a.object_type > 4) {
        return; /* the writer only emits GASpecificConfig types exactly */
    }
    n = sl_aac_asc_write(&a, out, sizeof(out));
    if (n <= 0) {
        return;
    }
    if (sl_aac_asc_parse(out, (size_t)n, &b) != 0
        || b.object_type != a.object_type || b.sample_rate != a.sample_rate
        || b.channels != a.channels || b.frame_length != a.frame_length
        || b.sbr != a.sbr || b.ps != a.ps
        || b.ext_sample_rate != a.ext_sample_rate)
    {
        abort();
    }
}


static void
check_adts(const uint8_t *p, size_t len)
{
    struct sl_adts a;
    struct sl_adts b;
    uint8_t        h[7];

    if (sl_adts_parse(p, len, &a) != 0) {
        return;
    }
    if (a.frame_len < a.header_len || a.frame_len > 8191) {
        abort();
    }
    if (a.cfg.channel_config > 7
        || sl_adts_write_header(h, &a.cfg, a.frame_len - a.header_len) != 0)
    {
        return;
    }
    if (sl_adts_parse(h, sizeof(h), &b) != 0
        || b.frame_len != a.frame_len - a.header_len + 7
        || b.cfg.sample_rate != a.cfg.sample_rate
        || b.cfg.channels != a.cfg.channels
        || b.cfg.object_type != a.cfg.object_type)
    {
        abort();
    }
}


/* The first byte is the config length; the rest an AudioMuxElement. */
static void
check_latm(const uint8_t *p, size_t len)
{
    struct sl_latm_config c;
    struct sl_latm_au     aus[SL_AAC_MAX_AUS];
    size_t                clen;
    int                   n;
    int                   i;

    if (len < 1) {
        return;
    }
    clen = p[0] < len - 1 ? p[0] : len - 1;
    if (sl_latm_config_parse(p + 1, clen, &c) != 0) {
        return;
    }
    if (c.asc_len == 0 || c.asc_len > SL_AAC_ASC_MAX) {
        abort();
    }
    p += 1 + clen;
    len -= 1 + clen;
    n = sl_latm_split(&c, p, len, aus, SL_AAC_MAX_AUS);
    for (i = 0; i < n; i++) {
        if (aus[i].len == 0 || aus[i].p < p || aus[i].len > len
            || aus[i].p + aus[i].len > p + len)
        {
            abort();
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data + 1;
    size_t         len = size - 1;

    if (size < 1) {
        return 0;
    }
    switch (data[0] & 7) {
    case 0: {
        struct sl_h264_sps sps;

        if (sl_h264_sps_parse(p, len, &sps) == 0
            && (sps.width == 0 || sps.height == 0 || sps.width > 16384
                || sps.height > 16384))
        {
            abort();
        }
        break;
    }
    case 1: {
        struct sl_h265_sps sps;

        if (sl_h265_sps_parse(p, len, &sps) == 0
            && (sps.width == 0 || sps.height == 0 || sps.width > 16384
                || sps.height > 16384))
        {
            abort();
        }
        break;
    }
    case 2:
        check_asc(p, len);
        break;
    case 3:
        check_adts(p, len);
        break;
    case 4:
        check_latm(p, len);
        break;
    case 5: {
        struct sl_dbuf b;

        sl_dbuf_init(&b, SL_NALU_MAX_AU_SIZE);
        if (sl_annexb_to_avcc(p, len, &b) == 0
            && sl_avcc_validate(sl_dbuf_data(&b), b.len) <= 0)
        {
            abort();
        }
        (void)sl_h264_annexb_is_idr(p, len);
        (void)sl_h265_annexb_is_irap(p, len);
        sl_dbuf_free(&b);
        break;
    }
    case 6: {
        int n = sl_opus_packet_samples(p, len);

        if (n > 5760) {
            abort();
        }
        break;
    }
    default: {
        uint8_t out[256];
        int     n = sl_nalu_unescape(p, len, out, sizeof(out));

        if (n > (int)sizeof(out) || (n >= 0 && (size_t)n > len)) {
            abort();
        }
        break;
    }
    }
    return 0;
}
