package lease

import (
	"encoding/binary"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// words reads an escrow log as the ABI lays out its static arguments: its
// indexed ones in topics after the signature, the others one 32-byte word
// each in data. It reads canonical encodings only (an address or uint64
// zero-padded, an int32 sign-extended, a bool 0 or 1) from a log of exactly
// the event's shape; at anything else ok turns false, and the log is left
// to the generated decoder, whose reading, errors included, is the
// reference (FuzzEventWords: whatever words reads, it reads alike). The
// generated decoder finds arguments by reflection, most of the cost of
// decoding a chain's events while a broker catches up.
type words struct {
	topics []common.Hash
	data   []byte
	ok     bool
}

// newWords reads l, an event with topics indexed arguments and data
// others.
func newWords(l *types.Log, topics, data int) words {
	return words{topics: l.Topics, data: l.Data, ok: len(l.Topics) == 1+topics && len(l.Data) == 32*data}
}

// topic is indexed argument i (from 0).
func (w *words) topic(i int) common.Hash {
	if !w.ok {
		return common.Hash{}
	}
	return w.topics[1+i]
}

// topicAddress is indexed argument i, an address.
func (w *words) topicAddress(i int) common.Address {
	h := w.topic(i)
	return w.address(h[:])
}

// word is data word j.
func (w *words) word(j int) []byte {
	if !w.ok {
		return make([]byte, 32)
	}
	return w.data[32*j : 32*(j+1)]
}

func (w *words) hash(j int) common.Hash { return common.Hash(w.word(j)) }

func (w *words) uint256(j int) *big.Int { return new(big.Int).SetBytes(w.word(j)) }

func (w *words) uint64(j int) uint64 {
	b := w.word(j)
	w.ok = w.ok && allBytes(b[:24], 0)
	return binary.BigEndian.Uint64(b[24:])
}

func (w *words) int32(j int) int32 {
	b := w.word(j)
	v := int32(binary.BigEndian.Uint32(b[28:]))
	pad := byte(0)
	if v < 0 {
		pad = 0xff
	}
	w.ok = w.ok && allBytes(b[:28], pad)
	return v
}

func (w *words) bool(j int) bool {
	b := w.word(j)
	w.ok = w.ok && allBytes(b[:31], 0) && b[31] <= 1
	return b[31] == 1
}

func (w *words) addressAt(j int) common.Address { return w.address(w.word(j)) }

// address is a 32-byte word that holds an address.
func (w *words) address(b []byte) common.Address {
	w.ok = w.ok && allBytes(b[:12], 0)
	return common.Address(b[12:])
}

func allBytes(b []byte, v byte) bool {
	for _, c := range b {
		if c != v {
			return false
		}
	}
	return true
}

// readWords are the escrow's events read by words, by kind: each gives
// the payload and the lease ID (or the order's digest, or zero), which
// hold only while w.ok.
var readWords = map[EventKind]func(w *words) (Payload, common.Hash){
	EventOpened: func(w *words) (Payload, common.Hash) {
		return &Opened{Tenant: w.topicAddress(1), Provider: w.topicAddress(2), OrderHash: w.hash(0),
			PricePerHour: w.uint256(1), MaxDuration: w.uint64(2), Deposit: w.uint256(3)}, w.topic(0)
	},
	EventStarted: func(w *words) (Payload, common.Hash) {
		return &Started{StartedAt: w.uint64(0)}, w.topic(0)
	},
	EventWithdrawn: func(w *words) (Payload, common.Hash) {
		return &Withdrawn{Amount: w.uint256(0)}, w.topic(0)
	},
	EventToppedUp: func(w *words) (Payload, common.Hash) {
		return &ToppedUp{Amount: w.uint256(0), Deposit: w.uint256(1)}, w.topic(0)
	},
	EventClosed: func(w *words) (Payload, common.Hash) {
		return &Closed{By: w.addressAt(0), ExitCode: ExitCode(w.int32(1)), ResultHash: w.hash(2),
			Paid: w.uint256(3), Refunded: w.uint256(4)}, w.topic(0)
	},
	EventOverdrawn: func(w *words) (Payload, common.Hash) {
		return &Overdrawn{By: w.addressAt(0), Paid: w.uint256(1)}, w.topic(0)
	},
	EventReclaimed: func(w *words) (Payload, common.Hash) {
		return &Reclaimed{Refunded: w.uint256(0)}, w.topic(0)
	},
	EventPaymentDeferred: func(w *words) (Payload, common.Hash) {
		return &PaymentDeferred{Account: w.topicAddress(0), Amount: w.uint256(0)}, common.Hash{}
	},
	EventClaimed: func(w *words) (Payload, common.Hash) {
		return &Claimed{Account: w.topicAddress(0), To: w.topicAddress(1), Amount: w.uint256(0)}, common.Hash{}
	},
	EventReported: func(w *words) (Payload, common.Hash) {
		return &Reported{ExitCode: ExitCode(w.int32(0)), ResultDigest: w.hash(1), Held: w.uint256(2),
			Refunded: w.uint256(3)}, w.topic(0)
	},
	EventReplicaSettled: func(w *words) (Payload, common.Hash) {
		return &ReplicaSettled{Agreed: w.bool(0), Paid: w.uint256(1), Refunded: w.uint256(2)}, w.topic(0)
	},
	EventGroupSettled: func(w *words) (Payload, common.Hash) {
		return &GroupSettled{Majority: w.hash(0), Paid: w.uint256(1), Refunded: w.uint256(2)}, w.topic(0)
	},
}
