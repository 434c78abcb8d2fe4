package lease

import (
	"context"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// nonces hands out the nonces of a client's accounts, so that any number
// of its transactions may wait to be mined at once: a nonce is taken and
// the transaction sent under a lock, the wait runs outside it.
//
// The next nonce is the chain's pending nonce, or one past the last this
// client sent if that is higher (the pool may not have admitted it yet).
// When none of the account's transactions is in flight, the chain's word
// alone counts: a transaction the pool accepted and then dropped leaves no
// gap behind it.
type nonces struct {
	mu       sync.Mutex
	next     map[common.Address]uint64
	inFlight map[common.Address]int
}

// transact signs and sends data to contract from opts.From with the next
// nonce (or opts.Nonce, when set). done must be called once the
// transaction is mined or given up on.
func (n *nonces) transact(ctx context.Context, backend bind.ContractBackend, contract *bind.BoundContract, opts *bind.TransactOpts, data []byte) (*types.Transaction, func(), error) {
	if opts.Nonce != nil {
		tx, err := bind.Transact(contract, opts, data)
		return tx, func() {}, err
	}
	from := opts.From
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.next == nil {
		n.next, n.inFlight = make(map[common.Address]uint64), make(map[common.Address]int)
	}
	pending, err := backend.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, nil, err
	}
	nonce := pending
	if n.inFlight[from] > 0 {
		nonce = max(pending, n.next[from])
	}
	o := *opts
	o.Nonce = new(big.Int).SetUint64(nonce)
	tx, err := bind.Transact(contract, &o, data)
	if err != nil {
		return nil, nil, err
	}
	n.next[from] = nonce + 1
	n.inFlight[from]++
	var once sync.Once
	return tx, func() {
		once.Do(func() {
			n.mu.Lock()
			n.inFlight[from]--
			n.mu.Unlock()
		})
	}, nil
}
