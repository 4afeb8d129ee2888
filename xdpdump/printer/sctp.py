"""SCTP as tcpdump's sctp_print without -vv: the ports, then one ``(N) [TYPE] ...`` part per chunk
(DATA, INIT, INIT ACK and SACK with their fields). ForCES (its ports and payload identifiers) is not
decoded: the line stops where tcpdump's ForCES printer would start.

The chunk walk advances by at least a chunk header each step and stops at the captured bytes.
Lengths are tcpdump's unsigned ones: a chunk longer than the packet wraps the remaining count.
"""

from __future__ import annotations

import struct

from xdpdump.printer.base import Base, Truncated

_CHUNKS = {0: "DATA", 1: "INIT", 2: "INIT ACK", 3: "SACK", 4: "HB REQ", 5: "HB ACK", 6: "ABORT", 7: "SHUTDOWN",
           8: "SHUTDOWN ACK", 9: "OP ERR", 10: "COOKIE ECHO", 11: "COOKIE ACK", 12: "ECN ECHO", 13: "ECN CWR",
           14: "SHUTDOWN COMPLETE", 0xC0: "FOR CUM TSN", 0xC1: "REL CTRL", 0xC2: "REL CTRL ACK"}
_PPIDS = {1: "ISDN Q.921", 2: "M2UA", 3: "M3UA", 4: "SUA", 5: "M2PA", 6: "V5.2", 7: "H.248", 8: "BICC", 9: "TALI",
          10: "DUA", 11: "ASAP", 12: "ENRP", 13: "H.323", 14: "Q.IPC", 15: "SIMCO", 16: "DDPSC", 17: "DDPSSC",
          18: "S1AP", 19: "RUA", 20: "HNBAP", 21: "ForCES HP", 22: "ForCES MP", 23: "ForCES LP", 24: "SBc-AP",
          25: "NBAP", 27: "X2AP"}
_FORCES_PORTS = (6704, 6705, 6706)
_FORCES_PPIDS = (21, 22, 23)
_U32 = 0xFFFFFFFF


class SctpPrinter(Base):
    def _sctp(self, out: list[str], data: bytes, off: int, length: int, src: str, dst: str) -> None:
        if length < 12:
            out.append(f"truncated-sctp - {12 - length} bytes missing!")
            return
        if len(data) < off + 12:
            raise Truncated("sctp")
        sport, dport = struct.unpack_from("!HH", data, off)
        out.append(f"{src}.{sport} > {dst}.{dport}: sctp")
        if sport in _FORCES_PORTS or dport in _FORCES_PORTS:
            return  # ForCES: not decoded
        verbose2 = self.opts.verbose >= 2
        sep = "\n\t" if verbose2 else " ("
        bp, left = off + 12, length - 12
        count = 0
        spend = self.budget.spend
        while left:
            spend(2)  # a chunk's text: up to 3 us
            count += 1
            if left < 4:
                out.append(f"{sep}{count}) [chunk descriptor cut off at end of packet]")
                return
            if len(data) < bp + 4:
                raise Truncated("sctp")
            kind, flags, clen = struct.unpack_from("!BBH", data, bp)
            if clen < 4:
                out.append(f"{sep}{count}) [Bad chunk length {clen}, < size of chunk descriptor]")
                return
            align = -clen % 4
            if left < align:
                out.append(f"{sep}{count}) [Bad chunk length {clen}, > remaining data in packet]")
                return
            if len(data) < bp + clen:
                raise Truncated("sctp")
            bp, left, rest = bp + 4, (left - 4) & _U32, clen - 4
            out.append(f"{sep}{count}) [{_CHUNKS.get(kind, f'Unknown chunk type: 0x{kind:x}')}] ")
            if kind == 0:
                marks = "".join(m for bit, m in ((4, "(U)"), (2, "(B)"), (1, "(E)")) if flags & bit)
                out.append(marks + (" " if marks else ""))
                if rest < 12:
                    out.append(f"bogus chunk length {clen}]")
                    return
                tsn, sid, sseq, ppid = struct.unpack_from("!IHHI", data, bp)
                out.append(f"[TSN: {tsn}] [SID: {sid}] [SSEQ {sseq}] [PPID {_PPIDS.get(ppid, f'0x{ppid:x}')}] ")
                bp, left, rest = bp + 12, (left - 12) & _U32, rest - 12
                if rest == 0:
                    out.append(f"bogus chunk length {clen}]")
                    return
                if ppid in _FORCES_PPIDS or verbose2:
                    return  # ForCES and -vv's payload dump: not decoded
                bp, left, rest = bp + rest, (left - rest) & _U32, 0
            elif kind in (1, 2):
                if rest < 16:
                    out.append(f"bogus chunk length {clen}]")
                    return
                tag, rwnd, ostreams, mis, tsn = struct.unpack_from("!IIHHI", data, bp)
                out.append(f"[init tag: {tag}] [rwnd: {rwnd}] [OS: {ostreams}] [MIS: {mis}] [init TSN: {tsn}] ")
                bp, left, rest = bp + rest, (left - rest) & _U32, 0
            elif kind == 3:
                if rest < 12:
                    out.append(f"bogus chunk length {clen}]")
                    return
                cum, rwnd, ngaps, ndups = struct.unpack_from("!IIHH", data, bp)
                out.append(f"[cum ack {cum}] [a_rwnd {rwnd}] [#gap acks {ngaps}] [#dup tsns {ndups}] ")
                bp, left, rest = bp + 12, (left - 12) & _U32, rest - 12
                gap = 0
                while rest and gap < ngaps:
                    spend()
                    if rest < 4:
                        out.append(f"bogus chunk length {clen}]")
                        return
                    start, end = struct.unpack_from("!HH", data, bp)
                    gap += 1
                    out.append(f"\n\t\t[gap ack block #{gap}: start = {(cum + start) & _U32}, "
                               f"end = {(cum + end) & _U32}] ")
                    bp, left, rest = bp + 4, (left - 4) & _U32, rest - 4
                dup = 0
                while rest and dup < ndups:
                    spend()
                    if rest < 4:
                        out.append(f"bogus chunk length {clen}]")
                        return
                    dup += 1
                    out.append(f"\n\t\t[dup TSN #{dup}: {struct.unpack_from('!I', data, bp)[0]}] ")
                    bp, left, rest = bp + 4, (left - 4) & _U32, rest - 4
            else:
                bp, left, rest = bp + rest, (left - rest) & _U32, 0
            bp, left = bp + rest, (left - rest) & _U32
            if not verbose2:
                sep = ", ("
            if align:
                if len(data) < bp + align:
                    raise Truncated("sctp")
                bp, left = bp + align, (left - align) & _U32
