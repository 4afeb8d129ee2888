/* xdpd.h - the public C API of xdpdump's native core: exactly what Python calls (the cffi cdef is
 * generated from this file). What only C calls is in internal.h.
 *
 * Conventions: functions return >= 0 on success and -errno on failure; when one fails,
 * xdpd_last_error() says which step failed, with the failing call rebuilt and whether it was an
 * internal invariant (a bug) rather than something the user can change. Opaque handles are
 * process-local (malloc'd); the record ring is one MAP_SHARED mapping holding only offsets, so it
 * survives fork and is shared by the producer (capture or tap) and its consumers (pcap writer, printer).
 * The cdef parser keeps only the "#define NAME number" lines of this file.
 */
#ifndef XDPD_H
#define XDPD_H
#include <stdint.h>
#include <stddef.h>

#define XDPD_MAX_SOCKETS 64
#define XDPD_MAX_CONSUMERS 8

#define XDPD_BIND_AUTO 0
#define XDPD_BIND_COPY 1
#define XDPD_BIND_ZEROCOPY 2

/* A record's direction: pcapng's epb_flags inbound (1) and outbound (2); tcpdump's -Q. */
#define XDPD_DIR_IN 1
#define XDPD_DIR_OUT 2

#define XDPD_FMT_PCAP 0
#define XDPD_FMT_PCAPNG 1
#define XDPD_FMT_NANO 256  /* or-ed into a format: nanosecond pcap (magic 0xa1b23c4d); pcapng always is */

/* struct xdpd_error.step: which part of the set-up or the loop failed. */
#define XDPD_STEP_ARGUMENT 1    /* a size, mode or format the native side refuses */
#define XDPD_STEP_ALLOC 2       /* calloc/malloc */
#define XDPD_STEP_MMAP 3        /* mmap of the UMEM, a ring or the record ring */
#define XDPD_STEP_SOCKET 4      /* socket(AF_XDP) */
#define XDPD_STEP_UMEM_REG 5    /* setsockopt(XDP_UMEM_REG) */
#define XDPD_STEP_RING_SETUP 6  /* ring sizes, XDP_MMAP_OFFSETS */
#define XDPD_STEP_BIND 7        /* bind(AF_XDP) */
#define XDPD_STEP_STATISTICS 8  /* getsockopt(XDP_STATISTICS) */
#define XDPD_STEP_WAKEUP 9      /* recvmsg/sendto wake-ups of the kernel */
#define XDPD_STEP_POLL 10       /* ppoll on the sockets */
#define XDPD_STEP_WRITE 11      /* write of the capture file */
#define XDPD_STEP_CONSUMER 12   /* record ring consumer slots */
#define XDPD_STEP_STATE 13      /* an object used in a state it cannot be used in */
#define XDPD_STEP_SECCOMP 14    /* building or installing a seccomp filter */

/* The last failure of this thread. internal = 1: an invariant of xdpdump's own code broke (not the
 * user's doing). call: the failing call with its arguments, e.g. "bind(fd=7, ifindex=3, queue=0,
 * flags=XDP_COPY|XDP_USE_NEED_WAKEUP)". */
struct xdpd_error {
    int32_t step;
    int32_t err;
    int32_t internal;
    char call[192];
};

typedef struct xdpd_umem xdpd_umem;
typedef struct xdpd_socket xdpd_socket;
typedef struct xdpd_record_ring xdpd_record_ring;
typedef struct xdpd_producer xdpd_producer;
typedef struct xdpd_capture xdpd_capture;
typedef struct xdpd_tap xdpd_tap;
typedef struct xdpd_mirror xdpd_mirror;
typedef struct xdpd_writer xdpd_writer;
typedef struct xdpd_replay xdpd_replay;

/* getsockopt(SOL_XDP, XDP_STATISTICS); fields an old kernel does not report stay 0. */
struct xdpd_xsk_stats {
    uint64_t rx_dropped;
    uint64_t rx_invalid_descs;
    uint64_t tx_invalid_descs;
    uint64_t rx_ring_full;
    uint64_t rx_fill_ring_empty_descs;
    uint64_t tx_ring_empty_descs;
};

