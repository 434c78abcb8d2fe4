package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/store"
)

func (s *Server) listLeases(w http.ResponseWriter, r *http.Request) {
	f, err := leaseFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := s.cfg.Store.Leases(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := pageJSON[leaseJSON]{Items: make([]leaseJSON, 0, len(page.Leases)), NextCursor: page.Next.String()}
	for _, l := range page.Leases {
		out.Items = append(out.Items, leaseOut(l))
	}
	writeJSON(w, http.StatusOK, out)
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

func (s *Server) getLease(w http.ResponseWriter, r *http.Request) {
	d, err := s.leaseDetail(r.Context(), r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := leaseDetailJSON{Lease: leaseOut(d.Lease), Events: []eventJSON{}, Payments: []paymentJSON{}, Token: s.token()}
	if d.Order != nil {
		o := orderOut(*d.Order)
		out.Order = &o
	}
	if d.Transcript != nil {
		t := s.transcriptOut(*d.Transcript)
		out.Transcript = &t
	}
	for _, e := range d.Events {
		out.Events = append(out.Events, eventOut(e))
	}
	for _, p := range d.Payments {
		out.Payments = append(out.Payments, paymentOut(p))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) token() tokenJSON {
	return tokenJSON{Symbol: s.cfg.Token.Symbol, Decimals: s.cfg.Token.Decimals}
}

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r, "tenant", "limit", "cursor")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f store.OrderFilter
	if f.Tenant, err = p.address("tenant"); err == nil {
		if f.Limit, err = p.limit(); err == nil {
			f.After, err = p.cursor(32)
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := s.cfg.Store.Orders(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := pageJSON[orderJSON]{Items: make([]orderJSON, 0, len(page.Orders)), NextCursor: page.Next.String()}
	for _, o := range page.Orders {
		out.Items = append(out.Items, orderOut(o))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) {
	if _, err := readParams(r); err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := pathHash(r, "hash")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	o, err := s.cfg.Store.Order(r.Context(), h)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, orderOut(o))
}

func (s *Server) listTranscripts(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r, "order", "limit", "cursor")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f store.TranscriptFilter
	if f.OrderHash, err = p.hash("order"); err == nil {
		if f.Limit, err = p.limit(); err == nil {
			f.After, err = p.cursor(32)
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := s.cfg.Store.Transcripts(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := pageJSON[transcriptJSON]{Items: make([]transcriptJSON, 0, len(page.Transcripts)), NextCursor: page.Next.String()}
	for _, t := range page.Transcripts {
		out.Items = append(out.Items, s.transcriptOut(t))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getTranscript(w http.ResponseWriter, r *http.Request) {
	if _, err := readParams(r); err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := pathHash(r, "hash")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.cfg.Store.Transcript(r.Context(), h)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.transcriptOut(t))
}

func (s *Server) listProviders(w http.ResponseWriter, r *http.Request) {
	f, err := providerFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := s.cfg.Store.Providers(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := pageJSON[providerJSON]{Items: make([]providerJSON, 0, len(page.Providers)), NextCursor: page.Next.String()}
	for _, p := range page.Providers {
		out.Items = append(out.Items, providerOut(p))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getProvider(w http.ResponseWriter, r *http.Request) {
	if _, err := readParams(r); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := parseAddress("address", chi.URLParam(r, "address"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.cfg.Store.Provider(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, providerOut(p))
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
	pts, err := s.cfg.Store.WinningPrices(r.Context(), from, to, gpu)
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

func (s *Server) marketPrices(w http.ResponseWriter, r *http.Request) {
	out, err := s.prices(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) marketSummary(w http.ResponseWriter, r *http.Request) {
	if _, err := readParams(r); err != nil {
		s.fail(w, r, err)
		return
	}
	sum, err := s.cfg.Store.Summary(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, summaryOut(sum, s.token()))
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
