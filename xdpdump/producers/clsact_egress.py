"""The mirror's egress program on kernels without TCX: a direct-action bpf filter on a clsact qdisc.

Owns attaching that filter (adding the clsact qdisc only where the device has none), removing exactly
what was added at exit, the record of it under the state directory, and at the next start the removal
of what a capture killed by SIGKILL left behind. A TCX link goes away with its holder; a tc filter and
a qdisc do not: they are the kernel's until someone deletes them, so every one added is recorded first.

Ours is told from anyone else's by kind (bpf), parent (egress), priority, handle (this process's pid,
so two captures on one device never share one) and name (the program's, xdpd_mirror_out). A clsact
qdisc that was there before stays, with everything in it but our filter; one we added is deleted
only when it holds no filter anymore (someone may have added theirs to it meanwhile).

XDPDUMP_EGRESS=clsact forces this path where TCX exists (the tests use it on a 6.6+ kernel; a TCX link
is the better choice wherever it works, so it is no option of the command line).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xdpdump import log
from xdpdump.errors import UserError
from xdpdump.programs import state_dir

if TYPE_CHECKING:  # imported where used: importing pyroute2 costs a capture's start 0.24 s (rtnl.py)
    from pyroute2 import IPRoute

ENV = "XDPDUMP_EGRESS"
EGRESS_PARENT = 0xFFFFFFF3      # TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS): "tc filter ... egress"
INGRESS_PARENT = 0xFFFFFFF2
# Low enough to run before the priorities tc assigns itself (49152 downwards), so every frame TCX let
# through is seen; unusual enough not to share a priority with someone's filter of another kind.
PRIO = 0x0D0D


def forced() -> bool:
    """Does the environment ask for clsact even where TCX works? A value other than tcx/clsact is an error."""
    value = os.environ.get(ENV, "")
    if value not in ("", "tcx", "clsact"):
        raise UserError(f"{ENV}={value}: expected tcx or clsact")
    return value == "clsact"


def _records_dir() -> Path:
    return state_dir() / "clsact"


def _netns_inode() -> int:
    return os.stat("/proc/self/ns/net").st_ino


def _start_time(pid: int) -> str | None:
    """The process's start time (field 22 of /proc/PID/stat): a pid reused by another process differs."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


@dataclass
class EgressFilter:
    """Our filter on one device, and whether we added the clsact qdisc under it."""

    device: str
    ifindex: int
    netns: int
    handle: int
    name: str
    qdisc_added: bool
    pid: int
    started: str | None

    @property
    def path(self) -> Path:
        return _records_dir() / f"{self.netns}-{self.ifindex}-{self.pid}.json"

    def _ours(self, ipr: IPRoute) -> bool:
        for f in ipr.get_filters(index=self.ifindex, parent=EGRESS_PARENT):
            opts = f.get_attr("TCA_OPTIONS")
            if (f["handle"] == self.handle and f["info"] >> 16 == PRIO and f.get_attr("TCA_KIND") == "bpf"
                    and opts is not None and opts.get_attr("TCA_BPF_NAME") == self.name):
                return True
        return False

    def _qdisc_empty(self, ipr: IPRoute) -> bool:
        return not any(f["handle"] for parent in (INGRESS_PARENT, EGRESS_PARENT)
                       for f in ipr.get_filters(index=self.ifindex, parent=parent))

    def remove(self) -> tuple[bool, bool]:
        """Delete our filter if it is there, and the qdisc if we added it and it is empty; forget the record.

        Returns (filter removed, qdisc removed). A device gone took both with it."""
        from pyroute2 import IPRoute
        from pyroute2.netlink.exceptions import NetlinkError

        removed = (False, False)
        try:
            with IPRoute() as ipr:
                links = ipr.get_links(self.ifindex)
                if not links or links[0].get_attr("IFLA_IFNAME") != self.device:
                    raise NetlinkError(errno.ENODEV)  # gone, its index perhaps reused: nothing of ours there
                if self._ours(ipr):
                    ipr.tc("del-filter", "bpf", self.ifindex, self.handle, parent=EGRESS_PARENT, prio=PRIO)
                    removed = (True, False)
                if self.qdisc_added and self._qdisc_empty(ipr):
                    ipr.tc("del", "clsact", self.ifindex)
                    removed = (removed[0], True)
                elif self.qdisc_added:
                    log.get().warning("%s: the clsact qdisc xdpdump added holds other filters now; left in "
                                      "place", self.device)
        except NetlinkError as e:
            if e.code not in (errno.ENODEV, errno.EINVAL):  # the device or its qdisc gone: nothing left
                log.get().warning("%s: cannot remove the egress filter (prio %d, handle %d): %s; remove it with "
                                  "tc filter del dev %s egress prio %d", self.device, PRIO, self.handle, e,
                                  self.device, PRIO)
                return removed
        with contextlib.suppress(OSError):
            self.path.unlink()
        return removed


def attach(prog_fd: int, name: str, device: str, ifindex: int) -> EgressFilter:
    """Our filter on device's egress, on its clsact qdisc (added if there is none); recorded before it exists."""
    pid = os.getpid()
    rec = EgressFilter(device, ifindex, _netns_inode(), pid, name, False, pid, _start_time(pid))
    from pyroute2 import IPRoute
    from pyroute2.netlink.exceptions import NetlinkError

    with IPRoute() as ipr:
        kinds = {q.get_attr("TCA_KIND") for q in ipr.get_qdiscs(index=ifindex) if q["handle"] == 0xFFFF0000}
        if "ingress" in kinds:
            raise UserError(f"{device} has an ingress qdisc: the egress program needs clsact in its place "
                            f"(tc qdisc del dev {device} ingress)")
        rec.qdisc_added = "clsact" not in kinds
        _records_dir().mkdir(parents=True, exist_ok=True)
        rec.path.write_text(json.dumps(asdict(rec)))
        try:
            if rec.qdisc_added:
                try:
                    ipr.tc("add", "clsact", ifindex)
                except NetlinkError as e:
                    if e.code != errno.EEXIST:
                        raise
                    rec.qdisc_added = False  # someone added one since we looked: theirs, not ours
                    rec.path.write_text(json.dumps(asdict(rec)))
            ipr.tc("add-filter", "bpf", ifindex, rec.handle, fd=prog_fd, name=name, parent=EGRESS_PARENT,
                   prio=PRIO, direct_action=True)
        except NetlinkError as e:
            rec.remove()
            raise UserError(f"{device}: cannot attach the egress program to a clsact qdisc: {e}") from e
    return rec


def remove_leftovers() -> None:
    """What captures killed in this namespace left (their process gone): removed, one line each."""
    netns = _netns_inode()
    for path in sorted(_records_dir().glob(f"{netns}-*.json")):
        try:
            rec = EgressFilter(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            continue
        if rec.started is not None and _start_time(rec.pid) == rec.started:
            continue  # that capture still runs
        filt, qdisc = rec.remove()
        if filt or qdisc:
            what = "its egress filter and the clsact qdisc it added" if qdisc else "its egress filter"
            log.get().warning("%s: a previous capture (pid %d) left %s; removed", rec.device, rec.pid, what)
