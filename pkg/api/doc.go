// Package api is the broker's HTTP face: a JSON API under /api/v1 (orders,
// auction transcripts and their bids, leases with their on-chain timeline
// and payments, a verified order's replicas and how their group settled,
// providers with reputation and how each score was made, market prices),
// order and transcript submission for clients without a
// libp2p path, /healthz, /metrics for Prometheus, and a server-rendered web
// dashboard with its assets embedded (no external CDN).
//
// docs/openapi.yaml documents every route; a test holds the two together.
// Every error is JSON {"error": "..."} saying what was wrong. Request bodies
// are capped, query parameters are checked strictly (unknown or repeated
// ones are errors), and token amounts travel as decimal strings of base
// units: exact, never floats.
package api
