"""The query bar above the grid: a line edit for the search language with completion of tag
names and fields, inline syntax errors, and "Save as smart album".

The bar runs its searches (CLIP text encoding included) and reads the tag names it
completes through a :class:`~imgtag_desktop.jobs.queries.QueryRunner`, never on the GUI
thread; saving an album goes through the host's ``save_album``::

    bar = QueryBar(session.queries, encoder=session.text_encoder, save_album=catalog.albums.add)
    bar.results_ready.connect(lambda ids: grid.show_source(SearchSource(bar.text(), tuple(ids))))
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QStringListModel, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import Catalog, CatalogError
from ..core.query import QueryError, parse, quote
from ..jobs.queries import QueryRunner
from .completion import FoldingCompleter

log = logging.getLogger(__name__)

TextEncoder = Callable[[str], Any]
SEARCH_KEY = "query-bar-search"
NAMES_KEY = "query-bar-tag-names"

#: Completions offered besides tag names.
FIELD_COMPLETIONS: tuple[str, ...] = (
    "AND", "OR", "NOT", "untagged", "tag:", "state:suggested", "state:approved", "state:rejected", "state:any",
    "score>", "caption:", "folder:", "date:", "camera:", "format:jpeg", "format:heic", "format:png",
    "format:tiff", "format:webp", "has:caption", "has:embedding", '~"',
)

# Characters that end the word being completed.
_WORD_BREAKS = set(' ()"')


def current_word(text: str, cursor: int) -> tuple[int, str]:
    """The start and text of the word the cursor is in (for completion).

    A leading ``-`` (negation) is not part of the word."""
    start = cursor
    while start > 0 and text[start - 1] not in _WORD_BREAKS:
        start -= 1
    while start < cursor and text[start] == "-":
        start += 1
    return start, text[start:cursor]


def completion_text(name: str) -> str:
    """How a tag name is written in a query (quoted when it has spaces or special characters)."""
    quoted = quote(name)
    try:
        bare_ok = parse(name) == parse(quoted)
    except QueryError:
        bare_ok = False
    return name if bare_ok else quoted


class QueryBar(QWidget):
    """Search line edit with completion, inline errors and a "Save as smart album" button.

    Signals:
      ``query_changed(text, node)``: a valid query was submitted (Enter); ``node`` is the parsed
      tree, or ``None`` for a blank query (show everything).
      ``results_ready(ids)``: the matching photo ids (searched off the GUI thread).
      ``error_changed(message)``: the inline error ("" when the text is valid).
      ``album_saved(name, query)``: saved as a smart album (through ``save_album``).
    """

    query_changed = Signal(str, object)
    results_ready = Signal(list)
    error_changed = Signal(str)
    album_saved = Signal(str, str)

    def __init__(
        self,
        queries: QueryRunner,
        *,
        encoder: Callable[[], TextEncoder | None] | None = None,
        save_album: Callable[[str, str], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.queries = queries
        self.encoder = encoder or (lambda: None)
        self._save_album = save_album
        self.error = ""

        self.edit = QLineEdit(self)
        self.edit.setObjectName("queryEdit")
        self.edit.setPlaceholderText(self.tr('Search: dog AND (beach OR park) -night date:2024 ~"sunset over water"'))
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Search query")
        self.save_button = QPushButton(self.tr("Save as smart album"), self)
        self.save_button.setObjectName("saveAlbumButton")
        self.save_button.setEnabled(False)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("queryError")
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setVisible(False)
        self.error_label.setWordWrap(True)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.error_label)

        self.completion_model = QStringListModel(self)
        self.completer = FoldingCompleter(self.completion_model, self)  # zurich completes to Zürich
        self.completer.setWidget(self.edit)
        self.completer.activated.connect(self.insert_completion)
        self.refresh_completions()

        self.edit.textEdited.connect(self._on_edited)
        self.edit.textChanged.connect(self._validate)
        self.edit.returnPressed.connect(self.submit)
        self.save_button.clicked.connect(lambda: self.save_as_album())

    # -- API -------------------------------------------------------------------------------------

    def text(self) -> str:
        return self.edit.text()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)

    def clear_quietly(self) -> None:
        """Empty the field without submitting anything (another source replaced the results)."""
        self.edit.blockSignals(True)
        self.edit.clear()
        self.edit.blockSignals(False)
        self._validate("")

    def refresh_completions(self) -> None:
        """Reload tag names off the GUI thread (call when tags were added, renamed or removed)."""
        self.queries.run(lambda catalog: catalog.tags.names(), self._set_completions, key=NAMES_KEY,
                         failure=lambda reason: log.warning("tag names for completion unavailable: %s", reason))

    def _set_completions(self, names: list[str]) -> None:
        entries = [*(completion_text(n) for n in names), *FIELD_COMPLETIONS]
        if entries != self.completion_model.stringList():  # a reset loses the highlighted completion
            self.completion_model.setStringList(entries)

    def submit(self) -> None:
        """Parse the text and, when valid, announce it and search it off the GUI thread."""
        text = self.edit.text()
        if not self._validate(text):
            return
        node = parse(text) if text.strip() else None
        self.query_changed.emit(text, node)
        if node is None:
            return
        encoder = self.encoder()

        def search(catalog: Catalog) -> list[int]:
            return catalog.albums.search(text, text_encoder=encoder)

        self.queries.run(search, self._on_results, failure=self._show_error, key=SEARCH_KEY)

    def _on_results(self, ids: list[int]) -> None:
        self.results_ready.emit(ids)

    def save_as_album(self, name: str | None = None) -> bool:
        """Save the current query as a smart album (asks for a name when none is given)."""
        text = self.edit.text().strip()
        if not text or not self._validate(text):
            return False
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Save as smart album"), self.tr("Album name:"))
            if not ok:
                return False
        name = " ".join(name.split())
        if not name:
            self._show_error("an album needs a name")
            return False
        if self._save_album is not None:
            try:
                self._save_album(name, text)
            except (CatalogError, QueryError) as exc:
                self._show_error(str(exc))
                return False
        self.album_saved.emit(name, text)
        return True

    # -- internals --------------------------------------------------------------------------------

    def _show_error(self, message: str) -> None:
        self.error = message
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        self.edit.setProperty("invalid", bool(message))
        self.edit.setStyleSheet("QLineEdit { border: 1px solid #c62828; }" if message else "")
        self.edit.setToolTip(message)
        self.error_changed.emit(message)

    def _validate(self, text: str | None = None) -> bool:
        text = self.edit.text() if text is None else text
        if not text.strip():
            self._show_error("")
            self.save_button.setEnabled(False)
            return True
        try:
            parse(text)
        except QueryError as exc:
            self._show_error(str(exc))
            self.save_button.setEnabled(False)
            return False
        self._show_error("")
        self.save_button.setEnabled(True)
        return True

    def _on_edited(self, text: str) -> None:
        _, word = current_word(text, self.edit.cursorPosition())
        popup = self.completer.popup()
        if not word or popup is None:
            if popup is not None:
                popup.hide()
            return
        self.completer.setCompletionPrefix(word)
        if self.completer.completionCount() == 0:
            popup.hide()
            return
        popup.setCurrentIndex(QModelIndex())
        self.completer.complete()

    def insert_completion(self, completion: str) -> None:
        """Replace the word at the cursor by a completion."""
        text = self.edit.text()
        cursor = self.edit.cursorPosition()
        start, _ = current_word(text, cursor)
        end = cursor
        while end < len(text) and text[end] not in _WORD_BREAKS:
            end += 1
        spacer = "" if completion.endswith((":", ">", '"')) else " "
        new = text[:start] + completion + spacer + text[end:].lstrip(" ") if spacer else \
            text[:start] + completion + text[end:]
        self.edit.setText(new)
        self.edit.setCursorPosition(start + len(completion) + len(spacer))
