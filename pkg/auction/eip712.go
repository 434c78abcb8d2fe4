package auction

import (
	"encoding/binary"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// The EIP-712 domain every Tender message is signed in. The chain ID and the
// escrow contract's address bind a signature to one deployment.
const (
	DomainName    = "Tender"
	DomainVersion = "1"
)

// EIP-712 type strings: each struct's own encoding (referenced types are
// appended in alphabetical order when hashing, as EIP-712 requires).
const (
	domainType       = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
	orderType        = "Order(address tenant,string auctioneer,uint256 maxPricePerHour,uint64 maxDuration,uint64 bidDeadline,uint64 expiry,uint64 nonce,Requirements requirements,Job job,Verify verify)"
	requirementsType = "Requirements(uint32 gpuCount,string[] gpuModels,uint64 minVramMiB,uint32 minComputeCapability,uint32 minCudaVersion,uint64 cpuMillis,uint64 memoryMiB,uint64 diskMiB,Attribute[] placement,bool allowSimulated)"
	attributeType    = "Attribute(string key,string value)"
	jobType          = "Job(string image,string[] command,EnvVar[] env,bool network,uint16[] expose)"
	envVarType       = "EnvVar(string name,string value)"
	verifyType       = "Verify(uint8 replicas,string[] paths,uint16 spotCheckBps)"
	bidType          = "Bid(bytes32 orderHash,address provider,string peerId,uint256 pricePerHour,Offer offer,uint64 expiry,uint64 nonce)"
	offerType        = "Offer(GPU[] gpus,uint32 cudaVersion,uint64 cpuMillis,uint64 memoryMiB,uint64 diskMiB,Attribute[] attributes,bool simulated)"
	gpuType          = "GPU(string model,uint64 vramMiB,uint32 computeCapability,uint32 count)"
	transcriptType   = "Transcript(bytes32 orderHash,string rule,uint64 minReputation,uint64 closedAt,TranscriptEntry[] entries,bytes32 winner,uint32 omitted)"
	entryType        = "TranscriptEntry(bytes32 bidHash,uint64 arrival,uint64 reputation)"
	// transcriptTypeV1 is the Transcript of RuleLowestPriceV1, which had no
	// reputation floor: such transcripts still verify.
	transcriptTypeV1 = "Transcript(bytes32 orderHash,string rule,uint64 closedAt,TranscriptEntry[] entries,bytes32 winner,uint32 omitted)"
	// transcriptTypeReplicas is the Transcript of RuleLowestPriceReplicas:
	// every winner, best first, in place of the one winner.
	transcriptTypeReplicas = "Transcript(bytes32 orderHash,string rule,uint64 minReputation,uint64 closedAt,TranscriptEntry[] entries,bytes32[] winners,uint32 omitted)"
)

// Type hashes: keccak256 of each struct's full encodeType.
var (
	domainTypeHash             = crypto.Keccak256Hash([]byte(domainType))
	orderTypeHash              = crypto.Keccak256Hash([]byte(orderType + attributeType + envVarType + jobType + requirementsType + verifyType))
	requirementsTypeHash       = crypto.Keccak256Hash([]byte(requirementsType + attributeType))
	attributeTypeHash          = crypto.Keccak256Hash([]byte(attributeType))
	jobTypeHash                = crypto.Keccak256Hash([]byte(jobType + envVarType))
	envVarTypeHash             = crypto.Keccak256Hash([]byte(envVarType))
	verifyTypeHash             = crypto.Keccak256Hash([]byte(verifyType))
	bidTypeHash                = crypto.Keccak256Hash([]byte(bidType + attributeType + gpuType + offerType))
	offerTypeHash              = crypto.Keccak256Hash([]byte(offerType + attributeType + gpuType))
	gpuTypeHash                = crypto.Keccak256Hash([]byte(gpuType))
	transcriptTypeHash         = crypto.Keccak256Hash([]byte(transcriptType + entryType))
	transcriptV1TypeHash       = crypto.Keccak256Hash([]byte(transcriptTypeV1 + entryType))
	transcriptReplicasTypeHash = crypto.Keccak256Hash([]byte(transcriptTypeReplicas + entryType))
	entryTypeHash              = crypto.Keccak256Hash([]byte(entryType))
)

// Domain is the EIP-712 domain of one Tender deployment.
type Domain struct {
	ChainID uint64
	Escrow  common.Address
	sep     common.Hash
}

// NewDomain returns the domain of the escrow contract at escrow on chainID.
func NewDomain(chainID uint64, escrow common.Address) Domain {
	var e encoder
	e.hash(domainTypeHash)
	e.str(DomainName)
	e.str(DomainVersion)
	e.uint(chainID)
	e.addr(escrow)
	return Domain{ChainID: chainID, Escrow: escrow, sep: e.sum()}
}

// Separator is the EIP-712 domain separator.
func (d Domain) Separator() common.Hash { return d.sep }

// OrderHash is the EIP-712 digest of the order: what its tenant signs and
// what a bid names.
func (d Domain) OrderHash(o *Order) common.Hash { return d.digest(orderStructHash(o)) }

// BidHash is the EIP-712 digest of the bid: what its provider signs, and the
// ID of the lease opened from it.
func (d Domain) BidHash(b *Bid) common.Hash { return d.digest(bidStructHash(b)) }

func (d Domain) digest(structHash common.Hash) common.Hash {
	var buf [66]byte
	buf[0], buf[1] = 0x19, 0x01
	copy(buf[2:34], d.sep[:])
	copy(buf[34:], structHash[:])
	return crypto.Keccak256Hash(buf[:])
}

func orderStructHash(o *Order) common.Hash {
	var e encoder
	e.hash(orderTypeHash)
	e.addr(o.Tenant)
	e.str(o.Auctioneer)
	e.big(o.MaxPricePerHour)
	e.uint(o.MaxDuration)
	e.uint(o.BidDeadline)
	e.uint(o.Expiry)
	e.uint(o.Nonce)
	e.hash(requirementsStructHash(&o.Requirements))
	e.hash(jobStructHash(&o.Job))
	e.hash(o.Verify.StructHash())
	return e.sum()
}

// StructHash is hashStruct of v, what an order's digest takes for its
// verify field. The zero Verify (a plain order) hashes as the struct of
// zero values: hashStruct(Verify(0, [], 0)).
func (v Verify) StructHash() common.Hash {
	var e encoder
	e.hash(verifyTypeHash)
	e.uint(uint64(v.Replicas))
	e.hash(v.PathsHash())
	e.uint(uint64(v.SpotCheckBps))
	return e.sum()
}

// PathsHash is the EIP-712 encoding of v's paths (a string[]): keccak256
// of the concatenated keccak256 of each path's bytes, keccak256("") for
// none. The escrow contract takes it in place of the paths, with replicas
// and spotCheckBps, and hashes the Verify struct itself.
func (v Verify) PathsHash() common.Hash { return stringsHash(v.Paths) }

func requirementsStructHash(r *Requirements) common.Hash {
	var e encoder
	e.hash(requirementsTypeHash)
	e.uint(uint64(r.GPUCount))
	e.hash(stringsHash(r.GPUModels))
	e.uint(r.MinVRAMMiB)
	e.uint(uint64(r.MinComputeCapability))
	e.uint(uint64(r.MinCUDAVersion))
	e.uint(r.CPUMillis)
	e.uint(r.MemoryMiB)
	e.uint(r.DiskMiB)
	e.hash(attributesHash(r.Placement))
	e.bool(r.AllowSimulated)
	return e.sum()
}

func jobStructHash(j *Job) common.Hash {
	var e encoder
	e.hash(jobTypeHash)
	e.str(j.Image)
	e.hash(stringsHash(j.Command))
	var env encoder
	for i := range j.Env {
		var v encoder
		v.hash(envVarTypeHash)
		v.str(j.Env[i].Name)
		v.str(j.Env[i].Value)
		env.hash(v.sum())
	}
	e.hash(env.sum())
	e.bool(j.Network)
	var ports encoder
	for _, port := range j.Expose {
		ports.uint(uint64(port))
	}
	e.hash(ports.sum())
	return e.sum()
}

func bidStructHash(b *Bid) common.Hash {
	var e encoder
	e.hash(bidTypeHash)
	e.hash(b.OrderHash)
	e.addr(b.Provider)
	e.str(b.PeerID)
	e.big(b.PricePerHour)
	e.hash(offerStructHash(&b.Offer))
	e.uint(b.Expiry)
	e.uint(b.Nonce)
	return e.sum()
}

func offerStructHash(o *Offer) common.Hash {
	var gpus encoder
	for i := range o.GPUs {
		g := &o.GPUs[i]
		var v encoder
		v.hash(gpuTypeHash)
		v.str(g.Model)
		v.uint(g.VRAMMiB)
		v.uint(uint64(g.ComputeCapability))
		v.uint(uint64(g.Count))
		gpus.hash(v.sum())
	}
	var e encoder
	e.hash(offerTypeHash)
	e.hash(gpus.sum())
	e.uint(uint64(o.CUDAVersion))
	e.uint(o.CPUMillis)
	e.uint(o.MemoryMiB)
	e.uint(o.DiskMiB)
	e.hash(attributesHash(o.Attributes))
	e.bool(o.Simulated)
	return e.sum()
}

func attributesHash(attrs []Attribute) common.Hash {
	var e encoder
	for i := range attrs {
		var v encoder
		v.hash(attributeTypeHash)
		v.str(attrs[i].Key)
		v.str(attrs[i].Value)
		e.hash(v.sum())
	}
	return e.sum()
}

func stringsHash(ss []string) common.Hash {
	var e encoder
	for _, s := range ss {
		e.str(s)
	}
	return e.sum()
}

// encoder builds EIP-712 encodeData: a run of 32-byte words.
type encoder struct{ buf []byte }

func (e *encoder) hash(h common.Hash) { e.buf = append(e.buf, h[:]...) }

func (e *encoder) str(s string) { e.hash(crypto.Keccak256Hash([]byte(s))) }

func (e *encoder) addr(a common.Address) {
	var w [32]byte
	copy(w[12:], a[:])
	e.buf = append(e.buf, w[:]...)
}

func (e *encoder) uint(v uint64) {
	var w [32]byte
	binary.BigEndian.PutUint64(w[24:], v)
	e.buf = append(e.buf, w[:]...)
}

// big encodes a uint256; validation keeps values within 0..2^256-1.
func (e *encoder) big(v *big.Int) {
	var w [32]byte
	if v != nil && v.Sign() >= 0 && v.BitLen() <= 256 {
		v.FillBytes(w[:])
	}
	e.buf = append(e.buf, w[:]...)
}

func (e *encoder) bool(b bool) {
	var w [32]byte
	if b {
		w[31] = 1
	}
	e.buf = append(e.buf, w[:]...)
}

// sum is keccak256 of the words written so far (of nothing, for an empty array).
func (e *encoder) sum() common.Hash { return crypto.Keccak256Hash(e.buf) }

// ChainID256 is the chain ID as the uint256 the domain encodes.
func (d Domain) ChainID256() *big.Int { return new(big.Int).SetUint64(d.ChainID) }

// StructHashes are the EIP-712 hashes of an order's or bid's nested parts.
// The escrow contract takes them in place of the parts, so it rebuilds the
// same digest from a few words of calldata.
type StructHashes struct {
	Requirements common.Hash // hashStruct(order.requirements)
	Job          common.Hash // hashStruct(order.job)
	Offer        common.Hash // hashStruct(bid.offer)
}

// OrderParts returns the hashes of the order's requirements and job.
func OrderParts(o *Order) StructHashes {
	return StructHashes{Requirements: requirementsStructHash(&o.Requirements), Job: jobStructHash(&o.Job)}
}

// OfferHash returns hashStruct of the bid's offer.
func OfferHash(b *Bid) common.Hash { return offerStructHash(&b.Offer) }

// TypeHashes returns the EIP-712 type hashes of Order and Bid, as the escrow
// contract declares them.
func TypeHashes() (order, bid common.Hash) { return orderTypeHash, bidTypeHash }
