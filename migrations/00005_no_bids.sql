-- The providers' signed reasons for not bidding on an order, as its
-- auctioneer published them after the auction closed: one per provider and
-- order, kept only for orders the index holds.

-- +goose Up
CREATE TABLE no_bids (
    order_hash bytea NOT NULL REFERENCES orders,
    provider   bytea NOT NULL CHECK (octet_length(provider) = 20),
    peer_id    text NOT NULL,
    reason     text NOT NULL,
    detail     text NOT NULL,
    signature  bytea NOT NULL CHECK (octet_length(signature) = 65),
    seen_at    timestamptz NOT NULL,
    PRIMARY KEY (order_hash, provider)
);

-- +goose Down
DROP TABLE no_bids;
