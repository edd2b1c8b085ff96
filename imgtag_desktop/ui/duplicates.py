"""The duplicates view: groups of near-identical photos, a keeper per group, merged tags,
and an undoable move of the others into a folder the person chooses. Nothing is deleted."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPoint, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap, QUndoCommand
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..core.duplicates import DuplicateGroup, MoveRecord, move_photos, undo_move
from ..jobs import CatalogActionJob, JobStats, when_finished
from .session import Session
from .status import JobsController

THUMB = 180


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("DuplicatesDialog", text, None, n)


class MovePhotosCommand(QUndoCommand):
    """Edit > Undo for a move out of the library: the files go back, the photos come back."""

    def __init__(self, session: Session, jobs: JobsController, record: MoveRecord, folder: Path) -> None:
        super().__init__(_tr("move %n photo(s) to %1", len(record.photo_ids)).replace("%1", folder.name))
        self.session, self.jobs, self.record, self.folder = session, jobs, record, folder
        self._first = True

    def redo(self) -> None:
        if self._first:  # the move already happened when the command was pushed
            self._first = False
            return
        ids = list(self.record.photo_ids)

        def again(catalog: object) -> MoveRecord:
            return move_photos(catalog, ids, self.folder)  # type: ignore[arg-type]

        job = CatalogActionJob(self.session.library, "move", _tr("Moving photos"), again)
        when_finished(job, self.jobs, self._moved_again)
        self.jobs.submit(job)

    def _moved_again(self, stats: JobStats) -> None:
        if isinstance(stats.detail.get("result"), MoveRecord):
            self.record = stats.detail["result"]  # type: ignore[assignment]
        self.session.announce(self.record.photo_ids)

    def undo(self) -> None:
        record = self.record

        def back(catalog: object) -> None:
            undo_move(catalog, record)  # type: ignore[arg-type]

        job = CatalogActionJob(self.session.library, "move", _tr("Putting photos back"), back)
        when_finished(job, self.jobs, lambda _s: self.session.announce(record.photo_ids))
        self.jobs.submit(job)


class DuplicatesDialog(QDialog):
    """Groups on the left; the chosen group's photos on the right, the keeper marked ★."""

    def __init__(self, session: Session, jobs: JobsController, groups: list[DuplicateGroup],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.jobs = session, jobs
        self.groups = list(groups)
        self.keepers = {i: g.photo_ids[0] for i, g in enumerate(self.groups)}
        self.setWindowTitle(self.tr("Duplicates"))
        self.resize(1000, 560)

        self.group_list = QListWidget(self)
        self.group_list.setObjectName("duplicateGroups")
        self.photos = QListWidget(self)
        self.photos.setObjectName("duplicatePhotos")
        self.photos.setViewMode(QListView.ViewMode.IconMode)
        self.photos.setIconSize(QSize(THUMB, THUMB))
        self.photos.setGridSize(QSize(THUMB + 24, THUMB + 48))
        self.photos.setResizeMode(QListView.ResizeMode.Adjust)
        self.photos.setMovement(QListView.Movement.Static)
        self.photos.setWordWrap(True)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.keep_button = QPushButton(self.tr("&Keep this one"), self)
        self.keep_button.setToolTip(self.tr("Make the selected photo the one to keep in this group"))
        self.merge_button = QPushButton(self.tr("&Merge tags onto the keeper"), self)
        self.merge_button.setToolTip(self.tr("Give the keeper every approved tag of the other photos in the group"))
        self.move_button = QPushButton(self.tr("Mo&ve the others to a folder…"), self)
        self.move_button.setToolTip(self.tr("Move the other photos of the group out of the library "
                                            "(Edit > Undo puts them back); nothing is deleted"))

        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.hint)
        column.addWidget(self.photos, 1)
        row = QHBoxLayout()
        for b in (self.keep_button, self.merge_button, self.move_button):
            row.addWidget(b)
        row.addStretch(1)
        column.addLayout(row)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.group_list)
        splitter.addWidget(right)
        splitter.setSizes([260, 740])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        self.group_list.currentRowChanged.connect(self._show_group)
        self.keep_button.clicked.connect(self.keep_selected)
        self.merge_button.clicked.connect(self.merge_tags)
        self.move_button.clicked.connect(self.ask_move)
        self._items: dict[int, QListWidgetItem] = {}
        session.loader.loaded.connect(self._on_thumbnail)
        self._fill_groups()

    # -- display ----------------------------------------------------------------------------------

    def _fill_groups(self) -> None:
        self.group_list.clear()
        for i, g in enumerate(self.groups):
            text = self.tr("Group %1 — %n photo(s)", "", len(g.photo_ids)).replace("%1", str(i + 1))
            item = QListWidgetItem(f"{text} · {g.similarity:.2f}")
            item.setToolTip(self.tr("Lowest similarity of the photos in the group: %1").replace(
                "%1", f"{g.similarity:.3f}"))
            self.group_list.addItem(item)
        empty = not self.groups
        for b in (self.keep_button, self.merge_button, self.move_button):
            b.setEnabled(not empty)
        if empty:
            self.hint.setText(self.tr("No near-duplicates found. Photos are compared by how they look "
                                      "(after tagging also by what they show)."))
            self._items = {}
            self.photos.clear()
        else:
            self.group_list.setCurrentRow(0)

    def current_group(self) -> int:
        return self.group_list.currentRow()

    def _show_group(self, row: int) -> None:
        self._items = {}
        self.photos.clear()
        if not 0 <= row < len(self.groups):
            return
        keeper = self.keepers[row]
        self.hint.setText(self.tr("★ marks the photo to keep. Select another and press “Keep this one” "
                                  "to change it."))
        catalog = self.session.catalog
        for photo_id in self.groups[row].photo_ids:
            photo = catalog.photos.get(photo_id)  # one row by key
            if photo is None:
                continue
            size = f"{photo.width}×{photo.height}" if photo.width else "?"
            label = f"{'★ ' if photo_id == keeper else ''}{photo.path.name}\n{size}"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, photo_id)
            item.setToolTip(photo.display_path)
            item.setSizeHint(QSize(THUMB + 20, THUMB + 44))
            self.photos.addItem(item)
            self._items[photo_id] = item
            self.session.loader.request(("dup", photo_id), photo.path, photo.fingerprint, THUMB)

    def _on_thumbnail(self, key: object, image: QImage) -> None:
        if not (isinstance(key, tuple) and key and key[0] == "dup"):
            return
        # Items are looked up in our own map: after QListWidget.clear() PySide may hand back a
        # stale wrapper from item(i) for a new item at a reused address.
        item = self._items.get(key[1])
        if item is not None:
            try:
                item.setIcon(QIcon(QPixmap.fromImage(image)))
            except RuntimeError:  # the group changed while the thumbnail was on its way
                pass

    def done(self, result: int) -> None:
        try:
            self.session.loader.loaded.disconnect(self._on_thumbnail)
        except (RuntimeError, TypeError):
            pass
        super().done(result)

    # -- actions ----------------------------------------------------------------------------------

    def keep_selected(self) -> None:
        row, item = self.current_group(), self.photos.currentItem()
        if row < 0 or item is None:
            return
        self.keepers[row] = int(item.data(Qt.ItemDataRole.UserRole))
        self._show_group(row)

    def _others(self, row: int) -> list[int]:
        return [i for i in self.groups[row].photo_ids if i != self.keepers[row]]

    def merge_tags(self) -> None:
        row = self.current_group()
        if row < 0:
            return
        keeper, others = self.keepers[row], self._others(row)

        def merge(catalog: object) -> list[str]:
            return catalog.duplicates.merge_tags(keeper, others)  # type: ignore[attr-defined, no-any-return]

        job = CatalogActionJob(self.session.library, "merge", self.tr("Merging tags"), merge)
        when_finished(job, self, lambda stats: self._merged(keeper, stats))
        self.jobs.submit(job)

    def _merged(self, keeper: int, stats: JobStats) -> None:
        names = list(stats.detail.get("result") or [])  # type: ignore[call-overload]
        self.session.announce([keeper])
        self.hint.setText(self.tr("%n tag(s) merged onto the keeper", "", len(names)) if not stats.error
                          else stats.error)

    def ask_move(self) -> None:
        row = self.current_group()
        if row < 0:
            return
        start = self.session.settings.last_folder or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Move the other photos to which folder?"), start)
        if folder:
            self.move_others(Path(folder))

    def move_others(self, folder: Path) -> None:
        """Move every photo of the current group except the keeper into ``folder`` (undoable)."""
        row = self.current_group()
        if row < 0:
            return
        others = self._others(row)

        def move(catalog: object) -> MoveRecord:
            return move_photos(catalog, others, folder)  # type: ignore[arg-type]

        job = CatalogActionJob(self.session.library, "move", self.tr("Moving photos"), move)
        when_finished(job, self, lambda stats: self._moved(row, folder, stats))
        self.jobs.submit(job)

    def _moved(self, row: int, folder: Path, stats: JobStats) -> None:
        record = stats.detail.get("result")
        if stats.error or not isinstance(record, MoveRecord):
            self.hint.setText(stats.error or self.tr("Nothing was moved"))
            return
        self.session.undo_stack.push(MovePhotosCommand(self.session, self.jobs, record, folder))
        self.session.announce(record.photo_ids)
        group = self.groups[row]
        kept = tuple(i for i in group.photo_ids if i not in record.photo_ids)
        if len(kept) > 1:
            self.groups[row] = DuplicateGroup(kept, group.similarity)
        else:
            keepers = [self.keepers[i] for i in range(len(self.groups)) if i != row]
            del self.groups[row]
            self.keepers = dict(enumerate(keepers))
        self._fill_groups()
        self.hint.setText(self.tr("%n photo(s) moved to %1 (Edit > Undo puts them back)", "",
                                  len(record.photo_ids)).replace("%1", str(folder)))


def install_grid_menu(grid: QWidget, registry: object) -> None:
    """The photo grid's context menu: the commands that act on the photos under the pointer."""
    from PySide6.QtWidgets import QMenu

    def show(pos: QPoint) -> None:
        menu = QMenu(grid)
        for action_id in ("find_similar", "tag_selection", "add_tag", "remove_from_selection"):
            menu.addAction(registry[action_id])  # type: ignore[index]
        menu.exec(grid.mapToGlobal(pos))

    grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    grid.customContextMenuRequested.connect(show)
