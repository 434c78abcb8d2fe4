package auction

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/go-cmp/cmp"
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
