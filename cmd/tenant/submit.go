package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/connect"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/tenant"
)

type submitSettings struct {
	market      connect.Settings
	input       string
	detach      bool
	results     string
	output      cli.Output
	leaseWindow time.Duration
	peerTimeout time.Duration
	leaseDir    string
	deposit     string
	broker      brokerURL
	trusted     []string
	queue       time.Duration
	start       time.Duration
	gasless     bool
	forward     []string
}

// brokerURL is --broker: a broker's http or https URL, checked when set.
type brokerURL string

func (b *brokerURL) String() string { return string(*b) }
func (b *brokerURL) Type() string   { return "URL" }

func (b *brokerURL) Set(v string) error {
	if v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("want the broker's http or https URL, e.g. http://127.0.0.1:8080")
		}
	}
	*b = brokerURL(v)
	return nil
}

func newSubmitCommand(env *cli.Env) *cobra.Command {
	var s submitSettings
	cmd := &cobra.Command{
		Use:   "submit JOB.yaml",
		Short: "Run a job on the market: auction it, pay the winner, follow it to its results",
		Long: `submit runs the job a job spec describes, from order to results:

  1. it checks the spec and signs it into an order (secrets stay off it);
  2. it publishes the order and collects the providers' sealed bids as the
     auctioneer, counting down the bid window (bidWindow in the spec);
  3. it closes the window, picks the winner by the published rule (the
     lowest qualifying price; among equal prices the higher reputation,
     read from --broker, then the earlier bid; with minReputation in the
     spec, a bid from a provider whose reputation is below it does not
     qualify) and publishes the signed transcript, floor included; with
     no winner it says why, with every bid's reason (reputation for one
     below the floor) and every provider's reason for not bidding, and
     while providers are only busy (or none answered) it auctions the job
     again, waiting longer each round, until --queue-timeout; when some
     provider holds what the job needs only for bids on other orders
     whose auctions are about to close (held), the next round comes in
     0.5-1.5 s;
  4. it opens the lease in escrow with a deposit of price x maxDuration
     (approving the token first when needed); with --gasless it signs an
     award of the lease to the winner and an EIP-2612 permit for the
     deposit instead, and the winner opens and starts the lease itself,
     paying the gas, once the job is ready: your account then needs the
     token only, no ETH (the token must take permits, or the escrow be
     approved for the deposit already);
  5. it sends the winner the input (--input DIR, unpacked at /input) and the
     secrets, and waits for it to start the lease on chain; a winner that
     cannot be reached or does not start within --start-timeout has its
     lease closed (the deposit comes back) and the next qualifying bid of
     the auction (never one below minReputation) gets the lease instead;
  6. it follows status and logs until the lease closes (--detach returns
     here), then downloads /output (--results) and checks its SHA-256
     against the hash the provider committed on chain: bytes arrive in
     FILE.partial, renamed to FILE once they match (a FILE already there is
     replaced).

You pay price x seconds the job ran; the rest of the deposit comes back when
the lease closes.

Before the lease is opened, submit writes a record of it (order, winning
bid, provider's peer and addresses) to --lease-dir, which tenant status,
logs, results, cancel, topup, reclaim and leases read.

The job spec (YAML, unknown fields are errors):

  image: tender/example-train:dev # or registry.example/model@sha256:<digest>:
                                  # exactly that content, pulled by providers
                                  # with provider run --pull-images
  command: ["-epochs", "40", "-out", "/output"]
  env: {LOG_LEVEL: info}          # public: part of the signed order
  secrets: {API_TOKEN: ...}       # private: sent to the winner only
  registry: {username: ..., password: ...}
                                  # the image's registry login, private:
                                  # sent with the secrets, used for the pull
  resources:
    gpus: 1
    gpuModels: [H100, H200]       # empty: any model
    minVram: 40Gi
    minComputeCapability: "8.0"
    minCuda: "12.2"
    cpu: "2"                      # cores, or millicores: 1500m
    memory: 16Gi
    disk: 50Gi
    placement: {region: eu-west}
    allowSimulated: false         # true accepts simulated GPUs (demos)
  network: false
  expose: [8000]                  # a service: TCP ports you reach with
                                  # --forward or tenant forward; it runs
                                  # until tenant cancel, maxDuration or
                                  # the deposit's end
  maxDuration: 2h
  maxPricePerHour: "2.5 tokens/h" # or base units: "2500000"
  bidWindow: 30s
  minReputation: 20               # the broker score a provider needs to win
                                  # (default 0: none; needs --broker); your
                                  # rule, published in the transcript
  verify:                         # run on several providers, pay those
    replicas: 2                   # whose results agree (2 or 3; a third
                                  # referees when 2 disagree), or
    # spotCheck: 0.1              # a second run on about 10% of orders
    paths: [model.json]           # the /output files that must agree

The account's key comes from --key-file (a go-ethereum keystore with
--key-password-file, or a file holding the key as hex), from the
environment variable ` + connect.KeyEnv + ` (hex), or, on a local dev chain, from
--dev-account. It is never printed.

Progress goes to standard error; the job's logs and the summary to standard
output. With --output json the summary is one JSON object and the logs go to
standard error.

` + cli.SettingsHelp(),
		Example: `  tenant submit examples/train/job.yaml --deployment .devnet/deployment.json --dev-account 1 \
      --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...
  tenant submit job.yaml --input ./data --results model.tar -o json
  tenant submit job.yaml --detach`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return submit(cmd.Context(), env, &s, args[0])
		},
	}
	f := cmd.Flags()
	cli.AddMarketFlags(f, &s.market, []string{"/ip4/0.0.0.0/tcp/0", "/ip4/0.0.0.0/udp/0/quic-v1"})
	f.StringVar(&s.input, "input", "", "directory sent to the job as /input")
	f.BoolVar(&s.detach, "detach", false, "return once the job is handed to the provider")
	f.StringVar(&s.results, "results", "output.tar", "file for the job's /output archive (empty: do not download)")
	cli.AddOutputFlag(f, &s.output, "summary format: text or json")
	f.DurationVar(&s.leaseWindow, "lease-window", 10*time.Minute, "how long after the bid window the order may still open its lease (at most 1h; providers keep their bids valid for less, 5m by default)")
	f.DurationVar(&s.peerTimeout, "peer-timeout", 30*time.Second, "how long to wait for a market peer before publishing, and to keep trying to reach the winner")
	addLeaseDirFlag(f, &s.leaseDir)
	f.StringVar(&s.deposit, "deposit", "", `deposit instead of price x maxDuration ("1.5 tokens" or base units); the lease is overdrawn, and closed, when it is spent`)
	f.BoolVar(&s.gasless, "gasless", false, "the winner opens the lease and pays the gas: you sign an award and a permit for the deposit, and need no ETH; a winner that has not opened it within --start-timeout (5m when 0) lets the award lapse, nothing paid, and the next qualifying bid is awarded")
	f.DurationVar(&s.start, "start-timeout", 2*time.Minute, "how long the winner has to start the job once handed it; one that does not (or cannot be reached) has its lease closed, the deposit back, and the next qualifying bid is opened instead (0: no wait)")
	f.DurationVar(&s.queue, "queue-timeout", 10*time.Minute, "while providers are busy (or silent), auction the job again, waiting longer each round (0.5-1.5 s after a round where capacity was only held for other auctions), for up to this long (0: once)")
	f.StringSliceVar(&s.trusted, "trusted-tenants", nil, "with --broker: count only these tenants' leases (and your own) in providers' reputations, at most 63 addresses, comma-separated; fresh keys a provider funds to lease from itself then count for nothing")
	f.StringSliceVar(&s.forward, "forward", nil, "for a service (expose in the spec): forward [LOCAL:]PORT from 127.0.0.1 to the job's PORT once it runs, as tenant forward does, until the lease settles (tenant cancel LEASE ends the service); repeatable")
	f.Var(&s.broker, "broker", "broker whose provider reputations are held against the spec's minReputation and break price ties (e.g. http://127.0.0.1:8080); without it every bidder counts 0, and a spec with minReputation is refused")
	return cmd
}

