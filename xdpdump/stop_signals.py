"""Ctrl-C and SIGTERM as a request to stop, which a loop notices at its next look.

Owns the signal handlers of the processes that decide how a run ends (the capture's supervisor,
xdp-replay). The roles ignore these signals; they stop on a flag in shared memory.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


class StopSignals:
    """``requested`` is the name of the first SIGINT/SIGTERM received while installed, else None."""

    def __init__(self) -> None:
        self.requested: str | None = None

    def _handler(self, signum: int, _frame: object) -> None:
        self.requested = signal.Signals(signum).name

    @contextlib.contextmanager
    def installed(self) -> Iterator[StopSignals]:
        previous = {s: signal.signal(s, self._handler) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield self
        finally:
            for s, h in previous.items():
                signal.signal(s, h)
