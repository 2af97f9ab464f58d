/*
 * MPEG-TS demuxer (ISO/IEC 13818-1) for SRT and UDP ingest and HLS pull.
 *
 * The caller feeds byte chunks of any length (TS packets may straddle
 * calls); the demuxer finds the 0x47 sync byte, follows the PAT to the
 * first program's PMT, reassembles PES packets per PID and hands out one
 * access unit per callback, with PTS and DTS unwrapped from 33 bits onto
 * one continuous int64 timeline (90 kHz) shared by all tracks.
 *
 * Output per codec (struct sl_ts_frame):
 *   - H.264 / H.265: one PES = one access unit, converted from Annex-B to
 *     AVCC (4-byte big-endian lengths), access unit delimiters removed,
 *     parameter sets left in-band; key = IDR (H.264) / IRAP (H.265).
 *   - AAC (ADTS, stream type 0x0f, and LATM/LOAS, 0x11): raw AUs with the
 *     ADTS header or LATM framing removed; codec SL_CODEC_AAC for both.
 *     The AudioSpecificConfig fields are on the track (aac, aac_known).
 *   - MPEG-1/2 audio (0x03, 0x04; layers I, II and III, all reported as
 *     SL_CODEC_MP3) and AC-3 (0x81, or 0x06 with the DVB AC-3 descriptor
 *     or an "AC-3" registration): one frame per callback, header kept.
 *   - Opus (0x06 with registration "Opus"): one Opus packet per callback,
 *     the TS control header removed; trim fields are parsed and ignored.
 *   - KLV (0x06 with registration "KLVA": the PES payload; 0x15: the
 *     metadata AU cells' data joined): one unit per PES, key = true.
 * Several audio frames in one PES get PTS = PES PTS + the duration of the
 * frames before them (samples * 90000 / rate, computed from the PES PTS so
 * rounding never accumulates).  An audio frame cut by a PES boundary is
 * completed with the next PES.  Streams of other types are not listed.
 *
 * Tracks are the supported streams of the PMT in PMT order, at most
 * SL_TS_DEMUX_MAX_TRACKS.  The tracks callback is called when a PMT is
 * first seen or changes (version or CRC), with the whole new list, and
 * again with the same list when an audio track's parameters are learned
 * or change (AAC config, sample rate, channels) -- always before the frame
 * that carries them.  A frame's track is an index into the list last
 * reported.  A PID that keeps its stream type across a PMT change keeps
 * its reassembly state.
 *
 * Errors in the input are never fatal: they are counted in the stats and
 * the damaged unit is dropped.  A continuity counter error drops the PES
 * in progress on that PID and sets discont on the next frame of the track
 * (so does any dropped PES).  A duplicate packet (same CC, once) is
 * ignored; the discontinuity_indicator suspends the CC check.  Sections
 * with a bad CRC are ignored.
 *
 * Timestamps: the first timestamp seen is taken as is (0 .. 2^33-1); each
 * later one is placed within +-2^32 ticks of the last one, on any track,
 * so wraps are crossed and tracks stay aligned (values may go negative
 * before the first one).  DTS = PTS when the PES has no DTS.  A video PES
 * without PTS is dropped; audio without PTS continues the track's own
 * interpolation; KLV without PTS takes the latest timestamp of any track.
 *
 * Caps: a video PES at most SL_TS_DEMUX_VIDEO_PES_MAX bytes, others
 * SL_TS_DEMUX_PES_MAX (both plus a partial audio frame carried over);
 * larger ones are dropped and counted.  The reassembly buffers of all
 * PIDs together stay below SL_TS_DEMUX_MEM_BUDGET; buffers grow to what
 * the stream needs and are then reused, so steady state allocates nothing.
 *
 * Not supported: 192/204-byte packets, scrambled packets (their payload
 * is ignored), programs other than the first one, ADTS frames with
 * several raw data blocks (dropped), free-format MPEG audio, E-AC-3, LATM
 * with several programs or layers, audioMuxVersionA = 1 or a frame length
 * type other than 0.
 *
 * One demuxer is used by one thread.  Callbacks must not feed, flush or
 * free the demuxer that calls them.
 */
