#!/usr/bin/env bash
# Solidity toolchain: installs the compiler (solcjs) and OpenZeppelin
# contracts pinned in contracts/package-lock.json into contracts/node_modules.
# The test that rebuilds contracts/build and compares it with the committed
# artifacts needs them, as does contracts/build.sh. Installs Debian's nodejs
# and npm when Node.js is missing. Skips npm ci when node_modules already
# matches the lock file.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "$0")/../../contracts"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	apt_install nodejs npm
fi

stamp=node_modules/.tender-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f node_modules/solc/package.json ]; then
	echo "setup: contracts/node_modules matches package-lock.json"
	exit 0
fi
echo "setup: npm ci in contracts/ (node $(node --version))"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
echo "$want" >"$stamp"
echo "setup: solc $(node -e 'process.stdout.write(require("solc").version())')"
