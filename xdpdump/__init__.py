"""xdpdump: tcpdump on AF_XDP, and xdp-load, an XDP program loader."""

__version__ = "0.1.0"
