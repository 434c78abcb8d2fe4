package api

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/store"
)

// Store is what the API reads (a *store.Store).
type Store interface {
	Leases(ctx context.Context, f store.LeaseFilter) (store.LeasePage, error)
	LeaseDetail(ctx context.Context, id common.Hash) (store.LeaseDetail, error)
	Orders(ctx context.Context, f store.OrderFilter) (store.OrderPage, error)
	Order(ctx context.Context, hash common.Hash) (store.Order, error)
	ReplicaGroup(ctx context.Context, orderHash common.Hash) (store.ReplicaGroup, error)
	Transcripts(ctx context.Context, f store.TranscriptFilter) (store.TranscriptPage, error)
	Transcript(ctx context.Context, hash common.Hash) (store.Transcript, error)
	Providers(ctx context.Context, f store.ProviderFilter) (store.ProviderPage, error)
	Provider(ctx context.Context, addr common.Address, trusted ...common.Address) (store.Provider, error)
	Qualified(ctx context.Context, min uint64, trusted []common.Address, limit int) ([]common.Address, bool, error)
	WinningPrices(ctx context.Context, from, to time.Time, gpuModel string) ([]store.PricePoint, error)
	Summary(ctx context.Context) (store.Summary, error)
	Ping(ctx context.Context) error
}

var _ Store = (*store.Store)(nil)

// Ingester stores verified market messages (an *indexer.Market).
type Ingester interface {
	IngestOrder(ctx context.Context, o auction.VerifiedOrder) error
	IngestTranscript(ctx context.Context, t auction.Transcript) error
}

// OrderPublisher sends a signed order to the market unchanged (the
// network node).
type OrderPublisher interface {
	PublishOrder(ctx context.Context, so auction.SignedOrder) error
}

// Token is the payment token, for showing amounts.
type Token struct {
	Symbol   string
	Decimals uint8
}

// Config says what a Server serves.
type Config struct {
	Store  Store
	Ingest Ingester
	// Publisher receives orders submitted over HTTP; nil: submission
	// answers 503.
	Publisher OrderPublisher
	// Domain is the market's EIP-712 domain: submitted messages must be
	// signed in it.
	Domain auction.Domain
	Token  Token
	// Registry collects the broker's metrics and serves them on /metrics
	// (nil: a new registry with the Go and process collectors).
	Registry *prometheus.Registry
	Logger   *slog.Logger
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// LiveInterval is how often pages showing live leases poll for
	// changes. Default 5 s.
	LiveInterval time.Duration
	// AggregateTTL is how long the market summary and price series are
	// served from memory before they are computed again. Default
	// DefaultAggregateTTL.
	AggregateTTL time.Duration
	// RateLimit caps each client's requests to the API and the pages
	// (not /healthz and /metrics); zero: no cap.
	RateLimit RateLimit
}

// Server serves the API and the dashboard.
type Server struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	pages   map[string]*template.Template
	static  fs.FS
	router  chi.Router
	metrics *httpMetrics
	// aggregates keeps the answers that scan whole tables.
	aggregates *aggregates
}

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// New returns a server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Ingest == nil {
		return nil, errors.New("api: a store and an ingester are required")
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
		cfg.Registry.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	}
	if cfg.LiveInterval <= 0 {
		cfg.LiveInterval = 5 * time.Second
	}
	s := &Server{cfg: cfg, log: cfg.Logger, now: cfg.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if cfg.AggregateTTL <= 0 {
		cfg.AggregateTTL = DefaultAggregateTTL
	}
	s.aggregates = newAggregates(cfg.AggregateTTL, s.now)
	var err error
	if s.pages, err = parsePages(s.funcs()); err != nil {
		return nil, err
	}
	if s.static, err = fs.Sub(staticFiles, "static"); err != nil {
		return nil, fmt.Errorf("api: static files: %w", err)
	}
	if s.metrics, err = newHTTPMetrics(cfg.Registry); err != nil {
		return nil, err
	}
	s.router = s.routes()
	return s, nil
}

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.router }

// Request bodies are capped at the largest message each endpoint takes.
const (
	maxOrderBody      = auction.MaxOrderBytes
	maxTranscriptBody = auction.MaxTranscriptBytes
)

