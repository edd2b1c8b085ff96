"""Case- and accent-insensitive matching of tag names: ``zurich`` finds ``Zürich``.

Stored names keep their accents; only comparisons fold. The catalog registers :func:`fold`
as the SQLite function ``imgtag_fold`` on every connection, so SQL and Python fold alike.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """``text`` without case and accents: NFKD, combining marks dropped, casefolded (``Zürich`` -> ``zurich``,
    ``Straße`` -> ``strasse``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sql_fold(text: str | None) -> str | None:
    """:func:`fold` for SQLite (NULL passes through)."""
    return fold(text) if isinstance(text, str) else text
