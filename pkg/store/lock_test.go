package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/store"
	"github.com/tender-market/tender/pkg/store/storetest"
)

// TestIngestLockFailover: two brokers on one database; one holds the
// ingest lock and the other waits, told so. When the holder's session
// dies (its backend terminated, as when its process is killed), the
// holder learns it lost the lock and the waiter takes it within seconds.
func TestIngestLockFailover(t *testing.T) {
	a, dbURL := storetest.New(t)
	b, err := store.Open(testContext(t), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// Stopped before b closes, which waits for the waiter's connection.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	held, err := a.LockIngest(ctx, "31337/0xescrow", nil)
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{})
	got := make(chan *store.IngestLock, 1)
	go func() {
		l, err := b.LockIngest(ctx, "31337/0xescrow", func() { close(waiting) })
		if err != nil {
			t.Error(err)
		}
		got <- l
	}()
	select {
	case <-waiting:
	case <-time.After(10 * time.Second):
		t.Fatal("the second broker was not told to wait")
	}
	select {
	case <-got:
		t.Fatal("two brokers hold the ingest lock")
	default:
	}
	// Another chain's lock is another lock.
	other, err := b.LockIngest(ctx, "1/0xescrow", nil)
	if err != nil {
		t.Fatal(err)
	}
	other.Release()

	// The holder's session dies.
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var killed int
	if err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminated %d sessions holding advisory locks (%v), want 1", killed, err)
	}
	start := time.Now()
	var taken *store.IngestLock
	testenv.Eventually(t, 15*time.Second, "the waiting broker takes the lock", func() (bool, string, error) {
		select {
		case taken = <-got:
			return true, "", nil
		default:
			return false, "still waiting", nil
		}
	})
	t.Logf("the lock changed hands %s after the holder's session died", time.Since(start).Round(time.Millisecond))
	select {
	case <-held.Lost():
	case <-time.After(10 * time.Second):
		t.Error("the old holder was not told it lost the lock")
	}
	held.Release()
	if taken != nil {
		taken.Release()
	}
}
