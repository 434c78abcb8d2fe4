-- Each batch of leases that goes in asks, for every lease, whether its
-- order is a verified order (orders.held) or has a replica lease already.
-- The planner answers both by reading the whole orders and leases tables
-- into a hash table once per batch: a cost that grows with the index,
-- whatever the batch. These partial indexes hold only the few rows that
-- answer yes, so the hash table is built from them.

-- +goose Up
CREATE INDEX orders_held ON orders (order_hash) WHERE held;
CREATE INDEX leases_replica_order ON leases (order_hash) WHERE replica;

-- +goose Down
DROP INDEX leases_replica_order;
DROP INDEX orders_held;
