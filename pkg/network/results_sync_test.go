package network

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/auction"
)

// closedAuction runs an auction on m between its providers (the last one
// bids lowest) and returns the transcript the tenant published, once every
// provider has it.
func closedAuction(t *testing.T, m *market) auction.Transcript {
	t.Helper()
	feeds := make([]<-chan VerifiedTranscript, len(m.providers))
	for i, p := range m.providers {
		feeds[i] = p.Transcripts(t.Context())
	}
	vo := verifyOrder(t, signOrder(t, testOrder(t, m.tenantKey, m.tenant.ID(), time.Now(), time.Minute), m.tenantKey))
	srv := m.serve(t, vo)
	for i, p := range m.providers {
		sb := signBid(t, testBid(&vo, addrOf(m.provKeys[i]), p.ID(), int64(900_000-1000*i)), m.provKeys[i])
		if _, err := p.SendBid(ctxTimeout(t, waitLong), &vo, sb); err != nil {
			t.Fatalf("provider %d: SendBid: %v", i, err)
		}
	}
	tr, err := srv.Close(ctxTimeout(t, waitLong), time.Now(), auction.NewKeySigner(m.tenantKey))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range feeds {
		recv(t, f, waitLong, "the transcript at a provider")
	}
	return tr
}

// TestTranscriptSync: a node that joins after an auction closed (a broker
// that was down) gets the transcript from a provider by the lease it
// names, verified, and nothing for a lease no one knows.
func TestTranscriptSync(t *testing.T) {
	m := newMarket(t, 2)
	tr := closedAuction(t, m)
	late := startNode(t, testConfig(t, "late", m.boot))
	p := m.providers[0]
	waitFor(t, waitLong, "the late node connected to a provider", func() bool {
		return late.host.Network().Connectedness(p.ID()) == network.Connected
	})
	unknown := common.Hash{0xde, 0xad}
	got, err := late.FetchTranscripts(ctxTimeout(t, waitLong), p.ID(), []common.Hash{unknown, tr.Winner, tr.Winner})
	if err != nil {
		t.Fatalf("FetchTranscripts: %v", err)
	}
	if len(got) != 1 || got[0].Winner == nil || got[0].Winner.Hash != tr.Winner || got[0].Transcript.Signature != tr.Signature {
		t.Fatalf("got %d transcripts %+v, want the one won by %s", len(got), got, tr.Winner.Hex())
	}
	// The late node keeps it too, for the next one that asks.
	if again, err := m.boot.FetchTranscripts(ctxTimeout(t, waitLong), late.ID(), []common.Hash{tr.Winner}); err != nil || len(again) != 1 {
		t.Errorf("from the late node: %d transcripts, %v; want 1", len(again), err)
	}
	if none, err := late.FetchTranscripts(ctxTimeout(t, waitLong), p.ID(), []common.Hash{unknown}); err != nil || len(none) != 0 {
		t.Errorf("for an unknown lease: %d transcripts, %v; want none", len(none), err)
	}
	if _, err := late.FetchTranscripts(ctxTimeout(t, waitLong), p.ID(), make([]common.Hash, MaxTranscriptRequest+1)); err == nil {
		t.Error("FetchTranscripts of more than MaxTranscriptRequest leases: no error")
	}
}

// TestAttackTranscriptSync plays a peer that answers a transcript request
// with a forged transcript, or with one nobody asked for; and one that
// sends an oversize or malformed request. Each is refused.
func TestAttackTranscriptSync(t *testing.T) {
	m := newMarket(t, 1)
	tr := closedAuction(t, m)
	raw, err := auction.EncodeTranscript(tr)
	if err != nil {
		t.Fatal(err)
	}
	forged := tr
	forged.Signature[10] ^= 1
	forgedRaw, err := auction.EncodeTranscript(forged)
	if err != nil {
		t.Fatal(err)
	}

	liar, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableMetrics())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { liar.Close() })
	var answer []byte
	liar.SetStreamHandler(ProtocolTranscriptsSync, func(s network.Stream) {
		defer s.Close()
		if _, err := newMessageReader(s).next(MaxTranscriptRequest * common.HashLength); err != nil {
			s.Reset()
			return
		}
		if err := writeFrame(s, answer); err != nil {
			s.Reset()
		}
	})
	asker := m.boot
	if err := asker.host.Connect(ctxTimeout(t, waitLong), peer.AddrInfo{ID: liar.ID(), Addrs: liar.Addrs()}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		answer []byte
		ask    common.Hash
		want   string
	}{
		{"forged", forgedRaw, tr.Winner, "invalid transcript"},
		{"not asked for", raw, common.Hash{1}, "names no lease asked for"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			answer = tt.answer
			got, err := asker.FetchTranscripts(ctxTimeout(t, waitLong), liar.ID(), []common.Hash{tt.ask})
			if err == nil || !strings.Contains(err.Error(), tt.want) || len(got) != 0 {
				t.Errorf("got %d transcripts, %v; want an error saying %q", len(got), err, tt.want)
			}
		})
	}

	// Bad requests reset the stream before anything is answered.
	p := m.providers[0]
	for _, tt := range []struct {
		name string
		req  []byte
	}{
		{"oversize", binary.AppendUvarint(nil, MaxTranscriptRequest*common.HashLength+1)},
		{"not whole IDs", append(binary.AppendUvarint(nil, 33), make([]byte, 33)...)},
		{"empty", binary.AppendUvarint(nil, 0)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := asker.host.NewStream(ctxTimeout(t, waitLong), p.ID(), ProtocolTranscriptsSync)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Reset()
			if _, err := s.Write(tt.req); err != nil {
				t.Fatal(err)
			}
			s.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := s.Read(make([]byte, 1)); !errors.Is(err, network.ErrReset) {
				t.Errorf("read after a bad request: got %v, want the stream reset", err)
			}
		})
	}
}

// TestKeptTranscriptsBounded: the kept transcripts stay within their byte
// budget, oldest out first, and none outlives KeepTranscriptsFor.
func TestKeptTranscriptsBounded(t *testing.T) {
	k := newKeptTranscripts(100)
	now := time.Now()
	for i := range 5 {
		k.add(common.Hash{byte(i)}, make([]byte, 30), now.Add(time.Duration(i)*time.Minute))
	}
	all := []common.Hash{{0}, {1}, {2}, {3}, {4}}
	if got := len(k.get(all, now.Add(5*time.Minute))); got != 3 || k.bytes != 90 {
		t.Errorf("kept %d transcripts, %d bytes; want the newest 3, 90 bytes", got, k.bytes)
	}
	if got := k.get([]common.Hash{{0}, {1}}, now.Add(5*time.Minute)); len(got) != 0 {
		t.Errorf("the oldest two are still kept")
	}
	k.add(common.Hash{9}, make([]byte, 101), now) // larger than the budget
	if got := k.get([]common.Hash{{9}}, now); len(got) != 0 {
		t.Errorf("a transcript over the whole budget was kept")
	}
	if got := k.get(all, now.Add(KeepTranscriptsFor+5*time.Minute)); len(got) != 0 || k.bytes != 0 {
		t.Errorf("after %v: %d transcripts, %d bytes kept; want none", KeepTranscriptsFor, len(got), k.bytes)
	}
}
