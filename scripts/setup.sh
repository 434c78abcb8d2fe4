#!/usr/bin/env bash
# Installs and starts everything Tender's tests and local market need, on a
# fresh Debian machine (as root) or on one already set up: every step checks
# first and does only what is missing. Each step is a script in setup.d/,
# run in name order.
set -euo pipefail
cd "$(dirname "$0")/.."
for step in scripts/setup.d/[0-9]*.sh; do
	echo "setup: ${step##*/}"
	bash "$step"
done
echo "setup: done"
