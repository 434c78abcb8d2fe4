// Package network is the Tender market's peer-to-peer layer: providers,
// tenants and brokers find each other and trade over libp2p, with no
// central server.
//
// A Node (New, Close) is a libp2p host with a persisted identity key
// (LoadIdentity), TCP and QUIC listeners, a connection manager, a resource
// manager with limits for the market's protocols, a Kademlia DHT of its own
// (/tender/kad/1.0.0) and GossipSub with peer scoring. It dials its
// bootstrap peers and re-dials them while disconnected, advertises itself
// under the market's rendezvous (Rendezvous) in the DHT and connects to the
// market peers it finds there; mDNS is available for LANs and off by
// default.
//
// Everything is bound to one deployment of the market, the auction.Domain
// (chain ID and escrow contract), which names the topics and checks every
// signature. Gossip follows the pubsub spec's StrictNoSign policy, as other
// libp2p implementations expect: a message is its payload alone (its
// author's EIP-712 signature is inside), with no from, seqno, key or
// signature, named by the SHA-256 of its data; a message that carries any
// of them is refused.
//
//   - Orders: PublishOrder gossips a signed order on OrdersTopic
//     (/tender/orders/1/<chainID>/<escrow>); Orders yields each valid order
//     with an open bid window once. Every node validates an order before
//     relaying it: an oversize, malformed, unknown-version, badly signed or
//     expired order is rejected (its sender loses peer score; three put it
//     below the gossip threshold), a duplicate or closed one is ignored.
//     Nodes keep the open orders they have seen and hand them to peers that
//     connect later (ProtocolOrdersSync, SyncOrders).
//   - Sealed bids: SendBid and SendNoBid open a stream (ProtocolBid,
//     ProtocolNoBid) to the order's auctioneer only; no bid ever travels by
//     gossip. The auctioneer's node serves the auction (ServeAuction) and
//     answers each bid with its auction.Verdict or the reason it refused it,
//     as a *RemoteError that errors.Is matches against pkg/auction's
//     errors. Auctioneer.NoBids lists the providers' reasons for not bidding.
//   - Results: Auctioneer.Close (or PublishTranscript) publishes the signed
//     transcript on ResultsTopic; every node verifies it before relaying it,
//     and Transcripts yields the verified ones. Every node keeps the
//     transcripts it saw for KeepTranscriptsFor (24 h, within
//     Config.KeptTranscriptBytes) and hands them, by the lease they name,
//     to a peer that missed them (ProtocolTranscriptsSync,
//     FetchTranscripts): a broker that was down backfills from them.
//   - No-bids, after the window: Auctioneer.Close then publishes the signed
//     no-bids it received on NoBidsTopic; nodes relay only well-signed
//     ones for orders they know, one per provider and order, and NoBids
//     yields them.
//   - Leases: the tenant reaches the winning provider over ProtocolLease
//     (Lease, LeaseClient): secrets, input data (streamed in chunks with a
//     SHA-256 check), status, logs (optionally followed), the /output
//     archive (resumable from an offset, SHA-256 checked), a graceful
//     cancel, and a command run in the running job with its output and
//     exit status (Exec). Each stream is authorized by a fresh challenge the tenant
//     signs as an auction.LeaseAccess in the market's domain; anyone but
//     the lease's tenant is refused with ErrLeaseDenied. The provider serves
//     lease data through the LeaseHost it passes to ServeLeases.
//
// Streams carry length-prefixed messages (uvarint length, then the bytes)
// with a hard cap per message, have a deadline, reserve their memory from
// the stream's resource-manager scope and are reset on protocol errors.
// The market's judgement (expiry, bid windows, arrival times) uses the
// clock in Config.Now.
package network
