"""Suggestions that follow the threshold, the budget and the person's decisions; muted tags.

:class:`SuggestionsController` re-ranks the library on a worker (:class:`RerankJob`, no model
runs) when the threshold or the budget moves, and refits the learned model after a batch of
decisions (each tag edit is a step of the undo stack). When it is done, ``suggestions_changed``
tells the grid, the sidebar, the threshold preview and the detail pane to read again.

What the person looks at does not change by itself: a re-ranking the person did not ask for
(learning from decisions, and a tagging run's re-rankings of photos tagged earlier) leaves the
photo in the detail pane as it is shown, and ranks it when the person moves on to another
photo; the photos it changed elsewhere are named in the status bar, with the reason. A change
the person makes (the threshold, the budget, muting, learning on/off or reset) applies to every
photo at once, the one shown included.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import Catalog, TagMute
from ..jobs.base import JobHandle, JobStats, start_job
from ..jobs.rerank_job import RerankJob
from ..tagging.suggest import RankingOptions, last_view, learning_enabled, reset_learning, set_learning
from .session import Session

log = logging.getLogger(__name__)

MUTED_KEY = "muted-tags"
RANK_DELAY_MS = 250  # the slider or the budget moved: re-rank soon
LEARN_DELAY_MS = 1500  # decisions come in bursts: refit once the person pauses
LEFT_DELAY_MS = 150  # the person moved to another photo: rank the one left once the grid settles


def ranking_options(session: Session) -> RankingOptions:
    return RankingOptions.from_settings(session.settings)


@dataclass
class RankRequest:
    """One re-ranking to run: refit first or not, which photos (None: all), whether the photo
    shown stays as it is (a ranking the person did not ask for), and why (for the status bar)."""

    refit: bool = False
    photo_ids: set[int] | None = None
    hold: bool = True
    reasons: set[str] = field(default_factory=set)

    def merged(self, other: RankRequest) -> RankRequest:
        ids = None if self.photo_ids is None or other.photo_ids is None else self.photo_ids | other.photo_ids
        return RankRequest(self.refit or other.refit, ids, self.hold and other.hold, self.reasons | other.reasons)


class SuggestionsController(QObject):
    """Keeps the shown suggestions current; one re-ranking job at a time (a new request waits)."""

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.handle: JobHandle | None = None
        self._pending: RankRequest | None = None  # what the request waiting for the running job asks
        self._running: RankRequest | None = None
        self._rank_timer = self._timer(RANK_DELAY_MS, lambda: self.request(refit=False, hold=False))
        self._learn_timer = self._timer(LEARN_DELAY_MS, lambda: self.request(refit=True, reason="learning"))
        session.threshold_changed.connect(lambda _v: self._rank_timer.start())
        session.budget_changed.connect(lambda _v: self._rank_timer.start())
        session.undo_stack.indexChanged.connect(lambda _i: self._learn_timer.start())
        self.last_stats: JobStats | None = None
        self.shown_photo: int | None = None  # the detail pane's photo: rankings leave it as it is
        self.stale: set[int] = set()  # photos left as they were by a ranking that would change them
        self._left: set[int] = set()  # photos the detail pane showed before, to rank if still stale
        self._left_timer = self._timer(LEFT_DELAY_MS, self._rank_left)
        # The library's stored ranking follows this window's threshold and budget: ranked by another
        # (`imgtag rerank --threshold`, a run with its own), it is ranked again now, before anything is
        # shown of it, rather than at the first refit, later, with nothing said.
        self.sync_view()

    def sync_view(self) -> None:
        """Rank the library again when its stored ranking was made with another threshold or budget
        than the window's (at start; after a tagging run that took its snapshot of them before the
        person moved the slider)."""
        threshold, budget = self.session.threshold, self.session.budget
        self.session.queries.run(last_view, lambda view: self._check_view(view, threshold, budget))

    def _check_view(self, view: dict[str, float], threshold: float, budget: int) -> None:
        if self.session.closed or (threshold, budget) != (self.session.threshold, self.session.budget):
            return  # moved meanwhile: that move ranks the library
        if view and view != {"threshold": threshold, "budget": budget}:
            self.request(refit=False, hold=False)

    def _timer(self, ms: int, slot: object) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    def show_photo(self, photo_id: int | None) -> None:
        """The detail pane now shows this photo (None: none). The photo left behind is ranked soon
        when a ranking kept it as it was while it was shown (not when it comes straight back, as
        when the grid reloads its rows and finds its current photo again)."""
        photo_id = photo_id if photo_id is not None and photo_id >= 0 else None
        left, self.shown_photo = self.shown_photo, photo_id
        if left is not None and left != photo_id:
            self._left.add(left)
            self._left_timer.start()

    def _rank_left(self) -> None:
        left = sorted(p for p in self._left if p != self.shown_photo and p in self.stale)
        self._left.clear()
        if left:
            self.request(refit=False, photo_ids=left, reason="photo-left")

    def keep_as_shown(self, photo_ids: list[int]) -> None:
        """A tagging run kept these photos as they were shown: rank them when the person moves on
        (those no longer shown at once)."""
        self.stale.update(photo_ids)
        self._left.update(photo_ids)
        self._left_timer.start()

    def request(self, *, refit: bool, photo_ids: list[int] | None = None, hold: bool = True,
                reason: str = "") -> None:
        """Re-rank now (and refit first when ``refit``), or as soon as the running job ends.
        ``hold``: the photo shown stays as it is (see the module docstring)."""
        if self.session.closed:
            return
        wanted = RankRequest(refit, None if photo_ids is None else set(photo_ids), hold, {reason} - {""})
        if self.handle is not None and self.handle.running():
            self._pending = wanted if self._pending is None else self._pending.merged(wanted)
            return
        self._start(wanted)

    def _start(self, wanted: RankRequest) -> None:
        held = [self.shown_photo] if wanted.hold and self.shown_photo is not None else []
        ids = None if wanted.photo_ids is None else sorted(wanted.photo_ids)
        job = RerankJob(self.session.library, ranking_options(self.session), refit=wanted.refit, photo_ids=ids,
                        hold=held)
        job.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._running = wanted
        self.handle = start_job(job, self)

    def _on_finished(self, stats: JobStats) -> None:
        if self.handle is not None:
            self.handle.wait(5000)
        self.handle = None
        request, self._running = self._running, None
        self.last_stats = stats
        if stats.error:
            self.session.error.emit(self.tr("Suggestions could not be ranked again: {error}").format(error=stats.error))
        elif not self.session.closed:
            changed = [int(p) for p in stats.detail.get("changed", [])]  # type: ignore[attr-defined]
            held = [int(p) for p in stats.detail.get("held", [])]  # type: ignore[attr-defined]
            # The photo shown was kept from a ranking the person did not ask for, and their own change
            # (threshold, budget) now ranks it: say so, or chips would vanish with no reason given.
            released = (request is not None and not request.hold and self.shown_photo is not None
                        and self.shown_photo in self.stale and self.shown_photo in changed)
            if request is None or request.photo_ids is None:
                self.stale = set(held)  # every other photo is ranked as it should be now
            else:
                self.stale = (self.stale - request.photo_ids) | set(held)
            self.session.suggestions_changed.emit()
            self._announce(request or RankRequest(), changed, held, released)
        if self._pending is not None and not self.session.closed:
            pending, self._pending = self._pending, None
            self._start(pending)

    def _announce(self, request: RankRequest, changed: list[int], held: list[int], released: bool = False) -> None:
        """Say in the status bar what a ranking the person did not ask for changed, and why."""
        if released:
            self.session.news.emit(self.tr("Suggestions of the photo shown brought up to date as well: a re-ranking "
                                             "had kept them as they were while you looked at it"))
            return
        if not request.hold or not (changed or held):
            return  # the person's own change (threshold, budget, muting): its effect is the answer
        if "learning" in request.reasons and not changed:  # only the photo shown would change
            self.session.news.emit(self.tr("Learned from your decisions: the photo shown is re-ranked when "
                                             "you move on"))
            return
        if "learning" in request.reasons:
            text = (self.tr("Suggestions re-ranked after learning from your decisions: 1 photo changed")
                    if len(changed) == 1 else
                    self.tr("Suggestions re-ranked after learning from your decisions: {n} photos changed").format(
                        n=len(changed)))
        else:
            text = self.tr("Suggestions of the photo you left were brought up to date (kept as they were while "
                           "you looked at it)")
            if not changed:
                return
        if held:
            text += self.tr("; the photo shown keeps its suggestions until you move on")
        self.session.news.emit(text)

    def busy(self) -> bool:
        return (self.handle is not None or self._rank_timer.isActive() or self._learn_timer.isActive()
                or self._left_timer.isActive())

    def close(self) -> None:
        self._rank_timer.stop()
        self._learn_timer.stop()
        self._left_timer.stop()
        if self.handle is not None and not self.handle.wait(30000):
            self.handle.leave_running()  # never destroyed with the window while it runs

    # -- learning on/off, reset -------------------------------------------------------------------

    def learning(self) -> bool:
        return learning_enabled(self.session.catalog)

    def set_learning(self, enabled: bool) -> None:
        set_learning(self.session.catalog, enabled)
        self.request(refit=True, hold=False)

    def reset(self, parent: QWidget | None = None) -> bool:
        answer = QMessageBox.question(
            parent, self.tr("Reset learning"),
            self.tr("Forget every approval and rejection learned so far, and the muted tags?\n"
                    "Your tags stay as they are; only the suggestions' ranking starts over."))
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.session.queries.run(reset_learning, lambda _result: self.request(refit=True, hold=False),
                                 write=True)
        return True


class MuteCommand(QUndoCommand):
    """Unmute (or mute) a tag as one undoable step: undo puts back the person's previous choice."""

    def __init__(self, session: Session, tag: TagMute, state: str) -> None:
        text = (QCoreApplication.translate("MuteCommand", "Unmute '{tag}'") if state == "unmuted"
                else QCoreApplication.translate("MuteCommand", "Mute '{tag}'"))
        super().__init__(text.format(tag=tag.tag))
        self.session = session
        self.name = tag.tag
        self.after = (state, tag.rejections)
        self.before = session.catalog.decisions.override(tag.tag)

    def redo(self) -> None:
        self.session.catalog.decisions.set_override(self.name, self.after)

    def undo(self) -> None:
        self.session.catalog.decisions.set_override(self.name, self.before)


