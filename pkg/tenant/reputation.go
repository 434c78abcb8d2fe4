package tenant

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Reputation scores providers for the auction: a bid from a provider
// below the job's minReputation cannot win, and among bids at the lowest
// price the higher score wins (*BrokerReputation asks a broker).
type Reputation interface {
	Scores(ctx context.Context, providers []common.Address) (map[common.Address]uint64, error)
	// Qualified lists the providers whose score is at least min (at least
	// 1); complete is false when it lists only some of them.
	Qualified(ctx context.Context, min uint64) (providers []common.Address, complete bool, err error)
}

var _ Reputation = (*BrokerReputation)(nil)

const (
	// reputationTimeout bounds the fetch of the bidders' scores after the
	// bid window: the job waits no longer for them.
	reputationTimeout = 5 * time.Second
	// reputationFetches is how many providers a broker is asked about at
	// once.
	reputationFetches = 8
	// maxProviderBody caps a broker's answer about one provider.
	maxProviderBody = 1 << 20
	// maxQualifiedBody caps a broker's list of qualified providers (at
	// most 10,000 addresses).
	maxQualifiedBody = 2 << 20
)

// BrokerReputation reads providers' reputation scores from a broker's API
// (GET /api/v1/providers/{address}).
type BrokerReputation struct {
	// BaseURL is the broker's, e.g. http://127.0.0.1:8080.
	BaseURL string
	// Client sends the requests (nil: http.DefaultClient).
	Client *http.Client
	// Trusted, when set, are the only tenants whose leases count (at most
	// 64): each provider's score as they see it, which keys they do not
	// know of cannot raise (docs/reputation.md).
	Trusted []common.Address
}

// Scores asks the broker for each provider's score, a few at once. A
// provider the broker never saw scores 0. Any other failure fails the
// whole call.
func (b *BrokerReputation) Scores(ctx context.Context, providers []common.Address) (map[common.Address]uint64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		scores   = make(map[common.Address]uint64, len(providers))
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
			cancel()
		}
	}
	slots := make(chan struct{}, reputationFetches)
	for _, p := range providers {
		wg.Go(func() {
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
				fail(ctx.Err())
				return
			}
			score, err := b.score(ctx, p)
			if err != nil {
				fail(err)
				return
			}
			mu.Lock()
			scores[p] = score
			mu.Unlock()
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return scores, nil
}

// score fetches one provider's score.
func (b *BrokerReputation) score(ctx context.Context, p common.Address) (uint64, error) {
	var answer struct {
		Reputation *struct {
			Score uint64 `json:"score"`
		} `json:"reputation"`
	}
	found, err := b.get(ctx, "api/v1/providers/"+p.Hex(), nil, maxProviderBody, &answer, func() bool { return answer.Reputation != nil })
	if err != nil || !found {
		return 0, err // not found: the broker never saw the provider
	}
	return answer.Reputation.Score, nil
}

// Qualified asks the broker for the providers at the floor min (as the
// Trusted tenants see them, when set).
func (b *BrokerReputation) Qualified(ctx context.Context, min uint64) ([]common.Address, bool, error) {
	var answer struct {
		Providers []common.Address `json:"providers"`
		More      bool             `json:"more"`
	}
	q := url.Values{"min": {strconv.FormatUint(min, 10)}}
	found, err := b.get(ctx, "api/v1/providers/qualified", q, maxQualifiedBody, &answer, func() bool { return answer.Providers != nil })
	if err == nil && !found {
		err = fmt.Errorf("the broker at %s does not list qualified providers (an older broker)", b.BaseURL)
	}
	if err != nil {
		return nil, false, err
	}
	return answer.Providers, !answer.More, nil
}

// get asks the broker for path (with query, and the Trusted tenants), and
// decodes an answer of at most limit bytes into v, for which ok says
// whether the answer was what was asked for. A 404 with a broker's error
// is not found (false, nil).
func (b *BrokerReputation) get(ctx context.Context, path string, query url.Values, limit int, v any, ok func() bool) (bool, error) {
	u, err := url.JoinPath(b.BaseURL, path)
	if err != nil {
		return false, fmt.Errorf("broker URL %q: %w", b.BaseURL, err)
	}
	if len(b.Trusted) > 0 {
		list := make([]string, len(b.Trusted))
		for i, t := range b.Trusted {
			list[i] = t.Hex()
		}
		if query == nil {
			query = url.Values{}
		}
		query.Set("trusted", strings.Join(list, ","))
	}
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	resp, err := b.do(ctx, u)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	if err != nil {
		return false, fmt.Errorf("GET %s: %s: %w", u, resp.Status, err)
	}
	if len(body) > limit {
		return false, fmt.Errorf("GET %s: %s: answer over %d bytes", u, resp.Status, limit)
	}
	var failed struct {
		Error string `json:"error"`
	}
	switch {
	case resp.StatusCode == http.StatusOK && json.Unmarshal(body, v) == nil && ok():
		return true, nil
	case json.Unmarshal(body, &failed) == nil && failed.Error != "":
		if resp.StatusCode == http.StatusNotFound {
			return false, nil
		}
		return false, fmt.Errorf("GET %s: %s: %s", u, resp.Status, failed.Error)
	}
	return false, fmt.Errorf("GET %s: %s: not a broker's answer: %q", u, resp.Status, excerpt(body))
}

// do sends GET u, waiting as told and trying again while the broker
// answers 429 (its rate limit), a few times and at most maxRateWait each.
func (b *BrokerReputation) do(ctx context.Context, u string) (*http.Response, error) {
	client := b.Client
	if client == nil {
		client = http.DefaultClient
	}
	for try := 1; ; try++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, fmt.Errorf("broker URL %q: %w", b.BaseURL, err)
		}
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || try == rateTries {
			return resp, err // an error names the URL
		}
		wait := maxRateWait
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs >= 0 {
			wait = min(time.Duration(secs)*time.Second, maxRateWait)
		}
		resp.Body.Close()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// A broker's rate limit: how often a request is tried, and the longest
// wait between tries.
const (
	rateTries   = 3
	maxRateWait = 2 * time.Second
)

// excerpt is the start of a body, for an error message.
func excerpt(body []byte) []byte {
	body = bytes.TrimSpace(body)
	if len(body) > 80 {
		return append(body[:80:80], "..."...)
	}
	return body
}

// bidders are the providers that bid in one auction and, once its window
// closed, their scores. It is safe for concurrent use.
type bidders struct {
	mu     sync.Mutex
	seen   map[common.Address]bool
	scores map[common.Address]uint64
}

// add notes a provider's bid.
func (b *bidders) add(p common.Address) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.seen == nil {
		b.seen = make(map[common.Address]bool)
	}
	b.seen[p] = true
}

// list is the providers that bid, in address order.
func (b *bidders) list() []common.Address {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]common.Address, 0, len(b.seen))
	for p := range b.seen {
		out = append(out, p)
	}
	slices.SortFunc(out, func(x, y common.Address) int { return x.Cmp(y) })
	return out
}

// rate fetches the bidders' scores from r and says how many it rated; on
// failure every bidder keeps 0.
func (b *bidders) rate(ctx context.Context, r Reputation) (int, error) {
	providers := b.list()
	if len(providers) == 0 {
		return 0, nil
	}
	ctx, cancel := context.WithTimeout(ctx, reputationTimeout)
	defer cancel()
	scores, err := r.Scores(ctx, providers)
	if err != nil {
		return 0, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.scores = scores
	return len(providers), nil
}

// score is p's score for the auction (0 when unknown).
func (b *bidders) score(p common.Address) uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.scores[p]
}
