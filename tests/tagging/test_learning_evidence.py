"""Learning needs evidence in proportion to its effect; approvals shorten a photo's list; a renamed
or merged tag's old name is suggested as the new one. On the simulated library (no model, no file).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from imgtag_desktop.cli import main
from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.services.tag_manager import TagManager
from imgtag_desktop.tagging.suggest import RankingOptions, after_decisions, maybe_calibrate, rerank, score_table
from tests.suggestion_sim import MODEL_A, SimLibrary, build_library, shown

NO_MUTING = RankingOptions(mute_after=10_000)  # learning alone decides


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[tuple[Catalog, SimLibrary]]:
    catalog = Catalog(tmp_path / "sim.db")
    lib = build_library(catalog, 160, MODEL_A)
    assert maybe_calibrate(catalog, MODEL_A.key) is not None
    rerank(catalog, NO_MUTING)
    yield catalog, lib
    catalog.close()


def _mostly_right_tag(catalog: Catalog, lib: SimLibrary) -> tuple[str, list[int]]:
    """The tag shown on the most photos among those right on at least 80% of the photos showing it."""
    now = shown(catalog, lib.photo_ids)
    counts = Counter(t for names in now.values() for t in names)
    right = Counter(t for p, names in now.items() for t in names if t in lib.truth[p])
    tag = max((t for t in counts if right[t] >= 0.8 * counts[t]), key=lambda t: (counts[t], t))
    return tag, [p for p in lib.photo_ids if tag in now[p]]


def test_one_or_two_rejections_move_a_tag_a_little_and_only_many_take_it_away(
    sim: tuple[Catalog, SimLibrary]
) -> None:
    catalog, lib = sim
    tag, where = _mostly_right_tag(catalog, lib)
    assert len(where) >= 15
    judged, rest = where[:20], where[20:]

    def still_shown() -> int:
        now = shown(catalog, rest)
        return sum(tag in now[p] for p in rest)

    for n in (1, 2):
        catalog.tags.reject(judged[n - 1], tag)
        after_decisions(catalog, NO_MUTING)
        assert still_shown() > len(rest) / 2, f"after {n} rejection(s) {tag!r} must stay on most photos"
    for p in judged[2:]:
        catalog.tags.reject(p, tag)
    after_decisions(catalog, NO_MUTING)  # 20 consistent rejections: learning takes it away
    assert still_shown() <= len(rest) / 3
    scored = score_table(catalog, catalog.suggestions.table(rest))
    assert max(c for c, name in zip(scored.confidence, scored.names, strict=True) if name == tag) < 0.9


def test_approving_shortens_the_photos_list_and_rejecting_lets_the_next_one_in(
    sim: tuple[Catalog, SimLibrary]
) -> None:
    catalog, lib = sim
    options = RankingOptions(threshold=0.0, budget=5)  # every photo has more candidates than the budget
    rerank(catalog, options)
    pid = lib.photo_ids[0]
    first = shown(catalog, [pid])[pid]
    assert len(first) == 5
    catalog.tags.approve(pid, first[0])
    catalog.tags.approve(pid, first[1])
    after_decisions(catalog, options)
    after = shown(catalog, [pid])[pid]
    assert len(after) == 3 and set(after) <= set(first)
    catalog.tags.reject(pid, after[0])
    after_decisions(catalog, options)
    assert len(shown(catalog, [pid])[pid]) == 3


def test_a_renamed_tag_is_suggested_under_its_new_name_and_undo_takes_that_back(
    sim: tuple[Catalog, SimLibrary]
) -> None:
    catalog, lib = sim
    tag, where = _mostly_right_tag(catalog, lib)
    approved, rejected, others = where[0], where[1], where[2:]
    catalog.tags.approve(approved, tag)
    catalog.tags.reject(rejected, tag)
    new = "animals|Eichhörnchen"
    edit = TagManager(catalog).rename(tag, new)
    rerank(catalog, NO_MUTING)
    now = shown(catalog, lib.photo_ids)
    assert not any(tag in names for names in now.values()), "the old name never comes back"
    assert new not in now[approved] and new not in now[rejected]
    assert sum(new in now[p] for p in others) == len(others)
    assert {t.name for t in catalog.tags.photo_tags(approved, states=["approved"])} >= {new}

    TagManager(catalog).undo(edit)
    rerank(catalog, NO_MUTING)
    now = shown(catalog, lib.photo_ids)
    assert not any(new in names for names in now.values())
    assert sum(tag in now[p] for p in others) == len(others)


def test_merging_maps_the_old_name_and_a_chain_of_renames_follows_through(sim: tuple[Catalog, SimLibrary]) -> None:
    catalog, lib = sim
    tag, where = _mostly_right_tag(catalog, lib)
    catalog.tags.approve(where[0], tag)
    catalog.tags.approve(where[1], "critters")
    TagManager(catalog).merge(tag, "critters")
    TagManager(catalog).rename("critters", "animals|critters")
    rerank(catalog, NO_MUTING)
    now = shown(catalog, where)
    assert all(tag not in names and "critters" not in names for names in now.values())
    assert all("animals|critters" in now[p] for p in where[2:])
    TagManager(catalog).rename("animals|critters", tag)  # back to the first name: no alias loops
    rerank(catalog, NO_MUTING)
    assert all(tag in shown(catalog, [p])[p] for p in where[2:])


def test_calibration_report_reads_sensibly_with_nothing_and_with_one(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "empty.db")
    Catalog(db).close()
    assert main(["--library", db, "calibration"]) == 0
    out = capsys.readouterr().out
    assert "None" not in out and "0 decisions" in out
    assert "no photo analysed yet" in out
    catalog = Catalog(tmp_path / "one.db")
    lib = build_library(catalog, 1, MODEL_A)
    rerank(catalog, RankingOptions())
    catalog.tags.reject(lib.photo_ids[0], shown(catalog, lib.photo_ids)[lib.photo_ids[0]][0])
    catalog.close()
    assert main(["--library", str(tmp_path / "one.db"), "calibration"]) == 0
    out = capsys.readouterr().out
    assert "1 decision," in out and "over 1 photo " in out and "1 photo analysed" in out
    assert "None" not in out and "1 decisions" not in out and "1 photos" not in out
