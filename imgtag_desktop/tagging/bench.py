"""``imgtag bench``: the full pipeline on a folder of photos, timed per stage (no catalog writes)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ..core.imageio import IMAGE_EXTENSIONS
from ..core.settings import Settings
from .cache import load_pipeline
from .overlap import Prefetcher, decode_workers, default_batch_size
from .pipeline import ModelInputs
from .ranking import DEFAULT_BUDGET, STORED_PER_PHOTO
from .run import candidate_rows
from .suggest import RankingOptions, prior_suggestions
from .vocabulary import builtin_vocabulary


def run_bench(
    settings: Settings,
    images: Path,
    *,
    batch_size: int | None = None,
    threshold: float = 0.5,
    budget: int = DEFAULT_BUDGET,
    workers: int | None = None,
) -> dict[str, object]:
    """Seconds per image for each stage and in total (``s_per_image``; model loading excluded, as in the
    original notebook script), in a long run's steady state (the models as a run of many photos uses
    them, see :data:`.run.LONG_RUN_PHOTOS`; making them counts in ``load_s``), overlapped as
    :func:`.run.tag_photos` does: ``workers`` decode threads (default: one per core, up to 8; 0
    decodes on the models' thread) prepare the next batch while the models run. ``decode`` is the
    decode threads' work (it overlaps the models); ``input_wait`` is what the models waited for it,
    the part of decoding that still costs time."""
    paths = sorted(p for p in images.iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS)
    pipeline = load_pipeline(settings)
    t0 = time.perf_counter()
    pipeline.load()
    pipeline.for_long_run()  # what a long run uses (see .run.LONG_RUN_PHOTOS)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pipeline.set_vocabulary(list(builtin_vocabulary()))
    vocabulary_s = time.perf_counter() - t0
    batch_size = max(1, int(batch_size or default_batch_size(pipeline.device)))
    workers = decode_workers() if workers is None else max(0, int(workers))
    stages = {"transfer": 0.0, "caption_vision": 0.0, "caption_text": 0.0, "visual": 0.0, "keywords": 0.0,
              "scores": 0.0}
    suggested = 0
    embedding_dim = 0
    options = RankingOptions(threshold=threshold, budget=budget)
    batches = [paths[i : i + batch_size] for i in range(0, len(paths), batch_size)]

    def prepare(path: Path) -> ModelInputs:
        return pipeline.host_inputs(pipeline.decode(path))

    def stage(name: str, t: float) -> None:
        """Add the time since ``t`` to a stage (on CUDA, once the GPU has finished the stage's work)."""
        if pipeline.device.startswith("cuda"):
            import torch

            torch.cuda.synchronize()
        stages[name] += time.perf_counter() - t

    start = time.perf_counter()
    with Prefetcher(prepare, workers) as prefetch:
        pending = prefetch.submit(batches[0]) if batches else []
        for index in range(len(batches)):
            outcomes = prefetch.collect(pending) or []
            # The next batch's, or none: the futures would keep this batch's inputs alive (as in a tagging run).
            pending = prefetch.submit(batches[index + 1]) if index + 1 < len(batches) else []
            for outcome in outcomes:
                if outcome.error is not None:
                    raise outcome.error
            t = time.perf_counter()
            inputs = pipeline.device_inputs([o.value for o in outcomes if o.value is not None])
            del outcomes  # the batch's pixels in memory once, as in a tagging run
            stage("transfer", t)
            t = time.perf_counter()
            states = pipeline.captioner.vision_states(inputs.caption)
            stage("caption_vision", t)
            t = time.perf_counter()
            captions = pipeline.captioner.decode(states)
            del states  # a tagging run keeps them no longer either
            stage("caption_text", t)
            t = time.perf_counter()
            embeddings = pipeline.visual.embed_pixels(inputs.visual)
            embedding_dim = int(np.asarray(embeddings).shape[1])
            stage("visual", t)
            t = time.perf_counter()
            keywords = pipeline.keyword_candidates(captions)
            stage("keywords", t)
            t = time.perf_counter()
            for analysis in pipeline.score(captions, embeddings, keywords, vocabulary_keep=STORED_PER_PHOTO):
                suggested += len(prior_suggestions(candidate_rows(analysis, {}), options))
            stage("scores", t)
            del inputs  # not alive beside the next batch's (a run's are local to its analysis)
    total = time.perf_counter() - start
    n = max(1, len(paths))
    per_image = {"decode": prefetch.busy_s / n, "input_wait": prefetch.waited_s / n}
    per_image.update((k, v / n) for k, v in stages.items())
    return {
        "images": len(paths),
        "batch_size": batch_size,
        "decode_workers": workers,
        "device": pipeline.device,
        "dtype": pipeline.dtype_name,
        "load_s": round(load_s, 3),
        "vocabulary_s": round(vocabulary_s, 3),
        "vocabulary_size": len(builtin_vocabulary()),
        "stages_s_per_image": {k: round(v, 4) for k, v in per_image.items()},
        "seconds": round(total, 3),
        "s_per_image": round(total / n, 4),
        "images_per_s": round(len(paths) / total, 2) if total > 0 else 0.0,
        "suggested_per_image": round(suggested / n, 2),
        "embedding_dim": embedding_dim,
        "peak_rss_mb": peak_rss_mb(),
    }


def peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MB."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)
