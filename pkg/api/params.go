package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/go-chi/chi/v5"

	"github.com/tender-market/tender/pkg/store"
)

// params reads a request's query strictly: only the names a list takes,
// each at most once.
type params struct {
	q url.Values
}

func readParams(r *http.Request, allowed ...string) (params, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return params{}, invalid("query string: %v", err)
	}
	for name, vals := range q {
		if !slices.Contains(allowed, name) {
			return params{}, invalid("unknown query parameter %q; this endpoint takes: %s", clip(name), strings.Join(allowed, ", "))
		}
		if len(vals) > 1 {
			return params{}, invalid("query parameter %q given %d times; give it once", name, len(vals))
		}
	}
	return params{q: q}, nil
}

func (p params) get(name string) string { return strings.TrimSpace(p.q.Get(name)) }

// clip shortens what a client sent for quoting in an error.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

func (p params) limit() (int, error) {
	v := p.get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > store.MaxPageSize {
		return 0, invalid("limit %q: want a whole number from 1 to %d", clip(v), store.MaxPageSize)
	}
	return n, nil
}

func (p params) cursor(keyLen int) (store.Cursor, error) {
	c, err := store.ParseCursor(p.get("cursor"), keyLen)
	if err != nil {
		return store.Cursor{}, invalid("cursor %q is not one this broker made; pass back the nextCursor of a previous page", clip(p.get("cursor")))
	}
	return c, nil
}

func (p params) address(name string) (*common.Address, error) {
	v := p.get(name)
	if v == "" {
		return nil, nil
	}
	a, err := parseAddress(name, v)
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// addresses reads the parameter name as a comma-separated list of at most
// limit distinct addresses (none when absent).
func (p params) addresses(name string, limit int) ([]common.Address, error) {
	v := p.get(name)
	if v == "" {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) > limit {
		return nil, invalid("%s lists %d addresses, at most %d", name, len(parts), limit)
	}
	out := make([]common.Address, 0, len(parts))
	for _, s := range parts {
		a, err := parseAddress(name, strings.TrimSpace(s))
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, a) {
			return nil, invalid("%s lists %s twice", name, a.Hex())
		}
		out = append(out, a)
	}
	return out, nil
}

func parseAddress(name, v string) (common.Address, error) {
	if !strings.HasPrefix(v, "0x") || !common.IsHexAddress(v) {
		return common.Address{}, invalid("%s %q is not an address: want 0x and 40 hex digits", name, clip(v))
	}
	return common.HexToAddress(v), nil
}

func parseHash(name, v string) (common.Hash, error) {
	if len(v) != 66 || !strings.HasPrefix(v, "0x") {
		return common.Hash{}, invalid("%s %q is not a hash: want 0x and 64 hex digits", name, clip(v))
	}
	for _, c := range v[2:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return common.Hash{}, invalid("%s %q is not a hash: want 0x and 64 hex digits", name, clip(v))
		}
	}
	return common.HexToHash(v), nil
}

func pathHash(r *http.Request, name string) (common.Hash, error) {
	return parseHash(name, chi.URLParam(r, name))
}

func (p params) hash(name string) (*common.Hash, error) {
	v := p.get(name)
	if v == "" {
		return nil, nil
	}
	h, err := parseHash(name, v)
	if err != nil {
		return nil, err
	}
	return &h, nil
}

func (p params) state() (string, error) {
	v := p.get("state")
	if v != "" && !slices.Contains(store.LeaseStates, v) {
		return "", invalid("state %q: want one of %s", clip(v), strings.Join(store.LeaseStates, ", "))
	}
	return v, nil
}

// gpuModel accepts what GPU model names are made of; anything else (quotes,
// semicolons, operators) is refused rather than searched for.
func (p params) gpuModel() (string, error) {
	v := p.get("gpu")
	if v == "" {
		return "", nil
	}
	ok := len(v) <= 128
	for _, c := range v {
		ok = ok && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(" .-_/()+", c))
	}
	if !ok {
		return "", invalid("gpu %q: a GPU model has at most 128 letters, digits, spaces and . - _ / ( ) +", clip(v))
	}
	return v, nil
}

// time reads an RFC 3339 time, or a date (midnight UTC).
func (p params) time(name string) (time.Time, error) {
	v := p.get(name)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			if t.Year() < 1970 || t.Year() > 9999 {
				break
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, invalid("%s %q: want a time like 2026-11-22T10:00:00Z or a date like 2026-11-22, between 1970 and 9999", name, clip(v))
}

func (p params) timeRange() (from, to time.Time, err error) {
	if from, err = p.time("from"); err != nil {
		return
	}
	if to, err = p.time("to"); err != nil {
		return
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		err = invalid("from %s is not before to %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	return
}

func (p params) boolean(name string) (*bool, error) {
	switch v := p.get(name); v {
	case "":
		return nil, nil
	case "true":
		b := true
		return &b, nil
	case "false":
		b := false
		return &b, nil
	default:
		return nil, invalid("%s %q: want true or false", name, clip(v))
	}
}

// leaseFilter reads the filters of a lease list.
func leaseFilter(r *http.Request) (store.LeaseFilter, error) {
	p, err := readParams(r, "state", "tenant", "provider", "gpu", "from", "to", "limit", "cursor")
	if err != nil {
		return store.LeaseFilter{}, err
	}
	var f store.LeaseFilter
	if f.State, err = p.state(); err != nil {
		return f, err
	}
	if f.Tenant, err = p.address("tenant"); err != nil {
		return f, err
	}
	if f.Provider, err = p.address("provider"); err != nil {
		return f, err
	}
	if f.GPUModel, err = p.gpuModel(); err != nil {
		return f, err
	}
	if f.From, f.To, err = p.timeRange(); err != nil {
		return f, err
	}
	if f.Limit, err = p.limit(); err != nil {
		return f, err
	}
	f.After, err = p.cursor(common.HashLength)
	return f, err
}

func providerFilter(r *http.Request) (store.ProviderFilter, error) {
	p, err := readParams(r, "simulated", "gpu", "limit", "cursor")
	if err != nil {
		return store.ProviderFilter{}, err
	}
	var f store.ProviderFilter
	if f.Simulated, err = p.boolean("simulated"); err != nil {
		return f, err
	}
	if f.GPUModel, err = p.gpuModel(); err != nil {
		return f, err
	}
	if f.Limit, err = p.limit(); err != nil {
		return f, err
	}
	f.After, err = p.cursor(common.AddressLength)
	return f, err
}

// priceRange reads the window of a price series: default the last 7 days,
// at most 366 days.
func priceRange(p params, now time.Time) (from, to time.Time, err error) {
	if from, to, err = p.timeRange(); err != nil {
		return
	}
	if to.IsZero() {
		// The end of the next hour: an auction closed by a clock a little
		// ahead of the broker's, near the hour, still shows.
		to = now.UTC().Truncate(time.Hour).Add(2 * time.Hour)
	}
	if from.IsZero() {
		from = to.Add(-7 * 24 * time.Hour)
	}
	if !from.Before(to) {
		return from, to, invalid("from %s is not before to %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	if to.Sub(from) > 366*24*time.Hour {
		return from, to, invalid("from %s to %s spans more than 366 days", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	return from, to, nil
}
