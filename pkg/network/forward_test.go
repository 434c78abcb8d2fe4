package network

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
)

// echoServer stands for a job's service on loopback: it sends back what
// each connection sends and closes its write side at the sender's.
type echoServer struct {
	addr   string
	closed chan struct{} // one value per connection that ended
}

func startEcho(t testing.TB) *echoServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	e := &echoServer{addr: l.Addr().String(), closed: make(chan struct{}, 1024)}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer func() { e.closed <- struct{}{} }()
				testenv.Echo(c.(*net.TCPConn))
			}()
		}
	}()
	return e
}

// forwardPair is a provider serving a lease whose job exposes port 8000
// (an echo server) to the tenant's key, and the tenant's client of it.
func forwardPair(t *testing.T, idle time.Duration) (provider, tenant *Node, host *memLeaseHost, echo *echoServer, lc *LeaseClient, leaseID common.Hash) {
	t.Helper()
	cfg := testConfig(t, "provider")
	cfg.ForwardIdleTimeout = idle
	provider = startNode(t, cfg)
	tenant = startNode(t, testConfig(t, "tenant", provider))
	host = newMemLeaseHost()
	provider.ServeLeases(host)
	echo = startEcho(t)
	key := testKey(t, 1)
	leaseID = common.HexToHash("0xf0a4d")
	host.add(leaseID, &memLease{tenant: addrOf(key), status: LeaseStatus{State: JobRunning}, services: map[uint16]string{8000: echo.addr}})
	return provider, tenant, host, echo, tenant.Lease(provider.AddrInfo(), leaseID, auction.NewKeySigner(key)), leaseID
}

// TestForward: bytes go through a tunnel both ways, 4 MiB of them (more
// than the muxer's window, so back-pressure works); the tenant's
// half-close reaches the service, whose half-close comes back as EOF;
// closing ends the provider's connection too.
func TestForward(t *testing.T) {
	_, _, _, echo, lc, _ := forwardPair(t, time.Minute)
	tun, err := lc.Forward(ctxTimeout(t, waitLong), 8000)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 4<<20)
	rand.Read(data)
	werr := make(chan error, 1)
	go func() {
		_, err := tun.Write(data)
		if err == nil {
			err = tun.CloseWrite()
		}
		werr <- err
	}()
	got, err := io.ReadAll(tun)
	if err != nil {
		t.Fatalf("read through the tunnel: %v", err)
	}
	if err := recv(t, werr, waitLong, "the write"); err != nil {
		t.Fatalf("write through the tunnel: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("got %d bytes back, want the %d sent", len(got), len(data))
	}
	tun.Close()
	recv(t, echo.closed, waitLong, "the service's connection to end")
}

// TestAttackForwardRefused: a stranger, an unknown lease and a port the
// job does not expose are refused with their reason, and the first two
// never reach the host's dialer; malformed requests are reset unanswered.
func TestAttackForwardRefused(t *testing.T) {
	provider, tenant, host, _, lc, leaseID := forwardPair(t, time.Minute)
	stranger := tenant.Lease(provider.AddrInfo(), leaseID, auction.NewKeySigner(testKey(t, 2)))
	if _, err := stranger.Forward(ctxTimeout(t, waitLong), 8000); !errors.Is(err, ErrLeaseDenied) {
		t.Errorf("stranger's forward: %v, want %v", err, ErrLeaseDenied)
	}
	unknown := tenant.Lease(provider.AddrInfo(), common.HexToHash("0xbad"), auction.NewKeySigner(testKey(t, 1)))
	if _, err := unknown.Forward(ctxTimeout(t, waitLong), 8000); !errors.Is(err, ErrLeaseNotServed) {
		t.Errorf("forward to an unknown lease: %v, want %v", err, ErrLeaseNotServed)
	}
	if n := host.callCount(); n != 0 {
		t.Errorf("the host was asked to connect %d times for refused forwards, want 0", n)
	}
	if _, err := lc.Forward(ctxTimeout(t, waitLong), 9000); !errors.Is(err, ErrNotExposed) {
		t.Errorf("forward to a port not exposed: %v, want %v", err, ErrNotExposed)
	}
	for _, c := range []struct {
		proto string
		req   leaseRequest
	}{
		{string(ProtocolForward), leaseRequest{LeaseID: leaseID, Op: OpForward}},
		{string(ProtocolForward), leaseRequest{LeaseID: leaseID, Op: OpStatus, Port: 8000}},
		{string(ProtocolForward), leaseRequest{LeaseID: leaseID, Op: OpForward, Port: 8000, Command: []string{"sh"}}},
		{string(ProtocolLease), leaseRequest{LeaseID: leaseID, Op: OpForward, Port: 8000}},
		{string(ProtocolLease), leaseRequest{LeaseID: leaseID, Op: OpStatus, Port: 8000}},
	} {
		s, err := tenant.openStream(ctxTimeout(t, waitLong), provider.ID(), ProtocolForward)
		if c.proto == string(ProtocolLease) {
			s, err = tenant.openStream(ctxTimeout(t, waitLong), provider.ID(), ProtocolLease)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := writeJSON(s, c.req); err != nil {
			t.Fatal(err)
		}
		if msg, err := newFrameReader(s).next(maxReplyBytes); err == nil {
			t.Errorf("%s %+v: the provider answered %q, want the stream reset", c.proto, c.req, msg)
		}
		s.Reset()
	}
}

// TestAttackForwardNeverRead: a tenant that writes and never reads stalls
// its tunnel (back-pressure stops it, the provider holds no more than the
// windows), and the idle timeout then resets it and closes the service's
// connection.
func TestAttackForwardNeverRead(t *testing.T) {
	_, _, _, echo, lc, _ := forwardPair(t, 300*time.Millisecond)
	tun, err := lc.Forward(ctxTimeout(t, waitLong), 8000)
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()
	werr := make(chan error, 1)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			if _, err := tun.Write(buf); err != nil {
				werr <- err
				return
			}
		}
	}()
	recv(t, werr, waitLong, "the stalled writer to be reset")
	recv(t, echo.closed, waitLong, "the service's connection to end")
}

