"""The tags of one photo as a list model (the detail pane's chips), and the chip delegate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ..core.catalog import PhotoTag
from ..core.confidence import passes, shown_confidence
from .theme import chip_background, state_color

Index = QModelIndex | QPersistentModelIndex


class TagRoles:
    Name = Qt.ItemDataRole.UserRole + 1
    State = Qt.ItemDataRole.UserRole + 2
    Score = Qt.ItemDataRole.UserRole + 3
    Source = Qt.ItemDataRole.UserRole + 4
    Passes = Qt.ItemDataRole.UserRole + 5


def chip_text(tag: PhotoTag) -> str:
    if tag.state == "suggested" and tag.visual_score is not None:
        return f"{tag.name}  {shown_confidence(tag.visual_score):.2f}"  # the number the threshold judges
    return tag.name


class PhotoTagsModel(QAbstractListModel):
    """One photo's tags: approved, then suggested by score, then rejected (the catalog's order)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._tags: list[PhotoTag] = []
        self.threshold = 0.5

    def set_tags(self, tags: Sequence[PhotoTag]) -> None:
        self.beginResetModel()
        self._tags = list(tags)
        self.endResetModel()

    def tags(self) -> list[PhotoTag]:
        return list(self._tags)

    def tag(self, row: int) -> PhotoTag:
        return self._tags[row]

    def row_of(self, name: str) -> int:
        return next((i for i, t in enumerate(self._tags) if t.name == name), -1)

    def set_threshold(self, value: float) -> None:
        self.threshold = value
        if self._tags:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._tags) - 1, 0), [TagRoles.Passes])

    def passes(self, tag: PhotoTag) -> bool:
        """A suggestion at or above the threshold, as shown (the ranking's own rule)."""
        return tag.state == "suggested" and passes(tag.visual_score, self.threshold)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._tags)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._tags):
            return None
        t = self._tags[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return chip_text(t)
        if role == TagRoles.Name:
            return t.name
        if role == TagRoles.State:
            return t.state
        if role == TagRoles.Score:
            return t.visual_score
        if role == TagRoles.Source:
            return t.source
        if role == TagRoles.Passes:
            return self.passes(t)
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [f"{t.name}: {t.state} ({t.source})"]
            if t.visual_score is not None:
                label = "confidence (how likely you approve it)" if t.state == "suggested" else "score"
                parts.append(f"{label} {t.visual_score:.3f}")
            if t.keyword_score is not None:
                parts.append(f"keyword score {t.keyword_score:.3f}")
            if t.state == "suggested":
                parts.append("A approve · R reject · Del remove · F2 edit")
            return "\n".join(parts)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{t.name}, {t.state}"
        return None


CHIP_INSET = 2  # the chip's outline sits this far inside its cell (room for the focus ring)
CHIP_PAD_Y = 3  # text to outline, top and bottom
CHIP_TEXT_FLAGS = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
CHIP_TEXT_ANYWHERE = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWrapAnywhere


def chip_font(base: QFont, state: str) -> QFont:
    """The font a chip's text is drawn in: bold when approved, struck out when rejected."""
    font = QFont(base)
    font.setBold(state == "approved")
    font.setStrikeOut(state == "rejected")
    return font


def chip_line_height(base: QFont) -> int:
    """The height of a one-line chip's cell. Its rounded ends are half as wide each: the text sits
    between them, so a chip is its text's width plus this."""
    return QFontMetrics(base).height() + 2 * (CHIP_INSET + CHIP_PAD_Y)


def chip_max_width(option: QStyleOptionViewItem) -> int:
    """The widest a chip may be: the width of the view showing it (less its spacing), so that a
    long name wraps onto a second line inside its chip instead of running out of sight."""
    view = option.widget
    if isinstance(view, QListView):
        return max(80, view.viewport().width() - 2 * max(view.spacing(), 0) - 1)
    return 1 << 16


class ChipDelegate(QStyledItemDelegate):
    """A rounded chip coloured by state; suggestions below the threshold and rejected tags faded.

    A chip is sized for its text in the font it is drawn in (bold when approved, struck out when
    rejected), between its rounded ends and inside the focus ring; a name wider than the view
    wraps inside its chip."""

    def text_layout(self, option: QStyleOptionViewItem, index: Index, width: int) -> tuple[QRect, int]:
        """The rectangle the chip's text needs at most ``width`` wide, and the flags that draw it:
        one line when it fits, else wrapped between words (anywhere, for a word wider than that)."""
        fm = QFontMetrics(chip_font(option.font, index.data(TagRoles.State) or "suggested"))
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        one_line = fm.horizontalAdvance(text)
        if one_line <= width:
            return QRect(0, 0, one_line, fm.height()), int(CHIP_TEXT_FLAGS)
        box = QRect(0, 0, max(width, 1), 1 << 16)
        for flags in (int(CHIP_TEXT_FLAGS), int(CHIP_TEXT_ANYWHERE)):
            needed = fm.boundingRect(box, flags, text)
            if needed.width() <= width:
                break
        return needed, flags

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        line = chip_line_height(option.font)
        text, _flags = self.text_layout(option, index, chip_max_width(option) - line - 1)
        one_line = QFontMetrics(option.font).height()
        return QSize(text.width() + line + 1,
                     max(text.height(), one_line) + 2 * (CHIP_INSET + CHIP_PAD_Y))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette: QPalette = option.palette
        line = chip_line_height(option.font)
        rect: QRect = option.rect.adjusted(CHIP_INSET, CHIP_INSET, -CHIP_INSET, -CHIP_INSET)
        radius = (min(option.rect.height(), line) - 2 * CHIP_INSET) / 2
        state = index.data(TagRoles.State) or "suggested"
        below = state == "suggested" and not index.data(TagRoles.Passes)
        accent = state_color(state, palette)
        painter.setBrush(chip_background(state, palette, below_threshold=below))
        pen = QPen(accent, 2 if option.state & QStyle.StateFlag.State_Selected else 1)
        if state == "suggested":
            pen.setStyle(Qt.PenStyle.DashLine if below else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.drawRoundedRect(rect, radius, radius)
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-1, -1, 1, 1), radius, radius)
        painter.setFont(chip_font(option.font, state))
        text_color = palette.color(QPalette.ColorGroup.Disabled if state == "rejected" or below
                                   else QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
        painter.setPen(text_color)
        pad_y = CHIP_INSET + CHIP_PAD_Y
        text_rect = option.rect.adjusted(line // 2, pad_y, -(line - line // 2), -pad_y)
        _needed, flags = self.text_layout(option, index, text_rect.width())
        painter.drawText(text_rect, flags, index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.restore()
