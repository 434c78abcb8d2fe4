package auction

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Reason names why a bid cannot win or why a provider does not bid. The
// values are stable: they travel in "no bid" answers and transcripts.
type Reason string

// Reasons, in the order requirements are checked.
const (
	ReasonEligible          Reason = ""                   // meets every requirement
	ReasonUnverified        Reason = "unverified"         // signature not checked or bad
	ReasonWrongOrder        Reason = "wrong_order"        // names another order
	ReasonLate              Reason = "late"               // arrived after the bid deadline
	ReasonBidExpired        Reason = "bid_expired"        // lapsed before the window closed
	ReasonPriceAboveMax     Reason = "price_above_max"    // above the order's max price
	ReasonGPUCount          Reason = "gpu_count"          // too few (or too many) GPUs
	ReasonGPUModel          Reason = "gpu_model"          // no allowed model
	ReasonGPUMemory         Reason = "gpu_memory"         // too little VRAM
	ReasonComputeCapability Reason = "compute_capability" // too old a GPU
	ReasonCUDAVersion       Reason = "cuda_version"       // too old a driver
	ReasonCPU               Reason = "cpu"
	ReasonMemory            Reason = "memory"
	ReasonDisk              Reason = "disk"
	ReasonPlacement         Reason = "placement" // missing or different attribute
	ReasonSimulated         Reason = "simulated" // offers simulated GPUs to an order for real ones
	ReasonNetwork           Reason = "network"   // the job asks for network access, which the provider does not offer
	ReasonServices          Reason = "services"  // the job is a service (exposes ports), which the provider does not run
	// The provider's reputation is below the auctioneer's floor (checked last).
	ReasonReputation Reason = "reputation"
	// Under RuleLowestPriceReplicas only: the bid qualifies, but a better
	// qualifying bid has its provider address or peer ID, and one
	// provider runs one replica.
	ReasonDuplicateProvider Reason = "duplicate_provider"
)

// Mismatch says which requirement an offer or a provider's capacity fails,
// in words a GPU owner or tenant can act on.
type Mismatch struct {
	Reason Reason
	Detail string
}

func (m *Mismatch) Error() string { return string(m.Reason) + ": " + m.Detail }

func mismatch(r Reason, format string, args ...any) *Mismatch {
	return &Mismatch{Reason: r, Detail: fmt.Sprintf(format, args...)}
}

// CheckOffer reports whether offer meets every requirement of req, and if
// not, a *Mismatch naming the first requirement (in Reason order) it fails.
func CheckOffer(req *Requirements, offer *Offer) error {
	r := offerReason(req, offer)
	if r == ReasonEligible {
		return nil
	}
	return explainOffer(r, req, offer)
}

// offerReason is CheckOffer without the words: it does not allocate, which
// keeps the winner rule fast.
func offerReason(req *Requirements, offer *Offer) Reason {
	if offer.GPUCount() != uint64(req.GPUCount) {
		return ReasonGPUCount
	}
	for i := range offer.GPUs {
		g := &offer.GPUs[i]
		if !modelAllowed(req.GPUModels, g.Model) {
			return ReasonGPUModel
		}
		if g.VRAMMiB < req.MinVRAMMiB {
			return ReasonGPUMemory
		}
		if g.ComputeCapability < req.MinComputeCapability {
			return ReasonComputeCapability
		}
	}
	if req.GPUCount > 0 && offer.CUDAVersion < req.MinCUDAVersion {
		return ReasonCUDAVersion
	}
	if req.GPUCount > 0 && offer.Simulated && !req.AllowSimulated {
		return ReasonSimulated
	}
	if offer.CPUMillis < req.CPUMillis {
		return ReasonCPU
	}
	if offer.MemoryMiB < req.MemoryMiB {
		return ReasonMemory
	}
	if offer.DiskMiB < req.DiskMiB {
		return ReasonDisk
	}
	if _, ok := missingAttribute(req.Placement, offer.Attributes); ok {
		return ReasonPlacement
	}
	return ReasonEligible
}

