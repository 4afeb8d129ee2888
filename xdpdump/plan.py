"""The capture plan: what a run will do, decided once, from the user's options and the devices.

Owns every decision made before anything is touched: which (device, rx queue) pairs are captured and
in which XDP attach modes they may be tried, the UMEM geometry and ring sizes, the snap length, the
record ring's size, the outputs, which roles run and which producer fills the record ring. Each check
speaks in the user's words (the flag they typed) and happens here, once. Everything is frozen and pure:
no system call, no argparse, so it is unit-tested without root (tests/test_plan.py).

The one decision that waits for the kernel is the UMEM frame size when the user left it open: 2048-byte
frames only fit where every device runs native XDP (generic XDP sees GRO'd frames larger than the MTU),
and `auto` learns the mode only by attaching. So the plan holds the rule, ``CapturePlan.geometry(modes)``,
and the supervisor applies it once, after attaching; nothing writes it back anywhere.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, TypeAlias

from xdpdump.constants import (
    DEFAULT_RECORD_RING_KIB,
    DEFAULT_SNAPLEN,
    ETH_VLAN_OVERHEAD,
    FRAME_SIZES,
    MAX_RECORD_RING_KIB,
    MIN_MIRROR_RING_BYTES,
    MIN_RECORD_RING_BYTES,
    MIN_RING_SIZE,
    MIRROR_MAX_SNAP,
    RECORD_HEADER_BYTES,
    UMEM_BYTES_PER_QUEUE,
    XDP_PACKET_HEADROOM,
    is_power_of_two,
)
from xdpdump.errors import UserError
from xdpdump.printer.options import PrintOptions

if TYPE_CHECKING:
    # Only for annotations: netdev imports pyroute2, a fifth of `xdpdump -r`'s start-up (-X importtime).
    from xdpdump.netdev import Device

XDP_MODES = ("auto", "native", "skb", "hw")
BIND_MODES = ("auto", "copy", "zerocopy")
TAP_OUT_QUEUE = 0  # the inline tap transmits on OUT's first queue
ROLE_NAMES = ("net", "archive", "metrics", "gui")
LISTENER_ROLES = ("metrics", "gui")   # roles that serve HTTP; --metrics and --gui turn them on
DEFAULT_LISTEN_HOST = "127.0.0.1"


def usage(message: str) -> UserError:
    """A mistake in the command line itself: exit status 2, as tcpdump's."""
    return UserError(message, status=2)


# --- The user's words -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptureOptions:
    """A live capture as the user asked for it, before anything is looked up (the CLI fills this in)."""

    interfaces: tuple[str, ...]
    expression: str = ""
    count: int | None = None
    write: str | None = None
    pcapng: bool = False
    snaplen: int = DEFAULT_SNAPLEN
    buffer_kib: int = DEFAULT_RECORD_RING_KIB
    queue: str = "all"
    xdp_mode: str = "auto"
    bind_mode: str = "auto"
    ring_size: int | None = None
    frame_size: int | None = None
    capture_ssh: bool = False
    force: bool = False
    forward: str | None = None
    sandboxed: bool = True
    selftest: str | None = None
    log_file: str | None = None
    print_options: PrintOptions = field(default_factory=PrintOptions)
    metrics: str | None = None      # --metrics [ADDR:]PORT
    gui: str | None = None          # --gui [ADDR:]PORT
    time_stamp_precision: str = "micro"  # --time-stamp-precision: pcap files' timestamps
    promiscuous: bool = True        # -p turns it off
    mirror: bool = False            # --mirror: copies through BPF ring buffers, frames left to the stack
    direction: str | None = None    # -Q in|out|inout (None: inout with --mirror, in without)
    rotation: RotationWords | None = None   # -C -G -W -z --rename-at-close
    unbuffered: bool = False        # -U
    line_buffered: bool = False     # -l
    count_only: bool = False        # --count (with -r only)
    congested: str = "pass"         # --congested pass|drop: matched frames while the record ring is full

    @property
    def verbose(self) -> int:
        return self.print_options.verbose


