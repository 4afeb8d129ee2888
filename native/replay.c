/* replay.c - transmitting a capture file's frames out of one AF_XDP socket, paced by a token bucket.
 *
 * The frames arrive once from Python as one buffer (all frames back to back) and a length array; the
 * loop copies them into free UMEM frames, puts descriptors on the TX ring in batches, kicks the kernel
 * and reaps the completion ring so frames are reused. Nothing here is per-frame Python.
 *
 * Kicks: in copy mode the kernel transmits only inside sendto() (the generic path sends at most 32
 * descriptors per call and answers EAGAIN when more are queued), and it leaves XDP_RING_NEED_WAKEUP set
 * on the TX ring for good, so xdpd_tx_kick() calls sendto() while descriptors are outstanding. In
 * zero-copy mode the driver clears the flag while it is polling the ring, and the kick is skipped.
 *
 * Pacing: a virtual schedule, `next_ns`, the time the next frame is due (CLOCK_MONOTONIC). Sending a
 * frame advances it by 1e9/rate ns, so the rate over any second is exact however the sleeps overshoot,
 * as long as an overshoot stays inside the bucket (`burst` frames): a longer stall does not turn into a
 * burst above the rate, its time is lost instead. Waits longer than SPIN_NS sleep (xdpd_sleep_until_ns, clock.c)
 * (TIMER_ABSTIME, so the sleep itself does not drift); shorter ones, which only happen at rates of tens
 * of thousands of frames per second and more, spin.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define TX_BATCH 64u
#define SPIN_NS 50000ull
#define STALL_NAP_US 50

struct xdpd_replay {
    struct xdpd_socket *s;
    const uint8_t *frames;
    const uint32_t *lens;
    uint64_t *offsets;      /* start of frame i in `frames` */
    uint32_t n;
    uint32_t loops;         /* 0 = forever, until stopped */
    uint64_t rate;          /* frames per second, 0 = as fast as the device takes them */
    uint64_t cost_ns;       /* 1e9 / rate */
    uint64_t burst_ns;      /* bucket depth in time: burst frames' worth */
    uint64_t next_ns;
    uint32_t pos;           /* next frame of the current pass */
    uint32_t loop;          /* passes started and finished so far */
    struct xdpd_replay_counters c;
    uint64_t start_ns;
    uint64_t last_completion_ns;
};

int xdpd_replay_create(xdpd_replay **out, xdpd_socket *s, const uint8_t *frames, const uint32_t *lens,
                       uint32_t n, uint32_t loops, uint64_t rate_pps)
{
    if (!s->tx.map)
        return xdpd_fail_internal(XDPD_STEP_ARGUMENT, EINVAL, "replay on socket fd=%d, which has no tx ring", s->fd);
    if (n == 0)
        return xdpd_fail(XDPD_STEP_ARGUMENT, EINVAL, "replay of no frames");
    uint32_t room = s->umem->frame_size - s->umem->headroom;
    struct xdpd_replay *r = calloc(1, sizeof(*r));
    if (!r)
        return xdpd_fail(XDPD_STEP_ALLOC, ENOMEM, "calloc(1, %zu) of a replay", sizeof(*r));
    r->offsets = malloc(sizeof(uint64_t) * n);
    if (!r->offsets) {
        free(r);
        return xdpd_fail(XDPD_STEP_ALLOC, ENOMEM, "malloc(%zu) of the replay offsets", sizeof(uint64_t) * n);
    }
    uint64_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (lens[i] == 0 || lens[i] > room) {
            free(r->offsets);
            free(r);
            return xdpd_fail(XDPD_STEP_ARGUMENT, EMSGSIZE, "replay frame %u of %u bytes (1 to %u fit a umem frame)", i,
                             lens[i], room);
        }
        r->offsets[i] = off;
        off += lens[i];
    }
    r->s = s;
    r->frames = frames;
    r->lens = lens;
    r->n = n;
    r->loops = loops;
    r->rate = rate_pps;
    if (rate_pps) {
        r->cost_ns = 1000000000ull / rate_pps;
        if (r->cost_ns == 0)
            r->cost_ns = 1;
        /* About a millisecond of frames, at least one, at most a batch. */
        uint64_t burst = rate_pps / 1000;
        burst = burst < 1 ? 1 : burst > TX_BATCH ? TX_BATCH : burst;
        r->burst_ns = burst * r->cost_ns;
    }
    *out = r;
    return 0;
}

void xdpd_replay_destroy(xdpd_replay *r)
{
    if (!r)
        return;
    free(r->offsets);
    free(r);
}

int xdpd_replay_done(const xdpd_replay *r)
{
    return r->loops && r->loop >= r->loops;
}

