// Package testenv lets tests demand the real services they need, run
// parts in the background (Background), watch what they print, and wait
// for what they do (Eventually: one way to poll with a deadline, never a
// fixed sleep).
//
// When a service is missing, a test run by a developer skips with a note that
// says how to start it; under CI (CI=true) the same test fails, because a
// skipped test there would hide a broken set-up.
package testenv

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// InCI reports whether the tests run under CI (the CI variable is "true").
func InCI() bool { return os.Getenv("CI") == "true" }

// Need stops the test when err says the service is unavailable: it fails under
// CI and skips elsewhere. how tells a developer how to provide the service.
func Need(t testing.TB, service, how string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if InCI() {
		t.Fatalf("%s is required under CI but unavailable: %v (%s)", service, err, how)
	}
	t.Skipf("%s unavailable: %v; %s (under CI=true this test fails instead)", service, err, how)
}

// Buffer is a bytes.Buffer that a test may read while a service it runs
// writes to it.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Logger is a logger for the part of a test called name: it writes to
// standard error at the level TENDER_TEST_LOG names (debug, info, warn,
// error) and discards everything when the variable is unset.
func Logger(t testing.TB, name string) *slog.Logger {
	level := os.Getenv("TENDER_TEST_LOG")
	if level == "" {
		return slog.New(slog.DiscardHandler)
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		t.Fatalf("TENDER_TEST_LOG=%q: %v", level, err)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l})).With("who", name)
}

// Poll is how often Eventually looks.
const Poll = 50 * time.Millisecond

// Eventually calls check every Poll until it reports done, and fails the
// test when within passes first, or when check fails. what says what is
// awaited, for the failure message; check's last note (any string it
// returns) says how far things got.
func Eventually(t testing.TB, within time.Duration, what string, check func() (done bool, note string, err error)) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(Poll)
	defer tick.Stop()
	for {
		done, note, err := check()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s (%s)", what, within, note)
		}
		select {
		case <-t.Context().Done():
			t.Fatalf("%s: the test ended first (%s)", what, note)
		case <-tick.C:
		}
	}
}

// Task is a part of the system under test (a daemon, a chain, a broker)
// running in the background: Background starts it.
type Task struct {
	t      testing.TB
	name   string
	cancel context.CancelFunc
	done   chan struct{}
	err    error
	once   sync.Once
}

// Background runs run in a goroutine until Stop is called or the test
// ends. run must return soon after ctx is done; nil or ctx's error is a
// clean stop.
func Background(t testing.TB, name string, run func(ctx context.Context) error) *Task {
	ctx, cancel := context.WithCancel(context.Background())
	k := &Task{t: t, name: name, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(k.done)
		k.err = run(ctx)
	}()
	t.Cleanup(k.Stop)
	return k
}

// Done is closed when the task has returned.
func (k *Task) Done() <-chan struct{} { return k.done }

// Err is what the task returned, once Done is closed.
func (k *Task) Err() error { return k.err }

// Stop cancels the task and waits for it, failing the test when it does
// not return within 30 s or returns an error. Calls after the first do
// nothing.
func (k *Task) Stop() {
	k.once.Do(func() {
		k.cancel()
		select {
		case <-k.done:
			if k.err != nil && !errors.Is(k.err, context.Canceled) {
				k.t.Errorf("%s: %v", k.name, k.err)
			}
		case <-time.After(30 * time.Second):
			k.t.Errorf("%s did not stop within 30 s", k.name)
		}
	})
}

// WaitOrKill waits up to within for cmd, which was asked to stop, to exit,
// and kills it when it has not; it reports whether it had to.
func WaitOrKill(cmd *exec.Cmd, within time.Duration) (killed bool) {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return false
	case <-time.After(within):
		cmd.Process.Kill()
		<-done
		return true
	}
}
