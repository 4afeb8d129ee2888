"""What every command-line tool here shares: one-line errors, exit statuses, the privilege check."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Callable

from xdpdump.errors import InternalError, UserError

CAP_NET_ADMIN = 12
CAP_SYS_ADMIN = 21
CAP_BPF = 39


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {message} (see --help)\n")
        sys.exit(2)


def effective_caps() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return int(line.split()[1], 16)
    return 0


def require_bpf_privileges() -> None:
    """Fail early and clearly rather than with EPERM halfway through an attach."""
    caps = effective_caps()
    has_bpf = caps & (1 << CAP_BPF) or caps & (1 << CAP_SYS_ADMIN)
    if not (caps & (1 << CAP_NET_ADMIN) and has_bpf):
        raise UserError("needs root, or CAP_NET_ADMIN and CAP_BPF (try sudo)")


def run(prog: str, main: Callable[[list[str]], int], argv: list[str] | None) -> int:
    """Run main, turning UserError into `prog: message` and anything unexpected into one line too."""
    try:
        return main(sys.argv[1:] if argv is None else argv)
    except (UserError, InternalError) as e:
        sys.stderr.write(f"{prog}: {e}\n")
        return e.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `xdpdump ... | head`: the reader left; exit quietly as tcpdump does. Close stdout rather
        # than pointing it at /dev/null: a sandboxed supervisor may not open files any more.
        with contextlib.suppress(OSError):
            os.close(sys.stdout.fileno())
        sys.stdout = None  # type: ignore[assignment]
        return 0
    except Exception as e:
        if os.environ.get("XDPDUMP_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(f"{prog}: internal error: {type(e).__name__}: {e} (XDPDUMP_DEBUG=1 shows more)\n")
        return 1
