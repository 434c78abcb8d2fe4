package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// stopJob ends the job beside the agent, in a pod whose containers share
// one process namespace: SIGTERM to every process of another container
// than the agent's (by cgroup, which /proc shows to all), then SIGKILL to
// those left after grace. The pod's first process, its sandbox, is left
// alone. It returns once none is left, and says how many it signalled.
func stopJob(proc string, grace time.Duration) (int, error) {
	own, err := os.ReadFile(filepath.Join(proc, "self", "cgroup"))
	if err != nil {
		return 0, fmt.Errorf("the agent's own cgroup: %w", err)
	}
	self := os.Getpid()
	others := func() []int {
		entries, _ := os.ReadDir(proc)
		var pids []int
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == 1 || pid == self {
				continue
			}
			cg, err := os.ReadFile(filepath.Join(proc, e.Name(), "cgroup"))
			if err != nil || bytes.Equal(cg, own) {
				continue // gone meanwhile, or one of the agent's
			}
			pids = append(pids, pid)
		}
		return pids
	}
	first := others()
	signal := func(sig syscall.Signal) {
		for _, pid := range others() {
			if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
				fmt.Fprintf(os.Stderr, "lease-agent: signal %d: %v\n", pid, err)
			}
		}
	}
	// Polling /proc: no event says a process of another container ended.
	// After grace, SIGKILL again at each look, for the children forked
	// meanwhile.
	signal(syscall.SIGTERM)
	term := time.Now().Add(grace)
	kill := term.Add(grace + 5*time.Second)
	for len(others()) > 0 {
		now := time.Now()
		if now.After(kill) {
			return len(first), fmt.Errorf("%d processes still run after SIGKILL", len(others()))
		}
		if now.After(term) {
			signal(syscall.SIGKILL)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return len(first), nil
}
