/* Sluice: RTP formats from SDP rtpmap/fmtp (RFC 6184, 7798, 3640, 3016). */
#include "proto/rtp/format.h"
#include "base/crypto.h"
#include "base/err.h"
#include "codec/h264.h"
#include "codec/h265.h"

#include <string.h>


static struct sl_str fmtp_params(struct sl_str fmtp);
static int  decode_b64_nalu(struct sl_str b64, uint8_t *out, size_t *out_len);
static int  hex_decode(struct sl_str hex, uint8_t *out, size_t cap);
static int  parse_int_param(struct sl_str fmtp, const char *name, int max,
                            int def, int *out);
static void static_pt(uint8_t pt, struct sl_str *enc, uint32_t *clock,
                      uint32_t *channels);
static int  fill_h264(struct sl_rtp_format *f, struct sl_str fmtp);
static int  fill_h265(struct sl_rtp_format *f, struct sl_str fmtp);
static int  fill_mpeg4_generic(struct sl_rtp_format *f, struct sl_str fmtp);
static int  fill_latm(struct sl_rtp_format *f, struct sl_str fmtp);


/* Strips an optional "a=fmtp:" and the payload type in front of the text. */
static struct sl_str
fmtp_params(struct sl_str fmtp)
{
    size_t i = 0;

    fmtp = sl_str_trim(fmtp);
    if (sl_str_has_caseprefix(fmtp, "a=fmtp:")) {
        fmtp.p += 7;
        fmtp.len -= 7;
    }
    while (i < fmtp.len && fmtp.p[i] >= '0' && fmtp.p[i] <= '9') {
        i++;
    }
    if (i > 0 && i < fmtp.len && (fmtp.p[i] == ' ' || fmtp.p[i] == '\t')) {
        fmtp.p += i;
        fmtp.len -= i;
    }
    return sl_str_trim(fmtp);
}


bool
sl_rtp_fmtp_get(struct sl_str fmtp, const char *name, struct sl_str *value)
{
    struct sl_str rest = fmtp_params(fmtp);

    while (rest.len > 0) {
        struct sl_str param = sl_str_cut(&rest, ';');
        struct sl_str key = sl_str_trim(sl_str_cut(&param, '='));

        if (sl_str_caseeq_cstr(key, name)) {
            *value = sl_str_trim(param);
            return true;
        }
    }
    return false;
}


/* Decodes one base64 NALU into out (SL_RTP_PARAM_MAX bytes). */
static int
decode_b64_nalu(struct sl_str b64, uint8_t *out, size_t *out_len)
{
    uint8_t tmp[SL_RTP_PARAM_MAX + 4];
    int     n;

    b64 = sl_str_trim(b64);
    if (b64.len == 0 || b64.len > (SL_RTP_PARAM_MAX / 3) * 4 + 4) {
        return SL_EBADDATA;
    }
    n = sl_base64_decode(b64.p, b64.len, tmp);
    if (n <= 0 || (size_t)n > SL_RTP_PARAM_MAX) {
        return SL_EBADDATA;
    }
    memcpy(out, tmp, (size_t)n);
    *out_len = (size_t)n;
    return 0;
}


static int
hex_decode(struct sl_str hex, uint8_t *out, size_t cap)
{
    size_t i;

    hex = sl_str_trim(hex);
    if (hex.len == 0 || hex.len % 2 != 0 || hex.len / 2 > cap) {
        return SL_EBADDATA;
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


static int
parse_int_param(struct sl_str fmtp, const char *name, int max, int def,
                int *out)
{
    struct sl_str v;
    uint32_t      u;

    if (!sl_rtp_fmtp_get(fmtp, name, &v)) {
        *out = def;
        return 0;
    }
    if (sl_parse_u32(v, (uint32_t)max, &u) < 0) {
        return SL_EBADDATA;
    }
    *out = (int)u;
    return 0;
}


/* RFC 3551 table 4 and 5: the static payload types MediaMTX accepts. */
static void
static_pt(uint8_t pt, struct sl_str *enc, uint32_t *clock, uint32_t *channels)
{
    static const struct {
        uint8_t     pt;
        const char *enc;
        uint32_t    clock;
        uint32_t    channels;
    } table[] = {
        {0, "PCMU", 8000, 1},   {8, "PCMA", 8000, 1},  {9, "G722", 8000, 1},
        {10, "L16", 44100, 2},  {11, "L16", 44100, 1}, {14, "MPA", 90000, 0},
        {26, "JPEG", 90000, 0}, {32, "MPV", 90000, 0}, {33, "MP2T", 90000, 0},
    };
    size_t i;

    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].pt == pt) {
            if (enc->len == 0) {
                *enc = sl_str_from(table[i].enc);
            }
            if (*clock == 0) {
                *clock = table[i].clock;
            }
            if (*channels == 0) {
                *channels = table[i].channels;
            }
            return;
        }
    }
}


