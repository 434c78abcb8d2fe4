package network

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// A shell (OpShell) runs a command on a terminal in the lease's job. After
// the handshake the tenant sends a chunk stream of what is typed, with
// resize messages (tagResize) and keepalives among the data, and ends it
// when its input ends; the provider sends what the terminal shows as a
// chunk stream whose trailer carries the exit status, as exec's does.

// shell runs the request's command on a terminal, fed from the tenant's
// chunk stream.
func (l *leaseStream) shell(ctx context.Context) {
	resize := make(chan TermSize, 1)
	in := newChunkReader(l.fr, l.s, l.n.cfg.LeaseIdleTimeout)
	in.onKeepalive = l.n.shellKeepalive
	in.onResize = func(body []byte) error {
		var size TermSize
		if err := json.Unmarshal(body, &size); err != nil {
			return err
		}
		if !size.valid() {
			return fmt.Errorf("%dx%d: want 1 to %d columns and rows", size.Cols, size.Rows, maxTermSide)
		}
		select { // only the latest size matters
		case <-resize:
		default:
		}
		resize <- size
		return nil
	}
	l.stream(ctx, func(ctx context.Context, cw *chunkWriter) (chunkTrailer, error) {
		stdin, typed := io.Pipe()
		go func() {
			_, err := io.Copy(typed, in)
			typed.CloseWithError(err) // nil: the input ended
		}()
		code, err := l.host.Shell(ctx, l.req.LeaseID, l.req.Command, *l.req.Term, stdin, cw, resize)
		stdin.Close()
		return chunkTrailer{ExitCode: &code}, err
	})
}

// Shell runs cmd in the lease's running job on a terminal of size,
// confined as exec is: what stdin holds is typed on it (its end ends the
// input, not the command), what the terminal shows is copied to out, and
// each size on resize resizes it. It returns the command's exit status.
// A provider that runs no commands refuses with ErrExecOff. Shell does
// not wait for a read of stdin that has not returned when the command
// ends.
func (c *LeaseClient) Shell(ctx context.Context, cmd []string, size TermSize, stdin io.Reader, out io.Writer, resize <-chan TermSize) (int, error) {
	if !validCommand(cmd) {
		return 0, fmt.Errorf("lease %s: shell: a command is 1 to %d arguments of at most %d bytes in all, without NUL", c.leaseID.Hex(), maxExecArgs, maxExecBytes)
	}
	if !size.valid() {
		return 0, fmt.Errorf("lease %s: shell: a %dx%d terminal: want 1 to %d columns and rows", c.leaseID.Hex(), size.Cols, size.Rows, maxTermSide)
	}
	lc, err := c.open(ctx, leaseRequest{Op: OpShell, Command: cmd, Term: &size})
	if err != nil {
		return 0, err
	}
	lc.s.SetDeadline(time.Time{})
	sctx, stop := context.WithCancel(ctx)
	sent := make(chan error, 1)
	go func() { sent <- c.sendTyping(sctx, newChunkWriter(lc.s, c.n.cfg.LeaseIdleTimeout), stdin, resize) }()
	t, err := c.receiveBody(lc, out)
	stop()
	if serr := <-sent; err == nil && serr != nil && !errors.Is(serr, context.Canceled) {
		err = serr
	}
	lc.close(err == nil)
	if err == nil && t.ExitCode == nil {
		err = errors.New("the provider sent no exit status")
	}
	if err != nil {
		return 0, fmt.Errorf("lease %s: shell: %w", c.leaseID.Hex(), ctxErr(ctx, err))
	}
	return *t.ExitCode, nil
}

// sendTyping sends stdin as a chunk stream, with every size from resize and a
// keepalive every quarter of the idle timeout, until stdin ends (then the
// trailer) or ctx does.
func (c *LeaseClient) sendTyping(ctx context.Context, cw *chunkWriter, stdin io.Reader, resize <-chan TermSize) error {
	typed := make(chan []byte)
	readErr := make(chan error, 1)
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := stdin.Read(buf)
			if n > 0 {
				select {
				case typed <- append([]byte(nil), buf[:n]...):
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				readErr <- err
				return
			}
		}
	}()
	tick := time.NewTicker(c.n.cfg.LeaseIdleTimeout / 4)
	defer tick.Stop()
	for {
		var err error
		select {
		case <-ctx.Done():
			return ctx.Err()
		case b := <-typed:
			_, err = cw.Write(b)
		case size := <-resize:
			if size.valid() {
				err = cw.resize(size)
			}
		case <-tick.C:
			err = cw.keepalive()
		case rerr := <-readErr:
			if !errors.Is(rerr, io.EOF) {
				return cw.end(chunkTrailer{Error: rerr.Error()})
			}
			return cw.end(chunkTrailer{})
		}
		if err != nil {
			return err
		}
	}
}
