package api

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Defaults of the aggregate cache.
const (
	// DefaultAggregateTTL is how long a market summary or price series is
	// served from memory before it is computed again.
	DefaultAggregateTTL = 10 * time.Second
	// aggregateKeys is how many distinct answers (price series of
	// different ranges and models) are kept at once.
	aggregateKeys = 256
	// aggregateQueries is how many aggregate queries run at once, whatever
	// the requests ask: the rest wait their turn.
	aggregateQueries = 2
	// aggregateTimeout bounds one aggregate query.
	aggregateTimeout = 30 * time.Second
)

// aggregates serves answers that scan whole tables (the market summary,
// price series) from memory: one computation per key and TTL however many
// anonymous requests ask, at most aggregateQueries computations at once
// however many keys they vary, at most aggregateKeys answers kept. Failed
// computations are not kept. It is safe for concurrent use.
type aggregates struct {
	ttl   time.Duration
	now   func() time.Time
	slots chan struct{}

	mu      sync.Mutex
	entries map[string]*aggregate
}

type aggregate struct {
	done chan struct{} // closed once val and err are set
	val  any
	err  error
	at   time.Time
}

func newAggregates(ttl time.Duration, now func() time.Time) *aggregates {
	return &aggregates{ttl: ttl, now: now, slots: make(chan struct{}, aggregateQueries), entries: make(map[string]*aggregate)}
}

// get returns key's answer: a fresh one from memory, the one being
// computed, or one load computes now. load runs on a context of its own, so
// that a requester that gives up does not fail the others waiting.
func (a *aggregates) get(ctx context.Context, key string, load func(context.Context) (any, error)) (any, error) {
	a.mu.Lock()
	e := a.entries[key]
	if e != nil {
		select {
		case <-e.done:
			if a.now().Sub(e.at) >= a.ttl {
				e = nil // stale
			}
		default: // being computed
		}
	}
	if e == nil {
		if !a.evictLocked() {
			a.mu.Unlock()
			return nil, errAggregatesBusy
		}
		e = &aggregate{done: make(chan struct{})}
		a.entries[key] = e
		go a.compute(key, e, load)
	}
	a.mu.Unlock()
	select {
	case <-e.done:
		return e.val, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (a *aggregates) compute(key string, e *aggregate, load func(context.Context) (any, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), aggregateTimeout)
	defer cancel()
	select {
	case a.slots <- struct{}{}:
		e.val, e.err = load(ctx)
		<-a.slots
	case <-ctx.Done():
		e.err = ctx.Err()
	}
	e.at = a.now()
	a.mu.Lock()
	if e.err != nil && a.entries[key] == e {
		delete(a.entries, key) // the next request tries again
	}
	a.mu.Unlock()
	close(e.done)
}

// errAggregatesBusy: every kept answer is still being computed.
var errAggregatesBusy = &badRequest{code: http.StatusServiceUnavailable, msg: "the broker is computing as many market aggregates as it keeps; try again in a few seconds"}

// evictLocked makes room for one more entry, dropping stale answers, then
// the oldest; false when all are still being computed.
func (a *aggregates) evictLocked() bool {
	if len(a.entries) < aggregateKeys {
		return true
	}
	var oldestKey string
	var oldest time.Time
	for k, e := range a.entries {
		select {
		case <-e.done:
		default:
			continue // being computed: kept for its waiters
		}
		if a.now().Sub(e.at) >= a.ttl {
			delete(a.entries, k)
			continue
		}
		if oldestKey == "" || e.at.Before(oldest) {
			oldestKey, oldest = k, e.at
		}
	}
	if len(a.entries) >= aggregateKeys && oldestKey != "" {
		delete(a.entries, oldestKey)
	}
	return len(a.entries) < aggregateKeys
}
