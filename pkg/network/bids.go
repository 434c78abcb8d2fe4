package network

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	kb "github.com/libp2p/go-libp2p-kbucket"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/core/routing"

	"github.com/tender-market/tender/pkg/auction"
)

// Sealed bids (/tender/bid/1.0.0) and no-bids (/tender/nobid/1.0.0): the
// provider opens a stream to the order's auctioneer, writes one message
// (the signed bid or no-bid in the wire encoding) and closes its side; the
// auctioneer answers with one message, a reply, and closes. A bid never
// travels anywhere else, so no provider sees another's bid before the
// transcript is published.

// Errors a bid or no-bid is refused with, besides those of pkg/auction.
var (
	ErrNoAuction    = errors.New("no open auction for this order at this node")
	ErrPeerMismatch = errors.New("message names another peer than the one that sent it")
	// ErrNotSent: the request never left this node (no stream to the
	// auctioneer), so the auctioneer cannot have it.
	ErrNotSent = errors.New("not sent")
)

// maxReplyBytes caps a reply; maxErrorText caps the error text in it.
const (
	maxReplyBytes = 4 << 10
	maxErrorText  = 2 << 10
)

// reply is the answer of every request on a market stream. An empty Error
// means success.
type reply struct {
	Error string `json:"error,omitempty"`
	Code  string `json:"code,omitempty"`

	// A recorded bid's verdict.
	Reason auction.Reason `json:"reason,omitempty"`
	Detail string         `json:"detail,omitempty"`

	// Lease operations.
	Status *LeaseStatus `json:"status,omitempty"`
	Size   int64        `json:"size,omitempty"`
	SHA256 string       `json:"sha256,omitempty"`
}

func refusal(err error) reply {
	msg := err.Error()
	if len(msg) > maxErrorText {
		msg = msg[:maxErrorText] + "..."
	}
	if msg == "" {
		msg = "refused"
	}
	return reply{Error: msg, Code: errorCode(err)}
}

func (r *reply) err() error {
	if r.Error == "" {
		return nil
	}
	return &RemoteError{Code: r.Code, Msg: r.Error}
}

// RemoteError is an error the other node reported: why it refused a bid or
// no-bid, or why a lease operation failed. errors.Is matches it against
// the error of pkg/auction or of this package that its code names, such as
// auction.ErrLate, auction.ErrBadSignature or ErrLeaseDenied.
type RemoteError struct {
	Code string
	Msg  string
}

func (e *RemoteError) Error() string { return e.Msg }

// Is reports whether the remote error was target.
func (e *RemoteError) Is(target error) bool {
	for _, c := range errorCodes() {
		if c.code == e.Code {
			return c.err == target
		}
	}
	return false
}

type codedError struct {
	code string
	err  error
}

// errorCodes names the errors a reply can carry, most specific first.
func errorCodes() []codedError {
	return []codedError{
		{"late", auction.ErrLate},
		{"replayed", auction.ErrReplayed},
		{"duplicate", auction.ErrDuplicate},
		{"closed", auction.ErrClosed},
		{"expired", auction.ErrExpired},
		{"bad_signature", auction.ErrBadSignature},
		{"wrong_order", auction.ErrWrongOrder},
		{"too_large", auction.ErrTooLarge},
		{"unknown_version", auction.ErrUnknownVersion},
		{"malformed", auction.ErrMalformed},
		{"invalid", auction.ErrInvalid},
		{"no_auction", ErrNoAuction},
		{"peer_mismatch", ErrPeerMismatch},
		{"lease_denied", ErrLeaseDenied},
		{"unknown_lease", ErrLeaseNotServed},
		{"no_lease_host", ErrNoLeaseHost},
		{"exec_off", ErrExecOff},
		{"not_exposed", ErrNotExposed},
		{"forward_limit", ErrForwardLimit},
	}
}

