package cli

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/pflag"

	"github.com/tender-market/tender/pkg/auction"
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
