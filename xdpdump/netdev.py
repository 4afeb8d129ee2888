"""What we need to know about a network device, read over rtnetlink.

Owns: name -> ifindex, up/down, rx queue count, the device's XDP state (mode and program ids), and for
a veth its peer (ifindex and, when the peer lives in another namespace, that namespace's name).

Reads through our own socket (rtnl.py), so a capture starts without importing pyroute2; a caller that
already holds a pyroute2 IPRoute (xdp-load, the netlink attach fallbacks) passes it as ``ipr`` and gets
its replies read the same way, and its errors (pyroute2's NetlinkError) as before.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xdpdump import rtnl
from xdpdump.errors import NoSuchDeviceError, UserError

if TYPE_CHECKING:
    from pyroute2 import IPRoute

    # An open rtnetlink socket: ours, or the pyroute2 IPRoute of a caller that holds one anyway.
    Rtnetlink = rtnl.Rtnl | IPRoute

IFF_UP = 0x1
# IFLA_XDP_ATTACHED, as numbers (rtnl.py's) or as pyroute2's names for them.
XDP_ATTACHED_MODES = {
    1: "native", 2: "skb", 3: "hw", 4: "multi",
    "xdp": "native", "xdpgeneric": "skb", "xdpoffload": "hw", "xdpmulti": "multi",
}
_CLONE_NEWNET = 0x40000000
NETNS_RUN_DIR = "/run/netns"


@dataclass(frozen=True)
class XdpState:
    """What IFLA_XDP says is attached. An empty state has mode None and no ids."""

    mode: str | None
    prog_ids: dict[str, int]  # mode -> program id

    @property
    def prog_id(self) -> int | None:
        return next(iter(self.prog_ids.values()), None)


@dataclass(frozen=True)
class Device:
    name: str
    index: int
    up: bool
    mtu: int
    rx_queues: int
    kind: str | None
    peer_index: int | None
    peer_netnsid: int | None  # None: the peer (if any) is in this namespace
    xdp: XdpState


def _xdp_state(msg) -> XdpState:
    xdp = msg.get_attr("IFLA_XDP")
    if not xdp:
        return XdpState(None, {})
    attached = xdp.get_attr("IFLA_XDP_ATTACHED") or 0
    ids: dict[str, int] = {}
    for attr, mode in (
        ("IFLA_XDP_DRV_PROG_ID", "native"),
        ("IFLA_XDP_SKB_PROG_ID", "skb"),
        ("IFLA_XDP_HW_PROG_ID", "hw"),
    ):
        if xdp.get_attr(attr):
            ids[mode] = xdp.get_attr(attr)
    if attached and not ids and xdp.get_attr("IFLA_XDP_PROG_ID"):
        ids[XDP_ATTACHED_MODES.get(attached, "?")] = xdp.get_attr("IFLA_XDP_PROG_ID")
    mode = XDP_ATTACHED_MODES.get(attached) if attached else None
    return XdpState(mode, ids)


SIOCETHTOOL = 0x8946
ETHTOOL_GCHANNELS = 0x3C


def _active_rx_queues(name: str) -> int | None:
    """Rx queues in use (rx + combined channels), from ETHTOOL_GCHANNELS.

    IFLA_NUM_RX_QUEUES is how many the device *allocated*: a veth allocates one per possible CPU but
    uses one unless told otherwise, and binding an AF_XDP socket to an unused queue fails (EINVAL).
    """
    import fcntl
    import socket
    import struct

    # struct ethtool_channels: cmd, max_rx, max_tx, max_other, max_combined, rx, tx, other, combined.
    buf = bytearray(struct.pack("9I", ETHTOOL_GCHANNELS, *([0] * 8)))
    ifreq = bytearray(struct.pack("16sP", name.encode()[:15], 0))
    addr = ctypes.addressof((ctypes.c_char * len(buf)).from_buffer(buf))
    struct.pack_into("P", ifreq, 16, addr)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifreq)
    except OSError:
        return None  # no get_channels (lo, many virtual devices): fall back to netlink's count
    channels = struct.unpack("9I", buf)
    return (channels[5] + channels[8]) or None


def _device(msg) -> Device:
    info = msg.get_attr("IFLA_LINKINFO")
    name = msg.get_attr("IFLA_IFNAME")
    return Device(
        name=name,
        index=msg["index"],
        up=bool(msg["flags"] & IFF_UP),
        mtu=msg.get_attr("IFLA_MTU") or 1500,
        rx_queues=_active_rx_queues(name) or msg.get_attr("IFLA_NUM_RX_QUEUES") or 1,
        kind=info.get_attr("IFLA_INFO_KIND") if info else None,
        peer_index=msg.get_attr("IFLA_LINK"),
        peer_netnsid=msg.get_attr("IFLA_LINK_NETNSID"),
        xdp=_xdp_state(msg),
    )


def _netlink_errors(ipr: Rtnetlink) -> tuple[type[Exception], ...]:
    """What a request on ipr raises for the kernel's NLMSG_ERROR (both have the errno in .code)."""
    if isinstance(ipr, rtnl.Rtnl):
        return (rtnl.NetlinkError,)
    from pyroute2.netlink.exceptions import NetlinkError  # imported already: the caller made ipr

    return (NetlinkError,)


