// Package auction is the pure heart of the Tender market: what an Order and a
// Bid are, how they are hashed (EIP-712) and signed (secp256k1), how they
// travel (a versioned, size-capped JSON encoding), whether a provider's
// capacity satisfies an order (and if not, which requirement failed), and who
// wins a sealed-bid reverse auction.
//
// The package does no I/O: no network, chain RPC or database. Callers pass in
// the clock (as time values) and the keys (as Signers), so everything here is
// deterministic, fuzzable and benchmarkable on its own.
//
// The EIP-712 hashes computed here are the ones the escrow contract checks on
// chain: an order's hash is what a bid names, and a bid's hash is the lease ID.
// docs/eip712.md publishes the typed-data schema so any language can produce a
// valid order or bid.
//
// The winner rule (RuleLowestPrice): among verified bids for the order that
// arrived by the bid deadline, have not expired when the window closes, price
// at or below the order's maximum and meet every requirement, the lowest price
// wins; ties go to the higher reputation, then the earlier arrival, then the
// lower provider address, then the lower bid hash. The same bids in any order
// give the same winner, and a Transcript lets anyone re-check it.
//
// A replicated order (Verify.Replicas k of 2 or 3) is auctioned under
// RuleLowestPriceReplicas instead: the k best such bids from k distinct
// providers (no two with one address or peer ID) win, best first. A
// spot-checked order is auctioned as a plain one; Domain.Winners gives the
// tenant its secret check, the best bid of another provider.
package auction
