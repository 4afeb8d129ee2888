"""--json: one JSON object per packet, from one scapy dissection.

Object: ``time`` (ISO 8601, local time with offset, microseconds; null past year 9999), ``ts_ns`` (epoch nanoseconds),
``interface`` (or null), ``wire_len``, ``captured_len``, ``summary`` (the text line without timestamp)
and ``layers``: a list of ``{"name": ..., "fields": {...}}`` from the outermost header inwards. Field
values are JSON-native (ints, strings); bytes become hex; a payload layer gives its length instead of
its contents, so a line stays small. Text is ASCII: anything else is a JSON escape (``\\u001b``).

scapy's dissection costs 0.4 ms for a plain TCP frame and 0.1 to 0.25 ms per layer, and it has no
limit of its own: 150 chained IPv6 options headers took 23 ms, a DNS response of 90 answers 23 ms.
So the layers stop after ``MAX_LAYERS`` (what is left is one ``Raw`` layer with its length), and a
frame that needs more than ``MAX_WORK`` units of the printer's budget (budget.py) printed with -vv (a
frame of many headers, options or records) is not dissected at all: its one layer is ``Raw``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from scapy.all import Ether, Packet, Raw, conf

_MAX_FIELD_BYTES = 64
MAX_LAYERS = 16
# Common frames take up to about 32 units at -vv (a VXLAN tunnel and its inner packet: 24; IPv6 with
# a few extension headers: 12); scapy spends 10 to 100 times the printer's time on the same work (an
# IPv4 option: 90 us), so it gets a sixth of the printer's budget.
MAX_WORK = 40


class _Countdown(type):
    """scapy asks ``isinstance(layer, stop_dissection_after)`` before it dissects each layer's payload:
    this class answers yes once ``left`` layers have been dissected."""

    left = 0

    def __instancecheck__(cls, _layer: object) -> bool:
        cls.left -= 1
        return cls.left < 0


class _LayerCap(metaclass=_Countdown):
    pass


def _value(v: Any) -> Any:
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, bytes):
        return v[:_MAX_FIELD_BYTES].hex()
    if isinstance(v, (list, tuple)):
        return [_value(x) for x in v]
    if isinstance(v, Packet):
        return v.summary()
    return str(v)


def decoded_layers(data: bytes, linktype: int = 1, work: int = 0) -> list[dict[str, Any]]:
    """The layers scapy finds, at most ``MAX_LAYERS``; none (one Raw) for ``work`` past ``MAX_WORK``."""
    if work > MAX_WORK:
        return [{"name": "Raw", "fields": {"length": len(data)}}]
    try:
        cls = Ether if linktype == 1 else conf.l2types.get(linktype, Raw)
        _LayerCap.left = MAX_LAYERS - 1  # the first layer's payload is the second layer
        pkt = cls(data, stop_dissection_after=_LayerCap)
    except Exception:
        return [{"name": "Raw", "fields": {"length": len(data)}}]
    layers = []
    layer: Packet | None = pkt
    while layer is not None and layer.__class__.__name__ != "NoPayload":
        name = layer.__class__.__name__
        if isinstance(layer, Raw) or name == "Padding":
            fields = {"length": len(layer.load)}
        else:
            fields = {}
            for f in layer.fields_desc:
                raw = layer.getfieldval(f.name)
                try:
                    # i2repr gives the enum names scapy knows (e.g. "IPv4", flags "DF"), as users read them.
                    shown = f.i2repr(layer, raw) if f.name in ("flags", "type", "proto", "nh", "op") else raw
                except Exception:
                    shown = raw
                fields[f.name] = _value(shown)
        layers.append({"name": name, "fields": fields})
        layer = layer.payload if layer.payload else None
    return layers


def json_line(ts_ns: int, data: bytes, wire_len: int, ifname: str | None, summary: str,
              linktype: int = 1, work: int = 0) -> str:
    """The JSON object of one frame; ``work``: the budget units its ``summary`` took."""
    obj = {
        "time": _iso_time(ts_ns),
        "ts_ns": ts_ns,
        "interface": ifname,
        "wire_len": wire_len,
        "captured_len": len(data),
        "summary": summary,
        "layers": decoded_layers(data, linktype, work),
    }
    # ensure_ascii escapes every character past 0x7f and json every control character; DEL, which
    # JSON lets through, is escaped too, so a line holds printable ASCII only.
    return json.dumps(obj, separators=(",", ":")).replace("\x7f", "\\u007f")


def _iso_time(ts_ns: int) -> str | None:
    """The stamp as ISO 8601 local time, or None for one past datetime's years (a pcapng's 64 bits)."""
    sec, usec = divmod(ts_ns // 1000, 1_000_000)
    try:
        return dt.datetime.fromtimestamp(sec).astimezone().replace(microsecond=usec).isoformat(timespec="microseconds")
    except (OverflowError, OSError, ValueError):
        return None
