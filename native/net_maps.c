/* net_maps.c - the net role's shared mappings, listed as they are made: the UMEMs, the AF_XDP
 * rings (fill, RX, completion, TX), the tap's counters, and the mirror's BPF ring buffers (consumer
 * page, producer page and data), stop flag and counters, and the AF_XDP capture's congested flags. Every role is forked from the supervisor,
 * which made them, so every role inherits them as the net role has them; a role that must not have
 * them (the archive role) drops them after the fork, before its seccomp filter (which has no munmap
 * or mprotect): a compromised archive role then cannot forge RX or completion descriptors, refill
 * the fill ring, send on OUT's TX ring, change a frame, move a ring buffer's consumer position (which
 * hands the kernel space the net role is still reading) or set the mirror programs' stop flag. By
 * reference it keeps the UMEMs, read-only: it reads frames there.
 * The list is process-private (each process has its copy after fork) and small: one entry a ring.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "internal.h"

#define MAX_MAPS (XDPD_MAX_SOCKETS * 7)  /* per socket: four rings, a UMEM, the tap's counters, a device's congested flags */

static struct {
    void *addr;
    size_t len;
    int umem;
} maps[MAX_MAPS];

void xdpd_net_map_add(void *addr, size_t len, int umem)
{
    for (int i = 0; i < MAX_MAPS; i++) {
        if (!maps[i].addr) {
            maps[i].addr = addr;
            maps[i].len = len;
            maps[i].umem = umem;
            return;
        }
    }
    /* Full cannot happen (seven mappings a socket at most); a mapping not listed is one the archive
     * role keeps, which xdpd_net_maps_drop then reports. */
}

void xdpd_net_map_del(void *addr)
{
    for (int i = 0; i < MAX_MAPS; i++)
        if (maps[i].addr == addr)
            maps[i].addr = NULL;
}

int xdpd_net_maps_drop(int keep_umem_read_only)
{
    for (int i = 0; i < MAX_MAPS; i++) {
        if (!maps[i].addr)
            continue;
        int keep = maps[i].umem && keep_umem_read_only;
        if (keep ? mprotect(maps[i].addr, maps[i].len, PROT_READ) : munmap(maps[i].addr, maps[i].len))
            return xdpd_fail(XDPD_STEP_MMAP, errno, "%s(len=%zu) of the net role's %s", keep ? "mprotect" : "munmap",
                             maps[i].len, maps[i].umem ? "UMEM" : "ring");
        if (!keep)
            maps[i].addr = NULL;
    }
    return 0;
}
