/* Sluice: the configuration field tables (see table.h and CONFIG.md). */
#include "conf/table.h"
#include "conf/match.h"
#include "base/alloc.h"
#include "base/crypto.h"
#include "base/err.h"
#include "base/str.h"

#include <stdbool.h>
#include <string.h>


/*
 * Row builders.  CHK fails to compile when the C type given for a row is not
 * the member's type, so a row can never write the wrong kind of value.
 */
#define CHK(S, m, ct)                                                          \
    (offsetof(S, m)                                                            \
     + 0                                                                       \
           * sizeof(char[_Generic(((S *)0)->m, ct : 1, default                 \
                                  : -1)]))

#define SEC(title)                                                             \
    {                                                                          \
        .type = SL_CT_SECTION, .doc = (title)                                  \
    }

#define ROW(S, k, m, ct, t, d, fl, ...)                                        \
    {                                                                          \
        .key = (k), .type = SL_CT_##t, .off = CHK(S, m, ct), .def = (d),       \
        .flags = (fl), __VA_ARGS__                                             \
    }

#define G(...) ROW(struct sl_conf, __VA_ARGS__)
#define P(...) ROW(struct sl_path_conf, __VA_ARGS__)

#define ALIAS(k, target, fl, ...)                                              \
    {                                                                          \
        .key = (k), .type = SL_CT_ALIAS, .alias = (target),                    \
        .flags = SL_CF_DEPRECATED | (fl), __VA_ARGS__                          \
    }

#define I   SL_CF_IMPL
#define DEP SL_CF_DEPRECATED

#define STRS   struct sl_conf_strlist
#define INTS   struct sl_conf_intlist
#define FLOATS struct sl_conf_floatlist
#define CSTR   char *
#define BIT(v) (1u << (v))


static int  user_finish(void *elem, char *err, size_t errlen);
static void user_free_extra(void *elem);
static int  perm_finish(void *elem, char *err, size_t errlen);
static void perm_free_extra(void *elem);
static int  ice_finish(void *elem, char *err, size_t errlen);
static int  check_credential(const char *what, const char *v, char *err,
                             size_t errlen);


static const char *const log_levels[] = {"error", "warn", "info", "debug",
                                         NULL};
static const char *const log_dests[] = {"stdout", "file", "syslog", NULL};
static const char *const auth_methods[] = {"internal", "http", "jwt", NULL};
static const char *const encryptions[] = {"no", "optional", "strict", NULL};
static const char *const transports[] = {"udp", "multicast", "tcp", NULL};
static const char *const rtsp_auths[] = {"basic", "digest", NULL};
static const char *const hls_variants[] = {"mpegts", "fmp4", "lowLatency",
                                           NULL};
static const char *const placements[] = {"roundRobin", "leastLoaded", NULL};
static const char *const record_formats[] = {"fmp4", "mpegts", NULL};
static const char *const rtsp_transport[] = {"automatic", "udp", "multicast",
                                             "tcp", NULL};
static const char *const range_types[] = {"", "clock", "npt", "smpte", NULL};
static const char *const moq_transports[] = {"quic", "webtransport", NULL};
static const char *const codecs[] = {
    "AV1", "VP9", "H265", "H264", "Opus", "MPEG4Audio", "G711", "LPCM", NULL};
static const char *const actions[] = {"publish", "read",  "playback", "api",
                                      "metrics", "pprof", NULL};

/* Characters allowed in plain (unhashed) user names and passwords. */
static const char cred_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "abcdefghijklmnopqrstuvwxyz"
                                 "0123456789!$()*+.;<=>[]^_-{}@#&";


/* Permission: {action, path}. */
#define PERM(...) ROW(struct sl_conf_perm, __VA_ARGS__)
static const struct sl_conf_field perm_fields[] = {
    PERM("action", action, enum sl_conf_action, ENUM, NULL, I | SL_CF_REQUIRED,
         .names = actions,
         .doc = "publish, read, playback, api, metrics or pprof"),
    PERM("path", path, CSTR, STRING, NULL, I,
         .doc = "empty: any path; ~regex; or an exact name"),
};

const struct sl_conf_objtype sl_conf_perm_type = {
    .name = "permission",
    .size = sizeof(struct sl_conf_perm),
    .fields = perm_fields,
    .nfields = sizeof(perm_fields) / sizeof(perm_fields[0]),
    .finish = perm_finish,
    .free_extra = perm_free_extra,
};

/* Internal user: {user, pass, ips, permissions}. */
#define USER(...) ROW(struct sl_conf_user, __VA_ARGS__)
static const struct sl_conf_field user_fields[] = {
    USER("user", user, CSTR, STRING, NULL, I | SL_CF_REQUIRED,
         .doc = "'any' means anyone, including anonymous clients"),
    USER("pass", pass, CSTR, STRING, NULL, I, .doc = "unused for 'any'"),
    USER("ips", ips, STRS, STRLIST, NULL, I,
         .doc = "IPs or CIDRs allowed to use this user; empty: any"),
    USER("permissions", permissions, struct sl_conf_perms, OBJLIST, NULL, I,
         .obj = &sl_conf_perm_type, .doc = "list of {action, path}"),
};

const struct sl_conf_objtype sl_conf_user_type = {
    .name = "user",
    .size = sizeof(struct sl_conf_user),
    .fields = user_fields,
    .nfields = sizeof(user_fields) / sizeof(user_fields[0]),
    .finish = user_finish,
    .free_extra = user_free_extra,
};

#define ICE(...) ROW(struct sl_conf_ice_server, __VA_ARGS__)
static const struct sl_conf_field ice_fields[] = {
    ICE("url", url, CSTR, STRING, NULL, I | SL_CF_REQUIRED,
        .doc = "stun:, turn: or turns: URL"),
    ICE("username", username, CSTR, STRING, NULL, I,
        .doc = "AUTH_SECRET: shared-secret mode"),
    ICE("password", password, CSTR, STRING, NULL, I, .doc = ""),
    ICE("clientOnly", client_only, bool, BOOL, "false", I,
        .doc = "used by clients only"),
};

static const struct sl_conf_objtype ice_type = {
    .name = "ICE server",
    .size = sizeof(struct sl_conf_ice_server),
    .fields = ice_fields,
    .nfields = sizeof(ice_fields) / sizeof(ice_fields[0]),
    .finish = ice_finish,
};

#define TRACK(...) ROW(struct sl_conf_track, __VA_ARGS__)
static const struct sl_conf_field track_fields[] = {
    TRACK("codec", codec, enum sl_conf_track_codec, ENUM, NULL,
          I | SL_CF_REQUIRED, .names = codecs, .doc = ""),
    TRACK("sampleRate", sample_rate, int64_t, INT, "0", I, .min = 0,
          .max = 1000000, .doc = ""),
    TRACK("channelCount", channel_count, int64_t, INT, "0", I, .min = 0,
          .max = 255, .doc = ""),
    TRACK("muLaw", mu_law, bool, BOOL, "false", I, .doc = ""),
};

static const struct sl_conf_objtype track_type = {
    .name = "track",
    .size = sizeof(struct sl_conf_track),
    .fields = track_fields,
    .nfields = sizeof(track_fields) / sizeof(track_fields[0]),
};

#define FWD(...) ROW(struct sl_conf_forward, __VA_ARGS__)
static const struct sl_conf_field forward_fields[] = {
    FWD("dest", dest, CSTR, STRING, NULL, I | SL_CF_REQUIRED,
        .doc = "rtsp(s)://, rtmp(s)://...#key, srt://, whip(s)://"),
    FWD("destFingerprint", dest_fingerprint, CSTR, STRING, NULL, I, .doc = ""),
    FWD("whipBearerToken", whip_bearer_token, CSTR, STRING, NULL, I, .doc = ""),
};

