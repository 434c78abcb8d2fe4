// Package connect joins a command to one deployment of the market from its
// settings: the chain's JSON-RPC endpoint and escrow (or a dev chain's
// deployment file), the account's key, and a libp2p market node with its
// bootstrap peers. The provider and tenant commands share it.
package connect

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/account"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
)

// KeyEnv is the environment variable that may hold the account's key as
// hex. There is no flag for it: a key on a command line is visible to
// every user of the machine.
const KeyEnv = "TENDER_KEY"

// Settings say how to reach the market; internal/cli registers them as
// flags.
type Settings struct {
	Deployment string
	RPCURL     string
	Escrow     string
	ChainID    uint64
	// TokenDecimals stands in for the token's decimals when the chain
	// cannot say them; when TokenDecimalsSet, the token must agree.
	TokenDecimals    uint8
	TokenDecimalsSet bool
	KeyFile          string
	KeyPasswordFile  string
	DevAccount       int
	Listen           []string
	Bootstrap        []string
	IdentityFile     string
	// PeersFile keeps the market peers the node knew (network.Config).
	PeersFile    string
	MDNS         bool
	PollInterval time.Duration
	// ForwardIdleTimeout is the node's network.Config.ForwardIdleTimeout
	// (0: its default).
	ForwardIdleTimeout time.Duration
	// Reachability, Relays, Announce and RelayService are the node's NAT
	// traversal (network.Config).
	Reachability network.Reachability
	Relays       []string
	Announce     []string
	RelayService bool
}

// Conn is a command's way into the market. Close releases it.
type Conn struct {
	Escrow *lease.Client
	Node   *network.Node
	Domain auction.Domain
	Key    *ecdsa.PrivateKey
	Signer *auction.KeySigner
	Auth   *bind.TransactOpts
	// TokenDecimals and TokenSymbol are the payment token's, as the token
	// says (the symbol is empty when it does not).
	TokenDecimals uint8
	TokenSymbol   string
	// DeployedAt is the escrow's deployment block as the deployment file
	// says (0 without one): scans for a lease's events begin there.
	DeployedAt uint64
	// RPCURL is the chain endpoint in use.
	RPCURL string
}

// Head is the chain's latest block number.
func (c *Conn) Head(ctx context.Context) (uint64, error) {
	ec, err := ethclient.DialContext(ctx, c.RPCURL)
	if err != nil {
		return 0, fmt.Errorf("chain head: %w", err)
	}
	defer ec.Close()
	n, err := ec.BlockNumber(ctx)
	if err != nil {
		return 0, fmt.Errorf("chain head: %w", err)
	}
	return n, nil
}

// Close stops the node and disconnects from the chain.
func (c *Conn) Close() error {
	var err error
	if c.Node != nil {
		err = c.Node.Close()
	}
	if c.Escrow != nil {
		c.Escrow.Disconnect()
	}
	return err
}

// Decimals is the payment token's decimals as the token says, checked
// against the deployment file's and --token-decimals (see tokenDecimals).
// With no chain named (no --deployment, no --rpc-url) it is
// --token-decimals, 6 unless given.
func (s *Settings) Decimals(ctx context.Context) (uint8, error) {
	if s.Deployment == "" && s.RPCURL == "" {
		return s.TokenDecimals, nil
	}
	t, err := s.chain()
	if err != nil {
		return 0, err
	}
	esc, err := lease.Dial(ctx, t.rpcURL, t.escrow, nil)
	if err != nil {
		return 0, err
	}
	defer esc.Disconnect()
	return s.tokenDecimals(ctx, esc, t)
}

// tokenDecimals asks the escrow's token for its decimals. A deployment
// file or a --token-decimals given that says otherwise is an error: amounts
// written in whole tokens would be off by a power of ten. A token that does
// not say its decimals (decimals() is optional in ERC-20) takes the
// deployment file's or --token-decimals.
func (s *Settings) tokenDecimals(ctx context.Context, esc *lease.Client, t chainTarget) (uint8, error) {
	d, err := esc.TokenDecimals(ctx)
	switch {
	case err != nil && t.dep.Token != (common.Address{}):
		return t.dep.TokenDecimals, nil
	case err != nil && s.TokenDecimalsSet:
		return s.TokenDecimals, nil
	case err != nil:
		return 0, fmt.Errorf("%w; give --token-decimals", err)
	case t.dep.Token != (common.Address{}) && t.dep.TokenDecimals != d:
		return 0, fmt.Errorf("the deployment file %s says the token has %d decimals, but token %s says %d: the file is wrong or names another market",
			s.Deployment, t.dep.TokenDecimals, esc.Token().Hex(), d)
	case s.TokenDecimalsSet && s.TokenDecimals != d:
		return 0, fmt.Errorf("--token-decimals %d, but token %s has %d decimals: amounts in whole tokens would be off by a factor of 10^%d",
			s.TokenDecimals, esc.Token().Hex(), d, absDiff(s.TokenDecimals, d))
	}
	return d, nil
}

func absDiff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}

