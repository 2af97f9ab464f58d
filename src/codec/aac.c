/* Sluice: AudioSpecificConfig, ADTS and LATM (ISO/IEC 14496-3). */
#include "codec/aac.h"
#include "base/bits.h"
#include "base/err.h"

#include <string.h>


#define SYNC_SBR 0x2b7
#define SYNC_PS  0x548


static int      read_object_type(struct sl_bits *br);
static uint32_t read_rate(struct sl_bits *br, int *index);
static int      channels_from_config(int config);
static int      config_from_channels(int channels);
static int asc_read(struct sl_bits *br, struct sl_aac_config *c, size_t end);
static int rate_index(uint32_t rate);
static uint32_t latm_get_value(struct sl_bits *br);
static int      hex_decode(struct sl_str hex, uint8_t *out, size_t cap);


static const uint32_t rates[13] = {
    96000, 88200, 64000, 48000, 44100, 32000, 24000,
    22050, 16000, 12000, 11025, 8000,  7350,
};


uint32_t
sl_aac_rate_from_index(int index)
{
    if (index < 0 || index > 12) {
        return 0;
    }
    return rates[index];
}


static int
rate_index(uint32_t rate)
{
    int i;

    for (i = 0; i < 13; i++) {
        if (rates[i] == rate) {
            return i;
        }
    }
    return -1;
}


/* GetAudioObjectType() of 1.6.2.1.1: 31 escapes to 32 + 6 bits. */
static int
read_object_type(struct sl_bits *br)
{
    int t = (int)sl_bits_read(br, 5);

    if (t == 31) {
        t = 32 + (int)sl_bits_read(br, 6);
    }
    return t;
}


/* samplingFrequencyIndex, with index 15 escaping to a 24-bit rate. */
static uint32_t
read_rate(struct sl_bits *br, int *index)
{
    *index = (int)sl_bits_read(br, 4);
    if (*index == 15) {
        return sl_bits_read(br, 24);
    }
    return sl_aac_rate_from_index(*index);
}


/* Table 1.19 (with the 2009 amendment's 11..14). */
static int
channels_from_config(int config)
{
    switch (config) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
        return config;
    case 7:
    case 12:
    case 14:
        return 8;
    case 11:
        return 7;
    case 13:
        return 24;
    default:
        return 0;
    }
}


static int
config_from_channels(int channels)
{
    if (channels >= 1 && channels <= 6) {
        return channels;
    }
    if (channels == 8) {
        return 7;
    }
    return -1;
}


/*
 * AudioSpecificConfig() read through br, which lets LATM parse it at an
 * arbitrary bit position.  end is the bit position where the config must end
 * (0 when unknown): backward-compatible SBR signalling is only looked for
 * before it, since otherwise the bits that follow belong to someone else.
 */
static int
asc_read(struct sl_bits *br, struct sl_aac_config *out, size_t end)
{
    struct sl_aac_config c = {0};

    c.object_type = read_object_type(br);
    c.sample_rate = read_rate(br, &c.freq_index);
    c.channel_config = (int)sl_bits_read(br, 4);
    if (br->error) {
        return SL_EBADDATA;
    }
    if (c.object_type == SL_AAC_OT_SBR || c.object_type == SL_AAC_OT_PS) {
        int ext_index;

        c.sbr = true;
        c.ps = c.object_type == SL_AAC_OT_PS;
        c.ext_sample_rate = read_rate(br, &ext_index);
        c.object_type = read_object_type(br);
        if (c.object_type == 22) {
            sl_bits_skip(br, 4); /* extensionChannelConfiguration */
        }
    }
    if (br->error || c.object_type == 0 || c.sample_rate == 0) {
        return SL_EBADDATA;
    }
    if (c.channel_config == 0) {
        return SL_EUNSUP;
    }
    c.channels = channels_from_config(c.channel_config);
    if (c.channels == 0) {
        return SL_EBADDATA;
    }
    c.frame_length = 1024;
    switch (c.object_type) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 6:
    case 7:
    case 17:
    case 19:
    case 20:
    case 21:
    case 22:
    case 23:
        /* GASpecificConfig(): frameLengthFlag, dependsOnCoreCoder, ext. */
        if (sl_bits_read1(br)) {
            c.frame_length = 960;
        }
        if (sl_bits_read1(br)) {
            sl_bits_skip(br, 14); /* coreCoderDelay */
        }
        sl_bits_skip(br, 1); /* extensionFlag (its payload is ignored) */
        if (br->error) {
            return SL_EBADDATA;
        }
        break;
    default:
        /* Other types are carried through; their config is not read. */
        break;
    }
    /* Backward-compatible SBR/PS signalling (1.6.6.1), tolerated: the
     * extension is recognised by its sync word; anything else is left for
     * the caller. */
    if (!c.sbr && end >= br->pos + 16 && end <= br->len_bits) {
        size_t save = br->pos;

        if (sl_bits_read(br, 11) == SYNC_SBR
            && read_object_type(br) == SL_AAC_OT_SBR) {
            if (sl_bits_read1(br)) {
                int ext_index;

                c.sbr = true;
                c.ext_sample_rate = read_rate(br, &ext_index);
                if (end >= br->pos + 12) {
                    size_t ps_save = br->pos;

                    if (sl_bits_read(br, 11) == SYNC_PS) {
                        c.ps = sl_bits_read1(br);
                    } else {
                        br->pos = ps_save;
                    }
                }
            }
        } else {
            br->pos = save;
        }
        if (br->error) {
            br->error = false;
            br->pos = save;
            c.sbr = false;
            c.ps = false;
            c.ext_sample_rate = 0;
        }
    }
    *out = c;
    return 0;
}