#ifndef SL_FORMAT_MPEGTS_DEMUX_H
#define SL_FORMAT_MPEGTS_DEMUX_H

#include "codec/aac.h"
#include "codec/codec.h"
#include "codec/nalu.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_TS_DEMUX_MAX_TRACKS 16
/* A video access unit at its cap plus the PES header. */
#define SL_TS_DEMUX_VIDEO_PES_MAX (SL_NALU_MAX_AU_SIZE + 512)
/* The largest bounded PES (6 + 0xffff bytes); applies to audio and KLV. */
#define SL_TS_DEMUX_PES_MAX (6 + 0xffff)
/* All PES buffers together: two video tracks at their cap and spare. */
#define SL_TS_DEMUX_MEM_BUDGET (24u * 1024 * 1024)


struct sl_ts_track {
    uint16_t         pid;
    uint8_t          stream_type; /* from the PMT (0x0f ADTS, 0x11 LATM, ...) */
    enum sl_codec_id codec;
    /* AAC: the AudioSpecificConfig fields, once seen in the bitstream. */
    struct sl_aac_config aac;
    bool                 aac_known;
    /* Opus: channels from the DVB extension descriptor (0: absent). */
    int opus_channels;
    /* Audio: learned from the bitstream (Opus: 48000 and opus_channels);
     * 0 while unknown. */
    uint32_t sample_rate;
    int      channels;
};

struct sl_ts_frame {
    int              track; /* index into the list last reported */
    enum sl_codec_id codec;
    int64_t          pts; /* 90 kHz, unwrapped */
    int64_t          dts;
    bool             key;
    bool             discont; /* data was lost before this frame */
    const uint8_t   *data;    /* valid during the callback only */
    size_t           len;
};

struct sl_ts_demux_stats {
    uint64_t packets;     /* TS packets with a valid sync byte */
    uint64_t resyncs;     /* times bytes were skipped to find sync */
    uint64_t cc_errors;   /* continuity counter jumps */
    uint64_t crc_errors;  /* PSI sections with a bad CRC */
    uint64_t psi_errors;  /* PSI sections malformed or too long */
    uint64_t pes_dropped; /* PES discarded: oversize, corrupt, CC error */
    uint64_t frames;      /* frame callbacks made */
};

/*
 * Called by the demuxer with the current track list (n may be 0).  t is
 * valid during the call only.
 */
typedef void sl_ts_tracks_fn(void *ud, const struct sl_ts_track *t, int n);
/*
 * Called by the demuxer for each frame.  A negative return stops the feed
 * (or flush) in progress, which then returns that value; the rest of that
 * chunk is discarded and so are the frames not yet emitted from the same
 * PES.  The demuxer stays usable.
 */
typedef int sl_ts_frame_fn(void *ud, const struct sl_ts_frame *f);

struct sl_ts_demux_cb {
    void            *ud;
    sl_ts_tracks_fn *tracks; /* optional */
    sl_ts_frame_fn  *frame;  /* optional */
};

struct sl_ts_demux;


/* A new demuxer; cb is copied.  The caller owns it. */
struct sl_ts_demux *sl_ts_demux_new(const struct sl_ts_demux_cb *cb);
/* Frees *d (NULL allowed) and sets it to NULL. */
void sl_ts_demux_free(struct sl_ts_demux **d);
/*
 * Feeds len bytes.  Returns 0, or the negative value a frame callback
 * returned.  Malformed input is counted, never returned.
 */
int sl_ts_demux_feed(struct sl_ts_demux *d, const uint8_t *p, size_t len);
/*
 * End of input: emits the PES still in progress when it is unbounded
 * (video), drops incomplete bounded ones, and forgets sync and partial
 * packets.  PSI and tracks are kept, so feeding may go on (e.g. the next
 * HLS segment).  Returns 0 or a frame callback's negative value.
 */
int sl_ts_demux_flush(struct sl_ts_demux *d);
/* Counters since sl_ts_demux_new; valid until the demuxer is freed. */
const struct sl_ts_demux_stats *sl_ts_demux_stats(const struct sl_ts_demux *d);


#endif /* SL_FORMAT_MPEGTS_DEMUX_H */
