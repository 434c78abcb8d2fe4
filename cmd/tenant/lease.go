package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/connect"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	bindings "github.com/tender-market/tender/pkg/lease/escrow"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/tenant"
)

// leaseSettings are the flags every command about one lease shares.
type leaseSettings struct {
	market       connect.Settings
	dir          string
	output       string
	providerPeer string
}

func (s *leaseSettings) addFlags(f *pflag.FlagSet, p2p bool) {
	s.market.AddFlags(f, []string{"/ip4/0.0.0.0/tcp/0", "/ip4/0.0.0.0/udp/0/quic-v1"})
	addLeaseDirFlag(f, &s.dir)
	f.StringVarP(&s.output, "output", "o", "text", "output format: text or json")
	if p2p {
		f.StringVar(&s.providerPeer, "provider-peer", "", "the provider's multiaddr ending in /p2p/<peer ID>, for a lease this machine keeps no record of")
	}
}

func addLeaseDirFlag(f *pflag.FlagSet, dir *string) {
	f.StringVar(dir, "lease-dir", defaultLeaseDir(), "directory of the local lease records tenant submit writes")
}

func defaultLeaseDir() string {
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".tender", "tenant", "leases")
	}
	return filepath.Join(os.TempDir(), "tender-tenant-leases")
}

const leaseHelp = `A lease is named by its ID (0x and 64 hex digits), which tenant submit
prints. Its terms and provider come from the record tenant submit keeps in
--lease-dir; without one, the terms are read from the lease's LeaseOpened
event on chain`

func checkOutput(o string) error {
	if o != "text" && o != "json" {
		return fmt.Errorf("--output %q: want text or json", o)
	}
	return nil
}

func parseLeaseID(s string) (common.Hash, error) {
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		s = "0x" + s
	}
	b, err := hexutil.Decode(s)
	if err != nil || len(b) != common.HashLength {
		return common.Hash{}, fmt.Errorf("lease %q: want 0x and 64 hex digits", s)
	}
	return common.BytesToHash(b), nil
}

// leaseRef is what a command knows about a lease: its terms, where it
// opened, and its provider's peer when known.
type leaseRef struct {
	id     common.Hash
	terms  lease.Terms
	opened uint64
	rec    *tenant.LeaseRecord
	peer   peer.ID
	addrs  []string
}

