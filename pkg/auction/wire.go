package auction

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// Versions of the JSON encoding this package reads and writes. Every
// message carries its version as "v"; other versions are refused.
const (
	// WireVersion is the version of orders, bids and no-bids.
	WireVersion = 1
	// TranscriptWireVersion is the version of transcripts: version 2 added
	// minReputation, version 3 winners. DecodeTranscript still reads
	// versions 1 and 2.
	TranscriptWireVersion = 3
)

// Size caps of encoded messages. Decoders refuse larger input before parsing.
const (
	MaxOrderBytes      = 32 << 10
	MaxBidBytes        = 8 << 10
	MaxTranscriptBids  = 256
	MaxTranscriptBytes = 4 << 20
	// MaxAuctionBids is the most bids an auction keeps while its window
	// is open; beyond it a bid is kept only if it can win and undercuts the
	// dearest one kept (see Auction.Add).
	MaxAuctionBids = 4096
)

// Errors a decoder returns, wrapped with details.
var (
	ErrTooLarge       = errors.New("message too large")
	ErrUnknownVersion = errors.New("unknown wire version")
	ErrMalformed      = errors.New("malformed message")
)

// SignedOrder is an order with its tenant's signature: the unit that travels.
type SignedOrder struct {
	Order     Order     `json:"order"`
	Signature Signature `json:"signature"`
}

// SignedBid is a bid with its provider's signature.
type SignedBid struct {
	Bid       Bid       `json:"bid"`
	Signature Signature `json:"signature"`
}

type orderEnvelope struct {
	V int `json:"v"`
	SignedOrder
}

type bidEnvelope struct {
	V int `json:"v"`
	SignedBid
}

// EncodeOrder writes the signed order in the wire encoding.
func EncodeOrder(so SignedOrder) ([]byte, error) {
	return encode(orderEnvelope{WireVersion, so}, "order", MaxOrderBytes)
}

// DecodeOrder reads a signed order from the wire encoding. It checks size,
// version and syntax only; VerifyOrder checks the rest.
func DecodeOrder(data []byte) (SignedOrder, error) {
	var env orderEnvelope
	err := decode(data, &env, "order", MaxOrderBytes, WireVersion)
	return env.SignedOrder, err
}

// EncodeBid writes the signed bid in the wire encoding.
func EncodeBid(sb SignedBid) ([]byte, error) {
	return encode(bidEnvelope{WireVersion, sb}, "bid", MaxBidBytes)
}

// DecodeBid reads a signed bid from the wire encoding. It checks size,
// version and syntax only; VerifyBid checks the rest.
func DecodeBid(data []byte) (SignedBid, error) {
	var env bidEnvelope
	err := decode(data, &env, "bid", MaxBidBytes, WireVersion)
	return env.SignedBid, err
}

func encode(v any, what string, limit int) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", what, err)
	}
	if len(data) > limit {
		return nil, fmt.Errorf("%w: %s encodes to %d bytes, at most %d", ErrTooLarge, what, len(data), limit)
	}
	return data, nil
}

// envelope is a message as it travels: its payload and the version "v".
type envelope interface{ version() int }

// decode checks the size cap, parses strictly (unknown fields and trailing
// data are errors) and checks the version is one of versions. Well-formed
// input is parsed once; only input that fails is read again, to tell
// another version (whose fields this build does not know) or a missing
// version from garbage.
func decode(data []byte, v envelope, what string, limit int, versions ...int) error {
	if len(data) > limit {
		return fmt.Errorf("%w: %s is %d bytes, at most %d", ErrTooLarge, what, len(data), limit)
	}
	err := strictJSON(data, v)
	if err == nil && slices.Contains(versions, v.version()) {
		return nil
	}
	var head struct {
		V *int `json:"v"`
	}
	switch {
	case json.Unmarshal(data, &head) != nil:
		return fmt.Errorf("%w: %s: %v", ErrMalformed, what, err)
	case head.V == nil:
		return fmt.Errorf("%w: %s has no version field \"v\"", ErrMalformed, what)
	case !slices.Contains(versions, *head.V):
		return fmt.Errorf("%w: %s is version %d, this build reads %s", ErrUnknownVersion, what, *head.V, versionsText(versions))
	}
	return fmt.Errorf("%w: %s: %v", ErrMalformed, what, err)
}

// versionsText says versions in words: "version 1", "versions 1 and 2".
func versionsText(versions []int) string {
	words := make([]string, len(versions))
	for i, v := range versions {
		words[i] = strconv.Itoa(v)
	}
	if len(words) == 1 {
		return "version " + words[0]
	}
	return "versions " + strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func (e *orderEnvelope) version() int { return e.V }
func (e *bidEnvelope) version() int   { return e.V }

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the message")
	}
	return nil
}

// MarshalJSON writes the order with its price as a decimal string and
// every list as an array, [] when empty (never null). A zero Verify (a
// plain order) is left out.
func (o Order) MarshalJSON() ([]byte, error) {
	type plain Order
	r, j := &o.Requirements, &o.Job
	r.GPUModels, r.Placement = orEmpty(r.GPUModels), orEmpty(r.Placement)
	j.Command, j.Env, j.Expose = orEmpty(j.Command), orEmpty(j.Env), orEmpty(j.Expose)
	o.Verify.Paths = orEmpty(o.Verify.Paths)
	return json.Marshal(struct {
		plain
		MaxPricePerHour string `json:"maxPricePerHour"`
	}{plain(o), amountText(o.MaxPricePerHour)})
}

