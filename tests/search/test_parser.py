"""The query parser and printer: round trips, precedence, modifiers, errors with columns."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imgtag_desktop.core.query import (
    And,
    AnyTag,
    Camera,
    Caption,
    Date,
    Folder,
    Format,
    Has,
    Not,
    Or,
    QueryError,
    Semantic,
    Tag,
    Untagged,
    parse,
    to_text,
)

from .strategies import leaves, trees

S = ("suggested",)


@settings(max_examples=400, deadline=None)
@given(trees(leaves()))
def test_printed_trees_parse_back_to_the_same_tree(node):
    text = to_text(node)
    assert parse(text) == node, text


@settings(max_examples=200, deadline=None)
@given(trees(leaves()))
def test_printing_is_stable(node):
    text = to_text(node)
    assert to_text(parse(text)) == text


def t(name: str, states: tuple[str, ...] = ("approved",), score: float | None = None) -> Tag:
    return Tag(name, states, score)


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("dog", t("dog")),
        ("dog cat", And((t("dog"), t("cat")))),
        ("dog AND cat", And((t("dog"), t("cat")))),
        ("dog AND cat bird", And((t("dog"), t("cat"), t("bird")))),
        # NOT binds tighter than AND, AND tighter than OR.
        ("NOT dog cat", And((Not(t("dog")), t("cat")))),
        ("-dog cat OR bird", Or((And((Not(t("dog")), t("cat"))), t("bird")))),
        ("dog OR cat bird", Or((t("dog"), And((t("cat"), t("bird")))))),
        ("dog AND (beach OR park) NOT night",
         And((t("dog"), Or((t("beach"), t("park"))), Not(t("night"))))),
        ("-(a OR b)", Not(Or((t("a"), t("b"))))),
        ('"city skyline"', t("city skyline")),
        ('"  city   skyline "', t("city skyline")),
        ("places|paris", t("places|paris")),
        ("tag:untagged", t("untagged")),
        ('tag:"a b">0.5', t("a b", score=0.5)),
        ("dog>0.4", t("dog", score=0.4)),
        ("dog > 0.4", t("dog", score=0.4)),
        ("untagged", Untagged()),
        ("and or not", And((t("and"), t("or"), t("not")))),
        ("t-shirt", t("t-shirt")),
        # state: and score> modifiers govern the tag terms of their group.
        ("state:suggested dog", t("dog", S)),
        ("state:suggested dog cat>0.2", And((t("dog", S), t("cat", S, 0.2)))),
        ("state:suggested (dog OR cat)", Or((t("dog", S), t("cat", S)))),
        ("state:suggested dog (state:rejected cat)", And((t("dog", S), t("cat", ("rejected",))))),
        ("(state:suggested dog) cat", And((t("dog", S), t("cat")))),
        ("state:suggested|approved dog", t("dog", ("approved", "suggested"))),
        ("state:any dog", t("dog", ("approved", "suggested", "rejected"))),
        ("score>0.3 dog cat>0.5", And((t("dog", score=0.3), t("cat", score=0.5)))),
        ("state:suggested", AnyTag(S)),
        ("score>0.3", AnyTag(("approved",), 0.3)),
        ("state:suggested date:2024", And((Date("2024", "2024"), AnyTag(S)))),
        ("-state:suggested", Not(AnyTag(S))),
        ("caption:dog", Caption("dog")),
        ('caption:"on a beach"', Caption("on a beach")),
        ("folder:trips/2024", Folder("trips/2024")),
        ("folder:C:/photos", Folder("C:/photos")),
        ("date:2024", Date("2024", "2024")),
        ("date:2024-06..2024-08", Date("2024-06", "2024-08")),
        ("date:..2023-12-31", Date(None, "2023-12-31")),
        ("date:2020..", Date("2020", None)),
        ("camera:canon", Camera("canon")),
        ("format:heic", Format("heif")),
        ("format:JPG", Format("jpeg")),
        ("has:caption", Has("caption")),
        ('~"dog on a beach"', Semantic("dog on a beach")),
        ('~"sunset over water" AND NOT people', And((Semantic("sunset over water"), Not(t("people"))))),
        ('~"x">0.25', Semantic("x", 0.25)),
        ("~dog", Semantic("dog")),
        ('"dog on a beach"~', Semantic("dog on a beach")),
        ('"dog on a beach"~>0.3 cat', And((Semantic("dog on a beach", 0.3), t("cat")))),
        ('"dog" ~"cat"', And((t("dog"), Semantic("cat")))),
    ],
)
def test_parse(query, tree):
    assert parse(query) == tree


@pytest.mark.parametrize(
    ("query", "message", "column"),
    [
        ("dog AND (cat OR)", "unexpected ')'", 16),
        ("dog AND (beach) )", "unexpected ')'", 17),
        (")", "unexpected ')'", 1),
        ("(dog cat", "missing ')'", 1),
        ("dog (cat (bird)", "missing ')'", 5),
        ("dog AND", "unexpected end of query after 'AND'", 8),
        ("dog OR OR cat", "unexpected 'OR'", 8),
        ("AND dog", "unexpected 'AND'", 1),
        ("dog -", "unexpected end of query", 6),
        ('dog "cat', "unterminated quote", 5),
        ("()", "empty parentheses", 2),
        ("", "empty query", 1),
        ("dog colour:red", "unknown field 'colour:'", 5),
        ("state:maybe", "unknown state 'maybe'", 7),
        ("dog state:approved|nope", "unknown state 'nope'", 11),
        ("format:bmp", "unknown format 'bmp'", 8),
        ("has:tags", "unknown has:tags", 5),
        ("date:2024-13", "bad date '2024-13'", 6),
        ("date:24", "bad date '24'", 6),
        ("date:..", "a date range needs at least one end", 6),
        ("dog>high", "expected a number after '>'", 5),
        ("dog>", "expected a number after '>'", 5),
        ("dog>inf", "expected a finite number", 5),
        ("camera:canon>0.3", "a '>' threshold applies to a tag", 13),
        ("untagged>0.3", "a '>' threshold applies to a tag", 9),
        ("caption:", "missing value after 'caption:'", 9),
        ("~", "expected a quoted phrase after '~'", 2),
        ('~""', "empty ~semantic phrase", 2),
        ("> 3", "unexpected '>'", 1),
    ],
)
def test_errors_point_at_the_column(query, message, column):
    with pytest.raises(QueryError) as info:
        parse(query)
    err = info.value
    assert err.message.startswith(message), err.message
    assert err.column == column, str(err)
    assert str(err).endswith(f"at column {column}")


@given(st.text(max_size=30))
def test_any_text_parses_or_raises_query_error(text):
    try:
        node = parse(text)
    except QueryError as err:
        assert 1 <= err.column <= len(text) + 1
    else:
        assert parse(to_text(node)) == node
