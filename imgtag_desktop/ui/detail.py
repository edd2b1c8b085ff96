"""The detail pane: large oriented preview, caption, tag chips, add-tag field; and its controller."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QAction, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import PhotoTag
from ..core.confidence import passes
from .commands import TagChange, TagOp, push_changes, target_text
from .completion import FoldingCompleter
from .session import Session
from .tag_model import ChipDelegate, PhotoTagsModel, TagRoles, chip_line_height

PREVIEW_SIZE = 1280
NAMES_KEY = "detail-tag-names"


class PreviewLabel(QLabel):
    """Shows an image scaled to fit, keeping the aspect ratio, rescaled on resize."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(200, 150)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setWordWrap(True)  # a photo that cannot be shown says why, in full, at any width
        self.setAccessibleName("Preview")

    def set_image(self, image: QImage | None, message: str = "") -> None:
        self._image = image
        if image is None:
            self.setPixmap(QPixmap())
            self.setText(message)
        else:
            self.setText("")
            self._rescale()

    def has_image(self) -> bool:
        return self._image is not None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._image is None or self.width() < 2 or self.height() < 2:
            return
        scaled = self._image.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                    Qt.TransformationMode.SmoothTransformation)
        self.setPixmap(QPixmap.fromImage(scaled))


class ChipView(QListView):
    """The photo's tags as chips that wrap into rows. It asks its layout for the height that shows
    every chip at its width (no scrolling); given less, down to about two rows, it scrolls."""

    MIN_ROWS = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagChips")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setSpacing(2)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # long names wrap
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._content_height = -1

    def row_height(self) -> int:
        """The height of one row of single-line chips."""
        return chip_line_height(self.font()) + 2 * self.spacing()

    def content_height(self) -> int:
        """The height the chips take as they are laid out now (0 without tags)."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return 0
        top = self.verticalOffset()
        bottom = max(self.visualRect(model.index(r, 0)).bottom() for r in range(model.rowCount()))
        return bottom + top + 1 + self.spacing()

    def _frame(self) -> int:
        margins = self.contentsMargins()
        return margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:
        height = max(self.content_height(), self.row_height())
        return QSize(super().sizeHint().width(), height + self._frame())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.MIN_ROWS * self.row_height() + self._frame())

    def updateGeometries(self) -> None:
        """After every layout of the chips (new tags, another width): ask for the height they need."""
        super().updateGeometries()
        height = self.content_height()
        if height != self._content_height:
            self._content_height = height
            self.updateGeometry()


class DetailPanel(QWidget):
    """Widgets only; :class:`DetailController` fills them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPanel")
        self.preview = PreviewLabel(self)
        self.title = QLabel(self)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        self.info.setEnabled(False)  # secondary text, drawn in the palette's disabled colour
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.caption.setToolTip(self.tr("The caption the captioning model wrote for this photo"))
        self.chips = ChipView(self)
        self.chips.setAccessibleName("Tags of this photo")
        self.chips.setToolTip(self.tr("Tags: approved (green), suggested with score (blue), rejected (struck out).\n"
                              "A approve · R reject · Enter approve all above threshold · Del remove · F2 edit"))
        self.model = PhotoTagsModel(self)
        self.chips.setModel(self.model)
        self.chips.setItemDelegate(ChipDelegate(self.chips))
        self.add_field = QLineEdit(self)
        self.add_field.setObjectName("addTagField")
        self.add_field.setPlaceholderText(self.tr("Add a tag (Ctrl+T)… use a|b for a hierarchy"))
        self.add_field.setToolTip(self.tr("Type a tag and press Enter: it is added, approved, to the selected photos"))
        self.add_field.setClearButtonEnabled(True)
        self.completer_model = QStringListModel(self)
        completer = FoldingCompleter(self.completer_model, self)  # zurich completes to Zürich
        self.add_field.setCompleter(completer)
        self.buttons = QGridLayout()  # two per row: the pane stays narrow enough for a 1024 px screen
        self.buttons.setSpacing(4)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        # The chips take the height they need to show every tag of the photo; the preview takes
        # what is left (down to its minimum, and then the chips scroll).
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.title)
        layout.addWidget(self.info)
        layout.addWidget(self.caption)
        layout.addWidget(self.chips, 0)
        layout.addLayout(self.buttons)
        layout.addWidget(self.add_field)
        layout.addWidget(self.summary)

    def add_button(self, action: QAction, label: str) -> QToolButton:
        """A short fixed-label button for an action (not its default action: the action's text names
        its target, "Approve 'dog' on 6 photos", and would widen the pane)."""
        button = QToolButton(self)
        button.setText(label)
        button.setToolTip(action.toolTip())
        button.clicked.connect(lambda _checked=False: action.trigger())
        action.changed.connect(lambda: button.setToolTip(action.statusTip() or action.toolTip()))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        n = self.buttons.count()
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.buttons.addWidget(button, n // 2, n % 2)
        return button

    def sizeHint(self) -> QSize:
        return QSize(380, 600)


class DetailController(QObject):
    """Shows the current photo and carries out the per-photo review edits (all undoable)."""

    added_from_field = Signal()

    def __init__(self, session: Session, panel: DetailPanel) -> None:
        super().__init__(panel)
        self.session = session
        self.panel = panel
        self.photo_id: int | None = None
        self.selection: list[int] = []
        self.target_source: Callable[[], list[int]] | None = None
        # Whether a newer ranking of a photo waits until the person moves on (the window's
        # suggestions controller keeps the shown photo as it is); the summary says so.
        self.ranking_waits: Callable[[int], bool] | None = None
        self.tags_of: int | None = None  # the photo whose tags the chips show
        self.focus_tag: str | None = None  # review by tag: the reviewed tag is the current chip
        self.model = panel.model
        self.model.set_threshold(session.threshold)
        panel.add_field.returnPressed.connect(self._add_from_field)
        session.photos_changed.connect(self._on_photos_changed)
        session.tags_changed.connect(self.refresh_completion)
        session.threshold_changed.connect(self._on_threshold)
        session.loader.loaded.connect(self._on_image)
        session.loader.failed.connect(self._on_image_failed)
        self.refresh_completion()
        self.show_photo(None)

    # -- display ------------------------------------------------------------------------------

    def show_photo(self, photo_id: int | None, selection: list[int] | None = None) -> None:
        self.photo_id = photo_id if photo_id is not None and photo_id >= 0 else None
        if selection is not None:
            self.selection = selection
        p = self.panel
        photo = self.session.catalog.photos.get(self.photo_id) if self.photo_id is not None else None
        if photo is None:
            self.photo_id = None
            self.tags_of = None
            p.preview.set_image(None, self.tr("No photo selected"))
            p.title.setText("")
            p.info.setText("")
            p.caption.setText("")
            self.model.set_tags([])
            self.refresh_summary()
            return
        p.title.setText(photo.path.name)
        p.title.setToolTip(photo.display_path)
        facts = [f"{photo.width}×{photo.height}" if photo.width else "", photo.camera or "", photo.taken_at or ""]
        if photo.status != "ok":
            facts.append(f"⚠ {photo.error or photo.status}")
        p.info.setText(" · ".join(f for f in facts if f))
        self._update_caption()
        if photo.status == "ok":
            p.preview.set_image(None, self.tr("Loading…"))
            self.session.loader.request_preview(("preview", photo.id), photo.path, PREVIEW_SIZE)
        else:
            p.preview.set_image(None, self.tr("This photo cannot be shown: {reason}").format(
                reason=photo.error or photo.status))
        self.reload_tags()

    def set_selection(self, photo_ids: list[int]) -> None:
        """The photos that batch edits apply to (the shown photo does not change)."""
        self.selection = photo_ids
        self.refresh_summary()

    def _update_caption(self) -> None:
        text = self.session.catalog.analysis.caption(self.photo_id) if self.photo_id is not None else None
        self.panel.caption.setText(f"“{text}”" if text else "")
        self.panel.caption.setVisible(bool(text))

    def reload_tags(self, keep: str | None = None) -> None:
        """Read the shown photo's tags again. The current chip stays on its tag only while the same
        photo is shown (a re-rank, an edit); another photo starts at its first suggestion. In
        review by tag the reviewed tag is the current chip (the one A and R act on)."""
        if self.photo_id is None:
            return
        same_photo = self.tags_of == self.photo_id
        current = keep or (self.current_tag_name() if same_photo else None)
        self.tags_of = self.photo_id
        self.model.set_tags(self.session.catalog.tags.photo_tags(self.photo_id))
        row = self._focus_row()
        if row < 0 and current:
            row = self.model.row_of(current)
        if row < 0:
            row = self._first_suggested()
        if row >= 0:
            self.panel.chips.setCurrentIndex(self.model.index(row, 0))
        self.refresh_summary()

    def set_focus_tag(self, name: str | None) -> None:
        """Review by tag names the tag under review (None when the review ends)."""
        self.focus_tag = name
        row = self._focus_row()
        if row >= 0:
            self.panel.chips.setCurrentIndex(self.model.index(row, 0))

    def _focus_row(self) -> int:
        """The chip of the reviewed tag: the tag itself, else its first ``tag|...`` child on this photo."""
        if not self.focus_tag:
            return -1
        key = self.focus_tag.casefold()
        tags = self.model.tags()
        exact = next((i for i, t in enumerate(tags) if t.name.casefold() == key), -1)
        if exact >= 0:
            return exact
        return next((i for i, t in enumerate(tags) if t.name.casefold().startswith(key + "|")), -1)

    def _first_suggested(self, start: int = 0) -> int:
        tags = self.model.tags()
        for i in list(range(start, len(tags))) + list(range(0, start)):
            if tags[i].state == "suggested":
                return i
        return 0 if tags else -1

    def refresh_summary(self) -> None:
        """Say what the shown photo holds (also when a ranking kept it as it is, or stopped doing so)."""
        tags = self.model.tags()
        n = len(self.selection)
        extra = self.tr(" · edits apply to the {n} selected photos").format(n=n) if n > 1 else ""
        if self.photo_id is None:
            self.panel.summary.setText(extra.strip(" ·"))
            return
        sug = sum(t.state == "suggested" for t in tags)
        passing = sum(self.model.passes(t) for t in tags)
        if self.ranking_waits is not None and self.ranking_waits(self.photo_id):
            extra += self.tr(" · re-ranked suggestions come when you move on")
        self.panel.summary.setText(
            self.tr("{approved} approved · {sug} suggested ({passing} at or above {threshold:.2f}){extra}").format(
                approved=sum(t.state == "approved" for t in tags), sug=sug, passing=passing,
                threshold=self.session.threshold, extra=extra))

    def refresh_completion(self) -> None:
        """The add-tag field completes every tag name of the library (read off the GUI thread)."""
        self.session.queries.run(lambda catalog: catalog.tags.names(), self._set_completion, key=NAMES_KEY)

    def _set_completion(self, names: list[str]) -> None:
        if names != self.panel.completer_model.stringList():  # a reset loses the highlighted completion
            self.panel.completer_model.setStringList(names)

    def _on_photos_changed(self, ids: list[int]) -> None:
        if self.photo_id in ids:
            self._update_caption()  # a tagging result brings a caption with its tags
            self.reload_tags()

    def _on_threshold(self, value: float) -> None:
        self.model.set_threshold(value)
        self.refresh_summary()

    def _on_image(self, key: object, image: QImage) -> None:
        if key == ("preview", self.photo_id):
            self.panel.preview.set_image(image)

    def _on_image_failed(self, key: object, reason: str) -> None:
        if key == ("preview", self.photo_id):
            self.panel.preview.set_image(None, self.tr("This photo cannot be shown: {reason}").format(reason=reason))

    # -- edits --------------------------------------------------------------------------------

    def current_tag(self) -> PhotoTag | None:
        idx = self.panel.chips.currentIndex()
        return self.model.tag(idx.row()) if idx.isValid() and idx.row() < self.model.rowCount() else None

    def current_tag_name(self) -> str | None:
        idx = self.panel.chips.currentIndex()
        return idx.data(TagRoles.Name) if idx.isValid() else None

    def _following(self, row: int) -> list[str]:
        """The suggestions after this chip in the order shown, then those before it."""
        tags = self.model.tags()
        return [tags[i].name for i in [*range(row + 1, len(tags)), *range(0, max(0, row))]
                if tags[i].state == "suggested"]

    def _after_edit(self, following: list[str]) -> None:
        """Move to the suggestion that followed the edited chip before the edit (A/R go through the
        suggestions in the order shown; an approved chip moving up never sends the ring back)."""
        nxt = next((r for r in map(self.model.row_of, following)
                    if r >= 0 and self.model.tag(r).state == "suggested"), self._first_suggested())
        if nxt >= 0:
            self.panel.chips.setCurrentIndex(self.model.index(nxt, 0))

    def targets(self) -> list[int]:
        """The photos an edit acts on: the selection when several photos are selected, otherwise
        the photo shown here (the window's one rule; the grid provides it through ``target_source``)."""
        ids = list(self.target_source()) if self.target_source is not None else list(self.selection)
        if len(ids) > 1 or (ids and self.photo_id is None):
            return ids
        return [self.photo_id] if self.photo_id is not None else []

    def set_state(self, op: TagOp) -> bool:
        """Approve / reject the current tag on the shown photo, or on every selected photo."""
        tag = self.current_tag()
        ids = self.targets()
        if tag is None or not ids:
            return False
        following = self._following(self.model.row_of(tag.name))
        done = push_changes(self.session, [TagChange(op, tuple(ids), tag.name)])
        self._after_edit(following)
        return done

    def approve(self) -> bool:
        return self.set_state("approve")

    def reject(self) -> bool:
        return self.set_state("reject")

    def remove(self) -> bool:
        tag = self.current_tag()
        ids = self.targets()
        if tag is None or not ids:
            return False
        following = self._following(self.model.row_of(tag.name))
        done = push_changes(self.session, [TagChange("remove", tuple(ids), tag.name)])
        self._after_edit(following)
        return done

    def approve_all_above(self) -> int:
        """Approve every suggestion at or above the threshold on the target photos. Returns how many tags."""
        ids = self.targets()
        if not ids:
            return 0
        threshold = self.session.threshold
        found: dict[int, list[PhotoTag]]
        if self.photo_id is not None and ids == [self.photo_id]:
            found = {self.photo_id: self.model.tags()}
        else:
            found = self.session.catalog.tags.photo_tags_of(ids, states=("suggested",))
        by_name: dict[str, list[int]] = {}
        for pid, tags in found.items():
            for t in tags:
                if t.state == "suggested" and passes(t.visual_score, threshold):
                    by_name.setdefault(t.name, []).append(pid)
        if by_name:
            where = target_text(ids)
            push_changes(self.session, [TagChange("approve", tuple(p), n) for n, p in by_name.items()],
                         self.tr("Approve {n} tags at or above {threshold} on {target}").format(
                             n=len(by_name), threshold=f"{threshold:.2f}", target=where))
        return sum(len(p) for p in by_name.values())

    def rename_current(self, new_name: str) -> bool:
        """Edit a tag on the target photos: the old one goes, the new one is added approved (one undo step)."""
        tag = self.current_tag()
        new_name = new_name.strip()
        ids = tuple(self.targets())
        if tag is None or not ids or not new_name or new_name == tag.name:
            return False
        done = push_changes(self.session, [TagChange("remove", ids, tag.name), TagChange("add", ids, new_name)],
                            self.tr("Edit '{old}' to '{new}' on {target}").format(
                                old=tag.name, new=new_name, target=target_text(ids)))
        if done:
            self.reload_tags(keep=new_name)
        return done

    def edit_current(self) -> bool:
        tag = self.current_tag()
        if tag is None:
            return False
        where = target_text(self.targets())
        text, ok = QInputDialog.getText(self.panel, self.tr("Edit tag"),
                                        self.tr("New name for '{name}' on {where}:").format(name=tag.name, where=where),
                                        text=tag.name)
        return bool(ok) and self.rename_current(text)

    def add_tag(self, name: str, photo_ids: list[int] | None = None) -> bool:
        ids = photo_ids or self.targets()
        name = name.strip()
        if not ids or not name:
            return False
        return push_changes(self.session, [TagChange("add", tuple(ids), name)])

    def _add_from_field(self) -> None:
        if self.add_tag(self.panel.add_field.text()):
            self.panel.add_field.clear()
            self.added_from_field.emit()  # the window gives the focus back to the grid
