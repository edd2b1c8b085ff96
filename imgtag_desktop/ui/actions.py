"""Every command of the window, declared once: text, shortcuts, tooltip, menu, scope.

The main window binds each action id to a controller method; menus and the keyboard map
(Help > Keyboard shortcuts, docs/ui.md) are generated from this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

from .i18n import tr_


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    menu: str
    shortcuts: tuple[str, ...] = ()
    tip: str = ""
    # "window": anywhere in the window; "review": only while the grid or the tag chips have focus,
    # so that typing A, R, Enter or Delete in a text field never edits tags.
    scope: str = "window"
    separator_before: bool = False


# The texts are translated where they are shown (tr_); the .ts extractor reads them from this table.
ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("open_folder", "&Open folder…", "&File", ("Ctrl+O",), "Add a photo folder to the library and scan it"),
    ActionSpec("rescan", "&Rescan folders", "&File", ("F5",), "Look for new, changed, moved and deleted photos"),
    ActionSpec("write_metadata", "&Write tags to files…", "&File", ("Ctrl+Shift+W",),
               "Preview and write approved tags into the selected (or all shown) photos' files", separator_before=True),
    ActionSpec("quit", "&Quit", "&File", ("Ctrl+Q",), "Close imgtag", separator_before=True),
    ActionSpec("undo", "&Undo", "&Edit", ("Ctrl+Z",), "Undo the last tag edit"),
    ActionSpec("redo", "&Redo", "&Edit", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo the last undone tag edit"),
    ActionSpec("add_tag", "&Add tag to selection…", "&Edit", ("Ctrl+T",),
               "Type a tag to add (approved) to the shown photo, or to every selected photo", separator_before=True),
    ActionSpec("remove_from_selection", "Remo&ve tag from selection…", "&Edit", ("Ctrl+Shift+T",),
               "Take a tag off the shown photo, or off every selected photo"),
    ActionSpec("tag_manager", "Tag &manager…", "&Edit", ("Ctrl+Shift+E",),
               "Rename, merge, move or delete tags across the whole library"),
    ActionSpec("settings", "&Settings…", "&Edit", ("Ctrl+,",), "Models, device, threshold, thumbnails",
               separator_before=True),
    ActionSpec("approve", "&Approve tag", "&Review", ("A",),
               "Approve the current tag on the shown photo, or on every selected photo (then go to the next)",
               scope="review"),
    ActionSpec("reject", "&Reject tag", "&Review", ("R",),
               "Reject the current tag on the shown photo or the selection: it is never suggested again there",
               scope="review"),
    ActionSpec("approve_all", "Approve all &above threshold", "&Review", ("Return", "Enter"),
               "Approve every suggestion with a confidence at or above the threshold", scope="review"),
    ActionSpec("remove_tag", "Re&move tag", "&Review", ("Del", "Backspace"),
               "Take the current tag off the shown photo, or off every selected photo",
               scope="review"),
    ActionSpec("edit_tag", "&Edit tag…", "&Review", ("F2",),
               "Rename the current tag on the shown photo or the selection (Tag manager: everywhere)", scope="review"),
    ActionSpec("next_tag", "Next tag", "&Review", ("]",), "Move to the next tag chip", scope="review",
               separator_before=True),
    ActionSpec("prev_tag", "Previous tag", "&Review", ("[",), "Move to the previous tag chip", scope="review"),
    ActionSpec("review_tag", "Review &by tag…", "&Review", ("Ctrl+Shift+R",),
               "See every photo where a tag is suggested, best score first", separator_before=True),
    ActionSpec("threshold_up", "Raise threshold", "&Review", ("Alt+Up",), "Raise the suggestion threshold by 0.05",
               separator_before=True),
    ActionSpec("threshold_down", "Lower threshold", "&Review", ("Alt+Down",), "Lower the threshold by 0.05"),
    ActionSpec("muted_tags", "M&uted tags…", "&Review", (),
               "Tags no longer suggested because you rejected them often; unmute them here",
               separator_before=True),
    ActionSpec("learning", "&Learn from my decisions", "&Review", (),
               "Rank suggestions by what you approve and reject (switch off to rank by the models alone)"),
    ActionSpec("reset_learning", "Reset lear&ning…", "&Review", (),
               "Forget what was learned from your approvals and rejections, and the muted tags"),
    ActionSpec("tag_all", "&Tag all photos", "&Tools", ("Ctrl+G",),
               "Suggest tags for every photo not yet analysed with the current models"),
    ActionSpec("tag_selection", "Tag &selection", "&Tools", ("Ctrl+Shift+G",),
               "Suggest tags for the shown photo, or for every selected photo"),
    ActionSpec("stop", "S&top", "&Tools", ("Ctrl+.",), "Stop the running job after the batch in flight"),
    ActionSpec("error_log", "&Problems…", "&Tools", ("Ctrl+L",), "Photos that could not be read or tagged"),
    ActionSpec("duplicates", "&Duplicates…", "&Tools", ("Ctrl+Shift+D",),
               "Group near-identical photos (bursts, resized copies, re-encodes) and choose which to keep"),
    ActionSpec("models", "&Models…", "&Tools", ("Ctrl+Shift+M",), "Model status, local folders, download",
               separator_before=True),
    ActionSpec("find", "&Search…", "&View", ("Ctrl+F",),
               'Search with a query: dog AND (beach OR park) -night, ~"sunset" (visual, after tagging)'),
    ActionSpec("find_similar", "Find s&imilar photos", "&View", ("Ctrl+Shift+F",),
               "Photos that look like the current one, most similar first (like:PHOTO)"),
    ActionSpec("focus_sidebar", "Go to &sidebar", "&View", ("Ctrl+1",), "Move the keyboard focus to the sidebar"),
    ActionSpec("focus_grid", "Go to &photos", "&View", ("Ctrl+2",), "Move the keyboard focus to the photo grid"),
    ActionSpec("focus_tags", "Go to &tags", "&View", ("Ctrl+3",), "Move the keyboard focus to the photo's tags"),
    ActionSpec("all_photos", "&All photos", "&View", ("Ctrl+Shift+A",), "Show every photo in the library"),
    ActionSpec("bigger", "&Larger thumbnails", "&View", ("Ctrl++", "Ctrl+="), "Make thumbnails larger",
               separator_before=True),
    ActionSpec("smaller", "S&maller thumbnails", "&View", ("Ctrl+-",), "Make thumbnails smaller"),
    ActionSpec("shortcuts", "&Keyboard shortcuts", "&Help", ("F1",), "Show every keyboard shortcut"),
)


def icon_text(text: str) -> str:
    """A menu text as a toolbar label: no mnemonic ampersand, no trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip()


