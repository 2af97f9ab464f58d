/* Sluice: internal authentication (auth.h). */
#include "core/auth.h"
#include "net/worker.h"
#include "base/alloc.h"
#include "conf/match.h"
#include "base/crypto.h"
#include "base/str.h"
#include "base/err.h"
#include "base/time.h"

#include <argon2.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>


#define CACHE_SIZE 64
#define CACHE_TTL  (60 * SL_NS_PER_SEC)


/* A verified (argon2 hash, candidate) pair, keyed by a SHA-256 of both. */
struct cache_entry {
    uint8_t  key[SL_SHA256_LEN];
    uint64_t at_ns; /* 0 = empty */
};


static void cache_key(const char *hash, const char *cand,
                      uint8_t key[SL_SHA256_LEN]);
static bool cache_has(const uint8_t key[SL_SHA256_LEN], uint64_t now);
static void cache_put(const uint8_t key[SL_SHA256_LEN], uint64_t now);
static bool argon2_match(const char *encoded, const char *cand);
static bool cred_match(const char *stored, const char *given);
static bool addr16(const struct sockaddr *sa, uint8_t out[16]);
static bool ip_allowed(const struct sl_conf_user *u, const struct sockaddr *ip);
static bool perm_allows(const struct sl_conf_user *u,
                        enum sl_auth_action action, const char *path);


/* The only mutable global state of conf/auth: the argon2 cache. */
static pthread_mutex_t    cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cache_entry cache[CACHE_SIZE];


static void
cache_key(const char *hash, const char *cand, uint8_t key[SL_SHA256_LEN])
{
    size_t  hl = strlen(hash), cl = strlen(cand);
    uint8_t buf[1024];

    /* Long inputs are hashed first so the key input stays bounded. */
    if (hl + cl + 1 > sizeof(buf)) {
        uint8_t h1[SL_SHA256_LEN], h2[SL_SHA256_LEN];

        sl_sha256(hash, hl, h1);
        sl_sha256(cand, cl, h2);
        memcpy(buf, h1, sizeof(h1));
        memcpy(buf + sizeof(h1), h2, sizeof(h2));
        sl_sha256(buf, sizeof(h1) + sizeof(h2), key);
        return;
    }
    memcpy(buf, hash, hl);
    buf[hl] = '\0';
    memcpy(buf + hl + 1, cand, cl);
    sl_sha256(buf, hl + 1 + cl, key);
}


