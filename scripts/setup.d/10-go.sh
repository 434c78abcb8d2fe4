#!/usr/bin/env bash
# Go toolchain: Tender needs Go 1.26 or newer; modules come from the proxy.
set -euo pipefail
if ! command -v go >/dev/null 2>&1; then
	for d in /usr/local/go/bin "$HOME/go/bin"; do
		[ -x "$d/go" ] && export PATH="$d:$PATH"
	done
fi
if ! command -v go >/dev/null 2>&1; then
	echo "setup: Go is not installed; install Go 1.26+ from https://go.dev/dl and put it on PATH" >&2
	exit 1
fi
v=$(go env GOVERSION)
case "$v" in
go1.2[6-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
*)
	echo "setup: $v is too old; Tender needs Go 1.26 or newer" >&2
	exit 1
	;;
esac
echo "setup: $v; downloading modules"
go mod download
