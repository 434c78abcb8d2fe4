package provider

import (
	"archive/tar"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/statefile"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/executor"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
)

// MaxInputBytes caps a lease's input; an order that asks for disk caps it
// lower, at its disk (input and /output share it).
const MaxInputBytes = 4 << 30

var _ network.LeaseHost = (*Daemon)(nil)

// lease returns the lease the provider serves as id.
func (d *Daemon) lease(id common.Hash) (*leaseRun, error) {
	d.mu.Lock()
	l := d.leases[id]
	_, ended := d.ended[id]
	d.mu.Unlock()
	switch {
	case l != nil:
		return l, nil
	case ended:
		var r LeaseRecord
		if err := statefile.Read(recordPath(d.cfg.WorkDir, id), &r); err != nil {
			return nil, fmt.Errorf("%w: %s: its record: %v", network.ErrLeaseNotServed, id.Hex(), err)
		}
		l := d.leaseFromRecord(&r)
		l.logs.seal()
		return l, nil
	}
	return nil, fmt.Errorf("%w: %s", network.ErrLeaseNotServed, id.Hex())
}

// TenantOf is the lease's tenant. A lease of one of the provider's bids
// that is open on chain is served from the moment its tenant asks, even
// before the escrow watcher has seen it open. Until Run has taken up the
// leases recorded before a restart, it waits.
func (d *Daemon) TenantOf(ctx context.Context, id common.Hash) (common.Address, error) {
	select {
	case <-d.resumed:
	case <-d.stopped:
		return common.Address{}, fmt.Errorf("%w: %s: the provider stopped", network.ErrLeaseNotServed, id.Hex())
	case <-ctx.Done():
		return common.Address{}, ctx.Err()
	}
	d.mu.Lock()
	b := d.bids[id]
	d.mu.Unlock()
	if l, err := d.lease(id); err == nil {
		return l.bid.order.Order.Tenant, nil
	}
	if b == nil {
		return common.Address{}, fmt.Errorf("%w: %s", network.ErrLeaseNotServed, id.Hex())
	}
	cl, err := d.cfg.Escrow.Lease(ctx, id)
	if err != nil {
		return common.Address{}, err
	}
	if cl.State != lease.StateNone && !d.startLease(ctx, id) {
		return common.Address{}, fmt.Errorf("%w: %s is not open on chain", network.ErrLeaseNotServed, id.Hex())
	}
	// Not open on chain: its tenant may award it (PutAward); every other
	// operation finds no lease yet.
	return b.order.Order.Tenant, nil
}

// PutAward takes the tenant's award of one of the provider's bids, checked
// against the chain first (without gas: the award's signature, the
// permit, the tenant's balance). The provider then serves the lease as
// one opened on chain, and opens and starts it itself, paying the gas,
// once its secrets came and the job's container is ready.
func (d *Daemon) PutAward(ctx context.Context, id common.Hash, award auction.SignedAward) error {
	d.mu.Lock()
	b := d.bids[id]
	_, taken := d.leases[id]
	d.mu.Unlock()
	switch {
	case b == nil:
		return fmt.Errorf("%w: %s", network.ErrLeaseNotServed, id.Hex())
	case taken:
		return fmt.Errorf("lease %s is already awarded or open", id.Hex())
	}
	next, err := d.cfg.Escrow.NextBlockTime(ctx)
	if err != nil {
		return err
	}
	if window := d.cfg.MinAwardWindow; award.Award.Deadline < next+uint64(window/time.Second) {
		return fmt.Errorf("the award of lease %s must leave at least %s to open it: its deadline is unix %d, the next block is stamped %d or later", id.Hex(), window, award.Award.Deadline, next)
	}
	if err := d.cfg.Escrow.CheckAward(ctx, d.cfg.Signer.Address(), &b.order.Order, &b.bid.Bid, &award); err != nil {
		return err
	}
	if _, began := d.takeLease(ctx, id, &award); !began {
		return fmt.Errorf("lease %s is already awarded or open, or the provider stops", id.Hex())
	}
	d.log.Info("lease awarded; it opens once the job is ready", "lease", id, "deposit", award.Award.Deposit, "deadline", award.Award.Deadline)
	return nil
}

