"""The AF_XDP core on real veths in namespaces, driven by the loops production runs: the net loop
(``AfXdpCapture.run`` / ``InlineTap.run``, xdpd_net_run) and the archive loop (``ArchiveWriter.run``)
in threads, a ``PacketConsumer`` in the test. Capture order, pcap/pcapng read back by tcpdump and
tshark, two rx queues on one shared UMEM, honest drops, frame accounting, clean close, TX by the
replay loop, the inline tap, SSH guard, errors."""

from __future__ import annotations

import contextlib
import ctypes
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from netns import Veth, drain, entered, send_udp, udp_receiver

from xdpdump.errors import InternalError, UserError
from xdpdump.xsk import (
    AfXdpCapture,
    ArchiveWriter,
    CaptureTarget,
    InlineTap,
    PacketConsumer,
    RecordRing,
    Replay,
    Umem,
    XskSocket,
)

bcc = pytest.importorskip("bcc")
BPF = bcc.BPF

BPF_DIR = Path(__file__).resolve().parent.parent / "bpf"
XDP_FLAGS_SKB = 2
XDP_FLAGS_DRV = 4
SEEN, MATCHED, REDIRECTED, PASSED = range(4)


class CaptureProgram:
    """xsk_redirect.c with a filter, loaded by bcc and attached to one veth end."""

    def __init__(self, bpf: BPF) -> None:
        self.bpf = bpf

    def insert(self, queue: int, fd: int) -> None:
        self.bpf[b"xsks_map"][ctypes.c_int(queue)] = ctypes.c_int(fd)

    def counter(self, index: int) -> int:
        return int(self.bpf[b"xdpd_counters"].sum(ctypes.c_int(index)).value)


@contextlib.contextmanager
def capture_program(end: Veth, filter_file: str = "filter_all.c", flags: int = XDP_FLAGS_DRV) -> Iterator[
    CaptureProgram
]:
    text = (BPF_DIR / filter_file).read_text() + "\n" + (BPF_DIR / "xsk_redirect.c").read_text()
    bpf = BPF(text=text.encode())
    try:
        fn = bpf.load_func(b"xdpd_capture", BPF.XDP)
        with entered(end.ns.name):
            BPF.attach_xdp(end.dev.encode(), fn, flags)
        try:
            yield CaptureProgram(bpf)
        finally:
            with entered(end.ns.name):
                BPF.remove_xdp(end.dev.encode(), flags)
    finally:
        bpf.cleanup()


def ifindex(end: Veth) -> int:
    with entered(end.ns.name):
        return socket.if_nametoindex(end.dev)


SIZES = {"frame_size": 4096, "rx_size": 2048, "fill_size": 2048, "snaplen": 4096 - 256}
RING_BYTES = 8 << 20


def open_capture(end: Veth, queues: list[int], prog: CaptureProgram, ring: RecordRing, **kw) -> AfXdpCapture:
    idx = ifindex(end)
    with entered(end.ns.name):
        cap = AfXdpCapture(ring, [CaptureTarget(idx, q) for q in queues], **{**SIZES, **kw})
    for target, fd in cap.xsk_fds():
        prog.insert(target.queue, fd)
    return cap