static const struct sl_conf_objtype forward_type = {
    .name = "forward target",
    .size = sizeof(struct sl_conf_forward),
    .fields = forward_fields,
    .nfields = sizeof(forward_fields) / sizeof(forward_fields[0]),
};


#define DEFAULT_USERS                                                          \
    "[{user: any, pass: '', ips: [], permissions: [{action: publish, path: "   \
    "''}, {action: read, path: ''}, {action: playback, path: ''}]}, "          \
    "{user: any, pass: '', ips: ['127.0.0.1', '::1'], permissions: "           \
    "[{action: api}, {action: metrics}, {action: pprof}]}]"

/* The same users in block style, for sluice.yml (a test checks both). */
#define DEFAULT_USERS_YML                                                      \
    "  # Anyone may publish, read and play back any path.\n"                   \
    "- user: any\n"                                                            \
    "  pass:\n"                                                                \
    "  ips: []\n"                                                              \
    "  permissions:\n"                                                         \
    "  - action: publish\n"                                                    \
    "    path:\n"                                                              \
    "  - action: read\n"                                                       \
    "    path:\n"                                                              \
    "  - action: playback\n"                                                   \
    "    path:\n"                                                              \
    "  # Anyone on this machine may use the API, metrics and pprof.\n"         \
    "- user: any\n"                                                            \
    "  pass:\n"                                                                \
    "  ips: ['127.0.0.1', '::1']\n"                                            \
    "  permissions:\n"                                                         \
    "  - action: api\n"                                                        \
    "  - action: metrics\n"                                                    \
    "  - action: pprof\n"

