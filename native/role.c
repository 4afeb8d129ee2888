/* The steady state of the sandboxed roles: install the seccomp filter, run the role's loop, exit.
 *
 * Everything after the filter is installed happens here, in C, so the only system calls a role
 * makes are the ones its loop makes: the policies (xdpdump/sandbox/policies/) can be as tight as
 * DESIGN.md's table. Python forks, confines (fds, rlimits, capabilities) and calls in; it never
 * runs again in the child, and the child leaves with exit_group, never through Python's exit path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "record_ring.h"
#include "xdpd.h"

#define DRAIN_TIMEOUT_MS 5000
#define TX_FLUSH_MS 1000    /* how long the end of a forward waits for OUT to complete what it was given */

/* One write per line and destination, so lines of concurrent roles never interleave; the log file
 * is fsync'ed because every line written here is a warning or worse. */
static void role_log(int log_fd, const char *role, const char *what, int err)
{
    char line[256];
    int n = snprintf(line, sizeof(line), "xdpdump: %s role: %s: %s\n", role, what, strerror(err));
    if (n <= 0)
        return;
    if ((size_t)n >= sizeof(line)) {   /* truncated: snprintf left a NUL where the newline was */
        n = sizeof(line) - 1;
        line[n - 1] = '\n';
    }
    if (write(2, line, (size_t)n) < 0) {
        /* nothing else to tell */
    }
    if (log_fd >= 0 && log_fd != 2) {
        if (write(log_fd, line, (size_t)n) >= 0)
            fsync(log_fd);
    }
}

int xdpd_sandbox_enter(const void *filter, size_t len)
{
    if (len == 0 || len % sizeof(struct sock_filter) || len / sizeof(struct sock_filter) > 0xffff)
        return -EINVAL;
    struct sock_fprog prog = {
        .len = (unsigned short)(len / sizeof(struct sock_filter)),
        .filter = (struct sock_filter *)filter,
    };
    /* no_new_privs first: the kernel refuses an unprivileged filter without it, and it is what makes
     * the filter (and dropped capabilities) impossible to shed through execve of a setuid binary. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return -errno;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
        return -errno;
    return 0;
}

/* The self-test: a call no role policy allows. The kernel must kill the role with SIGSYS here. */
static void attempt_forbidden_syscall(void)
{
    syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0);
}

/* How the net role waits. Blocking in ppoll on the sockets puts it on their wait queues, and then
 * every batch the kernel delivers wakes it: on a veth that wake-up (sock_def_readable, a cross-CPU
 * IPI) is paid by the *sending* CPU and was a third of the sender's time at 1 Mpps. So while
 * traffic flows the role naps on a timer instead, off the wait queues, and lets frames accumulate
 * into batches: the nap aims at NAP_TARGET_FRAMES per wake-up at the rate just seen, grows at most
 * twofold per wake-up (a trickle may be the start of a burst), and never exceeds what the rings can
 * hold at the fastest rate seen lately (nap_limit: the kernel can deliver at most the smaller of
 * the fill and RX rings between two passes). A steady trickle of matched frames, the filtered case,
 * wakes the role a few hundred times a second; NAP_MAX_US bounds what a burst after a long quiet
 * trickle can cost. Only after BUSY_WINDOW_MS without a frame does it block in ppoll, so an idle
 * capture costs nothing. */
#define BATCH 4096
#define NAP_MIN_US 50
#define NAP_MAX_US 5000
#define NAP_TARGET_FRAMES 512
#define BUSY_WINDOW_MS 50

static void nap_us(long us)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = us * 1000L};
    clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The longest nap that cannot overflow the rings at the fastest rate seen lately: half the
 * headroom (fill/RX ring frames) at the peak rate. The peak halves every second, so a burst long
 * ago stops shortening the naps of a trickle, but a trickle between bursts still naps short. */
struct nap_bound {
    double peak_per_us;
    int64_t decay_at_ms;
    uint32_t headroom;
};

static long nap_limit(struct nap_bound *b, int r, int64_t elapsed_us, int64_t now_ms)
{
    if (r > 0 && elapsed_us > 0 && (double)r / (double)elapsed_us > b->peak_per_us)
        b->peak_per_us = (double)r / (double)elapsed_us;
    if (now_ms >= b->decay_at_ms) {
        b->peak_per_us /= 2;
        b->decay_at_ms = now_ms + 1000;
    }
    if (b->peak_per_us <= 0)
        return NAP_MAX_US;
    double safe = (double)(b->headroom / 2) / b->peak_per_us;
    return safe < NAP_MAX_US ? (long)safe : NAP_MAX_US;
}

/* Capture (or forward) until the stop flag or the count; then drain what the kernel had delivered by
 * the stop (bounded), so Ctrl-C loses nothing that had arrived; when forwarding, give OUT a bounded
 * time to complete what it was given; and publish final statistics before the consumers are told the
 * producer is done. */
