// Package broker runs a Tender broker, the market's memory and window: it
// applies the database migrations, follows the escrow contract's events into
// PostgreSQL, joins the market as a libp2p node (a bootstrap peer that
// indexes every valid order and auction transcript and publishes orders
// submitted over HTTP), and serves the HTTP API and the web dashboard. It
// holds no funds and cannot change a signed message.
package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/tender-market/tender/pkg/api"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/indexer"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/store"
)

// Config says what a broker indexes and where it serves.
type Config struct {
	// DatabaseURL is the PostgreSQL index.
	DatabaseURL string
	// Listen is the host:port of the API and dashboard.
	Listen string
	// RPCURL and Escrow are the chain and the market's escrow contract.
	RPCURL string
	Escrow common.Address
	// StartBlock is where indexing starts when the database holds no
	// position; Confirmations how deep an event must be; BlockRange the
	// most blocks one eth_getLogs request covers; PollInterval how often
	// to look for new blocks.
	StartBlock    uint64
	Confirmations uint64
	BlockRange    uint64
	PollInterval  time.Duration
	// TokenDecimals stands in when the token does not say its decimals.
	TokenDecimals *uint8
	// BackfillInterval is how often the broker asks market peers for the
	// transcripts of leases it indexed without one. Default 1m.
	BackfillInterval time.Duration
	// P2PListen are the market node's listen multiaddrs; empty runs no
	// market node (HTTP order submission then answers 503).
	P2PListen    []string
	Bootstrap    []peer.AddrInfo
	IdentityFile string
	// Relay offers circuit relay v2 to market peers behind NAT
	// (network.Config.RelayService); P2PAnnounce are the addresses the
	// node tells peers to dial (network.Config.AnnounceAddrs).
	Relay       bool
	P2PAnnounce []string
	// PeersFile keeps the market peers the node knew (network.Config).
	PeersFile string
	// RateLimit caps each client's requests to the API and dashboard.
	RateLimit api.RateLimit
	Logger    *slog.Logger
	// Ready, when set, is called once the broker serves, with the
	// dashboard's URL and the market node's addresses.
	Ready func(dashboard string, p2p []string)
}

// Run runs the broker until ctx is done: migrations, chain indexer, market
// node, HTTP API and dashboard.
func Run(ctx context.Context, cfg Config) error {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.DatabaseURL == "" {
		return errors.New("no database URL")
	}
	rpcURL, escrowAddr, start, decimals := cfg.RPCURL, cfg.Escrow, cfg.StartBlock, cfg.TokenDecimals

	ec, err := lease.DialRPC(ctx, rpcURL)
	if err != nil {
		return fmt.Errorf("dial %s: %w", rpcURL, err)
	}
	defer ec.Close()
	client, err := lease.New(ctx, ec, escrowAddr, log)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return err
	}
	defer st.Close()

	chainID := client.ChainID()
	cursor := fmt.Sprintf("%s/%s", chainID, escrowAddr.Hex())
	chain, err := indexer.NewChain(client, ec, st, indexer.ChainConfig{
		Name: cursor, StartBlock: start,
		Confirmations: cfg.Confirmations, BlockRange: cfg.BlockRange, PollInterval: cfg.PollInterval, Logger: log,
	})
	if err != nil {
		return err
	}
	var ingesting atomic.Bool
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "tender", Subsystem: "broker", Name: "ingesting",
			Help: "1 while this process holds the ingest lock and indexes the chain; the other brokers on the database wait with 0.",
		}, func() float64 {
			if ingesting.Load() {
				return 1
			}
			return 0
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "tender", Subsystem: "broker", Name: "chain_next_block",
			Help: "The first block whose escrow events are not all indexed yet.",
		}, func() float64 { return float64(chain.NextBlock()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "tender", Subsystem: "broker", Name: "chain_events_indexed_total",
			Help: "Escrow events this process stored (new ones only).",
		}, func() float64 { return float64(chain.Indexed()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "tender", Subsystem: "broker", Name: "chain_rewinds_total",
			Help: "Reorgs deeper than --confirmations this process saw and rolled the index back from.",
		}, func() float64 { return float64(chain.Rewinds()) }))

	token, err := readToken(ctx, client, decimals, log)
	if err != nil {
		return err
	}
	market := indexer.NewMarket(client.Domain(), st, nil, log)
	apiCfg := api.Config{
		Store: st, Ingest: market, Domain: client.Domain(),
		Token: token, Registry: reg, RateLimit: cfg.RateLimit, Logger: log,
	}
	var node *network.Node
	var p2pAddrs []string
	if len(cfg.P2PListen) > 0 {
		if node, p2pAddrs, err = joinMarket(ctx, cfg, client.Domain(), log); err != nil {
			return err
		}
		defer node.Close()
		apiCfg.Publisher = node
	}
	srv, err := api.New(apiCfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Listen, err)
	}
	httpSrv := &http.Server{
		Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String() + "/"
	log.Info("broker serving", "dashboard", url, "api", url+"api/v1", "chain", chainID, "escrow", escrowAddr, "from", start)
	if cfg.Ready != nil {
		cfg.Ready(url, p2pAddrs)
	}

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return ingestChain(gctx, st, cursor, chain, &ingesting, log) })
	if node != nil {
		g.Go(func() error { return ingestMarket(gctx, node, market, log) })
		backfill := indexer.NewBackfill(node, st, market, indexer.BackfillConfig{Interval: cfg.BackfillInterval, Logger: log})
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "tender", Subsystem: "broker", Name: "transcripts_backfilled_total",
			Help: "Auction transcripts this process got from market peers after missing their gossip.",
		}, func() float64 { return float64(backfill.Filled()) }))
		g.Go(func() error {
			backfill.Run(gctx)
			return nil
		})
	}
	g.Go(func() error {
		if err := httpSrv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve %s: %w", ln.Addr(), err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := httpSrv.Shutdown(shutdown); err != nil {
			return fmt.Errorf("stop serving: %w", err)
		}
		return nil
	})
	err = g.Wait()
	log.Info("broker stopped")
	return err
}

