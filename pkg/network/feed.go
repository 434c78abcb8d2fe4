package network

import (
	"context"
	"log/slog"
	"sync"
)

// feedQueueCap bounds what a slow subscriber may have queued; beyond it the
// oldest item is dropped (and logged).
const feedQueueCap = 1024

// feed fans items out to subscribers, each with its own queue and goroutine,
// so a slow reader never blocks the network.
type feed[T any] struct {
	what string
	log  *slog.Logger

	mu   sync.Mutex
	subs map[*feedSub[T]]struct{}
}

type feedSub[T any] struct {
	mu   sync.Mutex
	q    []T
	wake chan struct{}
}

func newFeed[T any](what string, log *slog.Logger) *feed[T] {
	return &feed[T]{what: what, log: log, subs: make(map[*feedSub[T]]struct{})}
}

// publish queues v for every subscriber.
func (f *feed[T]) publish(v T) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		s.push(v, f)
	}
}

func (s *feedSub[T]) push(v T, f *feed[T]) {
	s.mu.Lock()
	if len(s.q) >= feedQueueCap {
		var zero T
		s.q[0] = zero
		s.q = s.q[1:]
		f.log.Warn("subscriber is slow; dropped the oldest queued item", "feed", f.what)
	}
	s.q = append(s.q, v)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *feedSub[T]) pop() (T, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var zero T
	if len(s.q) == 0 {
		return zero, false
	}
	v := s.q[0]
	s.q[0] = zero
	s.q = s.q[1:]
	return v, true
}

// subscribe returns a channel that first yields the items replay returns
// and then every item published, until ctx is done or done is closed; then
// the channel is closed. replay runs under the feed's lock, so no item is
// missed or doubled between the two. spawn starts the subscriber's goroutine
// and reports false when it may not (the node is closing).
func (f *feed[T]) subscribe(ctx context.Context, done <-chan struct{}, spawn func(func()) bool, replay func() []T) <-chan T {
	out := make(chan T)
	s := &feedSub[T]{wake: make(chan struct{}, 1)}
	f.mu.Lock()
	if replay != nil {
		s.q = append(s.q, replay()...)
	}
	f.subs[s] = struct{}{}
	f.mu.Unlock()
	leave := func() {
		f.mu.Lock()
		delete(f.subs, s)
		f.mu.Unlock()
	}
	ok := spawn(func() {
		defer close(out)
		defer leave()
		for {
			v, ok := s.pop()
			if !ok {
				select {
				case <-s.wake:
					continue
				case <-ctx.Done():
					return
				case <-done:
					return
				}
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			case <-done:
				return
			}
		}
	})
	if !ok {
		leave()
		close(out)
	}
	return out
}
