"""Visual search through the product's own CLIP pipeline, with the tiny CLIP of tests/tiny_models.py.

Skipped until the tagging pipeline (``imgtag_desktop.tagging``) and the tiny models are present.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from imgtag_desktop.cli import main
from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.settings import Settings
from tests.helpers import make_photo

tagging = pytest.importorskip("imgtag_desktop.tagging")
pytest.importorskip("tests.tiny_models")


@pytest.fixture
def tiny(request):
    try:
        return request.getfixturevalue("tiny_models")
    except pytest.FixtureLookupError:
        pytest.skip("the tiny_models fixture is not registered in conftest.py")


@pytest.mark.slow
def test_tiny_clip_search_finds_the_matching_embedding(tiny, tmp_path):
    settings = Settings(captioner=str(tiny["captioner"]), keyword_model=str(tiny["keywords"]),
                        visual_model=str(tiny["visual"]), device="cpu")
    pipeline = tagging.load_pipeline(settings)

    def encoder(text: str) -> np.ndarray:
        return pipeline.encode_texts([text])[0]

    folder = tmp_path / "photos"
    paths = [make_photo(folder / f"{i}.jpg", color=c) for i, c in enumerate([(250, 0, 0), (0, 250, 0), (0, 0, 250)])]
    db = tmp_path / "library.db"
    assert main(["--library", str(db), "scan", str(folder)]) == 0
    with Catalog(db) as cat:
        ids = [cat.photos.by_path(p).id for p in paths]
        images = [Image.open(p).convert("RGB") for p in paths]
        vectors = pipeline.image_embeddings(images)
        # Photo 1's slot holds the text's own embedding: it must come first (similarity 1).
        vectors[1] = encoder("a red square")
        cat.analysis.set_embeddings(list(zip(ids, vectors, strict=True)), "tiny-clip")
        assert cat.albums.search('~"a red square"', text_encoder=encoder)[0] == ids[1]
        # The whole ranking is the one numpy computes from the pipeline's own vectors.
        text = encoder("green grass")
        stored_ids, matrix = cat.analysis.image_embeddings()
        expected = [stored_ids[i] for i in np.argsort(-(matrix @ (text / np.linalg.norm(text))), kind="stable")]
        assert cat.albums.search('~"green grass"', text_encoder=encoder) == expected
        assert cat.albums.search('~"a red square">0.99', text_encoder=encoder) == [ids[1]]
