package auction

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func encodedOrder(t *testing.T) (SignedOrder, []byte) {
	t.Helper()
	so, err := testDomain.SignOrder(sampleOrder(addr(testKey(t, 1))), NewKeySigner(testKey(t, 1)))
	if err != nil {
		t.Fatal(err)
	}
	data, err := EncodeOrder(so)
	if err != nil {
		t.Fatal(err)
	}
	return so, data
}

// edit decodes data as generic JSON, applies f and encodes it again.
func edit(t *testing.T, data []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadOrder(t *testing.T) {
	so, data := encodedOrder(t)
	inner := func(f func(o map[string]any)) func(m map[string]any) {
		return func(m map[string]any) { f(m["order"].(map[string]any)) }
	}
	cases := []struct {
		name  string
		data  []byte
		now   time.Time
		want  error
		field string // a FieldError's field, when want is ErrInvalid
		msg   string // what the error says, when want is ErrMalformed
	}{
		{name: "valid", data: data, now: t0},
		{name: "expired", data: data, now: time.Unix(int64(so.Order.Expiry), 0), want: ErrExpired},
		{name: "oversize", data: append(data, bytes.Repeat([]byte(" "), MaxOrderBytes)...), now: t0, want: ErrTooLarge},
		{name: "unknown version", data: edit(t, data, func(m map[string]any) { m["v"] = 2 }), now: t0, want: ErrUnknownVersion},
		{name: "no version", data: edit(t, data, func(m map[string]any) { delete(m, "v") }), now: t0, want: ErrMalformed},
		{name: "not JSON", data: []byte("order please"), now: t0, want: ErrMalformed},
		{name: "JSON array", data: []byte(`[1,2]`), now: t0, want: ErrMalformed},
		{name: "trailing data", data: append(bytes.Clone(data), []byte(` {"v":1}`)...), now: t0, want: ErrMalformed},
		{name: "unknown top-level field", data: edit(t, data, func(m map[string]any) { m["extra"] = 1 }), now: t0, want: ErrMalformed},
		{name: "unknown nested field", data: edit(t, data, inner(func(o map[string]any) { o["requirements"].(map[string]any)["gpuPower"] = 9000 })), now: t0, want: ErrMalformed},
		{name: "price as JSON number", data: edit(t, data, inner(func(o map[string]any) { o["maxPricePerHour"] = 4000000 })), now: t0, want: ErrMalformed},
		{name: "price negative", data: edit(t, data, inner(func(o map[string]any) { o["maxPricePerHour"] = "-1" })), now: t0, want: ErrMalformed},
		{name: "price with a decimal point", data: edit(t, data, inner(func(o map[string]any) { o["maxPricePerHour"] = "1.5" })), now: t0, want: ErrMalformed},
		{name: "price with leading zero", data: edit(t, data, inner(func(o map[string]any) { o["maxPricePerHour"] = "04000000" })), now: t0, want: ErrMalformed},
		{name: "price missing", data: edit(t, data, inner(func(o map[string]any) { delete(o, "maxPricePerHour") })), now: t0, want: ErrMalformed},
		{name: "price over 2^256", data: edit(t, data, inner(func(o map[string]any) { o["maxPricePerHour"] = strings.Repeat("9", 78) })), now: t0, want: ErrInvalid, field: "maxPricePerHour"},
		{name: "price changed after signing", data: edit(t, data, inner(func(o map[string]any) { o["maxPricePerHour"] = "4000001" })), now: t0, want: ErrBadSignature},
		{name: "signature missing", data: edit(t, data, func(m map[string]any) { delete(m, "signature") }), now: t0, want: ErrBadSignature},
		{name: "signature too short", data: edit(t, data, func(m map[string]any) { m["signature"] = "0x1234" }), now: t0, want: ErrMalformed},
		{name: "nonce as number", data: edit(t, data, inner(func(o map[string]any) { o["nonce"] = 7 })), now: t0, want: ErrMalformed, msg: "nonce: 7 is not a string"},
		{name: "nonce with leading zero", data: edit(t, data, inner(func(o map[string]any) { o["nonce"] = "07" })), now: t0, want: ErrMalformed, msg: "nonce"},
		{name: "tenant in EIP-55 checksum case", data: edit(t, data, inner(func(o map[string]any) { o["tenant"] = so.Order.Tenant.Hex() })), now: t0},
		{name: "tenant in uppercase", data: edit(t, data, inner(func(o map[string]any) { o["tenant"] = "0x" + strings.ToUpper(so.Order.Tenant.Hex()[2:]) })), now: t0},
		{name: "tenant with a wrong checksum", data: edit(t, data, inner(func(o map[string]any) { o["tenant"] = wrongChecksum(so.Order.Tenant.Hex()) })), now: t0, want: ErrMalformed, msg: "tenant: "},
		{name: "tenant without 0x", data: edit(t, data, inner(func(o map[string]any) { o["tenant"] = so.Order.Tenant.Hex()[2:] })), now: t0, want: ErrMalformed, msg: "tenant: "},
		{name: "SQL-ish image", data: edit(t, data, inner(func(o map[string]any) { o["job"].(map[string]any)["image"] = "x'; DROP TABLE leases;--" })), now: t0, want: ErrInvalid, field: "job.image"},
		{name: "NUL in command", data: edit(t, data, inner(func(o map[string]any) { o["job"].(map[string]any)["command"] = []any{"a\x00b"} })), now: t0, want: ErrInvalid, field: "job.command[0]"},
		{name: "port out of order", data: edit(t, data, inner(func(o map[string]any) { o["job"].(map[string]any)["expose"] = []any{8080, 8000} })), now: t0, want: ErrInvalid, field: "job.expose[1]"},
		{name: "port over 65535", data: edit(t, data, inner(func(o map[string]any) { o["job"].(map[string]any)["expose"] = []any{70000} })), now: t0, want: ErrMalformed},
		{name: "expiry before deadline", data: edit(t, data, inner(func(o map[string]any) { o["expiry"] = o["bidDeadline"] })), now: t0, want: ErrInvalid, field: "expiry"},
		{name: "zero tenant", data: edit(t, data, inner(func(o map[string]any) { o["tenant"] = "0x0000000000000000000000000000000000000000" })), now: t0, want: ErrInvalid, field: "tenant"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vo, err := testDomain.ReadOrder(c.data, c.now)
			if c.want == nil {
				if err != nil {
					t.Fatalf("ReadOrder: %v", err)
				}
				if diff := cmp.Diff(so, vo.SignedOrder, bigCmp); diff != "" {
					t.Errorf("round trip (-want +got):\n%s", diff)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("ReadOrder error = %v, want %v", err, c.want)
			}
			if c.field != "" {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != c.field {
					t.Errorf("error %v does not name field %q", err, c.field)
				}
			}
			if !strings.Contains(fmt.Sprint(err), c.msg) {
				t.Errorf("error %v does not say %q", err, c.msg)
			}
		})
	}
}

// wrongChecksum is the EIP-55 form of addr with the case of its first
// letter turned.
func wrongChecksum(addr string) string {
	b := []byte(addr)
	for i := 2; i < len(b); i++ {
		if c := b[i]; 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' {
			b[i] ^= 0x20
			return string(b)
		}
	}
	panic("address without letters: " + addr)
}

