"""Undoable tag edits. Each command is applied to the catalog at once (saved), and undone exactly.

A command remembers, for every (photo, tag) it touches, the tag as it was before (or that it
was absent), so undo restores scores, source and timestamps, not just the state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from ..core.catalog import CatalogError, PhotoTag, normalise_tag_name
from .session import Session

TagOp = Literal["approve", "reject", "suggest", "remove", "add"]
OPS: tuple[TagOp, ...] = get_args(TagOp)


@dataclass(frozen=True)
class TagChange:
    """One operation on one tag of some photos: approve, reject, suggest (un-review), remove, add."""

    op: TagOp
    photo_ids: tuple[int, ...]
    name: str


def _tr(text: str) -> str:
    return QCoreApplication.translate("TagEdits", text)


def target_text(photo_ids: Sequence[int]) -> str:
    """How an action names its target: "1 photo" or "6 photos"."""
    return _tr("1 photo") if len(photo_ids) == 1 else _tr("{n} photos").format(n=len(photo_ids))


def describe_change(op: str, name: str, photo_ids: Sequence[int]) -> str:
    """The text of an edit, as menus, the status bar and Undo show it: "Approve 'dog' on 6 photos"."""
    template = {"approve": _tr("Approve '{tag}' on {target}"), "reject": _tr("Reject '{tag}' on {target}"),
                "suggest": _tr("Un-review '{tag}' on {target}"), "remove": _tr("Remove '{tag}' from {target}"),
                "add": _tr("Add '{tag}' to {target}")}[op]
    return template.format(tag=name, target=target_text(photo_ids))


def _describe(changes: Sequence[TagChange]) -> str:
    if len(changes) == 1:
        c = changes[0]
        return describe_change(c.op, c.name, c.photo_ids)
    return _tr("{n} tag edits").format(n=len(changes))


class TagEditCommand(QUndoCommand):
    """A list of :class:`TagChange` applied in order as one undo step."""

    def __init__(self, session: Session, changes: Sequence[TagChange], text: str | None = None) -> None:
        super().__init__(text or _describe(changes))
        for c in changes:
            if c.op not in OPS:
                raise ValueError(f"unknown tag operation {c.op!r}")
        self.session = session
        self.changes = [TagChange(c.op, tuple(c.photo_ids), normalise_tag_name(c.name)) for c in changes]
        self._before: dict[tuple[int, str], PhotoTag | None] = {}
        catalog = session.catalog
        # Tag names match case-insensitively in the catalog ("Dog" is the tag "dog"): remember
        # each tag under its stored name, or undo would miss it and remove the original.
        stored = {c.name: (t.name if (t := catalog.tags.by_name(c.name)) else c.name) for c in self.changes}
        touched = {(pid, stored[c.name]) for c in self.changes for pid in c.photo_ids}
        by_photo = {pid: {t.name: t for t in tags}
                    for pid, tags in catalog.tags.photo_tags_of([pid for pid, _ in touched]).items()}
        for pid, name in touched:
            self._before[(pid, name)] = by_photo.get(pid, {}).get(name)

    def photo_ids(self) -> list[int]:
        return sorted({pid for pid, _ in self._before})

    def redo(self) -> None:
        catalog = self.session.catalog
        with catalog.transaction():
            for c in self.changes:
                if c.op == "add":
                    catalog.tags.add(c.photo_ids, c.name)
                elif c.op == "remove":
                    catalog.tags.remove(c.photo_ids, c.name)
                else:
                    for pid in c.photo_ids:
                        if c.op == "approve":
                            catalog.tags.approve(pid, c.name)
                        elif c.op == "reject":
                            catalog.tags.reject(pid, c.name)
                        else:
                            catalog.tags.put([pid], c.name, "suggested", "model")
        self.session.announce(self.photo_ids(), edited=True)

    def undo(self) -> None:
        catalog = self.session.catalog
        with catalog.transaction():
            for (pid, name), before in self._before.items():
                if before is None:
                    catalog.tags.remove(pid, name)
                else:
                    catalog.tags.restore(before)
        self.session.announce(self.photo_ids(), edited=True)


def push_changes(session: Session, changes: Sequence[TagChange], text: str | None = None) -> bool:
    """Apply tag edits as one undo step. Returns False (and reports) when a name is invalid."""
    changes = [c for c in changes if c.photo_ids]
    if not changes:
        return False
    try:
        command = TagEditCommand(session, changes, text)
    except CatalogError as exc:
        session.error.emit(str(exc))
        return False
    session.undo_stack.push(command)
    session.status.emit(command.text())
    return True
