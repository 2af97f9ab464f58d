/*
 * Configuration: the YAML file plus MTX_* environment overrides, turned into
 * plain structs through one field table per section (conf/table.c).
 *
 * A struct sl_conf is built by sl_conf_load*() and is immutable afterwards:
 * every layer reads it, nobody writes it.  It owns every string, list and
 * compiled regex inside it; sl_conf_free() releases all of them.  A reload
 * builds a new sl_conf and swaps pointers; the old one is freed once no
 * thread uses it any more (the owner of the swap decides when).  Reading a
 * loaded sl_conf from several threads is safe; loading is not reentrant per
 * object but touches no global state.
 *
 * Member names are the YAML keys in snake_case (rtspAddress -> rtsp_address,
 * hlsCDNSecret -> hls_cdn_secret).  Types:
 *   duration  uint64_t nanoseconds      size       uint64_t bytes
 *   bool      bool                      int        int64_t
 *   float     double                    string     char *, never NULL ("")
 *   lists     struct sl_conf_strlist / _intlist / _floatlist
 *   enums     C enums; bitmasks are unsigned with SL_CONF_* bits
 * Keys kept only for compatibility (deprecated) are translated while loading
 * into the key that replaced them, with a warning.
 */
#ifndef SL_CONF_CONF_H
#define SL_CONF_CONF_H

#include "base/dbuf.h"
#include "base/log.h"
#include "base/str.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_CONF_MAX_FIELDS 256 /* per section; checked by the table */
#define SL_PATH_MAX_GROUPS 9   /* $G1..$G9 */


struct sl_conf_strlist {
    char **v;
    size_t n;
};

struct sl_conf_intlist {
    int64_t *v;
    size_t   n;
};

struct sl_conf_floatlist {
    double *v;
    size_t  n;
};

/* A compiled regular expression (PCRE2); opaque outside conf/. */
struct sl_conf_regex;

enum sl_conf_encryption { SL_ENC_NO, SL_ENC_OPTIONAL, SL_ENC_STRICT };

enum sl_conf_auth_method {
    SL_CONF_AUTH_INTERNAL,
    SL_CONF_AUTH_HTTP,
    SL_CONF_AUTH_JWT
};

/* Actions a permission grants; core/auth.h mirrors these values. */
enum sl_conf_action {
    SL_CONF_ACTION_PUBLISH,
    SL_CONF_ACTION_READ,
    SL_CONF_ACTION_PLAYBACK,
    SL_CONF_ACTION_API,
    SL_CONF_ACTION_METRICS,
    SL_CONF_ACTION_PPROF
};

enum sl_conf_hls_variant {
    SL_CONF_HLS_MPEGTS,
    SL_CONF_HLS_FMP4,
    SL_CONF_HLS_LOW_LATENCY
};

enum sl_conf_worker_placement {
    SL_CONF_PLACE_ROUND_ROBIN,
    SL_CONF_PLACE_LEAST_LOADED
};

enum sl_conf_record_format { SL_CONF_RECORD_FMP4, SL_CONF_RECORD_MPEGTS };

enum sl_conf_rtsp_transport {
    SL_CONF_RTSP_AUTOMATIC,
    SL_CONF_RTSP_UDP,
    SL_CONF_RTSP_MULTICAST,
    SL_CONF_RTSP_TCP
};

enum sl_conf_range_type {
    SL_CONF_RANGE_NONE, /* empty: no Range header */
    SL_CONF_RANGE_CLOCK,
    SL_CONF_RANGE_NPT,
    SL_CONF_RANGE_SMPTE
};

enum sl_conf_moq_transport { SL_CONF_MOQ_QUIC, SL_CONF_MOQ_WEBTRANSPORT };

enum sl_conf_track_codec {
    SL_CONF_CODEC_AV1,
    SL_CONF_CODEC_VP9,
    SL_CONF_CODEC_H265,
    SL_CONF_CODEC_H264,
    SL_CONF_CODEC_OPUS,
    SL_CONF_CODEC_MPEG4AUDIO,
    SL_CONF_CODEC_G711,
    SL_CONF_CODEC_LPCM
};

/* Bits of log_destinations. */
#define SL_CONF_LOG_STDOUT 0x1u
#define SL_CONF_LOG_FILE   0x2u
#define SL_CONF_LOG_SYSLOG 0x4u

/* Bits of rtsp_transports. */
#define SL_CONF_TRANSPORT_UDP       0x1u
#define SL_CONF_TRANSPORT_MULTICAST 0x2u
#define SL_CONF_TRANSPORT_TCP       0x4u

