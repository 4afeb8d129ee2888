"""Reading capture files for ``xdpdump -r``: classic pcap and pcapng, in pure Python.

Owns the file formats only, from a file or standard input (``-``), read once front to back (a pipe
can neither seek nor be mapped): ``open_capture(path)`` gives the first interface's link type and
snapshot length and the records; ``read_capture(path)`` yields ``CaptureRecord(ts_ns, wire_len, data,
linktype)`` in file order. Supported:

- pcap with the microsecond (0xa1b2c3d4) and nanosecond (0xa1b23c4d) magics, in either byte order;
- pcapng: Section Header (any byte order, several sections), Interface Description (``if_tsresol``
  decimal or binary, ``if_tsoffset``), Enhanced Packet, Simple Packet and the obsolete Packet block;
  every other block type is skipped by its length, as the format allows.

Errors the user can cause (missing or unreadable file, unknown format, a header cut short, a record
that claims an impossible length) raise ``UserError`` with one line. A file cut short in the middle of
a record behaves as tcpdump: every whole record before the cut is yielded first, then ``UserError``
says the file is truncated (tcpdump prints the same packets, then "truncated dump file" and exits 1).
"""

from __future__ import annotations

import contextlib
import struct
import sys
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

from xdpdump.errors import UserError

PCAP_MAGIC_USEC = 0xA1B2C3D4
PCAP_MAGIC_NSEC = 0xA1B23C4D
PCAPNG_SHB = 0x0A0D0D0A
PCAPNG_BYTE_ORDER_MAGIC = 0x1A2B3C4D

_BLOCK_IDB = 1
_BLOCK_PACKET_OBSOLETE = 2
_BLOCK_SPB = 3
_BLOCK_EPB = 6
_OPT_ENDOFOPT = 0
_OPT_IF_TSRESOL = 9
_OPT_IF_TSOFFSET = 14

# libpcap refuses records larger than this (MAXIMUM_SNAPLEN); beyond it a length is corruption.
MAX_RECORD_LEN = 262144
# A pcapng block larger than this is corruption, not data (libpcap uses 16 MiB as well).
MAX_BLOCK_LEN = 16 * 1024 * 1024


class CaptureRecord(NamedTuple):
    ts_ns: int
    wire_len: int
    data: bytes
    linktype: int


class CaptureFile(NamedTuple):
    """An open capture file: its first interface's link type and snapshot length (what tcpdump's
    `reading from file` line names), and its records, read once, in order. ``reader`` is what reads
    them (offline.py hands its bytes to the native formatter in batches)."""

    linktype: int
    snaplen: int
    records: Iterator[CaptureRecord]
    reader: CaptureReader


@contextlib.contextmanager
def open_capture(path: str) -> Iterator[CaptureFile]:
    """The capture file at path, or standard input for ``-`` (as tcpdump's ``-r -``).

    Everything is read front to back exactly once: a pipe can neither seek nor be mapped, so the
    header (pcap) or the blocks up to the first interface description (pcapng) are read here and
    the records follow from the same stream."""
    if path == "-":
        yield _open_stream(sys.stdin.buffer, path)
        return
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as e:
        raise UserError(f"{path}: {e.strerror or e}") from None
    with f:
        yield _open_stream(f, path)


def read_capture(path: str) -> Iterator[CaptureRecord]:
    """Yield the records of the pcap or pcapng file at ``path`` (``-``: standard input)."""
    with open_capture(path) as capture:
        yield from capture.records


def read_capture_stream(f: BinaryIO, name: str = "<stream>") -> Iterator[CaptureRecord]:
    """Yield the records of an already open binary stream holding a pcap or pcapng file."""
    yield from _open_stream(f, name).records


def _snapshot_length(snaplen: int) -> int:
    """As libpcap reports a file's snapshot length: 0 or beyond its maximum means the maximum."""
    return snaplen if 0 < snaplen <= MAX_RECORD_LEN else MAX_RECORD_LEN


