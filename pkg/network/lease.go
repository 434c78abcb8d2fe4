package network

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/auction"
)

// Lease streams (/tender/lease/1.0.0) connect a lease's tenant with its
// provider. The tenant opens the stream and names the lease and the
// operation; the provider answers with a fresh random challenge; the tenant
// signs a LeaseAccess message over it with the lease's tenant key; the
// provider lets the operation run only if that key is the lease's tenant,
// and otherwise refuses with ErrLeaseDenied.

// LeaseOp is an operation on a lease stream.
type LeaseOp string

// Lease operations.
const (
	// OpSecrets sends the job's secrets (tenant to provider).
	OpSecrets LeaseOp = "secrets"
	// OpInput streams the job's input data (tenant to provider).
	OpInput LeaseOp = "input"
	// OpStatus asks for the lease's status.
	OpStatus LeaseOp = "status"
	// OpLogs streams the job's logs, following them if asked.
	OpLogs LeaseOp = "logs"
	// OpOutput streams the /output archive from an offset.
	OpOutput LeaseOp = "output"
)

func (op LeaseOp) valid() bool {
	switch op {
	case OpSecrets, OpInput, OpStatus, OpLogs, OpOutput:
		return true
	}
	return false
}

// LeaseAccessType is the EIP-712 type the tenant signs to open a lease
// stream, in the market's domain. provider is the provider's peer ID as
// text, so a signature made for one provider is worthless at another;
// challenge is the provider's fresh random 32 bytes.
const LeaseAccessType = "LeaseAccess(bytes32 leaseId,string provider,string op,bytes32 challenge)"

// LeaseAccessDigest is the EIP-712 digest a tenant signs to run op on the
// lease at provider, answering challenge.
func LeaseAccessDigest(d auction.Domain, leaseID common.Hash, provider peer.ID, op LeaseOp, challenge [32]byte) common.Hash {
	buf := make([]byte, 0, 5*32)
	buf = append(buf, crypto.Keccak256([]byte(LeaseAccessType))...)
	buf = append(buf, leaseID[:]...)
	buf = append(buf, crypto.Keccak256([]byte(provider.String()))...)
	buf = append(buf, crypto.Keccak256([]byte(op))...)
	buf = append(buf, challenge[:]...)
	return d.Digest(crypto.Keccak256Hash(buf))
}

// Errors of lease streams.
var (
	// ErrLeaseDenied: the request was not signed by the lease's tenant.
	ErrLeaseDenied = errors.New("lease access denied")
	// ErrUnknownLease: the provider has no such lease. A LeaseHost wraps
	// it so the tenant can tell.
	ErrUnknownLease = errors.New("unknown lease")
	// ErrNoLeaseHost: the node serves no leases.
	ErrNoLeaseHost = errors.New("this node serves no leases")
	// ErrCorrupt: data arrived whole but its SHA-256 or size is not what
	// the sender declared.
	ErrCorrupt = errors.New("data does not match its SHA-256")
)

// LeaseStatus is what a provider reports about a lease.
type LeaseStatus struct {
	// State is the lease's state as the provider sees it, such as
	// "starting", "running" or "exited".
	State string `json:"state"`
	// ExitCode is the job's exit code once it has exited.
	ExitCode *int `json:"exitCode,omitempty"`
	// Detail says more in words.
	Detail string `json:"detail,omitempty"`
	// Since is when the lease entered State.
	Since time.Time `json:"since"`
}

// OutputInfo describes a lease's /output archive.
type OutputInfo struct {
	Size   int64
	SHA256 [32]byte
}

