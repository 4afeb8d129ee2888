"""``Replay``: frames sent out of a TX socket by the native loop (native/replay.c), paced.

Frames (back to back in one buffer, with their lengths) go out ``loops`` times (0: until closed), at
``rate_pps`` frames per second (0: as fast as the device takes them).
"""

from __future__ import annotations

import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xdpdump.xsk._closes import Closes
from xdpdump.xsk._native import check, ffi, lib
from xdpdump.xsk.socket import XskSocket


@dataclass(frozen=True)
class ReplayCounters:
    """Where a replay stands: frames put on the TX ring, back from the completion ring, and so on."""

    sent: int
    completed: int
    bytes: int
    kicks: int
    loops_done: int
    elapsed_ns: int
    in_flight: int


class Replay(Closes):
    """``.step(timeout_ms=100) -> bool`` runs the native loop for up to timeout_ms, returning early on a
    signal; True once every frame is sent and completed. ``.counters() -> ReplayCounters``."""

    def __init__(self, sock: XskSocket, frames: bytes, lens: Sequence[int], loops: int = 1,
                 rate_pps: int = 0) -> None:
        if loops < 0 or rate_pps < 0:
            raise ValueError("loops and rate must not be negative")
        self.sock = sock
        # Both buffers are read by C for the whole replay: this object keeps them alive.
        self._buf = frames
        self._lens = array.array("I", lens)
        self._c_frames = ffi.from_buffer(self._buf)
        self._c_lens = ffi.from_buffer("uint32_t[]", self._lens)
        out = ffi.new("xdpd_replay **")
        check(
            lib.xdpd_replay_create(out, sock._handle(), self._c_frames, self._c_lens, len(self._lens), loops,
                                   rate_pps),
            "cannot start the replay",
        )
        self._ptr: Any = out[0]

    def step(self, timeout_ms: int = 100) -> bool:
        return bool(check(lib.xdpd_replay_step(self._handle(), timeout_ms), "replay failed"))

    def counters(self) -> ReplayCounters:
        c = ffi.new("struct xdpd_replay_counters *")
        lib.xdpd_replay_counters(self._handle(), c)
        return ReplayCounters(c.sent, c.completed, c.bytes, c.kicks, c.loops_done, c.elapsed_ns, c.in_flight)

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError("replay is closed")
        return self._ptr

    def close(self) -> None:
        if self._ptr is not None:
            lib.xdpd_replay_destroy(self._ptr)
            self._ptr = None
