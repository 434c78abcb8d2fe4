package api

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestAggregatesFreshness: an answer is served from memory until it is
// TTL old, then computed again; a failure is not kept.
func TestAggregatesFreshness(t *testing.T) {
	var (
		mu  sync.Mutex
		now = time.Unix(1_800_000_000, 0)
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	a := newAggregates(10*time.Second, clock)
	loads := 0
	fail := false
	load := func(context.Context) (any, error) {
		loads++
		if fail {
			return nil, errors.New("database down")
		}
		return loads, nil
	}
	get := func() (any, error) { return a.get(context.Background(), "k", load) }
	steps := []struct {
		advance   time.Duration
		fail      bool
		want      any
		wantErr   bool
		wantLoads int
	}{
		{0, false, 1, false, 1},
		{9 * time.Second, false, 1, false, 1},  // fresh: from memory
		{time.Second, false, 2, false, 2},      // TTL old: computed again
		{10 * time.Second, true, nil, true, 3}, // failed: not kept
		{0, false, 4, false, 4},                // so the next one computes
		{0, false, 4, false, 4},
	}
	for i, st := range steps {
		advance(st.advance)
		fail = st.fail
		v, err := get()
		if (err != nil) != st.wantErr || !st.wantErr && v != st.want || loads != st.wantLoads {
			t.Errorf("step %d: %v, %v after %d loads; want %v (error %v) after %d", i, v, err, loads, st.want, st.wantErr, st.wantLoads)
		}
	}
}
