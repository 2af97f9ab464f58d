/*
 * Internal authentication: decides whether a request (user, password,
 * client IP, action, path) is allowed by the authInternalUsers of a conf.
 *
 * Pure decision, no I/O and no delay: the random 0-4 s delay after a failure
 * and the "ask for credentials" reply (RTSP 401 + WWW-Authenticate, HTTP 401)
 * are the protocol servers' job.  Thread-safe: the conf is read-only and the
 * small cache of verified argon2 credentials is guarded by a mutex.  argon2
 * verification is slow (tens of milliseconds) the first time a credential is
 * seen; callers on an event loop should expect that.
 *
 * authMethod http and jwt are not implemented yet: sl_auth_check applies the
 * internal users whatever the method (the conf warns at start-up).
 */
#ifndef SL_CORE_AUTH_H
#define SL_CORE_AUTH_H

#include "conf/conf.h"

#include <stdbool.h>
#include <sys/socket.h>


enum sl_auth_action {
    SL_AUTH_PUBLISH = SL_CONF_ACTION_PUBLISH,
    SL_AUTH_READ = SL_CONF_ACTION_READ,
    SL_AUTH_PLAYBACK = SL_CONF_ACTION_PLAYBACK,
    SL_AUTH_API = SL_CONF_ACTION_API,
    SL_AUTH_METRICS = SL_CONF_ACTION_METRICS,
    SL_AUTH_PPROF = SL_CONF_ACTION_PPROF
};

struct sl_auth_req {
    const char            *user; /* may be NULL or empty */
    const char            *pass; /* may be NULL or empty */
    const struct sockaddr *ip;   /* AF_INET or AF_INET6; NULL = unknown */
    enum sl_auth_action    action;
    const char            *path;     /* path name, for publish/read/playback */
    const char            *query;    /* raw query, may be NULL */
    const char            *protocol; /* "rtsp", "rtmp", "hls", ... */
};


/*
 * Returns 0 when some user allows the request, SL_EAUTH otherwise.  Users
 * are tried in order; a user matches when the client IP is in its ips (an
 * empty list means any IP), one of its permissions covers action and path,
 * and it is 'any' or its user and pass match the request (plain, sha256: or
 * argon2: credentials).  *ask_credentials (may be NULL) is set true when the
 * request carried no credentials and a user with credentials could have
 * allowed it: the protocol should then ask for credentials instead of
 * failing.
 */
int sl_auth_check(const struct sl_conf *c, const struct sl_auth_req *r,
                  bool *ask_credentials);

/*
 * For RTSP Digest: the plain password of the first non-'any' user named
 * user (plain user name) whose IPs and permissions allow action on path.
 * NULL when there is none or its password is hashed.  The string belongs to
 * c.
 */
const char *sl_auth_plain_pass(const struct sl_conf *c, const char *user,
                               const struct sockaddr *ip,
                               enum sl_auth_action action, const char *path);

/*
 * True when checking credentials can be slow (some user or password is an
 * argon2 hash): servers then run sl_auth_check on libuv's thread pool
 * instead of their loop.  sl_auth_check is thread-safe.
 */
bool sl_auth_is_slow(const struct sl_conf *c);

/*
 * Runs sl_auth_check(c, r) on libuv's thread pool of worker w's loop (r's
 * strings are copied) and calls done(w, handle, rc, ask, arg) back on that
 * loop.  The caller finds its object again by handle (it may have gone).
 */
struct sl_worker;
typedef void sl_auth_done_fn(struct sl_worker *w, uint64_t handle, int rc,
                             bool ask, void *arg);
void         sl_auth_check_async(struct sl_worker *w, uint64_t handle,
                                 const struct sl_conf *c, const struct sl_auth_req *r,
                                 sl_auth_done_fn *done, void *arg);

/* Empties the argon2 verification cache (tests, config reload). */
void sl_auth_cache_clear(void);


#endif /* SL_CORE_AUTH_H */