/* Where every UMEM frame is (xdpd_umem_check). */
struct xdpd_frame_accounting {
    uint32_t total;
    uint32_t free;          /* on the user-space free list */
    uint32_t rx_path;       /* given to a fill ring, not yet back from an RX ring */
    uint32_t tx_path;       /* put on a TX ring, not yet reaped from a completion ring */
    uint32_t held;          /* recorded by reference, waiting for the record ring's consumers */
    uint32_t fill_queued;   /* of rx_path: still on the fill rings */
    uint32_t rx_queued;     /* of rx_path: on the RX rings, not yet consumed */
    uint32_t duplicates;    /* frames on the free list twice (must be 0) */
    int32_t ok;             /* 1 when free + rx_path + tx_path + held == total and nothing is duplicated */
};

/* One socket's slot in the record ring's shared counters. Only the producer (the net role) writes
 * them; the supervisor reads them, also after the net role has exited. */
struct xdpd_socket_counters {
    uint64_t captured;
    uint64_t bytes;
    struct xdpd_xsk_stats xdp;
    uint32_t ifindex;
    uint16_t ifslot;
    uint16_t queue;
    uint32_t zerocopy;
    uint32_t used;
};

/* The inline tap's TX side, in a MAP_SHARED page of the tap's own (tap.c). Only the process running
 * the tap's loop (the net role) writes it; the supervisor reads it after the net role is gone. */
struct xdpd_tap_counters {
    uint64_t forwarded;     /* frames completed on OUT (transmitted) */
    uint64_t tx_queued;     /* frames put on OUT's TX ring */
    uint64_t copied;        /* of tx_queued: copied because OUT has its own UMEM */
    uint64_t kicks;         /* sendto() wake-ups of OUT */
    struct xdpd_xsk_stats out_xdp;  /* OUT's XDP_STATISTICS, read with the IN sockets' statistics */
    uint32_t shared;        /* OUT shares IN's UMEM: forwarding without a copy */
    uint32_t in_flight;     /* on OUT's tx path when last published */
};

struct xdpd_ring_counters {
    uint64_t captured;        /* records produced */
    uint64_t bytes;           /* captured bytes produced */
    uint64_t ring_full;       /* times the producer found no room and left frames in the RX rings */
    uint64_t produced_pos;    /* byte position published by the producer */
    uint32_t stop;
    uint32_t producer_done;
    uint32_t nsockets;
    uint32_t nconsumers;
};

/* A record handed to a Python consumer: its cap_len bytes at data (in the record ring, or in a UMEM
 * when the ring is by reference) stay valid until released. */
struct xdpd_packet {
    uint64_t ts_ns;
    const uint8_t *data;
    uint32_t wire_len;
    uint32_t cap_len;
    uint16_t ifslot;
    uint16_t queue;
    uint8_t direction;      /* XDPD_DIR_IN or XDPD_DIR_OUT */
    uint8_t reserved[3];
};

/* error.c */
void xdpd_last_error(struct xdpd_error *out);

/* umem.c */
int xdpd_umem_create(xdpd_umem **out, uint32_t nframes, uint32_t frame_size, uint32_t headroom);
int xdpd_umem_destroy(xdpd_umem *umem);
uint32_t xdpd_umem_free_frames(const xdpd_umem *umem);
void xdpd_umem_check(const xdpd_umem *umem, struct xdpd_frame_accounting *out);

/* socket.c, stats.c */
int xdpd_socket_create(xdpd_socket **out, xdpd_umem *umem, uint32_t ifindex, uint32_t queue,
                       uint32_t rx_size, uint32_t tx_size, uint32_t fill_size, uint32_t comp_size,
                       int bind_mode, int need_wakeup);
void xdpd_socket_destroy(xdpd_socket *s);
int xdpd_socket_fd(const xdpd_socket *s);
int xdpd_socket_zerocopy(const xdpd_socket *s);
int xdpd_socket_shared(const xdpd_socket *s);
int xdpd_socket_stats(const xdpd_socket *s, struct xdpd_xsk_stats *out);

