"""Tagging subcommands: tag, explain, keywords, bench, models status|download|use."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from ..core.settings import Settings, load_settings, save_settings
from .common import CliError, Progress, existing_folder, find_photo, open_catalog, print_json
from .suggestions import budget_value, ranking_options, threshold_value

if TYPE_CHECKING:
    from ..tagging import Pipeline, TagRunStats

ROLE_CHOICES = ("captioner", "keywords", "visual", "multilingual")


def _model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--captioner", metavar="ID_OR_DIR", help="BLIP captioner (hub id or folder) for this run")
    p.add_argument("--keyword-model", metavar="ID_OR_DIR", help="sentence-transformers model for this run")
    p.add_argument("--visual-model", metavar="ID_OR_DIR", help="CLIP model for this run")
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), help="where the models run (default: auto)")
    p.add_argument("--dtype", choices=("auto", "float32", "float16", "bfloat16", "int8"),
                   help="model precision (int8: CPU only, the captioner quantized; auto: see docs/tagging.md)")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("tag", help="suggest tags for photos not yet tagged by the current models")
    p.add_argument("folder", nargs="?", help="only photos under this folder (scanned first if new)")
    p.add_argument("--threshold", type=threshold_value,
                   help="confidence a suggestion needs, 0-1 (default: settings, 0.5)")
    p.add_argument("--budget", type=budget_value, help="at most this many suggestions per photo, 1-50 "
                   "(default: settings, 10)")
    p.add_argument("--batch-size", type=int, help="photos per batch (default: settings; "
                   "16 on a CPU, 32 on CUDA)")
    p.add_argument("--redo", action="store_true", help="analyse again photos already done by these models")
    p.add_argument("--no-vocabulary", action="store_true", help="only caption phrases, no vocabulary candidates")
    p.add_argument("--json", action="store_true", help="print the run summary as JSON")
    p.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    _model_options(p)
    p.set_defaults(handler=cmd_tag)

    p = sub.add_parser("explain", help="why a photo got (or did not get) each tag: caption, candidates, scores")
    p.add_argument("photo", help="path of a photo in the library")
    p.add_argument("--json", action="store_true")
    p.add_argument("--threshold", type=threshold_value,
                   help="explain at this confidence threshold, 0-1 (default: settings)")
    p.add_argument("--budget", type=budget_value, help="explain with this budget (default: settings)")
    p.set_defaults(handler=cmd_explain)

    p = sub.add_parser("keywords", help="caption stage alone: captions on stdin -> one JSON line of tags each")
    p.add_argument("--keyword-model", metavar="ID_OR_DIR", help="sentence-transformers model")
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"))
    p.set_defaults(handler=cmd_keywords, captioner=None, visual_model=None, dtype=None)

    p = sub.add_parser("bench", help="time the full pipeline per stage on a folder of photos (no catalog)")
    p.add_argument("--models", required=True, type=Path, help="folder with blip/, clip/, minilm/ (make_models.py)")
    p.add_argument("--images", required=True, type=Path, help="folder of photos")
    p.add_argument("--batch-size", type=int, help="photos per batch (default: 16 on a CPU, 32 on CUDA)")
    p.add_argument("--workers", type=int, help="decode threads (default: one per core, up to 8; 0: no overlap)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"))
    p.add_argument("--dtype", choices=("auto", "float32", "float16", "bfloat16", "int8"))
    p.add_argument("--threshold", type=threshold_value, default=0.5)
    p.set_defaults(handler=cmd_bench)

    p = sub.add_parser("models", help="the three models: status, download, use")
    msub = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    q = msub.add_parser("status", help="which model each role uses, where it is, its size and version")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_models_status)
    q = msub.add_parser("download", help="download the hub models into the Hugging Face cache (needs network)")
    q.add_argument("--role", choices=ROLE_CHOICES, action="append", help="only this role (repeatable)")
    q.set_defaults(handler=cmd_models_download)
    q = msub.add_parser("use", help="use a hub id or a local folder for a role (saved in the settings)")
    q.add_argument("role", choices=ROLE_CHOICES)
    q.add_argument("spec", metavar="PATH_OR_ID")
    q.set_defaults(handler=cmd_models_use)


MODEL_OPTIONS = ("captioner", "keyword_model", "visual_model")


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The saved settings with this run's model, device and dtype options (a model folder made absolute)."""
    settings = load_settings()
    changes: dict[str, Any] = {}
    for name in (*MODEL_OPTIONS, "device", "dtype"):
        value = getattr(args, name, None)
        if not value:
            continue
        if name in MODEL_OPTIONS and Path(value).expanduser().is_dir():
            value = os.path.abspath(Path(value).expanduser())  # as given: a link stays the link
        changes[name] = value
    return dataclasses.replace(settings, **changes) if changes else settings


def _pipeline(settings: Settings) -> Pipeline:
    from ..tagging import ModelUnavailable, load_pipeline

    pipeline = load_pipeline(settings)
    try:
        pipeline.load()
    except ModelUnavailable as exc:
        raise CliError(str(exc)) from exc
    return pipeline


