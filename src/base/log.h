/*
 * Logging in MediaMTX's format:
 *
 *   2026/11/23 12:00:00 INF [RTSP] [conn 127.0.0.1:40000] opened
 *
 * Every object carries a struct sl_log whose prefix is built from its
 * parent's ("[RTSP]" -> "[RTSP] [conn ...]" -> "... [session 3f2a]").  The
 * sl_log() macro checks the level first, so disabled levels cost one
 * comparison.  Lines are written with one write(2) per destination, so lines
 * from different threads never interleave.  Configure once at start-up (or
 * on reload, from the control thread); logging itself is thread-safe.
 *
 * Per-packet problems are never logged one by one: use struct sl_ratelog,
 * which sums a counter and prints it at most once per second.
 */
#ifndef SL_BASE_LOG_H
#define SL_BASE_LOG_H

#include "base/str.h"

#include <stdbool.h>
#include <stdint.h>


enum sl_log_level {
    SL_LOG_ERROR = 0,
    SL_LOG_WARN = 1,
    SL_LOG_INFO = 2,
    SL_LOG_DEBUG = 3,
};

#define SL_LOG_PREFIX_MAX 200

struct sl_log {
    char prefix[SL_LOG_PREFIX_MAX];
};

extern int sl_log_max_level;

#define sl_log(log, level, ...)                                                \
    do {                                                                       \
        if ((int)(level) <= sl_log_max_level) {                                \
            sl_log_write((log), (level), __VA_ARGS__);                         \
        }                                                                      \
    } while (0)

#define sl_log_error(log, ...) sl_log(log, SL_LOG_ERROR, __VA_ARGS__)
#define sl_log_warn(log, ...)  sl_log(log, SL_LOG_WARN, __VA_ARGS__)
#define sl_log_info(log, ...)  sl_log(log, SL_LOG_INFO, __VA_ARGS__)
#define sl_log_debug(log, ...) sl_log(log, SL_LOG_DEBUG, __VA_ARGS__)

/* log may be NULL (no prefix). */
void sl_log_write(const struct sl_log *log, int level, const char *fmt, ...)
    SL_PRINTF(3, 4);
/* Sets child's prefix to "<parent prefix> <formatted>" (parent may be NULL). */
void sl_log_init(struct sl_log *child, const struct sl_log *parent,
                 const char *fmt, ...) SL_PRINTF(3, 4);
/*
 * Sets level and destinations.  file may be NULL.  Returns 0 or -errno when
 * the file cannot be opened (the previous destinations are kept then).
 */
int sl_log_configure(int level, bool to_stdout, const char *file);
/* Parses "error|warn|info|debug"; returns -1 when unknown. */
int  sl_log_level_parse(const char *s);
void sl_log_shutdown(void);


struct sl_ratelog {
    uint64_t count;
    uint64_t last_ns;
};

/*
 * Adds n to the counter; when at least a second passed since the last line,
 * logs "<what>: <count>" style text (fmt receives the count as %llu) at WARN
 * and resets.  Call sl_ratelog_flush from a timer to print the remainder.
 */
void sl_ratelog_add(struct sl_ratelog *r, const struct sl_log *log, uint64_t n,
                    const char *fmt);
void sl_ratelog_flush(struct sl_ratelog *r, const struct sl_log *log,
                      const char *fmt);


#endif /* SL_BASE_LOG_H */
