"""The capture's XDP program on one interface: compiled with its filter, attached, and held.

Owns: building bpf/xsk_redirect.c with the filter in front (a compiled tcpdump expression, or one of
the default filters), attaching it for the life of the process (held_attach: a BPF link, so even
SIGKILL detaches it), putting AF_XDP socket fds into its XSKMAP, handing out its congested flags,
reading its counters, and putting back a program --force replaced.
"""

from __future__ import annotations

import ctypes
import errno
import ipaddress
import os
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field

from xdpdump import bpfsys, loader, netdev
from xdpdump.bpf_build import BPF_DIR, LoadedProgram, load_xdp
from xdpdump.errors import UserError
from xdpdump.held_attach import HeldAttachment, attach_held

PROGRAM_SOURCE = "xsk_redirect.c"
PROGRAM_FUNCTION = "xdpd_capture"
COUNTER_NAMES = loader.CAPTURE_NAMES


def default_filter_source(capture_ssh: bool, ssh_session: SshSession | None = None) -> str:
    """The filter used without an expression: everything, or everything but SSH (the default): the
    session ``ssh_session`` names, or without one every TCP segment from or to port 22."""
    name = "filter_all.c" if capture_ssh else "filter_ssh_guard.c"
    source = (BPF_DIR / name).read_text()
    if capture_ssh or ssh_session is None:
        return source
    return ssh_session.defines() + source


