package api

import (
	"bytes"
	"fmt"
	"html/template"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/store"
)

// parsePages parses each page template together with the layout.
func parsePages(funcs template.FuncMap) (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range []string{"leases", "lease", "providers", "provider", "market", "error"} {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("api: templates: %w", err)
		}
		pages[name] = t
	}
	return pages, nil
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"amount": s.formatAmount,
		"short":  shortHex,
		"when":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
		"whenp": func(t *time.Time) string {
			if t == nil {
				return "-"
			}
			return t.UTC().Format("2006-01-02 15:04:05 UTC")
		},
		"seconds": func(s uint64) string { return (time.Duration(s) * time.Second).String() },
		"hex":     func(v interface{ Hex() string }) string { return v.Hex() },
		"eventName": func(kind string) string {
			if n, ok := eventNames[kind]; ok {
				return n
			}
			return kind
		},
		"paymentName": func(kind string) string {
			if n, ok := paymentNames[kind]; ok {
				return n
			}
			return kind
		},
		"reason": func(r string) string {
			if r == "" {
				return "eligible"
			}
			return strings.ReplaceAll(r, "_", " ")
		},
		"deref": func(b *bool) bool { return b != nil && *b },
		"amountText": func(v string) string {
			n, ok := new(big.Int).SetString(v, 10)
			if !ok {
				return v
			}
			return s.formatAmount(n)
		},
		"query": func(base string, v url.Values) string {
			if len(v) == 0 {
				return base
			}
			return base + "?" + v.Encode()
		},
	}
}

var eventNames = map[string]string{
	store.KindLeaseOpened: "Opened", store.KindStarted: "Started", store.KindWithdrawn: "Provider withdrew",
	store.KindToppedUp: "Tenant topped up", store.KindClosed: "Closed", store.KindOverdrawn: "Closed overdrawn",
	store.KindReclaimed: "Reclaimed", store.KindPaymentDeferred: "Payment deferred", store.KindClaimed: "Claimed",
	store.KindReported: "Reported by the provider", store.KindReplicaSettled: "Settled by its group",
}

var paymentNames = map[string]string{
	"deposit": "Deposit (tenant to escrow)", "top_up": "Top-up (tenant to escrow)", "withdrawal": "Withdrawal (escrow to provider)",
	"settlement": "Settlement (escrow to provider)", "refund": "Refund (escrow to tenant)", "deferred": "Deferred", "claim": "Claim",
}

// formatAmount shows base units in whole tokens with the token's decimals,
// exactly: 1500000 with 6 decimals is "1.5 tUSD".
func (s *Server) formatAmount(v *big.Int) string {
	text := FormatAmount(v, s.cfg.Token.Decimals)
	if s.cfg.Token.Symbol != "" {
		text += " " + s.cfg.Token.Symbol
	}
	return text
}

// FormatAmount writes base units as a decimal number of whole tokens, with
// no rounding and without trailing zeros: (1500000, 6) is "1.5".
func FormatAmount(v *big.Int, decimals uint8) string {
	if v == nil {
		return "0"
	}
	neg := v.Sign() < 0
	digits := new(big.Int).Abs(v).String()
	d := int(decimals)
	if len(digits) <= d {
		digits = strings.Repeat("0", d-len(digits)+1) + digits
	}
	whole, frac := digits[:len(digits)-d], strings.TrimRight(digits[len(digits)-d:], "0")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

func shortHex(s string) string {
	if len(s) <= 14 {
		return s
	}
	return s[:8] + "…" + s[len(s)-4:]
}

// render executes a page; a failure before anything was written becomes a
// 500 page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages[name].Execute(&buf, data); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error; the broker's log has the details", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = buf.WriteTo(w)
}

// page is what every page's layout needs.
type page struct {
	Title string
	Nav   string
	// Live, when set, is the API URL the page polls; Fingerprint is what
	// the page shows of it, so a change reloads the page.
	Live        string
	Fingerprint string
	LiveEvery   int // milliseconds
	Error       string
}

func (s *Server) pageError(w http.ResponseWriter, r *http.Request, nav string, err error) {
	code, msg := s.classify(err)
	if code == http.StatusInternalServerError {
		s.log.Error("page failed", "path", r.URL.Path, "err", err)
	}
	s.render(w, r, code, "error", struct {
		page
		Code int
	}{page{Title: http.StatusText(code), Nav: nav, Error: msg}, code})
}

// leaseFingerprint is what live pages compare: lease IDs with their last
// change, in the form the JSON API writes them.
func leaseFingerprint(ls []store.Lease) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = l.ID.Hex() + "@" + l.UpdatedAt.UTC().Format(time.RFC3339Nano)
	}
	return strings.Join(parts, ",")
}

