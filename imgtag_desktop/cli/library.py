"""Library subcommands: scan, photos, tag-add, tag-remove, tags."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.catalog import health
from ..core.confidence import shown_confidence
from ..services.library import scan_and_import
from ..services.tag_manager import TagManager
from .common import CliError, LazyProgress, find_photo, library_path, open_catalog, print_json
from .suggestions import after_decisions


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("scan", help="add a folder to the library or bring it up to date")
    p.add_argument("folder", help="photo folder (scanned recursively)")
    p.add_argument("--json", action="store_true", help="print the scan summary as JSON")
    p.add_argument("--progress", action="store_true", help="show a progress bar even when not on a terminal")
    p.set_defaults(handler=cmd_scan)

    p = sub.add_parser("doctor", help="check the library file; when damaged, make a repaired copy next to it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_doctor)

    p = sub.add_parser("photos", help="list the photos in the library")
    p.add_argument("--json", action="store_true", help="a JSON list of photo objects")
    p.add_argument("--broken", action="store_true", help="only broken or missing files, with the reason")
    p.set_defaults(handler=cmd_photos)

    p = sub.add_parser("tag-add", help="add a tag to a photo by hand (manual tags are approved)")
    p.add_argument("photo", help="path of a photo in the library")
    p.add_argument("tag", help="tag name; 'a|b' for a hierarchy")
    p.set_defaults(handler=cmd_tag_add)

    p = sub.add_parser("tag-remove", help="remove a tag from a photo")
    p.add_argument("photo")
    p.add_argument("tag")
    p.set_defaults(handler=cmd_tag_remove)

    p = sub.add_parser("tags", help="list tags with photo counts; rename, merge, delete or move a tag everywhere",
                       description="Without a subcommand: list the tags with photo counts. The subcommands change "
                                   "a tag across the whole library; the tags below it ('a|...') follow. Files "
                                   "are updated on the next 'imgtag write'.")
    p.add_argument("--json", action="store_true")
    p.add_argument("--photo", help="only the tags of this photo, with state and scores")
    p.set_defaults(handler=cmd_tags)
    manage = p.add_subparsers(dest="tags_command", metavar="{rename,merge,delete,move}")
    m = manage.add_parser("rename", help="give a tag a new name everywhere")
    m.add_argument("old")
    m.add_argument("new")
    m.set_defaults(handler=cmd_tags_manage)
    m = manage.add_parser("merge", help="fold tag SOURCE into the existing tag INTO on every photo")
    m.add_argument("source")
    m.add_argument("into")
    m.set_defaults(handler=cmd_tags_manage)
    m = manage.add_parser("delete", help="delete a tag (and the tags below it) from every photo")
    m.add_argument("name")
    m.set_defaults(handler=cmd_tags_manage)
    m = manage.add_parser("move", help="put a tag under PARENT ('' for the top level): Zürich -> places|Zürich")
    m.add_argument("name")
    m.add_argument("parent")
    m.set_defaults(handler=cmd_tags_manage)
    for m in manage.choices.values():
        m.add_argument("--json", action="store_true", help="print what changed as JSON")


def cmd_scan(args: argparse.Namespace) -> int:
    folder = Path(args.folder).expanduser()
    if not folder.is_dir():  # before the catalog: a mistyped folder must not create a library
        what = "is not a folder" if folder.exists() else "does not exist"
        raise CliError(f"cannot open folder {args.folder}: it {what}; give the path of a folder of photos")
    with open_catalog(args, create=True) as catalog:
        progress = LazyProgress("scan", force=args.progress)
        try:
            # Keywords already in new / changed / moved files become approved, imported tags.
            report = scan_and_import(catalog, args.folder, progress=progress)
        except (FileNotFoundError, NotADirectoryError) as exc:
            raise CliError(str(exc)) from exc
        finally:
            progress.close()
        stats, imported = report.scan, report.imported
    if args.json:
        print_json(stats.to_json())
    else:
        print(
            f"{stats.new} new, {stats.changed} changed, {stats.moved} moved, {stats.removed} removed, "
            f"{stats.unchanged} unchanged; {stats.broken} broken; {stats.contents_read} files read"
        )
        if imported.tags_added:
            print(f"{imported.tags_added} tags imported from the metadata of {imported.with_keywords} photos")
        for path, reason in stats.errors:
            print(f"  skipped {path}: {reason}", file=sys.stderr)
        for path, reason in stats.notes:
            print(f"  {path}: {reason}", file=sys.stderr)
    return 0


def cmd_photos(args: argparse.Namespace) -> int:
    with open_catalog(args, browse=True) as catalog:
        photos = catalog.photos.all()
    if args.broken:
        photos = [p for p in photos if p.status != "ok"]
    if args.json:
        print_json([p.to_json() for p in photos])
    else:
        for p in photos:
            extra = f"  [{p.status}: {p.error}]" if p.status != "ok" else f"  {p.width}x{p.height} {p.format}"
            print(p.display_path + extra)
    return 0


def cmd_tag_add(args: argparse.Namespace) -> int:
    with open_catalog(args) as catalog:
        photo = find_photo(catalog, args.photo)
        tag = catalog.tags.add(photo.id, args.tag)
        after_decisions(catalog, args)
    print(f"approved '{tag.name}' on {photo.display_path}")
    return 0


def cmd_tag_remove(args: argparse.Namespace) -> int:
    with open_catalog(args) as catalog:
        photo = find_photo(catalog, args.photo)
        removed = catalog.tags.remove(photo.id, args.tag)
        if removed:
            after_decisions(catalog, args)
    if not removed:
        raise CliError(f"{photo.display_path} has no tag '{args.tag}'")
    print(f"removed '{args.tag}' from {photo.display_path}")
    return 0


def cmd_tags_manage(args: argparse.Namespace) -> int:
    """``imgtag tags rename|merge|delete|move``: the same use case as the window's tag manager."""
    with open_catalog(args) as catalog:
        op = args.tags_command
        name = args.old if op == "rename" else args.source if op == "merge" else args.name
        other = {"rename": getattr(args, "new", ""), "merge": getattr(args, "into", ""),
                 "move": getattr(args, "parent", None) or ""}.get(op, "")
        edit = TagManager(catalog).apply(op, name, other)
    if args.json:
        print_json({"op": edit.op, "source": edit.source, "target": edit.target, "photos": len(edit.photo_ids),
                    "albums": list(edit.album_names)})
    else:
        print(f"{edit.description}; files are updated on the next 'imgtag write'")
    return 0