/* record_ring.c: made by the supervisor, shared by the one producer and up to XDPD_MAX_CONSUMERS
 * consumers. set_producer_done tells consumers nothing more will come (the net loop does it at its end). */
int xdpd_rr_create(xdpd_record_ring **out, uint64_t data_size);
int xdpd_rr_destroy(xdpd_record_ring *rr);
/* Bytes mapped from rr on: every record, and so every copied frame a peek hands out, lies inside. */
uint64_t xdpd_rr_map_len(const xdpd_record_ring *rr);
void xdpd_rr_counters(const xdpd_record_ring *rr, struct xdpd_ring_counters *out);
int xdpd_rr_socket_counters(const xdpd_record_ring *rr, uint32_t slot, struct xdpd_socket_counters *out);
void xdpd_rr_request_stop(xdpd_record_ring *rr);
void xdpd_rr_set_producer_done(xdpd_record_ring *rr);
int xdpd_rr_consumer_register(xdpd_record_ring *rr);
void xdpd_rr_consumer_unregister(xdpd_record_ring *rr, int slot);
uint64_t xdpd_rr_consumer_backlog(const xdpd_record_ring *rr, int slot);
/* Records the consumer in slot reports done (the archive writer: records wholly in the file), read
 * from shared memory: valid in any process, also after the consumer's own has exited. */
uint64_t xdpd_rr_consumer_records(const xdpd_record_ring *rr, int slot);
int xdpd_rr_consumer_peek(xdpd_record_ring *rr, int slot, struct xdpd_packet *out, uint32_t max,
                          int timeout_ms);
void xdpd_rr_consumer_release(xdpd_record_ring *rr, int slot);

/* capture_loop.c: the AF_XDP capture, a producer: the RX rings of every added socket -> the record
 * ring, fill rings refilled. count 0 = no limit. by_ref: records point into UMEM instead of copying
 * the frame (for consumers that share the UMEM mapping: the archive writer, a reader in this process);
 * a frame goes back to its fill ring once every consumer has passed its record. */
int xdpd_capture_create(xdpd_capture **out, xdpd_record_ring *rr, uint32_t snaplen, uint64_t count, int by_ref);
int xdpd_capture_add_socket(xdpd_capture *c, xdpd_socket *s, uint16_t ifslot);
void xdpd_capture_destroy(xdpd_capture *c);
xdpd_producer *xdpd_capture_producer(xdpd_capture *c);
/* congestion.c: map_fd is the congested-flag map (bpf/xsk_redirect.c's xdpd_congested, mmapable) of
 * the device in ifslot, mapped now, before the net role's filter; from then on the capture raises
 * its sockets' flags while the record ring is full (by reference also while it holds all the frames
 * it may) and lowers them once a quarter of it is free again: xdpd_congestion_decide's rule, the
 * next state of the flags given whether the pass was blocked and how much of the resource is free. */
int xdpd_capture_congestion_map(xdpd_capture *c, uint16_t ifslot, int map_fd);
int xdpd_congestion_decide(int raised, int blocked, uint64_t free_bytes, uint64_t ring_bytes);

/* tap.c: the inline tap, a producer: records like the capture and transmits every recorded frame out
 * of one TX socket (set_out, after the IN sockets are added), without a copy when OUT shares IN's
 * UMEM (XDP_SHARED_UMEM), copied into OUT's own UMEM otherwise. */
int xdpd_tap_create(xdpd_tap **out, xdpd_record_ring *rr, uint32_t snaplen, uint64_t count);
int xdpd_tap_add_socket(xdpd_tap *t, xdpd_socket *s, uint16_t ifslot);
int xdpd_tap_set_out(xdpd_tap *t, xdpd_socket *out);
void xdpd_tap_counters(const xdpd_tap *t, struct xdpd_tap_counters *out);
void xdpd_tap_destroy(xdpd_tap *t);
xdpd_producer *xdpd_tap_producer(xdpd_tap *t);

