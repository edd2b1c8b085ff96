"""The query language's syntax tree: small frozen dataclasses, compared by value.

A query is parsed (:mod:`.parser`) into these nodes with every tag term's states and score
threshold already resolved (``state:`` and ``score>`` modifiers are pushed down into the
tag terms they govern), so the tree means the same wherever it is evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Tag states in their canonical order (states on a term are kept sorted in this order).
STATES: tuple[str, ...] = ("approved", "suggested", "rejected")
DEFAULT_STATES: tuple[str, ...] = ("approved",)

#: ``format:`` values and their aliases (the catalog stores the canonical name, except that AVIF
#: files are stored as ``avif``: the compiler matches them under ``heif``).
FORMATS: dict[str, str] = {
    "jpeg": "jpeg", "jpg": "jpeg", "png": "png", "tiff": "tiff", "tif": "tiff", "webp": "webp",
    "heif": "heif", "heic": "heif", "avif": "heif",
}

#: ``has:`` values.
HAS_WHAT: tuple[str, ...] = ("caption", "embedding")


def canonical_states(states: tuple[str, ...] | list[str] | set[str] | frozenset[str]) -> tuple[str, ...]:
    """States without duplicates, in :data:`STATES` order."""
    wanted = set(states)
    return tuple(s for s in STATES if s in wanted)


@dataclass(frozen=True)
class Tag:
    """The photo carries this tag, or one below it in the hierarchy (``places`` matches
    ``places|paris``), in one of ``states``, with a visual score above ``min_score`` when set."""

    name: str
    states: tuple[str, ...] = DEFAULT_STATES
    min_score: float | None = None


@dataclass(frozen=True)
class AnyTag:
    """The photo carries at least one tag in one of ``states`` (score above ``min_score``).

    Written as a ``state:``/``score>`` modifier with no tag term to govern: ``state:suggested``
    alone means "has suggestions"."""

    states: tuple[str, ...] = DEFAULT_STATES
    min_score: float | None = None


@dataclass(frozen=True)
class Untagged:
    """The photo has no approved tag."""


@dataclass(frozen=True)
class Broken:
    """The photo cannot be read (its file is broken) or a job recorded a problem with it (``state:broken``)."""


@dataclass(frozen=True)
class Caption:
    """The photo's caption contains ``text`` (case-insensitive substring)."""

    text: str


@dataclass(frozen=True)
class Folder:
    """The photo lies in this folder or below it: relative to its library folder
    (``trips/2024``), or absolute (``/home/me/Pictures/trips``)."""

    path: str


@dataclass(frozen=True)
class Date:
    """``taken_at`` falls in [start, end], each a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` prefix
    (the end is inclusive at its own precision); ``None`` is an open end."""

    start: str | None
    end: str | None


@dataclass(frozen=True)
class Camera:
    """The camera ("Make Model") contains ``text`` (case-insensitive)."""

    text: str


@dataclass(frozen=True)
class Format:
    """The file format (canonical name, see :data:`FORMATS`)."""

    name: str


@dataclass(frozen=True)
class Has:
    """The photo has a caption / an image embedding."""

    what: str


@dataclass(frozen=True)
class Semantic:
    """CLIP similarity between ``text`` and the photo's image embedding.

    With ``floor``: a plain condition, similarity > floor. Without: a ranking term, the
    top K photos among those matching the rest of the query (see docs/search.md).

    With ``photo`` (``like:PHOTO``): ``text`` names a photo of the library (its path, file
    name or id) and its stored image embedding stands in for the text's."""

    text: str
    floor: float | None = None
    photo: bool = False


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Tag | AnyTag | Untagged | Broken | Caption | Folder | Date | Camera | Format | Has | Semantic | Not | And | Or
LEAVES = (Tag, AnyTag, Untagged, Broken, Caption, Folder, Date, Camera, Format, Has, Semantic)


def walk(node: Node) -> list[Node]:
    """Every node of the tree, depth first, the root first."""
    out: list[Node] = [node]
    if isinstance(node, Not):
        out += walk(node.child)
    elif isinstance(node, (And, Or)):
        for c in node.children:
            out += walk(c)
    return out


def semantic_terms(node: Node) -> list[Semantic]:
    """The semantic terms of a query, in order of appearance."""
    return [n for n in walk(node) if isinstance(n, Semantic)]
