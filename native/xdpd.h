/* xdpd.h - the public C API of xdpdump's native core (the cffi cdef is generated from this file).
 *
 * Conventions: functions return >= 0 on success and -errno on failure; when one fails,
 * xdpd_error_where() names the step that failed ("bind", "mmap rx ring"...). Opaque handles are
 * process-local (malloc'd); the record ring is one MAP_SHARED mapping holding only offsets, so it
 * survives fork and is shared by the capture loop and its consumers (pcap writer, printer).
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

#define XDPD_FMT_PCAP 0
#define XDPD_FMT_PCAPNG 1

typedef struct xdpd_umem xdpd_umem;
typedef struct xdpd_socket xdpd_socket;
typedef struct xdpd_record_ring xdpd_record_ring;
typedef struct xdpd_capture xdpd_capture;
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
    uint32_t fill_queued;   /* of rx_path: still on the fill rings */
    uint32_t rx_queued;     /* of rx_path: on the RX rings, not yet consumed */
    uint32_t duplicates;    /* frames on the free list twice (must be 0) */
    int32_t ok;             /* 1 when free + rx_path + tx_path == total and nothing is duplicated */
};

/* One socket's slot in the record ring's shared counters. */
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

/* The inline tap's TX side (capture with xdpd_capture_forward_to), in the record ring's shared region
 * so the supervisor can read it after the net role is gone. */
