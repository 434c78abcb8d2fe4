package indexer_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/tender-market/tender/internal/chaintest"
)

// TestMain checks that no goroutine outlives the tests (the simulated
// chain's own aside, see chaintest.IgnoreLeaks).
func TestMain(m *testing.M) { goleak.VerifyTestMain(closing{m}, chaintest.IgnoreLeaks()...) }

// closing runs the tests and benchmarks, then stops the chain the
// catch-up benchmark kept between its runs.
type closing struct{ m *testing.M }

func (c closing) Run() int {
	code := c.m.Run()
	if builtChain != nil {
		builtChain.sim.Close()
	}
	return code
}
