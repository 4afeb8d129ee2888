"""The plan's share of tcpdump's everyday options: -t's count, -l and --count (no root, no devices)."""

from __future__ import annotations

import pytest

from xdpdump.errors import UserError
from xdpdump.netdev import Device, XdpState
from xdpdump.plan import CaptureOptions, build_capture_plan, build_read_plan, check_stamp
from xdpdump.printer import PrintOptions

DEV = Device("xd0", 7, True, 1500, 1, "veth", None, None, XdpState(None, {}))


def test_stamp_flags_up_to_five():
    assert [check_stamp(n) for n in range(6)] == list(range(6))
    with pytest.raises(UserError, match=r"^only -t, -tt, -ttt, -tttt and -ttttt are supported$") as e:
        check_stamp(6)
    assert e.value.status == 2


def test_line_buffering_reaches_the_plans():
    live = build_capture_plan(CaptureOptions(("xd0",), line_buffered=True), {"xd0": DEV})
    plain = build_capture_plan(CaptureOptions(("xd0",)), {"xd0": DEV})
    assert live.outputs.line_buffered and not plain.outputs.line_buffered
    read = build_read_plan("f.pcap", "", 0, None, None, PrintOptions(), line_buffered=True, count_only=True)
    assert read.line_buffered and read.count_only


def test_count_only_is_for_files():
    with pytest.raises(UserError, match="--count needs -r") as e:
        build_capture_plan(CaptureOptions(("xd0",), count_only=True), {"xd0": DEV})
    assert e.value.status == 2
