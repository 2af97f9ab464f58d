/*
 * Describing a stream track from a codec and its configuration.
 *
 * Publishers that carry no SDP (RTMP, MPEG-TS over SRT/UDP) describe their
 * tracks with this, so every RTSP reader sees the same rtpmap/fmtp as the
 * RTP packetizers produce (proto/rtp's sl_rtp_pack_sdp), plus the codecs
 * the packetizers do not cover (MP3 as MPA, AC-3, KLV).
 */
#ifndef SL_CORE_TRACK_H
#define SL_CORE_TRACK_H

#include "core/stream.h"

#include <stdint.h>


struct sl_rtp_pack_params;

/*
 * Fills t for codec with payload type pt (MP3 takes 14) and the codec's
 * parameters (parameter sets, AudioSpecificConfig, channels; AC-3: rate
 * and channels).  t->fmtp is allocated (or NULL): free it after
 * sl_stream_new has copied the description.  Returns 0, SL_EUNSUP (no
 * mapping), SL_EBADDATA (a configuration that does not parse).
 */
int sl_track_init(struct sl_track *t, int codec, uint8_t pt,
                  const struct sl_rtp_pack_params *pr);


#endif /* SL_CORE_TRACK_H */
