"""Compile a syntax tree to a SQL condition over ``photos AS p`` (executed by the catalog).

The compiler only builds text and arguments; :class:`~imgtag_desktop.core.catalog.albums.AlbumsRepository`
runs it. Semantic terms need similarities computed outside SQL, so the caller passes a
``semantic`` callback that turns each :class:`Semantic` node into a condition of its own.

A condition on a missing value (no date, no camera) is NULL, which SQL treats as false; ``NOT``
compiles to ``(x) IS NOT 1`` so that it means "everything else": ``-camera:canon`` includes the
photos with no camera recorded. (Guarding each field with ``IS NOT NULL`` instead would keep the
planner off the field indexes.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..folding import fold
from .ast import (
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
)


@dataclass(frozen=True)
class Fragment:
    """A SQL boolean expression over ``photos AS p`` and its ``?`` arguments."""

    sql: str
    args: tuple[object, ...] = ()


TRUE = Fragment("1")
_INLINE_NAMES = 32  # tag names matched with inline ? arguments; more go through json_each
_FLAT_TERMS = 16  # terms joined flat before the tree is split
SemanticResolver = Callable[[Semantic], Fragment]
# The scanner records AVIF files as 'avif' (imageio.sniff_format); the language counts them as HEIF.
STORED_FORMATS: dict[str, tuple[str, ...]] = {"heif": ("heif", "avif")}


def like_contains(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') matching ``text`` anywhere."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def date_bounds(node: Date) -> tuple[str | None, str | None]:
    """Inclusive lower and exclusive upper bound on the ISO ``taken_at`` text.

    ``'~'`` sorts after every character of an ISO timestamp, so ``end + '~'`` bounds
    everything that starts with ``end`` (the whole year, month or day)."""
    return node.start, (node.end + "~") if node.end is not None else None


def folder_condition(path: str) -> Fragment:
    """Photos in a folder or below it: relative to the library folder, or an absolute path."""
    if path.startswith("/"):
        prefix = path.rstrip("/") + "/"
        return Fragment("substr(p.path, 1, ?) = ?", (len(prefix), prefix))
    rel = path.strip("/")
    if not rel or rel == ".":
        return TRUE
    # '0' is the character after '/', so [rel/, rel0) is everything below rel (index range scan).
    return Fragment("(p.rel_dir = ? OR (p.rel_dir >= ? AND p.rel_dir < ?))", (rel, rel + "/", rel + "0"))


def _states_sql(states: tuple[str, ...], column: str) -> Fragment:
    if set(states) >= set(STATES):
        return TRUE
    if len(states) == 1:
        return Fragment(f"{column} = ?", (states[0],))
    return Fragment(f"{column} IN ({','.join('?' * len(states))})", tuple(states))


def tag_ids_sql(names: list[str]) -> Fragment:
    """Ids of the tags ``names`` and of every tag below them (``name|...``), ignoring case and accents
    (``places|zurich`` finds ``places|Zürich``).

    ``tags.fold`` is the name folded by :func:`imgtag_desktop.core.folding.fold` (indexed,
    migration 8); ``'}'`` is the character after ``'|'``, so the range ``(name|, name})``
    holds exactly the descendants and can use the index."""
    folded = [fold(n) for n in names]
    if len(names) > _INLINE_NAMES:
        # Many names: one JSON argument joined as a table (a set operation, not a deep OR).
        import json

        return Fragment(
            "SELECT t.id FROM tags t JOIN json_each(?) j"
            " ON t.fold = j.value OR (t.fold > j.value || '|' AND t.fold < j.value || '}')",
            (json.dumps(folded),),
        )
    conds = ["fold = ? OR (fold > ? AND fold < ?)"] * len(names)
    args = tuple(a for n in folded for a in (n, n + "|", n + "}"))
    return Fragment("SELECT id FROM tags WHERE " + " OR ".join(conds), args)


def balanced(joiner: str, frags: list[Fragment]) -> Fragment:
    """``a OP b OP c ...`` as a balanced tree of parentheses: SQLite's expression depth grows
    with log2 of the number of terms, not linearly (a 1,000-term AND or OR compiles)."""
    if len(frags) == 1:
        return frags[0]
    if len(frags) <= _FLAT_TERMS:
        return Fragment("(" + joiner.join(f.sql for f in frags) + ")", tuple(a for f in frags for a in f.args))
    mid = len(frags) // 2
    left, right = balanced(joiner, frags[:mid]), balanced(joiner, frags[mid:])
    return Fragment(f"({left.sql}{joiner}{right.sql})", left.args + right.args)


def compile_node(node: Node, semantic: SemanticResolver) -> Fragment:
    """The SQL condition of a tree (see the module docstring)."""
    if isinstance(node, Tag):
        return _tags_condition([node.name], node.states, node.min_score)
    if isinstance(node, AnyTag):
        st = _states_sql(node.states, "state")
        parts = [st.sql]
        args = list(st.args)
        if node.min_score is not None:
            parts.append("visual_score > ?")
            args.append(node.min_score)
        return Fragment(f"p.id IN (SELECT photo_id FROM photo_tags WHERE {' AND '.join(parts)})", tuple(args))
    if isinstance(node, Broken):
        return Fragment("(p.status = 'broken' OR p.id IN (SELECT photo_id FROM problems WHERE photo_id IS NOT NULL))")
    if isinstance(node, Untagged):
        # photos.approved_tags is kept by triggers (schema 5); a partial index holds the zeros.
        return Fragment("p.approved_tags = 0")
    if isinstance(node, Caption):
        return Fragment(
            "p.id IN (SELECT photo_id FROM captions WHERE caption LIKE ? ESCAPE '\\')", (like_contains(node.text),)
        )
    if isinstance(node, Folder):
        return folder_condition(node.path)
    if isinstance(node, Date):
        lo, hi = date_bounds(node)
        conds: list[str] = []
        dargs: list[object] = []
        if lo is not None:
            conds.append("p.taken_at >= ?")
            dargs.append(lo)
        if hi is not None:
            conds.append("p.taken_at < ?")
            dargs.append(hi)
        return Fragment("(" + " AND ".join(conds) + ")", tuple(dargs))
    if isinstance(node, Camera):
        # A library has few distinct cameras: match those (index scan), then look photos up by them.
        return Fragment(
            "p.camera IN (SELECT DISTINCT camera FROM photos WHERE camera LIKE ? ESCAPE '\\')",
            (like_contains(node.text),),
        )
    if isinstance(node, Format):
        stored = STORED_FORMATS.get(node.name, (node.name,))
        if len(stored) == 1:
            return Fragment("p.format = ?", stored)
        return Fragment(f"p.format IN ({','.join('?' * len(stored))})", stored)
    if isinstance(node, Has):
        table = "captions" if node.what == "caption" else "embeddings"
        return Fragment(f"p.id IN (SELECT photo_id FROM {table})")
    if isinstance(node, Semantic):
        return semantic(node)
    if isinstance(node, Not):
        child, negated = node.child, True
        while isinstance(child, Not):  # NOT NOT x is x: the SQL stays shallow however many NOTs
            child, negated = child.child, not negated
        inner = compile_node(child, semantic)
        return Fragment(f"({inner.sql}) IS NOT 1", inner.args) if negated else inner
    if isinstance(node, (And, Or)):
        children: list[Node] = list(node.children)
        frags: list[Fragment] = []
        if isinstance(node, Or):
            # dog OR cat OR bird: one index lookup over the three tags, not three subqueries.
            groups: dict[tuple[tuple[str, ...], float | None], list[str]] = {}
            for c in children:
                if isinstance(c, Tag):
                    groups.setdefault((c.states, c.min_score), []).append(c.name)
            for (states, score), names in groups.items():
                if len(names) > 1:
                    frags.append(_tags_condition(names, states, score))
                    children = [c for c in children
                                if not (isinstance(c, Tag) and (c.states, c.min_score) == (states, score))]
        frags += [compile_node(c, semantic) for c in children]
        return balanced(" AND " if isinstance(node, And) else " OR ", frags)
    raise TypeError(f"not a query node: {node!r}")


def _tags_condition(names: list[str], states: tuple[str, ...], min_score: float | None) -> Fragment:
    """The photo carries one of these tags (or one below them) in one of the states, above the score."""
    ids = tag_ids_sql(names)
    args: list[object] = list(ids.args)
    parts = [f"pt.tag_id IN ({ids.sql})"]
    st = _states_sql(states, "pt.state")
    if st is not TRUE:
        parts.append(st.sql)
        args += st.args
    if min_score is not None:
        parts.append("pt.visual_score > ?")
        args.append(min_score)
    return Fragment(f"p.id IN (SELECT pt.photo_id FROM photo_tags pt WHERE {' AND '.join(parts)})", tuple(args))
