package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// TestRunFailover: two brokers on one database. The first ingests the
// chain, the second serves and waits. The first is killed (SIGKILL, no
// goodbye); the second takes the ingest lock within seconds and goes on
// from the committed cursor: leases settled before and after the kill are
// all indexed, each with its three events once.
func TestRunFailover(t *testing.T) {
	dbURL := storetest.NewDatabase(t)
	d, state := chaintest.Serve(t, devchain.Config{})
	args := []string{"run", "--database-url", dbURL, "--deployment", state, "--listen", "127.0.0.1:0",
		"--p2p-listen", "/ip4/127.0.0.1/tcp/0", "--confirmations", "1", "--poll-interval", "100ms"}

	// Each broker process keeps its market node in a directory of its own.
	first := startChildBroker(t, append(args, "--data-dir", t.TempDir()))
	args = append(args, "--data-dir", t.TempDir())
	waitIngesting(t, first.base, true)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testenv.Buffer
	root := newRoot(&cli.Env{Stdout: &stdout, Stderr: &stderr})
	root.SetArgs(args)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	var second string
	testenv.Eventually(t, time.Minute, "the second broker serves", func() (bool, string, error) {
		_, url, ok := strings.Cut(stdout.String(), "dashboard: ")
		second = strings.TrimSpace(url)
		return ok, stderr.String(), nil
	})
	waitIngesting(t, second, false)

	esc := dialEscrow(t, d)
	var ids []common.Hash
	for i := range 3 {
		ids = append(ids, settleLease(t, esc, d, uint64(i)))
	}
	waitClosed(t, second, ids...) // ingested by the first, read through the second

	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	_ = first.cmd.Wait()
	waitIngesting(t, second, true)
	t.Logf("the second broker took over %s after the first was killed", time.Since(killed).Round(100*time.Millisecond))
	for i := range 3 {
		ids = append(ids, settleLease(t, esc, d, uint64(10+i)))
	}
	waitClosed(t, second, ids...)
	for _, id := range ids {
		var got struct{ Events []struct{ Kind string } }
		getJSON(t, second+"api/v1/leases/"+id.Hex(), &got)
		if len(got.Events) != 3 {
			t.Errorf("lease %s has %d events in the index, want 3 (opened, started, closed), each once", id.Hex(), len(got.Events))
		}
	}
}

// childBroker is a broker in a process of its own (the test binary, see
// TestMain), serving at base.
type childBroker struct {
	cmd  *exec.Cmd
	base string
}

func startChildBroker(t *testing.T, args []string) *childBroker {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childArgs+"="+strings.Join(args, "\n"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	served := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if url, ok := strings.CutPrefix(sc.Text(), "dashboard: "); ok {
				served <- strings.TrimSpace(url)
			}
		}
	}()
	select {
	case base := <-served:
		return &childBroker{cmd: cmd, base: base}
	case <-time.After(time.Minute):
		t.Fatal("the child broker did not serve within a minute")
	}
	return nil
}

// waitIngesting waits until the broker at base says whether it ingests
// (its tender_broker_ingesting metric).
func waitIngesting(t *testing.T, base string, want bool) {
	t.Helper()
	line := "tender_broker_ingesting 0"
	if want {
		line = "tender_broker_ingesting 1"
	}
	testenv.Eventually(t, 30*time.Second, base+" "+line, func() (bool, string, error) {
		resp, err := http.Get(base + "metrics")
		if err != nil {
			return false, err.Error(), nil
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return strings.Contains(string(body), "\n"+line+"\n"), "", err
	})
}

// waitClosed waits until the broker at base shows every lease of ids closed.
func waitClosed(t *testing.T, base string, ids ...common.Hash) {
	t.Helper()
	for _, id := range ids {
		testenv.Eventually(t, 30*time.Second, "lease "+id.Hex()+" closed in the index", func() (bool, string, error) {
			resp, err := http.Get(base + "api/v1/leases/" + id.Hex())
			if err != nil {
				return false, err.Error(), nil
			}
			defer resp.Body.Close()
			var got struct{ Lease struct{ State string } }
			if resp.StatusCode != http.StatusOK {
				return false, resp.Status, nil
			}
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				return false, "", err
			}
			return got.Lease.State == "closed", got.Lease.State, nil
		})
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// dialEscrow is the escrow of the dev chain d over JSON-RPC.
func dialEscrow(t *testing.T, d deployment.Deployment) *lease.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := lease.Dial(ctx, d.RPCURL, d.Escrow, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Disconnect)
	return c
}

// settleLease takes a lease of the dev chain's tenant (account 1) with its
// provider (account 2) through open, start and close, the order told apart
// by nonce, and returns its ID.
func settleLease(t *testing.T, c *lease.Client, d deployment.Deployment, nonce uint64) common.Hash {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tenantKey, _ := d.Key(1)
	providerKey, _ := d.Key(2)
	chainID := new(big.Int).SetUint64(d.ChainID)
	tenant, provider := bind.NewKeyedTransactor(tenantKey, chainID), bind.NewKeyedTransactor(providerKey, chainID)
	now := uint64(time.Now().Unix())
	const peer = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"
	order := auction.Order{
		Tenant: tenant.From, Auctioneer: peer, MaxPricePerHour: big.NewInt(3_600_000), MaxDuration: 3600,
		BidDeadline: now + 60, Expiry: now + 3600, Nonce: now*1000 + nonce,
		Requirements: auction.Requirements{CPUMillis: 1000, MemoryMiB: 1024}, Job: auction.Job{Image: "tender/hello:dev"},
	}
	bid, err := c.Domain().SignBid(auction.Bid{
		OrderHash: c.Domain().OrderHash(&order), Provider: provider.From, PeerID: peer, PricePerHour: big.NewInt(3_600_000),
		Offer: auction.Offer{CPUMillis: 1000, MemoryMiB: 1024}, Expiry: now + 600, Nonce: now*1000 + nonce,
	}, auction.NewKeySigner(providerKey))
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := c.Open(ctx, tenant, &order, &bid, big.NewInt(3_600_000))
	if err != nil {
		t.Fatal(fmt.Errorf("open lease %d: %w", nonce, err))
	}
	terms := lease.NewTerms(&order, &bid.Bid)
	if _, err := c.Start(ctx, provider, id, terms); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Close(ctx, provider, id, terms, 0, common.Hash{1}); err != nil {
		t.Fatal(err)
	}
	return id
}
