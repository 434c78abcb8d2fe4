package network

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
)

// Forward streams (ProtocolForward) carry one TCP connection each between
// a lease's tenant and a port its job exposes. The stream opens as a lease
// stream does: the request (op "forward" and the port), the provider's
// challenge, the tenant's signature, the provider's empty reply. The
// provider then connects to the job's port and sends a second reply: empty
// when connected, else a refusal (ErrNotExposed, ErrForwardLimit, a lease
// whose job does not run). After that the stream carries raw bytes both
// ways; closing one's write side closes the other end's, and a reset
// aborts both. A forward that carries nothing either way for
// Config.ForwardIdleTimeout is reset.

// forwardStreamMem is what a forward stream holds: a copy buffer each way
// and the handshake's read buffer.
const forwardStreamMem = 2*forwardBufSize + readBufSize

// forwardBufSize is the copy buffer of each direction of a forward.
const forwardBufSize = 32 << 10

// errForwardIdle ends a forward that carried nothing for too long.
var errForwardIdle = errors.New("the forward carried nothing for too long")

// validForward reports whether req may open a forward stream.
func validForward(req *leaseRequest) bool {
	return req.Op == OpForward && req.Port != 0 && req.Offset == 0 && req.Command == nil &&
		!req.Follow && req.Size == 0
}

func (n *Node) handleForward(ctx context.Context, s network.Stream) {
	ls, ok := n.acceptLease(ctx, s, forwardStreamMem, validForward)
	if !ok {
		return
	}
	defer ls.g.release()
	dctx, cancel := context.WithTimeout(ctx, n.cfg.StreamTimeout)
	conn, err := ls.host.DialService(dctx, ls.req.LeaseID, ls.req.Port)
	cancel()
	if err != nil {
		n.log.Debug("forward refused", "lease", ls.req.LeaseID, "port", ls.req.Port, "err", err)
		n.finish(s, refusal(err))
		return
	}
	if err := writeJSON(s, reply{}); err != nil {
		conn.Close()
		s.Reset()
		return
	}
	s.SetDeadline(time.Time{})
	err = splice(ctx, streamEnd(s, ls.fr.r), connEnd(conn), n.cfg.ForwardIdleTimeout)
	n.log.Debug("forward ended", "lease", ls.req.LeaseID, "port", ls.req.Port, "err", err)
}

// tunnelEnd is one side of a forward: a libp2p stream or a TCP connection.
type tunnelEnd struct {
	r          io.Reader
	w          io.Writer
	closeWrite func() error
	close      func() error
	// abort ends both directions at once (a stream's reset).
	abort func()
}

// streamEnd is s as a tunnel end, read through r (which holds what s's
// frame reader buffered).
func streamEnd(s network.Stream, r io.Reader) tunnelEnd {
	return tunnelEnd{r: r, w: s, closeWrite: s.CloseWrite, close: s.Close, abort: func() { s.Reset() }}
}

// connEnd is c as a tunnel end. A connection that cannot close its write
// side alone (not a *net.TCPConn or alike) closes as a whole when its
// peer has no more to send.
func connEnd(c net.Conn) tunnelEnd {
	closeWrite := c.Close
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		closeWrite = cw.CloseWrite
	}
	return tunnelEnd{r: c, w: c, closeWrite: closeWrite, close: c.Close, abort: func() { c.Close() }}
}

// splice copies a to b and b to a until both directions end. A side that
// ends (EOF) closes the other side's write half; an error on either
// direction, ctx's end, or idle with nothing carried either way aborts
// both. It returns the first error, nil when both directions ended
// cleanly.
func splice(ctx context.Context, a, b tunnelEnd, idle time.Duration) error {
	var last atomic.Int64
	touch := func() { last.Store(time.Now().UnixNano()) }
	touch()
	var (
		once  sync.Once
		first error
	)
	fail := func(err error) {
		once.Do(func() {
			first = err
			a.abort()
			b.abort()
		})
	}
	pipe := func(dst, src tunnelEnd) error {
		buf := make([]byte, forwardBufSize)
		for {
			k, err := src.r.Read(buf)
			if k > 0 {
				touch()
				if _, werr := dst.w.Write(buf[:k]); werr != nil {
					return werr
				}
				touch()
			}
			if errors.Is(err, io.EOF) {
				return dst.closeWrite()
			}
			if err != nil {
				return err
			}
		}
	}
	done := make(chan error, 2)
	go func() { done <- pipe(b, a) }()
	go func() { done <- pipe(a, b) }()
	tick := time.NewTicker(max(idle/4, time.Millisecond))
	defer tick.Stop()
	for running := 2; running > 0; {
		select {
		case err := <-done:
			running--
			if err != nil {
				fail(err)
			}
		case <-ctx.Done():
			fail(ctx.Err())
		case now := <-tick.C:
			if now.Sub(time.Unix(0, last.Load())) > idle {
				fail(errForwardIdle)
			}
		}
	}
	once.Do(func() {
		a.close()
		b.close()
	})
	return first
}

// Tunnel is the tenant's side of one forward: a connection to a port of
// the lease's job. Close it when done.
type Tunnel struct {
	lc *leaseConn
	r  io.Reader
}

// Forward opens a tunnel to port of the lease's running job. The provider
// refuses with ErrNotExposed when the job's order does not expose port,
// and with ErrForwardLimit when the lease has as many open as it allows.
func (c *LeaseClient) Forward(ctx context.Context, port uint16) (*Tunnel, error) {
	if port == 0 {
		return nil, fmt.Errorf("lease %s: forward: port 0: want a TCP port, 1 to 65535", c.leaseID.Hex())
	}
	lc, err := c.openProtocol(ctx, ProtocolForward, forwardStreamMem, leaseRequest{Op: OpForward, Port: port})
	if err != nil {
		return nil, err
	}
	if err := lc.reply(nil); err != nil {
		lc.close(false)
		return nil, fmt.Errorf("lease %s: forward to port %d: %w", c.leaseID.Hex(), port, ctxErr(ctx, err))
	}
	lc.s.SetDeadline(time.Time{})
	return &Tunnel{lc: lc, r: lc.fr.r}, nil
}

func (t *Tunnel) end() tunnelEnd { return streamEnd(t.lc.s, t.r) }

// Read reads what the job's port sent.
func (t *Tunnel) Read(p []byte) (int, error) { return t.r.Read(p) }

// Write sends p to the job's port.
func (t *Tunnel) Write(p []byte) (int, error) { return t.lc.s.Write(p) }

// CloseWrite tells the job's port there is nothing more to send.
func (t *Tunnel) CloseWrite() error { return t.lc.s.CloseWrite() }

// Close closes the tunnel.
func (t *Tunnel) Close() error {
	t.lc.close(true)
	return nil
}

// ServeForward carries every connection l accepts to port of the lease's
// job, each through a tunnel of its own, until ctx ends or l is closed;
// it closes l and waits for the connections it carries. refused, if not
// nil, learns why a connection could not be forwarded (the connection is
// then closed).
func (c *LeaseClient) ServeForward(ctx context.Context, l net.Listener, port uint16, refused func(error)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { l.Close() })
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		conn, err := l.Accept()
		if err != nil {
			l.Close()
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("forward port %d: accept: %w", port, err)
		}
		wg.Go(func() {
			t, err := c.Forward(ctx, port)
			if err != nil {
				conn.Close()
				if refused != nil && ctx.Err() == nil {
					refused(err)
				}
				return
			}
			defer t.lc.g.release()
			t.lc.stop()
			splice(ctx, t.end(), connEnd(conn), c.n.cfg.ForwardIdleTimeout)
		})
	}
}
