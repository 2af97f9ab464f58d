/*
 * Fuzz target: FLV tag bodies.  The input goes to the video and audio
 * parsers, the onMetaData parser and the tag header parser.  Properties:
 * no crash; payloads lie inside the input; what the writers can express
 * (codec, packet type, key, cts) is written back and parses to the same
 * fields and payload; parsed metadata written back parses to the same
 * values.
 */
#include "format/flv.h"
#include "base/err.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void video(const uint8_t *data, size_t size);
static void audio(const uint8_t *data, size_t size);
static void meta(const uint8_t *data, size_t size);


static void
video(const uint8_t *data, size_t size)
{
    struct sl_flv_video v, back;
    struct sl_dbuf      b;

    if (sl_flv_video_parse(data, size, &v) != 0) {
        return;
    }
    if (v.data < data || v.data + v.len != data + size) {
        abort();
    }
    if (v.packet_type != SL_FLV_PKT_SEQUENCE_START
        && v.packet_type != SL_FLV_PKT_CODED_FRAMES
        && v.packet_type != SL_FLV_PKT_SEQUENCE_END)
    {
        return;
    }
    sl_dbuf_init(&b, size + 16);
    if (sl_flv_write_video(&b, v.codec, v.packet_type, v.key, v.cts, v.data,
                           v.len)
        != 0)
    {
        sl_dbuf_free(&b);
        return; /* VP8, unknown FourCCs: no writer */
    }
    if (sl_flv_video_parse(sl_dbuf_data(&b), b.len, &back) != 0
        || back.codec != v.codec || back.packet_type != v.packet_type
        || back.len != v.len || memcmp(back.data, v.data, v.len) != 0
        || (v.packet_type == SL_FLV_PKT_CODED_FRAMES
            && (back.key != v.key
                || ((v.codec == SL_CODEC_H264 || v.codec == SL_CODEC_H265)
                    && back.cts != v.cts))))
    {
        abort();
    }
    sl_dbuf_free(&b);
}


static void
audio(const uint8_t *data, size_t size)
{
    struct sl_flv_audio a, back;
    struct sl_dbuf      b;

    if (sl_flv_audio_parse(data, size, &a) != 0) {
        return;
    }
    if (a.data < data || a.data + a.len != data + size) {
        abort();
    }
    sl_dbuf_init(&b, size + 16);
    if (sl_flv_write_audio(&b, a.codec, a.mulaw, a.packet_type, a.rate,
                           a.channels, a.data, a.len)
        != 0)
    {
        sl_dbuf_free(&b);
        return;
    }
    if (sl_flv_audio_parse(sl_dbuf_data(&b), b.len, &back) != 0
        || back.codec != a.codec || back.packet_type != a.packet_type
        || back.mulaw != a.mulaw || back.len != a.len
        || memcmp(back.data, a.data, a.len) != 0)
    {
        abort();
    }
    sl_dbuf_free(&b);
}


static void
meta(const uint8_t *data, size_t size)
{
    struct sl_flv_meta m, back;
    struct sl_dbuf     b;

    if (sl_flv_meta_parse(data, size, &m) != 0) {
        return;
    }
    sl_dbuf_init(&b, 4096);
    if (sl_flv_meta_write(&b, &m, true) != 0
        || sl_flv_meta_parse(sl_dbuf_data(&b), b.len, &back) != 0)
    {
        abort();
    }
    /* Values the writer drops (zeros, or video keys without video) aside,
     * what it kept reads back bit for bit. */
    if (m.has_video && m.width > 0 && memcmp(&m.width, &back.width, 8) != 0) {
        abort();
    }
    if (m.has_audio && m.stereo != back.stereo) {
        abort();
    }
    sl_dbuf_free(&b);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_flv_tag t;

    video(data, size);
    audio(data, size);
    meta(data, size);
    if (sl_flv_tag_parse(data, size, &t) == 0 && size >= 11) {
        uint8_t h[11];

        sl_flv_tag_header(h, t.type, t.size, t.ts);
        if (h[0] != (data[0] & 0x1f) || memcmp(h + 1, data + 1, 7) != 0) {
            abort();
        }
    }
    return 0;
}
