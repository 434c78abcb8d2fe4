package provider_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/internal/markettest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/tenant"
)

// serviceJob is testJob exposing port 8000.
func serviceJob(t *testing.T) *jobspec.Job {
	j := testJob(t)
	j.Job.Expose = []uint16{8000}
	return j
}

// forwarding runs the tenant's forward of lease l's port 8000 until the
// test ends; it returns the local address and where refusals and the
// forward's end arrive.
func forwarding(t *testing.T, ten *markettest.Tenant, l *tenant.Lease) (addr string, refused, ended chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan string, 1)
	refused, ended = make(chan error, 64), make(chan error, 1)
	go func() {
		ended <- ten.Forward(ctx, l, []tenant.PortForward{{Port: 8000}}, func(_ tenant.PortForward, a string) { listening <- a },
			func(err error) { refused <- err })
	}()
	select {
	case addr = <-listening:
	case err := <-ended:
		cancel()
		t.Fatalf("forward: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		<-ended
		t.Fatal("the forward did not listen within 30s")
	}
	t.Cleanup(func() {
		cancel()
		<-ended
	})
	return addr, refused, ended
}

// echoOnce sends msg through a connection to addr and reads it back.
func echoOnce(addr string, msg string) error {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, msg); err != nil {
		return err
	}
	c.(*net.TCPConn).CloseWrite()
	got, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if string(got) != msg {
		return fmt.Errorf("got %q back, want %q", got, msg)
	}
	return nil
}

// TestServiceLease: a service lease's port is reached through the
// tenant's forward; a stranger, a port the order does not expose, and
// connections past the provider's per-lease cap are refused with their
// reason while another lease's forward is unaffected; cancelling ends
// the open tunnels and the forward.
func TestServiceLease(t *testing.T) {
	const limit = 3
	m := markettest.New(t)
	p := m.NewProvider(markettest.ProviderSpec{Name: "provider", Machine: "dgxh100", Model: "H100", PricePerHour: fmt.Sprint(price), AllowServices: true, ForwardLimit: limit})
	p.Start()
	ten := m.NewTenant("tenant", nil, []*network.Node{p.Node})
	ctx := timeout(t, 2*time.Minute)

	var leases [2]*tenant.Lease
	for i := range leases {
		res, err := ten.Submit(ctx, serviceJob(t), tenant.Options{Detach: true})
		if err != nil {
			t.Fatal(err)
		}
		p.WaitState(res.LeaseID, network.JobRunning)
		if leases[i], err = ten.Find(ctx, res.LeaseID, nil); err != nil {
			t.Fatal(err)
		}
	}
	a, b := leases[0], leases[1]
	addrA, refusedA, endedA := forwarding(t, ten, a)
	addrB, _, _ := forwarding(t, ten, b)
	if err := echoOnce(addrA, "hello service"); err != nil {
		t.Fatalf("through the forward: %v", err)
	}

	// The cap: limit connections held open, the next one refused.
	var held []net.Conn
	for i := range limit {
		c, err := net.Dial("tcp", addrA)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
		msg := fmt.Sprintf("held %d", i)
		io.WriteString(c, msg)
		buf := make([]byte, len(msg))
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != msg {
			t.Fatalf("held connection %d: %q, %v", i, buf, err)
		}
	}
	over, err := net.Dial("tcp", addrA)
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	select {
	case err := <-refusedA:
		if !errors.Is(err, network.ErrForwardLimit) {
			t.Errorf("connection past the cap: %v, want %v", err, network.ErrForwardLimit)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a connection past the cap was not refused")
	}
	if err := echoOnce(addrB, "other lease"); err != nil {
		t.Errorf("another lease's forward with the first at its cap: %v", err)
	}

	// A stranger, and a port not exposed (asked of the provider directly,
	// past the tenant's own check).
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ten.Node.Lease(p.Node.AddrInfo(), a.ID, auction.NewKeySigner(key)).Forward(ctx, 8000); !errors.Is(err, network.ErrLeaseDenied) {
		t.Errorf("a stranger's forward: %v, want %v", err, network.ErrLeaseDenied)
	}
	if err := ten.Forward(ctx, a, []tenant.PortForward{{Port: 9000}}, nil, nil); !errors.Is(err, network.ErrNotExposed) {
		t.Errorf("tenant forward of a port not exposed: %v, want %v", err, network.ErrNotExposed)
	}

	// Cancel: the held tunnels end, and so does the forward.
	if _, err := ten.Cancel(ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	for i, c := range held {
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		if _, err := io.ReadAll(c); err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("held connection %d still open after cancel", i)
		}
	}
	select {
	case err := <-endedA:
		if !errors.Is(err, tenant.ErrJobEnded) {
			t.Errorf("forward after cancel: %v, want %v", err, tenant.ErrJobEnded)
		}
		endedA <- err
	case <-time.After(30 * time.Second):
		t.Error("the forward goes on after the lease's job ended")
	}
	if err := echoOnce(addrB, "still here"); err != nil {
		t.Errorf("the other lease's forward after the first was cancelled: %v", err)
	}
}

// TestServicesNotOffered: a provider that runs no services sends a
// no-bid saying so, and how to allow them.
func TestServicesNotOffered(t *testing.T) {
	m, p, ten := setUp(t, 0)
	o := publish(t, m, ten.Node, serviceJob(t), 10*time.Minute)
	nb := o.NoBid()
	if nb.Reason != auction.ReasonServices || !strings.Contains(nb.Detail, "--allow-services") {
		t.Errorf("no-bid %s: %q; want %s, saying how to allow services (--allow-services)", nb.Reason, nb.Detail, auction.ReasonServices)
	}
	if got := p.Free(); got != gpus {
		t.Errorf("%d GPUs free after the no-bid, want all %d", got, gpus)
	}
}

// TestServiceAfterRestart: a provider that restarts while a service runs
// takes it up again, and the tenant's forward reaches it through the new
// daemon (whose addresses the tenant is given, as tenant forward's
// --provider-peer does).
func TestServiceAfterRestart(t *testing.T) {
	m := markettest.New(t)
	p := m.NewProvider(markettest.ProviderSpec{Name: "provider", Machine: "dgxh100", Model: "H100", PricePerHour: fmt.Sprint(price), AllowServices: true})
	p.Start()
	ten := m.NewTenant("tenant", nil, []*network.Node{p.Node})
	ctx := timeout(t, 2*time.Minute)
	res, err := ten.Submit(ctx, serviceJob(t), tenant.Options{Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	p.WaitState(res.LeaseID, network.JobRunning)
	restart(t, m, p, res.LeaseID, func() {})
	testenv.Eventually(t, 20*time.Second, "the service re-attached", func() (bool, string, error) {
		r, _ := p.Record(res.LeaseID)
		return r.State == network.JobRunning && r.Detail == "re-attached after a restart", fmt.Sprintf("%s: %q", r.State, r.Detail), nil
	})
	l, err := ten.Find(ctx, res.LeaseID, &peer.AddrInfo{ID: p.Node.ID(), Addrs: p.Node.Addrs()})
	if err != nil {
		t.Fatal(err)
	}
	addr, _, _ := forwarding(t, ten, l)
	if err := echoOnce(addr, "after the restart"); err != nil {
		t.Fatalf("through the forward after the provider restarted: %v", err)
	}
}
