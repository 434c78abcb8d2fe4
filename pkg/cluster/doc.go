// Package cluster runs a provider's leases on a Kubernetes cluster, beside
// the single Docker host of package executor: a GPU owner with several
// machines runs one provider (one identity, wallet and price list) for all
// of them.
//
// The cluster says what it can sell ([Cluster.Nodes]): each node's
// allocatable nvidia.com/gpu (and nvidia.com/mig-<profile> slices, from
// NVIDIA's device plugin) and GPU Feature Discovery's labels (model, memory,
// compute capability, CUDA driver and runtime). A node labelled
// tender.market/simulated-gpus=true has simulated GPUs, and says so.
//
// A lease is a Pod ([PodFor]): restartPolicy Never, activeDeadlineSeconds,
// the order's CPU, memory and GPUs as requests equal to limits, pinned to
// the node of the offer, and hardened as Docker jobs are (non-root user,
// read-only root filesystem, no privilege escalation, every capability
// dropped, the runtime's default seccomp profile, no service account token,
// no host namespaces), with /tmp and /output as size-limited emptyDirs and
// a NetworkPolicy that denies it all traffic. Pods carry their lease ID as a
// label, so a restarted provider finds them again ([Cluster.Find]).
//
// The provider's lease agent (cmd/lease-agent, [Config.AgentImage]) needs
// no shell or tar in the tenant's image. Two init containers come first:
// one installs the agent into the pod, the next runs it in the tenant's
// image (so the image is pulled) to unpack the input into /input and hold
// the job back until the provider launches it ([Cluster.Create],
// [Staged.Launch]): the provider's time before billing, the job's after.
// Beside the job it runs with /output read-only and outlives the job:
// [Cluster.Output] has it archive /output through the API's exec.
//
// A service's ports (Job.Expose, listed in the pod's annotation) are
// reached through the API server's port forward ([Cluster.DialService]),
// past the NetworkPolicy, from wherever the provider runs.
//
// A pod the scheduler cannot place ends [Cluster.Wait] with
// [ErrUnschedulable] and the scheduler's reason; an OOM kill, a deadline
// and an exit code come from the pod's status.
package cluster
