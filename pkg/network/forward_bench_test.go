package network

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/tender-market/tender/pkg/auction"
)

// forwardBench is a service on loopback (an HTTP server answering small
// requests, and a bulk sender) reached both directly and through a
// tenant's forward of the lease that exposes it.
type forwardBench struct {
	direct, forwarded string // base URLs / addresses
	// raw opens a bare stream from the tenant's node to the provider's,
	// of a protocol the benchmark serves: the transport alone.
	raw func(proto protocol.ID, serve func(network.Stream)) func() (network.Stream, error)
}

func newForwardBench(b *testing.B, handler func(net.Listener)) forwardBench {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	go handler(l)
	cfg := testConfig(b, "provider")
	cfg.ListenAddrs = []string{"/ip4/127.0.0.1/tcp/0"}
	provider := startNode(b, cfg)
	tcfg := testConfig(b, "tenant", provider)
	tcfg.ListenAddrs = []string{"/ip4/127.0.0.1/tcp/0"}
	tenant := startNode(b, tcfg)
	host := newMemLeaseHost()
	provider.ServeLeases(host)
	key := testKey(b, 1)
	id := [32]byte{0xf0}
	host.add(id, &memLease{tenant: addrOf(key), status: LeaseStatus{State: JobRunning}, services: map[uint16]string{8000: l.Addr().String()}})
	local, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- tenant.Lease(provider.AddrInfo(), id, auction.NewKeySigner(key)).ServeForward(ctx, local, 8000, nil)
	}()
	b.Cleanup(func() { cancel(); <-done })
	raw := func(proto protocol.ID, serve func(network.Stream)) func() (network.Stream, error) {
		provider.host.SetStreamHandler(proto, serve)
		return func() (network.Stream, error) {
			return tenant.host.NewStream(context.Background(), provider.ID(), proto)
		}
	}
	return forwardBench{direct: l.Addr().String(), forwarded: local.Addr().String(), raw: raw}
}

// BenchmarkForwardLatency measures small HTTP requests (keep-alive, one
// at a time) to a service on loopback through `tenant forward`'s tunnel,
// next to the same requests sent to it directly, alternating, in the
// same run. The target is a p99 ratio ("ratio") of at most 2.
func BenchmarkForwardLatency(b *testing.B) {
	const minRequests = 2000
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte(`{"label":7}`))
	})}
	fb := newForwardBench(b, func(l net.Listener) { srv.Serve(l) })
	b.Cleanup(func() { srv.Close() })
	get := func(c *http.Client, addr string) time.Duration {
		start := time.Now()
		resp, err := c.Post("http://"+addr+"/predict", "application/json", strings.NewReader(`{"x":[1,2,3]}`))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %s", resp.Status)
		}
		return time.Since(start)
	}
	direct, forwarded := &http.Client{Transport: &http.Transport{}}, &http.Client{Transport: &http.Transport{}}
	defer direct.CloseIdleConnections()
	defer forwarded.CloseIdleConnections()
	for range 100 { // warm up: connections, tunnels
		get(direct, fb.direct)
		get(forwarded, fb.forwarded)
	}
	n := max(b.N, minRequests)
	var d, f []time.Duration
	b.ResetTimer()
	for range n {
		d = append(d, get(direct, fb.direct))
		f = append(f, get(forwarded, fb.forwarded))
	}
	b.StopTimer()
	ms := func(t time.Duration) float64 { return float64(t) / float64(time.Millisecond) }
	dp50, dp99, fp50, fp99 := percentile(d, 50), percentile(d, 99), percentile(f, 50), percentile(f, 99)
	b.ReportMetric(ms(fp50), "forward-p50-ms")
	b.ReportMetric(ms(fp99), "forward-p99-ms")
	b.ReportMetric(ms(dp50), "direct-p50-ms")
	b.ReportMetric(ms(dp99), "direct-p99-ms")
	b.ReportMetric(float64(fp99)/float64(dp99), "ratio")
	b.Logf("%d requests each: forward p50 %.3f p99 %.3f ms; direct p50 %.3f p99 %.3f ms; p99 ratio %.2f, p50 ratio %.2f",
		n, ms(fp50), ms(fp99), ms(dp50), ms(dp99), float64(fp99)/float64(dp99), float64(fp50)/float64(dp50))
}

