/*
 * Codec identifiers shared by every layer above codec/.
 *
 * An enum sl_codec_id names the bitstream a track carries, independently of
 * the protocol that carries it.  sl_codec_label gives the label MediaMTX's
 * API uses for it (internal/formatlabel), so API output stays compatible.
 * Pure functions on constants: thread-safe.
 */
#ifndef SL_CODEC_CODEC_H
#define SL_CODEC_CODEC_H

#include <stdbool.h>


enum sl_codec_id {
    SL_CODEC_NONE = 0,
    SL_CODEC_H264,
    SL_CODEC_H265,
    SL_CODEC_AV1,
    SL_CODEC_VP8,
    SL_CODEC_VP9,
    SL_CODEC_MJPEG,
    SL_CODEC_MPEG4V,
    SL_CODEC_MPEG12V,
    SL_CODEC_AAC,
    SL_CODEC_AAC_LATM,
    SL_CODEC_OPUS,
    SL_CODEC_MP3,
    SL_CODEC_AC3,
    SL_CODEC_G711,
    SL_CODEC_G722,
    SL_CODEC_LPCM,
    SL_CODEC_KLV,
    SL_CODEC_MPEGTS,
    SL_CODEC_GENERIC,
};


/*
 * MediaMTX's API label of a codec ("H264", "MPEG-4 Audio", "Generic", ...).
 * Never NULL: unknown values give "Generic".
 */
const char *sl_codec_label(enum sl_codec_id id);
/* True for video codecs (H.264, H.265, AV1, VP8, VP9, M-JPEG, MPEG-4/1/2). */
bool sl_codec_is_video(enum sl_codec_id id);


#endif /* SL_CODEC_CODEC_H */
