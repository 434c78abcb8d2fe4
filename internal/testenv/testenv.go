// Package testenv lets tests demand the real services they need, and
// watch what those services print.
//
// When a service is missing, a test run by a developer skips with a note that
// says how to start it; under CI (CI=true) the same test fails, because a
// skipped test there would hide a broken set-up.
package testenv

import (
	"bytes"
	"os"
	"sync"
	"testing"
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
