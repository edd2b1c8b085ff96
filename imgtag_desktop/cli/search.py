"""Search subcommands: ``imgtag search QUERY`` and ``imgtag albums list|add|edit|rename|remove|show``.

A query with a ``~"free text"`` term needs the CLIP text encoder; it is loaded only then,
from the tagging pipeline, with a clear message when the models are not available.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from ..core.catalog import Catalog
from ..core.catalog.albums import DEFAULT_TOP_K, SemanticSearchUnavailable
from ..core.query import QueryError
from .common import CliError, open_catalog, print_json

TextEncoder = Callable[[str], Any]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's subcommands."""
    p = sub.add_parser(
        "search", help="find photos with a query (see docs/search.md)",
        description='Find photos: dog AND (beach OR park) -night date:2024 ~"sunset over water"',
    )
    p.add_argument("query", help="the query (quote it for the shell)")
    p.add_argument("--json", action="store_true", help="a JSON list of photo objects")
    p.add_argument("--limit", type=int, help="at most this many photos")
    p.add_argument("--top-k", type=int, default=DEFAULT_TOP_K,
                   help=f"photos kept by a ~ ranking term (default {DEFAULT_TOP_K})")
    p.add_argument("--count", action="store_true", help="print only the number of matching photos")
    p.set_defaults(handler=cmd_search)

    albums = sub.add_parser("albums", help="smart albums: saved queries with live counts")
    asub = albums.add_subparsers(dest="albums_command", metavar="ACTION", required=True)
    a = asub.add_parser("list", help="the albums with their photo counts")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_albums_list)
    a = asub.add_parser("add", help="save a query as an album")
    a.add_argument("name")
    a.add_argument("query")
    a.set_defaults(handler=cmd_albums_add)
    a = asub.add_parser("edit", help="change an album's query")
    a.add_argument("name")
    a.add_argument("query")
    a.set_defaults(handler=cmd_albums_edit)
    a = asub.add_parser("rename", help="rename an album")
    a.add_argument("name")
    a.add_argument("new_name")
    a.set_defaults(handler=cmd_albums_rename)
    a = asub.add_parser("remove", help="delete an album (the photos are untouched)")
    a.add_argument("name")
    a.set_defaults(handler=cmd_albums_remove)
    a = asub.add_parser("show", help="the photos of an album")
    a.add_argument("name")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_albums_show)


# -- text encoder (lazy) ----------------------------------------------------------------------------


def load_text_encoder() -> TextEncoder:
    """The CLIP text encoder of the configured visual model, as ``text -> normalised vector``."""
    hint = ("download the models (imgtag models download) or set the visual model to a local folder "
            "(IMGTAG_VISUAL_MODEL=/path/to/clip)")
    try:
        from ..core.settings import load_settings
        from ..tagging import ModelUnavailable, load_pipeline
    except ImportError as exc:
        raise CliError(f"visual search (~\"...\") needs the tagging pipeline, which is not installed ({exc}); "
                       "drop the ~ term to search by tags") from exc
    settings = load_settings()
    if settings.multilingual_text_model.strip():  # the optional fourth model: queries in any language
        from ..tagging.multilingual import multilingual_encoder

        try:
            return multilingual_encoder(settings)  # type: ignore[return-value]
        except ModelUnavailable as exc:
            raise CliError(f"visual search (~\"...\") uses the multilingual text encoder: {exc}") from exc
    try:
        pipeline = load_pipeline(settings)
    except ModelUnavailable as exc:
        raise CliError(f"visual search (~\"...\") needs the CLIP model: {exc}; {hint}") from exc

    def encode(text: str) -> Any:
        try:
            return pipeline.encode_texts([text])[0]
        except ModelUnavailable as exc:
            raise CliError(f"visual search (~\"...\") needs the CLIP model: {exc}; {hint}") from exc

    return encode


def _encoder_for(catalog: Catalog, query: str) -> TextEncoder | None:
    return load_text_encoder() if catalog.albums.needs_text_encoder(query) else None


