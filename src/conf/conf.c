/*
 * Sluice: configuration loading, deprecated-key translation, pathDefaults
 * merge, validation, path lookup and the start-up warnings (conf.h).
 */
#include "conf/conf.h"
#include "conf/load.h"
#include "conf/match.h"
#include "conf/table.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#define MAX_FILE (16u * 1024 * 1024) /* config file size cap */


extern char **environ;


static int  read_file(const char *path, char **out, size_t *len);
static int  build(const char *yaml, size_t len, char *const *envp,
                  const char *from, struct sl_conf **out, char *err,
                  size_t errlen);
static void translate_global(struct sl_conf *c);
static void merge_paths(struct sl_conf *c);
static int  path_class(const struct sl_path_conf *p);
static int  path_cmp(const void *a, const void *b);
static void add_user(struct sl_conf *c, const char *user, const char *pass,
                     const struct sl_conf_strlist *ips,
                     const enum sl_conf_action *acts, size_t nacts,
                     const char *path);
static void translate_path_credentials(struct sl_conf *c);
static bool is_http_url(const char *s);
static bool is_hashed(const char *s);
static int  validate_global(const struct sl_conf *c, char *err, size_t errlen);
static int  validate_path(const struct sl_path_conf *p, char *err,
                          size_t errlen);
static int  validate_source(const struct sl_path_conf *p, char *err,
                            size_t errlen);
static int  validate_paths(const struct sl_conf *c, char *err, size_t errlen);
static void path_free(struct sl_path_conf *p);
static int  warn_section(const struct sl_conf_table *t, const void *value,
                         const void *defaults, const char *path,
                         const struct sl_log *log, bool *done);


static const char *const search_paths[] = {
    "sluice.yml",
    "rtsp-simple-server.yml",
    "mediamtx.yml",
    "/usr/local/etc/mediamtx.yml",
    "/usr/etc/mediamtx.yml",
    "/etc/mediamtx/mediamtx.yml",
    "/etc/sluice/sluice.yml",
};

/* Source prefixes accepted besides publisher, redirect and rpiCamera. */
static const char *const source_schemes[] = {
    "rtsp://",    "rtsps://",    "rtsp+http://",  "rtsps+http://",
    "rtsp+ws://", "rtsps+ws://", "rtmp://",       "rtmps://",
    "http://",    "https://",    "udp+mpegts://", "unix+mpegts://",
    "udp+rtp://", "unix+rtp://", "udp://",        "srt://",
    "whep://",    "wheps://",    "moqt://",
};


static int
read_file(const char *path, char **out, size_t *len)
{
    char   *buf = NULL;
    size_t  n = 0, cap = 0;
    ssize_t r;
    int     fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= MAX_FILE) {
                close(fd);
                sl_free(buf);
                return SL_ELIMIT;
            }
            cap = cap == 0 ? 65536 : cap * 2;
            buf = sl_realloc(buf, cap + 1);
        }
        r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            r = -errno;
            close(fd);
            sl_free(buf);
            return (int)r;
        }
        if (r == 0) {
            break;
        }
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}


int
sl_conf_load(const char *path, struct sl_conf **out, char *err, size_t errlen)
{
    char  *text = NULL;
    size_t len = 0, i;
    int    rc;

    if (getenv("MTX_CONFKEY") != NULL || getenv("RTSP_CONFKEY") != NULL) {
        sl_snprintf(err, errlen,
                    "encrypted configuration files (MTX_CONFKEY) are not "
                    "supported yet");
        return SL_EINVAL;
    }
    if (path != NULL) {
        rc = read_file(path, &text, &len);
        if (rc < 0) {
            sl_snprintf(err, errlen, "cannot read '%s': %s", path,
                        sl_strerror(rc));
            return rc;
        }
        rc = build(text, len, environ, path, out, err, errlen);
        sl_free(text);
        return rc;
    }
    for (i = 0; i < sizeof(search_paths) / sizeof(search_paths[0]); i++) {
        rc = read_file(search_paths[i], &text, &len);
        if (rc == -ENOENT) {
            continue;
        }
        if (rc < 0) {
            sl_snprintf(err, errlen, "cannot read '%s': %s", search_paths[i],
                        sl_strerror(rc));
            return rc;
        }
        rc = build(text, len, environ, search_paths[i], out, err, errlen);
        sl_free(text);
        return rc;
    }
    rc = build(NULL, 0, environ, "", out, err, errlen);
    if (rc == 0) {
        sl_conf_add_warning(*out,
                            "configuration file not found (looked for "
                            "sluice.yml, mediamtx.yml and others); using the "
                            "defaults, which define no paths");
    }
    return rc;
}


