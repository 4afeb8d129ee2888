"""DCCP as tcpdump 4.99's dccp_print without -v: the ports, the packet type with its service code or
reset code, the acknowledgement number (every type but Request and Data), tcpdump's complaints for a
packet shorter than its type needs; with -q the payload length (and a header longer than the
packet). -v's checksum fields and -vv's options are not decoded: the line stops after ``DCCP``.
"""

from __future__ import annotations

from xdpdump.printer.base import Base, Done, Truncated

_TYPES = ("DCCP-Request", "DCCP-Response", "DCCP-Data", "DCCP-Ack", "DCCP-DataAck", "DCCP-CloseReq", "DCCP-Close",
          "DCCP-Reset", "DCCP-Sync", "DCCP-SyncAck")
_RESET_CODES = ("unspecified", "closed", "aborted", "no_connection", "packet_error", "option_error",
                "mandatory_error", "connection_refused", "bad_service_code", "too_busy", "bad_init_cookie",
                "aggression_penalty")
# What each type adds to the generic header: the acknowledgement part (8 bytes), a service code (4)
# or a reset code with its data (4).
_EXTRA = {0: 4, 1: 12, 2: 0, 3: 8, 4: 8, 5: 8, 6: 8, 7: 12, 8: 8, 9: 8}
_REQUEST, _RESPONSE, _DATA, _RESET = 0, 1, 2, 7


class DccpPrinter(Base):
    def _dccp(self, out: list[str], data: bytes, off: int, length: int, src: str, dst: str) -> None:
        if len(data) < off + 12:
            raise Truncated("dccp")
        if length < 12:
            out.append(f"truncated-dccp - {12 - length} bytes missing!")
            return
        extended = data[off + 8] & 1
        fixed = 16 if extended else 12
        if length < fixed:
            out.append(f"truncated-dccp - {fixed - length} bytes missing!")
            return
        if len(data) < off + fixed:
            raise Truncated("dccp")
        sport, dport = int.from_bytes(data[off:off + 2], "big"), int.from_bytes(data[off + 2:off + 4], "big")
        hlen = data[off + 4] * 4
        out.append(f"{src}.{sport} > {dst}.{dport}: DCCP")
        if self.opts.quiet:
            out.append(f" {(length - hlen) & 0xFFFFFFFF}")  # tcpdump's unsigned difference
            if hlen > length:
                out.append(f" [bad hdr length {hlen} - too long, > {length}]")
            return
        if self.opts.verbose:
            raise Done  # -v's CCVal, CsCov and checksum (and -vv's options): not decoded here
        out.append(" ")
        kind = (data[off + 8] >> 1) & 0xF
        name = _TYPES[kind] if kind < len(_TYPES) else f"unknown-type-{kind}"
        extra = _EXTRA.get(kind)
        if extra is not None:
            if length < fixed + extra:
                out.append(f"truncated-{name} - {fixed + extra - length} bytes missing!")
                return
            at = off + fixed
            if kind == _REQUEST:
                out.append(f"{name} (service={_field(data, at, 4)}) ")
            elif kind == _RESPONSE:
                out.append(f"{name} (service={_field(data, at + 8, 4)}) ")
            elif kind == _RESET:
                code = _field(data, at + 8, 1)
                out.append(f"{name} (code={_RESET_CODES[code] if code < len(_RESET_CODES) else 'invalid'}) ")
            else:
                out.append(f"{name} ")
        else:
            out.append(f"{name} ")
        if kind not in (_DATA, _REQUEST):
            at = off + fixed
            ack = _field(data, at + 2, 6) if extended else _field(data, at + 1, 3)
            out.append(f"(ack={ack}) ")


def _field(data: bytes, at: int, size: int) -> int:
    if len(data) < at + size:
        raise Truncated("dccp")
    return int.from_bytes(data[at:at + size], "big")
