/* xsk_redirect.c - xdpdump's capture program: frames the filter matches go to the AF_XDP socket of
 * their rx queue; everything else, and matched frames whose queue has no socket, goes on to the stack.
 *
 * Compiled by bcc as FILTER_SOURCE + "\n" + this file; FILTER_SOURCE defines
 *     static __always_inline unsigned int xdpd_filter(void *data, void *data_end);
 * returning the snap length (0 = no match). The snap length is applied in user space (the capture's
 * -s), so here only "non-zero" matters: XDP cannot hand a per-frame length to the socket in copy mode.
 *
 * xdpd_counters (per CPU): 0 seen, 1 matched, 2 redirected, 3 passed (unmatched or no socket).
 * "redirected" counts redirect decisions; a frame the socket then cannot take (RX or fill ring full)
 * is counted by the kernel in XDP_STATISTICS.
 */
#include <uapi/linux/bpf.h>

BPF_XSKMAP(xsks_map, 64);
BPF_PERCPU_ARRAY(xdpd_counters, u64, 4);

static __always_inline void xdpd_count(int index)
{
    u64 *value = xdpd_counters.lookup(&index);
    if (value)
        *value += 1;
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
    /* The low bits of the flags are the action when the queue has no socket in the map. */
    int action = xsks_map.redirect_map(ctx->rx_queue_index, XDP_PASS);
    xdpd_count(action == XDP_REDIRECT ? 2 : 3);
    return action;
}
