"""pcap filters: tcpdump expressions compiled by libpcap, translated for the XDP program (the seccomp
filters that confine the roles are sandbox/'s, a different thing).

    f = compile_pcap_filter("tcp port 443", snaplen=262144)
    f.dump()          # tcpdump -d text
    f.c_source()      # defines xdpd_filter(data, data_end) for bpf/xsk_redirect.c
    f.matches(frame)  # snap length (0 = no match) as pcap_offline_filter, for -r
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from xdpdump.constants import DEFAULT_SNAPLEN
from xdpdump.errors import FilterError
from xdpdump.pcapfilter import cbpf, libpcap, to_c
from xdpdump.pcapfilter.cbpf import Insn, InvalidProgram
from xdpdump.verifier import load_func_explained, verifier_reason

__all__ = [
    "Insn",
    "InvalidProgram",
    "PcapFilter",
    "compile_pcap_filter",
    "load_func_explained",
    "verifier_reason",
]


@dataclass(frozen=True)
class PcapFilter:
    """A pcap-filter expression and the classic BPF libpcap compiled it into."""

    expression: str
    snaplen: int
    instructions: tuple[Insn, ...]

    def dump(self, level: int = 1) -> str:
        """``tcpdump -d`` text (``level`` 2 and 3: ``-dd``, ``-ddd``)."""
        return cbpf.dump(self.instructions, level)

    def c_source(self, name: str = "xdpd_filter", prelude: bool = True) -> str:
        """Restricted C defining ``static __always_inline unsigned int NAME(void *data, void *data_end)``."""
        try:
            return to_c.translate(self.instructions, name=name,
                                  title=self.expression or "(empty: all)", prelude=prelude)
        except InvalidProgram as exc:
            raise FilterError(f"this filter cannot run in the XDP program: {exc}") from exc

    @functools.cached_property
    def _offline(self) -> libpcap.OfflineProgram:
        return libpcap.OfflineProgram(self.instructions)

    def matches(self, frame: bytes, wirelen: int | None = None) -> int:
        """libpcap's verdict on a captured frame: the snap length, 0 for no match."""
        return self._offline.run(frame, wirelen)


def compile_pcap_filter(expression: str, snaplen: int = DEFAULT_SNAPLEN) -> PcapFilter:
    """Compile like ``tcpdump -r`` on Ethernet; a bad expression raises UserError(libpcap's message)."""
    insns = libpcap.compile_expression(expression, snaplen)
    return PcapFilter(expression, snaplen, tuple(insns))
