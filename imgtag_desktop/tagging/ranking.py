"""One ranking of a photo's candidates: near-duplicates collapsed, a budget, a threshold (numpy, no models).

A photo's stored candidates each carry a confidence in 0..1 (see :mod:`.learning`). The
suggestions a photo shows are its candidates that are neither approved nor rejected there nor
muted, one per group of near-duplicates (the most confident; the others stay as alternates),
most confident first, those at or above the threshold, at most ``budget`` of them.

The threshold is compared with the confidence *as shown*, to :data:`SHOWN_DECIMALS` decimals
(:func:`shown_confidence`, :func:`passes`): a chip that reads 0.50 passes a threshold of 0.50,
one that reads 0.49 does not, whatever digits follow. The threshold moves in steps of 0.01, so
scores that sit at the threshold (an image model without signal puts many at 0.50) stay on one
side of it while a refit or a recalibration moves them by less than half a step; a score can only
change sides where the shown number changes. Every view of the suggestions (the ranking itself,
the detail pane's chips, the threshold's counts, "approve all at or above") uses this one rule.

Near-duplicates on one photo (:func:`duplicate_groups`): the same words up to singular/plural,
a phrase and its head ("grassy field" / "field"), and synonyms, judged by the cosine of their
keyword-model text embeddings (:data:`SYNONYM_COSINE`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..core.confidence import SHOWN_DECIMALS, passes, shown_confidence
from .phrases import singular

__all__ = [
    "DEFAULT_BUDGET",
    "MAX_BUDGET",
    "STORED_PER_PHOTO",
    "SYNONYM_COSINE",
    "RankedCandidate",
    "SHOWN_DECIMALS",
    "duplicate_groups",
    "passes",
    "prior_ranks",
    "select",
    "shown_confidence",
]

DEFAULT_BUDGET = 10
MAX_BUDGET = 50
# Candidates stored per photo (all caption phrases, then the vocabulary by visual margin).
STORED_PER_PHOTO = 40
# all-MiniLM-L6-v2 cosines: synonyms and inflections car/automobile 0.87, sea/ocean 0.87,
# photo/picture 0.85, dog/dogs 0.82, kid/child 0.81, dog/puppy 0.80; related but distinct
# concepts stay below: tree/forest 0.75, sunset/sunrise 0.73, beach/ocean 0.72, car/truck 0.69,
# dog/cat 0.66. Only the text model (a real one) is involved, never the image model.
SYNONYM_COSINE = 0.80
def _normal_words(text: str) -> tuple[str, ...]:
    return tuple(singular(w) for w in text.lower().replace("|", " ").split())


def duplicate_groups(texts: Sequence[str], vectors: npt.NDArray[np.floating] | None = None) -> list[int]:
    """A group number per text: texts of one group are near-duplicates of each other.

    ``vectors`` (N x D, L2-normalised keyword-model embeddings, optional) add synonyms.
    """
    n = len(texts)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    words = [_normal_words(t) for t in texts]
    for i in range(n):
        for j in range(i + 1, n):
            a, b = words[i], words[j]
            if not a or not b:
                continue
            short, long = (a, b) if len(a) <= len(b) else (b, a)
            if long[len(long) - len(short):] == short:  # same words, or a phrase and its head / tail
                union(i, j)
    if vectors is not None and n > 1:
        sims = np.asarray(vectors, dtype=np.float64) @ np.asarray(vectors, dtype=np.float64).T
        for i, j in zip(*np.nonzero(np.triu(sims >= SYNONYM_COSINE, k=1)), strict=True):
            union(int(i), int(j))
    roots: dict[int, int] = {}
    return [roots.setdefault(find(i), len(roots)) for i in range(n)]


# What the person rejected on a photo: the words and name of each tag rejected there, and per group
# of near-duplicates those of its rejected candidates.
_Refused = tuple[list[tuple[tuple[str, ...], str]], dict[int, list[tuple[tuple[str, ...], str]]]]


def _variant_of(words: tuple[str, ...], group: int, refused: _Refused) -> str:
    """The rejected tag a candidate repeats ('' when none): rejecting "dog" on a photo refuses "dogs"
    and "brown dog" there too (its words end with the rejected ones), and a synonym grouped with it;
    but rejecting "grassy field" leaves "field", the phrase's head, which it does not refuse."""
    if not words:
        return ""
    names, by_group = refused
    for rejected, name in names:
        if words[len(words) - len(rejected):] == rejected:
            return name
    for rejected, name in by_group.get(group, []) if group >= 0 else []:
        head = len(words) < len(rejected) and rejected[len(rejected) - len(words):] == words
        if not head:
            return name
    return ""


