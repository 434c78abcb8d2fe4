package network

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/peerstore"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/tender-market/tender/pkg/auction"
)

// LeaseClient is a tenant's handle on one lease at its provider.
type LeaseClient struct {
	n        *Node
	provider peer.ID
	leaseID  common.Hash
	tenant   auction.Signer
}

// Lease returns a client for the lease leaseID at provider (its peer ID
// and the addresses known for it, if any); tenant signs its access
// challenges and must be the lease's tenant.
func (n *Node) Lease(provider peer.AddrInfo, leaseID common.Hash, tenant auction.Signer) *LeaseClient {
	if len(provider.Addrs) > 0 {
		n.host.Peerstore().AddAddrs(provider.ID, provider.Addrs, peerstore.AddressTTL)
	}
	return &LeaseClient{n: n, provider: provider.ID, leaseID: leaseID, tenant: tenant}
}

// open opens an authorized lease stream for req.
func (c *LeaseClient) open(ctx context.Context, req leaseRequest) (*leaseConn, error) {
	return c.openProtocol(ctx, ProtocolLease, leaseStreamMem, req)
}

// openProtocol opens an authorized stream of protocol proto, which
// reserves mem, for req.
func (c *LeaseClient) openProtocol(ctx context.Context, proto protocol.ID, mem int, req leaseRequest) (*leaseConn, error) {
	n := c.n
	req.LeaseID = c.leaseID
	sctx, cancel := context.WithTimeout(ctx, n.cfg.StreamTimeout)
	defer cancel()
	s, err := n.openStream(sctx, c.provider, proto)
	if err != nil {
		return nil, fmt.Errorf("lease %s: %w %s: %w", c.leaseID.Hex(), ErrUnreachable, c.provider, err)
	}
	g, err := guardStream(s, mem, n.cfg.StreamTimeout)
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
	// A node that serves no leases (or not yet) refuses in place of the
	// challenge; its reply is never 32 bytes long.
	msg, err := lc.fr.next(maxReplyBytes)
	if err != nil {
		return fmt.Errorf("read challenge: %w", err)
	}
	if len(msg) != 32 {
		var r reply
		if json.Unmarshal(msg, &r) == nil && r.Error != "" {
			return r.err()
		}
		return fmt.Errorf("challenge is %d bytes, want 32", len(msg))
	}
	sig, err := c.tenant.SignHash(accessDigest(c.n.domain, c.leaseID, c.provider, req.Op, [32]byte(msg)))
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

// PutAward hands the provider the tenant's award of the lease, for the
// provider to open it (see OpAward); the provider checks it against the
// chain before it answers.
func (c *LeaseClient) PutAward(ctx context.Context, award auction.SignedAward) error {
	return c.put(ctx, OpAward, "award", award, maxAwardBytes)
}

// PutSecrets sends the job's secrets to the provider.
func (c *LeaseClient) PutSecrets(ctx context.Context, secrets map[string]string) error {
	return c.put(ctx, OpSecrets, "secrets", secrets, maxSecretsBytes)
}

// put sends v, at most limit bytes as JSON, with op, and waits for the
// provider's answer.
func (c *LeaseClient) put(ctx context.Context, op LeaseOp, what string, v any, limit int) error {
	msg, err := json.Marshal(v)
	if err == nil && len(msg) > limit {
		err = fmt.Errorf("the %s encode to %d bytes, at most %d", what, len(msg), limit)
	}
	if err != nil {
		return fmt.Errorf("lease %s: put %s: %w", c.leaseID.Hex(), what, err)
	}
	lc, err := c.open(ctx, leaseRequest{Op: op})
	if err != nil {
		return err
	}
	err = writeFrame(lc.s, msg)
	if err == nil {
		err = lc.reply(nil)
	}
	lc.close(err == nil)
	if err != nil {
		return fmt.Errorf("lease %s: put %s: %w", c.leaseID.Hex(), what, ctxErr(ctx, err))
	}
	return nil
}

// PutInput streams the job's input from r to the provider, which checks it
// against the SHA-256 sent at the end, and returns the bytes sent. size is
// what the input's files hold in all, so the provider can refuse too much
// at once (0: not said). r is read in chunks, never held whole.
func (c *LeaseClient) PutInput(ctx context.Context, size int64, r io.Reader) (int64, error) {
	lc, err := c.open(ctx, leaseRequest{Op: OpInput, Size: size})
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
	// The provider answers once, at the end, or as soon as it refuses the
	// input: listen while sending, so a refusal stops the sending at once.
	type answer struct {
		rep reply
		err error
	}
	answered := make(chan answer, 1)
	go func() {
		var a answer
		a.err = lc.reply(&a.rep)
		answered <- a
		lc.s.SetWriteDeadline(time.Now()) // stop a write the provider no longer reads
	}()
	refused := func() (answer, bool) {
		select {
		case a := <-answered:
			return a, true
		default:
			return answer{}, false
		}
	}
	cw := newChunkWriter(lc.s, c.n.cfg.LeaseIdleTimeout)
	h := sha256.New()
	buf := make([]byte, maxChunk)
	var sent int64
	for {
		if a, ok := refused(); ok {
			return sent, cmp.Or(a.err, errors.New("the provider answered before the input's end"))
		}
		k, rerr := r.Read(buf)
		if k > 0 {
			h.Write(buf[:k])
			if _, err := cw.Write(buf[:k]); err != nil {
				// The provider may have stopped reading to refuse the
				// input: its reply says why.
				lc.s.SetReadDeadline(time.Now().Add(c.n.cfg.StreamTimeout))
				if a := <-answered; a.err != nil {
					return sent, a.err
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
	// The trailer ends the input; the provider may answer and close before
	// this close (see writeRequest), and its answer decides.
	_ = lc.s.CloseWrite()
	lc.s.SetReadDeadline(time.Now().Add(c.n.cfg.LeaseIdleTimeout))
	a := <-answered
	if a.err != nil {
		return sent, a.err
	}
	if a.rep.Size != sent {
		return sent, fmt.Errorf("%w: the provider took %d bytes of %d", ErrCorrupt, a.rep.Size, sent)
	}
	return sent, nil
}

// Cancel asks the provider to stop the job gracefully and to close the
// lease with what the job left in /output. It returns once the provider
// has taken the request; the lease closes on chain later.
func (c *LeaseClient) Cancel(ctx context.Context) error {
	lc, err := c.open(ctx, leaseRequest{Op: OpCancel})
	if err != nil {
		return err
	}
	err = lc.reply(nil)
	lc.close(err == nil)
	if err != nil {
		return fmt.Errorf("lease %s: cancel: %w", c.leaseID.Hex(), ctxErr(ctx, err))
	}
	return nil
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

// Exec runs cmd in the lease's running job, confined as the job is,
// copies what it prints (standard output and error together) to w, and
// returns its exit status. A provider that runs no commands refuses with
// ErrExecOff.
func (c *LeaseClient) Exec(ctx context.Context, cmd []string, w io.Writer) (int, error) {
	if !validCommand(cmd) {
		return 0, fmt.Errorf("lease %s: exec: a command is 1 to %d arguments of at most %d bytes in all, without NUL", c.leaseID.Hex(), maxExecArgs, maxExecBytes)
	}
	lc, err := c.open(ctx, leaseRequest{Op: OpExec, Command: cmd})
	if err != nil {
		return 0, err
	}
	t, err := c.receiveTrailer(lc, w)
	lc.close(err == nil)
	if err == nil && t.ExitCode == nil {
		err = errors.New("the provider sent no exit status")
	}
	if err != nil {
		return 0, fmt.Errorf("lease %s: exec: %w", c.leaseID.Hex(), ctxErr(ctx, err))
	}
	return *t.ExitCode, nil
}

// receive copies a chunk stream's body to w and reports the trailer's
// error, if any.
func (c *LeaseClient) receive(lc *leaseConn, w io.Writer) error {
	_, err := c.receiveTrailer(lc, w)
	return err
}

// receiveTrailer is receive, returning the trailer too.
func (c *LeaseClient) receiveTrailer(lc *leaseConn, w io.Writer) (chunkTrailer, error) {
	lc.s.SetDeadline(time.Time{})
	lc.s.CloseWrite()
	return c.receiveBody(lc, w)
}

// receiveBody copies a chunk stream's body to w and returns its trailer,
// or the trailer's error; the stream's write side stays as it is.
func (c *LeaseClient) receiveBody(lc *leaseConn, w io.Writer) (chunkTrailer, error) {
	cr := newChunkReader(lc.fr, lc.s, c.n.cfg.LeaseIdleTimeout)
	if _, err := io.CopyBuffer(w, cr, make([]byte, maxChunk)); err != nil {
		return chunkTrailer{}, err
	}
	if cr.trailer.Error != "" {
		return cr.trailer, &RemoteError{Code: cr.trailer.Code, Msg: cr.trailer.Error}
	}
	return cr.trailer, nil
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
