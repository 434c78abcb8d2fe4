// Package store is the broker's PostgreSQL index of the market: orders, bids
// and auction transcripts from the network, leases, escrow events and
// payments from the chain, and providers with reputation figures derived
// from those events (the rule ReputationRule, docs/reputation.md, computed
// when asked).
//
// Ingest is idempotent: every record has a natural key (an order's or bid's
// EIP-712 hash, a transcript's signed digest, an event's block and log
// index), so the same message or event handed in twice is stored once.
// Chain events are written in batches, in one transaction together with
// the chain cursor that covers them, so an indexer that stops anywhere
// resumes with nothing lost and nothing doubled: the batch's events already
// stored are read back and left out, the rest are copied in, and each lease
// they touch is inserted or updated once. No lease index holds a column
// that events change, so those updates rewrite a lease's row in place on
// its page (HOT) without touching the indexes; the state filter reads
// lease_states, which triggers on leases keep equal to the leases' states.
// Payments are derived from the events by a view rather than stored twice.
// An indexer that is catching up may leave the leases of its batches to
// move together a few batches later (DeferChainEvents): the backlog is
// marked on its cursor, so whoever writes next, after a restart or a
// failover, moves it from the stored events.
//
// Replicas of a verified order (their pay held by the escrow until their
// group settles by the majority of their result digests) are leases like
// any other, with a state of their own (reported) and what their report
// and settlement said (Lease.Held, Lease.Agreed); a group's settlement is
// a row of replica_groups, and ReplicaGroup reads a group whole. What one
// event shows of replicas (a report, a settlement) is marked on every
// lease of the order in the same batch, and a reorg's rewind derives it
// again from the events left.
//
// Lists page by keyset (newest first) behind opaque cursors; token amounts
// are exact integers (NUMERIC(78,0) in the database, *big.Int in Go).
// Open applies the embedded migrations (package migrations) with goose.
package store