/* mirror_loop.c: the mirror capture, a producer: the BPF ring buffers of bpf/mirror.c (one per CPU,
 * mapped here, before the net role's filter) -> the record ring. ctl_fd and counters_fd are the
 * programs' mmapable arrays (their stop flag, their ncounters per-CPU counters); ring buffers of
 * size bytes each are added one by one, and each interface's ifindex with its slot. counters copies
 * the programs' counters (any process that made the mirror, also after release). release: in the
 * supervisor once the net role runs (the rings are unmapped, the counters stay). */
int xdpd_mirror_create(xdpd_mirror **out, xdpd_record_ring *rr, uint32_t snaplen, uint64_t count, int ctl_fd,
                       int counters_fd, uint32_t ncounters);
int xdpd_mirror_add_ring(xdpd_mirror *m, int fd, uint32_t size);
int xdpd_mirror_add_interface(xdpd_mirror *m, uint32_t ifindex, uint16_t ifslot);
void xdpd_mirror_counters(const xdpd_mirror *m, uint64_t *out, uint32_t n);
void xdpd_mirror_release(xdpd_mirror *m);
void xdpd_mirror_destroy(xdpd_mirror *m);
xdpd_producer *xdpd_mirror_producer(xdpd_mirror *m);

/* net_loop.c: the net role's steady state for any producer: until the ring's stop flag or the count,
 * then a drain of what had arrived by the stop, a bounded TX flush, final statistics, producer_done.
 * Also what tests run (in a thread: the call does not hold the GIL). */
int xdpd_net_run(xdpd_producer *p, int stats_interval_ms);

/* pcap_writer.c: the archive consumer. create() writes the file header at once. run() writes until
 * the producer is done, flushes and fsyncs (a pipe or terminal cannot be fsync'ed, and that is fine);
 * a write that fails cuts the file back to its last whole record and ends the writer. destroy flushes what is buffered.
 * forget: after fork, in the process that does not run the writer. */
int xdpd_writer_create(xdpd_writer **out, xdpd_record_ring *rr, int fd, int format, uint32_t snaplen,
                       const char *ifnames, size_t buf_size);
/* The same with every choice: link type, -U (unbuffered: each step's records are written before it
 * returns), and a rotation (NULL: none; else fd is ignored and the writer creates its files in
 * rot->dir_fd, rotation.c). step: one pass over what the ring holds, without waiting (a producer in
 * the same process, -r -w); finish: flush, fsync, the last file under its final name. */
struct xdpd_writer_options {
    int format;
    uint32_t snaplen;
    uint32_t linktype;
    int unbuffered;
    const char *ifnames;
    size_t buf_size;
};
struct xdpd_rotation_spec {
    int dir_fd;                 /* the -w directory (O_PATH is enough) */
    const char *name_template;  /* the -w name in it: one path component, strftime'd with -G */
    int64_t size_limit;         /* -C in bytes; 0: none */
    int interval_s;             /* -G; 0: none */
    int max_files;              /* -W; 0: none */
    int rename_at_close;        /* write .NAME.partial, rename to NAME once closed and fsynced */
    int notify_fd;              /* each closed file's name as a line (the -z helper); -1: none */
};
int xdpd_writer_open(xdpd_writer **out, xdpd_record_ring *rr, int fd, const struct xdpd_writer_options *o,
                     const struct xdpd_rotation_spec *rot);
int xdpd_writer_step(xdpd_writer *w);
int xdpd_writer_finish(xdpd_writer *w);
/* -G with -W (and no -C): the last file was closed and the ring's stop flag raised. */
int xdpd_writer_limit_reached(const xdpd_writer *w);
/* The descriptor it writes (with a rotation: the one it created, whose number every file keeps). */
int xdpd_writer_fd(const xdpd_writer *w);
int xdpd_writer_destroy(xdpd_writer *w);
void xdpd_writer_forget(xdpd_writer *w);
uint64_t xdpd_writer_records(const xdpd_writer *w);
int xdpd_writer_slot(const xdpd_writer *w);
int xdpd_archive_run(xdpd_writer *w);

