/* Benchmark traffic generator: pre-built UDP/IPv4 frames out of one device, as fast as it goes.
 *
 * AF_PACKET SOCK_RAW with PACKET_QDISC_BYPASS (the frame goes straight to the driver's xmit, no qdisc
 * lock or requeue) and sendmmsg() in batches, so a syscall moves up to BATCH frames. Frames are built
 * once: a cycle of CYCLE frames where the first goes to UDP port MATCH_PORT and the others to
 * ports that never match, so exactly 1% of every CYCLE-aligned count matches `udp port 9999`.
 *
 * Bounded: stops after --count frames or --seconds of wall time, whichever comes first. Prints one
 * JSON object on stdout: frames accepted by the kernel, ENOBUFS retries, elapsed seconds.
 * RATE_PPS (optional, 0 = flat out) paces the sends: a batch of PACE_BATCH_US worth of frames, then
 * a sleep until the schedule (absolute, so it does not drift) - a moderate rate, where a capturer's
 * naps and wake-ups show in its cost per frame.
 *
 * Usage: trafgen IFNAME DST_MAC SRC_IP DST_IP FRAME_LEN COUNT MAX_SECONDS [RATE_PPS]
 * FRAME_LEN counts the Ethernet header and excludes the FCS (64 is the minimum Ethernet frame).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CYCLE 100
#define BATCH 1000 /* a multiple of CYCLE; sendmmsg caps vlen at UIO_MAXIOV (1024) */
#define PACE_BATCH_US 250 /* paced: one sendmmsg per 250 us (75 frames at 300 kpps) */
#define MATCH_PORT 9999
#define SRC_PORT 12345
#define OTHER_PORT_BASE 20000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint16_t ip_checksum(const void *data, size_t len)
{
	const uint16_t *p = data;
	uint32_t sum = 0;
	for (; len > 1; len -= 2)
		sum += *p++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static void build_frame(uint8_t *f, size_t len, const uint8_t dst[6], const uint8_t src[6],
			struct in_addr sip, struct in_addr dip, uint16_t dport, uint32_t seq)
{
	struct ether_header *eth = (void *)f;
	struct iphdr *ip = (void *)(f + sizeof(*eth));
	struct udphdr *udp = (void *)(ip + 1);
	size_t ip_len = len - sizeof(*eth);

	memset(f, 0, len);
	memcpy(eth->ether_dhost, dst, 6);
	memcpy(eth->ether_shost, src, 6);
	eth->ether_type = htons(ETHERTYPE_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons((uint16_t)ip_len);
	ip->id = htons((uint16_t)seq);
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = sip.s_addr;
	ip->daddr = dip.s_addr;
	ip->check = ip_checksum(ip, sizeof(*ip));
	udp->source = htons(SRC_PORT);
	udp->dest = htons(dport);
	udp->len = htons((uint16_t)(ip_len - sizeof(*ip)));
	udp->check = 0; /* optional for UDP over IPv4; the stack accepts it */
	memset(udp + 1, 0xa5, ip_len - sizeof(*ip) - sizeof(*udp));
}

int main(int argc, char **argv)
{
	if (argc != 8 && argc != 9) {
		fprintf(stderr, "usage: %s IFNAME DST_MAC SRC_IP DST_IP FRAME_LEN COUNT MAX_SECONDS [RATE_PPS]\n",
			argv[0]);
		return 2;
	}
	const char *ifname = argv[1];
	uint8_t dst_mac[6], src_mac[6];
	struct in_addr sip, dip;
	size_t frame_len = strtoul(argv[5], NULL, 10);
	unsigned long long count = strtoull(argv[6], NULL, 10);
	double max_seconds = strtod(argv[7], NULL);
	double rate = argc == 9 ? strtod(argv[8], NULL) : 0;
	if (parse_mac(argv[2], dst_mac) || !inet_aton(argv[3], &sip) || !inet_aton(argv[4], &dip) ||
	    frame_len < 60 || frame_len > 9000 || max_seconds <= 0 || rate < 0) {
		fprintf(stderr, "trafgen: bad argument\n");
		return 2;
	}

	int fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: this socket never receives */
	if (fd < 0) {
		perror("trafgen: socket");
		return 1;
	}
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		perror("trafgen: SIOCGIFINDEX");
		return 1;
	}
	int ifindex = ifr.ifr_ifindex; /* read before the next ioctl reuses the union */
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("trafgen: SIOCGIFHWADDR");
		return 1;
	}
	memcpy(src_mac, ifr.ifr_hwaddr.sa_data, 6);
	int one = 1;
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0) {
		perror("trafgen: PACKET_QDISC_BYPASS");
		return 1;
	}
	struct sockaddr_ll addr = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = ifindex,
		.sll_halen = 6,
	};
	memcpy(addr.sll_addr, dst_mac, 6);

	static uint8_t frames[CYCLE][9000];
	for (int i = 0; i < CYCLE; i++)
		build_frame(frames[i], frame_len, dst_mac, src_mac, sip, dip,
			    i == 0 ? MATCH_PORT : (uint16_t)(OTHER_PORT_BASE + i), (uint32_t)i);

	/* BATCH + CYCLE headers, header k pointing at frame k % CYCLE: a send starting at header
	 * sent % CYCLE keeps the cycle aligned even after a partial sendmmsg. */
	static struct iovec iov[BATCH + CYCLE];
	static struct mmsghdr msgs[BATCH + CYCLE];
	for (int k = 0; k < BATCH + CYCLE; k++) {
		iov[k].iov_base = frames[k % CYCLE];
		iov[k].iov_len = frame_len;
		msgs[k].msg_hdr.msg_name = &addr;
		msgs[k].msg_hdr.msg_namelen = sizeof(addr);
		msgs[k].msg_hdr.msg_iov = &iov[k];
		msgs[k].msg_hdr.msg_iovlen = 1;
	}

	unsigned long long sent = 0, enobufs = 0;
	double start = now_s(), deadline = start + max_seconds, elapsed;
	int timed_out = 0;
	unsigned pace = BATCH;
	if (rate > 0) {
		double per_batch = rate * PACE_BATCH_US / 1e6;
		pace = per_batch < 1 ? 1 : per_batch > BATCH ? BATCH : (unsigned)per_batch;
	}
	while (sent < count) {
		if (rate > 0) {
			/* Sleep until this frame's time on the schedule (absolute: no drift). */
			double due = start + (double)sent / rate;
			struct timespec ts = {.tv_sec = (time_t)due, .tv_nsec = (long)((due - (double)(time_t)due) * 1e9)};
			if (due > now_s())
				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		}
		unsigned long long left = count - sent;
		unsigned vlen = left < pace ? (unsigned)left : pace;
		int n = sendmmsg(fd, &msgs[sent % CYCLE], vlen, 0);
		if (n > 0) {
			sent += (unsigned)n;
		} else if (n < 0 && (errno == ENOBUFS || errno == EAGAIN)) {
			/* The receiver's queue is full (veth ptr_ring or backlog): let it run. */
			enobufs++;
			sched_yield();
		} else if (n < 0 && errno != EINTR) {
			perror("trafgen: sendmmsg");
			return 1;
		}
		if (now_s() > deadline) { /* vDSO clock: cheap beside a batch of up to BATCH frames */
			timed_out = 1;
			break;
		}
	}
	elapsed = now_s() - start;
	printf("{\"sent\": %llu, \"enobufs\": %llu, \"seconds\": %.6f, \"timed_out\": %s, "
	       "\"frame_len\": %zu, \"match_every\": %d}\n",
	       sent, enobufs, elapsed, timed_out ? "true" : "false", frame_len, CYCLE);
	close(fd);
	return 0;
}
