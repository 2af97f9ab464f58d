/* Sluice: codec identifiers and labels. */
#include "codec/codec.h"


const char *
sl_codec_label(enum sl_codec_id id)
{
    switch (id) {
    case SL_CODEC_H264:
        return "H264";
    case SL_CODEC_H265:
        return "H265";
    case SL_CODEC_AV1:
        return "AV1";
    case SL_CODEC_VP8:
        return "VP8";
    case SL_CODEC_VP9:
        return "VP9";
    case SL_CODEC_MJPEG:
        return "M-JPEG";
    case SL_CODEC_MPEG4V:
        return "MPEG-4 Video";
    case SL_CODEC_MPEG12V:
        return "MPEG-1/2 Video";
    case SL_CODEC_AAC:
        return "MPEG-4 Audio";
    case SL_CODEC_AAC_LATM:
        return "MPEG-4 Audio LATM";
    case SL_CODEC_OPUS:
        return "Opus";
    case SL_CODEC_MP3:
        return "MPEG-1/2 Audio";
    case SL_CODEC_AC3:
        return "AC3";
    case SL_CODEC_G711:
        return "G711";
    case SL_CODEC_G722:
        return "G722";
    case SL_CODEC_LPCM:
        return "LPCM";
    case SL_CODEC_KLV:
        return "KLV";
    case SL_CODEC_MPEGTS:
        return "MPEG-TS";
    case SL_CODEC_NONE:
    case SL_CODEC_GENERIC:
        break;
    }
    return "Generic";
}


bool
sl_codec_is_video(enum sl_codec_id id)
{
    switch (id) {
    case SL_CODEC_H264:
    case SL_CODEC_H265:
    case SL_CODEC_AV1:
    case SL_CODEC_VP8:
    case SL_CODEC_VP9:
    case SL_CODEC_MJPEG:
    case SL_CODEC_MPEG4V:
    case SL_CODEC_MPEG12V:
        return true;
    default:
        return false;
    }
}
