"""Which unprivileged user and group each role runs as, and the switch to them.

Owns the choice and the switch; confine.py calls switch_to() between dropping the bounding set and
emptying the other capability sets. Roles run as the system user `xdpdump` (scripts/setup creates it:
no login shell, no home), or `nobody`/`nogroup` where it is absent. The archive role of a rotating
capture creates files in the -w directory, so it runs as a user that can write there: the invoking
user of sudo (SUDO_UID/SUDO_GID), else the directory's owner when that is not root, else the role
user; a directory none of them can write is refused at set-up, in one line (as tcpdump's -C/-G
cannot create files where its dropped user may not write).

Not a user namespace: a role in one would hold every capability over its own namespace, and the
supervisor could no longer signal it by uid; a plain unprivileged uid is the simpler fence.
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
from collections.abc import Mapping
from typing import NamedTuple

from xdpdump.errors import UserError

ROLE_USER = "xdpdump"
FALLBACK_USER, FALLBACK_GROUP = "nobody", "nogroup"


class Identity(NamedTuple):
    uid: int
    gid: int
    name: str


def role_identity() -> Identity:
    """The dedicated system user, else nobody/nogroup (role_identity_note() says which, for -v)."""
    try:
        pw = pwd.getpwnam(ROLE_USER)
        return Identity(pw.pw_uid, pw.pw_gid, ROLE_USER)
    except KeyError:
        pass
    try:
        uid = pwd.getpwnam(FALLBACK_USER).pw_uid
    except KeyError:
        uid = 65534
    try:
        gid = grp.getgrnam(FALLBACK_GROUP).gr_gid
    except KeyError:
        gid = 65534
    return Identity(uid, gid, FALLBACK_USER)


def role_identity_note() -> list[str]:
    """The -v line when the roles fall back to nobody."""
    who = role_identity()
    if who.name == ROLE_USER:
        return []
    return [f"xdpdump: there is no system user '{ROLE_USER}' (scripts/setup creates it): the roles run as "
            f"{FALLBACK_USER} (uid {who.uid}, gid {who.gid})"]


def _sudo_identity(env: Mapping[str, str]) -> Identity | None:
    uid, gid = env.get("SUDO_UID", ""), env.get("SUDO_GID", "")
    if not (uid.isdigit() and gid.isdigit()) or int(uid) == 0:
        return None
    return Identity(int(uid), int(gid), env.get("SUDO_USER") or f"uid {uid}")


def _can_write(st: os.stat_result, who: Identity) -> bool:
    """Write and search permission on the directory by its mode bits (no ACLs: xdpdump creates none)."""
    if st.st_uid == who.uid:
        bits = stat.S_IWUSR | stat.S_IXUSR
    elif st.st_gid == who.gid:
        bits = stat.S_IWGRP | stat.S_IXGRP
    else:
        bits = stat.S_IWOTH | stat.S_IXOTH
    return st.st_mode & bits == bits


def archive_identity(dir_fd: int | None, label: str = "", env: Mapping[str, str] = os.environ) -> Identity:
    """Who the archive role runs as. Without rotation (dir_fd None) it creates nothing: the role user.
    With rotation: the first of sudo's invoking user, the directory's (non-root) owner and the role
    user that can create files in the directory."""
    role = role_identity()
    if dir_fd is None:
        return role
    st = os.fstat(dir_fd)
    owner = Identity(st.st_uid, st.st_gid, f"uid {st.st_uid}") if st.st_uid != 0 else None
    for who in (_sudo_identity(env), owner, role):
        if who is not None and _can_write(st, who):
            return who
    raise UserError(f"{label or 'the -w directory'}: the archive role creates its files as an unprivileged user "
                    f"({role.name}, the directory's owner or sudo's user) and none of them can write this "
                    f"directory (owner uid {st.st_uid}, mode {stat.S_IMODE(st.st_mode):04o}); chown it to one")


def switch_to(who: Identity) -> None:
    """No supplementary groups, then gid, then uid (all three of real, effective and saved, so nothing
    can switch back). Needs CAP_SETGID and CAP_SETUID, which confine.py drops next. A process that is
    not root and may not switch (CAP_NET_ADMIN + CAP_BPF only) is unprivileged already and stays so."""
    try:
        os.setgroups([])
        os.setresgid(who.gid, who.gid, who.gid)
        os.setresuid(who.uid, who.uid, who.uid)
    except PermissionError:
        if 0 in os.getresuid():
            raise