// resolve finds the lease's terms: the local record, else the chain.
func resolve(ctx context.Context, s *leaseSettings, esc *lease.Client, head uint64, id common.Hash) (*leaseRef, error) {
	ref := &leaseRef{id: id}
	rec, err := tenant.NewLeaseDir(s.dir).Load(id)
	switch {
	case err == nil:
		ref.rec, ref.terms, ref.opened, ref.addrs = rec, rec.Terms(), rec.OpenedBlock, rec.ProviderAddrs
		if ref.peer, err = peer.Decode(rec.ProviderPeer); err != nil {
			return nil, fmt.Errorf("lease record %s: provider peer: %w", id.Hex(), err)
		}
	case errors.Is(err, tenant.ErrNoRecord):
		if ref.terms, ref.opened, err = tenant.TermsFromChain(ctx, esc, id, head); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	if s.providerPeer != "" {
		ai, err := peer.AddrInfoFromString(s.providerPeer)
		if err != nil {
			return nil, fmt.Errorf("--provider-peer %q: want a multiaddr ending in /p2p/<peer ID>: %w", s.providerPeer, err)
		}
		ref.peer, ref.addrs = ai.ID, []string{s.providerPeer}
	}
	return ref, nil
}

// openLease connects (with the market node when p2p) and resolves the lease.
func openLease(ctx context.Context, env *cli.Env, s *leaseSettings, arg string, p2p bool) (*connect.Conn, *leaseRef, uint64, error) {
	if err := checkOutput(s.output); err != nil {
		return nil, nil, 0, err
	}
	id, err := parseLeaseID(arg)
	if err != nil {
		return nil, nil, 0, err
	}
	conn, err := s.market.OpenChain(ctx, os.Getenv, env.Logger)
	if err != nil {
		return nil, nil, 0, err
	}
	head, err := conn.Head(ctx)
	if err != nil {
		conn.Close()
		return nil, nil, 0, err
	}
	ref, err := resolve(ctx, s, conn.Escrow, head, id)
	if err != nil {
		conn.Close()
		return nil, nil, 0, err
	}
	if ref.terms.Tenant != conn.Signer.Address() {
		conn.Close()
		return nil, nil, 0, fmt.Errorf("lease %s belongs to tenant %s, not to this account %s", id.Hex(), ref.terms.Tenant.Hex(), conn.Signer.Address().Hex())
	}
	if !p2p {
		return conn, ref, head, nil
	}
	conn.Close()
	if ref.peer == "" {
		return nil, nil, 0, fmt.Errorf("lease %s: its provider's peer is unknown here: name it with --provider-peer", id.Hex())
	}
	ms := s.market
	ms.Bootstrap = append(append([]string(nil), ms.Bootstrap...), ref.addrs...)
	conn, err = ms.Open(ctx, os.Getenv, env.Logger)
	if err != nil {
		return nil, nil, 0, err
	}
	return conn, ref, head, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// settlement is what a settling transaction did.
type settlement struct {
	Lease    string   `json:"lease"`
	Event    string   `json:"event"`
	Block    uint64   `json:"block"`
	Tx       string   `json:"tx"`
	Paid     *big.Int `json:"paid,omitempty"`
	Refunded *big.Int `json:"refunded,omitempty"`
	Amount   *big.Int `json:"amount,omitempty"`
	Deposit  *big.Int `json:"deposit,omitempty"`
}

func settled(esc *lease.Client, id common.Hash, r *types.Receipt) settlement {
	out := settlement{Lease: id.Hex(), Block: r.BlockNumber.Uint64(), Tx: r.TxHash.Hex()}
	for _, ev := range esc.Events(r) {
		if ev.LeaseID != id {
			continue
		}
		out.Event = ev.Kind.String()
		switch p := ev.Payload.(type) {
		case *bindings.EscrowClosed:
			out.Paid, out.Refunded = p.Paid, p.Refunded
		case *bindings.EscrowReclaimed:
			out.Refunded = p.Refunded
		case *bindings.EscrowToppedUp:
			out.Amount, out.Deposit = p.Amount, p.Deposit
		}
	}
	return out
}

// transact sends one escrow transaction on the lease named by arg, as its
// tenant, and prints what it moved.
func transact(ctx context.Context, env *cli.Env, s *leaseSettings, arg string, send func(context.Context, *connect.Conn, *leaseRef) (*types.Receipt, error)) error {
	conn, ref, _, err := openLease(ctx, env, s, arg, false)
	if err != nil {
		return err
	}
	defer conn.Close()
	r, err := send(ctx, conn, ref)
	if err != nil {
		return err
	}
	return printSettlement(env.Stdout, settled(conn.Escrow, ref.id, r), conn.TokenDecimals, s.output)
}

func printSettlement(w io.Writer, s settlement, decimals uint8, output string) error {
	if output == "json" {
		return writeJSON(w, s)
	}
	fmt.Fprintf(w, "lease    %s\nevent    %s in block %d (tx %s)\n", s.Lease, s.Event, s.Block, s.Tx)
	if s.Paid != nil {
		fmt.Fprintf(w, "paid     %s tokens\n", jobspec.FormatTokens(s.Paid, decimals))
	}
	if s.Refunded != nil {
		fmt.Fprintf(w, "refunded %s tokens\n", jobspec.FormatTokens(s.Refunded, decimals))
	}
	if s.Amount != nil {
		fmt.Fprintf(w, "added    %s tokens; deposit now %s tokens\n", jobspec.FormatTokens(s.Amount, decimals), jobspec.FormatTokens(s.Deposit, decimals))
	}
	return nil
}

func newCancelCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	cmd := &cobra.Command{
		Use:   "cancel LEASE",
		Short: "Stop a lease's job and settle it: pay the seconds it ran, get the rest back",
		Long: `cancel closes the lease on chain as its tenant. The escrow pays the provider
price x seconds since the lease started / 3600 (nothing for a lease that
never started) and refunds the rest of the deposit in the same transaction.
The provider sees the lease close and stops the job.

` + leaseHelp + `.

` + cli.SettingsHelp(),
		Example: `  tenant cancel 0x3f6c...e1 --deployment .devnet/deployment.json --dev-account 1
  tenant cancel 0x3f6c...e1 -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return transact(cmd.Context(), env, &s, args[0], func(ctx context.Context, conn *connect.Conn, ref *leaseRef) (*types.Receipt, error) {
				return conn.Escrow.Close(ctx, conn.Auth, ref.id, ref.terms, -1, common.Hash{})
			})
		},
	}
	s.addFlags(cmd.Flags(), false)
	return cmd
}

func newTopUpCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	cmd := &cobra.Command{
		Use:   "topup LEASE AMOUNT",
		Short: "Add to a lease's deposit so its job may run longer",
		Long: `topup adds AMOUNT to the deposit of an open or running lease, approving the
escrow for it first when needed. AMOUNT is base units of the token
("500000") or whole tokens ("0.5 tokens"). What is not spent comes back when
the lease closes.

` + leaseHelp + `.

` + cli.SettingsHelp(),
		Example: `  tenant topup 0x3f6c...e1 "2 tokens" --deployment .devnet/deployment.json --dev-account 1`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			decimals, err := s.market.Decimals()
			if err != nil {
				return err
			}
			amount, err := jobspec.ParsePrice(args[1], decimals)
			if err != nil {
				return fmt.Errorf("AMOUNT: %w", err)
			}
			return transact(cmd.Context(), env, &s, args[0], func(ctx context.Context, conn *connect.Conn, ref *leaseRef) (*types.Receipt, error) {
				return conn.Escrow.TopUp(ctx, conn.Auth, ref.id, ref.terms, amount)
			})
		},
	}
	s.addFlags(cmd.Flags(), false)
	return cmd
}

func newReclaimCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	cmd := &cobra.Command{
		Use:   "reclaim LEASE",
		Short: "Take the whole deposit back from a lease its provider never started",
		Long: `reclaim refunds the whole deposit of a lease that is still open - its
provider never started it - once the start deadline (opened + the escrow's
start window) has passed. Before the deadline it says when it will be
allowed.

` + leaseHelp + `.

` + cli.SettingsHelp(),
		Example: `  tenant reclaim 0x3f6c...e1 --deployment .devnet/deployment.json --dev-account 1`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return transact(cmd.Context(), env, &s, args[0], func(ctx context.Context, conn *connect.Conn, ref *leaseRef) (*types.Receipt, error) {
				return conn.Escrow.Reclaim(ctx, conn.Auth, ref.id, ref.terms)
			})
		},
	}
	s.addFlags(cmd.Flags(), false)
	return cmd
}

// leaseStatus is what tenant status prints.
type leaseStatus struct {
	Lease         string               `json:"lease"`
	State         string               `json:"state"`
	Tenant        string               `json:"tenant"`
	Provider      string               `json:"provider"`
	PricePerHour  *big.Int             `json:"pricePerHour"`
	MaxDuration   uint64               `json:"maxDurationSeconds"`
	Deposit       *big.Int             `json:"deposit"`
	Paid          *big.Int             `json:"paid"`
	Accrued       *big.Int             `json:"accrued,omitempty"`
	Overdrawn     bool                 `json:"overdrawn,omitempty"`
	Since         uint64               `json:"since"`
	StartDeadline uint64               `json:"startDeadline,omitempty"`
	Job           *network.LeaseStatus `json:"job,omitempty"`
	JobError      string               `json:"jobError,omitempty"`
}

func newStatusCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "status LEASE",
		Short: "Show a lease: its state and money on chain, its job at the provider",
		Long: `status reads the lease from the escrow - state (open, running, closed,
overdrawn, reclaimed), deposit, what was paid, what has accrued, the start
deadline of a lease not started yet - and asks its provider over an
authenticated libp2p stream how the job is doing (state, exit code).

` + leaseHelp + `.

` + cli.SettingsHelp(),
		Example: `  tenant status 0x3f6c...e1 --deployment .devnet/deployment.json --dev-account 1
  tenant status 0x3f6c...e1 -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			conn, ref, _, err := openLease(ctx, env, &s, args[0], false)
			if err != nil {
				return err
			}
			defer conn.Close()
			l, err := conn.Escrow.Lease(ctx, ref.id)
			if err != nil {
				return err
			}
			st := leaseStatus{
				Lease: ref.id.Hex(), State: l.State.String(), Tenant: ref.terms.Tenant.Hex(), Provider: ref.terms.Provider.Hex(),
				PricePerHour: ref.terms.PricePerHour, MaxDuration: ref.terms.MaxDuration,
				Deposit: l.Deposit, Paid: l.Paid, Since: l.Since,
			}
			switch l.State {
			case lease.StateOpen:
				st.StartDeadline = conn.Escrow.StartDeadline(l)
			case lease.StateRunning:
				if st.Accrued, st.Overdrawn, err = conn.Escrow.Accrued(ctx, ref.id, ref.terms); err != nil {
					return err
				}
			}
			conn.Close()
			if ref.peer != "" {
				js, err := jobStatus(ctx, env, &s, ref, timeout)
				if err != nil {
					st.JobError = err.Error()
				} else {
					st.Job = &js
				}
			}
			if s.output == "json" {
				return writeJSON(env.Stdout, st)
			}
			return printStatus(env.Stdout, st, conn.TokenDecimals)
		},
	}
	s.addFlags(cmd.Flags(), true)
	cmd.Flags().DurationVar(&timeout, "provider-timeout", 15*time.Second, "how long to try to reach the provider for the job's status")
	return cmd
}

