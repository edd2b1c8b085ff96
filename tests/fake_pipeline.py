"""A stand-in for the tagging pipeline: the methods tag_photos uses, deterministic analyses, and a
record of the order photos were analysed in (for tests of what a run does when, not of the models)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from imgtag_desktop.core.imageio import open_oriented
from imgtag_desktop.core.priority import thread_nice
from imgtag_desktop.tagging import ImageAnalysis, ScoredCandidate

DIM = 8


@dataclass(frozen=True)
class _Resolved:
    version: str


class FakePipeline:
    """Decodes photos for real (so broken files fail as in a run), analyses them without models.

    ``analysed`` lists the photos' file names in the order they were analysed; ``batches`` the
    batches as analysed. ``before_batch(n)`` runs before the n-th batch (0-based) is analysed,
    on the run's thread: a test uses it to act while a batch is in flight."""

    models_key = "captioner=fake|keywords=fake|visual=fake"
    device = "cpu"
    visual_version = "fake-visual"

    def __init__(self, before_batch: Callable[[int], None] | None = None) -> None:
        self.before_batch = before_batch
        self.analysed: list[str] = []
        self.batches: list[list[str]] = []
        self.lock = threading.Lock()
        self.long_run = False  # whether a run asked for the models as a long run uses them
        self.nice: dict[str, set[int | None]] = {"decode": set(), "analyse": set()}  # threads' nice values seen

    def load(self, progress: object = None) -> None:
        pass

    def for_long_run(self) -> None:
        self.long_run = True

    def vocabulary_ready(self, texts: Sequence[str]) -> bool:
        return True

    def resolved(self, role: str) -> _Resolved:
        return _Resolved(f"fake-{role}")

    def set_vocabulary(self, texts: Sequence[str]) -> None:
        self.vocabulary = list(texts)

    @staticmethod
    def decode(path: str | Path) -> Image.Image:
        image = open_oriented(path, max_side=64)
        image.info["name"] = Path(path).name
        return image

    # The run's path: host inputs in the decode threads, a device batch, then the analyses.
    def host_inputs(self, image: Image.Image) -> str:
        self.nice["decode"].add(thread_nice())
        return str(image.info["name"])

    @staticmethod
    def device_inputs(inputs: Sequence[str]) -> list[str]:
        return list(inputs)

    @staticmethod
    def device_batch(inputs: Sequence[str]) -> tuple[list[str], list[str]]:
        return list(inputs), list(inputs)

    def analyse_inputs(self, names: Sequence[str], **_options: object) -> list[ImageAnalysis]:
        return self._analyse_names(list(names))

    def analyse(self, images: Sequence[Image.Image], **_options: object) -> list[ImageAnalysis]:
        return self._analyse_names([str(im.info["name"]) for im in images])

    def _analyse_names(self, names: list[str]) -> list[ImageAnalysis]:
        self.nice["analyse"].add(thread_nice())
        with self.lock:
            number = len(self.batches)
            self.batches.append(names)
        if self.before_batch is not None:
            self.before_batch(number)
        with self.lock:
            self.analysed.extend(names)
        return [self._analysis(name) for name in names]

    @staticmethod
    def _analysis(name: str) -> ImageAnalysis:
        seed = sum(name.encode())
        vector = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
        vector /= np.linalg.norm(vector)
        score = 0.5 + (seed % 40) / 100
        return ImageAnalysis(
            caption=f"a photo called {name}",
            embedding=vector,
            candidates=[ScoredCandidate("photo", "caption", 0.8, score, score, margin=score - 0.5,
                                        caption_similarity=0.9, duplicate_group=0)],
        )
