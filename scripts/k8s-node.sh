#!/usr/bin/env bash
# A real single-node Kubernetes for the Kubernetes executor's tests:
# kube-apiserver, kube-controller-manager, kube-scheduler and kubelet
# v1.34.4 built from the k8s.io/kubernetes Go module (once per machine,
# cached), Debian's etcd, a private containerd and the CNI bridge plugin.
# Test only: static token auth, AlwaysAllow, everything on 127.0.0.1.
#
#   k8s-node.sh up       build if needed, start, wait until the node is Ready
#   k8s-node.sh down     stop everything and remove the cluster's state
#   k8s-node.sh build    build the binaries into the cache
#   k8s-node.sh status   exit 0 when the API answers and the node is Ready
#   k8s-node.sh import IMAGE.tar
#                        load an image (docker save) into the node's runtime
#
# The node advertises 4 nvidia.com/gpu (patched into its status; there is no
# device plugin) and GPU Feature Discovery's labels for a simulated H100, so
# GPU scheduling can be tested without a GPU. Kubelet 1.35 refuses cgroup v1
# by default: stay on 1.34.x while machines run it.
set -euo pipefail

V=1.34.4
CACHE=${TENDER_K8S_CACHE:-/var/cache/tender/k8s-v$V}
B=$CACHE/bin
W=${TENDER_K8S_STATE:-/var/lib/tender-k8s}
SOCK=/run/tender-k8s-containerd/containerd.sock
export KUBECONFIG=$W/kubeconfig
# CONFIG names how up configures the node: a running node of another
# configuration is restarted (2: the API server authorizes by RBAC; 3: the
# kubelet checks a pod's registry login for an image it pulled with one,
# KubeletEnsureSecretPulledImages, alpha in 1.33 and 1.34).
CONFIG=3
cd "$(dirname "$0")/.."
REPO=$PWD

log() { echo "k8s-node: $*"; }

# wait_for SECONDS WHAT CMD...: poll CMD every half second until it succeeds.
wait_for() {
	local limit=$1 what=$2 start=$SECONDS
	shift 2
	until "$@" >/dev/null 2>&1; do
		if ((SECONDS - start > limit)); then
			log "no $what after ${limit}s; logs in $W/*.log" >&2
			return 1
		fi
		sleep 0.5
	done
}

build() {
	if [ -x "$B/kubelet" ] && [ -x "$B/kube-apiserver" ] && [ -x "$B/kube-controller-manager" ] && [ -x "$B/kube-scheduler" ] && [ -x "$B/kubectl" ]; then
		log "binaries cached in $B"
		return 0
	fi
	log "building Kubernetes v$V from the Go module (once per machine: about 5 minutes on 2 cores)"
	mkdir -p "$CACHE/src"
	cd "$CACHE/src"
	{
		echo "module tender.local/k8sbuild"
		echo "go 1.24"
		echo "require k8s.io/kubernetes v$V"
		echo "replace ("
		# The staging modules, at their published versions.
		for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api cri-client csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller; do
			echo "	k8s.io/$m => k8s.io/$m v0.${V#1.}"
		done
		echo ")"
	} >go.mod
	printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kube-controller-manager"\n\t_ "k8s.io/kubernetes/cmd/kube-scheduler"\n\t_ "k8s.io/kubernetes/cmd/kubectl"\n\t_ "k8s.io/kubernetes/cmd/kubelet"\n)\n' >tools.go
	GOFLAGS=-mod=mod go mod tidy
	mkdir -p "$B.tmp"
	CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
		-ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$V -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo $V | cut -d. -f2)" \
		-o "$B.tmp/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
	rm -rf "$B"
	mv "$B.tmp" "$B"
	cd "$REPO"
	log "built into $B"
}

