"""Hypothesis strategies for query trees."""

from __future__ import annotations

from hypothesis import strategies as st

from imgtag_desktop.core.query import (
    FORMATS,
    STATES,
    And,
    AnyTag,
    Camera,
    Caption,
    Date,
    Folder,
    Format,
    Has,
    Node,
    Not,
    Or,
    Semantic,
    Tag,
    Untagged,
)
from imgtag_desktop.core.query.parser import normalise_name

# Text with every character the tokenizer treats specially.
_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(list('"\\()|:-~> '))
free_text = st.text(_ALPHABET, max_size=12)
nonblank_text = free_text.filter(lambda t: bool(t.strip()))


def _valid_name(name: str) -> bool:
    return normalise_name(name) == name and bool(name.strip("|"))


any_tag_name = st.text(_ALPHABET, min_size=1, max_size=12).map(normalise_name).filter(_valid_name) | st.sampled_from(
    ["AND", "OR", "NOT", "and", "untagged", "score", "Score", "tag:x", "-x", "~x", "a|b|c", "1.5", "state"]
)
states = st.sets(st.sampled_from(STATES), min_size=1).map(lambda s: tuple(x for x in STATES if x in s))
scores = st.none() | st.floats(-1, 1, allow_nan=False).map(lambda f: round(f, 3))
floors = st.none() | st.floats(0, 1, allow_nan=False)


def _date_part() -> st.SearchStrategy[str]:
    return st.builds(
        lambda y, m, d, depth: [f"{y:04d}", f"{y:04d}-{m:02d}", f"{y:04d}-{m:02d}-{d:02d}"][depth],
        st.integers(1990, 2030), st.integers(1, 12), st.integers(1, 28), st.integers(0, 2),
    )


dates = st.one_of(
    _date_part().map(lambda d: Date(d, d)),
    st.tuples(st.none() | _date_part(), st.none() | _date_part())
    .filter(lambda t: t != (None, None))
    .map(lambda t: Date(*t)),
)


def leaves(
    tag_names: st.SearchStrategy[str] = any_tag_name,
    values: st.SearchStrategy[str] = free_text,
    semantic_texts: st.SearchStrategy[str] | None = None,
    folders: st.SearchStrategy[str] | None = None,
    cameras: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.builds(Tag, tag_names, states, scores),
        st.builds(AnyTag, states, scores),
        st.just(Untagged()),
        st.builds(Caption, values),
        st.builds(Folder, folders if folders is not None else values),
        dates,
        st.builds(Camera, cameras if cameras is not None else values),
        st.sampled_from(sorted(set(FORMATS.values()))).map(Format),
        st.sampled_from(["caption", "embedding"]).map(Has),
        st.builds(Semantic, semantic_texts if semantic_texts is not None else nonblank_text, floors),
    )


def trees(leaf: st.SearchStrategy[Node], max_leaves: int = 12) -> st.SearchStrategy[Node]:
    return st.recursive(
        leaf,
        lambda children: st.one_of(
            children.map(Not),
            st.lists(children, min_size=2, max_size=3).map(lambda c: And(tuple(c))),
            st.lists(children, min_size=2, max_size=3).map(lambda c: Or(tuple(c))),
        ),
        max_leaves=max_leaves,
    )
