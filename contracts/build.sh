#!/usr/bin/env bash
# Rebuilds everything generated from the Solidity sources: the compiled
# contracts in contracts/build (with the solc pinned in package.json; run
# `npm ci` here first, or scripts/setup.d/30-contracts.sh) and their Go
# bindings (abigen --v2, from the go-ethereum version go.mod requires).
# `go generate ./pkg/lease/escrow` runs it.
set -euo pipefail
cd "$(dirname "$0")"

node compile.js build

geth_version=$(go list -m -f '{{.Version}}' github.com/ethereum/go-ethereum)
bind() { # contract, Go package directory (from the repository root)
	local name=$1 dir=$2
	local out="../${dir}/$(echo "$name" | tr '[:upper:]' '[:lower:]').go"
	go run "github.com/ethereum/go-ethereum/cmd/abigen@${geth_version}" --v2 \
		--abi "build/${name}.abi" --bin "build/${name}.bin" \
		--pkg "$(basename "$dir")" --type "$name" --out "$out"
	chmod 0644 "$out"
}
bind Escrow pkg/lease/escrow
bind TestToken pkg/lease/token
bind ReentrantToken pkg/lease/internal/testtokens
bind FalseToken pkg/lease/internal/testtokens