static int
fill_h264(struct sl_rtp_format *f, struct sl_str fmtp)
{
    struct sl_str v;
    int           rc;

    rc = parse_int_param(fmtp, "packetization-mode", 2, 0,
                         &f->packetization_mode);
    if (rc < 0) {
        return rc;
    }
    if (sl_rtp_fmtp_get(fmtp, "sprop-parameter-sets", &v)) {
        while (v.len > 0) {
            struct sl_str one = sl_str_cut(&v, ',');
            uint8_t       nalu[SL_RTP_PARAM_MAX];
            size_t        n;

            if (decode_b64_nalu(one, nalu, &n) < 0) {
                return SL_EBADDATA;
            }
            if (sl_h264_nal_type(nalu[0]) == SL_H264_NAL_SPS) {
                memcpy(f->sps, nalu, n);
                f->sps_len = n;
            } else if (sl_h264_nal_type(nalu[0]) == SL_H264_NAL_PPS) {
                memcpy(f->pps, nalu, n);
                f->pps_len = n;
            }
        }
    }
    return f->packetization_mode == 2 ? SL_EUNSUP : 0;
}


static int
fill_h265(struct sl_rtp_format *f, struct sl_str fmtp)
{
    static const char *names[3] = {"sprop-vps", "sprop-sps", "sprop-pps"};
    uint8_t           *dst[3] = {f->vps, f->sps, f->pps};
    size_t            *dst_len[3] = {&f->vps_len, &f->sps_len, &f->pps_len};
    struct sl_str      v;
    int                don;
    int                i;

    for (i = 0; i < 3; i++) {
        if (sl_rtp_fmtp_get(fmtp, names[i], &v)) {
            struct sl_str first = sl_str_cut(&v, ',');

            if (decode_b64_nalu(first, dst[i], dst_len[i]) < 0) {
                return SL_EBADDATA;
            }
        }
    }
    if (parse_int_param(fmtp, "sprop-max-don-diff", 32767, 0, &don) < 0) {
        return SL_EBADDATA;
    }
    return don > 0 ? SL_EUNSUP : 0;
}


static int
fill_mpeg4_generic(struct sl_rtp_format *f, struct sl_str fmtp)
{
    struct sl_str v;
    int           n;
    int           rc;

    if (!sl_rtp_fmtp_get(fmtp, "config", &v)) {
        return SL_EBADDATA;
    }
    n = hex_decode(v, f->asc, sizeof(f->asc));
    if (n < 0) {
        return SL_EBADDATA;
    }
    f->asc_len = (size_t)n;
    rc = sl_aac_asc_parse(f->asc, f->asc_len, &f->aac);
    if (rc < 0) {
        return rc == SL_EUNSUP ? SL_EUNSUP : SL_EBADDATA;
    }
    if (parse_int_param(fmtp, "sizelength", 32, 0, &f->size_length) < 0
        || parse_int_param(fmtp, "indexlength", 32, 0, &f->index_length) < 0
        || parse_int_param(fmtp, "indexdeltalength", 32, 0,
                           &f->index_delta_length)
               < 0
        || f->size_length == 0)
    {
        return SL_EBADDATA;
    }
    return 0;
}


