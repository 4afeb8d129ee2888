"""xdpdump.plan: the capture, read and replay plans, built from hand-made devices (no root, no kernel).

Every check speaks the user's words (the flag they typed): exit status 2 for a command line that cannot
mean anything, 1 for a device that does not allow it (down, no such queue). The plans are frozen, and
nothing outside xdpdump/cli/ imports argparse or takes a Namespace.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

import xdpdump
from xdpdump.constants import DEFAULT_RECORD_RING_KIB, MAX_RECORD_RING_KIB
from xdpdump.errors import UserError
from xdpdump.netdev import Device, XdpState
from xdpdump.plan import (
    CaptureOptions,
    CapturePlan,
    Endpoint,
    FileRotation,
    Geometry,
    Listeners,
    ProducerKind,
    RotationWords,
    Sandbox,
    TapOut,
    attach_modes,
    build_capture_plan,
    build_read_plan,
    build_replay_plan,
    build_rotation,
    check_count,
    check_frame_size,
    check_ring_size,
    check_snaplen,
    parse_endpoint,
    record_ring_bytes,
    rx_queues,
)
from xdpdump.printer.options import PrintOptions

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(xdpdump.__file__).resolve().parent
KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30


def dev(name: str = "eth0", index: int = 2, *, up: bool = True, mtu: int = 1500, rx_queues: int = 4,
        kind: str | None = None) -> Device:
    return Device(name=name, index=index, up=up, mtu=mtu, rx_queues=rx_queues, kind=kind, peer_index=None,
                  peer_netnsid=None, xdp=XdpState(None, {}))


ETH0 = dev("eth0", 2)
ETH1 = dev("eth1", 3, rx_queues=2)
LO = dev("lo", 1, mtu=65536, rx_queues=1)
DOWN = dev("down0", 5, up=False)
JUMBO = dev("jumbo0", 6, mtu=9000)
# An altname of eth0: looked up under another name, it is the same device (same ifindex).
ETH9 = dev("eth9", 7, mtu=3000)
DEVICES = {d.name: d for d in (ETH0, ETH1, LO, DOWN, JUMBO, ETH9)} | {"alt0": ETH0}


def opts(**kw) -> CaptureOptions:
    kw.setdefault("interfaces", ("eth0",))
    return CaptureOptions(**kw)


def plan(devices=None, **kw) -> CapturePlan:
    return build_capture_plan(opts(**kw), DEVICES if devices is None else devices)


def refused(status: int, message: str, fn, *args, **kw) -> None:
    with pytest.raises(UserError) as exc:
        fn(*args, **kw)
    assert str(exc.value) == message
    assert exc.value.status == status


# --- Validation, in the user's words ----------------------------------------------------------------

DOWN_MSG = "down0 is down (bring it up with: ip link set down0 up)"


@pytest.mark.parametrize(("kw", "status", "message"), [
    ({"interfaces": ()}, 2, "no interface given: use -i DEV (or -r FILE)"),
    ({"snaplen": -1}, 2, "invalid snaplen -1"),
    ({"count": 0}, 2, "invalid packet count 0"),
    ({"count": -3}, 2, "invalid packet count -3"),
    ({"buffer_kib": 0}, 2, "-B 0: buffer size in KiB, 1 to 4194304"),
    ({"buffer_kib": -8}, 2, "-B -8: buffer size in KiB, 1 to 4194304"),
    ({"buffer_kib": 4194305}, 2, "-B 4194305: buffer size in KiB, 1 to 4194304"),
    ({"ring_size": 100}, 2, "--ring-size 100: must be a power of two, at least 64"),
    ({"ring_size": 32}, 2, "--ring-size 32: must be a power of two, at least 64"),
    ({"ring_size": 0}, 2, "--ring-size 0: must be a power of two, at least 64"),
    ({"frame_size": 1024}, 2, "--frame-size 1024: one of 2048, 4096"),
    ({"frame_size": 8192}, 2, "--frame-size 8192: one of 2048, 4096"),
    ({"bind_mode": "fast"}, 2, "AF_XDP bind mode 'fast': one of auto, copy, zerocopy"),
    ({"pcapng": True}, 2, "--pcapng needs -w"),
    ({"selftest": "printer"}, 2, "--sandbox-selftest printer: one of net, archive, metrics, gui"),
    ({"selftest": "archive"}, 2, "--sandbox-selftest archive needs -w (the archive role runs only with -w)"),
    ({"xdp_mode": "turbo"}, 2, "--mode turbo: one of auto, native, skb, hw"),
    ({"queue": "x"}, 2, "--queue x: a queue number or 'all'"),
    ({"queue": "\u00b2"}, 2, "--queue \u00b2: a queue number or 'all'"),  # isdigit() but not int()
    ({"queue": "-1"}, 2, "--queue -1: a queue number or 'all'"),
    ({"queue": ""}, 2, "--queue : a queue number or 'all'"),
    ({"queue": "4"}, 1, "eth0 has 4 rx queue(s); there is no queue 4"),
    ({"interfaces": ("eth0", "eth1"), "queue": "2"}, 1, "eth1 has 2 rx queue(s); there is no queue 2"),
    ({"interfaces": ("down0",)}, 1, DOWN_MSG),
    ({"interfaces": ("eth0", "down0")}, 1, DOWN_MSG),
    ({"interfaces": ("eth0", "eth1"), "forward": "lo"}, 2, "--forward takes exactly one input interface (-i IN)"),
    ({"forward": "eth0"}, 1, "cannot forward eth0 to itself"),
    ({"forward": "alt0"}, 1, "cannot forward eth0 to itself"),
    ({"interfaces": ("any",)}, 1, "-i any: an XDP capture attaches its program to each device it captures on; "
                                  "name them: -i DEV [-i DEV2 ...]"),
    ({"interfaces": ("eth0", "any")}, 1, "-i any: an XDP capture attaches its program to each device it captures "
                                         "on; name them: -i DEV [-i DEV2 ...]"),
    ({"interfaces": ("jumbo0",), "frame_size": 2048}, 1, "--frame-size 2048: jumbo0 (MTU 9000) carries frames of up "
     "to 9018 bytes, more than the 1792 a 2048-byte AF_XDP frame holds; use --frame-size 4096 (or leave it out)"),
    ({"interfaces": ("eth0", "eth9"), "frame_size": 2048}, 1, "--frame-size 2048: eth9 (MTU 3000) carries frames of "
     "up to 3018 bytes, more than the 1792 a 2048-byte AF_XDP frame holds; use --frame-size 4096 (or leave it out)"),
    ({"forward": "down0"}, 1, DOWN_MSG),
    ({"direction": "out"}, 2, "-Q out: the AF_XDP capture sees only received frames (-Q in); --mirror captures "
                              "both directions"),
    ({"direction": "inout"}, 2, "-Q inout: the AF_XDP capture sees only received frames (-Q in); --mirror "
                                "captures both directions"),
    ({"direction": "both", "mirror": True}, 2, "-Q both: one of in, out, inout"),
    ({"mirror": True, "forward": "eth1"}, 2, "--mirror and --forward cannot be combined (the inline tap takes the "
                                             "frames it forwards)"),
])
def test_capture_plan_refuses(kw, status, message):
    refused(status, message, plan, **kw)


@pytest.mark.parametrize(("kw", "status", "message"), [
    ({"write": None, "pcapng": True}, 2, "--pcapng needs -w"),
    ({"write": None, "rotation": RotationWords(file_size="1")}, 1, "-C, -G and --rename-at-close require -w"),
    ({"snaplen": -5}, 2, "invalid snaplen -5"),
    ({"count": 0}, 2, "invalid packet count 0"),
])
def test_read_plan_refuses(kw, status, message):
    args = {"path": "in.pcap", "expression": "", "snaplen": 0, "count": None, "write": None,
            "print_options": PrintOptions()} | kw
    refused(status, message, build_read_plan, **args)


def replay(device: Device = ETH0, path: str = "in.pcap", **kw):
    args = {"queue": 0, "rate": None, "loops": 1, "xdp_mode": "auto", "bind_mode": "auto", "ring_size": 2048,
            "frame_size": 4096} | kw
    return build_replay_plan(path, device, **args)


@pytest.mark.parametrize(("device", "kw", "status", "message"), [
    (ETH0, {"rate": 0}, 2, "--rate 0: frames per second, more than 0"),
    (ETH0, {"rate": -10}, 2, "--rate -10: frames per second, more than 0"),
    (ETH0, {"loops": -1}, 2, "--loop -1: a count, or 0 for until interrupted"),
    (ETH0, {"queue": -1}, 2, "--queue -1: a queue number"),
    (ETH0, {"bind_mode": "fast"}, 2, "AF_XDP bind mode 'fast': one of auto, copy, zerocopy"),
    (ETH0, {"xdp_mode": "turbo"}, 2, "--mode turbo: one of auto, native, skb, hw"),
    (ETH0, {"ring_size": 100}, 2, "--ring-size 100: must be a power of two, at least 64"),
    (ETH0, {"frame_size": 1000}, 2, "--frame-size 1000: one of 2048, 4096"),
    (ETH0, {"queue": 4}, 1, "eth0 has 4 rx queue(s); there is no queue 4"),
    (DOWN, {}, 1, DOWN_MSG),
])
def test_replay_plan_refuses(device, kw, status, message):
    refused(status, message, replay, device, **kw)


# --- The single checks ------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "kept"), [(0, 262144), (1, 1), (96, 96),
                                             (300000, 300000)])
def test_check_snaplen(given, kept):
    assert check_snaplen(given) == kept


@pytest.mark.parametrize("count", [None, 1, 1000])
def test_check_count_keeps(count):
    assert check_count(count) == count


@pytest.mark.parametrize("size", [64, 128, 2048, 1 << 20])
def test_check_ring_size_keeps(size):
    assert check_ring_size("--ring-size", size) == size


@pytest.mark.parametrize("size", [-64, 0, 1, 32, 63, 65, 96, 3000])
def test_check_ring_size_refuses_in_the_callers_flag(size):
    refused(2, f"-R {size}: must be a power of two, at least 64", check_ring_size, "-R", size)


@pytest.mark.parametrize("size", [2048, 4096])
def test_check_frame_size_keeps(size):
    assert check_frame_size("--frame-size", size) == size


@pytest.mark.parametrize("size", [0, 256, 1024, 3072, 8192])
def test_check_frame_size_refuses(size):
    refused(2, f"-F {size}: one of 2048, 4096", check_frame_size, "-F", size)


@pytest.mark.parametrize(("kib", "nbytes"), [
    (1, 64 * KIB), (63, 64 * KIB), (64, 64 * KIB), (65, 128 * KIB), (100, 128 * KIB),
    (DEFAULT_RECORD_RING_KIB, 8 * MIB), (8192, 8 * MIB), (8193, 16 * MIB), (MAX_RECORD_RING_KIB, 4 * GIB),
])
def test_record_ring_bytes(kib, nbytes):
    assert record_ring_bytes(kib) == nbytes


def test_record_ring_bytes_is_the_smallest_power_of_two_that_holds_the_request():
    for kib in range(1, 3000):
        got = record_ring_bytes(kib)
        assert got & (got - 1) == 0, kib
        assert got >= max(kib * KIB, 64 * KIB), kib
        assert got == 64 * KIB or got // 2 < kib * KIB, kib


@pytest.mark.parametrize("kib", [0, -1, MAX_RECORD_RING_KIB + 1])
def test_record_ring_bytes_refuses(kib):
    refused(2, f"-B {kib}: buffer size in KiB, 1 to {MAX_RECORD_RING_KIB}", record_ring_bytes, kib)


# --- Attach modes and queues ------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "requested", "modes"), [
    ("eth0", "auto", ("native", "skb")),
    ("lo", "auto", ("skb",)),
    ("eth0", "native", ("native",)),
    ("eth0", "skb", ("skb",)),
    ("eth0", "hw", ("hw",)),
    ("lo", "native", ("native",)),       # explicit is kept, even where it will fail
    ("lo", "skb", ("skb",)),
    ("loop", "auto", ("native", "skb")),  # only lo itself has no native XDP
])
def test_attach_modes(name, requested, modes):
    assert attach_modes(name, requested) == modes


@pytest.mark.parametrize(("name", "requested"), [("eth0", "turbo"), ("lo", "generic"), ("eth0", ""),
                                                 ("eth0", "Auto"), ("eth0", "drv")])
def test_attach_modes_refuses(name, requested):
    refused(2, f"--mode {requested}: one of auto, native, skb, hw", attach_modes, name, requested)


@pytest.mark.parametrize(("device", "wanted", "queues"), [
    (ETH0, "all", (0, 1, 2, 3)),
    (ETH1, "all", (0, 1)),
    (LO, "all", (0,)),
    (ETH0, "0", (0,)),
    (ETH0, "3", (3,)),
    (ETH0, "03", (3,)),
    (LO, "0", (0,)),
])
def test_rx_queues(device, wanted, queues):
    assert rx_queues(device, wanted) == queues


@pytest.mark.parametrize(("device", "wanted", "status", "message"), [
    (ETH0, "4", 1, "eth0 has 4 rx queue(s); there is no queue 4"),
    (LO, "1", 1, "lo has 1 rx queue(s); there is no queue 1"),
    (ETH0, "1.0", 2, "--queue 1.0: a queue number or 'all'"),
    (ETH0, "ALL", 2, "--queue ALL: a queue number or 'all'"),
    (ETH0, " 1", 2, "--queue  1: a queue number or 'all'"),
])
def test_rx_queues_refuses(device, wanted, status, message):
    refused(status, message, rx_queues, device, wanted)


def test_targets_deduplicated_in_order_with_slots_queues_and_modes():
    p = plan(interfaces=("eth1", "eth0", "eth1", "lo", "eth0"))
    assert p.interface_names == ["eth1", "eth0", "lo"]
    assert [t.slot for t in p.targets] == [0, 1, 2]
    assert [t.device for t in p.targets] == [ETH1, ETH0, LO]
    assert [t.queues for t in p.targets] == [(0, 1), (0, 1, 2, 3), (0,)]
    assert [t.attach_modes for t in p.targets] == [("native", "skb"), ("native", "skb"), ("skb",)]
    assert isinstance(p.targets, tuple)


def test_one_queue_number_applies_to_every_target():
    p = plan(interfaces=("eth0", "eth1", "lo"), queue="0")
    assert [t.queues for t in p.targets] == [(0,), (0,), (0,)]


@pytest.mark.parametrize(("mode", "eth0_modes", "lo_modes"), [
    ("auto", ("native", "skb"), ("skb",)),
    ("native", ("native",), ("native",)),
    ("skb", ("skb",), ("skb",)),
])
def test_targets_attach_modes_follow_mode(mode, eth0_modes, lo_modes):
    p = plan(interfaces=("eth0", "lo"), xdp_mode=mode)
    assert [t.attach_modes for t in p.targets] == [eth0_modes, lo_modes]


@pytest.mark.parametrize(("interfaces", "forward", "asked"), [
    (("eth0",), None, ["eth0"]),
    (("eth1", "eth0", "eth1"), None, ["eth1", "eth0"]),
    (("eth0",), "eth1", ["eth0", "eth1"]),
])
def test_a_lookup_is_asked_for_each_device_once(interfaces, forward, asked):
    seen: list[str] = []

    def lookup(name: str) -> Device:
        seen.append(name)
        return DEVICES[name]

    build_capture_plan(opts(interfaces=interfaces, forward=forward), lookup)
    assert seen == asked


def test_a_bad_flag_is_reported_before_any_device_is_looked_up():
    def lookup(name: str) -> Device:
        raise UserError(f"{name}: no such device")

    with pytest.raises(UserError, match="--ring-size 100") as e:
        build_capture_plan(opts(interfaces=("nosuch0",), ring_size=100), lookup)
    assert e.value.status == 2
    with pytest.raises(UserError, match="--queue x"):
        build_capture_plan(opts(interfaces=("nosuch0",), queue="x"), lookup)


# --- Geometry ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("devices", "modes", "frame_size", "ring_size", "snaplen"), [
    ([ETH0], ["native"], 2048, 8192, 1792),
    ([ETH0], ["skb"], 4096, 4096, 3840),
    ([ETH0], ["hw"], 4096, 4096, 3840),
    ([ETH0, ETH1], ["native", "native"], 2048, 8192, 1792),
    ([ETH0, ETH1], ["native", "skb"], 4096, 4096, 3840),
    ([ETH0, JUMBO], ["native", "native"], 4096, 4096, 3840),   # the largest MTU decides
    ([dev(mtu=1774)], ["native"], 2048, 8192, 1792),            # 1774 + 18 == 2048 - 256: fits
    ([dev(mtu=1775)], ["native"], 4096, 4096, 3840),            # one byte more: does not
    ([LO], ["skb"], 4096, 4096, 3840),
])
def test_geometry_from_attached_modes(devices, modes, frame_size, ring_size, snaplen):
    p = plan(devices={d.name: d for d in devices}, interfaces=tuple(d.name for d in devices))
    g = p.geometry(modes)
    assert g == Geometry(frame_size=frame_size, ring_size=ring_size, snaplen=snaplen)
    assert g.largest_frame == frame_size - 256
    assert p.frame_size is None and p.ring_size is None  # nothing is written back


@pytest.mark.parametrize(("kw", "modes", "expected"), [
    ({"frame_size": 4096}, ["native"], Geometry(4096, 4096, 3840)),
    ({"frame_size": 2048}, ["skb"], Geometry(2048, 8192, 1792)),
    ({"ring_size": 256}, ["native"], Geometry(2048, 256, 1792)),
    ({"ring_size": 256}, ["skb"], Geometry(4096, 256, 3840)),
    ({"ring_size": 64, "frame_size": 4096}, ["native"], Geometry(4096, 64, 3840)),
    ({"snaplen": 96}, ["native"], Geometry(2048, 8192, 96)),
    ({"snaplen": 96}, ["skb"], Geometry(4096, 4096, 96)),
    ({"snaplen": 1792}, ["native"], Geometry(2048, 8192, 1792)),
    ({"snaplen": 1793}, ["native"], Geometry(2048, 8192, 1792)),
    ({"snaplen": 0}, ["skb"], Geometry(4096, 4096, 3840)),
])
def test_geometry_explicit_options_win(kw, modes, expected):
    p = plan(**kw)
    assert p.geometry(modes) == expected


def test_capture_plan_fields():
    po = PrintOptions(verbose=2, link=True)
    p = plan(interfaces=("eth0",), expression="tcp port 80", count=5, snaplen=128, buffer_kib=100,
             bind_mode="zerocopy", capture_ssh=True, force=True, sandboxed=False, log_file="x.log",
             print_options=po)
    assert p.producer is ProducerKind.AF_XDP and p.tap_out is None
    assert (p.expression, p.capture_ssh, p.count, p.requested_snaplen) == ("tcp port 80", True, 5, 128)
    assert (p.frame_size, p.ring_size, p.bind_mode) == (None, None, "zerocopy")
    assert p.record_ring_bytes == 128 * KIB
    assert (p.force, p.verbose) == (True, 2)
    assert p.sandbox == Sandbox(enabled=False, selftest=None)
    assert p.outputs.print_options is po and p.outputs.log_file == "x.log"


def test_capture_plan_defaults():
    p = plan()
    assert p.count == 0                            # no -c: no limit
    assert p.requested_snaplen == 262144
    assert p.record_ring_bytes == 8 * MIB
    assert p.bind_mode == "auto" and p.expression == "" and p.verbose == 0
    assert p.sandbox == Sandbox(enabled=True, selftest=None)
    assert p.targets[0].queues == (0, 1, 2, 3)


def test_explicit_sizes_kept_in_the_plan():
    p = plan(frame_size=2048, ring_size=512, snaplen=0)
    assert (p.frame_size, p.ring_size, p.requested_snaplen) == (2048, 512, 262144)


# --- Outputs, roles, producer -----------------------------------------------------------------------


@pytest.mark.parametrize(("kw", "roles", "prints", "file_format"), [
    ({}, ("net",), True, "pcap"),
    ({"write": "out.pcap"}, ("net", "archive"), False, "pcap"),
    ({"write": "-"}, ("net", "archive"), False, "pcap"),
    ({"write": "out.pcapng", "pcapng": True}, ("net", "archive"), False, "pcapng"),
    ({"forward": "eth1"}, ("net",), True, "pcap"),
    ({"forward": "eth1", "write": "o"}, ("net", "archive"), False, "pcap"),
])
def test_roles_and_outputs(kw, roles, prints, file_format):
    p = plan(**kw)
    assert p.roles == roles
    assert p.outputs.prints is prints
    assert p.outputs.write == kw.get("write")
    assert p.outputs.file_format == file_format


@pytest.mark.parametrize(("kw", "sandbox"), [
    ({"selftest": "net"}, Sandbox(True, "net")),
    ({"selftest": "net", "write": "o"}, Sandbox(True, "net")),
    ({"selftest": "archive", "write": "o"}, Sandbox(True, "archive")),
    ({"sandboxed": False}, Sandbox(False, None)),
])
def test_sandbox_selftest(kw, sandbox):
    assert plan(**kw).sandbox == sandbox


@pytest.mark.parametrize(("forward", "mode", "out", "out_modes", "in_modes"), [
    ("eth1", "auto", ETH1, ("native", "skb"), ("native", "skb")),
    ("lo", "auto", LO, ("skb",), ("native", "skb")),
    ("eth1", "skb", ETH1, ("skb",), ("skb",)),
    ("eth1", "native", ETH1, ("native",), ("native",)),
])
def test_forward_makes_an_inline_tap(forward, mode, out, out_modes, in_modes):
    p = plan(forward=forward, xdp_mode=mode)
    assert p.producer is ProducerKind.INLINE_TAP
    assert p.tap_out == TapOut(device=out, queue=0, attach_modes=out_modes)
    assert p.interface_names == ["eth0"]
    assert p.targets[0].attach_modes == in_modes


def test_forward_with_a_repeated_input_is_one_input():
    p = plan(interfaces=("eth0", "eth0"), forward="eth1")
    assert p.producer is ProducerKind.INLINE_TAP and p.interface_names == ["eth0"]


def test_forward_input_queue_checked_on_the_input():
    assert plan(interfaces=("eth0",), forward="eth1", queue="3").targets[0].queues == (3,)
    refused(1, "eth1 has 2 rx queue(s); there is no queue 3", plan, interfaces=("eth1",), forward="eth0", queue="3")


# --- Read and replay plans --------------------------------------------------------------------------


def test_read_plan():
    po = PrintOptions(hex=True)
    r = build_read_plan("in.pcap", "udp", 0, None, None, po)
    assert (r.path, r.expression, r.snaplen, r.count, r.print_options) == ("in.pcap", "udp", 262144, None, po)
    r = build_read_plan("in.pcap", "", 64, 3, None, po)
    assert (r.snaplen, r.count) == (64, 3)


def test_replay_plan_fields():
    r = replay(ETH0, "f.pcap", queue=3, rate=1000, loops=0, xdp_mode="skb", bind_mode="copy", ring_size=512,
               frame_size=2048)
    assert (r.path, r.device, r.queue, r.rate_pps, r.loops) == ("f.pcap", ETH0, 3, 1000, 0)
    assert (r.attach_modes, r.bind_mode, r.ring_size, r.frame_size) == (("skb",), "copy", 512, 2048)
    assert r.umem_frames == 1024


@pytest.mark.parametrize(("device", "mode", "modes"), [(ETH0, "auto", ("native", "skb")), (LO, "auto", ("skb",)),
                                                       (LO, "native", ("native",))])
def test_replay_attach_modes(device, mode, modes):
    assert replay(device, xdp_mode=mode).attach_modes == modes


def test_replay_no_rate_is_as_fast_as_possible():
    assert replay(rate=None).rate_pps == 0


@pytest.mark.parametrize(("mtu", "frame_size", "largest"), [
    (1500, 4096, 1518), (1500, 2048, 1518), (2030, 2048, 2048), (2029, 2048, 2047), (9000, 4096, 4096),
    (9000, 2048, 2048), (65536, 4096, 4096),
])
def test_replay_largest_frame(mtu, frame_size, largest):
    assert replay(dev(mtu=mtu), frame_size=frame_size).largest_frame == largest


@pytest.mark.parametrize(("ring_size", "umem_frames"), [(64, 128), (2048, 4096), (4096, 8192)])
def test_replay_umem_frames(ring_size, umem_frames):
    assert replay(ring_size=ring_size).umem_frames == umem_frames


# --- Frozen -----------------------------------------------------------------------------------------


def _frozen_values():
    p = plan(forward="eth1", write="o")
    return [
        (p, "count", 7),
        (p, "frame_size", 2048),
        (p, "targets", ()),
        (p.targets[0], "queues", (9,)),
        (p.targets[0], "attach_modes", ("hw",)),
        (p.tap_out, "queue", 1),
        (p.outputs, "write", None),
        (p.sandbox, "enabled", False),
        (p.geometry(["native"]), "snaplen", 1),
        (build_read_plan("f", "", 0, None, None, PrintOptions()), "count", 1),
        (replay(), "ring_size", 64),
        (opts(), "queue", "0"),
        (ETH0, "up", False),
    ]


@pytest.mark.parametrize(("obj", "name", "value"), _frozen_values(),
                         ids=lambda v: type(v).__name__ if dataclasses.is_dataclass(v) else None)
def test_plans_are_frozen(obj, name, value):
    before = getattr(obj, name)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, name, value)
    assert getattr(obj, name) == before


def test_plan_collections_are_tuples():
    p = plan(interfaces=("eth0", "lo"), forward=None)
    assert isinstance(p.targets, tuple)
    for t in p.targets:
        assert isinstance(t.queues, tuple) and isinstance(t.attach_modes, tuple)


# --- Nothing below xdpdump/cli/ reads the command line ----------------------------------------------

# Command-line entry points outside xdpdump/cli/ that may parse their own arguments: xdpdump-seccomp
# (pyproject's [project.scripts] runs xdpdump.sandbox.cli:main) and scripts/generate-policies (which runs
# `python -m xdpdump.sandbox.generate`). Each has a main() and an `if __name__ == "__main__":` block;
# test_argparse_entry_points_are_entry_points checks that this stays true.
ARGPARSE_ENTRY_POINTS = {
    "sandbox/cli.py": ("pyproject.toml", 'xdpdump-seccomp = "xdpdump.sandbox.cli:main"'),
    "sandbox/generate.py": ("scripts/generate-policies", "-m xdpdump.sandbox.generate"),
}
IMPORTS_ARGPARSE = re.compile(r"^\s*(import\s+argparse\b|from\s+argparse\s+import\b)", re.MULTILINE)


def _package_sources() -> list[tuple[str, Path]]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10 and (PACKAGE / "plan.py") in files
    return [(f.relative_to(PACKAGE).as_posix(), f) for f in files]


def _below_cli(rel: str) -> bool:
    return rel.startswith("cli/")


def test_only_cli_imports_argparse():
    offenders = [rel for rel, f in _package_sources()
                 if not _below_cli(rel) and rel not in ARGPARSE_ENTRY_POINTS
                 and IMPORTS_ARGPARSE.search(f.read_text())]
    assert offenders == []


def test_argparse_scan_sees_the_cli():
    assert IMPORTS_ARGPARSE.search((PACKAGE / "cli" / "capture.py").read_text())


@pytest.mark.parametrize("rel", sorted(ARGPARSE_ENTRY_POINTS))
def test_argparse_entry_points_are_entry_points(rel):
    text = (PACKAGE / rel).read_text()
    assert re.search(r"^def main\(", text, re.MULTILINE)
    assert re.search(r"^if __name__ == \"__main__\":", text, re.MULTILINE)
    launcher, line = ARGPARSE_ENTRY_POINTS[rel]
    assert line in (ROOT / launcher).read_text()


def _namespace_parameters(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            a = node.args
            params = [*a.posonlyargs, *a.args, *a.kwonlyargs, *filter(None, (a.vararg, a.kwarg))]
            found += [f"{getattr(node, 'name', 'lambda')}({p.arg})" for p in params
                      if p.annotation is not None and "Namespace" in ast.unparse(p.annotation)]
    return found


def test_only_cli_takes_a_namespace():
    offenders = {rel: params for rel, f in _package_sources() if not _below_cli(rel)
                 for params in [_namespace_parameters(ast.parse(f.read_text(), rel))] if params}
    assert offenders == {}


def test_namespace_scan_sees_the_cli():
    assert "_capture_options(args)" in _namespace_parameters(ast.parse((PACKAGE / "cli" / "capture.py").read_text()))


def test_plan_module_is_pure():
    """plan.py decides without touching anything: no native code, sockets, netlink, processes or argparse."""
    tree = ast.parse((PACKAGE / "plan.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    forbidden = {"argparse", "os", "socket", "subprocess", "ctypes", "pyroute2", "xdpdump._native", "xdpdump.xsk",
                 "xdpdump.supervisor"}
    assert imported & forbidden == set()
    assert imported <= {"__future__", "collections.abc", "dataclasses", "enum", "ipaddress", "typing",
                        "xdpdump.constants", "xdpdump.errors", "xdpdump.netdev", "xdpdump.printer.options"}


# --- Devices named twice, frames too long for the geometry --------------------------------------------


def test_one_device_named_twice_is_captured_once():
    p = plan(interfaces=("eth0", "alt0", "eth1"))
    assert p.interface_names == ["eth0", "eth1"]
    assert [t.slot for t in p.targets] == [0, 1]


@pytest.mark.parametrize(("device", "frame_size", "note"), [
    (ETH0, 2048, None),
    (dev(mtu=1774), 2048, None),
    (dev(mtu=1775), 2048, 1792),
    (JUMBO, 4096, 3840),
    (LO, 4096, 3840),
])
def test_too_long_note_names_the_largest_frame_captured(device, frame_size, note):
    from xdpdump.plan import too_long_note

    text = too_long_note(device, Geometry(frame_size, 64, 96))
    if note is None:
        assert text is None
    else:
        assert text == (f"frames longer than {note} bytes cannot be captured with MTU {device.mtu} and "
                        f"{frame_size}-byte AF_XDP frames (no multi-buffer AF_XDP): the kernel drops them and "
                        "counts them in rx_dropped")


def test_explicit_largest_frame_size_is_kept_even_where_frames_are_too_long():
    assert plan(interfaces=("jumbo0",), frame_size=4096).frame_size == 4096


# --- --metrics and --gui ---------------------------------------------------------------------------


def test_listener_roles_are_off_unless_asked_for():
    p = plan()
    assert p.listeners == Listeners()
    assert p.roles == ("net",)
    assert plan(write="f.pcap").roles == ("net", "archive")


@pytest.mark.parametrize(("text", "host", "port", "url"), [
    ("9100", "127.0.0.1", 9100, "http://127.0.0.1:9100/"),
    ("0", "127.0.0.1", 0, "http://127.0.0.1:0/"),
    ("198.18.0.1:8080", "198.18.0.1", 8080, "http://198.18.0.1:8080/"),
    ("0.0.0.0:8080", "0.0.0.0", 8080, "http://0.0.0.0:8080/"),
    ("[::1]:9100", "::1", 9100, "http://[::1]:9100/"),
    ("[fd00::1]:1", "fd00::1", 1, "http://[fd00::1]:1/"),
])
def test_listener_endpoints(text, host, port, url):
    endpoint = parse_endpoint("--metrics", text)
    assert (endpoint.host, endpoint.port, endpoint.url()) == (host, port, url)
    assert endpoint.loopback == (host in ("127.0.0.1", "::1"))


def test_metrics_and_gui_become_roles_in_fork_order():
    p = plan(write="f.pcap", metrics="9100", gui="[::1]:8080", selftest="gui")
    assert p.listeners == Listeners(Endpoint("127.0.0.1", 9100), Endpoint("::1", 8080))
    assert [name for name, _ in p.listeners.items()] == ["metrics", "gui"]
    assert p.roles == ("net", "archive", "metrics", "gui")
    assert plan(gui="8080").roles == ("net", "gui")
    # both on port 0 is two free ports, not a clash
    assert plan(metrics="0", gui="0").roles == ("net", "metrics", "gui")


def test_listeners_work_with_every_producer():
    p = plan(devices={"eth0": ETH0, "eth1": ETH1}, forward="eth1", metrics="9100", gui="8080")
    assert p.producer is ProducerKind.INLINE_TAP
    assert p.roles == ("net", "metrics", "gui")


@pytest.mark.parametrize(("kw", "producer", "direction"), [
    ({}, ProducerKind.AF_XDP, "in"),
    ({"direction": "in"}, ProducerKind.AF_XDP, "in"),
    ({"mirror": True}, ProducerKind.MIRROR, "inout"),
    ({"mirror": True, "direction": "out"}, ProducerKind.MIRROR, "out"),
    ({"mirror": True, "direction": "in"}, ProducerKind.MIRROR, "in"),
])
def test_direction_and_producer(kw, producer, direction):
    p = plan(**kw)
    assert (p.producer, p.direction) == (producer, direction)


@pytest.mark.parametrize(("kib", "ring_bytes", "snaplen"), [
    (8192, 8 << 20, 65535),     # the default -B: 8 MiB rings; the largest GSO packet
    (4, 4096, 16352),           # a page per ring; a record must fit a quarter of the 64 KiB record ring
    (5, 8192, 16352),           # rounded up to a power of two
])
def test_mirror_ring_size_and_snaplen_from_b(kib, ring_bytes, snaplen):
    p = plan(mirror=True, buffer_kib=kib)
    assert (p.mirror_ring_bytes, p.mirror_snaplen) == (ring_bytes, snaplen)
@pytest.mark.parametrize(("words", "write", "expected"), [
    (RotationWords(file_size="2"), "o.pcap", FileRotation(size_limit=2_000_000)),
    (RotationWords(file_size=" +3"), "o.pcap", FileRotation(size_limit=3_000_000)),   # as strtol reads it
    (RotationWords(file_size="1", files=4), "o.pcap", FileRotation(size_limit=1_000_000, max_files=4)),
    (RotationWords(seconds=60, files=2, command="gzip"), "o-%H.pcap",
     FileRotation(interval_s=60, max_files=2, command="gzip")),
    (RotationWords(seconds=0), "o.pcap", None),          # -G 0 rotates nothing, as tcpdump's
    (RotationWords(rename_at_close=True), "o.pcap", FileRotation(rename_at_close=True)),
    (None, "o.pcap", None),
])
def test_rotation_plan(words, write, expected):
    assert build_rotation(words, write) == expected


@pytest.mark.parametrize(("words", "write", "message"), [
    (RotationWords(file_size="0"), "o", "invalid file size 0"),
    (RotationWords(file_size="1k"), "o", "invalid file size 1k"),
    (RotationWords(seconds=-1), "o", "invalid number of seconds -1"),
    (RotationWords(file_size="1", files=0), "o", "invalid number of output files 0"),
    (RotationWords(files=3), "o", "-W requires -C or -G"),
    (RotationWords(command="gzip"), "o", "-z requires -C or -G"),
    (RotationWords(seconds=1), None, "-C, -G and --rename-at-close require -w"),
    (RotationWords(file_size="1"), "-", "-C, -G and --rename-at-close write files: not -w - (standard output)"),
])
def test_rotation_plan_refuses(words, write, message):
    refused(1, message, build_rotation, words, write)


def test_capture_plan_carries_rotation_and_U():
    p = plan(write="o.pcap", rotation=RotationWords(file_size="1", files=3), unbuffered=True)
    assert p.outputs.rotation == FileRotation(size_limit=1_000_000, max_files=3)
    assert p.outputs.unbuffered
