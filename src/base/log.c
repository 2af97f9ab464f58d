/* Sluice: MediaMTX-format logging. */
#include "base/log.h"
#include "base/time.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


#define LINE_MAX_BYTES 4096


static void write_all(int fd, const char *p, size_t n);


int                      sl_log_max_level = SL_LOG_INFO;
static bool              log_stdout = true;
static int               log_fd = -1;
static const char *const level_names[] = {"ERR", "WAR", "INF", "DEB"};


static void
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}


void
sl_log_write(const struct sl_log *log, int level, const char *fmt, ...)
{
    char      line[LINE_MAX_BYTES];
    size_t    n;
    int       r;
    time_t    now = time(NULL);
    struct tm tm;
    va_list   ap;

    if (level < 0 || level > SL_LOG_DEBUG) {
        level = SL_LOG_ERROR;
    }
    localtime_r(&now, &tm);
    n = strftime(line, sizeof(line), "%Y/%m/%d %H:%M:%S ", &tm);
    r = snprintf(line + n, sizeof(line) - n, "%s ", level_names[level]);
    n += (size_t)r;
    if (log != NULL && log->prefix[0] != '\0') {
        r = snprintf(line + n, sizeof(line) - n, "%s ", log->prefix);
        if (r > 0) {
            n +=
                (size_t)r < sizeof(line) - n ? (size_t)r : sizeof(line) - n - 1;
        }
    }
    va_start(ap, fmt);
    r = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
    va_end(ap);
    if (r > 0) {
        n +=
            (size_t)r < sizeof(line) - n - 1 ? (size_t)r : sizeof(line) - n - 2;
    }
    line[n++] = '\n';
    if (log_stdout) {
        write_all(STDOUT_FILENO, line, n);
    }
    if (log_fd >= 0) {
        write_all(log_fd, line, n);
    }
}


void
sl_log_init(struct sl_log *child, const struct sl_log *parent, const char *fmt,
            ...)
{
    size_t  n = 0;
    va_list ap;
    int     r;

    child->prefix[0] = '\0';
    if (parent != NULL && parent->prefix[0] != '\0') {
        n = sl_strlcpy(child->prefix, parent->prefix, sizeof(child->prefix));
        if (n >= sizeof(child->prefix) - 1) {
            return;
        }
        child->prefix[n++] = ' ';
        child->prefix[n] = '\0';
    }
    va_start(ap, fmt);
    r = vsnprintf(child->prefix + n, sizeof(child->prefix) - n, fmt, ap);
    va_end(ap);
    (void)r;
}


int
sl_log_configure(int level, bool to_stdout, const char *file)
{
    int fd = -1;

    if (file != NULL) {
        fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0) {
            return -errno;
        }
    }
    sl_log_max_level = level;
    log_stdout = to_stdout;
    if (log_fd >= 0) {
        close(log_fd);
    }
    log_fd = fd;
    return 0;
}


int
sl_log_level_parse(const char *s)
{
    if (strcmp(s, "error") == 0) {
        return SL_LOG_ERROR;
    }
    if (strcmp(s, "warn") == 0) {
        return SL_LOG_WARN;
    }
    if (strcmp(s, "info") == 0) {
        return SL_LOG_INFO;
    }
    if (strcmp(s, "debug") == 0) {
        return SL_LOG_DEBUG;
    }
    return -1;
}


void
sl_log_shutdown(void)
{
    if (log_fd >= 0) {
        close(log_fd);
        log_fd = -1;
    }
}


void
sl_ratelog_add(struct sl_ratelog *r, const struct sl_log *log, uint64_t n,
               const char *fmt)
{
    uint64_t now = sl_now_ns();

    r->count += n;
    if (now - r->last_ns >= 1000000000ull) {
        sl_ratelog_flush(r, log, fmt);
        r->last_ns = now;
    }
}


void
sl_ratelog_flush(struct sl_ratelog *r, const struct sl_log *log,
                 const char *fmt)
{
    char msg[256];

    if (r->count == 0) {
        return;
    }
    snprintf(msg, sizeof(msg), fmt, (unsigned long long)r->count);
    sl_log(log, SL_LOG_WARN, "%s", msg);
    r->count = 0;
}