int
sl_conf_load_string(const char *yaml, size_t len, struct sl_conf **out,
                    char *err, size_t errlen)
{
    return build(yaml, len, NULL, "", out, err, errlen);
}


int
sl_conf_load_env(const char *yaml, size_t len, char *const *envp,
                 struct sl_conf **out, char *err, size_t errlen)
{
    return build(yaml, len, envp, "", out, err, errlen);
}


static int
build(const char *yaml, size_t len, char *const *envp, const char *from,
      struct sl_conf **out, char *err, size_t errlen)
{
    struct sl_conf *c = sl_calloc(1, sizeof(*c));
    char            msg[400];
    int             rc;

    c->loaded_from = sl_strdup(from);
    sl_conf_fields_defaults(sl_conf_global_table.fields, sl_conf_global_table.n,
                            c);
    sl_conf_fields_defaults(sl_conf_path_table.fields, sl_conf_path_table.n,
                            &c->path_defaults);
    c->path_defaults.name = sl_strdup("");
    if (yaml != NULL) {
        rc = sl_conf_parse_yaml(c, yaml, len, err, errlen);
        if (rc < 0) {
            goto fail;
        }
    }
    rc = sl_conf_parse_env(c, envp, err, errlen);
    if (rc < 0) {
        goto fail;
    }
    translate_global(c);
    merge_paths(c);
    if (c->npaths > 1) {
        qsort(c->paths, c->npaths, sizeof(*c->paths), path_cmp);
    }
    translate_path_credentials(c);
    rc = validate_global(c, msg, sizeof(msg));
    if (rc == 0) {
        rc = validate_paths(c, msg, sizeof(msg));
    }
    if (rc < 0) {
        sl_snprintf(err, errlen, "%s", msg);
        goto fail;
    }
    *out = c;
    return 0;

fail:
    sl_conf_free(&c);
    return SL_EINVAL;
}


static void
translate_global(struct sl_conf *c)
{
    size_t i;

    if (c->external_authentication_url[0] != '\0') {
        c->auth_method = SL_CONF_AUTH_HTTP;
        sl_free(c->auth_http_address);
        c->auth_http_address = sl_strdup(c->external_authentication_url);
    }
    for (i = 0; i < c->webrtc_ice_servers.n; i++) {
        struct sl_conf_ice_servers *l = &c->webrtc_ice_servers2;
        struct sl_conf_ice_server  *s;
        const char                 *v = c->webrtc_ice_servers.v[i];
        struct sl_str               rest = sl_str_from(v), part[5];
        size_t                      n = 0;
        char                        url[512];

        l->v = sl_realloc(l->v, (l->n + 1) * sizeof(*l->v));
        s = &l->v[l->n++];
        memset(s, 0, sizeof(*s));
        while (rest.p != NULL && n < 5) {
            part[n++] = sl_str_cut(&rest, ':');
        }
        /* Legacy "turn:user:pass:host:port". */
        if (n == 5 && rest.p == NULL
            && (sl_str_eq_cstr(part[0], "turn")
                || sl_str_eq_cstr(part[0], "turns")))
        {
            sl_snprintf(url, sizeof(url), "%.*s:%.*s:%.*s", (int)part[0].len,
                        part[0].p, (int)part[3].len, part[3].p,
                        (int)part[4].len, part[4].p);
            s->url = sl_strdup(url);
            s->username = sl_str_dup(part[1]);
            s->password = sl_str_dup(part[2]);
        } else {
            s->url = sl_strdup(v);
            s->username = sl_strdup("");
            s->password = sl_strdup("");
        }
    }
}


