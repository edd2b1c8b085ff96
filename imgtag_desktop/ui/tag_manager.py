"""The tag manager: rename, merge, delete and move tags across the library, undoably.

The edits are :class:`~imgtag_desktop.core.tag_manager.TagManager` calls (the same use case
as ``imgtag tags rename|merge|delete|move``) wrapped in an undo command. The dialog lists
every tag with its counts (read off the GUI thread) and filters ignoring case and accents;
the sidebar's tag context menu offers the same edits.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSortFilterProxyModel, Qt
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

from ..core.catalog import CatalogError, TagCount
from ..core.folding import fold
from ..core.tag_manager import TagEdit, TagManager
from .dialogs import TagPickerDialog, fit_to_screen
from .session import Session

COUNTS_KEY = "tag-manager-counts"


def _tr(text: str) -> str:
    return QCoreApplication.translate("TagManager", text)
NameRole = Qt.ItemDataRole.UserRole + 1
FoldRole = Qt.ItemDataRole.UserRole + 2


class TagAdminCommand(QUndoCommand):
    """One library-wide tag edit as one undo step ("Undo Rename 'dog' to 'puppy' (12 photos)")."""

    def __init__(self, session: Session, edit: TagEdit) -> None:
        super().__init__(edit.description)
        self.session = session
        self.edit = edit
        self._first = True

    def redo(self) -> None:
        if self._first:  # the edit was applied when the command was made (its errors reach the person there)
            self._first = False
        else:
            self.edit = TagManager(self.session.catalog).redo(self.edit)
        self._announce()

    def undo(self) -> None:
        TagManager(self.session.catalog).undo(self.edit)
        self._announce()

    def _announce(self) -> None:
        self.session.announce(self.edit.photo_ids, edited=True)
        self.session.tags_changed.emit()


class TagManagerController:
    """Asks for the details of a tag edit, applies it through :class:`TagManager`, pushes the undo step."""

    def __init__(self, session: Session, parent: QWidget) -> None:
        self.session = session
        self.parent = parent

    def _names(self) -> list[str]:
        return self.session.catalog.tags.names()

    def _run(self, make_edit: object) -> bool:
        try:
            edit = make_edit()  # type: ignore[operator]
        except CatalogError as exc:
            QMessageBox.warning(self.parent, _tr("Tags"), f"{exc}.")
            return False
        self.session.undo_stack.push(TagAdminCommand(self.session, edit))
        self.session.status.emit(_tr("{edit}; files follow on the next write").format(edit=edit.description))
        return True

    def rename(self, name: str) -> bool:
        text, ok = QInputDialog.getText(self.parent, _tr("Rename tag"),
                                        _tr("New name for '{tag}' on every photo (use a|b for a hierarchy):")
                                        .format(tag=name),
                                        text=name)
        return bool(ok) and bool(text.strip()) and self.apply("rename", name, text)

    def merge(self, name: str) -> bool:
        names = [n for n in self._names() if n != name]
        dialog = TagPickerDialog(_tr("Merge tag"), _tr("Merge '{tag}' into which tag? Every photo with '{tag}' gets "
                                                       "that tag instead.").format(tag=name), names, self.parent)
        return dialog.exec() == QDialog.DialogCode.Accepted and self.apply("merge", name, dialog.name())

    def move(self, name: str) -> bool:
        names = [n for n in self._names() if n != name and not n.startswith(name + "|")]
        dialog = TagPickerDialog(_tr("Move tag"), _tr("Put '{tag}' under which tag? (a new name makes a new parent)")
                                 .format(tag=name), names, self.parent)
        return dialog.exec() == QDialog.DialogCode.Accepted and self.apply("move", name, dialog.name())

    def move_to_top(self, name: str) -> bool:
        return self.apply("move", name, "")

    def delete(self, name: str) -> bool:
        answer = QMessageBox.question(
            self.parent, _tr("Delete tag"),
            _tr("Delete '{tag}' and the tags below it from every photo? You can undo this (Ctrl+Z).").format(tag=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes and self.apply("delete", name, "")

    def apply(self, op: str, name: str, other: str) -> bool:
        """Carry out an edit without asking (the prompts above end here; tests call it directly)."""
        manager = TagManager(self.session.catalog)
        if op == "rename":
            return self._run(lambda: manager.rename(name, other))
        if op == "merge":
            return self._run(lambda: manager.merge(name, other))
        if op == "move":
            return self._run(lambda: manager.move(name, other))
        if op == "delete":
            return self._run(lambda: manager.delete(name))
        raise ValueError(f"unknown tag edit {op!r}")


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
        self.filter.textChanged.connect(lambda text: self.proxy.setFilterFixedString(fold(text.strip())))
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
        self.status.setText(self.tr("{n} tags. Edits apply to every photo, can be undone (Ctrl+Z), and reach "
                                    "the files on the next write.").format(n=f"{len(counts):,}"))
        if keep:
            self.select(keep)
        self._update_buttons()

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
