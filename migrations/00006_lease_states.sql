-- Leases listed by state through a narrow table of their own, so that an
-- escrow event rewrites a lease's row in place.
--
-- Most escrow events move a lease stored before: it starts, pays out, ends.
-- While state was in one of the lease indexes, each such move wrote a new
-- entry into all seven of them. With no changing column indexed,
-- PostgreSQL rewrites the row on its own page (a HOT update) and leaves
-- the indexes alone, given room on the page. Leases opened together share
-- pages and often move together, so a page keeps half its room free (fill
-- factor 50): the heap is about twice the size, the indexes are not.
--
-- The state filter and the count by state read lease_states, one row per
-- lease with its state and opening time. Statement triggers on leases keep
-- it equal to the leases in the statement that changes them, whoever
-- writes: ingest, a reorg's rewind, or an operator.
--
-- The fill factor applies to pages filled from now on; VACUUM FULL leases
-- (which locks the table while it runs) applies it to the pages before.

-- +goose Up
DROP INDEX leases_state;
ALTER TABLE leases SET (fillfactor = 50);

CREATE TABLE lease_states (
    lease_id  bytea PRIMARY KEY,
    state     text NOT NULL,
    opened_at timestamptz NOT NULL
);
INSERT INTO lease_states (lease_id, state, opened_at) SELECT lease_id, state, opened_at FROM leases;
CREATE INDEX lease_states_state ON lease_states (state, opened_at DESC, lease_id DESC);

-- +goose StatementBegin
CREATE FUNCTION lease_states_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO lease_states (lease_id, state, opened_at) SELECT lease_id, state, opened_at FROM added;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION lease_states_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE lease_states s SET state = m.state FROM moved m WHERE s.lease_id = m.lease_id AND s.state <> m.state;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION lease_states_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM lease_states s USING removed r WHERE s.lease_id = r.lease_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER lease_states_insert AFTER INSERT ON leases REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION lease_states_insert();
CREATE TRIGGER lease_states_update AFTER UPDATE ON leases REFERENCING NEW TABLE AS moved
    FOR EACH STATEMENT EXECUTE FUNCTION lease_states_update();
CREATE TRIGGER lease_states_delete AFTER DELETE ON leases REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION lease_states_delete();

-- +goose Down
DROP TRIGGER lease_states_insert ON leases;
DROP TRIGGER lease_states_update ON leases;
DROP TRIGGER lease_states_delete ON leases;
DROP FUNCTION lease_states_insert();
DROP FUNCTION lease_states_update();
DROP FUNCTION lease_states_delete();
DROP TABLE lease_states;
ALTER TABLE leases RESET (fillfactor);
CREATE INDEX leases_state ON leases (state, opened_at DESC, lease_id DESC);
