package store

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5/pgtype"
)

// numeric is v as a NUMERIC parameter (NULL for nil).
func numeric(v *big.Int) pgtype.Numeric {
	if v == nil {
		return pgtype.Numeric{}
	}
	return pgtype.Numeric{Int: new(big.Int).Set(v), Exp: 0, Valid: true}
}

// numericU64 is a uint64 as a NUMERIC parameter: it may not fit a bigint.
func numericU64(v uint64) pgtype.Numeric {
	return pgtype.Numeric{Int: new(big.Int).SetUint64(v), Valid: true}
}

// toBig turns a scanned NUMERIC(78,0) into an exact integer (nil for NULL).
// PostgreSQL may send trailing zeros as an exponent.
func toBig(n pgtype.Numeric) (*big.Int, error) {
	if !n.Valid {
		return nil, nil
	}
	if n.NaN || n.InfinityModifier != pgtype.Finite {
		return nil, errors.New("store: amount is not a finite number")
	}
	v := new(big.Int).Set(n.Int)
	switch {
	case n.Exp > 0:
		v.Mul(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.Exp)), nil))
	case n.Exp < 0:
		q, r := new(big.Int).QuoRem(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-n.Exp)), nil), new(big.Int))
		if r.Sign() != 0 {
			return nil, fmt.Errorf("store: amount %se%d is not a whole number", n.Int, n.Exp)
		}
		v = q
	}
	return v, nil
}

// toU64 turns a scanned NUMERIC(20,0) into a uint64.
func toU64(n pgtype.Numeric) (uint64, error) {
	v, err := toBig(n)
	if err != nil || v == nil {
		return 0, err
	}
	if !v.IsUint64() {
		return 0, fmt.Errorf("store: %s does not fit 64 bits", v)
	}
	return v.Uint64(), nil
}

// bigOrZero is v, or 0 for nil.
func bigOrZero(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

func addrBytes(a common.Address) []byte { return a.Bytes() }

// optAddr is a nullable address column: nil for the zero address.
func optAddr(a common.Address) []byte {
	if a == (common.Address{}) {
		return nil
	}
	return a.Bytes()
}

// optHash is a nullable hash column: nil for the zero hash.
func optHash(h common.Hash) []byte {
	if h == (common.Hash{}) {
		return nil
	}
	return h.Bytes()
}

// unixTime turns message seconds into a timestamp PostgreSQL holds (its
// range ends in the year 294276; later values are clamped).
func unixTime(s uint64) time.Time {
	const maxUnix = 9_000_000_000_000 // ~ year 287,000
	if s > maxUnix {
		s = maxUnix
	}
	return time.Unix(int64(s), 0).UTC()
}

// Cursor is an opaque keyset position in a list: the sort time and key of
// the last item of a page. Its text form is URL-safe.
type Cursor struct {
	at  time.Time
	key []byte
}

// ErrBadCursor reports a cursor that this store did not make.
var ErrBadCursor = errors.New("malformed page cursor")

// String encodes the cursor; "" for the zero cursor (the first page).
func (c Cursor) String() string {
	if c.key == nil {
		return ""
	}
	buf := make([]byte, 8, 8+len(c.key))
	binary.BigEndian.PutUint64(buf, uint64(c.at.UnixMicro()))
	return base64.RawURLEncoding.EncodeToString(append(buf, c.key...))
}

// IsZero reports whether c is the first page.
func (c Cursor) IsZero() bool { return c.key == nil }

// ParseCursor reads a cursor made by Cursor.String for a list keyed by
// keyLen-byte keys. "" is the first page.
func ParseCursor(s string, keyLen int) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	if len(s) > 128 {
		return Cursor{}, fmt.Errorf("%w: %d characters", ErrBadCursor, len(s))
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) != 8+keyLen {
		return Cursor{}, ErrBadCursor
	}
	micros := int64(binary.BigEndian.Uint64(raw))
	return Cursor{at: time.UnixMicro(micros).UTC(), key: raw[8:]}, nil
}

func cursorAt(at time.Time, key []byte) Cursor { return Cursor{at: at, key: key} }
