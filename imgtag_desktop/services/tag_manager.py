"""Library-wide tag management: rename, merge, delete, move under a parent -- and undo.

One Qt-free implementation that the CLI (``imgtag tags rename|merge|delete|move``) and the
window's tag manager both call. Each operation returns a :class:`TagEdit` that holds the
photo tags it replaced, so :func:`undo` restores them exactly (state, source, scores,
timestamps). A tag's subtree (``places`` and every ``places|...``) moves with it. Files are
not touched here: the changed photos' approved tags differ from what their files hold, so
the next write (or the background sync) carries the change into the files.

Smart albums follow the tag: a rename, merge or move rewrites the saved queries whose tag terms
name the tag or a tag below it (matched ignoring case and accents, as search matches them), in
the same transaction and the same undo step. A delete leaves the queries as they are and names
the albums that still refer to the tag.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..core.catalog import HIERARCHY_SEPARATOR, Catalog, CatalogError, PhotoTag, TagCount, normalise_tag_name
from ..core.folding import fold
from ..core.query import And, Node, Not, Or, QueryError, Tag, parse, to_text

OPS = ("rename", "merge", "delete", "move")


@dataclass(frozen=True)
class TagEdit:
    """One library-wide tag edit, with what undo needs."""

    op: str
    source: str  # the tag's stored name before the edit
    target: str | None  # the name it became (None for delete)
    description: str  # "Rename 'dog' to 'puppy' (12 photos)"
    photo_ids: tuple[int, ...]  # photos whose tags changed
    before: tuple[PhotoTag, ...]  # every photo tag of the source and target subtrees before
    existed: frozenset[str]  # tag names of both subtrees that existed before (vocabulary rows)
    albums: tuple[tuple[int, str, str], ...] = ()  # (album id, query before, query after) rewritten
    album_names: tuple[str, ...] = ()  # albums whose query names the tag: rewritten, or (delete) left as is


def _photos(n: int) -> str:
    return "1 photo" if n == 1 else f"{n:,} photos"


def _require(catalog: Catalog, name: str) -> str:
    tag = catalog.tags.by_name(name.strip())
    if tag is None:
        matches = [n for n in catalog.tags.names() if fold(n) == fold(name.strip())]
        if len(matches) == 1:
            return matches[0]
        raise CatalogError(f"there is no tag {name!r}; 'imgtag tags' lists the tags of the library")
    return tag.name


def _renamed(name: str, source: str, target: str) -> str | None:
    """The tag term ``name`` after ``source`` became ``target``; None when it names neither ``source``
    nor a tag below it (ignoring case and accents)."""
    parts = [p.strip() for p in name.split(HIERARCHY_SEPARATOR)]
    depth = len(source.split(HIERARCHY_SEPARATOR))
    if len(parts) < depth or fold(HIERARCHY_SEPARATOR.join(parts[:depth])) != fold(source):
        return None
    return HIERARCHY_SEPARATOR.join([target, *parts[depth:]])


def _rewrite(node: Node, source: str, target: str) -> Node:
    if isinstance(node, Tag):
        new = _renamed(node.name, source, target)
        return node if new is None else replace(node, name=new)
    if isinstance(node, Not):
        return Not(_rewrite(node.child, source, target))
    if isinstance(node, (And, Or)):
        return type(node)(tuple(_rewrite(c, source, target) for c in node.children))
    return node


def names_tag(query: str, tag: str) -> bool:
    """Whether a saved query has a tag term naming ``tag`` or a tag below it."""
    return rewrite_query(query, tag, "\0") is not None


def rewrite_query(query: str, source: str, target: str) -> str | None:
    """The query with its tag terms for ``source`` (and below) renamed to ``target``, printed back
    canonically; None when no term names the tag (or the query does not parse: it stays as it is)."""
    try:
        node = parse(query) if query.strip() else None
    except QueryError:
        return None
    if node is None:
        return None
    new = _rewrite(node, source, target)
    return None if new == node else to_text(new)


def find_tags(catalog: Catalog, text: str) -> list[str]:
    """Tag names containing ``text``, ignoring case and accents (``zurich`` finds ``places|Zürich``)."""
    needle = fold(text.strip())
    return [n for n in catalog.tags.names() if needle in fold(n)]


class TagManager:
    """Rename, merge, delete and move tags across the whole library (on the calling thread's catalog)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def apply(self, op: str, name: str, other: str = "") -> TagEdit:
        """One edit by name, as the CLI and the window's tag manager ask for it: ``rename`` to
        ``other``, ``merge`` into ``other``, ``move`` under ``other`` ("" for the top), ``delete``."""
        if op == "rename":
            return self.rename(name, other)
        if op == "merge":
            return self.merge(name, other)
        if op == "move":
            return self.move(name, other or None)
        if op == "delete":
            return self.delete(name)
        raise ValueError(f"unknown tag edit {op!r}")

    def counts(self) -> list[TagCount]:
        """Every tag in use with its approved / suggested / rejected photo counts, by name."""
        return self.catalog.tags.with_counts()

    # -- operations -----------------------------------------------------------------------------

    def rename(self, old: str, new: str) -> TagEdit:
        """Give a tag (and the tags below it) a new name. Use :meth:`merge` to fold it into an existing tag."""
        source = _require(self.catalog, old)
        new = normalise_tag_name(new)
        existing = self.catalog.tags.by_name(new)
        if existing is not None and existing.name.casefold() != source.casefold():
            raise CatalogError(f"a tag {existing.name!r} exists already; merge {source!r} into it instead")
        if new == source:
            raise CatalogError(f"the tag is called {source!r} already")
        return self._apply("rename", source, new, f"Rename '{source}' to '{new}'")

    def merge(self, source: str, into: str) -> TagEdit:
        """Fold a tag into another existing one: its photos get ``into`` (the stronger state wins)."""
        source = _require(self.catalog, source)
        target = _require(self.catalog, into)
        if target.casefold() == source.casefold():
            raise CatalogError(f"cannot merge {source!r} into itself; choose another tag")
        return self._apply("merge", source, target, f"Merge '{source}' into '{target}'")

    def delete(self, name: str) -> TagEdit:
        """Delete a tag and the tags below it from every photo (rejections included)."""
        source = _require(self.catalog, name)
        return self._apply("delete", source, None, f"Delete tag '{source}'")

    def move(self, name: str, parent: str | None) -> TagEdit:
        """Put a tag (with its subtree) under ``parent`` (``places``: ``Zürich`` -> ``places|Zürich``);
        an empty parent moves it to the top level."""
        source = _require(self.catalog, name)
        leaf = source.split(HIERARCHY_SEPARATOR)[-1]
        parent = normalise_tag_name(parent) if parent and parent.strip() else ""
        new = f"{parent}{HIERARCHY_SEPARATOR}{leaf}" if parent else leaf
        folded = fold(source)
        if parent and (fold(parent) == folded or fold(parent).startswith(folded + HIERARCHY_SEPARATOR)):
            raise CatalogError(f"cannot move {source!r} under {parent!r}, which is inside it; choose another parent")
        if new == source:
            raise CatalogError(f"{source!r} is there already")
        existing = self.catalog.tags.by_name(new)
        what = f"under '{parent}'" if parent else "to the top level"
        if existing is not None and existing.name.casefold() != source.casefold():
            return self._apply("move", source, existing.name, f"Move '{source}' {what} (merged with '{existing.name}')")
        return self._apply("move", source, new, f"Move '{source}' {what}")

    def albums_naming(self, name: str) -> list[str]:
        """The names of the smart albums whose query names the tag ``name`` (or a tag below it)."""
        source = _require(self.catalog, name)
        return [a.name for a in self.catalog.albums.all() if names_tag(a.query, source)]

    def _rewrite_albums(self, source: str, target: str | None) -> tuple[tuple[tuple[int, str, str], ...], list[str]]:
        rewritten: list[tuple[int, str, str]] = []
        names: list[str] = []
        for album in self.catalog.albums.all():
            if target is None or fold(target) == fold(source):  # delete, or a case-only rename: still matches
                if target is None and names_tag(album.query, source):
                    names.append(album.name)
                continue
            new = rewrite_query(album.query, source, target)
            if new is not None:
                self.catalog.albums.update(album.id, query=new)
                rewritten.append((album.id, album.query, new))
                names.append(album.name)
        return tuple(rewritten), names

    def _apply(self, op: str, source: str, target: str | None, text: str) -> TagEdit:
        catalog = self.catalog
        roots = [source] + ([target] if target else [])
        with catalog.transaction():
            albums, album_names = self._rewrite_albums(source, target)
            before = tuple(catalog.tag_admin.subtree_photo_tags(roots))
            existed = frozenset(n for r in roots for n in catalog.tag_admin.subtree_names(r))
            if target is None:
                catalog.tag_admin.delete_subtree(source)
            elif target.casefold() == source.casefold():  # only the case changes
                catalog.tag_admin.recase_subtree(source, target)
            else:
                catalog.tags.rename(source, target)
        photos = tuple(sorted({t.photo_id for t in before}))
        text = f"{text} ({_photos(len(photos))})"
        if album_names:
            listed = ", ".join(f"'{n}'" for n in album_names)
            text += (f"; smart albums still naming it, unchanged: {listed}" if target is None
                     else f"; smart albums updated: {listed}")
        return TagEdit(op, source, target, text, photos, before, existed, albums, tuple(album_names))

    # -- undo / redo ----------------------------------------------------------------------------

    def undo(self, edit: TagEdit) -> None:
        """Put every photo tag of both subtrees back exactly as it was, and drop tags the edit created."""
        catalog = self.catalog
        roots = [edit.source] + ([edit.target] if edit.target else [])
        with catalog.transaction():
            now = {n for r in roots for n in catalog.tag_admin.subtree_names(r)}
            for root in roots:
                catalog.tag_admin.clear_subtree(root)
            if edit.target and edit.target.casefold() == edit.source.casefold():
                catalog.tag_admin.recase_subtree(edit.target, edit.source)
            for tag in edit.before:
                catalog.tags.restore(tag)
            catalog.tag_admin.drop_unused(now - edit.existed)
            for album_id, before, after in edit.albums:
                album = catalog.albums.get(album_id)
                if album is not None and album.query == after:  # edited since: the person's text wins
                    catalog.albums.update(album_id, query=before)

    def redo(self, edit: TagEdit) -> TagEdit:
        """Apply the same edit again (after :meth:`undo`)."""
        if edit.op == "delete":
            return self.delete(edit.source)
        if edit.op == "merge":
            return self.merge(edit.source, edit.target or "")
        assert edit.target is not None
        if edit.op == "move" or self.catalog.tags.by_name(edit.target) is None or \
                edit.target.casefold() == edit.source.casefold():
            base = edit.description[:edit.description.find(f" ({_photos(len(edit.photo_ids))})")]
            return self._apply(edit.op, edit.source, edit.target, base)
        return self.rename(edit.source, edit.target)