/* nginx merge_conf: a key set on the path wins, else pathDefaults'. */
static void
merge_paths(struct sl_conf *c)
{
    size_t i, k;

    for (i = 0; i < c->npaths; i++) {
        struct sl_path_conf *p = &c->paths[i];

        for (k = 0; k < sl_conf_path_table.n; k++) {
            if (!sl_conf_set_has(&p->set, k)) {
                sl_conf_field_copy(&sl_conf_path_table.fields[k], p,
                                   &c->path_defaults);
            }
        }
    }
}


/* Lookup order: exact names, regexes, the catch-all. */
static int
path_class(const struct sl_path_conf *p)
{
    if ((p->flags & SL_PATH_CATCH_ALL) != 0) {
        return 2;
    }
    return (p->flags & SL_PATH_REGEX) != 0 ? 1 : 0;
}


static int
path_cmp(const void *a, const void *b)
{
    const struct sl_path_conf *x = a, *y = b;
    int                        d = path_class(x) - path_class(y);

    return d != 0 ? d : strcmp(x->name, y->name);
}


static void
add_user(struct sl_conf *c, const char *user, const char *pass,
         const struct sl_conf_strlist *ips, const enum sl_conf_action *acts,
         size_t nacts, const char *path)
{
    struct sl_conf_users *l = &c->auth_internal_users;
    struct sl_conf_user  *u;
    char                  msg[200];
    size_t                i;

    l->v = sl_realloc(l->v, (l->n + 1) * sizeof(*l->v));
    u = &l->v[l->n++];
    memset(u, 0, sizeof(*u));
    u->user = sl_strdup(user);
    u->pass = sl_strdup(pass);
    u->ips.n = ips != NULL ? ips->n : 0;
    u->ips.v = u->ips.n > 0 ? sl_calloc(u->ips.n, sizeof(char *)) : NULL;
    for (i = 0; i < u->ips.n; i++) {
        u->ips.v[i] = sl_strdup(ips->v[i]);
    }
    u->permissions.v = sl_calloc(nacts, sizeof(*u->permissions.v));
    u->permissions.n = nacts;
    for (i = 0; i < nacts; i++) {
        u->permissions.v[i].action = acts[i];
        u->permissions.v[i].path = sl_strdup(path);
        (void)sl_conf_perm_type.finish(&u->permissions.v[i], msg, sizeof(msg));
    }
    /* Invalid credentials or IPs are reported by validate_global. */
    (void)sl_conf_user_type.finish(u, msg, sizeof(msg));
}


/*
 * Deprecated publishUser/publishPass/publishIPs/readUser/readPass/readIPs
 * become internal users, one publish and one read user per path.  When the
 * file did not set authInternalUsers, the default "anyone may publish and
 * read" user is dropped, or it would override the credentials.
 */
