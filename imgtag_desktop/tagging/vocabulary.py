"""The built-in tag vocabulary (``resources/vocabulary.txt``): everyday photo concepts scored on every photo."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..core.paths import resources_dir

__all__ = ["builtin_vocabulary", "read_vocabulary", "vocabulary_names"]


def read_vocabulary(path: Path) -> list[str]:
    """Concepts from a file: one per line, '#' comments and blank lines ignored, duplicates dropped."""
    seen: dict[str, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        text = " ".join(line.split("#", 1)[0].split()).lower()
        if text:
            seen.setdefault(text, None)
    return list(seen)


@lru_cache(maxsize=8)
def vocabulary_names(language: str) -> dict[str, str]:
    """{English concept: its name in ``language``} from ``resources/vocabulary_translations.tsv``.

    Empty for English or a language the file does not have (the concepts keep their English names).
    CLIP scores the English concept either way; only the tag's name changes."""
    path = resources_dir() / "vocabulary_translations.tsv"
    if language in ("", "en") or not path.is_file():
        return {}
    rows = [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    header, body = rows[0], rows[1:]
    if language not in header:
        return {}
    col = header.index(language)
    return {r[0].lower(): r[col] for r in body if len(r) > col and r[col].strip()}


@lru_cache(maxsize=1)
def builtin_vocabulary() -> tuple[str, ...]:
    path = resources_dir() / "vocabulary.txt"
    return tuple(read_vocabulary(path)) if path.is_file() else ()