func explainOffer(r Reason, req *Requirements, o *Offer) *Mismatch {
	switch r {
	case ReasonGPUCount:
		return mismatch(r, "offers %d GPUs, the order needs %d", o.GPUCount(), req.GPUCount)
	case ReasonGPUModel, ReasonGPUMemory, ReasonComputeCapability:
		for _, g := range o.GPUs {
			switch {
			case r == ReasonGPUModel && !modelAllowed(req.GPUModels, g.Model):
				return mismatch(r, "offers %q, the order allows %s", g.Model, strings.Join(req.GPUModels, ", "))
			case r == ReasonGPUMemory && g.VRAMMiB < req.MinVRAMMiB:
				return mismatch(r, "offers %q with %d MiB, the order needs %d MiB per GPU", g.Model, g.VRAMMiB, req.MinVRAMMiB)
			case r == ReasonComputeCapability && g.ComputeCapability < req.MinComputeCapability:
				return mismatch(r, "offers %q with compute capability %s, the order needs %s", g.Model, FormatComputeCapability(g.ComputeCapability), FormatComputeCapability(req.MinComputeCapability))
			}
		}
	case ReasonCUDAVersion:
		return mismatch(r, "offers CUDA %s, the order needs %s", FormatCUDAVersion(o.CUDAVersion), FormatCUDAVersion(req.MinCUDAVersion))
	case ReasonSimulated:
		return mismatch(r, "offers simulated GPUs, the order asks for real hardware (requirements.allowSimulated is false)")
	case ReasonCPU:
		return mismatch(r, "offers %d millicores, the order needs %d", o.CPUMillis, req.CPUMillis)
	case ReasonMemory:
		return mismatch(r, "offers %d MiB of memory, the order needs %d", o.MemoryMiB, req.MemoryMiB)
	case ReasonDisk:
		return mismatch(r, "offers %d MiB of disk, the order needs %d", o.DiskMiB, req.DiskMiB)
	case ReasonPlacement:
		a, _ := missingAttribute(req.Placement, o.Attributes)
		return mismatch(r, "the order needs %s=%s", a.Key, a.Value)
	}
	return mismatch(r, "does not meet the order")
}

// missingAttribute returns the first wanted attribute that have lacks or
// holds with another value.
func missingAttribute(want, have []Attribute) (Attribute, bool) {
next:
	for _, w := range want {
		for _, h := range have {
			if h.Key == w.Key && h.Value == w.Value {
				continue next
			}
		}
		return w, true
	}
	return Attribute{}, false
}

// modelAllowed reports whether model matches one of the patterns (any model,
// when there are none).
func modelAllowed(patterns []string, model string) bool {
	if len(patterns) == 0 {
		return !IsMIGModel(model)
	}
	for _, p := range patterns {
		if ModelMatches(p, model) {
			return true
		}
	}
	return false
}

// ModelMatches reports whether pattern equals a whole-word run of model,
// ignoring case. Words are separated by anything but letters and digits:
// "H100" and "h100 80gb" match "NVIDIA H100 80GB HBM3"; "H10" does not.
// A MIG slice's model (MIGModel) matches only a pattern that says MIG,
// "[GPU] MIG [PROFILE]": GPU, when given, matches the slice's GPU model
// as above, and PROFILE the start of its profile, whole words: "A100
// MIG", "A100 MIG 3g.20gb", "MIG 3g" and "MIG" match "NVIDIA
// A100-SXM4-40GB MIG 3g.20gb", while "MIG 3g.20gb" does not match the
// smaller "1c.3g.20gb" (one compute slice of that instance). "A100" does
// not match a slice: an order (or a price) for whole GPUs is never served
// by one.
func ModelMatches(pattern, model string) bool {
	gpuModel, profile, slice := splitMIG(model)
	if !slice {
		return wordsMatch(pattern, model)
	}
	wantGPU, wantProfile, ok := splitMIG(pattern)
	return ok && (wantGPU == "" || wordsMatch(wantGPU, gpuModel)) && (wantProfile == "" || wordsAt(wantProfile, profile) == 0)
}

// splitMIG splits s at its first word MIG, ignoring case, into what comes
// before and after it (trimmed); ok is false when s has no such word.
func splitMIG(s string) (before, after string, ok bool) {
	i := wordsAt(migWord, s)
	if i < 0 {
		return "", "", false
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+len(migWord):]), true
}

// migWord is the word between a MIG slice's GPU model and its profile.
const migWord = "MIG"

// MIGModel is the model a MIG slice of profile (NVIDIA's name, such as
// "3g.20gb") on a GPU of gpuModel is offered as: "NVIDIA A100-SXM4-40GB
// MIG 3g.20gb", as GPU Feature Discovery names a MIG GPU's product. Its
// memory is the slice's.
func MIGModel(gpuModel, profile string) string { return gpuModel + " " + migWord + " " + profile }

// IsMIGModel reports whether model is a MIG slice's (MIGModel).
func IsMIGModel(model string) bool {
	_, _, ok := splitMIG(model)
	return ok
}

// wordsMatch reports whether pattern equals a whole-word run of model,
// ignoring case.
func wordsMatch(pattern, model string) bool { return wordsAt(pattern, model) >= 0 }

