package e2e

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/tenant"
)

const inferImage = "tender/example-infer:dev"

// serviceJob serves the model in the lease's /input on port 8000.
func serviceJob(t testing.TB) *jobspec.Job {
	t.Helper()
	spec := fmt.Sprintf(`image: %s
command: ["-serve", ":8000", "-model", "/input/model.json"]
env: {GOMAXPROCS: "1"}
resources: {gpus: 1, gpuModels: [H100], cpu: 500m, memory: 128Mi, disk: 1Gi, allowSimulated: true}
expose: [8000]
maxDuration: 10m
maxPricePerHour: "5 tokens/h"
bidWindow: 2s
`, inferImage)
	job, err := jobspec.Parse([]byte(spec), 6)
	if err != nil {
		t.Fatal(err)
	}
	return job
}

// extract writes the archive's file name (e.g. output/model.json) to dst.
func extract(t testing.TB, archive, name, dst string) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s has no %s: %v", archive, name, err)
		}
		if h.Name != name {
			continue
		}
		out, err := os.Create(dst)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		if _, err := io.Copy(out, tr); err != nil {
			t.Fatal(err)
		}
		os.Chmod(dst, 0o644)
		return
	}
}

// trainedModel runs a training lease and returns a directory holding the
// model it wrote, model.json, readable by a job's user.
func trainedModel(t testing.TB, ctx context.Context, ts *tenantSide) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "output.tar")
	if _, err := ts.client.Submit(ctx, trainJob(t, 40, "10m"), tenant.Options{OutputFile: out}); err != nil {
		t.Fatalf("train: %v", err)
	}
	input := t.TempDir()
	os.Chmod(input, 0o755)
	extract(t, out, "output/model.json", filepath.Join(input, "model.json"))
	return input
}

// forwardService forwards port 8000 of service lease l until ctx ends; it
// returns the local base URL and where the forward's end arrives.
func forwardService(t testing.TB, ctx context.Context, ts *tenantSide, l *tenant.Lease) (string, chan error) {
	t.Helper()
	listening, ended := make(chan string, 1), make(chan error, 1)
	go func() {
		ended <- ts.client.Forward(ctx, l, []tenant.PortForward{{Port: 8000}}, func(_ tenant.PortForward, a string) { listening <- a }, nil)
	}()
	select {
	case a := <-listening:
		return "http://" + a, ended
	case err := <-ended:
		t.Fatalf("forward: %v", err)
		return "", nil
	}
}

// waitHealthy polls the service's /healthz at base until it answers OK.
func waitHealthy(t testing.TB, client *http.Client, base string) {
	t.Helper()
	testenv.Eventually(t, time.Minute, "the service answers /healthz through the forward", func() (bool, string, error) {
		r, err := client.Get(base + "/healthz")
		if err != nil {
			return false, err.Error(), nil
		}
		defer r.Body.Close()
		body, _ := io.ReadAll(r.Body)
		return r.StatusCode == http.StatusOK, fmt.Sprintf("%s %s", r.Status, body), nil
	})
}

