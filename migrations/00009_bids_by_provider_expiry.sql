-- A provider's bids by expiry, newest last: the machines a provider bid
-- from lately (the tender.node attribute of its offers) are read from its
-- recent bids without reading all it ever sent. It serves every lookup by
-- provider the index it replaces served.

-- +goose Up
CREATE INDEX bids_provider_expiry ON bids (provider, expiry);
DROP INDEX bids_provider;

-- +goose Down
CREATE INDEX bids_provider ON bids (provider);
DROP INDEX bids_provider_expiry;
