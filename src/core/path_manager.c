/* Sluice: path registry (publishers, readers, MediaMTX's refusals). */
#include "core/path_manager.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/list.h"

#include <pthread.h>
#include <string.h>


struct path {
    struct sl_list       node;
    char                 name[256];
    struct sl_publisher *pub;
    struct sl_stream    *stream;
    int                  readers;
};

struct kick_arg {
    struct sl_worker *w;
    uint64_t          handle;
};


static struct path *find(const char *name);
static struct path *get(const char *name);
static void         maybe_drop(struct path *p);
static void         on_kick(struct sl_worker *w, void *arg);


static pthread_mutex_t       lock = PTHREAD_MUTEX_INITIALIZER;
static struct sl_list        paths = {&paths, &paths};
static const struct sl_conf *conf;


void
sl_pm_init(const struct sl_conf *c)
{
    pthread_mutex_lock(&lock);
    conf = c;
    pthread_mutex_unlock(&lock);
}


void
sl_pm_close(void)
{
    struct sl_list *it, *tmp;

    pthread_mutex_lock(&lock);
    sl_list_for_each_safe(it, tmp, &paths)
    {
        struct path *p = sl_container_of(it, struct path, node);

        sl_list_remove(&p->node);
        sl_stream_unref(&p->stream);
        sl_free(p);
    }
    pthread_mutex_unlock(&lock);
}


static bool
name_valid(const char *name)
{
    size_t      i, n = strlen(name);
    const char *seg;

    if (n == 0 || n > 255 || name[0] == '/' || name[n - 1] == '/') {
        return false;
    }
    for (i = 0; i < n; i++) {
        char c = name[i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c == '/'
              || c == '.'))
        {
            return false;
        }
    }
    /* No "." or ".." segments, no empty segments. */
    for (seg = name; seg != NULL;) {
        const char *end = strchr(seg, '/');
        size_t      len = end == NULL ? strlen(seg) : (size_t)(end - seg);

        if (len == 0 || (len == 1 && seg[0] == '.')
            || (len == 2 && seg[0] == '.' && seg[1] == '.'))
        {
            return false;
        }
        seg = end == NULL ? NULL : end + 1;
    }
    return true;
}


const struct sl_path_conf *
sl_pm_find_conf(const char *name, struct sl_pm_err *err)
{
    struct sl_path_match       m;
    const struct sl_path_conf *pc;

    if (!name_valid(name)) {
        err->status = 400;
        sl_snprintf(err->msg, sizeof(err->msg), "invalid path name: %.200s",
                    name);
        return NULL;
    }
    pc = sl_conf_find_path(conf, name, &m);
    if (pc == NULL) {
        err->status = 404;
        sl_snprintf(err->msg, sizeof(err->msg),
                    "path '%.200s' is not configured", name);
    }
    return pc;
}


static struct path *
find(const char *name)
{
    struct sl_list *it;

    for (it = paths.next; it != &paths; it = it->next) {
        struct path *p = sl_container_of(it, struct path, node);

        if (strcmp(p->name, name) == 0) {
            return p;
        }
    }
    return NULL;
}


static struct path *
get(const char *name)
{
    struct path *p = find(name);

    if (p == NULL) {
        p = sl_calloc(1, sizeof(*p));
        sl_strlcpy(p->name, name, sizeof(p->name));
        sl_list_insert_tail(&paths, &p->node);
    }
    return p;
}


static void
maybe_drop(struct path *p)
{
    if (p->pub == NULL && p->readers == 0 && p->stream == NULL) {
        sl_list_remove(&p->node);
        sl_free(p);
    }
}


static void
on_kick(struct sl_worker *w, void *arg)
{
    struct kick_arg     *k = arg;
    struct sl_publisher *pub = sl_worker_handle_get(w, k->handle);

    sl_free(k);
    if (pub != NULL) {
        pub->kick(pub);
    }
}


int
sl_pm_publisher_add(const char *name, struct sl_publisher *pub,
                    struct sl_pm_err *err)
{
    const struct sl_path_conf *pc;
    struct path               *p;
    int                        rc = 0;

    pthread_mutex_lock(&lock);
    pc = sl_pm_find_conf(name, err);
    if (pc == NULL) {
        rc = err->status == 404 ? SL_ENOTFOUND : SL_EINVAL;
        goto done;
    }
    if (pc->source != NULL && pc->source[0] != '\0'
        && strcmp(pc->source, "publisher") != 0)
    {
        err->status = 400;
        sl_snprintf(err->msg, sizeof(err->msg),
                    "can't publish to path '%.200s' since 'source' is not "
                    "'publisher'",
                    name);
        rc = SL_EINVAL;
        goto done;
    }
    p = get(name);
    if (p->pub != NULL) {
        if (!pc->override_publisher) {
            err->status = 400;
            sl_snprintf(err->msg, sizeof(err->msg),
                        "someone is already publishing to path '%.200s'", name);
            rc = SL_EEXIST;
            goto done;
        }
        {
            struct kick_arg *k = sl_malloc(sizeof(*k));

            k->w = p->pub->w;
            k->handle = p->pub->handle;
            sl_worker_call(p->pub->w, on_kick, k);
        }
        sl_stream_unref(&p->stream);
    }
    p->pub = pub;
done:
    pthread_mutex_unlock(&lock);
    return rc;
}


void
sl_pm_publisher_ready(const char *name, struct sl_publisher *pub,
                      struct sl_stream *s)
{
    struct path *p;

    pthread_mutex_lock(&lock);
    p = find(name);
    if (p != NULL && p->pub == pub) {
        sl_stream_unref(&p->stream);
        p->stream = sl_stream_ref(s);
    }
    pthread_mutex_unlock(&lock);
}


void
sl_pm_publisher_remove(const char *name, struct sl_publisher *pub)
{
    struct path *p;

    pthread_mutex_lock(&lock);
    p = find(name);
    if (p != NULL && p->pub == pub) {
        p->pub = NULL;
        sl_stream_unref(&p->stream);
        maybe_drop(p);
    }
    pthread_mutex_unlock(&lock);
}


struct sl_stream *
sl_pm_reader_add(const char *name, struct sl_pm_err *err)
{
    const struct sl_path_conf *pc;
    struct path               *p;
    struct sl_stream          *s = NULL;

    pthread_mutex_lock(&lock);
    pc = sl_pm_find_conf(name, err);
    if (pc == NULL) {
        goto done;
    }
    p = find(name);
    if (p == NULL || p->stream == NULL) {
        err->status = 404;
        sl_snprintf(err->msg, sizeof(err->msg),
                    "no stream is available on path '%.200s'", name);
        goto done;
    }
    if (pc->max_readers > 0 && p->readers >= pc->max_readers) {
        err->status = 400;
        sl_snprintf(err->msg, sizeof(err->msg), "maximum reader count reached");
        goto done;
    }
    p->readers++;
    s = sl_stream_ref(p->stream);
done:
    pthread_mutex_unlock(&lock);
    return s;
}


void
sl_pm_reader_remove(const char *name)
{
    struct path *p;

    pthread_mutex_lock(&lock);
    p = find(name);
    if (p != NULL && p->readers > 0) {
        p->readers--;
        maybe_drop(p);
    }
    pthread_mutex_unlock(&lock);
}
