"""Saved smart albums and query execution (search).

:meth:`AlbumsRepository.search` runs a query of the search language (:mod:`imgtag_desktop.core.query`)
and returns photo ids. Tag, field and date terms compile to one SQL statement; semantic
``~"text"`` terms compare the text's CLIP embedding (from an injected ``text_encoder``)
with the stored image embeddings, held in memory as one normalised float32 matrix that is
reloaded only when the embeddings change (a trigger-maintained counter, schema 4).

Semantic terms (see docs/search.md):

- ``~"text">0.25`` (with a floor) is a plain condition: similarity above the floor.
- ``~"text"`` (no floor) as a top-level conjunct ranks: the result is the ``top_k`` photos most
  similar to the text among those matching the rest of the query, best first (several such
  terms rank by their mean similarity). Anywhere else (inside OR or NOT) it stands for the
  ``top_k`` most similar photos of the whole library.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..folding import fold
from ..query import And, Fragment, Node, QueryError, Semantic, compile_node, parse, semantic_terms
from .analysis import AnalysisRepository
from .base import CatalogBase, CatalogError, Repository

TextEncoder = Callable[[str], Any]
DEFAULT_TOP_K = 100


class SemanticSearchUnavailable(CatalogError):
    """A query needs the CLIP text encoder (a ``~`` term) and none was given."""


@dataclass(frozen=True)
class Album:
    """A saved smart album: a name and the query text it shows."""

    id: int
    name: str
    query: str
    created_at: float
    updated_at: float

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "query": self.query}


@dataclass
class _EmbeddingIndex:
    key: tuple[int, str | None]
    ids: npt.NDArray[np.int64]  # sorted photo ids, one per matrix row
    matrix: npt.NDArray[np.float32]  # N x D, rows L2-normalised


def _check_text(name: str) -> None:
    if any("\udc80" <= ch <= "\udcff" for ch in name):
        raise CatalogError(f"{name.encode('utf-8', 'surrogateescape')!r} is not UTF-8 text; type the name as UTF-8")


def parse_query(query: str | Node) -> Node | None:
    """A tree from query text (or the tree itself); None for blank text, which matches every photo."""
    if isinstance(query, str):
        return parse(query) if query.strip() else None
    return query


def _semantic_terms(node: Node | None) -> list[Semantic]:
    return [] if node is None else semantic_terms(node)


class AlbumsRepository(Repository):
    """Saved smart albums and query execution (search)."""

    def __init__(self, db: CatalogBase, analysis: AnalysisRepository) -> None:
        super().__init__(db)
        self._analysis = analysis
        self._embedding_index_cache: _EmbeddingIndex | None = None
        self._text_vector_cache: dict[str, npt.NDArray[np.float32]] | None = None

    # -- albums ---------------------------------------------------------------------------------

    def all(self) -> list[Album]:
        """Every saved album, by name."""
        rows = self._conn.execute(
            "SELECT id, name, query, created_at, updated_at FROM albums ORDER BY name COLLATE NOCASE"
        )
        return [Album(*r) for r in rows]

    def get(self, name_or_id: str | int) -> Album | None:
        column = "id" if isinstance(name_or_id, int) else "name"
        row = self._conn.execute(
            f"SELECT id, name, query, created_at, updated_at FROM albums WHERE {column} = ?", (name_or_id,)
        ).fetchone()
        return Album(*row) if row else None

    def find(self, name: str) -> Album | None:
        """The album called ``name``: exactly, else ignoring case, accents and repeated spaces
        (``zurich`` finds ``Zürich``). Raises :class:`CatalogError` when several albums match that way."""
        album = self.get(name)
        if album is not None:
            return album
        wanted = fold(" ".join(name.split()))
        matches = [a for a in self.all() if fold(" ".join(a.name.split())) == wanted]
        if len(matches) > 1:
            listed = " or ".join(repr(a.name) for a in matches)
            raise CatalogError(f"{name!r} could be album {listed}; type the name exactly")
        return matches[0] if matches else None

    def add(self, name: str, query: str) -> Album:
        """Save a query as a smart album. Raises :class:`QueryError` for a bad query and
        :class:`CatalogError` for an empty or taken name."""
        name = " ".join(name.split())
        if not name:
            raise CatalogError("an album needs a name")
        _check_text(name)
        self.check_query_runs(query)
        if self.get(name) is not None:
            raise CatalogError(f"there is already an album named {name!r}; choose another name or edit that one")
        now = time.time()
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO albums (name, query, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (name, query.strip(), now, now),
            )
        album = self.get(name)
        assert album is not None
        return album

    def update(self, album_id: int, *, name: str | None = None, query: str | None = None) -> Album:
        """Rename an album and/or change its query."""
        album = self.get(album_id)
        if album is None:
            raise CatalogError(f"there is no album with id {album_id}")
        new_name = " ".join(name.split()) if name is not None else album.name
        if not new_name:
            raise CatalogError("an album needs a name")
        _check_text(new_name)
        other = self.get(new_name)
        if other is not None and other.id != album_id:
            raise CatalogError(f"there is already an album named {new_name!r}")
        new_query = query.strip() if query is not None else album.query
        if query is not None:
            self.check_query_runs(new_query)
        with self.transaction() as conn:
            conn.execute(
                "UPDATE albums SET name = ?, query = ?, updated_at = ? WHERE id = ?",
                (new_name, new_query, time.time(), album_id),
            )
        updated = self.get(album_id)
        assert updated is not None
        return updated

    def remove(self, name_or_id: str | int) -> bool:
        """Delete a saved album (photos untouched). Returns whether it existed."""
        album = self.get(name_or_id)
        if album is None:
            return False
        with self.transaction() as conn:
            conn.execute("DELETE FROM albums WHERE id = ?", (album.id,))
        return True

    def counts(self, *, text_encoder: TextEncoder | None = None,
                     top_k: int = DEFAULT_TOP_K) -> dict[int, int | None]:
        """Live photo count of every album by id; ``None`` where the query cannot run now
        (a semantic floor without a text encoder, or a query saved by a newer version)."""
        counts: dict[int, int | None] = {}
        for album in self.all():
            try:
                counts[album.id] = self.count(album.query, text_encoder=text_encoder, top_k=top_k)
            except (QueryError, SemanticSearchUnavailable, sqlite3.Error):
                counts[album.id] = None  # one album that cannot run never stops the others
        return counts

    def check_query_runs(self, query: str) -> None:
        """Raise :class:`QueryError` unless the query parses and SQLite can prepare it
        (``~`` terms stand in as true: they need no encoder to be checked)."""
        node = parse_query(query)
        if node is None:
            return
        where = compile_node(node, lambda _term: Fragment("1"))
        self._run(f"EXPLAIN SELECT count(*) FROM photos p WHERE {where.sql}", where.args)

    def _run(self, sql: str, args: Sequence[object]) -> list[tuple[Any, ...]]:
        """Run a compiled query; SQLite's refusal (too complex, too many terms) is a :class:`QueryError`."""
        try:
            return self._conn.execute(sql, tuple(args)).fetchall()
        except sqlite3.OperationalError as exc:
            if not any(w in str(exc) for w in ("too large", "too many", "too deep", "too big", "stack overflow")):
                raise
            raise QueryError(f"the query is too complex for the database ({exc}); make it shorter", 1) from exc

    # -- search ---------------------------------------------------------------------------------

    def search(
        self,
        query: str | Node,
        *,
        text_encoder: TextEncoder | None = None,
        limit: int | None = None,
        top_k: int = DEFAULT_TOP_K,
    ) -> list[int]:
        """Photo ids matching a query: best first when it ranks by a ``~`` term, otherwise by path.

        A blank query matches every photo. Raises :class:`QueryError` for a syntax error and
        :class:`SemanticSearchUnavailable` when a ``~`` term needs an encoder that was not given."""
        node = parse_query(query)
        self._prepare_vectors(_semantic_terms(node), text_encoder)
        ranking, rest = _split_ranking(node)
        where = self._compile(rest, text_encoder, top_k)
        if not ranking:
            sql = f"SELECT p.id FROM photos p WHERE {where.sql} ORDER BY p.path_bytes"
            args = where.args
            if limit is not None:
                sql += " LIMIT ?"
                args = (*args, limit)
            return [r[0] for r in self._run(sql, args)]
        index = self._embedding_index()
        rows = self._candidate_rows(index, rest, where)
        scores = np.zeros(len(rows), dtype=np.float32)
        for term in ranking:
            scores += self._similarities(index, term, text_encoder, rows)
        scores /= len(ranking)
        keep = min(top_k, len(rows))
        if limit is not None:
            keep = min(keep, limit)
        best = _top(scores, index.ids[rows], keep)
        return [int(i) for i in best]

    def count(self, query: str | Node, *, text_encoder: TextEncoder | None = None,
              top_k: int = DEFAULT_TOP_K) -> int:
        """How many photos a query matches (a ranking ``~`` term needs no encoder to count)."""
        node = parse_query(query)
        ranking, rest = _split_ranking(node)
        self._prepare_vectors([t for t in _semantic_terms(node) if t not in ranking], text_encoder)
        where = self._compile(rest, text_encoder, top_k)
        if not ranking:
            return int(self._run(f"SELECT count(*) FROM photos p WHERE {where.sql}", where.args)[0][0])
        index = self._embedding_index()
        return min(top_k, len(self._candidate_rows(index, rest, where)))

    def needs_text_encoder(self, query: str | Node) -> bool:
        """Whether running the query needs the text encoder (it has a ``~`` term)."""
        return any(not t.photo for t in _semantic_terms(parse_query(query)))

    # -- internals ------------------------------------------------------------------------------

    def _compile(self, node: Node | None, text_encoder: TextEncoder | None, top_k: int) -> Fragment:
        if node is None:
            return Fragment("1")

        def resolve(term: Semantic) -> Fragment:
            index = self._embedding_index()
            sims = self._similarities(index, term, text_encoder)
            if term.floor is not None:
                ids = index.ids[sims > term.floor]
            else:
                ids = _top(sims, index.ids, min(top_k, len(sims)))
            return Fragment("p.id IN (SELECT value FROM json_each(?))", (json.dumps([int(i) for i in ids]),))

        return compile_node(node, resolve)

    def _prepare_vectors(self, terms: Sequence[Semantic], encoder: TextEncoder | None) -> None:
        """Encode the texts of these terms now: fail early, and alike whether or not anything matches."""
        if not terms:
            return
        self._embedding_index()  # (re)load first: a reload forgets cached text vectors
        for term in terms:
            self._term_vector(term, encoder)

    def _candidate_rows(self, index: _EmbeddingIndex, rest: Node | None, where: Fragment) -> npt.NDArray[np.intp]:
        """Matrix rows of the photos matching the non-ranking part of a query."""
        if rest is None:
            return np.arange(len(index.ids), dtype=np.intp)
        candidates = np.fromiter(
            (r[0] for r in self._run(f"SELECT p.id FROM photos p WHERE {where.sql}", where.args)),
            dtype=np.int64,
        )
        return _rows_of(index, candidates)

    def _embedding_index(self) -> _EmbeddingIndex:
        row = self._conn.execute("SELECT value FROM change_counters WHERE name = 'embeddings'").fetchone()
        key = (int(row[0]) if row else -1, None)
        cached = self._embedding_index_cache
        if cached is not None and cached.key == key:
            return cached
        ids, matrix = self._analysis.image_embeddings()
        index = _EmbeddingIndex(key, np.asarray(ids, dtype=np.int64), np.ascontiguousarray(matrix, dtype=np.float32))
        self._embedding_index_cache = index
        self._text_vector_cache = None  # a new model may have written these embeddings
        return index

    def _similarities(
        self, index: _EmbeddingIndex, term: Semantic, encoder: TextEncoder | None,
        rows: npt.NDArray[np.intp] | None = None,
    ) -> npt.NDArray[np.float32]:
        """Cosine similarity of the term's vector with every stored embedding (or with those rows)."""
        if index.matrix.shape[0] == 0 or (rows is not None and len(rows) == 0):
            return np.zeros(0 if rows is None else len(rows), dtype=np.float32)
        vector = self._term_vector(term, encoder)
        if vector.shape[0] != index.matrix.shape[1]:
            raise CatalogError(
                f"the text encoder gives {vector.shape[0]}-dimensional vectors but the stored image embeddings "
                f"have {index.matrix.shape[1]}; re-run tagging with the current visual model"
            )
        # einsum, not BLAS: a matrix-vector product is memory-bound, and BLAS worker threads
        # waking up cost more than they save (10+ ms on a busy machine for a few thousand rows).
        if rows is not None and len(rows) < len(index.ids) // 2:
            sub: npt.NDArray[np.float32] = np.einsum("ij,j->i", index.matrix[rows], vector)
            return sub
        sims: npt.NDArray[np.float32] = np.einsum("ij,j->i", index.matrix, vector)
        return sims if rows is None or len(rows) == len(index.ids) else sims[rows]

    def _term_vector(self, term: Semantic, encoder: TextEncoder | None) -> npt.NDArray[np.float32]:
        if term.photo:
            return self._photo_vector(term.text)
        return self._text_vector(term.text, encoder)

    def _photo_vector(self, ref: str) -> npt.NDArray[np.float32]:
        """The stored image embedding of the photo ``like:ref`` names (id, path or file name)."""
        index = self._embedding_index()
        photo_id = self.resolve_photo_ref(ref)
        row = _rows_of(index, np.array([photo_id], dtype=np.int64))
        if len(row) == 0:
            raise CatalogError(f"like:{ref}: that photo has no image embedding yet; tag it first (Tag > Tag photos)")
        vector: npt.NDArray[np.float32] = index.matrix[int(row[0])]
        return vector

    def resolve_photo_ref(self, ref: str) -> int:
        """The id of the photo ``ref`` names: an id, an exact path, or a unique file name / path ending."""
        text = ref.strip()
        if text.isdigit():
            row = self._conn.execute("SELECT id FROM photos WHERE id = ?", (int(text),)).fetchone()
            if row:
                return int(row[0])
        row = self._conn.execute("SELECT id FROM photos WHERE path_bytes = ?", (os.fsencode(text),)).fetchone()
        if row:
            return int(row[0])
        tail = "/" + text.lstrip("/")
        rows = self._conn.execute(
            "SELECT id FROM photos WHERE substr(path, -?) = ? LIMIT 2", (len(tail), tail)
        ).fetchall()
        if len(rows) == 1:
            return int(rows[0][0])
        if rows:
            raise CatalogError(f"like:{ref}: several photos have that name; give more of the path or the photo's id")
        raise CatalogError(f"like:{ref}: no photo in the library has that id, path or file name")

    def _text_vector(self, text: str, encoder: TextEncoder | None) -> npt.NDArray[np.float32]:
        cache = self._text_vector_cache
        if cache is None:
            cache = self._text_vector_cache = {}
        vector = cache.get(text)
        if vector is not None:
            return vector
        if encoder is None:
            raise SemanticSearchUnavailable(
                f'~"{text}" is a visual search and needs the CLIP model, which is not loaded; '
                "download the models (imgtag models download) or point the settings at a model folder"
            )
        v = np.asarray(encoder(text), dtype=np.float32).ravel()
        norm = float(np.linalg.norm(v))
        if norm > 0:
            v = v / norm
        if len(cache) > 256:
            cache.clear()
        cache[text] = v
        return v


