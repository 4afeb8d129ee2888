"""Parse ``.seccomppolicy`` files into a checked :class:`Policy`.

A policy file is the single source of a process role's seccomp filter. Syntax::

    # comments run from '#' to the end of the line
    uint logfile_fd, uint xsk_fd_first, uint xsk_fd_last    # first line: parameters, or `noarg`

    write: (or (eq (arg 0) 2)             # `name: CONDITION` allows the syscall when it holds
               (eq (arg 0) logfile_fd))   # indented lines continue the previous line
    exit_group                            # `name` alone allows the syscall unconditionally

Conditions are s-expressions:

- ``(and C ...)``, ``(or C ...)``: short-circuit, one or more conditions; ``(not C)``.
- ``(OP A B)`` with OP one of ``eq ne < <= > >=``: exactly one of A, B is ``(arg N)`` (N in 0..5, and
  below the syscall's argument count), the other a value. ``(< 5 (arg 0))`` is read as written
  (5 < arg 0). Comparisons are unsigned, at the argument's width (``signatures.py``): an ``int``
  argument is its low 32 bits, a ``long`` argument all 64 bits.
- A value is an integer (``12``, ``-100``, ``0x40``, ``0o4000``), a parameter from the first line, a
  named constant (``constants.py``), or constants and integers joined by ``|`` with no spaces
  (``SOCK_CLOEXEC|SOCK_NONBLOCK``). Negative integers are two's complement at the argument's width.

Parameters are ``uint`` (32-bit) values, typically file descriptors, filled in when the compiled filter
is instantiated. A syscall may be named if it exists on either architecture; on an architecture
without it (``poll`` on aarch64) its rule is simply absent from that architecture's filter.

Every mistake is a :class:`PolicyError` whose message starts with ``file:line:col:`` and says what was
expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xdpdump.errors import UserError
from xdpdump.sandbox.arches import ARCHES
from xdpdump.sandbox.constants import CONSTANTS, known_anywhere
from xdpdump.sandbox.signatures import ARG_WIDTHS, INT, LONG

MAX_ARGS = 6
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_INTEGER = re.compile(r"-?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0|[1-9][0-9]*)\Z")
_ATOM = re.compile(r"[^\s():,#]+")
_COMPARISONS = {"eq": "eq", "ne": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
# (OP value (arg N)) reads as value OP arg; the compiler always wants arg OP' value.
_MIRRORED = {"eq": "eq", "ne": "ne", "lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}
_RESERVED = {"and", "or", "not", "arg", "uint", "noarg", *_COMPARISONS}
_RANGES = {INT: (-(1 << 31), (1 << 32) - 1), LONG: (-(1 << 63), (1 << 64) - 1)}
BITS = {INT: 32, LONG: 64}


class PolicyError(UserError):
    """A mistake in a policy file, reported as ``file:line:col: message``."""


@dataclass(frozen=True)
class Pos:
    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def error(self, message: str) -> PolicyError:
        return PolicyError(f"{self}: {message}")


@dataclass(frozen=True)
class Value:
    """An integer, a parameter, or an ``|`` of integers and constants, as written."""

    text: str
    pos: Pos
    parts: tuple[int | str, ...] = ()   # integers and constant names, or'ed together
    param: str | None = None

    def resolve(self, arch: str, width: str, params: dict[str, int] | None = None) -> int:
        """The unsigned value at ``width`` bits on ``arch`` (parameters need ``params``)."""
        if self.param is not None:
            if params is None:
                raise ValueError(f"parameter {self.param} has no value here")
            return params[self.param]
        value = 0
        for part in self.parts:
            value |= part if isinstance(part, int) else CONSTANTS[arch][part]
        return value & ((1 << BITS[width]) - 1)

    def raw(self, arch: str) -> int:
        value = 0
        for part in self.parts:
            value |= part if isinstance(part, int) else CONSTANTS[arch][part]
        return value


@dataclass(frozen=True)
class Compare:
    op: str          # eq ne lt le gt ge, always read as (arg OP value)
    arg: int
    width: str       # INT or LONG
    value: Value
    pos: Pos


@dataclass(frozen=True)
class And:
    items: tuple[Expr, ...]
    pos: Pos


@dataclass(frozen=True)
class Or:
    items: tuple[Expr, ...]
    pos: Pos


@dataclass(frozen=True)
class Not:
    item: Expr
    pos: Pos


Expr = Compare | And | Or | Not


@dataclass(frozen=True)
class Rule:
    syscall: str
    expr: Expr | None   # None: always allowed
    pos: Pos


@dataclass(frozen=True)
class Policy:
    name: str
    path: str
    params: tuple[str, ...]
    rules: tuple[Rule, ...]

    def rules_for(self, arch: str) -> list[Rule]:
        """The rules whose syscall exists on ``arch``, in file order."""
        numbers = ARCHES[arch].numbers
        return [rule for rule in self.rules if rule.syscall in numbers]


@dataclass(frozen=True)
class _Token:
    kind: str   # "(" ")" ":" "," or "atom"
    text: str
    pos: Pos


def _statements(text: str, path: str) -> Iterator[list[_Token]]:
    """Token lists of the logical lines: a line starting with blanks continues the previous one."""
    current: list[_Token] | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        if not code.strip():
            continue
        if code[0] in " \t":
            if current is None:
                col = len(code) - len(code.lstrip()) + 1
                raise Pos(path, lineno, col).error(
                    "indented line continues nothing: expected the parameter line or a rule at column 1")
        else:
            if current is not None:
                yield current
            current = []
        col = 0
        while col < len(code):
            ch = code[col]
            if ch in " \t\r\f\v":
                col += 1
            elif ch in "():,":
                current.append(_Token(ch, ch, Pos(path, lineno, col + 1)))
                col += 1
            else:
                match = _ATOM.match(code, col)
                assert match is not None
                current.append(_Token("atom", match.group(), Pos(path, lineno, col + 1)))
                col = match.end()
    if current is not None:
        yield current


def _end_pos(tokens: list[_Token]) -> Pos:
    last = tokens[-1]
    return Pos(last.pos.path, last.pos.line, last.pos.col + len(last.text))


def _parse_params(tokens: list[_Token]) -> tuple[str, ...]:
    expected = "expected 'noarg' or 'uint NAME, uint NAME, ...'"
    first = tokens[0]
    if first.text == "noarg":
        if len(tokens) > 1:
            raise tokens[1].pos.error(
                f"bad parameter line: nothing may follow 'noarg', got {tokens[1].text!r}")
        return ()
    names: list[str] = []
    i = 0
    while True:
        if i >= len(tokens):
            raise _end_pos(tokens).error(f"bad parameter line: {expected}, got end of line")
        if tokens[i].text != "uint":
            raise tokens[i].pos.error(f"bad parameter line: {expected}, got {tokens[i].text!r}")
        if i + 1 >= len(tokens):
            raise _end_pos(tokens).error("bad parameter line: expected a parameter name after 'uint'")
        name_tok = tokens[i + 1]
        name = name_tok.text
        if name_tok.kind != "atom" or not _IDENT.match(name):
            raise name_tok.pos.error(
                f"bad parameter line: expected a parameter name after 'uint', got {name!r}")
        if name in _RESERVED or known_anywhere(name):
            raise name_tok.pos.error(
                f"bad parameter line: {name!r} is a keyword or a named constant, not a free name")
        if name in names:
            raise name_tok.pos.error(f"bad parameter line: parameter {name!r} declared twice")
        names.append(name)
        i += 2
        if i == len(tokens):
            return tuple(names)
        if tokens[i].kind != ",":
            raise tokens[i].pos.error(
                f"bad parameter line: expected ',' between parameters, got {tokens[i].text!r}")
        i += 1


class _RuleParser:
    def __init__(self, tokens: list[_Token], syscall: str, params: tuple[str, ...]) -> None:
        self.tokens = tokens
        self.i = 0
        self.syscall = syscall
        self.params = params

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, what: str) -> _Token:
        tok = self.peek()
        if tok is None:
            raise _end_pos(self.tokens).error(f"expected {what}, got end of rule")
        self.i += 1
        return tok

    def expect_close(self, opener: _Token) -> None:
        tok = self.take(f"')' to close the '(' at {opener.pos.line}:{opener.pos.col}")
        if tok.kind != ")":
            raise tok.pos.error(
                f"expected ')' to close the '(' at {opener.pos.line}:{opener.pos.col}, got {tok.text!r}")

    def expr(self) -> Expr:
        opener = self.take("a condition '(...)'")
        if opener.kind != "(":
            raise opener.pos.error(f"expected a condition starting with '(', got {opener.text!r}")
        head = self.take("and, or, not, eq, ne, <, <=, >, >=")
        if head.text in ("and", "or"):
            items = [self.expr()]
            while (tok := self.peek()) is not None and tok.kind == "(":
                items.append(self.expr())
            self.expect_close(opener)
            return (And if head.text == "and" else Or)(tuple(items), opener.pos)
        if head.text == "not":
            item = self.expr()
            self.expect_close(opener)
            return Not(item, opener.pos)
        if head.text in _COMPARISONS:
            left = self.operand()
            right = self.operand()
            self.expect_close(opener)
            return self.compare(_COMPARISONS[head.text], left, right, opener.pos)
        if head.text == "arg":
            raise head.pos.error("(arg N) is a value, not a condition: expected a comparison such as "
                                 "(eq (arg 0) 2)")
        raise head.pos.error(f"expected and, or, not, eq, ne, <, <=, >, >= after '(', got {head.text!r}")

    def operand(self) -> tuple[int, Pos] | Value:
        tok = self.take("(arg N) or a value")
        if tok.kind == "(":
            head = self.take("'arg'")
            if head.text != "arg":
                raise head.pos.error(f"expected (arg N) or a value, got '({head.text}'")
            index_tok = self.take("an argument index 0..5")
            if index_tok.kind != "atom" or not re.fullmatch(r"[0-9]+", index_tok.text):
                raise index_tok.pos.error(f"expected an argument index 0..5, got {index_tok.text!r}")
            index = int(index_tok.text)
            if index >= MAX_ARGS:
                raise index_tok.pos.error(f"(arg {index}) out of range: expected an argument index 0..5")
            widths = ARG_WIDTHS.get(self.syscall)
            if widths is None:
                raise tok.pos.error(
                    f"the argument widths of {self.syscall!r} are unknown: add them to "
                    "xdpdump/sandbox/signatures.py before testing its arguments")
            if index >= len(widths):
                raise index_tok.pos.error(
                    f"(arg {index}) out of range: {self.syscall} takes {len(widths)} argument(s), "
                    f"expected an index 0..{len(widths) - 1}")
            self.expect_close(tok)
            return (index, tok.pos)
        if tok.kind != "atom":
            raise tok.pos.error(f"expected (arg N) or a value, got {tok.text!r}")
        return self.value(tok)

    def value(self, tok: _Token) -> Value:
        if tok.text in self.params:
            return Value(tok.text, tok.pos, param=tok.text)
        parts: list[int | str] = []
        offset = 0
        for piece in tok.text.split("|"):
            pos = Pos(tok.pos.path, tok.pos.line, tok.pos.col + offset)
            offset += len(piece) + 1
            if not piece:
                raise pos.error(f"expected an integer or a constant around '|' in {tok.text!r}")
            if piece in self.params:
                raise pos.error(f"parameter {piece!r} cannot be combined with '|'")
            if _INTEGER.match(piece):
                parts.append(int(piece, 0))
            elif _IDENT.match(piece):
                if not known_anywhere(piece):
                    raise pos.error(f"unknown constant {piece!r}: expected an integer, a parameter "
                                    f"({', '.join(self.params) or 'none declared'}) or a named constant")
                for arch, table in CONSTANTS.items():
                    if piece not in table:
                        raise pos.error(f"constant {piece!r} is not defined for {arch}")
                parts.append(piece)
            else:
                raise pos.error(f"expected an integer, a parameter or a named constant, got {piece!r}")
        return Value(tok.text, tok.pos, parts=tuple(parts))

    def compare(self, op: str, left: tuple[int, Pos] | Value, right: tuple[int, Pos] | Value,
                pos: Pos) -> Compare:
        left_is_arg, right_is_arg = isinstance(left, tuple), isinstance(right, tuple)
        if left_is_arg == right_is_arg:
            got = "two" if left_is_arg else "none"
            raise pos.error(f"expected exactly one (arg N) side in a comparison, got {got}")
        if right_is_arg:
            left, right, op = right, left, _MIRRORED[op]
        assert isinstance(left, tuple) and isinstance(right, Value)
        index = left[0]
        width = ARG_WIDTHS[self.syscall][index]
        if right.param is None:
            low, high = _RANGES[width]
            for arch in CONSTANTS:
                raw = right.raw(arch)
                if not low <= raw <= high:
                    raise right.pos.error(
                        f"value {right.text} = {raw} out of range for {width} argument {index} of "
                        f"{self.syscall}: expected {low}..{high}")
        return Compare(op, index, width, right, pos)


def parse_policy(text: str, path: str = "<policy>", name: str | None = None) -> Policy:
    """Parse and check a policy; ``name`` defaults to the file name without ``.seccomppolicy``."""
    if name is None:
        name = Path(path).name.removesuffix(".seccomppolicy")
    statements = list(_statements(text, path))
    if not statements:
        raise Pos(path, 1, 1).error("empty policy: expected a parameter line ('noarg' or 'uint NAME, ...')")
    params = _parse_params(statements[0])
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for tokens in statements[1:]:
        name_tok = tokens[0]
        syscall = name_tok.text
        if name_tok.kind != "atom" or not _IDENT.match(syscall):
            raise name_tok.pos.error(f"expected a syscall name at the start of a rule, got {syscall!r}")
        if not any(syscall in arch.numbers for arch in ARCHES.values()):
            raise name_tok.pos.error(
                f"unknown syscall {syscall!r}: expected a name from the {' or '.join(ARCHES)} table")
        if syscall in seen:
            first = seen[syscall].pos
            raise name_tok.pos.error(
                f"duplicate rule for {syscall!r} (first at line {first.line}): expected one rule per "
                "syscall, join conditions with (or ...)")
        expr: Expr | None = None
        if len(tokens) > 1:
            if tokens[1].kind != ":":
                raise tokens[1].pos.error(f"expected ':' after the syscall name, got {tokens[1].text!r}")
            parser = _RuleParser(tokens, syscall, params)
            parser.i = 2
            expr = parser.expr()
            if (extra := parser.peek()) is not None:
                raise extra.pos.error(
                    f"expected the end of the rule, got {extra.text!r} (combine conditions with and/or)")
        rule = Rule(syscall, expr, name_tok.pos)
        seen[syscall] = rule
        rules.append(rule)
    return Policy(name, path, params, tuple(rules))


def load_policy(path: str | Path) -> Policy:
    """Read and parse a policy file (a missing file is a UserError)."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise UserError(f"cannot read policy {path}: {exc.strerror}") from None
    return parse_policy(text, str(path))