api_up() { "$B/kubectl" get --raw /readyz >/dev/null 2>&1; }
node_ready() {
	[ "$("$B/kubectl" get node "$(hostname)" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}
gpus_ready() {
	[ "$("$B/kubectl" get node "$(hostname)" -o jsonpath='{.status.allocatable.nvidia\.com/gpu}' 2>/dev/null)" = 4 ]
}
ready() { api_up && node_ready && gpus_ready; }

status() { ready; }

start() {
	local n=$1
	shift
	("$@" >"$W/$n.log" 2>&1 &
		echo $! >"$W/$n.pid")
}

# pause_image: the sandbox image, a static Go binary FROM scratch (there is
# no registry to pull one from), loaded into the node's containerd.
pause_image() {
	local dir=$CACHE/pause
	if [ ! -f "$dir/pause.tar" ]; then
		mkdir -p "$dir"
		CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$dir/pause" ./scripts/k8s/pause
		printf 'FROM scratch\nCOPY pause /pause\nENTRYPOINT ["/pause"]\n' >"$dir/Dockerfile"
		docker build -q -t tender.local/pause:1 "$dir" >/dev/null
		docker save tender.local/pause:1 -o "$dir/pause.tar"
	fi
	ctr -a "$SOCK" -n k8s.io images import "$dir/pause.tar" >/dev/null
}

up() {
	if [ -x "$B/kubectl" ] && ready && [ "$(cat "$W/config" 2>/dev/null)" = "$CONFIG" ]; then
		log "the node answers and is Ready ($KUBECONFIG)"
		return 0
	fi
	local pkgs=()
	command -v etcd >/dev/null || pkgs+=(etcd-server)
	[ -x /usr/lib/cni/bridge ] || pkgs+=(containernetworking-plugins)
	command -v containerd >/dev/null || pkgs+=(containerd)
	command -v runc >/dev/null || pkgs+=(runc)
	command -v openssl >/dev/null || pkgs+=(openssl)
	command -v conntrack >/dev/null || pkgs+=(conntrack)
	if [ ${#pkgs[@]} -gt 0 ]; then
		log "installing ${pkgs[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
	fi
	build
	down quiet
	mkdir -p "$W/cni" "$W/kubelet" "$W/pod-logs"
	[ -f "$W/sa.key" ] || {
		openssl genrsa -out "$W/sa.key" 2048
		openssl rsa -in "$W/sa.key" -pubout -out "$W/sa.pub"
	} 2>/dev/null
	echo "tender-test-admin-token,admin,admin,system:masters" >"$W/tokens.csv"
	cat >"$W/containerd.toml" <<EOT
version = 2
root = "$W/containerd"
state = "/run/tender-k8s-containerd"
[grpc]
  address = "$SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "tender.local/pause:1"
  # Sandboxes without CAP_SYS_RESOURCE cannot lower the pause container's
  # OOM score, and runc fails every pod without this.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$W/cni"
EOT
	echo '{"cniVersion":"1.0.0","name":"tender","plugins":[{"type":"bridge","bridge":"tenderk8s0","isGateway":true,"ipMasq":false,"ipam":{"type":"host-local","ranges":[[{"subnet":"10.88.7.0/24"}]]}}]}' >"$W/cni/10-tender.conflist"
	cat >"$W/kubeconfig" <<EOT
apiVersion: v1
kind: Config
clusters: [{name: tender-test, cluster: {server: "https://127.0.0.1:16443", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: tender-test-admin-token}}]
contexts: [{name: tender-test, context: {cluster: tender-test, user: admin, namespace: default}}]
current-context: tender-test
EOT
	cat >"$W/kubelet.yaml" <<EOT
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$SOCK
address: 127.0.0.1
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
podLogsDir: $W/pod-logs
makeIPTablesUtilChains: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {"memory.available": "100Mi"}
resolvConf: ""
featureGates: {KubeletEnsureSecretPulledImages: true}
imagePullCredentialsVerificationPolicy: NeverVerifyPreloadedImages
EOT
	start containerd containerd --config "$W/containerd.toml"
	wait_for 30 "containerd socket" test -S "$SOCK"
	start etcd etcd --name tender-test --data-dir "$W/etcd" --listen-client-urls http://127.0.0.1:23790 --advertise-client-urls http://127.0.0.1:23790 --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 --initial-cluster tender-test=http://127.0.0.1:23800
	start apiserver "$B/kube-apiserver" --etcd-servers=http://127.0.0.1:23790 --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port=16443 --cert-dir="$W/certs" --token-auth-file="$W/tokens.csv" --authorization-mode=RBAC --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$W/sa.pub" --service-account-signing-key-file="$W/sa.key" --service-cluster-ip-range=10.96.0.0/24 --kubelet-preferred-address-types=Hostname --endpoint-reconciler-type=none
	wait_for 120 "API server" api_up
	start kcm "$B/kube-controller-manager" --kubeconfig="$W/kubeconfig" --leader-elect=false --bind-address=127.0.0.1 --service-account-private-key-file="$W/sa.key" --controllers='*,-nodeipam,-service-lb-controller,-route'
	start sched "$B/kube-scheduler" --kubeconfig="$W/kubeconfig" --leader-elect=false --bind-address=127.0.0.1
	pause_image
	start kubelet "$B/kubelet" --config="$W/kubelet.yaml" --kubeconfig="$W/kubeconfig" --root-dir="$W/kubelet" --hostname-override="$(hostname)"
	local node
	node=$(hostname)
	wait_for 120 "Ready node" node_ready
	# GPUs without a device plugin: capacity patched into the node's status
	# (kubelet copies it to allocatable on its next status sync), and the
	# labels GPU Feature Discovery would set, marked simulated.
	"$B/kubectl" label node "$node" --overwrite \
		nvidia.com/gpu.present=true nvidia.com/gpu.product=NVIDIA-H100-80GB-HBM3 nvidia.com/gpu.memory=81559 \
		nvidia.com/gpu.count=4 nvidia.com/gpu.compute.major=9 nvidia.com/gpu.compute.minor=0 \
		nvidia.com/cuda.driver.major=550 nvidia.com/cuda.driver.minor=54 nvidia.com/cuda.driver.rev=15 \
		nvidia.com/cuda.runtime.major=12 nvidia.com/cuda.runtime.minor=4 tender.market/simulated-gpus=true >/dev/null
	"$B/kubectl" patch node "$node" --subresource=status --type=json -p '[{"op":"add","path":"/status/capacity/nvidia.com~1gpu","value":"4"}]' >/dev/null
	wait_for 60 "4 allocatable GPUs" gpus_ready
	echo "$CONFIG" >"$W/config"
	log "up: $KUBECONFIG (node $node, 4 simulated nvidia.com/gpu)"
}

import() {
	ctr -a "$SOCK" -n k8s.io images import "$1" >/dev/null
}

down() {
	local quiet=${1:-}
	if [ -x "$B/kubectl" ] && [ -f "$W/kubeconfig" ] && api_up; then
		"$B/kubectl" delete pod --all -A --wait=true --timeout=60s >/dev/null 2>&1 || true
	fi
	local n pid
	for n in kubelet sched kcm apiserver etcd; do
		[ -f "$W/$n.pid" ] && kill "$(cat "$W/$n.pid")" 2>/dev/null || true
	done
	for n in kubelet sched kcm apiserver etcd; do
		[ -f "$W/$n.pid" ] || continue
		pid=$(cat "$W/$n.pid")
		# The API server lingers, retrying etcd.
		wait_for 10 "exit of $n" sh -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
		rm -f "$W/$n.pid"
	done
	if [ -S "$SOCK" ]; then
		for c in $(ctr -a "$SOCK" -n k8s.io tasks ls -q 2>/dev/null); do ctr -a "$SOCK" -n k8s.io tasks kill -s KILL "$c" >/dev/null 2>&1 || true; done
		for c in $(ctr -a "$SOCK" -n k8s.io containers ls -q 2>/dev/null); do ctr -a "$SOCK" -n k8s.io containers rm "$c" >/dev/null 2>&1 || true; done
	fi
	if [ -f "$W/containerd.pid" ]; then
		pid=$(cat "$W/containerd.pid")
		kill "$pid" 2>/dev/null || true
		wait_for 10 "exit of containerd" sh -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
		rm -f "$W/containerd.pid"
	fi
	local m
	for m in $(awk -v w="$W/kubelet" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	local h d
	for h in /sys/fs/cgroup/*/; do
		for d in kubepods k8s.io; do
			[ -d "$h$d" ] && find "$h$d" -depth -type d -exec rmdir {} \; 2>/dev/null
		done
	done
	ip link del tenderk8s0 2>/dev/null || true
	rm -rf /var/lib/cni/networks/tender /run/tender-k8s-containerd /run/containerd/runc/k8s.io "$W/containerd" "$W/etcd" "$W/kubelet"
	[ -n "$quiet" ] || log "down"
}

case "${1:-}" in
up | down | build | status) "$1" ;;
import)
	[ $# -eq 2 ] || {
		echo "usage: $0 import IMAGE.tar" >&2
		exit 2
	}
	import "$2"
	;;
*)
	echo "usage: $0 up|down|build|status|import IMAGE.tar" >&2
	exit 2
	;;
esac
