package main

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/auction"
)

func newVerifyCommand(env *cli.Env) *cobra.Command {
	var market cli.Market
	var output cli.Output
	cmd := &cobra.Command{
		Use:   "verify TRANSCRIPT",
		Short: "Re-check an auction transcript from its signed messages",
		Long: `verify re-checks an auction transcript (a JSON file, or - for standard input):
the tenant's signature on the order, every provider's signature on its bid,
that no bid appears twice, that re-running the winner rule with the
transcript's reputation floor (minReputation: a bid whose provider's
recorded reputation is below it cannot win) gives the same reasons and
winner, and that the auctioneer (the order's tenant) signed it, floor
included.

Signatures are bound to one market deployment, so --chain-id and --escrow
must name the market the auction ran in.`,
		Example: `  tenant verify transcript.json --chain-id 31337 --escrow 0x5FbDB2315678afecb367f032d93F642f64180aa3
  curl -s $BROKER/api/v1/transcripts/$ORDER | tenant verify - -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			domain, err := market.Domain()
			if err != nil {
				return err
			}
			data, err := readInput(cmd.InOrStdin(), args[0], auction.MaxTranscriptBytes)
			if err != nil {
				return err
			}
			tr, err := auction.DecodeTranscript(data)
			if err != nil {
				return err
			}
			order, winner, err := domain.Verify(&tr)
			if err != nil {
				return fmt.Errorf("transcript does not verify: %w", err)
			}
			if output.JSON() {
				return writeVerdictJSON(env.Stdout, &tr, &order, winner)
			}
			return writeVerdict(env.Stdout, &tr, &order, winner)
		},
	}
	market.AddFlags(cmd.Flags())
	cli.AddOutputFlag(cmd.Flags(), &output, "")
	return cmd
}

// readInput reads a file, or standard input for "-", refusing more than limit bytes.
func readInput(stdin io.Reader, path string, limit int64) ([]byte, error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is over %d bytes: %w", path, limit, auction.ErrTooLarge)
	}
	return data, nil
}

func writeVerdict(w io.Writer, tr *auction.Transcript, order *auction.VerifiedOrder, winner *auction.VerifiedBid) error {
	fmt.Fprintf(w, "transcript verifies (rule %s)\n", tr.Rule)
	fmt.Fprintf(w, "order   %s\ntenant  %s\nmax     %s per hour\nclosed  %s\n", order.Hash.Hex(), order.Order.Tenant.Hex(), order.Order.MaxPricePerHour, tr.ClosedAt.Format("2006-01-02 15:04:05.000 MST"))
	if tr.MinReputation > 0 {
		fmt.Fprintf(w, "floor   reputation %d or more (minReputation)\n", tr.MinReputation)
	} else {
		fmt.Fprintln(w, "floor   none (minReputation 0)")
	}
	if winner == nil {
		fmt.Fprintln(w, "winner  none: no bid qualified")
	} else {
		fmt.Fprintf(w, "winner  %s at %s per hour (lease %s)\n", winner.Bid.Provider.Hex(), winner.Bid.PricePerHour, winner.Hash.Hex())
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nPROVIDER\tPRICE/H\tREPUTATION\tARRIVAL\tRESULT")
	for _, e := range tr.Entries {
		result := "eligible"
		if e.Reason != auction.ReasonEligible {
			result = string(e.Reason)
		}
		if winner != nil && e.Bid.Bid.Provider == winner.Bid.Provider && e.Bid.Signature == winner.Signature {
			result = "WON"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", e.Bid.Bid.Provider.Hex(), e.Bid.Bid.PricePerHour, e.Reputation, e.Arrival.Format("15:04:05.000"), result)
	}
	return tw.Flush()
}

func writeVerdictJSON(w io.Writer, tr *auction.Transcript, order *auction.VerifiedOrder, winner *auction.VerifiedBid) error {
	type bid struct {
		Provider   string         `json:"provider"`
		Price      string         `json:"pricePerHour"`
		Reputation uint64         `json:"reputation"`
		Reason     auction.Reason `json:"reason,omitempty"`
	}
	out := struct {
		Verified      bool   `json:"verified"`
		Rule          string `json:"rule"`
		MinReputation uint64 `json:"minReputation"`
		Order         string `json:"order"`
		Winner        string `json:"winner,omitempty"`
		Lease         string `json:"lease,omitempty"`
		Price         string `json:"pricePerHour,omitempty"`
		Bids          []bid  `json:"bids"`
	}{Verified: true, Rule: tr.Rule, MinReputation: tr.MinReputation, Order: order.Hash.Hex(), Bids: []bid{}}
	if winner != nil {
		out.Winner, out.Lease, out.Price = winner.Bid.Provider.Hex(), winner.Hash.Hex(), winner.Bid.PricePerHour.String()
	}
	for _, e := range tr.Entries {
		out.Bids = append(out.Bids, bid{e.Bid.Bid.Provider.Hex(), e.Bid.Bid.PricePerHour.String(), e.Reputation, e.Reason})
	}
	return cli.WriteJSON(w, out)
}