def _open_stream(f: BinaryIO, name: str) -> CaptureFile:
    magic = _read_exact(f, 4)
    if len(magic) < 4:
        if not magic:
            raise UserError(f"{name}: empty file, not a capture file")
        raise UserError(f"{name}: truncated file header ({len(magic)} bytes)")
    if int.from_bytes(magic, "little") == PCAPNG_SHB:
        return _open_pcapng(f, name, magic)
    order = _pcap_byte_order(magic)
    if order is None:
        raise UserError(f"{name}: unknown file format (magic 0x{magic.hex()}, not pcap or pcapng)")
    return _open_pcap(f, name, magic, order)


# --- classic pcap ---------------------------------------------------------------------------------


def _pcap_byte_order(magic: bytes) -> str | None:
    for order in ("<", ">"):
        if struct.unpack(order + "I", magic)[0] in (PCAP_MAGIC_USEC, PCAP_MAGIC_NSEC):
            return order
    return None


def _open_pcap(f: BinaryIO, name: str, magic: bytes, order: str) -> CaptureFile:
    rest = _read_exact(f, 20)
    if len(rest) < 20:
        raise UserError(f"{name}: truncated pcap file header ({4 + len(rest)} of 24 bytes)")
    (magic_n,) = struct.unpack(order + "I", magic)
    major, _minor, _zone, _sigfigs, snaplen, linkfield = struct.unpack(order + "HHiIII", rest)
    if major != 2:
        raise UserError(f"{name}: unsupported pcap version {major}")
    # The top bits of the link-type field carry the FCS length (pcap spec); the type is the low 26.
    linktype = linkfield & 0x03FFFFFF
    reader = PcapReader(f, name, order, linktype, magic_n == PCAP_MAGIC_NSEC)
    return CaptureFile(linktype, _snapshot_length(snaplen), reader.records(), reader)


# Records are read in chunks of up to this much rather than with two reads per record: the reads
# were a quarter of -r's time on small frames (cProfile). read1 returns what a pipe already holds,
# so `-r -` still prints a record as soon as it has arrived.
READ_CHUNK = 1 << 20


class CaptureReader:
    """A capture file's records, read front to back in chunks: ``buf[pos:]`` is what is read and not
    yet consumed, ``index`` how many records (pcap) or blocks (pcapng) were. ``take`` consumes the
    next record if it is all in ``buf`` (None otherwise), ``more`` reads the next chunk."""

    def __init__(self, f: BinaryIO, name: str, first: bytes = b"") -> None:
        self.f = f
        self.name = name
        self.buf = first
        self.pos = 0
        self.index = 0

    def take(self) -> CaptureRecord | None:  # pragma: no cover - every format has its own
        raise NotImplementedError

    def cut(self) -> UserError:  # pragma: no cover - every format has its own
        raise NotImplementedError

    def more(self) -> bool:
        """Read the next chunk onto what is left; False at the end of the file."""
        try:
            read1 = getattr(self.f, "read1", None)
            chunk = read1(READ_CHUNK) if read1 is not None else self.f.read(READ_CHUNK)
        except OSError as e:
            raise UserError(f"read error: {e.strerror or e}") from None
        if not chunk:
            return False
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def records(self) -> Iterator[CaptureRecord]:
        """Every record to the end; a file that ends inside one raises ``cut()`` after the others."""
        while True:
            rec = self.take()
            if rec is not None:
                yield rec
            elif not self.more():
                if self.pos < len(self.buf):
                    raise self.cut()
                return


class PcapReader(CaptureReader):
    """A classic pcap file after its 24-byte header."""

    def __init__(self, f: BinaryIO, name: str, order: str, linktype: int, nsec: bool) -> None:
        super().__init__(f, name)
        self.order = order
        self.linktype = linktype
        self.nsec = nsec
        self._header = struct.Struct(order + "IIII")

    def take(self) -> CaptureRecord | None:
        buf, pos = self.buf, self.pos
        if len(buf) - pos < 16:
            return None
        sec, frac, caplen, wire_len = self._header.unpack_from(buf, pos)
        if caplen > MAX_RECORD_LEN:
            raise UserError(
                f"{self.name}: corrupt file; record {self.index + 1} claims {caplen} captured bytes "
                f"(maximum {MAX_RECORD_LEN})"
            )
        end = pos + 16 + caplen
        if end > len(buf):
            return None
        self.pos = end
        self.index += 1
        ts_ns = sec * 1_000_000_000 + (frac if self.nsec else frac * 1000)
        return CaptureRecord(ts_ns, wire_len, buf[pos + 16 : end], self.linktype)

    def cut(self) -> UserError:
        """The file ended inside the next record (as tcpdump: a truncated dump file)."""
        tail = self.buf[self.pos :]
        index = self.index + 1
        if len(tail) < 16:
            return UserError(f"{self.name}: truncated dump file; record {index} header has {len(tail)} of 16 bytes")
        (caplen,) = struct.unpack_from(self.order + "I", tail, 8)
        return UserError(f"{self.name}: truncated dump file; record {index} needs {caplen} captured bytes, "
                         f"only {len(tail) - 16} left")


