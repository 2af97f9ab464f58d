/*
 * The RTSP server (rtspAddress, rtpAddress, rtcpAddress).
 *
 * Start and stop run on the control thread (or before its loop runs).
 * Connections are spread over the media workers by the runtime's placement
 * policy; see rtsp.h for the internals.
 */
#ifndef SL_SERVER_RTSP_SERVER_H
#define SL_SERVER_RTSP_SERVER_H

struct sl_worker;

/*
 * Shutdown order: stop accepting (control thread), close each worker's
 * connections (on that worker: sessions unroute themselves from the UDP
 * ports), then, once every worker is done, stop (closes the UDP ports).
 */
int  sl_rtsp_server_start(void);
void sl_rtsp_server_stop_accepting(void);
void sl_rtsp_server_close_worker(struct sl_worker *w);
void sl_rtsp_server_stop(void);

#endif /* SL_SERVER_RTSP_SERVER_H */
