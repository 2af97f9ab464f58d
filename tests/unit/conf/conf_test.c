/* Tests of src/conf/conf.c and load.c: loading, errors, env, merge, lookup. */
#include "conf/conf.h"
#include "base/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>


#define SEC 1000000000ull


struct err_case {
    const char *yaml;
    const char *want; /* substring of the error message */
};

struct lookup_case {
    const char *name;
    const char *want; /* matched path key, NULL = none */
    size_t      ngroups;
    const char *g1;
    const char *g2;
};


static struct sl_conf *load_ok(const char *yaml);
static struct sl_conf *load_env_ok(const char *yaml, char *const *envp);


static const struct err_case err_cases[] = {
    {"rtspAdress: :1\n", "line 1: unknown key 'rtspAdress'"},
    {"logLevel: info\nreadTimeout: abc\n",
     "line 2: invalid value for 'readTimeout': 'abc' (expected a duration "
     "like 10s)"},
    {"writeQueueSize: 1000\n",
     "line 1: invalid value for 'writeQueueSize': '1000' (expected a power "
     "of two"},
    {"udpMaxPayloadSize: 1500\n",
     "line 1: invalid value for 'udpMaxPayloadSize': '1500'"},
    {"rtsp: 'yes'\n", "line 1: invalid value for 'rtsp': 'yes' (expected "
                      "true or false)"},
    {"rtspEncryption: 'yes'\n", "invalid value for 'rtspEncryption'"},
    {"rtspTransports: [udp, foo]\n",
     "line 1: invalid value for 'rtspTransports': 'foo' (expected one of: "
     "'udp', 'multicast', 'tcp')"},
    {"rtspTransports: tcp\n", "line 1: 'rtspTransports' must be a list"},
    {"hlsSegmentMaxSize: 5Q\n", "(expected a size like 50M)"},
    {"logLevel: verbose\n", "invalid value for 'logLevel': 'verbose'"},
    {"readTimeout: [1s]\n", "line 1: 'readTimeout' must be a single value"},
    {"workers: -1\n", "invalid value for 'workers'"},
    {"workerSequence: [1, -1]\n", "invalid value for 'workerSequence': '-1'"},
    {"workerPlacement: random\n", "invalid value for 'workerPlacement'"},
    {"paths:\n  /bad:\n", "line 2: invalid path name '/bad'"},
    {"paths:\n  a/../b:\n", "line 2: invalid path name 'a/../b'"},
    {"paths:\n  a b:\n", "line 2: invalid path name 'a b'"},
    {"paths:\n  '~(':\n", "line 2: invalid regular expression '('"},
    {"paths:\n  all:\n  all_others:\n", "are the same path"},
    {"paths:\n  cam:\n  cam:\n", "line 3: duplicate path 'cam'"},
    {"paths:\n  cam:\n    maxReaders: -1\n",
     "line 3: invalid value for 'maxReaders'"},
    {"paths:\n  cam:\n    sourc: x\n", "line 3: unknown key 'sourc'"},
    {"paths:\n  cam:\n    source: foo://x\n",
     "line 2: path 'cam': invalid source: 'foo://x'"},
    {"paths:\n  cam:\n    source: rtsp://user@host/x\n",
     "username and password"},
    {"paths:\n  '~^cam$':\n    source: rtsp://h/x\n", "sourceOnDemand"},
    {"paths:\n  '~^c$':\n    runOnInit: x\n", "'runOnInit'"},
    {"paths:\n  cam:\n    record: yes\n    recordPath: ./x\n",
     "'recordPath' must contain"},
    {"paths:\n  cam:\n    srtReadPassphrase: short\n", "SRT passphrases"},
    {"paths:\n  cam:\n    alwaysAvailable: yes\n    sourceOnDemand: yes\n",
     "'alwaysAvailable' cannot be used"},
    {"paths: [a]\n", "line 1: 'paths' must be a mapping"},
    {"pathDefaults: 3\n", "line 1: 'pathDefaults' must be a mapping"},
    {"authInternalUsers:\n- user: ''\n",
     "line 2: empty usernames are not supported"},
    {"authInternalUsers:\n- user: any\n  pass: x\n",
     "line 2: using a password with 'any' user"},
    {"authInternalUsers:\n- user: a\n  pass: p\n  ips: [999.1.1.1]\n",
     "line 2: unable to parse IP/CIDR '999.1.1.1'"},
    {"authInternalUsers:\n- user: 'bad user'\n",
     "user contains unsupported characters"},
    {"authInternalUsers:\n- pass: x\n", "line 2: user: missing key 'user'"},
    {"authInternalUsers:\n- user: a\n  permissions:\n  - action: fly\n",
     "line 4: invalid value for 'action': 'fly'"},
    {"authInternalUsers:\n- user: a\n  permissions:\n  - path: x\n",
     "missing key 'action'"},
    {"authInternalUsers:\n- user: a\n  permissions:\n  - action: read\n"
     "    path: '~('\n",
     "invalid regular expression"},
    {"authInternalUsers:\n- user: a\n  pass: sha256:abc\n",
     "sha256 hash must be"},
    {"authInternalUsers: [1]\n", "each user must be a mapping"},
    {"authMethod: http\n", "'authHTTPAddress' must be a HTTP URL"},
    {"authMethod: jwt\nauthJWTJWKS: ftp://x\n", "'authJWTJWKS' must be"},
    {"hlsSegmentCount: 5\n", "'hlsSegmentCount' must be at least 7"},
    {"webrtcICEServers2:\n- url: http://x\n", "invalid ICE server URL"},
    {"webrtcLocalUDPAddress: ''\n", "at least one of"},
    {"rtspAuthMethods: [digest]\nauthInternalUsers:\n- user: a\n"
     "  pass: sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
     "digest cannot be used with hashed"},
    {"rtsp: yes\nrtsp: no\n", "line 2: duplicate key 'rtsp'"},
    {"--- {}\n--- {}\n", "only one YAML document"},
    {"[1, 2]\n", "line 1: the configuration must be a mapping"},
    {"key: [unclosed\n", "line 2:"},
    {"a: &x [*x]\n", "unknown key 'a'"},
    {"authInternalUsers: &x [*x]\n", "each user must be a mapping"},
};

