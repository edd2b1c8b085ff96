"""``imgtag search`` and ``imgtag albums`` end to end (real scan of generated photos)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from imgtag_desktop.cli import main
from imgtag_desktop.cli import search as cli_search
from imgtag_desktop.core.catalog import Catalog
from tests.helpers import make_photo


@pytest.fixture
def library(tmp_path):
    photos = tmp_path / "photos"
    make_photo(photos / "home" / "dog.jpg", seed=1, taken="2024:06:01 10:00:00", make="Canon", model="EOS R5")
    make_photo(photos / "home" / "cat.jpg", seed=2, taken="2023:01:05 10:00:00", make="NIKON", model="D750")
    make_photo(photos / "trips" / "beach.png", seed=3)
    db = tmp_path / "library.db"
    assert main(["--library", str(db), "scan", str(photos)]) == 0
    with Catalog(db) as cat:
        by_name = {p.path.name: p.id for p in cat.photos.all()}
        cat.tags.add(by_name["dog.jpg"], "dog")
        cat.tags.add(by_name["beach.png"], "places|beach")
        cat.tags.put([by_name["cat.jpg"]], "cat", "suggested", "model")
    return db, by_name


def run(db, *argv):
    return main(["--library", str(db), *argv])


def test_search_json(library, capsys):
    db, _ = library
    capsys.readouterr()
    assert run(db, "search", "dog OR places", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(p["path"].rsplit("/", 1)[1] for p in out) == ["beach.png", "dog.jpg"]
    assert run(db, "search", "state:suggested cat", "--json") == 0
    assert [p["path"].rsplit("/", 1)[1] for p in json.loads(capsys.readouterr().out)] == ["cat.jpg"]
    assert run(db, "search", "camera:canon date:2024 folder:home", "--json") == 0
    assert [p["path"].rsplit("/", 1)[1] for p in json.loads(capsys.readouterr().out)] == ["dog.jpg"]
    assert run(db, "search", "untagged", "--count") == 0
    assert capsys.readouterr().out.strip() == "1"


def test_syntax_error_exits_non_zero_with_the_column(library, capsys):
    db, _ = library
    capsys.readouterr()
    assert run(db, "search", "dog AND (cat OR)", "--json") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unexpected ')' at column 16" in captured.err
    assert "               ^" in captured.err


def test_semantic_search_without_models_says_what_to_do(library, capsys, monkeypatch):
    db, _ = library

    def unavailable():
        raise cli_search.CliError("visual search needs the CLIP model: not downloaded; download the models")

    monkeypatch.setattr(cli_search, "load_text_encoder", unavailable)
    capsys.readouterr()
    assert run(db, "search", '~"a dog"') == 2
    assert "needs the CLIP model" in capsys.readouterr().err


def test_semantic_search_with_an_encoder(library, capsys, monkeypatch):
    db, ids = library
    with Catalog(db) as cat:
        cat.analysis.set_embeddings([(ids["dog.jpg"], np.array([1, 0, 0], np.float32)),
                            (ids["cat.jpg"], np.array([0, 1, 0], np.float32))], "fake")
    monkeypatch.setattr(cli_search, "load_text_encoder",
                        lambda: lambda text: np.array([1, 0.1, 0], np.float32) if "dog" in text else np.ones(3))
    capsys.readouterr()
    assert run(db, "search", '~"a dog"', "--json") == 0
    assert [p["path"].rsplit("/", 1)[1] for p in json.loads(capsys.readouterr().out)] == ["dog.jpg", "cat.jpg"]


def test_albums_commands(library, capsys):
    db, _ = library
    assert run(db, "albums", "add", "Dogs", "dog") == 0
    assert "saved album 'Dogs' (1 photo)" in capsys.readouterr().out
    assert run(db, "albums", "add", "Visual", '~"x">0.3') == 0
    assert run(db, "albums", "add", "Bad", "dog AND") == 2
    assert "at column 8" in capsys.readouterr().err
    assert run(db, "albums", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(a["name"], a["count"]) for a in listed] == [("Dogs", 1), ("Visual", None)]
    with Catalog(db) as cat:
        cat.tags.add([p.id for p in cat.photos.all()], "dog")
    assert run(db, "albums", "list") == 0
    assert "Dogs\t3\tdog" in capsys.readouterr().out
    assert run(db, "albums", "edit", "Dogs", "dog -places") == 0
    assert run(db, "albums", "rename", "Dogs", "Indoor dogs") == 0
    assert run(db, "albums", "show", "Indoor dogs", "--json") == 0
    capsys.readouterr()
    assert run(db, "albums", "show", "Indoor dogs", "--json") == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert run(db, "albums", "remove", "Indoor dogs") == 0
    assert run(db, "albums", "remove", "Indoor dogs") == 2
    assert "there is no album named 'Indoor dogs'" in capsys.readouterr().err


def test_a_long_query_error_shows_the_part_around_the_error(library, capsys):
    db, _ = library
    capsys.readouterr()
    query = " ".join(f"tag{i}" for i in range(1500)) + " AND (cat OR) " + "dog " * 1000
    column = query.index(")") + 1
    assert run(db, "search", query) == 2
    message, line, caret = capsys.readouterr().err.rstrip("\n").split("\n")[-3:]
    assert f"unexpected ')' at column {column}" in message
    assert len(line) <= 2 + 62 and line.startswith("  …") and line.endswith("…")
    assert line[len(caret) - 1] == ")"  # the caret stands under the character the error names
    assert run(db, "search", "dog\tAND\n(cat OR)") == 2  # tabs and line breaks keep the caret in place
    _message, line, caret = capsys.readouterr().err.rstrip("\n").split("\n")[-3:]
    assert line == "  dog AND (cat OR)" and line[len(caret) - 1] == ")"
    assert run(db, "search", "x" * 5000 + ">") == 2  # a long word is cut in the message too
    assert len(capsys.readouterr().err) < 300
    assert run(db, "search", "dog " * 8000) == 2  # too long: the message, a short excerpt, a short caret
    err = capsys.readouterr().err
    assert "query too long (32,000 characters" in err and len(err) < 300


def test_album_names_match_ignoring_case_and_accents(library, capsys):
    db, _ = library
    assert run(db, "albums", "add", "Zürich Dogs", "dog") == 0
    capsys.readouterr()
    assert run(db, "albums", "show", "zurich  DOGS", "--json") == 0
    assert [p["path"].rsplit("/", 1)[1] for p in json.loads(capsys.readouterr().out)] == ["dog.jpg"]
    assert run(db, "albums", "edit", "ZURICH DOGS", "dog OR cat") == 0
    assert "album 'Zürich Dogs' now shows" in capsys.readouterr().out
    assert run(db, "albums", "rename", "zürich dogs", "Zurich dogs") == 0
    assert "renamed 'Zürich Dogs' to 'Zurich dogs'" in capsys.readouterr().out
    assert run(db, "albums", "add", "ZÜRICH DOGS", "dog") == 0  # a second name that folds alike
    capsys.readouterr()
    assert run(db, "albums", "show", "Zurich dogs") == 0  # the exact name still wins
    assert run(db, "albums", "remove", "zürich dogs") == 2  # ambiguous: say so, remove nothing
    assert "type the name exactly" in capsys.readouterr().err
    assert run(db, "albums", "remove", "Zurich dogs") == 0
    assert run(db, "albums", "remove", "zurich dogs") == 0  # now only one folds alike
    with Catalog(db) as cat:
        assert cat.albums.all() == []
