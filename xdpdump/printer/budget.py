"""The printer's work limit per frame: a count of what the decoders walk (headers, options, labels,
records, chunks, TLVs), so a crafted frame costs at most a bounded amount of printing.

tcpdump 4.99 has no such limit (it prints 2000 nested IP headers or 6000 chained destination
options), but it is C: in Python a header costs 2 to 16 microseconds, so a 1.5 KB frame of chained
headers took up to 1.4 ms, and a capture that prints slower than frames arrive fills its record ring.
Every loop over a count the sender chooses spends from one ``Budget`` per frame (``LineFormatter.body``
refills it); the spend that overdraws it raises ``WorkLimit``, and the line ends where the printer
stopped, with `` [|printer limit]``. Inside a UDP application printer (DNS, DHCP, SNMP...) the
signal is a ``GiveUp`` like any other: the datagram gets tcpdump's generic ``UDP, length N`` line.

The units are calibrated on the crafted frames of tests/printer_crafted.py: an item (an extension
header, an option, a label, a TLV, a chunk) costs about 1 to 3 microseconds and spends 1 unit; a
packet inside a packet (IP in IP, GRE, an inner Ethernet frame, a quoted datagram) costs up to
16 microseconds with -v and spends ``LAYER``. ``WORK_LIMIT`` keeps any frame near half a
millisecond, and leaves the common frames (a few headers, a few dozen options) untouched.
"""

from __future__ import annotations

from xdpdump.printer.giveup import GiveUp

WORK_LIMIT = 256
LAYER = 8
MARKER = " [|printer limit]"


class WorkLimit(GiveUp):
    """The frame needs more than ``WORK_LIMIT`` units of work; the line ends here."""


class Budget:
    """The units left for the frame being printed; ``used`` is the deterministic work measure."""

    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = WORK_LIMIT

    def refill(self) -> None:
        self.left = WORK_LIMIT

    def spend(self, units: int = 1) -> None:
        self.left -= units
        if self.left < 0:
            self.left = -1  # overdrawn: nothing more runs, whatever the spend asked for
            raise WorkLimit

    @property
    def used(self) -> int:
        """Units spent on the frame: at most ``WORK_LIMIT``, one more when the frame ran out."""
        return WORK_LIMIT - self.left