func errorCode(err error) string {
	for _, c := range errorCodes() {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return ""
}

// BidReceipt is a bid the auctioneer recorded.
type BidReceipt struct {
	Bid     auction.SignedBid
	Verdict auction.Verdict
	Arrival time.Time
}

// Auctioneer serves one auction on the node: it takes the sealed bids and
// no-bids providers send for the order until it is stopped or closed.
type Auctioneer struct {
	n     *Node
	a     *auction.Auction
	onBid func(BidReceipt)

	mu     sync.Mutex
	noBids map[common.Address]int
	list   []auction.SignedNoBid
}

// maxNoBids caps the no-bids an auction keeps.
const maxNoBids = 1024

// ServeAuction makes the node take bids and no-bids for a's order, which
// must name this node as its auctioneer. Each recorded bid is passed to
// onBid (may be nil), from the goroutine of its stream: onBid must not
// block. Bids for an order the node does not serve are refused with
// ErrNoAuction.
func (n *Node) ServeAuction(a *auction.Auction, onBid func(BidReceipt)) (*Auctioneer, error) {
	o := a.Order()
	if o.Order.Auctioneer != n.host.ID().String() {
		return nil, fmt.Errorf("serve auction for order %s: it names %s as its auctioneer, this node is %s", o.Hash.Hex(), o.Order.Auctioneer, n.host.ID())
	}
	n.mu.Lock()
	closed := n.closed
	n.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	n.auctionsMu.Lock()
	defer n.auctionsMu.Unlock()
	if _, ok := n.auctions[o.Hash]; ok {
		return nil, fmt.Errorf("serve auction for order %s: already served", o.Hash.Hex())
	}
	s := &Auctioneer{n: n, a: a, onBid: onBid, noBids: make(map[common.Address]int)}
	n.auctions[o.Hash] = s
	return s, nil
}

// Stop stops taking bids; later ones are refused with ErrNoAuction.
func (s *Auctioneer) Stop() {
	h := s.a.Order().Hash
	s.n.auctionsMu.Lock()
	defer s.n.auctionsMu.Unlock()
	if s.n.auctions[h] == s {
		delete(s.n.auctions, h)
	}
}

// Close stops taking bids, closes the auction at closedAt with the
// auctioneer's key (the order's tenant) and publishes the transcript on
// the results topic, then the no-bids it received on the no-bids topic.
// The transcript is returned even when publishing fails.
func (s *Auctioneer) Close(ctx context.Context, closedAt time.Time, auctioneer auction.Signer) (auction.Transcript, error) {
	s.Stop()
	t, err := s.a.Close(closedAt, auctioneer)
	if err != nil {
		return auction.Transcript{}, err
	}
	errs := []error{s.n.PublishTranscript(ctx, t)}
	for _, nb := range s.NoBids() {
		errs = append(errs, s.n.PublishNoBid(ctx, nb))
	}
	return t, errors.Join(errs...)
}

// NoBids are the providers' signed reasons for not bidding, one per
// provider (its latest), in the order they first arrived.
func (s *Auctioneer) NoBids() []auction.SignedNoBid {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]auction.SignedNoBid(nil), s.list...)
}

func (s *Auctioneer) addNoBid(nb auction.SignedNoBid) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.noBids[nb.NoBid.Provider]; ok {
		s.list[i] = nb
		return nil
	}
	if len(s.list) >= maxNoBids {
		return fmt.Errorf("auction holds %d no-bids, no more", maxNoBids)
	}
	s.noBids[nb.NoBid.Provider] = len(s.list)
	s.list = append(s.list, nb)
	return nil
}

func (n *Node) auctionFor(h common.Hash) (*Auctioneer, error) {
	n.auctionsMu.Lock()
	defer n.auctionsMu.Unlock()
	s := n.auctions[h]
	if s == nil {
		return nil, fmt.Errorf("%w: order %s", ErrNoAuction, h.Hex())
	}
	return s, nil
}

