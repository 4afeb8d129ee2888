/* xsk_redirect.c - xdpdump's capture program: frames the filter matches go to the AF_XDP socket of
 * their rx queue; everything else, and matched frames whose queue has no socket, goes on to the stack.
 *
 * Compiled by bcc as FILTER_SOURCE + "\n" + this file; FILTER_SOURCE defines
 *     static __always_inline unsigned int xdpd_filter(void *data, void *data_end);
 * returning the snap length (0 = no match). The snap length is applied in user space (the capture's
 * -s), so here only "non-zero" matters: XDP cannot hand a per-frame length to the socket in copy mode.
 *
 * xdpd_counters (per CPU): 0 seen, 1 matched, 2 redirected, 3 passed (unmatched or no socket),
 * 4 congested (matched, but passed to the stack because the capture was congested: see below).
 * "redirected" counts redirect decisions; a frame the socket then cannot take (RX or fill ring full)
 * is counted by the kernel in XDP_STATISTICS. matched == redirected + congested + matched frames of a
 * queue without a socket; the congested ones are not in "passed".
 *
 * Congestion: xdpd_congested holds one flag per rx queue (an mmapable array: the net role, which has
 * no bpf() system call under its filter, writes it through a mapping made before its filter; see
 * native/congestion.c for when it raises and lowers it). While the flag of the frame's queue is set the
 * capture cannot record what it would take, so a matched frame goes on to the stack instead of into a
 * socket whose RX ring would fill and make the kernel drop it: the host keeps its traffic, and the
 * frame is counted as congested, never silently missed.
 *
 * Timestamps: a redirected frame carries its receive time in the XDP metadata area, just in front of
 * the frame (bpf_xdp_adjust_meta); the kernel copies metadata into the UMEM frame in copy mode too,
 * where the net role reads it (capture_loop.c, struct xdpd_rx_meta there: keep the two in step). The
 * stamp is bpf_ktime_get_ns() (CLOCK_MONOTONIC); the net role adds the wall-clock offset. The driver's
 * hardware stamp (the bpf_xdp_metadata_rx_timestamp kfunc) would need a device-bound program and a
 * kfunc call, and bcc (0.26, Debian 12) refuses calls to extern functions ("cannot call non-static
 * helper function"), so it is not used. A device that cannot carry metadata leaves the magic unwritten
 * and the net role falls back to its own clock.
 */
#include <uapi/linux/bpf.h>

#define XDPD_RX_META_MAGIC 0x53544458u /* "XDTS" */

struct xdpd_rx_meta {
    u64 ts_ns;      /* bpf_ktime_get_ns() when the program matched the frame */
    u32 magic;      /* XDPD_RX_META_MAGIC: the stamp was written */
    u32 reserved;
};

BPF_XSKMAP(xsks_map, 64);
BPF_PERCPU_ARRAY(xdpd_counters, u64, 5);
BPF_F_TABLE("array", u32, u64, xdpd_congested, 64, (1U << 10) /* BPF_F_MMAPABLE */);

static __always_inline void xdpd_count(int index)
{
    u64 *value = xdpd_counters.lookup(&index);
    if (value)
        *value += 1;
}

/* Whether the capture raised the congested flag of this rx queue (a queue beyond the map: never). */
static __always_inline int xdpd_is_congested(u32 queue)
{
    u64 *flag = xdpd_congested.lookup(&queue);
    return flag && *(volatile u64 *)flag != 0;   /* written by the net role at any time */
}

/* Put the receive time in front of the frame; on failure (no metadata support) nothing is written. */
static __always_inline void xdpd_stamp(struct xdp_md *ctx)
{
    if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(struct xdpd_rx_meta)) != 0)
        return;
    struct xdpd_rx_meta *meta = (void *)(long)ctx->data_meta;
    if ((void *)(meta + 1) > (void *)(long)ctx->data)
        return;
    meta->ts_ns = bpf_ktime_get_ns();
    meta->magic = XDPD_RX_META_MAGIC;
    meta->reserved = 0;
}

int xdpd_capture(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;

    xdpd_count(0);
    if (xdpd_filter(data, data_end) == 0) {
        xdpd_count(3);
        return XDP_PASS;
    }
    xdpd_count(1);
    if (xdpd_is_congested(ctx->rx_queue_index)) {
        xdpd_count(4);
        return XDP_PASS;
    }
    xdpd_stamp(ctx);
    /* The low bits of the flags are the action when the queue has no socket in the map. */
    int action = xsks_map.redirect_map(ctx->rx_queue_index, XDP_PASS);
    xdpd_count(action == XDP_REDIRECT ? 2 : 3);
    return action;
}
