package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/api"
	"github.com/tender-market/tender/pkg/devchain"
	"github.com/tender-market/tender/pkg/indexer"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/lease/escrow"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/store"
)

// runConfig is what broker run needs.
type runConfig struct {
	databaseURL   string
	listen        string
	deployment    string
	rpcURL        string
	escrow        string
	startBlock    uint64
	confirmations uint64
	pollInterval  time.Duration
	p2pListen     []string
	bootstrap     []string
	identityFile  string
}

func newRunCommand(env *cli.Env) *cobra.Command {
	var cfg runConfig
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Index the market into PostgreSQL and serve the API and dashboard",
		Long: `run starts a broker: it applies the database migrations, follows the
escrow contract's events (leases opened, started, paid out, topped up,
closed, reclaimed) into PostgreSQL, and serves the HTTP API under /api/v1,
the web dashboard at /, /healthz and /metrics (Prometheus).

The chain is any EVM JSON-RPC endpoint (--rpc-url, plain HTTP works: events
are polled with eth_getLogs) and the market's escrow contract (--escrow), or
the file a local dev chain wrote (--deployment, from 'broker devchain').
Events are indexed once their block is --confirmations deep, so a shallow
reorg never reaches the index; the position is stored with the events, so a
broker stopped anywhere resumes with nothing lost and nothing doubled.

Auction transcripts reach the index through POST /api/v1/transcripts (the
libp2p network layer hands them in where it runs). Order submission over
HTTP (POST /api/v1/orders) needs a network connection this command does not
make yet: it answers 503.

The broker holds no funds and cannot change a signed message. It stops
cleanly on an interrupt.`,
		Example: `  broker run --database-url postgres://postgres@127.0.0.1:55432/tender --deployment .devnet/deployment.json
  broker run --database-url "$DATABASE_URL" --rpc-url https://rpc.example --escrow 0x... --start-block 1234567 --confirmations 12
  TENDER_DATABASE_URL=postgres://... broker run --deployment .devnet/deployment.json --listen 127.0.0.1:0`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBroker(cmd.Context(), env, cfg, cmd.Flags().Changed("start-block"))
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.databaseURL, "database-url", "", "PostgreSQL URL of the index, e.g. postgres://user@host:5432/tender (required)")
	f.StringVar(&cfg.listen, "listen", "127.0.0.1:8080", "host:port to serve the API and dashboard on (port 0 picks a free port)")
	f.StringVar(&cfg.deployment, "deployment", "", "dev chain deployment file written by 'broker devchain' (gives the RPC URL, escrow and start block)")
	f.StringVar(&cfg.rpcURL, "rpc-url", "", "JSON-RPC endpoint of the chain (http, ws or ipc); overrides the deployment's")
	f.StringVar(&cfg.escrow, "escrow", "", "address of the market's escrow contract (0x...); overrides the deployment's")
	f.Uint64Var(&cfg.startBlock, "start-block", 0, "block to start indexing from when the database holds no position (default: the deployment's block, else 0)")
	f.Uint64Var(&cfg.confirmations, "confirmations", 2, "blocks an event must be buried under before it is indexed")
	f.DurationVar(&cfg.pollInterval, "poll-interval", 2*time.Second, "how often to look for new blocks")
	f.StringSliceVar(&cfg.p2pListen, "p2p-listen", []string{"/ip4/127.0.0.1/tcp/4001"}, "libp2p multiaddrs the broker's market node listens on; providers and tenants bootstrap from it (empty: no market node, nothing is indexed from the network and HTTP order submission answers 503)")
	f.StringSliceVar(&cfg.bootstrap, "bootstrap", nil, "other market peers to join through, as multiaddrs ending in /p2p/<peer ID>")
	f.StringVar(&cfg.identityFile, "identity-file", "", "file keeping the market node's libp2p identity, so its address stays the same across restarts (created if missing; empty: a new identity each run)")
	return cmd
}

