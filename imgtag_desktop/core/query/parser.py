"""Tokenizer and recursive-descent parser for the query language (grammar in docs/search.md).

    query   := or_expr
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= unary (["AND"] unary)*                   -- a space is an AND
    unary   := ("NOT" | "-") unary | "(" or_expr ")" | term
    term    := WORD [">" NUMBER] | STRING [">" NUMBER] | "~" (STRING | WORD) [">" NUMBER]
             | STRING "~" [">" NUMBER]                    -- the same as ~STRING
             | FIELD ":" (WORD | STRING) [">" NUMBER] | "untagged" | "score" ">" NUMBER

``AND``/``OR``/``NOT`` are keywords only in upper case. ``state:`` and ``score>`` are
modifiers: they apply to the tag terms of the AND group they stand in (nested groups
included, the innermost modifier wins); with no tag term in the group they mean "has any
tag in that state / above that score". The parser resolves them, so the tree it returns
has no modifiers left.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .ast import (
    DEFAULT_STATES,
    FORMATS,
    HAS_WHAT,
    STATES,
    And,
    AnyTag,
    Broken,
    Camera,
    Caption,
    Date,
    Folder,
    Format,
    Has,
    Node,
    Not,
    Or,
    Semantic,
    Tag,
    Untagged,
    canonical_states,
)

KEYWORDS = ("AND", "OR", "NOT")
# Limits that keep every query that parses runnable (SQLite's expression depth and parser stack,
# Python's recursion): beyond them the person gets a one-line error, never a crash.
MAX_QUERY_LENGTH = 20_000  # characters
MAX_TERMS = 2_000  # terms (tags, fields, ~phrases); a 1,000-tag OR is fine
MAX_DEPTH = 32  # nested parentheses
MAX_NEGATIONS = 100  # NOT / - in a row (the SQL collapses pairs of them)
FIELDS = ("tag", "state", "caption", "folder", "date", "camera", "format", "has", "like")
SPECIAL = set('()">')
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


class QueryError(ValueError):
    """A query that cannot be parsed; ``column`` is 1-based."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} at column {column}")
        self.message = message
        self.column = column


@dataclass(frozen=True)
class Token:
    kind: str  # WORD STRING LPAREN RPAREN MINUS TILDE GT EOF
    text: str
    pos: int  # 0-based index of the first character
    end: int  # index after the last character

    @property
    def column(self) -> int:
        return self.pos + 1

    def describe(self) -> str:
        if self.kind == "EOF":
            return "end of query"
        if self.kind == "STRING":
            return "a quoted phrase"
        return repr(self.text if len(self.text) <= 40 else self.text[:39] + "…")


