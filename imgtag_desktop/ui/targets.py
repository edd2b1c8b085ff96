"""The window's one rule for what an action acts on, and the action texts that say it.

Every review and tagging action acts on the photo the detail pane shows, or on the
selection when more than one photo is selected (:meth:`GridController.selected_photo_ids`).
Menus, tooltips and the status bar name that target: "Approve 'dog' on 6 photos".
"""

from __future__ import annotations

from collections.abc import Sequence

from .commands import describe_change, target_text

PLAIN = {
    "approve": "&Approve tag",
    "reject": "&Reject tag",
    "remove_tag": "Re&move tag",
    "edit_tag": "&Edit tag…",
}


def action_texts(targets: Sequence[int], chip: str | None, review_tag: str | None,
                 threshold: float, review_min: float) -> dict[str, str]:
    """Menu texts of the actions whose target changes with the grid's current photo and selection.

    ``chip`` is the detail pane's current tag, ``review_tag`` the tag under review (or None).
    """
    texts: dict[str, str] = {}
    tag = review_tag or chip
    n = len(targets)
    if tag and n:
        texts["approve"] = "&" + describe_change("approve", tag, targets)
        texts["reject"] = "&" + describe_change("reject", tag, targets)
        texts["remove_tag"] = "Re&move " + describe_change("remove", tag, targets)[len("Remove "):]
        texts["edit_tag"] = f"&Edit '{tag}' on {target_text(targets)}…"
    else:
        texts.update(PLAIN)
    if review_tag:
        texts["approve_all"] = f"Approve '{review_tag}' on every photo &scored ≥ {review_min:.2f}"
    elif n:
        texts["approve_all"] = f"Approve all &above {threshold:.2f} on {target_text(targets)}"
    else:
        texts["approve_all"] = "Approve all &above threshold"
    if n:
        texts["add_tag"] = f"&Add tag to {target_text(targets)}…"
        texts["remove_from_selection"] = f"Remo&ve a tag from {target_text(targets)}…"
        texts["tag_selection"] = f"Tag &{target_text(targets)} (suggest)"
    else:
        texts["add_tag"] = "&Add tag to selection…"
        texts["remove_from_selection"] = "Remo&ve tag from selection…"
        texts["tag_selection"] = "Tag &selection"
    return texts
