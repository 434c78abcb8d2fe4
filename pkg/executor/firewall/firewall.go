// Package firewall keeps networked jobs off the provider's host and LAN.
//
// A job that may use the network, or that exposes ports to its provider,
// gets a Docker bridge network of its own, whose bridge is named with
// [BridgePrefix] ("tnd-"). [Install] puts one nftables table, inet
// "tender", into the network namespace of the Docker Engine; it matches
// packets by the bridge they come in on, so it covers every job's network,
// present and future:
//
//   - forward, priority -1 (before Docker's own filter): from a tnd-*
//     bridge, drop all IPv6, everything to another tnd-* bridge, and every
//     IPv4 packet to a range in [Blocked] (private, shared, loopback,
//     link-local with 169.254.169.254, benchmarking, multicast, reserved);
//     toward a tnd-* bridge, drop new connections (nothing outside may
//     open one to a job).
//   - input, priority -1: drop everything that comes in on a tnd-* bridge
//     but replies to connections the host opened, so the host itself is
//     out of reach at every address it has (the bridge's gateway, docker0,
//     its LAN and public addresses).
//
// What is left to a job is outbound traffic to public addresses, and
// nothing for one whose network Docker made internal (a job that only
// exposes ports); the host may still open connections to any job, as its
// provider does to reach the ports it exposes. In nftables a packet that
// any base chain drops is dropped, whatever other tables (Docker's
// iptables rules included) accept, so Docker cannot undo these rules.
// Docker's embedded DNS server answers inside the job's own network
// namespace and needs no exception; it forwards queries from there, so the
// host's resolvers are reachable only when they are on public addresses.
//
// Installing replaces the table in one transaction: it is safe to call at
// every start and before every networked job. The table holds no state, and
// it stays when the provider stops, so jobs that outlive the provider stay
// fenced in.
package firewall

import "net/netip"

// BridgePrefix begins the name of every job network's bridge; the rules
// match it. Linux names are at most 15 bytes, so 11 are left after it.
const BridgePrefix = "tnd-"

// Table is the name of the nftables table (family inet) the rules live in.
const Table = "tender"

// Blocked are the IPv4 ranges a job may not reach: this network (0/8),
// private (RFC 1918), shared address space (RFC 6598, carrier NAT),
// loopback, link-local (cloud metadata services at 169.254.169.254),
// benchmarking (RFC 2544), multicast and reserved (with broadcast).
var Blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("240.0.0.0/4"),
}
