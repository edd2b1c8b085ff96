"""Search benchmark on a generated catalog: 100,000 photos, 1,000,000 photo tags over 2,000
tags, 100,000 512-d image embeddings. Needs only numpy (no pytest), so it runs anywhere::

    python -m tests.bench.search_bench [--photos 100000] [--runs 50] [--db PATH]

prints the p50/p95 table of docs/search.md. ``tests/bench/test_search_bench.py`` runs the same
queries under pytest-benchmark.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np

from imgtag_desktop.core.catalog import Catalog

DIM = 512
STATES = ("approved", "suggested", "rejected")


def generate(path: Path, *, photos: int = 100_000, tags: int = 2_000, photo_tags: int = 1_000_000,
             seed: int = 0) -> Catalog:
    """Build the benchmark catalog with bulk inserts (about a minute for the full size)."""
    rng = np.random.default_rng(seed)
    cat = Catalog(path)
    folder = cat.photos.add_folder("/bench")
    now = time.time()
    cameras = ["Canon EOS R5", "Canon EOS 80D", "Nikon D750", "Sony A7 III", "Apple iPhone 14", "Fujifilm X-T4",
               "Google Pixel 8", "Samsung SM-G991B", "Olympus E-M10", None]
    formats = ["jpeg"] * 7 + ["heif", "heif", "png", "tiff", "webp"]
    dirs = [f"{2015 + y}/trip-{m:02d}" for y in range(10) for m in range(1, 13)]
    day0 = np.datetime64("2015-01-01T00:00:00")
    seconds = rng.integers(0, 10 * 365 * 86400, size=photos)
    rows = []
    for i in range(photos):
        d = dirs[i % len(dirs)]
        p = f"/bench/{d}/IMG_{i:06d}.jpg"
        taken = None if i % 50 == 0 else str(day0 + np.timedelta64(int(seconds[i]), "s"))
        rows.append((folder.id, p, os.fsencode(p), d, 1_000_000 + i, 0, f"fp{i}", formats[i % len(formats)],
                     4000, 3000, 1, taken, cameras[i % len(cameras)], "ok", now, now))
    cat.bulk_insert("photos", ("folder_id", "path", "path_bytes", "rel_dir", "size", "mtime_ns", "fingerprint",
                               "format", "width", "height", "orientation", "taken_at", "camera", "status",
                               "added_at", "updated_at"), rows)
    # 2,000 tags: 1,900 flat ones (tag0001 the most used) and 20 hierarchy roots with 80 children.
    names: list[tuple[int, str, str, int | None]] = []
    flat = tags - 100
    for n in range(1, flat + 1):
        names.append((n, f"tag{n:04d}", f"tag{n:04d}", None))
    for g in range(20):
        names.append((flat + 1 + g, f"group{g}", f"group{g}", None))
    for k in range(80):
        parent = flat + 1 + k % 20
        names.append((flat + 21 + k, f"group{k % 20}|sub{k}", f"sub{k}", parent))
    cat.bulk_insert("tags", ("id", "name", "leaf", "parent_id"), names)
    # Zipf-like popularity: tag t is picked with weight 1 / (t + 10), hierarchy tags in the middle.
    weights = 1.0 / (np.arange(tags) + 10.0)
    weights[flat:] = weights[200]
    weights /= weights.sum()
    per_photo = photo_tags // photos
    tag_ids = np.empty((photos, per_photo), dtype=np.int64)
    for i in range(photos):
        tag_ids[i] = rng.choice(tags, size=per_photo, replace=False, p=weights) + 1
    states = rng.choice(3, size=(photos, per_photo), p=[0.6, 0.3, 0.1])
    scores = rng.random((photos, per_photo))
    pt_rows = (
        (i + 1, int(tag_ids[i, j]), STATES[states[i, j]], "model", None, float(scores[i, j]), "bench", now, now)
        for i in range(photos) for j in range(per_photo)
    )
    cat.bulk_insert("photo_tags", ("photo_id", "tag_id", "state", "source", "keyword_score", "visual_score",
                                   "model_version", "created_at", "updated_at"), pt_rows)
    words = ["dog", "beach", "sunset", "mountain", "city", "street", "people", "food", "car", "tree"]
    cat.bulk_insert("captions", ("photo_id", "caption", "model_version", "created_at"),
                    ((i + 1, f"a {words[(i // 2) % 10]} near a {words[(i // 7) % 10]}", "bench", now)
                     for i in range(0, photos, 2)))
    for start in range(0, photos, 10_000):
        block = rng.standard_normal((min(10_000, photos - start), DIM)).astype(np.float32)
        cat.analysis.set_embeddings([(start + k + 1, block[k]) for k in range(len(block))], "bench")
    cat.analyse()
    return cat


def text_encoder(text: str) -> np.ndarray:
    """A deterministic stand-in for CLIP's text tower (encoding time is not measured)."""
    seed = sum(text.encode())
    v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