func (s *Server) pageLeases(w http.ResponseWriter, r *http.Request) {
	type data struct {
		page
		Filter   url.Values
		States   []string
		Leases   []store.Lease
		Next     string
		NextURL  string
		FirstURL string
	}
	d := data{page: page{Title: "Leases", Nav: "leases"}, States: store.LeaseStates}
	filter := url.Values{}
	for _, k := range []string{"state", "tenant", "provider", "gpu", "from", "to", "limit"} {
		if v := strings.TrimSpace(r.URL.Query().Get(k)); v != "" {
			filter.Set(k, v)
		}
	}
	d.Filter = filter
	d.FirstURL = "/leases"
	if len(filter) > 0 {
		d.FirstURL += "?" + filter.Encode()
	}
	f, err := leaseFilter(r)
	if err != nil {
		code, msg := s.classify(err)
		d.Error = msg
		s.render(w, r, code, "leases", d)
		return
	}
	pg, err := s.cfg.Store.Leases(r.Context(), f)
	if err != nil {
		s.pageError(w, r, "leases", err)
		return
	}
	d.Leases = pg.Leases
	if !pg.Next.IsZero() {
		next := url.Values{}
		for k, v := range filter {
			next[k] = v
		}
		next.Set("cursor", pg.Next.String())
		d.NextURL = "/leases?" + next.Encode()
	}
	if f.After.IsZero() {
		// The first page follows the market: new leases and changes show.
		d.Live = "/api/v1/leases"
		if len(filter) > 0 {
			d.Live += "?" + filter.Encode()
		}
		d.Fingerprint = leaseFingerprint(pg.Leases)
		d.LiveEvery = int(s.cfg.LiveInterval / time.Millisecond)
	}
	s.render(w, r, http.StatusOK, "leases", d)
}

func (s *Server) pageLease(w http.ResponseWriter, r *http.Request) {
	d, err := s.leaseDetail(r.Context(), r)
	if err != nil {
		s.pageError(w, r, "leases", err)
		return
	}
	type data struct {
		page
		store.LeaseDetail
		WhyWinner string
		Escrowed  *big.Int
		// Exit says how the job ended, with its memory limit when
		// memory killed it and the order is known.
		Exit string
		// NoTranscript says why the auction's transcript is missing.
		NoTranscript string
		// Ports are the ports a service's order exposes ("" for a job
		// that exposes none).
		Ports string
		// RanFor is how long the job has run (ended: how long it ran);
		// Accrued what a running lease has earned by now.
		RanFor  string
		Accrued *big.Int
		// ReplicaStatus says where a replica stands; ReplicaOutcome how
		// its group settled, or that it has not.
		ReplicaStatus, ReplicaOutcome string
	}
	out := data{page: page{Title: "Lease " + shortHex(d.Lease.ID.Hex()), Nav: "leases"}, LeaseDetail: d}
	if d.Transcript != nil {
		out.WhyWinner = whyWinner(*d.Transcript, s.formatAmount)
	} else {
		out.NoTranscript = s.transcriptUnavailable(d.Lease)
	}
	l := d.Lease
	if l.ExitCode != nil {
		var memory string
		if d.Order != nil && d.Order.Signed.Order.Requirements.MemoryMiB > 0 {
			memory = jobspec.FormatSize(d.Order.Signed.Order.Requirements.MemoryMiB)
		}
		out.Exit = lease.ExitCode(*l.ExitCode).Describe(memory)
	}
	out.Escrowed = new(big.Int).Sub(l.Deposit, l.Paid)
	out.Escrowed.Sub(out.Escrowed, l.Refunded)
	if d.Order != nil && len(d.Order.Signed.Order.Job.Expose) > 0 {
		out.Ports = d.Order.Signed.Order.Job.ExposedPorts()
	}
	out.RanFor, out.Accrued = ranFor(l, s.now())
	if l.Replica {
		out.ReplicaStatus = replicaStatus(l, s.formatAmount)
	}
	if d.Group != nil {
		out.ReplicaOutcome = replicaOutcome(*d.Group)
	}
	if l.State == "open" || l.State == "running" || l.State == "reported" {
		out.page.Live = "/api/v1/leases/" + l.ID.Hex()
		out.Fingerprint = leaseFingerprint([]store.Lease{l})
		out.LiveEvery = int(s.cfg.LiveInterval / time.Millisecond)
	}
	s.render(w, r, http.StatusOK, "lease", out)
}

// replicaStatus says in words where replica l stands with its group.
func replicaStatus(l store.Lease, format func(*big.Int) string) string {
	switch {
	case l.Agreed != nil && *l.Agreed:
		return "its result digest was its group's majority: the settlement paid its provider " + format(l.Paid) + "."
	case l.Agreed != nil && l.Held == nil:
		return "it never reported a result: the settlement refunded its tenant the whole deposit."
	case l.Agreed != nil:
		return "its result digest was not its group's majority: the settlement refunded its tenant the " + format(l.Held) + " it held."
	case l.State == "reported":
		return "reported; the escrow holds the " + format(l.Held) + " it earned until its group settles."
	case l.State == "open" || l.State == "running":
		return "its pay is held until its group settles by the majority of the replicas' result digests."
	}
	return "it left its group before the settlement, settled as any lease."
}

