/*
 * Sluice: arguments -> configuration -> core -> run.
 *
 * The main thread runs the control loop: it accepts connections, owns the
 * shared UDP ports and handles signals.  Media runs on the worker threads.
 */
#include "server/rtmp/server.h"
#include "server/srt/server.h"
#include "server/rtsp/server.h"
#include "core/path_manager.h"
#include "core/runtime.h"
#include "conf/conf.h"
#include "base/err.h"
#include "base/log.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>


#define SLUICE_VERSION "0.1.0"


static void on_signal(uv_signal_t *h, int signum);
static void close_on_worker(struct sl_worker *w, void *arg);
static void on_worker_closed(struct sl_worker *w, void *arg);
static void stop_servers(void);
static void usage(void);
static void warn_servers(const struct sl_conf *c);


/*
 * The servers, in start order; each runs when its configuration key is on.
 * Shutdown: every server stops accepting, every worker closes its
 * connections, then every server closes its listeners and shared ports.
 */
struct server {
    const char *key;
    size_t      enabled_off; /* offset of the bool in struct sl_conf */
    int (*start)(void);
    void (*stop_accepting)(void);
    void (*close_worker)(struct sl_worker *w);
    void (*stop)(void);
};

#define SERVER(key, field, prefix)                                             \
    {                                                                          \
        key, offsetof(struct sl_conf, field), prefix##_start,                  \
            prefix##_stop_accepting, prefix##_close_worker, prefix##_stop      \
    }

static const struct server servers[] = {
    SERVER("rtsp", rtsp, sl_rtsp_server),
    SERVER("rtmp", rtmp, sl_rtmp_server),
    SERVER("srt", srt, sl_srt_server),
};

#define NSERVERS (sizeof(servers) / sizeof(servers[0]))

static bool servers_on[NSERVERS]; /* started */


static uv_signal_t   sigint, sigterm;
static struct sl_log main_log;
static bool          stopping;
static size_t        workers_pending;


static void
usage(void)
{
    printf("Sluice %s, a live media router (MediaMTX-compatible)\n\n"
           "usage: sluice [config.yml]\n\n"
           "Without a file, the first of sluice.yml, rtsp-simple-server.yml,\n"
           "mediamtx.yml, /usr/local/etc/mediamtx.yml, /usr/etc/mediamtx.yml,\n"
           "/etc/mediamtx/mediamtx.yml, /etc/sluice/sluice.yml is used.\n",
           SLUICE_VERSION);
}


/* Servers enabled by default whose protocol is not built yet: say so,
 * rather than leaving an operator to wonder why the port is closed. */
static void
warn_servers(const struct sl_conf *c)
{
    const struct {
        bool        on;
        const char *key;
        const char *addr;
    } servers[] = {
        {c->hls, "hls", c->hls_address},
        {c->webrtc, "webrtc", c->webrtc_address},
        {c->moq, "moq", c->moq_quic_address},
    };
    size_t i;

    for (i = 0; i < sizeof(servers) / sizeof(servers[0]); i++) {
        if (servers[i].on) {
            sl_log_warn(&main_log,
                        "'%s' is enabled but this server is not implemented "
                        "yet; nothing listens on %s",
                        servers[i].key, servers[i].addr);
        }
    }
}


/* Closes the listeners and shared ports of every started server. */
static void
stop_servers(void)
{
    for (size_t i = 0; i < NSERVERS; i++) {
        if (servers_on[i]) {
            servers[i].stop();
            servers_on[i] = false;
        }
    }
}


static void
on_signal(uv_signal_t *h, int signum)
{
    (void)h;
    if (stopping) {
        return;
    }
    stopping = true;
    sl_log_info(&main_log, "shutting down gracefully (signal %d)", signum);
    for (size_t i = 0; i < NSERVERS; i++) {
        if (servers_on[i]) {
            servers[i].stop_accepting();
        }
    }
    workers_pending = sl_rt.nworkers;
    sl_runtime_each_worker(close_on_worker, NULL);
}


