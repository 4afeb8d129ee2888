"""The protocol mixins ``LineFormatter`` takes beyond its core ones: IPv6 extension headers, IGMP,
GRE, IPsec (ESP and AH), MPLS, TCP's application suffixes, 802.2 LLC/SNAP with STP and CDP, LLDP,
SCTP, Ethernet's loopback test protocol, OSI under MPLS, PPP
in PPTP, DCCP, Realtek's protocols. One list, so a new printer is added here and nowhere else."""

from __future__ import annotations

from xdpdump.printer.dccp import DccpPrinter
from xdpdump.printer.gre import GrePrinter
from xdpdump.printer.igmp import IgmpPrinter
from xdpdump.printer.ipsec import IpsecPrinter
from xdpdump.printer.ipv6_ext import Ip6ExtPrinter
from xdpdump.printer.llc import LlcPrinter
from xdpdump.printer.lldp import LldpPrinter
from xdpdump.printer.loopback import LoopbackPrinter
from xdpdump.printer.mpls import MplsPrinter
from xdpdump.printer.osi import OsiPrinter
from xdpdump.printer.ppp import PppPrinter
from xdpdump.printer.realtek import RealtekPrinter
from xdpdump.printer.sctp import SctpPrinter
from xdpdump.printer.stp import StpPrinter
from xdpdump.printer.tcp_apps import TcpAppPrinter

NETWORK_PRINTERS = (Ip6ExtPrinter, IgmpPrinter, GrePrinter, IpsecPrinter, MplsPrinter, TcpAppPrinter,
                    LlcPrinter, StpPrinter, LldpPrinter, SctpPrinter,
                    LoopbackPrinter, OsiPrinter, PppPrinter, DccpPrinter,
                    RealtekPrinter)
