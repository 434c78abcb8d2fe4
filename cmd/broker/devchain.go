package main

import (
	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/devchain"
)

func newDevchainCommand(env *cli.Env) *cobra.Command {
	cfg := devchain.Config{}
	cmd := &cobra.Command{
		Use:   "devchain",
		Short: "Run a local Ethereum chain with the market's contracts deployed",
		Long: `devchain runs a local Ethereum chain for development: go-ethereum's
simulated backend serving JSON-RPC over HTTP and WebSocket on a loopback
address. It funds dev accounts whose keys are fixed and public (account n's
private key is keccak256("tender dev key n")), mints 1,000,000 test tokens
(of --token-decimals) to each, deploys the test token and the escrow
contract, and writes where everything is (RPC URL, chain ID, addresses,
accounts) to the --state file, which the other commands read. It serves until interrupted, then removes the
state file.

Nothing here is needed on a real chain: every command also takes an RPC URL
and a contract address. Never send real funds to the dev accounts.`,
		Example: `  broker devchain
  broker devchain --addr 127.0.0.1:0 --state .devnet/deployment.json --block-period 1s`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Logger = env.Logger
			return devchain.Run(cmd.Context(), cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Addr, "addr", devchain.DefaultAddr, "loopback host:port for JSON-RPC (port 0 picks a free port)")
	f.StringVar(&cfg.StateFile, "state", ".devnet/deployment.json", "file to write the deployment to")
	f.DurationVar(&cfg.BlockPeriod, "block-period", 0, "seal a block this often (0: as soon as a transaction waits)")
	f.IntVar(&cfg.Accounts, "accounts", devchain.DefaultAccounts, "how many dev accounts to fund")
	f.DurationVar(&cfg.StartWindow, "start-window", devchain.DefaultStartWindow, "how long a provider has to start a lease after it opens")
	f.Uint8Var(&cfg.TokenDecimals, "token-decimals", devchain.TokenDecimals, "decimals of the test token (18 to try the market with a token like most)")
	f.BoolVar(&cfg.Automine, "automine", false, "seal a block only for a transaction, as automining nodes do: chain time stands still while the chain is idle (default: an empty block after a second without)")
	return cmd
}
