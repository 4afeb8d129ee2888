"""`xdpdump`: tcpdump's interface to an AF_XDP capture (flags as tcpdump's where they exist).

    xdpdump -i DEV [-i lo] [-program tcpdump] [-c N] [-w FILE|-] [-s SNAPLEN] [-n] [-e] [-x|-X|-A]
            [-v] [-q] [-p] [-t...] [-#] [-l] [--time-stamp-precision micro|nano] [--json] [--queue Q|all]
            [--mode auto|native|skb] [--copy|--zerocopy] [--ring-size N] [--frame-size 2048|4096]
            [--capture-ssh] [--force] [--mirror] [-Q in|out|inout] [-C N] [-G S] [-W N] [-z CMD] [-U]
            [--metrics [ADDR:]PORT] [--gui [ADDR:]PORT] [-F FILE | EXPR]
    xdpdump -r FILE [print flags] [--count] [-F FILE | EXPR]
    xdpdump -r FILE -w FILE [-s SNAPLEN] [--pcapng] [-C N] [-G S] [-W N] [-z CMD] [-F FILE | EXPR]
    xdpdump -d EXPR | --dump-c EXPR
    xdpdump -D | --version

Captured frames are consumed: the XDP program redirects each matching frame to the capture, so it
does not also reach the kernel stack. Frames the expression does not match continue untouched.
"""

from __future__ import annotations

import argparse
import sys

from xdpdump.cli.common import Parser, require_bpf_privileges, run
from xdpdump.constants import DEFAULT_RECORD_RING_KIB, DEFAULT_SNAPLEN
from xdpdump.errors import UserError
from xdpdump.plan import (
    CaptureOptions,
    RotationWords,
    build_capture_plan,
    build_read_plan,
    check_snaplen,
    check_stamp,
)
from xdpdump.printer.options import PrintOptions


