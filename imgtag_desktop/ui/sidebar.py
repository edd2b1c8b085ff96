"""The sidebar: library folders, smart albums, tags with counts."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from ..core.catalog import HIERARCHY_SEPARATOR, Catalog, Folder, TagCount
from ..core.catalog.albums import Album
from .session import Session
from .sources import ALL_PHOTOS, AlbumSource, FolderSource, Source, TagSource

log = logging.getLogger(__name__)

TAGS_KEY = "sidebar-tag-counts"
FOLDERS_KEY = "sidebar-folders"
SourceRole = Qt.ItemDataRole.UserRole + 1
TagNameRole = Qt.ItemDataRole.UserRole + 2
SuggestedRole = Qt.ItemDataRole.UserRole + 3
ApprovedRole = Qt.ItemDataRole.UserRole + 4
ShortCountRole = Qt.ItemDataRole.UserRole + 5  # the count without words, for a narrow row: "(1 · 8)"
MIN_NAME_CHARS = 12  # a name is cut no shorter than this while the count can drop its words instead
# Deep in a narrow tree: a row shows no count when even the bare numbers would leave less than this
# many characters of the name (its tooltip has the count; a row of "…" and numbers says nothing).
MIN_SHOWN_CHARS = 3


def album_label(album: Album, count: int | None) -> str:
    return f"{album.name} ({'?' if count is None else count})"


def album_tooltip(album: Album, count: int | None) -> str:
    tip = album.query
    if count is None:
        tip += "\nThe count needs the CLIP model (this album has a ~\"...\">floor term), or the query cannot run here."
    return tip


@dataclass(frozen=True)
class SidebarCounts:
    """What the sidebar shows besides the folders: the albums with their counts and the tag counts."""

    albums: list[tuple[Album, int | None]]
    tags: list[TagCount]


def read_counts(catalog: Catalog, encoder: Callable[[str], Any] | None = None) -> SidebarCounts:
    """Album counts (``count()``, no id lists) and tag counts (on the query worker)."""
    counts = catalog.albums.counts(text_encoder=encoder)
    return SidebarCounts([(a, counts.get(a.id)) for a in catalog.albums.all()], catalog.tags.with_counts())


def _tr(text: str) -> str:
    return QCoreApplication.translate("Sidebar", text)


def tag_counts(approved: int, suggested: int, rejected: int = 0) -> tuple[str, str]:
    """A tag row's count, in words and as bare numbers for a narrow row: ("(1 · 8 suggested)", "(1 · 8)").
    A tag only ever rejected still shows a count; a parent that only groups its children shows none."""
    if suggested:
        return (_tr("({approved} · {suggested} suggested)").format(approved=approved, suggested=suggested),
                f"({approved} · {suggested})")
    if approved or not rejected:
        return (f"({approved})", f"({approved})") if approved else ("", "")
    # Narrow, it still says what the number is: a bare "(0)" read as "no photos".
    return (_tr("(0 · {rejected} rejected)").format(rejected=rejected),
            _tr("({rejected} rejected)").format(rejected=rejected))


def tag_label(leaf: str, approved: int, suggested: int, rejected: int = 0) -> str:
    return _with_count(leaf, tag_counts(approved, suggested, rejected)[0])


def _with_count(leaf: str, count: str) -> str:
    return f"{leaf}  {count}" if count else leaf


class SidebarModel(QStandardItemModel):
    """Four sections: Library (all photos, folders), Smart albums, Tags (a tree for ``a|b`` names), and
    Suggestions only (tags no photo has approved yet, which would otherwise crowd the tag tree)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.library = self._section(self.tr("Library"))
        self.albums = self._section(self.tr("Smart albums"))
        self.tags = self._section(self.tr("Tags"))
        self.suggested_only = self._section(self.tr("Suggestions only"))
        self.suggested_only.setToolTip(self.tr("Tags that are only suggested so far (no photo has them approved)"))
        self.filter_row = _plain("")  # row 0 holds the filter box (an index widget)
        self.filter_row.setEditable(False)
        self.filter_row.setSelectable(False)
        self.suggested_only.appendRow(self.filter_row)

    def _section(self, title: str) -> QStandardItem:
        item = _plain(title)
        item.setSelectable(False)
        item.setEditable(False)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        self.appendRow(item)
        return item

    def set_folders(self, folders: Sequence[Folder], total: int) -> None:
        self.library.removeRows(0, self.library.rowCount())
        everything = _leaf(self.tr("All photos  ({total})").format(total=total), ALL_PHOTOS,
                           self.tr("Every photo in the library"))
        self.library.appendRow(everything)
        for f in folders:
            self.library.appendRow(_leaf(f.path.name or str(f.path), FolderSource(f.id, f.path), str(f.path)))

    def set_albums(self, albums: Sequence[tuple[Album, int | None]]) -> None:
        """Albums with their counts (None: cannot count now); an explanatory placeholder when there are none."""
        self.albums.removeRows(0, self.albums.rowCount())
        if not albums:
            hint = _plain(self.tr("No smart albums yet"))
            hint.setEnabled(False)
            hint.setEditable(False)
            hint.setToolTip(self.tr("Smart albums are saved tag queries, e.g. dog AND (beach OR park)"))
            self.albums.appendRow(hint)
        for album, count in albums:
            self.albums.appendRow(_leaf(album_label(album, count), AlbumSource(album.id, album.name, album.query),
                                        album_tooltip(album, count)))

    def set_tags(self, counts: Sequence[TagCount]) -> None:
        """The tag tree; a parent's counts are its own, its children show theirs. Tags that are
        only suggested (none approved, not part of an ``a|b`` hierarchy) go to the Suggestions only section."""
        parents = {c.tag.name.rsplit(HIERARCHY_SEPARATOR, 1)[0] for c in counts if HIERARCHY_SEPARATOR in c.tag.name}
        only = [c for c in counts if not c.approved and c.suggested and c.tag.name not in parents
                and HIERARCHY_SEPARATOR not in c.tag.name]
        self.suggested_only.removeRows(1, self.suggested_only.rowCount() - 1)
        for c in sorted(only, key=lambda c: (-c.suggested, c.tag.name.casefold())):
            only_item = _tag_item(c.tag.name, c.tag.name, 0, c.suggested)
            only_item.setText(self.tr("{name}  ({n} suggested)").format(name=c.tag.name, n=c.suggested))
            only_item.setData(f"({c.suggested})", ShortCountRole)
            self.suggested_only.appendRow(only_item)
        self.suggested_only.setText(self.tr("Suggestions only  ({n})").format(n=len(only)))
        hidden = {c.tag.name for c in only}
        counts = [c for c in counts if c.tag.name not in hidden]
        self.tags.removeRows(0, self.tags.rowCount())
        by_name: dict[str, QStandardItem] = {}
        for c in sorted(counts, key=lambda c: c.tag.name.casefold()):
            name = c.tag.name
            parts = name.split(HIERARCHY_SEPARATOR)
            parent = self.tags
            for depth in range(1, len(parts)):
                prefix = HIERARCHY_SEPARATOR.join(parts[:depth])
                node = by_name.get(prefix)
                if node is None:
                    node = _tag_item(prefix, parts[depth - 1], 0, 0, 0)
                    by_name[prefix] = node
                    parent.appendRow(node)
                parent = node
            item = by_name.get(name)
            if item is None:
                item = _tag_item(name, parts[-1], c.approved, c.suggested, c.rejected)
                by_name[name] = item
                parent.appendRow(item)
            else:  # a parent that also carries photos itself
                _set_counts(item, parts[-1], c.approved, c.suggested, c.rejected)
        if not counts:
            hint = _plain(self.tr("No tags yet"))
            hint.setEnabled(False)
            hint.setEditable(False)
            self.tags.appendRow(hint)

    def tag_item(self, name: str) -> QStandardItem | None:
        def walk(item: QStandardItem) -> QStandardItem | None:
            for r in range(item.rowCount()):
                child = item.child(r)
                if child.data(TagNameRole) == name:
                    return child
                found = walk(child)
                if found:
                    return found
            return None

        found = walk(self.tags)
        return found if found is not None else walk(self.suggested_only)


