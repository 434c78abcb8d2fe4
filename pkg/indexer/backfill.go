package indexer

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/store"
)

// TranscriptSource hands out the transcripts market peers keep: a
// *network.Node.
type TranscriptSource interface {
	Peers() []peer.ID
	FetchTranscripts(ctx context.Context, p peer.ID, leases []common.Hash) ([]network.KeptAuction, error)
}

var _ TranscriptSource = (*network.Node)(nil)

// MissingTranscripts lists the leases whose transcript the index lacks.
type MissingTranscripts interface {
	LeasesWithoutTranscript(ctx context.Context, since time.Time, limit int) ([]common.Hash, error)
}

var _ MissingTranscripts = (*store.Store)(nil)

// BackfillConfig tunes Backfill.
type BackfillConfig struct {
	// Interval is how often to look for leases without a transcript.
	// Default 1m.
	Interval time.Duration
	// RetryAfter is how long to wait before asking for a lease's
	// transcript again. Default 10m.
	RetryAfter time.Duration
	// Peers is the most peers asked in one round. Default 8.
	Peers  int
	Now    func() time.Time
	Logger *slog.Logger
}

// Backfill fills in what gossip sent while the broker was down: for each
// lease the chain indexer stored without its auction transcript (and so
// without its order), it asks market peers, which keep the transcripts
// they saw, and the no-bids published after them, for
// network.KeepTranscriptsFor, and ingests what they send through the
// Market (verified again).
type Backfill struct {
	src    TranscriptSource
	store  MissingTranscripts
	market *Market
	cfg    BackfillConfig
	log    *slog.Logger
	asked  map[common.Hash]time.Time
	filled atomic.Uint64
}

// NewBackfill returns a backfill; Run starts it.
func NewBackfill(src TranscriptSource, s MissingTranscripts, m *Market, cfg BackfillConfig) *Backfill {
	if cfg.Interval <= 0 {
		cfg.Interval = time.Minute
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = 10 * time.Minute
	}
	if cfg.Peers <= 0 {
		cfg.Peers = 8
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Backfill{src: src, store: s, market: m, cfg: cfg, log: log, asked: map[common.Hash]time.Time{}}
}

// Filled is how many transcripts the backfill has found and stored.
func (b *Backfill) Filled() uint64 { return b.filled.Load() }

// Run backfills every Interval until ctx is done, then returns ctx.Err().
func (b *Backfill) Run(ctx context.Context) error {
	t := time.NewTicker(b.cfg.Interval)
	defer t.Stop()
	for {
		if _, err := b.RunOnce(ctx); err != nil && ctx.Err() == nil {
			b.log.Warn("transcript backfill failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// RunOnce asks peers once for the transcripts of the leases that lack one
// and were not asked for within RetryAfter, and returns how many it
// stored.
func (b *Backfill) RunOnce(ctx context.Context) (int, error) {
	now := b.cfg.Now()
	for id, at := range b.asked {
		if now.Sub(at) > network.KeepTranscriptsFor {
			delete(b.asked, id)
		}
	}
	ids, err := b.store.LeasesWithoutTranscript(ctx, now.Add(-network.KeepTranscriptsFor), network.MaxTranscriptRequest)
	if err != nil {
		return 0, err
	}
	missing := map[common.Hash]bool{}
	var ask []common.Hash
	for _, id := range ids {
		if at, ok := b.asked[id]; !ok || now.Sub(at) >= b.cfg.RetryAfter {
			missing[id] = true
			ask = append(ask, id)
		}
	}
	if len(ask) == 0 {
		return 0, nil
	}
	peers := b.src.Peers()
	rand.Shuffle(len(peers), func(i, j int) { peers[i], peers[j] = peers[j], peers[i] })
	stored, answered := 0, 0
	defer func() {
		// A lease counts as asked for once a peer answered; until then
		// (no peers yet, or none answering) it is asked again next round.
		if answered > 0 {
			for _, id := range ids {
				if missing[id] {
					b.asked[id] = now
				}
			}
		}
	}()
	for _, p := range peers[:min(len(peers), b.cfg.Peers)] {
		got, err := b.src.FetchTranscripts(ctx, p, ask)
		if err != nil {
			b.log.Debug("transcript backfill: peer failed", "peer", p, "err", err)
			continue
		}
		answered++
		for _, a := range got {
			if err := b.market.IngestTranscript(ctx, a.Transcript); err != nil {
				return stored, err
			}
			for _, nb := range a.NoBids {
				if err := b.market.IngestNoBid(ctx, nb); err != nil {
					return stored, err
				}
			}
			stored++
			delete(missing, a.Winner.Hash)
		}
		if len(missing) == 0 {
			break
		}
		ask = ask[:0]
		for id := range missing {
			ask = append(ask, id)
		}
	}
	b.filled.Add(uint64(stored))
	level := slog.LevelDebug
	if stored > 0 {
		level = slog.LevelInfo
	}
	b.log.Log(ctx, level, "transcript backfill", "asked", len(ids), "stored", stored, "stillMissing", len(missing), "peers", min(len(peers), b.cfg.Peers))
	return stored, nil
}
