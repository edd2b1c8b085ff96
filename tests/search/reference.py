"""A plain-Python evaluator of query trees over an in-memory library: the specification that
the SQL compiler is tested against. Written from docs/search.md, not from the compiler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from imgtag_desktop.core.query import (
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


def fold(text: str) -> str:
    """SQLite's NOCASE / LIKE case folding: ASCII letters only."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


@dataclass
class RefPhoto:
    id: int
    path: str
    rel_dir: str
    taken_at: str | None
    camera: str | None
    format: str | None
    tags: list[tuple[str, str, float | None]] = field(default_factory=list)  # (name, state, visual score)
    caption: str | None = None
    embedding: np.ndarray | None = None  # normalised float32


@dataclass
class RefLibrary:
    photos: list[RefPhoto]
    top_k: int
    encoder: Callable[[str], np.ndarray]

    def similarity(self, text: str) -> dict[int, float]:
        v = self.encoder(text).astype(np.float32)
        v = v / np.linalg.norm(v)
        with_emb = [p for p in self.photos if p.embedding is not None]
        if not with_emb:
            return {}
        sims = np.stack([p.embedding for p in with_emb]) @ v
        return {p.id: float(s) for p, s in zip(with_emb, sims, strict=True)}

    def top(self, scores: dict[int, float], k: int) -> list[int]:
        return sorted(scores, key=lambda i: (-scores[i], i))[:k]

    def matches(self, node: Node, p: RefPhoto) -> bool:
        if isinstance(node, Tag):
            want = fold(node.name)
            return any(
                (fold(name) == want or fold(name).startswith(want + "|"))
                and state in node.states
                and (node.min_score is None or (score is not None and score > node.min_score))
                for name, state, score in p.tags
            )
        if isinstance(node, AnyTag):
            return any(
                state in node.states and (node.min_score is None or (score is not None and score > node.min_score))
                for _, state, score in p.tags
            )
        if isinstance(node, Untagged):
            return not any(state == "approved" for _, state, _ in p.tags)
        if isinstance(node, Caption):
            return p.caption is not None and fold(node.text) in fold(p.caption)
        if isinstance(node, Folder):
            if node.path.startswith("/"):
                return p.path.startswith(node.path.rstrip("/") + "/")
            rel = node.path.strip("/")
            return rel in ("", ".") or p.rel_dir == rel or p.rel_dir.startswith(rel + "/")
        if isinstance(node, Date):
            if p.taken_at is None:
                return False
            ok_start = node.start is None or p.taken_at[: len(node.start)] >= node.start
            ok_end = node.end is None or p.taken_at[: len(node.end)] <= node.end
            return ok_start and ok_end
        if isinstance(node, Camera):
            return p.camera is not None and fold(node.text) in fold(p.camera)
        if isinstance(node, Format):
            return p.format == node.name or (node.name == "heif" and p.format == "avif")
        if isinstance(node, Has):
            return (p.caption is not None) if node.what == "caption" else (p.embedding is not None)
        if isinstance(node, Semantic):
            sims = self.similarity(node.text)
            if node.floor is not None:
                return p.id in sims and sims[p.id] > node.floor
            return p.id in self.top(sims, self.top_k)
        if isinstance(node, Not):
            return not self.matches(node.child, p)
        if isinstance(node, And):
            return all(self.matches(c, p) for c in node.children)
        if isinstance(node, Or):
            return any(self.matches(c, p) for c in node.children)
        raise TypeError(node)

    def search(self, node: Node) -> list[int]:
        conjuncts = list(node.children) if isinstance(node, And) else [node]
        ranking = [c for c in conjuncts if isinstance(c, Semantic) and c.floor is None]
        rest = [c for c in conjuncts if not (isinstance(c, Semantic) and c.floor is None)]
        hits = [p for p in self.photos if all(self.matches(c, p) for c in rest)]
        if not ranking:
            return [p.id for p in sorted(hits, key=lambda p: p.path.encode())]
        sims = [self.similarity(r.text) for r in ranking]
        scores = {
            p.id: float(np.float32(sum(np.float32(s[p.id]) for s in sims)) / np.float32(len(sims)))
            for p in hits
            if p.embedding is not None
        }
        return self.top(scores, self.top_k)