func submit(ctx context.Context, env *cli.Env, s *submitSettings, specPath string) error {
	if s.input != "" {
		if st, err := os.Stat(s.input); err != nil || !st.IsDir() {
			return fmt.Errorf("--input %q is not a directory", s.input)
		}
	}
	fwds, err := parseForwards(s.forward)
	if err != nil {
		return fmt.Errorf("--forward: %w", err)
	}
	decimals, err := s.market.Decimals(ctx)
	if err != nil {
		return err
	}
	job, err := jobspec.ReadFile(specPath, decimals)
	if err != nil {
		return err
	}
	for _, f := range fwds {
		if !slices.Contains(job.Job.Expose, f.Port) {
			return fmt.Errorf("--forward %d: the spec does not expose port %d (add it to expose)", f.Port, f.Port)
		}
	}
	if len(fwds) > 0 && s.detach {
		return errors.New("--forward and --detach: forwarding lasts while submit follows the job; use tenant forward LEASE after --detach")
	}
	if job.MinReputation > 0 && s.broker == "" {
		return tenant.ErrNoReputation // before connecting to anything
	}
	trusted, err := trustedTenants(s.trusted, s.broker)
	if err != nil {
		return err
	}
	var deposit *big.Int
	if s.deposit != "" {
		if deposit, err = jobspec.ParsePrice(s.deposit, decimals); err != nil {
			return fmt.Errorf("--deposit: %w", err)
		}
	}
	conn, err := s.market.Open(ctx, os.Getenv, env.Logger)
	if err != nil {
		return err
	}
	defer conn.Close()
	cfg := tenant.Config{
		Domain: conn.Domain, Signer: conn.Signer, Auth: conn.Auth,
		Market: tenant.OnNode(conn.Node), Escrow: conn.Escrow, LeaseWindow: s.leaseWindow,
		Records: tenant.NewLeaseDir(s.leaseDir), DeployedAt: conn.DeployedAt, PeerTimeout: s.peerTimeout,
		PollInterval: s.market.PollInterval, Logger: env.Logger,
	}
	if s.broker != "" {
		if len(trusted) > 0 && !slices.Contains(trusted, conn.Signer.Address()) {
			trusted = append(trusted, conn.Signer.Address())
		}
		cfg.Reputation = &tenant.BrokerReputation{BaseURL: string(s.broker), Trusted: trusted}
	}
	t, err := tenant.New(cfg)
	if err != nil {
		return err
	}
	var logs io.Writer = env.Stdout
	if s.output.JSON() {
		logs = env.Stderr
	}
	res, err := t.Submit(ctx, job, tenant.Options{
		InputDir: s.input, Detach: s.detach, Logs: logs, OutputFile: s.results, Deposit: deposit, QueueTimeout: s.queue, StartTimeout: s.start, Gasless: s.gasless,
		Forward: fwds, Listening: func(f tenant.PortForward, addr string) { printListening(env.Stderr, f, addr) },
		Progress: func(p tenant.Progress) { printProgress(env.Stderr, p, conn.TokenDecimals) },
	})
	if s.output.JSON() && res != nil {
		if jerr := cli.WriteJSON(env.Stdout, res); jerr != nil && err == nil {
			err = jerr
		}
	}
	if errors.Is(err, lease.ErrNoGasFunds) && !s.gasless {
		err = fmt.Errorf("%w; with the token alone, submit with --gasless: the winner opens the lease and pays its gas", err)
	}
	if err != nil {
		if res != nil && res.LeaseID != (common.Hash{}) {
			err = fmt.Errorf("lease %s: %w", res.LeaseID.Hex(), err)
		}
		return err
	}
	if !s.output.JSON() {
		printSummary(env.Stdout, res, conn.TokenDecimals, memory(job))
	}
	return nil
}

