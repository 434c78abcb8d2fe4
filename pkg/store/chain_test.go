package store_test

import (
	"database/sql"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/go-cmp/cmp"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the migration runner
	"github.com/pressly/goose/v3"

	"github.com/tender-market/tender/migrations"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// allPayments is every payment in the database as text lines, in order.
func allPayments(t *testing.T, dbURL string) []string {
	t.Helper()
	var got []string
	err := storetest.Query(t, dbURL, `
SELECT concat_ws(' ', block_number, log_index, kind, encode(tx_hash, 'hex'), encode(lease_id, 'hex'),
                 encode(account, 'hex'), amount, block_time)
FROM payments ORDER BY block_number, log_index, kind`, func(scan func(...any) error) error {
		var line string
		if err := scan(&line); err != nil {
			return err
		}
		got = append(got, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// marketHistory stores three leases' lives and a deferred payment and its
// claim, and returns how many payments they made.
func marketHistory(t *testing.T, s *store.Store) int {
	t.Helper()
	ctx := testContext(t)
	tenant, provider := storetest.Address(1), storetest.Address(2)
	var evs []store.ChainEvent
	for i, end := range []string{store.KindClosed, store.KindOverdrawn, store.KindReclaimed} {
		evs = append(evs, lifecycle(common.Hash{byte(0x10 + i)}, tenant, provider, uint64(10*(i+1)), end, provider)...)
	}
	deferred := store.ChainEvent{Kind: store.KindPaymentDeferred, Block: 50, BlockTime: t0, TxHash: common.Hash{0xd1},
		Account: provider, Amount: big.NewInt(7)}
	claimed := store.ChainEvent{Kind: store.KindClaimed, Block: 51, BlockTime: t0, TxHash: common.Hash{0xd2},
		Account: provider, Recipient: tenant, Amount: big.NewInt(7)}
	evs = append(evs, deferred, claimed)
	if _, err := s.ApplyChainEvents(ctx, "escrow", evs, store.ChainPosition{Block: 52}); err != nil {
		t.Fatal(err)
	}
	// closed: deposit, withdrawal, top-up, settlement, refund; overdrawn:
	// the same less the refund; reclaimed: deposit, refund; then 2.
	return 5 + 4 + 2 + 2
}

// TestMigrationsKeepPayments migrates a market with history down to the
// schema that stored payments and up again: the payments are the same at
// every step.
func TestMigrationsKeepPayments(t *testing.T) {
	ctx := testContext(t)
	s, dbURL := storetest.New(t)
	want := marketHistory(t, s)
	derived := allPayments(t, dbURL)
	if len(derived) != want {
		t.Fatalf("%d payments, want %d:\n%s", len(derived), want, strings.Join(derived, "\n"))
	}

	p := migrator(t, dbURL)
	if _, err := p.DownTo(ctx, 1); err != nil {
		t.Fatalf("migrate down: %v", err)
	}
	var kind string
	if err := storetest.QueryRow(t, dbURL, `SELECT relkind::text FROM pg_class WHERE relname = 'payments'`, &kind); err != nil || kind != "r" {
		t.Fatalf("after migrating down payments is relkind %q (%v), want a table", kind, err)
	}
	if diff := cmp.Diff(derived, allPayments(t, dbURL)); diff != "" {
		t.Errorf("stored payments differ from derived ones (-derived +stored):\n%s", diff)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	if diff := cmp.Diff(derived, allPayments(t, dbURL)); diff != "" {
		t.Errorf("payments changed by migrating down and up (-before +after):\n%s", diff)
	}
}

// TestEventsOfUnseenLease: a broker that starts indexing after a lease
// opened stores the lease's later events, makes up no lease and no
// payment with unknown parties, and goes on.
func TestEventsOfUnseenLease(t *testing.T) {
	ctx := testContext(t)
	s, dbURL := storetest.New(t)
	id := crypto.Keccak256Hash([]byte("opened before the index began"))
	evs := lifecycle(id, storetest.Address(1), storetest.Address(2), 100, store.KindClosed, storetest.Address(2))[1:]
	n, err := s.ApplyChainEvents(ctx, "escrow", evs, store.ChainPosition{Block: 110})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(evs) {
		t.Errorf("%d new events, want %d", n, len(evs))
	}
	if _, err := s.Lease(ctx, id); err == nil {
		t.Error("a lease was made up from events without its opening")
	}
	if _, err := s.LeaseDetail(ctx, id); err == nil || !strings.Contains(err.Error(), "began indexing the chain after the lease opened") {
		t.Errorf("the lease's page: %v, want not found, saying the broker began indexing after it opened", err)
	}
	if got := allPayments(t, dbURL); len(got) != 0 {
		t.Errorf("payments with unknown parties: %v", got)
	}
	d := marketHistory(t, s)
	if got := allPayments(t, dbURL); len(got) != d {
		t.Errorf("after more history, %d payments, want %d", len(got), d)
	}
}

// TestApplyChainEventsRepeatsInBatch: an event twice in one batch, and a
// batch that overlaps stored events at both ends, each count once.
func TestApplyChainEventsRepeatsInBatch(t *testing.T) {
	ctx := testContext(t)
	s, _ := storetest.New(t)
	id := common.Hash{0x42}
	evs := lifecycle(id, storetest.Address(1), storetest.Address(2), 10, store.KindClosed, storetest.Address(2))
	if n, err := s.ApplyChainEvents(ctx, "escrow", append([]store.ChainEvent{evs[0], evs[0]}, evs[1]), store.ChainPosition{Block: 12}); err != nil || n != 2 {
		t.Fatalf("first batch: %d new (%v), want 2", n, err)
	}
	if n, err := s.ApplyChainEvents(ctx, "escrow", evs, store.ChainPosition{Block: 20}); err != nil || n != len(evs)-2 {
		t.Fatalf("overlapping batch: %d new (%v), want %d", n, err, len(evs)-2)
	}
	l, err := s.Lease(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if l.State != "closed" || l.Paid.String() != "400000" || l.Deposit.String() != "1500000" || l.ClosedBy != "provider" {
		t.Errorf("lease: %s, paid %s, deposit %s, closed by %q; want closed, 400000, 1500000, provider", l.State, l.Paid, l.Deposit, l.ClosedBy)
	}
}

// migrator runs the broker's migrations on the database at dbURL, up or
// down, until the test ends.
func migrator(t *testing.T, dbURL string) *goose.Provider {
	t.Helper()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS(), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