struct xdpd_forward_counters {
    uint64_t forwarded;     /* frames completed on OUT (transmitted) */
    uint64_t tx_queued;     /* frames put on OUT's TX ring */
    uint64_t copied;        /* of tx_queued: copied because OUT has its own UMEM */
    uint64_t kicks;         /* sendto() wake-ups of OUT */
    struct xdpd_xsk_stats out_xdp;  /* OUT's XDP_STATISTICS, read with the capture's statistics */
    uint32_t active;        /* this ring's producer forwards */
    uint32_t shared;        /* OUT shares IN's UMEM: forwarding without a copy */
    uint32_t in_flight;     /* on OUT's tx path when last published */
    uint32_t reserved;
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

/* A record handed to a Python consumer: data lives at ring base + data_off until released. */
struct xdpd_packet {
    uint64_t ts_ns;
    uint64_t data_off;
    uint32_t wire_len;
    uint32_t cap_len;
    uint16_t ifslot;
    uint16_t queue;
    uint32_t reserved;
};

const char *xdpd_error_where(void);

/* umem.c */
int xdpd_umem_create(xdpd_umem **out, uint32_t nframes, uint32_t frame_size, uint32_t headroom);
int xdpd_umem_destroy(xdpd_umem *umem);
uint32_t xdpd_umem_free_frames(const xdpd_umem *umem);
void xdpd_umem_check(const xdpd_umem *umem, struct xdpd_frame_accounting *out);

/* socket.c */
int xdpd_socket_create(xdpd_socket **out, xdpd_umem *umem, uint32_t ifindex, uint32_t queue,
                       uint32_t rx_size, uint32_t tx_size, uint32_t fill_size, uint32_t comp_size,
                       int bind_mode, int need_wakeup);
void xdpd_socket_destroy(xdpd_socket *s);
int xdpd_socket_fd(const xdpd_socket *s);
int xdpd_socket_zerocopy(const xdpd_socket *s);
int xdpd_socket_shared(const xdpd_socket *s);
int xdpd_socket_stats(const xdpd_socket *s, struct xdpd_xsk_stats *out);
int xdpd_fill_refill(xdpd_socket *s);
int xdpd_fill_wakeup(xdpd_socket *s);

/* tx.c */
int xdpd_tx_burst(xdpd_socket *s, const uint8_t *frames, const uint32_t *lens, uint32_t n);
int xdpd_tx_kick(xdpd_socket *s);
int xdpd_tx_reap(xdpd_socket *s);
uint32_t xdpd_tx_in_flight(const xdpd_socket *s);

/* record_ring.c */
int xdpd_rr_create(xdpd_record_ring **out, uint64_t data_size);
int xdpd_rr_destroy(xdpd_record_ring *rr);
uint8_t *xdpd_rr_base(xdpd_record_ring *rr);
void xdpd_rr_counters(const xdpd_record_ring *rr, struct xdpd_ring_counters *out);
int xdpd_rr_socket_counters(const xdpd_record_ring *rr, uint32_t slot, struct xdpd_socket_counters *out);
void xdpd_rr_forward_counters(const xdpd_record_ring *rr, struct xdpd_forward_counters *out);
void xdpd_rr_request_stop(xdpd_record_ring *rr);
/* Producer side without sockets (tests, replay): 1 when stored, 0 when a consumer holds the space.
 * The ring has one producer: never call this while a capture loop produces into the same ring. */
int xdpd_rr_push(xdpd_record_ring *rr, uint64_t ts_ns, uint32_t wire_len, const uint8_t *data,
                 uint32_t cap_len, uint16_t ifslot, uint16_t queue);
void xdpd_rr_set_producer_done(xdpd_record_ring *rr);
int xdpd_rr_consumer_register(xdpd_record_ring *rr);
void xdpd_rr_consumer_unregister(xdpd_record_ring *rr, int slot);
uint64_t xdpd_rr_consumer_backlog(const xdpd_record_ring *rr, int slot);
int xdpd_rr_consumer_peek(xdpd_record_ring *rr, int slot, struct xdpd_packet *out, uint32_t max,
                          int timeout_ms);
void xdpd_rr_consumer_release(xdpd_record_ring *rr, int slot);

/* capture_loop.c: the RX rings of every added socket -> the record ring, fill rings refilled. With
 * xdpd_capture_forward_to (forward.c) the capture is an inline tap: every captured frame is then also
 * sent out of one TX socket. */
int xdpd_capture_create(xdpd_capture **out, xdpd_record_ring *rr, uint32_t snaplen, uint64_t count);
int xdpd_capture_add_socket(xdpd_capture *c, xdpd_socket *s, uint16_t ifslot);
void xdpd_capture_destroy(xdpd_capture *c);
int xdpd_capture_step(xdpd_capture *c, int timeout_ms, uint32_t budget);
int xdpd_capture_update_stats(xdpd_capture *c);
int xdpd_capture_done(const xdpd_capture *c);
/* At a stop: remember how far the kernel had filled each RX ring, then drain only up to there, so
 * a stop means "what had arrived by then", not "whatever keeps arriving" while programs are still
 * attached. pending_at_stop counts the frames before the mark the loop has not moved yet. */
/* Frames one socket can take in without the loop running: the smaller of its fill and RX rings. */
uint32_t xdpd_capture_headroom(const xdpd_capture *c);
void xdpd_capture_mark_stop(xdpd_capture *c);
uint32_t xdpd_capture_pending_at_stop(const xdpd_capture *c);

/* forward.c: send every frame the capture takes out of tx_socket, without a copy when it shares the
 * UMEM of the capture's sockets (XDP_SHARED_UMEM), copied into its own UMEM otherwise. Call after the
 * capture's sockets are added. flush_tx kicks and reaps until OUT has nothing in flight or timeout_ms
 * passed, and returns the frames still out (0 for a plain capture). */
int xdpd_capture_forward_to(xdpd_capture *c, xdpd_socket *tx_socket);
int xdpd_capture_flush_tx(xdpd_capture *c, int timeout_ms);

/* pcap_writer.c */
int xdpd_writer_create(xdpd_writer **out, xdpd_record_ring *rr, int fd, int format, uint32_t snaplen,
                       const char *ifnames, size_t buf_size);
void xdpd_writer_destroy(xdpd_writer *w);
void xdpd_writer_forget(xdpd_writer *w);
int xdpd_writer_step(xdpd_writer *w, int timeout_ms, uint32_t budget);
int xdpd_writer_flush(xdpd_writer *w);
int xdpd_writer_run(xdpd_writer *w);
uint64_t xdpd_writer_records(const xdpd_writer *w);
uint64_t xdpd_writer_bytes(const xdpd_writer *w);

/* role.c: the sandboxed steady state. The net role runs the capture (or inline tap) loop: until the
 * stop flag or the count, then a drain of what had arrived, a bounded TX flush (forward), final
 * statistics and producer_done. Each installs its seccomp filter (NULL: none, --no-sandbox),
 * runs its loop and _exit()s: 0 done, 1 loop failed, 3 filter refused. selftest != 0 attempts a
 * forbidden system call right after the filter is installed (the kernel must kill the role). */
int xdpd_sandbox_enter(const void *filter, size_t len);
void xdpd_net_role(xdpd_capture *c, xdpd_record_ring *rr, const void *filter, size_t len, int log_fd,
                   int stats_interval_ms, int selftest);
void xdpd_archive_role(xdpd_writer *w, int archive_fd, const void *filter, size_t len, int log_fd,
                       int selftest);

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

#endif
