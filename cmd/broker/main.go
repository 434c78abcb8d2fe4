// Command broker runs a Tender broker: the market's memory and window. It
// indexes orders, auction transcripts and leases into PostgreSQL, serves them
// over an HTTP API and a web dashboard, and acts as a bootstrap peer.
package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
)

func main() { os.Exit(cli.Main(newRoot, os.Args[1:], os.Stdout, os.Stderr)) }

func newRoot(env *cli.Env) *cobra.Command {
	root := cli.NewRoot("broker", "Index the Tender market and serve its dashboard",
		`broker runs a Tender broker, the market's memory and window.

A broker indexes every order, auction transcript, lease and payment it sees
into PostgreSQL, serves them over an HTTP API and a web dashboard, and acts as
a bootstrap peer for providers and tenants. It holds no funds and cannot
change a signed message: anyone can run one.

`+cli.SettingsHelp(), env)
	root.AddCommand(newDevchainCommand(env))
	root.AddCommand(newDeployCommand(env))
	root.AddCommand(newRunCommand(env))
	return root
}
