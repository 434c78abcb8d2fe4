package api

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimit caps each client's requests: a token bucket of Burst requests
// refilled at PerSecond, per client address (an IPv6 client by its /64,
// which one host gets whole). Past it a request is answered 429 with
// Retry-After. Zero PerSecond is no limit.
type RateLimit struct {
	PerSecond float64
	Burst     int
	// ClientHeader, when set, names the header that carries the client's
	// address as a proxy in front of the broker saw it (X-Forwarded-For:
	// its last address, the one the proxy added). Only set it behind a
	// proxy that sets it: anyone can send the header.
	ClientHeader string
}

// maxClients is how many clients' buckets are kept; past it the idle are
// forgotten, and if all are busy every bucket starts afresh.
const maxClients = 1 << 16

// limiter holds one token bucket per client.
type limiter struct {
	cfg RateLimit
	now func() time.Time

	mu      sync.Mutex
	clients map[netip.Prefix]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(cfg RateLimit, now func() time.Time) *limiter {
	if cfg.Burst < 1 {
		cfg.Burst = max(1, int(math.Ceil(cfg.PerSecond)))
	}
	return &limiter{cfg: cfg, now: now, clients: make(map[netip.Prefix]*bucket)}
}

// wait is how long the client at key must wait before its next request;
// 0: it may go now (and the request is counted).
func (l *limiter) wait(key netip.Prefix) time.Duration {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.clients[key]
	if b == nil {
		if len(l.clients) >= maxClients {
			l.forgetIdle(now)
		}
		b = &bucket{lim: rate.NewLimiter(rate.Limit(l.cfg.PerSecond), l.cfg.Burst)}
		l.clients[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// forgetIdle drops the buckets that have refilled (a client idle that
// long starts the same afresh); if none has, all of them.
func (l *limiter) forgetIdle(now time.Time) {
	full := time.Duration(float64(l.cfg.Burst) / l.cfg.PerSecond * float64(time.Second))
	for k, b := range l.clients {
		if now.Sub(b.seen) >= full {
			delete(l.clients, k)
		}
	}
	if len(l.clients) >= maxClients {
		clear(l.clients)
	}
}

// clientKey is who sent r, as the limiter counts them.
func (l *limiter) clientKey(r *http.Request) netip.Prefix {
	addr := r.RemoteAddr
	if l.cfg.ClientHeader != "" {
		if v := r.Header.Get(l.cfg.ClientHeader); v != "" {
			parts := strings.Split(v, ",")
			addr = strings.TrimSpace(parts[len(parts)-1])
		}
	}
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return netip.Prefix{} // unparsable: all such clients share a bucket
	}
	ip = ip.Unmap()
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return p
}

// middleware answers 429 to a client past its rate.
func (l *limiter) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := l.wait(l.clientKey(r)); d > 0 {
			secs := int(math.Ceil(d.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeError(w, http.StatusTooManyRequests, fmt.Sprintf("too many requests from your address: at most %g a second, %d at once; try again in %d s", l.cfg.PerSecond, l.cfg.Burst, secs))
			return
		}
		next.ServeHTTP(w, r)
	})
}