// LeaseHost is what a provider's node needs from the provider daemon to
// serve lease streams. Every call is made only after the stream proved it
// comes from the lease's tenant (except TenantOf, which decides that).
type LeaseHost interface {
	// TenantOf returns the lease's tenant; an error wrapping
	// ErrUnknownLease when there is no such lease.
	TenantOf(ctx context.Context, leaseID common.Hash) (common.Address, error)
	// PutSecrets stores the job's secrets.
	PutSecrets(ctx context.Context, leaseID common.Hash, secrets map[string]string) error
	// PutInput consumes the job's input from r. r returns io.EOF only when
	// the input arrived whole and matches the SHA-256 the tenant sent;
	// otherwise an error (ErrCorrupt, or the stream's).
	PutInput(ctx context.Context, leaseID common.Hash, r io.Reader) error
	// Status reports the lease's status.
	Status(ctx context.Context, leaseID common.Hash) (LeaseStatus, error)
	// Logs writes the job's logs to w; with follow, it keeps writing new
	// lines until the job ends or ctx is done.
	Logs(ctx context.Context, leaseID common.Hash, follow bool, w io.Writer) error
	// Output opens the /output archive at offset, with its full size and
	// the SHA-256 of the whole archive.
	Output(ctx context.Context, leaseID common.Hash, offset int64) (io.ReadCloser, OutputInfo, error)
}

// ServeLeases makes the node serve lease streams from h; nil stops serving
// them.
func (n *Node) ServeLeases(h LeaseHost) {
	n.leaseMu.Lock()
	defer n.leaseMu.Unlock()
	n.leaseHost = h
}

func (n *Node) leases() LeaseHost {
	n.leaseMu.Lock()
	defer n.leaseMu.Unlock()
	return n.leaseHost
}

// leaseRequest opens a lease stream.
type leaseRequest struct {
	LeaseID common.Hash `json:"leaseId"`
	Op      LeaseOp     `json:"op"`
	Follow  bool        `json:"follow,omitempty"`
	Offset  int64       `json:"offset,omitempty"`
}

const (
	maxLeaseRequestBytes = 1 << 10
	// maxSecretsBytes caps the encoded secrets of a job.
	maxSecretsBytes = 64 << 10
)

func (n *Node) handleLease(ctx context.Context, s network.Stream) {
	g, err := guardStream(s, leaseStreamMem, n.cfg.StreamTimeout)
	if err != nil {
		n.log.Debug("lease stream refused", "err", err)
		return
	}
	defer g.release()
	from := s.Conn().RemotePeer()
	fr := newFrameReader(s)
	var req leaseRequest
	if err := fr.nextJSON(maxLeaseRequestBytes, &req); err != nil || !req.Op.valid() || req.Offset < 0 {
		n.log.Debug("lease stream: bad request; reset", "peer", from, "err", err, "op", req.Op)
		s.Reset()
		return
	}
	host := n.leases()
	if host == nil {
		n.finish(s, refusal(ErrNoLeaseHost))
		return
	}
	if err := n.authorize(ctx, s, fr, host, &req); err != nil {
		var refused refusedError
		if errors.As(err, &refused) {
			n.log.Debug("lease stream refused", "peer", from, "lease", req.LeaseID, "op", req.Op, "err", err)
			n.finish(s, refusal(err))
			return
		}
		n.log.Debug("lease stream: handshake failed; reset", "peer", from, "err", err)
		s.Reset()
		return
	}
	ls := &leaseStream{n: n, s: s, fr: fr, host: host, req: req}
	switch req.Op {
	case OpSecrets:
		ls.secrets(ctx)
	case OpInput:
		ls.input(ctx)
	case OpStatus:
		ls.status(ctx)
	case OpLogs:
		ls.logs(ctx)
	case OpOutput:
		ls.output(ctx)
	}
}

// refusedError is a handshake failure the requester is told about.
type refusedError struct{ err error }

func (d refusedError) Error() string { return d.err.Error() }
func (d refusedError) Unwrap() error { return d.err }

// authorize runs the challenge: a protocol error is returned as is, a
// refusal as a refusedError. On success it has written the empty reply.
func (n *Node) authorize(ctx context.Context, s network.Stream, fr *frameReader, host LeaseHost, req *leaseRequest) error {
	var challenge [32]byte
	if _, err := rand.Read(challenge[:]); err != nil {
		return fmt.Errorf("make challenge: %w", err)
	}
	if err := writeFrame(s, challenge[:]); err != nil {
		return err
	}
	msg, err := fr.next(len(auction.Signature{}))
	if err != nil {
		return err
	}
	var sig auction.Signature
	if len(msg) != len(sig) {
		return fmt.Errorf("signature is %d bytes, want %d", len(msg), len(sig))
	}
	copy(sig[:], msg)
	tenant, err := host.TenantOf(ctx, req.LeaseID)
	if err != nil {
		return refusedError{fmt.Errorf("lease %s: %w", req.LeaseID.Hex(), err)}
	}
	signer, err := auction.Recover(LeaseAccessDigest(n.domain, req.LeaseID, n.host.ID(), req.Op, challenge), sig)
	if err != nil {
		return refusedError{fmt.Errorf("%w: lease %s: %w", ErrLeaseDenied, req.LeaseID.Hex(), err)}
	}
	if signer != tenant {
		return refusedError{fmt.Errorf("%w: lease %s: the request is signed by %s, who is not the lease's tenant", ErrLeaseDenied, req.LeaseID.Hex(), signer.Hex())}
	}
	return writeJSON(s, reply{})
}