/* Bits of rtsp_auth_methods. */
#define SL_CONF_RTSP_AUTH_BASIC  0x1u
#define SL_CONF_RTSP_AUTH_DIGEST 0x2u


/* One IP network of an ips list; IPv4 is stored v4-mapped (::ffff:a.b.c.d). */
struct sl_conf_ipnet {
    uint8_t  addr[16];
    unsigned prefix; /* 0..128 */
};

struct sl_conf_perm {
    enum sl_conf_action   action;
    char                 *path;  /* "" = every path; "~re" = regex */
    struct sl_conf_regex *regex; /* compiled when path starts with '~' */
};

struct sl_conf_perms {
    struct sl_conf_perm *v;
    size_t               n;
};

struct sl_conf_user {
    char                  *user; /* "any", plain, "sha256:..", "argon2:.." */
    char                  *pass;
    struct sl_conf_strlist ips;
    struct sl_conf_perms   permissions;
    /* Derived while loading: */
    struct sl_conf_ipnet *nets;
    size_t                nnets;
};

struct sl_conf_users {
    struct sl_conf_user *v;
    size_t               n;
};

struct sl_conf_ice_server {
    char *url;
    char *username;
    char *password;
    bool  client_only;
};

struct sl_conf_ice_servers {
    struct sl_conf_ice_server *v;
    size_t                     n;
};

struct sl_conf_track {
    enum sl_conf_track_codec codec;
    int64_t                  sample_rate;
    int64_t                  channel_count;
    bool                     mu_law;
};

struct sl_conf_tracks {
    struct sl_conf_track *v;
    size_t                n;
};

struct sl_conf_forward {
    char *dest;
    char *dest_fingerprint;
    char *whip_bearer_token;
};

struct sl_conf_forwards {
    struct sl_conf_forward *v;
    size_t                  n;
};


/* Which keys were set (file or environment), one bit per table row. */
struct sl_conf_set {
    uint64_t bits[SL_CONF_MAX_FIELDS / 64];
};


/* Flags of struct sl_path_conf. */
#define SL_PATH_REGEX     0x1u /* name starts with '~' */
#define SL_PATH_CATCH_ALL 0x2u /* all_others, all or ~^.*$ */

struct sl_path_conf {
    char                 *name;  /* the key under paths: ("" for defaults) */
    struct sl_conf_regex *regex; /* compiled when name starts with '~' */
    unsigned              flags;
    unsigned              line; /* YAML line of the name, 0 if none */
    struct sl_conf_set    set;  /* keys set on this path itself */

    /* General. */
    char    *source;
    char    *source_fingerprint;
    bool     source_on_demand;
    uint64_t source_on_demand_start_timeout;
    uint64_t source_on_demand_close_after;
    int64_t  max_readers;
    char    *srt_read_passphrase;
    bool     use_absolute_timestamp;

    /* Always available. */
    bool                  always_available;
    struct sl_conf_tracks always_available_tracks;
    char                 *always_available_file;

    /* Record. */
    bool                       record;
    char                      *record_path;
    enum sl_conf_record_format record_format;
    uint64_t                   record_part_duration;
    uint64_t                   record_max_part_size;
    uint64_t                   record_segment_duration;
    uint64_t                   record_delete_after;

    /* Publisher source. */
    bool  override_publisher;
    char *srt_publish_passphrase;
    bool  rtsp_demux_mpegts;

    /* GOP cache (Sluice). */
    bool     gop_cache;
    int64_t  gop_cache_max_frames;
    uint64_t gop_cache_max_bytes;

    /* RTSP source. */
    enum sl_conf_rtsp_transport rtsp_transport;
    bool                        rtsp_any_port;
    enum sl_conf_range_type     rtsp_range_type;
    char                       *rtsp_range_start;
    double                      rtsp_scale;
    struct sl_conf_intlist      rtsp_udp_source_port_range;

    /* Other sources. */
    char                      *rtp_sdp;
    enum sl_conf_moq_transport moq_transport;
    char                      *whep_bearer_token;
    uint64_t                   whep_stun_gather_timeout;
    uint64_t                   whep_handshake_timeout;
    uint64_t                   whep_track_gather_timeout;
    char                      *source_redirect;