/* On each worker: close its connections, then tell the control loop. */
static void
close_on_worker(struct sl_worker *w, void *arg)
{
    (void)arg;
    for (size_t i = 0; i < NSERVERS; i++) {
        if (servers_on[i]) {
            servers[i].close_worker(w);
        }
    }
    sl_worker_call(sl_rt.control, on_worker_closed, NULL);
}


/* On the control loop: once every worker is done, close the rest. */
static void
on_worker_closed(struct sl_worker *w, void *arg)
{
    (void)w;
    (void)arg;
    if (--workers_pending > 0) {
        return;
    }
    stop_servers();
    uv_close((uv_handle_t *)&sigint, NULL);
    uv_close((uv_handle_t *)&sigterm, NULL);
    uv_close((uv_handle_t *)&sl_rt.control->async, NULL);
}


int
main(int argc, char **argv)
{
    struct sl_conf *conf = NULL;
    const char     *path = NULL;
    char            err[512];
    int             rc;

    if (argc > 2) {
        usage();
        return 1;
    }
    if (argc == 2) {
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
            usage();
            return 0;
        }
        if (strcmp(argv[1], "--version") == 0) {
            printf("v%s\n", SLUICE_VERSION);
            return 0;
        }
        path = argv[1];
    }
    signal(SIGPIPE, SIG_IGN);
    sl_log_init(&main_log, NULL, "%s", "");
    rc = sl_conf_load(path, &conf, err, sizeof(err));
    if (rc < 0) {
        sl_log_error(&main_log, "%s", err);
        return 1;
    }
    rc = sl_log_configure(
        conf->log_level, (conf->log_destinations & SL_CONF_LOG_STDOUT) != 0,
        (conf->log_destinations & SL_CONF_LOG_FILE) != 0 ? conf->log_file
                                                         : NULL);
    if (rc < 0) {
        sl_log_error(&main_log, "cannot open log file '%s': %s", conf->log_file,
                     sl_strerror(rc));
        sl_conf_free(&conf);
        return 1;
    }
    sl_log_info(&main_log, "Sluice v%s", SLUICE_VERSION);
    if (conf->loaded_from[0] != '\0') {
        sl_log_info(&main_log, "configuration loaded from %s",
                    conf->loaded_from);
    }
    sl_conf_warn_unimplemented(conf, &main_log);
    warn_servers(conf);

    sl_pm_init(conf);
    rc = sl_runtime_init(conf);
    if (rc < 0) {
        sl_log_error(&main_log, "cannot start workers: %s", sl_strerror(rc));
        return 1;
    }
    sl_log_debug(&main_log, "%zu workers", sl_rt.nworkers);
    rc = sl_runtime_start();
    for (size_t i = 0; rc == 0 && i < NSERVERS; i++) {
        if (*(const bool *)((const char *)conf + servers[i].enabled_off)) {
            rc = servers[i].start();
            servers_on[i] = true; /* stop() undoes a partial start */
        }
    }
    if (rc < 0) {
        stopping = true;
        uv_close((uv_handle_t *)&sl_rt.control->async, NULL);
        stop_servers();
        uv_run(&sl_rt.control->loop, UV_RUN_DEFAULT);
        sl_runtime_stop();
        sl_pm_close();
        sl_conf_free(&conf);
        return 1;
    }
    uv_signal_init(&sl_rt.control->loop, &sigint);
    uv_signal_init(&sl_rt.control->loop, &sigterm);
    uv_signal_start(&sigint, on_signal, SIGINT);
    uv_signal_start(&sigterm, on_signal, SIGTERM);

    sl_worker_run_here(sl_rt.control);

    sl_runtime_stop();
    sl_pm_close();
    sl_conf_free(&conf);
    sl_log_info(&main_log, "stopped");
    sl_log_shutdown();
    return 0;
}
