"""The signal an application printer raises where it must not guess: the UDP printer then prints
tcpdump's generic ``UDP, length N`` line for the datagram instead of a partial or invented one."""

from __future__ import annotations


class GiveUp(Exception):
    """Not decoded here (a protocol tcpdump decodes and this printer does not, or too much work)."""
