package jobspec

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tender-market/tender/pkg/auction"
)

var decimal = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// rat reads a non-negative decimal exactly.
func rat(s string) (*big.Rat, bool) {
	if !decimal.MatchString(s) {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

var sizeUnits = map[string]int64{
	"": 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
	"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40,
}

var sizePattern = regexp.MustCompile(`^([0-9.]+)\s*([KMGT]i?)?$`)

// sizeMiB reads a size ("16Gi", "512Mi", "1.5G", "1048576") as MiB,
// rounded up.
func sizeMiB(p *problems, field, s string) (uint64, bool) {
	m := sizePattern.FindStringSubmatch(strings.TrimSpace(s))
	var r *big.Rat
	ok := m != nil
	if ok {
		r, ok = rat(m[1])
	}
	if !ok {
		p.add(field, `%q is not a size: want a number with a unit Ki, Mi, Gi, Ti (powers of 1024) or K, M, G, T (powers of 1000), e.g. "16Gi"`, s)
		return 0, false
	}
	bytes := r.Mul(r, new(big.Rat).SetInt64(sizeUnits[m[2]]))
	mib := ceilDiv(bytes, 1<<20)
	if mib.Sign() == 0 {
		p.add(field, "%q is zero: leave the field out to ask for nothing", s)
		return 0, false
	}
	if !mib.IsUint64() || mib.Uint64() > 1<<40 {
		p.add(field, "%q is too large", s)
		return 0, false
	}
	return mib.Uint64(), true
}

// cpuMillis reads CPU as cores ("2", "0.5") or millicores ("1500m").
func cpuMillis(p *problems, field, s string) (uint64, bool) {
	s = strings.TrimSpace(s)
	var v *big.Rat
	if n, ok := strings.CutSuffix(s, "m"); ok {
		if u, err := strconv.ParseUint(n, 10, 32); err == nil {
			v = new(big.Rat).SetInt64(int64(u))
		}
	} else if r, ok := rat(s); ok {
		v = r.Mul(r, big.NewRat(1000, 1))
	}
	if v == nil || !v.IsInt() {
		p.add(field, `%q is not a CPU amount: want cores ("2", "0.5", at most 3 decimals) or millicores ("1500m")`, s)
		return 0, false
	}
	n := v.Num()
	if n.Sign() == 0 || !n.IsUint64() || n.Uint64() > 1<<20 {
		p.add(field, "%q must be more than 0 and at most %d cores", s, 1<<10)
		return 0, false
	}
	return n.Uint64(), true
}

var versionPattern = regexp.MustCompile(`^([0-9]{1,3})(?:\.([0-9]{1,2}))?$`)

// version reads "major.minor" with minor at most maxMinor.
func version(p *problems, field, s string, maxMinor uint32) (major, minor uint32, ok bool) {
	m := versionPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		p.add(field, `%q is not a version: want "major.minor", e.g. "8.0"`, s)
		return 0, 0, false
	}
	maj, _ := strconv.ParseUint(m[1], 10, 32)
	var mi uint64
	if m[2] != "" {
		mi, _ = strconv.ParseUint(m[2], 10, 32)
	}
	if uint32(mi) > maxMinor {
		p.add(field, "%q: the minor version is at most %d", s, maxMinor)
		return 0, 0, false
	}
	return uint32(maj), uint32(mi), true
}

// seconds reads a Go duration ("2h", "90m", "30s") of whole seconds.
func seconds(p *problems, field, s string) (time.Duration, bool) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	switch {
	case err != nil:
		p.add(field, `%q is not a duration: want e.g. "30s", "90m" or "2h"`, s)
		return 0, false
	case d <= 0:
		p.add(field, "%q must be positive", s)
		return 0, false
	case d%time.Second != 0:
		p.add(field, "%q must be whole seconds", s)
		return 0, false
	}
	return d, true
}

var pricePattern = regexp.MustCompile(`^([0-9.]+)\s*(?:(tokens?)\s*)?(?:/\s*h)?$`)

// ParsePrice reads a price per hour: base units of the token ("2500000")
// or whole tokens ("2.5 tokens/h"), converted exactly with the token's
// decimals.
func ParsePrice(s string, decimals uint8) (*big.Int, error) {
	m := pricePattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return nil, fmt.Errorf(`%q is not a price: want base units of the token ("2500000") or whole tokens ("2.5 tokens/h")`, s)
	}
	r, ok := rat(m[1])
	if !ok {
		return nil, fmt.Errorf("%q is not a number", m[1])
	}
	if m[2] != "" {
		scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
		r.Mul(r, new(big.Rat).SetInt(scale))
		if !r.IsInt() {
			return nil, fmt.Errorf("%q has more decimals than the token's %d", s, decimals)
		}
	} else if !r.IsInt() {
		return nil, fmt.Errorf(`%q: base units are whole numbers; write "%s tokens/h" for whole tokens`, s, m[1])
	}
	v := new(big.Int).Set(r.Num())
	if v.Sign() == 0 {
		return nil, errors.New("must be more than 0")
	}
	if v.BitLen() > 128 {
		return nil, fmt.Errorf("%q is too large", s)
	}
	return v, nil
}

