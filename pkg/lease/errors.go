package lease

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/tender-market/tender/pkg/lease/escrow"
	"github.com/tender-market/tender/pkg/lease/token"
)

// Errors a user can act on. The client returns them wrapped with details,
// whether it found the problem before sending or decoded it from the escrow's
// revert; match them with errors.Is. ErrIllegalTransition and ErrNotAllowed
// (state.go) cover a lease in the wrong state and a caller in the wrong role.
var (
	ErrOrderExpired           = errors.New("order expired")
	ErrBidExpired             = errors.New("bid expired")
	ErrPriceAboveMax          = errors.New("bid price above the order's maximum")
	ErrPriceTooHigh           = errors.New("price per hour above what the escrow accepts")
	ErrWrongOrder             = errors.New("bid names another order")
	ErrBadSignature           = errors.New("bad bid signature")
	ErrLeaseExists            = errors.New("lease already exists (bid used)")
	ErrUnknownLease           = errors.New("no such lease")
	ErrTermsMismatch          = errors.New("terms do not match the lease")
	ErrDepositTooSmall        = errors.New("deposit too small for the minimum duration")
	ErrDepositTooLarge        = errors.New("deposit too large")
	ErrZeroAmount             = errors.New("amount is zero")
	ErrZeroMaxDuration        = errors.New("order's max duration is zero")
	ErrStartDeadlinePassed    = errors.New("start deadline passed")
	ErrStartDeadlineNotPassed = errors.New("start deadline not passed yet")
	ErrNothingToWithdraw      = errors.New("nothing to withdraw yet")
	ErrNotOverdrawn           = errors.New("lease is not overdrawn")
	ErrDepositExhausted       = errors.New("the deposit has run out: the lease can only be closed")
	ErrNothingToClaim         = errors.New("nothing to claim")
	ErrAllowanceTooLow        = errors.New("token allowance too low")
	ErrBalanceTooLow          = errors.New("token balance too low")
	ErrTokenTransfer          = errors.New("token transfer failed")
	ErrReentrant              = errors.New("reentrant call refused")
	ErrReverted               = errors.New("transaction reverted")
	// ErrNoGasFunds: the sender's account cannot pay for the
	// transaction's gas.
	ErrNoGasFunds = errors.New("the account cannot pay for gas")

	// Replicas of a verified order (their group is the order's digest).

	// ErrHeld: a replica's pay waits for its group; it cannot be withdrawn
	// or closed as overdrawn.
	ErrHeld = errors.New("the lease is a replica: its pay is held until its group settles")
	// ErrInvalidVerify: the order's verify asks for something the escrow
	// does not know (replicas 2 or 3, or 1 with a spot-check rate).
	ErrInvalidVerify = errors.New("the order's verify is invalid")
	// ErrGroupFull: the order has as many replicas as it asked for (or
	// opened as many leases as a group may).
	ErrGroupFull = errors.New("the order's replicas are all taken")
	// ErrProviderInGroup: the provider already holds (or held) a replica
	// of this order.
	ErrProviderInGroup = errors.New("the provider already has a replica of this order")
	// ErrGroupSettled: the order's group was settled already.
	ErrGroupSettled = errors.New("the order's replicas are settled already")
	// ErrUnknownGroup: no replica of this order was ever opened.
	ErrUnknownGroup = errors.New("no replica of this order was opened")
	// ErrGroupStillOpen: replicas may still join the group (it has fewer
	// than it asked for, and the order has not expired).
	ErrGroupStillOpen = errors.New("replicas may still join the order's group")
	// ErrReplicaNotEnded: a replica still runs, or may still start, before
	// its deadline.
	ErrReplicaNotEnded = errors.New("a replica has not ended")
	// ErrRefereeWindowOpen: two replicas disagreed and the tenant may
	// still add a referee.
	ErrRefereeWindowOpen = errors.New("two replicas disagreed and the referee window is open")
)

// noGasFunds marks err, a refused transaction, as ErrNoGasFunds when the
// node said the account lacks the ETH for its gas.
func noGasFunds(err error, from common.Address) error {
	if err != nil && strings.Contains(err.Error(), "insufficient funds") {
		return fmt.Errorf("%w: %s holds too little ETH (%v)", ErrNoGasFunds, from.Hex(), err)
	}
	return err
}

