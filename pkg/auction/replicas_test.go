package auction

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fieldsOf lists the fields an error's FieldErrors name, in order.
func fieldsOf(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		if fe, ok := err.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return out
}

// TestValidateVerify: an order's verify is zero (a plain order), replicas
// 2 or 3 without a spot check, or replicas 1 with one; its paths are 1 to
// MaxVerifyPaths clean, printable, distinct paths under /output. Every
// refusal names its field.
func TestValidateVerify(t *testing.T) {
	one := []string{"model.json"}
	many := make([]string, MaxVerifyPaths+1)
	for i := range many {
		many[i] = fmt.Sprintf("out/%d.json", i)
	}
	tests := []struct {
		name   string
		verify Verify
		field  string // the field an error names, "" for none
		says   string
	}{
		{"zero: a plain order", Verify{}, "", ""},
		{"zero with an empty list", Verify{Paths: []string{}}, "", ""},
		{"two replicas", Verify{Replicas: 2, Paths: one}, "", ""},
		{"three replicas", Verify{Replicas: 3, Paths: []string{"model.json", "checkpoints/final", "metrics"}}, "", ""},
		{"spot check of 1 bps", Verify{Replicas: 1, Paths: one, SpotCheckBps: 1}, "", ""},
		{"spot check of every order", Verify{Replicas: 1, Paths: one, SpotCheckBps: MaxSpotCheckBps}, "", ""},
		{"as many paths as allowed", Verify{Replicas: 2, Paths: many[:MaxVerifyPaths]}, "", ""},
		{"a path of 256 bytes", Verify{Replicas: 2, Paths: []string{strings.Repeat("a", 256)}}, "", ""},
		{"a path with a space and an accent", Verify{Replicas: 2, Paths: []string{"résultats/model final.json"}}, "", ""},
		{"a path with dots in a name", Verify{Replicas: 2, Paths: []string{"..hidden/.model.json"}}, "", ""},

		{"four replicas", Verify{Replicas: 4, Paths: one}, "verify.replicas", "want 2 or 3"},
		{"255 replicas", Verify{Replicas: 255, Paths: one}, "verify.replicas", "want 2 or 3"},
		{"paths without replicas", Verify{Paths: one}, "verify.replicas", "is 0"},
		{"a spot check without replicas", Verify{Paths: one, SpotCheckBps: 100}, "verify.replicas", "is 0"},
		{"one replica, no spot check", Verify{Replicas: 1, Paths: one}, "verify.spotCheckBps", "verifies nothing"},
		{"spot check over 10000", Verify{Replicas: 1, Paths: one, SpotCheckBps: 10001}, "verify.spotCheckBps", "at most 10000"},
		{"spot check of the largest uint16", Verify{Replicas: 1, Paths: one, SpotCheckBps: 65535}, "verify.spotCheckBps", "at most 10000"},
		{"replicated and spot-checked", Verify{Replicas: 2, Paths: one, SpotCheckBps: 500}, "verify.spotCheckBps", "replicas 1 only"},
		{"no paths", Verify{Replicas: 2}, "verify.paths", "is empty"},
		{"an empty list of paths", Verify{Replicas: 1, SpotCheckBps: 10, Paths: []string{}}, "verify.paths", "is empty"},
		{"too many paths", Verify{Replicas: 2, Paths: many}, "verify.paths", "at most 16"},
		{"absolute path", Verify{Replicas: 2, Paths: []string{"/output/model.json"}}, "verify.paths[0]", "clean path relative to /output"},
		{"parent directory", Verify{Replicas: 2, Paths: []string{"../etc/passwd"}}, "verify.paths[0]", "clean path"},
		{"just ..", Verify{Replicas: 2, Paths: []string{".."}}, "verify.paths[0]", "clean path"},
		{".. inside", Verify{Replicas: 2, Paths: []string{"a/../b"}}, "verify.paths[0]", "clean path"},
		{". element", Verify{Replicas: 2, Paths: []string{"a/./b"}}, "verify.paths[0]", "clean path"},
		{"just .", Verify{Replicas: 2, Paths: []string{"."}}, "verify.paths[0]", "clean path"},
		{"leading ./", Verify{Replicas: 2, Paths: []string{"./model.json"}}, "verify.paths[0]", "clean path"},
		{"empty element", Verify{Replicas: 2, Paths: []string{"a//b"}}, "verify.paths[0]", "clean path"},
		{"trailing slash", Verify{Replicas: 2, Paths: []string{"checkpoints/"}}, "verify.paths[0]", "clean path"},
		{"empty path", Verify{Replicas: 2, Paths: []string{"model.json", ""}}, "verify.paths[1]", "want 1 to 256 bytes"},
		{"a path of 257 bytes", Verify{Replicas: 2, Paths: []string{strings.Repeat("a", 257)}}, "verify.paths[0]", "want 1 to 256 bytes"},
		{"NUL", Verify{Replicas: 2, Paths: []string{"model\x00.json"}}, "verify.paths[0]", "unprintable"},
		{"newline", Verify{Replicas: 2, Paths: []string{"model\n.json"}}, "verify.paths[0]", "unprintable"},
		{"escape", Verify{Replicas: 2, Paths: []string{"\x1b[31mred"}}, "verify.paths[0]", "unprintable"},
		{"right-to-left override", Verify{Replicas: 2, Paths: []string{"nosj.\u202eledom"}}, "verify.paths[0]", "unprintable"},
		{"not UTF-8", Verify{Replicas: 2, Paths: []string{"model\xff.json"}}, "verify.paths[0]", "unprintable"},
		{"named twice", Verify{Replicas: 3, Paths: []string{"model.json", "metrics", "model.json"}}, "verify.paths[2]", "named twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := sampleOrder(addr(testKey(t, 1)))
			o.Verify = tt.verify
			err := o.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate = %v, want ErrInvalid", err)
			}
			var said []string
			for _, fe := range fieldsOf(err) {
				if fe.Field == tt.field && strings.Contains(fe.Msg, tt.says) {
					return
				}
				said = append(said, fe.Error())
			}
			t.Errorf("Validate said %q, want an error naming %s that says %q", said, tt.field, tt.says)
		})
	}
	t.Run("every problem at once", func(t *testing.T) {
		o := sampleOrder(addr(testKey(t, 1)))
		o.Verify = Verify{Replicas: 1, Paths: []string{"/a", "b", "b"}}
		var got []string
		for _, fe := range fieldsOf(o.Validate()) {
			got = append(got, fe.Field)
		}
		if d := cmp.Diff([]string{"verify.spotCheckBps", "verify.paths[0]", "verify.paths[2]"}, got); d != "" {
			t.Errorf("fields named (-want +got):\n%s", d)
		}
	})
}

