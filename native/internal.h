/* internal.h - structures shared between the native source files (not part of the cffi API). */
#ifndef XDPD_INTERNAL_H
#define XDPD_INTERNAL_H

#include <errno.h>
#include <stdint.h>
#include "xdpd.h"
#include "ring.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#ifndef XDP_OPTIONS
#define XDP_OPTIONS 8
#define XDP_OPTIONS_ZEROCOPY (1 << 0)
#endif
#ifndef XDP_USE_NEED_WAKEUP
#define XDP_USE_NEED_WAKEUP (1 << 3)
#endif

/* Records the failing step for xdpd_error_where() and returns -err. */
int xdpd_fail(const char *where, int err);

/* clock.c */
void xdpd_sleep_ms(int ms);         /* up to ms milliseconds; a signal ends it early */
int64_t xdpd_now_ms(void);          /* CLOCK_MONOTONIC */
uint64_t xdpd_mono_ns(void);        /* CLOCK_MONOTONIC */
uint64_t xdpd_realtime_ns(void);    /* CLOCK_REALTIME, as pcap timestamps want */

/* umem.c: the frame pool. Every frame is in exactly one place: the free list, a socket's rx path
 * (fill ring -> kernel -> RX ring) or a socket's tx path (TX ring -> kernel -> completion ring). */
struct xdpd_umem {
    uint8_t *area;
    size_t len;
    uint32_t nframes;
    uint32_t frame_size;
    uint32_t headroom;
    int owner_fd;           /* socket the UMEM is registered on (-1 until the first socket) */
    int need_wakeup;        /* bind flag of the owner, inherited by XDP_SHARED_UMEM sockets */
    uint32_t nsockets;
    xdpd_socket *sockets[XDPD_MAX_SOCKETS];
    uint64_t *free_list;
    uint32_t nfree;
    uint8_t *owner;         /* per frame: 0 on the free list, else the id of the socket holding it */
    int owner_gone;         /* the registering socket was closed while others still share the UMEM */
};

static inline uint64_t xdpd_frame_base(const struct xdpd_umem *u, uint64_t addr)
{
    /* Aligned chunk mode: the kernel hands back addresses offset by headroom inside the chunk. */
    return addr & ~(uint64_t)(u->frame_size - 1);
}

static inline int xdpd_frame_pop(struct xdpd_umem *u, uint8_t owner_id, uint64_t *addr)
{
    if (u->nfree == 0)
        return 0;
    *addr = u->free_list[--u->nfree];
    u->owner[*addr / u->frame_size] = owner_id;
    return 1;
}

static inline void xdpd_frame_push(struct xdpd_umem *u, uint64_t addr)
{
    uint64_t base = xdpd_frame_base(u, addr);
    u->owner[base / u->frame_size] = 0;
    u->free_list[u->nfree++] = base;
}

int xdpd_umem_attach(struct xdpd_umem *u, xdpd_socket *s);
void xdpd_umem_detach(struct xdpd_umem *u, xdpd_socket *s);

/* socket.c */
struct xdpd_socket {
    int fd;
    uint8_t id;             /* 1..XDPD_MAX_SOCKETS, unique on its UMEM, marks the frames it holds */
    int shared;             /* bound with XDP_SHARED_UMEM to another socket's UMEM */
    int zerocopy;
    int need_wakeup;
    uint32_t ifindex;
    uint32_t queue;
    struct xdpd_umem *umem;
    struct xdpd_ring fill, comp, rx, tx;
    uint32_t rx_path;       /* frames given to this socket's fill ring and not yet consumed from RX */
    uint32_t tx_path;       /* frames put on the TX ring and not yet reaped */
    uint64_t wakeups_fill, wakeups_tx;
};

/* tx.c: reap the completion ring, every frame back to its UMEM's free list; returns how many. */
uint32_t xdpd_tx_complete(struct xdpd_socket *s);

#endif