// ingestChain indexes the chain while this process holds the ingest lock
// of cursor; several brokers share a database, and one ingests at a time.
// When the lock's session fails, it stops and waits for the lock again.
func ingestChain(ctx context.Context, st *store.Store, cursor string, chain *indexer.Chain, ingesting *atomic.Bool, log *slog.Logger) error {
	for {
		lock, err := st.LockIngest(ctx, cursor, func() {
			log.Info("another broker on this database ingests the chain; serving, and waiting to take over")
		})
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			log.Warn("ingest lock not taken; trying again", "err", err)
			t := time.NewTimer(5 * time.Second)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
			continue
		}
		log.Info("this broker ingests the chain", "cursor", cursor)
		ingesting.Store(true)
		lctx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-lock.Lost():
				cancel()
			case <-lctx.Done():
			}
		}()
		err = chain.Run(lctx)
		cancel()
		ingesting.Store(false)
		lock.Release()
		if ctx.Err() != nil {
			return nil
		}
		log.Warn("the ingest lock's session failed; stopped ingesting, waiting to take it again", "err", err)
	}
}

// readToken asks the payment token for its symbol and decimals; the
// deployment's decimals (or none) stand in when it does not answer. A
// deployment whose decimals the token contradicts is an error: the
// dashboard would show amounts off by a power of ten.
func readToken(ctx context.Context, c *lease.Client, decimals *uint8, log *slog.Logger) (api.Token, error) {
	tok := api.Token{}
	if decimals != nil {
		tok.Decimals = *decimals
	}
	d, err := c.TokenDecimals(ctx)
	switch {
	case err != nil:
		log.Warn("the payment token does not say its decimals; amounts show in base units unless the deployment says", "token", c.Token(), "err", err)
	case decimals != nil && *decimals != d:
		return api.Token{}, fmt.Errorf("the deployment says the token has %d decimals, but token %s says %d: the deployment file is wrong or names another market", *decimals, c.Token().Hex(), d)
	default:
		tok.Decimals = d
	}
	if s, err := c.TokenSymbol(ctx); err == nil && len(s) <= 16 {
		tok.Symbol = s
	}
	return tok, nil
}

// joinMarket starts the broker's market node: a bootstrap peer for providers
// and tenants that also indexes every valid order and transcript it sees. It
// returns the node's dialable addresses.
func joinMarket(ctx context.Context, cfg Config, domain auction.Domain, log *slog.Logger) (*network.Node, []string, error) {
	node, err := network.New(ctx, network.Config{
		Domain: domain, KeyFile: cfg.IdentityFile, PeersFile: cfg.PeersFile, ListenAddrs: cfg.P2PListen, Bootstrap: cfg.Bootstrap, Logger: log,
		RelayService: cfg.Relay, AnnounceAddrs: cfg.P2PAnnounce,
	})
	if err != nil {
		return nil, nil, err
	}
	var addrs []string
	for _, a := range node.Addrs() {
		if _, err := a.ValueForProtocol(ma.P_P2P); err != nil {
			a = a.Encapsulate(ma.StringCast("/p2p/" + node.ID().String()))
		}
		addrs = append(addrs, a.String())
	}
	return node, addrs, nil
}

// ingestMarket stores what the node sees until ctx is done: orders as they
// are gossiped, transcripts once verified, and the no-bids auctioneers
// publish after their auctions.
func ingestMarket(ctx context.Context, node *network.Node, m *indexer.Market, log *slog.Logger) error {
	orders, transcripts, noBids := node.Orders(ctx), node.Transcripts(ctx), node.NoBids(ctx)
	for {
		select {
		case <-ctx.Done():
			return nil
		case nb, ok := <-noBids:
			if !ok {
				return nil
			}
			if err := m.IngestNoBid(ctx, nb); err != nil {
				log.Warn("no-bid not indexed", "order", nb.NoBid.OrderHash, "provider", nb.NoBid.Provider, "err", err)
			}
		case o, ok := <-orders:
			if !ok {
				return nil
			}
			if err := m.IngestOrder(ctx, o); err != nil {
				log.Warn("order not indexed", "order", o.Hash, "err", err)
			}
		case t, ok := <-transcripts:
			if !ok {
				return nil
			}
			if err := m.IngestTranscript(ctx, t.Transcript); err != nil {
				log.Warn("transcript not indexed", "order", t.Order.Hash, "err", err)
			}
		}
	}
}
