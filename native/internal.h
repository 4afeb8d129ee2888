/* internal.h - what only C calls: structures and functions shared between the native source files.
 * Not part of the cffi API (xdpd.h is). Ownership of every field shared with the kernel or another
 * process is stated where the field is declared. */
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

/* error.c: record the failure for xdpd_last_error() and return -err. fmt rebuilds the failing call
 * (Firedancer style: "bind(fd=7, ifindex=3, queue=0, flags=XDP_COPY)"). xdpd_fail_internal marks a
 * broken invariant of our own code, which no user input should cause. */
int xdpd_fail(int step, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int xdpd_fail_internal(int step, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* clock.c: the clocks and the one sleep every native loop uses. */
void xdpd_sleep_ms(int ms);         /* up to ms milliseconds; a signal ends it early */
int xdpd_sleep_us(long us);         /* up to us microseconds; -EINTR when a signal ended it early */
void xdpd_sleep_until_ns(uint64_t mono_ns);  /* until CLOCK_MONOTONIC reaches mono_ns (or a signal) */
int64_t xdpd_now_ms(void);          /* CLOCK_MONOTONIC */
int64_t xdpd_now_us(void);          /* CLOCK_MONOTONIC */
uint64_t xdpd_mono_ns(void);        /* CLOCK_MONOTONIC */
uint64_t xdpd_realtime_ns(void);    /* CLOCK_REALTIME, as pcap timestamps want */
int64_t xdpd_realtime_offset_ns(void); /* CLOCK_REALTIME - CLOCK_MONOTONIC, the min-gap of a few paired reads */

/* umem.c: the frame pool. Every frame is in exactly one place: the free list, a socket's rx path
 * (fill ring -> kernel -> RX ring), a socket's tx path (TX ring -> kernel -> completion ring), or held
 * by a socket while the record ring's consumers read it (a capture by reference). */
struct xdpd_umem {
    /* All fields are private to the one process that runs the loop (after fork each process has its
     * own copy and only the net role touches frames). */
    uint8_t *area;
    size_t len;
    int huge;               /* the area is in huge pages (MAP_HUGETLB), else 4 KiB pages */
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
    /* An address from a ring another process can write (completion, a by-reference record) is
     * checked: one outside the UMEM, or one more frame than it has, is not taken back. */
    if (addr >= u->len || u->nfree >= u->nframes)
        return;
    uint64_t base = xdpd_frame_base(u, addr);
    u->owner[base / u->frame_size] = 0;
    u->free_list[u->nfree++] = base;
}

int xdpd_umem_attach(struct xdpd_umem *u, xdpd_socket *s);
void xdpd_umem_detach(struct xdpd_umem *u, xdpd_socket *s);

/* socket.c */
struct xdpd_socket {
    /* Process-private, like the UMEM; the rings' shared indices are described in ring.h. */
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
    uint32_t held;          /* taken from RX, recorded by reference, not yet reclaimed (record_ring.h) */
    uint64_t wakeups_fill, wakeups_tx;
};

/* fill_ring.c: keep the fill ring full (within the socket's quota); wake the kernel when it asks. */
int xdpd_fill_refill(struct xdpd_socket *s);
int xdpd_fill_wakeup(struct xdpd_socket *s);

/* tx.c: kick the kernel to transmit (1 when a sendto was made); reap the completion ring, every
 * frame back to its UMEM's free list, returning how many. */
int xdpd_tx_kick(struct xdpd_socket *s);
uint32_t xdpd_tx_complete(struct xdpd_socket *s);

/* net_maps.c: the UMEMs and AF_XDP rings made in this process (add at mmap, del at munmap), and,
 * in a role forked after that must not write them, dropping them all: unmapped, or read-only for the
 * UMEMs when keep_umem_read_only (a capture by reference). 0 or -errno. */
void xdpd_net_map_add(void *addr, size_t len, int umem);
void xdpd_net_map_del(void *addr);
int xdpd_net_maps_drop(int keep_umem_read_only);

/* role.c: no_new_privs, then the filter (struct sock_filter bytes). xdpd_orphaned: the supervisor
 * died while this role ran (its parent-death signal arrived); 0 outside the roles (tests). */
int xdpd_sandbox_enter(const void *filter, size_t len);
int xdpd_orphaned(void);

/* policy_filters.c: the roles' filters from native/generated/, into out (room for
 * XDPD_FILTER_MAX instructions); return the length in bytes or -errno. */
#define XDPD_FILTER_MAX 512
int xdpd_net_filter(void *out, unsigned int logfile_fd, unsigned int xsk_fd_first, unsigned int xsk_fd_last);
/* The net role of a mirror capture (net_mirror.seccomppolicy): its ring buffers' fd range. */
int xdpd_net_mirror_filter(void *out, unsigned int logfile_fd, unsigned int ring_fd_first, unsigned int ring_fd_last);
int xdpd_archive_filter(void *out, unsigned int logfile_fd, unsigned int archive_fd, unsigned int dir_fd,
                        unsigned int notify_fd);

int xdpd_metrics_filter(void *out, unsigned int logfile_fd, unsigned int listen_fd);
int xdpd_gui_filter(void *out, unsigned int logfile_fd, unsigned int listen_fd);

/* metrics_role.c, gui_role.c, for role.c: each listener role's server (http.h), mapped whole. */
struct http_server;
int xdpd_metrics_server(struct http_server **out, xdpd_metrics_region *mr, xdpd_record_ring *rr, int listen_fd,
                        int log_fd);
int xdpd_gui_server(struct http_server **out, xdpd_metrics_region *mr, xdpd_record_ring *rr, int listen_fd,
                    int log_fd);
int http_serve(struct http_server *s);

/* pcap_writer.c, for the archive role: the ring it reads (the file it writes is xdpd_writer_fd, xdpd.h). */
struct xdpd_record_ring *xdpd_writer_ring(const xdpd_writer *w);

/* rotation.c: the archive's files under -C, -G, -W. State private to the one process running the
 * writer. init names the first file; due says, before a record, whether the current file is done
 * (NEXT: close it, name and open the next; LIMIT: close it and stop); close fsyncs, renames a partial
 * name to its final one and tells notify_fd; open creates the current name in dirfd, onto onto_fd. */
#define XDPD_ROT_NONE 0
#define XDPD_ROT_NEXT 1
#define XDPD_ROT_LIMIT 2
/* The only flags the archive role may create a file with (its seccomp policy says the same). */
#define XDPD_ROT_OPEN_FLAGS (O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC)
struct xdpd_rotation {
    int dirfd;
    int notify_fd;
    int64_t size_limit;
    int interval_s;
    int max_files;
    int wchars;             /* digits of the -C counter with -W */
    int rename_at_close;
    int ccount;             /* tcpdump's Cflag_count */
    int gcount;             /* tcpdump's Gflag_count */
    int64_t gtime;          /* start of the current -G window, in seconds of CLOCK_REALTIME */
    uint64_t closed;        /* files closed */
    char tmpl[256];
    char name[256];         /* final name of the current file */
    char open_name[272];    /* what it is written under: name, or .name.partial */
};
int xdpd_rot_init(struct xdpd_rotation *r, const struct xdpd_rotation_spec *s);
int xdpd_rot_name(struct xdpd_rotation *r, int cnt, int width);
int xdpd_rot_next_name(struct xdpd_rotation *r);
int xdpd_rot_due(struct xdpd_rotation *r, uint64_t size, int64_t now_s);
int xdpd_rot_open(struct xdpd_rotation *r, int onto_fd);
int xdpd_rot_close(struct xdpd_rotation *r, int fd);
/* pcap_writer.c: the rotation's descriptors, for the archive role's filter (-1: no rotation). */
int xdpd_writer_dir_fd(const xdpd_writer *w);
int xdpd_writer_notify_fd(const xdpd_writer *w);
int xdpd_writer_unbuffered(const xdpd_writer *w);   /* -U */

#endif
