"""``OfflineCopy``: native/offline_copy.c, `-r FILE -w FILE [EXPR]` without Python per frame.

libpcap reads the file (pcap or pcapng, ``-``: standard input) and compiles the expression on it
(tcpdump -r's semantics for the file's link type); the records it matches go through a record ring
into an ``ArchiveWriter`` in this process.
"""

from __future__ import annotations

from typing import Any

from xdpdump.errors import UserError
from xdpdump.xsk._closes import Closes
from xdpdump.xsk._native import check, ffi, lib
from xdpdump.xsk.pcap_writer import ArchiveWriter
from xdpdump.xsk.record_ring import RecordRing


class OfflineCopy(Closes):
    """An open capture file with its compiled filter; ``linktype`` and ``snaplen`` are the file's."""

    def __init__(self, path: str, expression: str) -> None:
        out = ffi.new("xdpd_offline **")
        err = lib.xdpd_offline_open(out, path.encode(), expression.encode())
        self._ptr: Any = out[0]
        if err:
            message = ffi.string(lib.xdpd_offline_error(self._ptr)).decode(errors="replace") if self._ptr else ""
            self.close()
            if message:
                raise UserError(message)
            check(err, f"cannot read {path}")
        self.linktype = int(lib.xdpd_offline_linktype(self._ptr))
        self.snaplen = int(lib.xdpd_offline_snaplen(self._ptr))

    def copy(self, ring: RecordRing, writer: ArchiveWriter, snaplen: int, count: int = 0) -> int:
        """Every matching record (cut to snaplen) into writer, up to count (0: all) or the writer's -W
        limit; returns how many. A file cut short raises UserError after writing what came before."""
        written = ffi.new("uint64_t *")
        err = lib.xdpd_offline_copy(self._ptr, ring._handle(), writer._handle(), snaplen, count, written)
        if err == -5 and lib.xdpd_offline_error(self._ptr)[0] != b"\0":  # -EIO: libpcap's read error
            raise UserError(ffi.string(lib.xdpd_offline_error(self._ptr)).decode(errors="replace"))
        check(err, "cannot write the capture file")
        return int(written[0])

    def close(self) -> None:
        if self._ptr is not None:
            ptr, self._ptr = self._ptr, None
            lib.xdpd_offline_close(ptr)
