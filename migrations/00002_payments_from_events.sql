-- Payments are derived from the escrow's events instead of stored beside
-- them: one write per event instead of two or three, which was most of
-- the cost of ingest. A settlement, the one payment the chain does not log
-- as an amount, is the provider's total at the close less what it withdrew
-- before; the parties come from the lease.
--
-- Events are looked up by lease, and leases by order, by equality only:
-- hash indexes, cheaper to insert into than B-trees keyed by random
-- 32-byte hashes. Leases keep room on their pages, so that withdrawals,
-- which change no indexed column, update in place.

-- +goose Up
DROP TABLE payments;
DROP INDEX lease_events_lease;
CREATE INDEX lease_events_lease ON lease_events USING hash (lease_id);
DROP INDEX leases_order;
CREATE INDEX leases_order ON leases USING hash (order_hash);
ALTER TABLE leases SET (fillfactor = 90);

-- Money moved by the escrow: deposits and top-ups from tenants,
-- withdrawals and settlements to providers, refunds to tenants, deferred
-- payments and claims. Keyed by the event that moved the money and the
-- kind (a close both settles and refunds).
CREATE VIEW payments AS
SELECT e.block_number, e.log_index, p.kind, e.tx_hash, e.lease_id, p.account, p.amount, e.block_time
FROM lease_events e
LEFT JOIN leases l ON l.lease_id = e.lease_id
CROSS JOIN LATERAL (
    SELECT 'deposit' AS kind, e.tenant AS account, e.deposit AS amount WHERE e.kind = 'LeaseOpened'
    UNION ALL SELECT 'top_up', l.tenant, e.amount WHERE e.kind = 'ToppedUp'
    UNION ALL SELECT 'withdrawal', l.provider, e.amount WHERE e.kind = 'Withdrawn'
    UNION ALL SELECT 'settlement', l.provider, e.paid - coalesce((
            SELECT sum(w.amount) FROM lease_events w
            WHERE w.lease_id = e.lease_id AND w.kind = 'Withdrawn'
              AND (w.block_number, w.log_index) < (e.block_number, e.log_index)), 0)
        WHERE e.kind IN ('Closed', 'Overdrawn')
    UNION ALL SELECT 'refund', l.tenant, e.refunded WHERE e.kind IN ('Closed', 'Reclaimed')
    UNION ALL SELECT CASE e.kind WHEN 'PaymentDeferred' THEN 'deferred' ELSE 'claim' END, e.account, e.amount
        WHERE e.kind IN ('PaymentDeferred', 'Claimed')
) p
-- A lease the index never saw open has no known parties.
WHERE p.account IS NOT NULL AND p.amount IS NOT NULL;

-- +goose Down
-- The payments are stored again, as the view derives them.
CREATE TABLE payments_stored (
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
INSERT INTO payments_stored SELECT * FROM payments;
DROP VIEW payments;
ALTER TABLE payments_stored RENAME TO payments;
ALTER INDEX payments_stored_pkey RENAME TO payments_pkey;
CREATE INDEX payments_lease ON payments (lease_id);
ALTER TABLE leases RESET (fillfactor);
DROP INDEX leases_order;
CREATE INDEX leases_order ON leases (order_hash);
DROP INDEX lease_events_lease;
CREATE INDEX lease_events_lease ON lease_events (lease_id, block_number, log_index);