// wordsAt is where the first whole-word run of s that equals pattern,
// ignoring case, starts; -1 when there is none.
func wordsAt(pattern, s string) int {
	n := len(pattern)
	if n == 0 {
		return -1
	}
	for i := 0; i+n <= len(s); i++ {
		if (i == 0 || !isWordByte(s[i-1])) &&
			(i+n == len(s) || !isWordByte(s[i+n])) &&
			strings.EqualFold(s[i:i+n], pattern) {
			return i
		}
	}
	return -1
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// Device is one GPU a provider could commit to an order.
type Device struct {
	UUID              string
	Model             string
	VRAMMiB           uint64
	ComputeCapability uint32
}

// Capacity is what a provider can commit to an order right now: its free
// GPUs and resources and its attributes.
type Capacity struct {
	GPUs        []Device
	CUDAVersion uint32
	CPUMillis   uint64
	MemoryMiB   uint64
	DiskMiB     uint64
	Attributes  []Attribute
	Simulated   bool
}

// Match decides whether capacity can serve req. If it can, it returns the
// offer to bid and the UUIDs of the GPUs it commits: of the qualifying GPUs,
// the ones with the least memory, so bigger GPUs stay free for bigger
// orders. If it cannot, the error is a *Mismatch saying what is missing:
// the provider's "why I did not bid".
func Match(req *Requirements, c *Capacity) (Offer, []string, error) {
	need := int(req.GPUCount)
	if len(c.GPUs) < need {
		return Offer{}, nil, mismatch(ReasonGPUCount, "has %d free GPUs, the order needs %d", len(c.GPUs), need)
	}
	var fit []Device
	if need > 0 {
		fit = make([]Device, 0, len(c.GPUs))
		// Narrow step by step so the error names the requirement that failed.
		steps := []struct {
			reason Reason
			keep   func(*Device) bool
			why    string
		}{
			{ReasonGPUModel, func(d *Device) bool { return modelAllowed(req.GPUModels, d.Model) }, "of model " + strings.Join(req.GPUModels, " or ")},
			{ReasonGPUMemory, func(d *Device) bool { return d.VRAMMiB >= req.MinVRAMMiB }, fmt.Sprintf("with at least %d MiB", req.MinVRAMMiB)},
			{ReasonComputeCapability, func(d *Device) bool { return d.ComputeCapability >= req.MinComputeCapability }, "with compute capability " + FormatComputeCapability(req.MinComputeCapability) + "+"},
		}
		fit = append(fit, c.GPUs...)
		var said []string
		for _, s := range steps {
			fit = slices.DeleteFunc(fit, func(d Device) bool { return !s.keep(&d) })
			said = append(said, s.why)
			if len(fit) < need {
				return Offer{}, nil, mismatch(s.reason, "has %d free GPUs %s, the order needs %d", len(fit), strings.Join(said, ", "), need)
			}
		}
		if c.CUDAVersion < req.MinCUDAVersion {
			return Offer{}, nil, mismatch(ReasonCUDAVersion, "has CUDA %s, the order needs %s", FormatCUDAVersion(c.CUDAVersion), FormatCUDAVersion(req.MinCUDAVersion))
		}
		if c.Simulated && !req.AllowSimulated {
			return Offer{}, nil, mismatch(ReasonSimulated, "has simulated GPUs only, the order asks for real hardware")
		}
		slices.SortFunc(fit, func(a, b Device) int {
			return cmp.Or(cmp.Compare(a.VRAMMiB, b.VRAMMiB), cmp.Compare(a.ComputeCapability, b.ComputeCapability),
				strings.Compare(a.Model, b.Model), strings.Compare(a.UUID, b.UUID))
		})
		fit = fit[:need]
	}
	offer := Offer{
		GPUs:        groupGPUs(fit),
		CUDAVersion: c.CUDAVersion,
		CPUMillis:   req.CPUMillis,
		MemoryMiB:   req.MemoryMiB,
		DiskMiB:     req.DiskMiB,
		Attributes:  c.Attributes,
		Simulated:   c.Simulated,
	}
	switch {
	case c.CPUMillis < req.CPUMillis:
		return Offer{}, nil, mismatch(ReasonCPU, "has %d free millicores, the order needs %d", c.CPUMillis, req.CPUMillis)
	case c.MemoryMiB < req.MemoryMiB:
		return Offer{}, nil, mismatch(ReasonMemory, "has %d MiB of free memory, the order needs %d", c.MemoryMiB, req.MemoryMiB)
	case c.DiskMiB < req.DiskMiB:
		return Offer{}, nil, mismatch(ReasonDisk, "has %d MiB of free disk, the order needs %d", c.DiskMiB, req.DiskMiB)
	}
	if a, ok := missingAttribute(req.Placement, c.Attributes); ok {
		return Offer{}, nil, mismatch(ReasonPlacement, "lacks %s=%s", a.Key, a.Value)
	}
	uuids := make([]string, len(fit))
	for i, d := range fit {
		uuids[i] = d.UUID
	}
	return offer, uuids, nil
}

// groupGPUs folds identical devices into counted groups, in device order.
func groupGPUs(devs []Device) []GPU {
	var out []GPU
	for _, d := range devs {
		if n := len(out); n > 0 && out[n-1].Model == d.Model && out[n-1].VRAMMiB == d.VRAMMiB && out[n-1].ComputeCapability == d.ComputeCapability {
			out[n-1].Count++
			continue
		}
		out = append(out, GPU{Model: d.Model, VRAMMiB: d.VRAMMiB, ComputeCapability: d.ComputeCapability, Count: 1})
	}
	return out
}

// FormatComputeCapability writes major*10+minor as "major.minor".
func FormatComputeCapability(cc uint32) string { return fmt.Sprintf("%d.%d", cc/10, cc%10) }

// FormatCUDAVersion writes NVML's major*1000+minor*10 as "major.minor".
func FormatCUDAVersion(v uint32) string { return fmt.Sprintf("%d.%d", v/1000, v%1000/10) }
