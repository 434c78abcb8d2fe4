package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/api"
	"github.com/tender-market/tender/pkg/broker"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/network"
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
	blockRange    uint64
	pollInterval  time.Duration
	rateLimit     api.RateLimit
	p2pListen     []string
	p2pAnnounce   []string
	relay         bool
	bootstrap     []string
	identityFile  string
	dataDir       string
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
broker stopped anywhere resumes with nothing lost and nothing doubled. A
deeper reorg is seen (the last block read changed its hash): the index is
rolled back to the newest block both branches share, in one transaction,
and the new branch indexed (metric tender_broker_chain_rewinds_total).
Logs are read --block-range blocks a request, halved while the endpoint
refuses a range or returns more than 10,000 logs.

Several brokers may share one database: all serve, one at a time indexes
the chain (a PostgreSQL advisory lock), and when it dies another takes
over from the stored position within about a second. The metric
tender_broker_ingesting is 1 on the one that indexes.

The broker also joins the market over libp2p (--p2p-listen): it is a
bootstrap peer for providers and tenants (it prints its addresses as
"p2p: <multiaddr>" lines), indexes every valid order, auction transcript
and no-bid gossiped there, and publishes the signed orders tenants POST to
/api/v1/orders. Transcripts can also be POSTed to /api/v1/transcripts.
What it missed while down it asks peers for: each minute, the transcripts
(with their orders and no-bids) of the leases it holds without one; peers
keep them for 24 hours. The node keeps its identity in --data-dir, so the
addresses it prints stay valid across restarts, and the market peers it
knew, so it finds its way back through any of them; when it loses every
peer it says so and re-dials them all.

The broker holds no funds and cannot change a signed message. It stops
cleanly on an interrupt.`,
		Example: `  broker run --database-url postgres://postgres@127.0.0.1:55432/tender --deployment .devnet/deployment.json
  broker run --database-url "$DATABASE_URL" --rpc-url https://rpc.example --escrow 0x... --start-block 1234567 --confirmations 12
  TENDER_DATABASE_URL=postgres://... broker run --deployment .devnet/deployment.json --listen 127.0.0.1:0`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.identityFile == "" && !cmd.Flags().Changed("identity-file") {
				cfg.identityFile = filepath.Join(cfg.dataDir, "node.key")
			}
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
	f.Uint64Var(&cfg.confirmations, "confirmations", 2, "blocks an event must be buried under before it is indexed (on a chain that seals a block only for a transaction, automine, the last event waits for the next one; the dev chain seals an empty block each second for this)")
	f.Uint64Var(&cfg.blockRange, "block-range", 1000, "most blocks one eth_getLogs request covers (halved while the endpoint refuses)")
	f.DurationVar(&cfg.pollInterval, "poll-interval", 2*time.Second, "how often to look for new blocks")
	f.Float64Var(&cfg.rateLimit.PerSecond, "rate-limit", 100, "requests a second each client (an IPv4 address, an IPv6 /64) may make to the API and the pages, past its burst; more are answered 429 with Retry-After (0: no limit)")
	f.IntVar(&cfg.rateLimit.Burst, "rate-burst", 400, "requests a client may make at once before --rate-limit applies")
	f.StringVar(&cfg.rateLimit.ClientHeader, "client-header", "", "behind a proxy: the header carrying the client's address, such as X-Forwarded-For (its last address counts); only set it when the proxy sets it")
	f.StringSliceVar(&cfg.p2pListen, "p2p-listen", []string{"/ip4/127.0.0.1/tcp/4001"}, "libp2p multiaddrs the broker's market node listens on; providers and tenants bootstrap from it (empty: no market node, nothing is indexed from the network and HTTP order submission answers 503)")
	f.StringSliceVar(&cfg.p2pAnnounce, "p2p-announce", nil, "multiaddrs to tell peers to dial instead of the listen addresses (the public address or DNS name forwarded to the broker)")
	f.BoolVar(&cfg.relay, "relay", false, "relay for market peers behind NAT (circuit relay v2: "+network.RelayLimitsText()+"), and dial them back so they learn they are behind NAT (AutoNAT); the broker must be publicly reachable")
	f.StringSliceVar(&cfg.bootstrap, "bootstrap", nil, "other market peers to join through, as multiaddrs ending in /p2p/<peer ID>")
	f.StringVar(&cfg.identityFile, "identity-file", "", "file keeping the market node's libp2p identity, so that its peer ID and addresses stay the same across restarts and the bootstrap addresses others were given keep working (created if missing; default node.key in --data-dir; --identity-file= for a new identity each run)")
	f.StringVar(&cfg.dataDir, "data-dir", defaultDataDir(), "directory keeping the market node's identity and the market peers it knew; each broker process needs its own")
	return cmd
}

// defaultDataDir is where a broker keeps its node's identity and known
// peers unless told otherwise.
func defaultDataDir() string {
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".tender", "broker")
	}
	return filepath.Join(os.TempDir(), "tender-broker")
}

// chainTarget resolves where the chain and the escrow are.
func chainTarget(cfg runConfig, startSet bool) (rpcURL string, escrowAddr common.Address, start uint64, decimals *uint8, err error) {
	start = cfg.startBlock
	if cfg.deployment != "" {
		d, err := deployment.Load(cfg.deployment)
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
	if cfg.databaseURL == "" {
		return fmt.Errorf("--database-url is not set (env %s)", cli.EnvName("database-url"))
	}
	rpcURL, escrowAddr, start, decimals, err := chainTarget(cfg, startSet)
	if err != nil {
		return err
	}
	boot := make([]peer.AddrInfo, 0, len(cfg.bootstrap))
	for _, s := range cfg.bootstrap {
		ai, err := peer.AddrInfoFromString(s)
		if err != nil {
			return fmt.Errorf("--bootstrap %q: want a multiaddr ending in /p2p/<peer ID>: %w", s, err)
		}
		boot = append(boot, *ai)
	}
	return broker.Run(ctx, broker.Config{
		DatabaseURL: cfg.databaseURL, Listen: cfg.listen, RPCURL: rpcURL, Escrow: escrowAddr,
		StartBlock: start, Confirmations: cfg.confirmations, BlockRange: cfg.blockRange, PollInterval: cfg.pollInterval, TokenDecimals: decimals,
		P2PListen: cfg.p2pListen, P2PAnnounce: cfg.p2pAnnounce, Relay: cfg.relay, Bootstrap: boot, IdentityFile: cfg.identityFile, PeersFile: filepath.Join(cfg.dataDir, "peers"), RateLimit: cfg.rateLimit, Logger: env.Logger,
		Ready: func(dashboard string, p2p []string) {
			for _, a := range p2p {
				fmt.Fprintf(env.Stdout, "p2p: %s\n", a)
			}
			fmt.Fprintf(env.Stdout, "dashboard: %s\n", dashboard)
		},
	})
}
