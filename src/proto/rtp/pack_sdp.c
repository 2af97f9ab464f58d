/*
 * Sluice: SDP rtpmap/fmtp of the packetizers' output (RFC 6184 8.1,
 * RFC 7798 7.1, RFC 3640 4.1, RFC 7587 6.1, RFC 7741, RFC 9628, the AV1
 * RTP specification 7.2, RFC 3551).
 */
#include "proto/rtp/pack.h"
#include "base/crypto.h"
#include "base/err.h"
#include "base/str.h"
#include "codec/aac.h"
#include "codec/codec.h"

#include <string.h>


/* Largest parameter set put in an SDP (base64 grows it by a third). */
#define MAX_SPROP 1024


static int add_b64(struct sl_dbuf *b, const char *prefix, const uint8_t *p,
                   size_t len);
static int h264_fmtp(const struct sl_rtp_pack_params *pr, struct sl_dbuf *b);
static int h265_fmtp(const struct sl_rtp_pack_params *pr, struct sl_dbuf *b);
static int aac_fmtp(const struct sl_rtp_pack_params *pr, struct sl_dbuf *b,
                    uint32_t *clock, uint32_t *channels);


/* Appends prefix and the base64 of p (nothing when p is empty). */
static int
add_b64(struct sl_dbuf *b, const char *prefix, const uint8_t *p, size_t len)
{
    char text[4 * ((MAX_SPROP + 2) / 3) + 1];

    if (len == 0) {
        return 0;
    }
    if (len > MAX_SPROP) {
        return SL_ELIMIT;
    }
    sl_base64_encode(p, len, text);
    if (sl_dbuf_add_str(b, prefix) < 0 || sl_dbuf_add_str(b, text) < 0) {
        return SL_ELIMIT;
    }
    return 0;
}


static int
h264_fmtp(const struct sl_rtp_pack_params *pr, struct sl_dbuf *b)
{
    int rc;

    if (sl_dbuf_add_str(b, "packetization-mode=1") < 0) {
        return SL_ELIMIT;
    }
    if (pr->sps_len >= 4
        && sl_dbuf_printf(b, ";profile-level-id=%02X%02X%02X", pr->sps[1],
                          pr->sps[2], pr->sps[3])
               < 0)
    {
        return SL_ELIMIT;
    }
    if (pr->sps_len > 0 && pr->pps_len > 0) {
        rc = add_b64(b, ";sprop-parameter-sets=", pr->sps, pr->sps_len);
        if (rc == 0) {
            rc = add_b64(b, ",", pr->pps, pr->pps_len);
        }
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}


static int
h265_fmtp(const struct sl_rtp_pack_params *pr, struct sl_dbuf *b)
{
    size_t start = b->len;
    int    rc;

    rc = add_b64(b, "sprop-vps=", pr->vps, pr->vps_len);
    if (rc == 0) {
        rc = add_b64(b, b->len > start ? ";sprop-sps=" : "sprop-sps=", pr->sps,
                     pr->sps_len);
    }
    if (rc == 0) {
        rc = add_b64(b, b->len > start ? ";sprop-pps=" : "sprop-pps=", pr->pps,
                     pr->pps_len);
    }
    return rc;
}


static int
aac_fmtp(const struct sl_rtp_pack_params *pr, struct sl_dbuf *b,
         uint32_t *clock, uint32_t *channels)
{
    struct sl_aac_config c;
    char                 hex[2 * SL_AAC_ASC_MAX + 1];

    if (pr->asc_len == 0 || pr->asc_len > SL_AAC_ASC_MAX
        || sl_aac_asc_parse(pr->asc, pr->asc_len, &c) < 0)
    {
        return SL_EBADDATA;
    }
    sl_hex_encode(pr->asc, pr->asc_len, hex);
    if (sl_dbuf_printf(b,
                       "streamtype=5;profile-level-id=1;mode=AAC-hbr;"
                       "sizelength=13;indexlength=3;indexdeltalength=3;"
                       "config=%s",
                       hex)
        < 0)
    {
        return SL_ELIMIT;
    }
    *clock = c.sample_rate;
    *channels = (uint32_t)c.channels;
    return 0;
}


int
sl_rtp_pack_sdp(int codec, const struct sl_rtp_pack_params *params,
                char *encoding, size_t enc_size, uint32_t *clock,
                uint32_t *channels, struct sl_dbuf *fmtp)
{
    static const struct sl_rtp_pack_params none = {0};
    const struct sl_rtp_pack_params       *pr = params != NULL ? params : &none;
    const char                            *name;
    uint32_t                               rate = 90000;
    uint32_t                               ch = 0;
    size_t                                 saved = fmtp->len;
    int                                    rc = 0;

    switch (codec) {
    case SL_CODEC_H264:
        name = "H264";
        rc = h264_fmtp(pr, fmtp);
        break;
    case SL_CODEC_H265:
        name = "H265";
        rc = h265_fmtp(pr, fmtp);
        break;
    case SL_CODEC_AV1:
        name = "AV1";
        break;
    case SL_CODEC_VP8:
        name = "VP8";
        break;
    case SL_CODEC_VP9:
        name = "VP9";
        break;
    case SL_CODEC_AAC:
        name = "mpeg4-generic";
        rc = aac_fmtp(pr, fmtp, &rate, &ch);
        break;
    case SL_CODEC_OPUS:
        /* RFC 7587: always opus/48000/2; sprop-stereo says what is sent. */
        if (pr->channels > 2) {
            return SL_EBADDATA;
        }
        name = "opus";
        rate = 48000;
        ch = 2;
        rc = sl_dbuf_add_str(fmtp, pr->channels == 1 ? "sprop-stereo=0"
                                                     : "sprop-stereo=1");
        break;
    case SL_CODEC_G711:
        name = pr->g711_mulaw ? "PCMU" : "PCMA";
        rate = pr->rate != 0 ? pr->rate : 8000;
        ch = pr->channels != 0 ? pr->channels : 1;
        break;
    default:
        return SL_EUNSUP;
    }
    if (rc == 0 && strlen(name) >= enc_size) {
        rc = SL_ELIMIT;
    }
    if (rc < 0) {
        fmtp->len = saved;
        return rc;
    }
    sl_strlcpy(encoding, name, enc_size);
    *clock = rate;
    *channels = ch;
    return 0;
}
