"""What is wrong with a catalog file, in one line that says what to do; and ``imgtag doctor``.

- :func:`identify` tells an imgtag catalog (``PRAGMA application_id``), a new empty file, an
  imgtag catalog from before the id existed, a newer one, and another program's database,
  so that imgtag never adds tables to a database that is not its own.
- :func:`explain` turns SQLite's errors (locked, disk full, damaged, read-only) into a
  :class:`~.base.CatalogError` whose message says what happened and what to do.
- :func:`check` and :func:`salvage` are the doctor: an integrity check, and a repaired copy
  next to the original (which is never modified).
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

APPLICATION_ID = 0x696D6774  # 'imgt'
# Tables every imgtag catalog has had since schema 1: how a catalog from before the
# application id is recognised (with a user_version imgtag wrote).
_OWN_TABLES = frozenset({"folders", "photos", "tags", "photo_tags", "metadata_writes", "settings"})


class CatalogProblem(Exception):
    """Raised by :func:`identify`; ``str(exc)`` is the one-line message."""


def identify(conn: sqlite3.Connection, path: Path, known_version: int) -> str:
    """``ours``, ``new`` (an empty database) or ``legacy`` (imgtag before the application id).

    Raises :class:`CatalogProblem` for another program's database, a newer imgtag's, or an
    unknown schema version; nothing is written in any case."""
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if app_id not in (0, APPLICATION_ID):
        raise CatalogProblem(f"{path} is another program's database (application id {app_id:#x}), not an imgtag "
                             "library; nothing was changed. Choose another library path (--library PATH).")
    if version < 0:
        raise CatalogProblem(f"{path} has an unknown schema version ({version}); nothing was changed. Restore it "
                             "from a backup or choose another library path (--library PATH).")
    if version > known_version and (app_id == APPLICATION_ID or _OWN_TABLES <= tables):
        raise CatalogProblem(f"{path} was written by a newer imgtag (schema {version}, this one knows "
                             f"{known_version}); update imgtag to open it.")
    if app_id == APPLICATION_ID:
        return "ours"
    if not tables and version == 0:
        return "new"
    if 0 < version <= known_version and _OWN_TABLES <= tables:
        return "legacy"
    raise CatalogProblem(f"{path} is another program's SQLite database, not an imgtag library; nothing was changed. "
                         "Choose another library path (--library PATH).")


# The first 16 bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"


def not_a_database(path: Path) -> str | None:
    """The one-line message for a file that is no SQLite database at all (another kind of file given
    as the library), or None: a database (damaged or not; an imgtag catalog is recognised by its
    application id even where its first bytes are damaged), an empty file, or one that cannot be read.
    Such a file is never "repaired": imgtag would offer to put a catalog in its place."""
    try:
        with open(path, "rb") as f:
            head = f.read(72)  # the header's first 16 bytes, ..., the application id at 68-71
    except OSError:
        return None
    if not head or head[: len(SQLITE_HEADER)] == SQLITE_HEADER:
        return None
    if head[68:72] == APPLICATION_ID.to_bytes(4, "big"):
        return None  # an imgtag catalog whose first bytes are damaged: the doctor's case, not another file
    return (f"{path} is not an imgtag catalog (not a database at all); nothing was changed. "
            "Choose another library path (--library PATH).")


def holders(path: Path) -> list[str]:
    """Processes that have the catalog open (Linux ``/proc``; empty where unknown)."""
    try:
        target = os.path.realpath(path)
        wanted = {target, target + "-wal", target + "-journal"}
        me = os.getpid()
        out: list[str] = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) == me:
                continue
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
                if not any(os.readlink(f"/proc/{pid}/fd/{fd}") in wanted for fd in fds):
                    continue
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    cmd = fh.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
                out.append(f"process {pid} ({cmd[:60]})")
            except OSError:
                continue
        return out
    except OSError:
        return []


def explain(exc: sqlite3.Error, path: Path) -> Exception:
    """A one-line :class:`~.base.CatalogError` for SQLite's refusal, or ``exc`` itself when unknown."""
    from .base import CatalogError

    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        who = holders(path)
        by = f" (open in {', '.join(who)})" if who else ""
        return CatalogError(f"the library {path} is busy: another program is writing to it{by}; "
                            "wait for it to finish (or close it) and try again")
    if "disk is full" in text or "database or disk is full" in text:
        return CatalogError(f"the disk holding the library {path} is full; free some space and try again "
                            "(nothing was half-written)")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return CatalogError(f"the library {path} is damaged ({exc}); run 'imgtag --library {path} doctor' to check it "
                            "and make a repaired copy (the original is kept)")
    if "readonly" in text or "read-only" in text:
        return CatalogError(f"the library {path} is read-only here; browsing and search work, but to change it "
                            "make the file and its folder writable")
    if "disk i/o error" in text:
        return CatalogError(f"the disk holding the library {path} reported an I/O error; check the disk, then run "
                            f"'imgtag --library {path} doctor'")
    return exc


