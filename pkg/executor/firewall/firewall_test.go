//go:build linux

package firewall

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/google/nftables"
	"github.com/vishvananda/netns"

	"github.com/tender-market/tender/internal/testenv"
)

// TestInstall: the table goes into the namespace named, replaces itself
// when installed again (the same rules, once), and goes away on Uninstall,
// which is idempotent. What the rules keep a job from is proven in a real
// container by pkg/executor's TestAttackNetworkedJobReachesHost.
func TestInstall(t *testing.T) {
	path := newNetNS(t)
	for i := range 2 {
		if err := Install(path); err != nil {
			t.Fatalf("Install() #%d error = %v", i+1, err)
		}
	}
	if ok, err := Installed(path); err != nil || !ok {
		t.Fatalf("Installed() = %v, %v; want true", ok, err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := nftables.New(nftables.WithNetNSFd(int(f.Fd())))
	if err != nil {
		t.Fatal(err)
	}
	table := &nftables.Table{Name: Table, Family: nftables.TableFamilyINet}
	want := map[string]int{
		// tnd-* to tnd-*, IPv6, each blocked range, new connections in.
		"forward": 2 + len(Blocked) + 1,
		// replies to the host, then everything else dropped.
		"input": 2,
	}
	all, err := c.ListChainsOfTableFamily(nftables.TableFamilyINet)
	if err != nil {
		t.Fatal(err)
	}
	var chains []*nftables.Chain
	for _, ch := range all {
		if ch.Table.Name == Table {
			chains = append(chains, ch)
		}
	}
	if len(chains) != len(want) {
		t.Errorf("%d chains, want %d", len(chains), len(want))
	}
	for _, ch := range chains {
		rules, err := c.GetRules(table, ch)
		if err != nil {
			t.Fatal(err)
		}
		if len(rules) != want[ch.Name] {
			t.Errorf("chain %s has %d rules, want %d", ch.Name, len(rules), want[ch.Name])
		}
		if *ch.Priority != -1 || ch.Type != nftables.ChainTypeFilter {
			t.Errorf("chain %s: type %s priority %d, want filter at -1 (before Docker's filter)", ch.Name, ch.Type, *ch.Priority)
		}
	}
	for i := range 2 {
		if err := Uninstall(path); err != nil {
			t.Fatalf("Uninstall() #%d error = %v", i+1, err)
		}
	}
	if ok, err := Installed(path); err != nil || ok {
		t.Errorf("Installed() after Uninstall = %v, %v; want false", ok, err)
	}
}

func TestInstallSaysWhatToFix(t *testing.T) {
	err := Install("/nonexistent/netns")
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Install(missing namespace) = %v, want a not-exist error", err)
	}
}

// newNetNS is an empty network namespace, mounted under /run/netns for the
// test's length.
func newNetNS(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		testenv.Need(t, "root", "run the tests as root (network namespaces and nftables need CAP_SYS_ADMIN and CAP_NET_ADMIN)", errors.New("not root"))
	}
	name := fmt.Sprintf("tnd-fw-test-%d-%d", os.Getpid(), time.Now().UnixNano()%1_000_000)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	h, err := netns.NewNamed(name)
	if setErr := netns.Set(orig); setErr != nil {
		runtime.LockOSThread() // the thread is lost; let it end with the goroutine
		t.Fatalf("back to the test's network namespace: %v", setErr)
	}
	testenv.Need(t, "network namespaces", "run the tests as root on Linux", err)
	h.Close()
	t.Cleanup(func() {
		if err := netns.DeleteNamed(name); err != nil {
			t.Errorf("remove network namespace %s: %v", name, err)
		}
	})
	return filepath.Join("/run/netns", name)
}
