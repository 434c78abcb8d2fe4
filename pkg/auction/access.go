package auction

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// leaseAccessType is the EIP-712 type a tenant signs to open a lease
// stream at its provider.
const leaseAccessType = "LeaseAccess(bytes32 leaseId,string provider,string op,bytes32 challenge)"

var leaseAccessTypeHash = crypto.Keccak256Hash([]byte(leaseAccessType))

// LeaseAccess is what a lease's tenant signs, in the market's domain, to
// run an operation on the lease at its provider. Provider is the
// provider's libp2p peer ID as text, so a signature made for one provider
// is worthless at another; Challenge is the provider's fresh random 32
// bytes, so it is worthless twice.
type LeaseAccess struct {
	LeaseID   common.Hash
	Provider  string
	Op        string
	Challenge [32]byte
}

// LeaseAccessHash is the EIP-712 digest of a.
func (d Domain) LeaseAccessHash(a *LeaseAccess) common.Hash {
	var e encoder
	e.hash(leaseAccessTypeHash)
	e.hash(a.LeaseID)
	e.str(a.Provider)
	e.str(a.Op)
	e.hash(a.Challenge)
	return d.digest(e.sum())
}
