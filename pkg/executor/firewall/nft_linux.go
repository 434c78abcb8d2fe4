package firewall

import (
	"errors"
	"fmt"
	"net/netip"
	"os"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// Install puts the table into the network namespace at netnsPath (a path
// such as /run/netns/NAME or /proc/PID/ns/net; empty means this process's),
// replacing any table of the same name in one transaction. It needs
// CAP_NET_ADMIN there and a kernel with nftables.
func Install(netnsPath string) error {
	return apply(netnsPath, func(c *nftables.Conn) {
		t := c.AddTable(&nftables.Table{Name: Table, Family: nftables.TableFamilyINet})
		c.DelTable(t)
		t = c.AddTable(&nftables.Table{Name: Table, Family: nftables.TableFamilyINet})
		policy := nftables.ChainPolicyAccept
		forward := c.AddChain(&nftables.Chain{
			Name: "forward", Table: t, Type: nftables.ChainTypeFilter,
			Hooknum: nftables.ChainHookForward, Priority: nftables.ChainPriorityRef(-1), Policy: &policy,
		})
		input := c.AddChain(&nftables.Chain{
			Name: "input", Table: t, Type: nftables.ChainTypeFilter,
			Hooknum: nftables.ChainHookInput, Priority: nftables.ChainPriorityRef(-1), Policy: &policy,
		})
		for _, r := range rules() {
			c.AddRule(&nftables.Rule{Table: t, Chain: forward, Exprs: r})
		}
		// Replies to what the host opened may come back; nothing else.
		c.AddRule(&nftables.Rule{Table: t, Chain: input, Exprs: join(fromJob(), ctState(expr.CtStateBitESTABLISHED|expr.CtStateBitRELATED), accept())})
		c.AddRule(&nftables.Rule{Table: t, Chain: input, Exprs: join(fromJob(), drop())})
	})
}

// Uninstall removes the table from the network namespace at netnsPath; a
// table that is not there is not an error. Networked jobs that still run
// are then no longer fenced in.
func Uninstall(netnsPath string) error {
	return apply(netnsPath, func(c *nftables.Conn) {
		// Adding first makes the delete valid when the table is missing.
		t := c.AddTable(&nftables.Table{Name: Table, Family: nftables.TableFamilyINet})
		c.DelTable(t)
	})
}

// Installed reports whether the table is in the network namespace at
// netnsPath.
func Installed(netnsPath string) (bool, error) {
	var found bool
	err := withConn(netnsPath, func(c *nftables.Conn) error {
		tables, err := c.ListTablesOfFamily(nftables.TableFamilyINet)
		if err != nil {
			return err
		}
		for _, t := range tables {
			found = found || t.Name == Table
		}
		return nil
	})
	return found, err
}

// rules are the forward chain's rules.
func rules() [][]expr.Any {
	rs := [][]expr.Any{
		join(fromJob(), ifname(expr.MetaKeyOIFNAME), drop()),
		join(fromJob(), nfproto(unix.NFPROTO_IPV6), drop()),
	}
	for _, p := range Blocked {
		rs = append(rs, join(fromJob(), nfproto(unix.NFPROTO_IPV4), daddrIn(p), drop()))
	}
	// Toward a job: only what belongs to a connection it opened.
	rs = append(rs, join(ifname(expr.MetaKeyOIFNAME), ctState(expr.CtStateBitNEW), drop()))
	return rs
}

func join(parts ...[]expr.Any) []expr.Any {
	var all []expr.Any
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

// fromJob matches packets that came in on a job network's bridge.
func fromJob() []expr.Any { return ifname(expr.MetaKeyIIFNAME) }

// ifname matches an interface name (in or out, by key) that begins with
// BridgePrefix: comparing only the prefix's bytes is nft's "tnd-*".
func ifname(key expr.MetaKey) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: key, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte(BridgePrefix)},
	}
}

func nfproto(proto byte) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{proto}},
	}
}

// daddrIn matches an IPv4 destination inside p.
func daddrIn(p netip.Prefix) []expr.Any {
	p = p.Masked()
	mask := make([]byte, 4)
	for i := range p.Bits() {
		mask[i/8] |= 0x80 >> (i % 8)
	}
	addr := p.Addr().As4()
	return []expr.Any{
		// The IPv4 destination address: bytes 16-19 of the header.
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 16, Len: 4},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: mask, Xor: make([]byte, 4)},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: addr[:]},
	}
}

// ctState matches packets whose connection tracking state is one of
// states (expr.CtStateBit...).
func ctState(states uint32) []expr.Any {
	return []expr.Any{
		&expr.Ct{Register: 1, Key: expr.CtKeySTATE},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4,
			Mask: binaryutil.NativeEndian.PutUint32(states), Xor: make([]byte, 4)},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: make([]byte, 4)},
	}
}

func drop() []expr.Any   { return []expr.Any{&expr.Verdict{Kind: expr.VerdictDrop}} }
func accept() []expr.Any { return []expr.Any{&expr.Verdict{Kind: expr.VerdictAccept}} }

// apply sends what batch queues as one transaction.
func apply(netnsPath string, batch func(*nftables.Conn)) error {
	return withConn(netnsPath, func(c *nftables.Conn) error {
		batch(c)
		return c.Flush()
	})
}

func withConn(netnsPath string, do func(*nftables.Conn) error) error {
	var opts []nftables.ConnOption
	where := "this process's network namespace"
	if netnsPath != "" {
		f, err := os.Open(netnsPath)
		if err != nil {
			return fmt.Errorf("nftables table %s: network namespace of the Docker Engine: %w", Table, err)
		}
		defer f.Close()
		opts = append(opts, nftables.WithNetNSFd(int(f.Fd())))
		where = "network namespace " + netnsPath
	}
	c, err := nftables.New(opts...)
	if err == nil {
		err = do(c)
	}
	if err != nil {
		err = fmt.Errorf("nftables table %s in %s: %w", Table, where, err)
		if errors.Is(err, unix.EPERM) || errors.Is(err, os.ErrPermission) {
			err = fmt.Errorf("%w (run as root, or with CAP_NET_ADMIN)", err)
		}
		return err
	}
	return nil
}