static void
translate_path_credentials(struct sl_conf *c)
{
    static const enum sl_conf_action pub[] = {SL_CONF_ACTION_PUBLISH};
    static const enum sl_conf_action rd[] = {SL_CONF_ACTION_READ,
                                             SL_CONF_ACTION_PLAYBACK};
    static const enum sl_conf_action adm[] = {
        SL_CONF_ACTION_API, SL_CONF_ACTION_METRICS, SL_CONF_ACTION_PPROF};
    const struct sl_conf_field *uf;
    struct sl_conf_strlist      local;
    char                       *lv[2] = {"127.0.0.1", "::1"};
    bool                        used = false;
    size_t                      i;

    for (i = 0; i < c->npaths; i++) {
        const struct sl_path_conf *p = &c->paths[i];

        if (p->publish_user[0] != '\0' || p->publish_ips.n > 0
            || p->read_user[0] != '\0' || p->read_ips.n > 0)
        {
            used = true;
        }
    }
    if (!used) {
        return;
    }
    uf = sl_conf_table_find(&sl_conf_global_table, "authInternalUsers",
                            strlen("authInternalUsers"));
    if (!sl_conf_set_has(&c->set,
                         sl_conf_table_index(&sl_conf_global_table, uf))) {
        sl_conf_fields_free(uf, 1, c);
        local.v = lv;
        local.n = 2;
        add_user(c, "any", "", &local, adm, 3, "");
    }
    for (i = 0; i < c->npaths; i++) {
        const struct sl_path_conf *p = &c->paths[i];
        const char *path = (p->flags & SL_PATH_CATCH_ALL) != 0 ? "" : p->name;

        add_user(c, p->publish_user[0] != '\0' ? p->publish_user : "any",
                 p->publish_pass, &p->publish_ips, pub, 1, path);
        add_user(c, p->read_user[0] != '\0' ? p->read_user : "any",
                 p->read_pass, &p->read_ips, rd, 2, path);
    }
}


static bool
is_http_url(const char *s)
{
    struct sl_str u = sl_str_from(s);

    return (sl_str_has_prefix(u, "http://") && u.len > 7)
           || (sl_str_has_prefix(u, "https://") && u.len > 8);
}


static bool
is_hashed(const char *s)
{
    return strncmp(s, "sha256:", 7) == 0 || strncmp(s, "argon2:", 7) == 0;
}


static int
validate_global(const struct sl_conf *c, char *err, size_t errlen)
{
    char   msg[300];
    size_t i;

    for (i = 0; i < c->auth_internal_users.n; i++) {
        struct sl_conf_user *u = &c->auth_internal_users.v[i];

        /* Users built from deprecated keys are checked here. */
        if (sl_conf_user_type.finish != NULL) {
            struct sl_conf_user tmp = *u;

            tmp.nets = NULL;
            if (sl_conf_user_type.finish(&tmp, msg, sizeof(msg)) < 0) {
                sl_free(tmp.nets);
                sl_snprintf(err, errlen, "authInternalUsers: %s", msg);
                return SL_EINVAL;
            }
            sl_free(tmp.nets);
        }
        if ((c->rtsp_auth_methods & SL_CONF_RTSP_AUTH_DIGEST) != 0
            && (is_hashed(u->user) || is_hashed(u->pass)))
        {
            sl_snprintf(err, errlen,
                        "'rtspAuthMethods' digest cannot be used with hashed "
                        "credentials");
            return SL_EINVAL;
        }
    }
    if ((c->rtsp_auth_methods & SL_CONF_RTSP_AUTH_DIGEST) != 0
        && c->auth_method != SL_CONF_AUTH_INTERNAL)
    {
        sl_snprintf(err, errlen,
                    "'rtspAuthMethods' digest requires 'authMethod' "
                    "internal");
        return SL_EINVAL;
    }
    if (c->auth_method == SL_CONF_AUTH_HTTP
        && !is_http_url(c->auth_http_address)) {
        sl_snprintf(err, errlen,
                    "'authHTTPAddress' must be a HTTP URL when 'authMethod' "
                    "is http");
        return SL_EINVAL;
    }
    if (c->auth_method == SL_CONF_AUTH_JWT && !is_http_url(c->auth_jwt_jwks)) {
        sl_snprintf(err, errlen,
                    "'authJWTJWKS' must be a HTTP URL when 'authMethod' is "
                    "jwt");
        return SL_EINVAL;
    }
    if ((c->log_destinations & SL_CONF_LOG_FILE) != 0 && c->log_file[0] == '\0')
    {
        sl_snprintf(err, errlen,
                    "'logFile' must be set when 'file' is in "
                    "'logDestinations'");
        return SL_EINVAL;
    }
    if (c->hls_variant == SL_CONF_HLS_LOW_LATENCY && c->hls_segment_count < 7) {
        sl_snprintf(err, errlen,
                    "'hlsSegmentCount' must be at least 7 when 'hlsVariant' "
                    "is lowLatency");
        return SL_EINVAL;
    }
    if (c->hls_segment_count < 3) {
        sl_snprintf(err, errlen, "'hlsSegmentCount' must be at least 3");
        return SL_EINVAL;
    }
    if (c->webrtc) {
        bool local = c->webrtc_local_udp_address[0] != '\0'
                     || c->webrtc_local_tcp_address[0] != '\0';

        if (!local && c->webrtc_ice_servers2.n == 0) {
            sl_snprintf(err, errlen,
                        "at least one of 'webrtcLocalUDPAddress', "
                        "'webrtcLocalTCPAddress' or 'webrtcICEServers2' must "
                        "be set");
            return SL_EINVAL;
        }
        if (local && !c->webrtc_ips_from_interfaces
            && c->webrtc_additional_hosts.n == 0)
        {
            sl_snprintf(err, errlen,
                        "'webrtcIPsFromInterfaces' or "
                        "'webrtcAdditionalHosts' must be set when a local "
                        "WebRTC listener is enabled");
            return SL_EINVAL;
        }
    }
    if (c->rtsp && c->rtsp_transports == 0) {
        sl_snprintf(err, errlen, "'rtspTransports' cannot be empty");
        return SL_EINVAL;
    }
    return 0;
}


