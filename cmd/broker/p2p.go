package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/indexer"
	"github.com/tender-market/tender/pkg/network"
)

// joinMarket starts the broker's market node: a bootstrap peer for providers
// and tenants that also indexes every valid order and transcript it sees. It
// prints the node's dialable addresses as "p2p: <multiaddr>" lines.
func joinMarket(ctx context.Context, cfg runConfig, domain auction.Domain, stdout io.Writer, log *slog.Logger) (*network.Node, error) {
	boot := make([]peer.AddrInfo, 0, len(cfg.bootstrap))
	for _, s := range cfg.bootstrap {
		ai, err := peer.AddrInfoFromString(s)
		if err != nil {
			return nil, fmt.Errorf("--bootstrap %q: want a multiaddr ending in /p2p/<peer ID>: %w", s, err)
		}
		boot = append(boot, *ai)
	}
	node, err := network.New(ctx, network.Config{
		Domain: domain, KeyFile: cfg.identityFile, ListenAddrs: cfg.p2pListen, Bootstrap: boot, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	for _, a := range node.Addrs() {
		if _, err := a.ValueForProtocol(ma.P_P2P); err != nil {
			a = a.Encapsulate(ma.StringCast("/p2p/" + node.ID().String()))
		}
		fmt.Fprintf(stdout, "p2p: %s\n", a)
	}
	return node, nil
}

// ingestMarket stores what the node sees until ctx is done: orders as they
// are gossiped, transcripts once verified.
func ingestMarket(ctx context.Context, node *network.Node, m *indexer.Market, log *slog.Logger) error {
	orders, transcripts := node.Orders(ctx), node.Transcripts(ctx)
	for {
		select {
		case <-ctx.Done():
			return nil
		case o, ok := <-orders:
			if !ok {
				return nil
			}
			if err := m.IngestOrder(ctx, o); err != nil {
				log.Warn("order not indexed", "order", o.Hash, "err", err)
			}
		case t, ok := <-transcripts:
			if !ok {
				return nil
			}
			if err := m.IngestTranscript(ctx, t.Transcript); err != nil {
				log.Warn("transcript not indexed", "order", t.Order.Hash, "err", err)
			}
		}
	}
}