// revertData digs the revert data out of a JSON-RPC error (eth_call,
// eth_estimateGas), when there is any.
func revertData(err error) ([]byte, bool) {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return nil, false
	}
	switch d := de.ErrorData().(type) {
	case string:
		b, err := hexutil.Decode(d)
		return b, err == nil
	case []byte:
		return d, true
	}
	return nil, false
}

// errorDecoder turns escrow and token revert data into the errors above.
type errorDecoder struct {
	escrow *escrow.Escrow
	token  *token.TestToken // the standard ERC-20 errors (OpenZeppelin's)
}

// explain returns err as an error a user can act on when it carries revert
// data the escrow or the token produced, and err itself otherwise.
func (d errorDecoder) explain(err error) error {
	data, ok := revertData(err)
	if !ok {
		return err
	}
	if e := d.decode(data); e != nil {
		return e
	}
	return fmt.Errorf("%w: %v", ErrReverted, err)
}

// decode maps revert data to an error, or nil when it is not recognised.
func (d errorDecoder) decode(data []byte) error {
	if len(data) < 4 {
		return nil
	}
	if v, err := d.escrow.UnpackError(data); err == nil {
		return escrowError(v)
	}
	if v, err := d.token.UnpackError(data); err == nil {
		return tokenError(v)
	}
	if reason, err := abi.UnpackRevert(data); err == nil {
		return fmt.Errorf("%w: %s", ErrReverted, reason)
	}
	return nil
}

