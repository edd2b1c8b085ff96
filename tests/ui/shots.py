"""What the scripts that drive the real window share: private user folders, and waiting while Qt works."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def isolated_user_dirs(prefix: str = "imgtag-shot-") -> Path:
    """Point imgtag's data, config and cache folders into a new temporary folder (returned), so a
    script never touches the person's own library or settings. Call before importing imgtag's UI."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    for var, sub in (("IMGTAG_DATA_DIR", "data"), ("IMGTAG_CONFIG_DIR", "config"), ("IMGTAG_CACHE_DIR", "cache")):
        os.environ[var] = str(tmp / sub)
    return tmp


def wait(ms: int) -> None:
    """Let the event loop run for ``ms`` milliseconds (repaints, off-thread results)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