int
sl_aac_asc_parse(const uint8_t *p, size_t len, struct sl_aac_config *out)
{
    struct sl_bits br;

    sl_bits_init(&br, p, len);
    return asc_read(&br, out, br.len_bits);
}


int
sl_aac_asc_write(const struct sl_aac_config *c, uint8_t *out, size_t cap)
{
    uint8_t        tmp[16];
    struct sl_bitw bw;
    int            index = rate_index(c->sample_rate);
    int            config = c->channel_config;
    size_t         n;

    if (config == 0) {
        config = config_from_channels(c->channels);
    }
    if (c->object_type <= 0 || c->object_type > 95 || config <= 0 || config > 15
        || c->sample_rate == 0 || c->sample_rate > 0xffffff)
    {
        return SL_EINVAL;
    }
    sl_bitw_init(&bw, tmp, sizeof(tmp));
    if (c->sbr) {
        int ext_index = rate_index(c->ext_sample_rate);

        sl_bitw_write(&bw, 5, c->ps ? SL_AAC_OT_PS : SL_AAC_OT_SBR);
        if (index >= 0 && c->freq_index != 15) {
            sl_bitw_write(&bw, 4, (uint32_t)index);
        } else {
            sl_bitw_write(&bw, 4, 15);
            sl_bitw_write(&bw, 24, c->sample_rate);
        }
        sl_bitw_write(&bw, 4, (uint32_t)config);
        if (ext_index >= 0) {
            sl_bitw_write(&bw, 4, (uint32_t)ext_index);
        } else {
            sl_bitw_write(&bw, 4, 15);
            sl_bitw_write(&bw, 24, c->ext_sample_rate & 0xffffff);
        }
    }
    if (c->object_type >= 31) {
        sl_bitw_write(&bw, 5, 31);
        sl_bitw_write(&bw, 6, (uint32_t)(c->object_type - 32));
    } else {
        sl_bitw_write(&bw, 5, (uint32_t)c->object_type);
    }
    if (!c->sbr) {
        if (index >= 0 && c->freq_index != 15) {
            sl_bitw_write(&bw, 4, (uint32_t)index);
        } else {
            sl_bitw_write(&bw, 4, 15);
            sl_bitw_write(&bw, 24, c->sample_rate);
        }
        sl_bitw_write(&bw, 4, (uint32_t)config);
    }
    /* GASpecificConfig: frameLengthFlag, dependsOnCoreCoder, extensionFlag. */
    sl_bitw_write(&bw, 1, c->frame_length == 960 ? 1 : 0);
    sl_bitw_write(&bw, 2, 0);
    n = sl_bitw_bytes(&bw);
    if (bw.error) {
        return SL_EINVAL;
    }
    if (n > cap) {
        return SL_ELIMIT;
    }
    memcpy(out, tmp, n);
    return (int)n;
}