// TestVerifyMeaning: what each kind of verify means for the leases of its
// order, and the hashes the escrow contract rebuilds.
func TestVerifyMeaning(t *testing.T) {
	paths := []string{"model.json", "metrics"}
	tests := []struct {
		name                   string
		v                      Verify
		zero, replicated, held bool
		maxReplicas            int
		pathsHash              common.Hash
	}{
		{"plain", Verify{}, true, false, false, 1, crypto.Keccak256Hash(nil)},
		{"spot-checked", Verify{Replicas: 1, Paths: paths, SpotCheckBps: 1000}, false, false, true, 2,
			crypto.Keccak256Hash(crypto.Keccak256([]byte("model.json")), crypto.Keccak256([]byte("metrics")))},
		{"two replicas", Verify{Replicas: 2, Paths: paths}, false, true, true, 2,
			crypto.Keccak256Hash(crypto.Keccak256([]byte("model.json")), crypto.Keccak256([]byte("metrics")))},
		{"three replicas", Verify{Replicas: 3, Paths: paths[:1]}, false, true, true, 3,
			crypto.Keccak256Hash(crypto.Keccak256([]byte("model.json")))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.v
			if v.IsZero() != tt.zero || v.Replicated() != tt.replicated || v.Held() != tt.held || v.MaxReplicas() != tt.maxReplicas {
				t.Errorf("IsZero %v Replicated %v Held %v MaxReplicas %d, want %v %v %v %d",
					v.IsZero(), v.Replicated(), v.Held(), v.MaxReplicas(), tt.zero, tt.replicated, tt.held, tt.maxReplicas)
			}
			if got := v.PathsHash(); got != tt.pathsHash {
				t.Errorf("PathsHash = %s, want %s", got.Hex(), tt.pathsHash.Hex())
			}
			// hashStruct(Verify) from its words, as the contract builds it.
			var words []byte
			words = append(words, crypto.Keccak256([]byte("Verify(uint8 replicas,string[] paths,uint16 spotCheckBps)"))...)
			words = append(words, common.LeftPadBytes([]byte{v.Replicas}, 32)...)
			words = append(words, tt.pathsHash[:]...)
			words = append(words, common.LeftPadBytes([]byte{byte(v.SpotCheckBps >> 8), byte(v.SpotCheckBps)}, 32)...)
			if got, want := v.StructHash(), crypto.Keccak256Hash(words); got != want {
				t.Errorf("StructHash = %s, want %s", got.Hex(), want.Hex())
			}
		})
	}
	// A zero Verify with an empty list is the same order as one with none.
	a, b := sampleOrder(addr(testKey(t, 1))), sampleOrder(addr(testKey(t, 1)))
	b.Verify.Paths = []string{}
	if testDomain.OrderHash(&a) != testDomain.OrderHash(&b) {
		t.Error("nil and empty paths name different orders")
	}
}

