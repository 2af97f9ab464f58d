/*
 * The RTSP server (rtspAddress, rtpAddress, rtcpAddress).
 *
 * Start and stop run on the control thread (or before its loop runs).
 * Connections are spread over the media workers by the runtime's placement
 * policy; see rtsp.h for the internals.
 */
#ifndef SL_SERVER_RTSP_SERVER_H
#define SL_SERVER_RTSP_SERVER_H

int  sl_rtsp_server_start(void);
void sl_rtsp_server_stop(void);
/* Asks every worker to close its RTSP connections. */
void sl_rtsp_server_close_conns(void);

#endif /* SL_SERVER_RTSP_SERVER_H */
