"""The kernel enforces compiled filters: forked children install one and act.

Each child prepares everything first (ctypes functions, buffers, descriptors, RLIMIT_CORE 0 so SIGSYS
leaves no core file), installs the filter, makes one or two raw syscalls and leaves with ``os._exit``.
The parent reads the wait status: exit 0 (allowed calls worked) or death by SIGSYS.
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
import socket
import subprocess
from collections.abc import Callable

import pytest

from xdpdump.sandbox.arches import host_arch
from xdpdump.sandbox.codegen import compile_policy, instantiate
from xdpdump.sandbox.install import install_seccomp, role_policy_path
from xdpdump.sandbox.policy import load_policy, parse_policy

ARCH = host_arch()
NR = ARCH.numbers
_libc = ctypes.CDLL(None, use_errno=True)
syscall = _libc.syscall
syscall.restype = ctypes.c_long
syscall.argtypes = [ctypes.c_long] * 7


# the supervisor signals no one and has no netlink request to send at its end
SUPERVISOR_ALONE = {"net_pid": 0, "archive_pid": 0, "metrics_pid": 0, "gui_pid": 0, "endnl_fd": 0xFFFFFFFF}

def sys6(name: str, *args: int) -> int:
    """A raw syscall with full 64-bit arguments (no libc wrapper adding calls of its own)."""
    padded = [*args] + [0] * (6 - len(args))
    return syscall(NR[name], *padded)


def run_child(program: bytes, act: Callable[[], int]) -> int:
    """Fork; the child installs ``program`` then runs ``act`` and exits with its result."""
    pid = os.fork()
    if pid == 0:
        status = 99
        try:
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            install_seccomp(program)
            status = act()
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    return status


def killed_by_sigsys(status: int) -> bool:
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGSYS


def exited_ok(status: int) -> bool:
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


PIPE_POLICY = """
uint out_fd
# int fd, long count: the count's high half must be zero
write: (and (eq (arg 0) out_fd) (<= (arg 2) 64))
# writev: the kernel truncates its unsigned long fd, so the filter compares the low half
writev: (eq (arg 0) out_fd)
exit_group
"""


@pytest.fixture
def pipe():
    r, w = os.pipe()
    os.set_blocking(w, False)   # a filter bug must not leave a child blocked on a full pipe
    yield r, w
    os.close(r)
    os.close(w)


def pipe_program(w: int) -> bytes:
    return instantiate(compile_policy(parse_policy(PIPE_POLICY, "<pipe>", "pipe"), ARCH.name), out_fd=w)


def test_allowed_write_succeeds(pipe):
    r, w = pipe
    buf = ctypes.create_string_buffer(b"ok")
    status = run_child(pipe_program(w), lambda: 0 if sys6("write", w, ctypes.addressof(buf), 2) == 2 else 1)
    assert exited_ok(status)
    assert os.read(r, 10) == b"ok"


def test_int_fd_with_high_bits_is_the_same_fd(pipe):
    # the kernel truncates write's unsigned int fd, so the filter judges the low half only
    r, w = pipe
    buf = ctypes.create_string_buffer(b"hi")
    status = run_child(pipe_program(w),
                       lambda: 0 if sys6("write", w | (7 << 32), ctypes.addressof(buf), 2) == 2 else 1)
    assert exited_ok(status)
    assert os.read(r, 10) == b"hi"


def test_forbidden_syscall_kills(pipe):
    _, w = pipe
    assert killed_by_sigsys(run_child(pipe_program(w), lambda: sys6("getpid") * 0))


def test_allowed_syscall_on_forbidden_fd_kills(pipe):
    r, w = pipe
    buf = ctypes.create_string_buffer(b"no")
    assert killed_by_sigsys(run_child(pipe_program(w), lambda: sys6("write", r, ctypes.addressof(buf), 2) * 0))


def test_long_count_with_high_bits_kills(pipe):
    r, w = pipe
    buf = ctypes.create_string_buffer(b"x")
    status = run_child(pipe_program(w), lambda: sys6("write", w, ctypes.addressof(buf), 1 | (1 << 32)) * 0)
    assert killed_by_sigsys(status)
    os.set_blocking(r, False)
    with pytest.raises(BlockingIOError):
        os.read(r, 10)


def test_writev_fd_is_truncated_like_the_kernel_does(pipe):
    # writev declares its fd unsigned long but the kernel truncates it to unsigned int; the filter
    # follows the kernel (signatures.py), so the high half neither grants nor loses anything
    r, w = pipe
    buf = ctypes.create_string_buffer(b"v")
    iov = (ctypes.c_void_p * 2)(ctypes.addressof(buf), 1)
    for fd in (w, w | (1 << 32)):
        assert exited_ok(run_child(pipe_program(w),
                                   lambda fd=fd: 0 if sys6("writev", fd, ctypes.addressof(iov), 1) == 1 else 1))
        assert os.read(r, 10) == b"v"
    status = run_child(pipe_program(w), lambda: sys6("writev", r | (1 << 32), ctypes.addressof(iov), 1) * 0)
    assert killed_by_sigsys(status)


def test_kernel_rejects_malformed_filter():
    from xdpdump.errors import UserError

    bad = bytes(8)   # ld [0] with no ret: the kernel's checker refuses it
    pid = os.fork()
    if pid == 0:
        try:
            install_seccomp(bad)
        except UserError as exc:
            os._exit(0 if "EINVAL" in str(exc) or "Invalid argument" in str(exc) else 2)
        os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert exited_ok(status)


# --- the role policies ---------------------------------------------------------------------------------

def role_program(role: str, **params: int) -> bytes:
    return instantiate(compile_policy(load_policy(role_policy_path(role)), ARCH.name), **params)


@pytest.fixture
def xsk_range():
    """Three AF_XDP sockets (unbound: enough for the filter's fd checks) on contiguous fds."""
    try:
        socks = [socket.socket(44, socket.SOCK_RAW, 0) for _ in range(3)]
    except OSError as exc:
        pytest.skip(f"AF_XDP sockets unavailable: {exc}")
    base = 200
    fds = []
    for i, s in enumerate(socks):
        os.dup2(s.fileno(), base + i)
        s.close()
        fds.append(base + i)
    yield fds
    for fd in fds:
        os.close(fd)


def test_net_role_policy(pipe, xsk_range):
    r, w = pipe
    first, last = xsk_range[0], xsk_range[-1]
    program = role_program("net", logfile_fd=w, xsk_fd_first=first, xsk_fd_last=last)
    stats = ctypes.create_string_buffer(64)
    optlen = ctypes.c_uint(64)
    line = ctypes.create_string_buffer(b"net up\n")

    def allowed() -> int:
        # the wake-up kick and the statistics read survive the filter (the kernel may still say no:
        # these sockets are not bound), and the log line is written
        sys6("sendto", last, 0, 0, 0x40, 0, 0)
        sys6("getsockopt", first, 283, 7, ctypes.addressof(stats), ctypes.addressof(optlen))
        sys6("fsync", w)
        return 0 if sys6("write", w, ctypes.addressof(line), 7) == 7 else 1

    assert exited_ok(run_child(program, allowed))
    assert os.read(r, 100) == b"net up\n"
    # a socket fd just past the range, a non-empty send, a blocking recvmsg, another sockopt
    for act in (lambda: sys6("sendto", last + 1, 0, 0, 0x40, 0, 0),
                lambda: sys6("sendto", first, ctypes.addressof(line), 1, 0x40, 0, 0),
                lambda: sys6("sendto", first, 0, 1 << 32, 0x40, 0, 0),
                lambda: sys6("recvmsg", first, 0, 0),
                lambda: sys6("getsockopt", first, 283, 1, ctypes.addressof(stats), ctypes.addressof(optlen)),
                lambda: sys6("write", first, ctypes.addressof(line), 1),
                lambda: sys6("getpid")):
        assert killed_by_sigsys(run_child(program, lambda act=act: act() * 0))


def test_archive_role_policy(pipe, tmp_path):
    r, w = pipe
    archive = os.open(tmp_path / "out.pcap", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        program = role_program("archive", logfile_fd=w, archive_fd=archive, dir_fd=0xFFFFFFFF, notify_fd=0xFFFFFFFF)
        rec = ctypes.create_string_buffer(b"\xd4\xc3\xb2\xa1")

        def allowed() -> int:
            ok = sys6("write", archive, ctypes.addressof(rec), 4) == 4 and sys6("fsync", archive) == 0
            return 0 if ok else 1

        assert exited_ok(run_child(program, allowed))
        assert (tmp_path / "out.pcap").read_bytes() == b"\xd4\xc3\xb2\xa1"
        assert killed_by_sigsys(run_child(program, lambda: sys6("write", r, ctypes.addressof(rec), 1) * 0))
        # without a rotation (dir_fd -1) nothing can be created, anywhere
        name = ctypes.create_string_buffer(b"new.pcap")
        assert killed_by_sigsys(run_child(program, lambda: sys6("openat", AT_FDCWD, ctypes.addressof(name),
                                                                ROTATION_FLAGS, 0o644) * 0))
    finally:
        os.close(archive)


AT_FDCWD = (1 << 64) - 100
# O_WRONLY|O_CREAT|O_TRUNC|O_NOFOLLOW|O_CLOEXEC: the one way rotation.c creates a file
ROTATION_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC


def test_archive_role_creates_files_only_in_its_directory_with_fixed_flags(pipe, tmp_path):
    """With a rotation: openat in dir_fd with exactly rotation.c's flags, dup3 onto archive_fd,
    renameat2 within the directory; any other directory, flag or target is refused by the kernel."""
    _, w = pipe
    out = tmp_path / "out"
    out.mkdir()
    dir_fd = os.open(out, os.O_PATH | os.O_DIRECTORY)
    archive = os.open(out / "x.pcap", os.O_WRONLY | os.O_CREAT, 0o600)
    notify_r, notify_w = os.pipe()
    try:
        program = role_program("archive", logfile_fd=w, archive_fd=archive, dir_fd=dir_fd, notify_fd=notify_w)
        a, b = ctypes.create_string_buffer(b"x.pcap1"), ctypes.create_string_buffer(b"x.pcap2")
        line = ctypes.create_string_buffer(b"x.pcap1\n")

        def rotate() -> int:
            fd = sys6("openat", dir_fd, ctypes.addressof(a), ROTATION_FLAGS, 0o644)
            ok = fd >= 0 and sys6("dup3", fd, archive, os.O_CLOEXEC) == archive and sys6("close", fd) == 0
            ok = ok and sys6("renameat2", dir_fd, ctypes.addressof(a), dir_fd, ctypes.addressof(b), 0) == 0
            ok = ok and sys6("write", notify_w, ctypes.addressof(line), 8) == 8
            return 0 if ok else 1

        assert exited_ok(run_child(program, rotate))
        assert (out / "x.pcap2").exists() and os.read(notify_r, 64) == b"x.pcap1\n"
        other = os.open(tmp_path, os.O_PATH | os.O_DIRECTORY)
        try:
            for act in (
                lambda: sys6("openat", other, ctypes.addressof(a), ROTATION_FLAGS, 0o644),        # elsewhere
                lambda: sys6("openat", AT_FDCWD, ctypes.addressof(a), ROTATION_FLAGS, 0o644),
                lambda: sys6("openat", dir_fd, ctypes.addressof(a), os.O_RDONLY, 0),              # to read
                lambda: sys6("openat", dir_fd, ctypes.addressof(a), ROTATION_FLAGS & ~os.O_NOFOLLOW, 0o644),
                lambda: sys6("openat", dir_fd, ctypes.addressof(a), ROTATION_FLAGS | os.O_APPEND, 0o644),
                lambda: sys6("dup3", archive, w, os.O_CLOEXEC),                                   # onto the log
                lambda: sys6("renameat2", dir_fd, ctypes.addressof(b), other, ctypes.addressof(a), 0),
                lambda: sys6("renameat2", dir_fd, ctypes.addressof(b), dir_fd, ctypes.addressof(a), 1),
            ):
                assert killed_by_sigsys(run_child(program, lambda act=act: act() * 0))
        finally:
            os.close(other)
    finally:
        for fd in (archive, dir_fd, notify_r, notify_w):
            os.close(fd)


def test_landlock_confines_the_archive_role_beneath_its_directory(tmp_path):
    """native/landlock.c: after it, files can be created beneath the directory and nowhere else,
    whatever the flags (the second wall, without seccomp)."""
    from xdpdump.xsk._native import lib

    if lib.xdpd_landlock_abi() <= 0:
        pytest.skip(f"Landlock is not available in this kernel ({-lib.xdpd_landlock_abi()})")
    inside = tmp_path / "in"
    inside.mkdir()
    dir_fd = os.open(inside, os.O_PATH | os.O_DIRECTORY)
    pid = os.fork()
    if pid == 0:
        code = 99
        try:
            assert lib.xdpd_landlock_confine_to(dir_fd) > 0
            os.close(os.open(inside / "ok.pcap", os.O_WRONLY | os.O_CREAT, 0o644))
            os.rename(inside / "ok.pcap", inside / "ok2.pcap")
            refused = 0
            for target, flags in ((tmp_path / "outside.pcap", os.O_WRONLY | os.O_CREAT),
                                  ("/etc/hostname", os.O_WRONLY),
                                  ("/etc/hostname", os.O_RDONLY)):   # reading is confined as well
                try:
                    os.close(os.open(target, flags, 0o644))
                except PermissionError:
                    refused += 1
            code = 0 if refused == 3 else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    os.close(dir_fd)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    assert os.listdir(inside) == ["ok2.pcap"] and not (tmp_path / "outside.pcap").exists()


@pytest.mark.parametrize("role", ["metrics", "gui"])
def test_listener_role_policy(pipe, role):
    _, w = pipe
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind("\0xdpdump-seccomp-test-" + role + str(os.getpid()))
    listener.listen(1)
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(listener.getsockname())
    client.sendall(b"GET")
    lfd = listener.fileno()
    try:
        program = role_program(role, logfile_fd=w, listen_fd=lfd)
        buf = ctypes.create_string_buffer(16)

        def serve() -> int:
            conn = sys6("accept4", lfd, 0, 0, os.O_CLOEXEC | os.O_NONBLOCK)
            if conn < 0:
                return 2
            if sys6("read", conn, ctypes.addressof(buf), 3) != 3:
                return 3
            if sys6("sendto", conn, ctypes.addressof(buf), 3, 0, 0, 0) != 3:
                return 4
            return 0 if sys6("close", conn) == 0 else 5

        assert exited_ok(run_child(program, serve))
        assert client.recv(3) == b"GET"
        for act in (lambda: sys6("accept4", lfd, 0, 0, 0),                 # blocking, inheritable
                    lambda: sys6("read", lfd, ctypes.addressof(buf), 1),    # the listener is no connection
                    lambda: sys6("close", w),                               # the log stays open
                    lambda: sys6("socket", socket.AF_INET, socket.SOCK_STREAM, 0)):
            assert killed_by_sigsys(run_child(program, lambda act=act: act() * 0))
    finally:
        client.close()
        listener.close()


def test_supervisor_policy_runs_python(pipe):
    """A Python loop like the printer's runs under the supervisor policy and can stop a child."""
    r, w = pipe
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether

    frame = bytes(Ether() / IP(src="198.18.0.2", dst="198.18.0.1") / UDP(sport=1, dport=2) / b"x")
    expected = Ether(frame).summary()   # scapy imports its layers lazily: warm it up before the filter
    out_r, out_w = os.pipe()

    def printer() -> int:
        victim = os.fork()
        if victim == 0:
            while True:
                signal.pause()
        # the victim plays a role: the supervisor may signal the pids of its roles only
        program = role_program("supervisor", logfile_fd=w, linkwatch_fd=w + 1,
                               **{**SUPERVISOR_ALONE, "net_pid": victim})
        os.dup2(out_w, 1)
        install_seccomp(program)
        blobs = [bytes(100_000 * (i % 3 + 1)) for i in range(20)]   # large blocks: mmap/munmap
        table = {i: str(i) * 50 for i in range(5000)}                # small objects: pymalloc/brk
        del blobs, table
        for _ in range(3):
            os.write(1, (Ether(frame).summary() + "\n").encode())
        os.write(w, f"pid {os.getpid()}\n".encode())
        import time
        time.sleep(0.01)
        os.kill(victim, signal.SIGTERM)
        _, st = os.waitpid(victim, 0)
        return 0 if os.WIFSIGNALED(st) and os.WTERMSIG(st) == signal.SIGTERM else 7

    pid = os.fork()
    if pid == 0:
        status = 99
        try:
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            status = printer()
        finally:
            os._exit(status)
    os.close(out_w)
    _, status = os.waitpid(pid, 0)
    printed = os.read(out_r, 65536).decode()
    os.close(out_r)
    assert exited_ok(status), f"status {status:#x}"
    assert "198.18.0.2" in expected
    assert printed.splitlines() == [expected] * 3
    assert os.read(r, 100).startswith(b"pid ")


@pytest.mark.parametrize("forbidden", ["open", "socket", "exec"])
def test_supervisor_policy_forbids_opening(pipe, forbidden):
    _, w = pipe
    program = role_program("supervisor", logfile_fd=w, linkwatch_fd=w + 1,
                           **SUPERVISOR_ALONE)
    actions = {
        "open": lambda: os.open("/etc/hostname", os.O_RDONLY) * 0,
        "socket": lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM) and 0,
        "exec": lambda: os.execv("/bin/true", ["true"]) or 0,
    }
    assert killed_by_sigsys(run_child(program, actions[forbidden]))


def test_errno_is_visible_for_denied_but_allowed_calls(pipe):
    # sanity of the harness: an allowed syscall the kernel refuses returns -1 with errno, not SIGSYS
    _, w = pipe
    status = run_child(pipe_program(w), lambda: 0 if sys6("write", w, 0, 1) == -1
                       and ctypes.get_errno() == errno.EFAULT else 1)
    assert exited_ok(status)


def test_supervisor_policy_reads_the_link_watch_and_nothing_else(pipe):
    """The one read the supervisor may make: its rtnetlink link-event socket (non-blocking); reading
    any other descriptor it holds (here a pipe with data waiting) kills it."""
    from xdpdump.link_watch import LinkWatch
    from xdpdump.xsk import supervisor_filter

    r, w = pipe
    os.write(w, b"secret")
    watch = LinkWatch([])
    try:
        assert watch.fd is not None
        program = supervisor_filter(w, watch.fd)  # the filter the supervisor installs, native-built
        assert exited_ok(run_child(program, lambda: len(watch.check())))  # EAGAIN: nothing, no block
        assert killed_by_sigsys(run_child(program, lambda: len(os.read(r, 6)) * 0))
    finally:
        watch.close()


def test_supervisor_may_signal_its_roles_pids_only():
    """kill() from the supervisor's filter reaches the pids it was built with; any other process, even
    one of its own children, kills the supervisor instead."""
    from xdpdump.xsk import supervisor_filter

    role, other = (subprocess.Popen(["sleep", "30"]) for _ in range(2))
    try:
        program = supervisor_filter(2, 2, {"net": role.pid})
        assert exited_ok(run_child(program, lambda: 0 if os.kill(role.pid, 0) is None else 1))
        assert killed_by_sigsys(run_child(program, lambda: 0 if os.kill(other.pid, 0) is None else 1))
        # a role that does not run (pid 0) grants nothing: kill(0, ...) is the whole process group
        assert killed_by_sigsys(run_child(supervisor_filter(2, 2, {}), lambda: os.kill(0, 0) or 0))
    finally:
        for p in (role, other):
            p.kill()
            p.wait()


CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_BOOTTIME = 0, 1, 2, 7
ROLE_PARAMS = {
    "net": {"logfile_fd": 2, "xsk_fd_first": 3, "xsk_fd_last": 3},
    "net_mirror": {"logfile_fd": 2, "ring_fd_first": 3, "ring_fd_last": 3},
    "archive": {"logfile_fd": 2, "archive_fd": 3, "dir_fd": 0xFFFFFFFF, "notify_fd": 0xFFFFFFFF},
    "metrics": {"logfile_fd": 2, "listen_fd": 3},
    "gui": {"logfile_fd": 2, "listen_fd": 3},
    "supervisor": {"logfile_fd": 2, "linkwatch_fd": 3, **SUPERVISOR_ALONE},
}


@pytest.mark.parametrize("role", sorted(ROLE_PARAMS))
def test_clock_gettime_takes_the_monotonic_and_wall_clocks_only(role):
    """The raw syscall (what glibc makes when the vDSO cannot read the clocksource): CLOCK_MONOTONIC
    and CLOCK_REALTIME are answered, any other clock id kills."""
    program = role_program(role, **ROLE_PARAMS[role])
    ts = ctypes.create_string_buffer(16)
    for clock in (CLOCK_MONOTONIC, CLOCK_REALTIME):
        assert exited_ok(run_child(program, lambda c=clock: sys6("clock_gettime", c, ctypes.addressof(ts))))
    for clock in (CLOCK_BOOTTIME, CLOCK_PROCESS_CPUTIME_ID):
        assert killed_by_sigsys(run_child(program, lambda c=clock: sys6("clock_gettime", c, ctypes.addressof(ts))))


@pytest.mark.parametrize("role", ["net", "archive", "supervisor"])
def test_clock_nanosleep_takes_the_monotonic_and_wall_clocks_only(role):
    program = role_program(role, **ROLE_PARAMS[role])
    ts = ctypes.create_string_buffer(16)  # zero: returns at once
    assert exited_ok(run_child(program, lambda: sys6("clock_nanosleep", CLOCK_MONOTONIC, 0, ctypes.addressof(ts), 0)))
    assert killed_by_sigsys(run_child(program, lambda: sys6("clock_nanosleep", CLOCK_BOOTTIME, 0,
                                                            ctypes.addressof(ts), 0)))


def test_archive_ppoll_only_sleeps():
    """The archive role's ppoll has no descriptor to wait on: nfds 0 naps, a descriptor kills."""
    program = role_program("archive", **ROLE_PARAMS["archive"])
    ts = ctypes.create_string_buffer(16)
    pfd = ctypes.create_string_buffer(8)  # struct pollfd {fd 0, events 0}
    assert exited_ok(run_child(program, lambda: sys6("ppoll", 0, 0, ctypes.addressof(ts), 0, 8)))
    assert killed_by_sigsys(run_child(program, lambda: sys6("ppoll", ctypes.addressof(pfd), 1,
                                                            ctypes.addressof(ts), 0, 8) * 0))


FUTEX_WAIT, FUTEX_WAKE, FUTEX_FD, FUTEX_REQUEUE, FUTEX_WAKE_OP, FUTEX_LOCK_PI = 0, 1, 2, 3, 5, 6
FUTEX_WAIT_BITSET, FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME = 9, 128, 256
MADV_DONTNEED, MADV_FREE, MADV_DOFORK, MADV_HWPOISON = 4, 8, 11, 100


def test_supervisor_futex_takes_the_lock_operations_only():
    """The supervisor's real filter: waits and wakes (private or not, bitset with either clock) are
    answered; FUTEX_FD, requeue, wake-op and PI operations kill."""
    from xdpdump.xsk import supervisor_filter

    program = supervisor_filter(2, 2, {})
    word = ctypes.c_int(0)
    addr = ctypes.addressof(word)
    # a wait on a word that does not hold the expected value returns EAGAIN at once: no block
    for op in (FUTEX_WAKE | FUTEX_PRIVATE_FLAG, FUTEX_WAKE, FUTEX_WAIT | FUTEX_PRIVATE_FLAG,
               FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME):
        bitset = 0xFFFFFFFF if op & FUTEX_WAIT_BITSET == FUTEX_WAIT_BITSET else 0
        assert exited_ok(run_child(program, lambda op=op, b=bitset: sys6("futex", addr, op, 1, 0, 0, b) * 0)), op
    for op in (FUTEX_FD, FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG,
               FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG):
        assert killed_by_sigsys(run_child(program, lambda op=op: sys6("futex", addr, op, 1, 0, 0, 0) * 0)), op


def test_supervisor_madvise_takes_dontneed_only():
    """Giving pages back (MADV_DONTNEED) is answered; any other advice kills (MADV_FREE, MADV_DOFORK,
    MADV_HWPOISON, which would poison the page if it were allowed)."""
    import mmap

    from xdpdump.xsk import supervisor_filter

    program = supervisor_filter(2, 2, {})
    page = mmap.mmap(-1, mmap.PAGESIZE)
    addr = ctypes.addressof(ctypes.c_char.from_buffer(page))
    assert exited_ok(run_child(program, lambda: sys6("madvise", addr, mmap.PAGESIZE, MADV_DONTNEED)))
    for advice in (MADV_FREE, MADV_DOFORK, MADV_HWPOISON):
        status = run_child(program, lambda a=advice: sys6("madvise", addr, mmap.PAGESIZE, a) * 0)
        assert killed_by_sigsys(status), advice
