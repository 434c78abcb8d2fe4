package e2e

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	corev1 "k8s.io/api/core/v1"

	"github.com/tender-market/tender/internal/clustertest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/cluster"
	"github.com/tender-market/tender/pkg/provider"
	"github.com/tender-market/tender/pkg/tenant"
)

// agentImage is cmd/lease-agent's image on the test node.
const agentImage = "tender.local/lease-agent:e2e"

// needCluster is the test Kubernetes node (scripts/k8s-node.sh) with the
// lease agent's and the training job's images loaded, in a namespace of
// the test's own, deleted after it.
func needCluster(t *testing.T) *cluster.Cluster {
	t.Helper()
	rc, ns := clustertest.Namespace(t, "tender-e2e-")
	testenv.KubeImage(t, agentImage, "../cmd/lease-agent")
	testenv.KubeLoad(t, trainImage)
	c, err := cluster.NewForConfig(rc, cluster.Config{
		Namespace: ns, PullPolicy: corev1.PullNever, AgentImage: agentImage, Logger: testenv.Logger(t, "cluster"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMarketOnDockerAndKubernetes: a market with a provider on a Docker
// host and one on a Kubernetes cluster. The cluster's provider bids less
// for a 2-GPU order and wins it, its offer naming the node; the job runs
// as a pod on the node that has the two GPUs, its log and model come back,
// it settles with exact amounts, and the broker's dashboard shows the
// provider's node.
func TestMarketOnDockerAndKubernetes(t *testing.T) {
	ex := needImage(t)
	kube := needCluster(t)
	dep := startChain(t)
	docker := startProvider(t, dep, ex, providerSpec{name: "docker", machine: "dgxh100", model: "H100", price: "2400000", account: 2})
	k8s := startProvider(t, dep, nil, providerSpec{name: "kubernetes", model: "H100", price: "2000000", account: 3, kube: kube}, docker.node)
	ts := newTenantSide(t, dep, docker.node, k8s.node)
	dashboard := startBroker(t, dep, docker.node)

	job := trainJob(t, 20, "5m")
	job.Requirements.GPUCount = 2
	accounts := []common.Address{ts.key.Address(), k8s.addr, dep.Escrow}
	before := balances(t, ts.esc, accounts)
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	var logs testenv.Buffer
	out := filepath.Join(t.TempDir(), "output.tar")
	res, err := ts.client.Submit(ctx, job, tenant.Options{Logs: &logs, OutputFile: out})
	if err != nil {
		t.Fatalf("Submit: %v\nlogs:\n%s", err, logs.String())
	}
	if res.Winner == nil || res.Winner.Provider != k8s.addr || len(res.Transcript.Entries) != 2 {
		t.Fatalf("winner %+v of %d bids, want the Kubernetes provider %s of 2", res.Winner, len(res.Transcript.Entries), k8s.addr.Hex())
	}
	if g := res.Winner.Offer.GPUs; len(g) != 1 || g[0].Count != 2 || g[0].Model != "NVIDIA H100 80GB HBM3" || !res.Winner.Offer.Simulated {
		t.Errorf("offer %+v, want 2 simulated H100 80GB of the node", res.Winner.Offer)
	}
	node := auction.NodeLabel(k8s.addr, "vm")
	if !slices.Contains(res.Winner.Offer.Attributes, auction.Attribute{Key: auction.AttributeNode, Value: node}) {
		t.Errorf("offer attributes %v, want %s=%s (node vm)", res.Winner.Offer.Attributes, auction.AttributeNode, node)
	}
	if res.ExitCode != 0 || !res.Settled {
		t.Errorf("exit code %d, settled %v; want 0, true", res.ExitCode, res.Settled)
	}
	if l := logs.String(); !strings.Contains(l, "epoch 20/20") || !strings.Contains(l, "done: test_accuracy=") {
		t.Errorf("logs lack the training's lines:\n%s", l)
	}
	if files := tarNames(t, out); !files["output/model.json"] || !files["output/metrics.json"] {
		t.Errorf("output archive holds %v, want output/model.json and output/metrics.json", files)
	}
	recs, err := provider.ReadLeases(k8s.workDir)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(recs, func(r provider.LeaseRecord) bool { return r.LeaseID == res.LeaseID })
	if i < 0 {
		t.Fatalf("the Kubernetes provider has no record of lease %s", res.LeaseID.Hex())
	}
	if g := recs[i].GPUs; len(g) != 2 || !strings.HasPrefix(g[0], "k8s/vm/gpu/") || !strings.HasPrefix(g[1], "k8s/vm/gpu/") {
		t.Errorf("the lease's GPUs %q, want two of node vm", g)
	}
	checkMoney(t, dep, ts.esc, k8s, res, accounts, before)
	checkNodeShown(t, dashboard, k8s.addr, node)
	// The pod is gone, and with it the node's GPUs are free again.
	testenv.Eventually(t, time.Minute, "the lease's pod gone", func() (bool, string, error) {
		ids, err := kube.Leases(t.Context())
		return len(ids) == 0, strings.Join(ids, ","), err
	})
}

// TestServiceOnKubernetes is the service flow with a provider whose leases
// run as pods: a training pod leaves its model; a service pod of the
// inference example serves it, reached through the provider's port
// forward (the pod's network policy denies it all other traffic); the
// tenant's forward answers real predictions; cancel settles exact
// amounts, ends the forward and deletes the pod.
func TestServiceOnKubernetes(t *testing.T) {
	ex := needImage(t)
	kube := needCluster(t)
	testenv.KubeLoad(t, inferImage)
	sc := newSceneOn(t, ex, startChain(t), providerSpec{name: "kubernetes", model: "H100", price: "2000000", account: 2, kube: kube})
	serveModel(t, sc, time.Minute, nil)
	testenv.Eventually(t, time.Minute, "the service's pod gone", func() (bool, string, error) {
		ids, err := kube.Leases(t.Context())
		return len(ids) == 0, strings.Join(ids, ","), err
	})
}

// checkNodeShown waits until the broker shows provider with its node
// label, in the API and on the provider's page.
func checkNodeShown(t *testing.T, dashboard string, provider common.Address, label string) {
	t.Helper()
	url := dashboard + "api/v1/providers/" + provider.Hex()
	testenv.Eventually(t, time.Minute, "the provider's node on the broker", func() (bool, string, error) {
		var p struct {
			Nodes []struct {
				Label     string
				MaxGPUs   int
				Simulated bool
			}
		}
		body, err := httpGet(url)
		if err != nil {
			return false, err.Error(), nil
		}
		if err := json.Unmarshal(body, &p); err != nil {
			return false, string(body), nil
		}
		return len(p.Nodes) == 1 && p.Nodes[0].Label == label && p.Nodes[0].MaxGPUs == 2 && p.Nodes[0].Simulated, string(body), nil
	})
	page, err := httpGet(dashboard + "providers/" + provider.Hex())
	if err != nil || !strings.Contains(string(page), `id="nodes"`) || !strings.Contains(string(page), label) {
		t.Errorf("the provider's page lacks its node %s (%v)", label, err)
	}
}
