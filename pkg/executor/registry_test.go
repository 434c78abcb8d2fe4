package executor

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/tender-market/tender/internal/registrytest"
	"github.com/tender-market/tender/internal/testenv"
)

// noContainer fails the test if the lease has a container.
func noContainer(t *testing.T, cli *client.Client, lease string) {
	t.Helper()
	list, err := cli.ContainerList(t.Context(), client.ContainerListOptions{
		All: true, Filters: make(client.Filters).Add("label", labelLease+"="+lease),
	})
	if err != nil {
		t.Fatalf("list containers: %v", err)
	}
	if len(list.Items) != 0 {
		t.Errorf("lease %s has %d containers after a failed pull, want none", lease, len(list.Items))
	}
}

// pullReports keeps what Job.OnPull is told, with when.
type pullReports struct {
	mu      sync.Mutex
	reports []PullProgress
	times   []time.Time
}

func (r *pullReports) add(p PullProgress) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reports = append(r.reports, p)
	r.times = append(r.times, time.Now())
}

func TestRegistryPullByDigest(t *testing.T) {
	cli := needDocker(t)
	reg := registrytest.Start(t)
	for _, form := range []string{"name-digest", "name-tag-digest"} {
		t.Run(form, func(t *testing.T) {
			img := reg.Push(t, cli, probeImage, registrytest.RepoName(t), 1<<20)
			image := img.Ref
			if form == "name-tag-digest" {
				image = img.Repo + ":v1@" + img.Digest.String()
			}
			var reports pullReports
			ex := newExecutor(t, cli, Config{PullImages: true})
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			res, err := ex.Execute(ctx, Job{
				LeaseID: leaseID(t, cli),
				Image:   image,
				Command: []string{"exit", "0"},
				OnPull:  reports.add,
			}, FinishOptions{})
			if err != nil {
				t.Fatalf("Execute(%s) error = %v", image, err)
			}
			if res.Code != 0 || res.Reason != ReasonExited {
				t.Errorf("exit = code %d, reason %q; want 0, %q", res.Code, res.Reason, ReasonExited)
			}

			if len(reports.reports) == 0 {
				t.Fatal("OnPull was never called")
			}
			last := reports.reports[len(reports.reports)-1]
			t.Logf("%d progress reports, the last %+v", len(reports.reports), last)
			if last.Image != image || last.Layers < 2 || last.Done != last.Layers || last.Total <= 0 || last.Current != last.Total {
				t.Errorf("last progress = %+v; want image %s, all of 2 or more layers done, Current == Total > 0", last, image)
			}
			// The random layer alone is 1 MiB, which does not compress.
			if last.Total < 1<<20 {
				t.Errorf("last progress has %d bytes to download, want at least the random layer's 1 MiB", last.Total)
			}
			for i, p := range reports.reports {
				if p.Current > p.Total || p.Done > p.Layers {
					t.Errorf("progress %d = %+v: more done than there is", i, p)
				}
				// All but the final report are 500 ms apart or more.
				if i > 0 && i < len(reports.reports)-1 {
					if gap := reports.times[i].Sub(reports.times[i-1]); gap < pullReportEvery {
						t.Errorf("progress reports %d and %d %v apart, want at least %v", i-1, i, gap, pullReportEvery)
					}
				}
			}

			info, err := cli.ImageInspect(t.Context(), img.Ref)
			if err != nil {
				t.Fatalf("inspect the pulled image: %v", err)
			}
			if !slices.Contains(info.RepoDigests, img.Ref) {
				t.Errorf("the pulled image's RepoDigests = %v, want %s among them", info.RepoDigests, img.Ref)
			}
		})
	}
}

