"""Forking a role and knowing how it ended.

Owns the supervisor's side of a role: fork, confine the child (roles/confine.py), call its native
entry (which installs the filter and never returns), and later reap it without blocking, with an
exit status or a signal the supervisor can report in one line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

from xdpdump.roles.confine import confine
from xdpdump.roles.identity import Identity, role_identity

EXIT_SETUP_FAILED = 2
EXIT_FILTER_REFUSED = 3  # native/role.c: the kernel refused the seccomp filter
_REASONS = {
    signal.SIGSYS: "its seccomp filter refused a system call",
    signal.SIGKILL: "killed",
    signal.SIGSEGV: "a crash",
}


@dataclass
class RoleProcess:
    name: str
    pid: int
    status: int | None = None  # os.waitstatus_to_exitcode: >= 0 exit code, < 0 -signal

    def poll(self) -> int | None:
        if self.status is None:
            pid, raw = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(raw)
        return self.status

    @property
    def running(self) -> bool:
        return self.poll() is None

    def wait(self, timeout_s: float) -> int | None:
        """Wait up to timeout_s (polling: a blocking wait4 could not be interrupted by Ctrl-C)."""
        deadline = time.monotonic() + timeout_s
        while self.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.status

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
            self.wait(10)

    @property
    def failed(self) -> bool:
        return self.status is not None and self.status != 0

    def describe_end(self) -> str:
        if self.status is None:
            return f"{self.name} role (pid {self.pid}) is still running"
        if self.status < 0:
            sig = signal.Signals(-self.status)
            why = _REASONS.get(sig, "a signal")
            return f"{self.name} role (pid {self.pid}) was killed by {sig.name} ({why})"
        if self.status == EXIT_SETUP_FAILED:
            return f"{self.name} role (pid {self.pid}) could not confine itself"
        if self.status == EXIT_FILTER_REFUSED:
            return f"{self.name} role (pid {self.pid}) exited: the kernel refused its seccomp filter"
        return f"{self.name} role (pid {self.pid}) exited with status {self.status}"


def spawn_role(name: str, owned: set[int], enter: Callable[[], None], nice: int = 0, spare_fds: int = 0,
               who: Identity | None = None) -> RoleProcess:
    """Fork a role that keeps only `owned` descriptors (plus stderr) and runs enter(), never returning.

    spare_fds: descriptors the role may hold beyond its own at once (a listener role's connections;
    its policy lets it make them only by accept4 on its listener).

    nice < 0 puts a role ahead of the others when they share a CPU: the net role, whose kernel rings
    hold milliseconds where the consumers have megabytes of record ring. It needs CAP_SYS_NICE, so it
    is set here, before confine() drops every capability.

    who: the unprivileged user and group the role switches to (roles/identity.py); the role user by
    default.
    """
    who = who or role_identity()
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return RoleProcess(name, pid)
    try:
        if nice:
            # A help, never a requirement: without CAP_SYS_NICE the role runs at the default priority.
            with contextlib.suppress(PermissionError):
                os.nice(nice)
        confine(parent, owned | {2}, spare_fds, who)
        enter()
    except BaseException as e:
        try:
            os.write(2, f"xdpdump: {name} role: {e}\n".encode())
        finally:
            os._exit(EXIT_SETUP_FAILED)
    os._exit(EXIT_SETUP_FAILED)  # enter() returned: it must not
