"""The numbers the capture's sizing rests on, each defined once.

Some are the kernel's (XDP_PACKET_HEADROOM, the Ethernet overhead beyond the MTU), some tcpdump's
(the default snap length), some this project's (ring minimums, UMEM per queue). The plan
(xdpdump/plan.py) validates and sizes with them; nothing else repeats them.
"""

from __future__ import annotations

DEFAULT_SNAPLEN = 262144            # tcpdump's: -s 0 and no -s mean this
LINKTYPE_ETHERNET = 1               # pcap's link type of every frame an AF_XDP capture records
XDP_PACKET_HEADROOM = 256           # the kernel puts each received frame this far into its UMEM frame
ETH_VLAN_OVERHEAD = 18              # Ethernet header plus one 802.1Q tag: what a frame adds to the MTU
FRAME_SIZES = (2048, 4096)          # UMEM frame sizes (aligned chunk mode needs a power of two <= page)
UMEM_BYTES_PER_QUEUE = 16 << 20     # default UMEM per rx queue; ring sizes follow from the frame size
MIN_RING_SIZE = 64                  # the smallest AF_XDP ring (descriptors) a user may ask for
MIN_RECORD_RING_BYTES = 64 << 10    # the record ring's floor (it must hold a quarter-ring record)
MAX_RECORD_RING_KIB = 1 << 22       # -B's ceiling, 4 GiB
DEFAULT_RECORD_RING_KIB = 8192      # -B's default: 8 MiB, the same as tcpdump -B 8192 in the bench
RECORD_HEADER_BYTES = 32            # a record's header in the record ring (native/record_ring.h)
MIRROR_MAX_SNAP = 65535             # --mirror: the largest GSO packet the stack hands over (64 KiB - 1)
MIN_MIRROR_RING_BYTES = 4096        # --mirror: a BPF ring buffer is at least one page


def is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0