static int
validate_source(const struct sl_path_conf *p, char *err, size_t errlen)
{
    struct sl_str s = sl_str_from(p->source);
    const char   *at, *scheme_end, *slash, *colon;
    size_t        i;

    if (sl_str_eq_cstr(s, "publisher") || sl_str_eq_cstr(s, "rpiCamera")) {
        return 0;
    }
    if (sl_str_eq_cstr(s, "redirect")) {
        if (p->source_redirect[0] == '\0') {
            sl_snprintf(err, errlen, "'sourceRedirect' must be set");
            return SL_EINVAL;
        }
        return 0;
    }
    for (i = 0; i < sizeof(source_schemes) / sizeof(source_schemes[0]); i++) {
        if (sl_str_has_prefix(s, source_schemes[i])) {
            break;
        }
    }
    if (i == sizeof(source_schemes) / sizeof(source_schemes[0])) {
        sl_snprintf(err, errlen, "invalid source: '%s'", p->source);
        return SL_EINVAL;
    }
    /* A URL with a user must carry a password as well. */
    scheme_end = strstr(p->source, "://") + 3;
    slash = strchr(scheme_end, '/');
    at = strchr(scheme_end, '@');
    if (at != NULL && (slash == NULL || at < slash)) {
        colon = memchr(scheme_end, ':', (size_t)(at - scheme_end));
        if (colon == NULL || colon == scheme_end || colon + 1 == at) {
            sl_snprintf(err, errlen,
                        "username and password of the source must be both "
                        "provided");
            return SL_EINVAL;
        }
    }
    if ((p->flags & SL_PATH_REGEX) != 0 && !p->source_on_demand) {
        sl_snprintf(err, errlen,
                    "a path with a regular expression (or path 'all') and a "
                    "static source must have 'sourceOnDemand' set to true");
        return SL_EINVAL;
    }
    return 0;
}