static const char lookup_yaml[] = "paths:\n"
                                  "  cam:\n"
                                  "  '~^cam(\\d+)$':\n"
                                  "  '~^(.+)/(.+)$':\n"
                                  "  '~^a':\n"
                                  "  all_others:\n";

static const struct lookup_case lookup_cases[] = {
    {"cam", "cam", 0, NULL, NULL},
    {"cam12", "~^cam(\\d+)$", 1, "12", NULL},
    {"x/y", "~^(.+)/(.+)$", 2, "x", "y"},
    {"abc", "~^a", 0, NULL, NULL},
    {"a/b", "~^(.+)/(.+)$", 2, "a", "b"}, /* sorted: '(' < 'a' */
    {"zzz", "all_others", 0, NULL, NULL},
    {"/bad", NULL, 0, NULL, NULL},
    {"a/../b", NULL, 0, NULL, NULL},
    {"", NULL, 0, NULL, NULL},
};


static struct sl_conf *
load_ok(const char *yaml)
{
    return load_env_ok(yaml, NULL);
}


static struct sl_conf *
load_env_ok(const char *yaml, char *const *envp)
{
    struct sl_conf *c = NULL;
    char            err[512] = "";
    int             rc;

    rc = sl_conf_load_env(yaml, yaml != NULL ? strlen(yaml) : 0, envp, &c, err,
                          sizeof(err));
    if (rc != 0) {
        fail_msg("load failed: %s\n--- yaml:\n%s", err, yaml);
    }
    assert_non_null(c);
    return c;
}


