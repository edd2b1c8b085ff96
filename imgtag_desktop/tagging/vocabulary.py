"""The built-in tag vocabulary (``resources/vocabulary.txt``): everyday photo concepts scored on every photo."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..core.paths import resources_dir

__all__ = ["builtin_vocabulary", "read_vocabulary"]


def read_vocabulary(path: Path) -> list[str]:
    """Concepts from a file: one per line, '#' comments and blank lines ignored, duplicates dropped."""
    seen: dict[str, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        text = " ".join(line.split("#", 1)[0].split()).lower()
        if text:
            seen.setdefault(text, None)
    return list(seen)


@lru_cache(maxsize=1)
def builtin_vocabulary() -> tuple[str, ...]:
    path = resources_dir() / "vocabulary.txt"
    return tuple(read_vocabulary(path)) if path.is_file() else ()
