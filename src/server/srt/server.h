/*
 * The SRT server (srtAddress): publish and read MPEG-TS over SRT.
 * Start and stop run on the control thread; see srt.h for the threads.
 */
#ifndef SL_SERVER_SRT_SERVER_H
#define SL_SERVER_SRT_SERVER_H

struct sl_worker;

int  sl_srt_server_start(void);
void sl_srt_server_stop_accepting(void);
void sl_srt_server_close_worker(struct sl_worker *w);
void sl_srt_server_stop(void);

#endif /* SL_SERVER_SRT_SERVER_H */
