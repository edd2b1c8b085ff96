"""imgtag: an offline desktop photo tagger."""

from __future__ import annotations

__version__ = "0.1.0"
