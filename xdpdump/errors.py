"""The one exception the command-line tools turn into a one-line message and an exit status."""


class UserError(Exception):
    """A problem the user can fix (bad input, missing device, no privileges...).

    The CLI prints ``PROG: message`` on stderr and exits with ``status`` (1, or 2 for usage errors),
    never a traceback.
    """

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status
