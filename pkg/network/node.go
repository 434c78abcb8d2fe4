package network

import (
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	libp2ptls "github.com/libp2p/go-libp2p/p2p/security/tls"

	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	routedhost "github.com/libp2p/go-libp2p/p2p/host/routed"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/metrics"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/peerstore"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/core/routing"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"
	"github.com/libp2p/go-libp2p/p2p/host/eventbus"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/tender-market/tender/pkg/auction"
)

// Config says how a node joins the market. Only Domain is required.
type Config struct {
	// Domain is the market's deployment (chain and escrow). It names the
	// gossip topics and the DHT rendezvous, and checks every signature.
	Domain auction.Domain
	// KeyFile keeps the node's libp2p identity; it is created (mode 0600)
	// when missing. Empty gives the node a new identity on every start.
	// One running node at a time holds it (a lock beside it, KeyFile.lock):
	// two nodes with one identity would take each other's streams.
	KeyFile string
	// PeersFile keeps the market peers the node has been connected to (at
	// most 64, one multiaddr a line), so that a restarted node finds its
	// way back into the market through any of them, with or without its
	// bootstrap peers. Empty keeps none.
	PeersFile string
	// ListenAddrs are the multiaddrs to listen on. Empty listens on TCP and
	// QUIC port 4001 on every interface.
	ListenAddrs []string
	// NoListen listens nowhere: others reach the node only through a
	// relay, as they do a node behind NAT.
	NoListen bool
	// BandwidthReporter, when set, counts the bytes the node sends and
	// receives (benchmarks).
	BandwidthReporter metrics.Reporter
	// AnnounceAddrs, when set, are the addresses the node tells others to
	// dial instead of those it listens on: a public address or DNS name
	// forwarded to it (/dns4/relay.example.com/tcp/4001).
	AnnounceAddrs []string
	// RelayService offers circuit relay v2 (within RelayLimits) and
	// AutoNAT's dial-back to peers behind NAT: for a broker, or a public
	// provider that opts in. Such a node is public unless Reachability
	// says otherwise.
	RelayService bool
	// Relays are the relays a node behind NAT reserves a slot on and
	// advertises (besides its bootstrap peers, which are always tried).
	Relays []peer.AddrInfo
	// Reachability overrides AutoNAT: ReachabilityPrivate (behind NAT:
	// take relay slots at once), ReachabilityPublic, or "" to learn it.
	Reachability Reachability
	// Bootstrap peers are dialed at start and re-dialed every
	// BootstrapInterval while disconnected; the connection manager keeps
	// their connections, and their peer exchange is trusted. A node that
	// loses every peer re-dials all the market peers it knows, backing
	// off up to four BootstrapIntervals.
	Bootstrap []peer.AddrInfo
	// ConnLow and ConnHigh are the connection manager's water marks: above
	// ConnHigh connections it trims back to ConnLow. Defaults 64 and 256.
	ConnLow, ConnHigh int
	// MDNS finds market peers on the local network by multicast DNS. Off by
	// default.
	MDNS bool
	// DHTClient runs the DHT in client mode, for a node others cannot dial
	// (a tenant behind NAT). By default the node serves the DHT.
	DHTClient bool
	// Now is the clock orders, bids and windows are judged by. Default
	// time.Now.
	Now func() time.Time
	// Logger gets the node's logs. Default: discard.
	Logger *slog.Logger

	// BootstrapInterval is how often disconnected bootstrap peers are
	// re-dialed. Default 30s.
	BootstrapInterval time.Duration
	// DiscoveryInterval is how often the node advertises itself and looks
	// for market peers in the DHT. Default 1m.
	DiscoveryInterval time.Duration
	// StreamTimeout bounds every request/response stream (bids, no-bids,
	// order sync, lease handshakes). Default 30s.
	StreamTimeout time.Duration
	// HandshakeTimeout is how long a lease stream's opener has to answer
	// the access challenge: a stranger cannot hold a stream long without
	// proving it is a tenant. Default 5s.
	HandshakeTimeout time.Duration
	// LeaseIdleTimeout is how long a lease data stream (input, logs,
	// output) may go without a message. Default 1m.
	LeaseIdleTimeout time.Duration
	// ForwardIdleTimeout is how long a forward (a tenant's connection to a
	// lease's service) may carry nothing either way before it is reset.
	// Default 15m.
	ForwardIdleTimeout time.Duration
	// MaxOpenOrders caps the orders a node keeps for late joiners and for
	// spotting duplicates. Default 4096.
	MaxOpenOrders int
	// ScoreInterval is how often the node refreshes its copy of the peer
	// scores (see PeerScore). Default 10s.
	ScoreInterval time.Duration
	// KeptTranscriptBytes caps the transcripts a node keeps for peers that
	// missed them (transcript sync). Default 8 MiB.
	KeptTranscriptBytes int

	// newHost, when set, makes the node's host instead of TCP and QUIC
	// listeners (tests: a libp2p mock network, a whole market in one
	// process without sockets); the node adds its DHT and routing.
	newHost func(key crypto.PrivKey) (host.Host, error)
}