int
sl_adts_parse(const uint8_t *p, size_t len, struct sl_adts *out)
{
    struct sl_adts a = {0};
    int            index;
    int            config;

    if (len < 7) {
        return SL_EAGAIN;
    }
    if (p[0] != 0xff || (p[1] & 0xf0) != 0xf0 || (p[1] & 0x06) != 0) {
        return SL_EBADDATA;
    }
    a.header_len = (p[1] & 0x01) ? 7 : 9;
    a.cfg.object_type = ((p[2] >> 6) & 0x03) + 1;
    index = (p[2] >> 2) & 0x0f;
    config = ((p[2] & 0x01) << 2) | ((p[3] >> 6) & 0x03);
    a.frame_len = ((size_t)(p[3] & 0x03) << 11) | ((size_t)p[4] << 3)
                  | ((size_t)p[5] >> 5);
    a.raw_blocks = (p[6] & 0x03) + 1;
    if (index > 12 || config == 0 || a.frame_len < a.header_len) {
        return SL_EBADDATA;
    }
    if (len < a.header_len) {
        return SL_EAGAIN;
    }
    a.cfg.freq_index = index;
    a.cfg.sample_rate = rates[index];
    a.cfg.channel_config = config;
    a.cfg.channels = channels_from_config(config);
    a.cfg.frame_length = 1024;
    *out = a;
    return 0;
}


int
sl_adts_write_header(uint8_t out[7], const struct sl_aac_config *c,
                     size_t au_len)
{
    int    index = rate_index(c->sample_rate);
    int    config = c->channel_config;
    size_t flen = au_len + 7;

    if (config == 0) {
        config = config_from_channels(c->channels);
    }
    if (c->object_type < 1 || c->object_type > 4 || index < 0 || config <= 0
        || config > 7 || flen > 8191)
    {
        return SL_EINVAL;
    }
    out[0] = 0xff;
    out[1] = 0xf1; /* MPEG-4, layer 0, no CRC */
    out[2] =
        (uint8_t)(((c->object_type - 1) << 6) | (index << 2) | (config >> 2));
    out[3] = (uint8_t)(((config & 3) << 6) | (flen >> 11));
    out[4] = (uint8_t)(flen >> 3);
    out[5] = (uint8_t)(((flen & 7) << 5) | 0x1f); /* fullness 0x7ff: VBR */
    out[6] = 0xfc;                                /* one raw data block */
    return 0;
}


/* LatmGetValue() of 1.7.3.1. */
static uint32_t
latm_get_value(struct sl_bits *br)
{
    uint32_t bytes = sl_bits_read(br, 2);
    uint32_t v = 0;
    uint32_t i;

    for (i = 0; i <= bytes; i++) {
        v = (v << 8) | sl_bits_read(br, 8);
    }
    return v;
}


