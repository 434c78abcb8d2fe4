package cli

import (
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/pflag"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/connect"
	"github.com/tender-market/tender/pkg/network"
)

// Market holds the settings that say which deployment of the market a
// command works with: the chain and its escrow contract.
type Market struct {
	ChainID uint64
	Escrow  string
}

// AddFlags registers --chain-id and --escrow.
func (m *Market) AddFlags(fs *pflag.FlagSet) {
	fs.Uint64Var(&m.ChainID, "chain-id", 0, "chain ID of the market's escrow contract")
	fs.StringVar(&m.Escrow, "escrow", "", "address of the market's escrow contract (0x...)")
}

// Domain is the EIP-712 domain of the market the flags name.
func (m *Market) Domain() (auction.Domain, error) {
	if m.ChainID == 0 {
		return auction.Domain{}, fmt.Errorf("--chain-id is not set (env %s)", EnvName("chain-id"))
	}
	if !common.IsHexAddress(m.Escrow) {
		return auction.Domain{}, fmt.Errorf("--escrow %q is not an address: want 0x and 40 hex digits (env %s)", m.Escrow, EnvName("escrow"))
	}
	return auction.NewDomain(m.ChainID, common.HexToAddress(m.Escrow)), nil
}

// AddChainFlags registers the flags that say where the chain and its escrow
// are, and whose key signs: what every command that reads or pays through
// the escrow takes.
func AddChainFlags(fs *pflag.FlagSet, s *connect.Settings) {
	fs.StringVar(&s.Deployment, "deployment", "", "the market's deployment file (broker devchain writes .devnet/deployment.json): sets the RPC URL, escrow, chain ID, token decimals and the block events begin at")
	fs.StringVar(&s.RPCURL, "rpc-url", "", "JSON-RPC endpoint of the chain (http, ws or ipc)")
	fs.StringVar(&s.Escrow, "escrow", "", "address of the market's escrow contract (0x...)")
	fs.Uint64Var(&s.ChainID, "chain-id", 0, "expected chain ID; the command refuses a chain with another (0: take the chain's)")
	AddTokenDecimalsFlag(fs, s)
	AddKeyFlags(fs, s)
	fs.DurationVar(&s.PollInterval, "poll-interval", 2*time.Second, "how often to poll the chain for escrow events")
}

// AddMarketFlags registers the chain flags and those of the libp2p market
// node; listen is the default listen address list.
func AddMarketFlags(fs *pflag.FlagSet, s *connect.Settings, listen []string) {
	AddChainFlags(fs, s)
	fs.StringSliceVar(&s.Listen, "listen", listen, "libp2p multiaddrs to listen on")
	fs.StringSliceVar(&s.Bootstrap, "bootstrap", nil, "market peers to join through, as multiaddrs ending in /p2p/<peer ID>")
	fs.StringVar(&s.IdentityFile, "identity-file", "", "file keeping this node's libp2p identity (created if missing; empty: a new identity each run)")
	fs.BoolVar(&s.MDNS, "mdns", false, "find market peers on the local network by multicast DNS")
	fs.Var(reachabilityFlag{&s.Reachability}, "reachability", "whether others can dial this node: auto (learn it from peers, AutoNAT), public, or private (behind NAT: reached through a relay, its bootstrap peers' or --relay-peer's, with hole punching to a direct connection where the NAT allows)")
	fs.StringSliceVar(&s.Relays, "relay-peer", nil, "relays to reserve a slot on when behind NAT, besides the bootstrap peers (multiaddrs ending in /p2p/<peer ID>)")
	fs.StringSliceVar(&s.Announce, "announce", nil, "multiaddrs to tell peers to dial instead of the listen addresses (a public address or DNS name forwarded to this node)")
}

// reachabilityFlag is --reachability.
type reachabilityFlag struct{ r *network.Reachability }

func (f reachabilityFlag) String() string {
	if f.r == nil || *f.r == "" {
		return "auto"
	}
	return string(*f.r)
}
func (f reachabilityFlag) Type() string { return "auto|public|private" }
func (f reachabilityFlag) Set(v string) error {
	r, err := network.ParseReachability(v)
	if err != nil {
		return err
	}
	*f.r = r
	return nil
}

// KeepNodeIn documents and applies where a long-running market node keeps
// itself: its identity (node.key) and the market peers it knew (peers) in
// the directory the flag dirFlag names. Call Document when registering the
// flags and Apply before opening the node.
type KeepNodeIn string

// Document says in --identity-file's help where the identity is kept.
func (dirFlag KeepNodeIn) Document(fs *pflag.FlagSet) {
	fs.Lookup("identity-file").Usage = "file keeping this node's libp2p identity, so that its peer ID and addresses stay the same across restarts " +
		"(created if missing; default node.key in " + string(dirFlag) + ", beside the market peers it knew; --identity-file= for a new identity each run)"
}

// Apply points s at dir for the node's identity, unless --identity-file was
// given, and for the peers it knew.
func (dirFlag KeepNodeIn) Apply(fs *pflag.FlagSet, s *connect.Settings, dir string) {
	s.PeersFile = filepath.Join(dir, "peers")
	if s.IdentityFile == "" && !fs.Changed("identity-file") {
		s.IdentityFile = filepath.Join(dir, "node.key")
	}
}

// AddTokenDecimalsFlag registers --token-decimals: what amounts written in
// whole tokens are counted in when the token cannot say its decimals. Given
// while the token does say them, the two must agree.
func AddTokenDecimalsFlag(fs *pflag.FlagSet, s *connect.Settings) {
	s.TokenDecimals = 6
	fs.Var(decimalsFlag{s}, "token-decimals", "the payment token's decimals, for amounts written in whole tokens: read from the token itself; give it only for a token that does not say (then it counts), or to have it checked (6 when no chain is named)")
}

// decimalsFlag sets Settings.TokenDecimals and notes it was given, from
// the command line, the environment or a config file alike.
type decimalsFlag struct{ s *connect.Settings }

func (f decimalsFlag) String() string {
	if f.s == nil {
		return ""
	}
	return strconv.Itoa(int(f.s.TokenDecimals))
}

func (f decimalsFlag) Set(v string) error {
	d, err := strconv.ParseUint(v, 10, 8)
	if err != nil || d > 77 {
		return fmt.Errorf("%q is not a number of decimals from 0 to 77", v)
	}
	f.s.TokenDecimals, f.s.TokenDecimalsSet = uint8(d), true
	return nil
}

func (decimalsFlag) Type() string { return "uint8" }

// AddKeyFlags registers the flags that say whose key signs: a key file
// (with its password file) or a dev account (the hex key may also come
// from the environment, connect.KeyEnv).
func AddKeyFlags(fs *pflag.FlagSet, s *connect.Settings) {
	fs.StringVar(&s.KeyFile, "key-file", "", "the account's key: a go-ethereum keystore file or a file holding the key as hex (or set "+connect.KeyEnv+" to the hex key)")
	fs.StringVar(&s.KeyPasswordFile, "key-password-file", "", "file holding the keystore's password")
	fs.IntVar(&s.DevAccount, "dev-account", -1, "use dev chain account N's public test key (local markets only)")
}
