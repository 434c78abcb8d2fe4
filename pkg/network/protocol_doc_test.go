package network

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"

	"github.com/tender-market/tender/pkg/auction"
)

// TestProtocolDoc keeps docs/protocol.md in step with the code: every
// protocol ID, topic and rendezvous name, cap, error code, lease op, chunk
// tag, job state, limit and default time it states is computed here from
// the constants the node uses.
func TestProtocolDoc(t *testing.T) {
	data, err := os.ReadFile("../../docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	var want []string
	add := func(format string, args ...any) { want = append(want, fmt.Sprintf(format, args...)) }

	for _, p := range []string{string(ProtocolBid), string(ProtocolNoBid), string(ProtocolOrdersSync), string(ProtocolTranscriptsSync), string(ProtocolLease), string(ProtocolForward), string(dhtPrefix) + "/kad/1.0.0"} {
		add("`%s`", p)
	}
	for _, what := range []string{"orders", "results", "nobids", "market"} {
		add("`/tender/%s/%d/<chainID>/<escrow>`", what, topicVersion)
	}
	if got := marketName("orders", testDomain); got != fmt.Sprintf("/tender/orders/%d/31337/0x5fbdb2315678afecb367f032d93f642f64180aa3", topicVersion) {
		t.Errorf("orders topic of the example market is %s", got)
	}
	sum, err := mh.Sum([]byte(Rendezvous(testDomain)), mh.SHA2_256, -1)
	if err != nil {
		t.Fatal(err)
	}
	add("`%s`", cid.NewCidV1(cid.Raw, sum))
	add("at most %s bytes a message", thousands(maxGossipBytes))
	add("TCP addresses first and its private QUIC ones %d ms later", quicAfterTCP.Milliseconds())
	gp := gossipParams()
	add("Gossip (IHAVE) goes to D_lazy = %d peers outside the mesh each heartbeat\n(gossip factor %g)", gp.Dlazy, gp.GossipFactor)

	for _, c := range []struct {
		name string
		n    int
	}{
		{"signed order", auction.MaxOrderBytes},
		{"signed bid", auction.MaxBidBytes},
		{"signed no-bid", auction.MaxNoBidBytes},
		{"transcript", auction.MaxTranscriptBytes},
		{"reply", maxReplyBytes},
		{"reply error text", maxErrorText},
		{"orders-sync request", maxSyncOrders * 32},
		{"orders-sync orders a reply", maxSyncOrders},
		{"transcripts-sync request", MaxTranscriptRequest * 32},
		{"transcripts-sync no-bids an order", maxKeptNoBids},
		{"lease request", maxLeaseRequestBytes},
		{"lease secrets", maxSecretsBytes},
		{"lease chunk data", maxChunk},
		{"lease chunk trailer", maxTrailerBytes},
	} {
		add("| %s | %d |", c.name, c.n)
	}
	for _, c := range errorCodes() {
		add("| `%s` |", c.code)
	}
	for _, op := range []LeaseOp{OpSecrets, OpInput, OpStatus, OpLogs, OpOutput, OpCancel, OpExec, OpShell} {
		add("| `%s` |", op)
	}
	for _, s := range []JobState{JobAwaitingSecrets, JobStarting, JobRunning, JobExited, JobClosed, JobFailed} {
		add("`%s`", s)
	}
	add("`%d` data (1 to %d bytes), `%d` keepalive", tagData, maxChunk, tagKeepalive)
	add("`%d` end", tagEnd)
	add("`%d` resize (a shell's typing only", tagResize)
	add("at most %d bytes), `%d` end", maxResizeBytes, tagEnd)
	add(`"term": {"cols": <1 to %d>, "rows": <1 to %d>}`, maxTermSide, maxTermSide)
	add("every %d seconds while following logs", int(Config{}.withDefaults().LeaseIdleTimeout.Seconds()/4))
	add("(exec: 1 to %d\n   strings, at most %d bytes in all, none with a NUL)", maxExecArgs, maxExecBytes)
	add("at most %d lease\nstreams a provider holds may be in their handshake", maxHandshakes)
	add("at most %d (of more", maxSyncOrders)
	add("1 to %d of them", MaxTranscriptRequest)
	add("(at most %d)", maxKeptNoBids)
	add("for %d hours", int(KeepTranscriptsFor.Hours()))
	add("a message of %d bytes, its signature", len(auction.Signature{}))
	add("a message of %d bytes, a fresh random challenge", 32)

	d := Config{}.withDefaults()
	add("| a request stream, whole (bids, no-bids, syncs, lease handshakes and replies) | %d s |", int(d.StreamTimeout.Seconds()))
	add("| answering a lease challenge | %d s |", int(d.HandshakeTimeout.Seconds()))
	add("| a lease data stream's silence | %d s |", int(d.LeaseIdleTimeout.Seconds()))
	add("| a forward's silence, both ways | %d s |", int(d.ForwardIdleTimeout.Seconds()))
	add("carries nothing either way for %d\nminutes", int(d.ForwardIdleTimeout.Minutes()))
	add(`{"leaseId": "0x<64 hex>", "op": "%s", "port": <1 to 65535>}`, OpForward)
	add("(`expiry - bidDeadline`) | at most %d s |", auction.MaxLeaseWindow)
	add("| an expired order still ignored rather than rejected | %d s |", int(expiryGrace.Seconds()))
	add("| re-dialing bootstrap peers while disconnected | every %d s |", int(d.BootstrapInterval.Seconds()))
	add("The tenant has %d seconds from the challenge", int(d.HandshakeTimeout.Seconds()))

	perPeer := map[string]int{}
	for _, p := range protocolLimits {
		perPeer[string(p.id)] = p.perPeer
	}
	add("inbound: %d\nbid and %d no-bid streams, %d order-sync, %d transcript-sync, %d lease\nand %d forward streams",
		perPeer[string(ProtocolBid)], perPeer[string(ProtocolNoBid)], perPeer[string(ProtocolOrdersSync)],
		perPeer[string(ProtocolTranscriptsSync)], perPeer[string(ProtocolLease)], perPeer[string(ProtocolForward)])

	for _, w := range want {
		if !strings.Contains(doc, w) {
			t.Errorf("docs/protocol.md does not say %q", w)
		}
	}
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