TS_PRECISIONS = ("micro", "nano")  # tcpdump's --time-stamp-precision
@dataclass(frozen=True)
class RotationWords:
    """-C, -G, -W, -z and --rename-at-close as typed (-C is text: its units are checked here)."""

    file_size: str | None = None
    seconds: int | None = None
    files: int | None = None
    command: str | None = None
    rename_at_close: bool = False


@dataclass(frozen=True)
class FileRotation:
    """How -w's files are made (native/rotation.c applies tcpdump 4.99's rules)."""

    size_limit: int = 0             # -C in bytes; 0: none
    interval_s: int = 0             # -G; 0: none
    max_files: int = 0              # -W; 0: none
    command: str | None = None      # -z: run as `command FILE` on each file rotation closes
    rename_at_close: bool = False   # write .NAME.partial, rename to NAME once complete


def parse_file_size(text: str) -> int:
    """-C: millions of bytes, as Debian's tcpdump 4.99.3 reads it with strtol: optional blanks and
    sign, decimal digits, nothing after (no units), more than 0."""
    digits = text.lstrip(" \t\n\v\f\r").removeprefix("+").removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or int(text) <= 0:
        raise UserError(f"invalid file size {text}")
    return int(text) * 1_000_000


def build_rotation(words: RotationWords | None, write: str | None) -> FileRotation | None:
    """tcpdump's checks and errors (status 1) for -C, -G and -W, in that order; then the combinations
    tcpdump 4.99.3 silently ignores, refused here in one line: an option that would do nothing."""
    if words is None:
        return None
    size = parse_file_size(words.file_size) if words.file_size is not None else 0
    if words.seconds is not None and words.seconds < 0:
        raise UserError(f"invalid number of seconds {words.seconds}")
    if words.files is not None and words.files <= 0:
        raise UserError(f"invalid number of output files {words.files}")
    seconds, files = words.seconds or 0, words.files or 0
    rotates = bool(size or seconds)
    if files and not rotates:
        raise UserError("-W requires -C or -G")
    if words.command is not None and not rotates:
        raise UserError("-z requires -C or -G")
    if (rotates or words.rename_at_close) and write is None:
        raise UserError("-C, -G and --rename-at-close require -w")
    if (rotates or words.rename_at_close) and write == "-":
        raise UserError("-C, -G and --rename-at-close write files: not -w - (standard output)")
    if not rotates and not words.rename_at_close:
        return None
    return FileRotation(size, seconds, files, words.command, words.rename_at_close)


def check_snaplen(snaplen: int) -> int:
    """tcpdump's -s: 0 means the default; negative is a usage error."""
    if snaplen < 0:
        raise usage(f"invalid snaplen {snaplen}")
    return snaplen or DEFAULT_SNAPLEN


STAMP_FLAGS_MAX = 5  # -ttttt


def check_stamp(t_flags: int) -> int:
    """tcpdump's -t count: 0 (default stamp) to 5 (-ttttt)."""
    if t_flags > STAMP_FLAGS_MAX:
        raise usage("only -t, -tt, -ttt, -tttt and -ttttt are supported")
    return t_flags


def check_count(count: int | None) -> int | None:
    if count is not None and count <= 0:
        raise usage(f"invalid packet count {count}")
    return count


def check_ring_size(flag: str, size: int) -> int:
    if size < MIN_RING_SIZE or not is_power_of_two(size):
        raise usage(f"{flag} {size}: must be a power of two, at least {MIN_RING_SIZE}")
    return size


def check_frame_size(flag: str, size: int) -> int:
    if size not in FRAME_SIZES:
        raise usage(f"{flag} {size}: one of {', '.join(map(str, FRAME_SIZES))}")
    return size


@dataclass(frozen=True)
class Endpoint:
    """Where a listener role (metrics, gui) listens: an IP address and a TCP port (0: any free port,
    which the banner then names)."""

    host: str
    port: int

    @property
    def family_v6(self) -> bool:
        return ":" in self.host

    def url(self, port: int | None = None, path: str = "/") -> str:
        host = f"[{self.host}]" if self.family_v6 else self.host
        return f"http://{host}:{self.port if port is None else port}{path}"

    @property
    def loopback(self) -> bool:
        return ipaddress.ip_address(self.host).is_loopback


