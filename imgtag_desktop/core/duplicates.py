"""Near-duplicate photos: bursts, resized copies and re-encodes, found without an O(n²) loop.

Two signals, both stored per photo:

- the CLIP image embedding the tagging run keeps (what the photo shows), and
- a 64-bit difference hash of the decoded pixels (how the photo looks: a resize or a
  re-encode keeps it within a few bits; a different shot of the same subject does not).

Candidate pairs come from locality-sensitive hashing, never from comparing every pair:
random-hyperplane signatures of the embeddings (``TABLES`` tables of ``BITS`` bits: two
photos with cosine similarity 0.95 share a signature in at least one table with
probability 98 %), plus equal 16-bit bands of the difference hashes (two hashes within 3
bits always share a band). Each candidate pair is then checked exactly, and the pairs that
pass are joined into groups (connected components).

Nothing here deletes or moves a file by itself: :func:`move_photos` moves the files the
person chose into a folder the person chose, and returns what :func:`undo_move` needs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .imageio import open_oriented

if TYPE_CHECKING:
    from .catalog import Catalog

BITS = 16
TABLES = 20
HASH_BANDS = 4  # 16-bit bands of the 64-bit difference hash
# Exact checks of a candidate pair (see docs/search.md, "Duplicates").
MIN_SIMILARITY = 0.95  # embeddings: cosine similarity of near-identical photos
MAX_HASH_BITS = 12  # difference hashes that differ in more bits are different pictures
MAX_HASH_BITS_ALONE = 5  # when a photo has no embedding yet, the hash alone must be this close
LARGE_BUCKET = 64  # a signature shared by more photos is checked with one matrix product

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DuplicateGroup:
    """Photos that look the same; ``photo_ids`` best keeper first (largest, then oldest id)."""

    photo_ids: tuple[int, ...]
    similarity: float  # the lowest pairwise embedding similarity that joined the group (1.0: hash only)


# -- perceptual hash -----------------------------------------------------------------------------


def dhash(path: str | os.PathLike[str]) -> int:
    """The 64-bit difference hash (9x8 grey, left/right gradients) as a signed 64-bit int."""
    img = open_oriented(path, max_side=64).convert("L").resize((9, 8))
    px = np.asarray(img, dtype=np.int16)
    bits = (px[:, 1:] > px[:, :-1]).ravel()
    value = int("".join("1" if b else "0" for b in bits), 2)
    return value - (1 << 64) if value >= 1 << 63 else value


def hamming(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Bits that differ between two arrays of 64-bit hashes."""
    x = np.bitwise_xor(a, b).view(np.uint64)
    count = np.zeros(x.shape, dtype=np.int64)
    for shift in range(0, 64, 8):
        count += _POPCOUNT8[((x >> np.uint64(shift)) & np.uint64(0xFF)).astype(np.intp)]
    return count


_POPCOUNT8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)


# -- candidate pairs -----------------------------------------------------------------------------


def _pairs_in_runs(codes: npt.NDArray[np.int64], members: npt.NDArray[np.int64],
                   out: list[npt.NDArray[np.int64]], large: list[npt.NDArray[np.int64]]) -> None:
    """Pairs of ``members`` sharing a code (small runs, vectorised); large runs go to ``large``."""
    order = np.argsort(codes, kind="stable")
    sc, sm = codes[order], members[order]
    if len(sc) < 2:
        return
    starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]])
    lengths = np.diff(np.r_[starts, len(sc)])
    big = lengths > LARGE_BUCKET
    for s, n in zip(starts[big], lengths[big], strict=True):
        large.append(sm[s : s + n])
    if big.any():  # keep only the small runs for the offset loop
        keep = np.repeat(~big, lengths)
        sc, sm = sc[keep], sm[keep]
        lengths = lengths[~big]
    longest = int(lengths.max()) if len(lengths) else 0
    for d in range(1, longest):
        same = sc[d:] == sc[:-d]
        if not same.any():
            break
        out.append(np.stack((sm[:-d][same], sm[d:][same]), axis=1))


def candidate_pairs(
    embeddings: npt.NDArray[np.float32] | None, hashes: npt.NDArray[np.int64] | None,
    has_e: npt.NDArray[np.bool_], has_h: npt.NDArray[np.bool_], *, seed: int = 0,
) -> tuple[npt.NDArray[np.int64], list[npt.NDArray[np.int64]]]:
    """(pairs of row indices, large buckets of rows) that may be near-duplicates."""
    small: list[npt.NDArray[np.int64]] = []
    large: list[npt.NDArray[np.int64]] = []
    if embeddings is not None and has_e.sum() > 1:
        rows = np.flatnonzero(has_e).astype(np.int64)
        vectors = embeddings[rows] if len(rows) < len(embeddings) else embeddings
        planes = np.random.default_rng(seed).standard_normal((embeddings.shape[1], BITS * TABLES)).astype(np.float32)
        weights = (1 << np.arange(BITS, dtype=np.int64))
        for start in range(0, TABLES, 4):  # a few tables at a time: bounded memory
            block = vectors @ planes[:, start * BITS : (start + 4) * BITS]
            signs = (block > 0).reshape(len(vectors), -1, BITS)
            for t in range(signs.shape[1]):
                _pairs_in_runs(signs[:, t, :] @ weights, rows, small, large)
    if hashes is not None and has_h.sum() > 1:
        rows = np.flatnonzero(has_h).astype(np.int64)
        unsigned = hashes[rows].view(np.uint64)
        for band in range(HASH_BANDS):
            codes = ((unsigned >> np.uint64(16 * band)) & np.uint64(0xFFFF)).astype(np.int64)
            _pairs_in_runs(codes, rows, small, large)
    if not small:
        return np.zeros((0, 2), dtype=np.int64), large
    pairs = np.concatenate(small)
    pairs.sort(axis=1)
    return np.unique(pairs, axis=0), large