def _split_ranking(node: Node | None) -> tuple[list[Semantic], Node | None]:
    """Top-level semantic terms without a floor (they rank), and the rest of the query."""
    if node is None:
        return [], None
    conjuncts = list(node.children) if isinstance(node, And) else [node]
    ranking = [c for c in conjuncts if isinstance(c, Semantic) and c.floor is None]
    rest = [c for c in conjuncts if not (isinstance(c, Semantic) and c.floor is None)]
    if not rest:
        return ranking, None
    return ranking, rest[0] if len(rest) == 1 else And(tuple(rest))


def _rows_of(index: _EmbeddingIndex, candidates: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """Matrix rows of the candidate photos that have an embedding."""
    if len(index.ids) == 0 or len(candidates) == 0:
        return np.zeros(0, dtype=np.intp)
    pos = np.searchsorted(index.ids, candidates)
    pos = np.minimum(pos, len(index.ids) - 1)
    found = index.ids[pos] == candidates
    return np.sort(pos[found])


def _top(scores: npt.NDArray[np.float32], ids: npt.NDArray[np.int64], k: int) -> npt.NDArray[np.int64]:
    """The ids of the k best scores, best first (ties by id)."""
    if k <= 0 or len(scores) == 0:
        return np.zeros(0, dtype=np.int64)
    if k < len(scores):
        part = np.argpartition(-scores, k - 1)[:k]
    else:
        part = np.arange(len(scores))
    order = np.lexsort((ids[part], -scores[part]))
    result: npt.NDArray[np.int64] = ids[part][order]
    return result