func jobStatus(ctx context.Context, env *cli.Env, s *leaseSettings, ref *leaseRef, timeout time.Duration) (network.LeaseStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ms := s.market
	ms.Bootstrap = append(append([]string(nil), ms.Bootstrap...), ref.addrs...)
	conn, err := ms.Open(ctx, os.Getenv, env.Logger)
	if err != nil {
		return network.LeaseStatus{}, err
	}
	defer conn.Close()
	lc := conn.Node.Lease(ref.peer, ref.id, conn.Signer)
	var last error
	for {
		st, err := lc.Status(ctx)
		if err == nil {
			return st, nil
		}
		last = err
		select {
		case <-ctx.Done():
			return network.LeaseStatus{}, fmt.Errorf("provider %s: %w", ref.peer, last)
		case <-time.After(300 * time.Millisecond):
		}
	}
}

func printStatus(w io.Writer, st leaseStatus, decimals uint8) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "lease\t%s\n", st.Lease)
	fmt.Fprintf(tw, "state\t%s\n", st.State)
	fmt.Fprintf(tw, "provider\t%s at %s tokens/h, at most %s\n", st.Provider, jobspec.FormatTokens(st.PricePerHour, decimals), time.Duration(st.MaxDuration)*time.Second)
	fmt.Fprintf(tw, "deposit\t%s tokens\n", jobspec.FormatTokens(st.Deposit, decimals))
	fmt.Fprintf(tw, "paid\t%s tokens\n", jobspec.FormatTokens(st.Paid, decimals))
	if st.Accrued != nil {
		over := ""
		if st.Overdrawn {
			over = " (deposit spent: anyone may close it)"
		}
		fmt.Fprintf(tw, "accrued\t%s tokens%s\n", jobspec.FormatTokens(st.Accrued, decimals), over)
	}
	if st.StartDeadline != 0 {
		fmt.Fprintf(tw, "start by\t%s (then the deposit can be reclaimed)\n", time.Unix(int64(st.StartDeadline), 0).UTC().Format(time.RFC3339))
	}
	switch {
	case st.Job != nil:
		code := ""
		if st.Job.ExitCode != nil && !strings.Contains(st.Job.Detail, "exit code") {
			code = fmt.Sprintf(", exit code %d", *st.Job.ExitCode)
		}
		fmt.Fprintf(tw, "job\t%s%s %s\n", st.Job.State, code, st.Job.Detail)
	case st.JobError != "":
		fmt.Fprintf(tw, "job\tunknown: %s\n", st.JobError)
	}
	return tw.Flush()
}

func newLogsCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	var follow bool
	cmd := &cobra.Command{
		Use:   "logs LEASE",
		Short: "Print a lease's job output, following it with -f",
		Long: `logs prints the job's standard output and error as its provider keeps them,
over an authenticated libp2p stream; with -f it keeps printing until the
job ends or the command is interrupted.

` + leaseHelp + `; the provider's peer and addresses come from the record,
or from --provider-peer.

` + cli.SettingsHelp(),
		Example: `  tenant logs 0x3f6c...e1 -f --deployment .devnet/deployment.json --dev-account 1`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			conn, ref, _, err := openLease(ctx, env, &s, args[0], true)
			if err != nil {
				return err
			}
			defer conn.Close()
			lc := conn.Node.Lease(ref.peer, ref.id, conn.Signer)
			return retryPeer(ctx, func() error { return lc.Logs(ctx, follow, env.Stdout) })
		},
	}
	s.addFlags(cmd.Flags(), true)
	cmd.Flags().Lookup("output").Usage = "unused: logs are printed as the job wrote them"
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing until the job ends")
	return cmd
}

// retryPeer retries f for a while when the provider cannot be reached yet
// (the node is still dialing it).
func retryPeer(ctx context.Context, f func() error) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := f()
		var denied bool
		if err != nil {
			denied = errors.Is(err, network.ErrLeaseDenied) || errors.Is(err, network.ErrUnknownLease)
		}
		if err == nil || denied || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// resultsReport is what tenant results prints.