func (n *Node) handleBid(_ context.Context, s network.Stream) {
	n.handleRequest(s, auction.MaxBidBytes, bidStreamMem, n.takeBid)
}

func (n *Node) handleNoBid(_ context.Context, s network.Stream) {
	n.handleRequest(s, auction.MaxNoBidBytes, noBidStreamMem, n.takeNoBid)
}

// handleRequest serves a one-message request: a message over limit or a
// broken stream resets it; anything else gets a reply.
func (n *Node) handleRequest(s network.Stream, limit, mem int, take func([]byte, peer.ID) reply) {
	g, err := guardStream(s, mem, n.cfg.StreamTimeout)
	if err != nil {
		n.log.Debug("stream refused", "protocol", s.Protocol(), "err", err)
		return
	}
	defer g.release()
	msg, err := newMessageReader(s).next(limit)
	if err != nil {
		n.log.Debug("protocol error; stream reset", "protocol", s.Protocol(), "peer", s.Conn().RemotePeer(), "err", err)
		s.Reset()
		return
	}
	if err := writeJSON(s, take(msg, s.Conn().RemotePeer())); err != nil {
		s.Reset()
		return
	}
	s.Close()
}

func (n *Node) takeBid(msg []byte, from peer.ID) reply {
	arrival := n.now()
	sb, err := auction.DecodeBid(msg)
	if err != nil {
		return refusal(err)
	}
	if sb.Bid.PeerID != from.String() {
		return refusal(fmt.Errorf("%w: the bid names peer %s, it came from %s", ErrPeerMismatch, sb.Bid.PeerID, from))
	}
	srv, err := n.auctionFor(sb.Bid.OrderHash)
	if err != nil {
		return refusal(err)
	}
	v, err := srv.a.Add(sb, arrival)
	if err != nil {
		n.log.Debug("bid refused", "order", sb.Bid.OrderHash, "peer", from, "err", err)
		return refusal(err)
	}
	if srv.onBid != nil {
		srv.onBid(BidReceipt{Bid: sb, Verdict: v, Arrival: arrival})
	}
	return reply{Reason: v.Reason, Detail: v.Detail}
}

func (n *Node) takeNoBid(msg []byte, from peer.ID) reply {
	var peek struct {
		NoBid struct {
			OrderHash common.Hash `json:"orderHash"`
		} `json:"noBid"`
	}
	if err := json.Unmarshal(msg, &peek); err != nil {
		return refusal(fmt.Errorf("%w: no-bid: %v", auction.ErrMalformed, err))
	}
	srv, err := n.auctionFor(peek.NoBid.OrderHash)
	if err != nil {
		return refusal(err)
	}
	nb, err := n.domain.ReadNoBid(msg, srv.a.Order(), n.now())
	if err != nil {
		return refusal(err)
	}
	if nb.NoBid.PeerID != from.String() {
		return refusal(fmt.Errorf("%w: the no-bid names peer %s, it came from %s", ErrPeerMismatch, nb.NoBid.PeerID, from))
	}
	if err := srv.addNoBid(nb); err != nil {
		return refusal(err)
	}
	return reply{}
}

// SendBid sends the signed bid, sealed, to the order's auctioneer and
// returns its verdict: whether the bid can win and, if not, why. A refused
// bid gives a *RemoteError, which errors.Is matches against auction.ErrLate,
// auction.ErrBadSignature, ErrNoAuction and the like.
func (n *Node) SendBid(ctx context.Context, order *auction.VerifiedOrder, sb auction.SignedBid) (auction.Verdict, error) {
	if sb.Bid.OrderHash != order.Hash {
		return auction.Verdict{}, fmt.Errorf("send bid: %w: it names order %s, not %s", auction.ErrWrongOrder, sb.Bid.OrderHash.Hex(), order.Hash.Hex())
	}
	msg, err := auction.EncodeBid(sb)
	if err != nil {
		return auction.Verdict{}, fmt.Errorf("send bid: %w", err)
	}
	r, err := n.request(ctx, order, ProtocolBid, msg, bidStreamMem)
	if err != nil {
		return auction.Verdict{}, fmt.Errorf("send bid: %w", err)
	}
	if err := r.err(); err != nil {
		return auction.Verdict{}, fmt.Errorf("bid refused: %w", err)
	}
	return auction.Verdict{Reason: r.Reason, Detail: r.Detail}, nil
}