# -- grouping ------------------------------------------------------------------------------------


def group_near_duplicates(
    photo_ids: Sequence[int],
    embeddings: npt.NDArray[np.float32] | None,
    hashes: npt.NDArray[np.int64] | None,
    *,
    has_embedding: npt.NDArray[np.bool_] | None = None,
    has_hash: npt.NDArray[np.bool_] | None = None,
    min_similarity: float = MIN_SIMILARITY,
    max_hash_bits: int = MAX_HASH_BITS,
) -> list[DuplicateGroup]:
    """Groups of near-identical photos among ``photo_ids`` (rows of ``embeddings``/``hashes``).

    ``embeddings`` are L2-normalised rows (zeros where ``has_embedding`` is False), ``hashes``
    difference hashes (any value where ``has_hash`` is False). A pair joins when both
    signals that exist agree: similarity >= ``min_similarity`` and hashes within
    ``max_hash_bits``; a pair with only hashes needs :data:`MAX_HASH_BITS_ALONE`.
    """
    n = len(photo_ids)
    if n < 2:
        return []
    has_e = has_embedding if has_embedding is not None else np.full(n, embeddings is not None)
    has_h = has_hash if has_hash is not None else np.full(n, hashes is not None)
    emb = embeddings
    pairs, large = candidate_pairs(emb, hashes, has_e, has_h)
    for bucket in large:
        pairs = np.concatenate([pairs, _bucket_pairs(bucket, emb, hashes, has_e, has_h, min_similarity)])
    if len(pairs) == 0:
        return []
    ok, sims = _check(pairs, emb, hashes, has_e, has_h, min_similarity, max_hash_bits)
    pairs, sims = pairs[ok], sims[ok]
    if len(pairs) == 0:
        return []
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    lowest = np.ones(len(sizes))
    np.minimum.at(lowest, labels[pairs[:, 0]], sims)
    ids = np.asarray(photo_ids, dtype=np.int64)
    groups = []
    for label in np.flatnonzero(sizes > 1):
        members = ids[labels == label]
        groups.append(DuplicateGroup(tuple(int(i) for i in np.sort(members)), float(lowest[label])))
    groups.sort(key=lambda g: (-len(g.photo_ids), g.photo_ids[0]))
    return groups


def _check(pairs: npt.NDArray[np.int64], emb: npt.NDArray[np.float32] | None, hashes: npt.NDArray[np.int64] | None,
           has_e: npt.NDArray[np.bool_], has_h: npt.NDArray[np.bool_], min_similarity: float,
           max_hash_bits: int) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float32]]:
    a, b = pairs[:, 0], pairs[:, 1]
    sims = np.ones(len(pairs), dtype=np.float32)
    both_e = has_e[a] & has_e[b] if emb is not None else np.zeros(len(pairs), bool)
    if emb is not None:
        for s in range(0, len(pairs), 200_000):  # chunks: bounded memory for the gathered rows
            sl = slice(s, s + 200_000)
            sims[sl] = np.einsum("ij,ij->i", emb[a[sl]], emb[b[sl]])
    ok = np.where(both_e, sims >= min_similarity, True)
    both_h = has_h[a] & has_h[b] if hashes is not None else np.zeros(len(pairs), bool)
    if hashes is not None:
        bits = hamming(hashes[a], hashes[b])
        ok &= np.where(both_h, bits <= np.where(both_e, max_hash_bits, MAX_HASH_BITS_ALONE), True)
    ok &= both_e | both_h  # at least one signal must vouch for the pair
    return ok, np.where(both_e, sims, 1.0).astype(np.float32)


def _bucket_pairs(bucket: npt.NDArray[np.int64], emb: npt.NDArray[np.float32] | None,
                  hashes: npt.NDArray[np.int64] | None, has_e: npt.NDArray[np.bool_], has_h: npt.NDArray[np.bool_],
                  min_similarity: float) -> npt.NDArray[np.int64]:
    """Pairs of a large bucket worth checking: by one matrix product (or hash distances) per block."""
    found: list[npt.NDArray[np.int64]] = []
    for s in range(0, len(bucket), 1024):
        rows = bucket[s : s + 1024]
        if emb is not None and has_e[rows].any():
            sims = emb[rows] @ emb[bucket].T
            i, j = np.nonzero(sims >= min_similarity)
        elif hashes is not None:
            bits = hamming(hashes[rows][:, None], hashes[bucket][None, :])
            i, j = np.nonzero(bits <= MAX_HASH_BITS_ALONE)
        else:
            continue
        a, b = rows[i], bucket[j]
        keep = a < b
        found.append(np.stack((a[keep], b[keep]), axis=1))
    return np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)