func TestReadBid(t *testing.T) {
	tenant, provider := testKey(t, 1), testKey(t, 2)
	order := mustSignOrder(t, sampleOrder(addr(tenant)), tenant)
	other := sampleOrder(addr(tenant))
	other.Nonce = 99
	otherOrder := mustSignOrder(t, other, tenant)
	sb, err := testDomain.SignBid(sampleBid(order.Hash, addr(provider), 100), NewKeySigner(provider))
	if err != nil {
		t.Fatal(err)
	}
	data, err := EncodeBid(sb)
	if err != nil {
		t.Fatal(err)
	}
	inner := func(f func(b map[string]any)) func(m map[string]any) {
		return func(m map[string]any) { f(m["bid"].(map[string]any)) }
	}
	unverified := VerifiedOrder{SignedOrder: order.SignedOrder, Hash: order.Hash}
	cases := []struct {
		name  string
		data  []byte
		order *VerifiedOrder
		now   time.Time
		want  error
	}{
		{"valid", data, &order, t0, nil},
		{"answers another order", data, &otherOrder, t0, ErrWrongOrder},
		{"order not verified", data, &unverified, t0, nil},
		{"expired", data, &order, time.Unix(int64(sb.Bid.Expiry), 0), ErrExpired},
		{"oversize", append(bytes.Clone(data), bytes.Repeat([]byte("\n"), MaxBidBytes)...), &order, t0, ErrTooLarge},
		{"unknown version", edit(t, data, func(m map[string]any) { m["v"] = 0 }), &order, t0, ErrUnknownVersion},
		{"an order sent as a bid", mustEncodeOrder(t, order.SignedOrder), &order, t0, ErrMalformed},
		{"unknown field", edit(t, data, inner(func(b map[string]any) { b["discount"] = "50%" })), &order, t0, ErrMalformed},
		{"forged price", edit(t, data, inner(func(b map[string]any) { b["pricePerHour"] = "1" })), &order, t0, ErrBadSignature},
		{"forged GPU count", edit(t, data, inner(func(b map[string]any) {
			b["offer"].(map[string]any)["gpus"].([]any)[0].(map[string]any)["count"] = 3
		})), &order, t0, ErrBadSignature},
		{"zero count GPU group", edit(t, data, inner(func(b map[string]any) {
			b["offer"].(map[string]any)["gpus"].([]any)[0].(map[string]any)["count"] = 0
		})), &order, t0, ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vb, err := testDomain.ReadBid(c.data, c.order, c.now)
			if c.name == "order not verified" {
				if err == nil {
					t.Fatal("ReadBid accepted a bid against an unverified order")
				}
				return
			}
			if c.want == nil {
				if err != nil {
					t.Fatalf("ReadBid: %v", err)
				}
				if vb.Hash != testDomain.BidHash(&sb.Bid) || !vb.Verified() {
					t.Errorf("ReadBid hash %s verified %v, want %s true", vb.Hash.Hex(), vb.Verified(), testDomain.BidHash(&sb.Bid).Hex())
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("ReadBid error = %v, want %v", err, c.want)
			}
		})
	}
}

