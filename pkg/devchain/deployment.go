package devchain

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
)

// Deployment is what a running dev chain tells other commands: where to reach
// it, where the contracts are, and the funded dev accounts. Run writes it as
// JSON to its state file; Load reads it back.
type Deployment struct {
	ChainID uint64 `json:"chainId"`
	// RPCURL is the JSON-RPC endpoint over HTTP; WSURL the same over
	// WebSocket (with subscriptions).
	RPCURL string         `json:"rpcUrl"`
	WSURL  string         `json:"wsUrl"`
	Escrow common.Address `json:"escrow"`
	Token  common.Address `json:"token"`
	// TokenDecimals is the number of decimals of Token.
	TokenDecimals uint8 `json:"tokenDecimals"`
	// StartWindowSeconds is how long a provider has to start a lease.
	StartWindowSeconds uint64 `json:"startWindowSeconds"`
	// DeployedAt is the block that deployed the contracts: event scans
	// begin there.
	DeployedAt uint64 `json:"deployedAt"`
	// Accounts are the funded dev accounts, account n with Key(n). Their
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

// Load reads a deployment written by Run.
func Load(path string) (Deployment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Deployment{}, fmt.Errorf("dev chain state: %w", err)
	}
	var d Deployment
	if err := json.Unmarshal(data, &d); err != nil {
		return Deployment{}, fmt.Errorf("dev chain state %s: %w", path, err)
	}
	if d.RPCURL == "" || d.ChainID == 0 || d.Escrow == (common.Address{}) {
		return Deployment{}, fmt.Errorf("dev chain state %s: %w", path, errors.New("rpcUrl, chainId or escrow missing"))
	}
	return d, nil
}

// Save writes the deployment to path atomically (a reader never sees half a
// file).
func (d *Deployment) Save(path string) error {
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("encode dev chain state: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("dev chain state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".devchain-*.json")
	if err != nil {
		return fmt.Errorf("dev chain state: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("dev chain state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("dev chain state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("dev chain state: %w", err)
	}
	return nil
}