// TestVerifyWire: a plain order travels without verify, and a decoder
// reads a missing verify as the zero one, which the digest covers; a
// verified order travels with it (spotCheckBps left out when 0) and
// keeps its digest through the wire; verify cannot be dropped, changed
// or stretched past its types after signing.
func TestVerifyWire(t *testing.T) {
	tenant := testKey(t, 1)
	plain := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	spot := sampleOrder(addr(tenant))
	spot.Verify = Verify{Replicas: 1, Paths: []string{"model.json"}, SpotCheckBps: 1000}
	orders := map[string]VerifiedOrder{
		"plain":        plain,
		"replicated":   mustSignOrder(t, replicatedOrder(addr(tenant)), tenant),
		"spot-checked": mustSignOrder(t, spot, tenant),
	}
	wants := map[string]string{
		"plain":        ``,
		"replicated":   `"verify":{"replicas":2,"paths":["model.json","metrics"]}`,
		"spot-checked": `"verify":{"replicas":1,"paths":["model.json"],"spotCheckBps":1000}`,
	}
	for name, vo := range orders {
		t.Run(name, func(t *testing.T) {
			data := mustEncodeOrder(t, vo.SignedOrder)
			if want := wants[name]; want == "" && bytes.Contains(data, []byte(`"verify"`)) || want != "" && !bytes.Contains(data, []byte(want)) {
				t.Errorf("wire form %s, want verify as %s", data, cmpOr(want, "left out"))
			}
			got, err := testDomain.ReadOrder(data, t0)
			if err != nil {
				t.Fatalf("ReadOrder: %v", err)
			}
			if got.Hash != vo.Hash {
				t.Errorf("hash %s after the wire, %s before", got.Hash.Hex(), vo.Hash.Hex())
			}
			if d := cmp.Diff(vo.Order.Verify, got.Order.Verify); d != "" && !(vo.Order.Verify.IsZero() && got.Order.Verify.IsZero()) {
				t.Errorf("verify (-sent +read):\n%s", d)
			}
		})
	}
	t.Run("the zero Verify is hashed, not left out", func(t *testing.T) {
		without := func(o *Order) common.Hash {
			var e encoder
			e.hash(crypto.Keccak256Hash([]byte("Order(address tenant,string auctioneer,uint256 maxPricePerHour,uint64 maxDuration,uint64 bidDeadline,uint64 expiry,uint64 nonce,Requirements requirements,Job job)" +
				attributeType + envVarType + jobType + requirementsType)))
			e.addr(o.Tenant)
			e.str(o.Auctioneer)
			e.big(o.MaxPricePerHour)
			e.uint(o.MaxDuration)
			e.uint(o.BidDeadline)
			e.uint(o.Expiry)
			e.uint(o.Nonce)
			e.hash(requirementsStructHash(&o.Requirements))
			e.hash(jobStructHash(&o.Job))
			return testDomain.digest(e.sum())
		}
		if plain.Hash == without(&plain.Order) {
			t.Error("a plain order hashes as the Order type without verify")
		}
	})

	replicated := mustEncodeOrder(t, orders["replicated"].SignedOrder)
	inner := func(f func(v map[string]any)) func(m map[string]any) {
		return func(m map[string]any) { f(m["order"].(map[string]any)["verify"].(map[string]any)) }
	}
	plainData := mustEncodeOrder(t, plain.SignedOrder)
	cases := []struct {
		name string
		data []byte
		want error // nil: read as the plain order
	}{
		{"verify null is the zero Verify", bytes.Replace(plainData, []byte(`"job":`), []byte(`"verify":null,"job":`), 1), nil},
		{"verify {} is the zero Verify", bytes.Replace(plainData, []byte(`"job":`), []byte(`"verify":{},"job":`), 1), nil},
		{"verify of zeros is the zero Verify", bytes.Replace(plainData, []byte(`"job":`), []byte(`"verify":{"replicas":0,"paths":[],"spotCheckBps":0},"job":`), 1), nil},
		{"verify dropped after signing", edit(t, replicated, func(m map[string]any) { delete(m["order"].(map[string]any), "verify") }), ErrBadSignature},
		{"replicas lowered after signing", edit(t, replicated, inner(func(v map[string]any) { v["replicas"] = 1; v["spotCheckBps"] = 1 })), ErrBadSignature},
		{"a path changed after signing", edit(t, replicated, inner(func(v map[string]any) { v["paths"] = []any{"metrics", "model.json"} })), ErrBadSignature},
		{"verify added to a plain order", bytes.Replace(plainData, []byte(`"job":`), []byte(`"verify":{"replicas":2,"paths":["a"]},"job":`), 1), ErrBadSignature},
		{"unknown field in verify", edit(t, replicated, inner(func(v map[string]any) { v["referee"] = true })), ErrMalformed},
		{"replicas past uint8", edit(t, replicated, inner(func(v map[string]any) { v["replicas"] = 258 })), ErrMalformed},
		{"negative replicas", edit(t, replicated, inner(func(v map[string]any) { v["replicas"] = -2 })), ErrMalformed},
		{"replicas as a string", edit(t, replicated, inner(func(v map[string]any) { v["replicas"] = "2" })), ErrMalformed},
		{"spotCheckBps past uint16", edit(t, replicated, inner(func(v map[string]any) { v["spotCheckBps"] = 65536 })), ErrMalformed},
		{"spot check as a fraction", edit(t, replicated, inner(func(v map[string]any) { v["spotCheckBps"] = 0.1 })), ErrMalformed},
		{"paths as a string", edit(t, replicated, inner(func(v map[string]any) { v["paths"] = "model.json" })), ErrMalformed},
		{"a bad path, signed or not", edit(t, replicated, inner(func(v map[string]any) { v["paths"] = []any{"../model.json"} })), ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := testDomain.ReadOrder(c.data, t0)
			if c.want == nil {
				if err != nil || got.Hash != plain.Hash || !got.Order.Verify.IsZero() {
					t.Fatalf("ReadOrder = %s, %v; want the plain order %s", got.Hash.Hex(), err, plain.Hash.Hex())
				}
				if again := mustEncodeOrder(t, got.SignedOrder); !bytes.Equal(again, plainData) {
					t.Errorf("re-encoded as %s, want %s", again, plainData)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("ReadOrder error = %v, want %v", err, c.want)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// replicaSpec is one candidate for a replicated-order test: bidSpec and
// the peer ID the bid names (testPeer when empty).
type replicaSpec struct {
	bidSpec
	peer string
}

// replicaCandidates signs the bids of specs for order.
func replicaCandidates(t testing.TB, order *VerifiedOrder, specs []replicaSpec) []Candidate {
	t.Helper()
	bids := make([]bidSpec, len(specs))
	for i, s := range specs {
		bids[i] = s.bidSpec
		peer, edit := cmpOr(s.peer, testPeer), s.edit
		bids[i].edit = func(b *Bid) {
			b.PeerID = peer
			b.Nonce = uint64(i + 1)
			if edit != nil {
				edit(b)
			}
		}
	}
	return candidates(t, order, bids)
}

// replicatedOrderOf signs sampleOrder with k replicas.
func replicatedOrderOf(t testing.TB, k uint8) VerifiedOrder {
	t.Helper()
	o := sampleOrder(addr(testKey(t, 1)))
	o.Verify = Verify{Replicas: k, Paths: []string{"model.json"}}
	return mustSignOrder(t, o, testKey(t, 1))
}

// TestReplicaWinners: a replicated order of k replicas has the k best
// qualifying bids as its winners, best first, no two from one provider
// address or peer ID; a qualifying bid whose address or peer a better
// one has is a duplicate_provider; with fewer distinct providers, fewer
// win. The transcript records them, verifies, and gives the tenant the
// winners and the spares in order.
func TestReplicaWinners(t *testing.T) {
	max := sampleOrder(common.Address{}).MaxPricePerHour.Int64()
	closed := t0.Add(31 * time.Second)
	dup := ReasonDuplicateProvider
	tests := []struct {
		name    string
		k       uint8
		floor   uint64
		bids    []replicaSpec
		winners []int // indexes into bids, best first
		spares  []int
		reasons map[int]Reason
	}{
		{name: "two replicas: the two cheapest, best first", k: 2,
			bids:    []replicaSpec{{bidSpec{key: 10, price: 300}, ""}, {bidSpec{key: 11, price: 100}, testPeer3}, {bidSpec{key: 12, price: 200}, testPeer4}},
			winners: []int{1, 2}, spares: []int{0}},
		{name: "three replicas", k: 3,
			bids: []replicaSpec{{bidSpec{key: 10, price: 400}, ""}, {bidSpec{key: 11, price: 100}, testPeer3}, {bidSpec{key: 12, price: 300}, testPeer4},
				{bidSpec{key: 13, price: 200}, "12D3KooWPGkPyx3Si9G5hrykdhr3zaPcggV3FZjpuSkxQJ1ehtz7"}},
			winners: []int{1, 3, 2}, spares: []int{0}},
		{name: "a second bid of an address is a duplicate", k: 2,
			bids:    []replicaSpec{{bidSpec{key: 10, price: 100}, ""}, {bidSpec{key: 10, price: 150}, testPeer3}, {bidSpec{key: 11, price: 200}, testPeer4}},
			winners: []int{0, 2}, reasons: map[int]Reason{1: dup}},
		{name: "a peer ID under another address is a duplicate", k: 2,
			bids:    []replicaSpec{{bidSpec{key: 10, price: 100}, ""}, {bidSpec{key: 11, price: 150}, ""}, {bidSpec{key: 12, price: 200}, testPeer3}},
			winners: []int{0, 2}, reasons: map[int]Reason{1: dup}},
		{name: "the cheaper bid of a peer takes its place, whatever arrived first", k: 2,
			bids:    []replicaSpec{{bidSpec{key: 10, price: 150}, ""}, {bidSpec{key: 11, price: 100, arrive: time.Second}, ""}, {bidSpec{key: 12, price: 200}, testPeer3}},
			winners: []int{1, 2}, reasons: map[int]Reason{0: dup}},
		{name: "fewer distinct providers than replicas: fewer winners", k: 3,
			bids:    []replicaSpec{{bidSpec{key: 10, price: 100}, ""}, {bidSpec{key: 11, price: 110}, ""}, {bidSpec{key: 12, price: 120}, testPeer3}, {bidSpec{key: 13, price: max + 1}, testPeer4}},
			winners: []int{0, 2}, reasons: map[int]Reason{1: dup, 3: ReasonPriceAboveMax}},
		{name: "one provider under many addresses: one winner", k: 2,
			bids:    []replicaSpec{{bidSpec{key: 10, price: 100}, ""}, {bidSpec{key: 11, price: 90}, ""}, {bidSpec{key: 12, price: 80}, ""}},
			winners: []int{2}, reasons: map[int]Reason{0: dup, 1: dup}},
		{name: "nothing qualifies: no winner", k: 2,
			bids:    []replicaSpec{{bidSpec{key: 10, price: max + 1}, ""}, {bidSpec{key: 11, price: 1, edit: func(b *Bid) { b.Offer.MemoryMiB = 1 }}, testPeer3}},
			winners: nil, reasons: map[int]Reason{0: ReasonPriceAboveMax, 1: ReasonMemory}},
		{name: "no bids", k: 3, winners: nil},
		{name: "ties: higher reputation, then earlier arrival", k: 3,
			bids: []replicaSpec{{bidSpec{key: 10, price: 100, rep: 5}, ""}, {bidSpec{key: 11, price: 100, rep: 9}, testPeer3},
				{bidSpec{key: 12, price: 100, rep: 5, arrive: -time.Second}, testPeer4}, {bidSpec{key: 13, price: 99}, "12D3KooWPGkPyx3Si9G5hrykdhr3zaPcggV3FZjpuSkxQJ1ehtz7"}},
			winners: []int{3, 1, 2}, spares: []int{0}},
		{name: "a tie within one peer: the tie's winner takes the place", k: 2,
			bids:    []replicaSpec{{bidSpec{key: 10, price: 100, rep: 1}, ""}, {bidSpec{key: 11, price: 100, rep: 2}, ""}, {bidSpec{key: 12, price: 300}, testPeer3}},
			winners: []int{1, 2}, reasons: map[int]Reason{0: dup}},
		{name: "a spare's second bid is a duplicate too", k: 2,
			bids: []replicaSpec{{bidSpec{key: 10, price: 100}, ""}, {bidSpec{key: 11, price: 200}, testPeer3}, {bidSpec{key: 12, price: 300}, testPeer4},
				{bidSpec{key: 13, price: 400}, testPeer4}, {bidSpec{key: 14, price: 500}, "12D3KooWPGkPyx3Si9G5hrykdhr3zaPcggV3FZjpuSkxQJ1ehtz7"}},
			winners: []int{0, 1}, spares: []int{2, 4}, reasons: map[int]Reason{3: dup}},
		{name: "a bid that cannot win takes no provider's place", k: 2,
			bids: []replicaSpec{{bidSpec{key: 10, price: 1, rep: 0}, ""}, {bidSpec{key: 11, price: max + 1}, testPeer3},
				{bidSpec{key: 12, price: 200, rep: 10}, ""}, {bidSpec{key: 13, price: 300, rep: 10}, testPeer3}},
			floor: 10, winners: []int{2, 3}, reasons: map[int]Reason{0: ReasonReputation, 1: ReasonPriceAboveMax}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			order := replicatedOrderOf(t, tt.k)
			cands := replicaCandidates(t, &order, tt.bids)
			out := SelectWinners(&order, cands, closed, WithMinReputation(tt.floor))
			if d := cmp.Diff(tt.winners, out.Winners, cmpopts.EquateEmpty()); d != "" {
				t.Fatalf("winners (-want +got):\n%s\nreasons %q", d, out.Reasons)
			}
			if want := -1; len(tt.winners) > 0 && out.Winner != tt.winners[0] || len(tt.winners) == 0 && out.Winner != want {
				t.Errorf("Winner %d, want the first of %v", out.Winner, tt.winners)
			}
			for i, r := range out.Reasons {
				if r != tt.reasons[i] {
					t.Errorf("reason of bid %d = %q, want %q", i, r, tt.reasons[i])
				}
			}
			hashes := func(cs []Candidate, idx []int) []common.Hash {
				out := []common.Hash{}
				for _, i := range idx {
					out = append(out, cs[i].Bid.Hash)
				}
				return out
			}
			// The bids in reverse: the same winners.
			rev := slices.Clone(cands)
			slices.Reverse(rev)
			if got := SelectWinners(&order, rev, closed, WithMinReputation(tt.floor)); !slices.Equal(hashes(rev, got.Winners), hashes(cands, out.Winners)) {
				t.Errorf("reversed bids: winners %v, want %v", got.Winners, out.Winners)
			}

			tr, err := testDomain.NewTranscript(&order, cands, closed, NewKeySigner(testKey(t, 1)), WithMinReputation(tt.floor))
			if err != nil {
				t.Fatal(err)
			}
			if tr.Rule != RuleLowestPriceReplicas || !slices.Equal(tr.Winners, hashes(cands, tt.winners)) {
				t.Errorf("transcript rule %q, winners %s; want %q, %s", tr.Rule, hashesText(tr.Winners), RuleLowestPriceReplicas, hashesText(hashes(cands, tt.winners)))
			}
			_, back, _, _ := wireRoundTrip(t, tr)
			_, verified, err := testDomain.VerifyWinners(&back)
			if err != nil {
				t.Fatalf("VerifyWinners: %v", err)
			}
			var got []common.Hash
			for _, vb := range verified {
				got = append(got, vb.Hash)
			}
			if !slices.Equal(got, tr.Winners) {
				t.Errorf("VerifyWinners gives %s, the transcript names %s", hashesText(got), hashesText(tr.Winners))
			}
			winners, spares, err := testDomain.Winners(&back)
			if err != nil {
				t.Fatalf("Winners: %v", err)
			}
			bidHashes := func(sbs []SignedBid) []common.Hash {
				out := []common.Hash{}
				for i := range sbs {
					out = append(out, testDomain.BidHash(&sbs[i].Bid))
				}
				return out
			}
			if d := cmp.Diff(hashes(cands, tt.winners), bidHashes(winners)); d != "" {
				t.Errorf("Winners: winners (-want +got):\n%s", d)
			}
			if d := cmp.Diff(hashes(cands, tt.spares), bidHashes(spares)); d != "" {
				t.Errorf("Winners: spares (-want +got):\n%s", d)
			}
		})
	}
}

// replicaAuction runs an auction of a two-replica order through Auction:
// account 10 at 100 and account 11 at 150 from one peer, account 12 at
// 200 and account 13 at 300 from others. Accounts 10 and 12 win, 11 is a
// duplicate_provider and 13 the spare.
func replicaAuction(t *testing.T) Transcript {
	t.Helper()
	order := replicatedOrderOf(t, 2)
	a, err := NewAuction(testDomain, order, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range []replicaSpec{{bidSpec{key: 10, price: 100}, ""}, {bidSpec{key: 11, price: 150}, ""}, {bidSpec{key: 12, price: 200}, testPeer3}, {bidSpec{key: 13, price: 300}, testPeer4}} {
		b := sampleBid(order.Hash, addr(testKey(t, s.key)), s.price)
		b.PeerID = cmpOr(s.peer, testPeer)
		sb, err := testDomain.SignBid(b, NewKeySigner(testKey(t, s.key)))
		if err != nil {
			t.Fatal(err)
		}
		if v, err := a.Add(sb, t0.Add(time.Duration(i)*time.Second)); err != nil || v.Reason != ReasonEligible {
			t.Fatalf("Add bid %d: %+v, %v", i, v, err)
		}
	}
	tr, err := a.Close(t0.Add(31*time.Second), NewKeySigner(testKey(t, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestReplicaTranscriptTampering: a replicated order's transcript is
// refused when its winners are not the rule's (a duplicate, a worse bid,
// fewer, another order of them), when it names another rule than its
// order's, or when its winners change after signing.
func TestReplicaTranscriptTampering(t *testing.T) {
	hashOf := func(tr *Transcript, i int) common.Hash { return testDomain.BidHash(&tr.Entries[i].Bid.Bid) }
	resign := func(tr *Transcript) { resignTranscript(t, tr) }
	cases := []struct {
		name string
		edit func(*Transcript)
		want error
		says string
	}{
		{"untouched", func(*Transcript) {}, nil, ""},
		{"winners in another order", func(tr *Transcript) {
			tr.Winners = []common.Hash{tr.Winners[1], tr.Winners[0]}
			tr.Winner = tr.Winners[0]
			resign(tr)
		}, ErrInvalid, "transcript names winner"},
		{"second winner swapped for the second bid of the first's peer", func(tr *Transcript) {
			tr.Winners[1] = hashOf(tr, 1)
			tr.Entries[1].Reason, tr.Entries[2].Reason = ReasonEligible, ReasonDuplicateProvider
			resign(tr)
		}, ErrInvalid, `entry 1 says "", the rule says "duplicate_provider"`},
		{"second winner swapped for the duplicate, reasons untouched", func(tr *Transcript) {
			tr.Winners[1] = hashOf(tr, 1)
			resign(tr)
		}, ErrInvalid, "the rule picks"},
		{"second winner swapped for the spare", func(tr *Transcript) {
			tr.Winners[1] = hashOf(tr, 3)
			resign(tr)
		}, ErrInvalid, "the rule picks"},
		{"a winner dropped", func(tr *Transcript) {
			tr.Winners = tr.Winners[:1]
			resign(tr)
		}, ErrInvalid, "names 1 winner [0x"},
		{"a third winner added", func(tr *Transcript) {
			tr.Winners = append(tr.Winners, hashOf(tr, 3))
			resign(tr)
		}, ErrInvalid, "names 3 winners [0x"},
		{"the duplicate's reason hidden", func(tr *Transcript) {
			tr.Entries[1].Reason = ReasonEligible
			resign(tr)
		}, ErrInvalid, "duplicate_provider"},
		{"winner not the first of winners", func(tr *Transcript) {
			tr.Winner = tr.Winners[1]
			resign(tr)
		}, ErrInvalid, "transcript names winner"},
		{"winners in another order, not re-signed", func(tr *Transcript) {
			tr.Winners = []common.Hash{tr.Winners[1], tr.Winners[0]}
		}, ErrInvalid, ""},
		{"under the single-winner rule", func(tr *Transcript) {
			tr.Rule, tr.Winners = RuleLowestPrice, tr.Winners[:1]
			for i := range tr.Entries {
				tr.Entries[i].Reason = ReasonEligible
			}
			resign(tr)
		}, ErrInvalid, `is auctioned under "tender/lowest-price-replicas/1"`},
		{"under the rule before the floor", func(tr *Transcript) {
			tr.Rule, tr.Winners = RuleLowestPriceV1, tr.Winners[:1]
			resign(tr)
		}, ErrInvalid, "is auctioned under"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := replicaAuction(t)
			if c.name == "untouched" {
				wantWinners := []common.Hash{hashOf(&tr, 0), hashOf(&tr, 2)}
				if tr.Rule != RuleLowestPriceReplicas || !slices.Equal(tr.Winners, wantWinners) || tr.Entries[1].Reason != ReasonDuplicateProvider {
					t.Fatalf("rule %q winners %s reasons %q/%q; want %q, %s, and the second bid a duplicate",
						tr.Rule, hashesText(tr.Winners), tr.Entries[1].Reason, tr.Entries[3].Reason, RuleLowestPriceReplicas, hashesText(wantWinners))
				}
			}
			tr.Entries = slices.Clone(tr.Entries)
			tr.Winners = slices.Clone(tr.Winners)
			c.edit(&tr)
			wantVerify(t, &tr, c.want)
			if _, _, err := testDomain.Verify(&tr); !strings.Contains(fmt.Sprint(err), c.says) {
				t.Errorf("Verify error %v does not say %q", err, c.says)
			}
		})
	}
	t.Run("the signature covers the winners", func(t *testing.T) {
		tr := replicaAuction(t)
		h1, _ := testDomain.TranscriptHash(&tr)
		tr.Winners = []common.Hash{tr.Winners[1], tr.Winners[0]}
		if h2, _ := testDomain.TranscriptHash(&tr); h1 == h2 {
			t.Error("reordering the winners keeps the digest")
		}
	})
	t.Run("a plain order's transcript under the replicas rule", func(t *testing.T) {
		tr := closedAuction(t)
		tr.Rule = RuleLowestPriceReplicas
		resign(&tr)
		wantVerify(t, &tr, ErrInvalid)
	})
	t.Run("Winners refuses a transcript whose winners are not its rule's", func(t *testing.T) {
		tr := replicaAuction(t)
		tr.Winners[1] = hashOf(&tr, 3)
		if _, _, err := testDomain.Winners(&tr); !errors.Is(err, ErrInvalid) {
			t.Errorf("Winners: %v, want ErrInvalid", err)
		}
	})
}

// TestReplicaOldRules: plain and spot-checked orders keep the
// single-winner rule and its transcripts, whose winners list holds the
// winner alone; the tenant's secret check of a spot-checked order is the
// best bid from another provider than the winner.
func TestReplicaOldRules(t *testing.T) {
	tr := closedAuction(t)
	if tr.Rule != RuleLowestPrice || len(tr.Winners) != 1 || tr.Winners[0] != tr.Winner {
		t.Errorf("plain order: rule %q, winners %s, winner %s; want %q with the winner alone", tr.Rule, hashesText(tr.Winners), tr.Winner.Hex(), RuleLowestPrice)
	}
	wireRoundTrip(t, tr)

	o := sampleOrder(addr(testKey(t, 1)))
	o.Verify = Verify{Replicas: 1, Paths: []string{"model.json"}, SpotCheckBps: 1000}
	order := mustSignOrder(t, o, testKey(t, 1))
	// The cheapest two share a peer: under the single-winner rule both
	// qualify, but the check must be another provider.
	cands := replicaCandidates(t, &order, []replicaSpec{{bidSpec{key: 10, price: 100}, ""}, {bidSpec{key: 11, price: 110}, ""}, {bidSpec{key: 12, price: 120}, testPeer3}, {bidSpec{key: 13, price: 130}, testPeer4}})
	spot, err := testDomain.NewTranscript(&order, cands, t0.Add(31*time.Second), NewKeySigner(testKey(t, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if spot.Rule != RuleLowestPrice || len(spot.Winners) != 1 || spot.Winner != cands[0].Bid.Hash {
		t.Fatalf("spot-checked order: rule %q, winners %s; want %q and bid 0 alone", spot.Rule, hashesText(spot.Winners), RuleLowestPrice)
	}
	for i, e := range spot.Entries {
		if e.Reason != ReasonEligible {
			t.Errorf("entry %d: %q; a spot-checked order's transcript looks like a plain one's, every bid qualifies", i, e.Reason)
		}
	}
	_, back, _, _ := wireRoundTrip(t, spot)
	winners, spares, err := testDomain.Winners(&back)
	if err != nil {
		t.Fatal(err)
	}
	if len(winners) != 1 || winners[0].Bid.Provider != cands[0].Bid.Bid.Provider || len(spares) != 2 || spares[0].Bid.Provider != cands[2].Bid.Bid.Provider || spares[1].Bid.Provider != cands[3].Bid.Bid.Provider {
		t.Errorf("Winners: %d winners, spares %v; want bid 0, then bids 2 and 3 (bid 1 shares bid 0's peer)", len(winners), spares)
	}
	ranked, err := testDomain.Ranked(&back)
	if err != nil || len(ranked) != 4 {
		t.Errorf("Ranked: %d bids, %v; want all 4 (the fallback of a plain order is unchanged)", len(ranked), err)
	}

	// Rule 1's transcripts still verify, with their one winner.
	v1 := closedAuction(t)
	v1.Rule, v1.MinReputation = RuleLowestPriceV1, 0
	h, _ := testDomain.TranscriptHash(&v1)
	v1.Signature, _ = NewKeySigner(testKey(t, 1)).SignHash(h)
	wireRoundTrip(t, v1)
}

// TestReplicaTranscriptOmitted: of more than MaxTranscriptBids bids, a
// replicated order's transcript keeps its winners, even when a flood of
// cheaper bids from one peer ranks a distinct winner far down.
func TestReplicaTranscriptOmitted(t *testing.T) {
	order := replicatedOrderOf(t, 2)
	n := MaxTranscriptBids + 20
	specs := make([]replicaSpec, n+1)
	for i := range n {
		specs[i] = replicaSpec{bidSpec{key: 1000 + i, price: int64(100 + i)}, ""}
	}
	specs[n] = replicaSpec{bidSpec{key: 999, price: 100_000, arrive: time.Second}, testPeer3}
	cands := replicaCandidates(t, &order, specs)
	tr, err := testDomain.NewTranscript(&order, cands, t0.Add(31*time.Second), NewKeySigner(testKey(t, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Entries) != MaxTranscriptBids || tr.Omitted != 21 {
		t.Errorf("%d entries, %d omitted; want %d and 21", len(tr.Entries), tr.Omitted, MaxTranscriptBids)
	}
	want := []common.Hash{cands[0].Bid.Hash, cands[n].Bid.Hash}
	if !slices.Equal(tr.Winners, want) {
		t.Errorf("winners %s, want the cheapest bid and the one of the other peer %s", hashesText(tr.Winners), hashesText(want))
	}
	wantVerify(t, &tr, nil)
}
