/* net_loop.c - the net role's steady state, for any producer (producer.h): pacing, statistics, the
 * drain at a stop, the TX flush, producer_done.
 *
 * Production runs it in the forked net role (role.c, under its seccomp filter); tests run the same
 * function in a thread. It sleeps only through clock.c.
 */
#define _GNU_SOURCE
#include "internal.h"
#include "producer.h"
#include "record_ring.h"

#define DRAIN_TIMEOUT_MS 5000
#define TX_FLUSH_MS 1000    /* how long the end of a tap waits for OUT to complete what it was given */

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

/* Produce (capture or tap) until the stop flag or the count; then drain what the kernel had delivered by
 * the stop (bounded), so Ctrl-C loses nothing that had arrived; when transmitting (the tap), give OUT a bounded
 * time to complete what it was given; and publish final statistics before the consumers are told the
 * producer is done. */
int xdpd_net_run(xdpd_producer *p, int stats_interval_ms)
{
    const struct xdpd_producer_ops *op = p->ops;
    void *c = p->self;
    struct xdpd_record_ring *rr = p->rr;
    if (stats_interval_ms <= 0)
        stats_interval_ms = 1000;
    int64_t now = xdpd_now_ms(), next_stats = now + stats_interval_ms, last_frame = now;
    int64_t last_step_us = xdpd_now_us();
    struct nap_bound bound = {.peak_per_us = 0, .decay_at_ms = now + 1000, .headroom = op->headroom(c)};
    long nap = NAP_MIN_US;
    int err = 0;
    while (!__atomic_load_n(&rr->stop, __ATOMIC_ACQUIRE) && !op->done(c)) {
        int idle = xdpd_now_ms() - last_frame >= BUSY_WINDOW_MS;
        /* Idle: block on the sockets (up to 100 ms, then look at the stop flag again). Traffic after
         * a quiet spell may be a burst: start again from the shortest nap. */
        int r = op->step(c, idle ? 100 : 0, BATCH);
        int64_t step_us = xdpd_now_us(), elapsed_us = step_us - last_step_us;
        last_step_us = step_us;
        if (idle)
            nap = NAP_MIN_US;
        if (r < 0) {
            err = r;
            break;
        }
        now = xdpd_now_ms();
        if (now >= next_stats) {
            op->update_stats(c);
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
            xdpd_sleep_us(nap);
        }
    }
    /* Drain what the kernel already delivered. The record ring may be full while consumers catch up
     * (the supervisor keeps printing until this role exits), so wait for room, but not forever: what
     * is still in the RX ring after the deadline is reported by the supervisor as not captured. */
    op->mark_stop(c);
    int64_t deadline = xdpd_now_ms() + DRAIN_TIMEOUT_MS;
    while (!err && !op->done(c) && op->pending_at_stop(c) && xdpd_now_ms() < deadline) {
        int r = op->step(c, 0, 4096);
        if (r < 0)
            err = r;
        else if (r == 0)
            xdpd_sleep_ms(1);
    }
    if (!err) {
        int left = op->flush(c, TX_FLUSH_MS);  /* frames still out are reported as such */
        if (left < 0)
            err = left;
    }
    int st = op->update_stats(c);
    xdpd_rr_set_producer_done(rr);
    return err ? err : st;
}
