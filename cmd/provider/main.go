// Command provider is the GPU owner's side of Tender: it describes the
// machine's GPUs, listens for compute orders, bids on the ones it can serve,
// and runs the winning tenants' containers.
package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
)

func main() { os.Exit(cli.Main(newRoot, os.Args[1:], os.Stdout, os.Stderr)) }

func newRoot(env *cli.Env) *cobra.Command {
	root := cli.NewRoot("provider", "Rent out GPUs on the Tender market",
		`provider is the GPU owner's side of Tender, a decentralized GPU compute market.

It inventories the machine's GPUs through NVML, listens for tenants' compute
orders over libp2p, answers the ones it can serve with signed sealed bids,
runs the winners' containers through the Docker Engine, and is paid through
the market's escrow contract for the seconds it ran.

`+cli.SettingsHelp(), env)
	root.AddCommand(newInventoryCommand(env), newRunCommand(env), newLeasesCommand(env), newStatusCommand(env))
	return root
}
