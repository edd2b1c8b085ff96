#!/usr/bin/env bash
# Build the one-folder application (PyInstaller, CPU torch) and, with --appimage, an AppImage.
#
#   packaging/build.sh [--appimage] [--python PATH]
#
# Output: dist/imgtag/ (run dist/imgtag/imgtag-desktop, or dist/imgtag/imgtag for the CLI),
# and with --appimage dist/imgtag-x86_64.AppImage (needs appimagetool on PATH).
# The Python used must have imgtag installed with the CPU build of torch, e.g.
#   python -m venv .venv-bundle && .venv-bundle/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
#   .venv-bundle/bin/pip install -e '.[bundle]'
# Models are not bundled: the app downloads them on request, or uses a folder you point it at.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
APPIMAGE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --appimage) APPIMAGE=1 ;;
    --python) PYTHON=$2; shift ;;
    *) echo "unknown option $1 (use --appimage, --python PATH)" >&2; exit 2 ;;
  esac
  shift
done

if "$PYTHON" -c 'import torch, sys; sys.exit(0 if torch.version.cuda is None else 1)'; then :; else
  echo "the Python at $PYTHON has a CUDA build of torch; the bundle uses the CPU build (see the comment above)" >&2
  exit 1
fi

# UI translations: compile the .ts sources to .qm (pyside6-lrelease ships with PySide6-Essentials)
"$PYTHON" -m imgtag_desktop.ui.i18n --build

"$PYTHON" -m PyInstaller --noconfirm --clean --onedir --name imgtag-desktop \
  --distpath dist --workpath build/pyinstaller --specpath build \
  --collect-submodules imgtag_desktop \
  --collect-data imgtag_desktop \
  --collect-data reverse_geocode \
  --collect-data pycountry \
  --add-data "$PWD/resources:resources" \
  --collect-all sentence_transformers \
  --copy-metadata torch --copy-metadata transformers --copy-metadata tokenizers \
  --copy-metadata huggingface-hub --copy-metadata safetensors --copy-metadata numpy \
  --copy-metadata tqdm --copy-metadata regex --copy-metadata packaging \
  --copy-metadata filelock --copy-metadata pyyaml --copy-metadata sentence-transformers \
  --hidden-import transformers.models.blip --hidden-import transformers.models.clip \
  --hidden-import transformers.models.bert --hidden-import transformers.models.xlm_roberta \
  --hidden-import reverse_geocode --hidden-import pillow_heif --hidden-import scipy.spatial._ckdtree \
  --exclude-module tkinter --exclude-module matplotlib --exclude-module IPython \
  --exclude-module pytest --exclude-module tests \
  packaging/launcher.py
rm -rf dist/imgtag
mv dist/imgtag-desktop dist/imgtag
ln -sf imgtag-desktop dist/imgtag/imgtag
cp packaging/io.github.imgtag.Imgtag.desktop packaging/io.github.imgtag.Imgtag.metainfo.xml dist/imgtag/
echo "built dist/imgtag ($(du -sh dist/imgtag | cut -f1))"

if [ "$APPIMAGE" = 1 ]; then
  # AppImage recipe: an AppDir around the one-folder build.
  APPDIR=build/imgtag.AppDir
  rm -rf "$APPDIR"
  mkdir -p "$APPDIR/usr/lib" "$APPDIR/usr/share/applications" "$APPDIR/usr/share/metainfo"
  cp -a dist/imgtag "$APPDIR/usr/lib/imgtag"
  cp packaging/io.github.imgtag.Imgtag.desktop "$APPDIR/"
  cp packaging/io.github.imgtag.Imgtag.desktop "$APPDIR/usr/share/applications/"
  cp packaging/io.github.imgtag.Imgtag.metainfo.xml "$APPDIR/usr/share/metainfo/"
  cp packaging/imgtag.svg "$APPDIR/io.github.imgtag.Imgtag.svg" 2>/dev/null || \
    "$PYTHON" -c "open('$APPDIR/io.github.imgtag.Imgtag.svg','w').write('<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><rect width=\"64\" height=\"64\" rx=\"12\" fill=\"#2e7d32\"/><text x=\"32\" y=\"42\" font-size=\"28\" text-anchor=\"middle\" fill=\"white\">it</text></svg>')"
  cat > "$APPDIR/AppRun" <<'RUN'
#!/bin/sh
HERE="$(dirname "$(readlink -f "$0")")"
case "$(basename "$ARGV0")" in
  imgtag|imgtag-*.AppImage.cli) exec "$HERE/usr/lib/imgtag/imgtag" "$@" ;;
esac
exec "$HERE/usr/lib/imgtag/imgtag-desktop" "$@"
RUN
  chmod +x "$APPDIR/AppRun"
  command -v appimagetool >/dev/null || { echo "appimagetool is not on PATH; the AppDir is ready at $APPDIR" >&2; exit 0; }
  ARCH=x86_64 appimagetool "$APPDIR" dist/imgtag-x86_64.AppImage
  echo "built dist/imgtag-x86_64.AppImage"
fi
