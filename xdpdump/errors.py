"""The exceptions the command-line tools turn into one line on stderr and an exit status, and the
Python API raises as they are.

``CaptureError`` is the one type a caller of the API catches (``xdpdump.CaptureError``); its message is
the line the CLI prints after ``xdpdump: ``. ``UserError`` is a mistake the user can fix, with the
subclasses a caller may want to tell apart (``NoSuchDeviceError``, ``PrivilegeError``, ``FilterError``);
``InternalError`` is a broken invariant of xdpdump itself, which no user input should be able to cause:
its message says so and asks for a report.
"""

# Every tool says the same when it lacks the privileges to load and attach BPF programs.
PRIVILEGES_NEEDED = "this needs root, or CAP_NET_ADMIN and CAP_BPF (and CAP_SYS_ADMIN on kernels before 5.8)"
REPORT_HINT = "this is a bug in xdpdump; please report it with the command line and this message"


class CaptureError(Exception):
    """Anything that stops a capture from starting or going on, in one line (the CLI's message)."""

    status = 1


class UserError(CaptureError):
    """A problem the user can fix (bad input, missing device, no privileges...).

    The CLI prints ``PROG: message`` on stderr and exits with ``status`` (1, or 2 for usage errors),
    never a traceback.
    """

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class NoSuchDeviceError(UserError):
    """The device named does not exist (in this network namespace), or no device has that number."""


class PrivilegeError(UserError):
    """This process may not load or attach BPF programs (PRIVILEGES_NEEDED says what it needs)."""

    def __init__(self, message: str = PRIVILEGES_NEEDED) -> None:
        super().__init__(message)


class FilterError(UserError):
    """The filter expression: libpcap cannot parse it, or it cannot run in the XDP program (the
    translation or the kernel's verifier refuses it)."""


class InternalError(CaptureError):
    """An invariant of xdpdump's own code failed (not the user's doing): printed as one line that says
    it is an internal error and asks for a report; exit status 1."""

    def __init__(self, message: str) -> None:
        super().__init__(f"internal error: {message} ({REPORT_HINT})")
        self.status = 1