// finish writes the last reply and closes the stream.
func (n *Node) finish(s network.Stream, r reply) {
	if err := writeJSON(s, r); err != nil {
		s.Reset()
		return
	}
	s.Close()
}

// leaseStream is the provider's side of one authorized lease operation.
type leaseStream struct {
	n    *Node
	s    network.Stream
	fr   *frameReader
	host LeaseHost
	req  leaseRequest
}

func (l *leaseStream) secrets(ctx context.Context) {
	var secrets map[string]string
	if err := l.fr.nextJSON(maxSecretsBytes, &secrets); err != nil {
		l.s.Reset()
		return
	}
	if err := l.host.PutSecrets(ctx, l.req.LeaseID, secrets); err != nil {
		l.n.finish(l.s, refusal(err))
		return
	}
	l.n.finish(l.s, reply{})
}

func (l *leaseStream) status(ctx context.Context) {
	st, err := l.host.Status(ctx, l.req.LeaseID)
	if err != nil {
		l.n.finish(l.s, refusal(err))
		return
	}
	l.n.finish(l.s, reply{Status: &st})
}

// input hands the tenant's chunk stream to the host through a reader that
// checks the trailer's size and SHA-256 before it reports io.EOF.
func (l *leaseStream) input(ctx context.Context) {
	l.s.SetDeadline(time.Time{}) // the chunk reader sets idle deadlines
	in := &checkedInput{cr: newChunkReader(l.fr, l.s, l.n.cfg.LeaseIdleTimeout), h: sha256.New()}
	err := l.host.PutInput(ctx, l.req.LeaseID, in)
	if err == nil && !in.done {
		err = errors.New("the lease host stopped reading before the end of the input")
	}
	l.s.SetWriteDeadline(time.Now().Add(l.n.cfg.StreamTimeout))
	if err != nil {
		// Stop the tenant's writes; it reads this reply to learn why.
		l.s.CloseRead()
		l.n.finish(l.s, refusal(err))
		return
	}
	l.n.finish(l.s, reply{Size: in.n})
}

// checkedInput reads a chunk stream's body and, at its end, checks it
// against the trailer.
type checkedInput struct {
	cr   *chunkReader
	h    hash.Hash
	n    int64
	done bool
	err  error
}

func (c *checkedInput) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	k, err := c.cr.Read(p)
	c.h.Write(p[:k])
	c.n += int64(k)
	if errors.Is(err, io.EOF) {
		err = c.check()
		c.done = err == io.EOF
	}
	if err != nil {
		c.err = err
	}
	return k, err
}

func (c *checkedInput) check() error {
	t := c.cr.trailer
	if t.Error != "" {
		return fmt.Errorf("the sender gave up: %s", t.Error)
	}
	if t.Size != c.n {
		return fmt.Errorf("%w: got %d bytes, the sender sent %d", ErrCorrupt, c.n, t.Size)
	}
	if got := hex.EncodeToString(c.h.Sum(nil)); got != t.SHA256 {
		return fmt.Errorf("%w: got %s, the sender declared %s", ErrCorrupt, got, t.SHA256)
	}
	return io.EOF
}

