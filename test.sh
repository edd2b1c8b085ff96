#!/usr/bin/env bash
# Run the whole test suite (sets up .venv first): lint, types, then pytest. Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup-venv.sh
export QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