@dataclass(frozen=True)
class SshSession:
    """The SSH session xdpdump runs in, from SSH_CONNECTION: "CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT"."""

    client: ipaddress.IPv4Address | ipaddress.IPv6Address
    client_port: int
    server: ipaddress.IPv4Address | ipaddress.IPv6Address
    server_port: int

    @classmethod
    def parse(cls, text: str | None) -> SshSession | None:
        """The session, or None when ``text`` is absent or not four such fields of one family."""
        fields = (text or "").split()
        if len(fields) != 4:
            return None
        try:
            client, server = (_unmapped(ipaddress.ip_address(fields[i])) for i in (0, 2))
            ports = int(fields[1]), int(fields[3])
        except ValueError:
            return None
        if client.version != server.version or not all(0 < p < 65536 for p in ports):
            return None
        return cls(client, ports[0], server, ports[1])

    def defines(self) -> str:
        """The C macros filter_ssh_guard.c reads: the family, each address as a test of its bytes."""
        def test(name: str, addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
            each = " && ".join(f"(p)[{i}] == {b}" for i, b in enumerate(addr.packed))
            return f"#define {name}(p) ({each})\n"

        return ("#define XDPD_SSH_SESSION 1\n"
                f"#define XDPD_SSH_V6 {int(self.client.version == 6)}\n"
                + test("XDPD_SSH_CLIENT", self.client) + test("XDPD_SSH_SERVER", self.server)
                + f"#define XDPD_SSH_CLIENT_PORT {self.client_port}\n#define XDPD_SSH_SERVER_PORT {self.server_port}\n")

    def __str__(self) -> str:
        return f"{_endpoint(self.client, self.client_port)} <-> {_endpoint(self.server, self.server_port)}"


def _unmapped(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An IPv4-mapped IPv6 address (sshd on a dual-stack socket) as the IPv4 address on the wire."""
    return addr.ipv4_mapped if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped else addr


def _endpoint(addr: ipaddress.IPv4Address | ipaddress.IPv6Address, port: int) -> str:
    return f"[{addr}]:{port}" if addr.version == 6 else f"{addr}:{port}"


@dataclass
class CaptureProgram:
    """One interface's capture program, attached until close()."""

    device: netdev.Device
    program: LoadedProgram
    attachment: HeldAttachment
    replaced: ReplacedProgram | None = None  # what --force took off the device, put back at close
    _closed: bool = field(default=False, repr=False)

    @property
    def mode(self) -> str:
        return self.attachment.mode

    @property
    def held_by_link(self) -> bool:
        return self.attachment.link_fd is not None

    @property
    def privileges_to_close(self) -> list[str]:
        """Why closing needs an unconfined supervisor, in the user's words (empty: it does not). A
        netlink detach and putting back what --force replaced are requests prepared at set-up
        (end_requests.py), which the sandboxed supervisor sends with CAP_NET_ADMIN: never a reason."""
        return [self.attachment.privileges_to_close] if self.attachment.privileges_to_close else []

    @property
    def congested_flags_fd(self) -> int:
        """The program's congested flags (xdpd_congested: an mmapable array, one flag per rx queue),
        which the capture maps before its net role's filter (xsk.congestion)."""
        return self.program.table("xdpd_congested").get_fd()

    def add_socket(self, queue: int, xsk_fd: int) -> None:
        self.program.table("xsks_map")[ctypes.c_int(queue)] = ctypes.c_int(xsk_fd)

    def __post_init__(self) -> None:
        # Looked up now: bcc's table objects are made lazily, and a sandboxed supervisor may later
        # only read the map (bpf MAP_LOOKUP_ELEM on this fd), nothing more.
        self._counters_fd = self.program.table("xdpd_counters").get_fd()
        bpfsys.possible_cpus()  # reads sysfs once, now, while files can still be opened

    def counters(self) -> dict[str, int]:
        values = bpfsys.percpu_u64_sums(self._counters_fd, len(COUNTER_NAMES))
        return dict(zip(COUNTER_NAMES, values, strict=True))

    def close(self) -> None:
        """Detach (closing the link detaches), free the program, put back what --force replaced."""
        if self._closed:
            return
        self._closed = True
        try:
            self.attachment.close()
        finally:
            self.program.close()
            if self.replaced is not None:
                self.replaced.restore()


@dataclass
class ReplacedProgram:
    """A program --force took off the device for the capture, held by fd so it can be put back, with
    the request that puts it back prepared at set-up (end_requests.py: a sandboxed supervisor sends it)."""

    device: netdev.Device
    prog_id: int
    fd: int
    mode: str
    request: PreparedRequest

    @classmethod
    def take(cls, device: netdev.Device) -> ReplacedProgram:
        from xdpdump import log
        from xdpdump.end_requests import PreparedRequest

        prog_id = device.xdp.prog_id
        assert prog_id is not None
        mode = device.xdp.mode or "native"
        fd = bpfsys.prog_fd_by_id(prog_id)  # holding it keeps the program alive while detached
        from pyroute2 import IPRoute  # here, not at the top: a capture starts without pyroute2 (rtnl.py)

        try:
            # As loader.attach puts a program on a free device: in its mode, refused if one is there.
            flags = loader.MODE_FLAGS.get(mode, 0) | loader.XDP_FLAGS_UPDATE_IF_NOEXIST
            request = PreparedRequest(device.index, fd, flags,
                                      f"putting back on {device.name} the program --force replaced")
        except BaseException:
            os.close(fd)
            raise
        try:
            with IPRoute() as ipr:
                loader.detach(device, ipr)
        except BaseException:
            request.cancel()
            os.close(fd)
            raise
        log.get().warning("--force took XDP program %s off %s until the capture ends; if xdpdump is killed "
                          "(SIGKILL) it stays off", loader.describe_prog(prog_id), device.name)
        return cls(device, prog_id, fd, mode, request)

    def restore(self) -> None:
        """Put it back as it was (the kernel refuses if the device has another program meanwhile); a
        device that disappeared has nothing to put it back on."""
        try:
            code = self.request.send()
        finally:
            os.close(self.fd)
        if code in (0, errno.ENODEV):
            return
        if code in (errno.EBUSY, errno.EEXIST):
            raise UserError(f"{self.device.name}: cannot put back XDP program {self.prog_id}, which --force "
                            "replaced: the device has another XDP program now")
        raise UserError(f"cannot put back XDP program {self.prog_id} on {self.device.name}: {os.strerror(code)}")


if typing.TYPE_CHECKING:
    from xdpdump.end_requests import PreparedRequest


def _refuse_held_program(device: netdev.Device, prog_id: int) -> None:
    """Another capture, or any program held by a BPF link, cannot be replaced: say so, and by whom."""
    holder = loader.link_holder(prog_id)
    by = f" (pid {holder})" if holder is not None else ""
    try:
        fd = bpfsys.prog_fd_by_id(prog_id)
    except OSError:
        return
    try:
        name = bpfsys.prog_info(fd).name
    finally:
        os.close(fd)
    if name == PROGRAM_FUNCTION:
        raise UserError(f"{device.name} is already being captured by another xdpdump{by}; only one capture "
                        "can run per device")
    if holder is not None:
        raise UserError(f"{device.name} has XDP program {prog_id} '{name}' held by a BPF link{by}; it cannot be "
                        "replaced, --force or not, until that process lets it go")


def attach_capture(device: netdev.Device, pcap_filter_c: str, modes: Sequence[str], force: bool) -> CaptureProgram:
    """Compile the capture program with its pcap filter (C text defining xdpd_filter) and attach it in
    the first of modes that works. A UserError leaves the device as it was; with force, a program
    already there is replaced for the capture and put back by close()."""
    if device.xdp.prog_id is not None:
        _refuse_held_program(device, device.xdp.prog_id)
        if not force:
            raise UserError(
                f"{device.name} already has XDP program {loader.describe_prog(device.xdp.prog_id)} "
                f"({device.xdp.mode} mode); xdpdump needs the device to itself: "
                f"run `xdp-load unload -i {device.name}` first, or pass --force to replace it for this capture"
            )
    # Compile before touching the device: a filter bcc or the verifier rejects costs nothing.
    program = load_xdp(PROGRAM_SOURCE, PROGRAM_FUNCTION, prefix=pcap_filter_c)
    replaced = None
    try:
        if device.xdp.prog_id is not None:
            replaced = ReplacedProgram.take(device)
        attachment = attach_held(program.fd, device, modes)
    except BaseException:
        program.close()
        if replaced is not None:
            replaced.restore()
        raise
    return CaptureProgram(device, program, attachment, replaced)
