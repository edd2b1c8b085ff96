"""Print a syntax tree back to query text: ``parse(to_text(node)) == node`` for every tree."""

from __future__ import annotations

from .ast import (
    DEFAULT_STATES,
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
)

_RESERVED = {"and", "or", "not", "untagged", "score"}


def quote(text: str) -> str:
    """``text`` in double quotes, with ``"`` and ``\\`` escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _bare_ok(text: str) -> bool:
    return (
        bool(text)
        and not any(c.isspace() or c in '()">:' for c in text)
        and text[0] not in "-~"
        and '\\' not in text
    )


def _tag_name(name: str) -> str:
    return name if _bare_ok(name) and name.lower() not in _RESERVED else quote(name)


def _value(value: str) -> str:
    # A field value may contain ':' (the field is split at the first one) and start with '-'.
    ok = bool(value) and not any(c.isspace() or c in '()">' for c in value) and "\\" not in value
    return value if ok else quote(value)


def _score(score: float | None) -> str:
    return "" if score is None else f">{score!r}"


def _states(states: tuple[str, ...]) -> str:
    return "state:" + "|".join(states)


def to_text(node: Node) -> str:
    """The canonical query text of a tree."""
    if isinstance(node, Tag):
        core = _tag_name(node.name) + _score(node.min_score)
        return core if node.states == DEFAULT_STATES else f"({_states(node.states)} {core})"
    if isinstance(node, AnyTag):
        parts = [_states(node.states)]
        if node.min_score is not None:
            parts.append(f"score{_score(node.min_score)}")
        return "(" + " ".join(parts) + ")"
    if isinstance(node, Untagged):
        return "untagged"
    if isinstance(node, Broken):
        return "state:broken"
    if isinstance(node, Caption):
        return "caption:" + _value(node.text)
    if isinstance(node, Folder):
        return "folder:" + _value(node.path)
    if isinstance(node, Camera):
        return "camera:" + _value(node.text)
    if isinstance(node, Format):
        return "format:" + node.name
    if isinstance(node, Has):
        return "has:" + node.what
    if isinstance(node, Date):
        if node.start == node.end and node.start is not None:
            return "date:" + node.start
        return f"date:{node.start or ''}..{node.end or ''}"
    if isinstance(node, Semantic):
        if node.photo:
            return "like:" + quote(node.text) + _score(node.floor)
        return "~" + quote(node.text) + _score(node.floor)
    if isinstance(node, Not):
        inner = node.child
        text = to_text(inner)
        return "-" + (f"({text})" if isinstance(inner, (And, Or)) else text)
    if isinstance(node, And):
        return " ".join(f"({to_text(c)})" if isinstance(c, (And, Or)) else to_text(c) for c in node.children)
    if isinstance(node, Or):
        return " OR ".join(f"({to_text(c)})" if isinstance(c, Or) else to_text(c) for c in node.children)
    raise TypeError(f"not a query node: {node!r}")