// logs streams the host's log output as chunks, with a keepalive every
// quarter of the idle timeout; a keepalive that cannot be written means the
// tenant is gone, and stops the host.
func (l *leaseStream) logs(ctx context.Context) {
	l.s.SetDeadline(time.Time{})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cw := newChunkWriter(l.s, l.n.cfg.LeaseIdleTimeout)
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() {
		t := time.NewTicker(l.n.cfg.LeaseIdleTimeout / 4)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := cw.keepalive(); err != nil {
					cancel()
					return
				}
			}
		}
	})
	err := l.host.Logs(ctx, l.req.LeaseID, l.req.Follow, cw)
	cancel()
	l.end(cw, err)
}

// output streams the archive from the requested offset: a reply with its
// size and SHA-256, then the bytes as chunks.
func (l *leaseStream) output(ctx context.Context) {
	rc, info, err := l.host.Output(ctx, l.req.LeaseID, l.req.Offset)
	if err != nil {
		l.n.finish(l.s, refusal(err))
		return
	}
	defer rc.Close()
	if l.req.Offset > info.Size {
		l.n.finish(l.s, refusal(fmt.Errorf("offset %d is past the archive's end (%d bytes)", l.req.Offset, info.Size)))
		return
	}
	if err := writeJSON(l.s, reply{Size: info.Size, SHA256: hex.EncodeToString(info.SHA256[:])}); err != nil {
		l.s.Reset()
		return
	}
	l.s.SetDeadline(time.Time{})
	cw := newChunkWriter(l.s, l.n.cfg.LeaseIdleTimeout)
	buf := make([]byte, maxChunk)
	_, err = io.CopyBuffer(cw, io.LimitReader(rc, info.Size-l.req.Offset), buf)
	l.end(cw, err)
}

// end writes the chunk stream's trailer and closes the stream.
func (l *leaseStream) end(cw *chunkWriter, err error) {
	var t chunkTrailer
	if err != nil {
		t.Error = err.Error()
	}
	if werr := cw.end(t); werr != nil {
		l.s.Reset()
		return
	}
	l.s.Close()
}

// LeaseClient is a tenant's handle on one lease at its provider.
type LeaseClient struct {
	n        *Node
	provider peer.ID
	leaseID  common.Hash
	tenant   auction.Signer
}

// Lease returns a client for the lease leaseID at provider; tenant signs
// its access challenges and must be the lease's tenant.
func (n *Node) Lease(provider peer.ID, leaseID common.Hash, tenant auction.Signer) *LeaseClient {
	return &LeaseClient{n: n, provider: provider, leaseID: leaseID, tenant: tenant}
}

// open opens an authorized lease stream for req.
func (c *LeaseClient) open(ctx context.Context, req leaseRequest) (*leaseConn, error) {
	n := c.n
	req.LeaseID = c.leaseID
	sctx, cancel := context.WithTimeout(ctx, n.cfg.StreamTimeout)
	defer cancel()
	s, err := n.openStream(sctx, c.provider, ProtocolLease)
	if err != nil {
		return nil, fmt.Errorf("lease %s: open stream to provider %s: %w", c.leaseID.Hex(), c.provider, err)
	}
	g, err := guardStream(s, leaseStreamMem, n.cfg.StreamTimeout)
	if err != nil {
		return nil, err
	}
	lc := &leaseConn{s: s, g: g, fr: newFrameReader(s), stop: context.AfterFunc(ctx, func() { s.Reset() })}
	if err := c.handshake(lc, req); err != nil {
		lc.close(false)
		return nil, fmt.Errorf("lease %s %s: %w", c.leaseID.Hex(), req.Op, ctxErr(ctx, err))
	}
	return lc, nil
}

func (c *LeaseClient) handshake(lc *leaseConn, req leaseRequest) error {
	if err := writeJSON(lc.s, req); err != nil {
		return err
	}
	msg, err := lc.fr.next(32)
	if err != nil {
		return fmt.Errorf("read challenge: %w", err)
	}
	if len(msg) != 32 {
		return fmt.Errorf("challenge is %d bytes, want 32", len(msg))
	}
	sig, err := c.tenant.SignHash(LeaseAccessDigest(c.n.domain, c.leaseID, c.provider, req.Op, [32]byte(msg)))
	if err != nil {
		return err
	}
	if err := writeFrame(lc.s, sig[:]); err != nil {
		return err
	}
	return lc.reply(nil)
}

