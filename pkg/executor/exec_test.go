package executor

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/tender-market/tender/internal/testenv"
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

// TestShell: a command on a terminal in the running job: what is typed
// reaches it, what it prints comes back, the terminal has the size asked
// and follows a resize, the command's exit status comes back, and it runs
// as the job's user; a stopped job has no terminal.
func TestShell(t *testing.T) {
	cli := needDocker(t)
	ex := newExecutor(t, cli, Config{StopGrace: time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	run, err := ex.Start(ctx, Job{LeaseID: leaseID(t, cli), Image: probeImage, Command: []string{"ticker", "1s", "0"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ex.Remove(context.Background(), run) })

	in, typed := io.Pipe()
	defer typed.Close()
	var out testenv.Buffer
	resize := make(chan TermSize, 1)
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := ex.Shell(ctx, run, []string{"/probe", "tty"}, TermSize{Cols: 100, Rows: 30}, in, &out, resize)
		done <- result{code, err}
	}()
	says := func(what string) {
		t.Helper()
		testenv.Eventually(t, 30*time.Second, "the terminal shows "+what, func() (bool, string, error) {
			return strings.Contains(out.String(), what), out.String(), nil
		})
	}
	says("uid=65534")
	testenv.Eventually(t, 30*time.Second, "the terminal sized", func() (bool, string, error) {
		io.WriteString(typed, "size\n")
		return strings.Contains(out.String(), "size 100x30"), out.String(), nil
	})
	io.WriteString(typed, "hello\n")
	says("echo: hello")
	resize <- TermSize{Cols: 132, Rows: 43}
	testenv.Eventually(t, 30*time.Second, "the terminal resized", func() (bool, string, error) {
		io.WriteString(typed, "size\n")
		return strings.Contains(out.String(), "size 132x43"), out.String(), nil
	})
	io.WriteString(typed, "exit 7\n")
	select {
	case r := <-done:
		if r.err != nil || r.code != 7 {
			t.Errorf("shell ended with %d, %v; want 7", r.code, r.err)
		}
	case <-ctx.Done():
		t.Fatal("the shell did not end with its command")
	}

	if err := ex.Cancel(ctx, run); err != nil {
		t.Fatal(err)
	}
	if _, err := ex.Wait(ctx, run); err != nil {
		t.Fatal(err)
	}
	if _, err := ex.Shell(ctx, run, []string{"/probe", "tty"}, TermSize{Cols: 80, Rows: 24}, strings.NewReader(""), io.Discard, nil); !errors.Is(err, ErrNotRunning) {
		t.Errorf("shell after the job stopped: %v, want ErrNotRunning", err)
	}
}
