package api_test

import (
	"context"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// browser starts headless Chromium for t with the flags this project runs
// it with and a fresh profile, and returns a context to drive it.
func browser(t *testing.T) context.Context {
	t.Helper()
	var path string
	var err error
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err = exec.LookPath(name); err == nil {
			break
		}
	}
	testenv.Need(t, "Chromium", "install it with: sudo scripts/setup.d/50-chromium.sh", err)
	// A fresh profile, removed once the browser has gone (t.TempDir's
	// cleanup may run while Chromium still writes to it).
	profile, err := os.MkdirTemp("", "tender-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1366, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("could not remove the browser profile %s", profile)
	})
	// Start the browser now, so a failure to start is the environment's.
	// The first Run owns the browser: it must get ctx itself, not a
	// context with a deadline that would close the browser when it ends.
	started := make(chan error, 1)
	go func() { started <- chromedp.Run(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			testenv.Need(t, "Chromium", "install it with: sudo scripts/setup.d/50-chromium.sh", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Chromium did not start within 60 s")
	}
	return ctx
}

// run runs browser actions with a deadline.
func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
}

// saveScreenshot writes png under the test's temp dir and, when
// TENDER_ARTIFACTS names a directory, there too.
func saveScreenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	dirs := []string{t.TempDir()}
	if d := os.Getenv("TENDER_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
}

