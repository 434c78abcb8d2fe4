package provider

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/statefile"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
)

// LeaseRecord is what the daemon keeps on disk about one of its leases,
// rewritten atomically at every change of state, so a restarted daemon can
// take its leases up again. Secrets are never written.
type LeaseRecord struct {
	LeaseID   common.Hash       `json:"leaseId"`
	OrderHash common.Hash       `json:"orderHash"`
	Order     auction.Order     `json:"order"`
	Bid       auction.SignedBid `json:"bid"`
	GPUs      []string          `json:"gpus,omitempty"`
	State     network.JobState  `json:"state"`
	Detail    string            `json:"detail,omitempty"`
	HasInput  bool              `json:"hasInput,omitempty"`
	// Award is the tenant's award of a lease the provider opens itself
	// (tenant submit --gasless); nil for a lease its tenant opened.
	Award *auction.SignedAward `json:"award,omitempty"`
	// Started: the lease was started on chain (billing runs).
	Started  bool            `json:"started,omitempty"`
	ExitCode *lease.ExitCode `json:"exitCode,omitempty"`
	// EndedAt is when the job ended, in chain time: the start block's
	// time plus the seconds the job ran, rounded up. The close bills up to
	// it, however late it lands (0: not known; the close's own block).
	EndedAt uint64 `json:"endedAt,omitempty"`
	// OutputSHA256 and OutputSize describe the /output archive once
	// collected (output.tar in the lease's directory).
	OutputSHA256 *common.Hash `json:"outputSha256,omitempty"`
	OutputSize   int64        `json:"outputSize,omitempty"`
	Updated      time.Time    `json:"updated"`
}

// Terms are the lease's terms.
func (r *LeaseRecord) Terms() lease.Terms { return lease.NewTerms(&r.Order, &r.Bid.Bid) }

const recordName = "lease.json"

func recordPath(workDir string, id common.Hash) string {
	return filepath.Join(workDir, "leases", id.Hex(), recordName)
}

// ReadLeases reads the records of every lease the daemon with workDir
// has served, oldest first.
func ReadLeases(workDir string) ([]LeaseRecord, error) {
	paths, err := filepath.Glob(filepath.Join(workDir, "leases", "0x*", recordName))
	if err != nil {
		return nil, fmt.Errorf("lease records: %w", err)
	}
	out := make([]LeaseRecord, 0, len(paths))
	for _, p := range paths {
		var r LeaseRecord
		if err := statefile.Read(p, &r); err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}