    /* Raspberry Pi camera. */
    int64_t                  rpi_camera_cam_id;
    bool                     rpi_camera_secondary;
    int64_t                  rpi_camera_width;
    int64_t                  rpi_camera_height;
    bool                     rpi_camera_h_flip;
    bool                     rpi_camera_v_flip;
    double                   rpi_camera_brightness;
    double                   rpi_camera_contrast;
    double                   rpi_camera_saturation;
    double                   rpi_camera_sharpness;
    char                    *rpi_camera_exposure;
    char                    *rpi_camera_awb;
    struct sl_conf_floatlist rpi_camera_awb_gains;
    char                    *rpi_camera_denoise;
    int64_t                  rpi_camera_shutter;
    char                    *rpi_camera_metering;
    double                   rpi_camera_gain;
    double                   rpi_camera_ev;
    char                    *rpi_camera_roi;
    bool                     rpi_camera_hdr;
    char                    *rpi_camera_tuning_file;
    char                    *rpi_camera_mode;
    double                   rpi_camera_fps;
    char                    *rpi_camera_af_mode;
    char                    *rpi_camera_af_range;
    char                    *rpi_camera_af_speed;
    double                   rpi_camera_lens_position;
    char                    *rpi_camera_af_window;
    int64_t                  rpi_camera_flicker_period;
    bool                     rpi_camera_text_overlay_enable;
    char                    *rpi_camera_text_overlay;
    char                    *rpi_camera_codec;
    int64_t                  rpi_camera_idr_period;
    int64_t                  rpi_camera_bitrate;
    char                    *rpi_camera_hardware_h264_profile;
    char                    *rpi_camera_hardware_h264_level;
    char                    *rpi_camera_software_h264_profile;
    char                    *rpi_camera_software_h264_level;
    int64_t                  rpi_camera_mjpeg_quality;
    int64_t                  rpi_camera_secondary_width;
    int64_t                  rpi_camera_secondary_height;
    double                   rpi_camera_secondary_fps;
    int64_t                  rpi_camera_secondary_mjpeg_quality;

    /* Forward. */
    struct sl_conf_forwards forward;

    /* Hooks. */
    char    *run_on_init;
    bool     run_on_init_restart;
    char    *run_on_demand;
    bool     run_on_demand_restart;
    uint64_t run_on_demand_start_timeout;
    uint64_t run_on_demand_close_after;
    char    *run_on_un_demand;
    char    *run_on_available;
    bool     run_on_available_restart;
    char    *run_on_unavailable;
    char    *run_on_online;
    bool     run_on_online_restart;
    char    *run_on_offline;
    char    *run_on_read;
    bool     run_on_read_restart;
    char    *run_on_unread;
    char    *run_on_record_segment_create;
    char    *run_on_record_segment_complete;

    /* Deprecated keys with their own storage (translated after merge). */
    char                  *fallback; /* still honoured by RTSP DESCRIBE */
    bool                   playback; /* no effect */
    char                  *publish_user;
    char                  *publish_pass;
    struct sl_conf_strlist publish_ips;
    char                  *read_user;
    char                  *read_pass;
    struct sl_conf_strlist read_ips;
    int64_t                rtsp_udp_read_buffer_size;   /* no effect */
    int64_t                mpegts_udp_read_buffer_size; /* no effect */
    int64_t                rtp_udp_read_buffer_size;    /* no effect */
};


struct sl_conf {
    char              *loaded_from; /* file path, "" when none */
    struct sl_conf_set set;         /* global keys set in file/env */

    /* General. */
    int      log_level;        /* enum sl_log_level */
    unsigned log_destinations; /* SL_CONF_LOG_* */
    bool     log_structured;
    char    *log_file;
    char    *sys_log_prefix;
    bool     dump_packets;
    uint64_t read_timeout;
    uint64_t write_timeout;
    int64_t  write_queue_size; /* power of two */
    int64_t  udp_max_payload_size;
    int64_t  udp_read_buffer_size;
    char    *run_on_connect;
    bool     run_on_connect_restart;
    char    *run_on_disconnect;

    /* Workers and queues (Sluice). */
    int64_t                       workers; /* 0 = number of cores */
    enum sl_conf_worker_placement worker_placement;
    struct sl_conf_intlist        worker_sequence;
    uint64_t                      write_queue_max_bytes;
    uint64_t                      write_socket_buffer;
    uint64_t                      write_merge_window;

