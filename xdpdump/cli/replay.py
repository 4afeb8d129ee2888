"""`xdp-replay`: send a pcap/pcapng file's frames out of a device through an AF_XDP TX ring.

    xdp-replay FILE -i DEV [--rate PPS] [--loop N] [--queue Q] [--mode auto|native|skb]
               [--copy|--zerocopy] [--ring-size N] [--frame-size 2048|4096]

See xdpdump.replay for what happens; this module only parses the command line into a ReplayPlan.
"""

from __future__ import annotations

import sys

from xdpdump.cli.common import Parser, require_bpf_privileges, run
from xdpdump.plan import build_replay_plan


def _parser() -> Parser:
    p = Parser(
        prog="xdp-replay",
        description="Transmit every frame of a pcap/pcapng capture file out of DEV through an AF_XDP socket "
        "(frames copied into UMEM, TX ring, completion ring), optionally paced and repeated.",
        epilog="Frames larger than a UMEM frame or than DEV's MTU are skipped and counted, never truncated; "
        "any skipped frame makes the exit status 1. The summary gives frames sent and completed, bytes, the "
        "achieved rate and the socket's tx_invalid_descs and tx_ring_empty_descs.",
    )
    p.add_argument("file", metavar="FILE", help="capture file to send (pcap or pcapng, Ethernet)")
    p.add_argument("-i", "--interface", required=True, metavar="DEV", help="device to send out of")
    p.add_argument("--rate", type=int, metavar="PPS",
                   help="frames per second (token bucket, exact over a second; default: as fast as possible)")
    p.add_argument("--loop", type=int, default=1, metavar="N", help="send the file N times (0: until Ctrl-C)")
    p.add_argument("--queue", type=int, default=0, metavar="Q", help="queue to bind the socket to (default 0)")
    p.add_argument("--mode", choices=["auto", "native", "skb"], default="auto",
                   help="XDP mode of the pass program attached when zero-copy TX needs one")
    copy = p.add_mutually_exclusive_group()
    copy.add_argument("--copy", dest="bind_mode", action="store_const", const="copy", help="force AF_XDP copy mode")
    copy.add_argument("--zerocopy", dest="bind_mode", action="store_const", const="zerocopy",
                      help="require zero-copy (fails where the driver lacks it)")
    p.add_argument("--ring-size", type=int, default=2048, metavar="N", help="TX ring descriptors (power of 2)")
    p.add_argument("--frame-size", type=int, default=4096, choices=[2048, 4096], help="UMEM frame size")
    return p


def _main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    from xdpdump import netdev
    from xdpdump.replay import replay

    plan = build_replay_plan(
        args.file, netdev.lookup(args.interface), queue=args.queue, rate=args.rate, loops=args.loop,
        xdp_mode=args.mode, bind_mode=args.bind_mode or "auto", ring_size=args.ring_size, frame_size=args.frame_size,
    )
    require_bpf_privileges()
    return replay(plan)


def main(argv: list[str] | None = None) -> int:
    return run("xdp-replay", _main, argv)


if __name__ == "__main__":
    sys.exit(main())
