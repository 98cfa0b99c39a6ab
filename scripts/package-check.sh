#!/usr/bin/env bash
# Validate the desktop file and the AppStream metainfo, build the .deb
# (one release build), install it, and check what a desktop needs: the
# binary on PATH, the icons where the desktop file says, and mqtt:// links
# handled by mqscope. Needs root, desktop-file-utils, appstream, xdg-utils.
set -euo pipefail
cd "$(dirname "$0")/.."
ID=io.github.mqscope.Mqscope
say() { echo "package-check: $*" >&2; }

desktop-file-validate "packaging/linux/$ID.desktop"
appstreamcli validate --no-net "packaging/linux/$ID.metainfo.xml"

command -v cargo-deb >/dev/null || cargo install --locked cargo-deb
cargo build --release --bin mqscope
DEB=$(cargo deb --no-build 2>/dev/null | tail -1)
[ -f "$DEB" ] || { say "cargo deb did not write a package"; exit 1; }
say "built $DEB"
dpkg -i "$DEB"

/usr/bin/mqscope --version
icon=$(sed -n 's/^Icon=//p' "/usr/share/applications/$ID.desktop")
for size in 16x16 48x48 256x256 512x512; do
    [ -f "/usr/share/icons/hicolor/$size/apps/$icon.png" ] || { say "missing icon $size"; exit 1; }
done
[ -f "/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] || { say "missing scalable icon"; exit 1; }
[ -f /usr/share/doc/mqscope/LICENSE-MIT ] && [ -f /usr/share/doc/mqscope/LICENSE-APACHE ]
update-desktop-database /usr/share/applications 2>/dev/null || true
handler=$(xdg-mime query default x-scheme-handler/mqtt)
[ "$handler" = "$ID.desktop" ] || { say "mqtt:// links open '$handler', not $ID.desktop"; exit 1; }
[ -f /usr/share/mime/packages/$ID.xml ] || { say "the recording file type is not installed"; exit 1; }
recordings=$(xdg-mime query default application/x-mqscope-recording)
[ "$recordings" = "$ID.desktop" ] || { say "recordings open '$recordings', not $ID.desktop"; exit 1; }
say "installed, icons in place, mqtt:// and recordings handled by $handler"