class Background:
    """A production loop (AfXdpCapture.run, ArchiveWriter.run) in a thread; cffi drops the GIL."""

    def __init__(self, fn: Callable[[], None]) -> None:
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(fn,))
        self.thread.start()

    def _run(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except BaseException as e:  # handed to the test
            self.error = e


@contextlib.contextmanager
def loops(ring: RecordRing, *fns: Callable[[], None]) -> Iterator[list[Background]]:
    """Run the loops (the net loop first) in threads. On the way out, also when the test failed: the
    stop is requested, the net loop drains and marks the producer done, the consumers finish; no
    thread outlives the ring. A loop's exception is raised here."""
    threads = [Background(fn) for fn in fns]
    try:
        yield threads
    finally:
        ring.request_stop()
        for t in threads:
            t.thread.join(timeout=60)
            if t.thread.is_alive():  # the producer never ran or hangs: let the consumers go
                ring.producer_done()
                t.thread.join(timeout=60)
            assert not t.thread.is_alive()
    for t in threads:
        if t.error is not None:
            raise t.error


def read_until(consumer: PacketConsumer, want: int, rounds: int = 500) -> list:
    """Read until `want` packets arrived (bounded)."""
    got: list = []
    for _ in range(rounds):
        got += consumer.read(256, timeout_ms=20)
        if len(got) >= want:
            break
    return got


def read_rest(consumer: PacketConsumer, ring: RecordRing, rounds: int = 2000) -> list:
    """After a stop: read until the producer is done and nothing is left (bounded)."""
    got: list = []
    for _ in range(rounds):
        done = ring.counters().producer_done
        batch = consumer.read(256, timeout_ms=20)
        got += batch
        if done and not batch:
            break
    return got


def wait_for(cond: Callable[[], bool], rounds: int = 500) -> bool:
    for _ in range(rounds):
        if cond():
            return True
        time.sleep(0.01)
    return cond()


def udp_payload(frame: bytes) -> bytes:
    assert frame[12:14] == b"\x08\x00", frame[:16].hex()
    ihl = (frame[14] & 0x0F) * 4
    assert frame[14 + 9] == socket.IPPROTO_UDP
    return frame[14 + ihl + 8 :]


def is_icmp6_or_mld(frame: bytes) -> bool:
    return frame[12:14] == b"\x86\xdd" and frame[20] in (0, 58)


def read_udp_until(consumer: PacketConsumer, got: list[bytes], want: int, rounds: int = 500) -> list[bytes]:
    """`got` and the UDP payloads read after it, until there are `want` (bounded; IPv6's own frames
    on the veth are left out)."""
    got = list(got)
    for _ in range(rounds):
        if len(got) >= want:
            break
        got += [udp_payload(p.data) for p in consumer.read(256, timeout_ms=20) if not is_icmp6_or_mld(p.data)]
    return got


def fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


def mappings() -> set[str]:
    with open("/proc/self/maps") as f:
        return set(f.read().splitlines())


@pytest.mark.parametrize("by_reference", [False, True], ids=["copied", "by-reference"])
@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
def test_capture_k_payloads_in_order_to_pcap(pair, tmp_path, fmt, by_reference):
    cap_end, peer = pair
    # By reference, frames of more than 256 bytes go by reference and smaller ones are copied: mixed.
    payloads = [f"xdpd-payload-{i:04d}-".encode() + bytes([65 + i % 26]) * (i % 40 + 300 * (i % 2))
                for i in range(60)]
    out = tmp_path / f"k.{fmt}"
    with RecordRing(RING_BYTES) as ring, capture_program(cap_end) as prog, \
            open_capture(cap_end, [0], prog, ring, by_reference=by_reference) as cap, open(out, "wb") as f:
        writer = ArchiveWriter(ring, f.fileno(), fmt, cap.snaplen, ifnames=[cap_end.dev])
        printer = ring.consumer()
        with writer:
            with loops(ring, cap.run, writer.run):
                send_udp(peer, cap_end, 9999, payloads, src_port=40000)
                got = read_until(printer, len(payloads))
            records = writer.records
        stats = cap.stats()
        assert [udp_payload(p.data) for p in got] == payloads
        assert all(p.wire_len == len(p.data) and p.queue == 0 for p in got)
        assert stats.captured == len(payloads) and stats.dropped == 0
        assert records == len(payloads)
        assert prog.counter(REDIRECTED) == len(payloads) and prog.counter(PASSED) == 0
        assert all(a.ok for a in cap.accounting())

    text = subprocess.run(["tcpdump", "-n", "-r", str(out), "-A"], capture_output=True, text=True, check=True)
    lines = [ln for ln in text.stdout.splitlines() if "UDP, length" in ln]
    assert len(lines) == len(payloads)
    positions = [text.stdout.index(p.decode()) for p in payloads]
    assert positions == sorted(positions)

    tshark = subprocess.run(
        ["tshark", "-r", str(out), "-T", "fields", "-e", "udp.payload", "-e", "frame.interface_name"],
        capture_output=True, text=True, check=True,
    )
    rows = [ln.split("\t") for ln in tshark.stdout.splitlines()]
    assert [bytes.fromhex(r[0]) for r in rows] == payloads
    if fmt == "pcapng":
        assert {r[1] for r in rows} == {cap_end.dev}


def test_record_ring_wraps_many_times_without_loss(pair):
    cap_end, peer = pair
    payloads = [f"wrap-{i:05d}".encode() + b"w" * 300 for i in range(1500)]
    with RecordRing(1 << 16) as ring, capture_program(cap_end) as prog, open_capture(cap_end, [0], prog, ring) as cap:
        printer = ring.consumer()
        sender = threading.Thread(target=send_udp, args=(peer, cap_end, 9999, payloads))
        with loops(ring, cap.run):
            sender.start()
            got = read_until(printer, len(payloads), rounds=2000)
            sender.join()
            wait_for(lambda: prog.counter(SEEN) == len(payloads))
            ring.request_stop()
            got += read_rest(printer, ring)
        stats = cap.stats()
        # Nothing silently lost: what the printer did not get, the kernel counted as dropped.
        assert len(got) == stats.captured
        assert stats.captured + stats.dropped == prog.counter(REDIRECTED) == len(payloads)
        recv = [udp_payload(p.data) for p in got]
        assert recv == [p for p in payloads if p in set(recv)]
        assert stats.captured * 340 > 4 * (1 << 16)  # the 64 KiB ring wrapped several times


def test_two_rx_queues_share_one_umem(lab):
    cap_ns, peer_ns = lab.netns(), lab.netns()
    cap_end, peer = lab.veth(cap_ns, "xq0", peer_ns, "xq1", rx_queues=2)
    with RecordRing(RING_BYTES) as ring, capture_program(cap_end) as prog, \
            open_capture(cap_end, [0, 1], prog, ring) as cap:
        assert len(cap.accounting()) == 1  # one UMEM for the interface, shared by both sockets
        printer = ring.consumer()
        sent = []
        with loops(ring, cap.run):
            for port in range(41000, 41032):
                payload = f"q-{port}".encode()
                send_udp(peer, cap_end, 9999, [payload], src_port=port)
                sent.append(payload)
            got = read_until(printer, len(sent))
        stats = cap.stats()
        assert sorted(udp_payload(p.data) for p in got) == sorted(sent)
        per_queue = {s.queue: s.captured for s in stats.sockets}
        assert sum(per_queue.values()) == len(sent)
        assert per_queue[0] > 0 and per_queue[1] > 0, per_queue
        assert {p.queue for p in got} == {0, 1}
        assert all(a.ok for a in cap.accounting())


@pytest.mark.parametrize(
    ("fill_size", "reason"),
    [(32, "rx_fill_ring_empty_descs"), (256, "rx_ring_full")],
    ids=["fill-ring-starved", "rx-ring-full"],
)
def test_drops_are_counted_by_the_kernel_not_lost(pair, fill_size, reason):
    """A stalled consumer holds the record ring; frames pile up in the socket's rings, then the kernel
    drops and counts: with a fill ring as small as the RX ring it runs out of fill buffers first, with a
    larger one the RX ring overflows first."""
    cap_end, peer = pair
    sent = 1500
    payloads = [f"drop-{i:05d}".encode() + b"d" * 400 for i in range(sent)]
    with RecordRing(1 << 16) as ring, capture_program(cap_end) as prog, open_capture(
        cap_end, [0], prog, ring, rx_size=32, fill_size=fill_size
    ) as cap:
        stalled = ring.consumer()
        with loops(ring, cap.run):
            for i in range(0, sent, 50):
                send_udp(peer, cap_end, 9999, payloads[i : i + 50])
            assert wait_for(lambda: prog.counter(SEEN) == sent)
            time.sleep(0.1)  # let the last redirected frames reach the RX ring before the stop mark
            # Now let the stalled consumer catch up: the stop drains what stayed on the rings.
            ring.request_stop()
            got = read_rest(stalled, ring)
        stats = cap.stats()
        kernel = stats.kernel
        assert stats.dropped > 0, kernel
        assert stats.captured + stats.dropped == prog.counter(REDIRECTED) == sent, (stats.captured, kernel)
        assert len(got) == stats.captured
        assert kernel.rx_ring_full + kernel.rx_dropped == stats.dropped
        assert getattr(kernel, reason) > 0, kernel
        assert stats.ring_full_events > 0
        assert all(a.ok for a in cap.accounting())


def test_by_reference_a_frame_is_held_until_every_reader_passed_it(pair):
    """By reference the record of a frame over 256 bytes holds no bytes: the frame stays in UMEM, off
    the fill ring, until every consumer has read past its record. A stalled reader therefore holds at
    most the UMEM's frames (fill ring + as many held); beyond that the kernel finds the fill ring empty
    and counts its drops, and no held frame is ever overwritten. Once the reader catches up, the
    frames go back. Small frames are copied and never held."""
    cap_end, peer = pair
    ring_frames = 64
    first = [f"held-{i:04d}-".encode() + b"h" * 300 for i in range(400)]
    later = [f"again-{i:04d}".encode() for i in range(50)]
    with RecordRing(RING_BYTES) as ring, capture_program(cap_end) as prog, open_capture(
        cap_end, [0], prog, ring, rx_size=ring_frames, fill_size=ring_frames, by_reference=True
    ) as cap:
        stalled = ring.consumer()
        with loops(ring, cap.run):
            for i in range(0, len(first), 32):  # chunks the fill ring holds, with time to take them
                send_udp(peer, cap_end, 9999, first[i : i + 32])
                assert wait_for(lambda i=i: prog.counter(SEEN) == min(i + 32, len(first)))
                wait_for(lambda i=i: cap.stats().captured >= min(i + 32, 2 * ring_frames), rounds=50)
            time.sleep(0.1)
            assert cap.stats().captured == 2 * ring_frames  # every UMEM frame is held: no more
            got = read_until(stalled, 2 * ring_frames)
            # Read only after the kernel had every chance to reuse a frame: each one is intact.
            assert [udp_payload(p.data) for p in got] == first[: 2 * ring_frames]
            time.sleep(0.05)  # the net loop looks for released frames every millisecond meanwhile
            send_udp(peer, cap_end, 9999, later)  # released frames are back on the fill ring
            got = read_until(stalled, len(later))
            assert [udp_payload(p.data) for p in got] == later
        stats = cap.stats()
        assert stats.kernel.rx_fill_ring_empty_descs > 0
        assert stats.captured + stats.dropped == len(first) + len(later)
        assert all(a.ok for a in cap.accounting())


def test_by_reference_a_copied_frame_a_reader_has_not_read_stops_no_give_back(pair):
    """With nothing held, the give-back mark skips straight past copied frames (there is nothing in
    them to give back), so it runs ahead of a reader that has not read them yet. A frame held after
    them is then at a give-back bound behind the mark: that means nothing to give back yet, not a bad
    record (the net loop once stopped there with 'published position beyond the ring'). The held
    frame goes back only once the reader passed it: 150 more, over the UMEM's 128, all arrive."""
    cap_end, peer = pair
    small, large = b"copied", b"held-" + b"h" * 300
    later = [f"later-{i:04d}-".encode() + b"l" * 300 for i in range(150)]
    with RecordRing(RING_BYTES) as ring, capture_program(cap_end) as prog, open_capture(
        cap_end, [0], prog, ring, rx_size=64, fill_size=64, by_reference=True
    ) as cap:
        reader = ring.consumer()
        with loops(ring, cap.run):
            send_udp(peer, cap_end, 9999, [small])
            assert wait_for(lambda: cap.stats().captured >= 1)  # recorded and published, not read
            send_udp(peer, cap_end, 9999, [large])  # held, in a later pass: the give-back runs first
            assert wait_for(lambda: cap.stats().captured >= 2)
            time.sleep(0.05)  # the net loop looks for frames to give back every millisecond meanwhile
            got = read_udp_until(reader, [], 2)
            for i in range(0, len(later), 30):  # chunks the fill ring holds; read as they come
                send_udp(peer, cap_end, 9999, later[i : i + 30])
                got = read_udp_until(reader, got, 2 + min(i + 30, len(later)))
        assert got == [small, large, *later]
        stats = cap.stats()
        assert stats.dropped == 0
        assert all(a.ok for a in cap.accounting())


def test_close_releases_every_fd_and_mapping(pair):
    cap_end, peer = pair
    with capture_program(cap_end) as prog:
        before_fds, before_maps = fd_count(), mappings()
        ring = RecordRing(RING_BYTES)
        cap = open_capture(cap_end, [0], prog, ring)
        made = mappings() - before_maps
        assert fd_count() > before_fds
        assert sum("socket:[" in m for m in made) == 3  # fill, completion and RX rings
        assert any("/dev/zero" in m for m in made)  # the MAP_SHARED record ring and UMEM
        with loops(ring, cap.run):
            send_udp(peer, cap_end, 9999, [b"x"] * 10)
            assert wait_for(lambda: ring.counters().captured >= 10)
        accounting = cap.accounting()[0]
        assert accounting.ok and accounting.total == accounting.free + accounting.rx_path
        cap.close()
        cap.close()  # idempotent
        assert not any("socket:[" in m for m in mappings())
        ring.close()
        ring.close()
        assert fd_count() == before_fds
        assert not made & mappings()


def test_release_keeps_the_shared_counters(pair):
    """What the supervisor does once the net role runs: drop sockets and UMEMs, keep reading counters."""
    cap_end, peer = pair
    with RecordRing(RING_BYTES) as ring, capture_program(cap_end) as prog, \
            open_capture(cap_end, [0], prog, ring) as cap:
        with loops(ring, cap.run):
            send_udp(peer, cap_end, 9999, [b"r"] * 5)
            assert wait_for(lambda: ring.counters().captured >= 5)
        fds = cap.net_role_fds()
        cap.release()
        assert not any("socket:[" in m for m in mappings())
        assert fds
        with pytest.raises(ValueError, match="released"):
            cap.net_role_fds()  # no sockets left in this process to name
        stats = cap.stats()
        assert stats.captured == 5 and stats.sockets[0].captured == 5
        with pytest.raises(ValueError, match="released"):
            cap.run()


def test_replay_reaches_peer_and_completions_return_every_frame(pair):
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether

    cap_end, peer = pair
    payloads = [f"tx-{i:03d}".encode() for i in range(40)]
    frames = [
        bytes(Ether(src=cap_end.mac, dst=peer.mac) / IP(src=cap_end.ip4, dst=peer.ip4) / UDP(dport=7777) / p)
        for p in payloads
    ]
    rx = udp_receiver(peer, 7777)
    with contextlib.closing(rx):
        idx = ifindex(cap_end)
        with entered(cap_end.ns.name), Umem(128, 2048) as umem:
            sock = XskSocket(umem, idx, 0, rx_size=0, tx_size=64, comp_size=64, bind_mode="copy")
            with Replay(sock, b"".join(frames), [len(f) for f in frames]) as replay:
                for _ in range(200):
                    if replay.step(timeout_ms=100):
                        break
                c = replay.counters()
            assert c.sent == c.completed == len(frames) and c.in_flight == 0
            acc = umem.accounting()
            assert acc.ok and acc.free == acc.total
            assert sock.stats().tx_invalid_descs == 0
        assert drain(rx) == payloads


@pytest.mark.parametrize("share_umem", [True, False], ids=["shared-umem", "copied"])
def test_inline_tap_records_and_forwards_every_frame(lab, share_umem):
    """ns1:a0 -> hub:a1 (recorded by the tap) -> hub:b1 (sent by the tap) -> ns2:b0, both TX
    strategies, every UMEM frame back home, the tap's counters read after release()."""
    from tx_helpers import forward_lab

    a0, a1, b1, b0 = forward_lab(lab)
    sent = [f"tap-{i:04d}".encode() * 4 for i in range(300)]
    with entered(a1.ns.name):
        in_idx, out_idx = socket.if_nametoindex(a1.dev), socket.if_nametoindex(b1.dev)
    with RecordRing(RING_BYTES) as ring, capture_program(a1) as prog:
        with entered(a1.ns.name):
            tap = InlineTap(ring, [CaptureTarget(in_idx, 0)], out_idx, frame_size=4096, rx_size=64, fill_size=64,
                            tx_size=64, snaplen=3840, share_umem=share_umem)
        with tap:
            assert tap.shared == share_umem and tap.share_error is None  # not refused: not asked, or allowed
            assert len(tap.net_role_fds()) == 2
            for target, fd in tap.xsk_fds():
                prog.insert(target.queue, fd)
            printer = ring.consumer()
            got = []
            with udp_receiver(b0, 5000) as far, loops(ring, tap.run):
                far.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE: holds all until drained
                # In chunks a 64-entry RX ring holds: the test is about accounting, not about how fast
                # a Python sender can overrun a tiny ring.
                for i in range(0, len(sent), 16):
                    send_udp(a0, b0, 5000, sent[i : i + 16])
                    got += read_until(printer, min(i + 16, len(sent)) - len(got))
                ring.request_stop()
                got += read_rest(printer, ring)
                assert drain(far) == sent
            stats = tap.stats()
            assert stats.captured == len(sent) == len(got)
            for acc in tap.accounting():
                assert acc.ok and acc.duplicates == 0 and acc.tx_path == 0, acc
            tap.release()
            c = tap.counters()
            assert c.forwarded == c.tx_queued == len(sent) and c.in_flight == 0 and c.tx_errors == 0
            assert c.copied == (0 if share_umem else len(sent)) and c.shared == share_umem


def test_bind_errors_are_user_errors_naming_the_call(pair):
    cap_end, _ = pair
    idx = ifindex(cap_end)
    with entered(cap_end.ns.name), Umem(64, 4096) as umem:
        with pytest.raises(UserError, match=rf"bind\(fd=\d+, ifindex={idx}, queue=5, flags=XDP_USE_NEED_WAKEUP\): "
                                            r"Invalid argument \(does the device have that rx queue\?\)"):
            XskSocket(umem, idx, 5, rx_size=64)
        with pytest.raises(UserError, match=r"flags=XDP_ZEROCOPY\|XDP_USE_NEED_WAKEUP\).*zero-copy"):
            XskSocket(umem, idx, 0, rx_size=64, bind_mode="zerocopy")
        # A failed bind leaves the UMEM usable.
        with XskSocket(umem, idx, 0, rx_size=64, bind_mode="copy") as sock:
            assert not sock.zerocopy
        assert umem.accounting().ok


def test_argument_and_internal_errors():
    """An invalid size is the caller's (a one-line user error naming it); a broken invariant of our
    own says it is internal and asks to be reported."""
    from xdpdump.xsk._native import check, ffi, lib

    with pytest.raises(UserError, match=r"umem frame size 3000 \(2048 or 4096\)"):
        Umem(64, 3000)
    with pytest.raises(UserError, match="record ring size 1000"):
        RecordRing(1000)
    with RecordRing(1 << 16) as ring:
        for _ in range(8):
            ring.consumer()
        with pytest.raises(UserError, match=r"no free consumer slot.*\(at most 8 readers"):
            ring.consumer()
        rc = lib.xdpd_rr_socket_counters(ring._handle(), 3, ffi.new("struct xdpd_socket_counters *"))
        with pytest.raises(InternalError, match=r"internal error: statistics: socket slot 3 of 0: .*please report"):
            check(rc, "statistics")


def test_ssh_guard_keeps_port_22_on_the_stack(lab):
    from scapy.layers.inet import IP, TCP
    from scapy.layers.inet6 import IPv6
    from scapy.layers.l2 import Dot1Q, Ether

    cap_ns, peer_ns = lab.netns(), lab.netns()
    cap_end, peer = lab.veth(cap_ns, "xs0", peer_ns, "xs1", ipv6=True)
    with RecordRing(RING_BYTES) as ring, capture_program(cap_end, "filter_ssh_guard.c") as prog, \
            open_capture(cap_end, [0], prog, ring) as cap:
        printer = ring.consumer()
        with loops(ring, cap.run):
            for family, addr in ((socket.AF_INET, cap_end.ip4), (socket.AF_INET6, cap_end.ip6)):
                srv = cap_end.ns.socket(family, socket.SOCK_STREAM)
                cli = peer.ns.socket(family, socket.SOCK_STREAM)
                with srv, cli:
                    srv.bind((addr, 22))
                    srv.listen(1)
                    cli.settimeout(5)
                    cli.connect((addr, 22))  # the SYN reached the stack: not captured
                    conn, _ = srv.accept()
                    with conn:
                        cli.sendall(b"ssh-banner")
                        conn.settimeout(5)
                        assert conn.recv(100) == b"ssh-banner"
            # Port 22 behind a VLAN tag, sent raw: passed, not redirected. Port 80 behind a tag: captured.
            raw = [
                Ether(src=peer.mac, dst=cap_end.mac) / Dot1Q(vlan=7) / IP(src=peer.ip4, dst=cap_end.ip4)
                / TCP(sport=50000, dport=22, flags="S"),
                Ether(src=peer.mac, dst=cap_end.mac) / Dot1Q(vlan=7) / IPv6(src=peer.ip6, dst=cap_end.ip6)
                / TCP(sport=22, dport=50000, flags="A"),
                Ether(src=peer.mac, dst=cap_end.mac) / Dot1Q(vlan=7) / IP(src=peer.ip4, dst=cap_end.ip4)
                / TCP(sport=50000, dport=80, flags="S"),
            ]
            with entered(peer.ns.name), socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as pkt:
                pkt.bind((peer.dev, 0))
                for frame in raw:
                    pkt.send(bytes(frame))
            rx = udp_receiver(cap_end, 9999)
            with contextlib.closing(rx):
                send_udp(peer, cap_end, 9999, [b"not-ssh"])
                got = read_until(printer, 2)
                ring.request_stop()
                got += read_rest(printer, ring)
                assert drain(rx) == []  # the UDP frame was captured, not delivered
        stats = cap.stats()
        # With IPv6 up, the namespaces may send router solicitations or MLD reports of their own.
        got = [p for p in got if not is_icmp6_or_mld(p.data)]
        decoded = [Ether(p.data) for p in got]
        assert not [d for d in decoded if TCP in d and 22 in (d[TCP].sport, d[TCP].dport)]
        assert len(got) == 2
        assert any(p.data.endswith(b"not-ssh") for p in got)
        assert any(Dot1Q in d and TCP in d and d[TCP].dport == 80 for d in decoded)
        # Not an equality: late router solicitations or MLD reports may be redirected after the stop.
        assert prog.counter(REDIRECTED) >= stats.captured >= 2
        assert prog.counter(PASSED) >= 6  # handshakes and data of both SSH connections, two tagged frames


def test_loopback_in_skb_mode(lab):
    ns = lab.netns()
    lo = Veth(ns, "lo", "127.0.0.1", "::1")
    payloads = [f"lo-{i}".encode() for i in range(20)]
    with RecordRing(RING_BYTES) as ring, capture_program(lo, flags=XDP_FLAGS_SKB) as prog, \
            open_capture(lo, [0], prog, ring, bind_mode="copy") as cap:
        printer = ring.consumer()
        with loops(ring, cap.run):
            with entered(ns.name), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                for p in payloads:
                    s.sendto(p, ("127.0.0.1", 9999))
            got = read_until(printer, len(payloads))
        stats = cap.stats()
        assert [udp_payload(p.data) for p in got] == payloads
        assert stats.captured == len(payloads) and not cap.zerocopy


def test_count_limit_stops_at_exactly_n(pair, tmp_path):
    cap_end, peer = pair
    payloads = [f"count-{i:02d}".encode() for i in range(30)]
    out = tmp_path / "count.pcap"
    with RecordRing(RING_BYTES) as ring, capture_program(cap_end) as prog, \
            open_capture(cap_end, [0], prog, ring, count=10) as cap, open(out, "wb") as f:
        writer = ArchiveWriter(ring, f.fileno(), "pcap", cap.snaplen)
        send_udp(peer, cap_end, 9999, payloads)
        assert wait_for(lambda: prog.counter(REDIRECTED) == len(payloads))
        with writer, loops(ring, cap.run, writer.run) as threads:
            # The net loop ends by itself at the count, and the archive loop after it.
            for t in threads:
                t.thread.join(timeout=60)
            assert ring.counters().producer_done and not ring.counters().stop
        stats = cap.stats()
        assert stats.captured == 10 and stats.dropped == 0
        assert cap.accounting()[0].rx_queued == 20  # the rest wait on the RX ring, not captured
    r = subprocess.run(["tshark", "-r", str(out), "-T", "fields", "-e", "udp.payload"], capture_output=True,
                       text=True, check=True)
    assert [bytes.fromhex(x) for x in r.stdout.split()] == payloads[:10]