// leaseConn is the tenant's side of a lease stream.
type leaseConn struct {
	s    network.Stream
	g    *streamGuard
	fr   *frameReader
	stop func() bool
}

// reply reads a reply; a refusal becomes a *RemoteError.
func (lc *leaseConn) reply(r *reply) error {
	var got reply
	if err := lc.fr.nextJSON(maxReplyBytes, &got); err != nil {
		return fmt.Errorf("read provider's reply: %w", err)
	}
	if r != nil {
		*r = got
	}
	return got.err()
}

// close closes the stream cleanly when ok, else resets it.
func (lc *leaseConn) close(ok bool) {
	lc.stop()
	if ok {
		lc.s.Close()
	} else {
		lc.s.Reset()
	}
	lc.g.release()
}

// PutSecrets sends the job's secrets to the provider.
func (c *LeaseClient) PutSecrets(ctx context.Context, secrets map[string]string) error {
	msg, err := json.Marshal(secrets)
	if err == nil && len(msg) > maxSecretsBytes {
		err = fmt.Errorf("secrets encode to %d bytes, at most %d", len(msg), maxSecretsBytes)
	}
	if err != nil {
		return fmt.Errorf("lease %s: put secrets: %w", c.leaseID.Hex(), err)
	}
	lc, err := c.open(ctx, leaseRequest{Op: OpSecrets})
	if err != nil {
		return err
	}
	err = writeFrame(lc.s, msg)
	if err == nil {
		err = lc.reply(nil)
	}
	lc.close(err == nil)
	if err != nil {
		return fmt.Errorf("lease %s: put secrets: %w", c.leaseID.Hex(), ctxErr(ctx, err))
	}
	return nil
}

// PutInput streams the job's input from r to the provider, which checks it
// against the SHA-256 sent at the end, and returns the bytes sent. r is
// read in chunks, never held whole.
func (c *LeaseClient) PutInput(ctx context.Context, r io.Reader) (int64, error) {
	lc, err := c.open(ctx, leaseRequest{Op: OpInput})
	if err != nil {
		return 0, err
	}
	n, err := c.sendInput(lc, r)
	lc.close(err == nil)
	if err != nil {
		return n, fmt.Errorf("lease %s: put input: %w", c.leaseID.Hex(), ctxErr(ctx, err))
	}
	return n, nil
}

func (c *LeaseClient) sendInput(lc *leaseConn, r io.Reader) (int64, error) {
	lc.s.SetDeadline(time.Time{})
	cw := newChunkWriter(lc.s, c.n.cfg.LeaseIdleTimeout)
	h := sha256.New()
	buf := make([]byte, maxChunk)
	var sent int64
	for {
		k, rerr := r.Read(buf)
		if k > 0 {
			h.Write(buf[:k])
			if _, err := cw.Write(buf[:k]); err != nil {
				// The provider may have stopped reading to refuse the
				// input: its reply says why.
				lc.s.SetReadDeadline(time.Now().Add(c.n.cfg.StreamTimeout))
				if rerr := lc.reply(nil); rerr != nil {
					return sent, rerr
				}
				return sent, err
			}
			sent += int64(k)
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			cw.end(chunkTrailer{Error: "the tenant could not read its input"})
			return sent, fmt.Errorf("read input: %w", rerr)
		}
	}
	if err := cw.end(chunkTrailer{Size: sent, SHA256: hex.EncodeToString(h.Sum(nil))}); err != nil {
		return sent, err
	}
	if err := lc.s.CloseWrite(); err != nil {
		return sent, err
	}
	lc.s.SetReadDeadline(time.Now().Add(c.n.cfg.LeaseIdleTimeout))
	var rep reply
	if err := lc.reply(&rep); err != nil {
		return sent, err
	}
	if rep.Size != sent {
		return sent, fmt.Errorf("%w: the provider took %d bytes of %d", ErrCorrupt, rep.Size, sent)
	}
	return sent, nil
}