// waitLocation waits until the page's URL contains part (the form's
// navigation is asynchronous).
func waitLocation(part string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for {
			var loc string
			if err := chromedp.Location(&loc).Do(ctx); err == nil && strings.Contains(loc, part) {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
}

// TestDashboardInBrowser drives the dashboard in real headless Chromium:
// filter the leases, open one, read its auction and payments, and watch a
// running lease's page follow the chain by itself.
func TestDashboardInBrowser(t *testing.T) {
	b := newBroker(t, testDomain)
	sd := b.seed(9)
	ctx := browser(t)

	var states []string
	var url string
	run(t, ctx, "filter the leases by state",
		chromedp.Navigate(b.srv.URL+"/"),
		chromedp.WaitVisible("#leases", chromedp.ByID),
		chromedp.SetValue("#filter-state", "closed", chromedp.ByID),
		chromedp.Click("#filter-apply", chromedp.ByID),
		waitLocation("state=closed"),
		chromedp.WaitVisible(`#leases`, chromedp.ByID),
		chromedp.Location(&url),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('#leases tbody .state')).map(e => e.textContent)`, &states),
	)
	if !strings.Contains(url, "state=closed") {
		t.Errorf("after filtering the page is %s, want ?state=closed", url)
	}
	if len(states) != 3 {
		t.Errorf("%d leases shown, want the 3 closed ones: %v", len(states), states)
	}
	for _, s := range states {
		if s != "closed" {
			t.Errorf("a %q lease is listed under state=closed", s)
		}
	}

	var why, payments, bids, heading string
	var png []byte
	run(t, ctx, "open a lease",
		chromedp.Click(`#leases tbody tr:first-child a`, chromedp.ByQuery),
		chromedp.WaitVisible("#bids", chromedp.ByID),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Text("#why-winner", &why, chromedp.ByID),
		chromedp.Text("#bids", &bids, chromedp.ByID),
		chromedp.Text("#payments", &payments, chromedp.ByID),
		chromedp.FullScreenshot(&png, 100),
	)
	saveScreenshot(t, "dashboard-lease.png", png)
	for _, want := range []string{"closed"} {
		if !strings.Contains(heading, want) {
			t.Errorf("heading %q lacks %q", heading, want)
		}
	}
	if !strings.HasPrefix(why, "Lowest price among 2 eligible bids") {
		t.Errorf("why the winner won: %q", why)
	}
	for _, want := range []string{"won", "price above max", "tUSD"} {
		if !strings.Contains(bids, want) {
			t.Errorf("bids table lacks %q:\n%s", want, bids)
		}
	}
	for _, want := range []string{"Deposit", "Withdrawal", "Settlement", "Refund", "3.75 tUSD"} {
		if !strings.Contains(payments, want) {
			t.Errorf("payments table lacks %q:\n%s", want, payments)
		}
	}

	// A running lease's page follows the chain: a withdrawal indexed while
	// it is open shows without a reload by the user.
	running := sd.leases[len(sd.leases)-2] // the second: running
	var before, after string
	run(t, ctx, "open a running lease",
		chromedp.Navigate(b.srv.URL+"/leases/"+running.Hex()),
		chromedp.WaitVisible("#paid", chromedp.ByID),
		chromedp.Text("#paid", &before, chromedp.ByID),
	)
	w := store.ChainEvent{
		Kind: store.KindWithdrawn, LeaseID: running, Block: 500, BlockHash: common.Hash{5}, BlockTime: time.Now(),
		TxHash: common.Hash{0x55}, LogIndex: 0, Amount: big.NewInt(250_000),
	}
	if _, err := b.store.ApplyChainEvents(testContext(t), "escrow", []store.ChainEvent{w}, store.ChainPosition{Block: 501}); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "wait for the page to show the withdrawal",
		chromedp.WaitVisible(`//p[@id="paid"][contains(., "0.75 tUSD")]`, chromedp.BySearch),
		chromedp.Text("#paid", &after, chromedp.ByID),
	)
	if before != "0.5 tUSD" || after != "0.75 tUSD" {
		t.Errorf("paid went from %q to %q, want 0.5 tUSD to 0.75 tUSD", before, after)
	}

	// A provider's page says how its score was made.
	var breakdown, score string
	var shot []byte
	run(t, ctx, "open a provider",
		chromedp.Navigate(b.srv.URL+"/providers"),
		chromedp.WaitVisible("#providers", chromedp.ByID),
		chromedp.Click(`#providers a[href="/providers/`+storetest.Address(2).Hex()+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#score-breakdown", chromedp.ByID),
		chromedp.Text("#score", &score, chromedp.ByID),
		chromedp.Text("#score-breakdown", &breakdown, chromedp.ByID),
		chromedp.FullScreenshot(&shot, 100),
	)
	saveScreenshot(t, "dashboard-provider.png", shot)
	// Two closed leases of one tenant paid 1.25 tUSD each, at 3.2 and
	// 3.8 tUSD an hour: 3 points each.
	if score != "6" {
		t.Errorf("score %q, want 6", score)
	}
	for _, want := range []string{"Credit", "paying tenant", "Reclaimed", "Failed", "Score (never below zero)"} {
		if !strings.Contains(breakdown, want) {
			t.Errorf("score breakdown lacks %q:\n%s", want, breakdown)
		}
	}

	// A provider on a cluster: the nodes its bids came from.
	var nodes string
	run(t, ctx, "open a cluster's provider",
		chromedp.Navigate(b.srv.URL+"/providers/"+storetest.Address(3).Hex()),
		chromedp.WaitVisible("#nodes", chromedp.ByID),
		chromedp.Text("#nodes", &nodes, chromedp.ByID),
	)
	for _, want := range []string{a100.Node, "up to 2 × " + a100.Model, "SIMULATED"} {
		if !strings.Contains(nodes, want) {
			t.Errorf("the provider's nodes lack %q:\n%s", want, nodes)
		}
	}

	for _, p := range []struct{ path, wait, file string }{
		{"/providers", "#providers", "dashboard-providers.png"},
		{"/market", "#price-chart", "dashboard-market.png"},
		{"/leases", "#leases", "dashboard-leases.png"},
	} {
		var shot []byte
		run(t, ctx, "screenshot "+p.path,
			chromedp.Navigate(b.srv.URL+p.path),
			chromedp.WaitVisible(p.wait, chromedp.ByQuery),
			chromedp.FullScreenshot(&shot, 100),
		)
		saveScreenshot(t, p.file, shot)
	}
}
