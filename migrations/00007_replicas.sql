-- Replicated jobs: an order whose signed verify asks for replicas (or a
-- spot check) runs on several providers, and the escrow holds each
-- replica's pay until the group of leases under the order's digest
-- settles by the majority of their result digests (contracts/README.md,
-- "Replicas: pay held until results agree").
--
-- A replica moves through a new state, reported: its provider closed it
-- with its result digest (kept in result_hash), what it earned is held
-- (held), and the rest of its deposit went back to the tenant (refunded).
-- The group's settlement closes it: paid to its provider when its digest
-- was the majority's (agreed), refunded to the tenant otherwise
-- (closed_by 'settlement': anyone may settle a group, and the settlement,
-- not a party's close, decided the money). A replica closed by its tenant,
-- declined, or reclaimed ends as any lease does, and agreed stays NULL.
--
-- replica says that the escrow holds the lease's pay: its order asks for
-- replicas or a spot check. The index learns it from the order when it saw
-- it (orders.held), or from the chain: a Reported or ReplicaSettled event
-- of any lease of the order, or its GroupSettled. Every lease of one order
-- is a replica or none is, so what is learnt of one holds for all.
--
-- replica_groups has one row per settled group, from its GroupSettled
-- event: the majority digest (NULL when no digest had more than half of
-- the reports) and the held amounts it paid and refunded.
--
-- The events' new fields: lease_events.held (Reported) and agreed
-- (ReplicaSettled); GroupSettled is not a lease's event, its lease_id is
-- NULL, order_hash names the group and result_hash holds the majority.

-- +goose Up
ALTER TABLE leases DROP CONSTRAINT leases_state_check;
ALTER TABLE leases ADD CONSTRAINT leases_state_check
    CHECK (state IN ('open', 'running', 'reported', 'closed', 'overdrawn', 'reclaimed'));
ALTER TABLE leases DROP CONSTRAINT leases_closed_by_check;
ALTER TABLE leases ADD CONSTRAINT leases_closed_by_check
    CHECK (closed_by IN ('tenant', 'provider', 'anyone', 'settlement'));
ALTER TABLE leases
    ADD COLUMN replica boolean NOT NULL DEFAULT false,
    ADD COLUMN held numeric(78, 0) CHECK (held >= 0),
    ADD COLUMN agreed boolean;

ALTER TABLE lease_events
    ADD COLUMN held numeric(78, 0),
    ADD COLUMN agreed boolean;

-- Whether the order's verify holds its leases' pay for its replicas
-- (verify.replicas of 2 or more, or a spot check).
ALTER TABLE orders ADD COLUMN held boolean NOT NULL DEFAULT false;
UPDATE orders SET held = true
WHERE coalesce((convert_from(wire, 'UTF8')::jsonb #>> '{order,verify,replicas}')::integer, 0) >= 2
   OR coalesce((convert_from(wire, 'UTF8')::jsonb #>> '{order,verify,spotCheckBps}')::integer, 0) > 0;
UPDATE leases l SET replica = true FROM orders o WHERE o.order_hash = l.order_hash AND o.held;

CREATE TABLE replica_groups (
    order_hash    bytea PRIMARY KEY CHECK (octet_length(order_hash) = 32),
    majority      bytea CHECK (octet_length(majority) = 32),
    paid          numeric(78, 0) NOT NULL CHECK (paid >= 0),
    refunded      numeric(78, 0) NOT NULL CHECK (refunded >= 0),
    settled_block bigint NOT NULL,
    settled_log   integer NOT NULL,
    settled_at    timestamptz NOT NULL,
    tx_hash       bytea NOT NULL CHECK (octet_length(tx_hash) = 32)
);
CREATE INDEX replica_groups_block ON replica_groups (settled_block);

-- The payments view gains the replicas' money: the refund at a report,
-- and the settlement of a replica, paid to its provider when it agreed,
-- refunded to its tenant when not (or when it never reported). A
-- replica's provider cannot withdraw, so what ReplicaSettled pays is all
-- it got. GroupSettled moves nothing of its own: its amounts are the sums
-- of its replicas' ReplicaSettled and Reclaimed events.
DROP VIEW payments;
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
    UNION ALL SELECT 'settlement', l.provider, e.paid WHERE e.kind = 'ReplicaSettled' AND e.agreed
    UNION ALL SELECT 'refund', l.tenant, e.refunded
        WHERE e.kind IN ('Closed', 'Reclaimed', 'Reported') OR (e.kind = 'ReplicaSettled' AND NOT e.agreed)
    UNION ALL SELECT CASE e.kind WHEN 'PaymentDeferred' THEN 'deferred' ELSE 'claim' END, e.account, e.amount
        WHERE e.kind IN ('PaymentDeferred', 'Claimed')
) p
-- A lease the index never saw open has no known parties.
WHERE p.account IS NOT NULL AND p.amount IS NOT NULL;

-- +goose Down
-- The schema before replicas cannot hold a reported lease nor a
-- settlement's close: a reported replica goes back to running (its report
-- is still in lease_events), and a replica the settlement closed reads as
-- closed by anyone.
DROP VIEW payments;
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
WHERE p.account IS NOT NULL AND p.amount IS NOT NULL;
DROP TABLE replica_groups;
ALTER TABLE orders DROP COLUMN held;
ALTER TABLE lease_events DROP COLUMN held, DROP COLUMN agreed;
UPDATE leases SET state = 'running' WHERE state = 'reported';
UPDATE leases SET closed_by = 'anyone' WHERE closed_by = 'settlement';
ALTER TABLE leases DROP COLUMN replica, DROP COLUMN held, DROP COLUMN agreed;
ALTER TABLE leases DROP CONSTRAINT leases_state_check;
ALTER TABLE leases ADD CONSTRAINT leases_state_check
    CHECK (state IN ('open', 'running', 'closed', 'overdrawn', 'reclaimed'));
ALTER TABLE leases DROP CONSTRAINT leases_closed_by_check;
ALTER TABLE leases ADD CONSTRAINT leases_closed_by_check
    CHECK (closed_by IN ('tenant', 'provider', 'anyone'));
