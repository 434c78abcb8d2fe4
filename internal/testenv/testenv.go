// Package testenv lets tests demand the real services they need.
//
// When a service is missing, a test run by a developer skips with a note that
// says how to start it; under CI (CI=true) the same test fails, because a
// skipped test there would hide a broken set-up.
package testenv

import (
	"os"
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
