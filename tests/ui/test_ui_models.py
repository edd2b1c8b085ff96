"""Item models and undo commands, tested without a window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.thumbnails import ThumbnailCache
from imgtag_desktop.jobs.thumbnails import ImageLoader
from imgtag_desktop.ui.commands import TagChange, push_changes
from imgtag_desktop.ui.photo_model import PhotoItem, PhotoListModel, PhotoRoles
from imgtag_desktop.ui.sidebar import SidebarModel, TagNameRole
from imgtag_desktop.ui.tag_model import PhotoTagsModel, TagRoles
from imgtag_desktop.ui.threshold import passing


def test_review_queries(library):
    with Catalog(library) as cat:
        ids = [p.id for p in cat.photos.all(status="ok")]
        counts = cat.review.tag_state_counts()
        assert counts[ids[0]].approved == 1 and counts[ids[0]].suggested == 3
        assert counts[ids[1]].approved == 0 and counts[ids[1]].suggested == 3
        assert set(cat.review.tag_state_counts(ids[:2])) == set(ids[:2])
        dogs = cat.review.photos_with_tag("dog", ("suggested",))
        assert [d.photo_id for d in dogs] == ids  # scores fall with the row: best first
        assert [round(d.score, 2) for d in dogs] == [round(0.9 - 0.1 * n, 2) for n in range(len(ids))]
        assert [t.photo_id for t in cat.review.photos_with_tag("animal")] == sorted(ids)  # parent includes children
        assert cat.review.photos_with_tag("animal", include_children=False) == []
        scores = cat.review.suggestion_scores()
        assert scores == sorted(scores) and len(scores) == 3 * len(ids)
        assert cat.review.suggestion_scores(ids[0]) == sorted([0.9, 0.6, 0.3])


def test_passing_counts_at_threshold():
    scores = [0.1, 0.3, 0.5, 0.5, 0.9]
    assert passing(scores, 0.5) == 3
    assert passing(scores, 0.0) == 5
    assert passing(scores, 0.95) == 0
    assert passing([], 0.5) == 0


def test_photo_list_model_rows_counts_and_thumbnails(qtbot, library, tmp_path):
    with Catalog(library) as cat:
        photos = cat.photos.all()
        counts = cat.review.tag_state_counts()
    loader = ImageLoader(ThumbnailCache(tmp_path / "thumbs", size=128))
    model = PhotoListModel(loader, thumb_size=96)
    model.set_items([PhotoItem.from_photo(p, counts.get(p.id)) for p in photos])
    assert model.rowCount() == len(photos)
    first = model.index(0, 0)
    assert model.data(first, PhotoRoles.PhotoId) == photos[0].id
    assert model.data(first, Qt.ItemDataRole.DisplayRole) == photos[0].path.name
    ok = next(p for p in photos if p.status == "ok")
    idx = model.index_of(ok.id)
    assert model.data(idx, PhotoRoles.Suggested) == 3
    # Thumbnails: None at first, decoded off the GUI thread, then a pixmap no larger than asked.
    with qtbot.waitSignal(model.dataChanged, timeout=10000):
        assert model.data(idx, PhotoRoles.Thumbnail) is None
    pix = model.data(idx, PhotoRoles.Thumbnail)
    assert isinstance(pix, QPixmap) and not pix.isNull() and max(pix.width(), pix.height()) <= 96
    # Counts update without a reset.
    from imgtag_desktop.core.catalog import TagStateCounts

    model.update_counts({ok.id: TagStateCounts(suggested=0, approved=5)}, [ok.id])
    assert model.data(idx, PhotoRoles.Approved) == 5 and model.data(idx, PhotoRoles.Suggested) == 0
    loader.close()


def test_photo_list_model_reports_undecodable_file(qtbot, tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 garbage")
    loader = ImageLoader(ThumbnailCache(tmp_path / "thumbs"))
    model = PhotoListModel(loader)
    model.set_items([PhotoItem(7, bad, "bad.jpg", None, "ok")])
    with qtbot.waitSignal(model.thumbnail_failed, timeout=10000) as blocker:
        model.data(model.index(0, 0), PhotoRoles.Thumbnail)
    assert blocker.args[0] == 7 and blocker.args[2]
    assert model.data(model.index(0, 0), PhotoRoles.Status) == "broken"
    assert "Problem" in model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    loader.close()


def test_large_model_is_cheap(qtbot):
    from pathlib import Path

    model = PhotoListModel(None)
    items = [PhotoItem(i, Path(f"/x/{i}.jpg"), f"{i}.jpg", None, "ok", suggested=i % 4) for i in range(20000)]
    model.set_items(items)
    assert model.rowCount() == 20000
    assert model.row_of(19999) == 19999
    assert model.data(model.index(12345, 0), PhotoRoles.Suggested) == 12345 % 4


def test_photo_tags_model_order_and_threshold(library):
    with Catalog(library) as cat:
        pid = cat.photos.all(status="ok")[0].id
        tags = cat.tags.photo_tags(pid)
    model = PhotoTagsModel()
    model.set_threshold(0.5)
    model.set_tags(tags)
    names = [model.data(model.index(r, 0), TagRoles.Name) for r in range(model.rowCount())]
    assert names == ["holiday", "dog", "grass", "animal|cat"]  # approved, then by score
    passes = [model.data(model.index(r, 0), TagRoles.Passes) for r in range(model.rowCount())]
    assert passes == [False, True, True, False]
    assert model.data(model.index(1, 0), Qt.ItemDataRole.DisplayRole) == "dog  0.90"
    model.set_threshold(0.95)
    assert not model.data(model.index(1, 0), TagRoles.Passes)


def test_sidebar_model_builds_tag_tree(library):
    with Catalog(library) as cat:
        counts = cat.tags.with_counts()
        folders = cat.photos.folders()
        total = cat.photos.count()
    model = SidebarModel()
    model.set_folders(folders, total)
    model.set_tags(counts)
    top = [model.tags.child(r).data(TagNameRole) for r in range(model.tags.rowCount())]
    assert top == ["animal", "holiday"]  # tags only suggested so far have their own section
    only = [model.suggested_only.child(r).data(TagNameRole) for r in range(1, model.suggested_only.rowCount())]
    assert only == ["dog", "grass"] or sorted(only) == ["dog", "grass"]
    animal = model.tag_item("animal")
    assert animal is not None and animal.rowCount() == 1
    assert animal.child(0).data(TagNameRole) == "animal|cat"
    assert animal.text() == "animal"  # a pure parent has no counts of its own
    assert model.tag_item("dog").text() == "dog  (6 suggested)"
    assert model.suggested_only.text() == "Suggestions only  (2)"
    assert model.library.child(0).text() == f"All photos  ({total})"
    model.set_albums([])
    assert not model.albums.child(0).isEnabled()


def test_undo_restores_exact_tags(session):
    cat = session.catalog
    pid = cat.photos.all(status="ok")[1].id
    before = {t.name: t for t in cat.tags.photo_tags(pid)}
    assert push_changes(session, [TagChange("approve", (pid,), "dog"), TagChange("reject", (pid,), "grass"),
                                  TagChange("add", (pid,), "beach|sand"), TagChange("remove", (pid,), "animal|cat")])
    after = {t.name: t.state for t in cat.tags.photo_tags(pid)}
    assert after == {"dog": "approved", "grass": "rejected", "beach|sand": "approved"}
    session.undo_stack.undo()
    restored = {t.name: t for t in cat.tags.photo_tags(pid)}
    assert restored == before  # scores, source and timestamps included
    session.undo_stack.redo()
    assert {t.name: t.state for t in cat.tags.photo_tags(pid)} == after


def test_invalid_tag_name_is_reported_not_applied(qtbot, session):
    pid = session.catalog.photos.all(status="ok")[0].id
    with qtbot.waitSignal(session.error) as blocker:
        assert not push_changes(session, [TagChange("add", (pid,), "a||b")])
    assert "not a valid tag name" in blocker.args[0]
    assert session.undo_stack.count() == 0


def test_refcount_guard_survives_none_returning_calls(qtbot):
    """PySide6 6.12 drops a reference to None on some calls; the guard keeps the app alive."""
    import sys

    from PySide6.QtGui import QStandardItem, QStandardItemModel

    from imgtag_desktop.ui.compat import guard_singleton_refcounts

    guard_singleton_refcounts()
    model = QStandardItemModel()
    model.appendRow(QStandardItem("x"))
    index = model.index(0, 0)
    before = sys.getrefcount(None)
    for _ in range(20000):
        assert index.data(Qt.ItemDataRole.UserRole + 77) is None
    if sys.version_info < (3, 12):
        assert sys.getrefcount(None) > 2**39  # far from zero whatever the bindings do
    assert sys.getrefcount(None) >= before - 20000


def test_state_colours_follow_light_and_dark_palettes(qtbot):
    from PySide6.QtGui import QColor, QPalette

    from imgtag_desktop.ui.theme import is_dark, state_color

    light, dark = QPalette(QColor("#f0f0f0")), QPalette(QColor("#202020"))
    assert not is_dark(light) and is_dark(dark)
    for state in ("approved", "suggested"):
        on_light, on_dark = state_color(state, light), state_color(state, dark)
        assert on_dark.lightness() > on_light.lightness()  # brighter accents on a dark window
    assert state_color("rejected", dark) == dark.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)


def test_suggestion_histogram_matches_scores(library):
    from imgtag_desktop.ui.threshold import passing_in_histogram

    with Catalog(library) as cat:
        scores = cat.review.suggestion_scores()
        hist = cat.review.suggestion_histogram()
        pid = cat.photos.all(status="ok")[2].id
        assert len(hist) == 101 and sum(hist) == len(scores)
        for t in (0.0, 0.3, 0.5, 0.55, 0.7, 0.9, 1.0):
            assert passing_in_histogram(hist, t) == passing(scores, t), t
        assert sum(cat.review.suggestion_histogram(pid)) == 3


def test_query_runner_delivers_newest_result_off_thread(qtbot, library):
    import threading

    from imgtag_desktop.jobs.queries import QueryRunner

    runner = QueryRunner(library)
    gui = threading.get_ident()
    seen: list[object] = []

    def count(catalog):
        seen.append(threading.get_ident())
        return catalog.photos.count()

    with qtbot.waitSignal(runner.ready, timeout=5000) as blocker:
        runner.submit("n", count)
    assert blocker.args[0] == "n" and blocker.args[1] == Catalog(library).photos.count()
    assert seen and all(t != gui for t in seen)
    results: list[object] = []
    runner.ready.connect(lambda key, value: results.append(value))
    for value in range(5):
        runner.submit("same", lambda _c, v=value: v)
    runner.wait()
    qtbot.waitUntil(lambda: 4 in results, timeout=5000)
    assert results[-1] == 4 and len(results) <= 5
    with qtbot.waitSignal(runner.failed, timeout=5000) as failed:
        runner.submit("bad", lambda c: c.no_such_method())
    assert "no_such_method" in failed.args[1]
    runner.close()


def test_session_does_not_persist_environment_overrides(qtbot, library, monkeypatch):
    from imgtag_desktop.core.settings import load_settings
    from imgtag_desktop.ui.session import Session

    monkeypatch.setenv("IMGTAG_CAPTIONER", "/tmp/env-captioner")
    session = Session(library, load_settings())
    assert session.settings.captioner == "/tmp/env-captioner"
    session.set_threshold(0.33)
    session.save_settings()
    stored = load_settings(apply_env=False)
    assert stored.threshold == 0.33 and stored.captioner != "/tmp/env-captioner"
    session.close()
