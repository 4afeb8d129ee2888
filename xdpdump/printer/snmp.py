"""SNMP's one-line form as Debian's tcpdump 4.99 prints it with ``-n`` (print-snmp.c, built without
libsmi): ``C="c" GetResponse(38)  .1.3.6.1.2.1.1.3.0=12345``, and with ``-v`` the version and the
request id in braces: ``{ SNMPv2c { GetRequest(25) R=1  .1.3.6.1 } }``. SNMPv3 prints its flags, the
USM user (boots and time with ``-v``) and the scoped PDU's engine and context, or ``[!scoped PDU]``
and the bytes where the PDU is encrypted.

tcpdump names OIDs from its built-in MIB table only without ``-n``; the printer's lines are always
``-n``'s, so every OID is printed numerically here and no name table is needed. The BER decoder is
this module's own and is bounded: a datagram is at most 64 KiB, each element is read once, there is
no recursion past the fixed message layout, and each variable binding spends ``VARBIND_UNITS`` of
the frame's budget (budget.py; one that runs out gets the generic line below).
Where tcpdump's output is not certain here (tags outside the SNMP types, zero-length integers, bad
lengths inside a message and tcpdump's other complaint forms) the printer raises ``GiveUp`` and the
datagram gets the generic ``UDP, length N`` line.
"""

from __future__ import annotations

from xdpdump.printer.base import Done, Truncated
from xdpdump.printer.budget import Budget
from xdpdump.printer.giveup import GiveUp

# A binding (its OID and value parsed and printed) costs about 12 us, six of the budget's units; an
# OID's sub-identifiers (0.4 us a byte) a unit per four bytes on top.
VARBIND_UNITS = 6

_PDUS = {0: "GetRequest", 1: "GetNextRequest", 2: "GetResponse", 3: "SetRequest", 4: "Trap", 5: "GetBulk",
         6: "Inform", 7: "V2Trap", 8: "Report"}
_GET_REQ, _GET_NEXT, _GET_RESPONSE, _TRAP, _GET_BULK = 0, 1, 2, 4, 5
# RFC 3416's error-status names, by value.
_ERRORS = ("noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess", "wrongType",
           "wrongLength", "wrongEncoding", "wrongValue", "noCreation", "inconsistentValue",
           "resourceUnavailable", "commitFailed", "undoFailed", "authorizationError", "notWritable",
           "inconsistentName")
# RFC 1157's generic-trap names, by value.
_GENERIC_TRAPS = ("coldStart", "warmStart", "linkDown", "linkUp", "authenticationFailure", "egpNeighborLoss",
                  "enterpriseSpecific")
_ENTERPRISE_SPECIFIC = 6
_VERSIONS = {0: "SNMPv1", 1: "SNMPv2c"}

# Tags (class and form bits with the number) this module decodes.
_INTEGER, _OCTETS, _NULL, _OID, _SEQ = 0x02, 0x04, 0x05, 0x06, 0x30
_IPADDR, _COUNTER, _GAUGE, _TICKS, _COUNTER64 = 0x40, 0x41, 0x42, 0x43, 0x46
_EXCEPTIONS = {0x80: "[noSuchObject]", 0x81: "[noSuchInstance]", 0x82: "[endOfMibView]"}
_PDU_FIRST, _PDU_LAST = 0xA0, 0xA8


class _Elem:
    __slots__ = ("end", "start", "tag")

    def __init__(self, tag: int, start: int, end: int) -> None:
        self.tag, self.start, self.end = tag, start, end


