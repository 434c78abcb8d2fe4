package auction

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/result"
)

// Limits on what an order or bid may hold. They keep every message small
// enough to gossip and cheap enough to check.
const (
	MaxGPUCount      = 64
	MaxListItems     = 32             // GPU models, placement, attributes, GPU groups
	MaxCommandArgs   = 64             // job command arguments
	MaxEnvVars       = 64             // job environment variables
	MaxExposedPorts  = 16             // job TCP ports the tenant may reach
	MaxNameLen       = 128            // models, keys, peer IDs
	MaxTextLen       = 4096           // one command argument or env value
	MaxImageLen      = 512            // image reference
	MaxDurationLimit = 30 * 24 * 3600 // longest job an order may ask for, seconds
	// MaxLeaseWindow is the most an order's expiry may follow its bid
	// deadline, in seconds: how long it may wait for its lease to open.
	// Nodes drop a longer-lived order, so nobody can make providers hold
	// GPUs for it.
	MaxLeaseWindow = 3600
	// MaxVerifyReplicas is the most replicas a replicated order may ask
	// for; MaxVerifyPaths the most /output paths its verify may name.
	MaxVerifyReplicas = 3
	MaxVerifyPaths    = 16
	// MaxSpotCheckBps is a spot check of every order: 10000 basis points.
	MaxSpotCheckBps = 10000
)

// ErrInvalid marks an order, bid or transcript that breaks the rules of its
// format. Every such error names the field at fault.
var ErrInvalid = errors.New("invalid")

