// Package lease is the on-chain side of a Tender lease: its states and legal
// transitions (shared by provider, tenant and broker), a client of the escrow
// contract that opens, starts, pays out, tops up and settles leases, and a
// watcher of the escrow's events with a cursor a caller can persist.
//
// The escrow (contracts/Escrow.sol) holds a tenant's deposit in one ERC-20
// token and pays the provider by the second: price per hour x seconds since
// start / 3600, rounded down, never more than the deposit. A lease's ID is
// the EIP-712 hash of the provider's bid (package auction computes it), so a
// bid opens at most one lease. The contract stores only a hash of a lease's
// terms; callers pass the Terms back on every call after opening.
//
// All amounts are exact integers in the token's base units (*big.Int).
package lease
