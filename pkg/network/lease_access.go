package network

import (
	"errors"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/pkg/auction"
)

// Lease streams (/tender/lease/1.0.0) connect a lease's tenant with its
// provider. The tenant opens the stream and names the lease and the
// operation; the provider answers with a fresh random challenge (or, when
// it serves no leases, with its refusal, which is never 32 bytes); the tenant
// signs an auction.LeaseAccess message over it with the lease's tenant key;
// the provider lets the operation run only if that key is the lease's
// tenant, and otherwise refuses with ErrLeaseDenied. This file holds what
// both sides share; lease_server.go is the provider's side, lease_client.go
// the tenant's.

// LeaseOp is an operation on a lease stream.
type LeaseOp string

// Lease operations.
const (
	// OpAward hands the winner the tenant's signed award of the lease
	// (auction.SignedAward, with its permit): the provider opens the
	// lease itself, and pays the gas, once the job is ready to run.
	OpAward LeaseOp = "award"
	// OpSecrets sends the job's secrets (tenant to provider).
	OpSecrets LeaseOp = "secrets"
	// OpInput streams the job's input data (tenant to provider).
	OpInput LeaseOp = "input"
	// OpStatus asks for the lease's status.
	OpStatus LeaseOp = "status"
	// OpLogs streams the job's logs, following them if asked.
	OpLogs LeaseOp = "logs"
	// OpOutput streams the /output archive from an offset.
	OpOutput LeaseOp = "output"
	// OpCancel asks the provider to stop the job gracefully and close the
	// lease with what the job left in /output.
	OpCancel LeaseOp = "cancel"
	// OpExec runs a command in the running job's container, confined as
	// the job is, and streams its output back with its exit status.
	OpExec LeaseOp = "exec"
	// OpShell runs a command in the running job's container on a
	// terminal: the tenant's typing and terminal size go in, what the
	// terminal shows comes back, then the exit status.
	OpShell LeaseOp = "shell"
	// OpForward, on its own protocol (ProtocolForward), connects the
	// stream to a TCP port the lease's job exposes: a tunnel into the
	// service.
	OpForward LeaseOp = "forward"
)

func (op LeaseOp) valid() bool {
	switch op {
	case OpAward, OpSecrets, OpInput, OpStatus, OpLogs, OpOutput, OpCancel, OpExec, OpShell, OpForward:
		return true
	}
	return false
}

// accessDigest is what the tenant signs to run op on lease id at provider,
// answering challenge: an auction.LeaseAccess in the market's domain.
func accessDigest(d auction.Domain, id common.Hash, provider peer.ID, op LeaseOp, challenge [32]byte) common.Hash {
	return d.LeaseAccessHash(&auction.LeaseAccess{LeaseID: id, Provider: provider.String(), Op: string(op), Challenge: challenge})
}

// Errors of lease streams.
var (
	// ErrLeaseDenied: the request was not signed by the lease's tenant.
	ErrLeaseDenied = errors.New("lease access denied")
	// ErrLeaseNotServed: the provider serves no such lease (yet: it may
	// not have seen the lease open on chain). A LeaseHost wraps it so the
	// tenant can tell. Package lease's ErrUnknownLease is another thing: no
	// such lease on chain.
	ErrLeaseNotServed = errors.New("the provider serves no such lease")
	// ErrUnreachable: no stream could be opened to the provider (no
	// address known, or none answered).
	ErrUnreachable = errors.New("cannot reach provider")
	// ErrNoLeaseHost: the node serves no leases.
	ErrNoLeaseHost = errors.New("this node serves no leases")
	// ErrExecOff: the provider runs no commands in its jobs' containers.
	ErrExecOff = errors.New("this provider does not run commands in its jobs' containers")
	// ErrNotExposed: the lease's job does not expose the port a forward
	// asks for.
	ErrNotExposed = errors.New("the job does not expose that port")
	// ErrForwardLimit: the lease has as many forwarded connections open as
	// its provider allows.
	ErrForwardLimit = errors.New("the lease has as many forwarded connections as its provider allows")
	// ErrCorrupt: data arrived whole but its SHA-256 or size is not what
	// the sender declared.
	ErrCorrupt = errors.New("data does not match its SHA-256")
)

