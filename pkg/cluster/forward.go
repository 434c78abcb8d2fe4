package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"

	"github.com/tender-market/tender/pkg/executor"
)

// A service's ports are reached through the API server's port forward
// (pods/portforward), as kubectl port-forward reaches them: the provider
// needs no route to the pod's network, wherever it runs, and the lease's
// network policy, which denies the pod all traffic, still holds for
// everyone else. The kubelet connects to the port inside the pod's
// network namespace, so a service listening on the pod's loopback or on
// all addresses is reached alike.

// annotationExpose lists the ports a lease's job exposes ("8000,8080"):
// DialService connects to those alone, whoever asks.
const annotationExpose = "tender.market/expose"

// DialService connects to port of the lease's running job, which must
// expose it (executor.ErrPortNotExposed otherwise; executor.ErrNotRunning
// when the job does not run). Each connection is a port forward of its
// own. That nothing listens on the port shows as the connection's first
// read failing, not here: the kubelet tries the port only once the
// forward is open.
func (c *Cluster) DialService(ctx context.Context, leaseID string, port uint16) (net.Conn, error) {
	if c.rc == nil {
		return nil, errors.New("a service's port is reached through a cluster made by New")
	}
	pod, err := c.Find(ctx, leaseID)
	if err != nil {
		return nil, err
	}
	exposed, err := executor.ParsePorts(pod.Annotations[annotationExpose])
	if err != nil {
		return nil, fmt.Errorf("lease %s: its pod's annotation %s=%q is malformed (%v); it exposes nothing", leaseID, annotationExpose, pod.Annotations[annotationExpose], err)
	}
	if !slices.Contains(exposed, port) {
		return nil, fmt.Errorf("lease %s: port %d: %w (%s)", leaseID, port, executor.ErrPortNotExposed, executor.ExposesWhat(exposed))
	}
	if st := containerState(pod.Status.ContainerStatuses, jobContainer); st.Running == nil {
		return nil, fmt.Errorf("lease %s: %w", leaseID, executor.ErrNotRunning)
	}
	conn, err := c.dialForward(ctx, pod)
	if err != nil {
		return nil, fmt.Errorf("lease %s: port forward to its pod: %w", leaseID, err)
	}
	fc, err := openForward(conn, port)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("lease %s: port forward to its port %d: %w", leaseID, port, err)
	}
	fc.pod = pod.Name
	return fc, nil
}

// dialForward opens a port forward connection to pod: over WebSocket, or
// SPDY where the API server does not take WebSocket. The dial has no
// context of its own: one that ends while it runs closes what it made.
func (c *Cluster) dialForward(ctx context.Context, pod *corev1.Pod) (httpstream.Connection, error) {
	u := c.api.podURL(pod.Namespace, pod.Name, "portforward", nil)
	ws, err := portforward.NewSPDYOverWebsocketDialer(u, c.rc)
	if err != nil {
		return nil, err
	}
	transport, upgrader, err := spdy.RoundTripperFor(c.rc)
	if err != nil {
		return nil, err
	}
	dialer := portforward.NewFallbackDialer(ws, spdy.NewDialer(upgrader, &http.Client{Transport: transport}, http.MethodPost, u), upgradeFailed)
	type dialed struct {
		conn httpstream.Connection
		err  error
	}
	done := make(chan dialed, 1)
	go func() {
		conn, _, err := dialer.Dial(portforward.PortForwardProtocolV1Name)
		done <- dialed{conn, err}
	}()
	select {
	case d := <-done:
		return d.conn, d.err
	case <-ctx.Done():
		go func() {
			if d := <-done; d.conn != nil {
				d.conn.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// openForward opens the streams of one forwarded connection to port on
// conn: the kubelet's errors, and the data.
func openForward(conn httpstream.Connection, port uint16) (*forwardConn, error) {
	headers := http.Header{}
	headers.Set(corev1.StreamType, corev1.StreamTypeError)
	headers.Set(corev1.PortHeader, strconv.Itoa(int(port)))
	headers.Set(corev1.PortForwardRequestIDHeader, "0")
	errStream, err := conn.CreateStream(headers)
	if err != nil {
		return nil, err
	}
	errStream.Close() // nothing to send on it
	fc := &forwardConn{conn: conn, port: port, errDone: make(chan struct{})}
	go func() {
		// The kubelet writes here when it cannot reach the port, or the
		// connection to it breaks, and closes it before the data.
		defer close(fc.errDone)
		msg, err := io.ReadAll(io.LimitReader(errStream, 4096))
		if len(msg) > 0 {
			err = fmt.Errorf("the kubelet: %s", bytes.TrimSpace(msg))
		}
		fc.failure = err
	}()
	headers.Set(corev1.StreamType, corev1.StreamTypeData)
	if fc.data, err = conn.CreateStream(headers); err != nil {
		return nil, err
	}
	return fc, nil
}

// forwardConn is one connection to a job's port through a port forward:
// its data stream, on a connection of its own. Closing its write side
// (CloseWrite) tells the job's service there is nothing more to send.
// It has no deadlines.
type forwardConn struct {
	conn httpstream.Connection
	data httpstream.Stream
	pod  string
	port uint16

	errDone chan struct{} // closed once the error stream has ended
	failure error         // what it said, if anything

	closeOnce sync.Once
	closeErr  error
}

// errNoDeadline: a port forward's connection has no deadlines.
var errNoDeadline = errors.New("a port forward's connection has no deadlines")

func (f *forwardConn) Read(p []byte) (int, error) {
	n, err := f.data.Read(p)
	if err != nil && n == 0 {
		// Why the data ended, if the kubelet says: it closes its error
		// stream before the data.
		t := time.NewTimer(forwardErrorWait)
		defer t.Stop()
		select {
		case <-f.errDone:
			if f.failure != nil {
				return 0, fmt.Errorf("port %d: %w", f.port, f.failure)
			}
		case <-t.C:
		}
	}
	return n, err
}

// forwardErrorWait bounds how long a read that found the data's end waits
// for the kubelet's error stream to end.
const forwardErrorWait = time.Second

func (f *forwardConn) Write(p []byte) (int, error) { return f.data.Write(p) }

// CloseWrite half-closes the data stream.
func (f *forwardConn) CloseWrite() error { return f.data.Close() }

func (f *forwardConn) Close() error {
	f.closeOnce.Do(func() {
		f.data.Reset()
		f.closeErr = f.conn.Close()
	})
	return f.closeErr
}

func (f *forwardConn) LocalAddr() net.Addr { return forwardAddr("provider") }
func (f *forwardConn) RemoteAddr() net.Addr {
	return forwardAddr(f.pod + ":" + strconv.Itoa(int(f.port)))
}

func (f *forwardConn) SetDeadline(time.Time) error      { return errNoDeadline }
func (f *forwardConn) SetReadDeadline(time.Time) error  { return errNoDeadline }
func (f *forwardConn) SetWriteDeadline(time.Time) error { return errNoDeadline }

// forwardAddr names an end of a port forward.
type forwardAddr string

func (a forwardAddr) Network() string { return "k8s-portforward" }
func (a forwardAddr) String() string  { return string(a) }