/* offline_copy.c: -r FILE -w FILE [EXPR]. open reads the file's header with libpcap and compiles the
 * expression on it (-EINVAL: error() says why in libpcap's words); copy puts each matching record
 * (cut to snaplen) into rr and has w write it, until the end, count records, or w's -W limit. */
typedef struct xdpd_offline xdpd_offline;
int xdpd_offline_open(xdpd_offline **out, const char *path, const char *expression);
const char *xdpd_offline_error(const xdpd_offline *o);
int xdpd_offline_linktype(const xdpd_offline *o);
uint32_t xdpd_offline_snaplen(const xdpd_offline *o);
int xdpd_offline_copy(xdpd_offline *o, xdpd_record_ring *rr, xdpd_writer *w, uint32_t snaplen, uint64_t count,
                      uint64_t *written);
void xdpd_offline_close(xdpd_offline *o);

/* landlock.c: Landlock's ABI version in this kernel, or -errno (-ENOSYS, -EOPNOTSUPP: not available). */
int xdpd_landlock_abi(void);
/* Confine this process's file system to beneath dir_fd (the archive role, before its filter): the ABI
 * version, or -errno (-ENOSYS, -EOPNOTSUPP: Landlock is not available). */
int xdpd_landlock_confine_to(int dir_fd);

/* role.c: the sandboxed roles. Each installs its seccomp filter (sandboxed != 0), built from
 * native/generated/ with the descriptors it owns and log_fd; with selftest != 0 attempts a forbidden
 * system call right after (the kernel must kill the role); runs its loop; _exit()s: 0 done, 1 the
 * loop failed, 3 the filter was refused. */
void xdpd_net_role(xdpd_producer *p, int log_fd, int sandboxed, int selftest, int stats_interval_ms);
void xdpd_archive_role(xdpd_writer *w, int log_fd, int sandboxed, int selftest);

/* policy_filters.c: the supervisor's seccomp filter (struct sock_filter bytes) from
 * native/generated/supervisor_seccomp.h; returns its length in bytes. endnl_fd: the end's rtnetlink
 * socket, 0xFFFFFFFF for none. */
int xdpd_supervisor_filter(uint8_t *out, size_t out_len, unsigned int logfile_fd, unsigned int linkwatch_fd,
                           const unsigned int role_pids[4], unsigned int endnl_fd);

/* replay.c: a capture file's frames (back to back in `frames`, lengths in `lens`) out of one socket's
 * TX ring, `loops` times (0 = until stopped), paced at rate_pps (0 = as fast as the device takes them).
 * The buffers stay the caller's and must outlive the replay. step() runs up to timeout_ms (returning
 * early on a signal): 1 when every frame is sent and completed, 0 when there is more to do. */
struct xdpd_replay_counters {
    uint64_t sent;          /* descriptors put on the TX ring */
    uint64_t completed;     /* frames back from the completion ring */
    uint64_t bytes;         /* bytes of the frames sent */
    uint64_t kicks;         /* sendto() wake-ups */
    uint64_t loops_done;
    uint64_t elapsed_ns;    /* first step to the last completion */
    uint64_t in_flight;
};
int xdpd_replay_create(xdpd_replay **out, xdpd_socket *s, const uint8_t *frames, const uint32_t *lens,
                       uint32_t n, uint32_t loops, uint64_t rate_pps);
void xdpd_replay_destroy(xdpd_replay *r);
int xdpd_replay_step(xdpd_replay *r, int timeout_ms);
int xdpd_replay_done(const xdpd_replay *r);
void xdpd_replay_counters(const xdpd_replay *r, struct xdpd_replay_counters *out);

