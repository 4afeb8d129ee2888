"""What a device's driver says it can do with XDP: the kernel's netdev generic-netlink family.

Since Linux 6.3 every driver declares its XDP features (``NETDEV_A_DEV_XDP_FEATURES``, the
``NETDEV_XDP_ACT_*`` bits) and the ``netdev`` family answers ``NETDEV_CMD_DEV_GET`` for each device:
``NETDEV_XDP_ACT_BASIC`` is native (driver) XDP, ``NETDEV_XDP_ACT_XSK_ZEROCOPY`` is zero-copy AF_XDP.
Generic (skb) XDP and AF_XDP copy mode work on every device, so they are not features. On an older
kernel the family does not exist and the answer is "unknown" (None), never a guess.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from pyroute2.netlink import NLM_F_DUMP, NLM_F_REQUEST, genlmsg
from pyroute2.netlink.exceptions import NetlinkError

NETDEV_FAMILY_NAME = "netdev"
NETDEV_CMD_DEV_GET = 1
NETDEV_XDP_ACT_BASIC = 1 << 0        # XDP_ABORTED, DROP, PASS, TX in the driver: native XDP
NETDEV_XDP_ACT_REDIRECT = 1 << 1
NETDEV_XDP_ACT_XSK_ZEROCOPY = 1 << 3  # AF_XDP sockets in zero-copy mode


class _netdevmsg(genlmsg):
    # include/uapi/linux/netdev.h: NETDEV_A_DEV_IFINDEX = 1, PAD, XDP_FEATURES, XDP_ZC_MAX_SEGS, ...
    nla_map = (
        ("NETDEV_A_DEV_UNSPEC", "none"),
        ("NETDEV_A_DEV_IFINDEX", "uint32"),
        ("NETDEV_A_DEV_PAD", "none"),
        ("NETDEV_A_DEV_XDP_FEATURES", "uint64"),
        ("NETDEV_A_DEV_XDP_ZC_MAX_SEGS", "uint32"),
    )


@dataclass(frozen=True)
class XdpFeatures:
    """One device's NETDEV_XDP_ACT_* bits."""

    bits: int

    @property
    def native(self) -> bool:
        return bool(self.bits & NETDEV_XDP_ACT_BASIC)

    @property
    def zerocopy(self) -> bool:
        return bool(self.bits & NETDEV_XDP_ACT_XSK_ZEROCOPY)


def xdp_features() -> dict[int, XdpFeatures] | None:
    """Every device's XDP features in this namespace, by ifindex; None where the kernel has no netdev
    family (before 6.3) or will not answer."""
    from pyroute2.netlink.generic import GenericNetlinkSocket

    sock = GenericNetlinkSocket()
    with contextlib.closing(sock):
        try:
            sock.bind(NETDEV_FAMILY_NAME, _netdevmsg)
            msg = _netdevmsg()
            msg["cmd"] = NETDEV_CMD_DEV_GET
            msg["version"] = 1
            replies = sock.nlm_request(msg, msg_type=sock.prid, msg_flags=NLM_F_REQUEST | NLM_F_DUMP)
        except (NetlinkError, OSError):
            return None
        found = {}
        for reply in replies:
            index = reply.get_attr("NETDEV_A_DEV_IFINDEX")
            if index is not None:
                found[index] = XdpFeatures(reply.get_attr("NETDEV_A_DEV_XDP_FEATURES") or 0)
        return found