    /* Authentication. */
    enum sl_conf_auth_method auth_method;
    struct sl_conf_users     auth_internal_users;
    char                    *auth_http_address;
    char                    *auth_http_fingerprint;
    struct sl_conf_perms     auth_http_exclude;
    char                    *auth_jwt_jwks;
    char                    *auth_jwt_jwks_fingerprint;
    char                    *auth_jwt_claim_key;
    struct sl_conf_perms     auth_jwt_exclude;
    char                    *auth_jwt_issuer;
    char                    *auth_jwt_audience;
    bool                     auth_jwt_in_http_query; /* deprecated */

    /* Control API, metrics, pprof, playback. */
    bool                   api;
    char                  *api_address;
    bool                   api_encryption;
    char                  *api_server_key;
    char                  *api_server_cert;
    struct sl_conf_strlist api_allow_origins;
    struct sl_conf_strlist api_trusted_proxies;
    bool                   metrics;
    char                  *metrics_address;
    bool                   metrics_encryption;
    char                  *metrics_server_key;
    char                  *metrics_server_cert;
    struct sl_conf_strlist metrics_allow_origins;
    struct sl_conf_strlist metrics_trusted_proxies;
    bool                   pprof;
    char                  *pprof_address;
    bool                   pprof_encryption;
    char                  *pprof_server_key;
    char                  *pprof_server_cert;
    struct sl_conf_strlist pprof_allow_origins;
    struct sl_conf_strlist pprof_trusted_proxies;
    bool                   playback;
    char                  *playback_address;
    bool                   playback_encryption;
    char                  *playback_server_key;
    char                  *playback_server_cert;
    struct sl_conf_strlist playback_allow_origins;
    struct sl_conf_strlist playback_trusted_proxies;

    /* RTSP server. */
    bool                    rtsp;
    unsigned                rtsp_transports; /* SL_CONF_TRANSPORT_* */
    enum sl_conf_encryption rtsp_encryption;
    char                   *rtsp_address;
    char                   *rtsps_address;
    char                   *rtp_address;
    char                   *rtcp_address;
    char                   *multicast_ip_range;
    int64_t                 multicast_rtp_port;
    int64_t                 multicast_rtcp_port;
    char                   *srtp_address;
    char                   *srtcp_address;
    int64_t                 multicast_srtp_port;
    int64_t                 multicast_srtcp_port;
    char                   *rtsp_server_key;
    char                   *rtsp_server_cert;
    unsigned                rtsp_auth_methods; /* SL_CONF_RTSP_AUTH_* */
    struct sl_conf_strlist  rtsp_trusted_proxies;

    /* RTMP server. */
    bool                    rtmp;
    enum sl_conf_encryption rtmp_encryption;
    char                   *rtmp_address;
    char                   *rtmps_address;
    char                   *rtmp_server_key;
    char                   *rtmp_server_cert;
    struct sl_conf_strlist  rtmp_trusted_proxies;

    /* HLS server. */
    bool                     hls;
    char                    *hls_address;
    bool                     hls_encryption;
    char                    *hls_server_key;
    char                    *hls_server_cert;
    struct sl_conf_strlist   hls_allow_origins;
    struct sl_conf_strlist   hls_trusted_proxies;
    bool                     hls_always_remux;
    enum sl_conf_hls_variant hls_variant;
    int64_t                  hls_segment_count;
    uint64_t                 hls_segment_duration;
    uint64_t                 hls_part_duration;
    uint64_t                 hls_segment_max_size;
    char                    *hls_directory;
    uint64_t                 hls_muxer_close_after;
    char                    *hls_cdn_secret;

    /* WebRTC server. */
    bool                       webrtc;
    char                      *webrtc_address;
    bool                       webrtc_encryption;
    char                      *webrtc_server_key;
    char                      *webrtc_server_cert;
    struct sl_conf_strlist     webrtc_allow_origins;
    struct sl_conf_strlist     webrtc_trusted_proxies;
    char                      *webrtc_local_udp_address;
    char                      *webrtc_local_tcp_address;
    bool                       webrtc_ips_from_interfaces;
    struct sl_conf_strlist     webrtc_ips_from_interfaces_list;
    struct sl_conf_strlist     webrtc_additional_hosts;
    struct sl_conf_ice_servers webrtc_ice_servers2;
    uint64_t                   webrtc_stun_gather_timeout;
    uint64_t                   webrtc_handshake_timeout;
    uint64_t                   webrtc_track_gather_timeout;

    /* SRT server. */
    bool     srt;
    char    *srt_address;
    uint64_t srt_latency;

