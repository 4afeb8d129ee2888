/* xdp-load redirect: send frames out of another device through a DEVMAP (slot 0 holds its ifindex),
 * except TCP/UDP to or from a kept port (22 always, plus --keep-port), which stay on this device's
 * stack so a redirect cannot cut the SSH session that set it up. */
#include <uapi/linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include "verdicts.h"

BPF_DEVMAP(xdpd_tx_port, 1);
BPF_ARRAY(xdpd_keep_ports, u8, 65536);   /* indexed by port in host order; 1 = keep on the stack */

struct vlan_hdr_ {
    __be16 tci;
    __be16 proto;
};

static __always_inline int port_kept(u16 port)
{
    u32 key = port;
    u8 *keep = xdpd_keep_ports.lookup(&key);
    return keep && *keep;
}

/* 1 if the frame is TCP or UDP to/from a kept port. Every read is checked against data_end first:
 * the verifier rejects the program otherwise. */
static __always_inline int keep_on_stack(void *data, void *data_end)
{
    struct ethhdr *eth = data;
    void *l3;
    u16 proto;
    u8 l4proto;

    if ((void *)(eth + 1) > data_end)
        return 0;
    proto = eth->h_proto;
    l3 = eth + 1;
    if (proto == htons(ETH_P_8021Q) || proto == htons(ETH_P_8021AD)) {
        struct vlan_hdr_ *vh = l3;
        if ((void *)(vh + 1) > data_end)
            return 0;
        proto = vh->proto;
        l3 = vh + 1;
    }
    void *l4;
    if (proto == htons(ETH_P_IP)) {
        struct iphdr *ip = l3;
        if ((void *)(ip + 1) > data_end)
            return 0;
        if (ip->frag_off & htons(0x1fff))   /* a later fragment has no ports */
            return 0;
        l4proto = ip->protocol;
        l4 = l3 + ip->ihl * 4;
    } else if (proto == htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = l3;
        if ((void *)(ip6 + 1) > data_end)
            return 0;
        l4proto = ip6->nexthdr;
        l4 = ip6 + 1;
    } else {
        return 0;
    }
    if (l4proto != IPPROTO_TCP && l4proto != IPPROTO_UDP)
        return 0;
    __be16 *ports = l4;   /* source and destination port lead both TCP and UDP headers */
    if ((void *)(ports + 2) > data_end)
        return 0;
    return port_kept(ntohs(ports[0])) || port_kept(ntohs(ports[1]));
}

int xdpd_redirect(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;

    if (keep_on_stack(data, data_end))
        return xdpd_count(XDP_PASS);
    return xdpd_count(xdpd_tx_port.redirect_map(0, 0));
}
