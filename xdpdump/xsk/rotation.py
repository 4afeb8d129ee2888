"""``Rotation``: what native/rotation.c needs to create the archive's files itself (-C, -G, -W,
--rename-at-close, -z's pipe), and ``landlock_abi()`` (native/landlock.c), which the banner reports.

The rules (tcpdump 4.99's) and the file creation live in C; this is only the description handed to
``ArchiveWriter`` and kept alive as long as the native writer reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xdpdump.xsk._native import ffi, lib


@dataclass(frozen=True)
class Rotation:
    """Files named from ``name_template`` in the directory ``dir_fd`` (open, the caller's)."""

    dir_fd: int
    name_template: str
    size_limit: int = 0         # -C in bytes; 0: none
    interval_s: int = 0         # -G; 0: none
    max_files: int = 0          # -W; 0: none
    rename_at_close: bool = False
    notify_fd: int = -1         # the -z helper's pipe; -1: none

    def native(self) -> tuple[Any, Any]:
        """The C struct, and the name buffer it points to (keep both alive together)."""
        name = ffi.new("char[]", self.name_template.encode())
        spec = ffi.new("struct xdpd_rotation_spec *", {
            "dir_fd": self.dir_fd, "name_template": name, "size_limit": self.size_limit,
            "interval_s": self.interval_s, "max_files": self.max_files,
            "rename_at_close": int(self.rename_at_close), "notify_fd": self.notify_fd,
        })
        return spec, name


def landlock_abi() -> int:
    """Landlock's ABI version in this kernel, or 0 where it is not available."""
    return max(0, int(lib.xdpd_landlock_abi()))
