"""The window's one rule for what an action acts on, and the action texts that say it.

Every review and tagging action acts on the photo the detail pane shows, or on the
selection when more than one photo is selected (:meth:`GridController.selected_photo_ids`).
Menus, tooltips and the status bar name that target: "Approve 'dog' on 6 photos".
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication

from .commands import target_text
from .i18n import tr_

PLAIN = {
    "approve": "&Approve tag",
    "reject": "&Reject tag",
    "remove_tag": "Re&move tag",
    "edit_tag": "&Edit tag…",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("ActionTexts", text)


def action_texts(targets: Sequence[int], chip: str | None, review_tag: str | None,
                 threshold: float, review_min: float) -> dict[str, str]:
    """Menu texts of the actions whose target changes with the grid's current photo and selection.

    ``chip`` is the detail pane's current tag, ``review_tag`` the tag under review (or None).
    """
    texts: dict[str, str] = {}
    tag = review_tag or chip
    n = len(targets)
    where = target_text(targets) if n else ""
    if tag and n:
        texts["approve"] = _tr("&Approve '{tag}' on {target}").format(tag=tag, target=where)
        texts["reject"] = _tr("&Reject '{tag}' on {target}").format(tag=tag, target=where)
        texts["remove_tag"] = _tr("Re&move '{tag}' from {target}").format(tag=tag, target=where)
        texts["edit_tag"] = _tr("&Edit '{tag}' on {target}…").format(tag=tag, target=where)
    else:
        texts.update({k: tr_(v) for k, v in PLAIN.items()})
    if review_tag:
        texts["approve_all"] = _tr("Approve '{tag}' on every photo &scored ≥ {score}").format(
            tag=review_tag, score=f"{review_min:.2f}")
    elif n:
        texts["approve_all"] = _tr("Approve all &above {threshold} on {target}").format(
            threshold=f"{threshold:.2f}", target=where)
    else:
        texts["approve_all"] = tr_("Approve all &above threshold")
    if n:
        texts["add_tag"] = _tr("&Add tag to {target}…").format(target=where)
        texts["remove_from_selection"] = _tr("Remo&ve a tag from {target}…").format(target=where)
        texts["tag_selection"] = _tr("Tag &{target} (suggest)").format(target=where)
    else:
        texts["add_tag"] = tr_("&Add tag to selection…")
        texts["remove_from_selection"] = tr_("Remo&ve tag from selection…")
        texts["tag_selection"] = tr_("Tag &selection")
    return texts
