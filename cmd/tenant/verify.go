package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
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
  provider's signature on its bid, that no bid appears twice, that it
  names its order's winner rule, that re-running the rule with the
  transcript's reputation floor (minReputation: a bid whose provider's
  recorded reputation is below it cannot win) gives the same reasons and
  winners, and that the auctioneer (the order's tenant) signed it, floor
  included. A replicated order (verify with replicas 2 or 3) has that many
  winners from distinct providers (rule tender/lowest-price-replicas/1):
  a second bid from a winner's address or peer ID is a duplicate_provider,
  and a transcript with other winners, or fewer than the distinct bids
  allow, does not verify;
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
				order, winners, err := domain.VerifyWinners(&tr)
				if err != nil {
					return fmt.Errorf("transcript does not verify: %w", err)
				}
				if output.JSON() {
					return writeVerdictJSON(env.Stdout, &tr, &order, winners)
				}
				return writeVerdict(env.Stdout, &tr, &order, winners)
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

func writeVerdict(w io.Writer, tr *auction.Transcript, order *auction.VerifiedOrder, winners []auction.VerifiedBid) error {
	fmt.Fprintf(w, "transcript verifies (rule %s)\n", tr.Rule)
	fmt.Fprintf(w, "order   %s\ntenant  %s\nmax     %s per hour\nclosed  %s\n", order.Hash.Hex(), order.Order.Tenant.Hex(), order.Order.MaxPricePerHour, tr.ClosedAt.Format("2006-01-02 15:04:05.000 MST"))
	if tr.MinReputation > 0 {
		fmt.Fprintf(w, "floor   reputation %d or more (minReputation)\n", tr.MinReputation)
	} else {
		fmt.Fprintln(w, "floor   none (minReputation 0)")
	}
	v := order.Order.Verify
	switch {
	case v.Replicated():
		fmt.Fprintf(w, "verify  %d replicas on distinct providers, results compared over %s\n", v.Replicas, strings.Join(v.Paths, ", "))
	case v.Held():
		fmt.Fprintf(w, "verify  spot check of %s of orders over %s: one winner; a check, if the tenant runs one, is the best bid of another provider\n", bpsText(v.SpotCheckBps), strings.Join(v.Paths, ", "))
	}
	switch {
	case len(winners) == 0:
		fmt.Fprintln(w, "winner  none: no bid qualified")
	case !v.Replicated():
		fmt.Fprintf(w, "winner  %s at %s per hour (lease %s)\n", winners[0].Bid.Provider.Hex(), winners[0].Bid.PricePerHour, winners[0].Hash.Hex())
	default:
		fmt.Fprintf(w, "winners %d of %d replicas", len(winners), v.Replicas)
		if len(winners) < int(v.Replicas) {
			fmt.Fprint(w, ": fewer providers qualified")
		}
		fmt.Fprintln(w)
		for i, b := range winners {
			fmt.Fprintf(w, "  %d     %s at %s per hour (lease %s)\n", i+1, b.Bid.Provider.Hex(), b.Bid.PricePerHour, b.Hash.Hex())
		}
	}
	rank := make(map[auction.Signature]int, len(winners)) // a winning entry's place
	for i, b := range winners {
		rank[b.Signature] = i + 1
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nPROVIDER\tPRICE/H\tREPUTATION\tARRIVAL\tRESULT")
	for _, e := range tr.Entries {
		result := "eligible"
		if e.Reason != auction.ReasonEligible {
			result = string(e.Reason)
		}
		if n, won := rank[e.Bid.Signature]; won {
			result = "WON"
			if v.Replicated() {
				result = fmt.Sprintf("WON %d", n)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", e.Bid.Bid.Provider.Hex(), e.Bid.Bid.PricePerHour, e.Reputation, e.Arrival.Format("15:04:05.000"), result)
	}
	return tw.Flush()
}

func writeVerdictJSON(w io.Writer, tr *auction.Transcript, order *auction.VerifiedOrder, winners []auction.VerifiedBid) error {
	type bid struct {
		Provider   string         `json:"provider"`
		Price      string         `json:"pricePerHour"`
		Reputation uint64         `json:"reputation"`
		Reason     auction.Reason `json:"reason,omitempty"`
	}
	type winner struct {
		Provider string `json:"provider"`
		Lease    string `json:"lease"`
		Price    string `json:"pricePerHour"`
	}
	out := struct {
		Verified      bool            `json:"verified"`
		Rule          string          `json:"rule"`
		MinReputation uint64          `json:"minReputation"`
		Order         string          `json:"order"`
		Verify        *auction.Verify `json:"verify,omitempty"`
		Winner        string          `json:"winner,omitempty"`
		Lease         string          `json:"lease,omitempty"`
		Price         string          `json:"pricePerHour,omitempty"`
		// Winners are every winner, best first: the one above, or one per
		// replica of a replicated order.
		Winners []winner `json:"winners"`
		Bids    []bid    `json:"bids"`
	}{Verified: true, Rule: tr.Rule, MinReputation: tr.MinReputation, Order: order.Hash.Hex(), Winners: []winner{}, Bids: []bid{}}
	if v := order.Order.Verify; !v.IsZero() {
		out.Verify = &v
	}
	for _, b := range winners {
		out.Winners = append(out.Winners, winner{b.Bid.Provider.Hex(), b.Hash.Hex(), b.Bid.PricePerHour.String()})
	}
	if len(winners) > 0 {
		out.Winner, out.Lease, out.Price = out.Winners[0].Provider, out.Winners[0].Lease, out.Winners[0].Price
	}
	for _, e := range tr.Entries {
		out.Bids = append(out.Bids, bid{e.Bid.Bid.Provider.Hex(), e.Bid.Bid.PricePerHour.String(), e.Reputation, e.Reason})
	}
	return cli.WriteJSON(w, out)
}

// bpsText writes basis points as a percentage: 1000 is "10%", 5 "0.05%".
func bpsText(bps uint16) string {
	s := fmt.Sprintf("%d.%02d", bps/100, bps%100)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".") + "%"
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
