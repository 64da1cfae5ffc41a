#!/usr/bin/env bash
# Make sure the browser tests have a Chromium to drive.
# Order: $TOKENHEAT_BROWSER, a system Chromium/Chrome, Debian's package (as root),
# then Playwright's own download (works on machines with general internet access).
set -euo pipefail
py=${1:-python3}
if [ -n "${TOKENHEAT_BROWSER:-}" ]; then
  [ -x "$TOKENHEAT_BROWSER" ] && exit 0
  echo "TOKENHEAT_BROWSER=$TOKENHEAT_BROWSER is not an executable" >&2
  exit 1
fi
for name in chromium chromium-browser google-chrome google-chrome-stable; do
  command -v "$name" >/dev/null && exit 0
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "No system Chromium found; asking Playwright to download its own" >&2
"$py" -m playwright install chromium
