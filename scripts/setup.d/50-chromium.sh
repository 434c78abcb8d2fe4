#!/usr/bin/env bash
# Chromium: the broker's dashboard tests drive a real headless browser
# (chromedp). Installs Debian's chromium when no chromium binary is on PATH.
# Tests start it themselves, headless, with a fresh profile.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
	echo "setup: $(chromium --version 2>/dev/null || echo chromium) is installed"
	exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "setup: installing chromium needs root (or sudo)" >&2
		exit 1
	fi
	as_root=(sudo)
fi
echo "setup: installing chromium"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
echo "setup: $(chromium --version 2>/dev/null || echo chromium) installed"