def prior_ranks(photo_ids: npt.NDArray[np.int64], score: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """1-based rank of each candidate within its photo by ``score`` (best first)."""
    ranks = np.zeros(len(score), dtype=np.int64)
    if not len(score):
        return ranks
    order = np.lexsort((-score, photo_ids))
    sorted_ids = photo_ids[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_ids)) + 1]
    position = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    ranks[order] = position + 1
    return ranks


@dataclass(frozen=True)
class RankedCandidate:
    """What the ranking decided for one stored candidate."""

    index: int  # row in the candidate table
    # suggested | below-threshold | over-budget | duplicate | muted | approved-before | rejected-before |
    # rejected-variant (a near-duplicate of a tag rejected on the photo: ``of`` names it)
    decision: str
    position: int  # 1-based among the photo's eligible candidates (0 when excluded)
    of: str = ""


def select(
    photo_ids: npt.NDArray[np.int64],
    names: Sequence[str],
    groups: npt.NDArray[np.int64],
    confidence: npt.NDArray[np.float64],
    *,
    threshold: float,
    budget: int,
    reviewed: dict[int, dict[str, str]],
    muted: set[str],
    aliases: Sequence[str] | None = None,
    reserved: Mapping[int, int] | None = None,
) -> list[RankedCandidate]:
    """Decide every candidate: shown as a suggestion, or why not. ``names`` (the tags suggested) and
    ``aliases`` (the concepts scored, when the tag is named in another language) are lower-cased;
    a tag approved or rejected under either name counts, and an approved candidate takes a place
    of the photo's budget. ``reserved``: per photo, how many places
    of its budget other suggestions already take (a place from the photo's GPS position)."""
    budget = max(1, int(budget))
    out: list[RankedCandidate] = []
    order = np.lexsort((np.arange(len(confidence)), -confidence, photo_ids))
    sorted_pids = photo_ids[order]
    current = None
    seen_groups: set[int] = set()
    seen_names: set[str] = set()
    shown = 0
    position = 0
    on_photo: dict[str, str] = {}
    refused: _Refused | None = None

    def state_of(j: int) -> str | None:
        return on_photo.get(names[j]) or (on_photo.get(aliases[j]) if aliases is not None else None)

    for k, idx in enumerate(order):
        i = int(idx)
        pid = int(photo_ids[i])
        if pid != current:
            current, shown, position = pid, (reserved or {}).get(pid, 0), 0
            seen_groups, seen_names = set(), set()
            on_photo, refused = reviewed.get(pid, {}), None
            if on_photo:
                # What the person decided here counts before any candidate comes up, whatever the
                # confidences: an approved tag's near-duplicates repeat it (its group is taken), a
                # rejected one's make the claim refused (see _variant_of).
                rejected = [(_normal_words(n), n) for n, st in on_photo.items() if st == "rejected"]
                refused = ([r for r in rejected if r[0]], {}) if rejected else None
                end = int(np.searchsorted(sorted_pids, pid, side="right"))
                for j in order[k:end].tolist():
                    decided = state_of(j) if groups[j] >= 0 else None
                    if decided == "approved":
                        seen_groups.add(int(groups[j]))
                    elif decided == "rejected" and refused is not None:
                        refused[1].setdefault(int(groups[j]), []).append((_normal_words(names[j]), names[j]))
        name = names[i]
        state = state_of(i)
        if state is not None:
            out.append(RankedCandidate(i, f"{state}-before", 0))
            if state == "approved":
                # An approved candidate keeps its place in the budget: approving shortens the
                # photo's list instead of pulling the next one in (a rejection frees its place).
                shown += 1
                if groups[i] >= 0:  # its near-duplicates would repeat it
                    seen_groups.add(int(groups[i]))
            continue
        if name in muted:
            out.append(RankedCandidate(i, "muted", 0))
            continue
        g = int(groups[i])
        variant_of = _variant_of(_normal_words(name), g, refused) if refused is not None else ""
        if variant_of:
            out.append(RankedCandidate(i, "rejected-variant", 0, variant_of))
            continue
        if name in seen_names or (g >= 0 and g in seen_groups):
            out.append(RankedCandidate(i, "duplicate", 0))
            continue
        seen_names.add(name)
        if g >= 0:
            seen_groups.add(g)
        position += 1
        if not passes(float(confidence[i]), threshold):
            out.append(RankedCandidate(i, "below-threshold", position))
        elif shown >= budget:
            out.append(RankedCandidate(i, "over-budget", position))
        else:
            shown += 1
            out.append(RankedCandidate(i, "suggested", position))
    out.sort(key=lambda r: r.index)
    return out
