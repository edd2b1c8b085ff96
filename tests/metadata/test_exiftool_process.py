"""The exiftool processes imgtag keeps open (``-stay_open``): they end with the process that
started them, even when it is killed, and still read the person's own exiftool configuration."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from imgtag_desktop.core.metadata.exiftool import Exiftool
from tests.helpers import make_photo

pytestmark = [
    pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool is not installed"),
    pytest.mark.skipif(os.name != "posix", reason="the watch on the parent process is POSIX's"),
]

ROOT = Path(__file__).resolve().parents[2]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has ended; only its exit status waits to be collected.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.is_file() and stat.read_text().split(")")[-1].split()[0] == "Z")


def test_exiftool_ends_when_the_process_that_started_it_is_killed(tmp_path: Path) -> None:
    code = textwrap.dedent("""
        import os, signal
        from imgtag_desktop.core.metadata.exiftool import Exiftool
        tool = Exiftool()
        tool.execute(["-ver"])
        print(tool._proc.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    env = {**os.environ, "IMGTAG_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == -signal.SIGKILL
    pid = int(done.stdout.split()[0])
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    still = alive(pid)
    if still:
        os.kill(pid, signal.SIGKILL)
    assert not still, "exiftool outlived the process that started it"


def test_exiftool_still_reads_the_persons_own_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".ExifTool_config").write_text(
        "%Image::ExifTool::UserDefined::Shortcuts = (ImgtagTestSize => ['ImageWidth', 'ImageHeight']);\n1;\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("EXIFTOOL_HOME", raising=False)
    monkeypatch.setenv("IMGTAG_CACHE_DIR", str(tmp_path / "cache"))
    photo = make_photo(tmp_path / "p.jpg", (64, 48), seed=1)
    with Exiftool() as tool:  # reads as JSON, with group names
        out, _ = tool.execute(["-ImgtagTestSize", str(photo)])
    (record,) = json.loads(out)
    sizes = {key.split(":")[-1]: value for key, value in record.items() if key != "SourceFile"}
    assert sizes == {"ImageWidth": 64, "ImageHeight": 48}  # the shortcut the person's file defines
    assert tool._proc.poll() is not None  # closed with the block
