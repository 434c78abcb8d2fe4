// Package executor runs one lease's job as a container through the Docker
// Engine API.
//
// A job ([Job]) names an image, its command, environment, an input
// directory (mounted read-only at /input), the leased GPUs and its limits.
// The container is hardened by default: no network unless the job allows it
// or exposes ports, every capability dropped, no-new-privileges, a read-only root file system
// with a writable /output and a tmpfs /tmp, a non-root user (65534:65534),
// and limits on memory (no swap), CPU and processes. Leased GPUs are attached
// by UUID through a device request, and only those; GPUs of a simulated
// inventory are never attached.
//
// The image is a local one, or one the engine pulls from its registry when
// it is missing and Config.PullImages allows: a private image with the
// job's credentials (Job.RegistryAuth), which go to the engine for that
// pull only and are never logged or kept. An image pinned by digest
// (name@sha256:...) runs exactly that content: the engine resolves it by
// digest only, never by a local image of the same name, and pulls it by
// digest; a registry without it fails the job with [ErrDigestMismatch].
// Job.OnPull follows a pull (bytes and layers, at most twice a second),
// and a pull that gets no progress for Config.PullStallTimeout (2 minutes)
// is aborted. A job whose pull fails leaves no container behind. A
// private image is its tenant's: a job with credentials has its registry
// check them though the machine has the image, and an image pulled with
// credentials is recorded (in Config.WorkDir, across restarts) so that any
// other job must have the registry let it read the image before it runs;
// a job that cannot is refused with [ErrImageLogin].
//
// A job that allows network gets a Docker network of its own, created with
// its container (in Create) and removed with it (in Remove, and by Cleanup
// after a restart): a bridge named tnd-<hash of the lease>, with no traffic
// between containers. The firewall of package firewall, installed in the
// Docker Engine's network namespace (Config.EngineNetNS) before such a job
// is created or re-attached, lets it reach public addresses only: not the
// host, its LAN, private, shared or link-local ranges (cloud metadata at
// 169.254.169.254), nor other jobs. Where the firewall cannot be installed
// (not root, no nftables), a networked job is refused.
//
// A job may run services: TCP ports of its container (Job.Expose) that the
// provider connects to, to carry a tenant's connections to the job. Such a
// job gets the lease's network even when it does not allow network: then
// an internal one (Docker's Internal: nothing is forwarded from it), with
// the same bridge name and firewall (which keeps it off the host), so that
// the job reaches nothing, not the host, other jobs or the outside, while
// the host can open connections to it.
// [Executor.ServiceAddr] gives the address the provider dials for a port;
// no port is published on the host. The ports are in a container label
// (tender.expose), so a restarted provider gets them back from Attach.
//
// Use:
//
//	cli, err := executor.Dial(ctx)             // or any Engine
//	...
//	ex, err := executor.New(cli, executor.Config{Logger: logger, WorkDir: dir})
//	run, err := ex.Start(ctx, job)             // returns once the job runs
//	res, err := ex.Finish(ctx, run, executor.FinishOptions{Stdout: w, Stderr: w, Output: archive})
//	// res.Exit.Code, res.Exit.Reason, res.Output.SHA256
//
// A tenant's cancel is [Executor.Cancel]; a job that runs past its
// MaxDuration is stopped by [Executor.Wait]. Canceling the context of Wait or
// Finish only stops following the job: it keeps running, so a restarted
// provider can find it again. Containers are labelled with their lease
// (tender.lease=<lease ID>) and named tender-lease-<lease ID>: after a restart,
// [Executor.List] and [Executor.Attach] find them, and [Executor.Cleanup]
// removes those whose lease has closed.
//
// /output is collected as a tar archive ([Executor.Collect]) whose SHA-256 is
// what the provider reports on chain when it closes the lease. A job may
// write at most its output limit there (Job.OutputLimit, default
// Config.OutputLimit, 10 GiB): while it is followed, its output directory is
// measured every Config.OutputCheckInterval (5s), and a job found over the
// limit is stopped with ReasonOutputLimit. Between two measurements a job can
// write past the limit, so leave that much disk spare. An output over the
// limit is never collected: Collect refuses an archive larger than the limit
// plus an allowance for tar headers, and Finish then removes the container
// and its output.
package executor
