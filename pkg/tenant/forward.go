package tenant

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tender-market/tender/pkg/network"
)

// PortForward is one forward of a service lease: a port on this machine's
// loopback to a port the job exposes.
type PortForward struct {
	// Local is the port on 127.0.0.1 to listen on; 0 takes a free one.
	Local uint16
	// Port is the job's exposed port.
	Port uint16
}

// ParsePortForward reads "[LOCAL:]PORT": the job's PORT, reached at
// 127.0.0.1:LOCAL (LOCAL defaults to PORT; 0 takes a free port).
func ParsePortForward(s string) (PortForward, error) {
	local, port, found := strings.Cut(s, ":")
	if !found {
		local, port = s, s
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 {
		return PortForward{}, fmt.Errorf("forward %q: the job's port %q is not a TCP port (1 to 65535); want [LOCAL:]PORT, e.g. 8000 or 9000:8000", s, port)
	}
	l, err := strconv.ParseUint(local, 10, 16)
	if err != nil {
		return PortForward{}, fmt.Errorf("forward %q: the local port %q is not a TCP port (0 to 65535; 0 takes a free one); want [LOCAL:]PORT, e.g. 8000 or 9000:8000", s, local)
	}
	return PortForward{Local: uint16(l), Port: uint16(p)}, nil
}

// ErrJobEnded: the lease's job has ended, so its service is gone.
var ErrJobEnded = errors.New("the lease's job has ended")

// forwardWatch is how often Forward asks the provider whether the job
// still runs.
const forwardWatch = 5 * time.Second

// Forward listens on 127.0.0.1 for each of fwds and carries every
// connection to the job's port through an authenticated libp2p stream to
// the lease's provider, until ctx ends (nil) or the job ends (an error
// wrapping ErrJobEnded). listening learns each local address once it
// listens; refused (may be nil) each connection the provider refused,
// with why. A port the lease's order does not expose is refused before
// anything listens.
func (c *Client) Forward(ctx context.Context, l *Lease, fwds []PortForward, listening func(PortForward, string), refused func(error)) error {
	if len(fwds) == 0 {
		return errors.New("forward: name at least one port")
	}
	if l.Record != nil {
		exposed := l.Record.Order.Job.Expose
		for _, f := range fwds {
			if !slices.Contains(exposed, f.Port) {
				return fmt.Errorf("lease %s: %w: its order exposes %s, not port %d", l.ID.Hex(), network.ErrNotExposed, l.Record.Order.Job.ExposedPorts(), f.Port)
			}
		}
	}
	lc, err := c.connect(l)
	if err != nil {
		return err
	}
	var st network.LeaseStatus
	if err := c.reach(ctx, func(ctx context.Context) error { st, err = lc.Status(ctx); return err }); err != nil {
		return err
	}
	if st.State.Ended() {
		return fmt.Errorf("lease %s: %w (%s: %s)", l.ID.Hex(), ErrJobEnded, st.State, st.Detail)
	}
	listeners := make([]net.Listener, 0, len(fwds))
	defer func() {
		for _, ln := range listeners {
			ln.Close()
		}
	}()
	for _, f := range fwds {
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(int(f.Local))))
		if err != nil {
			return fmt.Errorf("forward port %d: listen on 127.0.0.1:%d: %w (choose another local port: LOCAL:%d)", f.Port, f.Local, err, f.Port)
		}
		listeners = append(listeners, ln)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	errs := make(chan error, len(fwds))
	for i, f := range fwds {
		ln := listeners[i]
		if listening != nil {
			listening(f, ln.Addr().String())
		}
		wg.Go(func() { errs <- lc.ServeForward(ctx, ln, f.Port, refused) })
	}
	t := time.NewTicker(forwardWatch)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errs:
			if err != nil {
				return err
			}
		case <-t.C:
			st, err := lc.Status(ctx)
			if err != nil {
				c.log.Debug("no status from the provider", "err", err)
				continue
			}
			if st.State.Ended() {
				return fmt.Errorf("lease %s: %w (%s: %s)", l.ID.Hex(), ErrJobEnded, st.State, st.Detail)
			}
		}
	}
}
