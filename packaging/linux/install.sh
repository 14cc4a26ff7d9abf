#!/bin/sh
# Install Waves Studio for the current user, from the unpacked release archive. No root needed.
#
#   ./install.sh                 install under ~/.local (or $PREFIX), replacing an earlier copy
#   ./install.sh --prefix DIR    install under DIR instead
#   ./install.sh --uninstall     remove what an earlier run installed
#   PREFIX/lib/waves-studio/uninstall.sh   the same, from the installed copy of this script
#
# What goes where (PREFIX defaults to ~/.local):
#   PREFIX/lib/waves-studio/                  the application folder
#   PREFIX/bin/waves-studio, waves-local      links to its programs
#   PREFIX/share/applications/APP_ID.desktop  the launcher entry (Exec is an absolute path, so
#                                             it works even when PREFIX/bin is not on PATH)
#   PREFIX/share/metainfo/APP_ID.metainfo.xml software-centre description
#   PREFIX/share/icons/hicolor/*/apps/APP_ID.* the icon in every size
set -eu

APP_ID="io.github.wavesstudio.WavesStudio"
HERE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${PREFIX:-${HOME:?HOME is not set}/.local}"
MODE=install
if [ "$(basename "$0")" = uninstall.sh ]; then
  # The installed copy lives in PREFIX/lib/waves-studio: uninstall from that prefix.
  MODE=uninstall
  PREFIX="$(cd "$HERE/../.." && pwd)"
fi

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="${2:?--prefix needs a folder}"; shift 2 ;;
    --prefix=*) PREFIX="${1#--prefix=}"; shift ;;
    --uninstall) MODE=uninstall; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

APP_DIR="$PREFIX/lib/waves-studio"
BIN_DIR="$PREFIX/bin"
SHARE="$PREFIX/share"
DESKTOP="$SHARE/applications/$APP_ID.desktop"
METAINFO="$SHARE/metainfo/$APP_ID.metainfo.xml"

say() { printf '%s\n' "$*"; }

refresh_caches() {
  # Launchers notice new entries by themselves; these make it immediate where the tools exist.
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$SHARE/applications" 2>/dev/null || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$SHARE/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" 2>/dev/null || true
  fi
}

remove_app_dir() {
  # Only ever delete a folder that holds our program, never whatever else sits at that path.
  if [ -e "$APP_DIR" ]; then
    if [ ! -x "$APP_DIR/waves-studio" ] || [ ! -d "$APP_DIR/_internal" ]; then
      say "install.sh: $APP_DIR exists but is not a Waves Studio folder; not touching it." >&2
      exit 1
    fi
    rm -rf "$APP_DIR"
  fi
}

remove_installed() {
  remove_app_dir
  for link in "$BIN_DIR/waves-studio" "$BIN_DIR/waves-local"; do
    # Only our own links: a pip-installed waves-studio script there stays.
    case "$(readlink "$link" 2>/dev/null || true)" in
      "$APP_DIR"/*) rm -f "$link" ;;
    esac
  done
  rm -f "$DESKTOP" "$METAINFO"
  for icon in "$SHARE"/icons/hicolor/*/apps/"$APP_ID".png "$SHARE/icons/hicolor/scalable/apps/$APP_ID.svg"; do
    if [ -f "$icon" ]; then rm -f "$icon"; fi
  done
}

if [ "$MODE" = uninstall ]; then
  remove_installed
  refresh_caches
  say "Removed Waves Studio from $PREFIX. Settings and clips in your home folder are kept."
  exit 0
fi

if [ ! -x "$HERE/waves-studio/waves-studio" ]; then
  say "install.sh: run me from the unpacked archive (waves-studio/ is missing next to me)." >&2
  exit 1
fi

remove_installed
mkdir -p "$PREFIX/lib" "$BIN_DIR" "$SHARE/applications" "$SHARE/metainfo"
cp -R "$HERE/waves-studio" "$APP_DIR"
cp "$HERE/install.sh" "$APP_DIR/uninstall.sh"
ln -sf "$APP_DIR/waves-studio" "$BIN_DIR/waves-studio"
# waves-local is the same program; it looks at the name it was started under.
ln -sf "$APP_DIR/waves-studio" "$BIN_DIR/waves-local"
sed -e "s|^Exec=waves-studio|Exec=$APP_DIR/waves-studio|" \
    -e "s|^TryExec=waves-studio|TryExec=$APP_DIR/waves-studio|" \
    "$HERE/share/applications/$APP_ID.desktop" > "$DESKTOP"
cp "$HERE/share/metainfo/$APP_ID.metainfo.xml" "$METAINFO"
(cd "$HERE/share" && find icons -type f) | while read -r icon; do
  mkdir -p "$SHARE/$(dirname "$icon")"
  cp "$HERE/share/$icon" "$SHARE/$icon"
done
refresh_caches

say "Installed Waves Studio into $PREFIX."
say "Start it from your applications menu, or run: $BIN_DIR/waves-studio"
say "To remove it later: $APP_DIR/uninstall.sh"
case ":$PATH:" in
  *":$BIN_DIR:"*) ;;
  *) say "(Add $BIN_DIR to your PATH to run waves-studio and waves-local by name.)" ;;
esac

# What the archive cannot carry: say so now rather than when a voice or playback fails.
if ! command -v espeak-ng >/dev/null 2>&1; then
  say "Note: espeak-ng is not installed, so the offline voices for languages other than English"
  say "are off. Install the espeak-ng package to enable them."
fi
missing="$(ldd "$APP_DIR/_internal/libportaudio.so.2" 2>/dev/null | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | tr '\n' ' ')"
if [ -n "$missing" ]; then
  say "Note: sound output needs ${missing}from your system (ALSA and JACK libraries:"
  say "Debian/Ubuntu: libasound2 libjack-jackd2-0; Fedora: alsa-lib pipewire-jack-audio-connection-kit-libs)."
  say "Without them Waves Studio still runs and saves clips, but cannot play them."
fi