def query_excerpt(query: str, column: int, width: int = 60) -> tuple[str, str]:
    """The part of the query around a 1-based column (at most ``width`` characters, ``…`` where it is
    cut, line breaks and tabs shown as spaces) and a caret line pointing at that column."""
    text = "".join(" " if c.isspace() else c for c in query)
    i = max(0, min(column - 1, len(text)))
    start = 0 if len(text) <= width else max(0, min(i - width // 2, len(text) - width))
    end = min(len(text), start + width)
    lead = "…" if start > 0 else ""
    return lead + text[start:end] + ("…" if end < len(text) else ""), " " * (len(lead) + i - start) + "^"


def _query_error(query: str, err: QueryError) -> CliError:
    """A syntax error with the query (around the error, for a long one) and a caret under the column."""
    line, caret = query_excerpt(query, err.column)
    return CliError(f"{err}\n  {line}\n  {caret}")


# -- handlers -----------------------------------------------------------------------------------------


def cmd_search(args: argparse.Namespace) -> int:
    with open_catalog(args, browse=True) as catalog:
        try:
            encoder = _encoder_for(catalog, args.query)
            if args.count:
                print(catalog.albums.count(args.query, text_encoder=encoder, top_k=args.top_k))
                return 0
            ids = catalog.albums.search(args.query, text_encoder=encoder, limit=args.limit, top_k=args.top_k)
        except QueryError as err:
            raise _query_error(args.query, err) from err
        except SemanticSearchUnavailable as err:
            raise CliError(str(err)) from err
        photos = catalog.photos.all(ids=ids)
    if args.json:
        print_json([p.to_json() for p in photos])
    else:
        for p in photos:
            print(p.display_path)
        print(f"{len(photos)} photo{'s' if len(photos) != 1 else ''}", file=sys.stderr)
    return 0


def cmd_albums_list(args: argparse.Namespace) -> int:
    with open_catalog(args, browse=True) as catalog:
        albums = catalog.albums.all()
        counts = catalog.albums.counts()
    if args.json:
        print_json([{**a.to_json(), "count": counts.get(a.id)} for a in albums])
        return 0
    if not albums:
        print("no albums yet; save one with: imgtag albums add NAME QUERY", file=sys.stderr)
    for a in albums:
        count = counts.get(a.id)
        shown = "?" if count is None else str(count)
        print(f"{a.name}\t{shown}\t{a.query}")
    if any(c is None for c in counts.values()):
        print("? = needs the CLIP model to count (a ~\"...\">floor term); see: imgtag albums show NAME",
              file=sys.stderr)
    return 0


def _find(catalog: Catalog, name: str) -> Any:
    album = catalog.albums.find(name)
    if album is None:
        known = ", ".join(a.name for a in catalog.albums.all()) or "none yet"
        raise CliError(f"there is no album named {name!r} (albums: {known})")
    return album


def cmd_albums_add(args: argparse.Namespace) -> int:
    with open_catalog(args) as catalog:
        try:
            album = catalog.albums.add(args.name, args.query)
            count = catalog.albums.count(album.query) if not catalog.albums.needs_text_encoder(album.query) else None
        except QueryError as err:
            raise _query_error(args.query, err) from err
        except SemanticSearchUnavailable:
            count = None
    print(f"saved album '{album.name}'" + (f" ({count} photo{'' if count == 1 else 's'})" if count is not None else ""))
    return 0


def cmd_albums_edit(args: argparse.Namespace) -> int:
    with open_catalog(args) as catalog:
        album = _find(catalog, args.name)
        try:
            catalog.albums.update(album.id, query=args.query)
        except QueryError as err:
            raise _query_error(args.query, err) from err
    print(f"album '{album.name}' now shows: {args.query}")
    return 0


def cmd_albums_rename(args: argparse.Namespace) -> int:
    with open_catalog(args) as catalog:
        album = _find(catalog, args.name)
        renamed = catalog.albums.update(album.id, name=args.new_name)
    print(f"renamed '{album.name}' to '{renamed.name}'")
    return 0


def cmd_albums_remove(args: argparse.Namespace) -> int:
    with open_catalog(args) as catalog:
        album = _find(catalog, args.name)
        catalog.albums.remove(album.id)
    print(f"removed album '{album.name}' (photos untouched)")
    return 0


def cmd_albums_show(args: argparse.Namespace) -> int:
    with open_catalog(args, browse=True) as catalog:
        album = _find(catalog, args.name)
        try:
            ids = catalog.albums.search(album.query, text_encoder=_encoder_for(catalog, album.query))
        except QueryError as err:
            raise _query_error(album.query, err) from err
        photos = catalog.photos.all(ids=ids)
    if args.json:
        print_json([p.to_json() for p in photos])
    else:
        for p in photos:
            print(p.display_path)
    return 0
