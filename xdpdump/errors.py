"""The two exceptions the command-line tools turn into one line on stderr and an exit status.

``UserError`` is a mistake the user can fix; ``InternalError`` is a broken invariant of xdpdump itself,
which no user input should be able to cause: its message says so and asks for a report.
"""

# Every tool says the same when it lacks the privileges to load and attach BPF programs.
PRIVILEGES_NEEDED = "this needs root, or CAP_NET_ADMIN and CAP_BPF (and CAP_SYS_ADMIN on kernels before 5.8)"
REPORT_HINT = "this is a bug in xdpdump; please report it with the command line and this message"


class UserError(Exception):
    """A problem the user can fix (bad input, missing device, no privileges...).

    The CLI prints ``PROG: message`` on stderr and exits with ``status`` (1, or 2 for usage errors),
    never a traceback.
    """

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class InternalError(Exception):
    """An invariant of xdpdump's own code failed (not the user's doing): printed as one line that says
    it is an internal error and asks for a report; exit status 1."""

    def __init__(self, message: str) -> None:
        super().__init__(f"internal error: {message} ({REPORT_HINT})")
        self.status = 1