// orEmpty is s, or an empty slice for nil: the wire form of an empty
// list is [], which every JSON library reads as a list. Decoders accept
// null as well.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// UnmarshalJSON reads an order strictly (unknown fields are errors). A
// missing verify is the zero Verify: a plain order.
func (o *Order) UnmarshalJSON(data []byte) error {
	type plain Order
	w := struct {
		*plain
		MaxPricePerHour *string         `json:"maxPricePerHour"`
		Tenant          *string         `json:"tenant"`
		Nonce           json.RawMessage `json:"nonce"`
	}{plain: (*plain)(o)}
	if err := strictJSON(data, &w); err != nil {
		return err
	}
	var err1, err2, err3 error
	o.MaxPricePerHour, err1 = parseAmount("maxPricePerHour", w.MaxPricePerHour)
	o.Tenant, err2 = parseAddress("tenant", w.Tenant)
	o.Nonce, err3 = parseNonce(w.Nonce)
	return errors.Join(err1, err2, err3)
}

// parseAddress reads an address: 0x and 40 hex digits, all in lowercase,
// all in uppercase, or in mixed case that is its EIP-55 checksum (mixed
// case that is not is a typo, refused). A missing address is the zero one.
func parseAddress(field string, s *string) (common.Address, error) {
	if s == nil {
		return common.Address{}, nil
	}
	t := *s
	if len(t) != 42 || t[:2] != "0x" || !isHex(t[2:]) {
		return common.Address{}, &FieldError{Field: field, Msg: fmt.Sprintf("%q is not an address: want 0x and 40 hex digits", t)}
	}
	a := common.HexToAddress(t)
	if digits := t[2:]; digits != strings.ToLower(digits) && digits != strings.ToUpper(digits) && t != a.Hex() {
		return common.Address{}, &FieldError{Field: field, Msg: fmt.Sprintf("%s is in mixed case but not its EIP-55 checksum %s: a typo? (all lowercase needs no checksum)", t, a.Hex())}
	}
	return a, nil
}

func isHex(s string) bool {
	for i := range len(s) {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// parseNonce reads a nonce: a uint64 written as a decimal string (it can
// exceed 2^53, past which many JSON libraries round numbers).
func parseNonce(raw json.RawMessage) (uint64, error) {
	if raw == nil {
		return 0, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, &FieldError{Field: "nonce", Msg: fmt.Sprintf("%s is not a string: write the nonce as a decimal string (\"7\"), it can exceed 2^53", raw)}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || s != strconv.FormatUint(n, 10) {
		return 0, &FieldError{Field: "nonce", Msg: fmt.Sprintf("%q is not a whole number from 0 to 2^64-1 written in decimal", s)}
	}
	return n, nil
}

// MarshalJSON writes the bid with its price as a decimal string and
// every list as an array, [] when empty (never null).
func (b Bid) MarshalJSON() ([]byte, error) {
	type plain Bid
	b.Offer.GPUs, b.Offer.Attributes = orEmpty(b.Offer.GPUs), orEmpty(b.Offer.Attributes)
	return json.Marshal(struct {
		plain
		PricePerHour string `json:"pricePerHour"`
	}{plain(b), amountText(b.PricePerHour)})
}

// UnmarshalJSON reads a bid strictly (unknown fields are errors).
func (b *Bid) UnmarshalJSON(data []byte) error {
	type plain Bid
	w := struct {
		*plain
		PricePerHour *string         `json:"pricePerHour"`
		Provider     *string         `json:"provider"`
		Nonce        json.RawMessage `json:"nonce"`
	}{plain: (*plain)(b)}
	if err := strictJSON(data, &w); err != nil {
		return err
	}
	var err1, err2, err3 error
	b.PricePerHour, err1 = parseAmount("pricePerHour", w.PricePerHour)
	b.Provider, err2 = parseAddress("provider", w.Provider)
	b.Nonce, err3 = parseNonce(w.Nonce)
	return errors.Join(err1, err2, err3)
}

func amountText(v *big.Int) string {
	if v == nil {
		return ""
	}
	return v.String()
}

// parseAmount reads a token amount: a decimal string of digits, no sign, no
// leading zeros, at most 78 digits (2^256 has 78).
func parseAmount(field string, s *string) (*big.Int, error) {
	if s == nil {
		return nil, &FieldError{Field: field, Msg: "missing"}
	}
	t := *s
	ok := len(t) > 0 && len(t) <= 78 && (t == "0" || t[0] != '0')
	for i := 0; ok && i < len(t); i++ {
		ok = t[i] >= '0' && t[i] <= '9'
	}
	if !ok {
		return nil, &FieldError{Field: field, Msg: fmt.Sprintf("%q is not a whole number of token base units written in decimal, like \"1500000\"", t)}
	}
	v, _ := new(big.Int).SetString(t, 10)
	return v, nil
}