// TestForwardIdle: a tunnel that carries nothing is reset after the
// provider's idle timeout; one that keeps talking is not.
func TestForwardIdle(t *testing.T) {
	const idle = 400 * time.Millisecond
	_, _, _, echo, lc, _ := forwardPair(t, idle)
	busy, err := lc.Forward(ctxTimeout(t, waitLong), 8000)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	quiet, err := lc.Forward(ctxTimeout(t, waitLong), 8000)
	if err != nil {
		t.Fatal(err)
	}
	defer quiet.Close()
	qerr := make(chan error, 1)
	go func() {
		_, err := quiet.Read(make([]byte, 1))
		qerr <- err
	}()
	ping := make([]byte, 4)
	for deadline := time.Now().Add(3 * idle); time.Now().Before(deadline); {
		if _, err := busy.Write(ping); err != nil {
			t.Fatalf("a busy tunnel was cut: %v", err)
		}
		if _, err := io.ReadFull(busy, ping); err != nil {
			t.Fatalf("a busy tunnel was cut: %v", err)
		}
		select {
		case <-time.After(idle / 4):
		case err := <-qerr:
			qerr <- err
		}
	}
	if err := recv(t, qerr, waitLong, "the quiet tunnel to be reset"); err == nil {
		t.Error("the quiet tunnel's read returned data, want it reset")
	}
	recv(t, echo.closed, waitLong, "the quiet service connection to end")
}

// TestForwardServiceEnds: when the host closes the service's connection
// (its lease ended), the tenant's tunnel ends at once.
func TestForwardServiceEnds(t *testing.T) {
	_, _, host, _, lc, leaseID := forwardPair(t, time.Minute)
	tun, err := lc.Forward(ctxTimeout(t, waitLong), 8000)
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()
	l, _ := host.lease("", leaseID)
	host.mu.Lock()
	for _, c := range l.dialed {
		c.Close()
	}
	host.mu.Unlock()
	rerr := make(chan error, 1)
	go func() {
		_, err := io.ReadAll(tun)
		rerr <- err
	}()
	recv(t, rerr, waitLong, "the tunnel to end")
}

// TestServeForward: connections to a local listener reach the service,
// many at once; a refused one is reported and closed; canceling stops
// the listener.
func TestServeForward(t *testing.T) {
	_, _, _, _, lc, _ := forwardPair(t, time.Minute)
	serve := func(port uint16) (string, chan error, chan error, context.CancelFunc) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		refused, done := make(chan error, 16), make(chan error, 1)
		go func() { done <- lc.ServeForward(ctx, l, port, func(err error) { refused <- err }) }()
		return l.Addr().String(), refused, done, cancel
	}
	addr, _, done, cancel := serve(8000)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			msg := []byte{byte(i), 1, 2, 3}
			c.Write(msg)
			c.(*net.TCPConn).CloseWrite()
			got, err := io.ReadAll(c)
			if err != nil || !bytes.Equal(got, msg) {
				t.Errorf("connection %d: got %v, %v; want %v", i, got, err, msg)
			}
		})
	}
	wg.Wait()
	cancel()
	if err := recv(t, done, waitLong, "ServeForward to return"); err != nil {
		t.Errorf("ServeForward: %v", err)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Error("the local listener still accepts after cancel")
	}

	addr2, refused, _, cancel2 := serve(9000)
	defer cancel2()
	c, err := net.Dial("tcp", addr2)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := recv(t, refused, waitLong, "the refusal"); !errors.Is(err, ErrNotExposed) {
		t.Errorf("refused: %v, want %v", err, ErrNotExposed)
	}
	if _, err := io.ReadAll(c); err != nil {
		t.Logf("refused connection ended with %v", err)
	}
}
