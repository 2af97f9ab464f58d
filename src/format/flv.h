/*
 * FLV tag bodies (the payload of RTMP audio/video/data messages and of FLV
 * file tags): classic FLV (Adobe FLV 10.1, annex E) and Enhanced RTMP
 * (veovera E-RTMP v1/v2: FourCC codecs, extended packet types).
 *
 * Parsers fill small structs whose data pointers point into the caller's
 * buffer; nothing allocates.  Writers come in two forms: a header-only
 * writer that puts the few bytes preceding the payload into a caller array
 * (so a server can send [chunk header][tag header][shared payload] with
 * writev), and a full writer into a capped struct sl_dbuf.  Codec
 * configuration records (AVCDecoderConfigurationRecord, HEVC/AV1/VP9
 * configuration records, AudioSpecificConfig, OpusHead) are carried as
 * opaque bytes: they are the payload of a sequence-start packet.
 *
 * Also here: the onMetaData script tag (builder and parser, with a small
 * AMF0 subset of its own, since format/ sits below proto/rtmp), and FLV
 * file and tag headers for HTTP-FLV.  Pure functions: thread-safe.
 *
 * Refused: E-RTMP multitrack packets (SL_EUNSUP), legacy codecs other than
 * those listed below (SL_EUNSUP: Sorenson H.263, VP6, screen video,
 * Nellymoser, Speex, ADPCM, PCM).
 */
#ifndef SL_FORMAT_FLV_H
#define SL_FORMAT_FLV_H

#include "base/dbuf.h"
#include "codec/codec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_FLV_FOURCC(a, b, c, d)                                              \
    (((uint32_t)(uint8_t)(a) << 24) | ((uint32_t)(uint8_t)(b) << 16)           \
     | ((uint32_t)(uint8_t)(c) << 8) | (uint32_t)(uint8_t)(d))

#define SL_FLV_FOURCC_AVC1 SL_FLV_FOURCC('a', 'v', 'c', '1')
#define SL_FLV_FOURCC_HVC1 SL_FLV_FOURCC('h', 'v', 'c', '1')
#define SL_FLV_FOURCC_AV01 SL_FLV_FOURCC('a', 'v', '0', '1')
#define SL_FLV_FOURCC_VP09 SL_FLV_FOURCC('v', 'p', '0', '9')
#define SL_FLV_FOURCC_VP08 SL_FLV_FOURCC('v', 'p', '0', '8')
#define SL_FLV_FOURCC_OPUS SL_FLV_FOURCC('O', 'p', 'u', 's')
#define SL_FLV_FOURCC_MP4A SL_FLV_FOURCC('m', 'p', '4', 'a')
#define SL_FLV_FOURCC_MP3  SL_FLV_FOURCC('.', 'm', 'p', '3')
#define SL_FLV_FOURCC_FLAC SL_FLV_FOURCC('f', 'L', 'a', 'C')
#define SL_FLV_FOURCC_AC3  SL_FLV_FOURCC('a', 'c', '-', '3')
#define SL_FLV_FOURCC_EC3  SL_FLV_FOURCC('e', 'c', '-', '3')

/* FLV tag types. */
#define SL_FLV_TAG_AUDIO  8
#define SL_FLV_TAG_VIDEO  9
#define SL_FLV_TAG_SCRIPT 18

/* Classic codec ids (videocodecid / audiocodecid in onMetaData). */
#define SL_FLV_VIDEO_AVC    7
#define SL_FLV_VIDEO_HEVC   12 /* non-standard, used by some Chinese CDNs */
#define SL_FLV_AUDIO_MP3    2
#define SL_FLV_AUDIO_ALAW   7
#define SL_FLV_AUDIO_ULAW   8
#define SL_FLV_AUDIO_AAC    10
#define SL_FLV_AUDIO_MP3_8K 14
#define SL_FLV_AUDIO_EX     9 /* E-RTMP ExAudioTagHeader */

/* Frame types (upper bits of the first video byte). */
#define SL_FLV_FRAME_KEY        1
#define SL_FLV_FRAME_INTER      2
#define SL_FLV_FRAME_DISPOSABLE 3
#define SL_FLV_FRAME_GENERATED  4
#define SL_FLV_FRAME_COMMAND    5

/* Packet kinds, normalised over classic and E-RTMP headers. */
enum sl_flv_packet {
    SL_FLV_PKT_SEQUENCE_START = 0, /* data: the configuration record */
    SL_FLV_PKT_CODED_FRAMES = 1,   /* data: one access unit / audio frame */
    SL_FLV_PKT_SEQUENCE_END = 2,
    SL_FLV_PKT_METADATA = 4,      /* E-RTMP video metadata (AMF0) */
    SL_FLV_PKT_MPEG2TS_START = 5, /* E-RTMP: MPEG-2 TS descriptor (AV1) */
    SL_FLV_PKT_MULTICHANNEL = 6,  /* E-RTMP audio channel layout */
    SL_FLV_PKT_COMMAND = 7,       /* video command frame (data: 1 byte) */
};

/* Largest header the writers produce (E-RTMP video with a cts: 8). */
#define SL_FLV_VIDEO_HEADER_MAX 8
#define SL_FLV_AUDIO_HEADER_MAX 5