def cmd_tags(args: argparse.Namespace) -> int:
    with open_catalog(args, browse=True) as catalog:
        if args.photo:
            photo = find_photo(catalog, args.photo)
            rows: list[dict[str, object]] = [
                {"name": t.name, "state": t.state, "source": t.source,
                 "keyword_score": t.keyword_score, "visual_score": t.visual_score}
                for t in catalog.tags.photo_tags(photo.id)
            ]
        else:
            rows = [c.to_json() for c in catalog.tags.with_counts()]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            if "state" in r:
                score = f" {shown_confidence(r['visual_score']):.2f}" if isinstance(r["visual_score"], float) else ""
                print(f"{r['name']}\t{r['state']}{score}")
            else:
                print(f"{r['name']}\t{r['approved']} approved, {r['suggested']} suggested")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    path = library_path(args)
    if not path.is_file():
        raise CliError(f"there is no library at {path}; give its path with --library PATH")
    if (other := health.not_a_database(path)) is not None:
        raise CliError(other)
    report = health.check(path)
    if not report.ok:
        health.salvage(path, report)
    if args.json:
        print_json({"path": str(path), "ok": report.ok, "problems": report.problems,
                    "salvaged": str(report.salvaged) if report.salvaged else None,
                    "rows_copied": report.rows_copied, "rows_lost": report.rows_lost})
        return 0 if report.ok else 1
    if report.ok:
        print(f"{path}: ok (integrity check passed)")
        return 0
    print(f"{path}: damaged ({len(report.problems)} problems, e.g. {report.problems[0]})", file=sys.stderr)
    lost = sum(report.rows_lost.values())
    print(f"a repaired copy is at {report.salvaged} ({sum(report.rows_copied.values())} rows kept, {lost} unreadable); "
          f"the original is unchanged. Check the copy, then move it into place: "
          f"mv {report.salvaged} {path} (after moving the original away)")
    return 1