static void
test_defaults_match_mediamtx(void **state)
{
    struct sl_conf            *c = load_ok("");
    const struct sl_conf_user *u;

    (void)state;
    assert_int_equal(c->log_level, SL_LOG_INFO);
    assert_int_equal(c->log_destinations, SL_CONF_LOG_STDOUT);
    assert_string_equal(c->log_file, "mediamtx.log");
    assert_int_equal(c->read_timeout, 10 * SEC);
    assert_int_equal(c->write_timeout, 10 * SEC);
    assert_int_equal(c->write_queue_size, 512);
    assert_int_equal(c->udp_max_payload_size, 1452);
    assert_true(c->rtsp);
    assert_int_equal(c->rtsp_transports, SL_CONF_TRANSPORT_UDP
                                             | SL_CONF_TRANSPORT_MULTICAST
                                             | SL_CONF_TRANSPORT_TCP);
    assert_int_equal(c->rtsp_encryption, SL_ENC_NO);
    assert_string_equal(c->rtsp_address, ":8554");
    assert_string_equal(c->rtp_address, ":8000");
    assert_string_equal(c->rtcp_address, ":8001");
    assert_int_equal(c->rtsp_auth_methods, SL_CONF_RTSP_AUTH_BASIC);
    assert_string_equal(c->rtmp_address, ":1935");
    assert_string_equal(c->hls_address, ":8888");
    assert_int_equal(c->hls_variant, SL_CONF_HLS_LOW_LATENCY);
    assert_int_equal(c->hls_segment_max_size, 50u << 20);
    assert_int_equal(c->hls_part_duration, 200000000u);
    assert_string_equal(c->hls_cdn_secret, "");
    assert_string_equal(c->run_on_connect, "");
    assert_int_equal(c->api_allow_origins.n, 1);
    assert_string_equal(c->api_allow_origins.v[0], "*");
    assert_int_equal(c->workers, 0);
    assert_int_equal(c->worker_placement, SL_CONF_PLACE_ROUND_ROBIN);
    assert_int_equal(c->worker_sequence.n, 0);
    assert_int_equal(c->write_queue_max_bytes, 16u << 20);
    assert_int_equal(c->write_socket_buffer, 512u << 10);
    assert_false(c->rtsp_gop_cache);
    assert_true(c->rtmp_gop_cache);
    assert_true(c->srt_gop_cache);
    assert_true(c->hls_gop_cache);
    assert_false(c->webrtc_gop_cache);
    assert_int_equal(c->npaths, 0);
    assert_string_equal(c->path_defaults.source, "publisher");
    assert_true(c->path_defaults.override_publisher);
    assert_true(c->path_defaults.gop_cache);
    assert_int_equal(c->path_defaults.gop_cache_max_frames, 1024);
    assert_int_equal(c->path_defaults.gop_cache_max_bytes, 32u << 20);
    assert_int_equal(c->path_defaults.record_delete_after, 86400 * SEC);
    assert_int_equal(c->path_defaults.rtsp_udp_source_port_range.n, 2);
    assert_string_equal(c->path_defaults.rpi_camera_text_overlay,
                        "%Y-%m-%d %H:%M:%S - MediaMTX");
    assert_int_equal(c->auth_method, SL_CONF_AUTH_INTERNAL);
    assert_int_equal(c->auth_internal_users.n, 2);
    u = &c->auth_internal_users.v[0];
    assert_string_equal(u->user, "any");
    assert_int_equal(u->nnets, 0);
    assert_int_equal(u->permissions.n, 3);
    assert_int_equal(u->permissions.v[2].action, SL_CONF_ACTION_PLAYBACK);
    u = &c->auth_internal_users.v[1];
    assert_int_equal(u->ips.n, 2);
    assert_int_equal(u->nnets, 2);
    assert_int_equal(u->permissions.n, 3);
    assert_int_equal(u->permissions.v[0].action, SL_CONF_ACTION_API);
    assert_string_equal(u->permissions.v[0].path, "");
    assert_string_equal(c->loaded_from, "");
    assert_int_equal(sl_conf_warn_unimplemented(c, NULL), 0);
    sl_conf_free(&c);
    assert_null(c);
}


