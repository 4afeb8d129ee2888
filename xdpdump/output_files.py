"""Where -w's records go, opened during set-up: a plain target (a file, or `-` for stdout), or, when
the writer makes its own files (-C, -G, --rename-at-close), the directory it makes them in and the
name template (one path component) it makes them from.
"""

from __future__ import annotations

import os
import sys
from typing import NamedTuple

from xdpdump.errors import UserError
from xdpdump.plan import FileRotation
from xdpdump.private_file import open_private
from xdpdump.xsk.rotation import Rotation


def open_output(path: str) -> int:
    """-w's target: a new descriptor (stdout's duplicate for `-`), owned by the caller; opened as
    private_file.py says (no symlink, no hard link, 0600 or the sudo user's)."""
    if path == "-":
        return os.dup(sys.stdout.fileno())
    return open_private(path, os.O_WRONLY, path, truncate=True)


class OutputDir(NamedTuple):
    fd: int             # O_PATH descriptor of the directory, owned by the caller
    template: str       # the file name in it (strftime'd with -G)
    prefix: str         # what -w had before the name ("" or "dir/"): -z's commands get prefix+name


def open_output_dir(path: str) -> OutputDir:
    """The directory of -w PATH (`.` without one) and the name in it. The directory is taken as
    written: strftime applies to the name only (tcpdump's applies to the whole path)."""
    directory, _, name = path.rpartition("/")
    directory = directory or ("/" if path.startswith("/") else ".")
    if not name or name in (".", ".."):
        raise UserError(f"{path}: -w needs a file name after the directory")
    if "%" in directory:
        raise UserError(f"{path}: strftime conversions are applied to the file name only, not the directory")
    try:
        fd = os.open(directory, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as e:
        raise UserError(f"{directory}: {e.strerror}") from e
    return OutputDir(fd, name, path[: len(path) - len(name)])


def rotation_for(files: FileRotation, out: OutputDir, notify_fd: int = -1) -> Rotation:
    """The native writer's description of files under the plan's rules."""
    return Rotation(out.fd, out.template, files.size_limit, files.interval_s, files.max_files,
                    files.rename_at_close, notify_fd)
