"""The scapy capturer of the benchmark: ``sniff`` into a ``PcapWriter``, as a scapy user would write it.

Run inside the capture namespace: ``python bench/scapy_capture.py DEV FILE [EXPR]``. Prints
``scapy: ready`` on stderr once the socket is bound, stops on SIGINT, then prints one JSON line on
stdout: frames written and the socket's kernel counters (PACKET_STATISTICS: tp_packets, tp_drops).
The socket gets an 8 MiB receive buffer (SO_RCVBUFFORCE), the same budget as tcpdump's -B 8192 and
xdpdump's default record ring; the filter, if any, is compiled by scapy (tcpdump -ddd) into a socket
filter, as ``sniff(filter=...)`` does.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import struct
import sys

SOL_PACKET = 263
PACKET_STATISTICS = 6
SO_RCVBUFFORCE = 33
BUFFER_BYTES = 8 << 20


def main(argv: list[str]) -> int:
    from scapy.all import conf, sniff
    from scapy.utils import PcapWriter

    # SIGINT is how we are stopped: make sure it raises even if our parent started us ignoring it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    dev, path = argv[0], argv[1]
    expr = " ".join(argv[2:]) or None
    sock = conf.L2listen(iface=dev, filter=expr)
    sock.ins.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, BUFFER_BYTES)
    sock.ins.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)  # reading resets: start from zero
    writer = PcapWriter(path, linktype=1, sync=False)
    written = 0

    def write(pkt: object) -> None:
        nonlocal written
        writer.write(pkt)
        written += 1

    def ready() -> None:
        sys.stderr.write("scapy: ready\n")
        sys.stderr.flush()

    # SIGINT is how the benchmark stops us; sniff usually swallows it itself.
    with contextlib.suppress(KeyboardInterrupt):
        sniff(opened_socket=sock, prn=write, store=False, started_callback=ready)
    writer.close()
    packets, drops = struct.unpack("II", sock.ins.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
    print(json.dumps({"written": written, "tp_packets": packets, "tp_drops": drops}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
