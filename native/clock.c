/* clock.c - the clocks and the one sleep every native loop uses.
 *
 * Sleeping is ppoll() with no descriptors: one system call every sandbox policy already allows, so a
 * loop can nap without widening any filter. The replay's paced sleep is the one absolute sleep
 * (clock_nanosleep TIMER_ABSTIME); it runs unsandboxed. Clocks come from the vDSO (clock_gettime), which the
 * policies list only for clocksources the vDSO cannot read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <time.h>

#include "internal.h"

void xdpd_sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    ppoll(NULL, 0, &ts, NULL);
}

int xdpd_sleep_us(long us)
{
    struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000L};
    return ppoll(NULL, 0, &ts, NULL) < 0 && errno == EINTR ? -EINTR : 0;
}

void xdpd_sleep_until_ns(uint64_t mono_ns)
{
    struct timespec ts = {.tv_sec = (time_t)(mono_ns / 1000000000ull), .tv_nsec = (long)(mono_ns % 1000000000ull)};
    /* TIMER_ABSTIME, so the sleep itself does not drift (the replay's schedule). EINTR returns early
     * on purpose: a signal (Ctrl-C) reaches Python at the end of the caller's step. */
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

int64_t xdpd_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
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

/* CLOCK_REALTIME - CLOCK_MONOTONIC, to turn kernel timestamps (bpf_ktime_get_ns) into wall-clock
 * time. The realtime read is bracketed by two monotonic reads; of a few tries the one with the
 * narrowest bracket wins (a preemption between the reads would skew that sample by its length),
 * and its midpoint is taken. */
int64_t xdpd_realtime_offset_ns(void)
{
    int64_t best = 0;
    uint64_t best_width = UINT64_MAX;
    for (int i = 0; i < 5; i++) {
        uint64_t before = xdpd_mono_ns();
        uint64_t real = xdpd_realtime_ns();
        uint64_t after = xdpd_mono_ns();
        if (after - before < best_width) {
            best_width = after - before;
            best = (int64_t)real - (int64_t)(before + (after - before) / 2);
        }
    }
    return best;
}