def _parse(data: bytes, off: int, length: int) -> tuple[_Elem, int]:
    """The element at ``off`` in ``length`` bytes of datagram: (element, bytes it takes)."""
    if length < 1:
        raise GiveUp
    if len(data) < off + 1:
        raise Truncated("snmp")
    tag = data[off]
    if tag & 0x1F == 0x1F:
        raise GiveUp  # a multi-byte tag number: none of SNMP's
    if length < 2:
        raise GiveUp
    if len(data) < off + 2:
        raise Truncated("snmp")
    asnlen, hdr = data[off + 1], 2
    if asnlen & 0x80:
        noct = asnlen & 0x7F
        if noct == 0 or noct > 4 or length < 2 + noct:
            raise GiveUp
        if len(data) < off + 2 + noct:
            raise Truncated("snmp")
        asnlen = int.from_bytes(data[off + 2 : off + 2 + noct], "big")
        hdr += noct
    if length - hdr < asnlen:
        raise _Complaint(f"[len{length - hdr}<asnlen{asnlen}]")
    if tag not in _KNOWN and not _PDU_FIRST <= tag <= _PDU_LAST:
        raise GiveUp
    if len(data) < off + hdr + asnlen:
        raise Truncated("snmp")
    if asnlen == 0 and tag in (_INTEGER, _COUNTER, _GAUGE, _TICKS, _COUNTER64):
        raise GiveUp  # tcpdump's [asnlen=0]
    return _Elem(tag, off + hdr, off + hdr + asnlen), hdr + asnlen


_KNOWN = frozenset({_INTEGER, _OCTETS, _NULL, _OID, _SEQ, _IPADDR, _COUNTER, _GAUGE, _TICKS, _COUNTER64,
                    *_EXCEPTIONS})


class _Complaint(Exception):
    """tcpdump prints this text where the element would be and stops."""


