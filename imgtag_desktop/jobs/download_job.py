"""Downloading the models (only when the person asks for it)."""

from __future__ import annotations

import dataclasses
import os

from ..core.settings import Settings
from ..tagging import ROLES, download_models, evict_models
from .base import Job, JobStats


class DownloadJob(Job):
    """Fetch the configured models into the Hugging Face cache."""

    kind = "download"
    title = "Downloading models"

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = dataclasses.replace(settings)

    def work(self, stats: JobStats) -> None:
        for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
            if os.environ.get(var, "").strip().lower() in ("1", "true", "yes", "on"):
                raise RuntimeError(f"downloads are switched off on this computer ({var} is set); choose folders "
                                   "that hold the models instead (Choose folder…)")
        stats.total = len(ROLES)
        for done, role in enumerate(ROLES, 1):
            if self.is_cancelled():
                stats.cancelled = True
                break
            self.progress.emit(done - 1, len(ROLES), role)
            try:
                download_models(self.settings, (role,), log=lambda text: self.message.emit(str(text)))
            except Exception as exc:
                raise RuntimeError(offline_text(exc)) from exc
            stats.done = done
            self.progress.emit(done, len(ROLES), role)
        evict_models()  # the next job loads the new files


def offline_text(exc: BaseException) -> str:
    """A download failure in words: offline, or what the hub said."""
    chain = [exc, exc.__cause__, exc.__context__]
    names = " ".join(type(e).__name__ for e in chain if e is not None)
    if any(word in names for word in ("Connection", "Offline", "Timeout", "NameResolution", "MaxRetry")):
        return ("cannot reach huggingface.co: this computer seems to be offline. Connect to the internet and "
                "try again, or choose folders that hold the models (Choose folder…)")
    return f"the download stopped: {exc}"