static bool
cache_has(const uint8_t key[SL_SHA256_LEN], uint64_t now)
{
    bool   hit = false;
    size_t i;

    pthread_mutex_lock(&cache_lock);
    for (i = 0; i < CACHE_SIZE; i++) {
        if (cache[i].at_ns != 0 && now - cache[i].at_ns < CACHE_TTL
            && memcmp(cache[i].key, key, SL_SHA256_LEN) == 0)
        {
            hit = true;
            break;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return hit;
}


static void
cache_put(const uint8_t key[SL_SHA256_LEN], uint64_t now)
{
    size_t i, victim = 0;

    pthread_mutex_lock(&cache_lock);
    /* Reuse an empty or expired slot, else evict the oldest. */
    for (i = 0; i < CACHE_SIZE; i++) {
        if (cache[i].at_ns == 0 || now - cache[i].at_ns >= CACHE_TTL) {
            victim = i;
            break;
        }
        if (cache[i].at_ns < cache[victim].at_ns) {
            victim = i;
        }
    }
    memcpy(cache[victim].key, key, SL_SHA256_LEN);
    cache[victim].at_ns = now;
    pthread_mutex_unlock(&cache_lock);
}


void
sl_auth_cache_clear(void)
{
    pthread_mutex_lock(&cache_lock);
    memset(cache, 0, sizeof(cache));
    pthread_mutex_unlock(&cache_lock);
}


static bool
argon2_match(const char *encoded, const char *cand)
{
    uint8_t  key[SL_SHA256_LEN];
    uint64_t now = sl_now_ns();
    int      rc;

    if (now == 0) {
        now = 1;
    }
    cache_key(encoded, cand, key);
    if (cache_has(key, now)) {
        return true;
    }
    if (strncmp(encoded, "$argon2id$", 10) == 0) {
        rc = argon2_verify(encoded, cand, strlen(cand), Argon2_id);
    } else if (strncmp(encoded, "$argon2i$", 9) == 0) {
        rc = argon2_verify(encoded, cand, strlen(cand), Argon2_i);
    } else {
        return false;
    }
    if (rc != ARGON2_OK) {
        return false;
    }
    cache_put(key, now);
    return true;
}


/* stored is plain, "sha256:<base64>" or "argon2:<encoded>". */
static bool
cred_match(const char *stored, const char *given)
{
    uint8_t digest[SL_SHA256_LEN];
    char    b64[4 * ((SL_SHA256_LEN + 2) / 3) + 1];
    size_t  n;

    if (given == NULL) {
        given = "";
    }
    if (strncmp(stored, "sha256:", 7) == 0) {
        sl_sha256(given, strlen(given), digest);
        n = sl_base64_encode(digest, sizeof(digest), b64);
        return sl_ct_equal(stored + 7, strlen(stored + 7), b64, n);
    }
    if (strncmp(stored, "argon2:", 7) == 0) {
        return argon2_match(stored + 7, given);
    }
    return sl_ct_equal(stored, strlen(stored), given, strlen(given));
}


/* The 16-byte form of an address, IPv4 as v4-mapped IPv6. */
static bool
addr16(const struct sockaddr *sa, uint8_t out[16])
{
    if (sa == NULL) {
        return false;
    }
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

        memset(out, 0, 10);
        out[10] = 0xff;
        out[11] = 0xff;
        memcpy(out + 12, &in->sin_addr, 4);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

        memcpy(out, &in6->sin6_addr, 16);
        return true;
    }
    return false;
}


static bool
ip_allowed(const struct sl_conf_user *u, const struct sockaddr *ip)
{
    uint8_t a[16];
    size_t  i;

    if (u->nnets == 0) {
        return true;
    }
    if (!addr16(ip, a)) {
        return false;
    }
    for (i = 0; i < u->nnets; i++) {
        if (sl_conf_ipnet_contains(&u->nets[i], a)) {
            return true;
        }
    }
    return false;
}


static bool
perm_allows(const struct sl_conf_user *u, enum sl_auth_action action,
            const char *path)
{
    size_t i;

    if (path == NULL) {
        path = "";
    }
    for (i = 0; i < u->permissions.n; i++) {
        const struct sl_conf_perm *p = &u->permissions.v[i];

        if ((int)p->action != (int)action) {
            continue;
        }
        /* api, metrics and pprof are global: their path is ignored. */
        if (action == SL_AUTH_API || action == SL_AUTH_METRICS
            || action == SL_AUTH_PPROF || p->path[0] == '\0')
        {
            return true;
        }
        if (p->regex != NULL) {
            if (sl_conf_regex_match(p->regex, path, strlen(path))) {
                return true;
            }
            continue;
        }
        if (strcmp(p->path, path) == 0) {
            return true;
        }
    }
    return false;
}


int
sl_auth_check(const struct sl_conf *c, const struct sl_auth_req *r,
              bool *ask_credentials)
{
    bool has_creds = (r->user != NULL && r->user[0] != '\0')
                     || (r->pass != NULL && r->pass[0] != '\0');
    bool   could_ask = false;
    size_t i;

    if (ask_credentials != NULL) {
        *ask_credentials = false;
    }
    for (i = 0; i < c->auth_internal_users.n; i++) {
        const struct sl_conf_user *u = &c->auth_internal_users.v[i];

        if (!ip_allowed(u, r->ip) || !perm_allows(u, r->action, r->path)) {
            continue;
        }
        if (strcmp(u->user, "any") == 0) {
            return 0;
        }
        if (!has_creds) {
            could_ask = true;
            continue;
        }
        if (cred_match(u->user, r->user) && cred_match(u->pass, r->pass)) {
            return 0;
        }
    }
    if (ask_credentials != NULL) {
        *ask_credentials = could_ask;
    }
    return SL_EAUTH;
}


const char *
sl_auth_plain_pass(const struct sl_conf *c, const char *user,
                   const struct sockaddr *ip, enum sl_auth_action action,
                   const char *path)
{
    size_t i;

    if (user == NULL) {
        return NULL;
    }
    for (i = 0; i < c->auth_internal_users.n; i++) {
        const struct sl_conf_user *u = &c->auth_internal_users.v[i];

        if (strcmp(u->user, "any") == 0 || !ip_allowed(u, ip)
            || !perm_allows(u, action, path))
        {
            continue;
        }
        if (strncmp(u->user, "sha256:", 7) == 0
            || strncmp(u->user, "argon2:", 7) == 0) {
            /* A hashed name may still be this user: Digest cannot work. */
            if (cred_match(u->user, user)) {
                return NULL;
            }
            continue;
        }
        if (strcmp(u->user, user) != 0) {
            continue;
        }
        if (strncmp(u->pass, "sha256:", 7) == 0
            || strncmp(u->pass, "argon2:", 7) == 0) {
            return NULL;
        }
        return u->pass;
    }
    return NULL;
}


bool
sl_auth_is_slow(const struct sl_conf *c)
{
    size_t i;

    for (i = 0; i < c->auth_internal_users.n; i++) {
        const struct sl_conf_user *u = &c->auth_internal_users.v[i];

        if (strncmp(u->user, "argon2:", 7) == 0
            || strncmp(u->pass, "argon2:", 7) == 0) {
            return true;
        }
    }
    return false;
}


/* A check on libuv's thread pool; strings copied. */
struct auth_job {
    uv_work_t               req;
    const struct sl_conf   *conf; /* immutable */
    struct sl_worker       *w;
    uint64_t                handle;
    sl_auth_done_fn        *done;
    void                   *arg;
    char                    user[256], pass[256], path[256], query[512];
    char                    protocol[16];
    struct sockaddr_storage ip;
    bool                    have_ip, have_user;
    enum sl_auth_action     action;
    int                     rc;
    bool                    ask;
};


static void
auth_job_work(uv_work_t *req)
{
    struct auth_job   *j = (struct auth_job *)req;
    struct sl_auth_req r;

    memset(&r, 0, sizeof(r));
    r.user = j->have_user ? j->user : NULL;
    r.pass = j->have_user ? j->pass : NULL;
    r.ip = j->have_ip ? (const struct sockaddr *)&j->ip : NULL;
    r.action = j->action;
    r.path = j->path;
    r.query = j->query;
    r.protocol = j->protocol;
    j->rc = sl_auth_check(j->conf, &r, &j->ask);
}


static void
auth_job_done(uv_work_t *req, int status)
{
    struct auth_job *j = (struct auth_job *)req;

    j->done(j->w, j->handle, status == 0 ? j->rc : SL_EAUTH, j->ask, j->arg);
    sl_free(j);
}


void
sl_auth_check_async(struct sl_worker *w, uint64_t handle,
                    const struct sl_conf *c, const struct sl_auth_req *r,
                    sl_auth_done_fn *done, void *arg)
{
    struct auth_job *j = sl_calloc(1, sizeof(*j));

    j->conf = c;
    j->w = w;
    j->handle = handle;
    j->done = done;
    j->arg = arg;
    j->have_user = r->user != NULL;
    sl_strlcpy(j->user, r->user != NULL ? r->user : "", sizeof(j->user));
    sl_strlcpy(j->pass, r->pass != NULL ? r->pass : "", sizeof(j->pass));
    sl_strlcpy(j->path, r->path != NULL ? r->path : "", sizeof(j->path));
    sl_strlcpy(j->query, r->query != NULL ? r->query : "", sizeof(j->query));
    sl_strlcpy(j->protocol, r->protocol != NULL ? r->protocol : "",
               sizeof(j->protocol));
    if (r->ip != NULL) {
        memcpy(&j->ip, r->ip,
               r->ip->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                            : sizeof(struct sockaddr_in));
        j->have_ip = true;
    }
    j->action = r->action;
    uv_queue_work(&w->loop, &j->req, auth_job_work, auth_job_done);
}
