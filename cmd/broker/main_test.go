package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/tender-market/tender/internal/chaintest"
)

// TestMain checks that no goroutine outlives the tests (the simulated
// chain's own aside, see chaintest.IgnoreLeaks).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m, chaintest.IgnoreLeaks()...) }
