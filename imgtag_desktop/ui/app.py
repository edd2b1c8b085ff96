"""Entry point of the desktop app: ``imgtag-desktop [FOLDER] [--library PATH]``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.catalog import CatalogError
from ..core.paths import default_library, pictures_dir
from ..core.priority import prompt_lock_handover
from ..core.settings import load_settings

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

_PROCESS_START = time.perf_counter()  # the package is imported first thing: start-up is measured from here


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="imgtag-desktop", description="Browse, tag and review your photos.")
    parser.add_argument("folder", nargs="?", type=Path, help="photo folder to open (default: the last one, "
                        "or your Pictures folder)")
    parser.add_argument("--library", type=Path, help="catalog file (default: the per-user library)")
    parser.add_argument("--exit-after-scan", action="store_true",
                        help="quit when the first scan has finished, printing the start-up and scan times "
                             "(a smoke test of an installed build)")
    return parser.parse_args(list(argv) if argv is not None else None)


def choose_folder(arg: Path | None, last: str | None) -> Path | None:
    """The folder to open: the argument, the last folder, or the Pictures folder (when they exist)."""
    for candidate in (arg, Path(last) if last else None, pictures_dir()):
        if candidate is not None and candidate.expanduser().is_dir():
            return candidate.expanduser()
    return None


FIRST_PAINT_WAIT_MS = 500  # a window not shown (or never painted) starts its work after this anyway


def after_first_paint(window: QWidget, start: Callable[[], None]) -> None:
    """Call ``start`` on the GUI thread once ``window`` has painted itself the first time (or after
    :data:`FIRST_PAINT_WAIT_MS` when it is not shown). A scan started with the window competes with
    its first paint for Python's lock (the scan thread's first imports and file reads): the first
    paint then took 45-70 ms instead of about 15; started just after it, no pause of the GUI thread
    reaches 40 ms."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def __init__(self) -> None:
            super().__init__(window)
            self.done = False

        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
            # The window is painting itself: start right after. (Not at its first request to paint:
            # that comes at show(), before the window is on screen, and paints nothing; the first
            # paint waits for the windowing system's expose, a compositor's round trip.) Nothing
            # here touches the window: its filters also see events while it is being destroyed.
            if event.type() == QEvent.Type.Paint:
                QTimer.singleShot(0, self.fire)
            return False

        def fire(self) -> None:
            if not self.done:
                self.done = True
                window.removeEventFilter(self)
                start()

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    QTimer.singleShot(FIRST_PAINT_WAIT_MS, watcher.fire)


def create_window(folder: Path | None, library: Path | None, *, prompt: bool = True):  # type: ignore[no-untyped-def]
    """Build the session and main window (a QApplication must exist). Scans ``folder`` in the background."""
    from PySide6.QtCore import QCoreApplication

    from .main_window import MainWindow
    from .session import Session

    prompt_lock_handover()  # the window's Python calls beside busy workers (see core.priority)
    settings = load_settings()
    session = Session(library or default_library(), settings)
    window = MainWindow(session)
    target = choose_folder(folder, settings.last_folder)
    if folder is not None and target != folder.expanduser():
        window.statusBar().showMessage(QCoreApplication.translate(
            "app", "{folder} is not a folder; choose one with File > Open folder (Ctrl+O)").format(folder=folder))
    if target is not None:
        after_first_paint(window, lambda: window.open_folder(target))
    elif prompt:  # no Pictures folder: ask, when the library has no folder yet (read off the GUI thread)
        session.queries.run(lambda catalog: catalog.photos.folders(),
                            lambda folders: None if folders else window.ask_folder())
    window.grid.reload()
    return window


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from .compat import guard_singleton_refcounts

    guard_singleton_refcounts()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("imgtag")
    app.setOrganizationName("imgtag")
    from .i18n import install_translators

    install_translators(app, load_settings().ui_language)
    try:
        window = create_window(args.folder, args.library)
    except CatalogError as exc:
        QMessageBox.critical(None, "imgtag", str(exc))
        return 2
    window.show()
    if args.exit_after_scan:
        _exit_after_first_job(window)
    code = int(app.exec())
    window.session.close()
    return code


def fast_exit(code: int, *, started_ms: float | None = None) -> None:
    """End the process without tearing down loaded models one object at a time.

    By now the window has saved its layout, stopped its jobs (the running photo is cancelled,
    a metadata write finishes its file) and closed the catalog; what is left is memory. Letting
    the interpreter free hundreds of megabytes of model tensors object by object takes seconds
    (the "quit takes 5-8 s" of a session with models loaded); the operating system frees them at
    once."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    if started_ms is not None:
        import time

        print(f"process exits {(time.monotonic() - started_ms) * 1000:.0f} ms after the window closed",
              file=sys.stderr, flush=True)
    os._exit(code)


def run() -> None:
    """The ``imgtag-desktop`` entry point: :func:`main`, then a fast exit."""
    fast_exit(main())


def _exit_after_first_job(window) -> None:  # type: ignore[no-untyped-def]
    """Smoke test: report how long start-up and the first scan took, then quit."""
    import time

    from PySide6.QtCore import QTimer

    started = time.perf_counter()
    ready = started - _PROCESS_START
    print(f"imgtag-desktop: window shown {ready:.2f} s after start", flush=True)

    def done(stats: object) -> None:
        print(f"imgtag-desktop: first job ({getattr(stats, 'kind', '?')}) finished, "
              f"{time.perf_counter() - _PROCESS_START:.2f} s after start; "
              f"{getattr(stats, 'detail', {}).get('new', '?')} new photos; quitting", flush=True)
        QTimer.singleShot(0, window.close)

    window.jobs.job_finished.connect(done)


if __name__ == "__main__":
    run()