// PutSecrets takes the job's secrets; the job starts once they arrive.
func (d *Daemon) PutSecrets(_ context.Context, id common.Hash, secrets map[string]string) error {
	l, err := d.lease(id)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.state != network.JobAwaitingSecrets || l.secrets != nil {
		return fmt.Errorf("lease %s is %s: secrets are taken only before the job starts", id.Hex(), l.state)
	}
	l.secrets = make(map[string]string, len(secrets))
	for k, v := range secrets {
		l.secrets[k] = v
	}
	l.secretsOnce.Do(func() { close(l.secretsIn) })
	return nil
}

// PutInput takes the job's input, a tar archive unpacked at /input. It must
// come before the secrets, which start the job, and hold no more than the
// order's disk (refused before any of it is read when size says so).
func (d *Daemon) PutInput(_ context.Context, id common.Hash, size int64, r io.Reader) error {
	l, err := d.lease(id)
	if err != nil {
		return err
	}
	if limit := l.inputLimit(); size > limit {
		return fmt.Errorf("lease %s: input of %d bytes is over %d bytes, the most this lease takes (the order's disk)", id.Hex(), size, limit)
	}
	l.mu.Lock()
	ready := l.state == network.JobAwaitingSecrets && l.secrets == nil
	l.mu.Unlock()
	if !ready {
		return fmt.Errorf("lease %s: input is taken only before the secrets, which start the job", id.Hex())
	}
	dir := d.leaseDir(id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("input: %w", err)
	}
	partial, final := filepath.Join(dir, "input.partial"), filepath.Join(dir, "input")
	os.RemoveAll(partial)
	limit := l.inputLimit()
	got, err := untar(io.LimitReader(r, limit+1), partial, limit)
	if err != nil {
		os.RemoveAll(partial)
		return fmt.Errorf("input: %w", err)
	}
	os.RemoveAll(final)
	if err := os.Rename(partial, final); err != nil {
		return fmt.Errorf("input: %w", err)
	}
	l.mu.Lock()
	l.hasInput, l.inputBytes = true, got
	l.mu.Unlock()
	return nil
}

// inputLimit is the most input the lease takes: the order's disk, if it
// asks for some, at most MaxInputBytes.
func (l *leaseRun) inputLimit() int64 {
	if disk := l.bid.order.Order.Requirements.DiskMiB; disk > 0 && disk < MaxInputBytes>>20 {
		return int64(disk) << 20
	}
	return MaxInputBytes
}

// untar unpacks regular files and directories of a tar stream into dir,
// readable by the job's user, and returns the bytes of the files: anything
// else, any path leaving dir and files over limit bytes in all are
// refused. It reads r to its end so the stream's checksum is checked.
func untar(r io.Reader, dir string, limit int64) (int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	var total int64
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			_, err = io.Copy(io.Discard, r)
			return total, err
		}
		if err != nil {
			return total, err
		}
		name := filepath.Clean(h.Name)
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return total, fmt.Errorf("%q leaves the input directory", h.Name)
		}
		path := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(path, 0o755); err != nil {
				return total, err
			}
		case tar.TypeReg:
			total += h.Size
			if total > limit {
				return total, fmt.Errorf("input is over %d bytes, the most this lease takes (the order's disk)", limit)
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return total, err
			}
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
			if err != nil {
				return total, err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return total, err
			}
		default:
			return total, fmt.Errorf("%q: only files and directories are taken (type %q)", h.Name, h.Typeflag)
		}
	}
}

// Cancel asks the lease's job to stop gracefully and the lease to close
// with what the job left in /output.
func (d *Daemon) Cancel(_ context.Context, id common.Hash) error {
	l, err := d.lease(id)
	if err != nil {
		return err
	}
	return l.cancel()
}

