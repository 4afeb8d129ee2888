/* clock.c - the clocks and the one sleep every native loop uses.
 *
 * Sleeping is ppoll() with no descriptors: one system call every sandbox policy already allows, so a
 * loop can nap without widening any filter. Clocks come from the vDSO (clock_gettime), which the
 * policies list only for clocksources the vDSO cannot read.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <time.h>

#include "internal.h"

void xdpd_sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    ppoll(NULL, 0, &ts, NULL);
}

int64_t xdpd_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t xdpd_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t xdpd_realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