static int
validate_path(const struct sl_path_conf *p, char *err, size_t errlen)
{
    const char *rp = p->record_path;
    int         rc;

    rc = validate_source(p, err, errlen);
    if (rc < 0) {
        return rc;
    }
    if ((p->flags & SL_PATH_REGEX) != 0 && p->run_on_init[0] != '\0') {
        sl_snprintf(err, errlen,
                    "a path with a regular expression does not support "
                    "'runOnInit'");
        return SL_EINVAL;
    }
    if (p->always_available) {
        if ((p->flags & SL_PATH_REGEX) != 0) {
            sl_snprintf(err, errlen,
                        "a path with a regular expression does not support "
                        "'alwaysAvailable'");
            return SL_EINVAL;
        }
        if (p->source_on_demand || p->run_on_demand[0] != '\0'
            || p->use_absolute_timestamp)
        {
            sl_snprintf(err, errlen,
                        "'alwaysAvailable' cannot be used with "
                        "'sourceOnDemand', 'runOnDemand' or "
                        "'useAbsoluteTimestamp'");
            return SL_EINVAL;
        }
    }
    if (p->record) {
        if (strstr(rp, "%path") == NULL
            || (strstr(rp, "%s") == NULL
                && (strstr(rp, "%Y") == NULL || strstr(rp, "%m") == NULL
                    || strstr(rp, "%d") == NULL || strstr(rp, "%H") == NULL
                    || strstr(rp, "%M") == NULL || strstr(rp, "%S") == NULL)))
        {
            sl_snprintf(err, errlen,
                        "'recordPath' must contain %%path and either %%s or "
                        "%%Y %%m %%d %%H %%M %%S");
            return SL_EINVAL;
        }
        if (p->record_delete_after != 0
            && p->record_delete_after < p->record_segment_duration)
        {
            sl_snprintf(err, errlen,
                        "'recordDeleteAfter' cannot be lower than "
                        "'recordSegmentDuration'");
            return SL_EINVAL;
        }
    }
    if ((p->srt_publish_passphrase[0] != '\0'
         && (strlen(p->srt_publish_passphrase) < 10
             || strlen(p->srt_publish_passphrase) > 79))
        || (p->srt_read_passphrase[0] != '\0'
            && (strlen(p->srt_read_passphrase) < 10
                || strlen(p->srt_read_passphrase) > 79)))
    {
        sl_snprintf(err, errlen,
                    "SRT passphrases must be 10 to 79 characters long");
        return SL_EINVAL;
    }
    return 0;
}


static int
validate_paths(const struct sl_conf *c, char *err, size_t errlen)
{
    char   msg[300];
    size_t i, catch_all = 0;

    for (i = 0; i < c->npaths; i++) {
        const struct sl_path_conf *p = &c->paths[i];

        if ((p->flags & SL_PATH_CATCH_ALL) != 0 && ++catch_all > 1) {
            sl_snprintf(err, errlen,
                        "'all', 'all_others' and '~^.*$' are the same path; "
                        "use only one of them");
            return SL_EINVAL;
        }
        if (validate_path(p, msg, sizeof(msg)) < 0) {
            if (p->line > 0) {
                sl_snprintf(err, errlen, "line %u: path '%s': %s", p->line,
                            p->name, msg);
            } else {
                sl_snprintf(err, errlen, "path '%s': %s", p->name, msg);
            }
            return SL_EINVAL;
        }
    }
    return 0;
}


static void
path_free(struct sl_path_conf *p)
{
    sl_conf_fields_free(sl_conf_path_table.fields, sl_conf_path_table.n, p);
    sl_conf_regex_free(&p->regex);
    sl_freep(&p->name);
}


void
sl_conf_free(struct sl_conf **cp)
{
    struct sl_conf *c = *cp;
    size_t          i;

    if (c == NULL) {
        return;
    }
    sl_conf_fields_free(sl_conf_global_table.fields, sl_conf_global_table.n, c);
    path_free(&c->path_defaults);
    for (i = 0; i < c->npaths; i++) {
        path_free(&c->paths[i]);
    }
    sl_free(c->paths);
    for (i = 0; i < c->warnings.n; i++) {
        sl_free(c->warnings.v[i]);
    }
    sl_free(c->warnings.v);
    sl_free(c->loaded_from);
    sl_free(c);
    *cp = NULL;
}


const struct sl_path_conf *
sl_conf_find_path(const struct sl_conf *c, const char *name,
                  struct sl_path_match *m)
{
    char   msg[200];
    size_t i, len = strlen(name);