// Status reports the lease's state.
func (d *Daemon) Status(_ context.Context, id common.Hash) (network.LeaseStatus, error) {
	l, err := d.lease(id)
	if err != nil {
		return network.LeaseStatus{}, err
	}
	return l.status(), nil
}

// Logs copies the job's output lines, following them if asked.
func (d *Daemon) Logs(ctx context.Context, id common.Hash, follow bool, w io.Writer) error {
	l, err := d.lease(id)
	if err != nil {
		return err
	}
	return l.logs.copyTo(ctx, w, follow)
}

// Exec runs cmd in the lease's running job, confined as the job is; it
// runs only while the job runs, and not at all with Config.NoExec.
func (d *Daemon) Exec(ctx context.Context, id common.Hash, cmd []string, w io.Writer) (int, error) {
	l, run, err := d.runningForCommand(id, cmd)
	if err != nil {
		return 0, err
	}
	l.log.Info("tenant runs a command in the job", "program", cmd[0], "args", len(cmd)-1)
	return d.cfg.Runner.Exec(ctx, run, cmd, w, w)
}

// Shell runs cmd on a terminal in the lease's running job, as Exec does.
func (d *Daemon) Shell(ctx context.Context, id common.Hash, cmd []string, size network.TermSize, stdin io.Reader, out io.Writer, resize <-chan network.TermSize) (int, error) {
	l, run, err := d.runningForCommand(id, cmd)
	if err != nil {
		return 0, err
	}
	l.log.Info("tenant opens a terminal in the job", "program", cmd[0], "args", len(cmd)-1, "cols", size.Cols, "rows", size.Rows)
	sizes := make(chan executor.TermSize, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case sz := <-resize:
				select {
				case sizes <- executor.TermSize{Cols: sz.Cols, Rows: sz.Rows}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return d.cfg.Runner.Shell(ctx, run, cmd, executor.TermSize{Cols: size.Cols, Rows: size.Rows}, stdin, out, sizes)
}

// runningForCommand is the lease and its running job's container, for a
// tenant's command: an error while the job does not run, and
// network.ErrExecOff with Config.NoExec.
func (d *Daemon) runningForCommand(id common.Hash, cmd []string) (*leaseRun, executor.Run, error) {
	if d.cfg.NoExec {
		return nil, executor.Run{}, network.ErrExecOff
	}
	l, err := d.lease(id)
	if err != nil {
		return nil, executor.Run{}, err
	}
	l.mu.Lock()
	run, state := l.container, l.state
	l.mu.Unlock()
	if run == nil || state != network.JobRunning {
		return nil, executor.Run{}, fmt.Errorf("lease %s is %s: commands run only while its job runs", id.Hex(), state)
	}
	return l, *run, nil
}

// Output opens the job's /output archive once the job has ended.
func (d *Daemon) Output(_ context.Context, id common.Hash, offset int64) (io.ReadCloser, network.OutputInfo, error) {
	l, err := d.lease(id)
	if err != nil {
		return nil, network.OutputInfo{}, err
	}
	l.mu.Lock()
	path, info := l.output, network.OutputInfo{Size: l.outputLen, SHA256: l.outputSHA}
	state := l.state
	l.mu.Unlock()
	if path == "" {
		return nil, network.OutputInfo{}, fmt.Errorf("lease %s is %s: its output is ready when the job has ended", id.Hex(), state)
	}
	if offset < 0 || offset > info.Size {
		return nil, network.OutputInfo{}, fmt.Errorf("offset %d is outside the %d-byte archive", offset, info.Size)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, network.OutputInfo{}, fmt.Errorf("output: %w", err)
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		f.Close()
		return nil, network.OutputInfo{}, fmt.Errorf("output: %w", err)
	}
	return f, info, nil
}

func decodeSHA(s string) ([32]byte, error) {
	var out [32]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(out) {
		return out, fmt.Errorf("output SHA-256 %q is not 32 bytes of hex", s)
	}
	copy(out[:], b)
	return out, nil
}
