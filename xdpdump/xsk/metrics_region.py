"""``MetricsRegion``: the shared memory the metrics and gui roles serve from (native/metrics_region.c),
and the entries of those two roles (native/role.c over http.c, metrics_role.c, gui_role.c).

One MAP_SHARED mapping made by the supervisor before it forks. ``RegionInfo`` is fixed at creation
(names, modes, which roles run); the supervisor ``publish``es a ``RegionState`` (what only it knows:
the XDP programs' counters, frames printed, roles up, the tap's counters) and the GUI's feed (a JSON
text: lines printed, protocol mix, top talkers), batch by batch, under a sequence lock the roles read
through. The roles also read the record ring's own counters directly, so what the net role publishes
is live without the supervisor. ``render_metrics`` and ``render_gui_state`` are the bodies the roles
serve, rendered here for tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from xdpdump.xsk._closes import Closes
from xdpdump.xsk._native import check, ffi, lib
from xdpdump.xsk.record_ring import RecordRing
from xdpdump.xsk.stats import XskStats

ROLE_IDS = {
    "net": lib.XDPD_ROLE_NET,
    "archive": lib.XDPD_ROLE_ARCHIVE,
    "metrics": lib.XDPD_ROLE_METRICS,
    "gui": lib.XDPD_ROLE_GUI,
    "supervisor": lib.XDPD_ROLE_SUPERVISOR,
}
MAX_INTERFACES = lib.XDPD_MR_MAX_IFS
FEED_MAX_BYTES = lib.XDPD_MR_FEED_MAX
_RENDER_BYTES = 512 * 1024


@dataclass(frozen=True)
class RegionInfo:
    """What a capture is, fixed before the fork (shown as build info and labels)."""

    version: str
    kernel: str
    producer: str                   # "capture" or "tap"
    xdp_mode: str
    af_xdp_mode: str
    ifnames: tuple[str, ...]        # by ifslot
    roles: tuple[str, ...]          # every role that runs, the supervisor included
    out_ifname: str = ""            # the tap's OUT
    out_queue: int = 0
    writer_slot: int = -1           # the archive writer's record-ring consumer slot
    printing: bool = False


@dataclass(frozen=True)
class RegionState:
    """What the supervisor publishes, batch by batch."""

    filters: Sequence[dict[str, int]] = ()   # per ifslot: seen, matched, redirected, passed
    printed: int = 0
    printer_dropped: int = 0
    tap_forwarded: int = 0
    tap_in_flight: int = 0
    tap_out_xdp: XskStats = field(default_factory=XskStats)
    roles_up: frozenset[str] = frozenset()
    publishes: int = 0


@dataclass(frozen=True)
class HttpCounters:
    """A listener role's own counters (it alone writes them)."""

    accepted: int
    responses: int
    shed_cap: int
    shed_deadline: int
    too_large: int
    errors: int
    open: int
    cap: int


def _set_text(dst: Any, text: str, size: int) -> None:
    data = text.encode()[: size - 1]
    ffi.memmove(dst, data + b"\0", len(data) + 1)


def _role_bits(roles: Iterable[str]) -> int:
    return sum(1 << ROLE_IDS[r] for r in set(roles))