static void
test_values_of_every_type_are_stored(void **state)
{
    struct sl_conf *c = load_ok("logLevel: debug\n"
                                "logDestinations: [stdout, file]\n"
                                "readTimeout: 1d12h\n"
                                "writeTimeout: 200ms\n"
                                "writeQueueSize: 1024\n"
                                "rtsp: No\n"
                                "rtmp: ON\n"
                                "rtspEncryption: yes\n"
                                "rtmpEncryption: \"no\"\n"
                                "rtspTransports: [tcp]\n"
                                "rtspAuthMethods: [basic, digest]\n"
                                "rtspAddress: :9554\n"
                                "hlsCDNSecret: \"yes\"\n"
                                "hlsVariant: mpegts\n"
                                "hlsSegmentCount: 3\n"
                                "writeQueueMaxBytes: 1G\n"
                                "workers: 4\n"
                                "workerPlacement: leastLoaded\n"
                                "workerSequence: [0, 1, 1]\n"
                                "webrtcGOPCache: true\n"
                                "runOnConnect:\n"
                                "apiAllowOrigins:\n"
                                "pathDefaults:\n"
                                "  rtspScale: -1.5\n"
                                "  rpiCameraAWBGains: [0.5, 2]\n"
                                "  alwaysAvailableTracks:\n"
                                "  - codec: Opus\n"
                                "    sampleRate: 48000\n"
                                "    channelCount: 2\n"
                                "  forward:\n"
                                "  - dest: srt://h:1\n");

    (void)state;
    assert_int_equal(c->log_level, SL_LOG_DEBUG);
    assert_int_equal(c->log_destinations,
                     SL_CONF_LOG_STDOUT | SL_CONF_LOG_FILE);
    assert_int_equal(c->read_timeout, 36 * 3600 * SEC);
    assert_int_equal(c->write_timeout, 200000000u);
    assert_int_equal(c->write_queue_size, 1024);
    assert_false(c->rtsp);
    assert_true(c->rtmp);
    assert_int_equal(c->rtsp_encryption, SL_ENC_STRICT);
    assert_int_equal(c->rtmp_encryption, SL_ENC_NO);
    assert_int_equal(c->rtsp_transports, SL_CONF_TRANSPORT_TCP);
    assert_int_equal(c->rtsp_auth_methods,
                     SL_CONF_RTSP_AUTH_BASIC | SL_CONF_RTSP_AUTH_DIGEST);
    assert_string_equal(c->rtsp_address, ":9554");
    assert_string_equal(c->hls_cdn_secret, "yes");
    assert_int_equal(c->hls_variant, SL_CONF_HLS_MPEGTS);
    assert_int_equal(c->write_queue_max_bytes, 1u << 30);
    assert_int_equal(c->workers, 4);
    assert_int_equal(c->worker_placement, SL_CONF_PLACE_LEAST_LOADED);
    assert_int_equal(c->worker_sequence.n, 3);
    assert_int_equal(c->worker_sequence.v[2], 1);
    assert_true(c->webrtc_gop_cache);
    assert_string_equal(c->run_on_connect, "");
    assert_int_equal(c->api_allow_origins.n, 0);
    assert_true(c->path_defaults.rtsp_scale == -1.5);
    assert_int_equal(c->path_defaults.rpi_camera_awb_gains.n, 2);
    assert_true(c->path_defaults.rpi_camera_awb_gains.v[0] == 0.5);
    assert_int_equal(c->path_defaults.always_available_tracks.n, 1);
    assert_int_equal(c->path_defaults.always_available_tracks.v[0].codec,
                     SL_CONF_CODEC_OPUS);
    assert_int_equal(c->path_defaults.always_available_tracks.v[0].sample_rate,
                     48000);
    assert_int_equal(c->path_defaults.forward.n, 1);
    assert_string_equal(c->path_defaults.forward.v[0].dest, "srt://h:1");
    assert_string_equal(c->path_defaults.forward.v[0].dest_fingerprint, "");
    sl_conf_free(&c);
}


static void
test_errors_name_key_and_line(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
        struct sl_conf *c = NULL;
        char            err[512] = "";
        int             rc;

        rc = sl_conf_load_string(err_cases[i].yaml, strlen(err_cases[i].yaml),
                                 &c, err, sizeof(err));
        if (rc != SL_EINVAL || c != NULL) {
            fail_msg("case %zu accepted:\n%s", i, err_cases[i].yaml);
        }
        if (strstr(err, err_cases[i].want) == NULL) {
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, err,
                     err_cases[i].want);
        }
    }
}


