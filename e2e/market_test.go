// Package e2e runs the whole market in one process: a dev chain, three
// provider daemons with simulated GPUs and different prices, and a tenant
// submitting the example training job, which runs in a real Docker Engine.
package e2e

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/broker"
	"github.com/tender-market/tender/pkg/cluster"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/executor"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/store/storetest"
	"github.com/tender-market/tender/pkg/tenant"
)

const (
	trainImage = "tender/example-train:dev"
	dockerHow  = "run scripts/setup.d/20-docker.sh, which installs docker.io and starts dockerd"
)

// startChain runs a dev chain on a free loopback port until the test ends.
func startChain(t testing.TB) deployment.Deployment {
	t.Helper()
	return startChainWith(t, devchain.Config{})
}

// startChainWith runs a dev chain configured by cfg until the test ends.
func startChainWith(t testing.TB, cfg devchain.Config) deployment.Deployment {
	t.Helper()
	cfg.Logger = testenv.Logger(t, "chain")
	d, _ := chaintest.Serve(t, cfg)
	return d
}

// needImage returns a Docker client with the training image, building the
// image when it is missing.
func needImage(t testing.TB) *executor.Executor {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cli, err := executor.Dial(ctx)
	testenv.Need(t, "Docker Engine", dockerHow, err)
	t.Cleanup(func() { cli.Close() })
	if exec.CommandContext(ctx, "docker", "image", "inspect", trainImage).Run() != nil {
		out, err := exec.CommandContext(ctx, "../examples/build-images.sh").CombinedOutput()
		if err != nil {
			t.Fatalf("build %s: %v\n%s", trainImage, err, out)
		}
	}
	ex, err := executor.New(cli, executor.Config{WorkDir: t.TempDir(), StopGrace: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

type providerSpec struct {
	name, machine, model, price string
	account                     int
	// tamper: it hands back another /output than its jobs wrote (a cheat,
	// built here around the real executor: the provider has no such
	// switch).
	tamper bool
	// kube, when set, runs the provider's leases on that cluster, and
	// sells its nodes' GPUs instead of machine's.
	kube *cluster.Cluster
}

func nodeConfig(t testing.TB, d auction.Domain, name string, bootstrap ...*network.Node) network.Config {
	cfg := network.Config{
		Domain:            d,
		ListenAddrs:       []string{"/ip4/127.0.0.1/tcp/0"},
		BootstrapInterval: 200 * time.Millisecond,
		DiscoveryInterval: time.Second,
		StreamTimeout:     10 * time.Second,
		Logger:            testenv.Logger(t, name+"/p2p"),
	}
	for _, b := range bootstrap {
		cfg.Bootstrap = append(cfg.Bootstrap, b.AddrInfo())
	}
	return cfg
}

func startNode(t testing.TB, cfg network.Config) *network.Node {
	t.Helper()
	n, err := network.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

func dialEscrow(t testing.TB, dep deployment.Deployment, name string) *lease.Client {
	t.Helper()
	c, err := lease.Dial(t.Context(), dep.RPCURL, dep.Escrow, testenv.Logger(t, name+"/escrow"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Disconnect)
	return c
}

// startProvider runs a provider daemon until the test ends.
func startProvider(t testing.TB, dep deployment.Deployment, ex *executor.Executor, p providerSpec, bootstrap ...*network.Node) *daemon {
	t.Helper()
	d := newDaemon(t, dep, ex, p)
	d.start(bootstrap...)
	return d
}

func TestMarketEndToEnd(t *testing.T) {
	ex := needImage(t)
	dep := startChain(t)

	specs := []providerSpec{
		{name: "h100", machine: "dgxh100", model: "H100", price: "2000000", account: 2},
		{name: "h200", machine: "dgxh200", model: "H200", price: "3000000", account: 3},
		// Cheapest of all, but its A100s do not meet the order: it must say so.
		{name: "a100", machine: "dgxa100", model: "A100", price: "500000", account: 4},
	}
	first := startProvider(t, dep, ex, specs[0])
	providers := []*daemon{first}
	for _, s := range specs[1:] {
		providers = append(providers, startProvider(t, dep, ex, s, first.node))
	}
	dashboard := startBroker(t, dep, first.node)

	tenantKey := deployment.DevKey(1)
	esc := dialEscrow(t, dep, "tenant")
	var boot []*network.Node
	for _, p := range providers {
		boot = append(boot, p.node)
	}
	tnode := startNode(t, nodeConfig(t, esc.Domain(), "tenant", boot...))
	waitPeers(t, tnode, len(providers))

	job, err := jobspec.ReadFile("../examples/train/job.yaml", dep.TokenDecimals)
	if err != nil {
		t.Fatal(err)
	}
	job.BidWindow = 3 * time.Second

	signer := auction.NewKeySigner(tenantKey)
	sub, err := tenant.New(tenant.Config{
		Domain: esc.Domain(), Signer: signer, Auth: bind.NewKeyedTransactor(tenantKey, esc.ChainID()),
		Market: tenant.OnNode(tnode), Escrow: esc, PollInterval: 200 * time.Millisecond, Logger: testenv.Logger(t, "tenant"),
		Reputation: &tenant.BrokerReputation{BaseURL: dashboard},
	})
	if err != nil {
		t.Fatal(err)
	}

	winner := providers[0]
	accounts := []common.Address{signer.Address(), winner.addr, dep.Escrow}
	before := balances(t, esc, accounts)

	var logs testenv.Buffer
	var progress []tenant.Progress
	var progressMu sync.Mutex
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "output.tar")
	res, err := sub.Submit(ctx, job, tenant.Options{
		Logs: &logs, OutputFile: out,
		Progress: func(p tenant.Progress) {
			progressMu.Lock()
			progress = append(progress, p)
			progressMu.Unlock()
		},
	})
	if err != nil {
		t.Fatalf("Submit: %v\nlogs:\n%s", err, logs.String())
	}

	// The cheapest qualifying provider won; the cheaper A100 one said why not.
	if res.Winner == nil || res.Winner.Provider != winner.addr {
		t.Fatalf("winner = %+v, want the H100 provider %s", res.Winner, winner.addr.Hex())
	}
	if got := res.Winner.PricePerHour.String(); got != "2000000" {
		t.Errorf("winning price = %s, want 2000000", got)
	}
	if len(res.Transcript.Entries) != 2 {
		t.Errorf("transcript has %d bids, want 2 (H100 and H200)", len(res.Transcript.Entries))
	}
	var a100Said *auction.NoBid
	for _, nb := range res.NoBids {
		if nb.NoBid.Provider == providers[2].addr {
			a100Said = &nb.NoBid
		}
	}
	if a100Said == nil || a100Said.Reason != auction.ReasonGPUModel {
		t.Errorf("A100 provider's no-bid = %+v, want reason %s", a100Said, auction.ReasonGPUModel)
	}

	// The broker scored both bidders (neither has a lease yet: 0 each).
	var scored bool
	for _, p := range progress {
		scored = scored || p.Step == tenant.StepReputation && strings.Contains(p.Message, "reputation of 2 bidders")
	}
	if !scored {
		t.Errorf("no reputation step with 2 bidders in the progress: %+v", progress)
	}

	// The job ran, its logs reached the tenant, its model came back.
	if res.ExitCode != 0 || !res.Settled || res.Cancelled {
		t.Errorf("exit code %d, settled %v; want 0, true", res.ExitCode, res.Settled)
	}
	if l := logs.String(); !strings.Contains(l, "epoch 40/40") || !strings.Contains(l, "done: test_accuracy=") {
		t.Errorf("logs lack the training's lines:\n%s", l)
	}
	if files := tarNames(t, out); !files["output/model.json"] || !files["output/metrics.json"] {
		t.Errorf("output archive holds %v, want output/model.json and output/metrics.json", files)
	}

	var won *daemon
	for _, p := range providers {
		if p.addr == res.Winner.Provider {
			won = p
		}
	}
	if won == nil {
		t.Fatalf("the winner %s is none of the providers", res.Winner.Provider.Hex())
	}
	checkMoney(t, dep, esc, won, res, accounts, before)

	checkDashboard(t, dashboard, res)
	checkNoBidShown(t, dashboard, res, providers[2].addr, auction.ReasonGPUModel)

	progressMu.Lock()
	defer progressMu.Unlock()
	steps := map[tenant.Step]bool{}
	for _, p := range progress {
		steps[p.Step] = true
	}
	for _, s := range []tenant.Step{tenant.StepPublished, tenant.StepWindow, tenant.StepBid, tenant.StepClosed, tenant.StepLeaseOpened, tenant.StepHandedOver, tenant.StepStatus, tenant.StepSettled, tenant.StepDownloaded} {
		if !steps[s] {
			t.Errorf("no progress step %q", s)
		}
	}
}

// checkMoney checks a settled lease's money: paid = price x seconds
// billed / 3600, paid and refunded make the deposit, and the balances of
// accounts (tenant, provider won, escrow) moved from before by exactly
// what was paid.
func checkMoney(t *testing.T, dep deployment.Deployment, esc *lease.Client, won *daemon, res *tenant.Result, accounts []common.Address, before []*big.Int) {
	t.Helper()
	ctx := t.Context()
	// Money: paid = price x seconds billed / 3600, and balances moved by
	// exactly paid.
	l, err := esc.Lease(ctx, res.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ethclient.DialContext(ctx, dep.RPCURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	h, err := ec.HeaderByNumber(ctx, new(big.Int).SetUint64(res.SettledBlock))
	if err != nil {
		t.Fatal(err)
	}
	secs := billedSecs(t, dep, esc, won, res.LeaseID, l.Since, h.Time)
	price := res.Winner.PricePerHour
	want := new(big.Int).Mul(price, new(big.Int).SetUint64(secs))
	want.Quo(want, big.NewInt(lease.SecondsPerHour)) // the formula, written out
	deposit := lease.NewTerms(&res.Transcript.Order.Order, res.Winner).MaxCost()
	t.Logf("price %s/h, billed %d s (started %d, closed %d), paid %s, refunded %s, deposit %s",
		price, secs, l.Since, h.Time, res.Paid, res.Refunded, deposit)
	if res.Paid.Cmp(want) != 0 {
		t.Errorf("paid %s, want price x seconds / 3600 = %s x %d / 3600 = %s", res.Paid, price, secs, want)
	}
	if new(big.Int).Add(res.Paid, res.Refunded).Cmp(deposit) != 0 || res.Deposit.Cmp(deposit) != 0 {
		t.Errorf("paid %s + refunded %s != deposit %s (tenant deposited %s)", res.Paid, res.Refunded, deposit, res.Deposit)
	}
	after := balances(t, esc, accounts)
	moved := func(i int) *big.Int { return new(big.Int).Sub(after[i], before[i]) }
	if got, want := moved(0), new(big.Int).Neg(res.Paid); got.Cmp(want) != 0 {
		t.Errorf("tenant's balance moved by %s, want %s", got, want)
	}
	if got := moved(1); got.Cmp(res.Paid) != 0 {
		t.Errorf("provider's balance moved by %s, want %s", got, res.Paid)
	}
	if got := moved(2); got.Sign() != 0 {
		t.Errorf("escrow's balance moved by %s, want 0", got)
	}
}

func balances(t testing.TB, esc *lease.Client, accounts []common.Address) []*big.Int {
	t.Helper()
	out := make([]*big.Int, len(accounts))
	for i, a := range accounts {
		b, err := esc.Balance(t.Context(), a)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out
}

func tarNames(t testing.TB, path string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := map[string]bool{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatal(fmt.Errorf("output archive: %w", err))
		}
		names[h.Name] = true
	}
}

// startBroker runs a broker on a fresh PostgreSQL database, joined to the
// market through boot, and returns its dashboard URL. It stops at cleanup.
func startBroker(t *testing.T, dep deployment.Deployment, boot *network.Node) string {
	t.Helper()
	url, _ := runBroker(t, dep, boot, storetest.NewDatabase(t))
	return url
}

// runBroker runs a broker on database dbURL joined to the market through
// boot, and returns its dashboard's URL and a function that stops it.
func runBroker(t *testing.T, dep deployment.Deployment, boot *network.Node, dbURL string) (string, func()) {
	t.Helper()
	ready := make(chan string, 1)
	b := testenv.Background(t, "broker", func(ctx context.Context) error {
		return broker.Run(ctx, broker.Config{
			DatabaseURL: dbURL, Listen: "127.0.0.1:0", RPCURL: dep.RPCURL, Escrow: dep.Escrow,
			StartBlock: dep.DeployedAt, Confirmations: 1, PollInterval: 100 * time.Millisecond,
			BackfillInterval: 200 * time.Millisecond,
			P2PListen:        []string{"/ip4/127.0.0.1/tcp/0"}, Bootstrap: []peer.AddrInfo{boot.AddrInfo()},
			Logger: testenv.Logger(t, "broker"),
			Ready:  func(dashboard string, _ []string) { ready <- dashboard },
		})
	})
	select {
	case url := <-ready:
		return url, func() {
			b.Stop()
		}
	case <-b.Done():
		t.Fatalf("broker stopped before serving: %v", b.Err())
	case <-time.After(60 * time.Second):
		t.Fatal("broker did not serve within 60 s")
	}
	return "", nil
}

// checkNoBidShown waits until the broker shows, with the lease's auction,
// provider's signed no-bid for reason.
func checkNoBidShown(t *testing.T, dashboard string, res *tenant.Result, provider common.Address, reason auction.Reason) {
	t.Helper()
	type detail struct {
		Transcript *struct {
			NoBids []struct{ Provider, Reason, Detail string }
		}
	}
	waitLeaseShown(t, dashboard, res.LeaseID, "the no-bid of "+provider.Hex(), func(got *detail) bool {
		if got.Transcript == nil {
			return false
		}
		for _, nb := range got.Transcript.NoBids {
			if nb.Provider == provider.Hex() && nb.Reason == string(reason) && nb.Detail != "" {
				return true
			}
		}
		return false
	})
	page := leasePage(t, dashboard, res.LeaseID)
	if !strings.Contains(page, `id="no-bids"`) || !strings.Contains(page, strings.ReplaceAll(string(reason), "_", " ")) {
		t.Errorf("lease page lacks the no-bids table with reason %s", reason)
	}
}

// waitLeaseShown polls the broker's API for lease id, each answer decoded
// afresh into a T, until done says it shows what is awaited (what); it
// fails the test after 60 s. It returns the last answer.
func waitLeaseShown[T any](t *testing.T, dashboard string, id common.Hash, what string, done func(*T) bool) *T {
	t.Helper()
	var got *T
	testenv.Eventually(t, 60*time.Second, what+" on the broker", func() (bool, string, error) {
		r, err := http.Get(dashboard + "api/v1/leases/" + id.Hex())
		if err != nil {
			return false, "", err
		}
		defer r.Body.Close()
		if r.StatusCode != http.StatusOK {
			return false, r.Status, nil
		}
		got = new(T)
		if err := json.NewDecoder(r.Body).Decode(got); err != nil {
			return false, "", err
		}
		return done(got), fmt.Sprintf("%+v", *got), nil
	})
	return got
}

// leasePage is the lease's page on the broker's dashboard.
func leasePage(t *testing.T, dashboard string, id common.Hash) string {
	t.Helper()
	page, err := httpGet(dashboard + "leases/" + id.Hex())
	if err != nil {
		t.Fatalf("lease page: %v", err)
	}
	return string(page)
}

// checkDashboard waits until the broker shows the settled lease with its
// transcript and payments, in the API and on the lease's page.
func checkDashboard(t *testing.T, dashboard string, res *tenant.Result) {
	t.Helper()
	type detail struct {
		Lease      struct{ State, Paid, Refunded string }
		Transcript *struct {
			Winner    *string
			BidCount  int
			WhyWinner string
		}
		Payments []struct{ Kind, Amount string }
	}
	got := waitLeaseShown(t, dashboard, res.LeaseID, "the lease closed with its transcript and 3 payments", func(got *detail) bool {
		return got.Lease.State == "closed" && got.Transcript != nil && len(got.Payments) >= 3
	})
	if got.Lease.Paid != res.Paid.String() || got.Lease.Refunded != res.Refunded.String() {
		t.Errorf("broker says paid %s, refunded %s; the chain says %s, %s", got.Lease.Paid, got.Lease.Refunded, res.Paid, res.Refunded)
	}
	if got.Transcript.Winner == nil || *got.Transcript.Winner != res.LeaseID.Hex() || got.Transcript.BidCount != 2 {
		t.Errorf("broker's transcript: winner %v, %d bids; want lease %s and 2 bids", got.Transcript.Winner, got.Transcript.BidCount, res.LeaseID.Hex())
	}
	kinds := map[string]bool{}
	for _, p := range got.Payments {
		kinds[p.Kind] = true
	}
	if !kinds["deposit"] || !kinds["settlement"] || !kinds["refund"] {
		t.Errorf("broker's payments %+v, want a deposit, a settlement and a refund", got.Payments)
	}
	page := leasePage(t, dashboard, res.LeaseID)
	for _, want := range []string{res.LeaseID.Hex(), "won", "Settlement", "Refund", got.Transcript.WhyWinner} {
		if !strings.Contains(page, want) {
			t.Errorf("lease page lacks %q", want)
		}
	}
}

// httpGet is the body of a GET of url that answers 200 OK.
func httpGet(url string) ([]byte, error) {
	r, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer r.Body.Close()
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil && r.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", url, r.Status)
	}
	return body, err
}
