// Package store is the broker's PostgreSQL index of the market: orders, bids
// and auction transcripts from the network, leases, escrow events and
// payments from the chain, and providers with reputation figures derived
// from those events.
//
// Ingest is idempotent: every record has a natural key (an order's or bid's
// EIP-712 hash, a transcript's signed digest, an event's transaction hash
// and log index) and is inserted with ON CONFLICT DO NOTHING, so the same
// message or event handed in twice is stored once. Chain events are written
// in batches (COPY into a staging table, then set-based statements) in one
// transaction together with the chain cursor that covers them, so an
// indexer that stops anywhere resumes with nothing lost and nothing doubled.
//
// Lists page by keyset (newest first) behind opaque cursors; token amounts
// are exact integers (NUMERIC(78,0) in the database, *big.Int in Go).
// Open applies the embedded migrations (package migrations) with goose.
package store
