/* Per-CPU counters shared by xdp-load's programs: slot 0 counts frames seen, slot 1 + action counts
 * each verdict (XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT). Per-CPU, so the hot path
 * never contends on a cache line; `xdp-load status` sums the CPUs. */
#ifndef XDPD_VERDICTS_H
#define XDPD_VERDICTS_H

#include <uapi/linux/bpf.h>

#define XDPD_VERDICT_SLOTS 6

BPF_PERCPU_ARRAY(xdpd_verdicts, u64, XDPD_VERDICT_SLOTS);

static __always_inline int xdpd_count(int action)
{
    u32 seen = 0, slot = 1 + (u32)action;
    u64 *v = xdpd_verdicts.lookup(&seen);
    if (v)
        (*v)++;
    if (slot < XDPD_VERDICT_SLOTS) {
        v = xdpd_verdicts.lookup(&slot);
        if (v)
            (*v)++;
    }
    return action;
}

#endif
