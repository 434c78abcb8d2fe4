// Package tenant is the ML engineer's side of the market: everything a
// tenant does with its jobs and leases, each call returning data for the
// caller to show.
//
//   - Submit signs and publishes a job's order, serves its sealed-bid
//     auction as the auctioneer, closes the window and publishes the
//     transcript, opens the lease in escrow, hands the winner the job's
//     input and secrets, follows status and logs until the lease settles,
//     and downloads /output checked against the hash on chain.
//   - Find looks a lease up (the record Submit keeps, else the chain); then
//     Status, Logs, Results, Cancel, TopUp and Reclaim act on it.
//
// The Client depends on small interfaces of its own: Escrow (a
// *lease.Client), Market and LeaseConn (a libp2p node, through OnNode).
// Reaching the provider is retried by one policy (reach); downloads go
// through one path (download) that resumes only from FILE.partial and
// renames it to FILE once its SHA-256 matches the chain.
package tenant

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
)

// Market is what a tenant needs from its market node (OnNode makes one of
// a *network.Node).
type Market interface {
	ID() peer.ID
	// OrderPeers are the peers known to take orders: an order published
	// reaches them.
	OrderPeers() []peer.ID
	PublishOrder(ctx context.Context, so auction.SignedOrder) error
	ServeAuction(a *auction.Auction, onBid func(network.BidReceipt)) (Auctioneer, error)
	// Lease is the tenant's line to its lease at provider (its peer ID and
	// any addresses known for it).
	Lease(provider peer.AddrInfo, leaseID common.Hash, tenant auction.Signer) LeaseConn
	PeerAddrs(p peer.ID) []ma.Multiaddr
}

// Auctioneer serves one auction (*network.Auctioneer).
type Auctioneer interface {
	// Close ends the bid window and publishes the signed transcript.
	Close(ctx context.Context, closedAt time.Time, auctioneer auction.Signer) (auction.Transcript, error)
	// NoBids are the providers' signed reasons for not bidding.
	NoBids() []auction.SignedNoBid
	// Stop stops serving the auction.
	Stop()
}

// LeaseConn reaches one lease at its provider (*network.LeaseClient).
type LeaseConn interface {
	PutAward(ctx context.Context, award auction.SignedAward) error
	PutSecrets(ctx context.Context, secrets map[string]string) error
	PutInput(ctx context.Context, size int64, r io.Reader) (int64, error)
	Status(ctx context.Context) (network.LeaseStatus, error)
	Logs(ctx context.Context, follow bool, w io.Writer) error
	DownloadOutput(ctx context.Context, dst io.ReadWriteSeeker) (network.OutputInfo, error)
	Cancel(ctx context.Context) error
	Exec(ctx context.Context, cmd []string, w io.Writer) (int, error)
	Shell(ctx context.Context, cmd []string, size network.TermSize, stdin io.Reader, out io.Writer, resize <-chan network.TermSize) (int, error)
	ServeForward(ctx context.Context, l net.Listener, port uint16, refused func(error)) error
}

// Escrow is what a tenant needs from the escrow (*lease.Client).
type Escrow interface {
	Open(ctx context.Context, auth *bind.TransactOpts, order *auction.Order, bid *auction.SignedBid, deposit *big.Int) (common.Hash, *lease.Receipt, error)
	Award(ctx context.Context, s auction.Signer, order *auction.Order, bid *auction.SignedBid, deposit *big.Int, deadline uint64) (auction.SignedAward, error)
	AwardUnderPermit(ctx context.Context, s auction.Signer, order *auction.Order, bid *auction.SignedBid, deposit *big.Int, deadline uint64, permit auction.Permit) (auction.SignedAward, error)
	SignPermit(ctx context.Context, s auction.Signer, value *big.Int, deadline uint64) (auction.Permit, error)
	BlockNumber(ctx context.Context) (uint64, error)
	GasBalance(ctx context.Context, account common.Address) (*big.Int, error)
	Lease(ctx context.Context, id common.Hash) (lease.Lease, error)
	History(ctx context.Context, id common.Hash, from uint64) ([]lease.Event, error)
	Opening(ctx context.Context, id common.Hash, from uint64) (lease.Terms, uint64, error)
	Accrued(ctx context.Context, id common.Hash, t lease.Terms) (*big.Int, bool, error)
	StartDeadline(l lease.Lease) uint64
	Close(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t lease.Terms, exitCode lease.ExitCode, resultHash common.Hash) (*lease.Receipt, error)
	TopUp(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t lease.Terms, amount *big.Int) (*lease.Receipt, error)
	Reclaim(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t lease.Terms) (*lease.Receipt, error)
	Settle(ctx context.Context, auth *bind.TransactOpts, orderHash common.Hash, from uint64) (*lease.Receipt, error)
	Watch(ctx context.Context, opts lease.WatchOptions, handle func(lease.Event) error) error
	NextBlockTime(ctx context.Context) (uint64, error)
}

var _ Escrow = (*lease.Client)(nil)

