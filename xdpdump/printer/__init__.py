"""The printer: captured frames to tcpdump lines (or JSON objects), for live capture and ``-r``.

Public API::

    PrintOptions(numeric, link, hex, hex_ascii, verbose, quiet, json, absolute_seq, ascii, stamp, number, nano)
    Printer(opts, native=True).format(ts_ns, data, wire_len, ifname=None, linktype=1) -> str
    format_packet(ts_ns, data, wire_len, opts, ifname=None, linktype=1, printer=None) -> str

The returned text is one line (plus the -x/-X/-A dump lines) without a trailing newline. A ``Printer``
keeps per-connection TCP state so sequence numbers print relative, as tcpdump does; keep one per
capture. ``ifname`` is shown (as ``IFNAME In``, like tcpdump -i any) only when given: pass it when a
capture spans several interfaces (``outbound``: a sent frame's, ``IFNAME Out``). ``native=False``
leaves every frame to the Python printers (else the
native fast path, fast_path.py, prints the common lines of the default form).
"""

from __future__ import annotations

import dataclasses

from xdpdump.constants import LINKTYPE_ETHERNET
from xdpdump.printer.budget import WORK_LIMIT
from xdpdump.printer.escape import escape_text, visible
from xdpdump.printer.hexdump import payload_dump
from xdpdump.printer.options import PrintOptions

__all__ = ["PrintOptions", "Printer", "format_packet"]


class Printer:
    """Formats the frames of one capture, in order."""

    def __init__(self, opts: PrintOptions, native: bool = True) -> None:
        # The decoders load with the first printer, not with the package: a capture imports
        # printer.options (through plan.py) before it attaches, and the decoders cost it 10-15 ms.
        from xdpdump.printer.fast_path import fast_path_for
        from xdpdump.printer.tcpdump_format import LineFormatter, LinePrefix

        self.opts = opts
        self._lines = LineFormatter(opts)
        self._prefix = LinePrefix(opts)  # -#'s number and the stamp (with -ttt's reference)
        self._dumps = bool(opts.hex or opts.hex_ascii or opts.ascii)  # -x, -X, -A: asked once, not per line
        self._json_line = None
        if opts.json:
            # scapy (for --json's layers) loads only when asked for: importing it costs seconds. It
            # loads here, when the printer is made, because a live capture makes its printer before
            # its sandbox, which refuses the files an import opens.
            from xdpdump.printer.jsonl import json_line

            self._json_line = json_line
            # What a frame costs to dissect is measured by printing it as -vv would (every option and
            # record walked, each spending from that printer's budget): jsonl.py skips scapy's far
            # slower dissection of a frame that took too much (a second pass: tens of microseconds).
            self._work_lines = LineFormatter(dataclasses.replace(opts, verbose=2, json=False))
        # The native formatter prints the common lines of the default form (fast_path.py); made
        # here, before a live capture's sandbox, since it reads the time zone once.
        self.fast = fast_path_for(opts) if native else None
        if self.fast is not None:
            self.fast.install(self._lines)

    def format(self, ts_ns: int, data: bytes, wire_len: int, ifname: str | None = None,
               linktype: int = LINKTYPE_ETHERNET, outbound: bool = False) -> str:
        if self.fast is not None and ifname is None and linktype == LINKTYPE_ETHERNET:
            line = self.fast.line(ts_ns, data, wire_len)
            if line is not None:
                return line
        try:
            return visible(self._format(ts_ns, data, wire_len, ifname, linktype, outbound))
        except Exception as e:  # a printer bug must not end a capture; say what happened instead
            return _error(e, data)

    def _format(self, ts_ns: int, data: bytes, wire_len: int, ifname: str | None, linktype: int,
                outbound: bool) -> str:
        try:
            body = self._lines.body(data, wire_len, linktype)
        except Exception as e:  # the decoders' bug: the line keeps its stamp and says so
            body = _error(e, data)
        if self._json_line is not None:
            return self._json_line(ts_ns, data, wire_len, ifname, body, linktype, self._json_work(data, wire_len,
                                                                                                  linktype))
        refused = self._prefix.refused(len(data), wire_len)
        if refused is not None:
            return refused  # tcpdump prints no stamp for a record with impossible lengths either
        head = self._prefix.text(ts_ns)
        if ifname is not None:
            head += f"{ifname} {'Out' if outbound else 'In '} "  # tcpdump -i any's direction column
        if self._dumps:
            return head + body + payload_dump(data, self._lines.link_hdrlen, self.opts)
        return head + body


    def _json_work(self, data: bytes, wire_len: int, linktype: int) -> int:
        """The budget units the frame takes printed with -vv (a printer bug: all of them)."""
        try:
            self._work_lines.body(data, wire_len, linktype)
        except Exception:
            return WORK_LIMIT + 1
        return self._work_lines.budget.used


def _error(e: Exception, data: bytes) -> str:
    """The one line a frame gets when printing it raised: the message escaped, as it may quote the
    packet (and a newline in it would start a line of its own)."""
    return f"[printer error: {escape_text(f'{type(e).__name__}: {e}')}] {len(data)} bytes"


def format_packet(ts_ns: int, data: bytes, wire_len: int, opts: PrintOptions, ifname: str | None = None,
                  linktype: int = LINKTYPE_ETHERNET, printer: Printer | None = None) -> str:
    """One frame's text; without ``printer`` TCP numbers are absolute-as-first-seen (no history)."""
    return (printer or Printer(opts)).format(ts_ns, data, wire_len, ifname, linktype)
