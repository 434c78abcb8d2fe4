#!/usr/bin/env bash
# Kubernetes: the cluster executor's tests (pkg/cluster) run against a real
# single-node cluster. scripts/k8s-node.sh builds it from the Go module
# once per machine (cached in /var/cache/tender) and starts it, or does
# nothing when it already answers.
set -euo pipefail
if [ "${TENDER_SETUP_KUBERNETES:-yes}" = no ]; then
	echo "setup: the test Kubernetes node is not needed here (TENDER_SETUP_KUBERNETES=no)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "setup: the test Kubernetes node needs root (containerd, kubelet, cgroups)" >&2
	exit 1
fi
bash "$(dirname "$0")/../k8s-node.sh" up
