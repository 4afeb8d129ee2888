"""tcpdump's -F FILE: the filter expression read from a file, by tcpdump's rules.

The whole file is the expression: a NUL byte ends it, and each ``#`` blanks the rest of its line (a
comment). tcpdump then ignores any expression on the command line; so does xdpdump, and says so. Errors
are tcpdump's words: ``can't open FILE: REASON``, ``read FILE: REASON`` (a directory opens, and fails to
read, as in tcpdump).
"""

from __future__ import annotations

import os
import re

from xdpdump.errors import UserError

# tcpdump refuses nothing by size; this only bounds what a mistaken -F /dev/zero could take.
MAX_FILTER_FILE_BYTES = 16 << 20

_COMMENT = re.compile(rb"#[^\n]*")


def read_filter_file(path: str) -> str:
    """The expression in the file at path (comments blanked), or a UserError in tcpdump's words."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as e:
        raise UserError(f"can't open {path}: {e.strerror}") from None
    try:
        chunks = []
        size = 0
        while size <= MAX_FILTER_FILE_BYTES:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        else:
            raise UserError(f"read {path}: more than {MAX_FILTER_FILE_BYTES} bytes; not a filter expression")
    except OSError as e:
        raise UserError(f"read {path}: {e.strerror}") from None
    finally:
        os.close(fd)
    text = b"".join(chunks).split(b"\0", 1)[0]  # tcpdump hands libpcap a C string
    # Blank, not remove: the comment's length in spaces, as tcpdump does (positions stay the same).
    text = _COMMENT.sub(lambda m: b" " * len(m.group()), text)
    # Not UTF-8 is a syntax error in libpcap either way; U+FFFD keeps it one.
    # (Blank is no expression, as on an empty command line.)
    return text.decode("utf-8", "replace").strip()
