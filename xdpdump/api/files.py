"""``open_file``: a pcap or pcapng file behind the same interface as a live capture (``FileCapture``).

Owns reading a capture file in batches: the records come from capfile.py, the filter is libpcap's
verdict (the same expression a live capture compiles into its XDP program, as ``xdpdump -r``), and
each record becomes the same ``Frame`` a live batch holds (its data a view of the record's bytes).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from types import TracebackType

from xdpdump import capfile
from xdpdump.api.frames import Frame, frame
from xdpdump.api.stats import Stats
from xdpdump.constants import DEFAULT_SNAPLEN, LINKTYPE_ETHERNET
from xdpdump.errors import CaptureError, FilterError

FILE_BATCH = 1024  # records per batch


def open_file(path: str, expression: str = "") -> FileCapture:
    """Open a pcap or pcapng file (``-``: standard input) and keep the records matching ``expression``
    (tcpdump's syntax, libpcap's verdict, as ``xdpdump -r``). The same interface as ``open_live``::

        with xdpdump.open_file("out.pcap", "udp") as cap:
            for batch in cap.batches():
                for pkt in batch:
                    print(pkt.ts_ns, pkt.wire_len, bytes(pkt.data))

    ``ifname`` is the file's name. A missing, unreadable or corrupt file raises ``CaptureError``
    (a file cut short yields its whole records first); a bad expression ``FilterError``.
    """
    return FileCapture(path, expression)


class FileCapture:
    """An open capture file (``open_file``); a context manager."""

    def __init__(self, path: str, expression: str = "") -> None:
        self._stack = contextlib.ExitStack()
        self._capture = self._stack.enter_context(capfile.open_capture(path))
        self.linktype = self._capture.linktype
        self.snaplen = self._capture.snaplen
        self.interfaces = [os.path.basename(path) if path != "-" else "-"]
        self._matcher = None
        if expression:
            try:
                if self.linktype != LINKTYPE_ETHERNET:
                    raise FilterError(f"{path}: link-type {self.linktype} is not Ethernet; "
                                      "filters need Ethernet frames")
                from xdpdump.pcapfilter import compile_pcap_filter

                self._matcher = compile_pcap_filter(expression, DEFAULT_SNAPLEN)
            except BaseException:
                self._stack.close()
                raise
        self._read = self._matched = 0
        self._started = False

    def __enter__(self) -> FileCapture:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def batches(self, timeout: float | None = None, max_batch: int = FILE_BATCH) -> Iterator[list[Frame]]:
        """The file's matching records in batches of up to max_batch, in file order (timeout is
        accepted for the live capture's signature: a file never waits)."""
        if self._started:
            raise CaptureError("this file is already being read; open it again to read it again")
        self._started = True
        return self._iterate(max_batch)

    def _iterate(self, max_batch: int) -> Iterator[list[Frame]]:
        name = self.interfaces[0]
        matcher = self._matcher
        batch: list[Frame] = []
        for record in self._capture.records:
            self._read += 1
            if matcher is not None and not matcher.matches(record.data, record.wire_len):
                continue
            self._matched += 1
            batch.append(frame(record.ts_ns, record.wire_len, name, record.data))
            if len(batch) >= max_batch:
                yield batch
                batch = []
        if batch:
            yield batch

    def stats(self) -> Stats:
        """Records read so far (``captured``) and those the expression matched (``matched``)."""
        return Stats(captured=self._read, matched=self._matched, dropped=0)

    def close(self) -> None:
        self._stack.close()
