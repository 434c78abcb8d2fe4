package main

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/connect"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/provider"
)

// leaseRow is one lease as provider leases prints it: the daemon's record
// joined with the escrow's state.
type leaseRow struct {
	Lease        string           `json:"lease"`
	Tenant       string           `json:"tenant"`
	Provider     string           `json:"provider"`
	Image        string           `json:"image"`
	GPUs         int              `json:"gpus"`
	PricePerHour *big.Int         `json:"pricePerHour"`
	State        network.JobState `json:"state"`
	Detail       string           `json:"detail,omitempty"`
	ExitCode     *lease.ExitCode  `json:"exitCode,omitempty"`
	Chain        string           `json:"chainState,omitempty"`
	Deposit      *big.Int         `json:"deposit,omitempty"`
	Paid         *big.Int         `json:"paid,omitempty"`
	// Accrued is what a running lease has earned and not yet been paid.
	Accrued *big.Int  `json:"accrued,omitempty"`
	Updated time.Time `json:"updated"`
}

// earnings sums the rows.
type earnings struct {
	Leases  int                      `json:"leases"`
	ByState map[network.JobState]int `json:"byState"`
	Paid    *big.Int                 `json:"paid"`
	Accrued *big.Int                 `json:"accrued"`
	// ChainError says why the chain was not read (the numbers are then
	// the daemon's records only).
	ChainError string `json:"chainError,omitempty"`
}

type leaseSettings struct {
	market  connect.Settings
	workDir string
	output  cli.Output
}

func (s *leaseSettings) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	cli.AddChainFlags(f, &s.market)
	f.StringVar(&s.workDir, "work-dir", defaultWorkDir(), "the daemon's work directory (provider run --work-dir)")
	cli.AddOutputFlag(f, &s.output, "")
}

// rows reads the daemon's records and, when the chain can be reached,
// each lease's state and money on chain.
func (s *leaseSettings) rows(ctx context.Context, env *cli.Env) ([]leaseRow, uint8, error, error) {
	recs, err := provider.ReadLeases(s.workDir)
	if err != nil {
		return nil, 0, nil, err
	}
	rows := make([]leaseRow, 0, len(recs))
	for _, r := range recs {
		rows = append(rows, leaseRow{
			Lease: r.LeaseID.Hex(), Tenant: r.Order.Tenant.Hex(), Provider: r.Bid.Bid.Provider.Hex(),
			Image: r.Order.Job.Image, GPUs: len(r.GPUs), PricePerHour: r.Bid.Bid.PricePerHour,
			State: r.State, Detail: r.Detail, ExitCode: r.ExitCode, Updated: r.Updated,
		})
	}
	conn, chainErr := s.market.Dial(ctx, os.Getenv, env.Logger)
	if chainErr != nil {
		return rows, s.market.TokenDecimals, chainErr, nil
	}
	defer conn.Close()
	esc, decimals := conn.Escrow, conn.TokenDecimals
	for i := range rows {
		r := &recs[i]
		l, err := esc.Lease(ctx, r.LeaseID)
		if err != nil {
			return rows, decimals, err, nil
		}
		rows[i].Chain, rows[i].Deposit, rows[i].Paid = l.State.String(), l.Deposit, l.Paid
		if l.State == lease.StateRunning {
			acc, _, err := esc.Accrued(ctx, r.LeaseID, r.Terms())
			if err != nil {
				return rows, decimals, err, nil
			}
			rows[i].Accrued = acc.Sub(acc, l.Paid)
		}
	}
	return rows, decimals, nil, nil
}

func newLeasesCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	cmd := &cobra.Command{
		Use:   "leases",
		Short: "List the leases this provider has served, with what each paid",
		Long: `leases reads the lease records the daemon keeps in --work-dir (one per
lease, written at every change of state) and, when the chain can be reached
(--deployment, or --rpc-url and --escrow), each lease's state on chain,
deposit, what it has paid and what it has accrued since the last
withdrawal. Without a chain it prints the records alone.`,
		Example: `  provider leases --deployment .devnet/deployment.json
  provider leases --work-dir /var/lib/tender -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rows, decimals, chainErr, err := s.rows(cmd.Context(), env)
			if err != nil {
				return err
			}
			if chainErr != nil {
				env.Logger.Warn("chain not read; printing the records alone", "err", chainErr)
			}
			if s.output.JSON() {
				return cli.WriteJSON(env.Stdout, rows)
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "LEASE\tSTATE\tCHAIN\tIMAGE\tGPUS\tPRICE/H\tPAID\tACCRUED\tUPDATED")
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", r.Lease, r.State, dash(r.Chain), r.Image, r.GPUs,
					jobspec.FormatTokens(r.PricePerHour, decimals), tokens(r.Paid, decimals), tokens(r.Accrued, decimals), r.Updated.Format(time.RFC3339))
			}
			return tw.Flush()
		},
	}
	s.addFlags(cmd)
	return cmd
}

func newStatusCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Summarize what this provider runs and what it has earned",
		Long: `status counts the daemon's leases by state (from the records in --work-dir)
and sums what they paid and have accrued on chain (with --deployment, or
--rpc-url and --escrow).`,
		Example: `  provider status --deployment .devnet/deployment.json -o json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rows, decimals, chainErr, err := s.rows(cmd.Context(), env)
			if err != nil {
				return err
			}
			e := earnings{Leases: len(rows), ByState: map[network.JobState]int{}, Paid: new(big.Int), Accrued: new(big.Int)}
			if chainErr != nil {
				e.ChainError = chainErr.Error()
			}
			for _, r := range rows {
				e.ByState[r.State]++
				if r.Paid != nil {
					e.Paid.Add(e.Paid, r.Paid)
				}
				if r.Accrued != nil {
					e.Accrued.Add(e.Accrued, r.Accrued)
				}
			}
			if s.output.JSON() {
				return cli.WriteJSON(env.Stdout, e)
			}
			fmt.Fprintf(env.Stdout, "leases   %d", e.Leases)
			for _, st := range []network.JobState{network.JobRunning, network.JobAwaitingSecrets, network.JobStarting, network.JobExited, network.JobClosed, network.JobFailed} {
				if n := e.ByState[st]; n > 0 {
					fmt.Fprintf(env.Stdout, ", %d %s", n, st)
				}
			}
			fmt.Fprintln(env.Stdout)
			if e.ChainError != "" {
				fmt.Fprintf(env.Stdout, "earned   unknown: %s\n", e.ChainError)
				return nil
			}
			fmt.Fprintf(env.Stdout, "paid     %s tokens\naccrued  %s tokens (not withdrawn yet)\n", jobspec.FormatTokens(e.Paid, decimals), jobspec.FormatTokens(e.Accrued, decimals))
			return nil
		},
	}
	s.addFlags(cmd)
	return cmd
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func tokens(v *big.Int, decimals uint8) string {
	if v == nil {
		return "-"
	}
	return jobspec.FormatTokens(v, decimals)
}
