"""Regenerate (or check) ``native/generated/NAME_seccomp.h`` for every role that runs.

The native core compiles these headers in, and they are what a role installs (native/policy_filters.c).
Only the roles in ``ROLES_WITH_HEADERS`` get one (every role that runs: net, archive, metrics, gui and
the supervisor); a policy written for a role that does not exist yet would stay and be tested as a
policy, but no header nothing includes would be generated for it.

Run through ``scripts/generate-policies [--check] [--policy-dir DIR] [--out-dir DIR]``. With ``--check``
nothing is written; the exit status is 1 and each stale or missing header is named, and so is a
leftover header of a role not in the list.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xdpdump.errors import UserError
from xdpdump.sandbox.cheader import emit_header
from xdpdump.sandbox.policy import load_policy

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POLICY_DIR = Path(__file__).resolve().parent / "policies"
DEFAULT_OUT_DIR = ROOT / "native" / "generated"
ROLES_WITH_HEADERS = ("net", "net_mirror", "archive", "metrics", "gui", "supervisor")


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def header_name(role: str) -> str:
    return f"{role}_seccomp.h"


def expected_headers(policy_dir: Path) -> dict[str, str]:
    """Header file name -> text, for every role in ``ROLES_WITH_HEADERS`` (its policy in ``policy_dir``)."""
    headers = {}
    for role in ROLES_WITH_HEADERS:
        path = policy_dir / f"{role}.seccomppolicy"
        if not path.is_file():
            raise UserError(f"{_display(path)}: no policy for the {role} role")
        headers[header_name(role)] = emit_header(load_policy(path), _display(path))
    return headers


def run(policy_dir: Path, out_dir: Path, check: bool) -> int:
    headers = expected_headers(policy_dir)
    if check:
        stale = []
        for name, text in headers.items():
            path = out_dir / name
            if not path.is_file():
                stale.append(f"{_display(path)}: missing")
            elif path.read_text() != text:
                stale.append(f"{_display(path)}: stale")
        for path in sorted(out_dir.glob("*_seccomp.h")):
            if path.name not in headers:
                stale.append(f"{_display(path)}: leftover (no role in ROLES_WITH_HEADERS uses it)")
        for line in stale:
            print(f"generate-policies: {line} (run scripts/generate-policies)", file=sys.stderr)
        if not stale:
            print(f"generate-policies: {len(headers)} headers in {_display(out_dir)} are current")
        return 1 if stale else 0
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(out_dir.glob("*_seccomp.h")):
        if path.name not in headers:
            path.unlink()
            print(f"generate-policies: removed {_display(path)}")
    for name, text in headers.items():
        path = out_dir / name
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
            print(f"generate-policies: wrote {_display(path)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="generate-policies", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; fail if a header is stale")
    parser.add_argument("--policy-dir", type=Path, default=DEFAULT_POLICY_DIR)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    args = parser.parse_args(argv)
    try:
        return run(args.policy_dir, args.out_dir, args.check)
    except UserError as exc:
        print(f"generate-policies: {exc}", file=sys.stderr)
        return exc.status


if __name__ == "__main__":
    sys.exit(main())
