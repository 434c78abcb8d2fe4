#!/usr/bin/env bash
# API description linter: installs Redocly CLI, pinned in
# docs/package-lock.json, into docs/node_modules. pkg/api's
# TestOpenAPILint runs it over docs/openapi.yaml. Installs Debian's nodejs
# and npm when Node.js is missing. Skips npm ci when node_modules already
# matches the lock file.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "$0")/../../docs"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	apt_install nodejs npm
fi

stamp=node_modules/.tender-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/.bin/redocly ]; then
	echo "setup: docs/node_modules matches package-lock.json"
	exit 0
fi
echo "setup: npm ci in docs/ (node $(node --version))"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
echo "$want" >"$stamp"
echo "setup: redocly $(node_modules/.bin/redocly --version)"