QUERIES = {
    "single tag": "tag0030",
    "AND of two": "tag0025 tag0040",
    "OR of three": "tag0100 OR tag0200 OR tag0300",
    "NOT": "tag0025 -tag0040",
    "NOT alone": "-tag0025",
    "date range": "date:2021-06..2021-08",
    "hierarchy": "group3",
    "semantic top-100 + tag": '~"dog on a beach" tag0030',
    "like: top-100 (id)": "like:4242",
    "like: top-100 (path)": 'like:"/bench/2018/trip-06/IMG_004241.jpg"',
    "like: + tag": "like:4242 tag0030",
}

ALBUMS = [
    "tag0021", "tag0022 tag0023", "tag0024 OR tag0025 OR tag0026", "tag0027 -tag0028", "date:2019",
    "date:2020-06..2020-08 tag0029", "camera:canon", "format:heic", "untagged", "has:caption",
    "state:suggested tag0030", "tag0031>0.5", "group1", "folder:2018", "-tag0021 date:2023",
    "caption:beach", '~"sunset over water"', '~"sunset" tag0032', "(tag0033 OR tag0034) -group2",
    "state:rejected tag0035",
]


def timings(fn, runs: int) -> tuple[float, float, float, float]:  # type: ignore[no-untyped-def]
    """p50 and p95 of wall time and of this thread's CPU time, in ms (one warm-up call first).

    CPU time is what the query costs; wall time also counts waiting for a core, which on a
    shared machine can double it."""
    fn()  # warm (first call loads the embedding matrix)
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.thread_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    return (*_p50_p95(wall), *_p50_p95(cpu))


def _p50_p95(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description="imgtag search benchmark")
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--db", default="/tmp/imgtag-search-bench.db", help="reused when it exists")
    parser.add_argument("--albums", action="store_true", help="also time each album count alone")
    args = parser.parse_args()
    db = Path(args.db)
    t0 = time.perf_counter()
    if db.exists():
        cat = Catalog(db)
    else:
        cat = generate(db, photos=args.photos, photo_tags=args.photos * 10)
    print(f"catalog ready in {time.perf_counter() - t0:.1f} s ({args.photos} photos)")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print("| query | text | results | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms |")
    print("|---|---|---|---|---|---|---|")
    for label, q in QUERIES.items():
        n = len(cat.albums.search(q, text_encoder=text_encoder))
        p50, p95, c50, c95 = timings(lambda q=q: cat.albums.search(q, text_encoder=text_encoder), args.runs)
        print(f"| {label} | `{q}` | {n} | {p50:.1f} | {p95:.1f} | {c50:.1f} | {c95:.1f} |")
    for album in cat.albums.all():
        cat.albums.remove(album.id)
    for i, q in enumerate(ALBUMS):
        cat.albums.add(f"album {i:02d}", q)
    p50, p95, c50, c95 = timings(lambda: cat.albums.counts(text_encoder=text_encoder), max(5, args.runs // 5))
    print(f"| counts of {len(ALBUMS)} albums, together | | | {p50:.1f} | {p95:.1f} | {c50:.1f} | {c95:.1f} |")
    if args.albums:
        print("\n| album | count | p50 ms | CPU p50 ms |\n|---|---|---|---|")
        for q in ALBUMS:
            p50, _, c50, _ = timings(lambda q=q: cat.albums.count(q, text_encoder=text_encoder), 10)
            print(f"| `{q}` | {cat.albums.count(q, text_encoder=text_encoder)} | {p50:.1f} | {c50:.1f} |")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    cat.close()


if __name__ == "__main__":
    main()