def parse_endpoint(flag: str, text: str) -> Endpoint:
    """--metrics/--gui's [ADDR:]PORT: PORT alone listens on 127.0.0.1; ADDR is an IPv4 address or a
    bracketed IPv6 one ([::1]:9100). Any other address is the user's explicit choice."""
    host, sep, port_text = text.rpartition(":")
    if not sep:
        host = DEFAULT_LISTEN_HOST
    elif host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not (port_text.isascii() and port_text.isdigit()) or int(port_text) > 65535:
        raise usage(f"{flag} {text}: [ADDR:]PORT, with PORT a TCP port 0 to 65535 (0: any free port)")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise usage(f"{flag} {text}: {host!r} is not an IP address (IPv6 in brackets: [::1]:PORT)") from None
    if sep and ":" in host and not text.startswith("["):
        raise usage(f"{flag} {text}: put an IPv6 address in brackets: [{host}]:PORT")
    return Endpoint(str(address), int(port_text))


def record_ring_bytes(buffer_kib: int) -> int:
    """-B in KiB, rounded up to the power of two the record ring's index masks need, at least 64 KiB."""
    if not 0 < buffer_kib <= MAX_RECORD_RING_KIB:
        raise usage(f"-B {buffer_kib}: buffer size in KiB, 1 to {MAX_RECORD_RING_KIB}")
    return max(MIN_RECORD_RING_BYTES, 1 << (buffer_kib * 1024 - 1).bit_length())


def attach_modes(device_name: str, requested: str) -> tuple[str, ...]:
    """The XDP modes to try, in order. `auto` is native, else generic (skb); `lo` has no native XDP, so
    auto means skb there. Every attach in xdpdump (capture, tap, replay, xdp-load) tries these."""
    if requested not in XDP_MODES:
        raise usage(f"--mode {requested}: one of {', '.join(XDP_MODES)}")
    if requested != "auto":
        return (requested,)
    return ("skb",) if device_name == "lo" else ("native", "skb")


def check_queue(wanted: str) -> str:
    if wanted != "all" and not (wanted.isascii() and wanted.isdigit()):
        raise usage(f"--queue {wanted}: a queue number or 'all'")
    return wanted


def rx_queues(device: Device, wanted: str) -> tuple[int, ...]:
    """--queue: every rx queue of the device, or the one named (which must exist)."""
    if check_queue(wanted) == "all":
        return tuple(range(device.rx_queues))
    q = int(wanted)
    if q >= device.rx_queues:
        raise UserError(f"{device.name} has {device.rx_queues} rx queue(s); there is no queue {q}")
    return (q,)


def require_up(device: Device) -> Device:
    if not device.up:
        raise UserError(f"{device.name} is down (bring it up with: ip link set {device.name} up)")
    return device


def largest_frame(mtu: int) -> int:
    """The longest Ethernet frame a device with this MTU carries (one VLAN tag allowed)."""
    return mtu + ETH_VLAN_OVERHEAD


def frame_capacity(frame_size: int) -> int:
    """The longest frame an AF_XDP socket receives into UMEM frames of this size (one buffer per frame:
    multi-buffer AF_XDP is not implemented); longer ones the kernel drops and counts (rx_dropped)."""
    return frame_size - XDP_PACKET_HEADROOM


def check_frame_size_fits(device: Device, frame_size: int) -> None:
    """An explicit --frame-size too small for the device's MTU, where a larger one would take more."""
    needed = largest_frame(device.mtu)
    if needed <= frame_capacity(frame_size) or frame_size == FRAME_SIZES[-1]:
        return
    larger = next(s for s in FRAME_SIZES if s > frame_size and (needed <= frame_capacity(s) or s == FRAME_SIZES[-1]))
    raise UserError(f"--frame-size {frame_size}: {device.name} (MTU {device.mtu}) carries frames of up to {needed} "
                    f"bytes, more than the {frame_capacity(frame_size)} a {frame_size}-byte AF_XDP frame holds; "
                    f"use --frame-size {larger} (or leave it out)")


