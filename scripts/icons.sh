#!/usr/bin/env bash
# The PNG icons from assets/mqscope.svg: assets/icons/hicolor/<N>x<N>/apps/
# for the Linux packages, assets/mqscope-256.png for the window, an ICO for
# Windows (ImageMagick) and an ICNS for macOS (png2icns, Debian icnsutils),
# where those tools are installed. Needs rsvg-convert (Debian librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rsvg-convert >/dev/null || { echo "icons.sh: needs rsvg-convert (apt-get install librsvg2-bin)" >&2; exit 1; }
SIZES="16 24 32 48 64 128 256 512"
for size in $SIZES; do
    dir=assets/icons/hicolor/${size}x${size}/apps
    mkdir -p "$dir"
    rsvg-convert -w "$size" -h "$size" assets/mqscope.svg -o "$dir/io.github.mqscope.Mqscope.png"
done
mkdir -p assets/icons/hicolor/scalable/apps
cp assets/mqscope.svg assets/icons/hicolor/scalable/apps/io.github.mqscope.Mqscope.svg
cp assets/icons/hicolor/256x256/apps/io.github.mqscope.Mqscope.png assets/mqscope-256.png
if command -v convert >/dev/null; then
    convert $(for s in 16 24 32 48 64 256; do echo assets/icons/hicolor/${s}x${s}/apps/io.github.mqscope.Mqscope.png; done) assets/mqscope.ico
else
    echo "icons.sh: no ImageMagick, so no assets/mqscope.ico" >&2
fi
if command -v png2icns >/dev/null; then
    png2icns assets/mqscope.icns $(for s in 16 32 48 128 256 512; do echo assets/icons/hicolor/${s}x${s}/apps/io.github.mqscope.Mqscope.png; done) >/dev/null
else
    echo "icons.sh: no png2icns, so no assets/mqscope.icns" >&2
fi
echo "icons.sh: icons written under assets/" >&2
