package executor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// ErrNotRunning: the job's container is not running, so nothing can run
// in it.
var ErrNotRunning = errors.New("the job's container is not running")

// Exec runs cmd in run's container, confined as the job is: as the job's
// user, with every capability dropped and no new privileges (the
// container's own settings, which an exec inherits), never privileged, with
// no terminal and no standard input. What it prints goes to stdout and
// stderr; it returns the command's exit status. ctx ends the wait (the
// command may run on in the container until the job ends).
func (e *Executor) Exec(ctx context.Context, run Run, cmd []string, stdout, stderr io.Writer) (int, error) {
	if len(cmd) == 0 {
		return 0, errors.New("exec: no command")
	}
	ins, err := e.engine.ContainerInspect(ctx, run.ContainerID, client.ContainerInspectOptions{})
	if err != nil {
		return 0, fmt.Errorf("exec: inspect container %s: %w", shortID(run.ContainerID), err)
	}
	if st := ins.Container.State; st == nil || !st.Running {
		return 0, ErrNotRunning
	}
	created, err := e.engine.ExecCreate(ctx, run.ContainerID, client.ExecCreateOptions{
		AttachStdout: true, AttachStderr: true, Cmd: cmd,
	})
	if err != nil {
		return 0, fmt.Errorf("exec: %w", err)
	}
	att, err := e.engine.ExecAttach(ctx, created.ID, client.ExecAttachOptions{})
	if err != nil {
		return 0, fmt.Errorf("exec: attach: %w", err)
	}
	stop := context.AfterFunc(ctx, att.Close)
	_, err = stdcopy.StdCopy(stdout, stderr, att.Reader)
	stop()
	att.Close()
	if err != nil {
		return 0, fmt.Errorf("exec: %w", errors.Join(ctx.Err(), err))
	}
	// The output ended with the command; its status follows at once.
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		st, err := e.engine.ExecInspect(ctx, created.ID, client.ExecInspectOptions{})
		if err != nil {
			return 0, fmt.Errorf("exec: %w", err)
		}
		if !st.Running {
			return st.ExitCode, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return 0, fmt.Errorf("exec: %w", ctx.Err())
		case <-t.C:
		}
	}
}