func escrowError(v any) error {
	switch e := v.(type) {
	case *escrow.EscrowNotTenant:
		return fmt.Errorf("%w: caller %s is not the tenant %s", ErrNotAllowed, hexAddr(e.Caller), hexAddr(e.Tenant))
	case *escrow.EscrowNotProvider:
		return fmt.Errorf("%w: caller %s is not the provider %s", ErrNotAllowed, hexAddr(e.Caller), hexAddr(e.Provider))
	case *escrow.EscrowNotParty:
		return fmt.Errorf("%w: caller %s is neither the tenant nor the provider", ErrNotAllowed, hexAddr(e.Caller))
	case *escrow.EscrowOrderExpired:
		return fmt.Errorf("%w at unix %d", ErrOrderExpired, e.Expiry)
	case *escrow.EscrowBidExpired:
		return fmt.Errorf("%w at unix %d", ErrBidExpired, e.Expiry)
	case *escrow.EscrowPriceAboveMax:
		return fmt.Errorf("%w: %s per hour, the order allows %s", ErrPriceAboveMax, e.PricePerHour, e.MaxPricePerHour)
	case *escrow.EscrowPriceTooHigh:
		return fmt.Errorf("%w: %s per hour, at most %s", ErrPriceTooHigh, e.PricePerHour, e.Limit)
	case *escrow.EscrowZeroMaxDuration:
		return ErrZeroMaxDuration
	case *escrow.EscrowBidForOtherOrder:
		return fmt.Errorf("%w: it names %s, the order is %s", ErrWrongOrder, hexHash(e.Named), hexHash(e.Order))
	case *escrow.EscrowInvalidSignature:
		return fmt.Errorf("%w: malformed, or s in the upper half of the curve order", ErrBadSignature)
	case *escrow.EscrowWrongSigner:
		return fmt.Errorf("%w: bid signed by %s, lease names %s", ErrBadSignature, hexAddr(e.Signer), hexAddr(e.Provider))
	case *escrow.EscrowLeaseExists:
		return fmt.Errorf("%w: %s", ErrLeaseExists, hexHash(e.LeaseId))
	case *escrow.EscrowUnknownLease:
		return fmt.Errorf("%w: %s", ErrUnknownLease, hexHash(e.LeaseId))
	case *escrow.EscrowTermsMismatch:
		return fmt.Errorf("%w: %s", ErrTermsMismatch, hexHash(e.LeaseId))
	case *escrow.EscrowWrongState:
		return fmt.Errorf("%w: lease %s is %s", ErrIllegalTransition, hexHash(e.LeaseId), State(e.State))
	case *escrow.EscrowDepositTooSmall:
		return fmt.Errorf("%w: deposit %s, need at least %s", ErrDepositTooSmall, e.Deposit, e.Minimum)
	case *escrow.EscrowDepositTooLarge:
		return fmt.Errorf("%w: deposit %s, at most %s", ErrDepositTooLarge, e.Deposit, e.Limit)
	case *escrow.EscrowZeroAmount:
		return ErrZeroAmount
	case *escrow.EscrowStartDeadlinePassed:
		return fmt.Errorf("%w at unix %s", ErrStartDeadlinePassed, e.Deadline)
	case *escrow.EscrowStartDeadlineNotPassed:
		return fmt.Errorf("%w: the deadline is unix %s", ErrStartDeadlineNotPassed, e.Deadline)
	case *escrow.EscrowNothingToWithdraw:
		return fmt.Errorf("%w: lease %s", ErrNothingToWithdraw, hexHash(e.LeaseId))
	case *escrow.EscrowNotOverdrawn:
		return fmt.Errorf("%w: earned %s of deposit %s", ErrNotOverdrawn, e.Earned, e.Deposit)
	case *escrow.EscrowDepositExhausted:
		return fmt.Errorf("%w: lease %s", ErrDepositExhausted, hexHash(e.LeaseId))
	case *escrow.EscrowNothingToClaim:
		return ErrNothingToClaim
	case *escrow.EscrowAwardExpired:
		return fmt.Errorf("%w at unix %d", ErrAwardExpired, e.Deadline)
	case *escrow.EscrowNotAwarded:
		return fmt.Errorf("%w: the award is signed by %s, the tenant is %s", ErrNotAwarded, hexAddr(e.Signer), hexAddr(e.Tenant))
	case *escrow.EscrowHeld:
		return fmt.Errorf("%w: lease %s", ErrHeld, hexHash(e.LeaseId))
	case *escrow.EscrowInvalidVerify:
		return fmt.Errorf("%w: replicas %d, spot check %d basis points (want replicas 2 or 3, or 1 with a spot check of 1 to 10000)", ErrInvalidVerify, e.Replicas, e.SpotCheckBps)
	case *escrow.EscrowGroupFull:
		return fmt.Errorf("%w: order %s has %d", ErrGroupFull, hexHash(e.OrderHash), e.Members)
	case *escrow.EscrowProviderInGroup:
		return fmt.Errorf("%w: provider %s, order %s", ErrProviderInGroup, hexAddr(e.Provider), hexHash(e.OrderHash))
	case *escrow.EscrowGroupSettledAlready:
		return fmt.Errorf("%w: order %s", ErrGroupSettled, hexHash(e.OrderHash))
	case *escrow.EscrowUnknownGroup:
		return fmt.Errorf("%w: order %s", ErrUnknownGroup, hexHash(e.OrderHash))
	case *escrow.EscrowMembersMismatch:
		return fmt.Errorf("%w: order %s has %d replicas, %d terms were given", ErrTermsMismatch, hexHash(e.OrderHash), e.Members, e.Given)
	case *escrow.EscrowReplicaNotEnded:
		return fmt.Errorf("%w: lease %s", ErrReplicaNotEnded, hexHash(e.LeaseId))
	case *escrow.EscrowRefereeWindowOpen:
		return fmt.Errorf("%w until unix %s", ErrRefereeWindowOpen, e.Until)
	case *escrow.EscrowGroupStillOpen:
		return fmt.Errorf("%w until the order expires at unix %s", ErrGroupStillOpen, e.Expiry)
	case *escrow.EscrowZeroAddress:
		return fmt.Errorf("%w: zero address", ErrReverted)
	case *escrow.EscrowReentrancyGuardReentrantCall:
		return ErrReentrant
	case *escrow.EscrowSafeERC20FailedOperation:
		return fmt.Errorf("%w: token %s refused", ErrTokenTransfer, hexAddr(e.Token))
	case *escrow.EscrowTransferOutOfGas:
		return fmt.Errorf("%w: the token transfer ran out of gas; send with a higher gas limit", ErrTokenTransfer)
	}
	return fmt.Errorf("%w: %T", ErrReverted, v)
}

func tokenError(v any) error {
	switch e := v.(type) {
	case *token.TestTokenERC20InsufficientAllowance:
		return fmt.Errorf("%w: the escrow may spend %s, it needs %s (approve it first)", ErrAllowanceTooLow, e.Allowance, e.Needed)
	case *token.TestTokenERC20InsufficientBalance:
		return fmt.Errorf("%w: %s holds %s, it needs %s", ErrBalanceTooLow, hexAddr(e.Sender), e.Balance, e.Needed)
	}
	return fmt.Errorf("%w: token error %T", ErrTokenTransfer, v)
}

func hexAddr(a common.Address) string { return a.Hex() }

func hexHash(h [32]byte) string { return common.Hash(h).Hex() }

func amountText(v *big.Int) string {
	if v == nil {
		return "0"
	}
	return v.String()
}
