/*
 * Clocks.  Monotonic nanoseconds for timeouts and arrival times; wall-clock
 * nanoseconds since the Unix epoch; NTP 64-bit timestamps for RTCP.
 */
#ifndef SL_BASE_TIME_H
#define SL_BASE_TIME_H

#include <stdint.h>

#define SL_NS_PER_SEC 1000000000ull
#define SL_NS_PER_MS  1000000ull

uint64_t sl_now_ns(void);
uint64_t sl_wall_ns(void);
/* NTP timestamp (seconds since 1900 << 32 | fraction) of a wall time. */
uint64_t sl_ntp_from_wall_ns(uint64_t wall_ns);
uint64_t sl_wall_ns_from_ntp(uint64_t ntp);

#endif /* SL_BASE_TIME_H */
