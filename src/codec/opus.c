/* Sluice: Opus TOC parsing (RFC 6716 3.1) and OpusHead (RFC 7845 5.1). */
#include "codec/opus.h"
#include "base/err.h"

#include <string.h>


#define MAX_PACKET_SAMPLES 5760 /* 120 ms at 48 kHz */
#define HEAD_LEN           19


static int check_head(const struct sl_opus_head *h);


/* Streams and coupled streams for 1..8 channels, family 1 (5.1.1.2). */
static const uint8_t vorbis_streams[9] = {0, 1, 1, 2, 2, 3, 4, 4, 5};
static const uint8_t vorbis_coupled[9] = {0, 0, 1, 1, 2, 2, 2, 3, 3};
static const uint8_t vorbis_mapping[9][8] = {
    {0},
    {0},
    {0, 1},
    {0, 2, 1},
    {0, 1, 2, 3},
    {0, 4, 1, 2, 3},
    {0, 4, 1, 2, 3, 5},
    {0, 4, 1, 2, 3, 5, 6},
    {0, 6, 1, 2, 3, 4, 5, 7},
};


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


int
sl_opus_head_default(struct sl_opus_head *h, int channels)
{
    if (channels < 1 || channels > 8) {
        return SL_EINVAL;
    }
    memset(h, 0, sizeof(*h));
    h->version = 1;
    h->channels = (uint8_t)channels;
    h->pre_skip = 3840;
    h->input_rate = 48000;
    if (channels > 2) {
        h->mapping_family = 1;
        h->stream_count = vorbis_streams[channels];
        h->coupled_count = vorbis_coupled[channels];
        memcpy(h->mapping, vorbis_mapping[channels], (size_t)channels);
    }
    return 0;
}


/* The rules shared by the parser and the builder. */
static int
check_head(const struct sl_opus_head *h)
{
    int i;

    if (h->version > 15 || h->channels == 0) {
        return SL_EBADDATA;
    }
    if (h->mapping_family == 0) {
        return h->channels <= 2 ? 0 : SL_EBADDATA;
    }
    if (h->stream_count == 0 || h->coupled_count > h->stream_count
        || h->stream_count + h->coupled_count > 255)
    {
        return SL_EBADDATA;
    }
    for (i = 0; i < h->channels; i++) {
        if (h->mapping[i] != 255
            && h->mapping[i] >= h->stream_count + h->coupled_count) {
            return SL_EBADDATA;
        }
    }
    return 0;
}


int
sl_opus_head_parse(const uint8_t *p, size_t len, struct sl_opus_head *out)
{
    struct sl_opus_head h = {0};

    if (len < HEAD_LEN || memcmp(p, "OpusHead", 8) != 0) {
        return SL_EBADDATA;
    }
    h.version = p[8];
    h.channels = p[9];
    h.pre_skip = (uint16_t)(p[10] | (p[11] << 8));
    h.input_rate = (uint32_t)p[12] | ((uint32_t)p[13] << 8)
                   | ((uint32_t)p[14] << 16) | ((uint32_t)p[15] << 24);
    h.output_gain = (int16_t)(uint16_t)(p[16] | (p[17] << 8));
    h.mapping_family = p[18];
    if (h.mapping_family != 0) {
        if (len < HEAD_LEN + 2 + (size_t)h.channels) {
            return SL_EBADDATA;
        }
        h.stream_count = p[19];
        h.coupled_count = p[20];
        memcpy(h.mapping, p + 21, h.channels);
    }
    if (check_head(&h) < 0) {
        return SL_EBADDATA;
    }
    *out = h;
    return 0;
}


int
sl_opus_head_build(struct sl_dbuf *out, const struct sl_opus_head *h)
{
    size_t   total;
    uint8_t *d;

    if (check_head(h) < 0) {
        return SL_EINVAL;
    }
    total = HEAD_LEN + (h->mapping_family != 0 ? 2 + (size_t)h->channels : 0);
    d = sl_dbuf_reserve(out, total);
    if (d == NULL) {
        return SL_ELIMIT;
    }
    memcpy(d, "OpusHead", 8);
    d[8] = h->version;
    d[9] = h->channels;
    d[10] = (uint8_t)h->pre_skip;
    d[11] = (uint8_t)(h->pre_skip >> 8);
    d[12] = (uint8_t)h->input_rate;
    d[13] = (uint8_t)(h->input_rate >> 8);
    d[14] = (uint8_t)(h->input_rate >> 16);
    d[15] = (uint8_t)(h->input_rate >> 24);
    d[16] = (uint8_t)(uint16_t)h->output_gain;
    d[17] = (uint8_t)((uint16_t)h->output_gain >> 8);
    d[18] = h->mapping_family;
    if (h->mapping_family != 0) {
        d[19] = h->stream_count;
        d[20] = h->coupled_count;
        memcpy(d + 21, h->mapping, h->channels);
    }
    sl_dbuf_commit(out, total);
    return 0;
}