// replicaOutcome says in words how a replica group settled, or that it has
// not.
func replicaOutcome(g store.ReplicaGroup) string {
	st := g.Settlement
	if st == nil {
		return fmt.Sprintf("%d replicas; the group has not settled yet: the escrow holds each one's pay until it does.", len(g.Replicas))
	}
	if st.Majority == nil {
		return "Settled with no majority: no result digest had more than half of the reports, so every replica's pay went back to the tenant."
	}
	paid := g.Paid()
	who := make([]string, len(paid))
	for i, l := range paid {
		who[i] = shortHex(l.Provider.Hex())
	}
	return fmt.Sprintf("Settled: the majority's result digest is %s; the settlement paid %s.", shortHex(st.Majority.Hex()), andList(who))
}

// andList joins words as English does: "a", "a and b", "a, b and c".
func andList(words []string) string {
	switch len(words) {
	case 0:
		return "nobody"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// ranFor is how long lease l's job has run at now, or ran ("" before it
// started), and, while it runs, what it has earned: the escrow's own
// arithmetic at the broker's clock (nil once it ended).
func ranFor(l store.Lease, now time.Time) (string, *big.Int) {
	if l.StartedAt == nil {
		return "", nil
	}
	end, running := now, l.State == "running"
	if l.EndedAt != nil {
		end, running = *l.EndedAt, false
	}
	d := max(end.Sub(*l.StartedAt), 0).Truncate(time.Second)
	if !running {
		return d.String(), nil
	}
	terms := lease.Terms{PricePerHour: l.PricePerHour, MaxDuration: l.MaxDuration}
	earned, _ := terms.Earned(l.Deposit, uint64(l.StartedAt.Unix()), uint64(max(now.Unix(), l.StartedAt.Unix())))
	return d.String(), earned
}

func (s *Server) pageProviders(w http.ResponseWriter, r *http.Request) {
	type data struct {
		page
		Simulated string
		GPU       string
		Providers []store.Provider
		NextURL   string
		Rule      string
	}
	d := data{page: page{Title: "Providers", Nav: "providers"}, Rule: store.ReputationRule, Simulated: r.URL.Query().Get("simulated"), GPU: r.URL.Query().Get("gpu")}
	f, err := providerFilter(r)
	if err != nil {
		code, msg := s.classify(err)
		d.Error = msg
		s.render(w, r, code, "providers", d)
		return
	}
	pg, err := s.cfg.Store.Providers(r.Context(), f)
	if err != nil {
		s.pageError(w, r, "providers", err)
		return
	}
	d.Providers = pg.Providers
	if !pg.Next.IsZero() {
		q := url.Values{"cursor": {pg.Next.String()}}
		if d.Simulated != "" {
			q.Set("simulated", d.Simulated)
		}
		if d.GPU != "" {
			q.Set("gpu", d.GPU)
		}
		d.NextURL = "/providers?" + q.Encode()
	}
	s.render(w, r, http.StatusOK, "providers", d)
}

// pageProvider shows one provider and how its reputation score was made.
func (s *Server) pageProvider(w http.ResponseWriter, r *http.Request) {
	addr, err := parseAddress("address", chi.URLParam(r, "address"))
	if err != nil {
		s.pageError(w, r, "providers", err)
		return
	}
	p, err := s.cfg.Store.Provider(r.Context(), addr)
	if err != nil {
		s.pageError(w, r, "providers", err)
		return
	}
	type data struct {
		page
		store.Provider
		Rule                                                         string
		PerHour, LeaseCap, TenantCap, ReclaimPenalty, FailurePenalty uint64
		DisagreePenalty                                              uint64
		ReclaimedPenalty, FailedPenalty, DisagreedPenalty            uint64
	}
	rep := p.Reputation
	s.render(w, r, http.StatusOK, "provider", data{
		page: page{Title: "Provider " + shortHex(p.Address.Hex()), Nav: "providers"}, Provider: p,
		Rule: store.ReputationRule, PerHour: store.CreditPerHour, LeaseCap: store.LeaseCreditCap, TenantCap: store.TenantCreditCap,
		ReclaimPenalty: store.ReclaimPenalty, FailurePenalty: store.FailurePenalty, DisagreePenalty: store.DisagreedPenalty,
		ReclaimedPenalty: store.ReclaimPenalty * rep.Reclaimed, FailedPenalty: store.FailurePenalty * rep.Failed,
		DisagreedPenalty: store.DisagreedPenalty * rep.Disagreed,
	})
}

func (s *Server) pageMarket(w http.ResponseWriter, r *http.Request) {
	type data struct {
		page
		Summary  store.Summary
		InEscrow *big.Int
		Prices   pricesJSON
		Chart    template.HTML
		Points   []store.PricePoint
	}
	d := data{page: page{Title: "Market", Nav: "market"}}
	prices, err := s.prices(r)
	if err != nil {
		code, msg := s.classify(err)
		d.Error = msg
		s.render(w, r, code, "market", d)
		return
	}
	d.Prices = prices
	sum, err := s.summary(r.Context())
	if err != nil {
		s.pageError(w, r, "market", err)
		return
	}
	d.Summary = sum
	d.InEscrow = new(big.Int).Sub(sum.Deposited, sum.Paid)
	d.InEscrow.Sub(d.InEscrow, sum.Refunded)
	d.Chart = priceChart(prices, s.cfg.Token)
	s.render(w, r, http.StatusOK, "market", d)
}