def too_long_note(device: Device, geometry: Geometry) -> str | None:
    """The banner's warning where the device's MTU allows frames no socket of this geometry can take."""
    if largest_frame(device.mtu) <= geometry.largest_frame:
        return None
    return (f"frames longer than {geometry.largest_frame} bytes cannot be captured with MTU {device.mtu} and "
            f"{geometry.frame_size}-byte AF_XDP frames (no multi-buffer AF_XDP): the kernel drops them and counts "
            "them in rx_dropped")


ANY_REFUSED = ("-i any: an XDP capture attaches its program to each device it captures on; name them: "
               "-i DEV [-i DEV2 ...]")


# --- The plan -------------------------------------------------------------------------------------


class ProducerKind(Enum):
    """What fills the record ring (the net role runs it)."""

    AF_XDP = "AF_XDP capture"       # matching frames redirected into AF_XDP sockets
    INLINE_TAP = "inline tap"       # the same, and every captured frame sent out of OUT
    MIRROR = "mirror capture"       # copies of matching frames (both directions) through BPF ring buffers


@dataclass(frozen=True)
class Target:
    """One device to capture on: its slot (pcapng interface number), queues and attach modes to try."""

    device: Device
    slot: int
    queues: tuple[int, ...]
    attach_modes: tuple[str, ...]


@dataclass(frozen=True)
class TapOut:
    """The inline tap's output: the device and queue its TX socket binds, and how a pass program for
    zero-copy TX may be attached there."""

    device: Device
    queue: int
    attach_modes: tuple[str, ...]


@dataclass(frozen=True)
class Geometry:
    """UMEM and ring sizes of every capture socket, and the snap length they allow."""

    frame_size: int
    ring_size: int          # RX ring and fill ring descriptors per socket (and the tap's TX ring)
    snaplen: int            # the requested snap length, capped by what a UMEM frame can hold

    @property
    def largest_frame(self) -> int:
        """The kernel puts each frame XDP_PACKET_HEADROOM into its UMEM frame; what remains is the
        largest frame a socket can receive."""
        return self.frame_size - XDP_PACKET_HEADROOM


@dataclass(frozen=True)
class Outputs:
    write: str | None               # -w path ("-" for stdout), or None: print
    file_format: str                # "pcap" or "pcapng"
    print_options: PrintOptions
    log_file: str | None
    ts_precision: str = "micro"     # pcap files: "micro" (tcpdump's default) or "nano"; pcapng is always nano
    rotation: FileRotation | None = None   # -C/-G/--rename-at-close: the archive role makes the files
    unbuffered: bool = False                # -U
    line_buffered: bool = False     # -l: stdout flushed at each line (for `| grep`)

    @property
    def prints(self) -> bool:
        return self.write is None


@dataclass(frozen=True)
class Sandbox:
    enabled: bool
    selftest: str | None            # a role that attempts a forbidden system call once confined


@dataclass(frozen=True)
class Listeners:
    """The HTTP roles asked for: the Prometheus endpoint and the live page (None: not running)."""

    metrics: Endpoint | None = None
    gui: Endpoint | None = None

    def items(self) -> list[tuple[str, Endpoint]]:
        """(role, endpoint) of each listener role that runs, in the order they are forked."""
        return [(name, ep) for name, ep in (("metrics", self.metrics), ("gui", self.gui)) if ep is not None]


