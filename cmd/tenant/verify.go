package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/auction"
)

func newVerifyCommand(env *cli.Env) *cobra.Command {
	var market cli.Market
	var output cli.Output
	cmd := &cobra.Command{
		Use:   "verify MESSAGE",
		Short: "Re-check an auction transcript, or one order, bid or no-bid, from its signatures",
		Long: `verify re-checks a signed message of the market (a JSON file in the wire
encoding, or - for standard input), whichever it is:

- an auction transcript: the tenant's signature on the order, every
  provider's signature on its bid, that no bid appears twice, that
  re-running the winner rule with the transcript's reputation floor
  (minReputation: a bid whose provider's recorded reputation is below it
  cannot win) gives the same reasons and winner, and that the auctioneer
  (the order's tenant) signed it, floor included;
- an order: well-formed, and signed by its tenant;
- a bid: well-formed, and signed by its provider (its hash is the ID of a
  lease opened from it);
- a no-bid: well-formed, and signed by its provider.

It does not judge time: an expired order or bid still verifies, and the
output says when it expires. Signatures are bound to one market deployment,
so --chain-id and --escrow must name the market the message belongs to.`,
		Example: `  tenant verify transcript.json --chain-id 31337 --escrow 0x5FbDB2315678afecb367f032d93F642f64180aa3
  curl -s $BROKER/api/v1/transcripts/$ORDER | tenant verify - -o json
  tenant verify bid.json --chain-id 31337 --escrow 0x5FbDB2315678afecb367f032d93F642f64180aa3`,
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
			switch kind := messageKind(data); kind {
			case "transcript":
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
			default:
				v, err := verifyMessage(domain, kind, data)
				if err != nil {
					return fmt.Errorf("%s does not verify: %w", kind, err)
				}
				if output.JSON() {
					return cli.WriteJSON(env.Stdout, v)
				}
				return writeMessageVerdict(env.Stdout, v)
			}
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

// messageKind tells which message data holds by its top-level fields:
// "transcript" (it names a rule), "order", "bid" or "no-bid"; "transcript"
// when it cannot tell, so that the transcript decoder says what is wrong.
func messageKind(data []byte) string {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return "transcript"
	}
	switch {
	case top["rule"] != nil:
		return "transcript"
	case top["bid"] != nil:
		return "bid"
	case top["noBid"] != nil:
		return "no-bid"
	case top["order"] != nil:
		return "order"
	}
	return "transcript"
}

// messageVerdict is what verify says of an order, a bid or a no-bid.
type messageVerdict struct {
	Verified bool   `json:"verified"`
	Kind     string `json:"kind"`
	// Hash is the message's EIP-712 digest (a bid's is its lease ID).
	Hash   string `json:"hash"`
	Signer string `json:"signer"`
	// Order is the order a bid or no-bid answers.
	Order   string `json:"order,omitempty"`
	Price   string `json:"pricePerHour,omitempty"`
	Expires string `json:"expires,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// verifyMessage checks an order, bid or no-bid (kind) in the wire
// encoding: well-formed and signed by its author.
func verifyMessage(d auction.Domain, kind string, data []byte) (messageVerdict, error) {
	expires := func(unix uint64) string { return time.Unix(int64(unix), 0).UTC().Format(time.RFC3339) }
	switch kind {
	case "order":
		so, err := auction.DecodeOrder(data)
		if err != nil {
			return messageVerdict{}, err
		}
		vo, err := d.VerifyOrder(so)
		if err != nil {
			return messageVerdict{}, err
		}
		o := &vo.Order
		return messageVerdict{Verified: true, Kind: kind, Hash: vo.Hash.Hex(), Signer: o.Tenant.Hex(),
			Price: o.MaxPricePerHour.String(), Expires: expires(o.Expiry)}, nil
	case "bid":
		sb, err := auction.DecodeBid(data)
		if err != nil {
			return messageVerdict{}, err
		}
		vb, err := d.VerifyBid(sb)
		if err != nil {
			return messageVerdict{}, err
		}
		b := &vb.Bid
		return messageVerdict{Verified: true, Kind: kind, Hash: vb.Hash.Hex(), Signer: b.Provider.Hex(),
			Order: b.OrderHash.Hex(), Price: b.PricePerHour.String(), Expires: expires(b.Expiry)}, nil
	default:
		nb, err := d.DecodeNoBid(data)
		if err != nil {
			return messageVerdict{}, err
		}
		n := &nb.NoBid
		return messageVerdict{Verified: true, Kind: kind, Hash: d.NoBidHash(n).Hex(), Signer: n.Provider.Hex(),
			Order: n.OrderHash.Hex(), Reason: string(n.Reason), Detail: n.Detail}, nil
	}
}

func writeMessageVerdict(w io.Writer, v messageVerdict) error {
	signer := map[string]string{"order": "tenant"}[v.Kind]
	if signer == "" {
		signer = "provider"
	}
	fmt.Fprintf(w, "%s verifies: signed by its %s %s\nhash     %s\n", v.Kind, signer, v.Signer, v.Hash)
	if v.Kind == "bid" {
		fmt.Fprintf(w, "lease    %s (a lease opened from this bid has its hash as ID)\n", v.Hash)
	}
	for _, f := range []struct{ name, value string }{
		{"order", v.Order}, {"price", v.Price}, {"expires", v.Expires}, {"reason", v.Reason}, {"detail", v.Detail},
	} {
		if f.value != "" {
			fmt.Fprintf(w, "%-8s %s\n", f.name, f.value)
		}
	}
	return nil
}
