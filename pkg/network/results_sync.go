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
// MaxTranscriptRequest) and closes its side; for each transcript it keeps
// that names one of them the winner, the responder writes a message of
// 't' and the transcript in the wire encoding, then one of 'n' and a
// no-bid for each no-bid on that order it keeps (at most maxKeptNoBids),
// then closes. The requester verifies every transcript as if it came by
// gossip and refuses one it did not ask for, and checks each no-bid's
// signature and that it names the order of the transcript before it.
//
// Every node keeps the transcripts with a winner it has seen, and the
// no-bids published after them, for KeepTranscriptsFor, within
// Config.KeptTranscriptBytes for the transcripts it won, as much for the
// others, and a quarter of it for the no-bids, the oldest going first.

// MaxTranscriptRequest is the most lease IDs one transcript-sync request
// names.
const MaxTranscriptRequest = 256

// KeepTranscriptsFor is how long a node keeps a transcript it has seen to
// hand to peers that missed it.
const KeepTranscriptsFor = 24 * time.Hour

// maxKeptNoBids caps the no-bids kept for one order.
const maxKeptNoBids = 64

// keptTranscripts holds recent transcripts by the lease they name, and
// the no-bids published after them by the order they name, oldest out
// first past KeepTranscriptsFor or the byte budget. The transcripts of
// the node's own wins, the no-bids and all other transcripts each have
// a budget of their own: strangers who flood the market with valid but
// worthless auctions or no-bids (their keys are free) push out each
// other, never what a provider won.
type keptTranscripts struct {
	mu     sync.Mutex
	own    keptSet // transcripts this node won
	others keptSet // other transcripts
	noBids keptSet // no-bids, by order
}

// keptSet is a FIFO of messages by key within a byte budget.
type keptSet struct {
	maxBytes, bytes int
	byKey           map[common.Hash]*kept
	fifo            []common.Hash
}

type kept struct {
	order common.Hash // a transcript's order
	raws  [][]byte
	at    time.Time
}

func newKeptSet(maxBytes int) keptSet {
	return keptSet{maxBytes: maxBytes, byKey: make(map[common.Hash]*kept)}
}

// add appends raw under key (at most limit messages a key), making room
// by dropping other keys, oldest first; what does not fit is refused.
func (s *keptSet) add(key, order common.Hash, raw []byte, limit int, now time.Time) {
	if k, ok := s.byKey[key]; ok && len(k.raws) >= limit {
		return
	}
	s.expire(now, len(raw), key)
	if s.bytes+len(raw) > s.maxBytes {
		return
	}
	k, ok := s.byKey[key]
	if !ok {
		k = &kept{order: order, at: now}
		s.byKey[key] = k
		s.fifo = append(s.fifo, key)
	}
	k.raws = append(k.raws, raw)
	s.bytes += len(raw)
}

// expire drops the keys past KeepTranscriptsFor, then others than keep,
// oldest first, until room more bytes fit.
func (s *keptSet) expire(now time.Time, room int, keep common.Hash) {
	for i := 0; i < len(s.fifo); {
		key := s.fifo[i]
		k := s.byKey[key]
		fresh := now.Sub(k.at) < KeepTranscriptsFor
		if fresh && s.bytes+room <= s.maxBytes {
			return
		}
		if fresh && key == keep {
			i++
			continue
		}
		for _, r := range k.raws {
			s.bytes -= len(r)
		}
		delete(s.byKey, key)
		s.fifo = append(s.fifo[:i], s.fifo[i+1:]...)
	}
}

func newKeptTranscripts(maxBytes int) *keptTranscripts {
	return &keptTranscripts{own: newKeptSet(maxBytes), others: newKeptSet(maxBytes), noBids: newKeptSet(maxBytes / 4)}
}

// add keeps the wire encoding raw of the transcript of order that names
// lease the winner, seen at now; own says this node won it.
func (k *keptTranscripts) add(lease, order common.Hash, raw []byte, own bool, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.own.byKey[lease]; ok {
		return
	}
	if own {
		k.own.add(lease, order, raw, 1, now)
	} else {
		k.others.add(lease, order, raw, 1, now)
	}
}

// addNoBid keeps the wire encoding raw of a no-bid on order, at most
// maxKeptNoBids an order.
func (k *keptTranscripts) addNoBid(order common.Hash, raw []byte, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.noBids.add(order, order, raw, maxKeptNoBids, now)
}

// get returns the response messages for leases: for each kept transcript
// that names one of them, 't' and the transcript, then 'n' and each
// no-bid kept on its order.
func (k *keptTranscripts) get(leases []common.Hash, now time.Time) [][]byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, set := range []*keptSet{&k.own, &k.others, &k.noBids} {
		set.expire(now, 0, common.Hash{})
	}
	var out [][]byte
	sent := make(map[common.Hash]bool) // orders: a replicated one's leases share a transcript
	for _, l := range leases {
		t, ok := k.own.byKey[l]
		if !ok {
			t, ok = k.others.byKey[l]
		}
		if !ok || sent[t.order] {
			continue
		}
		sent[t.order] = true
		out = append(out, append([]byte{'t'}, t.raws[0]...))
		if nbs, ok := k.noBids.byKey[t.order]; ok {
			for _, nb := range nbs.raws {
				out = append(out, append([]byte{'n'}, nb...))
			}
		}
	}
	return out
}