// chainTarget resolves where the chain and the escrow are.
func chainTarget(cfg runConfig, startSet bool) (rpcURL string, escrowAddr common.Address, start uint64, decimals *uint8, err error) {
	start = cfg.startBlock
	if cfg.deployment != "" {
		d, err := devchain.Load(cfg.deployment)
		if err != nil {
			return "", common.Address{}, 0, nil, fmt.Errorf("--deployment: %w", err)
		}
		rpcURL, escrowAddr = d.RPCURL, d.Escrow
		if !startSet {
			start = d.DeployedAt
		}
		decimals = &d.TokenDecimals
	}
	if cfg.rpcURL != "" {
		rpcURL = cfg.rpcURL
	}
	if cfg.escrow != "" {
		if !common.IsHexAddress(cfg.escrow) {
			return "", common.Address{}, 0, nil, fmt.Errorf("--escrow %q is not an address: want 0x and 40 hex digits", cfg.escrow)
		}
		escrowAddr = common.HexToAddress(cfg.escrow)
	}
	if rpcURL == "" || escrowAddr == (common.Address{}) {
		return "", common.Address{}, 0, nil, fmt.Errorf("no chain: give --deployment, or --rpc-url and --escrow (env %s, %s)", cli.EnvName("rpc-url"), cli.EnvName("escrow"))
	}
	return rpcURL, escrowAddr, start, decimals, nil
}

func runBroker(ctx context.Context, env *cli.Env, cfg runConfig, startSet bool) error {
	log := env.Logger
	if cfg.databaseURL == "" {
		return fmt.Errorf("--database-url is not set (env %s)", cli.EnvName("database-url"))
	}
	rpcURL, escrowAddr, start, decimals, err := chainTarget(cfg, startSet)
	if err != nil {
		return err
	}

	ec, err := ethclient.DialContext(ctx, rpcURL)
	if err != nil {
		return fmt.Errorf("dial %s: %w", rpcURL, err)
	}
	defer ec.Close()
	client, err := lease.New(ctx, ec, escrowAddr, log)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.databaseURL, log)
	if err != nil {
		return err
	}
	defer st.Close()

	chainID := client.ChainID()
	chain, err := indexer.NewChain(client, ec, st, indexer.ChainConfig{
		Name: fmt.Sprintf("%s/%s", chainID, escrowAddr.Hex()), ChainID: chainID, StartBlock: start,
		Confirmations: cfg.confirmations, PollInterval: cfg.pollInterval, Logger: log,
	})
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "tender", Subsystem: "broker", Name: "chain_next_block",
			Help: "The first block whose escrow events are not all indexed yet.",
		}, func() float64 { return float64(chain.NextBlock()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "tender", Subsystem: "broker", Name: "chain_events_indexed_total",
			Help: "Escrow events this process stored (new ones only).",
		}, func() float64 { return float64(chain.Indexed()) }))

	market := indexer.NewMarket(client.Domain(), st, nil, log)
	apiCfg := api.Config{
		Store: st, Ingest: market, Domain: client.Domain(),
		Token: readToken(ctx, ec, client.Token(), decimals, log), Registry: reg, Logger: log,
	}
	var node *network.Node
	if len(cfg.p2pListen) > 0 {
		if node, err = joinMarket(ctx, cfg, client.Domain(), env.Stdout, log); err != nil {
			return err
		}
		defer node.Close()
		apiCfg.Publisher = node
	}
	srv, err := api.New(apiCfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", cfg.listen, err)
	}
	httpSrv := &http.Server{
		Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String() + "/"
	log.Info("broker serving", "dashboard", url, "api", url+"api/v1", "chain", chainID, "escrow", escrowAddr, "from", start)
	fmt.Fprintf(env.Stdout, "dashboard: %s\n", url)

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := chain.Run(gctx); !errors.Is(err, context.Canceled) {
			return err
		}
		return nil
	})
	if node != nil {
		g.Go(func() error { return ingestMarket(gctx, node, market, log) })
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

// readToken asks the payment token for its symbol and decimals; the
// deployment's decimals (or none) stand in when it does not answer.
func readToken(ctx context.Context, ec *ethclient.Client, addr common.Address, decimals *uint8, log *slog.Logger) api.Token {
	abi := escrow.NewTestToken()
	c := abi.Instance(ec, addr)
	opts := &bind.CallOpts{Context: ctx}
	tok := api.Token{}
	if decimals != nil {
		tok.Decimals = *decimals
	}
	if d, err := bind.Call(c, opts, abi.PackDecimals(), abi.UnpackDecimals); err == nil {
		tok.Decimals = d
	} else {
		log.Warn("the payment token does not say its decimals; amounts show in base units unless the deployment says", "token", addr, "err", err)
	}
	if s, err := bind.Call(c, opts, abi.PackSymbol(), abi.UnpackSymbol); err == nil && len(s) <= 16 {
		tok.Symbol = s
	}
	return tok
}