# -- the library's duplicates --------------------------------------------------------------------


def update_hashes(catalog: Catalog, *, progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> list[tuple[str, str]]:
    """Compute the difference hash of every readable photo that has none for its current content.

    Returns (path, reason) for photos that cannot be decoded; they are skipped, never fatal."""
    todo = catalog.duplicates.needing_hash()
    problems: list[tuple[str, str]] = []
    batch: list[tuple[int, str | None, int]] = []
    for done, (photo_id, path, fingerprint) in enumerate(todo, 1):
        if cancelled and cancelled():
            break
        try:
            batch.append((photo_id, fingerprint, dhash(path)))
        except Exception as exc:  # noqa: BLE001 - any decoder failure is this photo's reason, not the run's
            problems.append((str(path), f"cannot be decoded for duplicate search: {exc}"))
        if len(batch) >= 200:
            catalog.duplicates.set_hashes(batch)
            batch.clear()
        if progress:
            progress(done, len(todo), str(path))
    catalog.duplicates.set_hashes(batch)
    return problems


def find_duplicates(catalog: Catalog, *, min_similarity: float = MIN_SIMILARITY,
                    max_hash_bits: int = MAX_HASH_BITS) -> list[DuplicateGroup]:
    """Groups of near-duplicate photos in the library, from stored embeddings and hashes."""
    emb_ids, matrix = catalog.analysis.image_embeddings()
    hash_ids, hash_values = catalog.duplicates.hashes()
    ids = np.union1d(np.asarray(emb_ids, dtype=np.int64), np.asarray(hash_ids, dtype=np.int64))
    if len(ids) < 2:
        return []
    has_e = np.isin(ids, emb_ids)
    has_h = np.isin(ids, hash_ids)
    emb: npt.NDArray[np.float32] | None = None
    if len(emb_ids):
        emb = np.zeros((len(ids), matrix.shape[1]), dtype=np.float32)
        emb[np.searchsorted(ids, emb_ids)] = matrix
    hashes = np.zeros(len(ids), dtype=np.int64)
    if len(hash_ids):
        hashes[np.searchsorted(ids, hash_ids)] = hash_values
    groups = group_near_duplicates(
        ids.tolist(), emb, hashes, has_embedding=has_e, has_hash=has_h,
        min_similarity=min_similarity, max_hash_bits=max_hash_bits,
    )
    return [DuplicateGroup(catalog.duplicates.rank_keepers(g.photo_ids), g.similarity) for g in groups]


# -- acting on a group ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveRecord:
    """Files moved out of the library by :func:`move_photos`: what :func:`undo_move` puts back."""

    photo_ids: tuple[int, ...]
    moves: tuple[tuple[str, str], ...]  # (from, to) for each photo and sidecar moved


def move_photos(catalog: Catalog, photo_ids: Sequence[int], folder: str | os.PathLike[str]) -> MoveRecord:
    """Move photos (and their XMP sidecars) into ``folder``; never overwrites, never deletes.

    The photos stay in the catalog, marked missing with where they went, until the move is undone."""
    from .metadata.read import sidecar_paths

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    moves: list[tuple[str, str]] = []
    moved_ids: list[int] = []
    try:
        for photo_id in photo_ids:
            photo = catalog.photos.get(photo_id)
            if photo is None or not photo.path.exists():
                continue
            for src in (photo.path, *dict.fromkeys(sidecar_paths(photo.path))):
                if src.exists():
                    dst = _free_name(target / src.name)
                    shutil.move(os.fspath(src), os.fspath(dst))
                    moves.append((os.fspath(src), os.fspath(dst)))
            moved_ids.append(photo_id)
    except OSError as exc:
        undo_move(catalog, MoveRecord(tuple(moved_ids), tuple(moves)))
        raise RuntimeError(f"could not move the files to {target}: {exc.strerror}; nothing was moved") from exc
    catalog.photos.mark_missing(
        moved_ids, reason=f"moved to {target} from the duplicates view (Edit > Undo puts it back)")
    return MoveRecord(tuple(moved_ids), tuple(moves))


def undo_move(catalog: Catalog, record: MoveRecord) -> None:
    """Put moved files back where they were and the photos back in the library."""
    for src, dst in reversed(record.moves):
        if Path(dst).exists() and not Path(src).exists():
            shutil.move(dst, src)
    catalog.duplicates.mark_present(record.photo_ids)


def _free_name(path: Path) -> Path:
    if not path.exists():
        return path
    stem, suffix = path.stem, path.suffix
    n = 2
    while (candidate := path.with_name(f"{stem} ({n}){suffix}")).exists():
        n += 1
    return candidate