/* metrics_region.c: the metrics region, one MAP_SHARED mapping the supervisor makes before forking,
 * read by the metrics and gui roles next to the record ring's own counters. Info is fixed at create;
 * the supervisor publishes state (what only it knows: the XDP programs' per-CPU counters, frames
 * printed, which roles are up, the tap's counters) batch by batch under a sequence lock, and the
 * GUI's feed (the last lines printed, protocol mix and top talkers, as one JSON text it computes from
 * what it prints) the same way. Each listener role writes only its own http counters there. */
#define XDPD_MR_MAX_IFS 16
#define XDPD_MR_NAME_LEN 32
#define XDPD_MR_FEED_MAX 65536
#define XDPD_ROLE_NET 0
#define XDPD_ROLE_ARCHIVE 1
#define XDPD_ROLE_METRICS 2
#define XDPD_ROLE_GUI 3
#define XDPD_ROLE_SUPERVISOR 4
#define XDPD_ROLE_COUNT 5
#define XDPD_HTTP_MAX_CONNS 64      /* a listener role's connection cap (http.c) */

typedef struct xdpd_metrics_region xdpd_metrics_region;

struct xdpd_mr_info {
    char version[32];
    char kernel[64];
    char producer[16];          /* "capture", "tap" or "mirror" */
    char xdp_mode[32];          /* the capture programs' XDP modes, e.g. "native" or "native,skb" */
    char af_xdp_mode[16];       /* "copy" or "zero-copy" */
    char ifnames[XDPD_MR_MAX_IFS][XDPD_MR_NAME_LEN];  /* by ifslot */
    uint32_t nifs;
    uint32_t roles;             /* bit (1 << XDPD_ROLE_*) per role that runs */
    char out_ifname[XDPD_MR_NAME_LEN];  /* the tap's OUT, "" without --forward */
    uint32_t out_queue;
    int32_t writer_slot;        /* the archive writer's record-ring consumer slot, -1 without -w */
    uint32_t printing;          /* the supervisor prints (no -w) */
    uint32_t pad;
};

struct xdpd_mr_filter {
    uint64_t seen;
    uint64_t matched;
    uint64_t redirected;
    uint64_t passed;
    uint64_t congested;     /* matched, passed to the stack while the capture was congested */
};

struct xdpd_mr_state {
    struct xdpd_mr_filter filters[XDPD_MR_MAX_IFS];  /* by ifslot, summed over CPUs */
    uint64_t printed;           /* frames the supervisor printed */
    uint64_t printer_dropped;   /* frames read from the ring but not printed (stdout went away) */
    uint64_t tap_forwarded;     /* frames completed on OUT */
    uint64_t tap_in_flight;
    struct xdpd_xsk_stats tap_out_xdp;
    uint32_t roles_up;          /* bit (1 << XDPD_ROLE_*) per role running */
    uint32_t publishes;         /* times published (a test sees the supervisor at work) */
};

/* A listener role's own counters, written only by that role. */
struct xdpd_http_counters {
    uint64_t accepted;
    uint64_t responses;         /* responses sent whole */
    uint64_t shed_cap;          /* closed to make room: the connection cap was reached */
    uint64_t shed_deadline;     /* closed at the per-connection deadline */
    uint64_t too_large;         /* request header over the limit (431) */
    uint64_t errors;            /* reset by the peer, or another send/read failure */
    uint32_t open;              /* connections open now */
    uint32_t cap;
};

int xdpd_mr_create(xdpd_metrics_region **out, const struct xdpd_mr_info *info);
int xdpd_mr_destroy(xdpd_metrics_region *mr);
void xdpd_mr_publish(xdpd_metrics_region *mr, const struct xdpd_mr_state *st);
int xdpd_mr_publish_feed(xdpd_metrics_region *mr, const char *json, size_t len);
void xdpd_mr_state(const xdpd_metrics_region *mr, struct xdpd_mr_state *out);
void xdpd_mr_http_counters(const xdpd_metrics_region *mr, int role, struct xdpd_http_counters *out);

/* metrics_role.c, gui_role.c: the bodies the roles serve, rendered into out (tests read them here);
 * the length, or -ENOSPC when cap is too small. */