# --- pcapng ---------------------------------------------------------------------------------------


class _Interface(NamedTuple):
    linktype: int
    snaplen: int
    tsresol: tuple[bool, int]  # (binary, exponent): units are 2**-e or 10**-e seconds
    tsoffset: int  # seconds


def _open_pcapng(f: BinaryIO, name: str, first: bytes) -> CaptureFile:
    """Read up to the first interface description (no packet can come before one), then hand on."""
    reader = PcapngReader(f, name, first)
    while not reader.ifaces:
        got = reader.block()
        if got is None:
            if not reader.more():
                if reader.pos < len(reader.buf):
                    raise reader.cut()
                raise UserError(f"{name}: pcapng file without an interface description")
            continue
        _pcapng_packet(*got, reader.order, reader.ifaces, name)  # a packet here is corrupt: it raises
    first_if = reader.ifaces[0]
    return CaptureFile(first_if.linktype, _snapshot_length(first_if.snaplen), reader.records(), reader)


class PcapngReader(CaptureReader):
    """A pcapng file from its first block: blocks in order, with the current section's byte order
    (``order``) and interfaces (``ifaces``); ``take`` steps over every block that is not a packet."""

    def __init__(self, f: BinaryIO, name: str, first: bytes) -> None:
        super().__init__(f, name, first)
        self.order = "<"
        self.ifaces: list[_Interface] = []
        self.sections = 0  # changes with every section or interface: the native side's copy is stale

    def take(self) -> CaptureRecord | None:
        while True:
            got = self.block()
            if got is None:
                return None
            rec = _pcapng_packet(*got, self.order, self.ifaces, self.name)
            if rec is not None:
                return rec

    def block(self) -> tuple[int, bytes] | None:
        """The next block's type and body (between its length and its trailing copy), consumed."""
        buf, pos, name = self.buf, self.pos, self.name
        if len(buf) - pos < 12:
            return None
        index = self.index + 1
        order = self.order
        if int.from_bytes(buf[pos : pos + 4], "little") == PCAPNG_SHB:
            # A new section: its byte-order magic decides how every later block is read.
            if struct.unpack_from("<I", buf, pos + 8)[0] == PCAPNG_BYTE_ORDER_MAGIC:
                order = "<"
            elif struct.unpack_from(">I", buf, pos + 8)[0] == PCAPNG_BYTE_ORDER_MAGIC:
                order = ">"
            else:
                raise UserError(f"{name}: corrupt pcapng section header (bad byte-order magic)")
        btype, blen = struct.unpack_from(order + "II", buf, pos)
        if blen < 12 or blen % 4 or blen > MAX_BLOCK_LEN:
            raise UserError(f"{name}: corrupt pcapng file; block {index} has invalid length {blen}")
        if len(buf) - pos < blen:
            return None
        body = buf[pos + 8 : pos + blen - 4]
        (trailer,) = struct.unpack_from(order + "I", buf, pos + blen - 4)
        if trailer != blen:
            raise UserError(f"{name}: corrupt pcapng file; block {index} lengths differ ({blen}, {trailer})")
        if btype == PCAPNG_SHB:
            if len(body) < 16:
                raise UserError(f"{name}: corrupt pcapng section header (too short)")
            major = struct.unpack(order + "H", body[4:6])[0]
            if major != 1:
                raise UserError(f"{name}: unsupported pcapng version {major}")
            self.order, self.ifaces = order, []
            self.sections += 1
        elif btype == _BLOCK_IDB:
            self.ifaces = [*self.ifaces, _parse_idb(order, body, name)]
            self.sections += 1
        self.pos = pos + blen
        self.index = index
        return btype, body

    def cut(self) -> UserError:
        """The file ended inside the next block."""
        tail = self.buf[self.pos :]
        index = self.index + 1
        if len(tail) < 12:
            return UserError(f"{self.name}: truncated dump file; block {index} header has {len(tail)} bytes")
        (blen,) = struct.unpack_from(self.order + "I", tail, 4)
        return UserError(f"{self.name}: truncated dump file; block {index} needs {blen} bytes, only {len(tail)} left")


