"""IGMP as tcpdump's igmp_print: queries (v1, v2, v3), reports (v1, v2, v3), leave and mtrace;
DVMRP and PIMv1 over IGMP are not decoded (tcpdump's generic ``ip-proto-2`` line instead)."""

from __future__ import annotations

import struct

from xdpdump.printer.base import Base, Truncated, ip4_at

_V3_RECORD = {1: "is_in", 2: "is_ex", 3: "to_in", 4: "to_ex", 5: "allow", 6: "block"}
_UNITS = ((31536000, "y"), (604800, "w"), (86400, "d"), (3600, "h"), (60, "m"), (1, "s"))


def relts(secs: int) -> str:
    """tcpdump's unsigned_relts_print: 1h2m3s."""
    if secs == 0:
        return "0s"
    text = ""
    for unit, name in _UNITS:
        if secs >= unit:
            text += f"{secs // unit}{name}"
            secs %= unit
    return text


class IgmpPrinter(Base):
    def _igmp(self, out: list[str], data: bytes, off: int, plen: int) -> None:
        if self.opts.quiet:
            out.append("igmp")
            return
        have = len(data) - off

        def need(n: int) -> None:
            if have < n:
                raise Truncated("igmp")

        def group() -> str:
            need(8)
            return ip4_at(data, off + 4)

        need(1)
        kind = data[off]
        if kind == 0x11:
            out.append("igmp query")
            if plen >= 12:
                self._igmpv3_query(out, data, off, plen, need)
            else:
                need(2)
                mrt = data[off + 1]
                if mrt:
                    out.append(" v2" + (f" [max resp time {mrt}]" if mrt != 100 else ""))
                else:
                    out.append(" v1")
                need(8)
                if struct.unpack_from("!I", data, off + 4)[0]:
                    out.append(f" [gaddr {group()}]")
                if plen != 8:
                    out.append(f" [len {plen}]")
        elif kind == 0x12:
            out.append(f"igmp v1 report {group()}" + (f" [len {plen}]" if plen != 8 else ""))
        elif kind == 0x16:
            out.append(f"igmp v2 report {group()}")
        elif kind == 0x17:
            out.append(f"igmp leave {group()}")
        elif kind == 0x22:
            out.append("igmp v3 report")
            self._igmpv3_report(out, data, off, plen, need)
        elif kind in (0x1E, 0x1F):
            name = "mresp" if kind == 0x1E else "mtrace"
            if plen < 8 + 16:
                out.append(f" [invalid len {plen}]")
            else:
                need(8 + 16)
                qid = int.from_bytes(data[off + 21 : off + 24], "big")
                out.append(f"{name} {qid}: {ip4_at(data, off + 8)} to {ip4_at(data, off + 12)} "
                           f"reply-to {ip4_at(data, off + 16)}")
                if data[off + 16] >> 4 == 0xE:
                    out.append(f" with-ttl {data[off + 20]}")
        elif kind in (0x13, 0x14):
            out.append(f" ip-proto-2 {plen}")  # DVMRP, PIMv1: not decoded
        else:
            out.append(f"igmp-{kind}")

    def _igmpv3_query(self, out: list[str], data: bytes, off: int, plen: int, need) -> None:
        out.append(" v3")
        if plen < 12 or plen & 3:
            out.append(f" [invalid len {plen}]")
            return
        need(2)
        mrc = data[off + 1]
        mrt = mrc if mrc < 128 else ((mrc & 0x0F) | 0x10) << (((mrc & 0x70) >> 4) + 3)
        if mrc != 100:
            out.append(f" [max resp time {mrt / 10:.1f}s]" if mrt < 600 else f" [max resp time {relts(mrt // 10)}]")
        need(8)
        if not struct.unpack_from("!I", data, off + 4)[0]:
            return
        out.append(f" [gaddr {ip4_at(data, off + 4)}")
        need(12)
        nsrcs = struct.unpack_from("!H", data, off + 10)[0]
        if nsrcs:
            if plen < 12 + (nsrcs << 2):
                out.append(" [invalid number of sources]")
            elif self.opts.verbose > 1:
                out.append(" {")
                for i in range(nsrcs):
                    self.budget.spend()
                    need(12 + 4 * i + 4)
                    out.append(" " + ip4_at(data, off + 12 + 4 * i))
                out.append(" }")
            else:
                out.append(f", {nsrcs} source(s)")
        out.append("]")

    def _igmpv3_report(self, out: list[str], data: bytes, off: int, plen: int, need) -> None:
        if plen < 16 or plen & 3:
            out.append(f" [invalid len {plen}]")
            return
        need(8)
        ngroups = struct.unpack_from("!H", data, off + 6)[0]
        out.append(f", {ngroups} group record(s)")
        if not self.opts.verbose:
            return
        at = 8
        for _ in range(ngroups):
            self.budget.spend(2)  # a group record's text: 3 us
            if plen < at + 8:
                out.append(" [invalid number of groups]")
                return
            need(at + 8)
            out.append(f" [gaddr {ip4_at(data, off + at + 4)}")
            kind = data[off + at]
            out.append(" " + _V3_RECORD.get(kind, f" [v3-report-#{kind}]"))
            nsrcs = struct.unpack_from("!H", data, off + at + 2)[0]
            if plen < at + 8 + (nsrcs << 2):
                out.append(f" [invalid number of sources {nsrcs}]")
                return
            if self.opts.verbose == 1:
                out.append(f", {nsrcs} source(s)")
            else:
                out.append(" {")
                for j in range(nsrcs):
                    self.budget.spend()
                    need(at + 8 + 4 * j + 4)
                    out.append(" " + ip4_at(data, off + at + 8 + 4 * j))
                out.append(" }")
            at += 8 + (nsrcs << 2)
            out.append("]")
