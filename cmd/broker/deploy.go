package main

import (
	"fmt"
	"os"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/connect"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/lease"
)

type deployConfig struct {
	rpcURL, wsURL string
	token         string
	key           connect.Settings // whose key deploys
	startWindow   time.Duration
	confirmations uint64
	out           string
	devNetwork    bool
}

func newDeployCommand(env *cli.Env) *cobra.Command {
	var cfg deployConfig
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Deploy the market's escrow on any EVM chain, for an existing ERC-20 token",
		Long: `deploy puts a Tender market on a chain: it checks the payment token (--token:
a contract that says its decimals; one that anyone may mint, like the dev
chain's test token, only with --dev-network), deploys the escrow contract
paid in it from the account whose key it is given, waits until the
deployment is --confirmations blocks deep, checks the contract there (the
token, the start window, the EIP-712 domain), and writes the deployment
file (--out): chain ID, RPC URL, escrow, token with its decimals and
symbol, start window and deployment block. provider, tenant and broker take
that file with --deployment, as they take the dev chain's.

The key comes from --key-file (a go-ethereum keystore with
--key-password-file, or a file holding the key as hex) or the environment
variable ` + connect.KeyEnv + ` (hex); it pays the deployment's gas (about 2.6
million) and has no other role in the market. docs/real-network.md says how
to choose the token, start window and confirmations.`,
		Example: `  TENDER_KEY=... broker deploy --rpc-url https://rpc.example --token 0xA0b8...eB48 --out deployment.json
  broker deploy --rpc-url http://127.0.0.1:8545 --token 0x5FbD...0aa3 --dev-account 0 --dev-network --confirmations 1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return deploy(cmd, env, cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.rpcURL, "rpc-url", "", "JSON-RPC endpoint of the chain (http, ws or ipc); required")
	f.StringVar(&cfg.wsURL, "ws-url", "", "the same endpoint over WebSocket, written to the deployment file for commands that subscribe")
	f.StringVar(&cfg.token, "token", "", "address of the ERC-20 token leases are paid in (0x...); required")
	cli.AddKeyFlags(f, &cfg.key)
	f.DurationVar(&cfg.startWindow, "start-window", 10*time.Minute, "how long a provider has to start a lease once it opens, after which the tenant may take its deposit back")
	f.Uint64Var(&cfg.confirmations, "confirmations", 2, "blocks to wait on top of the deployment before checking and writing it")
	f.StringVar(&cfg.out, "out", "deployment.json", "deployment file to write")
	f.BoolVar(&cfg.devNetwork, "dev-network", false, "allow a token anyone may mint (a test token) and dev account keys: for a network without value only")
	return cmd
}

func deploy(cmd *cobra.Command, env *cli.Env, cfg deployConfig) error {
	ctx := cmd.Context()
	switch {
	case cfg.rpcURL == "":
		return fmt.Errorf("--rpc-url is not set (env %s)", cli.EnvName("rpc-url"))
	case !common.IsHexAddress(cfg.token):
		return fmt.Errorf("--token %q is not an address: want 0x and 40 hex digits", cfg.token)
	case cfg.key.DevAccount >= 0 && !cfg.devNetwork:
		return fmt.Errorf("--dev-account %d: dev account keys are public; only with --dev-network", cfg.key.DevAccount)
	}
	key, err := cfg.key.Key(os.Getenv)
	if err != nil {
		return err
	}

	ec, err := lease.DialRPC(ctx, cfg.rpcURL)
	if err != nil {
		return fmt.Errorf("--rpc-url: %w", err)
	}
	defer ec.Close()
	chainID, err := ec.ChainID(ctx)
	if err != nil {
		return fmt.Errorf("--rpc-url %s: chain ID: %w", cfg.rpcURL, err)
	}
	token, err := lease.CheckToken(ctx, ec, common.HexToAddress(cfg.token))
	if err != nil {
		return fmt.Errorf("--token: %w", err)
	}
	if token.OpenMint && !cfg.devNetwork {
		return fmt.Errorf("--token %s: anyone may mint it, so it has no value (a test token?); deploy on it only with --dev-network", token.Address.Hex())
	}
	fmt.Fprintf(env.Stderr, "chain %s, token %s (%s, %d decimals)\n", chainID, token.Address.Hex(), token.Symbol, token.Decimals)

	auth := bind.NewKeyedTransactor(key, chainID)
	c, block, err := lease.Deploy(ctx, ec, auth, token.Address, cfg.startWindow, cfg.confirmations, func(s string) {
		fmt.Fprintln(env.Stderr, s)
	})
	if err != nil {
		return err
	}
	d := deployment.Deployment{
		ChainID: chainID.Uint64(), RPCURL: cfg.rpcURL, WSURL: cfg.wsURL, Escrow: c.Address(),
		Token: token.Address, TokenDecimals: token.Decimals, TokenSymbol: token.Symbol,
		StartWindowSeconds: c.StartWindow(), DeployedAt: block,
	}
	if err := d.Save(cfg.out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "escrow %s deployed in block %d on chain %s; deployment file %s\n", c.Address().Hex(), block, chainID, cfg.out)
	return nil
}