// ParseSpotCheck reads a spot check, the share of orders the tenant
// checks with a secret second replica, as basis points (10000 is every
// order): a decimal fraction above 0 and at most 1 with at most 4
// decimal places ("0.1" is 1000, "0.0005" is 5), or a percentage with at
// most 2 ("10%", "0.05%"). It is exact: no floating point.
func ParseSpotCheck(s string) (uint16, error) {
	num, percent := strings.CutSuffix(strings.TrimSpace(s), "%")
	num = strings.TrimSpace(num)
	places, scale := 4, int64(auction.MaxSpotCheckBps)
	if percent {
		places, scale = 2, auction.MaxSpotCheckBps/100
	}
	if strings.HasPrefix(num, "-") {
		return 0, fmt.Errorf("%q is negative: want a share of orders above 0 and at most 1, such as 0.1 (one order in ten)", s)
	}
	r, ok := rat(num)
	if !ok {
		return 0, fmt.Errorf(`%q is not a share of orders: want a decimal fraction above 0 and at most 1, such as 0.1 (one order in ten), or a percentage such as "10%%"`, s)
	}
	if _, frac, _ := strings.Cut(num, "."); len(frac) > places {
		return 0, fmt.Errorf("%q has %d decimal places, at most %d: a spot check counts in basis points, and one order in 10,000 is 0.0001 (0.01%%)", s, len(frac), places)
	}
	bps := r.Mul(r, big.NewRat(scale, 1)).Num() // a whole number: at most places decimals
	switch {
	case bps.Sign() == 0:
		return 0, fmt.Errorf("%q checks no order: ask for a share above 0, such as 0.1, or leave verify out for a plain order", s)
	case bps.Cmp(big.NewInt(auction.MaxSpotCheckBps)) > 0:
		return 0, fmt.Errorf("%q is more than every order: at most 1 (or 100%%)", s)
	}
	return uint16(bps.Uint64()), nil
}

// FormatTokens writes base units as whole tokens with the token's decimals,
// exactly ("2.5" for 2500000 at 6 decimals).
func FormatTokens(v *big.Int, decimals uint8) string {
	if v == nil {
		return "0"
	}
	s := new(big.Int).Abs(v).String()
	d := int(decimals)
	if len(s) <= d {
		s = strings.Repeat("0", d-len(s)+1) + s
	}
	whole, frac := s[:len(s)-d], strings.TrimRight(s[len(s)-d:], "0")
	if v.Sign() < 0 {
		whole = "-" + whole
	}
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}

func ceilDiv(r *big.Rat, d int64) *big.Int {
	q := new(big.Rat).Quo(r, new(big.Rat).SetInt64(d))
	n, rem := new(big.Int).QuoRem(q.Num(), q.Denom(), new(big.Int))
	if rem.Sign() > 0 {
		n.Add(n, big.NewInt(1))
	}
	return n
}

// ParseSize reads a size ("16Gi", "512Mi", "1.5G", bytes) as MiB, rounded
// up.
func ParseSize(s string) (uint64, error) {
	var p problems
	v, _ := sizeMiB(&p, "size", s)
	return v, p.first()
}

// FormatSize writes MiB as a job spec would: "256Mi", "16Gi", "1Ti".
func FormatSize(mib uint64) string {
	switch {
	case mib != 0 && mib%(1<<20) == 0:
		return fmt.Sprintf("%dTi", mib>>20)
	case mib != 0 && mib%(1<<10) == 0:
		return fmt.Sprintf("%dGi", mib>>10)
	}
	return fmt.Sprintf("%dMi", mib)
}

// ParseCPU reads CPU as cores ("2", "0.5") or millicores ("1500m").
func ParseCPU(s string) (uint64, error) {
	var p problems
	v, _ := cpuMillis(&p, "cpu", s)
	return v, p.first()
}

// first is the first problem's message, without its field.
func (p problems) first() error {
	if len(p) == 0 {
		return nil
	}
	var fe *auction.FieldError
	if errors.As(p[0], &fe) {
		return errors.New(fe.Msg)
	}
	return p[0]
}
