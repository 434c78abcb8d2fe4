package tenant_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/markettest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/tenant"
)

// replicaMarket is a market with three providers of H100s at the prices
// given (party 0, 1, 2), the ones tamper names handing back a result of
// their own, and a tenant joined to all three.
func replicaMarket(t *testing.T, prices [3]string, tamper map[int]bool, opts ...markettest.TenantOptions) (*markettest.Market, []*markettest.Provider, *markettest.Tenant) {
	return replicaMarketWith(t, prices, func(i int, spec *markettest.ProviderSpec) {
		if tamper[i] {
			spec.Tamper = func(out map[string]string) { out["result.txt"] = "a forged result" }
		}
	}, opts...)
}

// replicaMarketWith is replicaMarket with each provider's spec changed by
// change.
func replicaMarketWith(t *testing.T, prices [3]string, change func(int, *markettest.ProviderSpec), opts ...markettest.TenantOptions) (*markettest.Market, []*markettest.Provider, *markettest.Tenant) {
	t.Helper()
	return replicaMarketOn(t, markettest.New(t), prices, change, opts...)
}

// replicaMarketOn is replicaMarketWith on market m.
func replicaMarketOn(t *testing.T, m *markettest.Market, prices [3]string, change func(int, *markettest.ProviderSpec), opts ...markettest.TenantOptions) (*markettest.Market, []*markettest.Provider, *markettest.Tenant) {
	t.Helper()
	var ps []*markettest.Provider
	var nodes []*network.Node
	for i, price := range prices {
		spec := h100
		spec.Name, spec.Party, spec.PricePerHour = "h100-"+string(rune('a'+i)), i, price
		change(i, &spec)
		p := m.NewProvider(spec)
		p.Start(nodes...)
		ps = append(ps, p)
		nodes = append(nodes, p.Node)
	}
	return m, ps, m.NewTenant("tenant", nil, nodes, opts...)
}

// replicaJob runs 500 ms and leaves result.txt (compared) and log.txt (not
// compared, different on each run), checked by v.
func replicaJob(t *testing.T, v auction.Verify) *jobspec.Job {
	t.Helper()
	j := markettest.Job(t, "10m", "run=500ms", "out=result.txt:42", "out=log.txt:"+time.Now().String())
	j.BidWindow = 2 * time.Second
	j.Verify = v
	return j
}

// submitReplicated submits replicaJob(v) with opts (a 30 s start timeout
// unless they set one) while blocks are sealed, as a chain seals them; it
// returns the result, and the balances from before.
func submitReplicated(t *testing.T, m *markettest.Market, ps []*markettest.Provider, ten *markettest.Tenant, v auction.Verify, opts tenant.Options) (*tenant.Result, []*big.Int) {
	t.Helper()
	stop := m.SealBlocks()
	defer stop()
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 30 * time.Second
	}
	before := balances(m, ps)
	res, err := ten.Submit(timeout(t, 2*time.Minute), replicaJob(t, v), opts)
	if err != nil {
		t.Fatalf("%v (replicas %+v)", err, res.Replicas)
	}
	return res, before
}

// balances reads every provider's and the tenant's token balance.
func balances(m *markettest.Market, ps []*markettest.Provider) []*big.Int {
	var out []*big.Int
	for _, p := range ps {
		out = append(out, m.Balance(p.Party.Addr))
	}
	return append(out, m.Balance(m.Chain.Tenant.Addr))
}

// checkReplicas checks res's replicas against want (by provider party:
// agreed and paid, or not), and that the token balances moved exactly by
// what each replica says it was paid.
func checkReplicas(t *testing.T, m *markettest.Market, ps []*markettest.Provider, before []*big.Int, res *tenant.Result, want map[int]bool) {
	t.Helper()
	if res.Ending != lease.EventGroupSettled.String() {
		t.Fatalf("the replicas did not settle: ending %q, replicas %+v", res.Ending, res.Replicas)
	}
	after := balances(m, ps)
	spent := new(big.Int).Sub(before[len(before)-1], after[len(after)-1])
	paidAll := new(big.Int)
	for i, p := range ps {
		gained := new(big.Int).Sub(after[i], before[i])
		paidAll.Add(paidAll, gained)
		agreed, ran := want[i]
		var r *tenant.Replica
		for j := range res.Replicas {
			if res.Replicas[j].Provider == p.Party.Addr {
				r = &res.Replicas[j]
			}
		}
		switch {
		case !ran && r != nil:
			t.Errorf("provider %d ran a replica (%+v), want none", i, *r)
		case !ran:
			if gained.Sign() != 0 {
				t.Errorf("provider %d ran nothing and gained %s", i, gained)
			}
		case r == nil:
			t.Errorf("provider %d ran no replica, want one", i)
		case r.Agreed != agreed:
			t.Errorf("provider %d's replica agreed=%v (digest %s), want %v", i, r.Agreed, r.ResultDigest.Hex(), agreed)
		case agreed && (r.Paid == nil || r.Paid.Sign() <= 0 || gained.Cmp(r.Paid) != 0):
			t.Errorf("provider %d gained %s, its replica says paid %v", i, gained, r.Paid)
		case !agreed && gained.Sign() != 0:
			t.Errorf("provider %d's replica disagreed, and it gained %s", i, gained)
		}
	}
	if spent.Cmp(paidAll) != 0 || res.Paid.Cmp(paidAll) != 0 {
		t.Errorf("the tenant spent %s, the providers gained %s, the result says paid %s", spent, paidAll, res.Paid)
	}
}