NO_SOURCE = ""  # a section title or placeholder: not a source


def _plain(text: str) -> QStandardItem:
    """An item whose roles are never empty: reading an empty role leaks a None reference in PySide6 6.12."""
    item = QStandardItem(text)
    item.setData(NO_SOURCE, SourceRole)
    item.setData("", TagNameRole)
    item.setData("", ShortCountRole)
    return item


def _leaf(text: str, source: Source, tip: str) -> QStandardItem:
    item = _plain(text)
    item.setEditable(False)
    item.setData(source, SourceRole)
    item.setToolTip(tip)
    return item


def _tag_item(name: str, leaf: str, approved: int, suggested: int, rejected: int = 0) -> QStandardItem:
    item = _leaf(leaf, TagSource(name), "")
    item.setData(name, TagNameRole)
    _set_counts(item, leaf, approved, suggested, rejected)
    return item


def _set_counts(item: QStandardItem, leaf: str, approved: int, suggested: int, rejected: int) -> None:
    words, short = tag_counts(approved, suggested, rejected)
    item.setText(_with_count(leaf, words))
    # The whole name and count, also where a narrow row shows neither whole (see fit_label).
    name = str(item.data(TagNameRole) or leaf)
    item.setToolTip(_tr("{tag}: photos with this tag. Double-click, or right-click > Review suggestions, to go "
                        "through its suggestions.").format(tag=f"{name} {words}" if words else name))
    item.setData(approved, ApprovedRole)
    item.setData(suggested, SuggestedRole)
    item.setData(short, ShortCountRole)


