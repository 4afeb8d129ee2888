"""`xdp-load`: attach, detach and inspect XDP programs, in the manner of xdp-tools' xdp-loader.

    xdp-load pass|drop -i DEV [--mode auto|native|skb|hw] [--force]
    xdp-load redirect -i DEV --to DEV2 [--keep-port P ...] [--mode ...] [--force]
    xdp-load unload -i DEV
    xdp-load status [-i DEV] [--json]

DEV may also come before the command (`xdp-load -i DEV pass`) or as its argument (`xdp-load unload DEV`),
the forms xdp-tools' xdp-loader takes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from pyroute2 import IPRoute

from xdpdump import loader, netdev, programs
from xdpdump.cli.common import Parser, require_bpf_privileges, run
from xdpdump.errors import UserError
from xdpdump.plan import attach_modes


def _parser() -> Parser:
    p = Parser(prog="xdp-load", description="Attach, detach and inspect XDP programs.",
               epilog="DEV may be given as -i DEV before or after the command, or as the command's argument, "
               "as xdp-loader takes it.")
    p.add_argument("-i", "--interface", dest="top_interface", metavar="DEV", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)

    def device_arg(sp: Parser) -> None:
        sp.add_argument("-i", "--interface", dest="interface", metavar="DEV", help="the device")
        sp.add_argument("device", nargs="?", metavar="DEV", help="the device (the same as -i DEV)")

    def attach_flags(sp: Parser) -> None:
        device_arg(sp)
        sp.add_argument("-m", "--mode", choices=["auto", "native", "skb", "hw"], default="auto",
                        help="native (driver) mode, skb (generic) mode, or auto: native, else skb")
        sp.add_argument("-F", "--force", action="store_true",
                        help="replace a program already attached (atomically where the mode allows)")

    attach_flags(sub.add_parser("pass", help="attach a program that passes every frame (and counts)"))
    attach_flags(sub.add_parser("drop", help="attach a program that drops every frame (and counts)"))
    red = sub.add_parser("redirect", help="redirect frames from DEV out of DEV2 (kernel fast path)")
    attach_flags(red)
    red.add_argument("--to", required=True, metavar="DEV2")
    red.add_argument("--keep-port", type=int, action="append", default=[], metavar="PORT",
                     help="TCP/UDP port whose frames stay on DEV's stack (22 always does)")
    device_arg(sub.add_parser("unload", help="detach the XDP program from DEV (and what redirect put on a peer)"))
    st = sub.add_parser("status", help="show XDP programs attached, with our counters")
    device_arg(st)
    st.add_argument("--json", action="store_true")
    return p


def device_name(given: Sequence[str | None], required: bool) -> str | None:
    """The one device named by -i (before or after the command) or as the command's argument."""
    named = list(dict.fromkeys(d for d in given if d is not None))
    if len(named) > 1:
        raise UserError(f"two devices given ({' and '.join(named)}); name one", status=2)
    if not named and required:
        raise UserError("no device given: name it as -i DEV or as the command's argument", status=2)
    return named[0] if named else None


def _attach(args, ipr: IPRoute) -> int:
    require_bpf_privileges()
    dev = netdev.lookup(args.interface, ipr)
    netdev.require_up(dev)
    peer_receiver = None
    if args.command == "redirect":
        target = netdev.lookup(args.to, ipr)
        if target.index == dev.index:
            raise UserError(f"cannot redirect {dev.name} to itself")
        netdev.require_up(target)
        for port in args.keep_port:
            if not 0 < port < 65536:
                raise UserError(f"--keep-port {port}: not a port number", status=2)
        prog = programs.load_redirect(target.index, args.keep_port)
    elif args.command == "pass":
        prog = programs.load_pass()
    else:
        prog = programs.load_drop()
    try:
        if args.command == "redirect":
            peer_receiver = programs.ensure_veth_peer_receives(target, ipr)
        try:
            mode = loader.attach(dev, prog.fd, attach_modes(dev.name, args.mode), args.force, ipr)
        except UserError:
            if peer_receiver is not None:
                peer_receiver.undo()
            raise
    finally:
        prog.close()
    fallback = " (native not supported, fell back)" if args.mode == "auto" and mode == "skb" else ""
    print(f"{dev.name}: attached {prog.name} in {mode} mode{fallback}")
    if args.command == "redirect":
        kept = ", ".join(str(p) for p in sorted({programs.SSH_PORT, *args.keep_port}))
        print(f"{dev.name}: redirecting to {target.name}; TCP/UDP ports {kept} stay on the stack")
    if peer_receiver is not None:
        programs.record_peer_receiver(dev, peer_receiver)
        print(f"{args.to}: {peer_receiver.describe()}; `xdp-load unload -i {dev.name}` removes it too")
    return 0


def _unload(args, ipr: IPRoute) -> int:
    require_bpf_privileges()
    dev = netdev.lookup(args.interface, ipr)
    prog = loader.describe_prog(dev.xdp.prog_id) if dev.xdp.prog_id else ""
    modes = loader.detach(dev, ipr)
    print(f"{dev.name}: detached XDP program {prog} ({', '.join(modes)} mode)")
    peer = programs.recorded_peer_receiver(dev)
    if peer is not None:
        outcome = peer.remove_if_ours()
        programs.forget_peer_receiver(dev)
        print(outcome)
    return 0


def _status(args, ipr: IPRoute) -> int:
    devices = [netdev.lookup(args.interface, ipr)] if args.interface else netdev.all_devices(ipr)
    rows = [loader.program_status(d) for d in devices]
    peers = [programs.attached_peer_receiver(d) for d in devices]
    if args.json:
        json.dump([{**r.__dict__, "peer_program": p.__dict__ if p else None} for r, p in zip(rows, peers, strict=True)],
                  sys.stdout, indent=2)
        print()
        return 0
    print(f"{'Interface':<16} {'Mode':<7} {'ID':>6}  {'Name':<16} {'Tag':<16}  Counters")
    print("-" * 86)
    for r in rows:
        if r.prog_id is None:
            print(f"{r.interface:<16} {'':<7} {'':>6}  <no XDP program>")
            continue
        counters = " ".join(f"{k}={v}" for k, v in r.counters.items())
        print(f"{r.interface:<16} {r.mode or '?':<7} {r.prog_id:>6}  {r.name or '?':<16} {r.tag or '?':<16}  "
              f"{counters}".rstrip())
    for r, p in zip(rows, peers, strict=True):
        if p is not None:
            print(f"{r.interface}: redirect also attached xdpd_pass (id {p.prog_id}) to {p.where}; "
                  f"`xdp-load unload -i {r.interface}` removes both")
    return 0


def _main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    args.interface = device_name((args.top_interface, args.interface, args.device), args.command != "status")
    with IPRoute() as ipr:
        if args.command == "unload":
            return _unload(args, ipr)
        if args.command == "status":
            return _status(args, ipr)
        return _attach(args, ipr)


def main(argv: list[str] | None = None) -> int:
    return run("xdp-load", _main, argv)


if __name__ == "__main__":
    sys.exit(main())
