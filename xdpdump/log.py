"""Logging for every role: each message to the log file, WARNING and above also to stderr.

One write(2) per message and destination, so lines from concurrent roles never interleave (O_APPEND
writes of a line are atomic with respect to each other), and a WARNING or worse is fsync'ed before
the call returns, so the reason for a failure survives the crash that may follow. The handler uses
only write and fsync on descriptors opened before the sandbox, which is what the role policies allow.
"""

from __future__ import annotations

import logging
import os
import time

LOGGER_NAME = "xdpdump"
STDERR_FD = 2


class RoleLogHandler(logging.Handler):
    """Writes preformatted lines straight to file descriptors, without buffering."""

    def __init__(self, log_fd: int | None, role: str) -> None:
        super().__init__(logging.DEBUG)
        self.log_fd = log_fd
        self.role = role
        # Imported here, at set-up, never at the first message: a sandboxed process cannot open the
        # module's file any more (and the CLI's start does not pay for the printer package).
        from xdpdump.printer.escape import visible

        self.visible = visible

    def line(self, record: logging.LogRecord) -> bytes:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created))
        # Names, paths and expressions come from the command line or the kernel: escaped as packet
        # text is, so no byte of theirs can drive the terminal that shows the log (or forge a line).
        text = self.visible(record.getMessage().replace("\n", " | "))
        return f"{stamp}.{int(record.msecs):03d} {self.role}[{os.getpid()}] {record.levelname} {text}\n".encode()

    def emit(self, record: logging.LogRecord) -> None:
        data = self.line(record)
        try:
            if self.log_fd is not None:
                os.write(self.log_fd, data)
                if record.levelno >= logging.WARNING:
                    os.fsync(self.log_fd)
            if record.levelno >= logging.WARNING:
                os.write(STDERR_FD, f"xdpdump: {self.visible(record.getMessage())}\n".encode())
        except OSError:
            # Never logging's own handleError: it prints a traceback, reading source files, which a
            # sandboxed role may not open (the kernel would kill it for trying). A lost line is better.
            pass


def open_log_file(path: str) -> int:
    """Open (append, create 0600) the log file as private_file.py says; done by the supervisor before
    any sandbox is installed."""
    from xdpdump.private_file import open_private

    return open_private(path, os.O_WRONLY | os.O_APPEND, f"--log-file {path}", truncate=False)


def configure(log_fd: int | None, role: str = "supervisor") -> logging.Logger:
    """Route the xdpdump logger to log_fd (all levels) and stderr (WARNING+); returns it."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.handlers.clear()
    logger.addHandler(RoleLogHandler(log_fd, role))
    logger.setLevel(logging.DEBUG if log_fd is not None else logging.WARNING)
    logger.propagate = False
    return logger


def get() -> logging.Logger:
    return logging.getLogger(LOGGER_NAME)
