/*
 * The RTMP server (rtmpAddress) and RTMPS (rtmpsAddress, rtmpEncryption).
 * Start and stop run on the control thread; connections live on the media
 * workers.  Shutdown order as for RTSP (see server/rtsp/server.h).
 */
#ifndef SL_SERVER_RTMP_SERVER_H
#define SL_SERVER_RTMP_SERVER_H

struct sl_worker;

int  sl_rtmp_server_start(void);
void sl_rtmp_server_stop_accepting(void);
void sl_rtmp_server_close_worker(struct sl_worker *w);
void sl_rtmp_server_stop(void);

#endif /* SL_SERVER_RTMP_SERVER_H */
