#!/usr/bin/env bash
# Docker Engine: the executor's tests run real containers. Installs Debian's
# docker.io when dockerd is missing (and util-linux for nsenter), starts
# dockerd in the background when the engine does not answer, waits
# (bounded) until it answers, then builds the example job images
# tender/example-train:dev and tender/example-infer:dev.
# No registry is needed: the images are built from scratch here. (The tests
# build the images they use themselves.)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "$0")/../.."

if ! command -v dockerd >/dev/null 2>&1; then
	apt_install docker.io
fi
# The networked-job tests (pkg/executor) start a dockerd of their own in a
# network namespace of their own with nsenter; the firewall they check needs
# nftables in the kernel, which the Go code drives without the nft command.
if ! command -v nsenter >/dev/null 2>&1; then
	apt_install util-linux
fi
# The NAT traversal test (pkg/network) builds its NATs in network
# namespaces with ip and iptables (MASQUERADE).
if ! command -v ip >/dev/null 2>&1; then
	apt_install iproute2
fi
if ! command -v iptables >/dev/null 2>&1; then
	apt_install iptables
fi

if ! as_root docker info >/dev/null 2>&1; then
	log=/var/log/dockerd.log
	timeout=${DOCKER_START_TIMEOUT:-60}
	echo "setup: starting dockerd in the background (log: $log)"
	as_root sh -c "nohup setsid dockerd >>'$log' 2>&1 </dev/null &"
	for ((i = 0; i < timeout; i++)); do
		if as_root docker info >/dev/null 2>&1; then
			break
		fi
		sleep 1
	done
	if ! as_root docker info >/dev/null 2>&1; then
		echo "setup: dockerd did not answer within ${timeout}s; the end of $log says:" >&2
		as_root tail -n 20 "$log" >&2 || true
		exit 1
	fi
fi
echo "setup: Docker Engine $(as_root docker version --format '{{.Server.Version}}') answers"

examples/build-images.sh dev
