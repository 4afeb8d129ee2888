/* mirror_loop.c - the mirror capture, a producer: the BPF ring buffers of bpf/mirror.c -> the record ring.
 *
 * The kernel programs (XDP on ingress, TCX on egress) copy each matching frame into the ring buffer of
 * their CPU and let the frame go on; this loop, in the net role, reads those rings and writes one
 * record per frame into the shared record ring, where the archive writer and the printer read it as
 * they read an AF_XDP capture's. Everything is mapped at set-up, before the net role's filter: the
 * rings (consumer page read-write, producer page and data read-only, the data mapped twice by the
 * kernel so a record never wraps), the programs' counters and their stop flag (mmapable arrays).
 * The loop's only system calls are ppoll (idle waits and naps, net_loop.c) and clock_gettime.
 *
 * Ring buffer protocol (kernel/bpf/ringbuf.c): each record is an 8-byte header (length with
 * BPF_RINGBUF_BUSY_BIT while the producer writes it, BPF_RINGBUF_DISCARD_BIT for a discarded one;
 * the page offset) and the sample, padded to 8 bytes. The producer position is load-acquired, a
 * header's length too (the kernel release-stores it on commit); the consumer position is
 * release-stored once the record has been copied, which hands the space back to the kernel.
 *
 * Timestamps: the programs stamp bpf_ktime_get_ns() (CLOCK_MONOTONIC); the record gets that plus
 * CLOCK_REALTIME - CLOCK_MONOTONIC, sampled at set-up and again with every statistics update, so a
 * stepped clock moves the stamps at the next update and never reorders the frames of one ring.
 *
 * The stop: the net loop marks how far each ring was filled; drained to there, this loop sets the
 * programs' stop flag (from then on they look at no frame) and drains what the programs had matched
 * before they saw it, until their counters balance (captured + dropped == matched) and everything
 * captured is recorded, within a bound.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "producer.h"
#include "record_ring.h"

#define RB_BUSY (1u << 31)
#define RB_DISCARD (1u << 30)
#define RB_HDR 8u
#define MC_N 5          /* counters per CPU and direction (bpf/mirror.c) */
#define MC_MATCHED 1
#define MC_CAPTURED 2
#define MC_DROP_FULL 3
#define MC_DROP_COPY 4
#define BALANCE_WAIT_MS 200   /* how long the stop waits for programs that saw the frame before the flag */

/* A record as bpf/mirror.c writes it (struct xdpd_mhdr), then cap_len bytes. */
struct mirror_hdr {
    uint64_t ts_ns;
    uint32_t wire_len;
    uint32_t cap_len;
    uint32_t ifindex;
    uint32_t direction;
};

struct mirror_ring {
    int fd;
    uint64_t *cons_pos;         /* the consumer page (ours to write) */
    const uint64_t *prod_pos;   /* the producer page (the kernel's) */
    const uint8_t *data;        /* data area, mapped twice in a row by the kernel */
    uint64_t mask;
    size_t prod_len;
    uint64_t stop_at;           /* producer position when the stop was marked */
};

struct xdpd_mirror {
    struct xdpd_producer producer;
    struct xdpd_record_ring *rr;
    uint32_t snaplen;
    uint64_t count;             /* 0 = no limit */
    uint32_t n;
    struct mirror_ring rings[XDPD_MAX_SOCKETS];
    struct pollfd pfd[XDPD_MAX_SOCKETS];
    uint32_t nifs;
    uint32_t ifindex[XDPD_MAX_SOCKETS];
    uint16_t ifslot[XDPD_MAX_SOCKETS];
    volatile uint64_t *ctl;     /* the programs' stop flag (xdpd_mctl[0]) */
    size_t ctl_len;
    const volatile uint64_t *mcount;  /* the programs' counters (xdpd_mcount) */
    size_t mcount_len;
    uint32_t nmcount;
    int64_t rt_offset_ns;       /* CLOCK_REALTIME - CLOCK_MONOTONIC */
    uint64_t recorded;          /* records written: the count, and the stop's balance */
};