// Status asks the provider for the lease's status.
func (c *LeaseClient) Status(ctx context.Context) (LeaseStatus, error) {
	lc, err := c.open(ctx, leaseRequest{Op: OpStatus})
	if err != nil {
		return LeaseStatus{}, err
	}
	var rep reply
	err = lc.reply(&rep)
	if err == nil && rep.Status == nil {
		err = errors.New("the provider's reply holds no status")
	}
	lc.close(err == nil)
	if err != nil {
		return LeaseStatus{}, fmt.Errorf("lease %s: status: %w", c.leaseID.Hex(), ctxErr(ctx, err))
	}
	return *rep.Status, nil
}

// Logs copies the job's logs to w. With follow it keeps copying until the
// job ends or ctx is done (then it returns ctx's error).
func (c *LeaseClient) Logs(ctx context.Context, follow bool, w io.Writer) error {
	lc, err := c.open(ctx, leaseRequest{Op: OpLogs, Follow: follow})
	if err != nil {
		return err
	}
	err = c.receive(lc, w)
	lc.close(err == nil)
	if err != nil {
		return fmt.Errorf("lease %s: logs: %w", c.leaseID.Hex(), ctxErr(ctx, err))
	}
	return nil
}

// receive copies a chunk stream's body to w and reports the trailer's
// error, if any.
func (c *LeaseClient) receive(lc *leaseConn, w io.Writer) error {
	lc.s.SetDeadline(time.Time{})
	lc.s.CloseWrite()
	cr := newChunkReader(lc.fr, lc.s, c.n.cfg.LeaseIdleTimeout)
	if _, err := io.CopyBuffer(w, cr, make([]byte, maxChunk)); err != nil {
		return err
	}
	if cr.trailer.Error != "" {
		return &RemoteError{Msg: cr.trailer.Error}
	}
	return nil
}

// DownloadOutput fetches the lease's /output archive into dst. It resumes
// after the bytes dst already holds (its size), so an interrupted download
// continues where it stopped; when the archive is complete it checks the
// SHA-256 of all of dst against the provider's and returns ErrCorrupt on a
// mismatch (then start again with an empty dst).
func (c *LeaseClient) DownloadOutput(ctx context.Context, dst io.ReadWriteSeeker) (OutputInfo, error) {
	info, err := c.download(ctx, dst)
	if err != nil {
		return info, fmt.Errorf("lease %s: download output: %w", c.leaseID.Hex(), ctxErr(ctx, err))
	}
	return info, nil
}

func (c *LeaseClient) download(ctx context.Context, dst io.ReadWriteSeeker) (OutputInfo, error) {
	offset, err := dst.Seek(0, io.SeekEnd)
	if err != nil {
		return OutputInfo{}, err
	}
	h := sha256.New()
	if offset > 0 {
		if _, err := dst.Seek(0, io.SeekStart); err != nil {
			return OutputInfo{}, err
		}
		if _, err := io.CopyN(h, dst, offset); err != nil {
			return OutputInfo{}, fmt.Errorf("hash the %d bytes already downloaded: %w", offset, err)
		}
	}
	lc, err := c.open(ctx, leaseRequest{Op: OpOutput, Offset: offset})
	if err != nil {
		return OutputInfo{}, err
	}
	var rep reply
	info, err := c.outputHeader(lc, &rep)
	if err == nil {
		err = c.receive(lc, io.MultiWriter(dst, h))
	}
	lc.close(err == nil)
	if err != nil {
		return info, err
	}
	if got, err := dst.Seek(0, io.SeekCurrent); err != nil || got != info.Size {
		return info, fmt.Errorf("%w: have %d bytes, the archive has %d", ErrCorrupt, got, info.Size)
	}
	if [32]byte(h.Sum(nil)) != info.SHA256 {
		return info, fmt.Errorf("%w: the archive's SHA-256 is %x, the download's %x", ErrCorrupt, info.SHA256, h.Sum(nil))
	}
	return info, nil
}

func (c *LeaseClient) outputHeader(lc *leaseConn, rep *reply) (OutputInfo, error) {
	if err := lc.reply(rep); err != nil {
		return OutputInfo{}, err
	}
	sum, err := hex.DecodeString(rep.SHA256)
	if err != nil || len(sum) != sha256.Size {
		return OutputInfo{}, fmt.Errorf("the provider sent a malformed SHA-256 %q", rep.SHA256)
	}
	return OutputInfo{Size: rep.Size, SHA256: [32]byte(sum)}, nil
}