class MetricsRegion(Closes):
    """The metrics region: made before the fork, published by the supervisor, served by the roles."""

    def __init__(self, info: RegionInfo) -> None:
        if len(info.ifnames) > MAX_INTERFACES:
            raise ValueError(f"at most {MAX_INTERFACES} interfaces in the metrics region")
        c = ffi.new("struct xdpd_mr_info *")
        _set_text(c.version, info.version, len(c.version))
        _set_text(c.kernel, info.kernel, len(c.kernel))
        _set_text(c.producer, info.producer, len(c.producer))
        _set_text(c.xdp_mode, info.xdp_mode, len(c.xdp_mode))
        _set_text(c.af_xdp_mode, info.af_xdp_mode, len(c.af_xdp_mode))
        for i, name in enumerate(info.ifnames):
            _set_text(c.ifnames[i], name, lib.XDPD_MR_NAME_LEN)
        c.nifs = len(info.ifnames)
        c.roles = _role_bits(info.roles)
        _set_text(c.out_ifname, info.out_ifname, lib.XDPD_MR_NAME_LEN)
        c.out_queue = info.out_queue
        c.writer_slot = info.writer_slot
        c.printing = int(info.printing)
        out = ffi.new("xdpd_metrics_region **")
        check(lib.xdpd_mr_create(out, c), "cannot create the metrics region")
        self._ptr: Any = out[0]
        self.info = info
        self._state = ffi.new("struct xdpd_mr_state *")

    def publish(self, state: RegionState) -> None:
        s = self._state
        ffi.memmove(s, bytes(ffi.sizeof("struct xdpd_mr_state")), ffi.sizeof("struct xdpd_mr_state"))
        for i, f in enumerate(state.filters[:MAX_INTERFACES]):
            s.filters[i].seen, s.filters[i].matched = f.get("seen", 0), f.get("matched", 0)
            s.filters[i].redirected, s.filters[i].passed = f.get("redirected", 0), f.get("passed", 0)
            s.filters[i].congested = f.get("congested", 0)
        s.printed, s.printer_dropped = state.printed, state.printer_dropped
        s.tap_forwarded, s.tap_in_flight = state.tap_forwarded, state.tap_in_flight
        for name, value in state.tap_out_xdp.by_reason().items():
            setattr(s.tap_out_xdp, name, value)
        s.roles_up = _role_bits(state.roles_up)
        lib.xdpd_mr_publish(self._handle(), s)

    def publish_feed(self, json_text: bytes) -> None:
        """The GUI's feed, a JSON value of at most FEED_MAX_BYTES (the page reads it as `feed`)."""
        check(lib.xdpd_mr_publish_feed(self._handle(), json_text, len(json_text)), "cannot publish the GUI feed")

    def state(self) -> RegionState:
        s = ffi.new("struct xdpd_mr_state *")
        lib.xdpd_mr_state(self._handle(), s)
        names = ("seen", "matched", "redirected", "passed", "congested")
        filters = [{n: int(getattr(s.filters[i], n)) for n in names} for i in range(len(self.info.ifnames))]
        up = frozenset(r for r, bit in ROLE_IDS.items() if s.roles_up & (1 << bit))
        return RegionState(filters, s.printed, s.printer_dropped, s.tap_forwarded, s.tap_in_flight,
                           XskStats._from_c(s.tap_out_xdp), up, s.publishes)

    def http_counters(self, role: str) -> HttpCounters:
        c = ffi.new("struct xdpd_http_counters *")
        lib.xdpd_mr_http_counters(self._handle(), ROLE_IDS[role], c)
        return HttpCounters(c.accepted, c.responses, c.shed_cap, c.shed_deadline, c.too_large, c.errors, c.open,
                            c.cap)

    def render_metrics(self, ring: RecordRing) -> str:
        """The body GET /metrics serves now."""
        buf = ffi.new("char[]", _RENDER_BYTES)
        n = check(lib.xdpd_metrics_render(self._handle(), ring._handle(), buf, _RENDER_BYTES), "cannot render metrics")
        return ffi.buffer(buf, n)[:].decode()

    def render_gui_state(self, ring: RecordRing) -> str:
        """The body GET /api/state serves (without the gui role's rate history, kept in the role)."""
        buf = ffi.new("char[]", _RENDER_BYTES)
        n = check(lib.xdpd_gui_render_state(self._handle(), ring._handle(), buf, _RENDER_BYTES),
                  "cannot render the GUI state")
        return ffi.buffer(buf, n)[:].decode()

    def enter_listener_role(self, role: str, ring: RecordRing, listen_fd: int, log_fd: int, sandboxed: bool,
                            selftest: bool = False) -> NoReturn:
        """In a forked metrics or gui role: map its connections, install its filter (built natively
        with listen_fd and log_fd) when sandboxed, attempt a forbidden call when selftest, serve until
        the capture is over, _exit (0 done, 1 failed, 3 the filter was refused). Never returns."""
        entry = {"metrics": lib.xdpd_metrics_role, "gui": lib.xdpd_gui_role}[role]
        entry(self._handle(), ring._handle(), listen_fd, log_fd, int(sandboxed), int(selftest))
        raise AssertionError(f"the {role} role's entry returned")  # pragma: no cover - it _exits

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError("metrics region is closed")
        return self._ptr

    def close(self) -> None:
        if self._ptr is not None:
            ptr, self._ptr = self._ptr, None
            check(lib.xdpd_mr_destroy(ptr), "cannot free the metrics region")