// FieldError says which field of a message is wrong and why.
type FieldError struct {
	Field string // JSON path, e.g. "requirements.gpuModels[1]"
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Is makes errors.Is(err, ErrInvalid) true for every FieldError.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// problems collects field errors so a user sees all of them at once.
type problems []error

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (p problems) err() error { return errors.Join(p...) }

var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// Validate checks the order's fields against the format's rules (not its
// signature or expiry). It reports every problem, each naming its field.
func (o *Order) Validate() error {
	var p problems
	if o.Tenant == (common.Address{}) {
		p.add("tenant", "must be set to the tenant's address")
	}
	checkPeerID(&p, "auctioneer", o.Auctioneer)
	checkAmount(&p, "maxPricePerHour", o.MaxPricePerHour)
	if o.MaxDuration == 0 || o.MaxDuration > MaxDurationLimit {
		p.add("maxDuration", "is %d seconds, must be between 1 and %d", o.MaxDuration, MaxDurationLimit)
	}
	if o.BidDeadline == 0 {
		p.add("bidDeadline", "must be set (unix seconds)")
	}
	if o.Expiry <= o.BidDeadline {
		p.add("expiry", "is %d, must be after bidDeadline %d", o.Expiry, o.BidDeadline)
	} else if w := o.Expiry - o.BidDeadline; w > MaxLeaseWindow {
		p.add("expiry", "is %d s after bidDeadline, at most %d s (the longest an order may wait for its lease to open)", w, MaxLeaseWindow)
	}
	o.Requirements.validate(&p, "requirements.")
	o.Job.validate(&p, "job.")
	o.Verify.validate(&p, "verify.")
	return p.err()
}

// validate checks a Verify: zero (a plain order), replicas 2 or 3 without
// a spot check, or replicas 1 with one; and 1 to MaxVerifyPaths distinct,
// clean paths under /output in printable UTF-8 (pkg/result's rules).
func (v *Verify) validate(p *problems, at string) {
	if v.IsZero() {
		return
	}
	switch r, bps := v.Replicas, v.SpotCheckBps; {
	case r == 0 || r > MaxVerifyReplicas:
		p.add(at+"replicas", "is %d: want 2 or 3 (that many providers run the job and their results are compared), or 1 with spotCheckBps (a spot check); leave verify out for a plain order", r)
	case r == 1 && bps == 0:
		p.add(at+"spotCheckBps", "is 0 with replicas 1, which verifies nothing: set spotCheckBps from 1 to %d (the share of orders the tenant checks, in basis points), replicas 2 or 3, or leave verify out for a plain order", MaxSpotCheckBps)
	case r == 1 && bps > MaxSpotCheckBps:
		p.add(at+"spotCheckBps", "is %d, at most %d (every order checked)", bps, MaxSpotCheckBps)
	case r >= 2 && bps != 0:
		p.add(at+"spotCheckBps", "is %d with replicas %d, which compares every run: a spot check goes with replicas 1 only; set it to 0", bps, r)
	}
	switch {
	case len(v.Paths) == 0:
		p.add(at+"paths", "is empty: name 1 to %d files or directories under /output the replicas must agree on, such as model.json", MaxVerifyPaths)
	case len(v.Paths) > MaxVerifyPaths:
		p.add(at+"paths", "has %d entries, at most %d", len(v.Paths), MaxVerifyPaths)
	}
	for i, path := range v.Paths {
		f := fmt.Sprintf("%spaths[%d]", at, i)
		if !utf8.ValidString(path) || strings.IndexFunc(path, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
			p.add(f, "%q has control or other unprintable characters", path)
		} else if err := result.CheckPaths([]string{path}); err != nil {
			p.add(f, "%v", err)
		} else if slices.Contains(v.Paths[:i], path) {
			p.add(f, "%q is named twice", path)
		}
	}
}

func (r *Requirements) validate(p *problems, at string) {
	if r.GPUCount > MaxGPUCount {
		p.add(at+"gpuCount", "is %d, at most %d", r.GPUCount, MaxGPUCount)
	}
	if r.GPUCount == 0 {
		if len(r.GPUModels) > 0 || r.MinVRAMMiB > 0 || r.MinComputeCapability > 0 || r.MinCUDAVersion > 0 {
			p.add(at+"gpuCount", "is 0 (a CPU-only job) but GPU requirements are set; set gpuCount or drop them")
		}
	}
	if len(r.GPUModels) > MaxListItems {
		p.add(at+"gpuModels", "has %d entries, at most %d", len(r.GPUModels), MaxListItems)
	}
	for i, m := range r.GPUModels {
		f := fmt.Sprintf("%sgpuModels[%d]", at, i)
		if checkName(p, f, m) && m != strings.TrimSpace(m) {
			p.add(f, "%q has leading or trailing spaces", m)
		}
	}
	checkAttributes(p, at+"placement", r.Placement)
}

func (j *Job) validate(p *problems, at string) {
	switch {
	case j.Image == "":
		p.add(at+"image", "must name a container image")
	case len(j.Image) > MaxImageLen:
		p.add(at+"image", "is %d bytes, at most %d", len(j.Image), MaxImageLen)
	case strings.IndexFunc(j.Image, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) >= 0:
		p.add(at+"image", "%q has spaces or control characters", j.Image)
	}
	if len(j.Command) > MaxCommandArgs {
		p.add(at+"command", "has %d arguments, at most %d", len(j.Command), MaxCommandArgs)
	}
	for i, a := range j.Command {
		checkText(p, fmt.Sprintf("%scommand[%d]", at, i), a)
	}
	if len(j.Env) > MaxEnvVars {
		p.add(at+"env", "has %d variables, at most %d", len(j.Env), MaxEnvVars)
	}
	seen := make(map[string]bool, len(j.Env))
	for i, v := range j.Env {
		f := fmt.Sprintf("%senv[%d]", at, i)
		if !validEnvName(v.Name) {
			p.add(f+".name", "%q is not a variable name (letters, digits, _; not starting with a digit; at most %d)", v.Name, MaxNameLen)
		} else if seen[v.Name] {
			p.add(f+".name", "%q is set twice", v.Name)
		}
		seen[v.Name] = true
		checkText(p, f+".value", v.Value)
	}
	if len(j.Expose) > MaxExposedPorts {
		p.add(at+"expose", "has %d ports, at most %d", len(j.Expose), MaxExposedPorts)
	}
	for i, port := range j.Expose {
		f := fmt.Sprintf("%sexpose[%d]", at, i)
		switch {
		case port == 0:
			p.add(f, "is 0, must be a TCP port from 1 to 65535")
		case i > 0 && port <= j.Expose[i-1]:
			p.add(f, "is %d after %d: ports must be listed in ascending order, each once", port, j.Expose[i-1])
		}
	}
}

// Validate checks the bid's fields against the format's rules (not its
// signature, expiry or the order it answers).
func (b *Bid) Validate() error {
	var p problems
	if b.OrderHash == (common.Hash{}) {
		p.add("orderHash", "must name the order the bid answers")
	}
	if b.Provider == (common.Address{}) {
		p.add("provider", "must be set to the provider's address")
	}
	checkPeerID(&p, "peerId", b.PeerID)
	checkAmount(&p, "pricePerHour", b.PricePerHour)
	if b.Expiry == 0 {
		p.add("expiry", "must be set (unix seconds)")
	}
	b.Offer.validate(&p, "offer.")
	return p.err()
}

func (o *Offer) validate(p *problems, at string) {
	if len(o.GPUs) > MaxListItems {
		p.add(at+"gpus", "has %d groups, at most %d", len(o.GPUs), MaxListItems)
	}
	for i := range o.GPUs {
		g := &o.GPUs[i]
		f := fmt.Sprintf("%sgpus[%d]", at, i)
		checkName(p, f+".model", g.Model)
		if g.Count == 0 {
			p.add(f+".count", "must be at least 1")
		}
	}
	if n := o.GPUCount(); n > MaxGPUCount {
		p.add(at+"gpus", "offers %d GPUs, at most %d", n, MaxGPUCount)
	}
	checkAttributes(p, at+"attributes", o.Attributes)
}

func checkAmount(p *problems, field string, v *big.Int) {
	switch {
	case v == nil:
		p.add(field, "must be set (token base units per hour)")
	case v.Sign() <= 0:
		p.add(field, "is %s, must be positive", v)
	case v.Cmp(maxUint256) > 0:
		p.add(field, "does not fit in 256 bits")
	}
}

func checkAttributes(p *problems, field string, attrs []Attribute) {
	if len(attrs) > MaxListItems {
		p.add(field, "has %d entries, at most %d", len(attrs), MaxListItems)
	}
	seen := make(map[string]bool, len(attrs))
	for i, a := range attrs {
		f := fmt.Sprintf("%s[%d]", field, i)
		if !validKey(a.Key) {
			p.add(f+".key", "%q must be 1-%d of a-z A-Z 0-9 . _ / -", a.Key, MaxNameLen)
		} else if seen[a.Key] {
			p.add(f+".key", "%q appears twice", a.Key)
		}
		seen[a.Key] = true
		checkName(p, f+".value", a.Value)
	}
}

// checkName accepts 1..MaxNameLen printable characters.
func checkName(p *problems, field, s string) bool {
	switch {
	case s == "":
		p.add(field, "must not be empty")
	case len(s) > MaxNameLen:
		p.add(field, "is %d bytes, at most %d", len(s), MaxNameLen)
	case !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		p.add(field, "%q has characters that are not printable", s)
	default:
		return true
	}
	return false
}

// checkText accepts any UTF-8 text up to MaxTextLen bytes without NUL.
func checkText(p *problems, field, s string) {
	switch {
	case len(s) > MaxTextLen:
		p.add(field, "is %d bytes, at most %d", len(s), MaxTextLen)
	case !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0:
		p.add(field, "is not valid UTF-8 text (or holds a NUL)")
	}
}

// checkPeerID accepts the characters of a libp2p peer ID's text forms
// (base58btc or base32); the network layer parses it for real.
func checkPeerID(p *problems, field, s string) {
	if s == "" || len(s) > MaxNameLen || strings.IndexFunc(s, func(r rune) bool {
		return !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	}) >= 0 {
		p.add(field, "%q is not a libp2p peer ID", s)
	}
}

func validKey(s string) bool {
	if s == "" || len(s) > MaxNameLen {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '/' || r == '-') {
			return false
		}
	}
	return true
}

func validEnvName(s string) bool {
	if s == "" || len(s) > MaxNameLen || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
