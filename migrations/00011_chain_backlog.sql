-- A chain indexer that is catching up stores its events at once and moves
-- the leases they touch a few batches later, all at once (see the store's
-- DeferChainEvents): a lease's start, payouts and end then fold into one
-- write. Its cursor says where those pending events begin, and which run
-- of deferred batches they are (a random id, so that a process can tell
-- whether the events it kept in memory are still the whole backlog).
-- NULL: every stored event has moved its lease.

-- +goose Up
ALTER TABLE chain_cursors
    ADD COLUMN pending_block bigint,
    ADD COLUMN pending_log   integer,
    ADD COLUMN pending_run   bigint,
    ADD CONSTRAINT chain_cursors_pending CHECK ((pending_block IS NULL) = (pending_log IS NULL)
                                                AND (pending_block IS NULL) = (pending_run IS NULL));

-- +goose Down
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM chain_cursors WHERE pending_block IS NOT NULL) THEN
        RAISE EXCEPTION 'a chain indexer has events whose leases have not moved yet: run the broker until it has caught up with the chain, then migrate down';
    END IF;
END $$;
-- +goose StatementEnd
ALTER TABLE chain_cursors DROP CONSTRAINT chain_cursors_pending,
    DROP COLUMN pending_block, DROP COLUMN pending_log, DROP COLUMN pending_run;
