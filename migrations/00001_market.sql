-- The market index: orders, bids and auction transcripts from the network;
-- leases, their escrow events and payments from the chain; providers and the
-- chain cursor. Hashes and addresses are bytea of exactly 32 and 20 bytes;
-- token amounts are NUMERIC(78,0) in the token's base units (a uint256 has
-- at most 78 digits); uint64 values that may exceed bigint are NUMERIC(20,0).

-- +goose Up
CREATE TABLE orders (
    order_hash         bytea PRIMARY KEY CHECK (octet_length(order_hash) = 32),
    tenant             bytea NOT NULL CHECK (octet_length(tenant) = 20),
    auctioneer         text NOT NULL,
    max_price_per_hour numeric(78, 0) NOT NULL CHECK (max_price_per_hour >= 0),
    max_duration       bigint NOT NULL,
    bid_deadline       timestamptz NOT NULL,
    expiry             timestamptz NOT NULL,
    nonce              numeric(20, 0) NOT NULL,
    gpu_count          integer NOT NULL,
    gpu_models         text[] NOT NULL,
    allow_simulated    boolean NOT NULL,
    image              text NOT NULL,
    -- The signed order exactly as it travels (package auction's wire
    -- encoding): anyone can re-check the signature from it.
    wire               bytea NOT NULL,
    seen_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_seen ON orders (seen_at DESC, order_hash DESC);
CREATE INDEX orders_tenant ON orders (tenant, seen_at DESC, order_hash DESC);

CREATE TABLE providers (
    address    bytea PRIMARY KEY CHECK (octet_length(address) = 20),
    peer_id    text,
    -- The latest offer the provider bid with (GPUs, CUDA, CPU, memory,
    -- disk, attributes): a snapshot of what it rents out.
    inventory  jsonb,
    gpu_models text[] NOT NULL DEFAULT '{}',
    gpu_count  integer NOT NULL DEFAULT 0,
    -- Whether that offer's GPUs were simulated; NULL until a bid is seen.
    simulated  boolean,
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX providers_seen ON providers (last_seen DESC, address DESC);

CREATE TABLE bids (
    bid_hash       bytea PRIMARY KEY CHECK (octet_length(bid_hash) = 32),
    order_hash     bytea NOT NULL REFERENCES orders,
    provider       bytea NOT NULL CHECK (octet_length(provider) = 20),
    peer_id        text NOT NULL,
    price_per_hour numeric(78, 0) NOT NULL CHECK (price_per_hour >= 0),
    -- The offer's first GPU model ('' for a CPU-only offer) and GPU count.
    gpu_model      text NOT NULL,
    gpu_count      integer NOT NULL,
    simulated      boolean NOT NULL,
    expiry         timestamptz NOT NULL,
    nonce          numeric(20, 0) NOT NULL,
    offer          jsonb NOT NULL,
    signature      bytea NOT NULL CHECK (octet_length(signature) = 65)
);
CREATE INDEX bids_order ON bids (order_hash);
CREATE INDEX bids_provider ON bids (provider);

CREATE TABLE transcripts (
    -- The EIP-712 digest the auctioneer signed.
    transcript_hash bytea PRIMARY KEY CHECK (octet_length(transcript_hash) = 32),
    order_hash      bytea NOT NULL REFERENCES orders,
    rule            text NOT NULL,
    closed_at       timestamptz NOT NULL,
    -- The winning bid's hash (the lease ID); NULL when no bid qualified.
    winner          bytea CHECK (octet_length(winner) = 32),
    bid_count       integer NOT NULL,
    signature       bytea NOT NULL CHECK (octet_length(signature) = 65),
    seen_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transcripts_order ON transcripts (order_hash, closed_at DESC);
CREATE INDEX transcripts_closed ON transcripts (closed_at DESC, transcript_hash DESC);
CREATE INDEX transcripts_winner ON transcripts (winner) WHERE winner IS NOT NULL;

CREATE TABLE transcript_entries (
    transcript_hash bytea NOT NULL REFERENCES transcripts ON DELETE CASCADE,
    position        integer NOT NULL,
    bid_hash        bytea NOT NULL REFERENCES bids,
    arrival         timestamptz NOT NULL,
    reputation      numeric(20, 0) NOT NULL,
    -- Why the bid could not win (package auction's Reason); '' if eligible.
    reason          text NOT NULL,
    PRIMARY KEY (transcript_hash, position)
);
CREATE INDEX transcript_entries_bid ON transcript_entries (bid_hash);

CREATE TABLE leases (
    lease_id       bytea PRIMARY KEY CHECK (octet_length(lease_id) = 32),
    -- No foreign key: the chain may show leases of orders this broker
    -- never saw on the network.
    order_hash     bytea NOT NULL CHECK (octet_length(order_hash) = 32),
    tenant         bytea NOT NULL CHECK (octet_length(tenant) = 20),
    provider       bytea NOT NULL CHECK (octet_length(provider) = 20),
    price_per_hour numeric(78, 0) NOT NULL,
    max_duration   bigint NOT NULL,
    state          text NOT NULL CHECK (state IN ('open', 'running', 'closed', 'overdrawn', 'reclaimed')),
    deposit        numeric(78, 0) NOT NULL,
    paid           numeric(78, 0) NOT NULL DEFAULT 0,
    refunded       numeric(78, 0) NOT NULL DEFAULT 0,
    -- From the winning bid when the broker saw it; NULL otherwise.
    gpu_model      text,
    opened_at      timestamptz NOT NULL,
    opened_block   bigint NOT NULL,
    started_at     timestamptz,
    ended_at       timestamptz,
    exit_code      integer,
    result_hash    bytea,
    -- Who ended it: tenant, provider or anyone (an overdrawn lease).
    closed_by      text CHECK (closed_by IN ('tenant', 'provider', 'anyone')),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
-- Keyset pagination, newest first, alone and under each dashboard filter.
CREATE INDEX leases_opened ON leases (opened_at DESC, lease_id DESC);
CREATE INDEX leases_state ON leases (state, opened_at DESC, lease_id DESC);
CREATE INDEX leases_tenant ON leases (tenant, opened_at DESC, lease_id DESC);
CREATE INDEX leases_provider ON leases (provider, opened_at DESC, lease_id DESC);
CREATE INDEX leases_gpu_model ON leases (gpu_model, opened_at DESC, lease_id DESC);
CREATE INDEX leases_order ON leases (order_hash);

-- Every escrow event, as the chain logged it. Its position in the chain,
-- (block_number, log_index), is the natural key: the same event ingested
-- twice is stored once. (The indexer only reads blocks buried under its
-- confirmations, so a position names one event; the key grows with the
-- chain, which keeps inserts cheap.)
CREATE TABLE lease_events (
    tx_hash        bytea NOT NULL CHECK (octet_length(tx_hash) = 32),
    log_index      integer NOT NULL,
    block_number   bigint NOT NULL,
    block_hash     bytea NOT NULL,
    block_time     timestamptz NOT NULL,
    kind           text NOT NULL,
    lease_id       bytea,
    tx_from        bytea,
    tenant         bytea,
    provider       bytea,
    account        bytea,
    recipient      bytea,
    order_hash     bytea,
    price_per_hour numeric(78, 0),
    max_duration   bigint,
    amount         numeric(78, 0),
    deposit        numeric(78, 0),
    paid           numeric(78, 0),
    refunded       numeric(78, 0),
    exit_code      integer,
    result_hash    bytea,
    started_at     timestamptz,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX lease_events_lease ON lease_events (lease_id, block_number, log_index);

-- Money moved by the escrow, derived from its events: deposits and top-ups
-- from tenants, withdrawals and settlements to providers, refunds to
-- tenants, deferred payments and claims.
-- Keyed by the event that moved the money (and the kind: a close both
-- settles and refunds).
CREATE TABLE payments (
    block_number bigint NOT NULL,
    log_index    integer NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('deposit', 'top_up', 'withdrawal', 'settlement', 'refund', 'deferred', 'claim')),
    tx_hash      bytea NOT NULL,
    lease_id     bytea,
    account      bytea NOT NULL,
    amount       numeric(78, 0) NOT NULL CHECK (amount >= 0),
    block_time   timestamptz NOT NULL,
    PRIMARY KEY (block_number, log_index, kind)
);
CREATE INDEX payments_lease ON payments (lease_id);

-- Where each chain indexer is: the next (block, log index) to read. It is
-- written in the same transaction as the events it covers.
CREATE TABLE chain_cursors (
    name       text PRIMARY KEY,
    block      bigint NOT NULL,
    log_index  integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE chain_cursors;
DROP TABLE payments;
DROP TABLE lease_events;
DROP TABLE leases;
DROP TABLE transcript_entries;
DROP TABLE transcripts;
DROP TABLE bids;
DROP TABLE providers;
DROP TABLE orders;
