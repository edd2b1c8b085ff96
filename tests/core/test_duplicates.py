"""Near-duplicates: perceptual hash, LSH grouping, keeper, merged tags, undoable move; like: search."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from imgtag_desktop.core.catalog import Catalog, CatalogError
from imgtag_desktop.core.duplicates import (
    dhash,
    find_duplicates,
    group_near_duplicates,
    hamming,
    move_photos,
    undo_move,
    update_hashes,
)
from imgtag_desktop.core.query import parse, to_text
from imgtag_desktop.core.scanner import scan_folder


def _library_with_copies(tmp_path: Path, shared_images: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    src = shared_images / "ianare__DSCN0010.jpg"
    shutil.copy(src, folder / "original.jpg")
    with Image.open(src) as img:
        img.resize((img.width // 3, img.height // 3)).save(folder / "resized.jpg", quality=90)
        img.save(folder / "reencoded.webp", quality=60)
    shutil.copy(shared_images / "dne__Nexus_4.jpg", folder / "other.jpg")
    shutil.copy(shared_images / "dne__Panasonic_DMC-LC40.jpg", folder / "third.jpg")
    return folder


def test_dhash_survives_resize_and_reencode(tmp_path: Path, shared_images: Path) -> None:
    folder = _library_with_copies(tmp_path, shared_images)
    h = {p.name: dhash(p) for p in folder.iterdir()}
    arr = lambda *names: np.array([h[n] for n in names], dtype=np.int64)  # noqa: E731
    near = hamming(arr("original.jpg", "original.jpg"), arr("resized.jpg", "reencoded.webp"))
    far = hamming(arr("original.jpg", "original.jpg"), arr("other.jpg", "third.jpg"))
    assert near.max() <= 5 and far.min() > 12


def test_hamming_counts_bits() -> None:
    a = np.array([0, -1, 0x0F0F], dtype=np.int64)
    b = np.array([1, 0, 0x0F0F], dtype=np.int64)
    assert hamming(a, b).tolist() == [1, 64, 0]


def _planted(n: int, groups: int, rng: np.random.Generator, noise: float) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    emb = rng.standard_normal((n, 64)).astype(np.float32)
    planted = []
    i = 0
    for g in range(groups):
        k = 2 + g % 3
        for m in range(1, k):
            e = rng.standard_normal(64).astype(np.float32)
            emb[i + m] = emb[i] / np.linalg.norm(emb[i]) + noise * e / np.linalg.norm(e)
        planted.append(tuple(range(i, i + k)))
        i += k
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    return emb, planted


def test_grouping_finds_planted_groups_without_false_ones() -> None:
    rng = np.random.default_rng(7)
    emb, planted = _planted(3000, 200, rng, noise=0.2)  # similarity about 0.98 within a group
    hashes = rng.integers(-(2**63), 2**63 - 1, size=3000, dtype=np.int64)
    for group in planted:
        hashes[list(group)] = hashes[group[0]] ^ np.array([0, 1, 2, 4][: len(group)], dtype=np.int64)
    groups = group_near_duplicates(list(range(3000)), emb, hashes)
    assert {g.photo_ids for g in groups} == set(planted)
    assert all(g.similarity >= 0.95 for g in groups)


def test_hash_disagreement_splits_similar_embeddings() -> None:
    # Two shots of the same scene (close embeddings) that do not look alike are not duplicates.
    rng = np.random.default_rng(3)
    emb, _ = _planted(50, 1, rng, noise=0.2)
    hashes = np.array([0, -1] + list(rng.integers(0, 2**62, size=48)), dtype=np.int64)
    assert group_near_duplicates(list(range(50)), emb, hashes) == []


def test_large_bucket_of_identical_embeddings() -> None:
    emb = np.zeros((300, 8), dtype=np.float32)
    emb[:, 0] = 1.0  # 300 identical vectors share every signature: one matrix product, one group
    groups = group_near_duplicates(list(range(300)), emb, None)
    assert [len(g.photo_ids) for g in groups] == [300]


def test_library_duplicates_keeper_merge_move_and_undo(tmp_path: Path, catalog: Catalog,
                                                        shared_images: Path) -> None:
    folder = _library_with_copies(tmp_path, shared_images)
    scan_folder(catalog, folder)
    assert update_hashes(catalog) == []
    assert catalog.duplicates.needing_hash() == []
    ids = {p.path.name: p.id for p in catalog.photos.all()}
    groups = find_duplicates(catalog)
    assert len(groups) == 1
    group = groups[0]
    assert set(group.photo_ids) == {ids["original.jpg"], ids["resized.jpg"], ids["reencoded.webp"]}
    keeper = group.photo_ids[0]
    assert keeper in (ids["original.jpg"], ids["reencoded.webp"])  # full size, not the resized copy
    others = [i for i in group.photo_ids if i != keeper]
    catalog.tags.add(others[0], "holiday")
    catalog.tags.add(keeper, "tuscany")
    assert catalog.duplicates.merge_tags(keeper, others) == ["holiday"]
    assert {t.name for t in catalog.tags.photo_tags(keeper) if t.state == "approved"} >= {"holiday", "tuscany"}

    target = tmp_path / "set aside"
    record = move_photos(catalog, others, target)
    assert sorted(p.name for p in target.iterdir()) == sorted(catalog.photos.get(i).path.name for i in others)  # type: ignore[union-attr]
    assert all(catalog.photos.get(i).status == "missing" for i in others)  # type: ignore[union-attr]
    assert all(not catalog.photos.get(i).path.exists() for i in others)  # type: ignore[union-attr]
    undo_move(catalog, record)
    assert list(target.iterdir()) == []
    assert all(catalog.photos.get(i).status == "ok" and catalog.photos.get(i).path.exists() for i in others)  # type: ignore[union-attr]


def test_move_never_overwrites(tmp_path: Path, catalog: Catalog) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    Image.new("RGB", (8, 8), "red").save(folder / "a.jpg")
    scan_folder(catalog, folder)
    target = tmp_path / "t"
    target.mkdir()
    (target / "a.jpg").write_bytes(b"keep me")
    (pid,) = [p.id for p in catalog.photos.all()]
    record = move_photos(catalog, [pid], target)
    assert (target / "a.jpg").read_bytes() == b"keep me" and (target / "a (2).jpg").exists()
    undo_move(catalog, record)
    assert (folder / "a.jpg").exists()


# -- like: -----------------------------------------------------------------------------------------


def _embedded_library(tmp_path: Path, catalog: Catalog) -> dict[str, int]:
    folder = tmp_path / "lib"
    folder.mkdir()
    for name in ("a.jpg", "b.jpg", "c.jpg", "d.jpg"):
        Image.new("RGB", (8, 8)).save(folder / name)
    (folder / "sub").mkdir()
    Image.new("RGB", (8, 8)).save(folder / "sub" / "a.jpg")
    scan_folder(catalog, folder)
    ids = {str(p.path.relative_to(folder)): p.id for p in catalog.photos.all()}
    base = np.eye(8, dtype=np.float32)
    vecs = {"a.jpg": base[0], "b.jpg": base[0] * 0.9 + base[1] * 0.1, "c.jpg": base[1],
            "d.jpg": base[0] * 0.5 + base[2] * 0.5}
    catalog.analysis.set_embeddings([(ids[k], v) for k, v in vecs.items()], "test")
    return ids


def test_like_ranks_by_similarity_and_combines(tmp_path: Path, catalog: Catalog) -> None:
    ids = _embedded_library(tmp_path, catalog)
    assert catalog.albums.search(f"like:{ids['a.jpg']}") == [ids["a.jpg"], ids["b.jpg"], ids["d.jpg"], ids["c.jpg"]]
    path = str(tmp_path / "lib" / "b.jpg")
    assert catalog.albums.search(f'like:"{path}"', top_k=2) == [ids["b.jpg"], ids["a.jpg"]]
    catalog.tags.add([ids["c.jpg"], ids["d.jpg"]], "kept")
    assert catalog.albums.search(f"like:{ids['a.jpg']} kept") == [ids["d.jpg"], ids["c.jpg"]]
    assert catalog.albums.search(f"like:{ids['a.jpg']}>0.8") == [ids["a.jpg"], ids["b.jpg"]]  # a floor: path order
    assert catalog.albums.count(f"-like:{ids['a.jpg']}>0.8") == 3  # c, d and the photo without an embedding
    assert not catalog.albums.needs_text_encoder(f"like:{ids['a.jpg']}")


def test_like_reference_errors(tmp_path: Path, catalog: Catalog) -> None:
    ids = _embedded_library(tmp_path, catalog)
    with pytest.raises(CatalogError, match="several photos"):
        catalog.albums.search("like:a.jpg")
    with pytest.raises(CatalogError, match="no image embedding yet"):
        catalog.albums.search("like:sub/a.jpg")
    with pytest.raises(CatalogError, match="no photo in the library"):
        catalog.albums.search("like:nowhere.jpg")
    del ids


def test_like_parses_and_prints() -> None:
    node = parse('like:"my photo.jpg">0.3 dog')
    assert to_text(node) == 'like:"my photo.jpg">0.3 dog'
    assert parse(to_text(parse("like:42"))) == parse("like:42")


def test_cli_lists_and_moves_duplicates(tmp_path: Path, shared_images: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from imgtag_desktop.cli import main

    folder = _library_with_copies(tmp_path, shared_images)
    library = str(tmp_path / "lib.db")
    assert main(["--library", library, "scan", str(folder)]) == 0
    capsys.readouterr()
    assert main(["--library", library, "duplicates", "--json"]) == 0
    (group,) = json.loads(capsys.readouterr().out)
    assert {Path(p).name for p in group["paths"]} == {"original.jpg", "resized.jpg", "reencoded.webp"}
    target = tmp_path / "aside"
    assert main(["--library", library, "duplicates", "--move-others-to", str(target)]) == 0
    assert len(list(target.iterdir())) == 2 and (folder / Path(group["paths"][0]).name).exists()