// SendNoBid tells the order's auctioneer, with the provider's signature,
// why the provider does not bid.
func (n *Node) SendNoBid(ctx context.Context, order *auction.VerifiedOrder, nb auction.SignedNoBid) error {
	if nb.NoBid.OrderHash != order.Hash {
		return fmt.Errorf("send no-bid: %w: it names order %s, not %s", auction.ErrWrongOrder, nb.NoBid.OrderHash.Hex(), order.Hash.Hex())
	}
	msg, err := auction.EncodeNoBid(nb)
	if err != nil {
		return fmt.Errorf("send no-bid: %w", err)
	}
	r, err := n.request(ctx, order, ProtocolNoBid, msg, noBidStreamMem)
	if err != nil {
		return fmt.Errorf("send no-bid: %w", err)
	}
	if err := r.err(); err != nil {
		return fmt.Errorf("no-bid refused: %w", err)
	}
	return nil
}

// request sends msg to the order's auctioneer on a new stream and reads
// the reply.
func (n *Node) request(ctx context.Context, order *auction.VerifiedOrder, proto protocol.ID, msg []byte, mem int) (reply, error) {
	to, err := peer.Decode(order.Order.Auctioneer)
	if err != nil {
		return reply{}, fmt.Errorf("order's auctioneer %q: %w", order.Order.Auctioneer, err)
	}
	if to == n.host.ID() {
		return reply{}, fmt.Errorf("order's auctioneer is this node")
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.StreamTimeout)
	defer cancel()
	// A provider answers a sweep of one tenant's orders at once: past the
	// streams a peer may hold open to another, its requests wait here
	// rather than fail.
	done, err := n.requests.acquire(ctx, to, proto)
	if err != nil {
		return reply{}, fmt.Errorf("%w: wait for a stream to auctioneer %s: %w", ErrNotSent, to, err)
	}
	defer done()
	s, err := n.openStream(ctx, to, proto)
	if err != nil {
		return reply{}, fmt.Errorf("%w: open stream to auctioneer %s: %w", ErrNotSent, to, err)
	}
	g, err := guardStream(s, mem, n.cfg.StreamTimeout)
	if err != nil {
		return reply{}, err
	}
	defer g.release()
	stop := context.AfterFunc(ctx, func() { s.Reset() })
	defer stop()
	if err := writeRequest(s, msg); err != nil {
		s.Reset()
		return reply{}, ctxErr(ctx, err)
	}
	var r reply
	if err := newMessageReader(s).nextJSON(maxReplyBytes, &r); err != nil {
		s.Reset()
		return reply{}, fmt.Errorf("read auctioneer's reply: %w", ctxErr(ctx, err))
	}
	s.Close()
	return r, nil
}

// openStream opens a stream to p, finding p's addresses in the DHT when
// the node has none. A lookup that fails because the node's routing table
// is still empty (it has just started) or does not find p yet is retried
// until ctx is done.
func (n *Node) openStream(ctx context.Context, p peer.ID, proto protocol.ID) (network.Stream, error) {
	// A peer behind NAT may be reachable only through a relay.
	ctx = network.WithAllowLimitedConn(ctx, "tender market")
	wait := 50 * time.Millisecond
	for {
		s, err := n.host.NewStream(ctx, p, proto)
		if err == nil || !(errors.Is(err, kb.ErrLookupFailure) || errors.Is(err, routing.ErrNotFound)) {
			return s, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
		wait = min(2*wait, time.Second)
	}
}