// Config says who the tenant is and through what it reaches the market.
// Only Domain and Escrow are required: without Signer and Auth the client
// only reads (Status); without Market it cannot reach providers (no Submit,
// Logs or Results; Status without the job; Cancel straight on chain).
type Config struct {
	Domain auction.Domain
	Escrow Escrow
	Market Market
	Signer auction.Signer
	Auth   *bind.TransactOpts
	// Reputation, when set, scores the bidders once the bid window
	// closes: a bid from a provider below the job's minReputation cannot
	// win, and the auction breaks price ties by the higher score. When it
	// fails, or is nil, every bidder scores 0 and ties go by arrival (and
	// no bid passes a floor: Submit refuses a job with minReputation when
	// it is nil). It is given at most 5 s: it never holds a job up.
	Reputation Reputation
	// Records, when set, keeps a record of each lease, saved before the
	// lease is opened on chain, and Find reads them.
	Records *LeaseDir
	// DeployedAt is the escrow's deployment block: a lease with no record
	// is looked up on chain from there.
	DeployedAt uint64
	// LeaseWindow is how long after the bid window the order stays valid
	// for opening its lease. Default 10m.
	LeaseWindow time.Duration
	// PollInterval is how often status and escrow events are polled.
	// Default 2s.
	PollInterval time.Duration
	// PeerTimeout is how long to keep trying to reach a provider that
	// cannot be reached or does not serve the lease yet, and, before
	// publishing an order, to wait for a first market peer. Default 30s.
	PeerTimeout time.Duration
	// CancelGrace is how long Cancel lets the provider stop the job and
	// close the lease with its output before closing it on chain without.
	// Default 1m.
	CancelGrace time.Duration
	Logger      *slog.Logger
	Now         func() time.Time
	// Rand is the randomness that picks which spot-checked orders run a
	// second replica. Default crypto/rand.Reader.
	Rand io.Reader
}

// Client is a tenant on the market.
type Client struct {
	cfg Config
	log *slog.Logger
}

// Errors a tenant's calls return, besides those of the packages below.
var (
	// ErrNoKey: the call signs or pays, and the client has no key.
	ErrNoKey = errors.New("the account's key is needed (--key-file, TENDER_KEY or --dev-account)")
	// ErrNoMarket: the call reaches a provider, and the client has no
	// market node.
	ErrNoMarket = errors.New("no market node to reach the provider through")
	// ErrNotTenant: the key is not the lease's tenant's.
	ErrNotTenant = errors.New("the lease belongs to another tenant")
	// ErrUnknownProvider: the lease's provider peer is not known here.
	ErrUnknownProvider = errors.New("the provider's peer is unknown here: name it with --provider-peer")
	// ErrSettled: the lease is settled on chain; nothing can change it.
	ErrSettled = errors.New("the lease is settled")
	// ErrNoResult: the lease closed without a result to download.
	ErrNoResult = errors.New("the lease closed with no result")
)

// New checks cfg.
func New(cfg Config) (*Client, error) {
	switch {
	case cfg.Escrow == nil:
		return nil, errors.New("tenant: Escrow is required")
	case (cfg.Signer == nil) != (cfg.Auth == nil):
		return nil, errors.New("tenant: Signer and Auth go together")
	case cfg.Auth != nil && cfg.Auth.From != cfg.Signer.Address():
		return nil, fmt.Errorf("tenant: transactions from %s but orders signed by %s", cfg.Auth.From.Hex(), cfg.Signer.Address().Hex())
	}
	if cfg.LeaseWindow <= 0 {
		cfg.LeaseWindow = 10 * time.Minute
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 2 * time.Second
	}
	if cfg.PeerTimeout <= 0 {
		cfg.PeerTimeout = 30 * time.Second
	}
	if cfg.CancelGrace <= 0 {
		cfg.CancelGrace = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	return &Client{cfg: cfg, log: cfg.Logger}, nil
}

// needKey fails without a key.
func (c *Client) needKey() error {
	if c.cfg.Signer == nil {
		return ErrNoKey
	}
	return nil
}

// needMarket fails without a key or a market node.
func (c *Client) needMarket() error {
	if err := c.needKey(); err != nil {
		return err
	}
	if c.cfg.Market == nil {
		return ErrNoMarket
	}
	return nil
}

// reach runs f until it succeeds, fails for a reason trying again cannot
// mend, or PeerTimeout passes: the one retry policy for reaching a
// provider. It tries again while the provider cannot be reached (the node
// is still finding it) or does not serve the lease yet (it has not seen
// the lease open on chain), waiting 200 ms, then twice as long each time,
// up to 2 s.
func (c *Client) reach(ctx context.Context, f func(ctx context.Context) error) error {
	deadline := c.cfg.Now().Add(c.cfg.PeerTimeout)
	delay := 200 * time.Millisecond
	for {
		err := f(ctx)
		if err == nil || !retryable(err) || ctx.Err() != nil || !c.cfg.Now().Add(delay).Before(deadline) {
			return err
		}
		c.log.Debug("provider not reached yet; trying again", "in", delay, "err", err)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		delay = min(2*delay, 2*time.Second)
	}
}

func retryable(err error) bool {
	return errors.Is(err, network.ErrLeaseNotServed) || errors.Is(err, network.ErrUnreachable)
}

// OnNode is the market through a libp2p node.
func OnNode(n *network.Node) Market { return node{n} }

type node struct{ *network.Node }

func (n node) ServeAuction(a *auction.Auction, onBid func(network.BidReceipt)) (Auctioneer, error) {
	s, err := n.Node.ServeAuction(a, onBid)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (n node) Lease(provider peer.AddrInfo, leaseID common.Hash, tenant auction.Signer) LeaseConn {
	return n.Node.Lease(provider, leaseID, tenant)
}

var _ Market = node{}