// checkPredictions asks the inference example at base for predictions of
// five points and checks it labels each of them.
func checkPredictions(t testing.TB, client *http.Client, base string) {
	t.Helper()
	inputs := [][]float64{{-1, 0.5}, {0, 0}, {1, 0}, {2, 0.5}, {0.5, -0.5}}
	body, _ := json.Marshal(map[string]any{"inputs": inputs})
	r, err := client.Post(base+"/predict", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	var pred struct {
		Predictions []struct {
			X     []float64 `json:"x"`
			Label *int      `json:"label"`
		} `json:"predictions"`
	}
	err = json.NewDecoder(r.Body).Decode(&pred)
	r.Body.Close()
	if err != nil || r.StatusCode != http.StatusOK || len(pred.Predictions) != len(inputs) {
		t.Fatalf("POST /predict: %s, %v, %+v; want %d predictions", r.Status, err, pred, len(inputs))
	}
	for i, p := range pred.Predictions {
		if fmt.Sprint(p.X) != fmt.Sprint(inputs[i]) || p.Label == nil || *p.Label < 0 || *p.Label > 1 {
			t.Errorf("prediction %d: %+v for input %v; want a label 0 or 1 for it", i, p, inputs[i])
		}
	}
}

// cancelService cancels the service lease l, which ran from running, and
// checks that it settles as cancelled, paying exactly the seconds it ran,
// and that the tenant's forward (ended) ends with it.
func cancelService(t testing.TB, ctx context.Context, sc *scene, l *tenant.Lease, running lease.Lease, ended <-chan error) {
	t.Helper()
	ts, p := sc.ts, sc.p
	st, err := ts.client.Cancel(ctx, l, nil)
	if err != nil {
		t.Fatalf("cancel: %v", err)
	}
	if st.Event != "Closed" || st.ExitCode == nil || st.ExitCode.Reason() != lease.ExitCancelled {
		t.Fatalf("cancel settled %+v, want Closed, cancelled", st)
	}
	at := blockTime(t, sc.dep, st.Block)
	secs := billedSecs(t, sc.dep, ts.esc, p, l.ID, running.Since, at)
	if want := earned(l.Terms, running.Deposit, secs); st.Paid.Cmp(want) != 0 {
		t.Errorf("paid %s, want %s for %d s", st.Paid, want, secs)
	}
	sc.checkMoved(t, new(big.Int).Neg(st.Paid), st.Paid, new(big.Int))
	select {
	case err := <-ended:
		if !errors.Is(err, tenant.ErrJobEnded) {
			t.Errorf("the forward ended with %v, want %v", err, tenant.ErrJobEnded)
		}
	case <-time.After(30 * time.Second):
		t.Error("the forward goes on after the service was cancelled")
	}
}

// TestServiceForward is the service flow on a real Docker Engine: a
// training lease leaves its model; a service lease of the inference
// example serves it (expose: [8000]) on a network of its own that
// reaches nothing; the tenant's forward answers real predictions; a
// stranger and a port not exposed are refused; cancel settles exact
// amounts and ends the forward.
func TestServiceForward(t *testing.T) {
	sc := newScene(t, devchain.Config{}, h100)
	p, ts := sc.p, sc.ts
	id := serveModel(t, sc, 30*time.Second, func(ctx context.Context, id common.Hash) {
		key, _ := crypto.GenerateKey()
		if _, err := ts.node.Lease(p.node.AddrInfo(), id, auction.NewKeySigner(key)).Forward(ctx, 8000); !errors.Is(err, network.ErrLeaseDenied) {
			t.Errorf("a stranger's forward: %v, want %v", err, network.ErrLeaseDenied)
		}
		if _, err := ts.node.Lease(p.node.AddrInfo(), id, ts.key).Forward(ctx, 9000); !errors.Is(err, network.ErrNotExposed) {
			t.Errorf("a forward to a port not exposed: %v, want %v", err, network.ErrNotExposed)
		}
	})
	waitNoContainer(t, sc.ex, id, 30*time.Second)
}

// serveModel is the service flow on sc's market: a training lease leaves
// its model; a service lease of the inference example serves it, running
// within startWithin; the tenant's forward answers real predictions; probe
// (when set) tries the running service lease id; cancel settles exact
// amounts and ends the forward. It returns the service's lease ID.
func serveModel(t *testing.T, sc *scene, startWithin time.Duration, probe func(ctx context.Context, id common.Hash)) common.Hash {
	t.Helper()
	ts := sc.ts
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()

	input := trainedModel(t, ctx, ts)

	sc.before = balances(t, ts.esc, sc.accounts)
	res, err := ts.client.Submit(ctx, serviceJob(t), tenant.Options{Detach: true, InputDir: input})
	if err != nil {
		t.Fatalf("submit the service: %v", err)
	}
	running := waitLease(t, ts.esc, res.LeaseID, lease.StateRunning, startWithin)
	l, err := ts.client.Find(ctx, res.LeaseID, nil)
	if err != nil {
		t.Fatal(err)
	}
	base, ended := forwardService(t, ctx, ts, l)
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	waitHealthy(t, client, base)
	checkPredictions(t, client, base)
	if probe != nil {
		probe(ctx, res.LeaseID)
	}
	cancelService(t, ctx, sc, l, running, ended)
	return res.LeaseID
}

// BenchmarkServiceFirstRequest measures, on a real Docker Engine, the time
// from tenant submit of a service (the inference example serving a trained
// model, a 1 s bid window) to its first successful request through the
// tenant's forward: auction, lease, input, container start on chain, the
// forward and the server's start. Each round cancels its lease.
func BenchmarkServiceFirstRequest(b *testing.B) {
	sc := newScene(b, devchain.Config{}, h100)
	ts := sc.ts
	ctx, cancel := context.WithTimeout(b.Context(), 30*time.Minute)
	defer cancel()
	input := trainedModel(b, ctx, ts)
	job := serviceJob(b)
	job.BidWindow = time.Second
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	var took []time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		res, err := ts.client.Submit(ctx, job, tenant.Options{Detach: true, InputDir: input, StartTimeout: time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		l, err := ts.client.Find(ctx, res.LeaseID, nil)
		if err != nil {
			b.Fatal(err)
		}
		fctx, stop := context.WithCancel(ctx)
		base, ended := forwardService(b, fctx, ts, l)
		waitHealthy(b, client, base)
		took = append(took, time.Since(start))
		stop()
		<-ended
		client.CloseIdleConnections()
		if _, err := ts.client.Cancel(ctx, l, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var sum, most time.Duration
	for _, d := range took {
		sum += d
		most = max(most, d)
	}
	b.ReportMetric(sum.Seconds()/float64(len(took)), "s-to-first-request")
	b.ReportMetric(most.Seconds(), "s-to-first-request-max")
	b.Logf("%d service leases: submit to first request %.2f s mean, %.2f s max (bid window 1 s)", len(took), sum.Seconds()/float64(len(took)), most.Seconds())
}