type resultsReport struct {
	Lease      string `json:"lease"`
	File       string `json:"file"`
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`
	ExitCode   int32  `json:"exitCode"`
	ChainMatch bool   `json:"matchesChain"`
}

func newResultsCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	var out string
	cmd := &cobra.Command{
		Use:   "results LEASE",
		Short: "Download a closed lease's /output and check it against the chain",
		Long: `results downloads the /output archive (tar) of a lease whose job has ended
from its provider, and checks its SHA-256 against the result hash the
provider committed on chain when it closed the lease. A mismatch is an
error; the file is kept for inspection.

` + leaseHelp + `; the provider's peer and addresses come from the record,
or from --provider-peer.

` + cli.SettingsHelp(),
		Example: `  tenant results 0x3f6c...e1 --out model.tar --deployment .devnet/deployment.json --dev-account 1`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			conn, ref, head, err := openLease(ctx, env, &s, args[0], true)
			if err != nil {
				return err
			}
			defer conn.Close()
			evs, err := tenant.LeaseHistory(ctx, conn.Escrow, ref.id, ref.opened, head)
			if err != nil {
				return err
			}
			var closed *bindings.EscrowClosed
			for _, ev := range evs {
				if c, ok := ev.Payload.(*bindings.EscrowClosed); ok {
					closed = c
				}
			}
			if closed == nil {
				return fmt.Errorf("lease %s has not closed with a result on chain (up to block %d): results come once the job ended", ref.id.Hex(), head)
			}
			f, err := os.OpenFile(out, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
			if err != nil {
				return fmt.Errorf("--out: %w", err)
			}
			defer f.Close()
			lc := conn.Node.Lease(ref.peer, ref.id, conn.Signer)
			var info network.OutputInfo
			err = retryPeer(ctx, func() error {
				var err error
				info, err = lc.DownloadOutput(ctx, f)
				return err
			})
			if err != nil {
				return fmt.Errorf("download output: %w", err)
			}
			rep := resultsReport{Lease: ref.id.Hex(), File: out, Size: info.Size, SHA256: common.Hash(info.SHA256).Hex(), ExitCode: closed.ExitCode}
			rep.ChainMatch = common.Hash(info.SHA256) == common.Hash(closed.ResultHash)
			if !rep.ChainMatch {
				return fmt.Errorf("%w: %s has SHA-256 %s, the provider committed %s on chain", network.ErrCorrupt, out, rep.SHA256, common.Hash(closed.ResultHash).Hex())
			}
			if s.output == "json" {
				return writeJSON(env.Stdout, rep)
			}
			fmt.Fprintf(env.Stdout, "output   %s (%d bytes, SHA-256 %s matches the chain)\nexit     %d\n", out, rep.Size, rep.SHA256, rep.ExitCode)
			return nil
		},
	}
	s.addFlags(cmd.Flags(), true)
	cmd.Flags().StringVar(&out, "out", "output.tar", "file for the /output archive")
	return cmd
}

func newLeasesCommand(env *cli.Env) *cobra.Command {
	var dir, output string
	cmd := &cobra.Command{
		Use:   "leases",
		Short: "List the leases this machine submitted",
		Long: `leases lists the lease records tenant submit keeps in --lease-dir, oldest
first: lease ID, order, provider, price per hour, deposit and when it was
submitted. A record is written before its lease is opened on chain, so a
lease whose opening failed may be listed with no opened block.`,
		Example: `  tenant leases
  tenant leases -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			recs, err := tenant.NewLeaseDir(dir).List()
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSON(env.Stdout, recs)
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "LEASE\tPROVIDER\tPRICE/H\tDEPOSIT\tOPENED BLOCK\tSUBMITTED")
			for _, r := range recs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", r.LeaseID.Hex(), r.Bid.Bid.Provider.Hex(), r.Bid.Bid.PricePerHour, r.Deposit, r.OpenedBlock, r.Created.Format(time.RFC3339))
			}
			return tw.Flush()
		},
	}
	addLeaseDirFlag(cmd.Flags(), &dir)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
