package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/connect"
	"github.com/tender-market/tender/pkg/executor"
	"github.com/tender-market/tender/pkg/gpu"
	"github.com/tender-market/tender/pkg/jobspec"
	"github.com/tender-market/tender/pkg/lease"
	"github.com/tender-market/tender/pkg/network"
	"github.com/tender-market/tender/pkg/pricing"
	"github.com/tender-market/tender/pkg/provider"
)

type runSettings struct {
	market         connect.Settings
	sim            string
	prices         string
	cpu            string
	memory         string
	disk           string
	outputLimit    string
	attributes     []string
	workDir        string
	withdrawEvery  time.Duration
	settleEvery    time.Duration
	secretsTimeout time.Duration
	bidHold        time.Duration
	minAward       time.Duration
	retention      time.Duration
	fromBlock      int64
	allowNetwork   bool
	allowServices  bool
	pullImages     bool
	forwardLimit   int
	noExec         bool
	dockerNetNS    string
	executor       string
	kube           kubeSettings
	// cpuSet and memorySet: --cpu and --memory were given, not defaults.
	cpuSet, memorySet bool
}

func newRunCommand(env *cli.Env) *cobra.Command {
	var s runSettings
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Rent out this machine's GPUs: bid on orders and run the jobs won",
		Long: `run joins the market and serves it until interrupted.

For every order it sees it matches the order against the GPUs that are free
(real ones through NVML, or a simulated machine with --gpu-sim), prices the
offer with the price list (--prices), holds the GPUs and sends a signed
sealed bid to the order's auctioneer, or a signed no-bid saying why not
(gpu_model, gpu_memory, busy, held, price_below_floor, network, ...). When
what the order needs is held only for its bids on other orders whose
auctions close within 30 s, it waits for their outcomes while the order's
window allows and bids if they lose; if not, it says held (the tenant tries
again in a moment). Busy: leased, won, held longer, or not for rent. GPUs held for a bid that lost are released
when the auction's transcript arrives or the order lapses.

When a lease naming one of its bids opens in escrow, it waits for the
tenant's input and secrets, starts the container through the Docker Engine
(simulated GPUs are never attached), starts the lease on chain (billing
starts there), withdraws what accrued every --withdraw-every and before the
deposit runs out, and when the job ends closes the lease with the exit code
and the SHA-256 of the /output archive. A replica of a verified order (its
tenant asked for the job to run on several providers, paying those whose
results agree) is not withdrawn from: its close reports the result digest
over the files the order names, and the provider then settles the order's
replicas (every --settle-every until the escrow allows it) to be paid. A job may write to /output as much
as its order's disk (--output-limit when the order asks for none); one found
over that, on checks every few seconds, is stopped, and its lease closes with
no result. Tenants fetch status, logs and /output over authenticated libp2p
streams; a tenant may also run a command in its running job (tenant exec),
confined as the job is, unless --no-exec. The node keeps its libp2p
identity and the market peers it knew in --work-dir, so its peer ID
survives restarts and it finds its way back into the market through any
peer it knew, bootstrap or not; when it loses every peer it says so and
re-dials them all.

Jobs have no network unless their order asks for it and the provider allows
it (--allow-network; otherwise such orders get a no-bid with reason
network). A networked job gets a Docker network of its own from which only
public addresses are reachable: an nftables table (inet tender) in the
Docker Engine's network namespace drops what it sends to this host, to
private, shared and link-local ranges (the LAN, cloud metadata at
169.254.169.254) and to other jobs. That needs root (CAP_NET_ADMIN) and
nftables; with --allow-network the provider installs the table at start and
refuses to start when it cannot.

Services are jobs whose order exposes TCP ports (a model server): they run
until the tenant cancels, the deposit runs out or maxDuration passes, and
bill per second like any lease. With --allow-services (otherwise such
orders get a no-bid with reason services) each gets a Docker network of its
own, internal unless the order also asks for network: the job reaches
nothing, and nothing but this provider reaches the job. The tenant reaches
the exposed ports through its libp2p connection to this provider (tenant
forward): no port is opened on this host. A lease may have --forward-limit
connections open at once; one that carries nothing for --forward-idle is
closed, and all close when the job ends.

With --executor kubernetes the provider sells a Kubernetes cluster's GPUs
instead of this machine's (--kubeconfig, or the cluster it runs in as a pod):
each ready node's allocatable nvidia.com/gpu, less what other workloads' pods
hold, with the model, memory, compute capability and CUDA version from GPU
Feature Discovery's labels (simulated on nodes labelled
tender.market/simulated-gpus=true). An order's GPUs must all be on one node.
A lease is a pod in --namespace, pinned to that node, with the order's CPU,
memory and GPUs as requests and limits, confined as Docker jobs are, and
denied all traffic by a NetworkPolicy (enforced where the cluster's network
plugin enforces them). A lease agent (--agent-image) beside the job stages
its input before billing starts, stops it keeping its /output, and hands the
output over, so the tenant's image needs no shell or tar; it holds 250m of
CPU and 32 MiB beside what the order bought, and offers leave it that room.
Images are used as the nodes have them unless --pull-images; an image named
with a registry login is pulled with it whatever the node has, and its
repository is recorded (cluster/private-images in --work-dir): a lease
without a login that names it pulls it with none, so the registry decides
(refused without --pull-images). --cpu and
--memory default to the ready nodes' allocatable in all. With
--allow-services the provider reaches a service's ports through the API
server's port forward (pods/portforward): it needs no route to the pods,
and their policy still denies everyone else. Network access is not offered
on a cluster yet. README.md says what the provider's account in the
cluster may do (its Role).

The account's key comes from --key-file (a go-ethereum keystore with
--key-password-file, or a file holding the key as hex), from the
environment variable ` + connect.KeyEnv + ` (hex), or, on a local dev chain, from
--dev-account. It is never printed.

The price list (--prices) is YAML:

  gpus:                      # per GPU hour, base units of the token
    - {model: H100, pricePerHour: "2000000"}
    - {model: "A100 MIG 1g.10gb", pricePerHour: "300000"}  # MIG slices
    - {model: "*",  pricePerHour: "900000"}   # whole GPUs of any model

A GPU in MIG mode is sold as its MIG slices, priced only by patterns that
say MIG ("A100 MIG", "MIG 3g.20gb", "MIG"); slices without a price are not
sold.
  cpuPerCoreHour: "10000"    # per 1000 millicores per hour
  memoryPerGiBHour: "1000"
  floor: "50000"             # least asked for any order, per hour
  command: [./price.sh]      # optional: order+offer JSON on stdin, price on stdout
  commandTimeout: 5s

` + cli.SettingsHelp(),
		Example: `  provider run --deployment .devnet/deployment.json --dev-account 2 --gpu-sim dgxh100 --prices prices.yaml
  TENDER_KEY=... provider run --rpc-url https://rpc.example --escrow 0x... --prices prices.yaml \
      --bootstrap /ip4/203.0.113.7/tcp/4001/p2p/12D3KooW... --work-dir /var/lib/tender-provider
  provider run --executor kubernetes --kubeconfig ~/.kube/config --agent-image registry.example/lease-agent:1 \
      --pull-images --deployment .devnet/deployment.json --dev-account 2 --prices prices.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cli.KeepNodeIn("--work-dir").Apply(cmd.Flags(), &s.market, s.workDir)
			s.cpuSet, s.memorySet = cmd.Flags().Changed("cpu"), cmd.Flags().Changed("memory")
			return runProvider(cmd.Context(), env, &s)
		},
	}
	f := cmd.Flags()
	cli.AddMarketFlags(f, &s.market, []string{"/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1"})
	cli.KeepNodeIn("--work-dir").Document(f)
	addGPUSimFlag(cmd, &s.sim)
	f.StringVar(&s.prices, "prices", "", "price list file (YAML, see above); required")
	f.StringVar(&s.cpu, "cpu", fmt.Sprint(runtime.NumCPU()), `CPU to rent out in all: cores ("8") or millicores ("7500m")`)
	f.StringVar(&s.memory, "memory", "8Gi", `memory to rent out in all ("64Gi")`)
	f.StringVar(&s.disk, "disk", "50Gi", `disk to rent out in all ("500Gi")`)
	f.StringVar(&s.outputLimit, "output-limit", "10Gi", `most a job may write to /output when its order asks for no disk ("2Gi"); an order's disk is its job's limit`)
	f.StringSliceVar(&s.attributes, "attribute", nil, "a property orders may require, key=value (region=eu-west); repeatable")
	f.StringVar(&s.workDir, "work-dir", defaultWorkDir(), "directory for the leases' input, logs and output archives")
	f.DurationVar(&s.withdrawEvery, "withdraw-every", 10*time.Minute, "how often to withdraw a running lease's accrued pay")
	f.DurationVar(&s.settleEvery, "settle-every", time.Minute, "how often to try to settle the replicas of a verified order this provider reported for, while the escrow says it is too early")
	f.DurationVar(&s.secretsTimeout, "secrets-timeout", 2*time.Minute, "how long to wait for a tenant's secrets after its lease opens")
	f.DurationVar(&s.retention, "retention", provider.DefaultRetention, "how long a settled lease's files (input, output, log) are kept for its tenant to fetch, then removed")
	f.DurationVar(&s.bidHold, "bid-hold", provider.DefaultBidHold, "how long after an order's bid deadline a bid (and the GPUs it holds) stays valid for the tenant to open the lease")
	f.DurationVar(&s.minAward, "min-award-window", provider.DefaultMinAwardWindow, "the least time a gasless tenant's award (tenant submit --gasless: you open the lease and pay its gas) must leave you to ready the job and open the lease; a shorter one is refused")
	f.Int64Var(&s.fromBlock, "from-block", -1, "block to start reading escrow events from (-1: the chain's head at start)")
	f.BoolVar(&s.noExec, "no-exec", false, "refuse tenants' commands in their running jobs (tenant exec); by default they run, confined as the job is")
	f.BoolVar(&s.allowNetwork, "allow-network", false, "bid on jobs that ask for network access; each gets a network of its own that reaches public addresses only (needs root and nftables)")
	f.BoolVar(&s.allowServices, "allow-services", false, "bid on services (jobs that expose ports); each gets a network of its own that reaches nothing, and only its tenant reaches its ports, through this provider (tenant forward; needs root and nftables)")
	f.BoolVar(&s.market.RelayService, "relay", false, "relay for market peers behind NAT (circuit relay v2: "+network.RelayLimitsText()+"); only for a provider others can dial directly")
	f.BoolVar(&s.pullImages, "pull-images", false, "pull a job's image from its registry when it is not on this machine (with the login the tenant sends, for a private one; an image pulled with a login runs only for leases the registry lets read it); by default images must be built or loaded here")
	f.IntVar(&s.forwardLimit, "forward-limit", provider.DefaultForwardLimit, "most connections a tenant may forward to its service at once")
	f.DurationVar(&s.market.ForwardIdleTimeout, "forward-idle", 15*time.Minute, "how long a forwarded connection may carry nothing either way before it is closed")
	f.StringVar(&s.dockerNetNS, "docker-netns", "", "network namespace of the Docker Engine, when it is not this process's (/run/netns/NAME): networked jobs are fenced in there")
	f.StringVar(&s.executor, "executor", "docker", "where jobs run: docker (this machine, its GPUs through NVML) or kubernetes (a cluster's nodes; see above)")
	f.StringVar(&s.kube.kubeconfig, "kubeconfig", "", "with --executor kubernetes: the cluster's kubeconfig file (empty: the cluster the provider runs in as a pod)")
	f.StringVar(&s.kube.namespace, "namespace", "tender", "with --executor kubernetes: the namespace of the leases' pods")
	f.StringVar(&s.kube.agentImage, "agent-image", defaultAgentImage, "with --executor kubernetes: the lease agent's image (make lease-agent-image builds it), on the nodes or pullable by them")
	return cmd
}

func defaultWorkDir() string {
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".tender", "provider")
	}
	return filepath.Join(os.TempDir(), "tender-provider")
}

func runProvider(ctx context.Context, env *cli.Env, s *runSettings) error {
	if s.prices == "" {
		return fmt.Errorf("--prices is not set: name a price list file (see provider run --help)")
	}
	prices, err := pricing.Load(s.prices)
	if err != nil {
		return err
	}
	cpu, err := jobspec.ParseCPU(s.cpu)
	if err != nil {
		return fmt.Errorf("--cpu: %w", err)
	}
	mem, err := jobspec.ParseSize(s.memory)
	if err != nil {
		return fmt.Errorf("--memory: %w", err)
	}
	disk, err := jobspec.ParseSize(s.disk)
	if err != nil {
		return fmt.Errorf("--disk: %w", err)
	}
	outputLimit, err := jobspec.ParseSize(s.outputLimit)
	if err != nil {
		return fmt.Errorf("--output-limit: %w", err)
	}
	var attrs []auction.Attribute
	for _, a := range s.attributes {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return fmt.Errorf("--attribute %q: want key=value", a)
		}
		if k == auction.AttributeNode {
			return fmt.Errorf("--attribute %q: %s is the market's own: a provider on a cluster names each offer's node with it", a, k)
		}
		attrs = append(attrs, auction.Attribute{Key: k, Value: v})
	}
	log := env.Logger

	if s.forwardLimit < 1 {
		return fmt.Errorf("--forward-limit is %d: want 1 or more", s.forwardLimit)
	}
	var (
		runner    provider.Runner
		alloc     *gpu.Allocator
		inventory gpu.DeviceSource
	)
	switch s.executor {
	case "docker":
		inv, err := gpu.Open(ctx, gpu.Options{Simulate: s.sim, Logger: log})
		if err != nil {
			return err
		}
		defer inv.Close()
		if snap := inv.Snapshot(); !snap.Available {
			log.Warn("no GPUs: offering CPU-only work", "reason", snap.Reason)
		}
		docker, err := executor.Dial(ctx)
		if err != nil {
			return fmt.Errorf("docker engine: %w", err)
		}
		defer docker.Close()
		ex, err := executor.New(docker, executor.Config{
			Logger: log, WorkDir: filepath.Join(s.workDir, "containers"),
			OutputLimit: int64(outputLimit) << 20, EngineNetNS: s.dockerNetNS, PullImages: s.pullImages,
		})
		if err != nil {
			return err
		}
		if s.allowNetwork || s.allowServices {
			if err := ex.PrepareNetwork(ctx); err != nil {
				return fmt.Errorf("--allow-network, --allow-services: %w; or leave them off", err)
			}
		}
		runner, alloc, inventory = ex, gpu.NewAllocator(inv, nil), inv
	case "kubernetes":
		k, err := openKubernetes(ctx, s, outputLimit, log)
		if err != nil {
			return err
		}
		runner, alloc, inventory = k.runner, k.gpus, k.inventory
		clusterCPU, clusterMem := k.inventory.Allocatable()
		if !s.cpuSet {
			cpu = clusterCPU
		}
		if !s.memorySet {
			mem = clusterMem
		}
		log.Info("leases run on a Kubernetes cluster", "gpus", len(k.inventory.Snapshot().Devices), "cpu-millis", cpu, "memory-mib", mem)
	default:
		return fmt.Errorf("--executor %q: want docker or kubernetes", s.executor)
	}

	conn, err := s.market.Open(ctx, os.Getenv, log)
	if err != nil {
		return err
	}
	defer conn.Close()
	from := lease.Cursor{}
	if s.fromBlock >= 0 {
		from.Block = uint64(s.fromBlock)
	} else if from.Block, err = conn.Head(ctx); err != nil {
		return err
	}

	d, err := provider.New(provider.Config{
		Domain: conn.Domain, Signer: conn.Signer, Auth: conn.Auth,
		Market: conn.Node, Escrow: conn.Escrow, Runner: runner, Pricer: prices,
		GPUs: alloc, Inventory: inventory,
		CPUMillis: cpu, MemoryMiB: mem, DiskMiB: disk, Attributes: attrs, AllowNetwork: s.allowNetwork, NoExec: s.noExec,
		AllowServices: s.allowServices, ForwardLimit: s.forwardLimit,
		WorkDir: s.workDir, WatchFrom: from, PollInterval: s.market.PollInterval,
		WithdrawEvery: s.withdrawEvery, SettleEvery: s.settleEvery, SecretsTimeout: s.secretsTimeout, BidHold: s.bidHold, MinAwardWindow: s.minAward, Retention: s.retention,
		Logger: log,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "provider %s on chain %d, peer %s\n", conn.Signer.Address().Hex(), conn.Domain.ChainID, conn.Node.ID())
	for _, a := range conn.Node.Addrs() {
		fmt.Fprintf(env.Stdout, "  listening on %s\n", a)
	}
	return d.Run(ctx)
}
