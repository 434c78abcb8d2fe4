package tenant

import (
	"context"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
)

// Results is a lease's /output, downloaded and checked against the chain.
type Results struct {
	Lease  string `json:"lease"`
	File   string `json:"file"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// ExitCode is the job's, as its provider committed it.
	ExitCode   lease.ExitCode `json:"exitCode"`
	ChainMatch bool           `json:"matchesChain"`
	// ResultDigest is a replica's: the digest over its order's paths that
	// it reported, which the download matches. Agreed says whether its
	// group, once settled, found it the majority's (nil: not settled).
	ResultDigest string `json:"resultDigest,omitempty"`
	Agreed       *bool  `json:"agreed,omitempty"`
}

// Results downloads the /output archive of lease l, closed, into path,
// checked against the result hash its provider committed on chain (see
// download). progress is told how much has arrived (nil: nothing).
func (c *Client) Results(ctx context.Context, l *Lease, path string, progress func(Progress)) (*Results, error) {
	lc, err := c.connect(l)
	if err != nil {
		return nil, err
	}
	evs, err := c.cfg.Escrow.History(ctx, l.ID, l.OpenedBlock)
	if err != nil {
		return nil, err
	}
	if rep, ok := lease.Find[*lease.Reported](evs); ok {
		return c.replicaResults(ctx, l, lc, evs, rep, path, progress)
	}
	closed, ok := lease.Find[*lease.Closed](evs)
	if !ok {
		state := "open"
		if len(evs) > 0 {
			state = "settled by " + evs[len(evs)-1].Kind.String()
		}
		return nil, fmt.Errorf("lease %s has not closed with a result on chain (%s): results come once the job ended", l.ID.Hex(), state)
	}
	if closed.ResultHash == (common.Hash{}) {
		return nil, fmt.Errorf("lease %s: %w (exit %s)", l.ID.Hex(), ErrNoResult, closed.ExitCode)
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	info, err := c.download(ctx, lc, shaMatches(closed.ResultHash), path, progress)
	if err != nil {
		return nil, err
	}
	return &Results{
		Lease: l.ID.Hex(), File: path, Size: info.Size, SHA256: common.Hash(info.SHA256).Hex(),
		ExitCode: closed.ExitCode, ChainMatch: true,
	}, nil
}

// download fetches the lease's /output archive into path, the one way
// results are downloaded. Bytes arrive in path.partial, resumed from what
// an interrupted download left there; once the archive is whole and check
// passes (shaMatches: its SHA-256 is the hash on chain; for a replica,
// digestMatches), path.partial is renamed to path, replacing what was
// there. A partial file that does not belong to this
// archive is started over once. Two downloads into the same path at once
// are refused. On failure path.partial is kept for the next try.
func (c *Client) download(ctx context.Context, lc LeaseConn, check func(network.OutputInfo, *os.File) error, path string, progress func(Progress)) (network.OutputInfo, error) {
	partial := path + ".partial"
	f, err := os.OpenFile(partial, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return network.OutputInfo{}, fmt.Errorf("output: %w", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return network.OutputInfo{}, fmt.Errorf("output: another download is writing %s: %w", partial, err)
	}
	have, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return network.OutputInfo{}, fmt.Errorf("output: %w", err)
	}
	dst := &countingFile{File: f, n: have, report: progress, every: time.Second}
	var info network.OutputInfo
	get := func(ctx context.Context) error {
		var err error
		info, err = lc.DownloadOutput(ctx, dst)
		return err
	}
	err = c.reach(ctx, get)
	if err != nil && have > 0 && ctx.Err() == nil && !retryable(err) {
		c.log.Info("the partial download is not of this archive; starting over", "file", partial, "err", err)
		if err = restart(f); err == nil {
			dst.n = 0
			err = c.reach(ctx, get)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return info, fmt.Errorf("download stopped with %d bytes in %s (the next download resumes there): %w", dst.n, partial, ctx.Err())
		}
		return info, fmt.Errorf("download output: %w", err)
	}
	if err := check(info, f); err != nil {
		return info, fmt.Errorf("%w (the download is kept in %s)", err, partial)
	}
	if err := f.Sync(); err != nil {
		return info, fmt.Errorf("output: %w", err)
	}
	if err := os.Rename(partial, path); err != nil {
		return info, fmt.Errorf("output: %w", err)
	}
	return info, nil
}

// replicaResults is Results for a replica, which reported rep: its
// output, checked against its result digest over its order's paths.
func (c *Client) replicaResults(ctx context.Context, l *Lease, lc LeaseConn, evs []lease.Event, rep *lease.Reported, path string, progress func(Progress)) (*Results, error) {
	if l.Record == nil {
		return nil, fmt.Errorf("lease %s is a replica: its result digest is over the files its order names, which only the lease's record (kept by tenant submit in --lease-dir) says", l.ID.Hex())
	}
	if rep.ResultDigest == (common.Hash{}) {
		return nil, fmt.Errorf("lease %s: %w (exit %s)", l.ID.Hex(), ErrNoResult, rep.ExitCode)
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	info, err := c.download(ctx, lc, digestMatches(rep.ResultDigest, l.Record.Order.Verify.Paths), path, progress)
	if err != nil {
		return nil, err
	}
	r := &Results{
		Lease: l.ID.Hex(), File: path, Size: info.Size, SHA256: common.Hash(info.SHA256).Hex(),
		ExitCode: rep.ExitCode, ChainMatch: true, ResultDigest: rep.ResultDigest.Hex(),
	}
	if s, ok := lease.Find[*lease.ReplicaSettled](evs); ok {
		r.Agreed = &s.Agreed
	}
	return r, nil
}

// shaMatches checks that a downloaded archive's SHA-256 is want, the
// hash its provider committed on chain.
func shaMatches(want common.Hash) func(network.OutputInfo, *os.File) error {
	return func(info network.OutputInfo, _ *os.File) error {
		if common.Hash(info.SHA256) != want {
			return fmt.Errorf("%w: the output's SHA-256 is %x, the provider committed %s on chain", network.ErrCorrupt, info.SHA256, want.Hex())
		}
		return nil
	}
}

// restart empties f.
func restart(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return nil
}

// countingFile counts what is written to it and reports it at most every
// so often.
type countingFile struct {
	*os.File
	n      int64
	report func(Progress)
	every  time.Duration
	last   time.Time
}

func (f *countingFile) Write(p []byte) (int, error) {
	k, err := f.File.Write(p)
	f.n += int64(k)
	if now := time.Now(); now.Sub(f.last) >= f.every {
		f.last = now
		f.report(Progress{Step: StepDownloading, Received: f.n, Message: fmt.Sprintf("output: %d bytes", f.n)})
	}
	return k, err
}

// memoryLimit is the memory the lease's order gave its job ("" if none).
func memoryLimit(r *LeaseRecord) string {
	if r.Order.Requirements.MemoryMiB == 0 {
		return ""
	}
	return jobspec.FormatSize(r.Order.Requirements.MemoryMiB)
}
