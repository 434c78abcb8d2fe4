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

// closedAuction publishes an order on m and runs its auction: every
// provider bids (the last one lowest) but, with three or more, the last
// one, which sends a no-bid. It returns the transcript the tenant
// published, once every provider has it.
func closedAuction(t *testing.T, m *market) auction.Transcript {
	t.Helper()
	return closedAuctionOf(t, m, auction.Verify{})
}

// closedAuctionOf is closedAuction of an order with v.
func closedAuctionOf(t *testing.T, m *market, v auction.Verify) auction.Transcript {
	t.Helper()
	feeds := make([]<-chan VerifiedTranscript, len(m.providers))
	for i, p := range m.providers {
		feeds[i] = p.Transcripts(t.Context())
	}
	o := testOrder(t, m.tenantKey, m.tenant.ID(), time.Now(), time.Minute)
	o.Verify = v
	vo := verifyOrder(t, signOrder(t, o, m.tenantKey))
	if err := m.tenant.PublishOrder(ctxTimeout(t, waitLong), vo.SignedOrder); err != nil {
		t.Fatal(err)
	}
	for _, p := range m.providers {
		waitFor(t, waitLong, "the order at every provider", func() bool { return p.store.knows(vo.Hash) })
	}
	srv := m.serve(t, vo)
	for i, p := range m.providers {
		if i == len(m.providers)-1 && i >= 2 {
			nb, err := testDomain.SignNoBid(auction.NoBid{OrderHash: vo.Hash, Provider: addrOf(m.provKeys[i]), PeerID: p.ID().String(),
				Reason: auction.ReasonBusy, Detail: "all GPUs leased"}, auction.NewKeySigner(m.provKeys[i]))
			if err != nil {
				t.Fatal(err)
			}
			if err := p.SendNoBid(ctxTimeout(t, waitLong), &vo, nb); err != nil {
				t.Fatal(err)
			}
			continue
		}
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
	m := newMarket(t, 3)
	tr := closedAuction(t, m)
	late := startNode(t, testConfig(t, "late", m.boot))
	p := m.providers[0]
	order := testDomain.OrderHash(&tr.Order.Order)
	waitFor(t, waitLong, "the no-bid kept at the provider", func() bool {
		p.kept.mu.Lock()
		defer p.kept.mu.Unlock()
		_, ok := p.kept.noBids.byKey[order]
		return ok
	})
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
	if len(got[0].NoBids) != 1 || got[0].NoBids[0].NoBid.Provider != addrOf(m.provKeys[2]) {
		t.Errorf("no-bids with the transcript: %+v, want the third provider's", got[0].NoBids)
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

// TestTranscriptSyncReplicated: a replicated order's transcript is kept
// under each winner's lease, as its own by each winner, and sent once
// however many of its leases are asked for.
func TestTranscriptSyncReplicated(t *testing.T) {
	m := newMarket(t, 3)
	tr := closedAuctionOf(t, m, auction.Verify{Replicas: 2, Paths: []string{"out"}})
	if len(tr.Winners) != 2 {
		t.Fatalf("winners %v, want two", tr.Winners)
	}
	second := tr.Winners[1]
	var winner *Node
	for i, p := range m.providers[:2] {
		p.kept.mu.Lock()
		_, own := p.kept.own.byKey[second]
		p.kept.mu.Unlock()
		if own {
			winner = m.providers[i]
		}
	}
	if winner == nil {
		t.Fatal("no provider keeps the second winner's transcript as its own")
	}
	late := startNode(t, testConfig(t, "late", m.boot))
	waitFor(t, waitLong, "the late node connected to a provider", func() bool {
		return late.host.Network().Connectedness(m.providers[0].ID()) == network.Connected
	})
	for _, ask := range [][]common.Hash{{second}, {tr.Winners[0], second}} {
		got, err := late.FetchTranscripts(ctxTimeout(t, waitLong), m.providers[0].ID(), ask)
		if err != nil {
			t.Fatalf("FetchTranscripts %v: %v", ask, err)
		}
		if len(got) != 1 || got[0].Transcript.Signature != tr.Signature {
			t.Fatalf("asked for %d of its leases: %d transcripts, want the one", len(ask), len(got))
		}
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
	var answer [][]byte
	liar.SetStreamHandler(ProtocolTranscriptsSync, func(s network.Stream) {
		defer s.Close()
		if _, err := newMessageReader(s).next(MaxTranscriptRequest * common.HashLength); err != nil {
			s.Reset()
			return
		}
		for _, a := range answer {
			if err := writeFrame(s, a); err != nil {
				s.Reset()
				return
			}
		}
	})
	asker := m.boot
	if err := asker.host.Connect(ctxTimeout(t, waitLong), peer.AddrInfo{ID: liar.ID(), Addrs: liar.Addrs()}); err != nil {
		t.Fatal(err)
	}
	noBid := func(order common.Hash, detail string) []byte {
		nb, err := testDomain.SignNoBid(auction.NoBid{OrderHash: order, Provider: addrOf(testKey(t, 100)), PeerID: liar.ID().String(),
			Reason: auction.ReasonBusy, Detail: detail}, auction.NewKeySigner(testKey(t, 100)))
		if err != nil {
			t.Fatal(err)
		}
		data, err := auction.EncodeNoBid(nb)
		if err != nil {
			t.Fatal(err)
		}
		return append([]byte{'n'}, data...)
	}
	order := testDomain.OrderHash(&tr.Order.Order)
	tagged := append([]byte{'t'}, raw...)
	forgedNoBid := []byte(strings.Replace(string(noBid(order, "busy until noon")), "noon", "1pm!", 1))
	for _, tt := range []struct {
		name   string
		answer [][]byte
		ask    common.Hash
		want   string
	}{
		{"forged", [][]byte{append([]byte{'t'}, forgedRaw...)}, tr.Winner, "invalid transcript"},
		{"not asked for", [][]byte{tagged}, common.Hash{1}, "names no lease asked for"},
		{"untagged", [][]byte{raw}, tr.Winner, "unknown kind"},
		{"no-bid before any transcript", [][]byte{noBid(order, "busy")}, tr.Winner, "out of place"},
		{"no-bid on another order", [][]byte{tagged, noBid(common.Hash{2}, "busy")}, tr.Winner, "after the transcript of order"},
		{"forged no-bid", [][]byte{tagged, forgedNoBid}, tr.Winner, "invalid no-bid"},
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
// budget, oldest out first, and none outlives KeepTranscriptsFor; a flood
// of strangers' transcripts or no-bids never pushes out one the node won.
func TestKeptTranscriptsBounded(t *testing.T) {
	k := newKeptTranscripts(100)
	now := time.Now()
	k.add(common.Hash{0xaa}, common.Hash{0xba}, make([]byte, 60), true, now) // won by this node
	for i := range 5 {
		k.add(common.Hash{byte(i)}, common.Hash{0xf0, byte(i)}, make([]byte, 30), false, now.Add(time.Duration(i)*time.Minute))
	}
	for i := range 10 {
		k.addNoBid(common.Hash{0xf0, 4}, append(make([]byte, 9), byte(i)), now.Add(5*time.Minute))
	}
	later := now.Add(5 * time.Minute)
	all := []common.Hash{{0}, {1}, {2}, {3}, {4}}
	if got := len(k.get(all, later)); got != 3+2 || k.others.bytes != 90 {
		t.Errorf("kept %d messages, %d bytes of others' transcripts; want the newest 3, the last with its 2 no-bids (25 bytes a quarter of the budget), 90 bytes", got, k.others.bytes)
	}
	if got := k.get([]common.Hash{{0xaa}}, later); len(got) != 1 || len(got[0]) != 61 || got[0][0] != 't' {
		t.Errorf("the node's own win: %d messages, want it kept", len(got))
	}
	k.add(common.Hash{9}, common.Hash{0xf9}, make([]byte, 101), false, now) // larger than the budget
	if got := k.get([]common.Hash{{9}}, now); len(got) != 0 {
		t.Errorf("a transcript over the whole budget was kept")
	}
	if got := k.get(append(all, common.Hash{0xaa}), now.Add(KeepTranscriptsFor+5*time.Minute)); len(got) != 0 || k.others.bytes+k.own.bytes+k.noBids.bytes != 0 {
		t.Errorf("after %v: %d messages kept; want none", KeepTranscriptsFor, len(got))
	}
}
