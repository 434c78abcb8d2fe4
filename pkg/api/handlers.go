package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/go-chi/chi/v5"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/store"
)

// handle serves what get returns as JSON, or the error it gives (a JSON
// 4xx or 5xx, through fail).
func (s *Server) handle(get func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		out, err := get(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// pageOf turns a page of stored rows into its JSON form.
func pageOf[T, J any](rows []T, next fmt.Stringer, out func(T) J) pageJSON[J] {
	p := pageJSON[J]{Items: make([]J, 0, len(rows)), NextCursor: next.String()}
	for _, row := range rows {
		p.Items = append(p.Items, out(row))
	}
	return p
}

// one reads a single stored item named by the path, for a request that
// takes no query parameters.
func one[K, T, J any](r *http.Request, key func(*http.Request) (K, error), get func(context.Context, K) (T, error), out func(T) J) (any, error) {
	if _, err := readParams(r); err != nil {
		return nil, err
	}
	k, err := key(r)
	if err != nil {
		return nil, err
	}
	v, err := get(r.Context(), k)
	if err != nil {
		return nil, err
	}
	return out(v), nil
}

func (s *Server) listLeases(r *http.Request) (any, error) {
	f, err := leaseFilter(r)
	if err != nil {
		return nil, err
	}
	page, err := s.cfg.Store.Leases(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return pageOf(page.Leases, page.Next, leaseOut), nil
}

func (s *Server) leaseDetail(ctx context.Context, r *http.Request) (store.LeaseDetail, error) {
	if _, err := readParams(r); err != nil {
		return store.LeaseDetail{}, err
	}
	id, err := pathHash(r, "id")
	if err != nil {
		return store.LeaseDetail{}, err
	}
	return s.cfg.Store.LeaseDetail(ctx, id)
}

func (s *Server) getLease(r *http.Request) (any, error) {
	d, err := s.leaseDetail(r.Context(), r)
	if err != nil {
		return nil, err
	}
	out := leaseDetailJSON{Lease: leaseOut(d.Lease), Events: []eventJSON{}, Payments: []paymentJSON{}, Token: s.token()}
	if d.Order != nil {
		o := orderOut(*d.Order)
		out.Order = &o
	}
	if d.Transcript != nil {
		t := s.transcriptOut(*d.Transcript)
		out.Transcript = &t
	} else {
		out.TranscriptUnavailable = s.transcriptUnavailable(d.Lease)
	}
	for _, e := range d.Events {
		out.Events = append(out.Events, eventOut(e))
	}
	for _, p := range d.Payments {
		out.Payments = append(out.Payments, paymentOut(p))
	}
	if d.Group != nil {
		g := s.replicaGroupOut(*d.Group)
		if d.Order != nil {
			v := d.Order.Signed.Order.Verify
			g.Verify = &v
		}
		out.ReplicaGroup = &g
	}
	return out, nil
}

func (s *Server) token() tokenJSON {
	return tokenJSON{Symbol: s.cfg.Token.Symbol, Decimals: s.cfg.Token.Decimals}
}

func (s *Server) listOrders(r *http.Request) (any, error) {
	p, err := readParams(r, "tenant", "limit", "cursor")
	if err != nil {
		return nil, err
	}
	var f store.OrderFilter
	if f.Tenant, err = p.address("tenant"); err == nil {
		if f.Limit, err = p.limit(); err == nil {
			f.After, err = p.cursor(32)
		}
	}
	if err != nil {
		return nil, err
	}
	page, err := s.cfg.Store.Orders(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return pageOf(page.Orders, page.Next, orderOut), nil
}

func (s *Server) getOrder(r *http.Request) (any, error) {
	return one(r, hashParam("hash"), s.cfg.Store.Order, orderOut)
}

// getReplicas answers a verified order's replicas and how their group
// settled; 404 when the index knows no replica of the order.
func (s *Server) getReplicas(r *http.Request) (any, error) {
	return one(r, hashParam("hash"), s.cfg.Store.ReplicaGroup, s.replicaGroupOut)
}

func (s *Server) listTranscripts(r *http.Request) (any, error) {
	p, err := readParams(r, "order", "limit", "cursor")
	if err != nil {
		return nil, err
	}
	var f store.TranscriptFilter
	if f.OrderHash, err = p.hash("order"); err == nil {
		if f.Limit, err = p.limit(); err == nil {
			f.After, err = p.cursor(32)
		}
	}
	if err != nil {
		return nil, err
	}
	page, err := s.cfg.Store.Transcripts(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return pageOf(page.Transcripts, page.Next, s.transcriptOut), nil
}

func (s *Server) getTranscript(r *http.Request) (any, error) {
	return one(r, hashParam("hash"), s.cfg.Store.Transcript, s.transcriptOut)
}

func (s *Server) listProviders(r *http.Request) (any, error) {
	f, err := providerFilter(r)
	if err != nil {
		return nil, err
	}
	page, err := s.cfg.Store.Providers(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return pageOf(page.Providers, page.Next, providerOut), nil
}

// getProvider answers one provider; with ?trusted=0x..,0x.. its
// reputation counts only those tenants' leases.
func (s *Server) getProvider(r *http.Request) (any, error) {
	p, err := readParams(r, "trusted")
	if err != nil {
		return nil, err
	}
	addr, err := parseAddress("address", chi.URLParam(r, "address"))
	if err != nil {
		return nil, err
	}
	trusted, err := p.addresses("trusted", store.MaxTrusted)
	if err != nil {
		return nil, err
	}
	v, err := s.cfg.Store.Provider(r.Context(), addr, trusted...)
	if err != nil {
		return nil, err
	}
	return withNodes(providerOut(v), v), nil
}

// MaxQualified is how many providers GET /api/v1/providers/qualified
// lists; more says when others qualify too.
const MaxQualified = 10_000

// qualifiedJSON is the providers at a reputation floor.
type qualifiedJSON struct {
	Rule      string   `json:"rule"`
	Min       uint64   `json:"min"`
	Trusted   []string `json:"trusted,omitempty"`
	Providers []string `json:"providers"`
	// More: other providers qualify too, past MaxQualified.
	More bool `json:"more"`
}

// qualified answers the providers whose score is at least ?min= (as the
// ?trusted= tenants see it, when given), highest first. Like the market
// aggregates it scores every provider, so it is computed once per TTL per
// question, a few at a time.
func (s *Server) qualified(r *http.Request) (any, error) {
	p, err := readParams(r, "min", "trusted")
	if err != nil {
		return nil, err
	}
	min, err := strconv.ParseUint(p.get("min"), 10, 64)
	if err != nil || min == 0 {
		return nil, invalid("min %q: want the reputation floor, a whole number of at least 1", clip(p.get("min")))
	}
	trusted, err := p.addresses("trusted", store.MaxTrusted)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprint("qualified|", min, "|", trusted)
	v, err := s.aggregates.get(r.Context(), key, func(ctx context.Context) (any, error) {
		addrs, more, err := s.cfg.Store.Qualified(ctx, min, trusted, MaxQualified)
		if err != nil {
			return nil, err
		}
		out := qualifiedJSON{Rule: store.ReputationRule, Min: min, Providers: make([]string, len(addrs)), More: more}
		for i, a := range addrs {
			out.Providers[i] = a.Hex()
		}
		for _, t := range trusted {
			out.Trusted = append(out.Trusted, t.Hex())
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// hashParam reads the hash in the path parameter name.
func hashParam(name string) func(*http.Request) (common.Hash, error) {
	return func(r *http.Request) (common.Hash, error) { return pathHash(r, name) }
}

func (s *Server) prices(r *http.Request) (pricesJSON, error) {
	p, err := readParams(r, "gpu", "from", "to")
	if err != nil {
		return pricesJSON{}, err
	}
	gpu, err := p.gpuModel()
	if err != nil {
		return pricesJSON{}, err
	}
	from, to, err := priceRange(p, s.now())
	if err != nil {
		return pricesJSON{}, err
	}
	pts, err := s.winningPrices(r.Context(), from, to, gpu)
	if err != nil {
		return pricesJSON{}, err
	}
	out := pricesJSON{From: from, To: to, Points: make([]pricePointJSON, 0, len(pts)), Token: s.token()}
	for _, pt := range pts {
		out.Points = append(out.Points, pricePointJSON{
			Hour: pt.Hour.UTC(), GPUModel: pt.GPUModel, Auctions: pt.Auctions,
			MedianPricePerHour: amount(pt.MedianPricePerHour), MedianPricePerGPUHour: amount(pt.MedianPerGPUHour),
		})
	}
	return out, nil
}

func (s *Server) marketSummary(w http.ResponseWriter, r *http.Request) {
	if _, err := readParams(r); err != nil {
		s.fail(w, r, err)
		return
	}
	sum, err := s.summary(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, summaryOut(sum, s.token()))
}

// summary is the market summary, from memory when it is fresh.
func (s *Server) summary(ctx context.Context) (store.Summary, error) {
	v, err := s.aggregates.get(ctx, "summary", func(ctx context.Context) (any, error) { return s.cfg.Store.Summary(ctx) })
	if err != nil {
		return store.Summary{}, err
	}
	return v.(store.Summary), nil
}

// winningPrices is the price series, from memory when it is fresh.
func (s *Server) winningPrices(ctx context.Context, from, to time.Time, gpu string) ([]store.PricePoint, error) {
	key := fmt.Sprintf("prices %d %d %q", from.UnixNano(), to.UnixNano(), gpu)
	v, err := s.aggregates.get(ctx, key, func(ctx context.Context) (any, error) { return s.cfg.Store.WinningPrices(ctx, from, to, gpu) })
	if err != nil {
		return nil, err
	}
	return v.([]store.PricePoint), nil
}

func summaryOut(sum store.Summary, tok tokenJSON) summaryJSON {
	escrow := new(big.Int).Sub(sum.Deposited, sum.Paid)
	escrow.Sub(escrow, sum.Refunded)
	return summaryJSON{
		Orders: sum.Orders, Transcripts: sum.Transcripts, Providers: sum.Providers, Leases: sum.Leases,
		Deposited: amount(sum.Deposited), Paid: amount(sum.Paid), Refunded: amount(sum.Refunded), InEscrow: escrow.String(), Token: tok,
	}
}

// readBody reads a JSON request body of at most limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if _, err := readParams(r); err != nil {
		return nil, err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, &badRequest{code: http.StatusUnsupportedMediaType, msg: fmt.Sprintf("Content-Type %q: send application/json (the wire encoding)", clip(r.Header.Get("Content-Type")))}
	}
	if r.ContentLength > limit {
		return nil, &badRequest{code: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("request body of %d bytes is larger than the %d bytes allowed here", r.ContentLength, limit)}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, err
		}
		return nil, invalid("reading the request body: %v", err)
	}
	if len(data) == 0 {
		return nil, invalid("empty request body: send the signed message in the wire encoding")
	}
	return data, nil
}

// submitOrder takes a signed order in the wire encoding, checks it as a
// provider would (format, tenant signature in this market's domain,
// expiry) and hands it to the network unchanged; the index stores it too.
func (s *Server) submitOrder(w http.ResponseWriter, r *http.Request) {
	data, err := readBody(w, r, maxOrderBody)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vo, err := s.cfg.Domain.ReadOrder(data, s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.cfg.Publisher == nil {
		writeError(w, http.StatusServiceUnavailable, "this broker is not connected to the market network; publish the order over libp2p or through another broker")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	if err := s.cfg.Publisher.PublishOrder(ctx, vo.SignedOrder); err != nil {
		s.log.Warn("publish order failed", "order", vo.Hash, "err", err)
		writeError(w, http.StatusBadGateway, fmt.Sprintf("the market network did not take order %s: %v", vo.Hash.Hex(), err))
		return
	}
	out := acceptedJSON{Hash: vo.Hash.Hex(), Published: true, Stored: true}
	if err := s.cfg.Ingest.IngestOrder(r.Context(), vo); err != nil {
		s.log.Error("store submitted order", "order", vo.Hash, "err", err)
		out.Stored = false
	}
	writeJSON(w, http.StatusAccepted, out)
}

// submitTranscript takes an auction transcript in the wire encoding,
// verifies it and stores it.
func (s *Server) submitTranscript(w http.ResponseWriter, r *http.Request) {
	data, err := readBody(w, r, maxTranscriptBody)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := auction.DecodeTranscript(data)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cfg.Ingest.IngestTranscript(r.Context(), t); err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := s.cfg.Domain.TranscriptHash(&t)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, acceptedJSON{Hash: h.Hex(), Stored: true})
}

// transcriptUnavailable says why the index holds no auction transcript for
// lease l, and what happens about it.
func (s *Server) transcriptUnavailable(l store.Lease) string {
	if s.cfg.Publisher == nil {
		return "This broker runs without a market node, so it sees no auction transcripts; they can be POSTed to /api/v1/transcripts."
	}
	if s.now().Sub(l.OpenedAt) < network.KeepTranscriptsFor {
		return "The broker missed this auction's transcript when it was published (it was down, or not yet in the market); it asks market peers, which keep transcripts for 24 hours, every minute."
	}
	return "The broker missed this auction's transcript, and market peers keep transcripts for 24 hours only: it cannot get it from them any more. Whoever holds it can POST it to /api/v1/transcripts; it is checked before it is stored."
}
