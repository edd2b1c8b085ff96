"""Places from GPS on the command line: ``imgtag places`` (setting and problems)."""

from __future__ import annotations

import argparse

from ..core.catalog import PLACES_AUTO_APPROVE
from .common import open_catalog, print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("places", help="place tags from GPS: the auto-approve setting and damaged GPS fields")
    p.add_argument("--auto-approve", choices=("on", "off"),
                   help="approve place tags right away (on) or suggest them for review (off, the default)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_places)


def cmd_places(args: argparse.Namespace) -> int:
    with open_catalog(args) as catalog:
        if args.auto_approve:
            catalog.set_setting(PLACES_AUTO_APPROVE, args.auto_approve == "on")
        approve = bool(catalog.get_setting(PLACES_AUTO_APPROVE, False))
        problems = catalog.places.gps_problems()
        paths = {p.id: p.display_path for p in catalog.photos.all(ids=[pid for pid, _ in problems])}
    if args.json:
        print_json({"auto_approve": approve,
                    "problems": [{"path": paths.get(pid), "reason": r} for pid, r in problems]})
        return 0
    print(f"place tags are {'approved automatically' if approve else 'suggested for review'}")
    for pid, reason in problems:
        print(f"  {paths.get(pid, pid)}: {reason}")
    return 0
