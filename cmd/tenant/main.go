// Command tenant is the ML engineer's side of Tender: it turns a job spec
// into a signed compute order, runs the sealed-bid auction for it, pays the
// winner through escrow, and follows the job to its results.
package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
)

func main() { os.Exit(cli.Main(newRoot, os.Args[1:], os.Stdout, os.Stderr)) }

func newRoot(env *cli.Env) *cobra.Command {
	root := cli.NewRoot("tenant", "Run containerized GPU jobs on the Tender market",
		`tenant is the ML engineer's side of Tender, a decentralized GPU compute market.

It turns a job spec into a signed compute order, collects providers' sealed
bids, picks the winner by the published rule (lowest qualifying price), opens
a lease in the market's escrow contract, and follows the job to its results.
You pay for the seconds the job ran; the rest of the deposit comes back.

`+cli.SettingsHelp(), env)
	root.AddCommand(newVerifyCommand(env), newSubmitCommand(env), newLeasesCommand(env),
		newStatusCommand(env), newLogsCommand(env), newExecCommand(env), newShellCommand(env), newForwardCommand(env), newResultsCommand(env),
		newCancelCommand(env), newTopUpCommand(env), newReclaimCommand(env))
	return root
}
