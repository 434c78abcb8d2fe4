package devchain

import (
	"context"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/tender-market/tender/pkg/deployment"
)

// DefaultAddr is where a dev chain serves JSON-RPC unless told otherwise.
const DefaultAddr = "127.0.0.1:8545"

// Config says how to run a dev chain.
type Config struct {
	// Addr is the loopback host:port that serves JSON-RPC, over HTTP and
	// WebSocket alike. Port 0 picks a free port. Default DefaultAddr.
	Addr string
	// StateFile is where the Deployment is written once the contracts are
	// deployed; it is removed when the chain stops. Empty: not written.
	StateFile string
	// BlockPeriod is how often a block is sealed. Zero seals one as soon as
	// a transaction is waiting, and an empty one after a second without, so
	// that chain time (which calls and gas estimates see) follows the wall
	// clock. Block timestamps stay on the wall clock: transactions arriving
	// within one second share a block.
	BlockPeriod time.Duration
	// Accounts is how many dev accounts to fund (deployment.DevKey(0) ... DevKey(n-1)).
	// Default DefaultAccounts. Account 0 deploys the contracts.
	Accounts int
	// StartWindow is how long a provider has to start a lease. Default
	// DefaultStartWindow.
	StartWindow time.Duration
	// Automine seals a block only when a transaction waits, as automining
	// nodes do: while the chain is idle its time stands still, and the
	// next block is stamped by the wall clock. (By default an empty block
	// is sealed after a second without transactions.) Ignored with a
	// BlockPeriod.
	Automine bool
	// TokenDecimals are the test token's decimals. Default TokenDecimals.
	TokenDecimals uint8
	// Logger receives what the chain does. Default: discard.
	Logger *slog.Logger
}

// Run starts a dev chain: a simulated Ethereum chain (chain ID ChainID)
// serving JSON-RPC on cfg.Addr, with funded dev accounts, 1,000,000 test
// tokens minted to each, and the token and escrow deployed. It writes the
// deployment to cfg.StateFile and serves until ctx is done.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.Accounts <= 0 {
		cfg.Accounts = DefaultAccounts
	}
	if cfg.StartWindow == 0 {
		cfg.StartWindow = DefaultStartWindow
	}
	if cfg.TokenDecimals == 0 {
		cfg.TokenDecimals = TokenDecimals
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.BlockPeriod < 0 {
		return fmt.Errorf("dev chain: block period %v is negative", cfg.BlockPeriod)
	}
	host, port, err := loopbackAddr(cfg.Addr)
	if err != nil {
		return err
	}

	accounts := make([]deployment.Account, cfg.Accounts)
	holders := make([]common.Address, cfg.Accounts)
	for i := range accounts {
		k := deployment.DevKey(i)
		accounts[i] = deployment.Account{Address: crypto.PubkeyToAddress(k.PublicKey), PrivateKey: crypto.FromECDSA(k)}
		holders[i] = accounts[i].Address
	}
	sim, err := newServingBackend(holders, host, port)
	if err != nil {
		return err
	}
	defer sim.Close()

	// A million whole tokens to each account.
	devTokens := new(big.Int).Mul(big.NewInt(1_000_000), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(cfg.TokenDecimals)), nil))
	contracts, err := Deploy(ctx, sim, deployment.DevKey(0), cfg.StartWindow, cfg.TokenDecimals, holders, devTokens)
	if err != nil {
		return fmt.Errorf("dev chain: %w", err)
	}
	hostPort := net.JoinHostPort(host, strconv.Itoa(port))
	d := deployment.Deployment{
		ChainID:            ChainID,
		RPCURL:             "http://" + hostPort,
		WSURL:              "ws://" + hostPort,
		Escrow:             contracts.Escrow,
		Token:              contracts.Token,
		TokenDecimals:      cfg.TokenDecimals,
		StartWindowSeconds: uint64(cfg.StartWindow / time.Second),
		DeployedAt:         contracts.Block,
		Accounts:           accounts,
	}
	if cfg.StateFile != "" {
		if err := d.Save(cfg.StateFile); err != nil {
			return err
		}
		defer os.Remove(cfg.StateFile)
	}
	log.Info("dev chain ready", "rpc", d.RPCURL, "ws", d.WSURL, "chainId", d.ChainID,
		"escrow", d.Escrow, "token", d.Token, "accounts", len(d.Accounts), "state", cfg.StateFile)

	if cfg.BlockPeriod > 0 {
		sealEvery(ctx, sim, cfg.BlockPeriod)
	} else {
		sealOnDemand(ctx, sim, d.WSURL, cfg.Automine, log)
	}
	log.Info("dev chain stopped")
	return nil
}

