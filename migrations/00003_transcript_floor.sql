-- A transcript's reputation floor (minReputation, of the rule
-- tender/lowest-price/2) and how many recorded bids it leaves out past the
-- ones it lists: both are signed, and both are needed to check the winner
-- again from what the broker shows.

-- +goose Up
ALTER TABLE transcripts
    ADD COLUMN min_reputation numeric(20, 0) NOT NULL DEFAULT 0 CHECK (min_reputation >= 0),
    ADD COLUMN omitted integer NOT NULL DEFAULT 0 CHECK (omitted >= 0);

-- +goose Down
ALTER TABLE transcripts DROP COLUMN min_reputation, DROP COLUMN omitted;
