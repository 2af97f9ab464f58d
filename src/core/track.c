/*
 * Sluice: a stream track described from a codec and its configuration,
 * for publishers whose protocol does not carry an SDP (RTMP, MPEG-TS).
 */
#include "core/track.h"
#include "proto/rtp/pack.h"
#include "codec/codec.h"
#include "base/alloc.h"
#include "base/dbuf.h"
#include "base/err.h"
#include "base/str.h"

#include <string.h>


int
sl_track_init(struct sl_track *t, int codec, uint8_t pt,
              const struct sl_rtp_pack_params *pr)
{
    struct sl_dbuf fmtp;
    uint32_t       clock = 90000, channels = 0;
    int            rc = 0;

    memset(t, 0, sizeof(*t));
    t->codec = codec;
    t->is_video = sl_codec_is_video(codec);
    sl_strlcpy(t->media, t->is_video ? "video" : "audio", sizeof(t->media));
    t->pt = pt;
    sl_dbuf_init(&fmtp, 4096);
    switch (codec) {
    case SL_CODEC_MP3:
        /* RFC 3551: MPA, static payload type 14, 90 kHz. */
        sl_strlcpy(t->encoding, "MPA", sizeof(t->encoding));
        t->pt = 14;
        break;
    case SL_CODEC_AC3:
        /* RFC 4184: AC3/<sample rate>/<channels>. */
        sl_strlcpy(t->encoding, "AC3", sizeof(t->encoding));
        clock = pr->rate != 0 ? pr->rate : 48000;
        channels = pr->channels;
        break;
    case SL_CODEC_KLV:
        /* RFC 6597. */
        sl_strlcpy(t->encoding, "smpte336m", sizeof(t->encoding));
        sl_strlcpy(t->media, "application", sizeof(t->media));
        break;
    default:
        rc = sl_rtp_pack_sdp(codec, pr, t->encoding, sizeof(t->encoding),
                             &clock, &channels, &fmtp);
        break;
    }
    if (rc < 0) {
        sl_dbuf_free(&fmtp);
        return rc;
    }
    t->clock_rate = clock;
    t->channels = channels;
    if (fmtp.len > 0) {
        t->fmtp = sl_strndup((const char *)sl_dbuf_data(&fmtp), fmtp.len);
    }
    sl_dbuf_free(&fmtp);
    return 0;
}
