/* socket.c - one AF_XDP socket per (ifindex, rx queue): ring sizes, ring mappings, bind, zero-copy.
 *
 * Order follows the kernel's contract: ring sizes by setsockopt, layout from XDP_MMAP_OFFSETS, each ring
 * mmapped at its own page offset, then bind. The first socket on a UMEM registers it (XDP_UMEM_REG) and
 * binds with the mode flags; later sockets bind with XDP_SHARED_UMEM naming the first one's fd (the
 * kernel refuses mode flags on those: they inherit copy/zero-copy/need-wakeup from the owner). A shared
 * socket on a different (dev, queue) needs its own fill and completion rings, so every socket made here
 * has them; two sockets on the same (dev, queue) sharing one fill ring are not supported.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"

static int ring_map(int fd, struct xdpd_ring *r, const struct xdp_ring_offset *off, uint32_t entries,
                    size_t entry_size, off_t pgoff, const char *pgoff_name)
{
    r->map_len = off->desc + (size_t)entries * entry_size;
    r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, pgoff);
    if (r->map == MAP_FAILED) {
        r->map = NULL;
        return xdpd_fail(XDPD_STEP_MMAP, errno, "mmap(fd=%d, len=%zu, offset=%s)", fd, r->map_len, pgoff_name);
    }
    xdpd_net_map_add(r->map, r->map_len, 0);
    uint8_t *base = r->map;
    r->producer = (uint32_t *)(base + off->producer);
    r->consumer = (uint32_t *)(base + off->consumer);
    r->flags = (uint32_t *)(base + off->flags);
    r->descs = base + off->desc;
    r->mask = entries - 1;
    r->size = entries;
    r->cached_prod = *r->producer;
    r->cached_cons = *r->consumer;
    return 0;
}

static void ring_unmap(struct xdpd_ring *r)
{
    if (r->map) {
        xdpd_net_map_del(r->map);
        munmap(r->map, r->map_len);
    }
    memset(r, 0, sizeof(*r));
}

static int pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

static int set_ring(int fd, int opt, uint32_t size, const char *opt_name)
{
    if (setsockopt(fd, SOL_XDP, opt, &size, sizeof(size)))
        return xdpd_fail(XDPD_STEP_RING_SETUP, errno, "setsockopt(fd=%d, SOL_XDP, %s, %u)", fd, opt_name, size);
    return 0;
}

/* The bind flags as the call would be written: "XDP_COPY|XDP_USE_NEED_WAKEUP" (or "0"). */
static const char *bind_flags(uint16_t flags, char *buf, size_t len)
{
    static const struct { uint16_t bit; const char *name; } names[] = {
        {XDP_SHARED_UMEM, "XDP_SHARED_UMEM"}, {XDP_COPY, "XDP_COPY"}, {XDP_ZEROCOPY, "XDP_ZEROCOPY"},
        {XDP_USE_NEED_WAKEUP, "XDP_USE_NEED_WAKEUP"},
    };
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (flags & names[i].bit)
            n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "|" : "", names[i].name);
    if (!n)
        snprintf(buf, len, "0");
    return buf;
}

static void socket_free(struct xdpd_socket *s)
{
    ring_unmap(&s->fill);
    ring_unmap(&s->comp);
    ring_unmap(&s->rx);
    ring_unmap(&s->tx);
    if (s->fd >= 0)
        close(s->fd);
    free(s);
}