def muted_tags(catalog: Catalog, after: int) -> list[TagMute]:
    return [m for m in catalog.decisions.mutes(after) if m.muted] if learning_enabled(catalog) else []


class MutedTagsDialog(QDialog):
    """The muted tags (rejected on many photos, never approved): unmute, with undo (Ctrl+Z)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("mutedTagsDialog")
        self.setWindowTitle(self.tr("Muted tags"))
        self.resize(420, 360)
        layout = QVBoxLayout(self)
        self.hint = QLabel(
            self.tr("A tag you rejected on {n} photos and never approved is no longer suggested anywhere. "
                    "Unmute it to see it suggested again.").format(n=session.settings.mute_after), self)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Muted tags"))
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.unmute_button = QPushButton(self.tr("&Unmute"), self)
        self.undo_button = QPushButton(self.tr("U&ndo"), self)
        buttons.addButton(self.unmute_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.unmute_button.clicked.connect(self.unmute_current)
        self.undo_button.clicked.connect(session.undo)
        self.list.currentRowChanged.connect(lambda _r: self._update_buttons())
        session.undo_stack.indexChanged.connect(lambda _i: self.refresh())
        session.suggestions_changed.connect(self.refresh)
        session.queries.ready.connect(self._on_query)
        self.tags: list[TagMute] = []
        self.refresh()

    def refresh(self) -> None:
        after = self.session.settings.mute_after
        self.session.queries.submit(MUTED_KEY, lambda catalog: muted_tags(catalog, after))

    def _on_query(self, key: object, result: object) -> None:
        if key == MUTED_KEY and isinstance(result, list):
            self.show_tags(result)

    def show_tags(self, tags: list[TagMute]) -> None:
        current = self.list.currentItem().data(Qt.ItemDataRole.UserRole) if self.list.currentItem() else None
        self.tags = tags
        self.list.clear()
        for m in tags:
            text = (self.tr("{tag}  —  rejected on {n} photos (muted by you)") if m.override == "muted"
                    else self.tr("{tag}  —  rejected on {n} photos"))
            item = QListWidgetItem(text.format(tag=m.tag, n=m.rejections))
            item.setData(Qt.ItemDataRole.UserRole, m.tag)
            self.list.addItem(item)
            if m.tag == current:
                self.list.setCurrentItem(item)
        if not tags:
            placeholder = QListWidgetItem(self.tr("No muted tags"))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(placeholder)
        elif self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.unmute_button.setEnabled(bool(self.tags) and self.list.currentRow() >= 0)
        # Undo here undoes an unmute (or mute), never some other edit the Edit menu would undo.
        stack = self.session.undo_stack
        mute_step = stack.canUndo() and isinstance(stack.command(stack.index() - 1), MuteCommand)
        self.undo_button.setEnabled(mute_step)
        self.undo_button.setToolTip(stack.undoText() if mute_step else "")

    def unmute_current(self) -> bool:
        row = self.list.currentRow()
        if not self.tags or not 0 <= row < len(self.tags):
            return False
        self.session.undo_stack.push(MuteCommand(self.session, self.tags[row], "unmuted"))
        return True
