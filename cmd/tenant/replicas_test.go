package main

import (
	"bytes"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/tenant"
)

// TestPrintReplicas: the summary of a verified order, settled or left to
// its providers, says each replica's digest and pay, the majority, and
// the output, in tokens.
func TestPrintReplicas(t *testing.T) {
	digest := common.HexToHash("0xa9")
	r := &tenant.Result{
		Deposit: big.NewInt(3_000_000), OutputFile: "model.tar", OutputSize: 10240,
		Replicas: []tenant.Replica{
			{Role: tenant.RoleReplica, Ending: lease.EventReported.String(), ResultDigest: digest, Held: big.NewInt(1675), Agreed: true, Paid: big.NewInt(1675)},
			{Role: tenant.RoleReplica, Ending: lease.EventReported.String(), ResultDigest: common.HexToHash("0xd1"), Held: big.NewInt(2000)},
			{Role: tenant.RoleReferee, Error: "the provider did not start"},
		},
	}
	var pending bytes.Buffer
	printSummary(&pending, r, 6, "")
	for _, want := range []string{"0.001675 tokens held", "0.002 tokens held", "referee", "did not run: the provider did not start", "settled  not yet", "output   model.tar"} {
		if !strings.Contains(pending.String(), want) {
			t.Errorf("unsettled summary lacks %q:\n%s", want, pending.String())
		}
	}
	r.Settled, r.ResultHash, r.Paid, r.Refunded = true, digest, big.NewInt(1675), big.NewInt(2_998_325)
	var settled bytes.Buffer
	printSummary(&settled, r, 6, "")
	for _, want := range []string{"agrees: paid 0.001675 tokens", "disagrees: not paid", "majority " + digest.Hex(), "paid     0.001675 tokens, refunded 2.998325", "matches the majority's"} {
		if !strings.Contains(settled.String(), want) {
			t.Errorf("settled summary lacks %q:\n%s", want, settled.String())
		}
	}
}