// TestReplicasAgree: a job of three replicas runs on the three providers;
// their results agree (log.txt, left out of the comparison, does not); all
// three are paid exactly what they earned, and the tenant gets the output,
// its result digest checked against the majority's.
func TestReplicasAgree(t *testing.T) {
	m, ps, ten := replicaMarket(t, [3]string{"2000000", "2100000", "2200000"}, nil)
	out := filepath.Join(t.TempDir(), "output.tar")
	res, before := submitReplicated(t, m, ps, ten, auction.Verify{Replicas: 3, Paths: []string{"result.txt"}}, tenant.Options{OutputFile: out})
	if len(res.Replicas) != 3 {
		t.Fatalf("%d replicas ran, want 3: %+v", len(res.Replicas), res.Replicas)
	}
	checkReplicas(t, m, ps, before, res, map[int]bool{0: true, 1: true, 2: true})
	if files := outputFiles(t, out); files["result.txt"] != "42" {
		t.Errorf("the output holds %v", files)
	}
}

// TestReplicaCheaterNotPaid: of three replicas one hands back a forged
// result; it is not paid, the two that agree are, and the tenant's output
// is theirs.
func TestReplicaCheaterNotPaid(t *testing.T) {
	m, ps, ten := replicaMarket(t, [3]string{"2000000", "2100000", "2200000"}, map[int]bool{1: true})
	out := filepath.Join(t.TempDir(), "output.tar")
	res, before := submitReplicated(t, m, ps, ten, auction.Verify{Replicas: 3, Paths: []string{"result.txt"}}, tenant.Options{OutputFile: out})
	checkReplicas(t, m, ps, before, res, map[int]bool{0: true, 1: false, 2: true})
	ctx := timeout(t, time.Minute)
	if files := outputFiles(t, out); files["result.txt"] != "42" {
		t.Errorf("the output holds %v, want the majority's", files)
	}

	// tenant results on each replica: its own output, checked against the
	// digest it reported, and whether that was the majority's.
	for _, r := range res.Replicas {
		l, err := ten.Find(ctx, r.LeaseID, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ten.Results(ctx, l, filepath.Join(t.TempDir(), "out.tar"), nil)
		if err != nil {
			t.Fatalf("results of %s: %v", r.Provider.Hex(), err)
		}
		if got.ResultDigest != r.ResultDigest.Hex() || got.Agreed == nil || *got.Agreed != (r.Provider != ps[1].Party.Addr) {
			t.Errorf("results of %s: digest %s, agreed %v; want %s, agreed unless it cheated", r.Provider.Hex(), got.ResultDigest, got.Agreed, r.ResultDigest.Hex())
		}
		if files := outputFiles(t, got.File); (files["result.txt"] == "42") != (r.Provider != ps[1].Party.Addr) {
			t.Errorf("results of %s hold %v", r.Provider.Hex(), files)
		}
	}
}

// TestReplicaRefereeSettlesMismatch: two replicas, the cheaper of which
// cheats, disagree; the third provider's bid referees, and its result
// decides: the cheat is not paid.
func TestReplicaRefereeSettlesMismatch(t *testing.T) {
	m, ps, ten := replicaMarket(t, [3]string{"2100000", "2000000", "2200000"}, map[int]bool{1: true})
	var steps bytes.Buffer
	res, before := submitReplicated(t, m, ps, ten, auction.Verify{Replicas: 2, Paths: []string{"result.txt"}}, tenant.Options{
		Progress: func(p tenant.Progress) { steps.WriteString(p.Message + "\n") },
	})
	if len(res.Replicas) != 3 || res.Replicas[2].Role != tenant.RoleReferee || res.Replicas[2].Provider != ps[2].Party.Addr {
		t.Fatalf("replicas %+v, want the third provider as the referee\n%s", res.Replicas, steps.String())
	}
	checkReplicas(t, m, ps, before, res, map[int]bool{0: true, 1: false, 2: true})
}

// TestReplicaSpotCheck: a spot-checked order at 100% runs a second replica
// on another provider, chosen after the auction; the two agree and both
// are paid.
func TestReplicaSpotCheck(t *testing.T) {
	m, ps, ten := replicaMarket(t, [3]string{"2000000", "2100000", "2200000"}, nil)
	res, before := submitReplicated(t, m, ps, ten, auction.Verify{Replicas: 1, Paths: []string{"result.txt"}, SpotCheckBps: 10_000}, tenant.Options{})
	if len(res.Replicas) != 2 || res.Replicas[1].Role != tenant.RoleCheck {
		t.Fatalf("replicas %+v, want the winner and a check", res.Replicas)
	}
	if res.Transcript.Rule != auction.RuleLowestPrice || len(res.Transcript.Winners) > 1 {
		t.Errorf("a spot-checked order's auction: rule %s, winners %v; want a plain order's", res.Transcript.Rule, res.Transcript.Winners)
	}
	checkReplicas(t, m, ps, before, res, map[int]bool{0: true, 1: true})
	if res.ResultHash == (common.Hash{}) {
		t.Error("no majority digest")
	}
}

// TestReplicaNeverStartsReplaced: the cheapest winner of a two-replica
// order takes the job and never starts it; its lease is closed, its
// deposit back, and the next distinct bid runs the replica in its place.
func TestReplicaNeverStartsReplaced(t *testing.T) {
	m, ps, ten := replicaMarketWith(t, [3]string{"1900000", "2000000", "2100000"}, func(i int, spec *markettest.ProviderSpec) {
		spec.Stall = i == 0
	})
	res, before := submitReplicated(t, m, ps, ten, auction.Verify{Replicas: 2, Paths: []string{"result.txt"}}, tenant.Options{StartTimeout: 3 * time.Second})
	if len(res.Replicas) != 2 {
		t.Fatalf("replicas %+v, want two", res.Replicas)
	}
	checkReplicas(t, m, ps, before, res, map[int]bool{1: true, 2: true})
}

// neverSettles is a tenant's escrow that never settles a group.
type neverSettles struct{ tenant.Escrow }

func (neverSettles) Settle(context.Context, *bind.TransactOpts, common.Hash, uint64) (*lease.Receipt, error) {
	return nil, errors.New("this tenant never settles")
}

// TestReplicaProvidersSettle: a tenant that never settles cannot keep the
// replicas' pay held: the providers settle the group themselves and are
// paid what they earned.
func TestReplicaProvidersSettle(t *testing.T) {
	m, _, ten := replicaMarket(t, [3]string{"2000000", "2100000", "2200000"}, nil, func(c *tenant.Config) {
		c.Escrow = neverSettles{c.Escrow}
	})
	stop := m.SealBlocks()
	defer stop()
	res, err := ten.Submit(timeout(t, 2*time.Minute), replicaJob(t, auction.Verify{Replicas: 2, Paths: []string{"result.txt"}}), tenant.Options{StartTimeout: 30 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "never settles") || len(res.Replicas) != 2 {
		t.Fatalf("submit: %v, %d replicas; want the settlement refused after two replicas", err, len(res.Replicas))
	}
	providersSettle(t, m, res)
}

// providersSettle waits until the providers have settled res's group, and
// checks that each replica agreed and was paid what it held; it returns
// what they were paid in all.
func providersSettle(t *testing.T, m *markettest.Market, res *tenant.Result) *big.Int {
	t.Helper()
	testenv.Eventually(t, 30*time.Second, "the providers settle the group", func() (bool, string, error) {
		g, err := m.Chain.Client.Group(t.Context(), res.OrderHash)
		return err == nil && g.Settled, fmt.Sprintf("%+v", g), err
	})
	paid := new(big.Int)
	for i, r := range res.Replicas {
		evs, err := m.Chain.Client.History(t.Context(), r.LeaseID, 0)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := lease.Find[*lease.ReplicaSettled](evs)
		if !ok || !s.Agreed || s.Paid.Cmp(r.Held) != 0 {
			t.Errorf("replica %d: settled %+v, want agreed and paid the %s it held", i, s, r.Held)
			continue
		}
		paid.Add(paid, s.Paid)
	}
	return paid
}

// TestReplicaGasless: a tenant that holds the token and no ETH runs two
// replicas: its awards share one permit for both deposits, the providers
// open them, and, the tenant sending no transaction, settle the group
// themselves and are paid what they earned.
func TestReplicaGasless(t *testing.T) {
	m := markettest.New(t)
	payer := m.Chain.TokenOnly(t, tokenOnly)
	_, _, ten := replicaMarketOn(t, m, [3]string{"2000000", "2100000", "2200000"}, func(int, *markettest.ProviderSpec) {}, markettest.As(payer))
	stop := m.SealBlocks()
	defer stop()
	res, err := ten.Submit(timeout(t, 2*time.Minute), replicaJob(t, auction.Verify{Replicas: 2, Paths: []string{"result.txt"}}), tenant.Options{Gasless: true, StartTimeout: 2 * time.Minute})
	if err != nil {
		t.Fatalf("%v (replicas %+v)", err, res.Replicas)
	}
	if res.Settled || len(res.Replicas) != 2 {
		t.Fatalf("settled %v with %d replicas; want two, settled by their providers", res.Settled, len(res.Replicas))
	}
	paid := providersSettle(t, m, res)
	if got := m.Balance(payer.Addr); new(big.Int).Sub(tokenOnly, got).Cmp(paid) != 0 {
		t.Errorf("the tenant holds %s of %s, the replicas were paid %s", got, tokenOnly, paid)
	}
}