func mustEncodeOrder(t *testing.T, so SignedOrder) []byte {
	t.Helper()
	data, err := EncodeOrder(so)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestValidateReportsEveryProblem(t *testing.T) {
	o := sampleOrder(addr(testKey(t, 1)))
	o.MaxDuration = 0
	o.Requirements.GPUModels = []string{" H100"}
	o.Job.Env = append(o.Job.Env, EnvVar{Name: "SEED", Value: "1"}, EnvVar{Name: "1BAD", Value: ""})
	err := o.Validate()
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *FieldError
		if errors.As(e, &fe) {
			fields = append(fields, fe.Field)
		}
	}
	want := []string{"maxDuration", "requirements.gpuModels[0]", "job.env[1].name", "job.env[2].name"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields named (-want +got):\n%s\nerror: %v", diff, err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
	}
}

// TestEmptyListsAreArrays: an empty list goes on the wire as [], which
// every JSON library reads as a list, never as null; a decoder reads both,
// and both name the same message (EIP-712 hashes an empty array either
// way).
func TestEmptyListsAreArrays(t *testing.T) {
	o := sampleOrder(addr(testKey(t, 1)))
	o.Requirements.GPUModels, o.Requirements.Placement, o.Job.Command, o.Job.Env, o.Job.Expose = nil, nil, nil, nil, nil
	so, err := testDomain.SignOrder(o, NewKeySigner(testKey(t, 1)))
	if err != nil {
		t.Fatal(err)
	}
	b := sampleBid(testDomain.OrderHash(&o), addr(testKey(t, 2)), 1)
	b.Offer.GPUs, b.Offer.Attributes = nil, nil
	sb, err := testDomain.SignBid(b, NewKeySigner(testKey(t, 2)))
	if err != nil {
		t.Fatal(err)
	}
	orderData, err := EncodeOrder(so)
	if err != nil {
		t.Fatal(err)
	}
	bidData, err := EncodeBid(sb)
	if err != nil {
		t.Fatal(err)
	}
	transcriptData, err := EncodeTranscript(Transcript{Rule: RuleLowestPrice, Order: so, ClosedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		data  []byte
		lists []string
	}{
		{orderData, []string{`"gpuModels":[]`, `"placement":[]`, `"command":[]`, `"env":[]`, `"expose":[]`}},
		{bidData, []string{`"gpus":[]`, `"attributes":[]`}},
		{transcriptData, []string{`"entries":[]`, `"winners":[]`}},
	} {
		for _, l := range c.lists {
			if !bytes.Contains(c.data, []byte(l)) {
				t.Errorf("%s lacks %s", c.data, l)
			}
		}
		if bytes.Contains(c.data, []byte("null")) {
			t.Errorf("%s holds a null", c.data)
		}
	}

	for _, field := range []string{"placement", "expose"} {
		nulls := bytes.ReplaceAll(orderData, []byte(`"`+field+`":[]`), []byte(`"`+field+`":null`))
		got, err := DecodeOrder(nulls)
		if err != nil {
			t.Fatalf("order with null %s: %v", field, err)
		}
		if testDomain.OrderHash(&got.Order) != testDomain.OrderHash(&o) {
			t.Errorf("null and [] %s name different orders", field)
		}
		if _, err := testDomain.VerifyOrder(got); err != nil {
			t.Errorf("order with null %s does not verify: %v", field, err)
		}
	}
}

// TestValidateExpose: an order's exposed ports are TCP ports, at most
// MaxExposedPorts, in ascending order and each once, so that one order has
// one encoding.
func TestValidateExpose(t *testing.T) {
	many := make([]uint16, MaxExposedPorts+1)
	for i := range many {
		many[i] = uint16(8000 + i)
	}
	tests := []struct {
		name   string
		expose []uint16
		field  string // the field the error names, "" for none
		says   string
	}{
		{"none", nil, "", ""},
		{"empty", []uint16{}, "", ""},
		{"one", []uint16{8000}, "", ""},
		{"the extremes", []uint16{1, 65535}, "", ""},
		{"as many as allowed", many[:MaxExposedPorts], "", ""},
		{"port 0", []uint16{0, 8000}, "job.expose[0]", "from 1 to 65535"},
		{"twice", []uint16{22, 8000, 8000}, "job.expose[2]", "ascending order, each once"},
		{"descending", []uint16{8080, 8000}, "job.expose[1]", "ascending order, each once"},
		{"too many", many, "job.expose", "at most 16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := sampleOrder(addr(testKey(t, 1)))
			o.Job.Expose = tt.expose
			err := o.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Msg, tt.says) {
				t.Errorf("Validate = %v, want an error naming %s that says %q", err, tt.field, tt.says)
			}
		})
	}
}

