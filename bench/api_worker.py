"""The Python API's side of ``scripts/bench --api``, run in the capture namespace by ``bench/api.py``.

    python bench/api_worker.py iterate DEV meta|data   # the loop's speed over a full ring
    python bench/api_worker.py sniff xdp|scapy DEV [EXPR]   # scapy's sniff() on either socket

``iterate``: opens a capture with a 64 MiB ring, starts it, says ``ready`` on stderr, and reads nothing
until a line arrives on stdin (the generator has finished: the frames wait in the ring); then times a
pure Python loop over every batch until all captured frames are read (``meta``: each frame's
``wire_len``; ``data``: also one byte of its data). Prints one JSON line: frames, seconds, CPU seconds.

``sniff``: scapy's ``sniff(prn=...)`` counting frames, on ``XDPListenSocket`` (xdp) or scapy's default
L2 listen socket with an 8 MiB receive buffer, as bench/scapy_capture.py (scapy). Prints ``progress N``
on stdout every half second, and on SIGINT one JSON line: frames received, and the drops the socket
reports (XDP_STATISTICS through the API; PACKET_STATISTICS tp_drops), and the frames it took from the
kernel (captured; tp_packets less tp_drops), some of which scapy may not have read when stopped.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import struct
import sys
import threading
import time

RING_KIB = 65536  # 64 MiB: about 700,000 records of 64-byte frames
SOL_PACKET = 263
PACKET_STATISTICS = 6
SO_RCVBUFFORCE = 33
BUFFER_BYTES = 8 << 20


def iterate(dev: str, body: str) -> dict:
    import xdpdump

    with xdpdump.open_live(dev, buffer_kib=RING_KIB) as cap:
        batches = cap.batches(timeout=0)
        sys.stderr.write("api: ready\n")
        sys.stderr.flush()
        sys.stdin.readline()
        time.sleep(0.5)  # the net role publishes what it took last
        total = cap.stats().captured
        n = size = 0
        started, cpu = time.perf_counter(), time.process_time()
        poll = batches.poll
        if body == "meta":
            while n < total:
                batch = poll(0)
                for pkt in batch:
                    size += pkt.wire_len
                n += len(batch)
        else:
            while n < total:
                batch = poll(0)
                for pkt in batch:
                    size += pkt.wire_len + pkt.data[23]  # the IPv4 protocol byte
                n += len(batch)
        seconds, cpu_s = time.perf_counter() - started, time.process_time() - cpu
        return {"frames": n, "seconds": seconds, "cpu_s": cpu_s, "dropped": cap.stats().dropped}


def sniff_with(kind: str, dev: str, expr: str | None) -> dict:
    from scapy.all import conf, sniff

    if kind == "xdp":
        from xdpdump.scapy import XDPListenSocket

        sock = XDPListenSocket(dev, filter=expr)
    else:
        sock = conf.L2listen(iface=dev, filter=expr)
        sock.ins.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, BUFFER_BYTES)
        sock.ins.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)  # reading resets: start from zero
    received = 0
    stop = threading.Event()

    def count(_pkt: object) -> None:
        nonlocal received
        received += 1

    def progress() -> None:
        while not stop.wait(0.5):
            print(f"progress {received}", flush=True)

    signal.signal(signal.SIGINT, signal.default_int_handler)
    threading.Thread(target=progress, daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        sniff(opened_socket=sock, prn=count, store=False,
              started_callback=lambda: (sys.stderr.write("api: ready\n"), sys.stderr.flush()))
    stop.set()
    if kind == "xdp":
        stats = sock.stats()
        taken, drops = stats.captured, stats.dropped
    else:
        taken, drops = struct.unpack("II", sock.ins.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
        taken -= drops  # tp_packets counts the dropped too
    sock.close()
    return {"received": received, "taken": taken, "socket_drops": drops}


def main(argv: list[str]) -> int:
    if argv[0] == "iterate":
        result = iterate(argv[1], argv[2])
    else:
        result = sniff_with(argv[1], argv[2], " ".join(argv[3:]) or None)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
