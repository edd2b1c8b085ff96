"""Connection handling, transactions and migrations for the catalog gateway."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from ..folding import sql_fold
from .health import APPLICATION_ID, CatalogProblem, explain, identify, not_a_database
from .schema import MIGRATIONS

log = logging.getLogger(__name__)

SCHEMA_VERSION = max(MIGRATIONS)
# How long a statement waits for another connection's write lock before "the library is busy".
BUSY_TIMEOUT_S = 30.0
# Values per ``IN (...)`` list: well under SQLite's limit on ``?`` variables.
IN_CHUNK = 500
_C = TypeVar("_C", bound="CatalogBase")
_T = TypeVar("_T")


def in_chunks(values: Sequence[_T]) -> Iterator[tuple[list[_T], str]]:
    """``values`` in slices for ``IN (...)`` lists, each with its ``?,?,...`` placeholders."""
    for start in range(0, len(values), IN_CHUNK):
        chunk = list(values[start : start + IN_CHUNK])
        yield chunk, ",".join("?" * len(chunk))


_BULK_TABLES = {
    "photos": ("folder_id", "path", "path_bytes", "rel_dir", "size", "mtime_ns", "fingerprint", "format",
               "width", "height", "orientation", "taken_at", "camera", "status", "added_at", "updated_at"),
    "tags": ("id", "name", "leaf", "parent_id"),
    "photo_tags": ("photo_id", "tag_id", "state", "source", "keyword_score", "visual_score", "model_version",
                   "created_at", "updated_at"),
    "captions": ("photo_id", "caption", "model_version", "created_at"),
}


class CatalogError(Exception):
    """A catalog cannot be opened or used; the message says what to do."""


class CatalogBase:
    """Owns one SQLite connection. Not shared between threads: each thread opens its own.

    SQLite in WAL mode lets a worker thread write while the GUI thread reads from its own
    connection, so jobs open a second :class:`Catalog` on the same file.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False, create: bool = True) -> None:
        """Open a catalog. ``create=False`` refuses a missing or empty (0-byte) file with a message
        instead of making a new library there; ``read_only`` opens for browsing and search."""
        self.path = Path(path)
        self._depth = 0
        self.created = False  # True when this open made a new library
        self._conn = self._connect(read_only, create)
        try:
            try:
                kind = identify(self._conn, self.path, SCHEMA_VERSION)
            except CatalogProblem as exc:
                raise CatalogError(str(exc)) from None
            except sqlite3.DatabaseError as exc:
                raise explain(exc, self.path) from exc
            self.created = kind == "new"
            if not read_only:
                self._use_wal()
                self._migrate(kind)
        except BaseException:
            self._conn.close()
            raise

    # -- connection ---------------------------------------------------------------------------

    def _connect(self, read_only: bool, create: bool = True) -> sqlite3.Connection:
        path = self.path
        if path.exists() and path.is_dir():
            raise CatalogError(f"{path} is a folder; give the path of a catalog file (e.g. {path}/library.db)")
        if not create and (not path.exists() or path.stat().st_size == 0):
            what = "an empty file" if path.exists() else "no library"
            raise CatalogError(
                f"there is {what} at {path}; create the library by scanning a folder into it "
                f"(imgtag --library {path} scan FOLDER) or choose another library path (--library PATH)."
            )
        if not read_only:
            folder = path.parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CatalogError(
                    f"cannot create the library folder {folder}: {exc.strerror}. "
                    "Choose a library path in a folder you can write to (--library PATH)."
                ) from exc
            if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
                raise CatalogError(
                    f"the library {path} is in a read-only location. "
                    "Choose a library path in a folder you can write to (--library PATH)."
                )
        elif not path.exists():
            raise CatalogError(
                f"there is no catalog at {path}; scan a folder into it first (imgtag --library {path} scan FOLDER) "
                "or choose another library path (--library PATH)."
            )
        # Percent-encoded: '?', '#' or '%' in a folder name would otherwise cut the URI short.
        uri = f"file:{quote(os.fsencode(path), safe='/')}" + ("?mode=ro" if read_only else "")
        try:
            try:
                conn = self._open(uri, read_only)
            except sqlite3.OperationalError:
                if not read_only:
                    raise
                # A WAL catalog in a folder we cannot write: no -shm can be made, so read it
                # as an immutable file (browsing and search; nothing else writes it meanwhile).
                conn = self._open(uri.replace("?mode=ro", "?immutable=1"), read_only)
        except sqlite3.DatabaseError as exc:
            explained = explain(exc, path)
            if isinstance(explained, CatalogError) and "damaged" not in str(explained):
                raise explained from exc
            if (other := not_a_database(path)) is not None:
                raise CatalogError(other) from exc
            raise CatalogError(
                f"{path} is not an imgtag catalog, or is damaged (SQLite said: {exc}). Nothing was changed; "
                f"run 'imgtag --library {path} doctor', or choose another library path (--library PATH)."
            ) from exc
        return conn

    def _use_wal(self) -> None:
        """WAL mode (readers and a writer side by side); set only once the file is known to be ours."""
        try:
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise explain(exc, self.path) from exc
        if mode != "wal":
            log.warning("catalog %s runs in journal mode %s, not WAL", self.path, mode)

    @staticmethod
    def _open(uri: str, read_only: bool) -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        conn.create_function("imgtag_fold", 1, sql_fold, deterministic=True)  # zurich finds Zürich
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA recursive_triggers = ON")  # REPLACE must fire delete triggers (migration 5)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        self._conn.close()

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (nested calls join the outer one)."""
        if self._depth:
            self._depth += 1
            try:
                yield self._conn
            finally:
                self._depth -= 1
            return
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise explain(exc, self.path) from exc
        self._depth = 1
        try:
            yield self._conn
            self._depth = 0
            self._conn.execute("COMMIT")
        except BaseException as exc:
            self._depth = 0
            # SQLite may have rolled back already (disk full, I/O error): a second ROLLBACK would
            # raise "no transaction is active" and hide the error that matters.
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
                    exc, sqlite3.IntegrityError):
                explained = explain(exc, self.path)
                if explained is not exc:
                    raise explained from exc
            raise

    # -- per-library settings ------------------------------------------------------------------

    def get_setting(self, key: str, default: object = None) -> object:
        """A per-library option (JSON value) or ``default``."""
        row = self._conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: object) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    # -- whole-catalog helpers -------------------------------------------------------------------

    def change_token(self) -> tuple[int, int]:
        """Changes whenever anything is committed to the catalog (by this or another connection).

        Cheap to read: views poll it to know when live counts need recomputing."""
        data_version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        return data_version, self._conn.total_changes

    def bulk_insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        """Insert many rows into one of the photo/tag tables in one transaction (fast path
        for generated catalogs and imports; no validation beyond SQLite's constraints)."""
        allowed = _BULK_TABLES.get(table)
        if allowed is None or not set(columns) <= set(allowed):
            raise CatalogError(f"bulk_insert does not support {table}({', '.join(columns)})")
        marks = ",".join("?" * len(columns))
        with self.transaction() as conn:
            conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def analyse(self) -> None:
        """Refresh the query planner's statistics (after a bulk load)."""
        self._conn.execute("ANALYZE")

    # -- migrations ----------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, kind: str = "ours") -> None:
        if kind in ("new", "legacy"):  # mark the file as an imgtag catalog (application id)
            self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        current = self.schema_version
        pending = sorted(n for n in MIGRATIONS if n > current)
        if current > SCHEMA_VERSION:
            raise CatalogError(
                f"{self.path} was written by a newer imgtag (schema {current}, this one knows "
                f"{SCHEMA_VERSION}); update imgtag to open it."
            )
        if not pending:
            return
        if current > 0:
            self._backup(current)
        for number in pending:
            with self.transaction() as conn:
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {int(number)}")
            log.info("catalog %s migrated to schema %d", self.path, number)

    def _backup(self, version: int) -> Path:
        """Copy the catalog before migrating (a consistent copy through the backup API)."""
        target = self.path.with_name(f"{self.path.name}.v{version}.{time.strftime('%Y%m%d-%H%M%S')}.bak")
        dest = sqlite3.connect(target)
        try:
            self._conn.backup(dest)
        finally:
            dest.close()
        return target


class Repository:
    """One area of the catalog (photos, tags, ...) on the shared connection of a :class:`CatalogBase`.

    Repositories that need another area take it as a constructor argument, so every call
    between areas is an ordinary typed call."""

    def __init__(self, db: CatalogBase) -> None:
        self._db = db

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._db._conn

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction on the shared connection (nested calls join the outer one)."""
        return self._db.transaction()


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (executescript would commit implicitly)."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            buffer = ""
            if statement != ";":
                yield statement
