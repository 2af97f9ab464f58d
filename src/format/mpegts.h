/*
 * MPEG-TS (ISO/IEC 13818-1) constants and helpers shared by the muxer
 * (format/mpegts_mux.h) and the demuxer (format/mpegts_demux.h).
 *
 * Stream types and descriptors follow what real peers emit and expect:
 * FFmpeg's mpegts muxer/demuxer, GStreamer's tsmux/tsdemux, and MediaMTX's
 * mediacommon (Opus as private data with a registration descriptor "Opus"
 * and the DVB extension descriptor 0x80; AC-3 as stream type 0x81; KLV as
 * private data with a registration descriptor "KLVA").  Pure: thread-safe.
 */
#ifndef SL_FORMAT_MPEGTS_H
#define SL_FORMAT_MPEGTS_H

#include <stddef.h>
#include <stdint.h>


#define SL_TS_PACKET_SIZE 188
#define SL_TS_SYNC        0x47
#define SL_TS_PID_PAT     0x0000
#define SL_TS_PID_NULL    0x1fff
#define SL_TS_PID_MAX     0x1fff
#define SL_TS_CLOCK       90000 /* PTS/DTS ticks per second */
#define SL_TS_PTS_MASK    (((int64_t)1 << 33) - 1)

/* Stream types (PMT). */
#define SL_TS_ST_MPEG1_AUDIO 0x03
#define SL_TS_ST_MPEG2_AUDIO 0x04
#define SL_TS_ST_PRIVATE     0x06 /* PES private data: Opus, KLV, DVB AC-3 */
#define SL_TS_ST_AAC_ADTS    0x0f
#define SL_TS_ST_AAC_LATM    0x11
#define SL_TS_ST_METADATA    0x15 /* metadata in PES (KLV, SMPTE RP 217) */
#define SL_TS_ST_H264        0x1b
#define SL_TS_ST_H265        0x24
#define SL_TS_ST_AC3         0x81 /* ATSC A/52 */
#define SL_TS_ST_EAC3        0x87

/* Descriptor tags (PMT ES info). */
#define SL_TS_DESC_REGISTRATION 0x05
#define SL_TS_DESC_AC3_DVB      0x6a
#define SL_TS_DESC_EXTENSION    0x7f /* DVB extension (Opus: ext tag 0x80) */

/* PES stream ids. */
#define SL_TS_SID_PRIVATE1 0xbd
#define SL_TS_SID_AUDIO    0xc0 /* 0xc0..0xdf */
#define SL_TS_SID_VIDEO    0xe0 /* 0xe0..0xef */
#define SL_TS_SID_PRIVATE2 0xbf
#define SL_TS_SID_METADATA 0xfc


/* CRC-32/MPEG-2 (poly 0x04c11db7, init 0xffffffff, no reflection, no xor). */
uint32_t sl_ts_crc32(const uint8_t *p, size_t len);


#endif /* SL_FORMAT_MPEGTS_H */