static size_t page_size(void)
{
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

static size_t page_round(size_t n)
{
    size_t p = page_size();
    return (n + p - 1) / p * p;
}

static uint16_t slot_of(const struct xdpd_mirror *m, uint32_t ifindex)
{
    for (uint32_t i = 0; i < m->nifs; i++)
        if (m->ifindex[i] == ifindex)
            return m->ifslot[i];
    return 0;
}

/* The next record of ring i to take (its header in *h, its length in the ring in *step), skipping
 * discarded ones; NULL when the ring holds none below until, or its next is still being written. */
static const uint8_t *ring_head(struct mirror_ring *r, uint64_t *cons, uint64_t until, struct mirror_hdr *h,
                                uint32_t *len, uint64_t *step)
{
    while (*cons < until) {
        const uint8_t *at = r->data + (*cons & r->mask);
        uint32_t word = __atomic_load_n((const uint32_t *)at, __ATOMIC_ACQUIRE);
        if (word & RB_BUSY)
            return NULL;    /* still being written: a later pass takes it */
        *len = word & ~(RB_BUSY | RB_DISCARD);
        *step = (RB_HDR + *len + 7) & ~7ull;
        if (!(word & RB_DISCARD) && *len >= sizeof(*h)) {
            memcpy(h, at + RB_HDR, sizeof(*h));
            return at + RB_HDR;
        }
        *cons += *step;
    }
    return NULL;
}

static uint32_t mirror_limit(const struct xdpd_mirror *m, uint32_t budget)
{
    if (!m->count)
        return budget;
    uint64_t left = m->count > m->recorded ? m->count - m->recorded : 0;
    return left < budget ? (uint32_t)left : budget;
}

/* One pass: records of every ring up to its producer position (to_mark: its stop mark), at most
 * `budget`, merged by timestamp. Each ring is in order (one CPU's programs, which never nest); the
 * merge keeps the record ring in order across CPUs, so a reply handled on one CPU never comes
 * before the request sent from another. The consumer positions are released once per pass. */
static uint32_t mirror_pass(struct xdpd_mirror *m, uint32_t budget, int to_mark)
{
    uint32_t moved = 0, limit = mirror_limit(m, budget);
    uint64_t cons[XDPD_MAX_SOCKETS], until[XDPD_MAX_SOCKETS], bytes = 0;
    int blocked = 0;
    for (uint32_t i = 0; i < m->n; i++) {
        cons[i] = *m->rings[i].cons_pos;
        until[i] = to_mark ? m->rings[i].stop_at : __atomic_load_n(m->rings[i].prod_pos, __ATOMIC_ACQUIRE);
    }
    while (moved < limit) {
        int best = -1;
        const uint8_t *best_at = NULL;
        struct mirror_hdr best_h, h;
        uint32_t best_len = 0, len;
        uint64_t best_step = 0, step;
        for (uint32_t i = 0; i < m->n; i++) {
            const uint8_t *at = ring_head(&m->rings[i], &cons[i], until[i], &h, &len, &step);
            if (at && (best < 0 || h.ts_ns < best_h.ts_ns)) {
                best = (int)i;
                best_at = at;
                best_h = h;
                best_len = len;
                best_step = step;
            }
        }
        if (best < 0)
            break;
        uint32_t cap = best_h.cap_len < m->snaplen ? best_h.cap_len : m->snaplen;
        if (cap > best_len - sizeof(best_h))
            cap = best_len - (uint32_t)sizeof(best_h);
        struct xdpd_record *rec = xdpd_rr_reserve(m->rr, cap);
        if (!rec) {
            blocked = 1;    /* the rest stays in the rings; the kernel drops and counts what no longer fits */
            break;
        }
        rec->wire_len = best_h.wire_len;
        rec->ifslot = slot_of(m, best_h.ifindex);
        rec->queue = 0;
        rec->direction = (uint8_t)best_h.direction;
        rec->ts_ns = (uint64_t)((int64_t)best_h.ts_ns + m->rt_offset_ns);
        memcpy(rec->data, best_at + sizeof(best_h), cap);
        xdpd_rr_commit(m->rr, rec);
        cons[best] += best_step;
        bytes += cap;
        moved++;
    }
    for (uint32_t i = 0; i < m->n; i++)
        __atomic_store_n(m->rings[i].cons_pos, cons[i], __ATOMIC_RELEASE);
    if (moved) {
        m->recorded += moved;
        __atomic_store_n(&m->rr->bytes, m->rr->bytes + bytes, __ATOMIC_RELAXED);
        xdpd_rr_publish(m->rr);
        __atomic_store_n(&m->rr->captured, m->rr->captured + moved, __ATOMIC_RELEASE);
    }
    if (blocked)
        __atomic_store_n(&m->rr->ring_full, m->rr->ring_full + 1, __ATOMIC_RELAXED);
    return moved;
}

static int mirror_step(void *self, int timeout_ms, uint32_t budget)
{
    struct xdpd_mirror *m = self;
    uint32_t moved = mirror_pass(m, budget, 0);
    if (moved || timeout_ms <= 0)
        return (int)moved;
    /* Idle: sleep on the rings. The programs' adaptive notification wakes a consumer that has caught
     * up, which this one has. */
    struct timespec ts = {.tv_sec = timeout_ms / 1000, .tv_nsec = (long)(timeout_ms % 1000) * 1000000L};
    int r = ppoll(m->pfd, m->n, &ts, NULL);
    if (r < 0 && errno != EINTR)
        return xdpd_fail(XDPD_STEP_POLL, errno, "ppoll(%u ring buffers, %d ms)", m->n, timeout_ms);
    return (int)mirror_pass(m, budget, 0);
}

static void mirror_mark_stop(void *self)
{
    struct xdpd_mirror *m = self;
    for (uint32_t i = 0; i < m->n; i++)
        m->rings[i].stop_at = __atomic_load_n(m->rings[i].prod_pos, __ATOMIC_ACQUIRE);
}

static uint64_t counter_sum(const struct xdpd_mirror *m, uint32_t which)
{
    uint64_t sum = 0;
    for (uint32_t i = which; i < m->nmcount; i += MC_N)
        sum += __atomic_load_n(&m->mcount[i], __ATOMIC_RELAXED);
    return sum;
}

static uint32_t mirror_pending_at_stop(const void *self)
{
    const struct xdpd_mirror *m = self;
    uint32_t pending = 0;
    for (uint32_t i = 0; i < m->n; i++)
        if (*m->rings[i].cons_pos < m->rings[i].stop_at)
            pending++;
    return pending;
}

/* After the drain to the mark: stop the programs, then take what they matched before they saw the
 * flag, so that every frame they counted as captured is recorded. */
static int mirror_flush(void *self, int timeout_ms)
{
    struct xdpd_mirror *m = self;
    (void)timeout_ms;
    __atomic_store_n(m->ctl, 1, __ATOMIC_SEQ_CST);
    int64_t deadline = xdpd_now_ms() + BALANCE_WAIT_MS;
    for (;;) {
        while (mirror_pass(m, 4096, 0))
            ;
        uint64_t matched = counter_sum(m, MC_MATCHED), captured = counter_sum(m, MC_CAPTURED);
        uint64_t dropped = counter_sum(m, MC_DROP_FULL) + counter_sum(m, MC_DROP_COPY);
        int balanced = captured + dropped == matched && (m->count ? 1 : captured == m->recorded);
        if (balanced || xdpd_now_ms() >= deadline || (m->count && m->recorded >= m->count))
            return 0;
        xdpd_sleep_ms(1);
    }
}

static int mirror_update_stats(void *self)
{
    struct xdpd_mirror *m = self;
    m->rt_offset_ns = xdpd_realtime_offset_ns();
    return 0;
}

static uint32_t mirror_headroom(const void *self)
{
    /* Records of 64-byte frames a ring holds (32 header bytes and 64 of frame each): what the net
     * loop's nap bound wants to know. */
    const struct xdpd_mirror *m = self;
    return m->n ? (uint32_t)((m->rings[0].mask + 1) / 96) : 1;
}

static int mirror_done(const void *self)
{
    const struct xdpd_mirror *m = self;
    return m->count && m->recorded >= m->count;
}

static void mirror_fd_range(const void *self, int *first, int *last)
{
    const struct xdpd_mirror *m = self;
    *first = *last = -1;
    for (uint32_t i = 0; i < m->n; i++) {
        if (*first < 0 || m->rings[i].fd < *first)
            *first = m->rings[i].fd;
        if (m->rings[i].fd > *last)
            *last = m->rings[i].fd;
    }
}

static const struct xdpd_producer_ops mirror_ops = {
    .step = mirror_step,
    .mark_stop = mirror_mark_stop,
    .pending_at_stop = mirror_pending_at_stop,
    .flush = mirror_flush,
    .update_stats = mirror_update_stats,
    .headroom = mirror_headroom,
    .done = mirror_done,
    .fd_range = mirror_fd_range,
    .filter = xdpd_net_mirror_filter,
};

int xdpd_mirror_create(xdpd_mirror **out, xdpd_record_ring *rr, uint32_t snaplen, uint64_t count, int ctl_fd,
                       int counters_fd, uint32_t ncounters)
{
    if (ncounters == 0 || ncounters % MC_N)
        return xdpd_fail_internal(XDPD_STEP_ARGUMENT, EINVAL, "mirror counters: %u, not a multiple of %d",
                                  ncounters, MC_N);
    struct xdpd_mirror *m = calloc(1, sizeof(*m));
    if (!m)
        return xdpd_fail(XDPD_STEP_ALLOC, ENOMEM, "calloc(1, %zu) of the mirror capture", sizeof(*m));
    m->rr = rr;
    m->snaplen = snaplen;
    m->count = count;
    xdpd_rr_geom_snaplen(rr, snaplen);   /* set-up, before the fork: what consumers check against */
    m->producer = (struct xdpd_producer){.ops = &mirror_ops, .self = m, .rr = rr};
    m->ctl_len = page_round(sizeof(uint64_t));
    void *ctl = mmap(NULL, m->ctl_len, PROT_READ | PROT_WRITE, MAP_SHARED, ctl_fd, 0);
    if (ctl == MAP_FAILED) {
        int err = errno;
        free(m);
        return xdpd_fail(XDPD_STEP_MMAP, err, "mmap(len=%zu, fd=%d) of the mirror's stop flag", m->ctl_len, ctl_fd);
    }
    m->ctl = ctl;
    xdpd_net_map_add(ctl, m->ctl_len, 0);   /* the net role's (net_maps.c): the archive role drops it */
    m->nmcount = ncounters;
    m->mcount_len = page_round((size_t)ncounters * sizeof(uint64_t));
    void *mc = mmap(NULL, m->mcount_len, PROT_READ, MAP_SHARED, counters_fd, 0);
    if (mc == MAP_FAILED) {
        int err = errno;
        munmap(ctl, m->ctl_len);
        free(m);
        return xdpd_fail(XDPD_STEP_MMAP, err, "mmap(len=%zu, fd=%d) of the mirror's counters", m->mcount_len,
                         counters_fd);
    }
    m->mcount = mc;
    xdpd_net_map_add(mc, m->mcount_len, 0);
    m->rt_offset_ns = xdpd_realtime_offset_ns();
    *out = m;
    return 0;
}

int xdpd_mirror_add_ring(xdpd_mirror *m, int fd, uint32_t size)
{
    if (m->n >= XDPD_MAX_SOCKETS)
        return xdpd_fail(XDPD_STEP_ARGUMENT, ENOSPC, "more than %d ring buffers in one capture", XDPD_MAX_SOCKETS);
    if (size == 0 || (size & (size - 1)) || size % page_size())
        return xdpd_fail_internal(XDPD_STEP_ARGUMENT, EINVAL, "ring buffer of %u bytes", size);
    size_t pg = page_size();
    void *cons = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (cons == MAP_FAILED)
        return xdpd_fail(XDPD_STEP_MMAP, errno, "mmap(len=%zu, fd=%d) of a ring buffer's consumer page", pg, fd);
    size_t prod_len = pg + 2 * (size_t)size;
    void *prod = mmap(NULL, prod_len, PROT_READ, MAP_SHARED, fd, (off_t)pg);
    if (prod == MAP_FAILED) {
        int err = errno;
        munmap(cons, pg);
        return xdpd_fail(XDPD_STEP_MMAP, err, "mmap(len=%zu, fd=%d, offset=%zu) of a ring buffer's data", prod_len,
                         fd, pg);
    }
    /* The net role's alone: a consumer page written elsewhere would move what the kernel may
     * overwrite under the net role's reads. The archive role drops both (net_maps.c). */
    xdpd_net_map_add(cons, pg, 0);
    xdpd_net_map_add(prod, prod_len, 0);
    struct mirror_ring *r = &m->rings[m->n];
    r->fd = fd;
    r->cons_pos = cons;
    r->prod_pos = prod;
    r->data = (const uint8_t *)prod + pg;
    r->mask = size - 1;
    r->prod_len = prod_len;
    m->pfd[m->n].fd = fd;
    m->pfd[m->n].events = POLLIN;
    m->n++;
    return 0;
}

int xdpd_mirror_add_interface(xdpd_mirror *m, uint32_t ifindex, uint16_t ifslot)
{
    if (m->nifs >= XDPD_MAX_SOCKETS)
        return xdpd_fail(XDPD_STEP_ARGUMENT, ENOSPC, "more than %d interfaces in one capture", XDPD_MAX_SOCKETS);
    m->ifindex[m->nifs] = ifindex;
    m->ifslot[m->nifs] = ifslot;
    m->nifs++;
    xdpd_rr_geom_ifslot(m->rr, ifslot);
    return 0;
}

void xdpd_mirror_counters(const xdpd_mirror *m, uint64_t *out, uint32_t n)
{
    for (uint32_t i = 0; i < n && i < m->nmcount; i++)
        out[i] = __atomic_load_n(&m->mcount[i], __ATOMIC_RELAXED);
}

static void unmap_rings(struct xdpd_mirror *m)
{
    size_t pg = page_size();
    for (uint32_t i = 0; i < m->n; i++) {
        xdpd_net_map_del(m->rings[i].cons_pos);
        xdpd_net_map_del((void *)m->rings[i].prod_pos);
        munmap(m->rings[i].cons_pos, pg);
        munmap((void *)m->rings[i].prod_pos, m->rings[i].prod_len);
    }
    m->n = 0;
}

void xdpd_mirror_destroy(xdpd_mirror *m)
{
    if (!m)
        return;
    unmap_rings(m);
    xdpd_net_map_del((void *)m->ctl);
    xdpd_net_map_del((void *)m->mcount);
    munmap((void *)m->ctl, m->ctl_len);
    munmap((void *)m->mcount, m->mcount_len);
    free(m);
}

/* In the supervisor once the net role runs: the rings go (the role has its own mappings); the
 * counters stay mapped, for the summary. */
void xdpd_mirror_release(xdpd_mirror *m)
{
    unmap_rings(m);
}

xdpd_producer *xdpd_mirror_producer(xdpd_mirror *m)
{
    return &m->producer;
}