// TestRegistryAuth: a lease's image is pulled with its registry login and
// only with it; once the machine has the image from that login, another
// lease without it, or with a wrong one, is refused (ErrImageLogin), after
// a restart too, and the login is never logged.
func TestRegistryAuth(t *testing.T) {
	cli := needDocker(t)
	reg := registrytest.Start(t)
	img := reg.Push(t, cli, probeImage, registrytest.RepoName(t), 1<<20)
	const user, password, wrongPassword = "tenant", "s3cret-Pa55word-1f9e", "wrong-Pa55word-7c2d"
	var good atomic.Int32
	reg.Wrap(registrytest.BasicAuth(user, password, &good))

	var logs testenv.Buffer
	cfg := Config{
		PullImages: true,
		WorkDir:    t.TempDir(),
		Logger:     slog.New(slog.NewTextHandler(io.MultiWriter(&logs, t.Output()), &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	ex := newExecutor(t, cli, cfg)
	noSecret := func(what, s string) {
		t.Helper()
		registrytest.NoSecret(t, what, s, user, password, wrongPassword)
	}
	create := func(auth *RegistryAuth) error {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		lease := leaseID(t, cli)
		run, err := ex.Create(ctx, Job{LeaseID: lease, Image: img.Ref, Command: []string{"exit", "0"}, RegistryAuth: auth})
		if err != nil {
			noContainer(t, cli, lease)
			noSecret("the error", err.Error())
			return err
		}
		if err := ex.Remove(ctx, run); err != nil {
			t.Errorf("Remove() error = %v", err)
		}
		return nil
	}

	err := create(nil)
	t.Logf("without credentials: %v", err)
	if !errors.Is(err, ErrImageMissing) || !strings.Contains(err.Error(), "unauthorized") {
		t.Errorf("Create() without credentials: error = %v, want ErrImageMissing saying the registry refused (unauthorized)", err)
	}
	err = create(&RegistryAuth{Username: user, Password: wrongPassword})
	t.Logf("with a wrong password: %v", err)
	if !errors.Is(err, ErrImageMissing) || !strings.Contains(err.Error(), "unauthorized") {
		t.Errorf("Create() with a wrong password: error = %v, want ErrImageMissing saying the registry refused (unauthorized)", err)
	}
	if n := good.Load(); n != 0 {
		t.Errorf("%d requests had the right credentials before they were given", n)
	}
	if err := create(&RegistryAuth{Username: user, Password: password}); err != nil {
		t.Errorf("Create() with the right credentials: %v", err)
	}
	if good.Load() == 0 {
		t.Error("no request had the right credentials")
	}

	// The image is on this machine now, from the tenant's login: another
	// lease that names it must pull it itself, here and after a restart.
	for _, when := range []string{"on this machine", "after a restart"} {
		if when == "after a restart" {
			ex = newExecutor(t, cli, cfg)
		}
		for _, tc := range []struct {
			name string
			auth *RegistryAuth
		}{{"without credentials", nil}, {"with a wrong password", &RegistryAuth{Username: user, Password: wrongPassword}}} {
			err := create(tc.auth)
			t.Logf("%s, %s: %v", when, tc.name, err)
			if !errors.Is(err, ErrImageLogin) || !strings.Contains(err.Error(), "unauthorized") {
				t.Errorf("%s, Create() %s: error = %v, want ErrImageLogin saying the registry refused (unauthorized)", when, tc.name, err)
			}
		}
		before := good.Load()
		if err := create(&RegistryAuth{Username: user, Password: password}); err != nil {
			t.Errorf("%s, Create() with the right credentials: %v", when, err)
		}
		if good.Load() == before {
			t.Errorf("%s: the lease with the right credentials did not show them to the registry", when)
		}
	}
	// Without pulls, no lease may take it from the machine.
	cfg.PullImages = false
	ex = newExecutor(t, cli, cfg)
	if err := create(&RegistryAuth{Username: user, Password: password}); !errors.Is(err, ErrImageLogin) {
		t.Errorf("pulls off, Create(): error = %v, want ErrImageLogin", err)
	}
	noSecret("the executor's log", logs.String())
}

// TestRegistryAuthUnanswered: a registry that never answers the check of
// a lease that must show it may have an image holds the lease no longer
// than a stalled pull would, and the lease is refused.
func TestRegistryAuthUnanswered(t *testing.T) {
	cli := needDocker(t)
	reg := registrytest.Start(t)
	img := reg.Push(t, cli, probeImage, registrytest.RepoName(t), 1<<10)
	const user, password = "tenant", "s3cret-Pa55word-08c3"
	var good atomic.Int32
	reg.Wrap(registrytest.BasicAuth(user, password, &good))
	const stall = 2 * time.Second
	ex := newExecutor(t, cli, Config{PullImages: true, PullStallTimeout: stall})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	run, err := ex.Create(ctx, Job{LeaseID: leaseID(t, cli), Image: img.Ref, Command: []string{"exit", "0"}, RegistryAuth: &RegistryAuth{Username: user, Password: password}})
	if err != nil {
		t.Fatalf("Create() with the login: %v", err)
	}
	if err := ex.Remove(ctx, run); err != nil {
		t.Fatal(err)
	}

	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // before the registry closes
	reg.Wrap(func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			select {
			case <-req.Context().Done():
			case <-release:
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		})
	})
	lease := leaseID(t, cli)
	start := time.Now()
	_, err = ex.Create(ctx, Job{LeaseID: lease, Image: img.Ref, Command: []string{"exit", "0"}})
	elapsed := time.Since(start)
	t.Logf("after %v: %v", elapsed, err)
	if !errors.Is(err, ErrImageLogin) {
		t.Errorf("Create() error = %v, want ErrImageLogin", err)
	}
	if elapsed > stall+30*time.Second {
		t.Errorf("refused after %v, want about %v", elapsed, stall)
	}
	noContainer(t, cli, lease)
}

func TestRegistryWrongDigest(t *testing.T) {
	cli := needDocker(t)
	reg := registrytest.Start(t)
	img := reg.Push(t, cli, probeImage, registrytest.RepoName(t), 1<<20)
	// The probe image is here under the same name, but not with that
	// digest: it must not run instead.
	for _, tag := range []string{"v1", "latest"} {
		target := img.Repo + ":" + tag
		if _, err := cli.ImageTag(t.Context(), client.ImageTagOptions{Source: probeImage, Target: target}); err != nil {
			t.Fatalf("tag %s: %v", target, err)
		}
		t.Cleanup(func() { registrytest.RemoveImage(t, cli, target) })
	}
	wrong := "sha256:" + strings.Repeat("0123456789abcdef", 4)
	ex := newExecutor(t, cli, Config{PullImages: true})
	for _, image := range []string{img.Repo + "@" + wrong, img.Repo + ":v1@" + wrong} {
		lease := leaseID(t, cli)
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		_, err := ex.Create(ctx, Job{LeaseID: lease, Image: image, Command: []string{"exit", "0"}})
		cancel()
		t.Logf("%s: %v", image, err)
		if !errors.Is(err, ErrDigestMismatch) || !errors.Is(err, ErrImageMissing) || !strings.Contains(err.Error(), wrong) {
			t.Errorf("Create(%s) error = %v, want ErrDigestMismatch naming %s", image, err, wrong)
		}
		noContainer(t, cli, lease)
	}
}

func TestRegistryStalledPull(t *testing.T) {
	cli := needDocker(t)
	reg := registrytest.Start(t)
	img := reg.Push(t, cli, probeImage, registrytest.RepoName(t), 1<<20)
	// Blobs are held until the engine hangs up, or the test lets them go.
	// Docker 20.10 does not hang up on a blob when the pull is aborted:
	// its registry client fetches blobs without the pull's context, so
	// the request stays open until the registry ends it.
	release := make(chan struct{})
	var releaseOnce sync.Once
	free := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(free) // before the registry closes, which waits for its handlers
	var held, hungUp atomic.Int32
	var open sync.WaitGroup // the held requests not yet returned
	reg.Wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if !registrytest.IsBlobGet(req) {
				next.ServeHTTP(w, req)
				return
			}
			held.Add(1)
			open.Add(1)
			defer open.Done()
			select {
			case <-req.Context().Done():
				hungUp.Add(1)
			case <-release:
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		})
	})
	const stall = 2 * time.Second
	ex := newExecutor(t, cli, Config{PullImages: true, PullStallTimeout: stall})
	lease := leaseID(t, cli)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	_, err := ex.Create(ctx, Job{LeaseID: lease, Image: img.Ref, Command: []string{"exit", "0"}})
	elapsed := time.Since(start)
	t.Logf("after %v: %v", elapsed, err)
	if !errors.Is(err, errPullStalled) || !errors.Is(err, ErrImageMissing) || !strings.Contains(err.Error(), "stalled") {
		t.Errorf("Create() error = %v, want ErrImageMissing saying the pull stalled", err)
	}
	if elapsed > stall+30*time.Second {
		t.Errorf("the stalled pull was aborted after %v, want about %v", elapsed, stall)
	}
	if held.Load() == 0 {
		t.Error("the engine fetched no blob")
	}
	noContainer(t, cli, lease)
	// Let the held requests go, and see that they all end.
	t.Logf("the engine hung up on %d of %d held blob requests", hungUp.Load(), held.Load())
	free()
	returned := make(chan struct{})
	go func() {
		open.Wait()
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(30 * time.Second):
		t.Fatalf("some of %d held blob requests still open 30s after they were let go", held.Load())
	}
}

