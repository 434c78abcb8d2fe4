// Package storetest gives tests of the broker a real PostgreSQL database of
// their own, and signed market messages to put in it.
//
// Tests reach the server named by TENDER_TEST_DATABASE_URL, or by default
// the private cluster scripts/setup.d/40-postgres.sh starts. Each test gets
// a fresh database, dropped when it ends. When the server does not answer,
// the test skips with a note (and fails under CI=true).
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/store"
)

// DefaultURL is the test cluster that scripts/setup.d/40-postgres.sh starts.
const DefaultURL = "postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable"

// EnvURL names the variable that points tests at another server. Its user
// must be allowed to create databases.
const EnvURL = "TENDER_TEST_DATABASE_URL"

const howToStart = "start it with: sudo scripts/setup.d/40-postgres.sh (or set " + EnvURL + ")"

// AdminURL is the server tests use.
func AdminURL() string {
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	return DefaultURL
}

// NewDatabase creates an empty database for t and returns its URL. The
// database is dropped when t ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	testenv.Need(t, "PostgreSQL", howToStart, err)
	defer admin.Close(context.Background())

	var suffix [6]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		t.Fatal(err)
	}
	name := "tender_test_" + hex.EncodeToString(suffix[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := withDatabase(AdminURL(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// withDatabase returns the URL raw with its database replaced by name.
func withDatabase(raw, name string) (string, error) {
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		return "", fmt.Errorf("%s: %w", EnvURL, err)
	}
	u := url.URL{Scheme: "postgres", Host: fmt.Sprintf("%s:%d", cfg.Host, cfg.Port), Path: "/" + name}
	if cfg.Password != "" {
		u.User = url.UserPassword(cfg.User, cfg.Password)
	} else {
		u.User = url.User(cfg.User)
	}
	q := url.Values{}
	if cfg.TLSConfig == nil {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// New opens a store on a fresh, migrated database for t; it is closed when
// t ends.
func New(t testing.TB) (*store.Store, string) {
	t.Helper()
	dbURL := NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(s.Close)
	return s, dbURL
}

// QueryRow runs a query on the database at dbURL and scans its one row
// into dest.
func QueryRow(t testing.TB, dbURL, sql string, dest ...any) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	return c.QueryRow(ctx, sql).Scan(dest...)
}

// Query runs a query on the database at dbURL and calls row for each row
// with a function that scans it.
func Query(t testing.TB, dbURL, sql string, row func(scan func(dest ...any) error) error) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	rows, err := c.Query(ctx, sql)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CheckLeaseStates fails t unless lease_states, the leases' states kept
// for the state filter, holds each lease once with its state and opening
// time, and nothing else.
func CheckLeaseStates(t testing.TB, dbURL string) {
	t.Helper()
	var leases, wrong int
	err := QueryRow(t, dbURL, `
SELECT (SELECT count(*) FROM leases),
       count(*) FILTER (WHERE l.lease_id IS NULL OR s.lease_id IS NULL OR l.state <> s.state OR l.opened_at <> s.opened_at)
FROM leases l FULL JOIN lease_states s USING (lease_id)`, &leases, &wrong)
	if err != nil {
		t.Fatalf("compare lease_states with leases: %v", err)
	}
	if wrong != 0 {
		t.Errorf("lease_states differs from the %d leases in %d rows", leases, wrong)
	}
}

// LeaseIDs lists the first page of leases matching f, newest first, by ID.
func LeaseIDs(t testing.TB, s *store.Store, f store.LeaseFilter) []common.Hash {
	t.Helper()
	page, err := s.Leases(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	var ids []common.Hash
	for _, l := range page.Leases {
		ids = append(ids, l.ID)
	}
	return ids
}
