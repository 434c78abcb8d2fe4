package lease

import "fmt"

// ExitCode is what a provider commits on chain, with the result hash, when
// it closes a lease: the job's exit status and why the job ended. The low
// byte is the exit status (0-255) of the job's process; the byte above it
// is an ExitReason when the market, not the job, ended it (out of memory,
// out of time, over its output limit, cancelled). NoExitCode (-1) says the
// job has no exit status: it never ran, or its container is gone. A
// provider that knows nothing of reasons closes with the bare status, which
// reads as ExitedByItself.
//
// The escrow keeps it as an int32 in the Closed event; nothing on chain
// depends on its value. Like the result hash, it is the provider's word.
type ExitCode int32

// NoExitCode: the job has no exit status.
const NoExitCode ExitCode = -1

// ExitReason says why a job ended.
type ExitReason uint8

// Exit reasons.
const (
	// ExitedByItself: the job's process ended on its own.
	ExitedByItself ExitReason = iota
	// ExitCancelled: its tenant cancelled the lease.
	ExitCancelled
	// ExitOutOfTime: it ran past its longest run, or past what its deposit
	// pays for.
	ExitOutOfTime
	// ExitOutOfMemory: the kernel killed it for going over its memory
	// limit.
	ExitOutOfMemory
	// ExitOutputLimit: it wrote more to /output than its limit; it has no
	// result.
	ExitOutputLimit
	// ExitProviderFailure: the provider lost the job's end or its result
	// (the job's status, if any, follows; billing stopped at the close).
	ExitProviderFailure
	// ExitNoJob: the provider closed the lease before starting it because
	// its tenant never sent the job (its secrets) in time; nothing was
	// billed.
	ExitNoJob
	exitReasons
)

var exitReasonText = [...]string{"", "cancelled by the tenant", "killed, out of time", "killed, out of memory", "stopped, over its output limit", "the provider failed", "never started, the tenant sent no job"}

func (r ExitReason) String() string {
	if r < exitReasons {
		return exitReasonText[r]
	}
	return fmt.Sprintf("reason %d", uint8(r))
}

// NewExitCode is the exit code of a job whose process exited with status
// (-1: none) for reason. A job with no status keeps only a provider
// failure or no job for its reason (status 255 then); otherwise it has
// none.
func NewExitCode(status int, reason ExitReason) ExitCode {
	if status < 0 || status > 255 {
		if reason != ExitProviderFailure && reason != ExitNoJob {
			return NoExitCode
		}
		status = 255
	}
	return ExitCode(int32(reason)<<8 | int32(status))
}

// Status is the exit status of the job's process, -1 when it has none.
func (c ExitCode) Status() int {
	if c < 0 {
		return -1
	}
	return int(c & 0xff)
}

// Reason is why the job ended.
func (c ExitCode) Reason() ExitReason {
	if c < 0 {
		return ExitedByItself
	}
	return ExitReason(c >> 8 & 0xff)
}

// String says the exit code in words: "0", "137: killed, out of memory",
// "no exit status".
func (c ExitCode) String() string {
	return c.Describe("")
}

// Describe is String with the job's memory limit (as the order gives it,
// "256Mi") named when memory killed it.
func (c ExitCode) Describe(memoryLimit string) string {
	if c < 0 {
		return "no exit status"
	}
	r := c.Reason()
	if r == ExitProviderFailure || r == ExitNoJob {
		return r.String()
	}
	s := fmt.Sprint(c.Status())
	if r != ExitedByItself {
		s += ": " + r.String()
	}
	if r == ExitOutOfMemory && memoryLimit != "" {
		s += " (limit " + memoryLimit + ")"
	}
	return s
}
