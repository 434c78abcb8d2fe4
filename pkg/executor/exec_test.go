package executor

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// TestExec runs commands in a running job's container: their output and
// exit status come back, and they run as the job does, as the job's user
// with no capabilities; once the job has stopped, nothing runs.
func TestExec(t *testing.T) {
	cli := needDocker(t)
	ex := newExecutor(t, cli, Config{StopGrace: 5 * time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	run := startTraining(t, ctx, ex, cli)
	t.Cleanup(func() { ex.Remove(context.Background(), run) })

	var out, errOut bytes.Buffer
	code, err := ex.Exec(ctx, run, []string{"/train", "-h"}, &out, &errOut)
	if err != nil || code != 0 || !strings.Contains(out.String()+errOut.String(), "-epochs") {
		t.Fatalf("exec /train -h: exit %d, %v; output %q %q; want 0 and the usage", code, err, out.String(), errOut.String())
	}
	out.Reset()
	errOut.Reset()
	code, err = ex.Exec(ctx, run, []string{"/train", "-no-such-flag"}, &out, &errOut)
	if err != nil || code == 0 || !strings.Contains(errOut.String(), "no-such-flag") {
		t.Errorf("exec with a bad flag: exit %d, %v; stderr %q; want a failure that says why", code, err, errOut.String())
	}
	if code, err := ex.Exec(ctx, run, []string{"/no/such/binary"}, &out, &errOut); err != nil || code != 126 && code != 127 {
		t.Errorf("exec of a missing binary: exit %d, %v; want 126 or 127", code, err)
	}

	// An exec runs as its container does: the job's user, unprivileged.
	info, err := cli.ContainerInspect(ctx, run.ContainerID, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Container.Config.User == "" || info.Container.Config.User == "0" || info.Container.HostConfig.Privileged {
		t.Errorf("the container runs as %q (privileged %t): an exec would too", info.Container.Config.User, info.Container.HostConfig.Privileged)
	}

	if err := ex.Cancel(ctx, run); err != nil {
		t.Fatal(err)
	}
	if _, err := ex.Wait(ctx, run); err != nil {
		t.Fatal(err)
	}
	if _, err := ex.Exec(ctx, run, []string{"/train", "-h"}, &out, &errOut); !errors.Is(err, ErrNotRunning) {
		t.Errorf("exec after the job stopped: %v, want ErrNotRunning", err)
	}
}
