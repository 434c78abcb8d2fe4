-- The statement triggers that keep lease_states move the states of the
-- leases a statement touched, found by key. Left to the planner, the
-- update read the whole of lease_states into a hash table on every batch
-- of escrow events (its plan made once per session, from the table's size
-- then): the cost of ingest grew with the index, whatever the batch.
-- Measured with BenchmarkIngest/spread over 250,000 leases (1,000,000
-- events): the lease updates took 26.5 s before and 17.9 s after, and
-- ingest went from 21,000 to 25,000 events/s.

-- +goose Up
ALTER FUNCTION lease_states_update() SET enable_hashjoin = off;
ALTER FUNCTION lease_states_update() SET enable_mergejoin = off;
ALTER FUNCTION lease_states_delete() SET enable_hashjoin = off;
ALTER FUNCTION lease_states_delete() SET enable_mergejoin = off;

-- +goose Down
ALTER FUNCTION lease_states_update() RESET ALL;
ALTER FUNCTION lease_states_delete() RESET ALL;
