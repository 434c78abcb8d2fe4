// Package indexer feeds the broker's store from the market's two sources.
//
// Market takes orders and auction transcripts as the network layer (or the
// broker's HTTP API) hands them in: orders arrive verified, transcripts are
// re-checked with auction.Domain.Verify before anything is stored. Chain
// follows the escrow contract's events through lease.Client.Watch (plain
// eth_getLogs polling works on any HTTP endpoint), only up to the head less
// a number of confirmations so that shallow reorgs never reach the index,
// and writes each batch of events with the cursor that covers it in one
// transaction: stopped anywhere, it resumes where the store says, with
// nothing lost and nothing doubled. With the cursor it stores the newest
// block it read and that block's hash; before each write it checks that
// block is still on the chain, and after a deeper reorg rolls the index
// back to the newest block both branches share. Reading logs and writing
// them overlap, and block times come from the logs where the endpoint
// sends them (blockTimestamp). While more confirmed blocks follow the
// range it read (catching up), it stores batches with
// store.DeferChainEvents, so that their leases move together; the last
// batch of a catch-up, and a stop on a failed read, move them all.
package indexer