def tokenize(text: str) -> list[Token]:
    """Split a query into tokens; raises :class:`QueryError` on an unterminated quote."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"query too long ({len(text):,} characters, at most {MAX_QUERY_LENGTH:,}); "
                         "split it or save parts as albums", MAX_QUERY_LENGTH + 1)
    for i, ch in enumerate(text):
        if "\udc80" <= ch <= "\udcff":  # a byte that was not UTF-8, as Python passes it from argv
            raise QueryError(f"byte 0x{ord(ch) - 0xDC00:02x} is not UTF-8 text; type the query as UTF-8", i + 1)
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(Token("LPAREN" if c == "(" else "RPAREN", c, i, i + 1))
            i += 1
        elif c == ">":
            tokens.append(Token("GT", c, i, i + 1))
            i += 1
        elif c == '"':
            start, i, buf = i, i + 1, []
            while True:
                if i >= n:
                    raise QueryError("unterminated quote (the '\"' has no closing '\"')", start + 1)
                ch = text[i]
                if ch == "\\" and i + 1 < n and text[i + 1] in '"\\':
                    buf.append(text[i + 1])
                    i += 2
                elif ch == '"':
                    i += 1
                    break
                else:
                    buf.append(ch)
                    i += 1
            tokens.append(Token("STRING", "".join(buf), start, i))
        elif c == "-" and not (tokens and tokens[-1].kind == "GT"):
            tokens.append(Token("MINUS", c, i, i + 1))
            i += 1
        elif c == "~":
            tokens.append(Token("TILDE", c, i, i + 1))
            i += 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in SPECIAL:
                i += 1
            tokens.append(Token("WORD", text[start:i], start, i))
    tokens.append(Token("EOF", "", n, n))
    return tokens


@dataclass(frozen=True)
class _Mod:
    """A ``state:``/``score>`` modifier before resolution."""

    states: tuple[str, ...]  # () = not given
    min_score: float | None


@dataclass(frozen=True)
class _Chain:
    """An AND group before resolution (items may be modifiers)."""

    items: tuple[object, ...]


def normalise_name(name: str) -> str:
    """Trim whitespace around a tag name and each ``|`` part, as the catalog does."""
    return "|".join(" ".join(p.split()) for p in name.split("|"))


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0
        self.terms = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def is_keyword(self, word: str) -> bool:
        return self.tok.kind == "WORD" and self.tok.text == word

    def unexpected(self, after: Token | None = None) -> QueryError:
        t = self.tok
        if t.kind == "EOF":
            what = f"after {after.text!r}" if after is not None else ""
            return QueryError(f"unexpected end of query{' ' + what if what else ''}; a term is missing", t.column)
        return QueryError(f"unexpected {t.describe()}", t.column)

    # -- grammar --------------------------------------------------------------------------------

    def parse(self) -> object:
        if self.tok.kind == "EOF":
            raise QueryError("empty query", 1)
        node = self.or_expr()
        if self.tok.kind != "EOF":
            raise self.unexpected()
        return node

    def or_expr(self) -> object:
        items = [self.and_expr()]
        while self.is_keyword("OR"):
            op = self.take()
            if not self.starts_unary():
                raise self.unexpected(op)
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else ("OR", items)

    def starts_unary(self) -> bool:
        t = self.tok
        if t.kind in ("STRING", "LPAREN", "MINUS", "TILDE"):
            return True
        return t.kind == "WORD" and t.text not in ("AND", "OR")

    def and_expr(self) -> object:
        if not self.starts_unary():
            raise self.unexpected()
        items = [self.unary()]
        while True:
            if self.is_keyword("AND"):
                op = self.take()
                if not self.starts_unary():
                    raise self.unexpected(op)
                items.append(self.unary())
            elif self.starts_unary():
                items.append(self.unary())
            else:
                break
        return _Chain(tuple(items))

    def unary(self) -> object:
        negations = 0
        while self.tok.kind == "MINUS" or (self.tok.kind == "WORD" and self.tok.text == "NOT"):
            t = self.take()  # a loop, not recursion
            if not self.starts_unary():
                raise self.unexpected(t)
            negations += 1
            if negations > MAX_NEGATIONS:
                raise QueryError(f"too many NOTs in a row (at most {MAX_NEGATIONS})", t.column)
        child = self.primary()
        if negations and isinstance(child, _Mod):  # "-state:suggested": no suggestions at all
            child = AnyTag(child.states, child.min_score)
        for _ in range(negations):
            child = ("NOT", child)
        return child

    def primary(self) -> object:
        t = self.tok
        if t.kind == "LPAREN":
            if self.depth >= MAX_DEPTH:
                raise QueryError(f"parentheses nested too deep (at most {MAX_DEPTH} levels)", t.column)
            self.depth += 1
            self.take()
            if self.tok.kind == "RPAREN":
                raise QueryError("empty parentheses", self.tok.column)
            inner = self.or_expr()
            if self.tok.kind != "RPAREN":
                if self.tok.kind == "EOF":
                    raise QueryError("missing ')' for this '('", t.column)
                raise self.unexpected()
            self.take()
            self.depth -= 1
            return inner
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QueryError(f"too many terms (at most {MAX_TERMS:,}); split the query or save parts as albums",
                             t.column)
        return self.term()

    def threshold(self) -> float | None:
        if self.tok.kind != "GT":
            return None
        gt = self.take()
        t = self.tok
        if t.kind != "WORD":
            raise QueryError("expected a number after '>'", t.column if t.kind != "EOF" else gt.column + 1)
        try:
            value = float(t.text)
        except ValueError:
            raise QueryError(f"expected a number after '>', not {t.describe()}", t.column) from None
        if not math.isfinite(value):
            raise QueryError(f"expected a finite number after '>', not {t.describe()}", t.column)
        self.take()
        return value

    def value_after_field(self, word: Token, field: str, value: str) -> tuple[str, int]:
        """The value of ``field:value`` or ``field:"quoted value"``."""
        if value:
            return value, word.pos + len(field) + 2
        nxt = self.tok
        if nxt.kind == "STRING" and nxt.pos == word.end:
            self.take()
            return nxt.text, nxt.column
        raise QueryError(f"missing value after '{field}:'", word.end + 1)

    def no_threshold(self, what: str) -> None:
        if self.tok.kind == "GT":
            raise QueryError(f"a '>' threshold applies to a tag or a ~semantic term, not to {what}", self.tok.column)

    def term(self) -> object:
        t = self.take()
        if t.kind == "STRING":
            if self.tok.kind == "TILDE" and self.tok.pos == t.end:  # "free text"~, as DESIGN.md writes it
                self.take()
                if not t.text.strip():
                    raise QueryError("empty ~semantic phrase", t.column)
                return Semantic(t.text, self.threshold())
            return self.tag(t.text, t)
        if t.kind == "TILDE":
            body = self.tok
            if body.kind not in ("STRING", "WORD"):
                raise QueryError("expected a quoted phrase after '~' (e.g. ~\"dog on a beach\")",
                                 body.column if body.kind != "EOF" else t.column + 1)
            self.take()
            if not body.text.strip():
                raise QueryError("empty ~semantic phrase", body.column)
            return Semantic(body.text, self.threshold())
        if t.kind != "WORD":
            self.i -= 1
            raise self.unexpected()
        word = t.text
        if ":" in word:
            field, value = word.split(":", 1)
            key = field.lower()
            if key not in FIELDS:
                raise QueryError(
                    f"unknown field '{field}:' (fields: {', '.join(f + ':' for f in FIELDS)}; "
                    "quote a tag name that contains ':')", t.column)
            value, vcol = self.value_after_field(t, field, value)
            return self.field(key, value, vcol, t)
        if word.lower() == "score" and self.tok.kind == "GT":
            return _Mod((), self.threshold())
        if word.lower() == "untagged":
            self.no_threshold("'untagged'")
            return Untagged()
        return self.tag(word, t)

    def tag(self, name: str, t: Token) -> Tag:
        norm = normalise_name(name)
        if not norm.strip("|"):
            raise QueryError("empty tag name", t.column)
        return Tag(norm, (), self.threshold())

    def field(self, key: str, value: str, vcol: int, t: Token) -> object:
        if key == "tag":
            return self.tag(value, t)
        if key == "state" and value.lower() == "broken":
            self.no_threshold("'state:broken'")
            return Broken()
        if key == "state":
            states: list[str] = []
            for part in value.lower().split("|"):
                if part == "any":
                    states += STATES
                elif part in STATES:
                    states.append(part)
                else:
                    raise QueryError(
                        f"unknown state {part!r} (states: approved, suggested, rejected, any, broken)", vcol)
            self.no_threshold("'state:'")
            return _Mod(canonical_states(states), None)
        if key == "like":
            if not value.strip():
                raise QueryError("like: needs a photo (its path, file name or id), e.g. like:IMG_0042.jpg", vcol)
            return Semantic(value.strip(), self.threshold(), photo=True)
        self.no_threshold(f"'{key}:'")
        if key == "caption":
            return Caption(value)
        if key == "folder":
            return Folder(value)
        if key == "camera":
            return Camera(value)
        if key == "format":
            canonical = FORMATS.get(value.lower())
            if canonical is None:
                raise QueryError(f"unknown format {value!r} (formats: {', '.join(sorted(set(FORMATS)))})", vcol)
            return Format(canonical)
        if key == "has":
            if value.lower() not in HAS_WHAT:
                raise QueryError(f"unknown has:{value} (use {' or '.join('has:' + h for h in HAS_WHAT)})", vcol)
            return Has(value.lower())
        assert key == "date"
        return parse_date(value, vcol)


def parse_date(value: str, column: int) -> Date:
    """``2024``, ``2024-06``, ``2024-06-01``, ``A..B``, ``A..``, ``..B``."""
    if ".." in value:
        lo, hi = value.split("..", 1)
        start, end = lo or None, hi or None
        if start is None and end is None:
            raise QueryError("a date range needs at least one end (date:2024.. or date:..2024)", column)
    else:
        start = end = value
    for part in (start, end):
        if part is not None and not _DATE.match(part):
            raise QueryError(f"bad date {part!r} (use YYYY, YYYY-MM or YYYY-MM-DD, ranges with '..')", column)
    return Date(start, end)


# -- resolution of state:/score> modifiers ------------------------------------------------------


def _has_tag_terms(item: object) -> bool:
    if isinstance(item, (Tag, AnyTag)):
        return True
    if isinstance(item, _Chain):
        return any(_has_tag_terms(i) for i in item.items)
    if isinstance(item, tuple):
        op, arg = item
        return any(_has_tag_terms(i) for i in arg) if op == "OR" else _has_tag_terms(arg)
    return False


def _resolve(item: object, states: tuple[str, ...], score: float | None) -> Node:
    if isinstance(item, Tag):
        return Tag(item.name, item.states or states, item.min_score if item.min_score is not None else score)
    if isinstance(item, AnyTag):
        return AnyTag(item.states or states, item.min_score if item.min_score is not None else score)
    if isinstance(item, _Mod):  # a lone modifier outside a chain
        return AnyTag(item.states or states, item.min_score if item.min_score is not None else score)
    if isinstance(item, tuple):
        op, arg = item
        if op == "NOT":
            return Not(_resolve(arg, states, score))
        return Or(tuple(_resolve(i, states, score) for i in arg))
    if isinstance(item, _Chain):
        mods = [i for i in item.items if isinstance(i, _Mod)]
        rest = [i for i in item.items if not isinstance(i, _Mod)]
        inner_states, inner_score = states, score
        given_states = [s for m in mods for s in m.states]
        if given_states:
            inner_states = canonical_states(given_states)
        scores = [m.min_score for m in mods if m.min_score is not None]
        if scores:
            inner_score = max(scores)
        children = [_resolve(i, inner_states, inner_score) for i in rest]
        if mods and not any(_has_tag_terms(i) for i in rest):
            children.append(AnyTag(inner_states, inner_score))
        return children[0] if len(children) == 1 else And(tuple(children))
    assert isinstance(item, (Untagged, Broken, Caption, Folder, Date, Camera, Format, Has, Semantic))
    return item


def parse(text: str) -> Node:
    """Parse a query to its syntax tree. Raises :class:`QueryError` (with a column)."""
    raw = _Parser(text).parse()
    return _resolve(raw, DEFAULT_STATES, None)

