"""``xdpdump-seccomp``: audit a policy file.

    xdpdump-seccomp compile POLICY [--arch A] [--param NAME=N ...] [-o FILE]   filter bytes
    xdpdump-seccomp disasm  POLICY [--arch A] [--param NAME=N ...]             readable listing
    xdpdump-seccomp check   POLICY                                             parse, compile both arches
    xdpdump-seccomp header  POLICY                                             the generated C header

``--arch`` defaults to the running machine. ``compile`` needs every parameter (``--param fd=3``) and
writes raw ``struct sock_filter`` bytes to FILE or stdout; ``disasm`` shows missing ones as ``<name>``.
"""

from __future__ import annotations

import argparse
import sys

from xdpdump.errors import UserError
from xdpdump.sandbox.arches import ARCHES, host_arch
from xdpdump.sandbox.cheader import emit_header
from xdpdump.sandbox.codegen import compile_policy, instantiate
from xdpdump.sandbox.disasm import disassemble
from xdpdump.sandbox.policy import load_policy

PROG = "xdpdump-seccomp"


def _param(text: str) -> tuple[str, int]:
    name, sep, value = text.partition("=")
    try:
        if not sep or not name:
            raise ValueError
        return name, int(value, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected NAME=N, got {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Compile and audit .seccomppolicy files.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("compile", "write the instantiated filter as struct sock_filter bytes"),
                           ("disasm", "print a readable listing of the filter"),
                           ("check", "parse and compile for every architecture, print instruction counts"),
                           ("header", "print the generated C header")):
        cmd = sub.add_parser(name, help=helptext)
        cmd.add_argument("policy", metavar="POLICY")
        if name in ("compile", "disasm"):
            cmd.add_argument("--arch", choices=list(ARCHES),
                             help="target architecture (default: this machine)")
            cmd.add_argument("--param", type=_param, action="append", default=[], metavar="NAME=N",
                             help="parameter value (repeat per parameter)")
        if name == "compile":
            cmd.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    return parser


def run(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    policy = load_policy(args.policy)
    if args.command == "check":
        for arch in ARCHES:
            compiled = compile_policy(policy, arch)
            print(f"{args.policy}: {arch}: {compiled.instr_cnt} instructions, "
                  f"{len(policy.rules_for(arch))} rules, parameters: {', '.join(policy.params) or 'none'}")
        return 0
    if args.command == "header":
        sys.stdout.write(emit_header(policy, args.policy))
        return 0
    arch = args.arch or host_arch().name
    compiled = compile_policy(policy, arch)
    params = dict(args.param)
    if args.command == "disasm":
        sys.stdout.write(disassemble(compiled, params))
        return 0
    data = instantiate(compiled, **params)
    if args.output:
        try:
            with open(args.output, "wb") as out:
                out.write(data)
        except OSError as exc:
            raise UserError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.buffer.write(data)
    return 0


def main(argv: list[str] | None = None) -> int:
    from xdpdump.cli.common import reopen_standard_fds

    reopen_standard_fds()  # before -o's file can take a closed 0, 1 or 2
    try:
        return run(argv)
    except UserError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.status


if __name__ == "__main__":
    sys.exit(main())
