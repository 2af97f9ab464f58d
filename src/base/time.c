/* Sluice: clocks. */
#include "base/time.h"

#include <time.h>


#define NTP_UNIX_OFFSET 2208988800ull


uint64_t
sl_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * SL_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}


uint64_t
sl_wall_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * SL_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}


uint64_t
sl_ntp_from_wall_ns(uint64_t wall_ns)
{
    uint64_t sec = wall_ns / SL_NS_PER_SEC + NTP_UNIX_OFFSET;
    uint64_t frac = ((wall_ns % SL_NS_PER_SEC) << 32) / SL_NS_PER_SEC;

    return (sec << 32) | frac;
}


uint64_t
sl_wall_ns_from_ntp(uint64_t ntp)
{
    uint64_t sec = ntp >> 32;
    uint64_t frac = ntp & 0xffffffffull;

    if (sec < NTP_UNIX_OFFSET) {
        return 0;
    }
    return (sec - NTP_UNIX_OFFSET) * SL_NS_PER_SEC
           + ((frac * SL_NS_PER_SEC) >> 32);
}