static void
test_env_overrides_file_and_creates_paths(void **state)
{
    char *const envp[] = {
        "MTX_RTSPADDRESS=:9554",
        "RTSP_READTIMEOUT=5s",
        "MTX_READTIMEOUT=7s",
        "RTSP_WRITETIMEOUT=3s",
        "MTX_RTSPTRANSPORTS=tcp,udp",
        "MTX_RTMP=no",
        "MTX_PATHS_TEST_SOURCE=rtsp://h:554/x",
        "MTX_PATHS_TEST_SOURCEONDEMAND=yes",
        "MTX_PATHS_ALL_OTHERS_MAXREADERS=4",
        "MTX_PATHDEFAULTS_GOPCACHE=no",
        "MTX_AUTHINTERNALUSERS_0_USER=admin",
        "MTX_AUTHINTERNALUSERS_0_PASS=secret",
        "MTX_AUTHINTERNALUSERS_2_USER=viewer",
        "MTX_AUTHINTERNALUSERS_2_PERMISSIONS_0_ACTION=read",
        "MTX_AUTHINTERNALUSERS_2_IPS=10.0.0.0/8,::1",
        "MTX_UNKNOWNKEY=1",
        "MTX_CONFKEY_NOT_A_KEY=1",
        "HOME=/root",
        NULL,
    };
    struct sl_conf            *c;
    const struct sl_path_conf *p;

    (void)state;
    c = load_env_ok("rtspAddress: :1111\nreadTimeout: 1s\n"
                    "paths:\n  all_others:\n",
                    envp);
    assert_string_equal(c->rtsp_address, ":9554");
    assert_int_equal(c->read_timeout, 7 * SEC);
    assert_int_equal(c->write_timeout, 3 * SEC);
    assert_int_equal(c->rtsp_transports,
                     SL_CONF_TRANSPORT_TCP | SL_CONF_TRANSPORT_UDP);
    assert_false(c->rtmp);
    assert_int_equal(c->npaths, 2);
    p = sl_conf_find_path(c, "test", NULL);
    assert_non_null(p);
    assert_string_equal(p->name, "test");
    assert_string_equal(p->source, "rtsp://h:554/x");
    assert_true(p->source_on_demand);
    assert_false(p->gop_cache); /* from pathDefaults */
    p = sl_conf_find_path(c, "other", NULL);
    assert_string_equal(p->name, "all_others");
    assert_int_equal(p->max_readers, 4);
    assert_int_equal(c->auth_internal_users.n, 3);
    assert_string_equal(c->auth_internal_users.v[0].user, "admin");
    assert_string_equal(c->auth_internal_users.v[0].pass, "secret");
    assert_string_equal(c->auth_internal_users.v[2].user, "viewer");
    assert_int_equal(c->auth_internal_users.v[2].permissions.n, 1);
    assert_int_equal(c->auth_internal_users.v[2].permissions.v[0].action,
                     SL_CONF_ACTION_READ);
    assert_int_equal(c->auth_internal_users.v[2].nnets, 2);
    sl_conf_free(&c);
}


static void
test_env_errors_name_the_variable(void **state)
{
    char *const     bad[] = {"MTX_READTIMEOUT=abc", NULL};
    char *const     skip[] = {"MTX_AUTHINTERNALUSERS_5_USER=x", NULL};
    struct sl_conf *c = NULL;
    char            err[512];

    (void)state;
    assert_int_equal(sl_conf_load_env(NULL, 0, bad, &c, err, sizeof(err)),
                     SL_EINVAL);
    assert_null(c);
    assert_non_null(strstr(err, "environment variable MTX_READTIMEOUT: "
                                "invalid value for 'readTimeout': 'abc'"));
    assert_int_equal(sl_conf_load_env(NULL, 0, skip, &c, err, sizeof(err)),
                     SL_EINVAL);
    assert_non_null(strstr(err, "skips items"));
}


static void
test_lookup_order_and_captures(void **state)
{
    struct sl_conf *c = load_ok(lookup_yaml);
    size_t          i;

    (void)state;
    for (i = 0; i < sizeof(lookup_cases) / sizeof(lookup_cases[0]); i++) {
        const struct lookup_case  *lc = &lookup_cases[i];
        struct sl_path_match       m;
        const struct sl_path_conf *p = sl_conf_find_path(c, lc->name, &m);

        if (lc->want == NULL) {
            if (p != NULL) {
                fail_msg("'%s' matched '%s'", lc->name, p->name);
            }
            continue;
        }
        if (p == NULL || strcmp(p->name, lc->want) != 0) {
            fail_msg("'%s' matched '%s', want '%s'", lc->name,
                     p != NULL ? p->name : "(none)", lc->want);
        }
        assert_int_equal(m.ngroups, lc->ngroups);
        if (lc->g1 != NULL) {
            assert_true(sl_str_eq_cstr(m.groups[0], lc->g1));
        }
        if (lc->g2 != NULL) {
            assert_true(sl_str_eq_cstr(m.groups[1], lc->g2));
        }
    }
    sl_conf_free(&c);

    /* Without a catch-all, unknown names are not configured. */
    c = load_ok("paths:\n  cam:\n");
    assert_null(sl_conf_find_path(c, "zzz", NULL));
    sl_conf_free(&c);
    c = load_ok("paths:\n  '~^.*$':\n  all_x:\n");
    assert_string_equal(sl_conf_find_path(c, "zzz", NULL)->name, "~^.*$");
    assert_string_equal(sl_conf_find_path(c, "all_x", NULL)->name, "all_x");
    sl_conf_free(&c);
}


