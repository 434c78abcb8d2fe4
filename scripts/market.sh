#!/usr/bin/env bash
# The local market: `market.sh up` starts every part of Tender that exists on
# this machine, `market.sh down` stops them and removes their state,
# `market.sh status` says what runs. State, logs and pid files live in
# .devnet/ (git-ignored). `make market` builds the binaries and runs `up`.
set -euo pipefail
cd "$(dirname "$0")/.."

DEVNET=${TENDER_DEVNET:-.devnet}
RPC_ADDR=${TENDER_RPC_ADDR:-127.0.0.1:8545}
GPU_SIM=${TENDER_GPU_SIM:-dgxh100}
BIN=bin

say() { printf 'market: %s\n' "$*"; }
die() { printf 'market: %s\n' "$*" >&2; exit 1; }

# running NAME: true when NAME's pid file names a live process.
running() {
	local pid
	[ -f "$DEVNET/$1.pid" ] && pid=$(cat "$DEVNET/$1.pid") && kill -0 "$pid" 2>/dev/null
}

# start NAME CMD...: run CMD in the background with its log and pid file.
start() {
	local name=$1
	shift
	if running "$name"; then
		say "$name already runs (pid $(cat "$DEVNET/$name.pid"))"
		return
	fi
	setsid nohup "$@" >"$DEVNET/$name.log" 2>&1 </dev/null &
	echo $! >"$DEVNET/$name.pid"
	say "$name started (pid $!, log $DEVNET/$name.log)"
}

# wait_for FILE NAME SECONDS: wait until FILE exists while NAME runs.
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[ -s "$1" ] && return 0
		running "$2" || die "$2 stopped; the end of $DEVNET/$2.log says: $(tail -n 5 "$DEVNET/$2.log")"
		sleep 0.1
	done
	die "$2 did not write $1 within $3 s; see $DEVNET/$2.log"
}

up() {
	[ -x "$BIN/broker" ] && [ -x "$BIN/provider" ] && [ -x "$BIN/tenant" ] || die "binaries missing: run make market (or make build) first"
	mkdir -p "$DEVNET"

	say "1/4 chain: dev chain with the token and escrow deployed"
	start devchain "$BIN/broker" devchain --addr "$RPC_ADDR" --state "$DEVNET/deployment.json"
	wait_for "$DEVNET/deployment.json" devchain 60
	say "$(grep -m1 'dev chain ready' "$DEVNET/devchain.log" | sed 's/^.*msg="dev chain ready" //')"
	say "deployment (RPC URL, chain ID, contracts, dev account keys): $DEVNET/deployment.json"

	say "2/4 escrow: open, start, withdraw and close a lease on this chain"
	if ! TENDER_DEPLOYMENT="$PWD/$DEVNET/deployment.json" go test -count=1 -run '^TestLeaseOverJSONRPC$' -v ./pkg/devchain/ >"$DEVNET/escrow-check.log" 2>&1; then
		die "the lease round trip failed; see $DEVNET/escrow-check.log"
	fi
	say "lease opened, started, withdrawn and closed through the escrow (log $DEVNET/escrow-check.log)"

	say "3/4 provider: this machine's GPUs"
	local sim=()
	if ! "$BIN/provider" inventory -o json 2>/dev/null | grep -q '"available": true'; then
		say "no NVIDIA GPU here: showing the simulated $GPU_SIM machine (labelled simulated everywhere)"
		sim=(--gpu-sim "$GPU_SIM")
	fi
	"$BIN/provider" inventory "${sim[@]}" 2>/dev/null

	say "4/4 not in yet: the broker (index, API, dashboard), the provider daemon and the tenant job flow"
	say "up. Stop with: make down"
}

down() {
	local name
	for name in devchain; do
		if running "$name"; then
			kill "$(cat "$DEVNET/$name.pid")" 2>/dev/null || true
			say "$name stopped"
		fi
	done
	rm -rf "$DEVNET"
	say "down; state removed"
}

status() {
	local name
	for name in devchain; do
		if running "$name"; then say "$name runs (pid $(cat "$DEVNET/$name.pid"))"; else say "$name is not running"; fi
	done
}

case "${1:-up}" in
up) up ;;
down) down ;;
status) status ;;
*) die "usage: $0 up|down|status" ;;
esac
