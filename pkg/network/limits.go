package network

import (
	"context"
	"fmt"
	"maps"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"

	"github.com/tender-market/tender/pkg/auction"
)

// Stream protocols of the market. The version is part of the ID: a node
// that speaks another version does not negotiate the stream.
const (
	ProtocolBid        protocol.ID = "/tender/bid/1.0.0"
	ProtocolNoBid      protocol.ID = "/tender/nobid/1.0.0"
	ProtocolOrdersSync protocol.ID = "/tender/orders/sync/1.0.0"
	// ProtocolTranscriptsSync hands a peer the transcripts it missed.
	ProtocolTranscriptsSync protocol.ID = "/tender/transcripts/sync/1.0.0"
	ProtocolLease           protocol.ID = "/tender/lease/1.0.0"
	// ProtocolForward carries one TCP connection to a lease's service
	// (see forward.go).
	ProtocolForward protocol.ID = "/tender/forward/1.0.0"

	// dhtPrefix keeps the market's DHT apart from the public IPFS one.
	dhtPrefix protocol.ID = "/tender"
	// serviceName is the resource-manager service of every market stream.
	serviceName = "tender.market"
)

// topicVersion is the version of the gossip topics' messages; it is part of
// every topic's name.
const topicVersion = 1

// OrdersTopic is the GossipSub topic of the market's orders: versioned, and
// bound to one deployment (chain and escrow contract).
func OrdersTopic(d auction.Domain) string { return marketName("orders", d) }

// ResultsTopic is the GossipSub topic of auction transcripts.
func ResultsTopic(d auction.Domain) string { return marketName("results", d) }

// Rendezvous is the DHT namespace under which market nodes advertise
// themselves and find each other.
func Rendezvous(d auction.Domain) string { return marketName("market", d) }

func marketName(what string, d auction.Domain) string {
	return fmt.Sprintf("/tender/%s/%d/%d/%s", what, topicVersion, d.ChainID, strings.ToLower(d.Escrow.Hex()))
}

// Memory a handler reserves from its stream's scope: the largest message it
// reads plus the read buffer.
const (
	bidStreamMem   = auction.MaxBidBytes + smallBufSize + maxReplyBytes
	noBidStreamMem = auction.MaxNoBidBytes + smallBufSize + maxReplyBytes
	syncStreamMem  = max(auction.MaxOrderBytes, maxSyncOrders*32) + readBufSize
	// transcriptSyncStreamMem: a transcript sync stream reads a request or
	// one transcript at a time.
	transcriptSyncStreamMem = max(1+auction.MaxTranscriptBytes, MaxTranscriptRequest*32) + readBufSize
	leaseStreamMem          = 2*chunkMem + maxSecretsBytes
)

// protocolLimits are the streams of each market protocol a node takes
// at once, from all peers and from one, and the memory each stream may
// hold.
var protocolLimits = []struct {
	id        protocol.ID
	total     int // inbound streams from all peers
	perPeer   int // inbound streams from one peer
	streamMem int
}{
	{ProtocolBid, 512, 4, bidStreamMem},
	{ProtocolNoBid, 512, 4, noBidStreamMem},
	{ProtocolOrdersSync, 64, 2, syncStreamMem},
	{ProtocolTranscriptsSync, 16, 1, transcriptSyncStreamMem},
	{ProtocolLease, 128, 16, leaseStreamMem},
	{ProtocolForward, 1024, 256, forwardStreamMem},
}

// newResourceManager returns libp2p's default limits scaled to the machine,
// plus limits for the market's protocols: a peer may hold a few bid and sync
// streams at once and more lease streams, and all market streams together
// have a memory budget.
func newResourceManager() (network.ResourceManager, error) {
	limits := rcmgr.DefaultLimits
	limits.ServiceLimits = maps.Clone(limits.ServiceLimits)
	limits.ServicePeerLimits = maps.Clone(limits.ServicePeerLimits)
	limits.ProtocolLimits = maps.Clone(limits.ProtocolLimits)
	limits.ProtocolPeerLimits = maps.Clone(limits.ProtocolPeerLimits)
	limits.PeerLimits = maps.Clone(limits.PeerLimits)
	libp2p.SetDefaultServiceLimits(&limits)

	limits.AddServiceLimit(serviceName,
		rcmgr.BaseLimit{StreamsInbound: 1024, StreamsOutbound: 1024, Streams: 2048, Memory: 256 << 20},
		rcmgr.BaseLimitIncrease{StreamsInbound: 256, StreamsOutbound: 256, Streams: 512, Memory: 64 << 20})
	// A tenant's forwards are most of what one peer may hold; each
	// protocol keeps its own share below this (protocolLimits).
	limits.AddServicePeerLimit(serviceName,
		rcmgr.BaseLimit{StreamsInbound: 288, StreamsOutbound: 288, Streams: 576, Memory: 32 << 20},
		rcmgr.BaseLimitIncrease{})
	for _, p := range protocolLimits {
		limits.AddProtocolLimit(p.id,
			rcmgr.BaseLimit{StreamsInbound: p.total, StreamsOutbound: p.total, Streams: 2 * p.total, Memory: int64(2 * p.total * p.streamMem)},
			rcmgr.BaseLimitIncrease{})
		limits.AddProtocolPeerLimit(p.id,
			rcmgr.BaseLimit{StreamsInbound: p.perPeer, StreamsOutbound: p.perPeer, Streams: 2 * p.perPeer, Memory: int64(2 * p.perPeer * p.streamMem)},
			rcmgr.BaseLimitIncrease{})
	}
	rm, err := rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(limits.AutoScale()), rcmgr.WithMetricsDisabled())
	if err != nil {
		return nil, fmt.Errorf("resource manager: %w", err)
	}
	return rm, nil
}

