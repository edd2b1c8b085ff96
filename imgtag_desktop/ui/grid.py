"""The thumbnail grid: a QListView in icon mode, a delegate that paints badges, and its controller."""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ..core.catalog import Catalog, TagStateCounts
from ..core.confidence import shown_confidence
from .photo_model import PhotoItem, PhotoListModel, PhotoRoles
from .session import Session
from .sources import (
    ALL_PHOTOS,
    AllPhotos,
    FolderSource,
    ReviewSource,
    Rows,
    SearchSource,
    Source,
    TagSource,
    read_rows,
)
from .theme import placeholder_color, state_color

Index = QModelIndex | QPersistentModelIndex
LABEL_HEIGHT = 20
PADDING = 6


__all__ = ["ALL_PHOTOS", "GridController", "PhotoGrid", "Source", "ThumbnailDelegate"]


class ThumbnailDelegate(QStyledItemDelegate):
    """Paints a thumbnail, the file name, and badges: approved (green) and suggested (blue) counts."""

    def __init__(self, parent: QObject | None = None, thumb_size: int = 160) -> None:
        super().__init__(parent)
        self.thumb_size = thumb_size

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(self.thumb_size + 2 * PADDING, self.thumb_size + LABEL_HEIGHT + 2 * PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette: QPalette = option.palette
        rect: QRect = option.rect
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 6, 6)
        if state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight).lighter(130), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(2, 2, -2, -2), 6, 6)
        area = QRect(rect.x() + PADDING, rect.y() + PADDING, self.thumb_size, self.thumb_size)
        # Read the Python model directly: QModelIndex.data() returning None leaks a reference
        # to None in PySide6 6.12 (see ui/compat.py), and this runs for every visible cell.
        model = index.model()
        if not isinstance(model, PhotoListModel) or not 0 <= index.row() < model.rowCount():
            painter.restore()
            return
        item = model.item(index.row())
        pix = model.thumbnail(item)
        status = model.status_of(item)
        if pix is not None and not pix.isNull():
            scaled = pix.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(area.center())
            painter.drawPixmap(target, pix)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(placeholder_color(palette))
            painter.drawRoundedRect(area.adjusted(8, 8, -8, -8), 4, 4)
            if status and status != "ok":
                painter.setPen(palette.color(QPalette.ColorRole.Text))
                painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "⚠ cannot open" if status == "broken" else status)
        # Badges, top right: approved then suggested.
        x = area.right()
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        small.setBold(True)
        painter.setFont(small)
        for count, tag_state in ((item.suggested, "suggested"), (item.approved, "approved")):
            if not count:
                continue
            text = str(count)
            w = max(20, painter.fontMetrics().horizontalAdvance(text) + 10)
            badge = QRect(x - w, area.top() + 2, w, 18)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(state_color(tag_state, palette))
            painter.drawRoundedRect(badge, 9, 9)
            painter.setPen(QColor("white"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
            x -= w + 3
        score = item.score
        if score is not None:
            text = f"{shown_confidence(score):.2f}"
            w = painter.fontMetrics().horizontalAdvance(text) + 10
            badge = QRect(area.left() + 2, area.top() + 2, w, 18)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 150))
            painter.drawRoundedRect(badge, 9, 9)
            painter.setPen(QColor("white"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(option.font)
        label = QRect(rect.x() + PADDING, area.bottom() + 2, self.thumb_size, LABEL_HEIGHT)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        name = painter.fontMetrics().elidedText(item.name,
                                               Qt.TextElideMode.ElideMiddle, self.thumb_size)
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, name)
        painter.restore()


class PhotoGrid(QListView):
    """The grid widget: icon mode, uniform sizes, batched layout (smooth with tens of thousands of rows)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.setObjectName("photoGrid")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(2000)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSpacing(2)
        self.setWrapping(True)
        self.setToolTip("")
        self.setAccessibleName("Photos")
        self.setMinimumWidth(2 * (96 + 2 * PADDING + 4) + 24)  # two columns of the smallest thumbnails
        self.empty_text = ""

    def visible_rows(self, limit: int = 2000) -> range:
        """The rows shown in the viewport, first to last (in memory: no catalog, O(rows shown)).

        The first is the item at the viewport's top-left corner (probing a little inwards, past
        the spacing between cells); the rows after it are shown while their cells start above
        the viewport's bottom edge."""
        model = self.model()
        rows = model.rowCount() if model is not None else 0
        viewport = self.viewport().rect()
        if not rows or viewport.isEmpty():
            return range(0)
        cell = self.sizeHintForIndex(model.index(0, 0))
        step_x, step_y = max(1, cell.width() // 3), max(1, cell.height() // 3)
        first = -1
        for dy in range(0, cell.height() + step_y + 1, step_y):
            for dx in range(0, cell.width() + step_x + 1, step_x):
                idx = self.indexAt(viewport.topLeft() + QPoint(dx, dy))
                if idx.isValid() and (first < 0 or idx.row() < first):
                    first = idx.row()
            if first >= 0:
                break
        if first < 0:
            return range(0)
        last = first
        while last + 1 < rows and last + 1 - first < limit:
            rect = self.visualRect(model.index(last + 1, 0))
            if not rect.isValid() or rect.top() > viewport.bottom():
                break
            last += 1
        return range(first, last + 1)

    def set_empty_text(self, text: str) -> None:
        """What an empty grid says to do next (empty library, empty folder, no results...)."""
        if text != self.empty_text:
            self.empty_text = text
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if self.empty_text and model is not None and model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            area = self.viewport().rect().adjusted(24, 24, -24, -24)
            painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.empty_text)
            painter.end()

    def selectionCommand(self, index: Index, event: QEvent | None = None) -> QItemSelectionModel.SelectionFlag:
        """Keyboard moves always select the photo they land on.

        Qt's extended selection moves the current photo *without* selecting it on Ctrl+arrow,
        Ctrl+Home/End and Ctrl+PgUp/PgDn, which left the previous selection as the target of
        the next action while the detail pane showed another photo. Here every move selects the
        new photo (Shift still extends); only clicks toggle with Ctrl.
        """
        flags = super().selectionCommand(index, event)
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress \
                and event.key() in NAVIGATION_KEYS \
                and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            return (QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
        return flags


NAVIGATION_KEYS = frozenset({
    Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End,
    Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
})


GRID_KEY = "grid-rows"
MAX_SELECTED_FOCUS = 100  # selected photos a tagging run takes first (a select-all is not a focus)
BADGES_KEY = "grid-badges"


def _tr(text: str) -> str:
    return QCoreApplication.translate("PhotoGrid", text)


def empty_text(source: Source, scanning: bool) -> str:
    """What an empty grid tells the person to do next."""
    if scanning:
        return _tr("Looking for photos… they appear here as they are found.")
    if isinstance(source, AllPhotos):
        return _tr("No photos yet.\nOpen a folder of photos with File > Open folder (Ctrl+O).")
    if isinstance(source, FolderSource):
        return _tr("No photos in this folder.\nAdd photos to it and rescan (F5), or open another folder (Ctrl+O).")
    if isinstance(source, ReviewSource):
        return _tr("No suggestions of “{tag}” left to review.\nPress Done, or pick another tag (Ctrl+Shift+R).").format(
            tag=source.name)
    if isinstance(source, TagSource):
        return _tr("No photo has “{tag}” any more.").format(tag=source.name)
    if isinstance(source, SearchSource):
        return _tr("No photos match {query}.\nCheck the spelling, or clear the search to see all photos "
                   "(Ctrl+Shift+A).").format(query=source.query)
    return _tr("No photos match this album's query yet.\nTag more photos, or edit the album's query "
               "(right-click the album).")


class GridController(QObject):
    """Fills the grid from a :class:`Source`, keeps badges current, reports the current photo and selection."""

    current_changed = Signal(int)  # photo id, or -1
    selection_changed = Signal(list)  # photo ids
    source_changed = Signal(object)
    loaded = Signal()  # rows replaced (after a reload)
    focus_changed = Signal(list)  # photo ids the person looks at: the current photo, then the visible rows
    FOCUS_DELAY_MS = 100  # a scroll or resize settles this long before the focus is told

    def __init__(self, session: Session, view: PhotoGrid, thumb_size: int = 160) -> None:
        super().__init__(view)
        self.session = session
        self.view = view
        self.model = PhotoListModel(session.loader, thumb_size=thumb_size, parent=self)
        self.delegate = ThumbnailDelegate(view, thumb_size)
        view.setModel(self.model)
        view.setItemDelegate(self.delegate)
        self.source: Source = ALL_PHOTOS
        self._review_order: dict[int, int] | None = None  # the reviewed tag's photos as first listed
        self._items_source: Source | None = None  # the source of the rows shown
        self.loading = False
        self.scanning = False  # set by the window while a scan runs: an empty grid says photos are coming
        view.selectionModel().currentChanged.connect(self._on_current)
        view.selectionModel().selectionChanged.connect(self._on_selection)
        self._keeping = False  # rows re-read with the current photo still among them: it stays current
        self.model.modelReset.connect(lambda: None if self._keeping else self.current_changed.emit(-1))
        session.photos_changed.connect(self.refresh_photos)
        session.library_changed.connect(self.reload)
        self._focus_timer = QTimer(self)
        self._focus_timer.setSingleShot(True)
        self._focus_timer.setInterval(self.FOCUS_DELAY_MS)
        self._focus_timer.timeout.connect(lambda: self.focus_changed.emit(self.focus_photo_ids()))
        for signal in (view.verticalScrollBar().valueChanged, view.selectionModel().currentChanged,
                       view.selectionModel().selectionChanged, self.model.modelReset, self.model.layoutChanged,
                       self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._focus_soon)  # never QTimer.start directly: it would take the signal's int as msec
        view.viewport().installEventFilter(self)

    # -- content ------------------------------------------------------------------------------

    def show_source(self, source: Source) -> None:
        self.source = source
        self._review_order = None  # a review (re)started: best score first
        self.reload()
        self.source_changed.emit(source)

    def reload(self) -> None:
        """Re-read the current source on the query worker (one query for the rows); the grid
        switches when they arrive, keeping the current photo when still shown."""
        source, encoder = self.source, self.session.text_encoder()
        self.loading = True
        self.session.queries.run(lambda catalog: read_rows(catalog, source, encoder), self._on_rows,
                                 failure=self._on_failure, key=GRID_KEY)

    def _on_rows(self, result: Rows) -> None:
        if self.session.closed or result.source != self.source:
            return
        items = [PhotoItem.from_row(r, result.scores.get(r.id)) for r in result.rows]
        if isinstance(result.source, ReviewSource):
            # Reviewing a tag, the person works down the list: a re-read (a re-ranking after their
            # decisions) keeps the order the photos had, drops the ones done and adds new ones last,
            # best first, rather than moving the photos around under them.
            # A photo that left the list and comes back (an approval undone) takes its old place.
            order = dict(self._review_order or {})
            items = [it for _, it in sorted(enumerate(items), key=lambda p: (order.get(p[1].id, len(order)), p[0]))]
            for it in items:
                order.setdefault(it.id, len(order))
            self._review_order = order
        same, self._items_source = result.source == self._items_source, result.source
        self._apply(items, same_source=same)

    def _on_failure(self, message: str) -> None:
        self.loading = False
        self.session.error.emit(f"The photos of {self.source.label} cannot be listed: {message}")

    def _apply(self, items: list[PhotoItem], *, same_source: bool = False) -> None:
        """Show these rows. When the current photo is still among them it stays current without passing
        through "no photo" (the detail pane keeps its current chip), and the selected photos still listed
        stay selected: a re-read the person did not ask for (a re-ranking) never changes the target."""
        keep = self.current_photo_id()
        selected = self.selected_photo_ids()
        was_at = self.model.row_of(keep) if keep is not None else -1
        self.loading = False
        self._keeping = keep is not None and any(it.id == keep for it in items)
        try:
            self.model.set_items(items)
        finally:
            self._keeping = False
        self.view.set_empty_text(empty_text(self.source, self.scanning) if not items else "")
        self.loaded.emit()
        if self.model.rowCount():
            found = self.model.row_of(keep) if keep is not None else 0
            row = found
            if row < 0:  # the current photo left its list (renamed, removed): the next one takes its place
                row = min(max(0, was_at), self.model.rowCount() - 1) if same_source else 0
            idx = self.model.index(row, 0)
            still = [self.model.index(r, 0) for r in map(self.model.row_of, selected) if r >= 0]
            if keep is not None and found >= 0 and len(still) > 1:
                selection = QItemSelection()
                for i in still:
                    selection.select(i, i)
                self.view.selectionModel().setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.NoUpdate)
                self.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            else:
                self.view.setCurrentIndex(idx)

    def refresh_photos(self, photo_ids: list[int]) -> None:
        """Tags of these photos changed: update their badges (and scores when reviewing a tag), read off
        the GUI thread."""
        shown = [pid for pid in photo_ids if self.model.row_of(pid) >= 0]
        if not shown:
            return
        reviewed = self.source.name if isinstance(self.source, ReviewSource) else None

        def read(catalog: Catalog) -> tuple[dict[int, TagStateCounts], dict[int, float | None] | None]:
            counts = catalog.review.tag_state_counts(shown)
            if reviewed is None:
                return counts, None
            tags = catalog.tags.photo_tags_of(shown)
            return counts, {pid: next((t.visual_score for t in tags.get(pid, []) if t.name == reviewed
                                       and t.state == "suggested"), None) for pid in shown}

        def show(result: tuple[dict[int, TagStateCounts], dict[int, float | None] | None]) -> None:
            counts, scores = result
            self.model.update_counts(counts, shown)
            if scores is not None and isinstance(self.source, ReviewSource) and self.source.name == reviewed:
                self.model.update_scores(scores)

        self.session.queries.run(read, show)

    def set_thumb_size(self, size: int) -> None:
        self.delegate.thumb_size = size
        self.model.set_thumb_size(size)
        self.view.doItemsLayout()
        self._focus_soon()

    # -- what the person looks at ---------------------------------------------------------------

    def _focus_soon(self, *_: object) -> None:
        """The view changed: tell what the person looks at once it has settled (debounced)."""
        self._focus_timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self._focus_soon()
        return False

    def focus_photo_ids(self) -> list[int]:
        """The photos the person looks at, most important first: the current photo (the one the
        detail pane shows), the selected photos (the first ``MAX_SELECTED_FOCUS``), then the grid's
        visible rows in grid order. In memory only, O(rows shown): no catalog, no full selection list."""
        rows: list[int] = []
        current = self.view.currentIndex()
        if current.isValid():
            rows.append(current.row())
        selection, budget = self.view.selectionModel().selection(), MAX_SELECTED_FOCUS
        for i in range(selection.size()):
            if budget <= 0:
                break
            selected = selection.at(i)
            rows.extend(range(selected.top(), min(selected.bottom() + 1, selected.top() + budget)))
            budget -= selected.bottom() + 1 - selected.top()
        rows.extend(self.view.visible_rows())
        count = self.model.rowCount()
        return list(dict.fromkeys(self.model.item(row).id for row in rows if 0 <= row < count))

    # -- current / selection ------------------------------------------------------------------

    def current_photo_id(self) -> int | None:
        idx = self.view.currentIndex()
        return int(idx.data(PhotoRoles.PhotoId)) if idx.isValid() else None

    def selected_photo_ids(self) -> list[int]:
        """What every action acts on: the selection (grid order) when more than one photo is
        selected, otherwise the current photo -- the one the detail pane shows."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedIndexes()})
        if len(rows) > 1:
            return [self.model.item(r).id for r in rows]
        current = self.current_photo_id()
        if current is not None:
            return [current]
        return [self.model.item(r).id for r in rows]

    def select_photo(self, photo_id: int) -> bool:
        idx = self.model.index_of(photo_id)
        if not idx.isValid():
            return False
        self.view.setCurrentIndex(idx)
        self.view.scrollTo(idx)
        return True

    def move(self, step: int) -> bool:
        """Make the next (or previous) photo current. Returns False at the ends."""
        row = self.view.currentIndex().row() + step
        if not 0 <= row < self.model.rowCount():
            return False
        idx = self.model.index(row, 0)
        self.view.setCurrentIndex(idx)
        self.view.scrollTo(idx)
        return True

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit(int(current.data(PhotoRoles.PhotoId)) if current.isValid() else -1)

    def _on_selection(self, *_: object) -> None:
        self.selection_changed.emit(self.selected_photo_ids())

