/* filter_ssh_guard.c - match every frame except TCP to or from port 22, over IPv4 and IPv6, untagged or
 * behind one 802.1Q tag, so a capture never swallows the SSH session it is run from (only that session
 * when SSH_CONNECTION names it, see below).
 *
 * Every read is bounds-checked against data_end before it happens (the verifier insists). IPv6 is
 * matched when TCP is the first next header; a port-22 segment behind IPv6 extension headers, or in a
 * non-first IPv4 fragment, is captured, not guarded.
 */
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>

#define XDPD_SSH_PORT 22
#define XDPD_SNAP_ALL 262144

struct xdpd_vlan_hdr {
    __be16 tci;
    __be16 proto;
};

/* With XDPD_SSH_SESSION defined (capture_program.py prepends it, with the addresses and ports of
 * SSH_CONNECTION), only that session's segments are left to the stack, in either direction: anything
 * else from or to port 22 is captured. Without it, every segment from or to port 22 is left. */
#ifdef XDPD_SSH_SESSION
#define XDPD_SSH_LEG(tcp, src, dst, a, a_port, b, b_port) \
    ((tcp)->source == htons(a_port) && (tcp)->dest == htons(b_port) && a(src) && b(dst))
#endif

static __always_inline unsigned int xdpd_ssh_ports(struct tcphdr *tcp, void *data_end, const __u8 *src,
                                                   const __u8 *dst)
{
    if ((void *)(tcp + 1) > data_end)
        return XDPD_SNAP_ALL;
#ifdef XDPD_SSH_SESSION
    if (XDPD_SSH_LEG(tcp, src, dst, XDPD_SSH_CLIENT, XDPD_SSH_CLIENT_PORT, XDPD_SSH_SERVER, XDPD_SSH_SERVER_PORT) ||
        XDPD_SSH_LEG(tcp, src, dst, XDPD_SSH_SERVER, XDPD_SSH_SERVER_PORT, XDPD_SSH_CLIENT, XDPD_SSH_CLIENT_PORT))
        return 0;
#else
    if (tcp->source == htons(XDPD_SSH_PORT) || tcp->dest == htons(XDPD_SSH_PORT))
        return 0;
#endif
    return XDPD_SNAP_ALL;
}

static __always_inline unsigned int xdpd_filter(void *data, void *data_end)
{
    struct ethhdr *eth = data;
    void *l3;
    __be16 proto;

    if ((void *)(eth + 1) > data_end)
        return XDPD_SNAP_ALL;
    proto = eth->h_proto;
    l3 = eth + 1;
    if (proto == htons(ETH_P_8021Q)) {
        struct xdpd_vlan_hdr *vlan = l3;
        if ((void *)(vlan + 1) > data_end)
            return XDPD_SNAP_ALL;
        proto = vlan->proto;
        l3 = vlan + 1;
    }
    if (proto == htons(ETH_P_IP)) {
        struct iphdr *ip = l3;
        if ((void *)(ip + 1) > data_end)
            return XDPD_SNAP_ALL;
        if (ip->protocol != IPPROTO_TCP || ip->ihl < 5)
            return XDPD_SNAP_ALL;
        if (ip->frag_off & htons(0x1fff))
            return XDPD_SNAP_ALL;
#if defined(XDPD_SSH_SESSION) && XDPD_SSH_V6
        return XDPD_SNAP_ALL; /* the session is over IPv6 */
#else
        return xdpd_ssh_ports((void *)ip + ip->ihl * 4, data_end, (const __u8 *)&ip->saddr,
                              (const __u8 *)&ip->daddr);
#endif
    }
    if (proto == htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = l3;
        if ((void *)(ip6 + 1) > data_end)
            return XDPD_SNAP_ALL;
        if (ip6->nexthdr != IPPROTO_TCP)
            return XDPD_SNAP_ALL;
#if defined(XDPD_SSH_SESSION) && !XDPD_SSH_V6
        return XDPD_SNAP_ALL; /* the session is over IPv4 */
#else
        return xdpd_ssh_ports((void *)(ip6 + 1), data_end, ip6->saddr.in6_u.u6_addr8, ip6->daddr.in6_u.u6_addr8);
#endif
    }
    return XDPD_SNAP_ALL;
}