func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(s.recoverer, s.metrics.middleware, s.securityHeaders)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such page or endpoint: %s", r.URL.Path))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path))
	})

	r.Get("/healthz", s.healthz)
	r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{}))
	var limited chi.Router = r
	if s.cfg.RateLimit.PerSecond > 0 {
		limited = r.With(newLimiter(s.cfg.RateLimit, s.now).middleware)
	}
	s.limitedRoutes(limited)
	return r
}

// limitedRoutes are the API and the pages, under the rate limit.
func (s *Server) limitedRoutes(r chi.Router) {
	r.Route("/api/v1", func(r chi.Router) {
		r.Get("/orders", s.handle(s.listOrders))
		r.Post("/orders", s.submitOrder)
		r.Get("/orders/{hash}", s.handle(s.getOrder))
		r.Get("/orders/{hash}/replicas", s.handle(s.getReplicas))
		r.Get("/transcripts", s.handle(s.listTranscripts))
		r.Post("/transcripts", s.submitTranscript)
		r.Get("/transcripts/{hash}", s.handle(s.getTranscript))
		r.Get("/leases", s.handle(s.listLeases))
		r.Get("/leases/{id}", s.handle(s.getLease))
		r.Get("/providers", s.handle(s.listProviders))
		r.Get("/providers/qualified", s.handle(s.qualified))
		r.Get("/providers/{address}", s.handle(s.getProvider))
		r.Get("/market/prices", s.handle(func(r *http.Request) (any, error) { return s.prices(r) }))
		r.Get("/market/summary", s.marketSummary)
	})

	r.Get("/", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/leases", http.StatusSeeOther) })
	r.Get("/leases", s.pageLeases)
	r.Get("/leases/{id}", s.pageLease)
	r.Get("/providers", s.pageProviders)
	r.Get("/providers/{address}", s.pageProvider)
	r.Get("/market", s.pageMarket)
	r.Get("/static/*", s.serveStatic)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		s.log.Warn("health check failed", "err", err)
		writeError(w, http.StatusServiceUnavailable, "the database does not answer")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.StripPrefix("/static/", http.FileServerFS(s.static)).ServeHTTP(w, r)
}

// securityHeaders keeps pages to their own assets: no inline scripts or
// styles, nothing from elsewhere, no framing.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panicked", "method", r.Method, "path", r.URL.Path, "panic", v)
				writeError(w, http.StatusInternalServerError, "internal error; the broker's log has the details")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// httpMetrics counts requests and their latency by route pattern.
type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "tender", Subsystem: "broker", Name: "http_requests_total",
			Help: "HTTP requests served, by route, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "tender", Subsystem: "broker", Name: "http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by route.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("api: register metrics: %w", err)
		}
	}
	return m, nil
}

func (m *httpMetrics) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.code)).Inc()
		m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// errorBody is every error's JSON.
type errorBody struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v) // the client went away: nothing to do
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, errorBody{Error: msg})
}

// badRequest is an error in what the client sent, with the status to
// answer.
type badRequest struct {
	code int
	msg  string
}

func (e *badRequest) Error() string { return e.msg }

func invalid(format string, args ...any) error {
	return &badRequest{code: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// fail answers err: the client's mistakes with their status and message,
// anything else as a logged 500 that reveals nothing.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := s.classify(err)
	if code == http.StatusInternalServerError {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeError(w, code, msg)
}

func (s *Server) classify(err error) (int, string) {
	var br *badRequest
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &br):
		return br.code, br.msg
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than the %d bytes allowed here", tooBig.Limit)
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, err.Error()
	case errors.Is(err, store.ErrBadCursor):
		return http.StatusBadRequest, "cursor: " + err.Error() + "; pass back the nextCursor of a previous page"
	case errors.Is(err, auction.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, err.Error()
	case errors.Is(err, auction.ErrMalformed), errors.Is(err, auction.ErrUnknownVersion):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, auction.ErrInvalid), errors.Is(err, auction.ErrBadSignature), errors.Is(err, auction.ErrExpired):
		return http.StatusUnprocessableEntity, err.Error()
	}
	return http.StatusInternalServerError, "internal error; the broker's log has the details"
}
