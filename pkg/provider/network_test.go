package provider_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tender-market/tender/internal/markettest"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/network"
)

// TestNetworkIsTheProvidersChoice: a job that asks for network access gets
// a no-bid with reason "network", saying how to offer it, from a provider
// that does not allow it (the default), holding nothing; a provider started
// with network allowed bids on it.
func TestNetworkIsTheProvidersChoice(t *testing.T) {
	for _, allow := range []bool{false, true} {
		t.Run(fmt.Sprintf("allowed=%v", allow), func(t *testing.T) {
			m := markettest.New(t)
			p := m.NewProvider(markettest.ProviderSpec{
				Name: "provider", Machine: "dgxh100", Model: "H100", PricePerHour: fmt.Sprint(price), AllowNetwork: allow,
			})
			p.Start()
			ten := m.NewTenant("tenant", nil, []*network.Node{p.Node})
			job := testJob(t)
			job.Job.Network = true
			o := publish(t, m, ten.Node, job, 10*time.Minute)
			if allow {
				if b := o.Bid(); b.Bid.Bid.Provider != p.Party.Addr {
					t.Errorf("bid from %s, want the provider %s", b.Bid.Bid.Provider.Hex(), p.Party.Addr.Hex())
				}
				return
			}
			nb := o.NoBid()
			if nb.Reason != auction.ReasonNetwork || !strings.Contains(nb.Detail, "--allow-network") {
				t.Errorf("no-bid %s: %q; want %s, saying how to allow network (--allow-network)", nb.Reason, nb.Detail, auction.ReasonNetwork)
			}
			if got := p.Free(); got != gpus {
				t.Errorf("%d GPUs free after the no-bid, want all %d", got, gpus)
			}
		})
	}
}
