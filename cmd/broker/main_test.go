package main

import (
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/cli"
)

// childArgs, in the environment, makes the test binary run the broker
// command with these arguments (joined by newlines) instead of the tests:
// a broker in a process of its own, for a test to kill.
const childArgs = "TENDER_TEST_BROKER_ARGS"

// TestMain runs a child broker when asked (childArgs), and otherwise the
// tests, checking that no goroutine outlives them (the simulated chain's
// own aside, see chaintest.IgnoreLeaks).
func TestMain(m *testing.M) {
	if args := os.Getenv(childArgs); args != "" {
		os.Exit(cli.Main(newRoot, strings.Split(args, "\n"), os.Stdout, os.Stderr))
	}
	goleak.VerifyTestMain(m, chaintest.IgnoreLeaks()...)
}
