"""What a tagging run takes first: the photos the person looks at, then the rest in catalog order.

WorkOrder alone, then tag_photos with a fake pipeline that records the order photos were analysed in."""

from __future__ import annotations

import threading
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.scanner import scan_folder
from imgtag_desktop.tagging import Focus, WorkOrder, tag_photos
from tests.fake_pipeline import FakePipeline
from tests.helpers import make_photo


def test_without_a_focus_the_given_order_is_kept() -> None:
    order = WorkOrder([5, 3, 9, 1, 7])
    assert list(order.batches(2)) == [[5, 3], [9, 1], [7]]
    assert order.take(2) == [] and len(order) == 0


def test_the_focus_comes_first_then_the_rest_resumes_its_order() -> None:
    focus = Focus([9, 42, 7])  # 42 is not part of this run: ignored
    order = WorkOrder([5, 3, 9, 1, 7, 8], focus)
    assert order.take(3) == [9, 7, 5]
    focus.set([8, 3])  # the person scrolled: the new focus replaces the old one
    assert order.take(1) == [8]
    focus.set([])
    assert order.take(10) == [3, 1]


def test_a_photo_done_is_never_handed_out_again_even_when_looked_at_again() -> None:
    focus = Focus()
    order = WorkOrder([1, 2, 3, 4], focus)
    assert order.take(2) == [1, 2]
    focus.set([2, 1, 4])
    assert order.take(2) == [4, 3]
    assert order.take(2) == []


def test_duplicate_ids_are_handed_out_once() -> None:
    assert list(WorkOrder([1, 2, 1, 3, 2]).batches(10)) == [[1, 2, 3]]


@settings(max_examples=200, deadline=None)
@given(
    ids=st.lists(st.integers(0, 60), unique=True, max_size=40),
    steps=st.lists(st.tuples(st.integers(1, 5), st.lists(st.integers(0, 80), max_size=12)), max_size=30),
)
def test_any_sequence_of_scrolls_hands_each_photo_out_once_focus_first(
    ids: list[int], steps: list[tuple[int, list[int]]]
) -> None:
    focus = Focus()
    order = WorkOrder(ids, focus)
    handed: list[int] = []
    for size, looked_at in steps:
        focus.set(looked_at)
        pending = [i for i in ids if i not in handed]
        wanted = [i for i in dict.fromkeys(looked_at) if i in pending]
        expected = (wanted + [i for i in pending if i not in wanted])[:size]
        batch = order.take(size)
        assert batch == expected
        handed.extend(batch)
    handed.extend(i for b in order.batches(3) for i in b)
    assert sorted(handed) == sorted(ids) and len(handed) == len(set(handed))


# -- tag_photos ----------------------------------------------------------------------------------


def _library(catalog: Catalog, folder: Path, n: int) -> list[int]:
    for i in range(n):
        make_photo(folder / f"img{i:02d}.jpg", (96, 64), seed=i)
    scan_folder(catalog, folder)
    return [p.id for p in catalog.photos.all()]


def _names(catalog: Catalog, ids: list[int]) -> list[str]:
    return [p.path.name for p in catalog.photos.all(ids=ids)]


def test_the_photos_looked_at_are_tagged_first_and_failures_still_count(catalog: Catalog, tmp_path: Path) -> None:
    ids = _library(catalog, tmp_path / "photos", 12)
    broken = tmp_path / "photos" / "img10.jpg"
    broken.write_bytes(broken.read_bytes()[:200])  # changed after the scan: cut short
    names = _names(catalog, ids)
    fake = FakePipeline()
    progress: list[tuple[int, int]] = []
    errors: list[int] = []
    results: list[int] = []
    focus = Focus([ids[11], ids[10], ids[9], ids[8]])  # scrolled to the end, current photo last
    stats = tag_photos(catalog, ids, fake, threshold=0.0, batch_size=3, focus=focus,  # type: ignore[arg-type]
                       progress=lambda d, t, _p: progress.append((d, t)),
                       on_error=lambda pid, _p, _r: errors.append(pid), on_result=results.append)
    assert fake.analysed == [names[11], names[9], names[8], *names[:8]]  # img10 cannot be decoded
    assert fake.batches[0] == [names[11], names[9]] and fake.batches[1] == [names[8], *names[:2]]
    assert errors == [ids[10]] and stats.failed == 1 and stats.analysed == 11 == len(set(results))
    assert [d for d, _ in progress] == list(range(1, 13)) and {t for _, t in progress} == {12}
    assert catalog.analysis.pending(fake.models_key) == []  # every photo analysed once, or marked broken
    assert [p.id for p in catalog.photos.all(status="broken")] == [ids[10]]