static int
fill_latm(struct sl_rtp_format *f, struct sl_str fmtp)
{
    struct sl_str v;
    int           cpresent;
    int           n;
    int           rc;

    if (parse_int_param(fmtp, "cpresent", 1, 1, &cpresent) < 0) {
        return SL_EBADDATA;
    }
    f->latm_cpresent = cpresent == 1;
    if (f->latm_cpresent) {
        return SL_EUNSUP;
    }
    if (!sl_rtp_fmtp_get(fmtp, "config", &v)) {
        return SL_EBADDATA;
    }
    n = hex_decode(v, f->asc, sizeof(f->asc));
    if (n < 0) {
        return SL_EBADDATA;
    }
    f->asc_len = (size_t)n;
    rc = sl_latm_config_parse(f->asc, f->asc_len, &f->latm);
    if (rc < 0) {
        return rc == SL_EUNSUP ? SL_EUNSUP : SL_EBADDATA;
    }
    f->aac = f->latm.aac;
    return 0;
}


int
sl_rtp_format_from_sdp(struct sl_rtp_format *f, uint8_t pt,
                       struct sl_str encoding, uint32_t clock_rate,
                       uint32_t channels, struct sl_str fmtp)
{
    static const struct {
        const char      *name;
        enum sl_codec_id codec;
    } names[] = {
        {"H264", SL_CODEC_H264},         {"H265", SL_CODEC_H265},
        {"AV1", SL_CODEC_AV1},           {"VP8", SL_CODEC_VP8},
        {"VP9", SL_CODEC_VP9},           {"JPEG", SL_CODEC_MJPEG},
        {"MP4V-ES", SL_CODEC_MPEG4V},    {"MPV", SL_CODEC_MPEG12V},
        {"MPEG4-GENERIC", SL_CODEC_AAC}, {"MP4A-LATM", SL_CODEC_AAC_LATM},
        {"OPUS", SL_CODEC_OPUS},         {"MPA", SL_CODEC_MP3},
        {"AC3", SL_CODEC_AC3},           {"PCMU", SL_CODEC_G711},
        {"PCMA", SL_CODEC_G711},         {"G722", SL_CODEC_G722},
        {"L8", SL_CODEC_LPCM},           {"L16", SL_CODEC_LPCM},
        {"L24", SL_CODEC_LPCM},          {"SMPTE336M", SL_CODEC_KLV},
        {"MP2T", SL_CODEC_MPEGTS},
    };
    struct sl_rtp_format tmp;
    size_t               i;
    int                  rc = 0;

    encoding = sl_str_trim(encoding);
    if (encoding.len == 0 && pt < 96) {
        static_pt(pt, &encoding, &clock_rate, &channels);
    }
    memset(&tmp, 0, sizeof(tmp));
    tmp.codec = SL_CODEC_GENERIC;
    tmp.pt = pt;
    tmp.clock_rate = clock_rate;
    tmp.channels = channels;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (sl_str_caseeq_cstr(encoding, names[i].name)) {
            tmp.codec = names[i].codec;
            break;
        }
    }
    switch (tmp.codec) {
    case SL_CODEC_H264:
        rc = fill_h264(&tmp, fmtp);
        break;
    case SL_CODEC_H265:
        rc = fill_h265(&tmp, fmtp);
        break;
    case SL_CODEC_AAC:
        rc = fill_mpeg4_generic(&tmp, fmtp);
        break;
    case SL_CODEC_AAC_LATM:
        rc = fill_latm(&tmp, fmtp);
        break;
    case SL_CODEC_G711:
        tmp.g711_mulaw = sl_str_caseeq_cstr(encoding, "PCMU");
        if (tmp.clock_rate == 0) {
            tmp.clock_rate = 8000;
        }
        break;
    case SL_CODEC_OPUS:
        if (tmp.clock_rate == 0) {
            tmp.clock_rate = 48000;
        }
        break;
    default:
        break;
    }
    if (rc == SL_EUNSUP) {
        memset(f, 0, sizeof(*f));
        f->codec = SL_CODEC_GENERIC;
        f->pt = pt;
        f->clock_rate = clock_rate;
        f->channels = channels;
        return rc;
    }
    if (rc < 0) {
        return rc;
    }
    *f = tmp;
    return 0;
}