// loopbackAddr splits addr and insists on a loopback host; port 0 becomes a
// free port.
func loopbackAddr(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("dev chain address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", 0, fmt.Errorf("dev chain address %q: the host must be a loopback address", addr)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("dev chain address %q: bad port", addr)
	}
	// Take the port for a moment: this finds a free one for port 0 and
	// reports a busy one as an error rather than a failure deep in the node.
	l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return "", 0, fmt.Errorf("dev chain address %q: %w", addr, err)
	}
	port = l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return "", 0, fmt.Errorf("dev chain address %q: %w", addr, err)
	}
	return host, port, nil
}

// newServingBackend is NewBackend serving JSON-RPC (HTTP and WebSocket) on
// host:port. The simulated backend panics when its node fails to start (the
// port was taken meanwhile); that becomes an error here.
func newServingBackend(funded []common.Address, host string, port int) (sim *simulated.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("dev chain: start node on %s: %v", net.JoinHostPort(host, strconv.Itoa(port)), r)
		}
	}()
	modules := []string{"eth", "net", "web3"}
	return NewBackend(ChainID, funded, func(nc *node.Config, _ *ethconfig.Config) {
		nc.HTTPHost, nc.HTTPPort, nc.HTTPModules = host, port, modules
		nc.WSHost, nc.WSPort, nc.WSModules = host, port, modules
	}), nil
}

// sealEvery seals a block every period until ctx is done.
func sealEvery(ctx context.Context, sim *simulated.Backend, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sim.Commit()
		}
	}
}

// sealOnDemand seals a block whenever transactions wait in the pool, and,
// unless automine, an empty one when the head is a second old, until ctx
// is done. A subscription to pending transactions over the chain's own
// WebSocket endpoint wakes it at once; a slow tick that asks for the pending
// count covers a lost notification.
func sealOnDemand(ctx context.Context, sim *simulated.Backend, wsURL string, automine bool, log *slog.Logger) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	arrived := make(chan common.Hash, 256)
	var subErr <-chan error
	if rc, err := rpc.DialContext(ctx, wsURL); err != nil {
		log.Warn("dev chain: no pending-transaction subscription, polling", "err", err)
	} else {
		defer rc.Close()
		if sub, err := rc.EthSubscribe(ctx, arrived, "newPendingTransactions"); err != nil {
			log.Warn("dev chain: no pending-transaction subscription, polling", "err", err)
		} else {
			defer sub.Unsubscribe()
			subErr = sub.Err()
		}
	}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case err := <-subErr:
			if ctx.Err() == nil {
				log.Warn("dev chain: pending-transaction subscription ended, polling", "err", err)
			}
			subErr = nil
			continue
		case <-arrived:
		case <-tick.C:
			if automine || !idle(ctx, sim) {
				if n, err := sim.Client().PendingTransactionCount(ctx); err != nil || n == 0 {
					continue
				}
			}
		}
		waitNextSecond(ctx, sim)
		drainHashes(arrived)
		sim.Commit()
		if h, err := sim.Client().HeaderByNumber(ctx, nil); err == nil {
			log.Debug("dev chain: block sealed", "number", h.Number, "time", h.Time, "gasUsed", h.GasUsed)
		}
	}
}

// idle reports whether the head block is a second or more behind the wall
// clock.
func idle(ctx context.Context, sim *simulated.Backend) bool {
	h, err := sim.Client().HeaderByNumber(ctx, nil)
	return err == nil && time.Now().Unix() > int64(h.Time)
}

func drainHashes(ch <-chan common.Hash) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// waitNextSecond waits (at most a second) until the wall clock passes the
// head block's timestamp, so the next block's timestamp is the wall clock's
// rather than head + 1 s: a burst of transactions then shares a block
// instead of pushing chain time ahead.
func waitNextSecond(ctx context.Context, sim *simulated.Backend) {
	h, err := sim.Client().HeaderByNumber(ctx, nil)
	if err != nil {
		return
	}
	wait := time.Until(time.Unix(int64(h.Time)+1, 0))
	if wait <= 0 {
		return
	}
	t := time.NewTimer(min(wait, time.Second))
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