    if (m != NULL) {
        memset(m, 0, sizeof(*m));
    }
    if (sl_conf_check_path_name(name, msg, sizeof(msg)) < 0) {
        return NULL;
    }
    /* Paths are sorted: exact names, then regexes, then the catch-all. */
    for (i = 0; i < c->npaths; i++) {
        const struct sl_path_conf *p = &c->paths[i];

        if (path_class(p) == 0) {
            if (strcmp(p->name, name) == 0) {
                return p;
            }
            continue;
        }
        if (path_class(p) == 2 && p->regex == NULL) {
            return p;
        }
        if (sl_conf_regex_groups(p->regex, name, len, m)) {
            return p;
        }
    }
    return NULL;
}


static int
warn_section(const struct sl_conf_table *t, const void *value,
             const void *defaults, const char *path, const struct sl_log *log,
             bool *done)
{
    size_t i;
    int    n = 0;

    for (i = 0; i < t->n; i++) {
        const struct sl_conf_field *f = &t->fields[i];
        uint32_t                    bits;
        char                        where[300] = "";

        if (done[i] || f->type == SL_CT_SECTION || f->type == SL_CT_ALIAS
            || (f->flags & SL_CF_DEPRECATED) != 0
            || ((f->flags & SL_CF_IMPL) != 0 && f->impl_mask == 0)
            || sl_conf_field_equal(f, value, defaults))
        {
            continue;
        }
        if ((f->flags & SL_CF_IMPL) != 0) {
            if (f->type == SL_CT_ENUM) {
                bits = 1u << *(const int *)(const void *)((const char *)value
                                                          + f->off);
            } else {
                bits = *(const unsigned *)(const void *)((const char *)value
                                                         + f->off);
            }
            if ((bits & ~f->impl_mask) == 0) {
                continue;
            }
        }
        if (path != NULL) {
            sl_snprintf(where, sizeof(where), " (path '%s')", path);
        }
        done[i] = true;
        n++;
        if ((f->flags & SL_CF_IMPL) != 0) {
            sl_log(log, SL_LOG_WARN,
                   "[conf] some values of '%s'%s are not implemented yet; "
                   "they are ignored",
                   f->key, where);
        } else {
            sl_log(log, SL_LOG_WARN,
                   "[conf] '%s'%s is not implemented yet; the setting is "
                   "ignored",
                   f->key, where);
        }
    }
    return n;
}


int
sl_conf_warn_unimplemented(const struct sl_conf *c, const struct sl_log *log)
{
    struct sl_conf      *d = sl_calloc(1, sizeof(*d));
    struct sl_path_conf *pd = sl_calloc(1, sizeof(*pd));
    bool                 done[SL_CONF_MAX_FIELDS] = {false};
    size_t               i;
    int                  n = 0;

    for (i = 0; i < c->warnings.n; i++) {
        sl_log(log, SL_LOG_WARN, "[conf] %s", c->warnings.v[i]);
        n++;
    }
    sl_conf_fields_defaults(sl_conf_global_table.fields, sl_conf_global_table.n,
                            d);
    sl_conf_fields_defaults(sl_conf_path_table.fields, sl_conf_path_table.n,
                            pd);
    n += warn_section(&sl_conf_global_table, c, d, NULL, log, done);
    memset(done, 0, sizeof(done));
    n += warn_section(&sl_conf_path_table, &c->path_defaults, pd,
                      "pathDefaults", log, done);
    for (i = 0; i < c->npaths; i++) {
        n += warn_section(&sl_conf_path_table, &c->paths[i], pd,
                          c->paths[i].name, log, done);
    }
    sl_conf_fields_free(sl_conf_global_table.fields, sl_conf_global_table.n, d);
    sl_conf_fields_free(sl_conf_path_table.fields, sl_conf_path_table.n, pd);
    sl_free(d);
    sl_free(pd);
    return n;
}