class _Interrupt:
    """First Ctrl-C: finish and commit the batch in flight, then stop. Second Ctrl-C: stop now."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: object = None

    def __enter__(self) -> _Interrupt:
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        print("\nimgtag: stopping after this batch (Ctrl-C again to stop now)", file=sys.stderr)


def cmd_tag(args: argparse.Namespace) -> int:
    from ..services import photos_to_tag, run_tagging, scan_and_import

    settings = settings_from_args(args)
    under: Path | None = existing_folder(args.folder) if args.folder else None
    with open_catalog(args, create=under is not None) as catalog:  # tag FOLDER scans it: a new library
        options = ranking_options(args, catalog)
        if under is not None:
            if not any(under == f.path or under.is_relative_to(f.path) for f in catalog.photos.folders()):
                print(f"scanning {under} (new to the library) ...", file=sys.stderr)
                scan_and_import(catalog, under)
        pipeline = _pipeline(settings)
        todo = photos_to_tag(catalog, pipeline.models_key, under=under, redo=args.redo)
        if not todo:
            print("nothing to do: every photo is tagged by the current models (use --redo to analyse again)")
            return 0
        bar = Progress(len(todo), "tag", force=args.progress)
        with _Interrupt() as interrupt:
            try:
                stats = run_tagging(
                    catalog, todo, pipeline, settings,
                    threshold=options.threshold, budget=options.budget, mute_after=options.mute_after,
                    batch_size=args.batch_size, use_vocabulary=False if args.no_vocabulary else None,
                    progress=lambda done, total, path: bar.update(done, path),
                    step=lambda step: bar.note(step.text, now=step.done in (0, step.total)),
                    cancelled=lambda: interrupt.requested,
                )
            finally:
                bar.close()
    if args.json:
        print_json(stats.to_json())
    else:
        print(tag_summary(stats, redo=args.redo))
        for _photo_id, path, reason in stats.errors:
            print(f"  failed {path}: {reason}", file=sys.stderr)
    return 130 if stats.cancelled else 0


def tag_summary(stats: TagRunStats, *, redo: bool = False) -> str:
    """The last line of ``imgtag tag``: what this run did, and after a stop what is left and how to go on."""
    tagged = stats.analysed - stats.unfinished  # tagged to the end (with the vocabulary)
    rate = stats.analysed / stats.seconds if stats.seconds else 0.0
    done = (f"{tagged} photos tagged, {stats.suggested} tags suggested, {stats.failed} failed "
            f"in {stats.seconds:.1f}s ({rate:.2f} photos/s)")
    if not stats.cancelled:
        return done
    left = f"{stats.remaining} of the {stats.total} photos not done"
    if stats.unfinished:
        left += (f" ({stats.unfinished} of them tagged before the tag vocabulary was ready: "
                 "their vocabulary candidates are still missing)")
    if redo:
        return f"stopped: {done}; {left}: --redo starts over, a run without it tags only the photos not yet tagged"
    return f"stopped: {done}; {left}: run the same command again to continue"


def cmd_explain(args: argparse.Namespace) -> int:
    from ..tagging.learning import FEATURE_TITLES
    from ..tagging.suggest import explain_photo

    with open_catalog(args, browse=True) as catalog:
        options = ranking_options(args, catalog)
        photo = find_photo(catalog, args.photo)
        info = catalog.analysis.info(photo.id)
        caption = catalog.analysis.caption(photo.id)
        explained = explain_photo(catalog, photo.id, options)
        tags = catalog.tags.photo_tags(photo.id)
    if info is None:
        if photo.status != "ok":
            raise CliError(f"{photo.display_path} is {photo.status}: {photo.error}")
        raise CliError(f"{photo.display_path} has not been analysed yet; run 'imgtag tag' first")
    if args.json:
        print_json({
            "photo": photo.display_path,
            "caption": caption,
            "models": info.models_key,
            "threshold": options.threshold,
            "budget": options.budget,
            "analysed_at": info.analysed_at,
            "error": info.error,
            "candidates": explained,
            "tags": [{"name": t.name, "state": t.state, "source": t.source, "confidence": t.visual_score}
                     for t in tags],
        })
        return 0
    print(photo.display_path)
    if info.error:
        print(f"  analysis failed: {info.error}")
    print(f"  caption:   {caption}")
    print(f"  models:    {info.models_key}")
    print(f"  threshold: {options.threshold:.2f} (confidence = P(you approve)), budget {options.budget} per photo")
    print(f"  {'candidate':<28} {'origin':<10} {'conf.':>6} {'keyword':>7} {'visual':>7} {'margin':>8}  decision")
    for c in explained:
        k = f"{c['keyword_score']:.3f}" if c["keyword_score"] is not None else "-"
        v = f"{c['visual_score']:.3f}" if c["visual_score"] is not None else "-"
        m = f"{c['margin']:+.4f}" if c["margin"] is not None else "-"
        print(f"  {c['text']:<28} {c['origin']:<10} {c['confidence']:>6.3f} {k:>7} {v:>7} {m:>8}  "
              f"{_why(c, options.threshold, options.budget)}")
        parts = [f"{FEATURE_TITLES.get(name, name)} {value:+.2f}"
                 for name, value in c["contributions"].items()]  # type: ignore[attr-defined]
        print(f"  {'':<28} log-odds: " + ", ".join(parts))
    return 0


def _why(c: dict[str, object], threshold: float, budget: int) -> str:
    decision = c["decision"]
    if decision == "suggested":
        return f"suggested (#{c['position']}, confidence >= {threshold:.2f})"
    if decision == "below-threshold":
        return f"not shown (confidence < {threshold:.2f})"
    if decision == "over-budget":
        return f"not shown (over the budget of {budget})"
    if decision == "duplicate":
        return f"collapsed into '{c.get('alternate_of')}' (near-duplicate)"
    if decision == "muted":
        return "not shown (tag muted: rejected often, never approved)"
    if decision == "rejected-before":
        return "dropped (you rejected this tag on this photo)"
    if decision == "rejected-variant":
        return f"dropped (a near-duplicate of '{c.get('alternate_of')}', which you rejected on this photo)"
    if decision == "approved-before":
        return "kept (already approved)"
    return str(decision)


def cmd_keywords(args: argparse.Namespace) -> int:
    from ..tagging import ModelUnavailable, load_pipeline

    pipeline = load_pipeline(settings_from_args(args))
    try:
        pipeline.load_keywords()
    except ModelUnavailable as exc:
        raise CliError(str(exc)) from exc
    lines = [line.strip() for line in sys.stdin]
    batch: list[str] = []

    def flush() -> None:
        for caption, tags in zip(batch, pipeline.keyword_candidates(batch), strict=True):
            print(json.dumps({"caption": caption, "tags": [{"tag": t, "score": s} for t, s in tags]},
                             ensure_ascii=False))
        batch.clear()

    for line in lines:
        if line:
            batch.append(line)
        if len(batch) >= 64:
            flush()
    if batch:
        flush()
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from ..tagging.bench import run_bench

    for sub in ("blip", "clip", "minilm"):
        if not (args.models / sub).is_dir():
            raise CliError(f"{args.models / sub} not found; build the folders with ../shared/bench/make_models.py")
    if not args.images.is_dir():
        raise CliError(f"{args.images} is not a folder")
    settings = dataclasses.replace(
        load_settings(),
        captioner=str(args.models / "blip"),
        keyword_model=str(args.models / "minilm"),
        visual_model=str(args.models / "clip"),
        device=args.device or "auto",
        dtype=args.dtype or "auto",
    )
    result = run_bench(settings, args.images, batch_size=args.batch_size, threshold=args.threshold,
                       workers=args.workers)
    print_json(result)
    return 0


def cmd_models_status(args: argparse.Namespace) -> int:
    from ..tagging import human_size, models_status

    rows = models_status(settings_from_args(args))
    if args.json:
        print_json([r.to_json() for r in rows])
        return 0
    for r in rows:
        size = human_size(r.size_bytes)
        state = "ok" if r.usable else "MISSING"
        print(f"{r.role:<10} {state:<8} {r.spec}")
        if r.path:  # a missing model has no folder: its problem line says what to do
            print(f"           {r.source}: {r.path}  {size}  version {r.version or '-'}")
        if r.problem:
            print(f"           {r.problem}")
    offline = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE")
    if offline:
        print("(offline mode is on: models are only read from disk)")
    return 0 if all(r.usable for r in rows) else 1


def cmd_models_download(args: argparse.Namespace) -> int:
    from ..tagging import ModelUnavailable, download_models

    roles = tuple(args.role) if args.role else ROLE_CHOICES
    try:
        done = download_models(settings_from_args(args), roles)
    except ModelUnavailable as exc:
        raise CliError(str(exc)) from exc
    for m in done:
        print(f"{m.role}: {m.spec} ready at {m.path} (version {m.version})")
    return 0


def cmd_models_use(args: argparse.Namespace) -> int:
    from ..tagging import ModelUnavailable
    from ..tagging.models import looks_like_path, resolve_model, role_spec, settings_with_model

    stored = load_settings(apply_env=False)
    updated = settings_with_model(stored, args.role, args.spec)
    spec = role_spec(updated, args.role)
    try:
        found = resolve_model(args.role, spec)
        note = f"found at {found.path} (version {found.version})"
    except ModelUnavailable as exc:
        if Path(spec).expanduser().exists() or looks_like_path(spec):
            raise CliError(str(exc)) from exc
        note = "not on this computer yet: run 'imgtag models download'"
    save_settings(updated)
    print(f"{args.role} now uses {spec}; {note}")
    return 0

