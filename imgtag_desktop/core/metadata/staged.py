"""Staged atomic replacement: every byte imgtag writes to a photo or a sidecar goes through here.

:func:`staged_replace` makes a temporary copy in the target's folder
(``.NAME.imgtag-tmp-PID-RAND``), lets the caller modify and verify it, then fsyncs it,
re-checks that the target did not change meanwhile, tells the caller the new file's state
(so the catalog can record it as expected *before* the rename), renames it over the target
and fsyncs the folder. Any failure, or an exception from the caller, removes the temporary
file and leaves the target byte-identical. Temporary files left by a killed process are
removed by :func:`clean_stray_temps` on the next run.

Sparse files: a rewrite produces a new file with every byte written, so holes in a sparse
photo are filled (the photo's content is unchanged; only its size on disk grows). A
sidecar write never touches the photo.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .plan import WriteSkipped, file_fingerprint, os_reason

log = logging.getLogger(__name__)

TEMP_MARK = ".imgtag-tmp-"
# exiftool writes NAME_exiftool_tmp next to the file it rewrites, so a kill may leave that too.
_TEMP_RE = re.compile(r"^\..+\.imgtag-tmp-(\d+)-[0-9a-f]{8}(_exiftool_tmp)?$")
_active_temps: set[str] = set()
_active_lock = threading.Lock()

FileState = tuple[int, int, str]  # size, mtime_ns, fingerprint
BeforeReplace = Callable[[FileState], None]


def temp_path_for(target: Path) -> Path:
    return target.with_name(f".{target.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")


def clean_stray_temps(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove temporary files left by a killed write in ``folder``. Returns what was removed."""
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        m = _TEMP_RE.match(name)
        if not m:
            continue
        path = Path(folder) / name
        pid = int(m.group(1))
        with _active_lock:
            if str(path) in _active_temps:
                continue
        if pid != os.getpid() and _pid_alive(pid):
            continue  # another imgtag process is writing it right now
        try:
            path.unlink()
            removed.append(path)
            log.info("removed stray temporary file %s", path)
        except OSError as exc:
            log.warning("cannot remove stray temporary file %s: %s", path, exc.strerror)
    return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)



def _copy_to_temp(source: Path | None, temp: Path, content: bytes | None = None) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(temp, flags, 0o600)
    with os.fdopen(fd, "wb") as out:
        if source is not None:
            with open(source, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
        elif content is not None:
            out.write(content)
        out.flush()
        os.fsync(out.fileno())


def _commit(temp: Path, target: Path) -> None:
    """The atomic step: rename the verified copy over the target."""
    os.replace(temp, target)




@dataclass
class Staged:
    """The temporary copy a caller modifies inside :func:`staged_replace`."""

    temp: Path
    new_state: FileState | None = None  # set once the copy replaced the target


@contextmanager
def staged_replace(
    target: Path,
    *,
    source: Path | None = None,
    content: bytes | None = None,
    mode: int = 0o644,
    expected: os.stat_result | None = None,
    keep_times: os.stat_result | None = None,
    before_replace: BeforeReplace | None = None,
    what: str = "the file",
) -> Iterator[Staged]:
    """Own the temporary copy of ``target`` from creation to rename (see the module docstring).

    ``source`` (or ``content``) fills the copy; ``expected`` is the target's stat when the
    write began (a change since aborts); ``keep_times`` restores those times on the result;
    ``before_replace`` receives the new file's state just before the rename.
    """
    temp = temp_path_for(target)
    with _active_lock:
        _active_temps.add(str(temp))
    try:
        try:
            _copy_to_temp(source, temp, content)
        except OSError as exc:
            raise WriteSkipped(os_reason(exc, f"cannot make the temporary copy of {what}")) from exc
        staged = Staged(temp)
        yield staged
        try:
            os.chmod(temp, stat.S_IMODE(mode))
            if keep_times is not None:
                os.utime(temp, ns=(keep_times.st_atime_ns, keep_times.st_mtime_ns))
            with open(temp, "rb+") as fh:
                os.fsync(fh.fileno())
            if expected is not None:
                now = os.stat(target)
                if (now.st_size, now.st_mtime_ns, now.st_ino) != (expected.st_size, expected.st_mtime_ns,
                                                                  expected.st_ino):
                    raise WriteSkipped(f"{what} changed on disk while it was being written; rescan first")
            tst = os.stat(temp)
            state = (tst.st_size, tst.st_mtime_ns, file_fingerprint(temp, tst.st_size))
            if before_replace is not None:
                before_replace(state)
            _commit(temp, target)
        except OSError as exc:
            raise WriteSkipped(os_reason(exc, f"cannot replace {what}")) from exc
        fsync_dir(target.parent)
        staged.new_state = state
    finally:
        _discard(temp)


def _discard(temp: Path) -> None:
    try:
        temp.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("cannot remove temporary file %s: %s", temp, exc.strerror)
    with _active_lock:
        _active_temps.discard(str(temp))


