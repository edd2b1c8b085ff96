from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        package = "appstream" if "appstream" in name else "desktop-file-utils"
        pytest.skip(f"{name} is not installed (Debian: apt install {package})")
    return path


def test_appstream_metainfo_validates() -> None:
    tool = _tool("appstreamcli")
    result = subprocess.run([tool, "validate", "--no-net", str(next(PACKAGING.glob("*.metainfo.xml")))],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_entry_validates_and_runs_the_gui_script() -> None:
    tool = _tool("desktop-file-validate")
    entry = next(PACKAGING.glob("*.desktop"))
    result = subprocess.run([tool, str(entry)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    exec_line = next(line for line in entry.read_text().splitlines() if line.startswith("Exec="))
    command = exec_line.split("=", 1)[1].split()[0]
    assert f"\n{command} = " in (ROOT / "pyproject.toml").read_text()
