package executor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
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
	id, err := e.createExec(ctx, run, cmd, client.ExecCreateOptions{AttachStdout: true, AttachStderr: true})
	if err != nil {
		return 0, err
	}
	att, err := e.engine.ExecAttach(ctx, id, client.ExecAttachOptions{})
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
	return e.execStatus(ctx, id)
}

// TermSize is a terminal's size in characters.
type TermSize struct {
	Cols, Rows uint16
}

// Shell runs cmd in run's container on a terminal of size, confined as
// Exec is (the job's user, no capabilities, no new privileges): what
// stdin holds is typed on the terminal, what the terminal shows goes to
// out, and each size resize sends resizes it. It returns the command's
// exit status when it ends; ctx's end closes the terminal. It returns
// without waiting for a read of stdin: end stdin when it returns.
func (e *Executor) Shell(ctx context.Context, run Run, cmd []string, size TermSize, stdin io.Reader, out io.Writer, resize <-chan TermSize) (int, error) {
	console := client.ConsoleSize{Height: uint(size.Rows), Width: uint(size.Cols)}
	id, err := e.createExec(ctx, run, cmd, client.ExecCreateOptions{
		TTY: true, ConsoleSize: console, AttachStdin: true, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return 0, err
	}
	att, err := e.engine.ExecAttach(ctx, id, client.ExecAttachOptions{TTY: true, ConsoleSize: console})
	if err != nil {
		return 0, fmt.Errorf("shell: attach: %w", err)
	}
	// Engines before API 1.42 take no size at creation: the terminal gets
	// it now, as the command starts.
	if _, err := e.engine.ExecResize(ctx, id, client.ExecResizeOptions{Height: console.Height, Width: console.Width}); err != nil {
		e.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "terminal not sized", slog.String("lease", run.LeaseID), slog.Any("err", err))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, att.Close)
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	// The terminal ends when the command does, not when its input does (a
	// shell whose input ended still prints); Shell does not wait for a
	// read of stdin that never returns: its caller ends stdin.
	go func() {
		io.Copy(att.Conn, stdin)
		if cw, ok := att.Conn.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
	}()
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case sz, ok := <-resize:
				if !ok {
					return
				}
				if _, err := e.engine.ExecResize(ctx, id, client.ExecResizeOptions{Height: uint(sz.Rows), Width: uint(sz.Cols)}); err != nil {
					e.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "terminal not resized", slog.String("lease", run.LeaseID), slog.Any("err", err))
				}
			}
		}
	})
	_, err = io.Copy(out, att.Reader)
	if err != nil && ctx.Err() == nil {
		cancel()
		return 0, fmt.Errorf("shell: %w", err)
	}
	code, err := e.execStatus(ctx, id)
	cancel()
	return code, err
}

// createExec creates cmd's exec in run's running container.
func (e *Executor) createExec(ctx context.Context, run Run, cmd []string, opts client.ExecCreateOptions) (string, error) {
	if len(cmd) == 0 {
		return "", errors.New("exec: no command")
	}
	ins, err := e.engine.ContainerInspect(ctx, run.ContainerID, client.ContainerInspectOptions{})
	if err != nil {
		return "", fmt.Errorf("exec: inspect container %s: %w", shortID(run.ContainerID), err)
	}
	if st := ins.Container.State; st == nil || !st.Running {
		return "", ErrNotRunning
	}
	opts.Cmd = cmd
	created, err := e.engine.ExecCreate(ctx, run.ContainerID, opts)
	if err != nil {
		return "", fmt.Errorf("exec: %w", err)
	}
	return created.ID, nil
}

// execStatus waits for exec id's exit status, which follows at once once
// its output ended.
func (e *Executor) execStatus(ctx context.Context, id string) (int, error) {
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		st, err := e.engine.ExecInspect(ctx, id, client.ExecInspectOptions{})
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
