#!/usr/bin/env bash
# Quick start: set up .venv (first run only) and start imgtag on FOLDER (default: your Pictures folder).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup-venv.sh
exec .venv/bin/imgtag-desktop "$@"