static const struct sl_conf_field global_fields[] = {
    SEC("General"),
    G("logLevel", log_level, int, ENUM, "info", I, .names = log_levels,
      .doc = "Verbosity: error, warn, info or debug."),
    G("logDestinations", log_destinations, unsigned, BITMASK, "[stdout]", I,
      .names = log_dests, .impl_mask = SL_CONF_LOG_STDOUT | SL_CONF_LOG_FILE,
      .doc = "Where logs go: stdout, file, syslog."),
    G("logStructured", log_structured, bool, BOOL, "false", 0,
      .doc = "Write logs as JSON lines."),
    G("logFile", log_file, CSTR, STRING, "mediamtx.log", I,
      .doc = "Log file, when 'file' is in logDestinations."),
    G("sysLogPrefix", sys_log_prefix, CSTR, STRING, "mediamtx", 0,
      .doc = "Syslog identifier, when 'syslog' is in logDestinations."),
    G("dumpPackets", dump_packets, bool, BOOL, "false", 0,
      .doc = "Dump the packets of every connection to disk."),
    G("readTimeout", read_timeout, uint64_t, DURATION, "10s", I,
      .doc = "Timeout of read operations."),
    G("writeTimeout", write_timeout, uint64_t, DURATION, "10s", I,
      .doc = "Timeout of write operations; a reader whose oldest queued\n"
             "frame is older than this is disconnected."),
    G("writeQueueSize", write_queue_size, int64_t, INT, "512", I | SL_CF_POW2,
      .min = 1, .max = 1 << 20,
      .doc = "Frames queued per reader (a power of two)."),
    G("udpMaxPayloadSize", udp_max_payload_size, int64_t, INT, "1452", I,
      .min = 64, .max = 1472,
      .doc = "Maximum size of outgoing UDP payloads (at most 1472)."),
    G("udpReadBufferSize", udp_read_buffer_size, int64_t, INT, "0", 0, .min = 0,
      .max = INT32_MAX,
      .doc = "Read buffer of UDP sockets; 0 = operating system default."),
    G("runOnConnect", run_on_connect, CSTR, STRING, NULL, 0,
      .doc = "Command run when a client connects (env MTX_CONN_TYPE,\n"
             "MTX_CONN_ID, RTSP_PORT)."),
    G("runOnConnectRestart", run_on_connect_restart, bool, BOOL, "false", 0,
      .doc = "Restart the command if it exits."),
    G("runOnDisconnect", run_on_disconnect, CSTR, STRING, NULL, 0,
      .doc = "Command run when a client disconnects."),

    SEC("Workers and queues (Sluice)"),
    G("workers", workers, int64_t, INT, "0", I, .min = 0, .max = 1024,
      .doc = "Worker threads; 0 = number of CPU cores."),
    G("workerPlacement", worker_placement, enum sl_conf_worker_placement, ENUM,
      "roundRobin", I, .names = placements,
      .doc = "How new connections are spread over workers: roundRobin or\n"
             "leastLoaded."),
    G("workerSequence", worker_sequence, INTS, INTLIST, "[]", I, .min = 0,
      .max = 1023,
      .doc = "Test setting: when not empty, new connections go to these\n"
             "worker indexes in turn."),
    G("writeQueueMaxBytes", write_queue_max_bytes, uint64_t, SIZE, "16M", I,
      .doc = "Byte cap of a reader queue."),
    G("writeSocketBuffer", write_socket_buffer, uint64_t, SIZE, "512K", I,
      .doc = "SO_SNDBUF cap of reader sockets."),
    G("writeMergeWindow", write_merge_window, uint64_t, DURATION, "20ms", I,
      .max = 1000000000,
      .doc = "Readers' frames are sent together at most this often (one\n"
             "system call for several frames): less CPU per byte, at most\n"
             "this much added latency.  0s sends every frame at once."),

    SEC("Authentication"),
    G("authMethod", auth_method, enum sl_conf_auth_method, ENUM, "internal", I,
      .names = auth_methods, .impl_mask = BIT(SL_CONF_AUTH_INTERNAL),
      .doc = "internal (users below), http (authHTTPAddress) or jwt."),
    G("authInternalUsers", auth_internal_users, struct sl_conf_users, OBJLIST,
      DEFAULT_USERS, I, .obj = &sl_conf_user_type, .yml = DEFAULT_USERS_YML,
      .doc = "Users of internal authentication; the first matching user\n"
             "wins.  user/pass may be hashed: sha256:<base64> or\n"
             "argon2:$argon2id$...  Actions: publish, read, playback, api,\n"
             "metrics, pprof; path: empty = any, ~regex or exact."),
    G("authHTTPAddress", auth_http_address, CSTR, STRING, NULL, 0,
      .doc = "URL called with POST for every authentication (http method)."),
    G("authHTTPFingerprint", auth_http_fingerprint, CSTR, STRING, NULL, 0,
      .doc = "SHA-256 fingerprint of a self-signed auth server certificate."),
    G("authHTTPExclude", auth_http_exclude, struct sl_conf_perms, OBJLIST, "[]",
      0, .obj = &sl_conf_perm_type,
      .doc = "Permissions exempt from HTTP authentication."),
    G("authJWTJWKS", auth_jwt_jwks, CSTR, STRING, NULL, 0,
      .doc = "JWKS URL used to validate JWTs (jwt method)."),
    G("authJWTJWKSFingerprint", auth_jwt_jwks_fingerprint, CSTR, STRING, NULL,
      0, .doc = "SHA-256 fingerprint of a self-signed JWKS certificate."),
    G("authJWTClaimKey", auth_jwt_claim_key, CSTR, STRING,
      "mediamtx_permissions", 0, .doc = "JWT claim holding permissions."),
    G("authJWTExclude", auth_jwt_exclude, struct sl_conf_perms, OBJLIST, "[]",
      0, .obj = &sl_conf_perm_type,
      .doc = "Permissions exempt from JWT authentication."),
    G("authJWTIssuer", auth_jwt_issuer, CSTR, STRING, NULL, 0,
      .doc = "Required 'iss' claim, if not empty."),
    G("authJWTAudience", auth_jwt_audience, CSTR, STRING, NULL, 0,
      .doc = "Required 'aud' claim, if not empty."),

    SEC("Control API"),
    G("api", api, bool, BOOL, "false", 0, .doc = "Enable the control API."),
    G("apiAddress", api_address, CSTR, STRING, ":9997", 0,
      .doc = "Address of the control API listener."),
    G("apiEncryption", api_encryption, bool, BOOL, "false", 0,
      .doc = "Serve the API over HTTPS."),
    G("apiServerKey", api_server_key, CSTR, STRING, "server.key", 0,
      .doc = "TLS key."),
    G("apiServerCert", api_server_cert, CSTR, STRING, "server.crt", 0,
      .doc = "TLS certificate."),
    G("apiAllowOrigins", api_allow_origins, STRS, STRLIST, "['*']", 0,
      .doc = "Allowed CORS origins."),
    G("apiTrustedProxies", api_trusted_proxies, STRS, STRLIST, "[]", 0,
      .doc = "Proxies allowed to set X-Forwarded-For."),

    SEC("Metrics"),
    G("metrics", metrics, bool, BOOL, "false", 0,
      .doc = "Enable Prometheus-compatible metrics."),
    G("metricsAddress", metrics_address, CSTR, STRING, ":9998", 0,
      .doc = "Address of the metrics listener."),
    G("metricsEncryption", metrics_encryption, bool, BOOL, "false", 0,
      .doc = "Serve metrics over HTTPS."),
    G("metricsServerKey", metrics_server_key, CSTR, STRING, "server.key", 0,
      .doc = "TLS key."),
    G("metricsServerCert", metrics_server_cert, CSTR, STRING, "server.crt", 0,
      .doc = "TLS certificate."),
    G("metricsAllowOrigins", metrics_allow_origins, STRS, STRLIST, "['*']", 0,
      .doc = "Allowed CORS origins."),
    G("metricsTrustedProxies", metrics_trusted_proxies, STRS, STRLIST, "[]", 0,
      .doc = "Proxies allowed to set X-Forwarded-For."),

    SEC("PPROF"),
    G("pprof", pprof, bool, BOOL, "false", 0,
      .doc = "Enable the profiling endpoint."),
    G("pprofAddress", pprof_address, CSTR, STRING, ":9999", 0,
      .doc = "Address of the pprof listener."),
    G("pprofEncryption", pprof_encryption, bool, BOOL, "false", 0,
      .doc = "Serve pprof over HTTPS."),
    G("pprofServerKey", pprof_server_key, CSTR, STRING, "server.key", 0,
      .doc = "TLS key."),
    G("pprofServerCert", pprof_server_cert, CSTR, STRING, "server.crt", 0,
      .doc = "TLS certificate."),
    G("pprofAllowOrigins", pprof_allow_origins, STRS, STRLIST, "['*']", 0,
      .doc = "Allowed CORS origins."),
    G("pprofTrustedProxies", pprof_trusted_proxies, STRS, STRLIST, "[]", 0,
      .doc = "Proxies allowed to set X-Forwarded-For."),

    SEC("Playback server"),
    G("playback", playback, bool, BOOL, "false", 0,
      .doc = "Enable downloading recordings from the playback server."),
    G("playbackAddress", playback_address, CSTR, STRING, ":9996", 0,
      .doc = "Address of the playback listener."),
    G("playbackEncryption", playback_encryption, bool, BOOL, "false", 0,
      .doc = "Serve playback over HTTPS."),
    G("playbackServerKey", playback_server_key, CSTR, STRING, "server.key", 0,
      .doc = "TLS key."),
    G("playbackServerCert", playback_server_cert, CSTR, STRING, "server.crt", 0,
      .doc = "TLS certificate."),
    G("playbackAllowOrigins", playback_allow_origins, STRS, STRLIST, "['*']", 0,
      .doc = "Allowed CORS origins."),
    G("playbackTrustedProxies", playback_trusted_proxies, STRS, STRLIST, "[]",
      0, .doc = "Proxies allowed to set X-Forwarded-For."),

    SEC("RTSP server"),
    G("rtsp", rtsp, bool, BOOL, "true", I,
      .doc = "Publish and read streams with RTSP."),
    G("rtspTransports", rtsp_transports, unsigned, BITMASK,
      "[udp, multicast, tcp]", I, .names = transports,
      .impl_mask = SL_CONF_TRANSPORT_UDP | SL_CONF_TRANSPORT_TCP,
      .doc = "Transports: udp, multicast, tcp (the handshake is TCP)."),
    G("rtspEncryption", rtsp_encryption, enum sl_conf_encryption, ENUM, "no",
      I | SL_CF_BOOLMAP, .names = encryptions,
      .doc = "RTSPS: \"no\", \"optional\" (RTSP and RTSPS listeners) or\n"
             "\"strict\" (RTSPS only).  Media of RTSPS sessions stays in the\n"
             "TLS connection (TCP interleaved; SRTP is not supported)."),
    G("rtspAddress", rtsp_address, CSTR, STRING, ":8554", I,
      .doc = "TCP/RTSP listener."),
    G("rtspsAddress", rtsps_address, CSTR, STRING, ":8322", I,
      .doc = "TCP/RTSPS listener."),
    G("rtpAddress", rtp_address, CSTR, STRING, ":8000", I,
      .doc = "UDP/RTP listener."),
    G("rtcpAddress", rtcp_address, CSTR, STRING, ":8001", I,
      .doc = "UDP/RTCP listener."),
    G("multicastIPRange", multicast_ip_range, CSTR, STRING, "224.1.0.0/16", 0,
      .doc = "IP range of multicast groups."),
    G("multicastRTPPort", multicast_rtp_port, int64_t, INT, "8002", 0, .min = 1,
      .max = 65535, .doc = "Multicast RTP port."),
    G("multicastRTCPPort", multicast_rtcp_port, int64_t, INT, "8003", 0,
      .min = 1, .max = 65535, .doc = "Multicast RTCP port."),
    G("srtpAddress", srtp_address, CSTR, STRING, ":8004", 0,
      .doc = "UDP/SRTP listener."),
    G("srtcpAddress", srtcp_address, CSTR, STRING, ":8005", 0,
      .doc = "UDP/SRTCP listener."),
    G("multicastSRTPPort", multicast_srtp_port, int64_t, INT, "8006", 0,
      .min = 1, .max = 65535, .doc = "Multicast SRTP port."),
    G("multicastSRTCPPort", multicast_srtcp_port, int64_t, INT, "8007", 0,
      .min = 1, .max = 65535, .doc = "Multicast SRTCP port."),
    G("rtspServerKey", rtsp_server_key, CSTR, STRING, "server.key", I,
      .doc = "TLS key (openssl genrsa -out server.key 2048)."),
    G("rtspServerCert", rtsp_server_cert, CSTR, STRING, "server.crt", I,
      .doc = "TLS certificate (PEM, chain allowed); reloaded when the file\n"
             "changes."),
    G("rtspAuthMethods", rtsp_auth_methods, unsigned, BITMASK, "[basic]", I,
      .names = rtsp_auths,
      .doc = "basic and/or digest (digest needs unhashed internal users)."),
    G("rtspTrustedProxies", rtsp_trusted_proxies, STRS, STRLIST, "[]", 0,
      .doc = "Proxies allowed to use the PROXY protocol."),
    G("rtspGOPCache", rtsp_gop_cache, bool, BOOL, "false", I,
      .doc = "Start RTSP readers from the cached GOP (Sluice)."),

    SEC("RTMP server"),
    G("rtmp", rtmp, bool, BOOL, "true", I,
      .doc = "Publish and read streams with RTMP."),
    G("rtmpEncryption", rtmp_encryption, enum sl_conf_encryption, ENUM, "no",
      I | SL_CF_BOOLMAP, .names = encryptions,
      .doc = "RTMPS: \"no\", \"optional\" (RTMP and RTMPS listeners) or\n"
             "\"strict\" (RTMPS only)."),
    G("rtmpAddress", rtmp_address, CSTR, STRING, ":1935", I,
      .doc = "RTMP listener."),
    G("rtmpsAddress", rtmps_address, CSTR, STRING, ":1936", I,
      .doc = "RTMPS listener."),
    G("rtmpServerKey", rtmp_server_key, CSTR, STRING, "server.key", I,
      .doc = "TLS key."),
    G("rtmpServerCert", rtmp_server_cert, CSTR, STRING, "server.crt", I,
      .doc = "TLS certificate (PEM); reloaded when the file changes."),
    G("rtmpTrustedProxies", rtmp_trusted_proxies, STRS, STRLIST, "[]", 0,
      .doc = "Proxies allowed to use the PROXY protocol."),
    G("rtmpGOPCache", rtmp_gop_cache, bool, BOOL, "true", I,
      .doc = "Start RTMP and HTTP-FLV readers from the cached GOP."),

    SEC("HLS server"),
    G("hls", hls, bool, BOOL, "true", I, .doc = "Read streams with HLS."),
    G("hlsAddress", hls_address, CSTR, STRING, ":8888", 0,
      .doc = "HLS listener."),
    G("hlsEncryption", hls_encryption, bool, BOOL, "false", 0,
      .doc = "Serve HLS over HTTPS."),
    G("hlsServerKey", hls_server_key, CSTR, STRING, "server.key", 0,
      .doc = "TLS key."),
    G("hlsServerCert", hls_server_cert, CSTR, STRING, "server.crt", 0,
      .doc = "TLS certificate."),
    G("hlsAllowOrigins", hls_allow_origins, STRS, STRLIST, "['*']", 0,
      .doc = "Allowed CORS origins."),
    G("hlsTrustedProxies", hls_trusted_proxies, STRS, STRLIST, "[]", 0,
      .doc = "Proxies allowed to set X-Forwarded-For."),
    G("hlsAlwaysRemux", hls_always_remux, bool, BOOL, "false", 0,
      .doc = "Mux every stream, not only requested ones."),
    G("hlsVariant", hls_variant, enum sl_conf_hls_variant, ENUM, "lowLatency",
      0, .names = hls_variants, .doc = "mpegts, fmp4 or lowLatency."),
    G("hlsSegmentCount", hls_segment_count, int64_t, INT, "7", 0, .min = 1,
      .max = 10000,
      .doc = "Segments kept (at least 7 for lowLatency, 3 otherwise)."),
    G("hlsSegmentDuration", hls_segment_duration, uint64_t, DURATION, "1s", 0,
      .doc = "Minimum segment duration."),
    G("hlsPartDuration", hls_part_duration, uint64_t, DURATION, "200ms", 0,
      .doc = "Minimum part duration (low-latency)."),
    G("hlsSegmentMaxSize", hls_segment_max_size, uint64_t, SIZE, "50M", 0,
      .doc = "Maximum segment size."),
    G("hlsDirectory", hls_directory, CSTR, STRING, NULL, 0,
      .doc = "Write segments to this directory instead of RAM."),
    G("hlsMuxerCloseAfter", hls_muxer_close_after, uint64_t, DURATION, "60s", 0,
      .doc = "Close a muxer after this long without requests."),
    G("hlsCDNSecret", hls_cdn_secret, CSTR, STRING, NULL, 0,
      .doc = "Bearer secret letting a CDN bypass authentication."),
    G("hlsGOPCache", hls_gop_cache, bool, BOOL, "true", I,
      .doc = "Start HLS muxers from the cached GOP (Sluice)."),

    SEC("WebRTC server"),
    G("webrtc", webrtc, bool, BOOL, "true", I,
      .doc = "Publish and read streams with WebRTC."),
    G("webrtcAddress", webrtc_address, CSTR, STRING, ":8889", 0,
      .doc = "WebRTC HTTP listener."),
    G("webrtcEncryption", webrtc_encryption, bool, BOOL, "false", 0,
      .doc = "Serve signalling over HTTPS."),
    G("webrtcServerKey", webrtc_server_key, CSTR, STRING, "server.key", 0,
      .doc = "TLS key."),
    G("webrtcServerCert", webrtc_server_cert, CSTR, STRING, "server.crt", 0,
      .doc = "TLS certificate."),
    G("webrtcAllowOrigins", webrtc_allow_origins, STRS, STRLIST, "['*']", 0,
      .doc = "Allowed CORS origins."),
    G("webrtcTrustedProxies", webrtc_trusted_proxies, STRS, STRLIST, "[]", 0,
      .doc = "Proxies allowed to set X-Forwarded-For."),
    G("webrtcLocalUDPAddress", webrtc_local_udp_address, CSTR, STRING, ":8189",
      0, .doc = "ICE UDP listener; empty disables it."),
    G("webrtcLocalTCPAddress", webrtc_local_tcp_address, CSTR, STRING, NULL, 0,
      .doc = "ICE TCP listener; empty disables it."),
    G("webrtcIPsFromInterfaces", webrtc_ips_from_interfaces, bool, BOOL, "true",
      0, .doc = "Advertise the IPs of local interfaces."),
    G("webrtcIPsFromInterfacesList", webrtc_ips_from_interfaces_list, STRS,
      STRLIST, "[]", 0, .doc = "Interfaces to advertise; empty: all."),
    G("webrtcAdditionalHosts", webrtc_additional_hosts, STRS, STRLIST, "[]", 0,
      .doc = "Extra hosts or IPs to advertise."),
    G("webrtcICEServers2", webrtc_ice_servers2, struct sl_conf_ice_servers,
      OBJLIST, "[]", 0, .obj = &ice_type,
      .doc = "ICE servers: {url, username, password, clientOnly}."),
    G("webrtcSTUNGatherTimeout", webrtc_stun_gather_timeout, uint64_t, DURATION,
      "5s", 0, .doc = "Maximum time to gather STUN candidates."),
    G("webrtcHandshakeTimeout", webrtc_handshake_timeout, uint64_t, DURATION,
      "10s", 0, .doc = "Maximum time of the WebRTC handshake."),
    G("webrtcTrackGatherTimeout", webrtc_track_gather_timeout, uint64_t,
      DURATION, "2s", 0, .doc = "Maximum time to gather tracks."),
    G("webrtcGOPCache", webrtc_gop_cache, bool, BOOL, "false", I,
      .doc = "Start WebRTC readers from the cached GOP (Sluice)."),

    SEC("SRT server"),
    G("srt", srt, bool, BOOL, "true", I,
      .doc = "Publish and read streams with SRT."),
    G("srtAddress", srt_address, CSTR, STRING, ":8890", I,
      .doc = "SRT listener (UDP)."),
    G("srtLatency", srt_latency, uint64_t, DURATION, "120ms", I,
      .max = 10000000000ull,
      .doc = "SRT latency offered to callers (Sluice): the receiver's\n"
             "buffer for retransmissions; the larger of both sides'\n"
             "values is used."),
    G("srtGOPCache", srt_gop_cache, bool, BOOL, "true", I,
      .doc = "Start SRT readers from the cached GOP (Sluice)."),

    SEC("MoQ server"),
    G("moq", moq, bool, BOOL, "true", I,
      .doc = "Publish and read streams with Media over QUIC."),
    G("moqHTTP2Address", moq_http2_address, CSTR, STRING, ":8892", 0,
      .doc = "HTTP/2 listener (pages)."),
    G("moqHTTP3Address", moq_http3_address, CSTR, STRING, ":8892", 0,
      .doc = "HTTP/3 listener (WebTransport)."),
    G("moqQUICAddress", moq_quic_address, CSTR, STRING, ":8893", 0,
      .doc = "Native QUIC listener."),
    G("moqServerKey", moq_server_key, CSTR, STRING, "auto.key", 0,
      .doc = "TLS key; auto.* = self-generated."),
    G("moqServerCert", moq_server_cert, CSTR, STRING, "auto.crt", 0,
      .doc = "TLS certificate."),
    G("moqAllowOrigins", moq_allow_origins, STRS, STRLIST, "['*']", 0,
      .doc = "Allowed CORS origins."),
    G("moqTrustedProxies", moq_trusted_proxies, STRS, STRLIST, "[]", 0,
      .doc = "Proxies allowed to set X-Forwarded-For."),

    SEC("Deprecated keys, still accepted and translated with a warning"),
    ALIAS("readBufferCount", "writeQueueSize", 0, .doc = "writeQueueSize"),
    G("authJWTInHTTPQuery", auth_jwt_in_http_query, bool, BOOL, "false", DEP,
      .doc = "JWT accepted in the query of HTTP requests"),
    G("externalAuthenticationURL", external_authentication_url, CSTR, STRING,
      NULL, DEP, .doc = "authMethod: http + authHTTPAddress"),
    ALIAS("apiAllowOrigin", "apiAllowOrigins", SL_CF_SCALAR_LIST,
          .doc = "apiAllowOrigins"),
    ALIAS("metricsAllowOrigin", "metricsAllowOrigins", SL_CF_SCALAR_LIST,
          .doc = "metricsAllowOrigins"),
    ALIAS("pprofAllowOrigin", "pprofAllowOrigins", SL_CF_SCALAR_LIST,
          .doc = "pprofAllowOrigins"),
    ALIAS("playbackAllowOrigin", "playbackAllowOrigins", SL_CF_SCALAR_LIST,
          .doc = "playbackAllowOrigins"),
    ALIAS("hlsAllowOrigin", "hlsAllowOrigins", SL_CF_SCALAR_LIST,
          .doc = "hlsAllowOrigins"),
    ALIAS("webrtcAllowOrigin", "webrtcAllowOrigins", SL_CF_SCALAR_LIST,
          .doc = "webrtcAllowOrigins"),
    ALIAS("rtspDisable", "rtsp", SL_CF_INVERT, .doc = "rtsp (inverted)"),
    ALIAS("rtmpDisable", "rtmp", SL_CF_INVERT, .doc = "rtmp (inverted)"),
    ALIAS("hlsDisable", "hls", SL_CF_INVERT, .doc = "hls (inverted)"),
    ALIAS("webrtcDisable", "webrtc", SL_CF_INVERT, .doc = "webrtc (inverted)"),
    ALIAS("protocols", "rtspTransports", 0, .doc = "rtspTransports"),
    ALIAS("encryption", "rtspEncryption", 0, .doc = "rtspEncryption"),
    ALIAS("serverKey", "rtspServerKey", 0, .doc = "rtspServerKey"),
    ALIAS("serverCert", "rtspServerCert", 0, .doc = "rtspServerCert"),
    ALIAS("authMethods", "rtspAuthMethods", 0, .doc = "rtspAuthMethods"),
    ALIAS("rtspUDPReadBufferSize", "udpReadBufferSize", 0,
          .doc = "udpReadBufferSize"),
    ALIAS("webrtcICEUDPMuxAddress", "webrtcLocalUDPAddress", 0,
          .doc = "webrtcLocalUDPAddress"),
    ALIAS("webrtcICETCPMuxAddress", "webrtcLocalTCPAddress", 0,
          .doc = "webrtcLocalTCPAddress"),
    ALIAS("webrtcICEHostNAT1To1IPs", "webrtcAdditionalHosts", 0,
          .doc = "webrtcAdditionalHosts"),
    G("webrtcICEServers", webrtc_ice_servers, STRS, STRLIST, "[]", DEP,
      .doc = "webrtcICEServers2 (turn:user:pass:host:port form accepted)"),
    ALIAS("moqHTTPS2Address", "moqHTTP2Address", 0, .doc = "moqHTTP2Address"),
    ALIAS("moqHTTPS3Address", "moqHTTP3Address", 0, .doc = "moqHTTP3Address"),
    ALIAS("record", "record", SL_CF_PATHDEF, .doc = "pathDefaults: record"),
    ALIAS("recordPath", "recordPath", SL_CF_PATHDEF,
          .doc = "pathDefaults: recordPath"),
    ALIAS("recordFormat", "recordFormat", SL_CF_PATHDEF,
          .doc = "pathDefaults: recordFormat"),
    ALIAS("recordPartDuration", "recordPartDuration", SL_CF_PATHDEF,
          .doc = "pathDefaults: recordPartDuration"),
    ALIAS("recordSegmentDuration", "recordSegmentDuration", SL_CF_PATHDEF,
          .doc = "pathDefaults: recordSegmentDuration"),
    ALIAS("recordDeleteAfter", "recordDeleteAfter", SL_CF_PATHDEF,
          .doc = "pathDefaults: recordDeleteAfter"),
};

