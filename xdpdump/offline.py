"""`xdpdump -r FILE [EXPR]`: read a capture file (`-`: standard input), filter with libpcap's semantics,
print (a ReadPlan), or with --count print only how many packets matched; with -w,
offline_write.py writes the matching records instead.

Owns the offline loop only: the file format is capfile's, the filter is libpcap's verdict (the same
expression the live capture compiles into its XDP program), the lines are the printer's.
"""

from __future__ import annotations

import sys

from xdpdump import capfile
from xdpdump.constants import LINKTYPE_ETHERNET
from xdpdump.errors import UserError
from xdpdump.plan import ReadPlan
from xdpdump.printer import Printer


def read_and_print(plan: ReadPlan) -> int:
    if plan.write is not None:
        from xdpdump.offline_write import read_and_write

        return read_and_write(plan)
    with capfile.open_capture(plan.path) as capture:
        return _print_records(plan, capture)


def say_reading(path: str, linktype: int, snaplen: int) -> None:
    """tcpdump's first line on stderr when it reads a file."""
    name = "EN10MB (Ethernet)" if linktype == LINKTYPE_ETHERNET else str(linktype)
    sys.stderr.write(f"reading from file {path}, link-type {name}, snapshot length {snaplen}\n")
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