@dataclass
class DoctorReport:
    """What the doctor found, and the repaired copy it made (if any)."""

    path: Path
    ok: bool
    problems: list[str] = field(default_factory=list)
    salvaged: Path | None = None
    rows_copied: dict[str, int] = field(default_factory=dict)
    rows_lost: dict[str, int] = field(default_factory=dict)


def check(path: Path) -> DoctorReport:
    """``PRAGMA integrity_check`` on a read-only connection (the file is not modified)."""
    report = DoctorReport(path, ok=False)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        report.problems.append(f"SQLite cannot read it: {exc}")
        return report
    report.ok = rows == ["ok"]
    if not report.ok:
        report.problems.extend(rows)
    return report


def salvage(path: Path, report: DoctorReport) -> DoctorReport:
    """Copy everything still readable into ``NAME.recovered-TIME.db`` next to the original.

    The copy gets imgtag's schema at the original's version (or the current one when the
    version cannot be read); each table is copied whole, and row by row where a whole copy
    fails. The original file is never written."""
    from .base import CatalogBase  # the schema comes from the migrations, not the damaged file

    target = path.with_name(f"{path.name}.recovered-{time.strftime('%Y%m%d-%H%M%S')}.db")
    CatalogBase(target).close()
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(target, isolation_level=None)
    try:
        dst.execute("PRAGMA foreign_keys = OFF")
        dst.execute("PRAGMA recursive_triggers = ON")
        tables = [r[0] for r in dst.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                            " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for table in tables:
            dst.execute(f'DELETE FROM "{table}"')  # rows a migration seeded come from the original
            copied, lost = _copy_table(src, dst, table)
            report.rows_copied[table] = copied
            if lost:
                report.rows_lost[table] = lost
    finally:
        src.close()
        dst.close()
    report.salvaged = target
    return report


def _copy_table(src: sqlite3.Connection, dst: sqlite3.Connection, table: str) -> tuple[int, int]:
    cols = [r[1] for r in dst.execute(f'PRAGMA table_info("{table}")')]
    names = ", ".join(f'"{c}"' for c in cols)
    insert = f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({",".join("?" * len(cols))})'
    select = f'SELECT {names} FROM "{table}"'
    dst.execute("BEGIN")
    try:
        rows = src.execute(select).fetchall()
        dst.executemany(insert, rows)
        dst.execute("COMMIT")
        return len(rows), 0
    except sqlite3.Error:
        dst.execute("ROLLBACK")
    # Row by row over the rowids that can still be read (WITHOUT ROWID tables: nothing more to do).
    copied = lost = 0
    try:
        hi = src.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0
    except sqlite3.Error:
        return 0, 0
    dst.execute("BEGIN")
    for rowid in range(1, int(hi) + 1):
        try:
            row = src.execute(f"{select} WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.Error:
            lost += 1
            continue
        if row is not None:
            dst.execute(insert, row)
            copied += 1
    dst.execute("COMMIT")
    return copied, lost
