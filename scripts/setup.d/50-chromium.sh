#!/usr/bin/env bash
# Chromium: the broker's dashboard tests drive a real headless browser
# (chromedp). Installs Debian's chromium when no chromium binary is on PATH.
# Tests start it themselves, headless, with a fresh profile.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
	echo "setup: $(chromium --version 2>/dev/null || echo chromium) is installed"
	exit 0
fi

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
apt_install chromium
echo "setup: $(chromium --version 2>/dev/null || echo chromium) installed"