// JobState is where a lease's job is, as its provider reports it.
type JobState string

// Job states, in the order a job goes through them; JobFailed can follow
// any but JobClosed.
const (
	// JobAwaitingSecrets: the lease is open on chain; the provider waits
	// for the tenant's input and secrets.
	JobAwaitingSecrets JobState = "awaiting-secrets"
	// JobStarting: the provider starts the container and the lease.
	JobStarting JobState = "starting"
	// JobRunning: the job runs; billing runs.
	JobRunning JobState = "running"
	// JobExited: the job ended; the provider closes the lease.
	JobExited JobState = "exited"
	// JobClosed: the lease is settled on chain; /output can be downloaded
	// if the job left one.
	JobClosed JobState = "closed"
	// JobFailed: the provider could not run the job.
	JobFailed JobState = "failed"
)

// Ended reports whether the job will not run (again): it exited, its lease
// closed, or it failed.
func (s JobState) Ended() bool { return s == JobExited || s == JobClosed || s == JobFailed }

// LeaseStatus is what a provider reports about a lease.
type LeaseStatus struct {
	// State is where the job is.
	State JobState `json:"state"`
	// ExitCode, once the job has ended, is what the provider commits on
	// chain: package lease's ExitCode, the job's exit status and why it
	// ended.
	ExitCode *int32 `json:"exitCode,omitempty"`
	// Detail says more in words.
	Detail string `json:"detail,omitempty"`
	// Since is when the lease entered State.
	Since time.Time `json:"since"`
}

// OutputInfo describes a lease's /output archive.
type OutputInfo struct {
	Size   int64
	SHA256 [32]byte
}

// leaseRequest opens a lease stream.
type leaseRequest struct {
	LeaseID common.Hash `json:"leaseId"`
	Op      LeaseOp     `json:"op"`
	Follow  bool        `json:"follow,omitempty"`
	Offset  int64       `json:"offset,omitempty"`
	// Size is what the input's files hold in all (OpInput), so that the
	// provider can refuse too much before any of it travels.
	Size int64 `json:"size,omitempty"`
	// Command is what OpExec and OpShell run: the program and its
	// arguments.
	Command []string `json:"command,omitempty"`
	// Term is OpShell's terminal size at the start.
	Term *TermSize `json:"term,omitempty"`
	// Port is the job's TCP port OpForward connects to.
	Port uint16 `json:"port,omitempty"`
}

// TermSize is a terminal's size in characters.
type TermSize struct {
	Cols uint16 `json:"cols"`
	Rows uint16 `json:"rows"`
}

// maxTermSide is the most columns or rows a terminal may have.
const maxTermSide = 4096

func (t TermSize) valid() bool {
	return t.Cols >= 1 && t.Rows >= 1 && t.Cols <= maxTermSide && t.Rows <= maxTermSide
}

// validCommand reports whether cmd may be run: 1 to maxExecArgs
// arguments, at most maxExecBytes in all, none with a NUL.
func validCommand(cmd []string) bool {
	if len(cmd) == 0 || len(cmd) > maxExecArgs || cmd[0] == "" {
		return false
	}
	n := 0
	for _, a := range cmd {
		n += len(a)
		if strings.IndexByte(a, 0) >= 0 {
			return false
		}
	}
	return n <= maxExecBytes
}

const (
	// maxExecArgs and maxExecBytes cap an exec's command.
	maxExecArgs  = 64
	maxExecBytes = 8 << 10

	maxLeaseRequestBytes = 16 << 10
	// maxSecretsBytes caps the encoded secrets of a job.
	maxSecretsBytes = 64 << 10
	// maxAwardBytes caps an encoded award with its permit.
	maxAwardBytes = 2 << 10
)
