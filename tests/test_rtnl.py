"""rtnl.py, our rtnetlink reader, against the kernel and against pyroute2's reading of the same replies:
veths in test namespaces (names, indexes, flags, MTU, queues, kind, peer, the peer's namespace id, XDP
programs in native and generic mode, IPv4 and IPv6 addresses), a dump longer than one datagram, and
the kernel's errors. (That a capture never imports pyroute2: test_start_imports.py.)"""

from __future__ import annotations

import subprocess
import sys

import pytest
from netns import entered
from pyroute2 import IPRoute
from pyroute2.netlink.exceptions import NetlinkError as Pyroute2NetlinkError

from xdpdump import netdev, rtnl
from xdpdump.errors import NoSuchDeviceError

LINK_ATTRS = ("IFLA_IFNAME", "IFLA_MTU", "IFLA_LINK", "IFLA_NUM_RX_QUEUES", "IFLA_LINK_NETNSID")
XDP_ATTRS = ("IFLA_XDP_PROG_ID", "IFLA_XDP_DRV_PROG_ID", "IFLA_XDP_SKB_PROG_ID", "IFLA_XDP_HW_PROG_ID")


def _attached(value: object) -> int:
    """IFLA_XDP_ATTACHED as a number: rtnl gives it so, pyroute2 by its name."""
    return {"xdp": 1, "xdpgeneric": 2, "xdpoffload": 3, "xdpmulti": 4}.get(value, value or 0)  # type: ignore[arg-type]


def _link_view(msg) -> tuple:
    """What netdev reads of one RTM_NEWLINK, comparable across both readers."""
    info = msg.get_attr("IFLA_LINKINFO")
    xdp = msg.get_attr("IFLA_XDP")
    return (msg["index"], msg["flags"], *(msg.get_attr(a) for a in LINK_ATTRS),
            info.get_attr("IFLA_INFO_KIND") if info else None,
            _attached(xdp.get_attr("IFLA_XDP_ATTACHED")) if xdp else None,
            *((xdp.get_attr(a) or None for a in XDP_ATTRS) if xdp else ()))


@pytest.fixture
def veths(lab):
    """a0 (ns a) <-> b0 (ns b), MTU 1400, 2 queues, IPv4 and IPv6; a1 (ns a) <-> b1 (ns a), same namespace.
    a0 has a native XDP program, a1 a generic (skb) one."""
    a, b = lab.netns(), lab.netns()
    end_a, _ = lab.veth(a, "a0", b, "b0", subnet=7, rx_queues=2, ipv6=True, mtu=1400)
    lab.veth(a, "a1", a, "b1", subnet=8)
    a.tool("xdp-load", "pass", "-i", "a0", "--mode", "native", check=True)
    a.tool("xdp-load", "pass", "-i", "a1", "--mode", "skb", check=True)
    return a, b, end_a


def test_links_read_as_pyroute2_reads_them_and_as_ip_shows_them(veths):
    a, b, _ = veths
    with entered(a.name), rtnl.Rtnl() as ours, IPRoute() as theirs:
        mine = sorted((_link_view(m) for m in ours.get_links()), key=lambda v: v[0])
        pyroute2s = sorted((_link_view(m) for m in theirs.get_links()), key=lambda v: v[0])
        assert mine == pyroute2s
        assert sorted(v[2] for v in mine) == ["a0", "a1", "b1", "lo"]
        for name in ("a0", "a1", "b1", "lo"):
            assert netdev.lookup(name) == netdev.lookup(name, theirs) == netdev.lookup(name, ours)
            dev = netdev.lookup(name)
            assert netdev.by_index(dev.index) == netdev.by_index(dev.index, theirs) == dev
        a0, a1, b1 = netdev.lookup("a0"), netdev.lookup("a1"), netdev.lookup("b1")
        assert netdev.all_devices() == netdev.all_devices(theirs)
        assert netdev.pcap_devices() == netdev.pcap_devices(theirs)
        peer_ns = netdev.netns_name(a0.peer_netnsid, ours)
        assert peer_ns == netdev.netns_name(a0.peer_netnsid, theirs) == b.name
    # Independent of both readers: what `ip` shows.
    shown = a.link("a0")
    assert (a0.index, a0.mtu, a0.kind, a0.up) == (shown["ifindex"], 1400, "veth", True)
    assert a0.rx_queues == 2 and a0.peer_index == b.link("b0")["ifindex"]
    ids = a.xdp_prog_ids()
    assert a0.xdp.mode == "native" and a0.xdp.prog_ids == {"native": ids["a0"]}
    assert a1.xdp.mode == "skb" and a1.xdp.prog_ids == {"skb": ids["a1"]}
    assert b1.xdp.prog_id is None and b1.peer_netnsid is None and b1.peer_index == a1.index