def _int(data: bytes, e: _Elem) -> int:
    """tcpdump keeps the low 32 bits of an INTEGER, signed."""
    value = int.from_bytes(data[e.start : e.end], "big", signed=True) & 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def _oid(data: bytes, e: _Elem) -> str:
    parts: list[str] = []
    value, first = 0, True
    for b in data[e.start : e.end]:
        value = (value << 7) | (b & 0x7F)
        if b & 0x80:
            continue
        if value > 0xFFFFFFFF:
            raise GiveUp  # tcpdump's sub-identifier is 32 bits
        if first:
            top = min(value // 40, 2)
            parts += [str(top), str(value - top * 40)]
            first = False
        else:
            parts.append(str(value))
        value = 0
    if value or (e.end > e.start and data[e.end - 1] & 0x80):
        raise GiveUp  # a sub-identifier cut short
    return "".join("." + p for p in parts)


def _value(data: bytes, e: _Elem) -> str:
    """An element as tcpdump's asn1_print prints it."""
    raw = data[e.start : e.end]
    tag = e.tag
    if tag == _INTEGER:
        return str(_int(data, e))
    if tag == _OCTETS:
        if all(0x20 <= b <= 0x7E for b in raw):
            return '"' + raw.decode("ascii") + '"'
        return "_".join(f"{b:02x}" for b in raw)
    if tag == _NULL:
        return ""
    if tag == _OID:
        return _oid(data, e)
    if tag == _SEQ:
        return f"Seq({len(raw)})"
    if tag == _IPADDR:
        text = ".".join(str(b) for b in raw)
        return text if len(raw) == 4 else "[inetaddr len!=4]" + text
    if tag in (_COUNTER, _GAUGE, _TICKS):
        return str(int.from_bytes(raw, "big") & 0xFFFFFFFF)
    if tag == _COUNTER64:
        return str(int.from_bytes(raw, "big") & 0xFFFFFFFFFFFFFFFF)
    if tag in _EXCEPTIONS:
        return _EXCEPTIONS[tag]
    raise GiveUp


def snmp(out: list[str], data: bytes, bp: int, length: int, verbose: int, budget: Budget) -> None:
    """Append the SNMP message at ``bp`` (``length`` bytes of datagram) to ``out``."""
    out.append(" ")
    try:
        _message(out, data, bp, length, verbose, budget)
    except _Complaint:
        # tcpdump goes on after a bad length inside the message, in ways not reproduced here.
        raise GiveUp from None


def _message(out: list[str], data: bytes, bp: int, length: int, verbose: int, budget: Budget) -> None:
    try:
        top, used = _parse(data, bp, length)
    except _Complaint as c:
        out.append(str(c))  # the message's own length is bad: tcpdump prints that and stops
        raise Done from None
    if top.tag != _SEQ:
        raise GiveUp
    if used < length:
        out.append(f"[{length - used} extra after iSEQ]")
    at, left = top.start, top.end - top.start
    ver, used = _parse(data, at, left)
    if ver.tag != _INTEGER:
        raise GiveUp
    version = _int(data, ver)
    at, left = at + used, left - used
    if version == 3:
        _v3(out, data, at, left, verbose, budget)
    elif version in _VERSIONS:
        if verbose:
            out.append(f"{{ {_VERSIONS[version]} ")
        comm, used = _parse(data, at, left)
        if comm.tag != _OCTETS:
            raise GiveUp
        if data[comm.start : comm.end] != b"public":
            out.append(f"C={_value(data, comm)} ")
        _pdu_block(out, data, at + used, left - used, verbose, version, budget)
    else:
        out.append(f"SNMP [version = {version}]")
        return
    if verbose:
        out.append("} ")


def _v3(out: list[str], data: bytes, at: int, left: int, verbose: int, budget: Budget) -> None:
    """SNMPv3 (RFC 3412): the header's flags, the user-based security model's parameters (RFC 3414)
    and the scoped PDU, or tcpdump's ``[!scoped PDU]`` and the bytes where it is encrypted."""
    if verbose:
        out.append("{ SNMPv3 { ")
    end = at + left
    (head, usm_text), at = _fields(data, at, end, (_SEQ, _OCTETS))
    (_msg_id, _max_size, flags_elem, model), _ = _fields(data, head.start, head.end, (_INTEGER,) * 2 + (
        _OCTETS, _INTEGER))
    flags = data[flags_elem.start : flags_elem.end]
    if len(flags) != 1 or flags[0] & 0xF8 or flags[0] & 3 == 2 or _int(data, model) != 3:
        raise GiveUp  # tcpdump's [msgFlags ...] and [security model N] complaints
    out.append("F=" + "".join(c for bit, c in ((1, "a"), (2, "p"), (4, "r")) if flags[0] & bit) + " ")
    if verbose:
        out.append("} { USM ")
    usm, _ = _parse(data, usm_text.start, usm_text.end - usm_text.start)
    if usm.tag != _SEQ:
        raise GiveUp
    (_engine, boots, when, user, _auth, _priv), usm_used = _fields(
        data, usm.start, usm.end, (_OCTETS, _INTEGER, _INTEGER, _OCTETS, _OCTETS, _OCTETS))
    if verbose:
        out.append(f"B={_int(data, boots)} T={_int(data, when)} ")
    out.append(f"U={_value(data, user)} ")
    if usm_used < usm.end:
        raise GiveUp  # bytes after the USM's six fields: tcpdump's count of them is not reproduced here
    if verbose:
        out.append("} { ScopedPDU ")
    scoped, used = _parse(data, at, end - at)
    if at + used != end:
        raise GiveUp
    if scoped.tag == _OCTETS:
        out.append("[!scoped PDU]" + _value(data, scoped))
    elif scoped.tag == _SEQ:
        (engine, context), pat = _fields(data, scoped.start, scoped.end, (_OCTETS, _OCTETS))
        out.append("E=" + "".join(f"_{b:02x}" for b in data[engine.start : engine.end]) + " ")
        out.append(f"C={_value(data, context)} ")
        _pdu_block(out, data, pat, scoped.end - pat, verbose, 3, budget)
    else:
        raise GiveUp
    if verbose:
        out.append("} ")


def _pdu_block(out: list[str], data: bytes, at: int, left: int, verbose: int, version: int,
               budget: Budget) -> None:
    if verbose:
        out.append("{ ")
    pdu, used = _parse(data, at, left)
    if not _PDU_FIRST <= pdu.tag <= _PDU_LAST or used < left:
        raise GiveUp
    kind = pdu.tag & 0x1F
    if kind > _TRAP and version == 0:
        raise GiveUp  # a v2 PDU in a v1 message: tcpdump's complaint is not reproduced here
    if kind == _TRAP and version == 3:
        raise GiveUp
    out.append(f"{_PDUS[kind]}({pdu.end - pdu.start}) ")
    if kind == _TRAP and version != 0:
        out.append("[v1 PDU in v2 message]")
        return
    if kind == _TRAP:
        _trap(out, data, pdu, budget)
    else:
        _pdu(out, data, pdu, kind, verbose, budget)
    if verbose:
        out.append(" } ")


def _fields(data: bytes, at: int, end: int, tags: tuple[int, ...]) -> tuple[list[_Elem], int]:
    elems = []
    for tag in tags:
        e, used = _parse(data, at, end - at)
        if e.tag != tag:
            raise GiveUp
        elems.append(e)
        at += used
    return elems, at


def _pdu(out: list[str], data: bytes, pdu: _Elem, kind: int, verbose: int, budget: Budget) -> None:
    (rid, status, index), at = _fields(data, pdu.start, pdu.end, (_INTEGER,) * 3)
    if verbose:
        out.append(f"R={_int(data, rid)} ")
    err, idx = _int(data, status), _int(data, index)
    if kind == _GET_BULK:
        out.append(f" N={err} M={idx}")
    elif kind != _GET_RESPONSE:
        # Only a response carries an error: tcpdump flags one in any other PDU.
        out.append(f"[errorStatus({_error(err)})!=0]" if err else "")
        out.append(f"[errorIndex({idx})!=0]" if idx else "")
    elif err:
        out.append(f" {_error(err)}" + (f"@{idx}" if idx else "[errorIndex==0]"))
    elif idx:
        out.append(f"[errorIndex({idx}) w/o errorStatus]")
    _varbinds(out, data, at, pdu.end, kind, budget)


def _error(status: int) -> str:
    return _ERRORS[status] if 0 <= status < len(_ERRORS) else f"err={status & 0xFFFFFFFF}"


def _trap(out: list[str], data: bytes, pdu: _Elem, budget: Budget) -> None:
    (ent, agent, generic, specific, ticks), at = _fields(
        data, pdu.start, pdu.end, (_OID, _IPADDR, _INTEGER, _INTEGER, _TICKS))
    gen = _int(data, generic)
    if gen < 0:
        raise GiveUp
    name = _GENERIC_TRAPS[gen] if gen < len(_GENERIC_TRAPS) else f"gt={gen}"
    out.append(f" {_oid(data, ent)} {_value(data, agent)} {name}")
    spec = _int(data, specific)
    if gen == _ENTERPRISE_SPECIFIC:
        out.append(f" s={spec}")
    elif spec:
        out.append(f"[specific-trap({spec})!=0]")
    out.append(f" {_value(data, ticks)}")
    _varbinds(out, data, at, pdu.end, _TRAP, budget)


def _varbinds(out: list[str], data: bytes, at: int, end: int, kind: int, budget: Budget) -> None:
    seq, used = _parse(data, at, end - at)
    if seq.tag != _SEQ or at + used != end:
        raise GiveUp
    at = seq.start
    while at < seq.end:
        budget.spend(VARBIND_UNITS)
        vb, used = _parse(data, at, seq.end - at)
        if vb.tag != _SEQ:
            raise GiveUp
        at += used
        (name,), vat = _fields(data, vb.start, vb.end, (_OID,))
        budget.spend((name.end - name.start) >> 2)
        out.append(f" {_oid(data, name)}")
        val, used = _parse(data, vat, vb.end - vat)
        if vat + used != vb.end:
            raise GiveUp
        if kind in (_GET_REQ, _GET_NEXT, _GET_BULK):
            if val.tag != _NULL:
                out.append("[objVal!=NULL]" + _value(data, val))
        else:
            out.append("=" + _value(data, val))
