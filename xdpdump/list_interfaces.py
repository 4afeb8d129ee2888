"""`xdpdump -D` (`--list-interfaces`): tcpdump's numbered device list, and under each device one line
on what an XDP capture there can do.

The numbered lines are `tcpdump -D`'s, byte for byte and in libpcap's order (netdev.pcap_devices), so
`-i N` names the same device in both tools. The line under each, indented by a tab, says:

- whether the device is up (IFF_UP in rtnetlink's link message) and how many rx queues a capture binds
  (ETHTOOL_GCHANNELS' rx + combined channels, else IFLA_NUM_RX_QUEUES: netdev.Device.rx_queues);
- native XDP and zero-copy AF_XDP: what the driver declares to the kernel's netdev generic-netlink
  family (NETDEV_A_DEV_XDP_FEATURES: NETDEV_XDP_ACT_BASIC, NETDEV_XDP_ACT_XSK_ZEROCOPY; Linux 6.3 and
  later, "unknown" before: xdp_features.py). Generic (skb) XDP and copy-mode AF_XDP work everywhere;
- the XDP program attached now and in which mode (rtnetlink's IFLA_XDP: the mode and each mode's program
  id; the name from the program itself, which needs CAP_SYS_ADMIN, else the id alone), and the process
  holding it by a BPF link, where one does (a running xdpdump does).
"""

from __future__ import annotations

import sys

from xdpdump import netdev
from xdpdump.xdp_features import XdpFeatures, xdp_features


def _yes_no(value: bool | None) -> str:
    return "unknown (no netdev netlink family: Linux before 6.3)" if value is None else ("yes" if value else "no")


def _attached(device: netdev.Device) -> str:
    from xdpdump.loader import describe_prog, link_holder

    if not device.xdp.prog_ids:
        return "XDP program: none"
    parts = []
    for mode, prog_id in device.xdp.prog_ids.items():
        holder = link_holder(prog_id)
        held = f", held by pid {holder}" if holder is not None else ""
        parts.append(f"{mode} {describe_prog(prog_id)}{held}")
    return "XDP program: " + "; ".join(parts)


def xdp_line(device: netdev.Device, features: XdpFeatures | None, known: bool) -> str:
    """The line under a network device: up, rx queues, native XDP, zero-copy AF_XDP, what is attached."""
    queues = f"{device.rx_queues} rx queue{'' if device.rx_queues == 1 else 's'}"
    native = _yes_no(features.native if features is not None else (False if known else None))
    zerocopy = _yes_no(features.zerocopy if features is not None else (False if known else None))
    return (f"{'up' if device.up else 'down'}, {queues}, native XDP {native}, zero-copy AF_XDP {zerocopy}, "
            f"{_attached(device)}")


def list_lines() -> list[str]:
    """Every line `xdpdump -D` prints."""
    from pyroute2 import IPRoute

    with IPRoute() as ipr:
        entries = netdev.pcap_devices(ipr)
        devices = {d.index: d for d in netdev.all_devices(ipr)}
    features = xdp_features()
    lines = []
    for number, entry in enumerate(entries, 1):
        lines.append(f"{number}.{entry.tcpdump_line}")
        device = devices.get(entry.index) if entry.index is not None else None
        if entry.index is None:
            lines.append("\tlibpcap pseudo-device: no XDP here (xdpdump captures on network devices only)")
        elif device is None:
            lines.append("\tdisappeared while being listed")
        else:
            found = features.get(device.index) if features is not None else None
            lines.append("\t" + xdp_line(device, found, features is not None))
    return lines


def print_list() -> int:
    sys.stdout.write("".join(line + "\n" for line in list_lines()))
    sys.stdout.flush()
    return 0
