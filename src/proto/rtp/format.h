/*
 * One RTP format of a media description: codec, payload type, clock and the
 * codec parameters found in the SDP's rtpmap/fmtp attributes.
 *
 * The SDP parser (format/sdp) hands over the pieces as strings; this module
 * only interprets them.  A struct sl_rtp_format is plain data owned by its
 * caller, copied freely (sl_rtp_depack_new takes a copy).  Thread-safe.
 */
#ifndef SL_PROTO_RTP_FORMAT_H
#define SL_PROTO_RTP_FORMAT_H

#include "base/str.h"
#include "codec/aac.h"
#include "codec/codec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_RTP_PARAM_MAX 256 /* largest SPS/PPS/VPS kept from fmtp */

struct sl_rtp_format {
    enum sl_codec_id codec;
    uint8_t          pt;
    uint32_t         clock_rate;
    uint32_t         channels; /* audio; 0 when not given */
    /* H.264 / H.265 sprop-* parameter sets (raw NALUs, no start code). */
    uint8_t sps[SL_RTP_PARAM_MAX];
    size_t  sps_len;
    uint8_t pps[SL_RTP_PARAM_MAX];
    size_t  pps_len;
    uint8_t vps[SL_RTP_PARAM_MAX];
    size_t  vps_len;
    int     packetization_mode; /* H.264: 0, 1 (2 unsupported) */
    /*
     * AAC: the decoded config.  asc holds the mpeg4-generic "config="
     * AudioSpecificConfig, or for MP4A-LATM the StreamMuxConfig bytes (the
     * ASC inside it is latm.asc).
     */
    struct sl_aac_config  aac;
    uint8_t               asc[SL_AAC_ASC_MAX];
    size_t                asc_len;
    int                   size_length; /* mpeg4-generic AU header fields */
    int                   index_length;
    int                   index_delta_length;
    bool                  latm_cpresent;
    struct sl_latm_config latm;
    bool                  g711_mulaw; /* PCMU (true) or PCMA */
};


/*
 * Fills f from the rtpmap pieces ("encoding/clock_rate[/channels]", encoding
 * matched case-insensitively; an empty encoding means a static payload type
 * of RFC 3551 such as 0, 8, 9, 14, 26, 32, 33) and the fmtp parameter text
 * ("a=fmtp:<pt> " prefix optional).  Unknown encodings become
 * SL_CODEC_GENERIC (passthrough).
 *
 * Returns 0; SL_EBADDATA when a known codec has unusable parameters (an
 * mpeg4-generic without config= or sizelength=, a bad hex or base64 value);
 * SL_EUNSUP for valid but unsupported variants (H.265 with DONL, i.e.
 * sprop-max-don-diff > 0; MP4A-LATM with cpresent=1; H.264
 * packetization-mode=2).  On SL_EUNSUP f is filled as a SL_CODEC_GENERIC
 * passthrough of the same pt and clock, so the caller may still relay it;
 * on SL_EBADDATA f is untouched.
 */
int sl_rtp_format_from_sdp(struct sl_rtp_format *f, uint8_t pt,
                           struct sl_str encoding, uint32_t clock_rate,
                           uint32_t channels, struct sl_str fmtp);

/*
 * Looks up one fmtp parameter by name (case-insensitive).  Returns true and
 * sets *value (trimmed) when present.
 */
bool sl_rtp_fmtp_get(struct sl_str fmtp, const char *name,
                     struct sl_str *value);


#endif /* SL_PROTO_RTP_FORMAT_H */
