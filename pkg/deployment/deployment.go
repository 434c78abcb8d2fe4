// Package deployment is the file that says where one deployment of the
// market lives: the chain's JSON-RPC endpoint and ID, the escrow and its
// token, the block that deployed them, and, on a dev chain, the funded dev
// accounts. A dev chain writes it; provider, tenant and broker read it.
//
// It also derives the dev chain's public test keys (DevKey), so that a
// command can sign as a dev account without carrying a chain of its own.
package deployment

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/tender-market/tender/internal/statefile"
)

// Deployment is what a running chain tells other commands: where to reach
// it, where the contracts are, and the funded dev accounts. Save writes it
// as JSON; Load reads it back.
type Deployment struct {
	ChainID uint64 `json:"chainId"`
	// RPCURL is the JSON-RPC endpoint over HTTP; WSURL the same over
	// WebSocket (with subscriptions).
	RPCURL string         `json:"rpcUrl"`
	WSURL  string         `json:"wsUrl"`
	Escrow common.Address `json:"escrow"`
	Token  common.Address `json:"token"`
	// TokenDecimals is the number of decimals of Token; TokenSymbol its
	// symbol, when it says one.
	TokenDecimals uint8  `json:"tokenDecimals"`
	TokenSymbol   string `json:"tokenSymbol,omitempty"`
	// StartWindowSeconds is how long a provider has to start a lease.
	StartWindowSeconds uint64 `json:"startWindowSeconds"`
	// DeployedAt is the block that deployed the contracts: event scans
	// begin there.
	DeployedAt uint64 `json:"deployedAt"`
	// Accounts are the funded dev accounts, account n with DevKey(n). Their
	// keys are public.
	Accounts []Account `json:"accounts"`
}

// Account is a funded dev account.
type Account struct {
	Address    common.Address `json:"address"`
	PrivateKey hexutil.Bytes  `json:"privateKey"`
}

// Key returns the private key of account n.
func (d *Deployment) Key(n int) (*ecdsa.PrivateKey, error) {
	if n < 0 || n >= len(d.Accounts) {
		return nil, fmt.Errorf("dev account %d: the deployment has %d accounts", n, len(d.Accounts))
	}
	k, err := crypto.ToECDSA(d.Accounts[n].PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("dev account %d: %w", n, err)
	}
	return k, nil
}

// Load reads a deployment file.
func Load(path string) (Deployment, error) {
	var d Deployment
	if err := statefile.Read(path, &d); err != nil {
		return Deployment{}, fmt.Errorf("deployment file: %w", err)
	}
	if d.RPCURL == "" || d.ChainID == 0 || d.Escrow == (common.Address{}) {
		return Deployment{}, fmt.Errorf("deployment file %s: %w", path, errors.New("rpcUrl, chainId or escrow missing"))
	}
	return d, nil
}

// Save writes the deployment to path atomically (a reader never sees half a
// file).
func (d *Deployment) Save(path string) error {
	if err := statefile.Write(path, d); err != nil {
		return fmt.Errorf("deployment file: %w", err)
	}
	return nil
}

// DevKey returns the private key of dev account n: keccak256("tender dev
// key n"). These keys are public: never hold anything of value with them.
func DevKey(n int) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("tender dev key " + strconv.Itoa(n))))
	if err != nil {
		// A keccak256 output is a valid secp256k1 key unless it is zero or
		// at least the curve order, which no known input produces.
		panic(fmt.Sprintf("dev key %d: %v", n, err))
	}
	return k
}

// DevAddress returns the address of dev account n.
func DevAddress(n int) common.Address { return crypto.PubkeyToAddress(DevKey(n).PublicKey) }