static int net_loop(xdpd_capture *c, xdpd_record_ring *rr, int stats_interval_ms)
{
    int64_t now = xdpd_now_ms(), next_stats = now + stats_interval_ms, last_frame = now;
    int64_t last_step_us = now_us();
    struct nap_bound bound = {.peak_per_us = 0, .decay_at_ms = now + 1000, .headroom = xdpd_capture_headroom(c)};
    long nap = NAP_MIN_US;
    int err = 0;
    while (!__atomic_load_n(&rr->stop, __ATOMIC_ACQUIRE) && !xdpd_capture_done(c)) {
        int idle = xdpd_now_ms() - last_frame >= BUSY_WINDOW_MS;
        /* Idle: block on the sockets (up to 100 ms, then look at the stop flag again). Traffic after
         * a quiet spell may be a burst: start again from the shortest nap. */
        int r = xdpd_capture_step(c, idle ? 100 : 0, BATCH);
        int64_t step_us = now_us(), elapsed_us = step_us - last_step_us;
        last_step_us = step_us;
        if (idle)
            nap = NAP_MIN_US;
        if (r < 0) {
            err = r;
            break;
        }
        now = xdpd_now_ms();
        if (now >= next_stats) {
            xdpd_capture_update_stats(c);
            next_stats = now + stats_interval_ms;
        }
        if (r > 0)
            last_frame = now;
        /* Every pass updates the peak, heavy ones most of all: a burst seen only in passes that
         * never nap must still shorten the naps of the trickle after it. */
        long limit = nap_limit(&bound, r, idle ? 0 : elapsed_us, now);
        if (r >= BATCH / 2) {
            nap = NAP_MIN_US;     /* heavy traffic: more is waiting already */
        } else if (!idle) {
            /* Aim for NAP_TARGET_FRAMES per wake-up at the rate just seen (r frames in one nap). */
            long next = r > 0 ? nap * NAP_TARGET_FRAMES / r : nap * 2;
            if (next > nap * 2)
                next = nap * 2;   /* grow gently: a trickle may be the start of a burst */
            nap = next < NAP_MIN_US ? NAP_MIN_US : next > limit ? limit : next;
            if (nap < NAP_MIN_US)
                nap = NAP_MIN_US;
            nap_us(nap);
        }
    }
    /* Drain what the kernel already delivered. The record ring may be full while consumers catch up
     * (the supervisor keeps printing until this role exits), so wait for room, but not forever: what
     * is still in the RX ring after the deadline is reported by the supervisor as not captured. */
    xdpd_capture_mark_stop(c);
    int64_t deadline = xdpd_now_ms() + DRAIN_TIMEOUT_MS;
    while (!err && !xdpd_capture_done(c) && xdpd_capture_pending_at_stop(c) && xdpd_now_ms() < deadline) {
        int r = xdpd_capture_step(c, 0, 4096);
        if (r < 0)
            err = r;
        else if (r == 0)
            xdpd_sleep_ms(1);
    }
    if (!err) {
        int left = xdpd_capture_flush_tx(c, TX_FLUSH_MS);  /* frames still out are reported as such */
        if (left < 0)
            err = left;
    }
    int st = xdpd_capture_update_stats(c);
    xdpd_rr_set_producer_done(rr);
    return err ? err : st;
}

void xdpd_net_role(xdpd_capture *c, xdpd_record_ring *rr, const void *filter, size_t len, int log_fd,
                   int stats_interval_ms, int selftest)
{
    int err = filter ? xdpd_sandbox_enter(filter, len) : 0;
    if (err) {
        role_log(log_fd, "net", "cannot install the seccomp filter", -err);
        _exit(3);
    }
    if (selftest)
        attempt_forbidden_syscall();
    err = net_loop(c, rr, stats_interval_ms > 0 ? stats_interval_ms : 1000);
    if (err) {
        role_log(log_fd, "net", "capture loop failed", -err);
        xdpd_rr_set_producer_done(rr);
        _exit(1);
    }
    _exit(0);
}

void xdpd_archive_role(xdpd_writer *w, int archive_fd, const void *filter, size_t len, int log_fd,
                       int selftest)
{
    int err = filter ? xdpd_sandbox_enter(filter, len) : 0;
    if (err) {
        role_log(log_fd, "archive", "cannot install the seccomp filter", -err);
        _exit(3);
    }
    if (selftest)
        attempt_forbidden_syscall();
    err = xdpd_writer_run(w);
    if (err) {
        role_log(log_fd, "archive", "writing the capture file failed", -err);
        _exit(1);
    }
    /* Durable before the supervisor reports success: the summary promises a complete file. A pipe
     * or terminal (-w -) cannot be fsync'ed, and that is fine. */
    if (fsync(archive_fd) != 0 && errno != EINVAL && errno != EROFS) {
        role_log(log_fd, "archive", "fsync of the capture file failed", errno);
        _exit(1);
    }
    _exit(0);
}
