package e2e

import (
	"context"
	"fmt"
	"maps"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tender-market/tender/internal/registrytest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/executor"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/tenant"
)

// heldHalfway sends half of the blob digest names, then holds the rest
// until release is closed (or the engine hangs up): a pull that takes as
// long as the test needs to watch it.
func heldHalfway(digest string, release <-chan struct{}) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if !registrytest.IsBlobGet(req) || !strings.HasSuffix(req.URL.Path, digest) {
				next.ServeHTTP(w, req)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, req)
			body := rec.Body.Bytes()
			maps.Copy(w.Header(), rec.Header())
			w.WriteHeader(rec.Code)
			half := len(body) / 2
			w.Write(body[:half])
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
			select {
			case <-release:
				w.Write(body[half:])
			case <-req.Context().Done():
			}
		})
	}
}

// TestPrivateRegistryImage: a job whose image is pinned by digest in a
// private registry (a real one, on loopback, asking for a login) runs on a
// provider that pulls images: the tenant's registry login travels with the
// secrets, the tenant watches the pull's progress, the job settles. The
// same job without the login cannot be pulled: its lease closes without a
// start and the tenant pays nothing.
func TestPrivateRegistryImage(t *testing.T) {
	needImage(t)
	cli, err := executor.Dial(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	ex, err := executor.New(cli, executor.Config{WorkDir: t.TempDir(), StopGrace: time.Second, PullImages: true})
	if err != nil {
		t.Fatal(err)
	}
	reg := registrytest.Start(t)
	img := reg.Push(t, cli, trainImage, registrytest.RepoName(t), 8<<20)
	var logins atomic.Int32
	auth := registrytest.BasicAuth("tenant", "s3cret-pull-token", &logins)
	// The image's new layer stops half-way until the tenant has seen the
	// pull's progress.
	seen := make(chan struct{})
	var seenOnce sync.Once
	t.Cleanup(func() { seenOnce.Do(func() { close(seen) }) })
	reg.Wrap(func(next http.Handler) http.Handler { return auth(heldHalfway(img.Layer.String(), seen)(next)) })

	sc := newSceneOn(t, ex, startChainWith(t, devchain.Config{}), h100)
	ts := sc.ts
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	job := func(login bool) *jobspec.Job {
		spec := fmt.Sprintf(`image: %s
command: ["-epochs", "3", "-samples", "100", "-out", "/output"]
resources: {gpus: 1, gpuModels: [H100], cpu: 500m, memory: 128Mi, disk: 1Gi, allowSimulated: true}
maxDuration: 10m
maxPricePerHour: "5 tokens/h"
bidWindow: 2s
`, img.Ref)
		if login {
			spec += "registry: {username: tenant, password: s3cret-pull-token}\n"
		}
		j, err := jobspec.Parse([]byte(spec), 6)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}

	var mu sync.Mutex
	var said []string
	res, err := ts.client.Submit(ctx, job(true), tenant.Options{StartTimeout: 2 * time.Minute, Progress: func(p tenant.Progress) {
		mu.Lock()
		said = append(said, p.Message)
		mu.Unlock()
		if strings.Contains(p.Message, "pulling image "+img.Ref) {
			seenOnce.Do(func() { close(seen) })
		}
	}})
	if err != nil {
		t.Fatalf("submit with the registry login: %v", err)
	}
	if !res.Settled || res.ExitCode != 0 {
		t.Errorf("the job: settled %v, exit %s; want settled, 0", res.Settled, res.ExitCode)
	}
	mu.Lock()
	progress := strings.Join(said, "\n")
	mu.Unlock()
	t.Logf("progress:\n%s", progress)
	if !strings.Contains(progress, "pulling image "+img.Ref) || !strings.Contains(progress, "MiB") {
		t.Errorf("the tenant saw no pull progress:\n%s", progress)
	}
	if logins.Load() == 0 {
		t.Error("the registry saw no request with the tenant's login")
	}
	registrytest.RemoveImage(t, cli, img.Ref)

	sc.before = balances(t, ts.esc, sc.accounts)
	_, err = ts.client.Submit(ctx, job(false), tenant.Options{StartTimeout: 2 * time.Minute})
	t.Logf("without the login: %v", err)
	if err == nil || !strings.Contains(err.Error(), "the job cannot be created") || !strings.Contains(err.Error(), "refused the pull") {
		t.Errorf("submit without the login: %v; want it refused, saying why", err)
	}
	testenv.Eventually(t, time.Minute, "the declined lease settled", func() (bool, string, error) {
		after := balances(t, ts.esc, sc.accounts)
		moved := new(big.Int).Sub(after[0], sc.before[0])
		return moved.Sign() == 0, "the tenant's balance moved by " + moved.String(), nil
	})
}
