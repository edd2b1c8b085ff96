"""The tag manager: rename, merge, delete and move tags across the library, undoably.

The edits are :class:`~imgtag_desktop.services.tag_manager.TagManager` calls (the same use case
as ``imgtag tags rename|merge|delete|move``) wrapped in an undo command. The dialog lists
every tag with its counts (read off the GUI thread) and filters ignoring case and accents;
the sidebar's tag context menu offers the same edits.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import Catalog, TagCount
from ..core.folding import fold
from ..services.tag_manager import TagEdit, TagManager
from .dialogs import TagPickerDialog, fit_to_screen
from .session import Session

COUNTS_KEY = "tag-manager-counts"


def _tr(text: str) -> str:
    return QCoreApplication.translate("TagManager", text)
NameRole = Qt.ItemDataRole.UserRole + 1
FoldRole = Qt.ItemDataRole.UserRole + 2


class TagAdminCommand(QUndoCommand):
    """One library-wide tag edit as one undo step ("Undo Rename 'dog' to 'puppy' (12 photos)").

    Undo and redo run on the query worker with a writable catalog (they touch every photo with
    the tag), in order with the reads that follow them."""

    def __init__(self, session: Session, edit: TagEdit) -> None:
        super().__init__(edit.description)
        self.session = session
        self.edit = edit
        self._first = True

    def redo(self) -> None:
        if self._first:  # the edit was applied before the command was made (its errors reach the person there)
            self._first = False
            self._announce()
            return

        def redo(catalog: Catalog) -> None:  # on the worker: undo and redo see each other in order
            self.edit = TagManager(catalog).redo(self.edit)

        self.session.queries.run(redo, lambda _r: self._announce(), write=True)

    def undo(self) -> None:
        self.session.queries.run(lambda catalog: TagManager(catalog).undo(self.edit), lambda _r: self._announce(),
                                 write=True)

    def _announce(self) -> None:
        self.session.announce(self.edit.photo_ids, edited=True)
        self.session.tags_changed.emit()


class TagManagerController(QObject):
    """Asks for the details of a tag edit, applies it through :class:`TagManager` on the query worker
    (a library-wide edit), then pushes the undo step. ``applied(edit)`` follows each edit (None
    when it was refused, after the warning)."""

    applied = Signal(object)

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.parent_widget = parent

    def _with_names(self, then: Callable[[list[str]], None]) -> None:
        self.session.queries.run(lambda catalog: catalog.tags.names(), then)

    def _pick(self, title: str, prompt: str, names: list[str], then: Callable[[str], object]) -> None:
        dialog = TagPickerDialog(title, prompt, names, self.parent_widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: then(dialog.name()) if dialog.name() else None)
        dialog.open()

    def rename(self, name: str) -> bool:
        text, ok = QInputDialog.getText(self.parent_widget, _tr("Rename tag"),
                                        _tr("New name for '{tag}' on every photo (use a|b for a hierarchy):")
                                        .format(tag=name),
                                        text=name)
        return bool(ok) and bool(text.strip()) and self.apply("rename", name, text)

    def merge(self, name: str) -> None:
        prompt = _tr("Merge '{tag}' into which tag? Every photo with '{tag}' gets that tag instead.").format(tag=name)
        self._with_names(lambda names: self._pick(_tr("Merge tag"), prompt, [n for n in names if n != name],
                                                  lambda other: self.apply("merge", name, other)))

    def move(self, name: str) -> None:
        prompt = _tr("Put '{tag}' under which tag? (a new name makes a new parent)").format(tag=name)
        self._with_names(lambda names: self._pick(
            _tr("Move tag"), prompt, [n for n in names if n != name and not n.startswith(name + "|")],
            lambda other: self.apply("move", name, other)))

    def move_to_top(self, name: str) -> bool:
        return self.apply("move", name, "")

    def delete(self, name: str) -> None:
        """Ask first, naming the smart albums whose query names the tag (read on the query worker);
        ``applied`` follows the edit, or None when the person cancels."""
        self.session.queries.run(lambda catalog: TagManager(catalog).albums_naming(name),
                                 lambda albums: self._confirm_delete(name, albums), failure=self._refused)

    def _confirm_delete(self, name: str, albums: list[str]) -> None:
        text = _tr("Delete '{tag}' and the tags below it from every photo? You can undo this (Ctrl+Z).")
        text = text.format(tag=name)
        if albums:
            text += "\n\n" + _tr("These smart albums name it and keep their queries, so they will not show "
                                  "photos for it any more: {albums}").format(albums=", ".join(albums))
        answer = QMessageBox.question(
            self.parent_widget, _tr("Delete tag"), text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.apply("delete", name, "")
        else:
            self.applied.emit(None)

    def apply(self, op: str, name: str, other: str) -> bool:
        """Carry out an edit without asking (the prompts above end here; tests call it directly).

        Returns once the edit is under way; ``applied`` says how it ended."""
        if op not in ("rename", "merge", "move", "delete"):
            raise ValueError(f"unknown tag edit {op!r}")

        self.session.queries.run(lambda catalog: TagManager(catalog).apply(op, name, other), self._applied,
                                 failure=self._refused, write=True)
        return True

    def _applied(self, edit: TagEdit) -> None:
        self.session.undo_stack.push(TagAdminCommand(self.session, edit))
        self.session.status.emit(_tr("{edit}; files follow on the next write").format(edit=edit.description))
        self.applied.emit(edit)

    def _refused(self, message: str) -> None:
        QMessageBox.warning(self.parent_widget, _tr("Tags"), f"{message}.")
        self.applied.emit(None)


class TagManagerDialog(QDialog):
    """Every tag with its counts; rename, merge, move and delete the selected one."""

    def __init__(self, session: Session, controller: TagManagerController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.controller = controller
        self.setWindowTitle(self.tr("Tag manager"))
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("Filter tags (ignores case and accents)"))
        self.filter.setClearButtonEnabled(True)
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels([self.tr("Tag"), self.tr("Approved"), self.tr("Suggested"),
                                              self.tr("Rejected")])
        self.proxy = QSortFilterProxyModel(self)  # filters on the folded name: zurich shows places|Zürich
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(FoldRole)
        self.proxy.setFilterKeyColumn(0)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole + 3)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # A to Z (the header's default is Z to A)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.status = QLabel(self.tr("Loading tags…"), self)
        self.status.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for op, label, tip in (("rename", self.tr("Rename…"), self.tr("Give the tag a new name on every photo")),
                               ("merge", self.tr("Merge into…"),
                                self.tr("Fold the tag into another one on every photo")),
                               ("move", self.tr("Move under…"),
                                self.tr("Put the tag under a parent tag (a|b hierarchy)")),
                               ("top", self.tr("Move to top"), self.tr("Take the tag out of its parent")),
                               ("delete", self.tr("Delete…"), self.tr("Take the tag off every photo"))):
            button = QPushButton(label, self)
            button.setToolTip(self.tr("{tip} (undo with Ctrl+Z)").format(tip=tip))
            button.clicked.connect(lambda _c=False, op=op: self._act(op))
            row.addWidget(button)
            self.buttons[op] = button
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(row)
        layout.addWidget(close)
        self.filter.textChanged.connect(self._filter)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        session.queries.ready.connect(self._on_counts)
        session.tags_changed.connect(self.reload)
        self.resize(fit_to_screen(self, 640, 520))
        self._update_buttons()
        self.reload()

    def reload(self) -> None:
        """Recount the tags off the GUI thread (the counts read every photo tag)."""
        if not self.session.closed:
            self.session.queries.submit(COUNTS_KEY, lambda catalog: catalog.tags.with_counts())

    def _on_counts(self, key: object, result: object) -> None:
        if key == COUNTS_KEY and isinstance(result, list):
            self.set_counts(result)

    def set_counts(self, counts: list[TagCount]) -> None:
        keep = self.selected_name()
        self.model.removeRows(0, self.model.rowCount())
        for c in counts:
            name = QStandardItem(c.tag.name)
            name.setData(c.tag.name, NameRole)
            name.setData(fold(c.tag.name), FoldRole)
            name.setData(fold(c.tag.name), Qt.ItemDataRole.UserRole + 3)
            cells = [name]
            for n in (c.approved, c.suggested, c.rejected):
                cell = QStandardItem(f"{n:,}")
                cell.setData(n, Qt.ItemDataRole.UserRole + 3)
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                cells.append(cell)
            self.model.appendRow(cells)
        self._update_status()
        if keep:
            self.select(keep)
        self._update_buttons()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(fold(text.strip()))
        self._update_status()

    def _update_status(self) -> None:
        """How many tags the list shows ("3 of 56 tags" while filtered), and what edits do."""
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        text = (self.tr("{n} tags. Edits apply to every photo, can be undone (Ctrl+Z), and reach "
                        "the files on the next write.").format(n=f"{total:,}") if shown == total else
                self.tr("{shown} of {n} tags. Edits apply to every photo, can be undone (Ctrl+Z), and reach "
                        "the files on the next write.").format(shown=f"{shown:,}", n=f"{total:,}"))
        self.status.setText(text)

    def select(self, name: str) -> bool:
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            if index.data(NameRole) == name:
                self.table.selectRow(r)
                return True
        return False

    def selected_name(self) -> str:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return str(rows[0].data(NameRole)) if rows else ""

    def _update_buttons(self) -> None:
        name = self.selected_name()
        for op, button in self.buttons.items():
            button.setEnabled(bool(name) and (op != "top" or "|" in name))

    def _act(self, op: str) -> None:
        name = self.selected_name()
        if not name:
            return
        c = self.controller
        {"rename": c.rename, "merge": c.merge, "move": c.move, "top": c.move_to_top, "delete": c.delete}[op](name)
