#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (Playwright drives it by its executable path:
# Playwright's own browser download is never used). Does nothing when it is already there.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "Chromium is missing at $CHROMIUM and apt-get is not available: install chromium, or set CHROMIUM_PATH." >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "==> Installing Debian's chromium (browser tests)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