class ActionRegistry(QObject):
    """QActions built from :data:`ACTIONS`; ``bind`` connects them, ``build_menus`` fills a menu bar."""

    def __init__(self, window: QWidget, specs: tuple[ActionSpec, ...] = ACTIONS) -> None:
        super().__init__(window)
        self.window = window
        self.specs = {s.id: s for s in specs}
        self.actions: dict[str, QAction] = {}
        for s in specs:
            action = QAction(tr_(s.text), window)
            action.setObjectName(s.id)
            # Toolbar buttons show the icon text: fixed and short, while the menu text names the
            # target ("Undo Approve 'dog' on 6 photos") and would push the toolbar into overflow.
            action.setIconText(icon_text(tr_(s.text)))
            action.setShortcuts([QKeySequence(k) for k in s.shortcuts])
            tip = tr_(s.tip) + (f" ({QKeySequence(s.shortcuts[0]).toString(QKeySequence.SequenceFormat.NativeText)})"
                           if s.shortcuts else "")
            action.setToolTip(tip)
            action.setStatusTip(tr_(s.tip))
            if s.scope == "review":
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                window.addAction(action)
            self.actions[s.id] = action

    def __getitem__(self, action_id: str) -> QAction:
        return self.actions[action_id]

    def bind(self, action_id: str, handler: Callable[[], object]) -> None:
        def run(_checked: bool = False) -> None:
            handler()  # slots return None: PySide6 mishandles values returned to a void signal

        self.actions[action_id].triggered.connect(run)

    def attach_review_keys(self, *widgets: QWidget) -> None:
        """Make the review keys (A, R, Enter, Del…) work while one of these widgets has focus."""
        for w in widgets:
            for s in self.specs.values():
                if s.scope == "review":
                    w.addAction(self.actions[s.id])

    def build_menus(self, bar: QMenuBar) -> None:
        menus: dict[str, object] = {}
        for s in self.specs.values():
            menu = menus.get(s.menu)
            if menu is None:
                menu = bar.addMenu(tr_(s.menu))
                menus[s.menu] = menu
            if s.separator_before:
                menu.addSeparator()  # type: ignore[attr-defined]
            menu.addAction(self.actions[s.id])  # type: ignore[attr-defined]

    def keyboard_map(self) -> list[tuple[str, str]]:
        """(keys, what they do) for every action with a shortcut."""
        rows = []
        for s in self.specs.values():
            if s.shortcuts:
                keys = " / ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)
                                  for k in s.shortcuts)
                rows.append((keys, tr_(s.text).replace("&", "").rstrip("…") + (f" — {tr_(s.tip)}" if s.tip else "")))
        return rows
