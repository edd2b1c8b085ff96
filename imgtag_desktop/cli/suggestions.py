"""Review and learning subcommands: approve, reject, rerank, calibration, muted, learning."""

from __future__ import annotations

import argparse
import math
from typing import Any

from ..core.catalog import Catalog
from ..core.settings import load_settings
from ..tagging.ranking import MAX_BUDGET
from .common import CliError, find_photo, open_catalog, print_json


def threshold_value(value: str) -> float:
    """A confidence threshold from the command line: a number from 0 to 1."""
    try:
        t = float(value)
    except ValueError:
        t = math.nan
    if not 0.0 <= t <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"the threshold is a confidence from 0 to 1, like 0.5 (not {value})")
    return t


def budget_value(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_BUDGET:
        raise argparse.ArgumentTypeError(f"the budget is 1-{MAX_BUDGET} suggestions per photo")
    return n


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name, verb in (("approve", "approve a suggested tag of a photo"),
                       ("reject", "reject a tag of a photo: never suggested there again; learned from")):
        p = sub.add_parser(name, help=verb)
        p.add_argument("photo", help="path of a photo in the library")
        p.add_argument("tag", help="tag name")
        p.set_defaults(handler=cmd_review, state="approved" if name == "approve" else "rejected")

    p = sub.add_parser("rerank", help="rank every photo's stored candidates again (threshold, budget); no models run")
    _ranking_options(p)
    p.set_defaults(handler=cmd_rerank)

    p = sub.add_parser("calibration", help="the models' calibration, suggestions per photo, learning, muted tags")
    p.add_argument("--json", action="store_true")
    p.add_argument("--refit", action="store_true", help="fit the calibration again now (needs 100 analysed photos)")
    p.set_defaults(handler=cmd_calibration)

    p = sub.add_parser("muted", help="tags no longer suggested (rejected often, never approved); unmute, mute")
    p.add_argument("action", nargs="?", choices=("list", "unmute", "mute"), default="list")
    p.add_argument("tag", nargs="?")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_muted)

    p = sub.add_parser("learning", help="learning from approvals and rejections: status, on, off, reset")
    p.add_argument("action", nargs="?", choices=("status", "on", "off", "reset"), default="status")
    p.set_defaults(handler=cmd_learning)


def _ranking_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--threshold", type=threshold_value,
                   help="confidence a suggestion needs, 0-1 (default: settings, 0.5)")
    p.add_argument("--budget", type=budget_value, help=f"suggestions per photo, 1-{MAX_BUDGET} (default: settings, 10)")


def ranking_options(args: argparse.Namespace, catalog: Catalog):  # type: ignore[no-untyped-def]
    """The threshold and budget the library was last ranked with (else the settings'), overridden
    by this command's ``--threshold`` / ``--budget``."""
    from ..tagging.suggest import RankingOptions, last_view

    view = last_view(catalog)
    return RankingOptions.from_settings(
        load_settings(),
        threshold=getattr(args, "threshold", None) if getattr(args, "threshold", None) is not None
        else view.get("threshold"),
        budget=getattr(args, "budget", None) or view.get("budget"),
    )


def after_decisions(catalog: Catalog, args: argparse.Namespace) -> None:
    """What the desktop app does in the background after a batch of decisions: refit, re-rank."""
    from ..tagging.suggest import after_decisions as refit_and_rerank

    refit_and_rerank(catalog, ranking_options(args, catalog))


def cmd_review(args: argparse.Namespace) -> int:
    with open_catalog(args) as catalog:
        photo = find_photo(catalog, args.photo)
        tag = catalog.tags.by_name(args.tag)
        if tag is not None and any(t.tag.id == tag.id for t in catalog.tags.photo_tags(photo.id)):
            name = tag.name
        else:
            # A candidate of the photo's analysis that is not shown now (say, pushed over the budget by
            # the re-ranking after the last decision) can still be decided on, as it was seen.
            wanted = args.tag.strip().casefold()
            candidate = next((c for c in catalog.analysis.candidates(photo.id)
                              if c.tag_name.casefold() == wanted or c.text.casefold() == wanted), None)
            if candidate is None:
                raise CliError(f"{photo.display_path} has no tag '{args.tag}'; see 'imgtag tags --photo PATH'")
            name = candidate.tag_name
        if args.state == "approved":
            catalog.tags.approve(photo.id, name)
        else:
            catalog.tags.reject(photo.id, name)
        after_decisions(catalog, args)
    print(f"{'approved' if args.state == 'approved' else 'rejected'} '{name}' on {photo.display_path}")
    return 0