int
sl_latm_config_parse(const uint8_t *p, size_t len, struct sl_latm_config *out)
{
    struct sl_latm_config c = {0};
    struct sl_bits        br;
    struct sl_bits        copy;
    struct sl_bitw        bw;
    size_t                start;
    size_t                bits;
    int                   rc;

    sl_bits_init(&br, p, len);
    c.audio_mux_version = (int)sl_bits_read(&br, 1);
    if (c.audio_mux_version == 1) {
        if (sl_bits_read1(&br)) { /* audioMuxVersionA */
            return SL_EUNSUP;
        }
        latm_get_value(&br); /* taraBufferFullness */
    }
    c.all_streams_same_time_framing = sl_bits_read1(&br);
    c.num_sub_frames = (int)sl_bits_read(&br, 6) + 1;
    if (!c.all_streams_same_time_framing) {
        return br.error ? SL_EBADDATA : SL_EUNSUP;
    }
    if (sl_bits_read(&br, 4) != 0 || sl_bits_read(&br, 3) != 0) {
        /* numProgram, numLayer: only one program with one layer. */
        return br.error ? SL_EBADDATA : SL_EUNSUP;
    }
    if (c.audio_mux_version == 1) {
        uint32_t asc_len = latm_get_value(&br);

        start = br.pos;
        if (asc_len > br.len_bits - start) {
            return SL_EBADDATA;
        }
        rc = asc_read(&br, &c.aac, start + asc_len);
        if (rc < 0) {
            return rc;
        }
        if (asc_len < br.pos - start) {
            return SL_EBADDATA;
        }
        /* The ASC occupies ascLen bits; fill bits follow it. */
        bits = br.pos - start;
        sl_bits_skip(&br, asc_len - bits);
    } else {
        /* No length: the ASC runs until its own end, SBR extension
         * included (GStreamer's rtpmp4apay writes one). */
        start = br.pos;
        rc = asc_read(&br, &c.aac, br.len_bits);
        if (rc < 0) {
            return rc;
        }
        bits = br.pos - start;
    }
    if (br.error || bits > SL_AAC_ASC_MAX * 8) {
        return SL_EBADDATA;
    }
    copy = br;
    copy.pos = start;
    copy.error = false;
    sl_bitw_init(&bw, c.asc, sizeof(c.asc));
    while (bits > 0) {
        unsigned n = bits > 8 ? 8 : (unsigned)bits;

        sl_bitw_write(&bw, n, sl_bits_read(&copy, n));
        bits -= n;
    }
    c.asc_len = sl_bitw_bytes(&bw);

    c.frame_length_type = (int)sl_bits_read(&br, 3);
    if (c.frame_length_type != 0) {
        return br.error ? SL_EBADDATA : SL_EUNSUP;
    }
    if (sl_bits_left(&br) < 10) {
        /* Some senders truncate the rest (buffer fullness, otherData,
         * CRC): their absence means none of them. */
        *out = c;
        return 0;
    }
    sl_bits_skip(&br, 8); /* latmBufferFullness */
    c.other_data_present = sl_bits_read1(&br);
    if (c.other_data_present) {
        if (c.audio_mux_version == 1) {
            c.other_data_len_bits = latm_get_value(&br);
        } else {
            bool esc;
            int  rounds = 0;

            do {
                if (++rounds > 4) {
                    return SL_EBADDATA;
                }
                c.other_data_len_bits <<= 8;
                esc = sl_bits_read1(&br);
                c.other_data_len_bits += sl_bits_read(&br, 8);
            } while (esc && !br.error);
        }
    }
    c.crc_present = sl_bits_read1(&br);
    if (c.crc_present) {
        sl_bits_skip(&br, 8);
    }
    if (br.error) {
        return SL_EBADDATA;
    }
    *out = c;
    return 0;
}


static int
hex_decode(struct sl_str hex, uint8_t *out, size_t cap)
{
    size_t i;

    if (hex.len % 2 != 0) {
        return SL_EBADDATA;
    }
    if (hex.len / 2 > cap) {
        return SL_ELIMIT;
    }
    for (i = 0; i < hex.len; i += 2) {
        uint64_t v;

        if (sl_parse_hex_u64((struct sl_str){hex.p + i, 2}, 0xff, &v) < 0) {
            return SL_EBADDATA;
        }
        out[i / 2] = (uint8_t)v;
    }
    return (int)(hex.len / 2);
}


int
sl_latm_config_parse_hex(struct sl_str hex, struct sl_latm_config *out)
{
    uint8_t buf[128];
    int     n = hex_decode(sl_str_trim(hex), buf, sizeof(buf));

    if (n < 0) {
        return SL_EBADDATA;
    }
    return sl_latm_config_parse(buf, (size_t)n, out);
}


int
sl_latm_split(const struct sl_latm_config *c, const uint8_t *p, size_t len,
              struct sl_latm_au *aus, int max)
{
    size_t off = 0;
    int    count = 0;

    if (c->frame_length_type != 0) {
        return SL_EUNSUP;
    }
    while (off < len) {
        int i;

        for (i = 0; i < c->num_sub_frames; i++) {
            size_t  au_len = 0;
            uint8_t b;

            /* PayloadLengthInfo(): MuxSlotLengthBytes as runs of 0xFF. */
            do {
                if (off >= len) {
                    return SL_EBADDATA;
                }
                b = p[off++];
                au_len += b;
            } while (b == 0xff && au_len <= SL_AAC_MAX_AU_SIZE);
            if (au_len > SL_AAC_MAX_AU_SIZE) {
                return SL_ELIMIT;
            }
            if (au_len > len - off) {
                return SL_EBADDATA;
            }
            if (au_len > 0) {
                if (count == max) {
                    return SL_ELIMIT;
                }
                aus[count].p = p + off;
                aus[count].len = au_len;
                count++;
            }
            off += au_len;
        }
        if (c->other_data_present) {
            /* otherDataLenBits then byte alignment end the element. */
            size_t skip = (c->other_data_len_bits + 7) / 8;

            if (skip > len - off) {
                return SL_EBADDATA;
            }
            off += skip;
        }
    }
    return count;
}