// memory is the job's memory limit as its spec wrote it ("" if none).
func memory(job *jobspec.Job) string {
	if job.Requirements.MemoryMiB == 0 {
		return ""
	}
	return jobspec.FormatSize(job.Requirements.MemoryMiB)
}

func printProgress(w io.Writer, p tenant.Progress, decimals uint8) {
	switch p.Step {
	case tenant.StepWindow:
		fmt.Fprintf(w, "bid window: %s left\n", p.Remaining)
	case tenant.StepReputation, tenant.StepDownloading:
		fmt.Fprintln(w, p.Message)
	case tenant.StepBid:
		b := p.Bid.Bid.Bid
		verdict := "qualifies"
		if p.Bid.Verdict.Reason != "" {
			verdict = string(p.Bid.Verdict.Reason) + ": " + p.Bid.Verdict.Detail
		}
		fmt.Fprintf(w, "bid: %s asks %s tokens/h (%s)\n", b.Provider.Hex(), jobspec.FormatTokens(b.PricePerHour, decimals), verdict)
	default:
		fmt.Fprintf(w, "%s: %s\n", p.Step, p.Message)
	}
}

func printSummary(w io.Writer, r *tenant.Result, decimals uint8, memory string) {
	fmt.Fprintf(w, "order    %s\n", r.OrderHash.Hex())
	if len(r.Replicas) > 0 {
		printReplicas(w, r, decimals, memory)
		return
	}
	fmt.Fprintf(w, "lease    %s\n", r.LeaseID.Hex())
	if r.Winner != nil {
		fmt.Fprintf(w, "provider %s at %s tokens/h\n", r.Winner.Provider.Hex(), jobspec.FormatTokens(r.Winner.PricePerHour, decimals))
	}
	fmt.Fprintf(w, "deposit  %s tokens\n", jobspec.FormatTokens(r.Deposit, decimals))
	if !r.Settled {
		fmt.Fprintln(w, "running  (detached)")
		return
	}
	switch {
	case r.Cancelled:
		fmt.Fprintf(w, "ended    cancelled, exit %s\n", r.ExitCode.Describe(memory))
	case r.Ending == "Closed":
		fmt.Fprintf(w, "exit     %s\n", r.ExitCode.Describe(memory))
	default:
		fmt.Fprintf(w, "ended    %s\n", strings.ToLower(r.Ending))
	}
	fmt.Fprintf(w, "paid     %s tokens, refunded %s\n", jobspec.FormatTokens(r.Paid, decimals), jobspec.FormatTokens(r.Refunded, decimals))
	if r.OutputFile != "" {
		fmt.Fprintf(w, "output   %s (%d bytes, SHA-256 %s matches the chain)\n", r.OutputFile, r.OutputSize, r.ResultHash.Hex())
	}
}