func TestEncodeRefusesOversize(t *testing.T) {
	o := sampleOrder(addr(testKey(t, 1)))
	for range MaxCommandArgs {
		o.Job.Command = append(o.Job.Command, strings.Repeat("x", 1000))
	}
	o.Job.Command = o.Job.Command[:MaxCommandArgs]
	so, err := testDomain.SignOrder(o, NewKeySigner(testKey(t, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := EncodeOrder(so); !errors.Is(err, ErrTooLarge) {
		t.Errorf("EncodeOrder of a %d-argument order: %v, want ErrTooLarge", len(o.Job.Command), err)
	}
}

// TestDocsPublishSchema keeps docs/eip712.md in step with the type strings
// the code hashes.
func TestDocsPublishSchema(t *testing.T) {
	doc, err := os.ReadFile("../../docs/eip712.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, ty := range []string{domainType, orderType, requirementsType, attributeType, jobType, envVarType, verifyType, bidType, offerType, gpuType, transcriptType, entryType, transcriptTypeV1, transcriptTypeReplicas, noBidType, leaseAccessType} {
		if !bytes.Contains(doc, []byte(ty)) {
			t.Errorf("docs/eip712.md does not publish %s", ty)
		}
	}
	for _, v := range []string{goldenOrder, goldenOrderSig, goldenReplicatedOrder, goldenBid, goldenBidSig, testDomain.Separator().Hex(), RuleLowestPrice, RuleLowestPriceV1, RuleLowestPriceReplicas, string(ReasonDuplicateProvider), goldenTranscript, goldenTranscriptSig,
		goldenReplicatedTranscript, goldenReplicatedTranscriptSig} {
		if !bytes.Contains(doc, []byte(v)) {
			t.Errorf("docs/eip712.md lacks %s", v)
		}
	}
}

// TestProviderAddressCase: a bid's or no-bid's provider in mixed case
// that is not its EIP-55 checksum is refused, naming the field; the
// checksum form is read.
func TestProviderAddressCase(t *testing.T) {
	order := mustSignOrder(t, sampleOrder(addr(testKey(t, 1))), testKey(t, 1))
	provider := testKey(t, 2)
	sb, err := testDomain.SignBid(sampleBid(order.Hash, addr(provider), 1), NewKeySigner(provider))
	if err != nil {
		t.Fatal(err)
	}
	bidData, err := EncodeBid(sb)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := testDomain.SignNoBid(vectorNoBid(order.Hash, provider), NewKeySigner(provider))
	if err != nil {
		t.Fatal(err)
	}
	noBidData, err := EncodeNoBid(nb)
	if err != nil {
		t.Fatal(err)
	}
	lower := []byte(`"` + strings.ToLower(addr(provider).Hex()) + `"`)
	for _, c := range []struct {
		name   string
		data   []byte
		decode func([]byte) error
	}{
		{"bid", bidData, func(d []byte) error { _, err := DecodeBid(d); return err }},
		{"no-bid", noBidData, func(d []byte) error { _, err := testDomain.DecodeNoBid(d); return err }},
	} {
		checksum := bytes.Replace(c.data, lower, []byte(`"`+addr(provider).Hex()+`"`), 1)
		if err := c.decode(checksum); err != nil {
			t.Errorf("%s with the provider in checksum case: %v", c.name, err)
		}
		wrong := bytes.Replace(c.data, lower, []byte(`"`+wrongChecksum(addr(provider).Hex())+`"`), 1)
		if err := c.decode(wrong); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "provider: ") {
			t.Errorf("%s with a wrong checksum: %v, want malformed, naming provider", c.name, err)
		}
	}
}
