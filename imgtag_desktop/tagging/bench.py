"""``imgtag bench``: the full pipeline on a folder of photos, timed per stage (no catalog writes)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ..core.imageio import IMAGE_EXTENSIONS
from ..core.settings import Settings
from .cache import load_pipeline
from .ranking import DEFAULT_BUDGET, STORED_PER_PHOTO
from .run import candidate_rows
from .suggest import RankingOptions, prior_suggestions
from .vocabulary import builtin_vocabulary


def run_bench(
    settings: Settings, images: Path, *, batch_size: int = 8, threshold: float = 0.5, budget: int = DEFAULT_BUDGET
) -> dict[str, object]:
    """Seconds per image for each stage and in total (``s_per_image``, model loading excluded as in the seed)."""
    paths = sorted(p for p in images.iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS)
    pipeline = load_pipeline(settings)
    t0 = time.perf_counter()
    pipeline.load()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pipeline.set_vocabulary(list(builtin_vocabulary()))
    vocabulary_s = time.perf_counter() - t0
    stages = {"decode": 0.0, "caption_vision": 0.0, "caption_text": 0.0, "visual": 0.0, "keywords": 0.0, "scores": 0.0}
    suggested = 0
    options = RankingOptions(threshold=threshold, budget=budget)
    start = time.perf_counter()
    for first in range(0, len(paths), batch_size):
        batch = paths[first : first + batch_size]
        t = time.perf_counter()
        decoded = [pipeline.decode(p) for p in batch]
        blip_pixels, clip_pixels = pipeline.captioner.pixels(decoded), pipeline.visual.pixels(decoded)
        stages["decode"] += time.perf_counter() - t
        t = time.perf_counter()
        states = pipeline.captioner.vision_states(blip_pixels)
        stages["caption_vision"] += time.perf_counter() - t
        t = time.perf_counter()
        captions = pipeline.captioner.decode(states)
        stages["caption_text"] += time.perf_counter() - t
        t = time.perf_counter()
        embeddings = pipeline.visual.embed_pixels(clip_pixels)
        stages["visual"] += time.perf_counter() - t
        t = time.perf_counter()
        keywords = pipeline.keyword_candidates(captions)
        stages["keywords"] += time.perf_counter() - t
        t = time.perf_counter()
        for analysis in pipeline.score(captions, embeddings, keywords, vocabulary_keep=STORED_PER_PHOTO):
            suggested += len(prior_suggestions(candidate_rows(analysis, {}), options))
        stages["scores"] += time.perf_counter() - t
    total = time.perf_counter() - start
    n = max(1, len(paths))
    return {
        "images": len(paths),
        "batch_size": batch_size,
        "device": pipeline.device,
        "dtype": pipeline.dtype_name,
        "load_s": round(load_s, 3),
        "vocabulary_s": round(vocabulary_s, 3),
        "vocabulary_size": len(builtin_vocabulary()),
        "stages_s_per_image": {k: round(v / n, 4) for k, v in stages.items()},
        "seconds": round(total, 3),
        "s_per_image": round(total / n, 4),
        "suggested_per_image": round(suggested / n, 2),
        "embedding_dim": int(np.asarray(embeddings).shape[1]) if paths else 0,
    }
