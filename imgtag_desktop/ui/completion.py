"""Tag-name completion that ignores case and accents: typing ``zurich`` offers ``places|Zürich``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QIdentityProxyModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QCompleter

from ..core.folding import fold

FoldRole = Qt.ItemDataRole.UserRole + 40


class _Folded(QIdentityProxyModel):
    """The names as they are, plus their folded form under :data:`FoldRole`."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == FoldRole:
            text = super().data(index, Qt.ItemDataRole.DisplayRole)
            return fold(text) if isinstance(text, str) else ""
        return super().data(index, role)


class FoldingCompleter(QCompleter):
    """A contains-completer over a list model of names, matching folded text, inserting the real name."""

    def __init__(self, names: QAbstractItemModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folded = _Folded(self)
        self._folded.setSourceModel(names)
        self.setModel(self._folded)
        self.setCompletionRole(FoldRole)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)

    def splitPath(self, path: str) -> list[str]:
        return [fold(path)]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")