def cmd_rerank(args: argparse.Namespace) -> int:
    from ..tagging.suggest import rerank

    with open_catalog(args) as catalog:
        options = ranking_options(args, catalog)
        stats = rerank(catalog, options)
    print(f"{stats.suggestions} suggestions on {stats.photos} photos "
          f"(confidence >= {options.threshold:.2f}, at most {options.budget} per photo)")
    return 0


def _count(n: int, noun: str) -> str:
    """'1 photo', '2 photos', '1 decision'."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _per_photo_line(s: dict[str, Any]) -> str:
    view = f"(threshold {s['threshold']:.2f}, budget {s['budget']})"
    if s["p50"] is None:
        return f"suggestions per photo: no photo analysed yet (run imgtag tag) {view}"
    return (f"suggestions per photo: p50 {s['p50']:g}, p95 {s['p95']:g}, max {s['max']} "
            f"over {_count(s['photos'], 'photo')} {view}")


def cmd_calibration(args: argparse.Namespace) -> int:
    from ..tagging.suggest import calibration_report, maybe_calibrate, rerank

    with open_catalog(args) as catalog:
        options = ranking_options(args, catalog)
        if args.refit:
            fitted = [k for k in catalog.suggestions.models_keys() if maybe_calibrate(catalog, k, force=True)]
            if fitted:
                rerank(catalog, options)
        report: dict[str, Any] = calibration_report(catalog, options)
    if args.json:
        print_json(report)
        return 0
    for m in report["models"]:
        print(f"models {m['models_key']}: {_count(m['photos'], 'photo')} analysed")
        fit = m["fit"]
        if fit is None:
            print(f"  calibration: {m['status']}")
            continue
        print(f"  calibration: P(fits) = sigmoid({fit['slope']:.2f} * margin + {fit['intercept']:.2f}), "
              f"fitted threshold margin {fit['threshold_margin']:.4f}, from {_count(fit['photos'], 'photo')}")
        print(f"  samples: {fit['positives']} caption phrases (positive), {fit['negatives']} unrelated terms")
        print("  margins p5/p25/p50/p75/p95: positive " + " / ".join(f"{v:.4f}" for v in fit["positive_margins"]))
        print("                              negative " + " / ".join(f"{v:.4f}" for v in fit["negative_margins"]))
    s = report["suggestions_per_photo"]
    print(_per_photo_line(s))
    learning = report["learning"]
    model = learning["model"]
    print(f"learning: {'on' if learning['enabled'] else 'off'}, {_count(learning['decisions'], 'decision')}, "
          f"model {model['state']}")
    print("  weights: " + ", ".join(f"{k} {v:+.2f}" for k, v in model["weights"].items()))
    muted = report["muted"]
    print(f"muted tags ({len(muted)}): " + (", ".join(m["tag"] for m in muted) or "none"))
    return 0


def cmd_muted(args: argparse.Namespace) -> int:
    from ..tagging.suggest import mute_tag, rerank, unmute_tag

    with open_catalog(args) as catalog:
        options = ranking_options(args, catalog)
        if args.action != "list":
            if not args.tag:
                raise CliError(f"say which tag: imgtag muted {args.action} TAG")
            (unmute_tag if args.action == "unmute" else mute_tag)(catalog, args.tag, options)
            rerank(catalog, options)
            print(f"{args.action}d '{args.tag}'")
            return 0
        muted = [m for m in catalog.decisions.mutes(options.mute_after) if m.muted]
    if args.json:
        print_json([m.to_json() for m in muted])
    else:
        for m in muted:
            by_you = "\t(muted by you)" if m.override == "muted" else ""
            print(f"{m.tag}\t{_count(m.rejections, 'rejection')}{by_you}")
        if not muted:
            print(f"no muted tags (a tag rejected on {options.mute_after} photos and never approved is muted)")
    return 0


def cmd_learning(args: argparse.Namespace) -> int:
    from ..tagging.suggest import after_decisions as refit_and_rerank
    from ..tagging.suggest import learning_enabled, reset_learning, set_learning

    with open_catalog(args) as catalog:
        if args.action in ("on", "off"):
            set_learning(catalog, args.action == "on")
        elif args.action == "reset":
            reset_learning(catalog)
        if args.action != "status":
            refit_and_rerank(catalog, ranking_options(args, catalog))
        print(f"learning is {'on' if learning_enabled(catalog) else 'off'}; "
              f"{_count(catalog.decisions.count(), 'decision')} recorded")
    return 0
