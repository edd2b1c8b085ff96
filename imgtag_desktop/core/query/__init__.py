"""The search query language: ``dog AND (beach OR park) -night date:2024 ~"sunset over water"``.

:func:`parse` turns text into a tree of :mod:`.ast` nodes (raising :class:`QueryError`
with a 1-based column), :func:`to_text` prints a tree back, and :func:`compile_node`
turns a tree into a SQL condition that the catalog runs. The language is described in
docs/search.md.
"""

from __future__ import annotations

from .ast import (
    DEFAULT_STATES,
    FORMATS,
    HAS_WHAT,
    STATES,
    And,
    AnyTag,
    Broken,
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
    semantic_terms,
    walk,
)
from .compiler import Fragment, compile_node
from .parser import FIELDS, KEYWORDS, QueryError, parse, tokenize
from .printer import quote, to_text

__all__ = [
    "DEFAULT_STATES",
    "FIELDS",
    "FORMATS",
    "HAS_WHAT",
    "KEYWORDS",
    "STATES",
    "And",
    "AnyTag",
    "Camera",
    "Caption",
    "Date",
    "Folder",
    "Format",
    "Fragment",
    "Has",
    "Node",
    "Not",
    "Or",
    "QueryError",
    "Semantic",
    "Tag",
    "Untagged",
    "Broken",
    "compile_node",
    "parse",
    "quote",
    "semantic_terms",
    "to_text",
    "tokenize",
    "walk",
]