def test_without_a_focus_photos_are_tagged_in_catalog_order(catalog: Catalog, tmp_path: Path) -> None:
    ids = _library(catalog, tmp_path / "photos", 7)
    fake = FakePipeline()
    stats = tag_photos(catalog, ids, fake, threshold=0.0, batch_size=3)  # type: ignore[arg-type]
    assert fake.analysed == _names(catalog, ids) and stats.analysed == 7


def test_scrolling_during_a_run_changes_what_comes_next_then_the_order_resumes(
    catalog: Catalog, tmp_path: Path
) -> None:
    ids = _library(catalog, tmp_path / "photos", 18)
    names = _names(catalog, ids)
    focus = Focus()
    bottom = ids[15:18]

    def scroll_while_batch_runs(number: int) -> None:
        if number == 1:
            focus.set(reversed(bottom))  # the person scrolls to the end while the second batch runs

    fake = FakePipeline(before_batch=scroll_while_batch_runs)
    stats = tag_photos(catalog, ids, fake, threshold=0.0, batch_size=3, focus=focus)  # type: ignore[arg-type]
    order = fake.analysed
    assert sorted(order) == sorted(names) and len(order) == len(set(order)) == 18 == stats.analysed
    assert order[:6] == names[:6]  # what was chosen before the scroll
    at = {name: i for i, name in enumerate(order)}
    # The photos scrolled to come before the ones that catalog order would have taken next...
    # (a batch chosen ahead of the scroll, ids[6:9], may still come first)
    assert max(at[n] for n in names[15:18]) < at[names[9]]
    assert [at[names[17]], at[names[16]], at[names[15]]] == sorted(at[n] for n in names[15:18])  # in focus order
    # ...and the rest keeps its order.
    assert [n for n in order if n not in names[15:18]] == names[:15]
    assert catalog.analysis.pending(fake.models_key) == []


def test_a_cancel_during_a_focused_run_keeps_the_committed_work_and_the_next_run_does_the_rest(
    catalog: Catalog, tmp_path: Path
) -> None:
    ids = _library(catalog, tmp_path / "photos", 12)
    names = _names(catalog, ids)
    stop = threading.Event()
    focus = Focus(ids[9:12])

    def cancel_during(number: int) -> None:
        if number == 1:
            stop.set()  # the person presses Stop while the second batch is analysed

    first = FakePipeline(before_batch=cancel_during)
    stats = tag_photos(catalog, ids, first, threshold=0.0, batch_size=3, focus=focus,  # type: ignore[arg-type]
                       cancelled=stop.is_set)
    assert stats.cancelled and stats.analysed == len(first.analysed) == 6
    assert first.analysed[:3] == names[9:12]  # what the person looked at is among what was kept
    pending = catalog.analysis.pending(first.models_key)
    assert set(_names(catalog, pending)) == set(names) - set(first.analysed)  # all committed work kept
    second = FakePipeline()
    tag_photos(catalog, pending, second, threshold=0.0, batch_size=3)  # type: ignore[arg-type]
    assert second.analysed == [n for n in names if n not in first.analysed]  # the rest, once, in order
    assert catalog.analysis.pending(first.models_key) == []
