"""What the GUI thread may ask of the catalog directly. Everything else goes through
:meth:`Session.queries.run <imgtag_desktop.jobs.queries.QueryRunner.run>` on a worker thread.

The test suite enforces this list: in every test, a catalog call made from ``ui/`` code on the
GUI thread that is not named here raises (tests/gui_guard.py). Adding a name here is a design
decision, not a fix for a failing test: only reads of one row (or one photo's few tags) belong
in :data:`O1_READS`.
"""

from __future__ import annotations

#: Reads of one row or of one photo's tags: the detail pane and the threshold preview of the shown photo.
O1_READS: frozenset[str] = frozenset({
    "photos.get",
    "analysis.caption",
    "tags.photo_tags",
    "tags.by_name",
    "review.suggestion_scores",
    "writes.mode",
    "get_setting",
    "decisions.override",
})

#: The person's own edits, applied at once so that undo and redo are exact: the tag edits of the
#: shown photo or the selection (with the undo snapshot of those photos' tags), saving an album,
#: a library setting (write mode, learning on/off), muting or unmuting one tag. Library-wide
#: edits (renaming a tag everywhere, resetting what was learned) run on the query worker
#: (``queries.run(op, write=True)``).
EDITS: frozenset[str] = frozenset({
    "transaction",
    "tags.photo_tags_of",
    "tags.add",
    "tags.remove",
    "tags.approve",
    "tags.reject",
    "tags.put",
    "tags.restore",
    "albums.add",
    "writes.set_mode",
    "set_setting",
    "decisions.set_override",
})

ALLOWED: frozenset[str] = O1_READS | EDITS
