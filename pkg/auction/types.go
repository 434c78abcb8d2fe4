package auction

import (
	"encoding/hex"
	"math/big"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Order is what a tenant asks for: resources, where they may be, the job to
// run, how long, and the most it will pay. A tenant signs it; providers bid on
// it. Times are unix seconds.
type Order struct {
	// Tenant is the address that signs the order and pays for the lease.
	Tenant common.Address `json:"tenant"`
	// Auctioneer is the libp2p peer ID that collects the sealed bids.
	Auctioneer string `json:"auctioneer"`
	// MaxPricePerHour is the most the tenant pays for the whole order per
	// hour, in the payment token's base units.
	MaxPricePerHour *big.Int `json:"-"`
	// MaxDuration is the longest the job may run, in seconds.
	MaxDuration uint64 `json:"maxDuration"`
	// BidDeadline is when the bid window closes: bids arriving later lose.
	BidDeadline uint64 `json:"bidDeadline"`
	// Expiry is when the order lapses: no lease may be opened from it after.
	Expiry uint64 `json:"expiry"`
	// Nonce makes otherwise identical orders distinct.
	Nonce        uint64       `json:"nonce,string"`
	Requirements Requirements `json:"requirements"`
	Job          Job          `json:"job"`
	// Verify asks for the job's result to be checked by replicas on
	// distinct providers; the zero Verify is a plain order. It is left out
	// of the wire form when zero.
	Verify Verify `json:"verify,omitzero"`
}

// Requirements is what a provider must offer to qualify for an order.
type Requirements struct {
	// GPUCount is the number of GPUs; zero asks for a CPU-only job.
	GPUCount uint32 `json:"gpuCount"`
	// GPUModels lists acceptable GPU models; empty accepts any. A pattern
	// matches a model when it equals a whole-word run of the model's name,
	// ignoring case: "H100" matches "NVIDIA H100 80GB HBM3", not "H1000".
	GPUModels []string `json:"gpuModels"`
	// MinVRAMMiB is the least memory each GPU must have.
	MinVRAMMiB uint64 `json:"minVramMiB"`
	// MinComputeCapability is major*10+minor (90 for 9.0).
	MinComputeCapability uint32 `json:"minComputeCapability"`
	// MinCUDAVersion is in NVML's form, major*1000+minor*10 (12040 for 12.4).
	MinCUDAVersion uint32 `json:"minCudaVersion"`
	CPUMillis      uint64 `json:"cpuMillis"`
	MemoryMiB      uint64 `json:"memoryMiB"`
	DiskMiB        uint64 `json:"diskMiB"`
	// Placement lists attributes (such as region) the provider must have,
	// each with exactly this value.
	Placement []Attribute `json:"placement"`
	// AllowSimulated accepts simulated GPUs (demos and tests); without it
	// only real hardware qualifies.
	AllowSimulated bool `json:"allowSimulated"`
}

// Attribute is a key/value property of a provider, such as region=eu-west.
type Attribute struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// AttributeNode is the attribute a provider that sells several machines
// (a Kubernetes cluster's nodes) gives each offer: which machine it is, as
// NodeLabel names it. An order may ask for one in its placement; a broker
// lists a provider's machines by it.
const AttributeNode = "tender.node"

// NodeLabel is the label of provider's machine called node: "n" and the
// first 16 hex digits of keccak256(provider, node). It is stable per
// provider and machine, and keeps the machine's own name to the provider
// (though one who guesses the name can check the guess).
func NodeLabel(provider common.Address, node string) string {
	return "n" + hex.EncodeToString(crypto.Keccak256(provider.Bytes(), []byte(node))[:8])
}

// Job is the public description of the container to run. Secrets are never
// part of it: they travel to the winning provider over a lease stream.
type Job struct {
	Image   string   `json:"image"`
	Command []string `json:"command"`
	Env     []EnvVar `json:"env"`
	// Network allows the container a network; without it, it has none.
	Network bool `json:"network"`
	// Expose lists the container's TCP ports the tenant may reach through
	// the lease's provider (a service); such a job runs until canceled, its
	// deposit runs out or maxDuration passes.
	Expose []uint16 `json:"expose"`
}

// EnvVar is one environment variable of a job.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Verify is how an order's result is checked: by running the job on
// several distinct providers and paying only those whose results agree.
// The zero Verify is a plain order: one provider, paid as it runs.
//
//   - Replicas 2 or 3 (SpotCheckBps 0): a replicated order. The auction
//     picks that many winners from distinct providers (RuleLowestPriceReplicas)
//     and their pay is held until their results are compared.
//   - Replicas 1 with SpotCheckBps 1..10000: a spot-checked order. One
//     winner runs it; for about SpotCheckBps/10000 of such orders the
//     tenant secretly runs a second replica on another provider, so every
//     winner's pay is held until the tenant says whether it checked.
//
// Paths name the files or directories under the job's /output that the
// result digest covers (pkg/result): what the replicas must agree on.
type Verify struct {
	Replicas     uint8    `json:"replicas"`
	Paths        []string `json:"paths"`
	SpotCheckBps uint16   `json:"spotCheckBps,omitempty"`
}

// IsZero reports whether v is the zero Verify: a plain order. An empty
// Paths list counts as none.
func (v Verify) IsZero() bool { return v.Replicas == 0 && len(v.Paths) == 0 && v.SpotCheckBps == 0 }

// Replicated reports whether v asks for 2 or more replicas, every run
// compared: an order whose auction has as many winners.
func (v Verify) Replicated() bool { return v.Replicas >= 2 }

// Held reports whether the order is verified in any way (replicated or
// spot-checked): its leases' pay is held until the replicas are compared.
func (v Verify) Held() bool { return v.Replicas >= 2 || v.SpotCheckBps > 0 }

// MaxReplicas is the most leases that run the order at once: Replicas for
// a replicated order, 2 for a spot-checked one (the winner and the
// tenant's secret check), 1 for a plain order.
func (v Verify) MaxReplicas() int {
	switch {
	case v.Replicas >= 2:
		return int(v.Replicas)
	case v.SpotCheckBps > 0:
		return 2
	}
	return 1
}

// Bid is a provider's sealed offer to run an order at a price.
type Bid struct {
	// OrderHash is the EIP-712 hash of the order this bid answers.
	OrderHash common.Hash `json:"orderHash"`
	// Provider is the address that signs the bid and is paid.
	Provider common.Address `json:"provider"`
	// PeerID is the provider's libp2p peer ID.
	PeerID string `json:"peerId"`
	// PricePerHour is for the whole order, in the token's base units.
	PricePerHour *big.Int `json:"-"`
	Offer        Offer    `json:"offer"`
	// Expiry is when the bid lapses (unix seconds).
	Expiry uint64 `json:"expiry"`
	Nonce  uint64 `json:"nonce,string"`
}

// Offer is exactly what a provider commits to for an order.
type Offer struct {
	GPUs []GPU `json:"gpus"`
	// CUDAVersion is the host's CUDA driver version, in NVML's form.
	CUDAVersion uint32      `json:"cudaVersion"`
	CPUMillis   uint64      `json:"cpuMillis"`
	MemoryMiB   uint64      `json:"memoryMiB"`
	DiskMiB     uint64      `json:"diskMiB"`
	Attributes  []Attribute `json:"attributes"`
	// Simulated marks GPUs that are not real hardware (demos and tests).
	Simulated bool `json:"simulated"`
}

// GPU is a group of identical GPUs in an offer.
type GPU struct {
	Model             string `json:"model"`
	VRAMMiB           uint64 `json:"vramMiB"`
	ComputeCapability uint32 `json:"computeCapability"`
	Count             uint32 `json:"count"`
}

// GPUCount is the number of GPUs the offer commits.
func (o *Offer) GPUCount() uint64 {
	var n uint64
	for i := range o.GPUs {
		n += uint64(o.GPUs[i].Count)
	}
	return n
}

// ExposedPorts says which ports the job exposes, for messages: "ports
// 8000, 8080", or "no ports".
func (j *Job) ExposedPorts() string {
	if len(j.Expose) == 0 {
		return "no ports"
	}
	s := make([]string, len(j.Expose))
	for i, p := range j.Expose {
		s[i] = strconv.Itoa(int(p))
	}
	return "ports " + strings.Join(s, ", ")
}
