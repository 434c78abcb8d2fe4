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

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
)

// registryEngine stands in for an engine with a reachable registry, which
// this project's machines do not have. Only the calls Start makes are
// implemented; any other panics through the nil Engine.
type registryEngine struct {
	Engine
	pulls    []string
	creates  int
	messages []jsonstream.Message
}

func (e *registryEngine) ContainerCreate(_ context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	e.creates++
	if len(e.pulls) == 0 {
		return client.ContainerCreateResult{}, cerrdefs.ErrNotFound.WithMessage("No such image: " + o.Config.Image)
	}
	return client.ContainerCreateResult{ID: "0123456789abcdef"}, nil
}

// ContainerInspect shows a created container with no volumes.
func (e *registryEngine) ContainerInspect(context.Context, string, client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	return client.ContainerInspectResult{}, nil
}

func (e *registryEngine) ContainerStart(context.Context, string, client.ContainerStartOptions) (client.ContainerStartResult, error) {
	return client.ContainerStartResult{}, nil
}

func (e *registryEngine) ImagePull(_ context.Context, ref string, _ client.ImagePullOptions) (client.ImagePullResponse, error) {
	e.pulls = append(e.pulls, ref)
	return pullStream{ReadCloser: io.NopCloser(strings.NewReader("")), messages: e.messages}, nil
}

type pullStream struct {
	io.ReadCloser
	messages []jsonstream.Message
}

func (s pullStream) JSONMessages(context.Context) iter.Seq2[jsonstream.Message, error] {
	return func(yield func(jsonstream.Message, error) bool) {
		for _, m := range s.messages {
			if !yield(m, nil) {
				return
			}
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
		{name: "pull fails", pull: true, wantPulls: 1, wantErr: "pulling it failed: unauthorized",
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