_Static_assert(sizeof(global_fields) / sizeof(global_fields[0])
                   <= SL_CONF_MAX_FIELDS,
               "too many global keys for struct sl_conf_set");

const struct sl_conf_table sl_conf_global_table = {
    global_fields, sizeof(global_fields) / sizeof(global_fields[0])};


static const struct sl_conf_field path_fields[] = {
    SEC("General"),
    P("source", source, CSTR, STRING, "publisher", 0,
      .doc = "Source of the stream: publisher (a client publishes), or a\n"
             "URL to pull (rtsp://, rtsps://, rtmp://, http(s)://...m3u8,\n"
             "udp+mpegts://, udp+rtp://, srt://, whep(s)://), redirect or\n"
             "rpiCamera.  $MTX_QUERY and $G1.. are substituted."),
    P("sourceFingerprint", source_fingerprint, CSTR, STRING, NULL, 0,
      .doc = "SHA-256 fingerprint of a self-signed source certificate."),
    P("sourceOnDemand", source_on_demand, bool, BOOL, "false", 0,
      .doc = "Pull the source only while readers are connected."),
    P("sourceOnDemandStartTimeout", source_on_demand_start_timeout, uint64_t,
      DURATION, "10s", 0, .doc = "How long readers wait for the source."),
    P("sourceOnDemandCloseAfter", source_on_demand_close_after, uint64_t,
      DURATION, "10s", 0,
      .doc = "Close the source this long after the\n"
             "last reader left."),
    P("maxReaders", max_readers, int64_t, INT, "0", I, .min = 0,
      .max = INT32_MAX, .doc = "Maximum number of readers; 0 = no limit."),
    P("srtReadPassphrase", srt_read_passphrase, CSTR, STRING, NULL, I,
      .doc = "SRT passphrase required to read (10 to 79 characters)."),
    P("useAbsoluteTimestamp", use_absolute_timestamp, bool, BOOL, "false", 0,
      .doc = "Use the absolute timestamps of the source."),

    SEC("GOP cache (Sluice)"),
    P("gopCache", gop_cache, bool, BOOL, "true", I,
      .doc = "Keep the frames since the last keyframe, so readers of\n"
             "protocols with their GOP cache on start instantly."),
    P("gopCacheMaxFrames", gop_cache_max_frames, int64_t, INT, "1024", I,
      .min = 1, .max = 1 << 20, .doc = "Frame cap of the GOP cache."),
    P("gopCacheMaxBytes", gop_cache_max_bytes, uint64_t, SIZE, "32M", I,
      .doc = "Byte cap of the GOP cache."),

    SEC("Always available"),
    P("alwaysAvailable", always_available, bool, BOOL, "false", 0,
      .doc = "Play an offline segment while the stream is not available."),
    P("alwaysAvailableTracks", always_available_tracks, struct sl_conf_tracks,
      OBJLIST, "[]", 0, .obj = &track_type,
      .doc = "Tracks of the offline segment: {codec (AV1, VP9, H265, H264,\n"
             "Opus, MPEG4Audio, G711, LPCM), sampleRate, channelCount,\n"
             "muLaw}."),
    P("alwaysAvailableFile", always_available_file, CSTR, STRING, NULL, 0,
      .doc = "MP4 file used as offline segment."),

    SEC("Record"),
    P("record", record, bool, BOOL, "false", 0,
      .doc = "Record streams to disk."),
    P("recordPath", record_path, CSTR, STRING,
      "./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", 0,
      .doc = "Path of segments; %path %Y %m %d %H %M %S %f %z %s are\n"
             "substituted and the extension is added."),
    P("recordFormat", record_format, enum sl_conf_record_format, ENUM, "fmp4",
      0, .names = record_formats, .doc = "fmp4 or mpegts."),
    P("recordPartDuration", record_part_duration, uint64_t, DURATION, "1s", 0,
      .doc = "Part (flush) period."),
    P("recordMaxPartSize", record_max_part_size, uint64_t, SIZE, "50M", 0,
      .doc = "Maximum size of a part."),
    P("recordSegmentDuration", record_segment_duration, uint64_t, DURATION,
      "1h", 0, .doc = "Minimum duration of a segment."),
    P("recordDeleteAfter", record_delete_after, uint64_t, DURATION, "1d", 0,
      .doc = "Delete segments after this long; 0s keeps them."),

    SEC("Publisher source (source: publisher)"),
    P("overridePublisher", override_publisher, bool, BOOL, "true", I,
      .doc = "A new publisher replaces the current one."),
    P("srtPublishPassphrase", srt_publish_passphrase, CSTR, STRING, NULL, I,
      .doc = "SRT passphrase required to publish."),
    P("rtspDemuxMpegts", rtsp_demux_mpegts, bool, BOOL, "false", 0,
      .doc = "Demux MPEG-TS sent over RTSP into its tracks."),

    SEC("RTSP source"),
    P("rtspTransport", rtsp_transport, enum sl_conf_rtsp_transport, ENUM,
      "automatic", 0, .names = rtsp_transport,
      .doc = "automatic, udp, multicast or tcp."),
    P("rtspAnyPort", rtsp_any_port, bool, BOOL, "false", 0,
      .doc = "Accept sources sending from any port."),
    P("rtspRangeType", rtsp_range_type, enum sl_conf_range_type, ENUM, NULL, 0,
      .names = range_types, .doc = "Range header: clock, npt or smpte."),
    P("rtspRangeStart", rtsp_range_start, CSTR, STRING, NULL, 0,
      .doc = "Start of the range."),
    P("rtspScale", rtsp_scale, double, FLOAT, "1", 0,
      .doc = "Scale header sent to the source."),
    P("rtspUDPSourcePortRange", rtsp_udp_source_port_range, INTS, INTLIST,
      "[32768, 60999]", 0, .min = 1, .max = 65535,
      .doc = "Local UDP port range used towards sources."),

    SEC("Other sources"),
    P("rtpSDP", rtp_sdp, CSTR, STRING, NULL, 0,
      .doc = "SDP of a udp+rtp:// source."),
    P("moqTransport", moq_transport, enum sl_conf_moq_transport, ENUM, "quic",
      0, .names = moq_transports, .doc = "quic or webtransport."),
    P("whepBearerToken", whep_bearer_token, CSTR, STRING, NULL, 0,
      .doc = "Bearer token of a WHEP source."),
    P("whepSTUNGatherTimeout", whep_stun_gather_timeout, uint64_t, DURATION,
      "5s", 0, .doc = "STUN gathering time of a WHEP source."),
    P("whepHandshakeTimeout", whep_handshake_timeout, uint64_t, DURATION, "10s",
      0, .doc = "Handshake time of a WHEP source."),
    P("whepTrackGatherTimeout", whep_track_gather_timeout, uint64_t, DURATION,
      "2s", 0, .doc = "Track gathering time of a WHEP source."),
    P("sourceRedirect", source_redirect, CSTR, STRING, NULL, 0,
      .doc = "Target of source: redirect (/path or rtsp:// URL)."),

    SEC("Raspberry Pi camera source (source: rpiCamera)"),
    P("rpiCameraCamID", rpi_camera_cam_id, int64_t, INT, "0", 0, .min = 0,
      .max = 255, .doc = "Camera ID."),
    P("rpiCameraSecondary", rpi_camera_secondary, bool, BOOL, "false", 0,
      .doc = "Secondary stream."),
    P("rpiCameraWidth", rpi_camera_width, int64_t, INT, "1920", 0, .min = 0,
      .max = 16384, .doc = "Width."),
    P("rpiCameraHeight", rpi_camera_height, int64_t, INT, "1080", 0, .min = 0,
      .max = 16384, .doc = "Height."),
    P("rpiCameraHFlip", rpi_camera_h_flip, bool, BOOL, "false", 0,
      .doc = "Flip horizontally."),
    P("rpiCameraVFlip", rpi_camera_v_flip, bool, BOOL, "false", 0,
      .doc = "Flip vertically."),
    P("rpiCameraBrightness", rpi_camera_brightness, double, FLOAT, "0", 0,
      .doc = "Brightness [-1, 1]."),
    P("rpiCameraContrast", rpi_camera_contrast, double, FLOAT, "1", 0,
      .doc = "Contrast [0, 16]."),
    P("rpiCameraSaturation", rpi_camera_saturation, double, FLOAT, "1", 0,
      .doc = "Saturation [0, 16]."),
    P("rpiCameraSharpness", rpi_camera_sharpness, double, FLOAT, "1", 0,
      .doc = "Sharpness [0, 16]."),
    P("rpiCameraExposure", rpi_camera_exposure, CSTR, STRING, "normal", 0,
      .doc = "normal, short, long or custom."),
    P("rpiCameraAWB", rpi_camera_awb, CSTR, STRING, "auto", 0,
      .doc = "Auto white balance mode."),
    P("rpiCameraAWBGains", rpi_camera_awb_gains, FLOATS, FLOATLIST, "[0, 0]", 0,
      .doc = "Fixed white balance gains [red, blue]."),
    P("rpiCameraDenoise", rpi_camera_denoise, CSTR, STRING, "off", 0,
      .doc = "off, cdn_off, cdn_fast or cdn_hq."),
    P("rpiCameraShutter", rpi_camera_shutter, int64_t, INT, "0", 0, .min = 0,
      .max = INT32_MAX, .doc = "Fixed shutter speed (us)."),
    P("rpiCameraMetering", rpi_camera_metering, CSTR, STRING, "centre", 0,
      .doc = "centre, spot, matrix or custom."),
    P("rpiCameraGain", rpi_camera_gain, double, FLOAT, "0", 0,
      .doc = "Fixed gain."),
    P("rpiCameraEV", rpi_camera_ev, double, FLOAT, "0", 0,
      .doc = "EV compensation [-10, 10]."),
    P("rpiCameraROI", rpi_camera_roi, CSTR, STRING, NULL, 0,
      .doc = "Region of interest x,y,width,height."),
    P("rpiCameraHDR", rpi_camera_hdr, bool, BOOL, "false", 0,
      .doc = "HDR (Camera 3)."),
    P("rpiCameraTuningFile", rpi_camera_tuning_file, CSTR, STRING, NULL, 0,
      .doc = "Tuning file."),
    P("rpiCameraMode", rpi_camera_mode, CSTR, STRING, NULL, 0,
      .doc = "Sensor mode width:height:bit-depth:packing."),
    P("rpiCameraFPS", rpi_camera_fps, double, FLOAT, "30", 0,
      .doc = "Frames per second."),
    P("rpiCameraAfMode", rpi_camera_af_mode, CSTR, STRING, "continuous", 0,
      .doc = "auto, manual or continuous."),
    P("rpiCameraAfRange", rpi_camera_af_range, CSTR, STRING, "normal", 0,
      .doc = "normal, macro or full."),
    P("rpiCameraAfSpeed", rpi_camera_af_speed, CSTR, STRING, "normal", 0,
      .doc = "normal or fast."),
    P("rpiCameraLensPosition", rpi_camera_lens_position, double, FLOAT, "0", 0,
      .doc = "Lens position (manual focus)."),
    P("rpiCameraAfWindow", rpi_camera_af_window, CSTR, STRING, NULL, 0,
      .doc = "Autofocus window x,y,width,height."),
    P("rpiCameraFlickerPeriod", rpi_camera_flicker_period, int64_t, INT, "0", 0,
      .min = 0, .max = INT32_MAX, .doc = "Flicker period (us)."),
    P("rpiCameraTextOverlayEnable", rpi_camera_text_overlay_enable, bool, BOOL,
      "false", 0, .doc = "Print text on frames."),
    P("rpiCameraTextOverlay", rpi_camera_text_overlay, CSTR, STRING,
      "%Y-%m-%d %H:%M:%S - MediaMTX", 0, .doc = "strftime() text."),
    P("rpiCameraCodec", rpi_camera_codec, CSTR, STRING, "auto", 0,
      .doc = "auto, hardwareH264, softwareH264 or mjpeg."),
    P("rpiCameraIDRPeriod", rpi_camera_idr_period, int64_t, INT, "60", 0,
      .min = 0, .max = INT32_MAX, .doc = "Frames between IDR frames."),
    P("rpiCameraBitrate", rpi_camera_bitrate, int64_t, INT, "5000000", 0,
      .min = 0, .max = INT32_MAX, .doc = "Bitrate."),
    P("rpiCameraHardwareH264Profile", rpi_camera_hardware_h264_profile, CSTR,
      STRING, "main", 0, .doc = "baseline, main or high."),
    P("rpiCameraHardwareH264Level", rpi_camera_hardware_h264_level, CSTR,
      STRING, "4.1", 0, .doc = "4.0, 4.1 or 4.2."),
    P("rpiCameraSoftwareH264Profile", rpi_camera_software_h264_profile, CSTR,
      STRING, "baseline", 0, .doc = "baseline, main or high."),
    P("rpiCameraSoftwareH264Level", rpi_camera_software_h264_level, CSTR,
      STRING, "4.1", 0, .doc = "4.0, 4.1 or 4.2."),
    P("rpiCameraMJPEGQuality", rpi_camera_mjpeg_quality, int64_t, INT, "60", 0,
      .min = 0, .max = 100, .doc = "JPEG quality."),
    P("rpiCameraSecondaryWidth", rpi_camera_secondary_width, int64_t, INT,
      "640", 0, .min = 0, .max = 16384, .doc = "Width of the secondary."),
    P("rpiCameraSecondaryHeight", rpi_camera_secondary_height, int64_t, INT,
      "480", 0, .min = 0, .max = 16384, .doc = "Height of the secondary."),
    P("rpiCameraSecondaryFPS", rpi_camera_secondary_fps, double, FLOAT, "10", 0,
      .doc = "Frame rate of the secondary."),
    P("rpiCameraSecondaryMJPEGQuality", rpi_camera_secondary_mjpeg_quality,
      int64_t, INT, "60", 0, .min = 0, .max = 100,
      .doc = "JPEG quality of the secondary."),

    SEC("Forward"),
    P("forward", forward, struct sl_conf_forwards, OBJLIST, "[]", 0,
      .obj = &forward_type,
      .doc = "Push the stream to {dest, destFingerprint, whipBearerToken};\n"
             "$MTX_PATH and $G1.. are substituted in dest."),

    SEC("Hooks"),
    P("runOnInit", run_on_init, CSTR, STRING, NULL, 0,
      .doc = "Command run when the path is created (env MTX_PATH,\n"
             "RTSP_PORT, G1..)."),
    P("runOnInitRestart", run_on_init_restart, bool, BOOL, "false", 0,
      .doc = "Restart the command if it exits."),
    P("runOnDemand", run_on_demand, CSTR, STRING, NULL, 0,
      .doc = "Command run when a reader arrives and nobody publishes\n"
             "(env MTX_PATH, MTX_QUERY, RTSP_PORT, G1..)."),
    P("runOnDemandRestart", run_on_demand_restart, bool, BOOL, "false", 0,
      .doc = "Restart the command if it exits."),
    P("runOnDemandStartTimeout", run_on_demand_start_timeout, uint64_t,
      DURATION, "10s", 0, .doc = "How long readers wait for the publisher."),
    P("runOnDemandCloseAfter", run_on_demand_close_after, uint64_t, DURATION,
      "10s", 0, .doc = "Stop the command this long after the last reader."),
    P("runOnUnDemand", run_on_un_demand, CSTR, STRING, NULL, 0,
      .doc = "Command run when there are no readers any more."),
    P("runOnAvailable", run_on_available, CSTR, STRING, NULL, 0,
      .doc = "Command run when the stream is available (env MTX_PATH,\n"
             "MTX_QUERY, MTX_SOURCE_TYPE, MTX_SOURCE_ID, RTSP_PORT, G1..)."),
    P("runOnAvailableRestart", run_on_available_restart, bool, BOOL, "false", 0,
      .doc = "Restart the command if it exits."),
    P("runOnUnavailable", run_on_unavailable, CSTR, STRING, NULL, 0,
      .doc = "Command run when the stream is not available any more."),
    P("runOnOnline", run_on_online, CSTR, STRING, NULL, 0,
      .doc = "Command run when a real source provides the stream."),
    P("runOnOnlineRestart", run_on_online_restart, bool, BOOL, "false", 0,
      .doc = "Restart the command if it exits."),
    P("runOnOffline", run_on_offline, CSTR, STRING, NULL, 0,
      .doc = "Command run when the real source goes away."),
    P("runOnRead", run_on_read, CSTR, STRING, NULL, 0,
      .doc = "Command run when a reader starts (env MTX_PATH, MTX_QUERY,\n"
             "MTX_READER_TYPE, MTX_READER_ID, RTSP_PORT, G1..)."),
    P("runOnReadRestart", run_on_read_restart, bool, BOOL, "false", 0,
      .doc = "Restart the command if it exits."),
    P("runOnUnread", run_on_unread, CSTR, STRING, NULL, 0,
      .doc = "Command run when a reader stops."),
    P("runOnRecordSegmentCreate", run_on_record_segment_create, CSTR, STRING,
      NULL, 0,
      .doc = "Command run when a segment is created\n"
             "(env MTX_SEGMENT_PATH)."),
    P("runOnRecordSegmentComplete", run_on_record_segment_complete, CSTR,
      STRING, NULL, 0,
      .doc = "Command run when a segment is complete\n"
             "(env MTX_SEGMENT_PATH, MTX_SEGMENT_DURATION)."),

    SEC("Deprecated keys, still accepted and translated with a warning"),
    P("fallback", fallback, CSTR, STRING, NULL, DEP,
      .doc = "alwaysAvailable (still honoured by RTSP)"),
    P("playback", playback, bool, BOOL, "false", DEP, .doc = "no effect"),
    P("publishUser", publish_user, CSTR, STRING, NULL, DEP,
      .doc = "authInternalUsers"),
    P("publishPass", publish_pass, CSTR, STRING, NULL, DEP,
      .doc = "authInternalUsers"),
    P("publishIPs", publish_ips, STRS, STRLIST, "[]", DEP,
      .doc = "authInternalUsers"),
    P("readUser", read_user, CSTR, STRING, NULL, DEP,
      .doc = "authInternalUsers"),
    P("readPass", read_pass, CSTR, STRING, NULL, DEP,
      .doc = "authInternalUsers"),
    P("readIPs", read_ips, STRS, STRLIST, "[]", DEP,
      .doc = "authInternalUsers"),
    ALIAS("disablePublisherOverride", "overridePublisher", SL_CF_INVERT,
          .doc = "overridePublisher (inverted)"),
    ALIAS("sourceProtocol", "rtspTransport", 0, .doc = "rtspTransport"),
    ALIAS("sourceAnyPortEnable", "rtspAnyPort", 0, .doc = "rtspAnyPort"),
    P("rtspUDPReadBufferSize", rtsp_udp_read_buffer_size, int64_t, INT, "0",
      DEP, .min = 0, .max = INT32_MAX, .doc = "udpReadBufferSize"),
    P("mpegtsUDPReadBufferSize", mpegts_udp_read_buffer_size, int64_t, INT, "0",
      DEP, .min = 0, .max = INT32_MAX, .doc = "udpReadBufferSize"),
    P("rtpUDPReadBufferSize", rtp_udp_read_buffer_size, int64_t, INT, "0", DEP,
      .min = 0, .max = INT32_MAX, .doc = "udpReadBufferSize"),
    ALIAS("rpiCameraProfile", "rpiCameraHardwareH264Profile", 0,
          .doc = "rpiCameraHardwareH264Profile"),
    ALIAS("rpiCameraLevel", "rpiCameraHardwareH264Level", 0,
          .doc = "rpiCameraHardwareH264Level"),
    ALIAS("rpiCameraJPEGQuality", "rpiCameraMJPEGQuality", 0,
          .doc = "rpiCameraMJPEGQuality"),
    ALIAS("runOnReady", "runOnAvailable", 0, .doc = "runOnAvailable"),
    ALIAS("runOnReadyRestart", "runOnAvailableRestart", 0,
          .doc = "runOnAvailableRestart"),
    ALIAS("runOnNotReady", "runOnUnavailable", 0, .doc = "runOnUnavailable"),
};

