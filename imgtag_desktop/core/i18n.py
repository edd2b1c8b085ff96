"""Which language the person wants: the setting, else the system locale, else English."""

from __future__ import annotations

import locale
import os

UI_LANGUAGES = ("en", "de", "fr")
TAG_LANGUAGES = ("en", "de", "fr", "es", "it", "nl")


def system_language() -> str:
    """The two-letter language of the system locale (LC_ALL, LC_MESSAGES, LANG, then Python's)."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return value.split(":")[0].split(".")[0].split("_")[0].lower()
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return code.split("_")[0].lower() or "en"


def resolve_language(setting: str, supported: tuple[str, ...]) -> str:
    """``setting`` ("auto" or a code) as one of ``supported``; anything unknown falls back to English."""
    code = system_language() if setting in ("", "auto") else setting.split("_")[0].lower()
    return code if code in supported else "en"
