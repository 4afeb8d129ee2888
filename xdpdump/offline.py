"""`xdpdump -r FILE [EXPR]`: read a capture file (`-`: standard input), filter with libpcap's semantics,
print (a ReadPlan), or with --count print only how many packets matched; with -w,
offline_write.py writes the matching records instead.

Owns the offline loop only: the file format is capfile's, the filter is libpcap's verdict (the same
expression the live capture compiles into its XDP program), the lines are the printer's. A pcap
or pcapng file read without a filter, when the printer has its fast path, goes to the native formatter
in chunks of records (``_print_batches``): no Python runs for the frames it formats, and each frame it
defers is read and printed here by the Python printer, in order.
"""

from __future__ import annotations

import sys

from xdpdump import capfile
from xdpdump.constants import LINKTYPE_ETHERNET
from xdpdump.errors import UserError
from xdpdump.plan import ReadPlan
from xdpdump.printer import Printer
from xdpdump.printer.escape import escape_text
from xdpdump.xsk import line_format as lf


def read_and_print(plan: ReadPlan) -> int:
    if plan.write is not None:
        from xdpdump.offline_write import read_and_write

        return read_and_write(plan)
    with capfile.open_capture(plan.path) as capture:
        return _print_records(plan, capture)


def say_reading(path: str, linktype: int, snaplen: int) -> None:
    """tcpdump's first line on stderr when it reads a file."""
    name = "EN10MB (Ethernet)" if linktype == LINKTYPE_ETHERNET else str(linktype)
    sys.stderr.write(f"reading from file {escape_text(path)}, link-type {name}, snapshot length {snaplen}\n")
    sys.stderr.flush()


def _print_records(plan: ReadPlan, capture: capfile.CaptureFile) -> int:
    linktype = capture.linktype
    matcher = None
    if plan.expression:
        if linktype != LINKTYPE_ETHERNET:
            raise UserError(f"{plan.path}: link-type {linktype} is not Ethernet; filters need Ethernet frames")
        from xdpdump.pcapfilter import compile_pcap_filter

        matcher = compile_pcap_filter(plan.expression, plan.snaplen)
    say_reading(plan.path, linktype, capture.snaplen)
    printer = Printer(plan.print_options)
    out = sys.stdout
    if plan.line_buffered:
        out.reconfigure(line_buffering=True)  # -l: each line reaches a pipe as it is printed
    if matcher is None and not plan.count_only and printer.fast is not None and hasattr(out, "buffer"):
        _print_batches(capture.reader, printer, plan.count)
        return 0
    printed = 0
    for record in capture.records:
        if matcher is not None and not matcher.matches(record.data, record.wire_len):
            continue
        if not plan.count_only:
            out.write(printer.format(record.ts_ns, record.data, record.wire_len, linktype=record.linktype) + "\n")
        printed += 1
        if plan.count is not None and printed >= plan.count:
            break
    if plan.count_only:  # tcpdump --count: the number alone, on stdout
        out.write(f"{printed} packet{'' if printed == 1 else 's'}\n")
    out.flush()
    return 0


def _print_batches(reader: capfile.CaptureReader, printer: Printer, count: int | None) -> None:
    """Every record of a pcap or pcapng file: the native formatter's lines, and the Python printer's
    for the frames (and the pcapng blocks) it defers, written in file order as bytes to stdout."""
    assert printer.fast is not None
    batch = printer.fast.native.batch(count or 0)
    text = sys.stdout
    text.flush()
    out = text.buffer
    encoding, errors = text.encoding or "utf-8", text.errors or "strict"
    # On a terminal each batch is shown as soon as it is formatted (`-r -` from a live pipe), as by
    # the line-buffered text stream.
    interactive = text.line_buffering
    sections = -1
    try:
        while True:
            sections = _describe(reader, batch, sections)
            status = batch.run(reader.buf, reader.pos)
            reader.pos = batch.pos
            reader.index += batch.take_units()
            out.write(batch.take_output())
            if interactive:
                out.flush()
            if status == lf.LIMIT:
                return
            if status == lf.FULL:
                continue
            if status == lf.DEFER:
                pos = reader.pos
                rec = reader.take()
                if rec is not None:
                    line = printer.format(rec.ts_ns, rec.data, rec.wire_len, linktype=rec.linktype)
                    out.write((line + "\n").encode(encoding, errors))
                    if interactive:
                        out.flush()
                    batch.count_line()
                    continue
                if reader.pos != pos:
                    continue  # pcapng blocks that are no packet
            if not reader.more():
                if reader.pos < len(reader.buf):
                    raise reader.cut()
                return
    finally:
        out.flush()


def _describe(reader: capfile.CaptureReader, batch: lf.Batch, sections: int) -> int:
    """Tell the native side the file's format (a pcapng file: again after a new section or interface,
    which ``reader.sections`` counts); returns the count it was told."""
    if isinstance(reader, capfile.PcapngReader):
        if reader.sections != sections:
            batch.pcapng(reader.order == ">", [(i.linktype, *i.tsresol, i.tsoffset) for i in reader.ifaces])
        return reader.sections
    if isinstance(reader, capfile.PcapReader):
        batch.pcap(reader.order == ">", reader.nsec)
    return sections