// BenchmarkForwardThroughput measures a bulk download (64 MiB per round)
// from a service on loopback through the tunnel, next to the same
// download direct, alternating, in the same run. The target is a ratio
// (tunnel over direct) of at least 0.5. libp2p-stream-MiB/s is the same
// bytes on a bare stream between the two nodes: the transport's own
// ceiling (TLS and the muxer), which the tunnel cannot pass.
func BenchmarkForwardThroughput(b *testing.B) {
	const size = 64 << 20
	fb := newForwardBench(b, func(l net.Listener) {
		buf := make([]byte, 256<<10)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				for sent := 0; sent < size; sent += len(buf) {
					if _, err := c.Write(buf); err != nil {
						return
					}
				}
			}()
		}
	})
	fetch := func(addr string) time.Duration {
		start := time.Now()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		n, err := io.Copy(io.Discard, c)
		if err != nil || n != size {
			b.Fatalf("got %d bytes, %v; want %d", n, err, size)
		}
		return time.Since(start)
	}
	// The libp2p connection alone: a bare stream carrying the same bytes.
	open := fb.raw("/tender-bench/bulk", func(s network.Stream) {
		defer s.Close()
		buf := make([]byte, 256<<10)
		for sent := 0; sent < size; sent += len(buf) {
			if _, err := s.Write(buf); err != nil {
				s.Reset()
				return
			}
		}
	})
	fetchRaw := func() time.Duration {
		start := time.Now()
		s, err := open()
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		n, err := io.Copy(io.Discard, s)
		if err != nil || n != size {
			b.Fatalf("raw stream: got %d bytes, %v; want %d", n, err, size)
		}
		return time.Since(start)
	}
	// The tunnel's path without libp2p: the same three loopback
	// connections (service to provider, provider to tenant, tenant to
	// client) joined by two plain relays copying through user space.
	relayed := plainRelay(b, plainRelay(b, fb.direct))
	fetch(fb.direct)
	fetch(fb.forwarded)
	fetchRaw()
	fetch(relayed)
	var d, f, r, p time.Duration
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		d += fetch(fb.direct)
		f += fetch(fb.forwarded)
		r += fetchRaw()
		p += fetch(relayed)
	}
	b.StopTimer()
	mbps := func(t time.Duration) float64 { return float64(b.N) * size / t.Seconds() / (1 << 20) }
	b.ReportMetric(mbps(f), "forward-MiB/s")
	b.ReportMetric(mbps(d), "direct-MiB/s")
	b.ReportMetric(mbps(r), "libp2p-stream-MiB/s")
	b.ReportMetric(mbps(p), "plain-relay-MiB/s")
	b.ReportMetric(float64(d)/float64(f), "ratio")
	b.ReportMetric(float64(d)/float64(p), "plain-relay-ratio")
	b.Logf("%d rounds of %d MiB: forward %.0f MiB/s, direct %.0f MiB/s, ratio %.2f; a bare libp2p stream %.0f MiB/s; two plain relays %.0f MiB/s (ratio %.2f)",
		b.N, size>>20, mbps(f), mbps(d), float64(d)/float64(f), mbps(r), mbps(p), float64(d)/float64(p))
}

// plainRelay listens on loopback and joins each connection it accepts to
// a new connection to target, copying both ways through a buffer as the
// tunnel's ends do (no splice: the tunnel cannot splice either). It
// returns its address.
func plainRelay(b *testing.B, target string) string {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			go func() {
				done := make(chan struct{})
				go func() {
					io.CopyBuffer(struct{ io.Writer }{in}, struct{ io.Reader }{out}, make([]byte, forwardBufSize))
					in.(*net.TCPConn).CloseWrite()
					close(done)
				}()
				io.CopyBuffer(struct{ io.Writer }{out}, struct{ io.Reader }{in}, make([]byte, forwardBufSize))
				out.(*net.TCPConn).CloseWrite()
				<-done
				in.Close()
				out.Close()
			}()
		}
	}()
	return l.Addr().String()
}
