#!/usr/bin/env bash
# Create or refresh the project's virtual environment in .venv (idempotent, fast when up to date).
#
# torch is installed first, as the CPU build, so that the project's torch range is already
# satisfied and pip never pulls a multi-GB CUDA build. Set IMGTAG_TORCH_SPEC (and
# IMGTAG_TORCH_INDEX) to choose another build, e.g. a CUDA one:
#   IMGTAG_TORCH_SPEC='torch==2.13.0' IMGTAG_TORCH_INDEX=https://download.pytorch.org/whl/cu128 ./run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "imgtag needs Python 3.10 or newer ($PYTHON is $("$PYTHON" --version 2>&1))." >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv || {
        echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt install python3-venv" >&2
        exit 1
    }
fi
stamp=.venv/.imgtag-installed
if [ -f "$stamp" ] && [ "$stamp" -nt pyproject.toml ]; then
    exit 0
fi
pip=(.venv/bin/python -m pip -q --disable-pip-version-check)
"${pip[@]}" install --upgrade pip >/dev/null
if ! .venv/bin/python -c 'import torch' 2>/dev/null; then
    echo "Installing PyTorch (CPU build)..." >&2
    "${pip[@]}" install --index-url "${IMGTAG_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}" \
        "${IMGTAG_TORCH_SPEC:-torch==2.13.0}"
fi
echo "Installing imgtag and its dependencies..." >&2
"${pip[@]}" install -e ".[test]"
touch "$stamp"