static void
test_paths_merge_over_path_defaults(void **state)
{
    struct sl_conf            *c = load_ok("pathDefaults:\n"
                                                      "  maxReaders: 5\n"
                                                      "  gopCache: false\n"
                                                      "  forward:\n"
                                                      "  - dest: rtsp://x/$MTX_PATH\n"
                                                      "paths:\n"
                                                      "  a:\n"
                                                      "    maxReaders: 2\n"
                                                      "    source: redirect\n"
                                                      "    sourceRedirect: /b\n"
                                                      "    forward: []\n"
                                                      "  b:\n"
                                                      "  c:\n"
                                                      "    gopCache:\n");
    const struct sl_path_conf *a, *b, *cc;

    (void)state;
    a = sl_conf_find_path(c, "a", NULL);
    b = sl_conf_find_path(c, "b", NULL);
    cc = sl_conf_find_path(c, "c", NULL);
    assert_int_equal(a->max_readers, 2);
    assert_false(a->gop_cache);
    assert_string_equal(a->source, "redirect");
    assert_int_equal(a->forward.n, 0);
    assert_int_equal(a->gop_cache_max_frames, 1024);
    assert_int_equal(b->max_readers, 5);
    assert_string_equal(b->source, "publisher");
    assert_int_equal(b->forward.n, 1);
    assert_string_equal(b->forward.v[0].dest, "rtsp://x/$MTX_PATH");
    /* A null value keeps the pathDefaults one. */
    assert_false(cc->gop_cache);
    assert_int_equal(c->path_defaults.max_readers, 5);
    sl_conf_free(&c);
}


static void
test_deprecated_keys_are_translated(void **state)
{
    struct sl_conf *c =
        load_ok("protocols: [tcp]\n"
                "encryption: 'no'\n"
                "readBufferCount: 1024\n"
                "rtspDisable: yes\n"
                "hlsAllowOrigin: 'http://x'\n"
                "externalAuthenticationURL: http://auth/\n"
                "record: yes\n"
                "recordPath: ./r/%path/%s\n"
                "webrtcICEServers: [turn:u:p:host:3478, stun:s:19302]\n"
                "paths:\n"
                "  cam:\n"
                "    disablePublisherOverride: yes\n"
                "    sourceProtocol: tcp\n"
                "    runOnReady: echo\n"
                "    publishUser: pu\n"
                "    publishPass: pp\n"
                "    readIPs: [10.0.0.0/8]\n");
    const struct sl_path_conf *p;
    const struct sl_conf_user *u;
    size_t                     i;
    bool                       found = false;

    (void)state;
    assert_int_equal(c->rtsp_transports, SL_CONF_TRANSPORT_TCP);
    assert_int_equal(c->write_queue_size, 1024);
    assert_false(c->rtsp);
    assert_int_equal(c->hls_allow_origins.n, 1);
    assert_string_equal(c->hls_allow_origins.v[0], "http://x");
    assert_int_equal(c->auth_method, SL_CONF_AUTH_HTTP);
    assert_string_equal(c->auth_http_address, "http://auth/");
    assert_true(c->path_defaults.record);
    assert_string_equal(c->path_defaults.record_path, "./r/%path/%s");
    assert_int_equal(c->webrtc_ice_servers2.n, 2);
    assert_string_equal(c->webrtc_ice_servers2.v[0].url, "turn:host:3478");
    assert_string_equal(c->webrtc_ice_servers2.v[0].username, "u");
    assert_string_equal(c->webrtc_ice_servers2.v[0].password, "p");
    assert_string_equal(c->webrtc_ice_servers2.v[1].url, "stun:s:19302");
    p = sl_conf_find_path(c, "cam", NULL);
    assert_false(p->override_publisher);
    assert_int_equal(p->rtsp_transport, SL_CONF_RTSP_TCP);
    assert_string_equal(p->run_on_available, "echo");
    assert_true(p->record);
    /* Admin user, then a publish user and a read user for cam. */
    assert_int_equal(c->auth_internal_users.n, 3);
    u = &c->auth_internal_users.v[1];
    assert_string_equal(u->user, "pu");
    assert_string_equal(u->pass, "pp");
    assert_int_equal(u->permissions.v[0].action, SL_CONF_ACTION_PUBLISH);
    assert_string_equal(u->permissions.v[0].path, "cam");
    u = &c->auth_internal_users.v[2];
    assert_string_equal(u->user, "any");
    assert_int_equal(u->nnets, 1);
    assert_int_equal(u->permissions.n, 2);
    for (i = 0; i < c->warnings.n; i++) {
        if (strcmp(c->warnings.v[i],
                   "'protocols' is deprecated; use 'rtspTransports'")
            == 0)
        {
            found = true;
        }
    }
    assert_true(found);
    sl_conf_free(&c);
}