def _parse_idb(order: str, body: bytes, name: str) -> _Interface:
    if len(body) < 8:
        raise UserError(f"{name}: corrupt pcapng interface description (too short)")
    linktype, _reserved, snaplen = struct.unpack(order + "HHI", body[:8])
    tsresol = (False, 6)
    tsoffset = 0
    for code, value in _options(order, body[8:]):
        if code == _OPT_IF_TSRESOL and len(value) >= 1:
            tsresol = (bool(value[0] & 0x80), value[0] & 0x7F)
        elif code == _OPT_IF_TSOFFSET and len(value) >= 8:
            (tsoffset,) = struct.unpack(order + "q", value[:8])
    return _Interface(linktype, snaplen, tsresol, tsoffset)


def _options(order: str, raw: bytes) -> Iterator[tuple[int, bytes]]:
    pos = 0
    while pos + 4 <= len(raw):
        code, length = struct.unpack(order + "HH", raw[pos : pos + 4])
        if code == _OPT_ENDOFOPT:
            return
        yield code, raw[pos + 4 : pos + 4 + length]
        pos += 4 + ((length + 3) & ~3)


def _pcapng_packet(
    kind: int, body: bytes, order: str, ifaces: list[_Interface], name: str
) -> CaptureRecord | None:
    if kind == _BLOCK_EPB:
        if len(body) < 20:
            raise UserError(f"{name}: corrupt pcapng enhanced packet block (too short)")
        if_id, ts_hi, ts_lo, caplen, wire_len = struct.unpack(order + "IIIII", body[:20])
        data_at = 20
    elif kind == _BLOCK_PACKET_OBSOLETE:
        if len(body) < 20:
            raise UserError(f"{name}: corrupt pcapng packet block (too short)")
        if_id, _drops, ts_hi, ts_lo, caplen, wire_len = struct.unpack(order + "HHIIII", body[:20])
        data_at = 20
    elif kind == _BLOCK_SPB:
        if len(body) < 4:
            raise UserError(f"{name}: corrupt pcapng simple packet block (too short)")
        if not ifaces:
            raise UserError(f"{name}: corrupt pcapng file; simple packet block before any interface")
        (wire_len,) = struct.unpack(order + "I", body[:4])
        iface = ifaces[0]
        caplen = min(wire_len, len(body) - 4)
        if iface.snaplen:
            caplen = min(caplen, iface.snaplen)
        # A simple packet block carries no timestamp; libpcap reports zero as well.
        return CaptureRecord(0, wire_len, bytes(body[4 : 4 + caplen]), iface.linktype)
    else:
        return None
    if if_id >= len(ifaces):
        raise UserError(f"{name}: corrupt pcapng file; packet on undeclared interface {if_id}")
    if caplen > MAX_RECORD_LEN or data_at + caplen > len(body):
        raise UserError(f"{name}: corrupt pcapng file; packet claims {caplen} captured bytes")
    iface = ifaces[if_id]
    ts_ns = _units_to_ns((ts_hi << 32) | ts_lo, iface.tsresol) + iface.tsoffset * 1_000_000_000
    data = bytes(body[data_at : data_at + caplen])
    return CaptureRecord(ts_ns, wire_len, data, iface.linktype)


def _units_to_ns(units: int, tsresol: tuple[bool, int]) -> int:
    binary, exp = tsresol
    if binary:
        return (units * 1_000_000_000) >> exp
    if exp <= 9:
        return units * 10 ** (9 - exp)
    return units // 10 ** (exp - 9)


def _read_exact(f: BinaryIO, n: int) -> bytes:
    """Read up to n bytes, looping over short reads (pipes); fewer only at end of file."""
    chunks = []
    left = n
    while left > 0:
        try:
            chunk = f.read(left)
        except OSError as e:
            raise UserError(f"read error: {e.strerror or e}") from None
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