int xdpd_metrics_render(xdpd_metrics_region *mr, xdpd_record_ring *rr, char *out, size_t cap);
int xdpd_gui_render_state(xdpd_metrics_region *mr, xdpd_record_ring *rr, char *out, size_t cap);

/* role.c: the listener roles, on a listening socket the supervisor opened before the fork. As the
 * other roles: filter (sandboxed != 0), selftest, loop (until the record ring's stop flag and
 * producer_done), _exit: 0 done, 1 the loop failed, 3 the filter was refused. */
void xdpd_metrics_role(xdpd_metrics_region *mr, xdpd_record_ring *rr, int listen_fd, int log_fd, int sandboxed,
                       int selftest);
void xdpd_gui_role(xdpd_metrics_region *mr, xdpd_record_ring *rr, int listen_fd, int log_fd, int sandboxed,
                   int selftest);

/* line_format.c: the printer's fast path, tcpdump's default line (-n) for Ethernet/IPv4/IPv6 with
 * TCP, UDP and ICMP echo; every other frame is deferred to the Python printer, in order. Create
 * with the ports whose frames the Python printer decodes further (UDP: any such port; TCP: when the
 * segment carries data). */
typedef struct xdpd_lf xdpd_lf;
int xdpd_lf_create(xdpd_lf **out, const uint16_t *udp_ports, size_t n_udp, const uint16_t *tcp_ports,
                   size_t n_tcp);
void xdpd_lf_destroy(xdpd_lf *lf);
/* One frame's line, newline included, into out (cap >= 512): its length, 0 to defer, -ENOSPC. */
int xdpd_lf_frame(xdpd_lf *lf, uint64_t ts_ns, const uint8_t *data, uint32_t caplen, uint32_t wire_len,
                  char *out, size_t cap);
/* The TCP numbering state (printer/tcp_seq.py's rule) the Python printer shares for deferred
 * segments: out = {seq, ack to print, this side's base, the peer's base}. alen is 4 or 16. */
int xdpd_lf_tcp_relative(xdpd_lf *lf, const uint8_t *src, const uint8_t *dst, uint32_t alen, uint16_t sport,
                         uint16_t dport, uint32_t seq, uint32_t ack, int syn, int has_ack, uint32_t *out);
/* A capture file's records (format XDPD_FMT_PCAP: after the file header; XDPD_FMT_PCAPNG: after the
 * first interface description) from input[in_pos..in_len), formatted into out[out_len..out_cap)
 * until: XDPD_LF_MORE (the next record is not all in input), XDPD_LF_FULL (out has no room for
 * another line), XDPD_LF_DEFER (the record or block at in_pos is the Python side's: another frame,
 * another pcapng block, or corrupt), XDPD_LF_LIMIT (lines reached max_lines; 0: no limit).
 * in_pos, out_len, units (records or blocks consumed) and lines advance. */
#define XDPD_LF_MORE 0
#define XDPD_LF_FULL 1
#define XDPD_LF_DEFER 2
#define XDPD_LF_LIMIT 3
/* A pcapng interface of the current section: its timestamp units are 2^-exp (binary) or 10^-exp s. */
struct xdpd_lf_iface {
    uint32_t linktype;
    int32_t binary;
    int32_t exp;
    int64_t tsoffset;  /* seconds */
};
struct xdpd_lf_batch {
    const uint8_t *input;
    size_t in_len;
    size_t in_pos;
    int32_t format;   /* XDPD_FMT_PCAP or XDPD_FMT_PCAPNG */
    int32_t swapped;  /* the file's (pcapng: the section's) byte order is not this machine's */
    int32_t nsec;     /* pcap: nanosecond timestamps (magic 0xa1b23c4d) */
    uint32_t n_ifaces;
    const struct xdpd_lf_iface *ifaces;  /* pcapng: the current section's interfaces */
    char *out;
    size_t out_cap;
    size_t out_len;
    uint64_t units;
    uint64_t lines;
    uint64_t max_lines;
};
int xdpd_lf_batch(xdpd_lf *lf, struct xdpd_lf_batch *b);

#endif
