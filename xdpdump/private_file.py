"""Opening a file root writes on the user's behalf (-w's capture, --log-file) so that nothing planted
at its path can redirect the write: the path's last component is never followed if it is a symlink
(O_NOFOLLOW), the descriptor is checked before anything is written or truncated (a regular file with
one link, a FIFO with a reader, or a character device such as /dev/null, owned by root or by the
invoking user), and a file it creates is 0600 and belongs to the user who ran sudo (SUDO_UID,
SUDO_GID), as tcpdump gives its files to an unprivileged user.

A hard link would let a user who may not write a file have root truncate it; a symlink the same for
any path; a FIFO or file that someone else made would hand them the capture. All are refused.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat

from xdpdump.errors import UserError

_PLAIN = os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK  # NONBLOCK: a FIFO's open must not wait unchecked


def _invoking_user() -> tuple[int, int] | None:
    """(uid, gid) of the user sudo ran us for, when root was given through sudo; else None."""
    try:
        uid, gid = int(os.environ["SUDO_UID"]), int(os.environ["SUDO_GID"])
    except (KeyError, ValueError):
        return None
    return (uid, gid) if os.geteuid() == 0 and uid >= 0 and gid >= 0 else None


def open_private(path: str, flags: int, label: str, truncate: bool) -> int:
    """``path`` opened for writing with ``flags`` (O_WRONLY, O_APPEND...): a new descriptor, owned by
    the caller. A new file is made 0600 (and given to the sudo user); an existing one is kept (and
    emptied when ``truncate``) only if it is safe to write, else a one-line UserError starting with
    ``label`` (the path, or the option and the path)."""
    try:
        fd = os.open(path, flags | os.O_CREAT | os.O_EXCL | _PLAIN, 0o600)
        created = True
    except FileExistsError:
        created = False
        try:
            fd = os.open(path, flags | _PLAIN)
        except OSError as e:
            raise UserError(_refusal(label, e)) from e
    except OSError as e:
        raise UserError(f"{label}: {e.strerror}") from e
    try:
        st = os.fstat(fd)
        if created:
            user = _invoking_user()
            if user is not None:
                os.fchown(fd, *user)
        else:
            _check_existing(label, st)
            if truncate and stat.S_ISREG(st.st_mode):
                os.ftruncate(fd, 0)
        # Writes block again (a FIFO's reader sets the pace, as for tcpdump).
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _refusal(label: str, e: OSError) -> str:
    if e.errno == errno.ELOOP:
        return f"{label}: is a symbolic link; refused (give the file's own path, or - for stdout)"
    if e.errno == errno.ENXIO:
        return f"{label}: a FIFO with no reader; start the reader first (or write to - and pipe it)"
    return f"{label}: {e.strerror}"


def _check_existing(label: str, st: os.stat_result) -> None:
    mode = st.st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        raise UserError(f"{label}: not a regular file, FIFO or character device; refused")
    if stat.S_ISREG(mode) and st.st_nlink != 1:
        raise UserError(f"{label}: has {st.st_nlink} hard links; refused (remove it, or choose another name)")
    user = _invoking_user()
    owners = {0, os.getuid()} | ({user[0]} if user else set())
    if st.st_uid not in owners:
        raise UserError(f"{label}: belongs to uid {st.st_uid}, not to you or root; refused")