func TestRegistryBrokenPull(t *testing.T) {
	cli := needDocker(t)
	reg := registrytest.Start(t)
	tests := []struct {
		name string
		// layer breaks the layer off half-way, else the config.
		layer bool
		// once breaks only the first response, else every one.
		once bool
		// stall is Config.PullStallTimeout.
		stall time.Duration
	}{
		// The engine retries the config 5 times within seconds, sending
		// nothing meanwhile, then fails.
		{name: "config", stall: time.Minute},
		// The engine retries a layer after 5 s, resuming where it broke
		// (and gives up after 5 retries, 75 s of waiting): the pull goes
		// on, and the engine's countdown to the retry is progress, not a
		// stall.
		{name: "layer once", layer: true, once: true, stall: 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := reg.Push(t, cli, probeImage, registrytest.RepoName(t), 1<<20)
			target := img.Config
			if tt.layer {
				target = img.Layer
			}
			var broken, resumed atomic.Int32
			reg.Wrap(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
					if !registrytest.IsBlobGet(req) || !strings.HasSuffix(req.URL.Path, "/"+target.String()) {
						next.ServeHTTP(w, req)
						return
					}
					if r := req.Header.Get("Range"); r != "" {
						resumed.Add(1)
						// The registry knows only closed ranges.
						if strings.HasSuffix(r, "-") {
							req.Header.Set("Range", r+strconv.FormatInt(img.LayerSize-1, 10))
						}
					}
					if tt.once && broken.Load() > 0 {
						next.ServeHTTP(w, req)
						return
					}
					rec := httptest.NewRecorder()
					next.ServeHTTP(rec, req)
					conn, buf, err := http.NewResponseController(w).Hijack()
					if err != nil {
						t.Errorf("hijack: %v", err)
						return
					}
					defer conn.Close()
					broken.Add(1)
					writeHalf(buf, rec.Result(), rec.Body.Bytes())
				})
			})
			ex := newExecutor(t, cli, Config{PullImages: true, PullStallTimeout: tt.stall})
			lease := leaseID(t, cli)
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			start := time.Now()
			run, err := ex.Create(ctx, Job{LeaseID: lease, Image: img.Ref, Command: []string{"exit", "0"}})
			t.Logf("after %v, %d broken responses and %d resumed requests: %v", time.Since(start), broken.Load(), resumed.Load(), err)
			if broken.Load() == 0 {
				t.Error("no response was broken off")
			}
			if tt.once {
				if err != nil {
					t.Fatalf("Create() error = %v, want the engine to resume the layer", err)
				}
				if resumed.Load() == 0 {
					t.Error("the engine fetched the layer again from the start, want it to resume")
				}
				if err := ex.Remove(ctx, run); err != nil {
					t.Errorf("Remove() error = %v", err)
				}
				return
			}
			if err == nil || errors.Is(err, errPullStalled) || !errors.Is(err, ErrImageMissing) || !strings.Contains(err.Error(), img.Ref) {
				t.Errorf("Create() error = %v, want ErrImageMissing naming %s with the engine's error", err, img.Ref)
			}
			noContainer(t, cli, lease)
		})
	}
}

// writeHalf writes the head of resp and half of its body.
func writeHalf(w *bufio.ReadWriter, resp *http.Response, body []byte) {
	fmt.Fprintf(w, "HTTP/1.1 %d %s\r\n", resp.StatusCode, http.StatusText(resp.StatusCode))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	resp.Header.Write(w)
	io.WriteString(w, "\r\n")
	w.Write(body[:len(body)/2])
	w.Flush()
}