static void
test_unimplemented_keys_warn_once(void **state)
{
    struct sl_conf *c = load_ok("api: yes\n"
                                "rtspTransports: [multicast]\n"
                                "logLevel: debug\n"
                                "rtspEncryption: \"no\"\n"
                                "pathDefaults:\n"
                                "  record: yes\n"
                                "paths:\n"
                                "  cam:\n"
                                "    record: yes\n"
                                "    maxReaders: 3\n"
                                "  cam2:\n"
                                "    record: yes\n");

    (void)state;
    /* api, rtspTransports (multicast), record (once for all paths).
     * Disabling a server that is not built yet (hls: no) is not one. */
    assert_int_equal(sl_conf_warn_unimplemented(c, NULL), 3);
    sl_conf_free(&c);
    /* Defaults never warn (multicast is in the default rtspTransports);
     * rtspEncryption is implemented; hlsEncryption is not yet. */
    c = load_ok("rtspTransports: [udp, multicast, tcp]\n"
                "rtspEncryption: optional\n"
                "hlsEncryption: yes\n"
                "pathDefaults:\n  maxReaders: 1\n");
    assert_int_equal(sl_conf_warn_unimplemented(c, NULL), 1);
    sl_conf_free(&c);
}


static void
test_null_values_keep_defaults_and_clear_lists(void **state)
{
    struct sl_conf *c = load_ok("runOnConnect:\nreadTimeout: ~\n"
                                "authInternalUsers:\nlogDestinations:\n"
                                "paths:\n");

    (void)state;
    assert_int_equal(c->read_timeout, 10 * SEC);
    assert_int_equal(c->auth_internal_users.n, 0);
    assert_int_equal(c->log_destinations, 0);
    assert_int_equal(c->npaths, 0);
    sl_conf_free(&c);
}


static void
test_load_file_and_missing_file(void **state)
{
    char            path[] = "/tmp/sl_conf_test_XXXXXX";
    struct sl_conf *c = NULL;
    char            err[512];
    FILE           *f;
    int             fd;

    (void)state;
    assert_int_equal(
        sl_conf_load("/nonexistent/sluice.yml", &c, err, sizeof(err)), -2);
    assert_null(c);
    assert_non_null(strstr(err, "/nonexistent/sluice.yml"));
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs("rtspAddress: :7554\npaths:\n  all_others:\n", f);
    fclose(f);
    assert_int_equal(sl_conf_load(path, &c, err, sizeof(err)), 0);
    assert_string_equal(c->loaded_from, path);
    assert_string_equal(c->rtsp_address, ":7554");
    assert_int_equal(c->npaths, 1);
    sl_conf_free(&c);
    unlink(path);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_match_mediamtx),
        cmocka_unit_test(test_values_of_every_type_are_stored),
        cmocka_unit_test(test_errors_name_key_and_line),
        cmocka_unit_test(test_env_overrides_file_and_creates_paths),
        cmocka_unit_test(test_env_errors_name_the_variable),
        cmocka_unit_test(test_lookup_order_and_captures),
        cmocka_unit_test(test_paths_merge_over_path_defaults),
        cmocka_unit_test(test_deprecated_keys_are_translated),
        cmocka_unit_test(test_unimplemented_keys_warn_once),
        cmocka_unit_test(test_null_values_keep_defaults_and_clear_lists),
        cmocka_unit_test(test_load_file_and_missing_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