// keepTranscript keeps vt, which arrived as raw, for peers that missed it:
// under each winner's lease ID (a replicated order has several), as this
// node's own when it is one of them.
func (n *Node) keepTranscript(vt VerifiedTranscript, raw []byte) {
	if vt.Winner == nil {
		return
	}
	me := n.host.ID().String()
	for _, w := range vt.Transcript.Winners {
		own := w == vt.Winner.Hash && vt.Winner.Bid.PeerID == me
		for _, e := range vt.Transcript.Entries {
			if w != vt.Winner.Hash && e.Bid.Bid.PeerID == me && n.domain.BidHash(&e.Bid.Bid) == w {
				own = true
			}
		}
		n.kept.add(w, vt.Order.Hash, raw, own, n.now())
	}
}

// keepNoBid keeps nb, which arrived as raw, for peers that missed it.
func (n *Node) keepNoBid(nb auction.SignedNoBid, raw []byte) {
	n.kept.addNoBid(nb.NoBid.OrderHash, raw, n.now())
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
	for _, raw := range n.kept.get(leases, n.now()) { // a message each
		if err := writeFrame(s, raw); err != nil {
			n.log.Debug("transcript sync: write", "peer", s.Conn().RemotePeer(), "err", err)
			s.Reset()
			return
		}
	}
	s.Close()
}

// KeptAuction is a transcript a peer kept, with the no-bids on its order
// it kept too.
type KeptAuction struct {
	VerifiedTranscript
	NoBids []auction.SignedNoBid
}

// FetchTranscripts asks p for the transcripts that name any of leases (at
// most MaxTranscriptRequest) the winner, and returns those it holds, each
// verified, with their no-bids. A peer that sends a transcript that does
// not verify or was not asked for, or a no-bid that is forged or on
// another order, gets an error and nothing from it is returned.
func (n *Node) FetchTranscripts(ctx context.Context, p peer.ID, leases []common.Hash) ([]KeptAuction, error) {
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

func (n *Node) fetchFrom(s network.Stream, leases []common.Hash) ([]KeptAuction, error) {
	wanted := make(map[common.Hash]bool, len(leases))
	req := make([]byte, 0, len(leases)*common.HashLength)
	for _, l := range leases {
		if !wanted[l] {
			wanted[l] = true
			req = append(req, l[:]...)
		}
	}
	if err := writeRequest(s, req); err != nil {
		return nil, err
	}
	fr := newFrameReader(s)
	var got []KeptAuction
	var raws [][][]byte // per auction: the transcript as sent, then its no-bids
	for {
		data, err := fr.next(1 + auction.MaxTranscriptBytes)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(data) == 0 {
			return nil, errors.New("sent an empty message")
		}
		switch data[0] {
		case 't':
			vt, _, err := n.checkTranscript(data[1:], false)
			if err != nil {
				return nil, fmt.Errorf("sent an invalid transcript: %w", err)
			}
			asked := false
			for _, w := range vt.Transcript.Winners {
				asked = asked || wanted[w]
				delete(wanted, w) // one each
			}
			if !asked {
				return nil, fmt.Errorf("sent the transcript of order %s, which names no lease asked for", vt.Order.Hash.Hex())
			}
			got = append(got, KeptAuction{VerifiedTranscript: vt})
			raws = append(raws, [][]byte{data[1:]})
		case 'n':
			if len(got) == 0 || len(got[len(got)-1].NoBids) >= maxKeptNoBids {
				return nil, errors.New("sent a no-bid out of place")
			}
			last := &got[len(got)-1]
			if len(data) > 1+auction.MaxNoBidBytes {
				return nil, fmt.Errorf("sent a no-bid of %d bytes", len(data)-1)
			}
			nb, err := n.domain.DecodeNoBid(data[1:])
			if err != nil {
				return nil, fmt.Errorf("sent an invalid no-bid: %w", err)
			}
			if nb.NoBid.OrderHash != last.Order.Hash {
				return nil, fmt.Errorf("sent a no-bid on order %s after the transcript of order %s", nb.NoBid.OrderHash.Hex(), last.Order.Hash.Hex())
			}
			last.NoBids = append(last.NoBids, nb)
			raws[len(raws)-1] = append(raws[len(raws)-1], data[1:])
		default:
			return nil, fmt.Errorf("sent a message of unknown kind %q", data[0])
		}
	}
	for i, a := range got {
		n.keepTranscript(a.VerifiedTranscript, raws[i][0])
		for j, nb := range a.NoBids {
			n.keepNoBid(nb, raws[i][1+j])
		}
	}
	return got, nil
}