class SidebarController(QObject):
    """Keeps the sidebar in step with the catalog; emits the source the person picked.

    ``manage_requested(op, name)``: the tag context menu asks for a library-wide edit
    (rename, merge, move, delete) or the tag manager."""

    source_selected = Signal(object)
    folders_shown = Signal()  # the Library section lists the folders just read
    review_requested = Signal(str)
    manage_requested = Signal(str, str)

    def __init__(self, session: Session, view: QTreeView) -> None:
        super().__init__(view)
        self.session = session
        self.view = view
        self.model = SidebarModel(self)
        view.setModel(self.model)
        view.setHeaderHidden(True)
        view.setObjectName("sidebar")
        view.setAccessibleName("Library, albums and tags")
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._menu)
        view.doubleClicked.connect(self._double_clicked)
        view.selectionModel().currentChanged.connect(self._current_changed)
        # Tag and album counts over the whole library: recounted at most every 300 ms while results stream in.
        self._tags_timer = QTimer(self)
        self._tags_timer.setSingleShot(True)
        self._tags_timer.setInterval(300)
        self._tags_timer.timeout.connect(self.refresh_tags)
        self.folders: list[Folder] = []
        session.tags_changed.connect(self._schedule_tags)
        session.library_changed.connect(self.refresh)
        self.model.set_folders([], 0)
        self.filter_edit = QLineEdit(view)
        self.filter_edit.setPlaceholderText(self.tr("Filter suggested tags"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName(self.tr("Filter suggested tags"))
        self.filter_edit.textChanged.connect(lambda _t: self.apply_filter())
        self.refresh()
        view.expandAll()
        view.collapse(self.model.suggested_only.index())  # collapsed until the person opens it
        view.setIndexWidget(self.model.filter_row.index(), self.filter_edit)

    def apply_filter(self) -> None:
        """Hide the suggested-only tags whose name does not contain the filter text."""
        text = self.filter_edit.text().strip().casefold()
        section = self.model.suggested_only
        for r in range(1, section.rowCount()):
            name = str(section.child(r).data(TagNameRole) or "")
            self.view.setRowHidden(r, section.index(), bool(text) and text not in name.casefold())

    def refresh(self) -> None:
        """Reread the folders, the albums and the tags (off the GUI thread; the rows follow)."""
        self._show_folders()
        self.refresh_tags()

    def _show_folders(self) -> None:
        if self.session.closed:
            return

        def read(catalog: Catalog) -> tuple[list[Folder], int]:
            return catalog.photos.folders(), catalog.photos.count()

        def show(result: tuple[list[Folder], int]) -> None:
            folders, total = result
            self.folders = folders
            self._keeping_current(self.model.library, lambda: self.model.set_folders(folders, total))
            self.view.expand(self.model.library.index())
            self.folders_shown.emit()

        self.session.queries.run(read, show, key=FOLDERS_KEY)

    def _schedule_tags(self) -> None:
        if not self._tags_timer.isActive():  # restarting it would put the recount off for as long as results stream in
            self._tags_timer.start()

    def refresh_tags(self) -> None:
        """Recount the tags and the smart albums off the GUI thread (they read every photo tag)."""
        if self.session.closed:
            return
        encoder = self.session.text_encoder()
        self.session.queries.run(lambda catalog: read_counts(catalog, encoder), self._on_counts, key=TAGS_KEY,
                                 failure=lambda reason: log.warning("sidebar counts unavailable: %s", reason))

    def _on_counts(self, counts: SidebarCounts) -> None:
        if self.session.closed:
            return
        self._show_albums(counts.albums)
        self._show_tags(counts.tags)
        self.view.expand(self.model.albums.index())

    def _show_albums(self, albums: list[tuple[Album, int | None]]) -> None:
        self._keeping_current(self.model.albums, lambda: self.model.set_albums(albums))

    def _keeping_current(self, section: QStandardItem, refill: Callable[[], None]) -> None:
        """Refill a section's rows; the current item (same source, else same row) stays current, quietly."""
        index = self.view.currentIndex()
        row = index.row() if index.isValid() and index.parent() == section.index() else -1
        source = index.data(SourceRole) if row >= 0 else None
        self.view.selectionModel().blockSignals(True)
        refill()
        if row >= 0:
            rows = [r for r in range(section.rowCount()) if section.child(r).data(SourceRole) == source]
            row = rows[0] if rows else row
        if 0 <= row < section.rowCount():
            self.view.setCurrentIndex(section.child(row).index())
        self.view.selectionModel().blockSignals(False)

    def _show_tags(self, counts: list[TagCount]) -> None:
        expanded = self.view.isExpanded(self.model.tags.index())
        index = self.view.currentIndex()
        current = index.data(TagNameRole) if index.isValid() else ""
        self.view.selectionModel().blockSignals(True)
        self.model.set_tags(counts)
        if current:
            item = self.model.tag_item(current)
            if item is not None:
                self.view.setCurrentIndex(item.index())
        self.view.selectionModel().blockSignals(False)
        self.apply_filter()
        if self.model.tags.rowCount() < 200:
            self.view.expandRecursively(self.model.tags.index())
        elif expanded:
            self.view.expand(self.model.tags.index())

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        source = current.data(SourceRole) if current.isValid() else None
        if source != NO_SOURCE and source is not None:
            self.source_selected.emit(source)

    def _double_clicked(self, index: QModelIndex) -> None:
        name = index.data(TagNameRole) if index.isValid() else ""
        if name:
            self.review_requested.emit(name)

    def _menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        name = index.data(TagNameRole) if index.isValid() else ""
        if not name:
            return
        menu = QMenu(self.view)
        menu.addAction(self.tr("Review suggestions"), lambda: self.review_requested.emit(name))
        menu.addAction(self.tr("Show photos"), lambda: self.source_selected.emit(TagSource(name)))
        menu.addSeparator()
        for op, label in (("rename", self.tr("Rename everywhere…")), ("merge", self.tr("Merge into…")),
                          ("move", self.tr("Move under…")), ("delete", self.tr("Delete from every photo…")),
                          ("manager", self.tr("Tag manager…"))):
            menu.addAction(label, partial(self.manage_requested.emit, op, name))
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def select_source(self, source: Source) -> bool:
        """Make the row showing ``source`` current (which shows it in the grid)."""
        section = self.model.library
        for r in range(section.rowCount()):
            if section.child(r).data(SourceRole) == source:
                self.view.setCurrentIndex(section.child(r).index())
                return True
        return False

    def select_all_photos(self) -> None:
        self.view.setCurrentIndex(self.model.library.child(0).index())


def split_count(text: str) -> tuple[str, str]:
    """("dog", "(3 · 2 suggested)") from "dog  (3 · 2 suggested)"; (text, "") without a count."""
    cut = text.rfind(" (")
    if cut <= 0 or not text.endswith(")"):
        return text, ""
    return text[:cut].rstrip(), text[cut + 1:]


def fit_label(
    text: str, metrics: QFontMetrics, width: int, short: str | None = None, *, may_drop: bool = True
) -> tuple[str, str]:
    """The name (elided to fit) and the whole count of a sidebar label drawn ``width`` pixels wide.

    The count keeps its words ("(1 · 8 suggested)") while the name fits, or is cut no shorter than
    :data:`MIN_NAME_CHARS` characters; otherwise it shows just the numbers (``short``, by default
    the count without its words: "(1 · 8)"), and none when even those would leave less than
    :data:`MIN_SHOWN_CHARS` characters of the name and ``may_drop`` (a tag row, whose tooltip says
    it; an album's count is nowhere else, so it stays). A cut name loses its
    middle, so names that share a beginning ("test keyword one", "test keyword two") stay told apart."""
    name, count = split_count(text)
    if not count:
        return metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, width), count

    def room(c: str) -> int:
        return max(0, width - metrics.horizontalAdvance(c) - metrics.horizontalAdvance("  "))

    keep = metrics.horizontalAdvance(name if len(name) <= MIN_NAME_CHARS else name[:MIN_NAME_CHARS] + "…")
    if room(count) < keep:
        count = short if short is not None else _bare_count(count)
    least = name if len(name) <= MIN_SHOWN_CHARS else name[:MIN_SHOWN_CHARS] + "…"
    if may_drop and room(count) < metrics.horizontalAdvance(least):
        return metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, width), ""
    return metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, room(count)), count


