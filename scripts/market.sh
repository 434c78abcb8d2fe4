#!/usr/bin/env bash
# The local market: `market.sh up` starts every part of Tender that exists on
# this machine, `market.sh down` stops them and removes their state,
# `market.sh status` says what runs. State, logs and pid files live in
# .devnet/ (git-ignored). `make market` builds the binaries and runs `up`.
set -euo pipefail
cd "$(dirname "$0")/.."

DEVNET=${TENDER_DEVNET:-.devnet}
case "$DEVNET" in
/*) DEVNET_ABS=$DEVNET ;;
*) DEVNET_ABS=$PWD/$DEVNET ;;
esac
RPC_ADDR=${TENDER_RPC_ADDR:-127.0.0.1:8545}
GPU_SIM=${TENDER_GPU_SIM:-dgxh100}
BROKER_ADDR=${TENDER_BROKER_ADDR:-127.0.0.1:8080}
PG_PORT=${TENDER_MARKET_PG_PORT:-55433}
SERVE_PORT=${TENDER_SERVE_PORT:-18000}
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

# pgbin: the newest installed PostgreSQL server's bin directory.
pgbin() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
		[ -x "$d/pg_ctl" ] && echo "$d" && return 0
	done
	command -v pg_ctl >/dev/null 2>&1 && dirname "$(command -v pg_ctl)" && return 0
	return 1
}

# as_pg CMD...: run CMD as the postgres user when root (PostgreSQL refuses
# to run as root), else as this user.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres: a private cluster for the broker under $DEVNET/pg,
# listening on 127.0.0.1:$PG_PORT only.
start_postgres() {
	local bin
	bin=$(pgbin) || die "PostgreSQL is not installed: run make setup (scripts/setup.d/40-postgres.sh)"
	if "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
		say "postgres already answers on 127.0.0.1:$PG_PORT"
	else
		mkdir -p "$DEVNET/pg" "$DEVNET/pg-sock"
		[ "$(id -u)" -eq 0 ] && chown postgres: "$DEVNET/pg" "$DEVNET/pg-sock" && chmod 700 "$DEVNET/pg"
		if [ ! -s "$DEVNET/pg/PG_VERSION" ]; then
			as_pg "$bin/initdb" -D "$DEVNET/pg" -U postgres --auth=trust --encoding=UTF8 >"$DEVNET/initdb.log" 2>&1 ||
				die "initdb failed; see $DEVNET/initdb.log"
		fi
		touch "$DEVNET/postgres.log"
		[ "$(id -u)" -eq 0 ] && chown postgres: "$DEVNET/postgres.log"
		as_pg "$bin/pg_ctl" -D "$DEVNET/pg" -l "$DEVNET/postgres.log" -w -t 60 \
			-o "-p $PG_PORT -k $(cd "$DEVNET/pg-sock" && pwd) -c listen_addresses=127.0.0.1" start >/dev/null ||
			die "postgres did not start; see $DEVNET/postgres.log"
		say "postgres started on 127.0.0.1:$PG_PORT (data $DEVNET/pg, log $DEVNET/postgres.log)"
	fi
	if ! "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'tender'" | grep -q 1; then
		"$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres tender
	fi
}

stop_postgres() {
	local bin
	[ -s "$DEVNET/pg/postmaster.pid" ] || return 0
	bin=$(pgbin) || return 0
	as_pg "$bin/pg_ctl" -D "$DEVNET/pg" -m fast -w stop >/dev/null 2>&1 && say "postgres stopped"
}

up() {
	[ -x "$BIN/broker" ] && [ -x "$BIN/provider" ] && [ -x "$BIN/tenant" ] || die "binaries missing: run make market (or make build) first"
	mkdir -p "$DEVNET"

	say "1/6 chain: dev chain with the token and escrow deployed"
	start devchain "$BIN/broker" devchain --addr "$RPC_ADDR" --state "$DEVNET/deployment.json"
	wait_for "$DEVNET/deployment.json" devchain 60
	say "$(grep -m1 'dev chain ready' "$DEVNET/devchain.log" | sed 's/^.*msg="dev chain ready" //')"
	say "deployment (RPC URL, chain ID, contracts, dev account keys): $DEVNET/deployment.json"

	say "2/6 broker: PostgreSQL index, HTTP API and dashboard"
	start_postgres
	rm -f "$DEVNET/broker.log"
	start broker "$BIN/broker" run --database-url "postgres://postgres@127.0.0.1:$PG_PORT/tender?sslmode=disable" \
		--deployment "$DEVNET/deployment.json" --listen "$BROKER_ADDR" --confirmations 1 --poll-interval 1s --data-dir "$DEVNET_ABS/broker"
	local i
	for ((i = 0; i < 300; i++)); do
		grep -q '^dashboard: ' "$DEVNET/broker.log" 2>/dev/null && break
		running broker || die "broker stopped; the end of $DEVNET/broker.log says: $(tail -n 5 "$DEVNET/broker.log")"
		sleep 0.1
	done
	grep -q '^dashboard: ' "$DEVNET/broker.log" || die "broker did not serve within 30 s; see $DEVNET/broker.log"
	say "dashboard: $(grep -m1 '^dashboard: ' "$DEVNET/broker.log" | cut -d' ' -f2) (API under /api/v1, metrics at /metrics)"

	say "3/6 providers: two GPU owners with different prices"
	local sim=()
	if ! "$BIN/provider" inventory -o json 2>/dev/null | grep -q '"available": true'; then
		say "no NVIDIA GPU here: providers offer simulated GPUs (labelled simulated everywhere)"
		sim=(--gpu-sim "$GPU_SIM")
	fi
	local boot
	boot=$(grep -m1 '^p2p: ' "$DEVNET/broker.log" | cut -d' ' -f2)
	[ -n "$boot" ] || die "the broker printed no market address; see $DEVNET/broker.log"
	local common=(--deployment "$DEVNET/deployment.json" --bootstrap "$boot" --listen /ip4/127.0.0.1/tcp/0 --poll-interval 500ms)
	"$BIN/provider" inventory "${sim[@]}" >"$DEVNET/inventory.txt" 2>/dev/null
	sed -n 1,2p "$DEVNET/inventory.txt"
	start provider-a "$BIN/provider" run "${common[@]}" "${sim[@]}" --dev-account 2 --prices examples/provider/prices.yaml --work-dir "$DEVNET_ABS/provider-a" --withdraw-every 5s --allow-services
	start provider-b "$BIN/provider" run "${common[@]}" "${sim[@]}" --dev-account 3 --prices examples/provider/prices-premium.yaml --work-dir "$DEVNET_ABS/provider-b" --withdraw-every 5s --allow-services
	sleep 2
	running provider-a && running provider-b || die "a provider stopped; see $DEVNET/provider-a.log and $DEVNET/provider-b.log"

	say "4/6 tenant: submit examples/train/job.yaml (auction, lease, job, results)"
	if ! "$BIN/tenant" submit examples/train/job.yaml "${common[@]}" --dev-account 1 --broker "http://$BROKER_ADDR" --results "$DEVNET/output.tar" 2>&1 | tee "$DEVNET/tenant.log"; then
		die "the job did not complete; see $DEVNET/tenant.log and the provider logs in $DEVNET/"
	fi

	say "5/6 results"
	tar -xOf "$DEVNET/output.tar" output/metrics.json >"$DEVNET/metrics.json" 2>/dev/null || die "no output/metrics.json in $DEVNET/output.tar"
	say "trained model: $(grep -oE '"(testAccuracy|trainAccuracy|finalLoss|epochsRun)": [0-9.]+' "$DEVNET/metrics.json" | head -4 | tr -d '"' | paste -sd' ' -) (all metrics: $DEVNET/metrics.json)"
	local dash lease_id
	dash=$(grep -m1 '^dashboard: ' "$DEVNET/broker.log" | cut -d' ' -f2)
	lease_id=$(grep -m1 '^lease ' "$DEVNET/tenant.log" | awk '{print $2}')
	say "dashboard: $dash  (this lease: ${dash}leases/$lease_id)"

	serve "${common[@]}"
	say "the providers keep running and bid on new orders: bin/tenant submit JOB.yaml --deployment $DEVNET/deployment.json --bootstrap $boot --listen /ip4/127.0.0.1/tcp/0 --dev-account 1 --broker http://$BROKER_ADDR"
	say "up. Stop with: make down"
}

# serve runs the trained model as a service lease (examples/infer/service.yaml),
# forwards its port, sends it a few predictions, cancels it and prints what
# it cost.
serve() {
	say "6/6 service: the trained model served (examples/infer/service.yaml), reached through the provider"
	mkdir -p "$DEVNET/serve-input"
	tar -xOf "$DEVNET/output.tar" output/model.json >"$DEVNET/serve-input/model.json" || die "no output/model.json in $DEVNET/output.tar"
	chmod 0755 "$DEVNET/serve-input"
	chmod 0644 "$DEVNET/serve-input/model.json"
	"$BIN/tenant" submit examples/infer/service.yaml "$@" --dev-account 1 --broker "http://$BROKER_ADDR" \
		--input "$DEVNET/serve-input" --forward "$SERVE_PORT:8000" --results "" >"$DEVNET/service.log" 2>&1 &
	local submit=$! i lease_id=""
	for ((i = 0; i < 1200; i++)); do
		grep -q "forwarding http://127.0.0.1:$SERVE_PORT" "$DEVNET/service.log" && break
		kill -0 "$submit" 2>/dev/null || die "the service did not start; see $DEVNET/service.log"
		sleep 0.1
	done
	lease_id=$(grep -m1 -oE 'lease 0x[0-9a-f]{64} opened' "$DEVNET/service.log" | awk '{print $2}')
	[ -n "$lease_id" ] || die "no service lease opened; see $DEVNET/service.log"
	say "service lease $lease_id; its port 8000 is at http://127.0.0.1:$SERVE_PORT (tenant forward)"
	local health=""
	for ((i = 0; i < 300; i++)); do
		health=$(http GET /healthz 2>/dev/null) && [[ $health == ok* ]] && break
		sleep 0.1
	done
	[[ $health == ok* ]] || die "the service did not answer /healthz; see $DEVNET/service.log"
	say "GET /healthz: $health"
	local body='{"inputs": [[-1.0, 0.5], [0.0, 0.0], [1.0, 0.0], [2.0, 0.5], [0.5, -0.5]]}'
	say "POST /predict $body"
	say "  -> $(http POST /predict "$body")"
	"$BIN/tenant" cancel "$lease_id" "$@" --dev-account 1 >"$DEVNET/cancel.log" 2>&1 || die "cancel failed; see $DEVNET/cancel.log"
	wait "$submit" || die "the service's submit ended badly; see $DEVNET/service.log"
	sed -n '/^order /,$p' "$DEVNET/service.log"
}

# http METHOD PATH [BODY] sends one HTTP/1.0 request to the forwarded port
# and prints the response's body.
http() {
	local body=${3:-}
	exec 3<>"/dev/tcp/127.0.0.1/$SERVE_PORT" || return 1
	printf '%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' "$1" "$2" "${#body}" "$body" >&3
	sed '1,/^\r$/d' <&3
	exec 3<&-
}

down() {
	local name i
	for name in provider-a provider-b broker devchain; do
		if running "$name"; then
			kill "$(cat "$DEVNET/$name.pid")" 2>/dev/null || true
			for ((i = 0; i < 100; i++)); do running "$name" || break; sleep 0.1; done
			say "$name stopped"
		fi
	done
	stop_postgres
	rm -rf "$DEVNET"
	say "down; state removed"
}

status() {
	local name
	for name in devchain broker provider-a provider-b; do
		if running "$name"; then say "$name runs (pid $(cat "$DEVNET/$name.pid"))"; else say "$name is not running"; fi
	done
}

case "${1:-up}" in
up) up ;;
down) down ;;
status) status ;;
*) die "usage: $0 up|down|status" ;;
esac
