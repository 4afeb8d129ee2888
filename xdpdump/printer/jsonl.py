"""--json: one JSON object per packet, from one scapy dissection.

Object: ``time`` (ISO 8601, local time with offset, microseconds; null past year 9999), ``ts_ns`` (epoch nanoseconds),
``interface`` (or null), ``wire_len``, ``captured_len``, ``summary`` (the text line without timestamp)
and ``layers``: a list of ``{"name": ..., "fields": {...}}`` from the outermost header inwards. Field
values are JSON-native (ints, strings); bytes become hex; a payload layer gives its length instead of
its contents, so a line stays small. Text is ASCII: anything else is a JSON escape (``\\u001b``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from scapy.all import Ether, Packet, Raw, conf

_MAX_FIELD_BYTES = 64


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


def decoded_layers(data: bytes, linktype: int = 1) -> list[dict[str, Any]]:
    try:
        cls = Ether if linktype == 1 else conf.l2types.get(linktype, Raw)
        pkt = cls(data)
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
              linktype: int = 1) -> str:
    obj = {
        "time": _iso_time(ts_ns),
        "ts_ns": ts_ns,
        "interface": ifname,
        "wire_len": wire_len,
        "captured_len": len(data),
        "summary": summary,
        "layers": decoded_layers(data, linktype),
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
