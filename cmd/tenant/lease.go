package main

import (
	"context"
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
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/connect"
	"github.com/tender-market/tender/pkg/deployment"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/tenant"
)

// leaseSettings are the flags every command about one lease shares.
type leaseSettings struct {
	market       connect.Settings
	dir          string
	output       cli.Output
	providerPeer string
	cancelGrace  time.Duration
}

func (s *leaseSettings) addFlags(f *pflag.FlagSet, p2p bool) {
	if p2p {
		cli.AddMarketFlags(f, &s.market, []string{"/ip4/0.0.0.0/tcp/0", "/ip4/0.0.0.0/udp/0/quic-v1"})
		f.StringVar(&s.providerPeer, "provider-peer", "", "the provider's multiaddr ending in /p2p/<peer ID>, for a lease this machine keeps no record of")
	} else {
		cli.AddChainFlags(f, &s.market)
	}
	addLeaseDirFlag(f, &s.dir)
	cli.AddOutputFlag(f, &s.output, "")
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

// session is a command's way to one lease: the connection and the tenant
// client over it, and the lease found.
type session struct {
	conn   *connect.Conn
	tenant *tenant.Client
	lease  *tenant.Lease
}

// open connects as the settings say (with a market node when p2p, with
// the key when one is given) and finds the lease named by arg.
func open(ctx context.Context, env *cli.Env, s *leaseSettings, arg string, p2p bool) (*session, error) {
	id, err := parseLeaseID(arg)
	if err != nil {
		return nil, err
	}
	var provider *peer.AddrInfo
	if s.providerPeer != "" {
		if provider, err = peer.AddrInfoFromString(s.providerPeer); err != nil {
			return nil, fmt.Errorf("--provider-peer %q: want a multiaddr ending in /p2p/<peer ID>: %w", s.providerPeer, err)
		}
	}
	var conn *connect.Conn
	if p2p {
		conn, err = s.market.Open(ctx, os.Getenv, env.Logger)
	} else {
		conn, err = s.market.Dial(ctx, os.Getenv, env.Logger)
	}
	if err != nil {
		return nil, err
	}
	cfg := tenant.Config{
		Domain: conn.Domain, Escrow: conn.Escrow, Records: tenant.NewLeaseDir(s.dir),
		DeployedAt: conn.DeployedAt, PollInterval: s.market.PollInterval, CancelGrace: s.cancelGrace, Logger: env.Logger,
	}
	if conn.Signer != nil {
		cfg.Signer, cfg.Auth = conn.Signer, conn.Auth
	}
	if conn.Node != nil {
		cfg.Market = tenant.OnNode(conn.Node)
	}
	t, err := tenant.New(cfg)
	if err == nil {
		var l *tenant.Lease
		if l, err = t.Find(ctx, id, provider); err == nil {
			return &session{conn: conn, tenant: t, lease: l}, nil
		}
	}
	conn.Close()
	return nil, err
}

func (s *session) close() { s.conn.Close() }

// settle runs one escrow transaction on the lease named by arg, as its
// tenant, and prints what it moved.
func settle(ctx context.Context, env *cli.Env, s *leaseSettings, arg string, p2p bool, do func(context.Context, *session) (*tenant.Settlement, error)) error {
	ss, err := open(ctx, env, s, arg, p2p)
	if err != nil {
		return err
	}
	defer ss.close()
	st, err := do(ctx, ss)
	if err != nil {
		return err
	}
	if s.output.JSON() {
		return cli.WriteJSON(env.Stdout, st)
	}
	printSettlement(env.Stdout, st, ss.conn.TokenDecimals)
	return nil
}

func printSettlement(w io.Writer, s *tenant.Settlement, decimals uint8) {
	fmt.Fprintf(w, "lease    %s\nevent    %s in block %d (tx %s)\n", s.Lease, s.Event, s.Block, s.Tx)
	if s.ExitCode != nil {
		by := ""
		if s.ClosedBy != "" {
			by = " (closed by the " + s.ClosedBy + ")"
		}
		fmt.Fprintf(w, "exit     %s%s\n", s.ExitCode, by)
	}
	if s.Paid != nil {
		fmt.Fprintf(w, "paid     %s tokens\n", jobspec.FormatTokens(s.Paid, decimals))
	}
	if s.Refunded != nil {
		fmt.Fprintf(w, "refunded %s tokens\n", jobspec.FormatTokens(s.Refunded, decimals))
	}
	if s.Amount != nil {
		fmt.Fprintf(w, "added    %s tokens; deposit now %s tokens\n", jobspec.FormatTokens(s.Amount, decimals), jobspec.FormatTokens(s.Deposit, decimals))
	}
	if s.ResultHash != nil {
		fmt.Fprintf(w, "result   %s (tenant results %s downloads it)\n", s.ResultHash.Hex(), s.Lease)
	}
}

func newCancelCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	cmd := &cobra.Command{
		Use:   "cancel LEASE",
		Short: "Stop a lease's job and settle it: pay the seconds it ran, get the rest back",
		Long: `cancel stops the lease's job and settles the lease: the escrow pays the
provider price x seconds since the lease started / 3600 (nothing for a lease
that never started) and refunds the rest of the deposit.

It asks the provider, over the lease's authenticated stream, to stop the job
gracefully: the job gets SIGTERM and time to write what it has to /output,
and the provider closes the lease with the hash of that output, which
tenant results (or a tenant submit still following the job) then downloads.
When the provider cannot be reached, refuses, or has not closed the lease
within --grace, cancel closes the lease on chain itself, with no result.

` + leaseHelp + `.

` + cli.SettingsHelp(),
		Example: `  tenant cancel 0x3f6c...e1 --deployment .devnet/deployment.json --dev-account 1
  tenant cancel 0x3f6c...e1 --grace 2m -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return settle(cmd.Context(), env, &s, args[0], true, func(ctx context.Context, ss *session) (*tenant.Settlement, error) {
				return ss.tenant.Cancel(ctx, ss.lease, func(msg string) { fmt.Fprintln(env.Stderr, "cancel: "+msg) })
			})
		},
	}
	s.addFlags(cmd.Flags(), true)
	cmd.Flags().DurationVar(&s.cancelGrace, "grace", time.Minute, "how long the provider has to stop the job and close the lease with its output")
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
the lease closes. The provider follows the top-up and lets the job run until
the new deposit runs out (at most the order's max duration). A running
lease whose deposit has already run out cannot be topped up: its job was
stopped, and the lease can only be closed.

` + leaseHelp + `.

` + cli.SettingsHelp(),
		Example: `  tenant topup 0x3f6c...e1 "2 tokens" --deployment .devnet/deployment.json --dev-account 1`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			decimals, err := s.market.Decimals(cmd.Context())
			if err != nil {
				return err
			}
			amount, err := jobspec.ParsePrice(args[1], decimals)
			if err != nil {
				return fmt.Errorf("AMOUNT: %w", err)
			}
			return settle(cmd.Context(), env, &s, args[0], false, func(ctx context.Context, ss *session) (*tenant.Settlement, error) {
				return ss.tenant.TopUp(ctx, ss.lease, amount)
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
			return settle(cmd.Context(), env, &s, args[0], false, func(ctx context.Context, ss *session) (*tenant.Settlement, error) {
				return ss.tenant.Reclaim(ctx, ss.lease)
			})
		},
	}
	s.addFlags(cmd.Flags(), false)
	return cmd
}

func newStatusCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "status LEASE",
		Short: "Show a lease: its state and money on chain, its job at the provider",
		Long: `status reads the lease from the escrow - state (open, running, closed,
overdrawn, reclaimed), deposit, what was paid, what has accrued, the start
deadline of a lease not started yet, the exit of a closed one - and, when
the tenant's key is given, asks its provider over an authenticated libp2p
stream how the job is doing (state, exit). It changes nothing and needs no
key for the chain's part.

` + leaseHelp + `.

` + cli.SettingsHelp(),
		Example: `  tenant status 0x3f6c...e1 --deployment .devnet/deployment.json --dev-account 1
  tenant status 0x3f6c...e1 --deployment .devnet/deployment.json -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ss, err := open(ctx, env, &s, args[0], s.market.KeyGiven(os.Getenv))
			if err != nil {
				return err
			}
			defer ss.close()
			st, err := ss.tenant.Status(ctx, ss.lease, timeout)
			if err != nil {
				return err
			}
			if s.output.JSON() {
				return cli.WriteJSON(env.Stdout, st)
			}
			return printStatus(env.Stdout, st, ss.conn.TokenDecimals, ss.conn.Signer != nil)
		},
	}
	s.addFlags(cmd.Flags(), true)
	cmd.Flags().DurationVar(&timeout, "provider-timeout", 15*time.Second, "how long to try to reach the provider for the job's status")
	return cmd
}

func printStatus(w io.Writer, st *tenant.Status, decimals uint8, keyed bool) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "lease\t%s\n", st.Lease.Hex())
	fmt.Fprintf(tw, "state\t%s\n", st.StateName)
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
	if st.ExitCode != nil {
		by := ""
		if st.ClosedBy != "" {
			by = ", closed by the " + st.ClosedBy
		}
		fmt.Fprintf(tw, "exit\t%s%s\n", st.ExitCode.Describe(st.MemoryLimit), by)
	}
	switch {
	case st.Job != nil:
		fmt.Fprintf(tw, "job\t%s\n", jobText(st.Job))
	case st.JobError != "":
		fmt.Fprintf(tw, "job\tunknown: %s\n", st.JobError)
	case !keyed:
		fmt.Fprintf(tw, "job\tnot asked: the provider answers the lease's tenant only (give its key)\n")
	}
	return tw.Flush()
}

// jobText is a provider's report in words.
func jobText(js *network.LeaseStatus) string {
	return strings.TrimSpace(string(js.State) + " " + js.Detail)
}

func newLogsCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	var follow bool
	cmd := &cobra.Command{
		Use:   "logs LEASE",
		Short: "Print a lease's job output, following it with -f",
		Long: `logs prints the job's standard output and error as its provider keeps them,
over an authenticated libp2p stream; with -f it keeps printing until the
job ends, then says on standard error how it ended (exited, cancelled,
killed), or until interrupted, which ends it quietly.

` + leaseHelp + `; the provider's peer and addresses come from the record,
or from --provider-peer.

` + cli.SettingsHelp(),
		Example: `  tenant logs 0x3f6c...e1 -f --deployment .devnet/deployment.json --dev-account 1`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ss, err := open(ctx, env, &s, args[0], true)
			if err != nil {
				return err
			}
			defer ss.close()
			end, err := ss.tenant.Logs(ctx, ss.lease, follow, env.Stdout)
			if err != nil {
				return err
			}
			if end != nil {
				fmt.Fprintf(env.Stderr, "job %s\n", jobText(end))
			}
			return nil
		},
	}
	s.addFlags(cmd.Flags(), true)
	cmd.Flags().Lookup("output").Usage = "unused: logs are printed as the job wrote them"
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing until the job ends")
	return cmd
}

func newExecCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	cmd := &cobra.Command{
		Use:   "exec LEASE -- COMMAND [ARG...]",
		Short: "Run a command in a lease's running job",
		Long: `exec runs a command in the lease's running job container, over an
authenticated libp2p stream to its provider: only the lease's tenant gets
through. The command runs confined as the job is (its user, no
capabilities, no new privileges), with no terminal and no input; what it
prints comes back on standard output (its standard error mixed in), and
exec exits with the command's status. The command is a program in the
job's image and its arguments, at most 64 arguments and 8 KiB, not a shell
line; an image without a shell has none to run. A provider may refuse
commands altogether (provider run --no-exec).

` + leaseHelp + `; the provider's peer and addresses come from the record,
or from --provider-peer.

` + cli.SettingsHelp(),
		Example: `  tenant exec 0x3f6c...e1 --deployment .devnet/deployment.json --dev-account 1 -- /train -h
  tenant exec 0x3f6c...e1 -- nvidia-smi`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 || cmd.ArgsLenAtDash() != 1 {
				return errors.New("want the lease, then -- and the command: tenant exec LEASE -- COMMAND [ARG...]")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ss, err := open(ctx, env, &s, args[0], true)
			if err != nil {
				return err
			}
			defer ss.close()
			return commandStatus(ss.tenant.Exec(ctx, ss.lease, args[1:], env.Stdout))
		},
	}
	s.addFlags(cmd.Flags(), true)
	cmd.Flags().Lookup("output").Usage = "unused: the command's output is printed as it comes"
	return cmd
}

// commandStatus is what tenant exits with after a command in a job: err,
// else the command's own status.
func commandStatus(code int, err error) error {
	if err != nil {
		return err
	}
	if code != 0 {
		return cli.ExitStatus(code)
	}
	return nil
}

func newResultsCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	var out string
	cmd := &cobra.Command{
		Use:   "results LEASE",
		Short: "Download a closed lease's /output and check it against the chain",
		Long: `results downloads the /output archive (tar) of a lease whose job has ended
from its provider, and checks its SHA-256 against the result hash the
provider committed on chain when it closed the lease.

Bytes arrive in FILE.partial; an interrupted download resumes from there the
next time. Once the archive is whole and matches the chain it is renamed to
FILE (--out), replacing what was there. A mismatch is an error and keeps
FILE.partial for inspection.

` + leaseHelp + `; the provider's peer and addresses come from the record,
or from --provider-peer.

` + cli.SettingsHelp(),
		Example: `  tenant results 0x3f6c...e1 --out model.tar --deployment .devnet/deployment.json --dev-account 1`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ss, err := open(ctx, env, &s, args[0], true)
			if err != nil {
				return err
			}
			defer ss.close()
			rep, err := ss.tenant.Results(ctx, ss.lease, out, func(p tenant.Progress) { fmt.Fprintln(env.Stderr, p.Message) })
			if err != nil {
				return err
			}
			if s.output.JSON() {
				return cli.WriteJSON(env.Stdout, rep)
			}
			if rep.ResultDigest != "" {
				agreed := "not settled yet"
				if rep.Agreed != nil && *rep.Agreed {
					agreed = "the majority's"
				} else if rep.Agreed != nil {
					agreed = "not the majority's: this replica was not paid"
				}
				fmt.Fprintf(env.Stdout, "output   %s (%d bytes, result digest %s matches the chain; %s)\nexit     %s\n", out, rep.Size, rep.ResultDigest, agreed, rep.ExitCode.Describe(memoryOf(ss.lease)))
				return nil
			}
			fmt.Fprintf(env.Stdout, "output   %s (%d bytes, SHA-256 %s matches the chain)\nexit     %s\n", out, rep.Size, rep.SHA256, rep.ExitCode.Describe(memoryOf(ss.lease)))
			return nil
		},
	}
	s.addFlags(cmd.Flags(), true)
	cmd.Flags().StringVar(&out, "out", "output.tar", "file for the /output archive")
	return cmd
}

// memoryOf is the lease's memory limit as its order gave it, if known.
func memoryOf(l *tenant.Lease) string {
	if l.Record == nil || l.Record.Order.Requirements.MemoryMiB == 0 {
		return ""
	}
	return jobspec.FormatSize(l.Record.Order.Requirements.MemoryMiB)
}

func newLeasesCommand(env *cli.Env) *cobra.Command {
	var s connect.Settings
	var dir string
	var output cli.Output
	cmd := &cobra.Command{
		Use:   "leases",
		Short: "List the leases this machine submitted",
		Long: `leases lists the lease records tenant submit keeps in --lease-dir, oldest
first: lease ID, provider, price per hour and deposit (in tokens, as the
market's token counts them, asked of the token when a chain is named;
base units with -o json), the block it
opened in and when it was submitted. A record is written before its lease
is opened on chain, so a lease whose opening failed may be listed with no
opened block.`,
		Example: `  tenant leases --deployment .devnet/deployment.json
  tenant leases -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			decimals, err := s.Decimals(cmd.Context())
			if err != nil {
				// A listing of this machine's records: shown with what the
				// deployment file or --token-decimals says, and why.
				decimals = s.TokenDecimals
				if dep, derr := deployment.Load(s.Deployment); derr == nil {
					decimals = dep.TokenDecimals
				}
				fmt.Fprintf(env.Stderr, "amounts in tokens of %d decimals, unchecked: %v\n", decimals, err)
			}
			recs, err := tenant.NewLeaseDir(dir).List()
			if err != nil {
				return err
			}
			if output.JSON() {
				return cli.WriteJSON(env.Stdout, recs)
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "LEASE\tPROVIDER\tPRICE/H\tDEPOSIT\tOPENED BLOCK\tSUBMITTED")
			for _, r := range recs {
				opened := "-"
				if r.OpenedBlock > 0 {
					opened = fmt.Sprint(r.OpenedBlock)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.LeaseID.Hex(), r.Bid.Bid.Provider.Hex(),
					tokens(r.Bid.Bid.PricePerHour, decimals), tokens(r.Deposit, decimals), opened, r.Created.Format(time.RFC3339))
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	addLeaseDirFlag(f, &dir)
	f.StringVar(&s.Deployment, "deployment", "", "the market's deployment file: gives the token's decimals")
	f.StringVar(&s.RPCURL, "rpc-url", "", "JSON-RPC endpoint of the chain, whose token says its decimals")
	f.StringVar(&s.Escrow, "escrow", "", "address of the market's escrow contract (0x...)")
	cli.AddTokenDecimalsFlag(f, &s)
	cli.AddOutputFlag(f, &output, "output format: text (amounts in tokens) or json (amounts in base units)")
	return cmd
}

func tokens(v *big.Int, decimals uint8) string {
	if v == nil {
		return "-"
	}
	return jobspec.FormatTokens(v, decimals) + " tokens"
}