/* Frames the schedule allows now (up to want); 0 and *wait_ns set when the next one is not due. */
static uint32_t allowed(struct xdpd_replay *r, uint64_t now, uint32_t want, uint64_t *wait_ns)
{
    *wait_ns = 0;
    if (!r->rate)
        return want;
    if (r->next_ns + r->burst_ns < now)
        r->next_ns = now - r->burst_ns;     /* a stall: its time is lost, not sent as a burst */
    if (r->next_ns > now) {
        *wait_ns = r->next_ns - now;
        return 0;
    }
    uint64_t due = (now - r->next_ns) / r->cost_ns + 1;
    return due < want ? (uint32_t)due : want;
}

static void reap(struct xdpd_replay *r)
{
    uint32_t n = xdpd_tx_complete(r->s);
    if (n) {
        r->c.completed += n;
        r->last_completion_ns = xdpd_mono_ns();
    }
}

/* Put up to `want` frames of the file on the TX ring; returns how many. */
static uint32_t submit(struct xdpd_replay *r, uint32_t want)
{
    struct xdpd_socket *s = r->s;
    struct xdpd_umem *u = s->umem;
    if (want > u->nfree)
        want = u->nfree;
    uint32_t idx, n = xdpd_prod_reserve(&s->tx, want, &idx);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t addr = 0;
        xdpd_frame_pop(u, s->id, &addr);
        addr += u->headroom;
        uint32_t len = r->lens[r->pos];
        memcpy(u->area + addr, r->frames + r->offsets[r->pos], len);
        struct xdp_desc *d = xdpd_ring_desc(&s->tx, idx + i);
        d->addr = addr;
        d->len = len;
        d->options = 0;
        r->c.bytes += len;
        if (++r->pos == r->n) {
            r->pos = 0;
            r->loop++;
            if (xdpd_replay_done(r)) {
                /* The rest of the reservation is given back before anything is published. */
                s->tx.cached_prod -= n - i - 1;
                n = i + 1;
                break;
            }
        }
    }
    if (n) {
        s->tx_path += n;
        r->c.sent += n;
        xdpd_prod_submit(&s->tx, n);
    }
    return n;
}

int xdpd_replay_step(xdpd_replay *r, int timeout_ms)
{
    struct xdpd_socket *s = r->s;
    uint64_t now = xdpd_mono_ns();
    uint64_t end = now + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000ull;
    if (!r->start_ns) {
        r->start_ns = now;
        r->next_ns = now;
    }
    for (;;) {
        reap(r);
        int finished = xdpd_replay_done(r);
        if (finished && s->tx_path == 0)
            return 1;
        uint64_t wait_ns = 0;
        uint32_t sent = 0;
        if (!finished) {
            uint32_t want = allowed(r, now, TX_BATCH, &wait_ns);
            if (want) {
                sent = submit(r, want);
                if (r->rate)
                    r->next_ns += (uint64_t)sent * r->cost_ns;
            }
        }
        int progressed = 0;
        uint32_t queued = xdpd_prod_outstanding(&s->tx);
        if (queued) {
            int err = xdpd_tx_kick(s);
            if (err < 0)
                return err;
            r->c.kicks += (uint64_t)err;
            progressed = xdpd_prod_outstanding(&s->tx) < queued;
        }
        now = xdpd_mono_ns();
        if (now >= end)
            return 0;
        if (sent || progressed)
            continue;
        if (wait_ns) {
            /* Not due yet: sleep (or spin, for waits too short for a timer) up to the step's end. */
            uint64_t until = r->next_ns < end ? r->next_ns : end;
            if (until > now && until - now > SPIN_NS) {
                xdpd_sleep_until_ns(until);
                now = xdpd_mono_ns();
                if (now < until)
                    return 0;       /* interrupted by a signal */
            }
        } else if (s->tx_path) {
            /* Every frame is with the kernel, or the device made no progress on the last kick: nap
             * briefly and look again (completions of a copy-mode socket arrive when the device frees
             * its skbs, which may be later, in softirq context). */
            if (xdpd_sleep_us(STALL_NAP_US) < 0)
                return 0;           /* interrupted by a signal */
            now = xdpd_mono_ns();
        }
    }
}

void xdpd_replay_counters(const xdpd_replay *r, struct xdpd_replay_counters *out)
{
    *out = r->c;
    out->loops_done = r->loop;
    uint64_t last = r->last_completion_ns ? r->last_completion_ns : r->start_ns;
    out->elapsed_ns = r->start_ns ? last - r->start_ns : 0;
    out->in_flight = r->s->tx_path;
}
