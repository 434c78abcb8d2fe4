package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/tender-market/tender/internal/chaintest"
	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// TestRunIndexesDevchain runs 'broker run' against a dev chain over HTTP
// JSON-RPC and a real PostgreSQL, drives a lease through the escrow, and
// reads it back from the broker's API; then interrupts the broker.
func TestRunIndexesDevchain(t *testing.T) {
	dbURL := storetest.NewDatabase(t)
	d, state := chaintest.Serve(t, devchain.Config{})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testenv.Buffer
	root := newRoot(&cli.Env{Stdout: &stdout, Stderr: &stderr})
	args := []string{"run", "--database-url", dbURL, "--deployment", state, "--listen", "127.0.0.1:0",
		"--p2p-listen", "/ip4/127.0.0.1/tcp/0", "--confirmations", "1", "--poll-interval", "100ms", "--data-dir", t.TempDir()}
	root.SetArgs(args)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	stopped := false
	defer func() {
		if !stopped {
			cancel()
			<-done
		}
	}()

	var base string
	deadline := time.After(60 * time.Second)
	for base == "" {
		if _, url, ok := strings.Cut(stdout.String(), "dashboard: "); ok {
			base = strings.TrimSpace(url)
			break
		}
		select {
		case err := <-done:
			stopped = true
			t.Fatalf("broker run returned %v before serving; log:\n%s", err, stderr.String())
		case <-deadline:
			t.Fatalf("broker run did not serve within 60 s; log:\n%s", stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}

	// A lease through the escrow, over JSON-RPC.
	opctx, opcancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer opcancel()
	c := dialEscrow(t, d)
	id := settleLease(t, c, d, 0)
	onChain, err := c.Lease(opctx, id)
	if err != nil {
		t.Fatal(err)
	}

	var got struct {
		Lease struct {
			State, Paid, Refunded, ClosedBy string
		}
		Events   []struct{ Kind string }
		Payments []struct{ Kind string }
		Token    struct {
			Symbol   string
			Decimals int
		}
	}
	deadline = time.After(30 * time.Second)
	for got.Lease.State != "closed" {
		resp, err := http.Get(base + "api/v1/leases/" + id.Hex())
		if err == nil {
			if resp.StatusCode == http.StatusOK {
				err = json.NewDecoder(resp.Body).Decode(&got)
			}
			resp.Body.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-deadline:
			t.Fatalf("lease %s is %q in the broker after 30 s, want closed; log:\n%s", id.Hex(), got.Lease.State, stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	refund := new(big.Int).Sub(onChain.Deposit, onChain.Paid)
	if got.Lease.Paid != onChain.Paid.String() || got.Lease.Refunded != refund.String() || got.Lease.ClosedBy != "provider" {
		t.Errorf("broker says paid %s, refunded %s, closed by %q; the chain says paid %s, refunded %s, by the provider",
			got.Lease.Paid, got.Lease.Refunded, got.Lease.ClosedBy, onChain.Paid, refund)
	}
	if len(got.Events) != 3 || len(got.Payments) != 3 {
		t.Errorf("%d events and %d payments, want 3 and 3 (opened, started, closed; deposit, settlement, refund)", len(got.Events), len(got.Payments))
	}
	if got.Token.Decimals != devchain.TokenDecimals || got.Token.Symbol == "" {
		t.Errorf("token %+v, want the dev token's symbol and %d decimals", got.Token, devchain.TokenDecimals)
	}
	// An order submitted over HTTP goes out through the broker's market
	// node, whose own feed indexes it.
	if !strings.Contains(stdout.String(), "p2p: /ip4/127.0.0.1/tcp/") {
		t.Errorf("broker printed no market node address; stdout:\n%s", stdout.String())
	}
	tenantKey, _ := d.Key(1)
	now := uint64(time.Now().Unix())
	order := auction.Order{
		Tenant: crypto.PubkeyToAddress(tenantKey.PublicKey), Auctioneer: "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN", MaxPricePerHour: big.NewInt(3_600_000), MaxDuration: 3600,
		BidDeadline: now + 60, Expiry: now + 3600, Nonce: now,
		Requirements: auction.Requirements{CPUMillis: 1000, MemoryMiB: 1024}, Job: auction.Job{Image: "tender/hello:dev"},
	}
	signed, err := c.Domain().SignOrder(order, auction.NewKeySigner(tenantKey))
	if err != nil {
		t.Fatal(err)
	}
	wire, err := auction.EncodeOrder(signed)
	if err != nil {
		t.Fatal(err)
	}
	post, err := http.Post(base+"api/v1/orders", "application/json", bytes.NewReader(wire))
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	if post.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /api/v1/orders: %s, want 202 Accepted", post.Status)
	}
	orderURL := base + "api/v1/orders/" + c.Domain().OrderHash(&order).Hex()
	deadline = time.After(30 * time.Second)
	for {
		r, err := http.Get(orderURL)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode == http.StatusOK {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("GET %s: %s after 30 s, want the submitted order indexed; log:\n%s", orderURL, r.Status, stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
	}

	resp, err := http.Get(base + "metrics")
	if err != nil {
		t.Fatal(err)
	}
	var metrics bytes.Buffer
	_, _ = metrics.ReadFrom(resp.Body)
	resp.Body.Close()
	if !strings.Contains(metrics.String(), "tender_broker_chain_events_indexed_total") {
		t.Error("/metrics lacks tender_broker_chain_events_indexed_total")
	}

	cancel()
	stopped = true
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("broker run returned %v after an interrupt, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("broker run did not stop within 20 s of an interrupt")
	}

	// Started again on its data directory, the broker is the same market
	// peer: the bootstrap addresses others were given keep working.
	before := p2pPeer(t, stdout.String())
	var again testenv.Buffer
	ctx2, cancel2 := context.WithCancel(context.Background())
	root = newRoot(&cli.Env{Stdout: &again, Stderr: &stderr})
	root.SetArgs(args)
	done2 := make(chan error, 1)
	go func() { done2 <- root.ExecuteContext(ctx2) }()
	defer func() {
		cancel2()
		<-done2
	}()
	testenv.Eventually(t, time.Minute, "the restarted broker serves", func() (bool, string, error) {
		select {
		case err := <-done2:
			done2 <- err
			return false, "", fmt.Errorf("broker run returned %v; log:\n%s", err, stderr.String())
		default:
		}
		return strings.Contains(again.String(), "dashboard: "), "", nil
	})
	if after := p2pPeer(t, again.String()); after != before {
		t.Errorf("restarted broker is market peer %s, was %s", after, before)
	}
}

// p2pPeer is the peer ID in the first "p2p: <multiaddr>" line of out.
func p2pPeer(t *testing.T, out string) string {
	t.Helper()
	for line := range strings.Lines(out) {
		if a, ok := strings.CutPrefix(strings.TrimSpace(line), "p2p: "); ok {
			if _, id, ok := strings.Cut(a, "/p2p/"); ok {
				return id
			}
		}
	}
	t.Fatalf("no p2p address in:\n%s", out)
	return ""
}

func TestRunSettings(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"help", []string{"run", "--help"}, "--database-url"},
		{"no database", []string{"run", "--rpc-url", "http://127.0.0.1:1", "--escrow", "0x0000000000000000000000000000000000000001"}, "--database-url is not set"},
		{"no chain", []string{"run", "--database-url", "postgres://x@127.0.0.1:1/x"}, "no chain"},
		{"bad escrow", []string{"run", "--database-url", "postgres://x@127.0.0.1:1/x", "--rpc-url", "http://127.0.0.1:1", "--escrow", "0x12"}, "not an address"},
		{"missing deployment", []string{"run", "--database-url", "postgres://x@127.0.0.1:1/x", "--deployment", filepath.Join(os.TempDir(), "no-such-deployment.json")}, "--deployment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut testenv.Buffer
			root := newRoot(&cli.Env{Stdout: &out, Stderr: &errOut})
			root.SetArgs(tt.args)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := root.ExecuteContext(ctx)
			text := out.String() + errOut.String()
			if err != nil {
				text += err.Error()
			}
			if !strings.Contains(text, tt.want) {
				t.Errorf("output %q (error %v) lacks %q", text, err, tt.want)
			}
			if tt.name != "help" && err == nil {
				t.Error("nil error, want one")
			}
			if tt.name == "help" {
				for _, flag := range []string{"--listen", "--deployment", "--rpc-url", "--escrow", "--start-block", "--confirmations", "127.0.0.1:8080"} {
					if !strings.Contains(text, flag) {
						t.Errorf("help lacks %s", flag)
					}
				}
			}
		})
	}
}

// TestRunRefusesWrongDecimals: a deployment file whose token decimals the
// token contradicts stops the broker at start, naming both, rather than
// showing every amount a power of ten off.
func TestRunRefusesWrongDecimals(t *testing.T) {
	dbURL := storetest.NewDatabase(t)
	d, _ := chaintest.Serve(t, devchain.Config{TokenDecimals: 18})
	d.TokenDecimals = 6
	lying := filepath.Join(t.TempDir(), "deployment.json")
	if err := d.Save(lying); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Main(newRoot, []string{"run", "--database-url", dbURL, "--deployment", lying, "--listen", "127.0.0.1:0",
		"--p2p-listen", "", "--data-dir", t.TempDir()}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "the deployment says the token has 6 decimals") {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit 1, naming the decimals", code, stderr.String())
	}
}
