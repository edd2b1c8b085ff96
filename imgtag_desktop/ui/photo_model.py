"""The photo grid's list model: one row per photo, thumbnails fetched lazily off the GUI thread."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QImage, QPixmap

from ..core.catalog import GridRow, Photo, TagStateCounts
from ..core.confidence import shown_confidence
from ..jobs.thumbnails import ImageLoader

Index = QModelIndex | QPersistentModelIndex


class PhotoRoles:
    PhotoId = Qt.ItemDataRole.UserRole + 1
    Path = Qt.ItemDataRole.UserRole + 2
    Suggested = Qt.ItemDataRole.UserRole + 3
    Approved = Qt.ItemDataRole.UserRole + 4
    Rejected = Qt.ItemDataRole.UserRole + 5
    Score = Qt.ItemDataRole.UserRole + 6
    Status = Qt.ItemDataRole.UserRole + 7
    Thumbnail = Qt.ItemDataRole.UserRole + 8
    Error = Qt.ItemDataRole.UserRole + 9


@dataclass(frozen=True)
class PhotoItem:
    """What the grid shows about a photo (a snapshot; rebuilt when the catalog changes)."""

    id: int
    path: Path
    name: str
    fingerprint: str | None
    status: str
    error: str | None = None
    suggested: int = 0
    approved: int = 0
    rejected: int = 0
    score: float | None = None  # the reviewed tag's score, in review-by-tag mode

    @classmethod
    def from_row(cls, row: GridRow, score: float | None = None) -> PhotoItem:
        return cls(row.id, row.path, row.path.name, row.fingerprint, row.status, row.error,
                   row.suggested, row.approved, row.rejected, score)

    @classmethod
    def from_photo(cls, photo: Photo, counts: TagStateCounts | None = None, score: float | None = None) -> PhotoItem:
        c = counts or TagStateCounts()
        return cls(photo.id, photo.path, photo.path.name, photo.fingerprint, photo.status, photo.error,
                   c.suggested, c.approved, c.rejected, score)


PIXMAP_BUDGET = 48 * 1024 * 1024  # bytes of decoded thumbnails kept for the grid


def pixmap_limit(thumb_size: int) -> int:
    """How many thumbnails of this size fit the budget (at least a few screens' worth)."""
    return max(300, PIXMAP_BUDGET // (thumb_size * thumb_size * 4))


class PhotoListModel(QAbstractListModel):
    """Photos as rows. ``Thumbnail`` role returns a QPixmap when decoded, else None and requests it.

    Pixmaps are kept up to a memory budget (:data:`PIXMAP_BUDGET`, least recently used
    dropped; or ``cache_limit`` pixmaps when given), so 20,000 rows cost memory only for what
    was looked at recently. A fixed count of 1,500 pixmaps let a long session grow by ~150 MB
    at the default size and more at larger sizes.
    """

    thumbnail_failed = Signal(int, str, str)  # photo id, path, reason

    def __init__(self, loader: ImageLoader | None = None, *, thumb_size: int = 160, cache_limit: int | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[PhotoItem] = []
        self._rows: dict[int, int] = {}
        self._pixmaps: OrderedDict[int, QPixmap] = OrderedDict()
        self._broken: dict[int, str] = {}
        self.thumb_size = thumb_size
        self._fixed_limit = cache_limit
        self.cache_limit = cache_limit or pixmap_limit(thumb_size)
        self.loader = loader
        if loader is not None:
            loader.loaded.connect(self._on_loaded)
            loader.failed.connect(self._on_failed)

    # -- content ------------------------------------------------------------------------------

    def set_items(self, items: Sequence[PhotoItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._rows = {it.id: row for row, it in enumerate(self._items)}
        self.endResetModel()

    def items(self) -> list[PhotoItem]:
        return list(self._items)

    def item(self, row: int) -> PhotoItem:
        return self._items[row]

    def row_of(self, photo_id: int) -> int:
        return self._rows.get(photo_id, -1)

    def index_of(self, photo_id: int) -> QModelIndex:
        row = self.row_of(photo_id)
        return self.index(row, 0) if row >= 0 else QModelIndex()

    def photo_ids(self) -> list[int]:
        return [it.id for it in self._items]

    def update_counts(self, counts: dict[int, TagStateCounts], photo_ids: Iterable[int]) -> None:
        """New tag counts for these photos (absent from ``counts`` = no tags); repaints their cells."""
        rows = []
        for pid in photo_ids:
            row = self._rows.get(pid, -1)
            if row < 0:
                continue
            c = counts.get(pid, TagStateCounts())
            self._items[row] = replace(self._items[row], suggested=c.suggested, approved=c.approved,
                                       rejected=c.rejected)
            rows.append(row)
        for row in rows:
            idx = self.index(row, 0)
            self.dataChanged.emit(idx, idx, [PhotoRoles.Suggested, PhotoRoles.Approved, PhotoRoles.Rejected])

    def update_scores(self, scores: dict[int, float | None]) -> None:
        for pid, score in scores.items():
            row = self._rows.get(pid, -1)
            if row >= 0:
                self._items[row] = replace(self._items[row], score=score)
                idx = self.index(row, 0)
                self.dataChanged.emit(idx, idx, [PhotoRoles.Score])

    def set_thumb_size(self, size: int) -> None:
        if size != self.thumb_size:
            self.thumb_size = size
            self.cache_limit = self._fixed_limit or pixmap_limit(size)
            self._pixmaps.clear()
            if self.loader is not None:
                self.loader.drop_queued()
            if self._items:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, 0))

    # -- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._items)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        it = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return it.name
        if role == PhotoRoles.PhotoId:
            return it.id
        if role == PhotoRoles.Path:
            return str(it.path)
        if role == PhotoRoles.Suggested:
            return it.suggested
        if role == PhotoRoles.Approved:
            return it.approved
        if role == PhotoRoles.Rejected:
            return it.rejected
        if role == PhotoRoles.Score:
            return it.score
        if role == PhotoRoles.Status:
            return self.status_of(it)
        if role == PhotoRoles.Error:
            return self._broken.get(it.id) or it.error
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [str(it.path), f"{it.approved} approved · {it.suggested} suggested · {it.rejected} rejected"]
            if it.score is not None:
                lines.append(f"score {shown_confidence(it.score):.2f}")
            reason = self._broken.get(it.id) or it.error
            if reason:
                lines.append(f"Problem: {reason}")
            return "\n".join(lines)
        if role in (PhotoRoles.Thumbnail, Qt.ItemDataRole.DecorationRole):
            return self.thumbnail(it)
        return None

    # -- thumbnails ---------------------------------------------------------------------------

    def status_of(self, it: PhotoItem) -> str:
        return "broken" if it.id in self._broken and it.status == "ok" else it.status

    def thumbnail(self, it: PhotoItem) -> QPixmap | None:
        """The decoded thumbnail, or None after asking the loader for it."""
        pix = self._pixmaps.get(it.id)
        if pix is not None:
            self._pixmaps.move_to_end(it.id)
            return pix
        if self.loader is not None and it.status == "ok" and it.id not in self._broken:
            self.loader.request(("thumb", it.id, self.thumb_size), it.path, it.fingerprint, self.thumb_size)
        return None

    def _on_loaded(self, key: object, image: QImage) -> None:
        if not (isinstance(key, tuple) and key[0] == "thumb" and key[2] == self.thumb_size):
            return
        pid = int(key[1])
        row = self._rows.get(pid, -1)
        if row < 0:
            return
        self._pixmaps[pid] = QPixmap.fromImage(image)
        while len(self._pixmaps) > self.cache_limit:
            self._pixmaps.popitem(last=False)
        idx = self.index(row, 0)
        self.dataChanged.emit(idx, idx, [PhotoRoles.Thumbnail])

    def _on_failed(self, key: object, reason: str) -> None:
        if not (isinstance(key, tuple) and key[0] == "thumb"):
            return
        pid = int(key[1])
        self._broken[pid] = reason
        row = self._rows.get(pid, -1)
        if row >= 0:
            idx = self.index(row, 0)
            self.dataChanged.emit(idx, idx, [PhotoRoles.Thumbnail, PhotoRoles.Status])
            self.thumbnail_failed.emit(pid, str(self._items[row].path), reason)