func (c Config) withDefaults() Config {
	if len(c.ListenAddrs) == 0 {
		c.ListenAddrs = []string{"/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1"}
	}
	if c.ConnLow <= 0 {
		c.ConnLow = 64
	}
	if c.ConnHigh <= c.ConnLow {
		c.ConnHigh = max(256, 2*c.ConnLow)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	setDefault(&c.BootstrapInterval, 30*time.Second)
	setDefault(&c.DiscoveryInterval, time.Minute)
	setDefault(&c.StreamTimeout, 30*time.Second)
	setDefault(&c.LeaseIdleTimeout, time.Minute)
	setDefault(&c.HandshakeTimeout, 5*time.Second)
	setDefault(&c.ForwardIdleTimeout, 15*time.Minute)
	setDefault(&c.ScoreInterval, 10*time.Second)
	if c.MaxOpenOrders <= 0 {
		c.MaxOpenOrders = 4096
	}
	if c.KeptTranscriptBytes <= 0 {
		c.KeptTranscriptBytes = 8 << 20
	}
	return c
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

// Node is a market peer: a libp2p host with the market's DHT, gossip topics
// and stream protocols. Providers, tenants and brokers each run one.
type Node struct {
	cfg    Config
	domain auction.Domain
	log    *slog.Logger
	now    func() time.Time

	host    host.Host
	dht     *dht.IpfsDHT
	ps      *pubsub.PubSub
	orders  *pubsub.Topic
	results *pubsub.Topic
	nobids  *pubsub.Topic
	mdns    mdns.Service
	// mdnsFound carries peers mDNS found to the discovery loop.
	mdnsFound chan peer.AddrInfo
	// grafts carries peers that joined the orders mesh to the sync loop.
	grafts chan peer.ID

	bootstrap map[peer.ID]bool
	known     knownPeers
	// metPeer is set once the node has identified a market peer, however
	// briefly it stayed: keepConnected only samples the connections.
	metPeer atomic.Bool
	// keyLock holds the identity's lock while the node runs.
	keyLock *os.File

	store       *orderStore
	orderFeed   *feed[auction.VerifiedOrder]
	resultFeed  *feed[VerifiedTranscript]
	seenResults *seenSet
	noBidFeed   *feed[auction.SignedNoBid]
	seenNoBids  *seenSet
	kept        *keptTranscripts

	auctionsMu sync.Mutex
	auctions   map[common.Hash]*Auctioneer

	// requests queues the node's requests to one peer on one protocol to
	// as many at once as a market node takes from one peer (request).
	requests requestSlots

	leaseMu   sync.Mutex
	leaseHost LeaseHost
	// handshakes are the lease streams whose opener has not yet proved
	// who it is.
	handshakes handshakes
	// shellKeepalive, when set (tests), learns of each keepalive a
	// tenant's shell input carries.
	shellKeepalive func()

	scoresMu sync.Mutex
	scores   map[peer.ID]float64

	mu        sync.Mutex
	closed    bool
	wg        sync.WaitGroup
	cancel    context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// ErrClosed is returned by a node that has been closed.
var ErrClosed = errors.New("network node closed")

// New starts a market node: it listens, joins the DHT and the gossip
// topics, serves the market's stream protocols, dials the bootstrap peers
// and starts advertising and discovering market peers. ctx bounds the start
// only; Close stops the node.
func New(ctx context.Context, cfg Config) (*Node, error) {
	cfg = cfg.withDefaults()
	if cfg.Domain.ChainID == 0 || cfg.Domain.Escrow == (common.Address{}) {
		return nil, errors.New("network: the config names no market (Domain needs a chain ID and an escrow address)")
	}
	var (
		key crypto.PrivKey
		err error
	)
	var keyLock *os.File
	if cfg.KeyFile != "" {
		if keyLock, err = lockIdentity(cfg.KeyFile); err != nil {
			return nil, err
		}
		key, err = LoadIdentity(cfg.KeyFile, cfg.Logger)
	} else {
		key, _, err = crypto.GenerateEd25519Key(rand.Reader)
	}
	if err != nil {
		if keyLock != nil {
			keyLock.Close()
		}
		return nil, err
	}
	n := &Node{
		cfg:         cfg,
		domain:      cfg.Domain,
		log:         cfg.Logger,
		now:         cfg.Now,
		bootstrap:   make(map[peer.ID]bool, len(cfg.Bootstrap)),
		store:       newOrderStore(cfg.MaxOpenOrders),
		seenResults: newSeenSet(4096),
		seenNoBids:  newSeenSet(16384),
		kept:        newKeptTranscripts(cfg.KeptTranscriptBytes),
		auctions:    make(map[common.Hash]*Auctioneer),
		scores:      make(map[peer.ID]float64),
		done:        make(chan struct{}),
		mdnsFound:   make(chan peer.AddrInfo, 64),
		grafts:      make(chan peer.ID, 256),
		keyLock:     keyLock,
	}
	n.orderFeed = newFeed[auction.VerifiedOrder]("orders", n.log)
	n.resultFeed = newFeed[VerifiedTranscript]("transcripts", n.log)
	n.noBidFeed = newFeed[auction.SignedNoBid]("no-bids", n.log)
	for _, b := range cfg.Bootstrap {
		n.bootstrap[b.ID] = true
	}
	if err := n.startHost(key); err != nil {
		n.Close()
		return nil, err
	}
	// The node's lifetime: it keeps ctx's values, not its cancellation.
	life, cancel := context.WithCancel(context.WithoutCancel(ctx))
	n.cancel = cancel
	if err := n.startPubSub(life); err != nil {
		n.Close()
		return nil, err
	}
	n.serve(life)
	if err := n.startLoops(life); err != nil {
		n.Close()
		return nil, err
	}
	n.log.Info("market node started", "peer", n.host.ID(), "addrs", n.host.Addrs())
	return n, nil
}

// startHost starts the node's libp2p host and DHT, and tells it its
// bootstrap peers.
func (n *Node) startHost(key crypto.PrivKey) error {
	mode := dht.ModeServer
	if n.cfg.DHTClient {
		mode = dht.ModeClient
	}
	newDHT := func(h host.Host) (*dht.IpfsDHT, error) {
		return dht.New(h, dht.Mode(mode), dht.ProtocolPrefix(dhtPrefix), dht.DisableValues())
	}
	start := n.startLibp2pHost
	if n.cfg.newHost != nil {
		start = n.startGivenHost
	}
	if err := start(key, newDHT); err != nil {
		return err
	}
	for _, b := range n.cfg.Bootstrap {
		n.host.Peerstore().AddAddrs(b.ID, b.Addrs, peerstore.PermanentAddrTTL)
		n.host.ConnManager().Protect(b.ID, "tender-bootstrap")
	}
	return nil
}

// startLibp2pHost starts a host listening on TCP and QUIC, with the
// node's connection and resource managers, NAT traversal and newDHT's
// routing.
func (n *Node) startLibp2pHost(key crypto.PrivKey, newDHT func(host.Host) (*dht.IpfsDHT, error)) error {
	announce, err := parseAddrs(n.cfg.AnnounceAddrs)
	if err != nil {
		return err
	}
	cm, err := connmgr.NewConnManager(n.cfg.ConnLow, n.cfg.ConnHigh, connmgr.WithGracePeriod(time.Minute))
	if err != nil {
		return fmt.Errorf("connection manager: %w", err)
	}
	rm, err := newResourceManager()
	if err != nil {
		cm.Close()
		return err
	}
	var kad *dht.IpfsDHT
	opts := []libp2p.Option{
		libp2p.Identity(key),
		libp2p.ListenAddrStrings(n.cfg.ListenAddrs...),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Transport(quic.NewTransport),
		libp2p.Security(libp2ptls.ID, newCoalescingTLS),
		libp2p.Security(noise.ID, noise.New),
		libp2p.SwarmOpts(swarm.WithDialRanker(tcpFirst)),
		libp2p.ConnectionManager(cm),
		libp2p.ResourceManager(rm),
		libp2p.DisableMetrics(),
		libp2p.UserAgent("tender"),
		libp2p.Routing(func(h host.Host) (routing.PeerRouting, error) {
			var err error
			kad, err = newDHT(h)
			return kad, err
		}),
	}
	if n.cfg.NoListen {
		opts = append(opts, libp2p.NoListenAddrs)
	}
	if n.cfg.BandwidthReporter != nil {
		opts = append(opts, libp2p.BandwidthReporter(n.cfg.BandwidthReporter))
	}
	if len(announce) > 0 {
		opts = append(opts, libp2p.AddrsFactory(func([]ma.Multiaddr) []ma.Multiaddr { return slices.Clone(announce) }))
	}
	h, err := libp2p.New(append(opts, n.natOptions()...)...)
	if err != nil {
		if kad != nil {
			kad.Close()
		}
		return fmt.Errorf("start libp2p host: %w", err)
	}
	n.host, n.dht = h, kad
	return nil
}

// startGivenHost starts the node on the host cfg.newHost makes, with
// newDHT's routing, as libp2p.New would.
func (n *Node) startGivenHost(key crypto.PrivKey, newDHT func(host.Host) (*dht.IpfsDHT, error)) error {
	h, err := n.cfg.newHost(key)
	if err != nil {
		return fmt.Errorf("start libp2p host: %w", err)
	}
	kad, err := newDHT(h)
	if err != nil {
		h.Close()
		return fmt.Errorf("DHT: %w", err)
	}
	n.host, n.dht = routedhost.Wrap(h, kad), kad
	return nil
}

// gossipParams are GossipSub's defaults but for gossip (IHAVE), which goes
// to D_lazy peers outside the mesh each heartbeat however many peers the
// node has. By default it goes to a quarter of them when that is more, so
// a node's gossip grew with its connections (up to ConnHigh) and so with
// the market: at 1,000 providers a node sent 17,810 bytes an order, 7,026
// with this (BenchmarkMarketScaleMock, README).
func gossipParams() pubsub.GossipSubParams {
	p := pubsub.DefaultGossipSubParams()
	p.GossipFactor = 0
	return p
}

func (n *Node) startPubSub(life context.Context) error {
	topics := []string{OrdersTopic(n.domain), ResultsTopic(n.domain), NoBidsTopic(n.domain)}
	params, thresholds := scoreParams(topics, n.appScore)
	ps, err := pubsub.NewGossipSub(life, n.host,
		pubsub.WithLogger(n.log),
		pubsub.WithGossipSubParams(gossipParams()),
		// Orders and transcripts carry their authors' EIP-712 signatures,
		// so gossip adds none (and checks none per hop); messages are
		// named by their content. As the pubsub spec's StrictNoSign
		// requires, a message carries no author, sequence number or key
		// either, and one that does is refused (its relay is penalised).
		pubsub.WithMessageSignaturePolicy(pubsub.StrictNoSign),
		pubsub.WithNoAuthor(),
		pubsub.WithMessageIdFn(contentID),
		pubsub.WithPeerExchange(true),
		pubsub.WithFloodPublish(true),
		pubsub.WithMaxMessageSize(maxGossipBytes),
		pubsub.WithValidateQueueSize(256),
		pubsub.WithPeerScore(params, thresholds),
		pubsub.WithPeerScoreInspect(pubsub.PeerScoreInspectFn(n.keepScores), n.cfg.ScoreInterval),
		pubsub.WithRawTracer(meshTracer{topic: topics[0], grafts: n.grafts}),
	)
	if err != nil {
		return fmt.Errorf("gossipsub: %w", err)
	}
	n.ps = ps
	if n.orders, err = n.joinTopic(topics[0], n.validateOrderMsg); err != nil {
		return err
	}
	if n.results, err = n.joinTopic(topics[1], n.validateTranscriptMsg); err != nil {
		return err
	}
	if n.nobids, err = n.joinTopic(topics[2], n.validateNoBidMsg); err != nil {
		return err
	}
	return nil
}

// joinTopic registers the topic's validator and joins it. Messages are
// named by their content, so the same order relayed by two publishers is
// one message.
func (n *Node) joinTopic(name string, validate pubsub.ValidatorEx) (*pubsub.Topic, error) {
	// Inline: the validator is short and CPU-bound; a goroutine per message
	// would cost more than it.
	if err := n.ps.RegisterTopicValidator(name, validate, pubsub.WithValidatorInline(true)); err != nil {
		return nil, fmt.Errorf("topic %s: %w", name, err)
	}
	t, err := n.ps.Join(name)
	if err != nil {
		return nil, fmt.Errorf("join topic %s: %w", name, err)
	}
	return t, nil
}

func contentID(m *pb.Message) string {
	sum := sha256.Sum256(m.Data)
	return string(sum[:])
}

// serve registers the market's stream handlers. Each handler runs counted
// in wg, with the node's lifetime as its context.
func (n *Node) serve(life context.Context) {
	handlers := []struct {
		id protocol.ID
		h  func(context.Context, network.Stream)
	}{
		{ProtocolBid, n.handleBid},
		{ProtocolNoBid, n.handleNoBid},
		{ProtocolOrdersSync, n.handleSync},
		{ProtocolTranscriptsSync, n.handleTranscriptSync},
		{ProtocolLease, n.handleLease},
		{ProtocolForward, n.handleForward},
	}
	for _, h := range handlers {
		n.host.SetStreamHandler(h.id, func(s network.Stream) {
			if !n.enter() {
				s.Reset()
				return
			}
			defer n.wg.Done()
			h.h(life, s)
		})
	}
}

func (n *Node) startLoops(life context.Context) error {
	subs, err := n.orders.Subscribe()
	if err != nil {
		return fmt.Errorf("subscribe to orders: %w", err)
	}
	subr, err := n.results.Subscribe()
	if err != nil {
		return fmt.Errorf("subscribe to transcripts: %w", err)
	}
	subn, err := n.nobids.Subscribe()
	if err != nil {
		return fmt.Errorf("subscribe to no-bids: %w", err)
	}
	idents, err := n.subscribeIdentified()
	if err != nil {
		return err
	}
	n.wg.Go(func() { n.readOrders(life, subs) })
	n.wg.Go(func() { n.readTranscripts(life, subr) })
	n.wg.Go(func() { n.readNoBids(life, subn) })
	n.wg.Go(func() { n.syncLoop(life, idents) })
	peersSub, err := n.host.EventBus().Subscribe(new(event.EvtPeerIdentificationCompleted), eventbus.BufSize(256), eventbus.Name("tender-known-peers"))
	if err != nil {
		return fmt.Errorf("watch peers: %w", err)
	}
	n.wg.Go(func() { n.watchPeers(life, peersSub) })
	n.wg.Go(func() { n.keepConnected(life) })
	n.wg.Go(func() { n.discoveryLoop(life) })
	if n.cfg.MDNS {
		n.mdns = mdns.NewMdnsService(n.host, mdnsService, mdnsNotifee{found: n.mdnsFound})
		if err := n.mdns.Start(); err != nil {
			return fmt.Errorf("mdns: %w", err)
		}
	}
	return nil
}

// enter counts a goroutine in wg unless the node is closing.
func (n *Node) enter() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return false
	}
	n.wg.Add(1)
	return true
}

// spawn runs f in a goroutine counted in wg, unless the node is closing.
func (n *Node) spawn(f func()) bool {
	if !n.enter() {
		return false
	}
	go func() {
		defer n.wg.Done()
		f()
	}()
	return true
}

// Close stops every goroutine of the node, its DHT and its host, and waits
// for them.
func (n *Node) Close() error {
	n.closeOnce.Do(func() {
		n.mu.Lock()
		n.closed = true
		n.mu.Unlock()
		if n.host != nil {
			for _, id := range []protocol.ID{ProtocolBid, ProtocolNoBid, ProtocolOrdersSync, ProtocolTranscriptsSync, ProtocolLease, ProtocolForward} {
				n.host.RemoveStreamHandler(id)
			}
		}
		if n.host != nil {
			n.notePeers() // kept by keepConnected as it ends
		}
		if n.cancel != nil {
			n.cancel()
		}
		close(n.done)
		var errs []error
		if n.mdns != nil {
			errs = append(errs, n.mdns.Close())
		}
		if n.dht != nil {
			errs = append(errs, n.dht.Close())
		}
		if n.host != nil {
			errs = append(errs, n.host.Close())
		}
		n.wg.Wait()
		if n.keyLock != nil {
			errs = append(errs, n.keyLock.Close())
		}
		if err := errors.Join(errs...); err != nil {
			n.closeErr = fmt.Errorf("close network node: %w", err)
		}
	})
	return n.closeErr
}

// ID is the node's peer ID: what an order names as its auctioneer and a bid
// as its provider's peer.
func (n *Node) ID() peer.ID { return n.host.ID() }

// AddrInfo is the node's peer ID with its listen addresses, as another node
// takes it for a bootstrap peer.
func (n *Node) AddrInfo() peer.AddrInfo {
	return peer.AddrInfo{ID: n.host.ID(), Addrs: n.host.Addrs()}
}

// Addrs are the node's listen addresses with its peer ID (/p2p/...).
func (n *Node) Addrs() []ma.Multiaddr {
	addrs, err := peer.AddrInfoToP2pAddrs(&peer.AddrInfo{ID: n.host.ID(), Addrs: n.host.Addrs()})
	if err != nil {
		return nil
	}
	return addrs
}

// PeerAddrs are the addresses the node knows for p, with p's ID
// (/p2p/...), as a later run takes them for a bootstrap peer.
func (n *Node) PeerAddrs(p peer.ID) []ma.Multiaddr {
	addrs, err := peer.AddrInfoToP2pAddrs(&peer.AddrInfo{ID: p, Addrs: n.host.Peerstore().Addrs(p)})
	if err != nil {
		return nil
	}
	return addrs
}

// Peers are the peers the node is connected to.
func (n *Node) Peers() []peer.ID { return n.host.Network().Peers() }

// OrderPeers are the peers the node knows to take orders: those subscribed
// to the orders topic, whom an order it publishes reaches.
func (n *Node) OrderPeers() []peer.ID { return n.orders.ListPeers() }

// PeerScore is the gossip score the node last computed for p (refreshed
// every ScoreInterval); false if it holds none.
func (n *Node) PeerScore(p peer.ID) (float64, bool) {
	n.scoresMu.Lock()
	defer n.scoresMu.Unlock()
	s, ok := n.scores[p]
	return s, ok
}

func (n *Node) keepScores(scores map[peer.ID]float64) {
	n.scoresMu.Lock()
	defer n.scoresMu.Unlock()
	clear(n.scores)
	for p, s := range scores {
		n.scores[p] = s
	}
}

func (n *Node) appScore(p peer.ID) float64 {
	if n.bootstrap[p] {
		return bootstrapScore
	}
	return 0
}

// bootstrapPeers is the configured bootstrap peers, minus the node itself.
func (n *Node) bootstrapPeers() []peer.AddrInfo {
	return slices.DeleteFunc(slices.Clone(n.cfg.Bootstrap), func(b peer.AddrInfo) bool { return b.ID == n.host.ID() })
}
