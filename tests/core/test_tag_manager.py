"""Library-wide tag management (rename, merge, delete, move, undo), accent-insensitive matching, and the
``imgtag tags rename|merge|delete|move`` command that calls the same use case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imgtag_desktop.cli import main
from imgtag_desktop.core.catalog import Catalog, CatalogError, PhotoTag, Tag
from imgtag_desktop.core.folding import fold
from imgtag_desktop.core.metadata.read import read_sidecar
from imgtag_desktop.core.query import compile_node, parse
from imgtag_desktop.core.scanner import scan_folder
from imgtag_desktop.services.tag_manager import TagManager, find_tags, rewrite_query
from tests.helpers import make_photo


def state_of(catalog: Catalog) -> dict[tuple[int, str], tuple[object, ...]]:
    """Every photo tag, with everything undo must restore."""
    ids = [p.id for p in catalog.photos.all()]
    return {(pid, t.name): (t.state, t.source, t.keyword_score, t.visual_score, t.model_version, t.created_at,
                            t.updated_at)
            for pid, tags in catalog.tags.photo_tags_of(ids).items() for t in tags}


@pytest.fixture
def cat(tmp_path: Path):  # type: ignore[no-untyped-def]
    for i in range(4):
        make_photo(tmp_path / "pics" / f"p{i}.jpg", (64, 48), seed=i)
    with Catalog(tmp_path / "library.db") as c:
        scan_folder(c, tmp_path / "pics")
        a, b, d, e = (p.id for p in c.photos.all())
        c.tags.add([a, b], "dog")
        c.tags.restore(PhotoTag(d, Tag(0, "dog", "dog", None), "suggested", "model", 0.4, 0.55, "m1", 1.0, 2.0))
        c.tags.reject(e, "dog")
        c.tags.add([a], "dog|puppy")
        c.tags.add([b], "puppy")
        c.tags.restore(PhotoTag(a, Tag(0, "puppy", "puppy", None), "suggested", "model", 0.3, 0.35, "m1", 1.0,
                                     2.0))
        c.tags.add([d, e], "Zürich")
        yield c


def test_rename_moves_the_subtree_and_undo_restores_exactly(cat):
    manager = TagManager(cat)
    before = state_of(cat)
    edit = manager.rename("dog", "animals|canine")
    names = {name for _pid, name in state_of(cat)}
    assert "dog" not in names and "dog|puppy" not in names
    assert {"animals|canine", "animals|canine|puppy"} <= names
    assert edit.description.startswith("Rename 'dog' to 'animals|canine' (4 photos)")
    assert len(edit.photo_ids) == 4
    manager.undo(edit)
    assert state_of(cat) == before
    assert "animals|canine" not in cat.tags.names()  # the tags the rename created are gone again
    again = manager.redo(edit)
    assert again.target == "animals|canine" and "dog" not in {n for _p, n in state_of(cat)}


def test_rename_refuses_an_existing_name_and_merge_keeps_the_stronger_state(cat):
    manager = TagManager(cat)
    with pytest.raises(CatalogError, match="merge"):
        manager.rename("dog", "puppy")
    a, b, d, e = (p.id for p in cat.photos.all())
    before = state_of(cat)
    edit = manager.merge("puppy", "dog")
    after = {(pid, name): s[0] for (pid, name), s in state_of(cat).items()}
    assert ("puppy" not in {n for _p, n in after})
    # a: dog approved + puppy suggested -> approved; b: puppy approved -> dog approved; e stays rejected.
    assert after[(a, "dog")] == "approved" and after[(b, "dog")] == "approved" and after[(e, "dog")] == "rejected"
    manager.undo(edit)
    assert state_of(cat) == before
    with pytest.raises(CatalogError, match="no tag"):
        manager.merge("dog", "nosuchtag")


def test_delete_and_move_under_a_parent(cat):
    manager = TagManager(cat)
    before = state_of(cat)
    edit = manager.delete("dog")
    assert not any(n.startswith("dog") for _p, n in state_of(cat))
    assert "dog" not in cat.tags.names()
    manager.undo(edit)
    assert state_of(cat) == before
    moved = manager.move("zurich", "places")  # found ignoring case and accents
    assert moved.source == "Zürich" and moved.target == "places|Zürich"
    assert {n for _p, n in state_of(cat)} >= {"places|Zürich"}
    top = manager.move("places|Zürich", "")
    assert top.target == "Zürich"
    with pytest.raises(CatalogError, match="inside it"):
        manager.move("dog", "dog|puppy")
    manager.undo(top)
    manager.undo(moved)
    assert state_of(cat) == before


def test_case_only_rename_keeps_the_tag(cat):
    manager = TagManager(cat)
    before = state_of(cat)
    edit = manager.rename("dog", "Dog")
    assert {n for _p, n in state_of(cat)} >= {"Dog", "Dog|puppy"}
    manager.undo(edit)
    assert state_of(cat) == before


def test_search_and_completion_ignore_case_and_accents(cat):
    assert fold("Zürich") == "zurich" and fold("STRAẞE") == fold("strasse")
    assert find_tags(cat, "zurich") == ["Zürich"]
    TagManager(cat).move("Zürich", "places")
    frag = compile_node(parse("places|zurich"), None)
    rows = cat._conn.execute(f"SELECT count(*) FROM photos p WHERE {frag.sql}", frag.args).fetchone()
    assert rows[0] == 2
    assert "places|Zürich" in cat.tags.names()  # the stored name keeps its accents


def run(capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_manages_tags_and_the_next_write_carries_it_into_files(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    lib = str(tmp_path / "library.db")
    photo = make_photo(tmp_path / "pics" / "one.jpg", (64, 48))
    assert run(capsys, "--library", lib, "scan", str(tmp_path / "pics"))[0] == 0
    assert run(capsys, "--library", lib, "tag-add", str(photo), "Zürich")[0] == 0
    assert run(capsys, "--library", lib, "tag-add", str(photo), "dog")[0] == 0
    assert run(capsys, "--library", lib, "write", "--mode", "sidecar", "--save")[0] == 0
    sidecar = next(p for p in (Path(str(photo) + ".xmp"), photo.with_suffix(".xmp")) if p.exists())
    assert set(read_sidecar(sidecar).subject) >= {"dog", "Zürich"}

    code, out, _ = run(capsys, "--library", lib, "tags", "move", "zurich", "places")
    assert code == 0 and "Move 'Zürich' under 'places'" in out
    code, out, _ = run(capsys, "--library", lib, "tags", "rename", "dog", "canine", "--json")
    assert code == 0 and json.loads(out) == {"op": "rename", "source": "dog", "target": "canine", "photos": 1,
                                         "albums": []}
    code, _, err = run(capsys, "--library", lib, "tags", "merge", "canine", "cat")
    assert code == 2 and "no tag 'cat'" in err
    code, out, _ = run(capsys, "--library", lib, "tags", "--json")  # the listing still works
    assert {t["name"] for t in json.loads(out)} == {"canine", "places|Zürich"}

    assert run(capsys, "--library", lib, "write")[0] == 0  # the next write carries the edits into the file
    kw = read_sidecar(sidecar)
    assert set(kw.subject) >= {"canine", "Zürich"} and "dog" not in kw.subject
    assert "places|Zürich" in kw.hierarchical
    code, out, _ = run(capsys, "--library", lib, "tags", "delete", "canine")
    assert code == 0 and "Delete tag 'canine' (1 photo)" in out
    assert run(capsys, "--library", lib, "write")[0] == 0
    assert "canine" not in read_sidecar(sidecar).subject


def album_queries(catalog: Catalog) -> dict[str, str]:
    return {a.name: a.query for a in catalog.albums.all()}


def test_smart_albums_follow_rename_merge_move_and_undo(cat):
    manager = TagManager(cat)
    cat.albums.add("Zürich", "zurich OR zürich|old")
    cat.albums.add("Dogs", "dog -(state:suggested ZURICH) date:2020..")
    cat.albums.add("Other", "puppy caption:zurich")  # a caption word is no tag term
    before = album_queries(cat)
    zurich_photos = cat.albums.search(before["Zürich"])
    assert len(zurich_photos) == 2

    edit = manager.rename("Zürich", "places|Switzerland|Zürich")
    after = album_queries(cat)
    assert after["Zürich"] == "places|Switzerland|Zürich OR places|Switzerland|Zürich|old"
    assert after["Dogs"] == "dog -(state:suggested places|Switzerland|Zürich) date:2020.."
    assert after["Other"] == before["Other"]
    assert cat.albums.search(after["Zürich"]) == zurich_photos  # the album shows what it showed
    assert edit.album_names == ("Dogs", "Zürich") and "smart albums updated: 'Dogs', 'Zürich'" in edit.description
    manager.undo(edit)  # one undo step puts the tags and the queries back
    assert album_queries(cat) == before
    manager.redo(edit)
    assert album_queries(cat)["Zürich"].startswith("places|Switzerland|Zürich")
    manager.undo(edit)

    edit = manager.move("zurich", "places")
    assert album_queries(cat)["Zürich"] == "places|Zürich OR places|Zürich|old"
    manager.undo(edit)
    edit = manager.merge("puppy", "dog")  # a term for the merged tag now names the tag it went into
    assert album_queries(cat)["Other"] == "dog caption:zurich"
    manager.undo(edit)
    assert album_queries(cat) == before
    edit = manager.rename("zürich", "ZÜRICH")  # case only: the queries still match, so they stay
    assert album_queries(cat) == before and edit.album_names == ()


def test_delete_names_the_albums_and_leaves_their_queries(cat):
    manager = TagManager(cat)
    cat.albums.add("Zürich", "zurich")
    cat.albums.add("Dogs", "dog")
    before = album_queries(cat)
    assert manager.albums_naming("ZURICH") == ["Zürich"]
    edit = manager.delete("Zürich")
    assert album_queries(cat) == before
    assert edit.album_names == ("Zürich",) and "still naming it, unchanged: 'Zürich'" in edit.description
    manager.undo(edit)
    assert album_queries(cat) == before


def test_rewrite_query_only_touches_tag_terms_of_the_tag_and_below() -> None:
    assert rewrite_query("zurichsee OR zurich", "Zürich", "CH") == "zurichsee OR CH"
    assert rewrite_query("Zürich|Altstadt>0.5", "zurich", "places|Zürich") == "places|Zürich|Altstadt>0.5"
    assert rewrite_query("~\"zurich\" camera:zurich", "Zürich", "CH") is None
    assert rewrite_query("zurich AND (", "Zürich", "CH") is None  # a query that no longer parses stays


def test_cli_rename_and_delete_report_the_albums(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    lib = str(tmp_path / "library.db")
    photo = make_photo(tmp_path / "pics" / "one.jpg", (64, 48))
    assert run(capsys, "--library", lib, "scan", str(tmp_path / "pics"))[0] == 0
    assert run(capsys, "--library", lib, "tag-add", str(photo), "Zürich")[0] == 0
    assert run(capsys, "--library", lib, "albums", "add", "Zürich", "zurich")[0] == 0
    code, out, _ = run(capsys, "--library", lib, "tags", "rename", "Zürich", "places|Switzerland|Zürich")
    assert code == 0 and "smart albums updated: 'Zürich'" in out
    code, out, _ = run(capsys, "--library", lib, "albums", "show", "Zürich")
    assert code == 0 and "one.jpg" in out
    code, out, _ = run(capsys, "--library", lib, "tags", "delete", "places|switzerland|zurich", "--json")
    assert code == 0 and json.loads(out)["albums"] == ["Zürich"]
    code, out, _ = run(capsys, "--library", lib, "albums", "list")
    assert "places|Switzerland|Zürich" in out  # left as it is: the person decides