@dataclass(frozen=True)
class CapturePlan:
    """Everything a live capture will do; the supervisor executes it and reads nothing else."""

    producer: ProducerKind
    targets: tuple[Target, ...]
    expression: str
    capture_ssh: bool
    count: int                      # 0: no limit
    requested_snaplen: int
    frame_size: int | None          # None: chosen by geometry() from the attach modes
    ring_size: int | None
    bind_mode: str
    record_ring_bytes: int
    outputs: Outputs
    sandbox: Sandbox
    force: bool
    verbose: int
    tap_out: TapOut | None = None   # ProducerKind.INLINE_TAP: where frames are sent out
    listeners: Listeners = field(default_factory=Listeners)
    promiscuous: bool = True        # the devices are promiscuous while the capture runs (tcpdump's; -p: not)
    direction: str = "in"           # -Q: "in", "out" or "inout" (only the mirror sees "out")
    mirror_ring_bytes: int = 0      # ProducerKind.MIRROR: each CPU's BPF ring buffer (from -B)
    pass_when_congested: bool = True  # AF_XDP capture: a full record ring sends matched frames to the stack

    @property
    def mirror_snaplen(self) -> int:
        """The mirror's snap length: -s, capped where a record always fits the record ring (a quarter of
        it, as the AF_XDP capture's largest) and at the largest GSO packet the stack hands over."""
        return min(self.requested_snaplen, MIRROR_MAX_SNAP, self.record_ring_bytes // 4 - RECORD_HEADER_BYTES)

    @property
    def interface_names(self) -> list[str]:
        return [t.device.name for t in self.targets]

    @property
    def devices(self) -> list[Device]:
        """Every device the capture depends on: the captured ones, and the inline tap's OUT."""
        return [t.device for t in self.targets] + ([self.tap_out.device] if self.tap_out is not None else [])

    @property
    def roles(self) -> tuple[str, ...]:
        """The sandboxed processes forked: the net role always, the archive role with -w, the metrics
        and gui roles with --metrics and --gui."""
        core = ("net", "archive") if self.outputs.write is not None else ("net",)
        return core + tuple(name for name, _ in self.listeners.items())

    def geometry(self, attached_modes: Sequence[str]) -> Geometry:
        """UMEM frame size, ring size and snap length, once the devices' XDP modes are known.

        How long the net role may be away before the kernel drops is what the rings hold: 4096 frames
        are 2.7 ms at 1.5 Mpps, less than a busy CPU may keep it waiting. Halving the frame size where
        the devices' MTU allows (a 2048-byte frame holds up to 1792 bytes after the headroom) doubles
        the frames in the same 16 MiB per queue: 8192 frames, 5.5 ms. Only in native mode: generic
        (skb) XDP runs after GRO, where a frame can be larger than the MTU.
        """
        frame_size = self.frame_size
        if frame_size is None:
            largest = max(largest_frame(t.device.mtu) for t in self.targets)
            native = all(mode == "native" for mode in attached_modes)
            small = FRAME_SIZES[0]
            frame_size = small if native and largest <= small - XDP_PACKET_HEADROOM else FRAME_SIZES[-1]
        ring_size = self.ring_size or UMEM_BYTES_PER_QUEUE // frame_size
        snaplen = min(self.requested_snaplen, frame_size - XDP_PACKET_HEADROOM)
        return Geometry(frame_size, ring_size, snaplen)


DeviceLookup: TypeAlias = "Mapping[str, Device] | Callable[[str], Device]"


def build_capture_plan(opts: CaptureOptions, devices: DeviceLookup) -> CapturePlan:
    """Validate opts, then against the devices, and decide the plan.

    devices maps a name to its Device: a mapping, or the lookup itself (netdev.lookup), which is then
    asked only once the command line itself has been found sound, so a bad flag is reported before a
    missing device. Raises UserError in the user's words; status 2 for a command line that cannot mean
    anything.
    """
    lookup = devices.__getitem__ if isinstance(devices, Mapping) else devices
    names = list(dict.fromkeys(opts.interfaces))
    if not names:
        raise usage("no interface given: use -i DEV (or -r FILE)")
    if "any" in names:
        raise UserError(ANY_REFUSED)
    snaplen = check_snaplen(opts.snaplen)
    count = check_count(opts.count)
    ring_bytes = record_ring_bytes(opts.buffer_kib)
    ring_size = check_ring_size("--ring-size", opts.ring_size) if opts.ring_size is not None else None
    frame_size = check_frame_size("--frame-size", opts.frame_size) if opts.frame_size is not None else None
    if opts.bind_mode not in BIND_MODES:
        raise usage(f"AF_XDP bind mode {opts.bind_mode!r}: one of {', '.join(BIND_MODES)}")
    rotation = build_rotation(opts.rotation, opts.write)
    if opts.pcapng and not opts.write:
        raise usage("--pcapng needs -w")
    if opts.time_stamp_precision not in TS_PRECISIONS:
        raise usage(f"unsupported time stamp precision {opts.time_stamp_precision!r} (micro or nano)")
    if opts.count_only:
        raise usage("--count needs -r: it counts the packets of a file (a capture's summary counts its own)")
    if opts.selftest is not None and opts.selftest not in ROLE_NAMES:
        raise usage(f"--sandbox-selftest {opts.selftest}: one of {', '.join(ROLE_NAMES)}")
    if opts.selftest == "archive" and not opts.write:
        raise usage("--sandbox-selftest archive needs -w (the archive role runs only with -w)")
    listeners = check_listeners(opts)
    direction = check_direction(opts)

    check_queue(opts.queue)
    for name in names:
        attach_modes(name, opts.xdp_mode)  # a bad --mode is a usage error, before any device is asked for
    found: dict[int, Device] = {}  # by ifindex: `-i eth0 -i 2` or an altname name one device once
    for name in names:
        device = lookup(name)
        found.setdefault(device.index, device)
    targets = []
    for slot, device in enumerate(found.values()):
        require_up(device)
        if frame_size is not None:
            check_frame_size_fits(device, frame_size)
        targets.append(Target(device, slot, rx_queues(device, opts.queue), attach_modes(device.name, opts.xdp_mode)))
    producer, tap_out = ProducerKind.AF_XDP, None
    if opts.forward is not None:
        if len(targets) != 1:
            raise usage("--forward takes exactly one input interface (-i IN)")
        out = require_up(lookup(opts.forward))
        if out.index == targets[0].device.index:
            raise UserError(f"cannot forward {out.name} to itself")
        tap_out = TapOut(out, TAP_OUT_QUEUE, attach_modes(out.name, opts.xdp_mode))
        producer = ProducerKind.INLINE_TAP
    if opts.mirror:
        producer = ProducerKind.MIRROR

    return CapturePlan(
        producer=producer,
        targets=tuple(targets),
        expression=opts.expression,
        capture_ssh=opts.capture_ssh,
        count=count or 0,
        requested_snaplen=snaplen,
        frame_size=frame_size,
        ring_size=ring_size,
        bind_mode=opts.bind_mode,
        record_ring_bytes=ring_bytes,
        outputs=Outputs(opts.write, "pcapng" if opts.pcapng else "pcap", opts.print_options, opts.log_file,
                        opts.time_stamp_precision, rotation, opts.unbuffered, line_buffered=opts.line_buffered),
        sandbox=Sandbox(opts.sandboxed, opts.selftest),
        force=opts.force,
        verbose=opts.verbose,
        tap_out=tap_out,
        listeners=listeners,
        promiscuous=opts.promiscuous,
        direction=direction,
        mirror_ring_bytes=mirror_ring_bytes(opts.buffer_kib) if opts.mirror else 0,
        pass_when_congested=check_congested(opts),
    )


CONGESTED = ("pass", "drop")


def check_congested(opts: CaptureOptions) -> bool:
    """--congested: while the record ring is full, matched frames go to the stack (pass) or stay
    redirected to sockets that cannot take them, and the kernel drops them (drop, as before)."""
    if opts.congested not in CONGESTED:
        raise usage(f"--congested {opts.congested}: one of {', '.join(CONGESTED)}")
    return opts.congested == "pass"


DIRECTIONS = ("in", "out", "inout")


def check_direction(opts: CaptureOptions) -> str:
    """-Q as tcpdump's; the AF_XDP capture sees only what the device receives."""
    if opts.direction is not None and opts.direction not in DIRECTIONS:
        raise usage(f"-Q {opts.direction}: one of {', '.join(DIRECTIONS)}")
    if opts.mirror:
        if opts.forward is not None:
            raise usage("--mirror and --forward cannot be combined (the inline tap takes the frames it forwards)")
        return opts.direction or "inout"
    if opts.direction not in (None, "in"):
        raise usage(f"-Q {opts.direction}: the AF_XDP capture sees only received frames (-Q in); "
                    "--mirror captures both directions")
    return "in"


def mirror_ring_bytes(buffer_kib: int) -> int:
    """-B in KiB for each CPU's BPF ring buffer: a power of two (the kernel's rule), at least a page."""
    return max(MIN_MIRROR_RING_BYTES, 1 << (buffer_kib * 1024 - 1).bit_length())


def check_listeners(opts: CaptureOptions) -> Listeners:
    """--metrics and --gui: their endpoints, not the same one twice; a self-test of either needs it on."""
    metrics = parse_endpoint("--metrics", opts.metrics) if opts.metrics is not None else None
    gui = parse_endpoint("--gui", opts.gui) if opts.gui is not None else None
    if metrics and gui and metrics.port and (metrics.host, metrics.port) == (gui.host, gui.port):
        raise usage(f"--metrics and --gui both ask for {opts.gui}: give each its own port")
    for name, endpoint in (("metrics", metrics), ("gui", gui)):
        if opts.selftest == name and endpoint is None:
            raise usage(f"--sandbox-selftest {name} needs --{name} (the {name} role runs only with --{name})")
    return Listeners(metrics, gui)


# --- Reading a file, and replaying one ------------------------------------------------------------


@dataclass(frozen=True)
class ReadPlan:
    """`xdpdump -r FILE [EXPR]`: read, filter with libpcap's semantics, print; or with -w, write the
    matching records to a file (with its rotation), keeping the input's link type and snap length
    unless -s was given (snaplen_given)."""

    path: str
    expression: str
    snaplen: int
    count: int | None
    print_options: PrintOptions
    write: str | None = None
    file_format: str = "pcap"
    rotation: FileRotation | None = None
    unbuffered: bool = False
    snaplen_given: bool = False
    line_buffered: bool = False     # -l
    count_only: bool = False        # --count: print only how many packets match


def build_read_plan(path: str, expression: str, snaplen: int, count: int | None, write: str | None,
                    print_options: PrintOptions, *, pcapng: bool = False, rotation: RotationWords | None = None,
                    unbuffered: bool = False, snaplen_given: bool = False, line_buffered: bool = False,
                    count_only: bool = False) -> ReadPlan:
    files = build_rotation(rotation, write)
    if pcapng and write is None:
        raise usage("--pcapng needs -w")
    if count_only and write is not None:
        raise usage("--count prints how many packets match: not with -w")
    return ReadPlan(path, expression, check_snaplen(snaplen), check_count(count), print_options, write,
                    "pcapng" if pcapng else "pcap", files, unbuffered, snaplen_given,
                    line_buffered=line_buffered, count_only=count_only)


@dataclass(frozen=True)
class ReplayPlan:
    """`xdp-replay FILE -i DEV`: a capture file's frames out of one queue of DEV."""

    path: str
    device: Device
    queue: int
    rate_pps: int                   # 0: as fast as the device takes them
    loops: int                      # 0: until interrupted
    attach_modes: tuple[str, ...]   # for the pass program zero-copy TX needs
    bind_mode: str
    ring_size: int
    frame_size: int

    @property
    def umem_frames(self) -> int:
        """Twice the TX ring: a full ring in flight and as many ready to go."""
        return self.ring_size * 2

    @property
    def largest_frame(self) -> int:
        """The largest frame that can leave: it must fit a UMEM frame and pass the device's length check."""
        return min(self.frame_size, largest_frame(self.device.mtu))


def build_replay_plan(path: str, device: Device, *, queue: int, rate: int | None, loops: int, xdp_mode: str,
                      bind_mode: str, ring_size: int, frame_size: int) -> ReplayPlan:
    if rate is not None and rate <= 0:
        raise usage(f"--rate {rate}: frames per second, more than 0")
    if loops < 0:
        raise usage(f"--loop {loops}: a count, or 0 for until interrupted")
    if queue < 0:
        raise usage(f"--queue {queue}: a queue number")
    if bind_mode not in BIND_MODES:
        raise usage(f"AF_XDP bind mode {bind_mode!r}: one of {', '.join(BIND_MODES)}")
    require_up(device)
    q = rx_queues(device, str(queue))[0]
    return ReplayPlan(path, device, q, rate or 0, loops, attach_modes(device.name, xdp_mode), bind_mode,
                      check_ring_size("--ring-size", ring_size), check_frame_size("--frame-size", frame_size))