_Static_assert(sizeof(path_fields) / sizeof(path_fields[0])
                   <= SL_CONF_MAX_FIELDS,
               "too many path keys for struct sl_conf_set");

const struct sl_conf_table sl_conf_path_table = {
    path_fields, sizeof(path_fields) / sizeof(path_fields[0])};


const struct sl_conf_field *
sl_conf_table_find(const struct sl_conf_table *t, const char *key, size_t len)
{
    size_t i;

    for (i = 0; i < t->n; i++) {
        const struct sl_conf_field *f = &t->fields[i];

        if (f->key != NULL && strlen(f->key) == len
            && memcmp(f->key, key, len) == 0) {
            return f;
        }
    }
    return NULL;
}


size_t
sl_conf_table_index(const struct sl_conf_table *t,
                    const struct sl_conf_field *f)
{
    return (size_t)(f - t->fields);
}


/*
 * A credential is "any" (user only), a sha256:/argon2: hash, or plain text
 * from a restricted character set (so it survives URLs and headers).
 */
static int
check_credential(const char *what, const char *v, char *err, size_t errlen)
{
    struct sl_str s = sl_str_from(v);
    uint8_t       raw[64];
    int           n;

    if (sl_str_has_prefix(s, "sha256:")) {
        if (s.len - 7 > 4 * ((sizeof(raw) + 2) / 3)) {
            n = -1;
        } else {
            n = sl_base64_decode(v + 7, s.len - 7, raw);
        }
        if (n != SL_SHA256_LEN) {
            sl_snprintf(err, errlen,
                        "invalid %s: sha256 hash must be the base64 of 32 "
                        "bytes",
                        what);
            return SL_EINVAL;
        }
        return 0;
    }
    if (sl_str_has_prefix(s, "argon2:")) {
        if (!sl_str_has_prefix(sl_str_from(v + 7), "$argon2id$")
            && !sl_str_has_prefix(sl_str_from(v + 7), "$argon2i$"))
        {
            sl_snprintf(err, errlen,
                        "invalid %s: argon2 hash must start with $argon2id$ "
                        "or $argon2i$",
                        what);
            return SL_EINVAL;
        }
        return 0;
    }
    if (strspn(v, cred_chars) != s.len) {
        sl_snprintf(err, errlen,
                    "%s contains unsupported characters (supported are "
                    "A-Z, 0-9, !$()*+.;<=>[]^_-{}@#&)",
                    what);
        return SL_EINVAL;
    }
    return 0;
}


