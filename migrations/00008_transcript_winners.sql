-- Every winner of an auction. A replicated order's auction (rule
-- tender/lowest-price-replicas/1) has up to three winners, one lease each,
-- from distinct providers; transcripts.winner keeps the first, best one
-- (the price series reads it). transcript_winners lists them all in the
-- transcript's order, so that each replica's lease finds the auction it
-- won, learns its GPU model from its bid, and is not taken for a lease
-- whose transcript the broker missed.

-- +goose Up
CREATE TABLE transcript_winners (
    transcript_hash bytea NOT NULL REFERENCES transcripts ON DELETE CASCADE,
    position        integer NOT NULL CHECK (position >= 0),
    lease_id        bytea NOT NULL CHECK (octet_length(lease_id) = 32),
    PRIMARY KEY (transcript_hash, position)
);
CREATE INDEX transcript_winners_lease ON transcript_winners (lease_id);
INSERT INTO transcript_winners (transcript_hash, position, lease_id)
SELECT transcript_hash, 0, winner FROM transcripts WHERE winner IS NOT NULL;

-- +goose Down
DROP TABLE transcript_winners;
