"""Downloading the models (only when the person asks for it)."""

from __future__ import annotations

import dataclasses

from ..core.settings import Settings
from ..tagging import download_models, evict_models
from .base import Job, JobStats


class DownloadJob(Job):
    """Fetch the configured models into the Hugging Face cache."""

    kind = "download"
    title = "Downloading models"

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = dataclasses.replace(settings)

    def work(self, stats: JobStats) -> None:
        download_models(self.settings, log=lambda text: self.message.emit(str(text)))
        evict_models()  # the next job loads the new files
