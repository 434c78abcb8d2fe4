package api

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/tender-market/tender/pkg/store"
)

// FuzzQuery feeds anyone's query strings to the filters of the lease and
// provider lists: they must not panic, and what they accept stays within
// the page size and the known lease states.
func FuzzQuery(f *testing.F) {
	for _, q := range []string{
		"state=closed&gpu=H100&limit=10",
		"tenant=0x0000000000000000000000000000000000000001&from=2026-01-01&to=2026-12-31",
		"provider=0xzz&cursor=AAAA",
		"simulated=true&limit=-1",
		"gpu=%27+OR+1%3D1+--",
		"state=closed&state=open",
		"limit=99999999999999999999",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := url.ParseQuery(q); err != nil {
			return
		}
		// Built by hand: a query may hold bytes NewRequest refuses in a
		// request line, yet reach the handler through a proxy.
		r := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/api/v1/leases", RawQuery: q}}
		if lf, err := leaseFilter(r); err == nil {
			if lf.Limit < 0 || lf.Limit > store.MaxPageSize {
				t.Fatalf("limit %d accepted", lf.Limit)
			}
			switch lf.State {
			case "", "open", "running", "closed", "overdrawn", "reclaimed":
			default:
				t.Fatalf("state %q accepted", lf.State)
			}
		}
		if pf, err := providerFilter(r); err == nil && (pf.Limit < 0 || pf.Limit > store.MaxPageSize) {
			t.Fatalf("limit %d accepted", pf.Limit)
		}
	})
}
