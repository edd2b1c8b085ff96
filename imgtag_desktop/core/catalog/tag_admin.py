"""Library-wide tag administration reads and writes: a tag's subtree, deleting a subtree,
dropping vocabulary rows nothing uses. The use cases (rename, merge, delete, move, undo) are
in :mod:`imgtag_desktop.services.tag_manager`."""

from __future__ import annotations

from collections.abc import Iterable

from .base import Repository
from .records import PhotoTag
from .tags import HIERARCHY_SEPARATOR, _photo_tag

# '}' is the character after '|': the range (name|, name}) holds exactly a tag's descendants.
_SUBTREE = "(t.name = ? OR (t.name > ? AND t.name < ?))"


def _subtree_args(name: str) -> tuple[str, str, str]:
    return name, name + HIERARCHY_SEPARATOR, name + "}"


class TagAdminRepository(Repository):
    """Reads and writes on whole tag subtrees (a tag and every ``tag|...`` below it): ``catalog.tag_admin``."""

    def subtree_names(self, name: str) -> list[str]:
        """The stored names of a tag and of every tag below it (case-insensitive match)."""
        return [r[0] for r in self._conn.execute(
            f"SELECT t.name FROM tags t WHERE {_SUBTREE} ORDER BY length(t.name)", _subtree_args(name))]

    def subtree_photo_tags(self, names: Iterable[str]) -> list[PhotoTag]:
        """Every photo tag of these tags and the tags below them (for an exact undo)."""
        rows: list[PhotoTag] = []
        for name in dict.fromkeys(names):
            rows += [_photo_tag(r) for r in self._conn.execute(
                "SELECT pt.photo_id, t.id, t.name, t.leaf, t.parent_id, pt.state, pt.source, pt.keyword_score,"
                " pt.visual_score, pt.model_version, pt.created_at, pt.updated_at"
                f" FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE {_SUBTREE}", _subtree_args(name))]
        return rows

    def delete_subtree(self, name: str) -> int:
        """Delete a tag and every tag below it, with their photo tags. Returns how many photo tags went."""
        with self.transaction() as conn:
            removed = conn.execute(
                f"DELETE FROM photo_tags WHERE tag_id IN (SELECT t.id FROM tags t WHERE {_SUBTREE})",
                _subtree_args(name)).rowcount
            conn.execute(f"DELETE FROM tags WHERE id IN (SELECT t.id FROM tags t WHERE {_SUBTREE})",
                         _subtree_args(name))
        return int(removed)

    def clear_subtree(self, name: str) -> int:
        """Take a tag and the tags below it off every photo (the vocabulary rows stay)."""
        with self.transaction() as conn:
            return int(conn.execute(
                f"DELETE FROM photo_tags WHERE tag_id IN (SELECT t.id FROM tags t WHERE {_SUBTREE})",
                _subtree_args(name)).rowcount)

    def drop_unused(self, names: Iterable[str]) -> None:
        """Delete these vocabulary rows when no photo uses them or any tag below them."""
        with self.transaction() as conn:
            for name in sorted(set(names), key=len, reverse=True):  # children first
                conn.execute(
                    "DELETE FROM tags WHERE name = ? AND NOT EXISTS (SELECT 1 FROM photo_tags WHERE tag_id = tags.id)"
                    " AND NOT EXISTS (SELECT 1 FROM tags c WHERE c.parent_id = tags.id)", (name,))

    def recase_subtree(self, old: str, new: str) -> None:
        """Change only the case or accents-free spelling of a tag's name (``dog`` -> ``Dog``), keeping its id."""
        parts = new.split(HIERARCHY_SEPARATOR)
        with self.transaction() as conn:
            conn.execute(
                f"UPDATE tags SET name = ? || substr(name, ?) WHERE id IN (SELECT t.id FROM tags t WHERE {_SUBTREE})",
                (new, len(old) + 1, *_subtree_args(old)))
            conn.execute("UPDATE tags SET leaf = ? WHERE name = ?", (parts[-1], new))
            conn.execute("UPDATE tags SET fold = imgtag_fold(name)"
                         f" WHERE id IN (SELECT t.id FROM tags t WHERE {_SUBTREE})", _subtree_args(new))
