package lease

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/lease/escrow"
)

// Group is a verified order's replicas as the escrow keeps them, under the
// order's digest. Their pay is held until the group settles: then the
// providers whose result digest more than half of the reporting replicas
// gave are paid what they earned, and the others' pay goes back to the
// tenant.
type Group struct {
	OrderHash common.Hash
	// MaxReplicas is how many may run at once: the order's replicas, or 2
	// for a spot-checked order.
	MaxReplicas int
	// Active is how many leases are in the group now: one reclaimed,
	// declined or cancelled before it reported has left it, and another
	// bid may take its place.
	Active int
	// Opens counts every lease ever opened in the group (at most 8).
	Opens int
	// Referee: a third replica joined after two disagreed.
	Referee bool
	Settled bool
	// Expiry is the order's (unix seconds): nobody joins after it, and a
	// group with fewer than MaxReplicas active may settle from then on.
	Expiry uint64
	// Leases lists every lease opened in the group, in the order they
	// joined; Digests[i] is the result digest Leases[i] reported (zero
	// until it did).
	Leases  []common.Hash
	Digests []common.Hash
}

// Group reads the group of the verified order whose digest is orderHash;
// ErrUnknownGroup when no replica of it was ever opened.
func (c *Client) Group(ctx context.Context, orderHash common.Hash) (Group, error) {
	out, err := bind.Call(c.contract, &bind.CallOpts{Context: ctx}, c.abi.PackGetGroup(orderHash), c.abi.UnpackGetGroup)
	if err != nil {
		return Group{}, fmt.Errorf("read the replicas of order %s: %w", orderHash.Hex(), c.errs.explain(err))
	}
	g := Group{
		OrderHash:   orderHash,
		MaxReplicas: int(out.Group.MaxReplicas),
		Active:      int(out.Active.Int64()),
		Opens:       int(out.Group.Opens),
		Referee:     out.Group.Referee,
		Settled:     out.Group.Settled,
		Expiry:      out.Group.Expiry.Uint64(),
	}
	if g.Opens == 0 {
		return g, fmt.Errorf("order %s: %w", orderHash.Hex(), ErrUnknownGroup)
	}
	for i, id := range out.Members {
		g.Leases = append(g.Leases, id)
		g.Digests = append(g.Digests, out.Digests[i])
	}
	return g, nil
}

// Settle settles the group of the verified order orderHash; anyone may.
// It reads each member's terms from its LeaseOpened event at or after
// block from (the escrow's deployment block, or 0). The escrow refuses
// while replicas may still join (ErrGroupStillOpen), while two that
// disagreed may still get a referee (ErrRefereeWindowOpen), and while a
// member runs or may still start before its deadline
// (ErrReplicaNotEnded).
func (c *Client) Settle(ctx context.Context, auth *bind.TransactOpts, orderHash common.Hash, from uint64) (*Receipt, error) {
	g, err := c.Group(ctx, orderHash)
	if err != nil {
		return nil, fmt.Errorf("settle: %w", err)
	}
	if g.Settled {
		return nil, fmt.Errorf("settle order %s: %w", orderHash.Hex(), ErrGroupSettled)
	}
	terms := make([]Terms, len(g.Leases))
	for i, id := range g.Leases {
		if terms[i], _, err = c.Opening(ctx, id, from); err != nil {
			return nil, fmt.Errorf("settle order %s: %w", orderHash.Hex(), err)
		}
	}
	return c.transact(ctx, auth, "settle replicas of order", orderHash, c.abi.PackSettle(orderHash, argsOf(terms)), uint64(len(terms)+1))
}

// argsOf is terms as the escrow takes them.
func argsOf(terms []Terms) []escrow.EscrowTerms {
	out := make([]escrow.EscrowTerms, len(terms))
	for i, t := range terms {
		out[i] = t.Args()
	}
	return out
}