def _bare_count(count: str) -> str:
    """"(0 · 12)" from "(0 · 12 suggested)" (in any language: the words after the last number go)."""
    inner = count[1:-1].split()
    while inner and not inner[-1].isdigit():
        inner.pop()
    return f"({' '.join(inner)})" if inner else count


class CountDelegate(QStyledItemDelegate):
    """Draws "name (counts)" with the counts always whole: a narrow sidebar elides the name, never
    the count (a plain view turned "bathroom (0 · 12 suggested)" into "(0 ·…")."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        name, count = split_count(opt.text)
        if not count:
            super().paint(painter, option, index)
            return
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget).adjusted(2, 0, -2, 0)
        rect.setRight(min(rect.right(), opt.rect.right() - 2))
        text, opt.text = opt.text, ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        metrics = QFontMetrics(opt.font)
        short = index.data(ShortCountRole)
        name, count = fit_label(text, metrics, rect.width(), short if isinstance(short, str) and short else None,
                                may_drop=bool(index.data(TagNameRole)))
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(role))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), name)
        if not selected:
            painter.setPen(opt.palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), count)
        painter.restore()


def make_sidebar(parent: QWidget | None = None) -> QTreeView:
    view = QTreeView(parent)
    view.setUniformRowHeights(True)
    view.setMinimumWidth(160)
    view.setItemDelegate(CountDelegate(view))
    return view
