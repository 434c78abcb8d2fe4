package network

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/network"

	"github.com/tender-market/tender/pkg/auction"
)

// LeaseHost is what a provider's node needs from the provider daemon to
// serve lease streams. Every call is made only after the stream proved it
// comes from the lease's tenant (except TenantOf, which decides that).
type LeaseHost interface {
	// TenantOf returns the lease's tenant; an error wrapping
	// ErrLeaseNotServed when there is no such lease.
	TenantOf(ctx context.Context, leaseID common.Hash) (common.Address, error)
	// PutAward takes the tenant's award of the lease (the bid's digest),
	// which the provider opens itself: the lease is not on chain yet.
	PutAward(ctx context.Context, leaseID common.Hash, award auction.SignedAward) error
	// PutSecrets stores the job's secrets.
	PutSecrets(ctx context.Context, leaseID common.Hash, secrets map[string]string) error
	// PutInput consumes the job's input from r, whose files the tenant says
	// hold size bytes in all (0: not said); it may refuse before reading.
	// r returns io.EOF only when the input arrived whole and matches the
	// SHA-256 the tenant sent; otherwise an error (ErrCorrupt, or the
	// stream's).
	PutInput(ctx context.Context, leaseID common.Hash, size int64, r io.Reader) error
	// Status reports the lease's status.
	Status(ctx context.Context, leaseID common.Hash) (LeaseStatus, error)
	// Logs writes the job's logs to w; with follow, it keeps writing new
	// lines until the job ends or ctx is done.
	Logs(ctx context.Context, leaseID common.Hash, follow bool, w io.Writer) error
	// Output opens the /output archive at offset, with its full size and
	// the SHA-256 of the whole archive.
	Output(ctx context.Context, leaseID common.Hash, offset int64) (io.ReadCloser, OutputInfo, error)
	// Cancel stops the job gracefully and closes the lease with what it
	// left in /output; it returns once that has begun.
	Cancel(ctx context.Context, leaseID common.Hash) error
	// Exec runs cmd in the lease's running job, confined as the job is,
	// writing what it prints to w, and returns its exit status; an error
	// wrapping ErrExecOff when the provider runs no commands.
	Exec(ctx context.Context, leaseID common.Hash, cmd []string, w io.Writer) (int, error)
	// DialService connects to the TCP port of the lease's running job, for
	// a forward; an error wrapping ErrNotExposed when the job does not
	// expose port, ErrForwardLimit when the lease has as many forwarded
	// connections as the provider allows. The node closes the connection
	// when the forward ends; the host may close it sooner (when the lease
	// ends), which ends the forward.
	DialService(ctx context.Context, leaseID common.Hash, port uint16) (net.Conn, error)
	// Shell runs cmd in the lease's running job on a terminal of size,
	// confined as Exec is: stdin is typed on it, what it shows goes to out,
	// each size from resize resizes it; it returns the exit status. An
	// error wrapping ErrExecOff when the provider runs no commands.
	Shell(ctx context.Context, leaseID common.Hash, cmd []string, size TermSize, stdin io.Reader, out io.Writer, resize <-chan TermSize) (int, error)
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

func (n *Node) handleLease(ctx context.Context, s network.Stream) {
	ls, ok := n.acceptLease(ctx, s, leaseStreamMem, func(req *leaseRequest) bool {
		runs := req.Op == OpExec || req.Op == OpShell
		return req.Op.valid() && req.Op != OpForward && req.Offset >= 0 && req.Port == 0 &&
			runs == (req.Command != nil) && (!runs || validCommand(req.Command)) &&
			(req.Op == OpShell) == (req.Term != nil) && (req.Term == nil || req.Term.valid())
	})
	if !ok {
		return
	}
	defer ls.g.release()
	switch ls.req.Op {
	case OpAward:
		ls.award(ctx)
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
	case OpCancel:
		ls.cancel(ctx)
	case OpExec:
		ls.exec(ctx)
	case OpShell:
		ls.shell(ctx)
	}
}

// acceptLease reads a lease stream's request, resets the stream if valid
// refuses it, and runs the access challenge. It returns the authorized
// stream (release its guard when done), or false when the stream has been
// answered or reset.
func (n *Node) acceptLease(ctx context.Context, s network.Stream, mem int, valid func(*leaseRequest) bool) (*leaseStream, bool) {
	g, err := guardStream(s, mem, n.cfg.StreamTimeout)
	if err != nil {
		n.log.Debug("lease stream refused", "protocol", s.Protocol(), "err", err)
		return nil, false
	}
	from := s.Conn().RemotePeer()
	fr := newFrameReader(s)
	var req leaseRequest
	if err := fr.nextJSON(maxLeaseRequestBytes, &req); err != nil || !valid(&req) {
		n.log.Debug("lease stream: bad request; reset", "protocol", s.Protocol(), "peer", from, "err", err, "op", req.Op)
		s.Reset()
		g.release()
		return nil, false
	}
	host := n.leases()
	if host == nil {
		n.finish(s, refusal(ErrNoLeaseHost))
		g.release()
		return nil, false
	}
	n.handshakes.enter(s)
	err = n.authorize(ctx, s, fr, host, &req)
	n.handshakes.leave(s)
	if err != nil {
		var refused refusedError
		if errors.As(err, &refused) {
			n.log.Debug("lease stream refused", "peer", from, "lease", req.LeaseID, "op", req.Op, "err", err)
			n.finish(s, refusal(err))
		} else {
			n.log.Debug("lease stream: handshake failed; reset", "peer", from, "err", err)
			s.Reset()
		}
		g.release()
		return nil, false
	}
	return &leaseStream{n: n, s: s, g: g, fr: fr, host: host, req: req}, true
}

// maxHandshakes is how many lease streams may wait for their opener to
// prove who it is, from all peers together: past it, the oldest waiting
// is reset for the newcomer. Strangers who never answer can so hold at
// most this many of the protocol's streams (128), however many peer IDs
// they make, and the rest stay free for tenants, whose own handshake
// takes a round trip.
const maxHandshakes = 32

// handshakes are the lease streams in their handshake, oldest first.
type handshakes struct {
	mu      sync.Mutex
	streams []network.Stream
}

// enter adds s, resetting the oldest stream in its handshake when
// maxHandshakes are already.
func (h *handshakes) enter(s network.Stream) {
	h.mu.Lock()
	var evict network.Stream
	if len(h.streams) >= maxHandshakes {
		evict, h.streams = h.streams[0], h.streams[1:]
	}
	h.streams = append(h.streams, s)
	h.mu.Unlock()
	if evict != nil {
		evict.Reset()
	}
}

// leave drops s, its handshake over.
func (h *handshakes) leave(s network.Stream) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if i := slices.Index(h.streams, s); i >= 0 {
		h.streams = slices.Delete(h.streams, i, i+1)
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
	// A stranger gets HandshakeTimeout to answer, not the stream's time.
	s.SetReadDeadline(time.Now().Add(min(n.cfg.HandshakeTimeout, n.cfg.StreamTimeout)))
	if err := writeFrame(s, challenge[:]); err != nil {
		return err
	}
	msg, err := fr.next(len(auction.Signature{}))
	if err != nil {
		return err
	}
	s.SetReadDeadline(time.Now().Add(n.cfg.StreamTimeout))
	var sig auction.Signature
	if len(msg) != len(sig) {
		return fmt.Errorf("signature is %d bytes, want %d", len(msg), len(sig))
	}
	copy(sig[:], msg)
	// The signature first: a bad one costs the host nothing (TenantOf may
	// ask the chain).
	signer, err := auction.Recover(accessDigest(n.domain, req.LeaseID, n.host.ID(), req.Op, challenge), sig)
	if err != nil {
		return refusedError{fmt.Errorf("%w: lease %s: %w", ErrLeaseDenied, req.LeaseID.Hex(), err)}
	}
	tenant, err := host.TenantOf(ctx, req.LeaseID)
	if err != nil {
		return refusedError{fmt.Errorf("lease %s: %w", req.LeaseID.Hex(), err)}
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
	g    *streamGuard
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

func (l *leaseStream) award(ctx context.Context) {
	var award auction.SignedAward
	if err := l.fr.nextJSON(maxAwardBytes, &award); err != nil || award.Award.Deposit == nil {
		l.s.Reset()
		return
	}
	if award.Award.Bid != l.req.LeaseID {
		l.n.finish(l.s, refusal(fmt.Errorf("%w: the award names bid %s, the stream lease %s", ErrLeaseDenied, award.Award.Bid.Hex(), l.req.LeaseID.Hex())))
		return
	}
	if err := l.host.PutAward(ctx, l.req.LeaseID, award); err != nil {
		l.n.finish(l.s, refusal(err))
		return
	}
	l.n.finish(l.s, reply{})
}

func (l *leaseStream) cancel(ctx context.Context) {
	if err := l.host.Cancel(ctx, l.req.LeaseID); err != nil {
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
	err := l.host.PutInput(ctx, l.req.LeaseID, l.req.Size, in)
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

// logs streams the host's log output as chunks.
func (l *leaseStream) logs(ctx context.Context) {
	l.stream(ctx, func(ctx context.Context, cw *chunkWriter) (chunkTrailer, error) {
		return chunkTrailer{}, l.host.Logs(ctx, l.req.LeaseID, l.req.Follow, cw)
	})
}

// exec streams the output of the request's command as chunks; the
// trailer carries its exit status.
func (l *leaseStream) exec(ctx context.Context) {
	l.stream(ctx, func(ctx context.Context, cw *chunkWriter) (chunkTrailer, error) {
		code, err := l.host.Exec(ctx, l.req.LeaseID, l.req.Command, cw)
		return chunkTrailer{ExitCode: &code}, err
	})
}

// stream runs produce, which writes a chunk stream's body, with a
// keepalive every quarter of the idle timeout (a keepalive that cannot be
// written means the tenant is gone, and stops produce), then ends the
// stream with produce's trailer, or its error.
func (l *leaseStream) stream(ctx context.Context, produce func(context.Context, *chunkWriter) (chunkTrailer, error)) {
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
	t, err := produce(ctx, cw)
	cancel()
	l.end(cw, t, err)
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
	l.end(cw, chunkTrailer{}, err)
}

// end writes the chunk stream's trailer, t or err's, and closes the
// stream.
func (l *leaseStream) end(cw *chunkWriter, t chunkTrailer, err error) {
	if err != nil {
		t = chunkTrailer{Error: err.Error(), Code: errorCode(err)}
	}
	if werr := cw.end(t); werr != nil {
		l.s.Reset()
		return
	}
	l.s.Close()
}
