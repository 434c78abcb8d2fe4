#!/usr/bin/env bash
# Solidity toolchain: installs the compiler (solcjs) and OpenZeppelin
# contracts pinned in contracts/package-lock.json into contracts/node_modules.
# The test that rebuilds contracts/build and compares it with the committed
# artifacts needs them, as does contracts/build.sh.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "$0")/../.."
npm_ci contracts solc/package.json
echo "setup: solc $(cd contracts && node -e 'process.stdout.write(require("solc").version())')"
