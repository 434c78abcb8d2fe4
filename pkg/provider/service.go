package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/network"
)

// DefaultForwardLimit is how many forwarded connections a lease may have
// open at once when Config.ForwardLimit is 0.
const DefaultForwardLimit = 64

// DialService connects to port of the lease's running job for the
// tenant's forward. The order must expose port; the lease may have at
// most Config.ForwardLimit connections open; they all close when the job
// ends.
func (d *Daemon) DialService(ctx context.Context, id common.Hash, port uint16) (net.Conn, error) {
	l, err := d.lease(id)
	if err != nil {
		return nil, err
	}
	exposed := l.bid.order.Order.Job.Expose
	if !slices.Contains(exposed, port) {
		return nil, fmt.Errorf("%w: lease %s exposes %s, not port %d", network.ErrNotExposed, id.Hex(), l.bid.order.Order.Job.ExposedPorts(), port)
	}
	l.mu.Lock()
	run, state := l.container, l.state
	l.mu.Unlock()
	if run == nil || state != network.JobRunning {
		return nil, fmt.Errorf("lease %s is %s: its service is reachable only while its job runs", id.Hex(), state)
	}
	release, err := l.forwards.reserve(d.forwardLimit())
	if err != nil {
		return nil, fmt.Errorf("lease %s: %w (%d)", id.Hex(), err, d.forwardLimit())
	}
	c, err := d.cfg.Runner.DialService(ctx, *run, port)
	if err != nil {
		release()
		return nil, fmt.Errorf("lease %s port %d: %w", id.Hex(), port, err)
	}
	fc, err := l.forwards.add(c, release)
	if err != nil {
		return nil, fmt.Errorf("lease %s: %w", id.Hex(), err)
	}
	return fc, nil
}

func (d *Daemon) forwardLimit() int {
	if d.cfg.ForwardLimit > 0 {
		return d.cfg.ForwardLimit
	}
	return DefaultForwardLimit
}

// forwards are a lease's connections to its job's service: counted
// against the provider's limit and closed, all of them, when the job
// ends.
type forwards struct {
	mu     sync.Mutex
	open   int // reserved or connected
	conns  map[*forwardConn]struct{}
	closed bool
}

// reserve holds one of limit places; release gives it back.
func (f *forwards) reserve(limit int) (release func(), err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.closed:
		return nil, errJobEnded
	case f.open >= limit:
		return nil, network.ErrForwardLimit
	}
	f.open++
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			f.open--
			f.mu.Unlock()
		})
	}, nil
}

// errJobEnded refuses a forward to a job that has just ended.
var errJobEnded = errors.New("its job has ended")

// add tracks c, which holds a place (release); once the job has ended
// it closes c instead.
func (f *forwards) add(c net.Conn, release func()) (net.Conn, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		c.Close()
		release()
		return nil, errJobEnded
	}
	fc := &forwardConn{Conn: c, f: f, release: release}
	if f.conns == nil {
		f.conns = make(map[*forwardConn]struct{})
	}
	f.conns[fc] = struct{}{}
	return fc, nil
}

// end closes every connection and refuses new ones.
func (f *forwards) end() {
	f.mu.Lock()
	f.closed = true
	conns := f.conns
	f.conns = nil
	f.mu.Unlock()
	for c := range conns {
		c.Close()
	}
}

// forwardConn is a connection to a job's service that gives its place
// back when closed.
type forwardConn struct {
	net.Conn
	f       *forwards
	release func()
}

func (c *forwardConn) Close() error {
	err := c.Conn.Close()
	c.f.mu.Lock()
	delete(c.f.conns, c)
	c.f.mu.Unlock()
	c.release()
	return err
}

// CloseWrite closes the write side, so the job's service sees the
// tenant's half-close.
func (c *forwardConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Close()
}
