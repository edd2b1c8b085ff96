"""Downloading the models (only when the person asks for it)."""

from __future__ import annotations

import dataclasses
import inspect

from ..core.settings import Settings
from .base import Job, JobStats
from .tagging_job import forget_pipelines, tagging_module

DOWNLOAD_NAMES = ("download_models", "download")


def download_function() -> object | None:
    """The tagging package's model download function, when it has one."""
    try:
        module = tagging_module()
    except RuntimeError:
        return None
    for name in DOWNLOAD_NAMES:
        fn = getattr(module, name, None)
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    return None


class DownloadJob(Job):
    """Fetch the configured models into the Hugging Face cache."""

    kind = "download"
    title = "Downloading models"

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = dataclasses.replace(settings)

    def work(self, stats: JobStats) -> None:
        fn = download_function()
        if fn is None:
            raise RuntimeError("this build cannot download models; pick local model folders instead")
        assert callable(fn)
        kwargs: dict[str, object] = {}
        params = inspect.signature(fn).parameters
        if "progress" in params:
            kwargs["progress"] = lambda done, total, name="": self.progress.emit(int(done), int(total), str(name))
        if "log" in params:
            kwargs["log"] = lambda text: self.message.emit(str(text))
        if "cancelled" in params:
            kwargs["cancelled"] = self.is_cancelled
        fn(self.settings, **kwargs)
        forget_pipelines()