// Peer-score thresholds. A peer below gossipThreshold gets no gossip from us
// and its gossip is ignored; below publishThreshold we do not publish to it;
// below graylistThreshold all its messages are dropped unread.
const (
	gossipThreshold    = -500
	publishThreshold   = -1000
	graylistThreshold  = -2500
	acceptPXThreshold  = 10
	opportunisticGraft = 5
	// bootstrapScore is the application score of a bootstrap peer: enough to
	// accept its peer exchange.
	bootstrapScore = 10
	// invalidWeight is the score of one invalid message on a market topic;
	// n invalid messages weigh n*n times as much.
	invalidWeight = -100
)

// scoreParams turns peer scoring on for the market's topics. A peer gains a
// little for time in the mesh and first deliveries of valid messages, and
// loses heavily (quadratically) for invalid ones, which decay over an hour:
// three invalid orders drop it below the gossip threshold, five into the
// graylist. appScore is the application's own score of a peer.
func scoreParams(topics []string, appScore func(peer.ID) float64) (*pubsub.PeerScoreParams, *pubsub.PeerScoreThresholds) {
	tp := &pubsub.TopicScoreParams{
		TopicWeight:                    1,
		TimeInMeshWeight:               0.01,
		TimeInMeshQuantum:              time.Second,
		TimeInMeshCap:                  100,
		FirstMessageDeliveriesWeight:   1,
		FirstMessageDeliveriesDecay:    pubsub.ScoreParameterDecay(10 * time.Minute),
		FirstMessageDeliveriesCap:      20,
		InvalidMessageDeliveriesWeight: invalidWeight,
		InvalidMessageDeliveriesDecay:  pubsub.ScoreParameterDecay(time.Hour),
	}
	params := &pubsub.PeerScoreParams{
		Topics:            make(map[string]*pubsub.TopicScoreParams, len(topics)),
		TopicScoreCap:     50,
		AppSpecificScore:  appScore,
		AppSpecificWeight: 1,
		// Many peers behind one address are suspect, except on loopback,
		// where they are a test or a local market.
		IPColocationFactorWeight:    -10,
		IPColocationFactorThreshold: 8,
		IPColocationFactorWhitelist: []*net.IPNet{
			{IP: net.IPv4(127, 0, 0, 0), Mask: net.CIDRMask(8, 32)},
			{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)},
		},
		BehaviourPenaltyWeight:    -10,
		BehaviourPenaltyThreshold: 6,
		BehaviourPenaltyDecay:     pubsub.ScoreParameterDecay(10 * time.Minute),
		DecayInterval:             time.Second,
		DecayToZero:               0.01,
		RetainScore:               10 * time.Minute,
	}
	for _, t := range topics {
		params.Topics[t] = tp
	}
	thresholds := &pubsub.PeerScoreThresholds{
		GossipThreshold:             gossipThreshold,
		PublishThreshold:            publishThreshold,
		GraylistThreshold:           graylistThreshold,
		AcceptPXThreshold:           acceptPXThreshold,
		OpportunisticGraftThreshold: opportunisticGraft,
	}
	return params, thresholds
}

// maxGossipBytes is the largest gossip message: a transcript at its cap,
// plus room for the envelope.
const maxGossipBytes = auction.MaxTranscriptBytes + 64<<10

// mdnsService is the DNS-SD service type market nodes announce on a LAN.
const mdnsService = "_tender._udp"

// perPeerStreams is how many streams of proto a market node takes from one
// peer at once; 0 when it does not limit them.
func perPeerStreams(proto protocol.ID) int {
	for _, p := range protocolLimits {
		if p.id == proto {
			return p.perPeer
		}
	}
	return 0
}

// requestSlots hold a node's requests to one peer on one protocol to
// perPeerStreams at once: the node's own resource manager refuses more,
// and so would the peer's.
type requestSlots struct {
	mu    sync.Mutex
	slots map[requestKey]*requestSlot
}

type requestKey struct {
	peer  peer.ID
	proto protocol.ID
}

type requestSlot struct {
	free  chan struct{} // one token per request under way
	users int           // requests under way or waiting
}

// acquire waits for a slot for a request to p on proto, or for ctx; done
// gives it back.
func (r *requestSlots) acquire(ctx context.Context, p peer.ID, proto protocol.ID) (done func(), err error) {
	limit := perPeerStreams(proto)
	if limit == 0 {
		return func() {}, nil
	}
	key := requestKey{p, proto}
	r.mu.Lock()
	if r.slots == nil {
		r.slots = map[requestKey]*requestSlot{}
	}
	s := r.slots[key]
	if s == nil {
		s = &requestSlot{free: make(chan struct{}, limit)}
		r.slots[key] = s
	}
	s.users++
	r.mu.Unlock()
	leave := func() {
		r.mu.Lock()
		if s.users--; s.users == 0 {
			delete(r.slots, key)
		}
		r.mu.Unlock()
	}
	select {
	case s.free <- struct{}{}:
		return func() { <-s.free; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, context.Cause(ctx)
	}
}