int xdpd_socket_create(xdpd_socket **out, xdpd_umem *u, uint32_t ifindex, uint32_t queue, uint32_t rx_size,
                       uint32_t tx_size, uint32_t fill_size, uint32_t comp_size, int bind_mode,
                       int need_wakeup)
{
    int err;
    if ((rx_size && !pow2(rx_size)) || (tx_size && !pow2(tx_size)) || !pow2(fill_size) || !pow2(comp_size))
        return xdpd_fail(XDPD_STEP_ARGUMENT, EINVAL, "ring sizes rx=%u tx=%u fill=%u completion=%u (powers of two)",
                         rx_size, tx_size, fill_size, comp_size);
    if (!rx_size && !tx_size)
        return xdpd_fail_internal(XDPD_STEP_ARGUMENT, EINVAL, "socket with neither an rx nor a tx ring");
    if (bind_mode != XDPD_BIND_AUTO && bind_mode != XDPD_BIND_COPY && bind_mode != XDPD_BIND_ZEROCOPY)
        return xdpd_fail_internal(XDPD_STEP_ARGUMENT, EINVAL, "bind mode %d", bind_mode);

    if (u->owner_gone)
        return xdpd_fail_internal(XDPD_STEP_STATE, EBUSY, "socket on a umem whose registering socket is closed");
    struct xdpd_socket *s = calloc(1, sizeof(*s));
    if (!s)
        return xdpd_fail(XDPD_STEP_ALLOC, ENOMEM, "calloc(1, %zu) of a socket", sizeof(*s));
    s->umem = u;
    s->ifindex = ifindex;
    s->queue = queue;
    s->shared = u->owner_fd >= 0;
    s->fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (s->fd < 0) {
        err = xdpd_fail(XDPD_STEP_SOCKET, errno, "socket(AF_XDP, SOCK_RAW|SOCK_CLOEXEC, 0)");
        free(s);
        return err;
    }

    if (!s->shared) {
        struct xdp_umem_reg reg = {
            .addr = (uint64_t)(uintptr_t)u->area,
            .len = u->len,
            .chunk_size = u->frame_size,
            .headroom = u->headroom,
        };
        if (setsockopt(s->fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg))) {
            err = xdpd_fail(XDPD_STEP_UMEM_REG, errno,
                            "setsockopt(fd=%d, SOL_XDP, XDP_UMEM_REG(addr=%p, len=%zu, chunk_size=%u, headroom=%u))",
                            s->fd, (void *)u->area, u->len, u->frame_size, u->headroom);
            goto fail;
        }
    }
    if ((err = set_ring(s->fd, XDP_UMEM_FILL_RING, fill_size, "XDP_UMEM_FILL_RING")) ||
        (err = set_ring(s->fd, XDP_UMEM_COMPLETION_RING, comp_size, "XDP_UMEM_COMPLETION_RING")))
        goto fail;
    if (rx_size && (err = set_ring(s->fd, XDP_RX_RING, rx_size, "XDP_RX_RING")))
        goto fail;
    if (tx_size && (err = set_ring(s->fd, XDP_TX_RING, tx_size, "XDP_TX_RING")))
        goto fail;

    struct xdp_mmap_offsets off;
    socklen_t optlen = sizeof(off);
    if (getsockopt(s->fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen)) {
        err = xdpd_fail(XDPD_STEP_RING_SETUP, errno, "getsockopt(fd=%d, SOL_XDP, XDP_MMAP_OFFSETS)", s->fd);
        goto fail;
    }
    if ((err = ring_map(s->fd, &s->fill, &off.fr, fill_size, sizeof(uint64_t), XDP_UMEM_PGOFF_FILL_RING,
                        "XDP_UMEM_PGOFF_FILL_RING")) ||
        (err = ring_map(s->fd, &s->comp, &off.cr, comp_size, sizeof(uint64_t),
                        XDP_UMEM_PGOFF_COMPLETION_RING, "XDP_UMEM_PGOFF_COMPLETION_RING")))
        goto fail;
    /* Producer rings: the cached consumer view is "kernel consumer + size" (see ring.h). */
    s->fill.cached_cons += fill_size;
    if (rx_size && (err = ring_map(s->fd, &s->rx, &off.rx, rx_size, sizeof(struct xdp_desc),
                                   XDP_PGOFF_RX_RING, "XDP_PGOFF_RX_RING")))
        goto fail;
    if (tx_size) {
        if ((err = ring_map(s->fd, &s->tx, &off.tx, tx_size, sizeof(struct xdp_desc), XDP_PGOFF_TX_RING,
                            "XDP_PGOFF_TX_RING")))
            goto fail;
        s->tx.cached_cons += tx_size;
    }

    struct sockaddr_xdp sxdp = {.sxdp_family = AF_XDP, .sxdp_ifindex = ifindex, .sxdp_queue_id = queue};
    if (s->shared) {
        sxdp.sxdp_flags = XDP_SHARED_UMEM;
        sxdp.sxdp_shared_umem_fd = (uint32_t)u->owner_fd;
        s->need_wakeup = u->need_wakeup;
    } else {
        /* No mode flag = the kernel tries zero-copy and falls back to copy by itself. */
        if (bind_mode == XDPD_BIND_COPY)
            sxdp.sxdp_flags |= XDP_COPY;
        else if (bind_mode == XDPD_BIND_ZEROCOPY)
            sxdp.sxdp_flags |= XDP_ZEROCOPY;
        if (need_wakeup)
            sxdp.sxdp_flags |= XDP_USE_NEED_WAKEUP;
        s->need_wakeup = !!need_wakeup;
    }
    if (bind(s->fd, (struct sockaddr *)&sxdp, sizeof(sxdp))) {
        char flags[96], shared_fd[32];
        snprintf(shared_fd, sizeof(shared_fd), ", shared_umem_fd=%u", sxdp.sxdp_shared_umem_fd);
        err = xdpd_fail(XDPD_STEP_BIND, errno, "bind(fd=%d, ifindex=%u, queue=%u, flags=%s%s)", s->fd, ifindex,
                        queue, bind_flags(sxdp.sxdp_flags, flags, sizeof(flags)),
                        s->shared ? shared_fd : "");
        goto fail;
    }

    struct xdp_options opts = {0};
    optlen = sizeof(opts);
    if (getsockopt(s->fd, SOL_XDP, XDP_OPTIONS, &opts, &optlen) == 0)
        s->zerocopy = !!(opts.flags & XDP_OPTIONS_ZEROCOPY);
    if (s->shared && bind_mode == XDPD_BIND_ZEROCOPY && !s->zerocopy) {
        err = xdpd_fail(XDPD_STEP_BIND, EOPNOTSUPP, "bind(fd=%d, ifindex=%u, queue=%u, flags=XDP_SHARED_UMEM): "
                        "zero-copy asked for, the shared umem is in copy mode", s->fd, ifindex, queue);
        goto fail;
    }
    if ((err = xdpd_umem_attach(u, s)))
        goto fail;
    if (!s->shared) {
        u->owner_fd = s->fd;
        u->need_wakeup = s->need_wakeup;
    }
    *out = s;
    return 0;
fail:
    socket_free(s);
    return err;
}

void xdpd_socket_destroy(xdpd_socket *s)
{
    if (!s)
        return;
    struct xdpd_umem *u = s->umem;
    xdpd_umem_detach(u, s);
    if (u->owner_fd == s->fd) {
        u->owner_fd = -1;
        /* The kernel keeps the UMEM alive for the sockets sharing it, but a new socket can no longer
         * name it: refuse new sockets until every socket is gone and the UMEM can be registered again. */
        u->owner_gone = u->nsockets != 0;
    } else if (u->nsockets == 0) {
        u->owner_gone = 0;
    }
    socket_free(s);
}

int xdpd_socket_fd(const xdpd_socket *s)
{
    return s->fd;
}

int xdpd_socket_zerocopy(const xdpd_socket *s)
{
    return s->zerocopy;
}

int xdpd_socket_shared(const xdpd_socket *s)
{
    return s->shared;
}