def lookup(name: str, ipr: Rtnetlink | None = None) -> Device:
    """The device called name in the current namespace, or a UserError naming it."""
    with contextlib.ExitStack() as stack:
        if ipr is None:
            ipr = stack.enter_context(rtnl.Rtnl())
        try:
            msgs = ipr.link("get", ifname=name)
        except _netlink_errors(ipr) as e:
            if e.code in (19, 22):  # ENODEV; EINVAL for names longer than IFNAMSIZ
                raise NoSuchDeviceError(f"{name}: no such device") from e
            raise UserError(f"{name}: {os.strerror(e.code)}") from e
        return _device(msgs[0])


def by_index(index: int, ipr: Rtnetlink | None = None) -> Device:
    """The device with ifindex index; the socket's NetlinkError (ENODEV) if there is none."""
    with contextlib.ExitStack() as stack:
        if ipr is None:
            ipr = stack.enter_context(rtnl.Rtnl())
        return _device(ipr.link("get", index=index)[0])


def host_addresses(index: int, ipr: Rtnetlink | None = None) -> list[str]:
    """The addresses the host has on device `index` (IPv4 and IPv6, link-local IPv6 left out: every
    IPv6 device has one, and a dedicated capture port is no host's for it), as `ip addr` lists them."""
    with contextlib.ExitStack() as stack:
        if ipr is None:
            ipr = stack.enter_context(rtnl.Rtnl())
        found = [m.get_attr("IFA_ADDRESS") for m in ipr.get_addr(index=index)]
    return [a for a in found if a and not a.lower().startswith("fe80:")]


def all_devices(ipr: Rtnetlink | None = None) -> list[Device]:
    with contextlib.ExitStack() as stack:
        if ipr is None:
            ipr = stack.enter_context(rtnl.Rtnl())
        return sorted((_device(m) for m in ipr.get_links()), key=lambda d: d.index)


# --- Devices numbered as `tcpdump -D` numbers them -----------------------------------------------

IFF_LOOPBACK = 0x8
IFF_RUNNING = 0x40
ETHTOOL_GLINK = 0x0A
# libpcap's "figure of merit": the list is sorted by it, lowest first, stably (equal figures keep the
# order the devices were found in: rtnetlink's, which is ifindex order, then the pseudo-devices).
_NOT_RUNNING, _NOT_UP, _DISCONNECTED, _LOOPBACK, _ANY = 0x80000000, 0x40000000, 0x20000000, 0x10000000, 0x08000000
# What Debian's libpcap (1.10) lists after the network devices, in its order: `any` (up and running),
# then capture sources that are never up (bluetooth-monitor counts as wireless, so never disconnected).
PCAP_PSEUDO_DEVICES = (("any", _ANY), ("bluetooth-monitor", _NOT_RUNNING | _NOT_UP),
                       ("nflog", _NOT_RUNNING | _NOT_UP), ("nfqueue", _NOT_RUNNING | _NOT_UP),
                       ("dbus-system", _NOT_RUNNING | _NOT_UP), ("dbus-session", _NOT_RUNNING | _NOT_UP))
# How `tcpdump -D` shows each pseudo-device: libpcap's description and flags.
PCAP_PSEUDO_SHOWN = {
    "any": ("Pseudo-device that captures on all interfaces", "Up, Running"),
    "bluetooth-monitor": ("Bluetooth Linux Monitor", "Wireless"),
    "nflog": ("Linux netfilter log (NFLOG) interface", "none"),
    "nfqueue": ("Linux netfilter queue (NFQUEUE) interface", "none"),
    "dbus-system": ("D-Bus system bus", "none"),
    "dbus-session": ("D-Bus session bus", "none"),
}


@dataclass(frozen=True)
class PcapDevice:
    """One entry of libpcap's device list, as `tcpdump -D` shows it (without its number)."""

    name: str
    merit: int                      # libpcap's figure of merit: the list is sorted by it
    flags: str                      # tcpdump's words in brackets: "Up, Running, Connected"
    description: str | None = None  # pseudo-devices only
    index: int | None = None        # ifindex; None for libpcap's pseudo-devices (any, nflog, ...)

    @property
    def tcpdump_line(self) -> str:
        described = f" ({self.description})" if self.description else ""
        return f"{self.name}{described} [{self.flags}]"


def _link_detected(name: str) -> bool | None:
    """ETHTOOL_GLINK: True/False, or None where the device does not say (libpcap: status unknown)."""
    import fcntl
    import socket
    import struct

    buf = bytearray(struct.pack("II", ETHTOOL_GLINK, 0))
    ifreq = bytearray(struct.pack("16sP", name.encode()[:15], 0))
    struct.pack_into("P", ifreq, 16, ctypes.addressof((ctypes.c_char * len(buf)).from_buffer(buf)))
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifreq)
    except OSError:
        return None
    return bool(struct.unpack("II", buf)[1])


