package executor

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"log/slog"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/authconfig"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"

	"github.com/tender-market/tender/internal/testenv"
)

// registryEngine stands in for an engine pulling from a registry, for what
// a real registry cannot easily be made to do (registry_test.go pulls from
// a real one). Only the calls Start makes are implemented; any other panics
// through the nil Engine.
type registryEngine struct {
	Engine
	pulls    []string
	options  []client.ImagePullOptions
	creates  int
	messages []jsonstream.Message
	// hang makes the engine stop answering: "pull" before it answers the
	// pull, "stream" after it sent the messages, until the pull's context
	// is done.
	hang string
}

func (e *registryEngine) ContainerCreate(_ context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	e.creates++
	if len(e.pulls) == 0 {
		return client.ContainerCreateResult{}, cerrdefs.ErrNotFound.WithMessage("No such image: " + o.Config.Image)
	}
	return client.ContainerCreateResult{ID: "0123456789abcdef"}, nil
}

// ImageInspect finds the image once it was pulled.
func (e *registryEngine) ImageInspect(_ context.Context, ref string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	if len(e.pulls) == 0 {
		return client.ImageInspectResult{}, cerrdefs.ErrNotFound.WithMessage("No such image: " + ref)
	}
	var r client.ImageInspectResult
	r.ID = "sha256:" + strings.Repeat("0", 64)
	return r, nil
}

// ContainerInspect shows a created container with no volumes.
func (e *registryEngine) ContainerInspect(context.Context, string, client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	return client.ContainerInspectResult{}, nil
}

func (e *registryEngine) ContainerStart(context.Context, string, client.ContainerStartOptions) (client.ContainerStartResult, error) {
	return client.ContainerStartResult{}, nil
}

