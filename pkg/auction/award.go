package auction

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// awardType is the EIP-712 type a tenant signs to award its lease to the
// winning bid: the winner then opens the lease (and pays the gas).
const awardType = "Award(bytes32 bid,uint256 deposit,uint64 deadline)"

var awardTypeHash = crypto.Keccak256Hash([]byte(awardType))

// Award is a tenant's award of its lease to a bid, in the market's domain:
// the bid by its digest (the lease ID; it names the order, so the award
// covers the order too), the deposit the tenant pays in, and the last
// second (chain time) at which the winner may open the lease with it. The
// escrow's openAwarded checks it.
type Award struct {
	Bid      common.Hash `json:"bid"`
	Deposit  *big.Int    `json:"deposit"`
	Deadline uint64      `json:"deadline"`
}

// SignedAward is an award with its tenant's signature and, when the
// payment token takes EIP-2612 permits, the tenant's permit for the
// deposit (nil: the escrow's allowance covers it).
type SignedAward struct {
	Award     Award     `json:"award"`
	Signature Signature `json:"signature"`
	Permit    *Permit   `json:"permit,omitempty"`
}

// AwardHash is the EIP-712 digest of a.
func (d Domain) AwardHash(a *Award) common.Hash {
	var e encoder
	e.hash(awardTypeHash)
	e.hash(a.Bid)
	e.big(a.Deposit)
	e.uint(a.Deadline)
	return d.digest(e.sum())
}

// SignAward signs a as tenant, the tenant of the order the bid names.
func (d Domain) SignAward(a Award, tenant common.Address, s Signer) (SignedAward, error) {
	sig, err := signAs(s, tenant, "award's order", d.AwardHash(&a))
	if err != nil {
		return SignedAward{}, err
	}
	return SignedAward{Award: a, Signature: sig}, nil
}

// VerifyAward checks that tenant signed sa.
func (d Domain) VerifyAward(sa *SignedAward, tenant common.Address) error {
	if dep := sa.Award.Deposit; dep == nil || dep.Sign() <= 0 || dep.BitLen() > 256 {
		return fmt.Errorf("%w: an award's deposit is a positive uint256, not %s", ErrInvalid, dep)
	}
	return checkSigner(d.AwardHash(&sa.Award), sa.Signature, tenant, "tenant")
}

// permitType is EIP-2612's permit, which tokens sign in their own domain.
const permitType = "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"

var permitTypeHash = crypto.Keccak256Hash([]byte(permitType))

// Permit is an EIP-2612 permit that goes with an award: the tenant lets
// the escrow take Value of its tokens until Deadline (unix seconds),
// signed in the payment token's domain (TokenDomain), so the tenant needs
// no approve transaction, and no ETH. Value is the award's deposit when
// nil (left out of the wire form); the awards of a verified order's
// replicas share one permit for all their deposits.
type Permit struct {
	Value     *big.Int  `json:"value,omitempty"`
	Deadline  uint64    `json:"deadline"`
	Signature Signature `json:"signature"`
}

// TokenDomain is the EIP-712 domain a token signs permits in, by the
// separator the token reports (its DOMAIN_SEPARATOR()): whatever its name
// and version, the digest is the same.
func TokenDomain(separator common.Hash) Domain { return Domain{sep: separator} }

// PermitHash is the EIP-712 digest of an EIP-2612 permit in domain d (a
// TokenDomain): owner lets spender take value, with the owner's permit
// nonce at the token, until deadline.
func (d Domain) PermitHash(owner, spender common.Address, value, nonce *big.Int, deadline uint64) common.Hash {
	var e encoder
	e.hash(permitTypeHash)
	e.addr(owner)
	e.addr(spender)
	e.big(value)
	e.big(nonce)
	e.uint(deadline)
	return d.digest(e.sum())
}
