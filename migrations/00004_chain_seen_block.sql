-- The newest block a chain indexer has read and its hash, stored with its
-- cursor. A reorg deeper than the confirmations changes that block's hash:
-- the indexer sees it, walks back to the block both branches share, and
-- rolls the index back to it.

-- +goose Up
ALTER TABLE chain_cursors
    ADD COLUMN seen_block bigint,
    ADD COLUMN seen_hash bytea CHECK (octet_length(seen_hash) = 32);

-- +goose Down
ALTER TABLE chain_cursors DROP COLUMN seen_block, DROP COLUMN seen_hash;
