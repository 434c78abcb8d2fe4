#!/usr/bin/env bash
# PostgreSQL: the broker's store and API tests run against a real server.
# Installs Debian's postgresql when its server binaries are missing, and
# starts a private cluster when none answers on the test port: data in
# $TENDER_PG_DATA (default /var/lib/tender-test-pg), listening on 127.0.0.1
# port $TENDER_PG_PORT (default 55432) only, trust authentication, run as the
# postgres user. The tests' default URL is
# postgres://postgres@127.0.0.1:55432/postgres (TENDER_TEST_DATABASE_URL
# overrides it); each test makes and drops its own database.
set -euo pipefail

PORT=${TENDER_PG_PORT:-55432}
DATA=${TENDER_PG_DATA:-/var/lib/tender-test-pg}
SOCKDIR=${TENDER_PG_SOCKDIR:-/var/run/tender-test-pg}
LOG=${TENDER_PG_LOG:-/var/log/tender-test-pg.log}
TIMEOUT=${TENDER_PG_START_TIMEOUT:-60}

if [ "$(id -u)" -ne 0 ]; then
	echo "setup: starting the test PostgreSQL needs root (it runs the server as the postgres user)" >&2
	exit 1
fi

# pgbin: the newest installed server's bin directory (PostgreSQL 15 or later).
pgbin() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

if ! BIN=$(pgbin); then
	echo "setup: installing postgresql"
	env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
	BIN=$(pgbin) || {
		echo "setup: postgresql installed, but no initdb/pg_ctl under /usr/lib/postgresql" >&2
		exit 1
	}
fi

answers() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; }

if answers; then
	echo "setup: PostgreSQL answers on 127.0.0.1:$PORT"
	exit 0
fi

id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
mkdir -p "$SOCKDIR"
chown postgres: "$SOCKDIR"
touch "$LOG"
chown postgres: "$LOG"

if [ ! -s "$DATA/PG_VERSION" ]; then
	echo "setup: creating a private PostgreSQL cluster in $DATA"
	rm -rf "$DATA"
	mkdir -p "$DATA"
	chown postgres: "$DATA"
	chmod 700 "$DATA"
	runuser -u postgres -- "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi

# A server killed hard leaves its pid file behind; pg_ctl start copes when
# the pid is gone. fsync and full_page_writes are off: a throwaway test
# cluster trades crash safety for speed.
echo "setup: starting PostgreSQL on 127.0.0.1:$PORT (log: $LOG)"
runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t "$TIMEOUT" \
	-o "-p $PORT -k $SOCKDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null

if ! answers; then
	echo "setup: PostgreSQL did not answer on 127.0.0.1:$PORT; the end of $LOG says:" >&2
	tail -n 20 "$LOG" >&2 || true
	exit 1
fi
echo "setup: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') answers on 127.0.0.1:$PORT"