// printReplicas is printSummary for a verified order: a line per replica.
func printReplicas(w io.Writer, r *tenant.Result, decimals uint8, memory string) {
	for _, rep := range r.Replicas {
		fmt.Fprintf(w, "%-8s %s on %s: ", rep.Role, rep.LeaseID.Hex(), rep.Provider.Hex())
		switch {
		case rep.Ending == "":
			fmt.Fprintf(w, "did not run: %s\n", rep.Error)
		case rep.Ending != lease.EventReported.String():
			fmt.Fprintf(w, "ended %s, paid %s tokens\n", strings.ToLower(rep.Ending), jobspec.FormatTokens(rep.Paid, decimals))
		case !r.Settled:
			fmt.Fprintf(w, "exit %s, result digest %s, %s tokens held\n", rep.ExitCode.Describe(memory), rep.ResultDigest.Hex(), jobspec.FormatTokens(rep.Held, decimals))
		case rep.Agreed:
			fmt.Fprintf(w, "exit %s, result digest %s agrees: paid %s tokens\n", rep.ExitCode.Describe(memory), rep.ResultDigest.Hex(), jobspec.FormatTokens(rep.Paid, decimals))
		default:
			fmt.Fprintf(w, "exit %s, result digest %s disagrees: not paid\n", rep.ExitCode.Describe(memory), rep.ResultDigest.Hex())
		}
	}
	fmt.Fprintf(w, "deposit  %s tokens\n", jobspec.FormatTokens(r.Deposit, decimals))
	switch {
	case !r.Settled:
		fmt.Fprintln(w, "settled  not yet: the providers settle the replicas when the escrow allows it")
	case r.ResultHash == (common.Hash{}):
		fmt.Fprintln(w, "majority none: no result was paid for")
	default:
		fmt.Fprintf(w, "majority %s\n", r.ResultHash.Hex())
	}
	if r.Settled {
		fmt.Fprintf(w, "paid     %s tokens, refunded %s\n", jobspec.FormatTokens(r.Paid, decimals), jobspec.FormatTokens(r.Refunded, decimals))
	}
	if r.OutputFile != "" {
		fmt.Fprintf(w, "output   %s (%d bytes, its result digest matches the majority's)\n", r.OutputFile, r.OutputSize)
	}
}

// trustedTenants reads --trusted-tenants, which needs --broker.
func trustedTenants(list []string, broker brokerURL) ([]common.Address, error) {
	if len(list) == 0 {
		return nil, nil
	}
	if broker == "" {
		return nil, errors.New("--trusted-tenants counts leases in the broker's reputations: give --broker too")
	}
	if len(list) > maxTrusted-1 {
		return nil, fmt.Errorf("--trusted-tenants lists %d addresses, at most %d (your own is added)", len(list), maxTrusted-1)
	}
	out := make([]common.Address, 0, len(list))
	for _, v := range list {
		v = strings.TrimSpace(v)
		if !strings.HasPrefix(v, "0x") || !common.IsHexAddress(v) {
			return nil, fmt.Errorf("--trusted-tenants: %q is not an address (0x and 40 hex digits)", v)
		}
		if a := common.HexToAddress(v); !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// maxTrusted is how many trusted tenants a broker takes (its MaxTrusted).
const maxTrusted = 64
