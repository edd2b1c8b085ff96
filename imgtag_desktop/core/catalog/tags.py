"""Tags and the tags on photos: state (suggested / approved / rejected), source, evidence."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..folding import fold
from ..query.parser import normalise_name
from .base import CatalogBase, CatalogError, Repository, in_chunks
from .decisions import DecisionsRepository
from .records import PhotoTag, Tag, TagCount, TagSource, TagState

HIERARCHY_SEPARATOR = "|"


def normalise_tag_name(name: str) -> str:
    """Trim whitespace around the name and each ``|`` component (as the query language does);
    reject empty names and names that are not UTF-8 text."""
    if any("\udc80" <= ch <= "\udcff" for ch in name):
        raise CatalogError(f"{name.encode('utf-8', 'surrogateescape')!r} is not UTF-8 text; type the tag name as UTF-8")
    normalised = normalise_name(name)
    if "" in normalised.split(HIERARCHY_SEPARATOR):
        raise CatalogError(f"{name!r} is not a valid tag name (empty, or an empty part between '|')")
    return normalised


ALIASES_SETTING = "tags.aliases"


def resolve_alias(name: str, aliases: Mapping[str, str]) -> str:
    """The name a suggestion called ``name`` is made as: an old name (or a tag below it) that was
    renamed or merged maps to the tag it became (``aliases``: lower-cased old name -> new name)."""
    if not aliases:
        return name
    parts = name.split(HIERARCHY_SEPARATOR)
    for depth in range(len(parts), 0, -1):
        target = aliases.get(HIERARCHY_SEPARATOR.join(parts[:depth]).lower())
        if target is not None:
            return HIERARCHY_SEPARATOR.join([target, *parts[depth:]])
    return name


class TagsRepository(Repository):
    """Tag vocabulary and photo tags. A rejected tag is never turned back into a suggestion.

    Every approve and reject (and removing a suggestion) is logged in ``decisions`` before it is
    written, so the suggestions can learn from it.
    """

    def __init__(self, db: CatalogBase, decisions: DecisionsRepository | None = None) -> None:
        super().__init__(db)
        self._decisions = decisions

    def _note(self, photo_ids: Sequence[int], name: str, new_state: str, action: str) -> None:
        if self._decisions is not None:
            self._decisions.note(photo_ids, name, new_state, action)

    # -- aliases: old names of renamed and merged tags ------------------------------------------

    def aliases(self) -> dict[str, str]:
        """Lower-cased old tag names -> the tag each was renamed or merged into (for suggestions)."""
        stored = self._db.get_setting(ALIASES_SETTING, {})
        return {str(k): str(v) for k, v in stored.items()} if isinstance(stored, dict) else {}

    def set_aliases(self, aliases: Mapping[str, str]) -> None:
        self._db.set_setting(ALIASES_SETTING, dict(aliases))

    def record_alias(self, old: str, new: str) -> None:
        """From now on a suggestion named ``old`` (or a tag below it) is made as ``new``; aliases
        that led to ``old`` lead to ``new``, and ``new`` itself stops being an alias."""
        new_key = new.lower()
        aliases = {k: resolve_alias(v, {old.lower(): new}) for k, v in self.aliases().items()
                   if k != new_key and not k.startswith(new_key + HIERARCHY_SEPARATOR)}
        if old.lower() != new_key:
            aliases[old.lower()] = new
        self.set_aliases(aliases)

    # -- vocabulary -----------------------------------------------------------------------------

    def ensure(self, name: str) -> Tag:
        """The tag with this name, created (with its parents for ``a|b``) when new."""
        name = normalise_tag_name(name)
        existing = self.by_name(name)
        if existing:
            return existing
        with self.transaction() as conn:
            parent_id: int | None = None
            parts = name.split(HIERARCHY_SEPARATOR)
            for depth in range(1, len(parts) + 1):
                full = HIERARCHY_SEPARATOR.join(parts[:depth])
                row = conn.execute("SELECT id FROM tags WHERE name = ?", (full,)).fetchone()
                if row is None:
                    cur = conn.execute(
                        "INSERT INTO tags (name, leaf, parent_id, fold) VALUES (?, ?, ?, ?)",
                        (full, parts[depth - 1], parent_id, fold(full)),
                    )
                    parent_id = int(cur.lastrowid or 0)
                else:
                    parent_id = int(row[0])
        tag = self.by_name(name)
        assert tag is not None
        return tag

    def by_name(self, name: str) -> Tag | None:
        row = self._conn.execute(
            "SELECT id, name, leaf, parent_id FROM tags WHERE name = ?", (name.strip(),)
        ).fetchone()
        return Tag(*row) if row else None

    def names(self, *, states: Sequence[TagState] | None = None) -> list[str]:
        """Tag names sorted case-insensitively: every tag (for completion), or with ``states`` only
        those on at least one photo in one of these states (``("approved",)``: the library's own
        vocabulary for the pipeline)."""
        if not states:
            return [r[0] for r in self._conn.execute("SELECT name FROM tags ORDER BY name COLLATE NOCASE")]
        rows = self._conn.execute(
            "SELECT t.name FROM tags t WHERE EXISTS (SELECT 1 FROM photo_tags pt WHERE pt.tag_id = t.id"
            f" AND pt.state IN ({','.join('?' * len(states))})) ORDER BY t.name COLLATE NOCASE",
            list(states),
        )
        return [str(r[0]) for r in rows]

    def names_on(self, photo_id: int, *, states: Sequence[TagState] | None = None) -> list[str]:
        """The names of a photo's tags (in these states; all states when None: the tags imgtag
        manages on the photo), sorted case-insensitively."""
        state_sql = f" AND pt.state IN ({','.join('?' * len(states))})" if states else ""
        rows = self._conn.execute(
            "SELECT t.name FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id"
            f" WHERE pt.photo_id = ?{state_sql} ORDER BY t.name COLLATE NOCASE",
            [photo_id, *(states or ())],
        )
        return [str(r[0]) for r in rows]

    def states_on(self, photo_id: int) -> dict[str, TagState]:
        """A photo's tags (lower-cased names) and their states."""
        return {t.name.lower(): t.state for t in self.photo_tags(photo_id)}

    def with_counts(self, *, include_unused: bool = False) -> list[TagCount]:
        """Every tag with its per-state photo counts, sorted by name."""
        rows = self._conn.execute(
            "SELECT t.id, t.name, t.leaf, t.parent_id,"
            " count(CASE WHEN pt.state = 'approved' THEN 1 END),"
            " count(CASE WHEN pt.state = 'suggested' THEN 1 END),"
            " count(CASE WHEN pt.state = 'rejected' THEN 1 END)"
            " FROM tags t LEFT JOIN photo_tags pt ON pt.tag_id = t.id"
            " GROUP BY t.id ORDER BY t.name COLLATE NOCASE"
        )
        counts = [TagCount(Tag(r[0], r[1], r[2], r[3]), r[4], r[5], r[6]) for r in rows]
        if include_unused:
            return counts
        return [c for c in counts if c.approved or c.suggested or c.rejected]

    def rename(self, old: str, new: str) -> Tag:
        """Rename a tag everywhere (merging into ``new`` when it exists already).

        The tags below it move along (``places|paris`` becomes ``locations|paris``): deleting
        the old tag cascades to its children, so their photo tags are moved first."""
        source = self.by_name(old)
        if source is None:
            raise CatalogError(f"there is no tag {old!r}")
        new = normalise_tag_name(new)
        prefix = source.name + HIERARCHY_SEPARATOR
        if new.casefold().startswith(prefix.casefold()):
            raise CatalogError(f"cannot rename {source.name!r} to {new!r}, a tag below itself; choose another name")
        with self.transaction() as conn:
            target = self.ensure(new)
            if target.id == source.id:
                return target
            children = conn.execute(
                "SELECT id, name FROM tags WHERE name > ? AND name < ? ORDER BY length(name)",
                (prefix, source.name + "}"),  # '}' follows '|': the range holds exactly the descendants
            ).fetchall()
            moves = [(source.id, target.id)]
            moves += [(int(cid), self.ensure(new + str(cname)[len(source.name):]).id) for cid, cname in children]
            for from_id, to_id in moves:
                # Keep the stronger state when a photo has both: approved > rejected > suggested.
                conn.execute(
                    "INSERT INTO photo_tags (photo_id, tag_id, state, source, keyword_score, visual_score,"
                    " model_version, created_at, updated_at)"
                    " SELECT photo_id, ?, state, source, keyword_score, visual_score, model_version,"
                    " created_at, updated_at FROM photo_tags WHERE tag_id = ?"
                    " ON CONFLICT (photo_id, tag_id) DO UPDATE SET state = CASE"
                    "  WHEN 'approved' IN (excluded.state, photo_tags.state) THEN 'approved'"
                    "  WHEN 'rejected' IN (excluded.state, photo_tags.state) THEN 'rejected'"
                    "  ELSE 'suggested' END",
                    (to_id, from_id),
                )
            conn.execute("DELETE FROM tags WHERE id = ?", (source.id,))
        return target

    # -- tags on photos -------------------------------------------------------------------------

    def photo_tags(self, photo_id: int, *, states: Sequence[TagState] | None = None) -> list[PhotoTag]:
        """The tags of one photo: approved first, then suggested by score, then rejected."""
        return self.photo_tags_of([photo_id], states=states).get(photo_id, [])

    def photo_tags_of(
        self, photo_ids: Sequence[int], *, states: Sequence[TagState] | None = None
    ) -> dict[int, list[PhotoTag]]:
        """The tags of many photos in one query per 500 ids, each list ordered as :meth:`photo_tags`."""
        result: dict[int, list[PhotoTag]] = {}
        state_sql = f" AND pt.state IN ({','.join('?' * len(states))})" if states else ""
        for chunk, marks in in_chunks(list(dict.fromkeys(photo_ids))):
            rows = self._conn.execute(
                "SELECT pt.photo_id, t.id, t.name, t.leaf, t.parent_id, pt.state, pt.source, pt.keyword_score,"
                " pt.visual_score, pt.model_version, pt.created_at, pt.updated_at"
                f" FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.photo_id IN ({marks}){state_sql}"
                " ORDER BY pt.photo_id, CASE pt.state WHEN 'approved' THEN 0 WHEN 'suggested' THEN 1 ELSE 2 END,"
                " pt.visual_score DESC, t.name COLLATE NOCASE",
                [*chunk, *(states or ())],
            )
            for r in rows:
                result.setdefault(int(r[0]), []).append(_photo_tag(r))
        return result

    def put(
        self,
        photo_ids: Iterable[int],
        name: str,
        state: TagState,
        source: TagSource = "manual",
    ) -> Tag:
        """Put a tag on photos in a state (insert, or change the state of an existing one)."""
        tag = self.ensure(name)
        now = time.time()
        ids = list(photo_ids)
        with self.transaction() as conn:
            self._note(ids, tag.name, state, "add" if source == "manual" and state == "approved" else state)
            conn.executemany(
                "INSERT INTO photo_tags (photo_id, tag_id, state, source, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (photo_id, tag_id) DO UPDATE SET state = excluded.state,"
                " updated_at = excluded.updated_at",
                [(pid, tag.id, state, source, now, now) for pid in ids],
            )
        return tag

    def add(self, photo_ids: int | Iterable[int], name: str) -> Tag:
        """Add a tag by hand: manual tags are approved."""
        ids = [photo_ids] if isinstance(photo_ids, int) else list(photo_ids)
        return self.put(ids, name, "approved", "manual")

    def approve(self, photo_id: int, name: str) -> None:
        self._change_state(photo_id, name, "approved")

    def reject(self, photo_id: int, name: str) -> None:
        """Reject a tag: it stays recorded so that no later run suggests it again."""
        self._change_state(photo_id, name, "rejected")

    def remove(self, photo_ids: int | Iterable[int], name: str) -> int:
        """Take a tag off photos entirely. Returns how many photos had it."""
        ids = [photo_ids] if isinstance(photo_ids, int) else list(photo_ids)
        tag = self.by_name(name)
        if tag is None:
            return 0
        with self.transaction() as conn:
            self._note(ids, tag.name, "removed", "remove")
            return conn.executemany(
                "DELETE FROM photo_tags WHERE photo_id = ? AND tag_id = ?", [(pid, tag.id) for pid in ids]
            ).rowcount

    def restore(self, tag: PhotoTag) -> None:
        """Put back a photo tag exactly as it was (for undo)."""
        t = self.ensure(tag.tag.name)
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO photo_tags (photo_id, tag_id, state, source, keyword_score, visual_score,"
                " model_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (tag.photo_id, t.id, tag.state, tag.source, tag.keyword_score, tag.visual_score,
                 tag.model_version, tag.created_at, tag.updated_at),
            )

    def _change_state(self, photo_id: int, name: str, state: TagState) -> None:
        tag = self.by_name(name)
        with self.transaction() as conn:
            if tag is None or not conn.execute(
                "SELECT 1 FROM photo_tags WHERE photo_id = ? AND tag_id = ?", (photo_id, tag.id)
            ).fetchone():
                self.put([photo_id], name, state, "manual")
                return
            self._note([photo_id], tag.name, state, "approve" if state == "approved" else "reject")
            conn.execute(
                "UPDATE photo_tags SET state = ?, updated_at = ? WHERE photo_id = ? AND tag_id = ?",
                (state, time.time(), photo_id, tag.id),
            )


def _photo_tag(r: Any) -> PhotoTag:
    return PhotoTag(
        photo_id=r[0],
        tag=Tag(r[1], r[2], r[3], r[4]),
        state=r[5],
        source=r[6],
        keyword_score=r[7],
        visual_score=r[8],
        model_version=r[9],
        created_at=r[10],
        updated_at=r[11],
    )
