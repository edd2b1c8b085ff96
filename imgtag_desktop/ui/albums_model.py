"""Smart albums as a Qt list model with live counts.

:class:`AlbumsModel` lists the catalog's saved albums ("Dogs (128)"); ``refresh()`` reloads
them and their counts, and with ``poll_ms`` it watches the catalog's change token and recounts
by itself when tags change (from this window, a tagging job, or another process). Rename by
editing the display text; :meth:`add_album`, :meth:`edit_query`, :meth:`remove` for the rest.

:func:`sidebar_albums` is the hook the sidebar calls: ``(label, photo ids, tooltip)`` per album.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer

from ..core.catalog import Catalog, CatalogError
from ..core.catalog.albums import Album, SemanticSearchUnavailable
from ..core.query import QueryError

log = logging.getLogger(__name__)

AlbumIdRole = Qt.ItemDataRole.UserRole + 1
QueryRole = Qt.ItemDataRole.UserRole + 2
CountRole = Qt.ItemDataRole.UserRole + 3
NameRole = Qt.ItemDataRole.UserRole + 4

_Index = QModelIndex | QPersistentModelIndex


def album_label(album: Album, count: int | None) -> str:
    return f"{album.name} ({'?' if count is None else count})"


def album_tooltip(album: Album, count: int | None) -> str:
    tip = album.query
    if count is None:
        tip += "\nThe count needs the CLIP model (this album has a ~\"...\">floor term)."
    return tip


class AlbumsModel(QAbstractListModel):
    """The saved albums of a catalog with their photo counts."""

    def __init__(
        self,
        catalog: Catalog | str | os.PathLike[str],
        *,
        text_encoder: Callable[[str], Any] | None = None,
        poll_ms: int = 0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._owns_catalog = not isinstance(catalog, Catalog)
        self.catalog = catalog if isinstance(catalog, Catalog) else Catalog(catalog)
        self.text_encoder = text_encoder
        self._albums: list[Album] = []
        self._counts: dict[int, int | None] = {}
        self._token: tuple[int, int] | None = None
        self.last_error = ""
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh_if_changed)
        if poll_ms > 0:
            self._timer.start(poll_ms)
        self.refresh()

    # -- Qt model ---------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._albums)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._albums):
            return None
        album = self._albums[index.row()]
        count = self._counts.get(album.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return album_label(album, count)
        if role == Qt.ItemDataRole.EditRole or role == NameRole:
            return album.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return album_tooltip(album, count)
        if role == AlbumIdRole:
            return album.id
        if role == QueryRole:
            return album.query
        if role == CountRole:
            return count
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        try:
            self.catalog.albums.update(self._albums[index.row()].id, name=str(value))
        except CatalogError as exc:
            self.last_error = str(exc)
            return False
        self.refresh()
        return True

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        for role, name in ((AlbumIdRole, b"albumId"), (QueryRole, b"query"), (CountRole, b"count"),
                           (NameRole, b"name")):
            names[role] = QByteArray(name)
        return names

    # -- actions ------------------------------------------------------------------------------------

    def row_of(self, name: str) -> int:
        for row, album in enumerate(self._albums):
            if album.name == name:
                return row
        return -1

    def add_album(self, name: str, query: str) -> Album:
        """Save a new album; raises :class:`QueryError` or :class:`CatalogError` with the reason."""
        album = self.catalog.albums.add(name, query)
        self.refresh()
        return album

    def edit_query(self, row: int, query: str) -> None:
        self.catalog.albums.update(self._albums[row].id, query=query)
        self.refresh()

    def remove(self, row: int) -> None:
        self.catalog.albums.remove(self._albums[row].id)
        self.refresh()

    def refresh(self) -> None:
        """Reload the albums and recount them."""
        self._token = self.catalog.change_token()
        albums = self.catalog.albums.all()
        counts = self.catalog.albums.counts(text_encoder=self.text_encoder)
        if [a for a in albums] == self._albums:
            if counts != self._counts:
                self._counts = counts
                if albums:
                    self.dataChanged.emit(self.index(0), self.index(len(albums) - 1))
            return
        self.beginResetModel()
        self._albums, self._counts = albums, counts
        self.endResetModel()

    def refresh_if_changed(self) -> bool:
        """Recount when the catalog changed since the last refresh; returns whether it did."""
        if self.catalog.change_token() == self._token:
            return False
        self.refresh()
        return True

    def close(self) -> None:
        self._timer.stop()
        if self._owns_catalog:
            self.catalog.close()


def sidebar_albums(catalog: Catalog, text_encoder: Callable[[str], Any] | None = None
                   ) -> list[tuple[str, list[int], str]]:
    """``(label with count, photo ids, tooltip)`` for every album, for the sidebar.

    An album that cannot run now (a ``~"..."`` term without the CLIP model, or a query this
    version cannot parse) is listed with no photos and a tooltip saying why."""
    out: list[tuple[str, list[int], str]] = []
    for album in catalog.albums.all():
        try:
            ids = catalog.albums.search(album.query, text_encoder=text_encoder)
        except (SemanticSearchUnavailable, QueryError, CatalogError) as exc:
            out.append((album_label(album, None), [], f"{album.query}\n{exc}"))
            continue
        out.append((album_label(album, len(ids)), ids, album.query))
    return out