    /* MoQ server. */
    bool                   moq;
    char                  *moq_http2_address;
    char                  *moq_http3_address;
    char                  *moq_quic_address;
    char                  *moq_server_key;
    char                  *moq_server_cert;
    struct sl_conf_strlist moq_allow_origins;
    struct sl_conf_strlist moq_trusted_proxies;

    /* GOP cache per reader protocol (Sluice). */
    bool rtsp_gop_cache;
    bool rtmp_gop_cache;
    bool srt_gop_cache;
    bool hls_gop_cache;
    bool webrtc_gop_cache;

    /* Deprecated keys with their own storage (translated after load). */
    char                  *external_authentication_url;
    struct sl_conf_strlist webrtc_ice_servers;

    /* Paths. */
    struct sl_path_conf  path_defaults;
    struct sl_path_conf *paths;  /* exact names, then regex (sorted), */
    size_t               npaths; /* then the catch-all */

    /* Deprecation warnings gathered while loading (logged by
       sl_conf_warn_unimplemented). */
    struct sl_conf_strlist warnings;
};


/* Regex captures of a path lookup: slices of the looked-up name. */
struct sl_path_match {
    struct sl_str groups[SL_PATH_MAX_GROUPS]; /* groups[0] is $G1 */
    size_t        ngroups;
};


/*
 * Loads the configuration file at path, then applies RTSP_* and MTX_*
 * environment variables.  path NULL: searches sluice.yml,
 * rtsp-simple-server.yml, mediamtx.yml, /usr/local/etc/mediamtx.yml,
 * /usr/etc/mediamtx.yml, /etc/mediamtx/mediamtx.yml, /etc/sluice/sluice.yml;
 * when none exists the defaults are used (they contain no paths) and a
 * warning is recorded.  An explicit path that is missing is an error.
 * Returns 0 and a new *out (caller frees with sl_conf_free), or SL_EINVAL /
 * -errno with a message in err naming the key and the YAML line; *out is
 * untouched on failure.
 */
int sl_conf_load(const char *path, struct sl_conf **out, char *err,
                 size_t errlen);

/* Same from a YAML text, no environment (tests, fuzzing). */
int sl_conf_load_string(const char *yaml, size_t len, struct sl_conf **out,
                        char *err, size_t errlen);

/*
 * Same from a YAML text (may be NULL: defaults) with environment overrides
 * taken from envp, a NULL-terminated "NAME=value" array (tests pass their
 * own instead of calling setenv).
 */
int sl_conf_load_env(const char *yaml, size_t len, char *const *envp,
                     struct sl_conf **out, char *err, size_t errlen);

/* Frees everything *c owns and sets *c to NULL.  NULL is fine. */
void sl_conf_free(struct sl_conf **c);

/*
 * Finds the configuration of path name in MediaMTX order: exact name, then
 * regex paths sorted by their config key, then all_others/all last.  Fills
 * m (may be NULL) with the regex captures as slices of name.  Returns NULL
 * when no path matches (the path is "not configured").
 */
const struct sl_path_conf *sl_conf_find_path(const struct sl_conf *c,
                                             const char           *name,
                                             struct sl_path_match *m);

/* True when s matches the compiled regex re (a search, not anchored). */
bool sl_conf_regex_match(const struct sl_conf_regex *re, const char *s,
                         size_t len);

/*
 * Logs, once per key, every deprecated key that was translated and every
 * key set to a non-default value whose feature is not implemented yet.
 * Called once at start-up (and after a reload).  Returns the number of
 * warnings written.
 */
int sl_conf_warn_unimplemented(const struct sl_conf *c,
                               const struct sl_log  *log);

/*
 * Writes the reference configuration (sluice.yml) generated from the field
 * tables: every key with its default and its comment.  Returns 0 or
 * SL_ELIMIT when b's cap is too small.
 */
int sl_conf_write_reference(struct sl_dbuf *b);

/*
 * Value parsers shared with the API layer: Go durations with an optional
 * leading days term ("1d12h", "200ms", "0s") and byte sizes ("50M", "512K",
 * "1G", "1024").  Return 0 or SL_EINVAL; *out untouched on failure.
 */
int sl_conf_parse_duration(struct sl_str s, uint64_t *out);
int sl_conf_parse_size(struct sl_str s, uint64_t *out);
/* YAML 1.1 booleans: yes/no/on/off/true/false, any case. */
int sl_conf_parse_bool(struct sl_str s, bool *out);


#endif /* SL_CONF_CONF_H */