struct sl_flv_video {
    int            codec;       /* enum sl_codec_id; NONE: see fourcc */
    uint32_t       fourcc;      /* E-RTMP FourCC, 0 for classic tags */
    bool           key;         /* frame type key (or generated key) */
    int            frame_type;  /* SL_FLV_FRAME_* */
    int            packet_type; /* enum sl_flv_packet */
    int32_t        cts;         /* composition time offset, ms */
    const uint8_t *data;
    size_t         len;
};

struct sl_flv_audio {
    int            codec;       /* enum sl_codec_id; NONE: see fourcc */
    uint32_t       fourcc;      /* E-RTMP FourCC, 0 for classic tags */
    bool           mulaw;       /* G.711 variant */
    int            packet_type; /* enum sl_flv_packet */
    uint32_t       rate;     /* classic header's rate (5512..44100), 0 E-RTMP */
    int            channels; /* classic header's 1 or 2, 0 E-RTMP */
    const uint8_t *data;
    size_t         len;
};

/* onMetaData fields Sluice writes and reads; 0 / false means absent. */
struct sl_flv_meta {
    double width;
    double height;
    double framerate;
    double videocodecid; /* 7, or a FourCC value for E-RTMP codecs */
    double videodatarate;
    double audiocodecid; /* 10, 2, ... or a FourCC value */
    double audiosamplerate;
    double audiodatarate;
    double audiochannels;
    bool   stereo;
    bool   has_video;
    bool   has_audio;
};

/* A parsed 11-byte FLV file tag header. */
struct sl_flv_tag {
    uint8_t  type; /* 8, 9, 18 */
    bool     filter;
    uint32_t size; /* body bytes */
    uint32_t ts;   /* with the extension byte */
    uint32_t stream_id;
};


/*
 * Parses a video tag body.  Returns 0, SL_EBADDATA (truncated, bad
 * packet type), or SL_EUNSUP (multitrack, legacy codecs other than AVC and
 * codec 12 HEVC).  E-RTMP FourCCs without an enum sl_codec_id value give
 * codec SL_CODEC_NONE and return 0.  CodedFramesX gives CODED_FRAMES with
 * cts 0.  ModEx prefixes (E-RTMP v2) are skipped.
 */
int sl_flv_video_parse(const uint8_t *p, size_t len, struct sl_flv_video *v);
/* Same for audio: AAC, MP3, G.711 and E-RTMP ExAudio. */
int sl_flv_audio_parse(const uint8_t *p, size_t len, struct sl_flv_audio *a);

/*
 * Header writers: put the bytes that precede the payload into dst and
 * return their count, or SL_EUNSUP for a codec the writer does not know.
 * Video: H.264 classic (5 bytes); H.265, AV1, VP9 as E-RTMP (5 bytes, 8
 * for H.265 coded frames with a non-zero cts).  packet_type is
 * SEQUENCE_START, CODED_FRAMES or SEQUENCE_END.
 */
int sl_flv_video_header(uint8_t dst[SL_FLV_VIDEO_HEADER_MAX], int codec,
                        int packet_type, bool key, int32_t cts);
/*
 * Audio: AAC classic (2 bytes), MP3 (1 byte; rate 8000 uses format 14),
 * G.711 (1 byte), Opus as E-RTMP (5 bytes).  rate and channels fill the
 * classic header's flags.
 */
int sl_flv_audio_header(uint8_t dst[SL_FLV_AUDIO_HEADER_MAX], int codec,
                        bool mulaw, int packet_type, uint32_t rate,
                        int channels);
/* Header and payload into out (SL_ELIMIT at its cap, out unchanged). */
int sl_flv_write_video(struct sl_dbuf *out, int codec, int packet_type,
                       bool key, int32_t cts, const uint8_t *p, size_t len);
int sl_flv_write_audio(struct sl_dbuf *out, int codec, bool mulaw,
                       int packet_type, uint32_t rate, int channels,
                       const uint8_t *p, size_t len);
/* The onMetaData videocodecid / audiocodecid value for a codec (0: none). */
double sl_flv_meta_codec_id(int codec);

/*
 * Appends a script tag body: ["@setDataFrame",] "onMetaData", ECMA array
 * with the fields set in m and encoder "Sluice".
 */
int sl_flv_meta_write(struct sl_dbuf *out, const struct sl_flv_meta *m,
                      bool set_data_frame);
/*
 * Parses a script tag body holding onMetaData (optionally behind
 * "@setDataFrame").  Unknown keys are skipped.  Returns 0, SL_ENOTFOUND
 * when the body is another script message, or SL_EBADDATA / SL_ELIMIT
 * (nesting deeper than 16).
 */
int sl_flv_meta_parse(const uint8_t *p, size_t len, struct sl_flv_meta *m);

/* FLV file header (9 bytes) plus PreviousTagSize0: 13 bytes into dst. */
size_t sl_flv_file_header(uint8_t dst[13], bool audio, bool video);
/* An 11-byte tag header. */
void sl_flv_tag_header(uint8_t dst[11], uint8_t type, uint32_t size,
                       uint32_t ts);
/* The PreviousTagSize that follows a tag of body size bytes. */
void sl_flv_prev_tag_size(uint8_t dst[4], uint32_t size);
/* Parses an 11-byte tag header; SL_EAGAIN below 11 bytes. */
int sl_flv_tag_parse(const uint8_t *p, size_t len, struct sl_flv_tag *t);


#endif /* SL_FORMAT_FLV_H */
