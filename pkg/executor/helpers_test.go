package executor

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
	"go.uber.org/goleak"

	"github.com/tender-market/tender/internal/testenv"
)

// Images the tests build from this repository's sources, from scratch.
const (
	probeImage = "tender/executor-probe:test"
	// probeVolumeImage is the probe on an image that declares VOLUME /data,
	// a directory anyone may write to.
	probeVolumeImage = "tender/executor-probe-volume:test"
	trainImage       = "tender/example-train:test"
)

const dockerHow = "run scripts/setup.d/20-docker.sh, which installs docker.io and starts dockerd"

// docker is the engine shared by the tests, connected and given its images
// on first use.
var docker struct {
	once     sync.Once
	cli      *client.Client
	dialErr  error
	buildErr error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if docker.cli != nil {
		docker.cli.Close()
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// needDocker returns a client of a running Docker Engine that has the test
// images. Without an engine the test fails under CI and skips elsewhere.
func needDocker(t testing.TB) *client.Client {
	t.Helper()
	docker.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		docker.cli, docker.dialErr = Dial(ctx)
		if docker.dialErr != nil {
			return
		}
		docker.buildErr = buildTestImages(ctx, docker.cli)
	})
	testenv.Need(t, "Docker Engine", dockerHow, docker.dialErr)
	if docker.buildErr != nil {
		t.Fatalf("build test images: %v", docker.buildErr)
	}
	return docker.cli
}

// testImages are built from scratch by the tests, each from one package.
var testImages = []struct{ pkg, bin, tag, dockerfile string }{
	{"./internal/probe", "probe", probeImage, "FROM scratch\nCOPY probe /probe\nENTRYPOINT [\"/probe\"]\n"},
	{"./internal/probe", "probe", probeVolumeImage, "FROM scratch\nCOPY probe /probe\nCOPY rootfs /\nVOLUME /data\nENTRYPOINT [\"/probe\"]\n"},
	{"../../examples/train", "train", trainImage, "FROM scratch\nCOPY train /train\nENTRYPOINT [\"/train\"]\nCMD [\"-out\", \"/output\"]\n"},
}

func buildTestImages(ctx context.Context, cli *client.Client) error {
	for _, img := range testImages {
		if err := buildTestImage(ctx, cli, img.tag); err != nil {
			return err
		}
	}
	return nil
}

// buildTestImage builds the test image tag on cli's engine.
func buildTestImage(ctx context.Context, cli *client.Client, tag string) error {
	for _, img := range testImages {
		if img.tag == tag {
			if err := buildScratchImage(ctx, cli, img.pkg, img.bin, img.tag, img.dockerfile); err != nil {
				return fmt.Errorf("%s: %w", img.tag, err)
			}
			return nil
		}
	}
	return fmt.Errorf("no test image %s", tag)
}

// buildScratchImage compiles pkg as a static binary and builds an image from
// it through the Engine API, with no registry involved.
func buildScratchImage(ctx context.Context, cli *client.Client, pkg, bin, tag, dockerfile string) error {
	dir, err := os.MkdirTemp("", "tender-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("the go command is needed to build test images: %w", err)
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", filepath.Join(dir, bin), pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	binary, err := os.ReadFile(filepath.Join(dir, bin))
	if err != nil {
		return err
	}

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct {
		name string
		mode int64
		data []byte
	}{{"Dockerfile", 0o644, []byte(dockerfile)}, {bin, 0o755, binary}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data))}); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	// A directory anyone may write to, for images that make it theirs
	// (COPY rootfs /).
	if err := tw.WriteHeader(&tar.Header{Name: "rootfs/data/", Typeflag: tar.TypeDir, Mode: 0o1777}); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}

	res, err := cli.ImageBuild(ctx, &buf, client.ImageBuildOptions{
		Tags: []string{tag}, Remove: true, ForceRemove: true, Version: build.BuilderV1,
	})
	if err != nil {
		return err
	}
	defer res.Body.Close()
	dec := json.NewDecoder(res.Body)
	for {
		var msg jsonstream.Message
		if err := dec.Decode(&msg); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if msg.Error != nil {
			return msg.Error
		}
	}
}

// newExecutor returns an Executor writing under a fresh directory, logging
// into the test's output.
func newExecutor(t testing.TB, engine Engine, cfg Config) *Executor {
	t.Helper()
	if cfg.WorkDir == "" {
		cfg.WorkDir = t.TempDir()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if cfg.StopGrace == 0 {
		cfg.StopGrace = 2 * time.Second
	}
	ex, err := New(engine, cfg)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return ex
}

// leaseID returns a lease ID no other test, or other run of the tests, uses,
// and removes its container when the test ends.
func leaseID(t *testing.T, cli *client.Client) string {
	t.Helper()
	name := strings.NewReplacer("/", "-", " ", "-", "_", "-").Replace(t.Name())
	id := fmt.Sprintf("0xtest-%d-%d-%s", os.Getpid(), time.Now().UnixNano()%1_000_000_000, strings.ToLower(name))
	id = truncate(id, 100)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := cli.ContainerRemove(ctx, containerName(id), client.ContainerRemoveOptions{Force: true})
		if err != nil && !cerrdefs.IsNotFound(err) {
			t.Logf("remove test container of %s: %v", id, err)
		}
	})
	return id
}

// lines is an io.Writer that keeps what is written and hands out complete
// lines as they arrive.
type lines struct {
	mu      sync.Mutex
	all     strings.Builder
	partial string
	ch      chan string
}

func newLines() *lines { return &lines{ch: make(chan string, 10000)} }

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all.Write(p)
	l.partial += string(p)
	for {
		i := strings.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		select {
		case l.ch <- l.partial[:i]:
		default:
		}
		l.partial = l.partial[i+1:]
	}
	return len(p), nil
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all.String()
}

// waitLine waits for a line starting with prefix.
func (l *lines) waitLine(t *testing.T, prefix string, timeout time.Duration) string {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case line := <-l.ch:
			if strings.HasPrefix(line, prefix) {
				return line
			}
		case <-deadline:
			t.Fatalf("no line starting with %q within %v; got so far:\n%s", prefix, timeout, l.String())
			return ""
		}
	}
}

// untar reads the regular files of a tar archive.
func untar(t *testing.T, archive []byte) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files
		}
		if err != nil {
			t.Fatalf("read output archive: %v", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("read %s from output archive: %v", h.Name, err)
		}
		files[h.Name] = b
	}
}

// result is what a goroutine running Wait or Finish hands back.
type result[T any] struct {
	v   T
	err error
}

// await reads one result with a timeout.
func await[T any](t *testing.T, ch <-chan result[T], timeout time.Duration, what string) (T, error) {
	t.Helper()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(timeout):
		t.Fatalf("%s did not return within %v", what, timeout)
		var zero T
		return zero, nil
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// startTraining starts the training image on a long run (100,000 epochs,
// one every 100 ms) under a new lease, for tests that need a job running.
func startTraining(t *testing.T, ctx context.Context, ex *Executor, cli *client.Client) Run {
	t.Helper()
	run, err := ex.Start(ctx, Job{
		LeaseID: leaseID(t, cli),
		Image:   trainImage,
		Command: []string{"-epochs", "100000", "-epoch-delay", "100ms", "-out", "/output"},
	})
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	return run
}