def test_addresses_v4_and_v6(veths):
    a, _, end_a = veths
    with entered(a.name), rtnl.Rtnl() as ours, IPRoute() as theirs:
        index = netdev.lookup("a0").index
        assert netdev.host_addresses(index) == netdev.host_addresses(index, theirs)
        assert sorted(netdev.host_addresses(index)) == sorted([end_a.ip4, end_a.ip6])
        # the link-local address netdev leaves out is there, as pyroute2 reads it
        everything = [(m["index"], m["family"], m["prefixlen"], m.get_attr("IFA_ADDRESS")) for m in ours.get_addr()]
        assert everything == [(m["index"], m["family"], m["prefixlen"], m.get_attr("IFA_ADDRESS"))
                              for m in theirs.get_addr()]
        assert any(addr.startswith("fe80:") for i, _, _, addr in everything if i == index)


def test_a_dump_longer_than_one_datagram(lab):
    ns = lab.netns()
    # 60 veth pairs: their 120 RTM_NEWLINK messages (over 1 KiB each, with statistics) fill several
    # of the kernel's dump datagrams (at most 32 KiB), so the reader must go on to NLMSG_DONE.
    batch = "".join(f"link add d{n} type veth peer name e{n}\n" for n in range(60))
    subprocess.run(["ip", "-n", ns.name, "-batch", "-"], input=batch, text=True, check=True, timeout=60)
    with entered(ns.name), rtnl.Rtnl() as ours, IPRoute() as theirs:
        names = [m.get_attr("IFLA_IFNAME") for m in ours.get_links()]
        assert names == [m.get_attr("IFLA_IFNAME") for m in theirs.get_links()]
        assert set(names) == {"lo", *(f"{end}{n}" for n in range(60) for end in "de")}
        # more than one datagram's worth (each recvmsg returns one datagram of at most RECV_BYTES)
        replies = ours.request(rtnl.RTM_GETLINK, rtnl.IFINFOMSG.pack(0, 0, 0, 0, 0), dump=True)
        assert len(replies) == 121 and sum(len(p) for _, p in replies) > rtnl.RECV_BYTES
        # the socket is still in step afterwards: the next request gets its own reply
        assert ours.link("get", ifname="d7")[0].get_attr("IFLA_IFNAME") == "d7"


def test_kernel_errors_are_each_sockets_own(veths):
    a, _, _ = veths
    with entered(a.name):
        with pytest.raises(NoSuchDeviceError, match=r"^nosuch0: no such device$"):
            netdev.lookup("nosuch0")
        with rtnl.Rtnl() as ours:
            with pytest.raises(rtnl.NetlinkError) as got:
                netdev.by_index(999_999, ours)
            assert got.value.code == got.value.errno == 19
        # A caller holding pyroute2's socket catches pyroute2's error, as before (held_attach, loader).
        with IPRoute() as theirs, pytest.raises(Pyroute2NetlinkError):
            netdev.by_index(999_999, theirs)
        with IPRoute() as theirs, pytest.raises(NoSuchDeviceError):
            netdev.lookup("nosuch0", theirs)


def test_attributes_running_past_the_message_end_are_left_alone():
    good = rtnl.IFINFOMSG.pack(0, 1, 5, 1, 0) + b"\x08\x00\x04\x00" + (1400).to_bytes(4, sys.byteorder)
    truncated = good + b"\x20\x00\x03\x00ab"  # says 32 bytes, has 6
    attrs = rtnl.decode_attrs(truncated, rtnl.LINK_ATTRS, rtnl.IFINFOMSG.size)
    assert attrs == {"IFLA_MTU": 1400}

