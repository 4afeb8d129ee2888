"""-z's helper: runs `CMD FILE` on each file the archive's rotation closed, at the lowest priority,
without waiting for it (as tcpdump's compress_savefile).

Why a helper, and not a role or the supervisor: a command of the user's choice needs fork and execve,
which no seccomp policy here allows (the archive role may only write, and the supervisor installs its
own filter after forking the roles). So a small process is forked during set-up, before anything
else of the capture exists (no ring, no UMEM, no socket): it keeps only the read end of a pipe and
stdin/stdout/stderr, and is not sandboxed, because what it runs is the user's program.

How it learns that a file closed: the archive writer (rotation.c) writes the file's name as one line
to the pipe once the file is complete: fsynced and under its final name. The helper ends when every
write end is closed (the archive role has exited, or -r -w finished); commands it started run on.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

LOWEST_PRIORITY = 19  # tcpdump: setpriority(PRIO_PROCESS, 0, NZERO - 1)


class PostRotate:
    """The helper process and the write end of its pipe (notify_fd, for the writer)."""

    def __init__(self, pid: int, notify_fd: int) -> None:
        self.pid = pid
        self.notify_fd: int | None = notify_fd

    @classmethod
    def start(cls, command: str, directory: str = "") -> PostRotate:
        """Fork the helper; each name it reads is run as `command directory+name`."""
        read_fd, write_fd = os.pipe2(os.O_CLOEXEC)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; it never returns
            code = 1
            try:
                os.close(write_fd)
                code = _serve(read_fd, command, directory)
            finally:
                os._exit(code)
        os.close(read_fd)
        return cls(pid, write_fd)

    def release(self) -> None:
        """The writer (in the archive role) holds its own copy now: let go of this one."""
        fd, self.notify_fd = self.notify_fd, None
        if fd is not None:
            os.close(fd)

    def close(self) -> None:
        """Close the pipe (the helper runs what it has read, then ends) and reap the helper."""
        self.release()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _serve(read_fd: int, command: str, directory: str) -> int:  # pragma: no cover - in the child
    # Ctrl-C reaches the whole process group: the helper still runs what the writer sends before it
    # ends (the pipe's end), and never waits for a command (SIG_IGN reaps them).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    os.closerange(3, read_fd)
    os.closerange(read_fd + 1, os.sysconf("SC_OPEN_MAX"))
    with os.fdopen(read_fd, "rb") as names:
        for line in names:
            path = directory + os.fsdecode(line.rstrip(b"\n"))
            if os.fork() == 0:
                _run(command, path)
    return 0


def _run(command: str, path: str) -> None:  # pragma: no cover - in the grandchild; never returns
    try:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        os.setpriority(os.PRIO_PROCESS, 0, LOWEST_PRIORITY)
        os.execvp(command, [command, path])
    except OSError as e:
        sys.stderr.write(f"xdpdump: -z {command}: {e.strerror}\n")
        sys.stderr.flush()
    finally:
        os._exit(127)
