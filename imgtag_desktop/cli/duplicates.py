"""Near-duplicates from the command line: ``imgtag duplicates`` (the same calls as Tools > Duplicates)."""

from __future__ import annotations

import argparse

from ..core.duplicates import find_duplicates, move_photos, update_hashes
from .common import CliError, LazyProgress, open_catalog, print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("duplicates", help="group near-identical photos (bursts, resized copies, re-encodes)")
    p.add_argument("--json", action="store_true", help="a JSON list of groups (paths, keeper first)")
    p.add_argument("--move-others-to", metavar="DIR",
                   help="move every photo but the proposed keeper of each group into DIR (never deletes; "
                        "the photos are marked missing until moved back)")
    p.set_defaults(handler=cmd_duplicates)


def cmd_duplicates(args: argparse.Namespace) -> int:
    with open_catalog(args) as catalog:
        progress = LazyProgress("hashing")
        try:
            problems = update_hashes(catalog, progress=progress)
        finally:
            progress.close()
        groups = find_duplicates(catalog)
        paths = {p.id: p.display_path for p in catalog.photos.all(ids=[i for g in groups for i in g.photo_ids])}
        moved = 0
        if args.move_others_to:
            try:
                for g in groups:
                    moved += len(move_photos(catalog, list(g.photo_ids[1:]), args.move_others_to).photo_ids)
            except RuntimeError as exc:
                raise CliError(str(exc)) from exc
    for path, reason in problems:
        print(f"  skipped {path}: {reason}")
    if args.json:
        print_json([{"similarity": round(g.similarity, 4), "paths": [paths[i] for i in g.photo_ids]}
                    for g in groups])
    else:
        for n, g in enumerate(groups, 1):
            print(f"group {n} (similarity {g.similarity:.3f}):")
            for k, i in enumerate(g.photo_ids):
                print(f"  {'keep ' if k == 0 else '     '}{paths[i]}")
        print(f"{len(groups)} groups" + (f"; {moved} photos moved to {args.move_others_to}" if moved else ""))
    return 0