// Open connects to the chain, loads the key and starts the market node.
// getenv reads KeyEnv.
func (s *Settings) Open(ctx context.Context, getenv func(string) string, log *slog.Logger) (*Conn, error) {
	c, err := s.OpenChain(ctx, getenv, log)
	if err != nil {
		return nil, err
	}
	boot, err := parsePeers(s.Bootstrap)
	if err != nil {
		c.Close()
		return nil, err
	}
	relays, err := parsePeers(s.Relays)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("--relay-peer: %w", err)
	}
	c.Node, err = network.New(ctx, network.Config{
		Domain: c.Domain, KeyFile: s.IdentityFile, PeersFile: s.PeersFile, ListenAddrs: s.Listen,
		Bootstrap: boot, MDNS: s.MDNS, ForwardIdleTimeout: s.ForwardIdleTimeout, Logger: log.With("part", "p2p"),
		Reachability: s.Reachability, Relays: relays, AnnounceAddrs: s.Announce, RelayService: s.RelayService,
	})
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// OpenChain connects to the chain and loads the key, without a market
// node: for commands that only transact with the escrow.
func (s *Settings) OpenChain(ctx context.Context, getenv func(string) string, log *slog.Logger) (*Conn, error) {
	if !s.KeyGiven(getenv) {
		return nil, errors.New("no key: give --key-file (a keystore or a hex key file), set " + KeyEnv + ", or on a dev chain --dev-account N")
	}
	return s.Dial(ctx, getenv, log)
}

// KeyGiven reports whether the settings name a key.
func (s *Settings) KeyGiven(getenv func(string) string) bool {
	return s.DevAccount >= 0 || s.KeyFile != "" || getenv(KeyEnv) != ""
}

// Dial connects to the chain and its escrow, and loads the key when the
// settings name one: for commands that read, and sign only if they can.
func (s *Settings) Dial(ctx context.Context, getenv func(string) string, log *slog.Logger) (*Conn, error) {
	t, err := s.chain()
	if err != nil {
		return nil, err
	}
	var key *ecdsa.PrivateKey
	if s.KeyGiven(getenv) {
		if key, err = s.key(getenv, t.dep); err != nil {
			return nil, err
		}
	}
	esc, err := lease.Dial(ctx, t.rpcURL, t.escrow, log)
	if err != nil {
		return nil, err
	}
	c := &Conn{Escrow: esc, Domain: esc.Domain(), DeployedAt: t.dep.DeployedAt, RPCURL: t.rpcURL}
	if c.TokenDecimals, err = s.tokenDecimals(ctx, esc, t); err != nil {
		c.Close()
		return nil, err
	}
	c.TokenSymbol, _ = esc.TokenSymbol(ctx) // optional in ERC-20
	if s.ChainID != 0 && s.ChainID != c.Domain.ChainID {
		c.Close()
		return nil, fmt.Errorf("--chain-id %d, but %s serves chain %d", s.ChainID, t.rpcURL, c.Domain.ChainID)
	}
	if key != nil {
		c.Key, c.Signer = key, auction.NewKeySigner(key)
		c.Auth = bind.NewKeyedTransactor(key, new(big.Int).SetUint64(c.Domain.ChainID))
	}
	return c, nil
}

// chainTarget is where the chain and its escrow are, as the settings say.
type chainTarget struct {
	rpcURL string
	escrow common.Address
	dep    deployment.Deployment // zero without --deployment
}

// chain resolves the chain from --rpc-url and --escrow, filling what they
// leave out from the --deployment file.
func (s *Settings) chain() (chainTarget, error) {
	t := chainTarget{rpcURL: s.RPCURL}
	escrowAddr := s.Escrow
	if s.Deployment != "" {
		var err error
		if t.dep, err = deployment.Load(s.Deployment); err != nil {
			return chainTarget{}, err
		}
		if t.rpcURL == "" {
			t.rpcURL = t.dep.RPCURL
		}
		if escrowAddr == "" {
			escrowAddr = t.dep.Escrow.Hex()
		}
	}
	switch {
	case t.rpcURL == "":
		return chainTarget{}, errors.New("--rpc-url is not set (or name a --deployment file)")
	case !common.IsHexAddress(escrowAddr):
		return chainTarget{}, fmt.Errorf("--escrow %q is not an address: want 0x and 40 hex digits (or name a --deployment file)", escrowAddr)
	}
	t.escrow = common.HexToAddress(escrowAddr)
	return t, nil
}

// Key loads the account's key as the settings say (--dev-account,
// --key-file with --key-password-file, or KeyEnv), with no chain: for a
// command that has none yet. Dev account n is deployment.DevKey(n).
func (s *Settings) Key(getenv func(string) string) (*ecdsa.PrivateKey, error) {
	if !s.KeyGiven(getenv) {
		return nil, errors.New("no key: give --key-file (a keystore or a hex key file) or set " + KeyEnv)
	}
	return s.key(getenv, deployment.Deployment{})
}

func (s *Settings) key(getenv func(string) string, dep deployment.Deployment) (*ecdsa.PrivateKey, error) {
	if s.DevAccount >= 0 {
		if s.KeyFile != "" || getenv(KeyEnv) != "" {
			return nil, fmt.Errorf("--dev-account and --key-file/%s: choose one", KeyEnv)
		}
		if len(dep.Accounts) > 0 {
			return dep.Key(s.DevAccount)
		}
		return deployment.DevKey(s.DevAccount), nil
	}
	src := account.Source{Hex: getenv(KeyEnv), File: s.KeyFile}
	if s.KeyPasswordFile != "" {
		pw, err := os.ReadFile(s.KeyPasswordFile)
		if err != nil {
			return nil, fmt.Errorf("--key-password-file: %w", err)
		}
		src.Password = strings.TrimRight(string(pw), "\r\n")
	}
	return account.Load(src)
}

func parsePeers(addrs []string) ([]peer.AddrInfo, error) {
	var out []peer.AddrInfo
	for _, a := range addrs {
		ai, err := peer.AddrInfoFromString(a)
		if err != nil {
			return nil, fmt.Errorf("--bootstrap %q: want a multiaddr ending in /p2p/<peer ID>: %w", a, err)
		}
		out = append(out, *ai)
	}
	return out, nil
}