static int
user_finish(void *elem, char *err, size_t errlen)
{
    struct sl_conf_user *u = elem;
    size_t               i;
    int                  rc;

    if (u->user[0] == '\0') {
        sl_snprintf(err, errlen, "empty usernames are not supported");
        return SL_EINVAL;
    }
    if (strcmp(u->user, "any") == 0) {
        if (u->pass[0] != '\0') {
            sl_snprintf(err, errlen,
                        "using a password with 'any' user is not "
                        "supported");
            return SL_EINVAL;
        }
    } else {
        rc = check_credential("user", u->user, err, errlen);
        if (rc < 0) {
            return rc;
        }
        if (u->pass[0] != '\0') {
            rc = check_credential("pass", u->pass, err, errlen);
            if (rc < 0) {
                return rc;
            }
        }
    }
    u->nets = sl_calloc(u->ips.n == 0 ? 1 : u->ips.n, sizeof(*u->nets));
    u->nnets = 0;
    for (i = 0; i < u->ips.n; i++) {
        if (sl_conf_ipnet_parse(u->ips.v[i], &u->nets[u->nnets]) < 0) {
            sl_snprintf(err, errlen, "unable to parse IP/CIDR '%s'",
                        u->ips.v[i]);
            return SL_EINVAL;
        }
        u->nnets++;
    }
    return 0;
}


static void
user_free_extra(void *elem)
{
    struct sl_conf_user *u = elem;

    sl_freep(&u->nets);
    u->nnets = 0;
}


static int
perm_finish(void *elem, char *err, size_t errlen)
{
    struct sl_conf_perm *p = elem;

    if (p->path[0] == '~') {
        p->regex = sl_conf_regex_compile(p->path + 1, err, errlen);
        if (p->regex == NULL) {
            return SL_EINVAL;
        }
    }
    return 0;
}


static void
perm_free_extra(void *elem)
{
    struct sl_conf_perm *p = elem;

    sl_conf_regex_free(&p->regex);
}


static int
ice_finish(void *elem, char *err, size_t errlen)
{
    struct sl_conf_ice_server *s = elem;
    struct sl_str              u = sl_str_from(s->url);

    if (!sl_str_has_prefix(u, "stun:") && !sl_str_has_prefix(u, "turn:")
        && !sl_str_has_prefix(u, "turns:"))
    {
        sl_snprintf(err, errlen,
                    "invalid ICE server URL '%s': must start with stun:, "
                    "turn: or turns:",
                    s->url);
        return SL_EINVAL;
    }
    return 0;
}
