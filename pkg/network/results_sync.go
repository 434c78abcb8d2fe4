package network

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/auction"
)

// Transcript sync (/tender/transcripts/sync/1.0.0): a node that missed an
// auction's transcript on the results topic (a broker that was down) asks
// a peer for it by the lease it named. The requester writes one message,
// the lease IDs (winning bid hashes, 32 bytes each, at most
// MaxTranscriptRequest) and closes its side; the responder writes each
// transcript it keeps that names one of them the winner, one message each
// in the wire encoding, then closes. The requester verifies every
// transcript as if it came by gossip, and refuses one it did not ask for.
//
// Every node keeps the transcripts with a winner it has seen for
// KeepTranscriptsFor, up to Config.KeptTranscriptBytes in all, the oldest
// going first.

// MaxTranscriptRequest is the most lease IDs one transcript-sync request
// names.
const MaxTranscriptRequest = 256

// KeepTranscriptsFor is how long a node keeps a transcript it has seen to
// hand to peers that missed it.
const KeepTranscriptsFor = 24 * time.Hour

// keptTranscripts holds recent transcripts by the lease they name.
type keptTranscripts struct {
	mu       sync.Mutex
	maxBytes int
	byLease  map[common.Hash]keptTranscript
	order    []common.Hash // oldest first
	bytes    int
}

type keptTranscript struct {
	raw []byte
	at  time.Time
}

func newKeptTranscripts(maxBytes int) *keptTranscripts {
	return &keptTranscripts{maxBytes: maxBytes, byLease: make(map[common.Hash]keptTranscript)}
}

// add keeps the wire encoding raw of the transcript that names lease the
// winner, seen at now.
func (k *keptTranscripts) add(lease common.Hash, raw []byte, now time.Time) {
	if len(raw) > k.maxBytes {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.byLease[lease]; ok {
		return
	}
	k.byLease[lease] = keptTranscript{raw: raw, at: now}
	k.order = append(k.order, lease)
	k.bytes += len(raw)
	k.expire(now)
}

// expire drops the transcripts past KeepTranscriptsFor and, oldest first,
// those past the byte budget. k.mu is held.
func (k *keptTranscripts) expire(now time.Time) {
	for len(k.order) > 0 {
		first := k.byLease[k.order[0]]
		if k.bytes <= k.maxBytes && now.Sub(first.at) < KeepTranscriptsFor {
			return
		}
		delete(k.byLease, k.order[0])
		k.order = k.order[1:]
		k.bytes -= len(first.raw)
	}
}

// get returns the kept transcripts that name any of leases.
func (k *keptTranscripts) get(leases []common.Hash, now time.Time) [][]byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expire(now)
	var out [][]byte
	for _, l := range leases {
		if t, ok := k.byLease[l]; ok {
			out = append(out, t.raw)
		}
	}
	return out
}

// keepTranscript keeps vt for peers that missed it.
func (n *Node) keepTranscript(vt VerifiedTranscript) {
	if vt.Winner == nil {
		return
	}
	raw, err := auction.EncodeTranscript(vt.Transcript)
	if err != nil {
		n.log.Debug("transcript not kept", "order", vt.Order.Hash, "err", err)
		return
	}
	n.kept.add(vt.Winner.Hash, raw, n.now())
}

func (n *Node) handleTranscriptSync(_ context.Context, s network.Stream) {
	g, err := guardStream(s, transcriptSyncStreamMem, n.cfg.StreamTimeout)
	if err != nil {
		n.log.Debug("transcript sync stream refused", "err", err)
		return
	}
	defer g.release()
	req, err := newMessageReader(s).next(MaxTranscriptRequest * common.HashLength)
	if err == nil && (len(req) == 0 || len(req)%common.HashLength != 0) {
		err = fmt.Errorf("request of %d bytes: want a whole number of lease IDs", len(req))
	}
	if err != nil {
		n.log.Debug("transcript sync: bad request; reset", "peer", s.Conn().RemotePeer(), "err", err)
		s.Reset()
		return
	}
	leases := make([]common.Hash, 0, len(req)/common.HashLength)
	for i := 0; i < len(req); i += common.HashLength {
		leases = append(leases, common.Hash(req[i:i+common.HashLength]))
	}
	for _, raw := range n.kept.get(leases, n.now()) {
		if err := writeFrame(s, raw); err != nil {
			n.log.Debug("transcript sync: write", "peer", s.Conn().RemotePeer(), "err", err)
			s.Reset()
			return
		}
	}
	s.Close()
}

// FetchTranscripts asks p for the transcripts that name any of leases (at
// most MaxTranscriptRequest) the winner, and returns those it holds, each
// verified. A peer that sends a transcript that does not verify, or one
// not asked for, gets an error and nothing from it is returned.
func (n *Node) FetchTranscripts(ctx context.Context, p peer.ID, leases []common.Hash) ([]VerifiedTranscript, error) {
	if len(leases) == 0 || len(leases) > MaxTranscriptRequest {
		return nil, fmt.Errorf("transcript sync: %d lease IDs, want 1 to %d", len(leases), MaxTranscriptRequest)
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.StreamTimeout)
	defer cancel()
	s, err := n.host.NewStream(ctx, p, ProtocolTranscriptsSync)
	if err != nil {
		return nil, fmt.Errorf("transcript sync with %s: %w", p, err)
	}
	g, err := guardStream(s, transcriptSyncStreamMem, n.cfg.StreamTimeout)
	if err != nil {
		return nil, fmt.Errorf("transcript sync with %s: %w", p, err)
	}
	defer g.release()
	stop := context.AfterFunc(ctx, func() { s.Reset() })
	defer stop()
	got, err := n.fetchFrom(s, leases)
	if err != nil {
		s.Reset()
		return nil, fmt.Errorf("transcript sync with %s: %w", p, ctxErr(ctx, err))
	}
	s.Close()
	return got, nil
}

func (n *Node) fetchFrom(s network.Stream, leases []common.Hash) ([]VerifiedTranscript, error) {
	wanted := make(map[common.Hash]bool, len(leases))
	req := make([]byte, 0, len(leases)*common.HashLength)
	for _, l := range leases {
		if !wanted[l] {
			wanted[l] = true
			req = append(req, l[:]...)
		}
	}
	if err := writeFrame(s, req); err != nil {
		return nil, err
	}
	if err := s.CloseWrite(); err != nil {
		return nil, err
	}
	fr := newFrameReader(s)
	var got []VerifiedTranscript
	for {
		data, err := fr.next(auction.MaxTranscriptBytes)
		if errors.Is(err, io.EOF) {
			return got, nil
		}
		if err != nil {
			return nil, err
		}
		vt, _, err := n.checkTranscript(data, false)
		if err != nil {
			return nil, fmt.Errorf("sent an invalid transcript: %w", err)
		}
		if vt.Winner == nil || !wanted[vt.Winner.Hash] {
			return nil, fmt.Errorf("sent the transcript of order %s, which names no lease asked for", vt.Order.Hash.Hex())
		}
		delete(wanted, vt.Winner.Hash) // one each
		got = append(got, vt)
		n.keepTranscript(vt)
	}
}
