package executor

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
)

func TestOutputSize(t *testing.T) {
	dir := t.TempDir()
	const mib = 1 << 20
	size := func() int64 {
		t.Helper()
		n, err := outputSize(t.Context(), dir, 1<<62)
		if err != nil {
			t.Fatalf("outputSize() error = %v", err)
		}
		return n
	}
	if got := size(); got != 0 {
		t.Errorf("empty directory measures %d bytes, want 0", got)
	}
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "sub", "data")
	if err := os.WriteFile(data, bytes.Repeat([]byte{1}, mib), 0o644); err != nil {
		t.Fatal(err)
	}
	one := size()
	if one < mib || one > mib+64<<10 {
		t.Fatalf("a 1 MiB file measures %d bytes, want 1 MiB and at most a little more", one)
	}

	// A hard link is the same file; a symbolic link is not followed.
	if err := os.Link(data, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "outside")
	if err := os.WriteFile(outside, make([]byte, 4*mib), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "symlink")); err != nil {
		t.Fatal(err)
	}
	if got := size(); got != one {
		t.Errorf("with a hard link and a symbolic link: %d bytes, want %d", got, one)
	}

	// A sparse file counts its length, which its archive would hold.
	sparse, err := os.Create(filepath.Join(dir, "sparse"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sparse.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	sparse.Close()
	if got := size(); got < one+1<<30 {
		t.Errorf("with a 1 GiB sparse file: %d bytes, want at least %d", got, one+1<<30)
	}

	// Past the limit the walk stops early; a canceled walk fails.
	if n, err := outputSize(t.Context(), dir, 10); err != nil || n <= 10 {
		t.Errorf("outputSize(limit 10) = %d, %v; want more than 10, nil", n, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := outputSize(ctx, dir, 1<<62); !errors.Is(err, context.Canceled) {
		t.Errorf("outputSize(canceled) error = %v, want context.Canceled", err)
	}
}

func TestOutputLimit(t *testing.T) {
	cli := needDocker(t)
	const limit = 1 << 20
	tests := []struct {
		name string
		// The probe writes fillKiB to /output/fill, then waits hold.
		fillKiB, hold string
		// checkEvery is the watchdog's interval.
		checkEvery time.Duration
		// reattach: a second executor, with the default limit, finishes the
		// job the first started.
		reattach   bool
		wantReason ExitReason
		wantMsg    string
	}{
		{"stopped while running", "8192", "1m", 100 * time.Millisecond, false, ReasonOutputLimit, "wrote at least"},
		{"ended before a check", "8192", "0s", time.Hour, false, ReasonOutputLimit, "wrote more to /output than its limit"},
		{"stopped after re-attach", "8192", "1m", 100 * time.Millisecond, true, ReasonOutputLimit, "wrote at least"},
		{"under the limit", "512", "300ms", 100 * time.Millisecond, false, ReasonExited, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			workDir := t.TempDir()
			ex := newExecutor(t, cli, Config{WorkDir: workDir, OutputCheckInterval: tt.checkEvery})
			run, err := ex.Start(ctx, Job{
				LeaseID:     leaseID(t, cli),
				Image:       probeImage,
				Command:     []string{"fill", tt.fillKiB, tt.hold},
				OutputLimit: limit,
			})
			if err != nil {
				t.Fatalf("Start() error = %v", err)
			}
			if tt.reattach {
				ex = newExecutor(t, cli, Config{WorkDir: workDir, OutputCheckInterval: tt.checkEvery})
				if run, err = ex.Attach(ctx, run.LeaseID); err != nil {
					t.Fatalf("Attach() error = %v", err)
				}
				if run.OutputLimit != limit {
					t.Errorf("attached run's OutputLimit = %d, want %d", run.OutputLimit, limit)
				}
			}

			var archive bytes.Buffer
			started := time.Now()
			res, err := ex.Finish(ctx, run, FinishOptions{Output: &archive})
			took := time.Since(started)
			if tt.wantReason == ReasonExited {
				if err != nil || res.Reason != ReasonExited || res.Code != 0 {
					t.Fatalf("Finish() = code %d, reason %q, error %v; want 0, exited, nil", res.Code, res.Reason, err)
				}
				if got := len(untar(t, archive.Bytes())["output/fill"]); got != 512<<10 {
					t.Errorf("output/fill holds %d bytes, want 512 KiB", got)
				}
				return
			}
			if !errors.Is(err, ErrOutputLimit) {
				t.Errorf("Finish() error = %v, want ErrOutputLimit", err)
			}
			if res.Reason != tt.wantReason || !strings.Contains(res.Message, tt.wantMsg) || !strings.Contains(res.Message, "1048576") {
				t.Errorf("exit = reason %q, message %q; want %q, a message with %q and the limit", res.Reason, res.Message, tt.wantReason, tt.wantMsg)
			}
			if max := int64(limit) + TarAllowance(limit); int64(archive.Len()) > max {
				t.Errorf("Finish wrote %d bytes of archive, want at most %d", archive.Len(), max)
			}
			if took > 15*time.Second {
				t.Errorf("Finish took %v, want the job stopped within seconds", took)
			}
			// The output can never be collected: the container and its
			// output are gone.
			if _, err := cli.ContainerInspect(t.Context(), run.ContainerID, client.ContainerInspectOptions{}); !cerrdefs.IsNotFound(err) {
				t.Errorf("container still there: inspect error = %v, want not found", err)
			}
			if _, err := os.Stat(run.OutputDir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("output directory: stat error = %v, want not exist", err)
			}
		})
	}
}

// TestAttackImageVolume: an image that declares a VOLUME gets an anonymous
// volume on the provider's disk, writable under the read-only root and
// measured by nothing: the job fills the disk there. Each VOLUME is a
// tmpfs instead, charged to the job's memory: a write past its size fails,
// and no volume is made.
func TestAttackImageVolume(t *testing.T) {
	cli := needDocker(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	ex := newExecutor(t, cli, Config{WorkDir: t.TempDir(), TmpfsBytes: 8 << 20})
	run, err := ex.Start(ctx, Job{
		LeaseID: leaseID(t, cli),
		Image:   probeVolumeImage,
		Command: []string{"fill", "16384", "0s", "/data/fill"},
	})
	if err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	info, err := cli.ContainerInspect(ctx, run.ContainerID, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range info.Container.Mounts {
		if m.Type == mount.TypeVolume {
			t.Errorf("the job has volume %s at %s, on the provider's disk", m.Name, m.Destination)
		}
	}
	if got := info.Container.HostConfig.Tmpfs["/data"]; !strings.Contains(got, "size=8388608") {
		t.Errorf("tmpfs at /data: %q, want one of 8 MiB", got)
	}
	var logs bytes.Buffer
	res, err := ex.Finish(ctx, run, FinishOptions{Stdout: &logs, Stderr: &logs})
	if err != nil {
		t.Fatalf("Finish() error = %v", err)
	}
	if res.Code == 0 {
		t.Errorf("the job wrote 16 MiB into its image's volume (exit 0, %q), want the write refused past 8 MiB", logs.String())
	}
}