class _VersionAction(argparse.Action):
    """--version as tcpdump's: this program's version, then what it runs on, one line each."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from xdpdump.cli.versions import version_lines

        sys.stdout.write("".join(line + "\n" for line in version_lines(parser.prog)))
        parser.exit()


def _number(message: str):
    """An argparse type for an integer flag whose bad value gets tcpdump's message (`invalid packet
    count abc`), not argparse's."""

    def parse(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise UserError(message.format(text), status=2) from None

    return parse


def _parser() -> Parser:
    p = Parser(
        conflict_handler="resolve",  # our --version replaces the one every tool's Parser has
        prog="xdpdump",
        description="tcpdump on AF_XDP: the filter runs in the XDP program; matching frames are "
        "consumed by the capture (they do not also reach the stack), the rest continue untouched.",
        epilog="With no expression, TCP port 22 stays on the stack unless --capture-ssh is given.",
    )
    p.add_argument("-i", dest="interfaces", action="append", default=[], metavar="DEV",
                   help="capture on DEV, or on the N-th device of `tcpdump -D` (repeatable; lo works in skb "
                   "mode; `any` is refused: name each device)")
    p.add_argument("-program", dest="program", default="tcpdump", choices=["tcpdump"],
                   help="output style (gVisor's flag); only tcpdump")
    p.add_argument("-c", dest="count", type=_number("invalid packet count {}"), metavar="N",
                   help="exit after N packets")
    p.add_argument("-w", dest="write", metavar="FILE", help="write packets to FILE (pcap; - for stdout)")
    p.add_argument("--pcapng", action="store_true", help="with -w: write pcapng instead of pcap")
    p.add_argument("-r", dest="read", metavar="FILE", help="read packets from a pcap/pcapng file")
    p.add_argument("-s", dest="snaplen", type=_number(f"invalid snaplen {{}} (must be >= 0 and <= {DEFAULT_SNAPLEN})"),
                   metavar="SNAPLEN",
                   help=f"bytes of each packet to keep (default {DEFAULT_SNAPLEN}; 0 means the default); at most "
                   "the UMEM frame size (--frame-size), which is also the largest frame AF_XDP can receive; "
                   "with -r -w, the input file's unless given")
    p.add_argument("-C", dest="file_size", metavar="N",
                   help="with -w: before each packet, if the file is larger than N million bytes, start the next "
                   "(FILE, FILE1, FILE2, ...)")
    p.add_argument("-G", dest="rotate_seconds", type=int, metavar="S",
                   help="with -w: start a new file every S seconds (at the next packet); FILE goes through strftime")
    p.add_argument("-W", dest="max_files", type=int, metavar="N",
                   help="with -C: a ring of N files (FILE0..); with -G alone: exit after N files")
    p.add_argument("-z", dest="post_rotate", metavar="CMD",
                   help="with -C or -G: run `CMD FILE` on each file rotation closed, at the lowest priority")
    p.add_argument("--rename-at-close", action="store_true",
                   help="with -w: write each file as .NAME.partial and rename it to NAME once complete and fsynced")
    p.add_argument("-U", dest="unbuffered", action="store_true",
                   help="with -w: each batch of packets reaches the file as soon as the writer has it")
    p.add_argument("-B", dest="buffer_kib", type=_number("invalid packet buffer size {}"),
                   default=DEFAULT_RECORD_RING_KIB, metavar="KIB",
                   help="record ring between capture and writer/printer, in KiB, rounded up to a power of two "
                   "(at least 64; default %(default)s)")
    p.add_argument("-p", dest="no_promiscuous", action="store_true",
                   help="do not put the interface into promiscuous mode")
    p.add_argument("--time-stamp-precision", dest="time_stamp_precision", default="micro", metavar="micro|nano",
                   help="timestamps in microseconds (default) or nanoseconds: printed lines, and -w's pcap "
                   "(pcapng always has nanoseconds)")
    p.add_argument("-n", dest="numeric", action="store_true", help="do not resolve names (always true)")
    p.add_argument("-e", dest="link", action="store_true", help="print the link-level header")
    p.add_argument("-x", dest="hex", action="count", default=0,
                   help="print each packet in hex (-xx: with its link-level header)")
    p.add_argument("-X", dest="hex_ascii", action="count", default=0,
                   help="print each packet in hex and ASCII (-XX: with its link-level header)")
    p.add_argument("-A", dest="ascii", action="count", default=0,
                   help="print each packet in ASCII (-AA: with its link-level header)")
    p.add_argument("-t", dest="t_flags", action="count", default=0,
                   help="-t no time stamp, -tt seconds since 1970, -ttt since the previous packet, -tttt date and "
                   "time, -ttttt since the first packet")
    p.add_argument("-S", dest="absolute_seq", action="store_true", help="print absolute TCP sequence numbers")
    p.add_argument("-#", "--number", dest="number", action="store_true", help="number each packet's line")
    p.add_argument("-l", dest="line_buffered", action="store_true",
                   help="line-buffered stdout: each line is written as it is printed (for `| grep`)")
    p.add_argument("-F", dest="filter_file", metavar="FILE",
                   help="read the filter expression from FILE (an expression on the command line is ignored)")
    p.add_argument("--count", dest="count_only", action="store_true",
                   help="with -r: print only the number of matching packets")
    p.add_argument("-D", "--list-interfaces", dest="list_interfaces", action="store_true",
                   help="list the devices as tcpdump -D numbers them, each with what XDP can do there, and exit")
    p.add_argument("-v", dest="verbose", action="count", default=0, help="more detail (and XDP drop reasons)")
    p.add_argument("-q", dest="quiet", action="store_true", help="less protocol detail")
    p.add_argument("-d", dest="dump_bpf", action="count", default=0,
                   help="print the classic BPF and exit (-dd: as a C array, -ddd: as decimal numbers)")
    p.add_argument("--dump-c", action="store_true", help="print the C the filter becomes and exit")
    p.add_argument("--json", action="store_true", help="one JSON object per packet")
    p.add_argument("--queue", default="all", metavar="Q|all", help="rx queue to capture (default: all)")
    p.add_argument("--mode", choices=["auto", "native", "skb"], default="auto", help="XDP attach mode")
    copy = p.add_mutually_exclusive_group()
    copy.add_argument("--copy", dest="bind_mode", action="store_const", const="copy", help="force AF_XDP copy mode")
    copy.add_argument("--zerocopy", dest="bind_mode", action="store_const", const="zerocopy",
                      help="require zero-copy (fails where the driver lacks it)")
    p.add_argument("--ring-size", type=int, metavar="N",
                   help="descriptors per ring, a power of 2 (default: 16 MiB of UMEM per queue, 8192 frames of "
                   "2048 bytes or 4096 of 4096)")
    p.add_argument("--frame-size", type=int, choices=[2048, 4096],
                   help="UMEM frame size (default: 2048 where every device's MTU fits, else 4096)")
    p.add_argument("--capture-ssh", action="store_true", help="without an expression, capture TCP port 22 too")
    p.add_argument("--force", action="store_true", help="replace an XDP program already on DEV for the capture")
    p.add_argument("--forward", metavar="OUT",
                   help="inline tap: transmit every captured frame out of OUT (AF_XDP TX ring)")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run the roles without seccomp filters (debugging only)")
    p.add_argument("--metrics", metavar="[ADDR:]PORT",
                   help="serve Prometheus metrics at http://ADDR:PORT/metrics (ADDR default 127.0.0.1; PORT 0: any "
                   "free port, the banner names it) from a sandboxed role")
    p.add_argument("--gui", metavar="[ADDR:]PORT",
                   help="serve a live page of the capture at http://ADDR:PORT/ (ADDR default 127.0.0.1) from a "
                   "sandboxed role")
    p.add_argument("--sandbox-selftest", choices=["net", "archive", "metrics", "gui"], metavar="ROLE",
                   help="self-test: ROLE attempts a forbidden system call once sandboxed; the kernel must kill "
                   "it (SIGSYS) and xdpdump must report it and exit non-zero")
    p.add_argument("--log-file", metavar="F", help="log every message to F (WARNING and above also to stderr)")
    p.add_argument("--congested", default="pass", metavar="pass|drop",
                   help="while the record ring is full (a reader behind): pass the matched frames to the stack, "
                   "counted in the summary (default), or leave them to the kernel, which drops them")
    p.add_argument("--mirror", action="store_true",
                   help="capture copies through BPF ring buffers, both directions; every frame stays on the stack")
    p.add_argument("-Q", dest="direction", metavar="in|out|inout",
                   help="direction to capture (default: inout with --mirror; the AF_XDP capture sees only in)")
    p.add_argument("--version", action=_VersionAction,
                   help="print the versions of xdpdump, libpcap, bcc and the kernel, and exit")
    p.add_argument("expression", nargs="*", help="pcap-filter expression, as tcpdump")
    return p


def _print_options(args: argparse.Namespace) -> PrintOptions:
    return PrintOptions(numeric=args.numeric, link=args.link, hex=args.hex, hex_ascii=args.hex_ascii,
                        verbose=args.verbose, quiet=args.quiet, json=args.json, ascii=args.ascii,
                        stamp=check_stamp(args.t_flags), number=args.number, absolute_seq=args.absolute_seq,
                        nano=args.time_stamp_precision == "nano")


def _expression(args: argparse.Namespace) -> str:
    """The filter: the command line's words, or -F's file. With both, tcpdump silently takes the file's;
    xdpdump does the same and says so on stderr."""
    if args.filter_file is None:
        return " ".join(args.expression)
    from xdpdump.filter_file import read_filter_file

    expression = read_filter_file(args.filter_file)
    if args.expression:
        sys.stderr.write(f"xdpdump: warning: the expression on the command line ({' '.join(args.expression)}) "
                         f"is ignored: -F {args.filter_file} gives the filter, as in tcpdump\n")
    return expression


def _capture_options(args: argparse.Namespace, expression: str) -> CaptureOptions:
    """The parsed command line in the plan's terms (the only place a Namespace is read)."""
    return CaptureOptions(
        interfaces=tuple(args.interfaces), expression=expression, count=args.count,
        write=args.write, pcapng=args.pcapng, snaplen=args.snaplen, buffer_kib=args.buffer_kib,
        queue=args.queue, xdp_mode=args.mode, bind_mode=args.bind_mode or "auto", ring_size=args.ring_size,
        frame_size=args.frame_size, capture_ssh=args.capture_ssh, force=args.force, forward=args.forward,
        sandboxed=not args.no_sandbox, selftest=args.sandbox_selftest, log_file=args.log_file,
        print_options=_print_options(args), metrics=args.metrics, gui=args.gui,
        time_stamp_precision=args.time_stamp_precision, promiscuous=not args.no_promiscuous,
        mirror=args.mirror, direction=args.direction,
        rotation=_rotation_words(args), unbuffered=args.unbuffered,
        line_buffered=args.line_buffered, count_only=args.count_only,
        congested=args.congested,
    )


def _rotation_words(args: argparse.Namespace) -> RotationWords:
    return RotationWords(args.file_size, args.rotate_seconds, args.max_files, args.post_rotate,
                         args.rename_at_close)


def _main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.list_interfaces:  # as tcpdump -D: the list, whatever else is on the command line
        from xdpdump.list_interfaces import print_list

        return print_list()
    snaplen_given = args.snaplen is not None
    if not snaplen_given:
        args.snaplen = DEFAULT_SNAPLEN
    expression = _expression(args)
    if args.dump_bpf or args.dump_c:
        from xdpdump.pcapfilter import compile_pcap_filter

        compiled = compile_pcap_filter(expression, check_snaplen(args.snaplen))
        sys.stdout.write(compiled.dump(min(args.dump_bpf, 3)) if args.dump_bpf else compiled.c_source())
        return 0
    if args.read:
        if args.interfaces:
            raise UserError("-r and -i cannot be used together", status=2)
        from xdpdump.offline import read_and_print

        return read_and_print(build_read_plan(args.read, expression, args.snaplen, args.count, args.write,
                                              _print_options(args), pcapng=args.pcapng,
                                              rotation=_rotation_words(args), unbuffered=args.unbuffered,
                                              snaplen_given=snaplen_given, line_buffered=args.line_buffered,
                                              count_only=args.count_only))
    opts = _capture_options(args, expression)
    if not opts.interfaces:
        raise UserError("no interface given: use -i DEV (or -r FILE)", status=2)
    from xdpdump import netdev
    from xdpdump.supervisor import run_capture

    plan = build_capture_plan(opts, netdev.lookup_capture_device)
    require_bpf_privileges()  # once the command line is known sound: before bcc meets EPERM
    return run_capture(plan)


def main(argv: list[str] | None = None) -> int:
    return run("xdpdump", _main, argv)


if __name__ == "__main__":
    sys.exit(main())
