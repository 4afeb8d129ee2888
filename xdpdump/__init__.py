"""xdpdump: tcpdump on AF_XDP, and xdp-load, an XDP program loader; and a Python API for capture.

    import xdpdump
    with xdpdump.open_live("eth0", "udp port 53") as cap:
        for batch in cap.batches(timeout=1.0):
            for pkt in batch:
                ...  # pkt.ts_ns, pkt.wire_len, pkt.ifname, pkt.data (a memoryview)

``help(xdpdump.open_live)`` says more. Importing xdpdump loads nothing else: each name below is
imported when first used (the command-line tools' start time matters).
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (milliseconds at every CLI start)

__version__ = "0.1.0"

__all__ = [
    "CaptureError",
    "FileCapture",
    "FilterError",
    "Frame",
    "LiveCapture",
    "NoSuchDeviceError",
    "PrivilegeError",
    "Stats",
    "open_file",
    "open_live",
]

# name -> the module defining it, imported on first use (PEP 562)
_LAZY = {
    "CaptureError": "xdpdump.errors",
    "FilterError": "xdpdump.errors",
    "NoSuchDeviceError": "xdpdump.errors",
    "PrivilegeError": "xdpdump.errors",
    "FileCapture": "xdpdump.api.files",
    "open_file": "xdpdump.api.files",
    "Frame": "xdpdump.api.frames",
    "LiveCapture": "xdpdump.api.live",
    "open_live": "xdpdump.api.live",
    "Stats": "xdpdump.api.stats",
}

if TYPE_CHECKING:
    from typing import Any

    from xdpdump.api.files import FileCapture, open_file
    from xdpdump.api.frames import Frame
    from xdpdump.api.live import LiveCapture, open_live
    from xdpdump.api.stats import Stats
    from xdpdump.errors import CaptureError, FilterError, NoSuchDeviceError, PrivilegeError


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'xdpdump' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
