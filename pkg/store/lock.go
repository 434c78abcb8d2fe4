package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// IngestLock is the right to ingest one chain's events, held by one
// process among those sharing the database: a PostgreSQL session-level
// advisory lock on a connection of its own. The database frees it when
// that session ends, so a process that dies (killed, or cut off) hands it
// on within seconds, without anyone's help.
type IngestLock struct {
	conn *pgxpool.Conn
	key  int64
	lost chan struct{}
	stop chan struct{}
	done chan struct{}
}

// lockCheckEvery is how often a held lock's session is checked, and how
// often a waiter tries to take it.
const lockCheckEvery = time.Second

// LockIngest waits until this process holds the ingest lock of name (the
// indexer's cursor name), then returns it; it gives up when ctx is done.
// waiting, when set, is called once if another process holds it.
func (s *Store) LockIngest(ctx context.Context, name string, waiting func()) (*IngestLock, error) {
	h := fnv.New64a()
	h.Write([]byte("tender ingest " + name))
	key := int64(h.Sum64())
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("ingest lock: %w", err)
	}
	t := time.NewTicker(lockCheckEvery)
	defer t.Stop()
	for told := false; ; {
		var held bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&held); err != nil {
			conn.Release()
			return nil, fmt.Errorf("ingest lock: %w", err)
		}
		if held {
			break
		}
		if !told && waiting != nil {
			waiting()
			told = true
		}
		select {
		case <-ctx.Done():
			conn.Release()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	l := &IngestLock{conn: conn, key: key, lost: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go l.watch()
	return l, nil
}

// watch checks the lock's session until Release: when the session fails,
// the lock may be gone, and Lost says so.
func (l *IngestLock) watch() {
	defer close(l.done)
	t := time.NewTicker(lockCheckEvery)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), lockCheckEvery)
		err := l.conn.Ping(ctx)
		cancel()
		if err != nil {
			close(l.lost)
			return
		}
	}
}

// Lost is closed when the lock's session failed: another process may hold
// the lock now, and this one must stop ingesting.
func (l *IngestLock) Lost() <-chan struct{} { return l.lost }

// Release gives the lock up and returns its connection.
func (l *IngestLock) Release() {
	close(l.stop)
	<-l.done
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", l.key); err != nil {
		// The session is gone or broken: closing it frees the lock.
		l.conn.Conn().Close(ctx)
	}
	l.conn.Release()
}
