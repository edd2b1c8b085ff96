"""Metadata subcommands: ``imgtag write`` (preview / write / undo tags in files) and ``imgtag import``."""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from ..core.catalog import Catalog
from ..core.metadata import WriteReport, import_keywords, plan_writes
from ..core.metadata.plan import FIELD_NAMES
from ..services.writing import WriterBusy, choose_photos_to_write, undo_write, write_mode, write_tags
from .common import CliError, LazyProgress, Progress, existing_folder, open_catalog, print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's subcommands."""
    p = sub.add_parser(
        "write",
        help="write approved tags into the photos' metadata (XMP/IPTC/EXIF) or XMP sidecars",
        description="Write approved tags as keywords: XMP dc:subject and lr:hierarchicalSubject, IPTC Keywords "
        "and EXIF XPKeywords (embedded), or an XMP sidecar. Every file is written to a verified temporary copy "
        "first; a file changed since the last scan is skipped.",
    )
    p.add_argument("query", nargs="?", help="which photos: a search query, or a tag name (default: all photos "
                   "with approved tags, and photos written before)")
    p.add_argument("--mode", choices=("sidecar", "embedded"), help="where to write (default: the library's mode)")
    p.add_argument("--sidecar-style", choices=("append", "replace"),
                   help="sidecar name: append = photo.jpg.xmp (default), replace = photo.xmp")
    p.add_argument("--save", action="store_true", help="remember --mode / --sidecar-style as this library's default")
    p.add_argument("--dry-run", action="store_true", help="only list, per file, what would be added and removed")
    p.add_argument("--undo", action="store_true", help="restore the keywords the last write replaced")
    p.add_argument("--keep-mtime", action="store_true", help="keep the files' modification times")
    p.add_argument("--no-exiftool", action="store_true", help="do not ask exiftool for a second verification")
    p.add_argument("--json", action="store_true", help="print the per-file report as JSON")
    p.add_argument("--progress", action="store_true", help="show a progress bar even when not on a terminal")
    p.set_defaults(handler=cmd_write)

    p = sub.add_parser("import", help="import keywords from the photos' metadata and sidecars as approved tags")
    p.add_argument("folder", nargs="?", help="only photos under this folder (default: the whole library)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--progress", action="store_true")
    p.set_defaults(handler=cmd_import)


def select_photos(catalog: Catalog, query: str | None) -> list[int]:
    """Photo ids for QUERY: a search in the query language (docs/search.md), e.g. ``dog``,
    ``"places|paris"``, ``folder:/photos/2024``; without QUERY, every photo with approved tags
    plus photos whose files hold keywords imgtag manages."""
    if not query:
        return choose_photos_to_write(catalog)
    from ..core.query import QueryError
    from .search import _encoder_for, _query_error

    try:
        ids = choose_photos_to_write(catalog, query, _encoder_for(catalog, query))
    except QueryError as exc:
        raise _query_error(query, exc) from exc
    if not ids:
        raise CliError(f"no photos match {query!r}; see 'imgtag tags' for the tags in the library")
    return ids


def cmd_write(args: argparse.Namespace) -> int:
    with open_catalog(args) as catalog:
        if args.save:
            if args.mode:
                catalog.writes.set_mode(args.mode)
            if args.sidecar_style:
                catalog.writes.set_sidecar_style(args.sidecar_style)
        progress = LazyProgress("write", force=args.progress)
        try:
            if args.undo:
                report = undo_write(catalog, keep_mtime=args.keep_mtime,
                                    use_exiftool=False if args.no_exiftool else None, progress=progress)
                if report.batch is None:
                    print("nothing to undo: no write recorded in this library")
                    return 0
                return _print_report(report, args, "restored")
            if not (args.mode or catalog.writes.mode() != "off"):
                raise CliError("metadata writing is off for this library; pass --mode sidecar or --mode embedded "
                               "(add --save to make it the default)")
            mode = write_mode(catalog, args.mode)
            ids = select_photos(catalog, args.query)
            if args.dry_run:
                plans = plan_writes(catalog, ids, mode, args.sidecar_style)
                if args.json:
                    print_json([p.to_json() for p in plans])
                    return 0
                for plan in plans:
                    if plan.skip:
                        print(f"{plan.photo}: skip: {plan.skip}")
                    elif plan.changes:
                        parts = [f"+{a}" for a in plan.added] + [f"-{r}" for r in plan.removed]
                        note = f"  ({plan.note})" if plan.note else ""
                        fields = ", ".join(FIELD_NAMES[f] for f in plan.synced_fields)
                        what = " ".join(parts) or f"no keyword added or removed; {plan.field_changes()}"
                        print(f"{plan.target}: {what} [{fields}]{note}")
                changed = sum(1 for p in plans if p.changes)
                skipped = sum(1 for p in plans if p.skip)
                print(f"{changed} file(s) would change, {skipped} skipped, "
                      f"{len(plans) - changed - skipped} already up to date (dry run: nothing written)")
                return 0
            report = write_tags(catalog, ids, mode=mode, style=args.sidecar_style, keep_mtime=args.keep_mtime,
                                use_exiftool=False if args.no_exiftool else None, progress=progress)
        except WriterBusy as exc:
            raise CliError(str(exc)) from exc
        except ValueError as exc:
            raise CliError(str(exc)) from exc
        finally:
            progress.close()
    return _print_report(report, args, "written")


def _print_report(report: WriteReport, args: argparse.Namespace, verb: str) -> int:
    if args.json:
        print_json(report.to_json())
    else:
        for r in report.results:
            if r.status in ("skipped", "failed"):
                print(f"  {r.status} {r.path}: {r.reason}", file=sys.stderr)
            elif r.note:
                print(f"  note {r.path}: {r.note}", file=sys.stderr)
        print(f"{report.count('written')} {verb}, {report.count('unchanged')} already up to date, "
              f"{report.count('skipped')} skipped, {report.count('failed')} failed"
              + (" (cancelled)" if report.cancelled else ""))
        writers = Counter(r.writer for r in report.results if r.status == "written" and r.mode == "embedded")
        if writers:
            print("  embedded writes by " + ", ".join(f"{w}: {n}" for w, n in sorted(writers.items(), key=str)),
                  file=sys.stderr)
        if report.recovered:
            print(f"  {report.recovered} writes of an interrupted run were found done and recorded", file=sys.stderr)
        for path in report.cleaned_temps:
            print(f"  removed a temporary file left by an interrupted write: {path}", file=sys.stderr)
    return 1 if report.count("failed") else 0


def cmd_import(args: argparse.Namespace) -> int:
    with open_catalog(args) as catalog:
        under = existing_folder(args.folder) if args.folder else None
        ids = [p.id for p in catalog.photos.all(status="ok", under=under)]
        bar = Progress(len(ids), "import", force=args.progress)
        try:
            stats = import_keywords(catalog, ids, progress=lambda d, t, c: bar.update(d, c))
        finally:
            bar.close()
    if args.json:
        print_json(stats.to_json())
    else:
        print(f"{stats.photos} photos read, {stats.with_keywords} with keywords, {stats.tags_added} tags imported")
        for path, reason in stats.errors:
            print(f"  {path}: {reason}", file=sys.stderr)
    return 0
