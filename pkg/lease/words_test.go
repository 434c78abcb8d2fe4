package lease

import (
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/google/go-cmp/cmp"

	"github.com/tender-market/tender/pkg/lease/escrow"
)

// escrowEvents are the escrow's events that decoders knows, in a fixed
// order.
func escrowEvents() []abi.Event {
	var out []abi.Event
	for _, ev := range escrow.NewEscrow().GetABI().Events {
		if _, ok := decoders[ev.ID]; ok {
			out = append(out, ev)
		}
	}
	slices.SortFunc(out, func(a, b abi.Event) int { return a.ID.Cmp(b.ID) })
	return out
}

// canonicalLog is ev as the escrow logs it, its arguments packed by the
// ABI package from seed: amounts up to 2^256-1, negative exit codes, both
// bools.
func canonicalLog(t testing.TB, ev abi.Event, seed byte) types.Log {
	l := types.Log{Topics: []common.Hash{ev.ID}}
	var vals []any
	for i, in := range ev.Inputs {
		b := seed + byte(i)
		var v any
		var topic common.Hash
		switch in.Type.String() {
		case "bytes32":
			h := common.Hash{b, 0xee, b}
			v, topic = h, h
		case "address":
			a := common.Address{b, 0xaa, b}
			v, topic = a, common.BytesToHash(a.Bytes())
		case "uint256":
			n := new(big.Int).Lsh(big.NewInt(int64(b)), uint(b))
			if b%7 == 0 {
				n = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
			}
			v = n
		case "uint64":
			v = uint64(b)<<56 | uint64(b)
		case "int32":
			v = int32(b) - 128
		case "bool":
			v = b%2 == 1
		default:
			t.Fatalf("event %s: argument type %s", ev.Name, in.Type)
		}
		if in.Indexed {
			l.Topics = append(l.Topics, topic)
		} else {
			vals = append(vals, v)
		}
	}
	data, err := ev.Inputs.NonIndexed().Pack(vals...)
	if err != nil {
		t.Fatalf("pack %s: %v", ev.Name, err)
	}
	l.Data = data
	return l
}

var bigEqual = cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 })

// TestEventWordsCanonical: every escrow event as the ABI encodes it is
// read by words, as the generated decoder reads it.
func TestEventWordsCanonical(t *testing.T) {
	events := escrowEvents()
	if len(events) != len(readWords) {
		t.Fatalf("%d escrow events decoded, %d read by words", len(events), len(readWords))
	}
	for _, ev := range events {
		d := decoders[ev.ID]
		for seed := range byte(8) {
			l := canonicalLog(t, ev, seed*37)
			w := newWords(&l, d.topics, d.data)
			p, id := readWords[d.kind](&w)
			if !w.ok {
				t.Fatalf("%s (seed %d): words refused a canonical log", ev.Name, seed)
			}
			want, wantID, err := d.decode(&l)
			if err != nil {
				t.Fatalf("%s: generated decoder: %v", ev.Name, err)
			}
			if diff := cmp.Diff(want, p, bigEqual); diff != "" || id != wantID {
				t.Errorf("%s (seed %d): words read (-generated +words):\n%s id %s, want %s", ev.Name, seed, diff, id, wantID)
			}
		}
	}
}

// FuzzEventWords: whatever log words reads, the generated decoder reads
// alike; what it refuses is left to the generated decoder.
func FuzzEventWords(f *testing.F) {
	events := escrowEvents()
	for i, ev := range events {
		l := canonicalLog(f, ev, byte(i*11))
		var topics []byte
		for _, h := range l.Topics[1:] {
			topics = append(topics, h[:]...)
		}
		f.Add(byte(i), topics, l.Data)
		// Refused: an address or uint64 with bits above it, a bool of 2,
		// an int32 not sign-extended, a word short, a topic more.
		for _, at := range []int{0, 11, 23, 27, 30} {
			if len(l.Data) > at {
				d := slices.Clone(l.Data)
				d[at] ^= 0x01
				f.Add(byte(i), topics, d)
			}
		}
		f.Add(byte(i), topics, l.Data[:len(l.Data)-1])
		f.Add(byte(i), append(topics, make([]byte, 32)...), l.Data)
	}
	f.Fuzz(func(t *testing.T, kind byte, topics, data []byte) {
		ev := events[int(kind)%len(events)]
		d := decoders[ev.ID]
		l := types.Log{Topics: []common.Hash{ev.ID}, Data: data}
		for len(topics) >= 32 {
			l.Topics = append(l.Topics, common.Hash(topics[:32]))
			topics = topics[32:]
		}
		w := newWords(&l, d.topics, d.data)
		if !w.ok {
			return
		}
		p, id := readWords[d.kind](&w)
		if !w.ok {
			return
		}
		want, wantID, err := d.decode(&l)
		if err != nil {
			t.Fatalf("%s: words read a log the generated decoder refuses (%v)", ev.Name, err)
		}
		if diff := cmp.Diff(want, p, bigEqual); diff != "" || id != wantID {
			t.Fatalf("%s: words read (-generated +words):\n%s id %s, want %s", ev.Name, diff, id, wantID)
		}
	})
}

// BenchmarkDecodeEvents reads the escrow's events of a lease's life
// (canonical logs of every kind) by words and by the generated decoder, in
// the same run: µs per event each, and their ratio.
func BenchmarkDecodeEvents(b *testing.B) {
	events := escrowEvents()
	logs := make([]types.Log, len(events))
	for i, ev := range events {
		logs[i] = canonicalLog(b, ev, byte(i*11))
	}
	run := func(read func(d *decoder, l *types.Log) (Payload, common.Hash, error)) float64 {
		start := time.Now()
		for i := range b.N {
			l := &logs[i%len(logs)]
			d := decoders[l.Topics[0]]
			if _, _, err := read(&d, l); err != nil {
				b.Fatal(err)
			}
		}
		return float64(time.Since(start).Nanoseconds()) / 1e3 / float64(b.N)
	}
	fast := run((*decoder).read)
	generated := run(func(d *decoder, l *types.Log) (Payload, common.Hash, error) { return d.decode(l) })
	b.ReportMetric(fast, "words-µs/event")
	b.ReportMetric(generated, "generated-µs/event")
	b.ReportMetric(generated/fast, "ratio")
}