def _pcap_device(name: str, index: int, flags: int) -> PcapDevice:
    """A network device's figure of merit and `tcpdump -D` flags, as libpcap finds them."""
    merit = 0
    shown = [word for bit, word in ((IFF_UP, "Up"), (IFF_RUNNING, "Running"), (IFF_LOOPBACK, "Loopback"))
             if flags & bit]
    if not flags & IFF_RUNNING:
        merit |= _NOT_RUNNING
    if not flags & IFF_UP:
        merit |= _NOT_UP
    if flags & IFF_LOOPBACK:
        # connected or not does not apply to a loopback device
        return PcapDevice(name, merit | _LOOPBACK, ", ".join(shown) or "none", index=index)
    wireless = os.path.exists(f"/sys/class/net/{name}/wireless") or os.path.exists(f"/sys/class/net/{name}/phy80211")
    if wireless:
        shown.append("Wireless")
    link = _link_detected(name)
    if not wireless and link is False:
        merit |= _DISCONNECTED
    words = ", ".join(shown) or "none"
    if link is not None:  # where the device does not say, tcpdump 4.99 adds nothing
        words += (", Associated" if link else ", Not associated") if wireless else (
            ", Connected" if link else ", Disconnected")
    return PcapDevice(name, merit, words, index=index)


def pcap_devices(ipr: Rtnetlink | None = None) -> list[PcapDevice]:
    """libpcap's device list in `tcpdump -D`'s order, pseudo-devices included."""
    with contextlib.ExitStack() as stack:
        if ipr is None:
            ipr = stack.enter_context(rtnl.Rtnl())
        links = sorted(ipr.get_links(), key=lambda m: m["index"])
        found = [_pcap_device(m.get_attr("IFLA_IFNAME"), m["index"], m["flags"]) for m in links]
    pseudo = [PcapDevice(name, merit, PCAP_PSEUDO_SHOWN[name][1], PCAP_PSEUDO_SHOWN[name][0])
              for name, merit in PCAP_PSEUDO_DEVICES]
    return sorted(found + pseudo, key=lambda d: d.merit)  # stable: equal figures keep the found order


def pcap_device_names(ipr: Rtnetlink | None = None) -> list[str]:
    """Every device name in the order `tcpdump -D` lists them: -i N means the N-th (from 1)."""
    return [d.name for d in pcap_devices(ipr)]


def capture_device_name(arg: str, ipr: Rtnetlink | None = None) -> str:
    """-i's argument: a device name, or a number as `tcpdump -D` prints it (tcpdump's rule: all digits)."""
    if not (arg.isascii() and arg.isdigit()):
        return arg
    number = int(arg)
    if number < 1:
        raise NoSuchDeviceError(f"invalid adapter index {arg}")
    names = pcap_device_names(ipr)
    if number > len(names):
        raise NoSuchDeviceError(f"invalid adapter index {number}: only {len(names)} interfaces found")
    return names[number - 1]


def lookup_capture_device(arg: str, ipr: Rtnetlink | None = None) -> Device:
    """The device -i names, by name or by its `tcpdump -D` number."""
    name = capture_device_name(arg, ipr)
    if name != arg and name in dict(PCAP_PSEUDO_DEVICES):
        raise UserError(f"-i {arg} is {name}, one of libpcap's pseudo-devices, not a network device XDP can attach to")
    return lookup(name, ipr)


def require_up(dev: Device) -> None:
    if not dev.up:
        raise UserError(f"{dev.name} is down (bring it up with: ip link set {dev.name} up)")


_libc = ctypes.CDLL(None, use_errno=True)


@contextlib.contextmanager
def in_netns(name: str | None) -> Iterator[None]:
    """Run the body in the named namespace (this thread only). Netlink sockets opened inside stay
    bound to it, while BPF program fds work in any namespace, so we can attach there from here."""
    if name is None:
        yield
        return
    with open("/proc/self/ns/net", "rb") as home, open(os.path.join(NETNS_RUN_DIR, name), "rb") as there:
        if _libc.setns(there.fileno(), _CLONE_NEWNET) != 0:
            raise UserError(f"cannot enter namespace {name}: {os.strerror(ctypes.get_errno())}")
        try:
            yield
        finally:
            if _libc.setns(home.fileno(), _CLONE_NEWNET) != 0:  # pragma: no cover - would be fatal
                raise OSError(ctypes.get_errno(), "setns back to the original namespace")


def netns_name(netnsid: int, ipr: Rtnetlink) -> str | None:
    """The /run/netns name of the namespace this namespace calls netnsid, if it has one."""
    try:
        names = sorted(os.listdir(NETNS_RUN_DIR))
    except OSError:
        return None
    for name in names:
        try:
            fd = os.open(os.path.join(NETNS_RUN_DIR, name), os.O_RDONLY)
        except OSError:
            continue
        try:
            if ipr.get_netnsid(fd=fd).get("nsid") == netnsid:
                return name
        except _netlink_errors(ipr):
            continue
        finally:
            os.close(fd)
    return None
