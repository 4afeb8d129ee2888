/* umem.c - the UMEM: one page-aligned anonymous mapping cut into equal frames, and the user-space free
 * list that, with the per-socket rx/tx path counters, accounts for every frame at every moment.
 *
 * The kernel registration (XDP_UMEM_REG) happens on the first socket made on this UMEM (socket.c),
 * as libxdp does, so a failed first bind leaves the UMEM reusable.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define HUGE_PAGE (2u << 20)

int xdpd_umem_create(xdpd_umem **out, uint32_t nframes, uint32_t frame_size, uint32_t headroom)
{
    if (frame_size != 2048 && frame_size != 4096)
        return xdpd_fail(XDPD_STEP_ARGUMENT, EINVAL, "umem frame size %u (2048 or 4096)", frame_size);
    if (nframes == 0 || nframes > (1u << 22))
        return xdpd_fail(XDPD_STEP_ARGUMENT, EINVAL, "umem frame count %u (1 to %u)", nframes, 1u << 22);
    if (headroom + 256 > frame_size)
        return xdpd_fail(XDPD_STEP_ARGUMENT, EINVAL, "umem headroom %u leaves no room for a frame of %u bytes",
                         headroom, frame_size);

    struct xdpd_umem *u = calloc(1, sizeof(*u));
    if (!u)
        return xdpd_fail(XDPD_STEP_ALLOC, ENOMEM, "calloc(1, %zu) of the umem", sizeof(*u));
    u->len = (size_t)nframes * frame_size;
    /* mmap gives page alignment, which XDP_UMEM_REG requires of the area. MAP_SHARED, not private:
     * the kernel pins these pages and writes frames into them; after fork a private mapping's pinned
     * pages are copied for the child at once (copy-on-fork for DMA-pinned pages), so a forked capture
     * loop would read a stale copy. A shared mapping is the same pages in every process. */
    /* Huge pages where the system has them reserved (vm.nr_hugepages), else 4 KiB pages. Every
     * frame read (by the writer, by reference) is a cache miss in a page of its own; in 2 MiB pages
     * it is not also a TLB miss: measured at 64 bytes and 150 kpps on this VM, the writer took
     * 100-108 ns per frame in huge pages against 121-155 in 4 KiB pages. */
    u->area = MAP_FAILED;
    if (u->len % HUGE_PAGE == 0)
        u->area = mmap(NULL, u->len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    u->huge = u->area != MAP_FAILED;
    if (!u->huge)
        u->area = mmap(NULL, u->len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (u->area == MAP_FAILED) {
        int e = errno;
        size_t len = u->len;
        free(u);
        return xdpd_fail(XDPD_STEP_MMAP, e, "mmap(len=%zu, MAP_SHARED|MAP_ANONYMOUS) of the umem", len);
    }
    u->free_list = malloc(sizeof(uint64_t) * nframes);
    u->owner = calloc(nframes, 1);
    if (!u->free_list || !u->owner) {
        free(u->free_list);
        free(u->owner);
        munmap(u->area, u->len);
        free(u);
        return xdpd_fail(XDPD_STEP_ALLOC, ENOMEM, "malloc(%zu) of the umem free list", sizeof(uint64_t) * nframes);
    }
    xdpd_net_map_add(u->area, u->len, 1);
    u->nframes = nframes;
    u->frame_size = frame_size;
    u->headroom = headroom;
    u->owner_fd = -1;
    /* Pushed in reverse so frames are handed out in address order (easier to read in a debugger). */
    for (uint32_t i = 0; i < nframes; i++)
        u->free_list[i] = (uint64_t)(nframes - 1 - i) * frame_size;
    u->nfree = nframes;
    *out = u;
    return 0;
}

int xdpd_umem_destroy(xdpd_umem *u)
{
    if (!u)
        return 0;
    if (u->nsockets)
        return xdpd_fail_internal(XDPD_STEP_STATE, EBUSY, "umem destroy with %u sockets still on it", u->nsockets);
    xdpd_net_map_del(u->area);
    munmap(u->area, u->len);
    free(u->free_list);
    free(u->owner);
    free(u);
    return 0;
}

uint32_t xdpd_umem_free_frames(const xdpd_umem *u)
{
    return u->nfree;
}

int xdpd_umem_attach(struct xdpd_umem *u, xdpd_socket *s)
{
    if (u->nsockets >= XDPD_MAX_SOCKETS)
        return xdpd_fail(XDPD_STEP_ARGUMENT, ENOSPC, "more than %d sockets on one umem", XDPD_MAX_SOCKETS);
    uint8_t id = 1;
    for (uint32_t i = 0; i < u->nsockets; i++)
        if (u->sockets[i]->id >= id)
            id = u->sockets[i]->id + 1;
    if (id > XDPD_MAX_SOCKETS) {
        /* Ids are handed out upwards; find a hole left by a closed socket. */
        for (id = 1; id <= XDPD_MAX_SOCKETS; id++) {
            uint32_t i;
            for (i = 0; i < u->nsockets && u->sockets[i]->id != id; i++)
                ;
            if (i == u->nsockets)
                break;
        }
    }
    s->id = id;
    u->sockets[u->nsockets++] = s;
    return 0;
}

void xdpd_umem_detach(struct xdpd_umem *u, xdpd_socket *s)
{
    /* The socket is being closed: the kernel lets go of every frame it held for it. */
    if (s->rx_path + s->tx_path + s->held) {
        for (uint32_t f = 0; f < u->nframes; f++)
            if (u->owner[f] == s->id)
                xdpd_frame_push(u, (uint64_t)f * u->frame_size);
        s->rx_path = s->tx_path = s->held = 0;
    }
    for (uint32_t i = 0; i < u->nsockets; i++) {
        if (u->sockets[i] == s) {
            u->sockets[i] = u->sockets[--u->nsockets];
            break;
        }
    }
}

void xdpd_umem_check(const xdpd_umem *u, struct xdpd_frame_accounting *out)
{
    memset(out, 0, sizeof(*out));
    out->total = u->nframes;
    out->free = u->nfree;
    for (uint32_t i = 0; i < u->nsockets; i++) {
        const struct xdpd_socket *s = u->sockets[i];
        out->rx_path += s->rx_path;
        out->tx_path += s->tx_path;
        out->held += s->held;
        /* RX before fill: the kernel takes a frame off the fill ring before it publishes it on the RX
         * ring, so reading in this order can miss a frame in transit but never count it twice. */
        if (s->rx.map)
            out->rx_queued += xdpd_cons_pending(&s->rx);
        if (s->fill.map)
            out->fill_queued += xdpd_prod_outstanding(&s->fill);
    }
    uint8_t *seen = calloc(u->nframes, 1);
    if (seen) {
        for (uint32_t i = 0; i < u->nfree; i++) {
            uint64_t f = u->free_list[i] / u->frame_size;
            if (f >= u->nframes || seen[f]++ || u->owner[f])
                out->duplicates++;
        }
        free(seen);
    } else {
        out->duplicates = UINT32_MAX;
    }
    out->ok = out->free + out->rx_path + out->tx_path + out->held == out->total && out->duplicates == 0 &&
              out->fill_queued + out->rx_queued <= out->rx_path;
}
