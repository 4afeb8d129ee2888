"""`xdpdump -r FILE [EXPR]`: read a capture file, filter with libpcap's semantics, print.

Owns the offline loop only: the file format is capfile's, the filter is libpcap's verdict (the same
expression the live capture compiles into its XDP program), the lines are the printer's.
"""

from __future__ import annotations

import argparse
import sys

from xdpdump import capfile
from xdpdump.errors import UserError
from xdpdump.printer import Printer, PrintOptions

LINKTYPE_ETHERNET = 1


def print_options(args: argparse.Namespace) -> PrintOptions:
    return PrintOptions(
        numeric=args.numeric, link=args.link, hex=args.hex, hex_ascii=args.hex_ascii,
        verbose=args.verbose, quiet=args.quiet, json=args.json,
    )


def read_and_print(args: argparse.Namespace) -> int:
    if args.write:
        raise UserError("-r with -w is not supported: filter with -r and write live captures with -w", status=2)
    linktype = capfile.capture_linktype(args.read)
    matcher = None
    if args.expression:
        if linktype != LINKTYPE_ETHERNET:
            raise UserError(f"{args.read}: link-type {linktype} is not Ethernet; filters need Ethernet frames")
        from xdpdump.filter import compile_filter

        matcher = compile_filter(args.expression, args.snaplen)
    name = "EN10MB (Ethernet)" if linktype == LINKTYPE_ETHERNET else str(linktype)
    sys.stderr.write(f"reading from file {args.read}, link-type {name}\n")
    sys.stderr.flush()
    printer = Printer(print_options(args))
    out = sys.stdout
    printed = 0
    for record in capfile.read_capture(args.read):
        if matcher is not None and not matcher.matches(record.data, record.wire_len):
            continue
        out.write(printer.format(record.ts_ns, record.data, record.wire_len, linktype=record.linktype) + "\n")
        printed += 1
        if args.count is not None and printed >= args.count:
            break
    out.flush()
    return 0