func (e *registryEngine) ImagePull(ctx context.Context, ref string, o client.ImagePullOptions) (client.ImagePullResponse, error) {
	e.pulls = append(e.pulls, ref)
	e.options = append(e.options, o)
	if e.hang == "pull" {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return pullStream{ReadCloser: io.NopCloser(strings.NewReader("")), messages: e.messages, hang: e.hang == "stream"}, nil
}

type pullStream struct {
	io.ReadCloser
	messages []jsonstream.Message
	hang     bool
}

func (s pullStream) JSONMessages(ctx context.Context) iter.Seq2[jsonstream.Message, error] {
	return func(yield func(jsonstream.Message, error) bool) {
		for _, m := range s.messages {
			if !yield(m, nil) {
				return
			}
		}
		if s.hang {
			<-ctx.Done()
			yield(jsonstream.Message{}, ctx.Err())
		}
	}
}

func (s pullStream) Wait(context.Context) error { return nil }

func TestPullMissingImage(t *testing.T) {
	progress := []jsonstream.Message{
		{Status: "Pulling from tender/example-train", ID: "dev"},
		{Status: "Downloading", ID: "a1b2", Progress: &jsonstream.Progress{Current: 512, Total: 2048}},
		{Status: "Downloading", ID: "a1b2", Progress: &jsonstream.Progress{Current: 1024, Total: 2048}},
		{Status: "Pull complete", ID: "a1b2"},
	}
	tests := []struct {
		name      string
		pull      bool
		messages  []jsonstream.Message
		wantErr   string
		wantPulls int
		wantLogs  []string
	}{
		{name: "pulling off", pull: false, wantErr: "build it", wantPulls: 0},
		{name: "pulled", pull: true, messages: progress, wantPulls: 1,
			wantLogs: []string{"pulling image", `status=Downloading bytes=512 total=2048`, `status="Pull complete"`, "pulled image"}},
		{name: "pull fails", pull: true, wantPulls: 1, wantErr: "pulling it failed: the registry refused the pull (unauthorized",
			messages: []jsonstream.Message{{Error: &jsonstream.Error{Message: "unauthorized"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			engine := &registryEngine{messages: tt.messages}
			var logs bytes.Buffer
			ex := newExecutor(t, engine, Config{
				PullImages: tt.pull,
				Logger:     slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			})
			run, err := ex.Start(t.Context(), Job{LeaseID: "0xpull", Image: "tender/example-train:dev"})
			if tt.wantErr != "" {
				if !errors.Is(err, ErrImageMissing) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("Start() error = %v, want ErrImageMissing containing %q", err, tt.wantErr)
				}
			} else if err != nil || run.ContainerID == "" {
				t.Errorf("Start() = %+v, %v; want a started run", run, err)
			}
			if len(engine.pulls) != tt.wantPulls {
				t.Errorf("%d pulls, want %d", len(engine.pulls), tt.wantPulls)
			}
			for _, want := range tt.wantLogs {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("logs lack %q:\n%s", want, logs.String())
				}
			}
			if strings.Count(logs.String(), "status=Downloading") > 1 {
				t.Errorf("progress logged on every message, want once per layer and status:\n%s", logs.String())
			}
		})
	}
}

// pullMessages are the engine's messages for a pull of three layers: one
// already here, two downloaded (the second without a Downloading message
// of its own: its size comes from Extracting).
var pullMessages = []jsonstream.Message{
	{Status: "Pulling from tender/model", ID: "v1"},
	{Status: "Already exists", ID: "aaaa"},
	{Status: "Pulling fs layer", ID: "bbbb"},
	{Status: "Pulling fs layer", ID: "cccc"},
	{Status: "Waiting", ID: "cccc"},
	{Status: "Downloading", ID: "bbbb", Progress: &jsonstream.Progress{Current: 1000, Total: 4000}},
	{Status: "Downloading", ID: "bbbb", Progress: &jsonstream.Progress{Current: 3000, Total: 4000}},
	{Status: "Verifying Checksum", ID: "bbbb"},
	{Status: "Download complete", ID: "bbbb"},
	{Status: "Download complete", ID: "cccc"},
	{Status: "Extracting", ID: "bbbb", Progress: &jsonstream.Progress{Current: 2000, Total: 4000}},
	{Status: "Pull complete", ID: "bbbb"},
	{Status: "Extracting", ID: "cccc", Progress: &jsonstream.Progress{Current: 100, Total: 500}},
	{Status: "Pull complete", ID: "cccc"},
	{Status: "Digest: sha256:" + strings.Repeat("ab", 32)},
	{Status: "Status: Downloaded newer image for tender/model:v1"},
}

func TestPullTracker(t *testing.T) {
	p := newPullTracker("tender/model:v1")
	want := []PullProgress{
		{},
		{Layers: 1, Done: 1},
		{Layers: 2, Done: 1},
		{Layers: 3, Done: 1},
		{Layers: 3, Done: 1},
		{Current: 1000, Total: 4000, Layers: 3, Done: 1},
		{Current: 3000, Total: 4000, Layers: 3, Done: 1},
		{Current: 4000, Total: 4000, Layers: 3, Done: 1},
		{Current: 4000, Total: 4000, Layers: 3, Done: 1},
		{Current: 4000, Total: 4000, Layers: 3, Done: 1},
		{Current: 4000, Total: 4000, Layers: 3, Done: 1},
		{Current: 4000, Total: 4000, Layers: 3, Done: 2},
		{Current: 4500, Total: 4500, Layers: 3, Done: 2},
		{Current: 4500, Total: 4500, Layers: 3, Done: 3},
		{Current: 4500, Total: 4500, Layers: 3, Done: 3},
		{Current: 4500, Total: 4500, Layers: 3, Done: 3},
	}
	for i, msg := range pullMessages {
		layer := p.update(msg)
		if wantLayer := msg.ID != "" && msg.ID != "v1"; layer != wantLayer {
			t.Errorf("message %d (%s %s) is about a layer: %v, want %v", i, msg.ID, msg.Status, layer, wantLayer)
		}
		got := p.snapshot()
		want[i].Image = "tender/model:v1"
		if got != want[i] {
			t.Errorf("after message %d (%s %s): %+v, want %+v", i, msg.ID, msg.Status, got, want[i])
		}
	}
}

func TestPullReportsProgress(t *testing.T) {
	engine := &registryEngine{messages: pullMessages}
	ex := newExecutor(t, engine, Config{PullImages: true})
	var reports []PullProgress
	_, err := ex.Start(t.Context(), Job{LeaseID: "0xpull", Image: "tender/model:v1", OnPull: func(p PullProgress) { reports = append(reports, p) }})
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	// The first layer message is told at once, the rest within 500 ms only
	// at the end.
	if len(reports) < 2 {
		t.Fatalf("OnPull told %v, want the first layer and the end at least", reports)
	}
	if first, want := reports[0], (PullProgress{Image: "tender/model:v1", Layers: 1, Done: 1}); first != want {
		t.Errorf("first report %+v, want %+v", first, want)
	}
	if last, want := reports[len(reports)-1], (PullProgress{Image: "tender/model:v1", Current: 4500, Total: 4500, Layers: 3, Done: 3}); last != want {
		t.Errorf("last report %+v, want %+v", last, want)
	}
	if len(reports) == len(pullMessages) {
		t.Errorf("OnPull told every message (%d), want at most one each 500 ms", len(reports))
	}
}

func TestPullCredentials(t *testing.T) {
	const password = "pw-Secret-42"
	digest := "sha256:" + strings.Repeat("0123456789abcdef", 4)
	tests := []struct {
		name       string
		image      string
		auth       *RegistryAuth
		wantServer string
	}{
		{"registry with a port", "registry.example:5000/team/model@" + digest, &RegistryAuth{Username: "tenant", Password: password}, "registry.example:5000"},
		{"Docker Hub", "tender/model:v1", &RegistryAuth{Username: "tenant", Password: password}, "docker.io"},
		{"anonymous", "tender/model:v1", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs testenv.Buffer
			engine := &registryEngine{}
			ex := newExecutor(t, engine, Config{PullImages: true, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			if _, err := ex.Start(t.Context(), Job{LeaseID: "0xpull", Image: tt.image, RegistryAuth: tt.auth}); err != nil {
				t.Fatalf("Start() error = %v", err)
			}
			if len(engine.options) != 1 {
				t.Fatalf("%d pulls, want 1", len(engine.options))
			}
			encoded := engine.options[0].RegistryAuth
			if tt.auth == nil {
				if encoded != "" {
					t.Errorf("RegistryAuth = %q, want none", encoded)
				}
				return
			}
			got, err := authconfig.Decode(encoded)
			if err != nil {
				t.Fatalf("decode RegistryAuth: %v", err)
			}
			want := registry.AuthConfig{Username: "tenant", Password: password, ServerAddress: tt.wantServer}
			if *got != want {
				t.Errorf("RegistryAuth = %+v, want %+v", *got, want)
			}
			if strings.Contains(logs.String(), password) || strings.Contains(logs.String(), encoded) {
				t.Errorf("the log holds the credentials:\n%s", logs.String())
			}
		})
	}
}

// TestPullErrorRedacted: an engine error that quotes the password is told
// without it.
func TestPullErrorRedacted(t *testing.T) {
	const password = "pw-Secret-42"
	engine := &registryEngine{messages: []jsonstream.Message{{Error: &jsonstream.Error{Message: "unauthorized: tenant:" + password + " refused"}}}}
	ex := newExecutor(t, engine, Config{PullImages: true})
	_, err := ex.Start(t.Context(), Job{LeaseID: "0xpull", Image: "tender/model:v1", RegistryAuth: &RegistryAuth{Username: "tenant", Password: password}})
	if !errors.Is(err, ErrImageMissing) || !strings.Contains(err.Error(), "unauthorized") || !strings.Contains(err.Error(), "check the job's registry credentials") {
		t.Errorf("Start() error = %v, want ErrImageMissing saying the registry refused the credentials", err)
	}
	if err != nil && strings.Contains(err.Error(), password) {
		t.Errorf("Start() error = %v: it quotes the password", err)
	}
}

func TestPullStalls(t *testing.T) {
	for _, hang := range []string{"pull", "stream"} {
		t.Run(hang, func(t *testing.T) {
			engine := &registryEngine{hang: hang, messages: pullMessages[:6]}
			ex := newExecutor(t, engine, Config{PullImages: true, PullStallTimeout: 200 * time.Millisecond})
			start := time.Now()
			_, err := ex.Start(t.Context(), Job{LeaseID: "0xpull", Image: "tender/model:v1"})
			if !errors.Is(err, errPullStalled) || !errors.Is(err, ErrImageMissing) || !strings.Contains(err.Error(), "no progress from the engine for 200ms") {
				t.Errorf("Start() error = %v, want ErrImageMissing saying the pull stalled", err)
			}
			if elapsed := time.Since(start); elapsed > 10*time.Second {
				t.Errorf("the stalled pull took %v to abort, want about 200ms", elapsed)
			}
			if engine.creates != 1 {
				t.Errorf("%d creates, want only the one that found the image missing", engine.creates)
			}
		})
	}
}

// TestPullCanceled: a pull whose context ends is not called stalled.
func TestPullCanceled(t *testing.T) {
	engine := &registryEngine{hang: "stream"}
	ex := newExecutor(t, engine, Config{PullImages: true, PullStallTimeout: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := ex.Start(ctx, Job{LeaseID: "0xpull", Image: "tender/model:v1"})
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errPullStalled) {
		t.Errorf("Start() error = %v, want the context's deadline, not a stall", err)
	}
}
