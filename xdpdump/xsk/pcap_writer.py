"""``ArchiveWriter``: the native archive consumer (native/pcap_writer.c): records -> pcap or pcapng
written to a file descriptor in large batches, whole records only.

pcap has microsecond timestamps (magic 0xa1b2c3d4), or with ``nano`` nanosecond ones (0xa1b23c4d);
pcapng (always nanoseconds) has one interface block per name in ``ifnames``
(in ifslot order). Production runs it in the forked archive role (``enter_archive_role``); tests call
``run()``, the same loop. With a ``Rotation`` (-C, -G, --rename-at-close) the writer creates its files
itself in the rotation's directory (native/rotation.c); `-r -w` drives it in this process
(``OfflineCopy``) and ends it with ``finish()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from xdpdump.constants import DEFAULT_SNAPLEN
from xdpdump.xsk._closes import Closes
from xdpdump.xsk._native import FORMATS, check, ffi, lib
from xdpdump.xsk.record_ring import RecordRing
from xdpdump.xsk.rotation import Rotation

LINKTYPE_ETHERNET = 1


class ArchiveWriter(Closes):
    """A consumer of ``ring`` writing a capture file to ``fd`` (which stays the caller's).

    The file header is written at once, so a target that cannot be written fails here (``label``
    names it in the error), before any frame is captured. With ``rotation`` fd is ignored: the writer
    creates its first file now, in the rotation's directory, and owns every file it creates.
    ``unbuffered`` is -U: each batch of records reaches the file before the writer takes the next."""

    def __init__(
        self,
        ring: RecordRing,
        fd: int,
        fmt: str = "pcap",
        snaplen: int = DEFAULT_SNAPLEN,
        ifnames: Iterable[str] = (),
        buf_size: int = 1 << 20,
        label: str = "the capture file",
        nano: bool = False,
        linktype: int = LINKTYPE_ETHERNET,
        unbuffered: bool = False,
        rotation: Rotation | None = None,
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown capture file format {fmt!r} (pcap or pcapng)")
        names = "\n".join(ifnames).encode()
        out = ffi.new("xdpd_writer **")
        options = ffi.new("struct xdpd_writer_options *", {
            "format": FORMATS[fmt] | (lib.XDPD_FMT_NANO if nano else 0), "snaplen": snaplen,
            "linktype": linktype, "unbuffered": int(unbuffered),
            "ifnames": ffi.NULL, "buf_size": buf_size})
        spec, _name = rotation.native() if rotation is not None else (ffi.NULL, None)
        cnames = ffi.new("char[]", names)
        options.ifnames = cnames
        check(lib.xdpd_writer_open(out, ring._handle(), fd, options, spec), f"cannot write {label}")
        self._ptr: Any = out[0]
        self.ring = ring
        self.rotation = rotation
        self.fd = int(lib.xdpd_writer_fd(self._ptr))
        self.label = label
        self._slot = int(lib.xdpd_writer_slot(self._ptr))

    def run(self) -> None:
        """The archive role's loop: write until the producer is done and every record is written,
        flush, fsync (a pipe or terminal is fine). Does not hold the GIL while it runs."""
        check(lib.xdpd_archive_run(self._handle()), "cannot write the capture file")

    def finish(self) -> None:
        """-r -w's end: flush, fsync, the last rotated file under its final name."""
        check(lib.xdpd_writer_finish(self._handle()), f"cannot write {self.label}")

    @property
    def limit_reached(self) -> bool:
        """-G with -W (no -C): the last file was closed and nothing more is written."""
        return bool(lib.xdpd_writer_limit_reached(self._handle()))

    @property
    def role_fds(self) -> set[int]:
        """What the archive role keeps: the file, and with a rotation its directory and -z's pipe."""
        fds = {self.fd}
        if self.rotation is not None:
            fds.add(self.rotation.dir_fd)
            if self.rotation.notify_fd >= 0:
                fds.add(self.rotation.notify_fd)
        return fds

    def enter_archive_role(self, log_fd: int, sandboxed: bool, selftest: bool = False) -> NoReturn:
        """In a forked archive role: install the archive filter (built natively with log_fd and this
        writer's fd) when sandboxed, attempt a forbidden call when selftest, run, _exit. Never returns."""
        lib.xdpd_archive_role(self._handle(), log_fd, int(sandboxed), int(selftest))
        raise AssertionError("xdpd_archive_role returned")  # pragma: no cover - it _exits

    @property
    def consumer_slot(self) -> int:
        """Its record-ring consumer slot, where it publishes records and file bytes (the metrics role reads them)."""
        return int(lib.xdpd_writer_slot(self._handle()))

    @property
    def records(self) -> int:
        return int(lib.xdpd_writer_records(self._handle()))

    @property
    def records_in_file(self) -> int:
        """Records wholly in the file, as the writer (in this process or the archive role) last
        published it in the ring: after a failed write, what the file was cut back to."""
        return int(lib.xdpd_rr_consumer_records(self.ring._handle(), self._slot))

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError("writer is closed")
        return self._ptr

    def disown(self) -> None:
        """After fork, in the process that does not run this writer: drop the local copy (its unwritten
        buffer must never reach the file) and leave the consumer slot to the process that runs it."""
        if self._ptr is not None:
            lib.xdpd_writer_forget(self._ptr)
            self._ptr = None

    def close(self) -> None:
        """Flushes what is buffered (whole records: the file stays valid) and unregisters; the fd
        stays open."""
        if self._ptr is not None:
            ptr, self._ptr = self._ptr, None
            check(lib.xdpd_writer_destroy(ptr), "cannot write the capture file")
